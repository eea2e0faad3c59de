//! Registry credentials sent in the `X-Registry-Auth` / `X-Registry-Config` headers.
//!
//! The daemon decodes these headers with Go's padded URL-safe base64 and the lowercase
//! JSON names below; anything else is silently treated as "no credentials".

use serde::{Deserialize, Serialize};

/// Credentials for one registry.
///
/// `Debug` hides the secrets so that a logged request or error never leaks them.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthConfig {
    /// The user name, as given to `docker login`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password, or a personal access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// An e-mail address; old registries asked for one, the daemon still passes it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The registry these credentials are for (`https://index.docker.io/v1/`,
    /// `127.0.0.1:5000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serveraddress: Option<String>,
    /// Token from a previous `/auth` response, used instead of a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identitytoken: Option<String>,
    /// Bearer token handed directly to the registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registrytoken: Option<String>,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("AuthConfig")
            .field("username", &self.username)
            .field("password", &redact(&self.password))
            .field("email", &self.email)
            .field("serveraddress", &self.serveraddress)
            .field("identitytoken", &redact(&self.identitytoken))
            .field("registrytoken", &redact(&self.registrytoken))
            .finish()
    }
}

#[cfg(feature = "client")]
pub(crate) fn encode_header<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    use base64::Engine as _;
    let json = serde_json::to_vec(value)?;
    Ok(base64::engine::general_purpose::URL_SAFE.encode(json))
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;
    use base64::Engine as _;
    use std::collections::BTreeMap;

    fn decode(header: &str) -> serde_json::Value {
        let raw = base64::engine::general_purpose::URL_SAFE
            .decode(header)
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    }

    #[test]
    fn header_is_padded_urlsafe_base64_of_lowercase_json() {
        let auth = AuthConfig {
            username: Some("me".into()),
            password: Some("p>?s~s".into()),
            serveraddress: Some("registry.example:5000".into()),
            ..Default::default()
        };
        let header = encode_header(&auth).unwrap();
        assert!(!header.contains('+') && !header.contains('/'), "{header}");
        assert_eq!(header.len() % 4, 0, "Go's URLEncoding wants padding");
        assert_eq!(
            decode(&header),
            serde_json::json!({"username": "me", "password": "p>?s~s", "serveraddress": "registry.example:5000"})
        );
    }

    #[test]
    fn registry_config_is_a_map_by_server() {
        let mut map = BTreeMap::new();
        map.insert(
            "https://index.docker.io/v1/".to_owned(),
            AuthConfig {
                identitytoken: Some("tok".into()),
                ..Default::default()
            },
        );
        assert_eq!(
            decode(&encode_header(&map).unwrap()),
            serde_json::json!({"https://index.docker.io/v1/": {"identitytoken": "tok"}})
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let auth = AuthConfig {
            username: Some("me".into()),
            password: Some("hunter2".into()),
            identitytoken: Some("idtok-secret".into()),
            registrytoken: Some("regtok-secret".into()),
            ..Default::default()
        };
        let dbg = format!("{auth:?}");
        assert!(dbg.contains("\"me\""), "{dbg}");
        for secret in ["hunter2", "idtok-secret", "regtok-secret"] {
            assert!(!dbg.contains(secret), "{dbg}");
        }
        assert!(dbg.contains("<redacted>"));
    }
}
