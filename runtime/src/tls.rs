//! TLS material for `tcp://` daemons started with `--tlsverify`.
//!
//! Docker's convention is a folder with `ca.pem`, `cert.pem` and `key.pem`; the daemon
//! usually has a private CA, so the CA file (not the system store) decides trust. The
//! host name (or IP SAN, e.g. 127.0.0.1) is verified: a private CA is no reason to
//! accept any certificate it ever signed for any host. The `ring` provider keeps the
//! build free of cmake/nasm.

use crate::error::Error;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// PEM-encoded TLS material for one daemon.
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// CA certificate(s) the daemon's certificate must chain to; `None` = the system's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// Client certificate chain (needed by daemons started with `--tlsverify`).
    pub cert_pem: Option<Vec<u8>>,
    /// Private key of the client certificate (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Option<Vec<u8>>,
    /// Accept any server certificate (Docker's `DOCKER_TLS_VERIFY` unset, or a context's
    /// `SkipTLSVerify`). Encryption without authentication: only for trusted networks.
    pub insecure_skip_verify: bool,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("ca_pem", &self.ca_pem.as_ref().map(|v| v.len()))
            .field("cert_pem", &self.cert_pem.as_ref().map(|v| v.len()))
            .field("key_pem", &self.key_pem.as_ref().map(|_| "<redacted>"))
            .field("insecure_skip_verify", &self.insecure_skip_verify)
            .finish()
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::tls(
            Some(path.to_owned()),
            "cannot read",
            Some(Box::new(e)),
        )),
    }
}

impl TlsConfig {
    /// Loads `ca.pem`, `cert.pem` and `key.pem` from a Docker certificate folder
    /// (`DOCKER_CERT_PATH`), checking each file parses so that errors name the file.
    ///
    /// A missing `ca.pem` means "trust the system roots"; `cert.pem` and `key.pem` must be
    /// both present or both absent.
    pub fn from_cert_dir(dir: impl AsRef<Path>) -> Result<TlsConfig, Error> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(Error::tls(
                Some(dir.to_owned()),
                "certificate folder does not exist",
                None,
            ));
        }
        let (ca, cert, key) = (
            dir.join("ca.pem"),
            dir.join("cert.pem"),
            dir.join("key.pem"),
        );
        let config = TlsConfig {
            ca_pem: read_optional(&ca)?,
            cert_pem: read_optional(&cert)?,
            key_pem: read_optional(&key)?,
            insecure_skip_verify: false,
        };
        match (&config.ca_pem, &config.cert_pem, &config.key_pem) {
            (None, None, None) => {
                return Err(Error::tls(
                    Some(dir.to_owned()),
                    "no ca.pem, cert.pem or key.pem in the certificate folder",
                    None,
                ))
            }
            (_, Some(_), None) => {
                return Err(Error::tls(Some(key), "missing (cert.pem is present)", None))
            }
            (_, None, Some(_)) => {
                return Err(Error::tls(Some(cert), "missing (key.pem is present)", None))
            }
            _ => {}
        }
        if let Some(pem) = &config.ca_pem {
            parse_certs(pem, Some(&ca), "ca_pem")?;
        }
        if let Some(pem) = &config.cert_pem {
            parse_certs(pem, Some(&cert), "cert_pem")?;
        }
        if let Some(pem) = &config.key_pem {
            parse_key(pem, Some(&key))?;
        }
        Ok(config)
    }

    /// Builds the rustls configuration handed to the HTTP client.
    pub(crate) fn to_rustls(&self) -> Result<rustls::ClientConfig, Error> {
        let provider = provider();
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::tls(None, "unsupported protocol versions", Some(Box::new(e))))?;
        let builder = if self.insecure_skip_verify {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyServerCert(provider)))
        } else if let Some(ca) = &self.ca_pem {
            let mut roots = rustls::RootCertStore::empty();
            for cert in parse_certs(ca, None, "ca_pem")? {
                roots.add(cert).map_err(|e| {
                    Error::tls(None, "ca_pem: unusable CA certificate", Some(Box::new(e)))
                })?;
            }
            builder.with_root_certificates(roots)
        } else {
            let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(|e| {
                Error::tls(
                    None,
                    "cannot load the system's root certificates",
                    Some(Box::new(e)),
                )
            })?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        };
        let mut config = match (&self.cert_pem, &self.key_pem) {
            (Some(cert), Some(key)) => {
                let chain = parse_certs(cert, None, "cert_pem")?;
                let key = parse_key(key, None)?;
                builder.with_client_auth_cert(chain, key).map_err(|e| {
                    Error::tls(
                        None,
                        "client certificate and key do not match",
                        Some(Box::new(e)),
                    )
                })?
            }
            (None, None) => builder.with_no_client_auth(),
            _ => {
                return Err(Error::tls(
                    None,
                    "cert_pem and key_pem must be given together",
                    None,
                ))
            }
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A config for transports that never speak TLS: the HTTP client needs *some* TLS
/// backend, and without a process-wide default provider it would panic.
pub(crate) fn unused_config() -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}

fn parse_certs(
    pem: &[u8],
    file: Option<&Path>,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::tls(
                file.map(PathBuf::from),
                format!("{what}: invalid PEM"),
                Some(Box::new(e)),
            )
        })?;
    if certs.is_empty() {
        return Err(Error::tls(
            file.map(PathBuf::from),
            format!("{what}: no CERTIFICATE block found"),
            None,
        ));
    }
    Ok(certs)
}

fn parse_key(pem: &[u8], file: Option<&Path>) -> Result<PrivateKeyDer<'static>, Error> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
        Error::tls(
            file.map(PathBuf::from),
            "key_pem: no usable private key (PKCS#8, PKCS#1 or SEC1 PEM expected)",
            Some(Box::new(e)),
        )
    })
}

/// Skips certificate validation but still checks handshake signatures, which is what
/// Docker's `InsecureSkipVerify` amounts to.
#[derive(Debug)]
struct AcceptAnyServerCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("dockwright-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn missing_folder_is_named() {
        let err = TlsConfig::from_cert_dir("/nonexistent/dockwright-certs").unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/dockwright-certs"),
            "{err}"
        );
    }

    #[test]
    fn garbage_ca_names_the_file() {
        let dir = temp_dir("garbage");
        std::fs::write(dir.join("ca.pem"), "not a certificate").unwrap();
        let err = TlsConfig::from_cert_dir(&dir).unwrap_err();
        match &err {
            Error::Tls { file: Some(f), .. } => assert_eq!(f, &dir.join("ca.pem")),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("ca.pem"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn cert_without_key_names_the_missing_key() {
        let dir = temp_dir("nokey");
        std::fs::write(dir.join("cert.pem"), "x").unwrap();
        let err = TlsConfig::from_cert_dir(&dir).unwrap_err();
        assert!(
            matches!(&err, Error::Tls { file: Some(f), .. } if f.ends_with("key.pem")),
            "{err:?}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn debug_hides_the_key() {
        let tls = TlsConfig {
            key_pem: Some(b"-----BEGIN PRIVATE KEY-----secret".to_vec()),
            ..Default::default()
        };
        assert!(!format!("{tls:?}").contains("secret"));
    }
}
