//! Every way the generator can refuse its input. Each message names the file, and where the
//! problem is inside a spec, the JSON pointer and the rule that was broken.

use std::path::PathBuf;

/// Result of every fallible generator step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A generator failure. Never a panic: malformed specs end up here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why the operating system refused.
        #[source]
        source: std::io::Error,
    },
    /// The spec file is not valid YAML.
    #[error("{}: malformed YAML: {message}", file.display())]
    Yaml {
        /// The spec file.
        file: PathBuf,
        /// The YAML parser's message, with its position.
        message: String,
    },
    /// The spec is valid YAML but breaks a rule of the Swagger 2.0 subset we accept.
    #[error("{}: at {}: {rule}", file.display(), shown(pointer))]
    Spec {
        /// The spec file.
        file: PathBuf,
        /// JSON pointer (RFC 6901) into the spec.
        pointer: String,
        /// What was expected there.
        rule: String,
    },
    /// A named fix-up no longer finds what it repairs: upstream changed, review the fix-up.
    #[error("{}: fix-up `{fixup}` found nothing to repair at {}: {expected}", file.display(), shown(pointer))]
    FixupStale {
        /// The spec file.
        file: PathBuf,
        /// The fix-up's name.
        fixup: &'static str,
        /// JSON pointer (RFC 6901) to where the pattern should have been.
        pointer: String,
        /// The pattern the fix-up repairs.
        expected: String,
    },
    /// `spec/versions.toml` is malformed.
    #[error("{}: invalid manifest: {message}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A version string not in the manifest.
    #[error("unknown API version `{requested}`; the manifest knows {}", known.join(", "))]
    UnknownVersion {
        /// The version asked for.
        requested: String,
        /// Every version of the manifest.
        known: Vec<String>,
    },
    /// A spec file the manifest names is not where it should be.
    #[error("{}: spec file missing ({hint})", path.display())]
    MissingSpec {
        /// Where the file was looked for.
        path: PathBuf,
        /// How to get it (`cargo xtask fetch-specs`, `DOCKER_ENGINE_SPECS`).
        hint: String,
    },
    /// The emitter produced tokens that are not valid Rust (a generator bug).
    #[error("generated code for {what} does not parse: {message}")]
    Emit {
        /// The file or item being emitted.
        what: String,
        /// syn's parse error.
        message: String,
    },
}

/// A pointer as shown in a message: the empty pointer (the whole document) gets words.
fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the document root (pointer \"\")"
    } else {
        pointer
    }
}
