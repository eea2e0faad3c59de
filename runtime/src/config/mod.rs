//! Where the daemon is: `DOCKER_HOST` and friends, or a Docker CLI context.
//!
//! Resolution follows the Docker CLI so that a program using this crate talks to the
//! same daemon as `docker` in the same shell. Every function takes the environment as a
//! lookup closure, so tests never have to mutate the process environment.

pub(crate) mod context;
pub(crate) mod env;

use crate::tls::TlsConfig;

/// Host URL and TLS material resolved from the environment.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// `unix://...`, `tcp://...`, `http(s)://...`.
    pub host: String,
    /// `Some` when the connection must use TLS.
    pub tls: Option<TlsConfig>,
    /// Context the settings came from (`default` for `DOCKER_HOST` rules); kept so tests
    /// can tell which rule applied.
    #[cfg_attr(not(test), allow(dead_code))]
    pub context: String,
}
