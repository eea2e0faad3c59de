//! Working with image registries as the Docker CLI does: which registry an image
//! reference names, where `docker login` left the credentials for it, and (feature
//! `progress`) the pull/push display of one progress bar per layer, which also drives
//! loads and builds.
//!
//! One place for every generated crate: `dockwright_v1_41::runtime::registry` and
//! `dockwright_v1_51::runtime::registry` are this module.

mod credentials;
#[cfg(feature = "progress")]
mod progress;
mod reference;

pub use credentials::{
    credentials_for_image, registry_config_header, CredentialsError, DockerConfig, HELPER_TIMEOUT,
};
/// The draw targets [`ProgressDisplay::with_target`] takes.
#[cfg(feature = "progress")]
pub use indicatif::ProgressDrawTarget;
#[cfg(feature = "progress")]
pub use progress::{LayerProgress, ProgressDisplay, ProgressSummary};
pub use reference::{credentials_key, registry_host, DOCKER_HUB_HOST, DOCKER_HUB_KEY};
