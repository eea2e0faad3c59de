//! Docker CLI contexts (`docker context use NAME`).
//!
//! The CLI stores each context under a folder named by the SHA-256 of its name:
//! `contexts/meta/<hex>/meta.json` for the endpoint and `contexts/tls/<hex>/docker/`
//! for its certificates.

use super::Resolved;
use crate::error::Error;
use crate::tls::TlsConfig;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The context that means "use DOCKER_HOST and the TLS variables".
pub(crate) const DEFAULT_CONTEXT: &str = "default";

/// Folder name the CLI uses for a context.
pub(crate) fn context_id(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default, rename = "currentContext")]
    current_context: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default, rename = "Endpoints")]
    endpoints: std::collections::HashMap<String, Endpoint>,
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(default, rename = "Host")]
    host: Option<String>,
    #[serde(default, rename = "SkipTLSVerify")]
    skip_tls_verify: bool,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::config(format!("{} is not valid: {e}", path.display())))
}

/// `currentContext` from `config.json`, if the file and the key exist.
pub(crate) fn current_context(config_dir: &Option<PathBuf>) -> Result<Option<String>, Error> {
    let Some(dir) = config_dir else {
        return Ok(None);
    };
    let config: Option<ConfigFile> = read_json(&dir.join("config.json"))?;
    Ok(config
        .and_then(|c| c.current_context)
        .filter(|c| !c.is_empty()))
}

/// Loads a named (non-default) context.
pub(crate) fn load(config_dir: &Path, name: &str) -> Result<Resolved, Error> {
    let id = context_id(name);
    let meta_path = config_dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let meta: Meta = read_json(&meta_path)?.ok_or_else(|| {
        Error::config(format!(
            "Docker context {name:?} not found (no {})",
            meta_path.display()
        ))
    })?;
    let endpoint = meta.endpoints.get("docker").ok_or_else(|| {
        Error::config(format!(
            "Docker context {name:?} has no docker endpoint ({})",
            meta_path.display()
        ))
    })?;
    let host = endpoint
        .host
        .clone()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            Error::config(format!(
                "Docker context {name:?} has no Endpoints.docker.Host ({})",
                meta_path.display()
            ))
        })?;
    let tls_dir = config_dir
        .join("contexts")
        .join("tls")
        .join(&id)
        .join("docker");
    // Like the CLI: TLS when the context stores certificates or asks to skip verification.
    let tls = if host.starts_with("unix://") {
        None
    } else if tls_dir.is_dir() {
        let mut tls = TlsConfig::from_cert_dir(&tls_dir)?;
        tls.insecure_skip_verify = endpoint.skip_tls_verify;
        Some(tls)
    } else if endpoint.skip_tls_verify {
        Some(TlsConfig {
            insecure_skip_verify: true,
            ..TlsConfig::default()
        })
    } else {
        None
    };
    Ok(Resolved {
        host,
        tls,
        context: name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env::tests::{env, resolve_with, tempdir, TEST_CA};

    fn write_context(config_dir: &Path, name: &str, meta: serde_json::Value) -> PathBuf {
        let dir = config_dir.join("contexts/meta").join(context_id(name));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
        config_dir
            .join("contexts/tls")
            .join(context_id(name))
            .join("docker")
    }

    #[test]
    fn context_folder_is_sha256_of_the_name() {
        // sha256("default") and sha256("remote"), as the Docker CLI names the folders.
        assert_eq!(
            context_id("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
        assert_eq!(context_id("remote").len(), 64);
        assert_ne!(context_id("remote"), context_id("Remote"));
    }

    #[test]
    fn current_context_from_config_json() {
        let cfg = tempdir("ctx-current");
        write_context(
            &cfg,
            "remote",
            serde_json::json!({"Name": "remote", "Metadata": {}, "Endpoints": {"docker": {"Host": "tcp://192.0.2.10:2375", "SkipTLSVerify": false}}}),
        );
        std::fs::write(
            cfg.join("config.json"),
            r#"{"auths": {}, "currentContext": "remote"}"#,
        )
        .unwrap();
        let r = resolve_with(&env(&[("DOCKER_CONFIG", cfg.to_str().unwrap())])).unwrap();
        assert_eq!(r.context, "remote");
        assert_eq!(r.host, "tcp://192.0.2.10:2375");
        assert!(r.tls.is_none());
    }

    #[test]
    fn docker_context_overrides_config_json_and_loads_tls() {
        let cfg = tempdir("ctx-env");
        std::fs::write(cfg.join("config.json"), r#"{"currentContext": "other"}"#).unwrap();
        let tls_dir = write_context(
            &cfg,
            "secure",
            serde_json::json!({"Name": "secure", "Endpoints": {"docker": {"Host": "tcp://127.0.0.1:2376", "SkipTLSVerify": true}}}),
        );
        std::fs::create_dir_all(&tls_dir).unwrap();
        std::fs::write(tls_dir.join("ca.pem"), TEST_CA).unwrap();
        let r = resolve_with(&env(&[
            ("DOCKER_CONFIG", cfg.to_str().unwrap()),
            ("DOCKER_CONTEXT", "secure"),
        ]))
        .unwrap();
        assert_eq!(r.context, "secure");
        assert_eq!(r.host, "tcp://127.0.0.1:2376");
        let tls = r.tls.expect("context has TLS material");
        assert_eq!(tls.ca_pem.as_deref(), Some(TEST_CA.as_bytes()));
        assert!(tls.cert_pem.is_none());
        assert!(tls.insecure_skip_verify);
    }

    #[test]
    fn default_context_name_uses_docker_host_rules() {
        let cfg = tempdir("ctx-default");
        std::fs::write(cfg.join("config.json"), r#"{"currentContext": "default"}"#).unwrap();
        let r = resolve_with(&env(&[("DOCKER_CONFIG", cfg.to_str().unwrap())])).unwrap();
        assert_eq!(r.host, "unix:///var/run/docker.sock");
    }

    #[test]
    fn home_is_used_without_docker_config() {
        let home = tempdir("ctx-home");
        let cfg = home.join(".docker");
        std::fs::create_dir_all(&cfg).unwrap();
        write_context(
            &cfg,
            "viahome",
            serde_json::json!({"Endpoints": {"docker": {"Host": "unix:///run/viahome.sock"}}}),
        );
        std::fs::write(cfg.join("config.json"), r#"{"currentContext": "viahome"}"#).unwrap();
        let r = resolve_with(&env(&[("HOME", home.to_str().unwrap())])).unwrap();
        assert_eq!(r.host, "unix:///run/viahome.sock");
    }

    #[test]
    fn missing_context_names_the_meta_file() {
        let cfg = tempdir("ctx-missing");
        let err = resolve_with(&env(&[
            ("DOCKER_CONFIG", cfg.to_str().unwrap()),
            ("DOCKER_CONTEXT", "nope"),
        ]))
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("\"nope\"") && msg.contains(&context_id("nope")),
            "{msg}"
        );
    }

    #[test]
    fn broken_config_json_is_reported() {
        let cfg = tempdir("ctx-broken");
        std::fs::write(cfg.join("config.json"), "{not json").unwrap();
        let err = resolve_with(&env(&[("DOCKER_CONFIG", cfg.to_str().unwrap())])).unwrap_err();
        assert!(err.to_string().contains("config.json"), "{err}");
    }
}
