//! `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, `DOCKER_CONFIG`, `DOCKER_CONTEXT`.

use super::{context, Resolved};
use crate::error::Error;
use crate::tls::TlsConfig;
use std::path::PathBuf;

/// The daemon address when nothing is configured.
pub(crate) const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// A source of environment variables; `std::env::var` in production, a map in tests.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads a variable, treating the empty string as unset like the Docker CLI does.
pub(crate) fn var(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.is_empty())
}

/// `$DOCKER_CONFIG`, else `~/.docker`.
pub(crate) fn config_dir(lookup: Lookup<'_>) -> Result<PathBuf, Error> {
    if let Some(dir) = var(lookup, "DOCKER_CONFIG") {
        return Ok(PathBuf::from(dir));
    }
    var(lookup, "HOME")
        .map(|home| PathBuf::from(home).join(".docker"))
        .ok_or_else(|| {
            Error::config(
                "neither DOCKER_CONFIG nor HOME is set: cannot find the Docker config folder",
            )
        })
}

/// Resolves the daemon the Docker CLI would talk to in this environment.
///
/// Precedence (as in the CLI): `DOCKER_HOST` (the "default" context), then
/// `DOCKER_CONTEXT`, then `currentContext` of `config.json`, then the default context.
pub(crate) fn resolve(lookup: Lookup<'_>) -> Result<Resolved, Error> {
    if var(lookup, "DOCKER_HOST").is_some() {
        return default_context(lookup);
    }
    let name = match var(lookup, "DOCKER_CONTEXT") {
        Some(name) => Some(name),
        None => context::current_context(&config_dir_if_known(lookup))?,
    };
    match name.as_deref() {
        None | Some(context::DEFAULT_CONTEXT) => default_context(lookup),
        Some(name) => context::load(&config_dir(lookup)?, name),
    }
}

fn config_dir_if_known(lookup: Lookup<'_>) -> Option<PathBuf> {
    config_dir(lookup).ok()
}

/// The "default" context: `DOCKER_HOST` plus the TLS variables.
fn default_context(lookup: Lookup<'_>) -> Result<Resolved, Error> {
    let host = var(lookup, "DOCKER_HOST").unwrap_or_else(|| DEFAULT_HOST.to_owned());
    let verify = var(lookup, "DOCKER_TLS_VERIFY").is_some();
    let cert_path = var(lookup, "DOCKER_CERT_PATH");
    // The CLI enables TLS for DOCKER_TLS / DOCKER_TLS_VERIFY; Go's client.FromEnv also for
    // a DOCKER_CERT_PATH alone. Verification is on only with DOCKER_TLS_VERIFY.
    let wants_tls = verify || var(lookup, "DOCKER_TLS").is_some() || cert_path.is_some();
    let tls = if wants_tls && !host.starts_with("unix://") {
        let dir = match cert_path {
            Some(dir) => PathBuf::from(dir),
            None => config_dir(lookup)?,
        };
        let mut tls = if verify || dir.is_dir() {
            TlsConfig::from_cert_dir(&dir)?
        } else {
            TlsConfig::default()
        };
        tls.insecure_skip_verify = !verify;
        Some(tls)
    } else {
        None
    };
    Ok(Resolved {
        host,
        tls,
        context: context::DEFAULT_CONTEXT.to_owned(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(crate) fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    pub(crate) fn resolve_with(vars: &HashMap<String, String>) -> Result<Resolved, Error> {
        resolve(&|k: &str| vars.get(k).cloned())
    }

    #[test]
    fn nothing_set_means_the_default_socket() {
        let dir = tempdir("empty");
        let r = resolve_with(&env(&[("DOCKER_CONFIG", dir.to_str().unwrap())])).unwrap();
        assert_eq!(r.host, "unix:///var/run/docker.sock");
        assert!(r.tls.is_none());
        assert_eq!(r.context, "default");
    }

    #[test]
    fn docker_host_wins_over_docker_context() {
        let r = resolve_with(&env(&[
            ("DOCKER_HOST", "tcp://10.1.2.3:2375"),
            ("DOCKER_CONTEXT", "does-not-exist"),
        ]))
        .unwrap();
        assert_eq!(r.host, "tcp://10.1.2.3:2375");
        assert!(r.tls.is_none());
    }

    #[test]
    fn empty_values_count_as_unset() {
        let dir = tempdir("emptyvals");
        let r = resolve_with(&env(&[
            ("DOCKER_HOST", ""),
            ("DOCKER_TLS_VERIFY", ""),
            ("DOCKER_CONFIG", dir.to_str().unwrap()),
        ]))
        .unwrap();
        assert_eq!(r.host, DEFAULT_HOST);
        assert!(r.tls.is_none());
    }

    #[test]
    fn tls_verify_loads_the_cert_path_and_names_a_missing_folder() {
        let err = resolve_with(&env(&[
            ("DOCKER_HOST", "tcp://127.0.0.1:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/nonexistent/certs"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/certs"), "{err}");

        let dir = tempdir("certs");
        std::fs::write(dir.join("ca.pem"), TEST_CA).unwrap();
        let r = resolve_with(&env(&[
            ("DOCKER_HOST", "tcp://127.0.0.1:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", dir.to_str().unwrap()),
        ]))
        .unwrap();
        let tls = r.tls.expect("TLS requested");
        assert_eq!(tls.ca_pem.as_deref(), Some(TEST_CA.as_bytes()));
        assert!(!tls.insecure_skip_verify);
    }

    #[test]
    fn cert_path_without_verify_skips_verification() {
        let dir = tempdir("noverify");
        std::fs::write(dir.join("ca.pem"), TEST_CA).unwrap();
        let r = resolve_with(&env(&[
            ("DOCKER_HOST", "tcp://127.0.0.1:2376"),
            ("DOCKER_CERT_PATH", dir.to_str().unwrap()),
        ]))
        .unwrap();
        assert!(r.tls.unwrap().insecure_skip_verify);
    }

    #[test]
    fn tls_variables_do_not_apply_to_unix_sockets() {
        let r = resolve_with(&env(&[
            ("DOCKER_HOST", "unix:///run/x.sock"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/nonexistent"),
        ]))
        .unwrap();
        assert!(r.tls.is_none());
    }

    /// A fresh, empty temporary folder unique to this test process.
    pub(crate) fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("dockwright-env-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Valid PEM framing around bytes that are not a real certificate: loading only
    /// checks the PEM layer, which is all these tests need.
    pub(crate) const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
ZG9ja3dyaWdodCB0ZXN0OiBQRU0tdmFsaWQsIG5vdCBhIHJlYWwgY2VydGlmaWNhdGU=
-----END CERTIFICATE-----
";
}
