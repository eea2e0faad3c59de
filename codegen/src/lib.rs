//! dockwright's generator: Docker Engine API Swagger 2.0 specs in, one typed Rust crate per
//! API version out.
//!
//! The pipeline, one module per stage:
//!
//! 1. `swagger` loads a spec into a small, tolerant Swagger 2.0 model;
//! 2. `fixups` applies the named, per-version repairs of known upstream spec bugs;
//! 3. `upgrade` turns the repaired spec into an [`openapiv3::OpenAPI`] document;
//! 4. [`ir`] lowers that into the intermediate representation every later stage reads:
//!    types with ids, operations with located parameters, stream kinds and filter keys;
//! 5. [`emit`] writes Rust with `quote!`, parsed into a `syn::File` and printed by
//!    `prettyplease`.
//!
//! [`pipeline`] runs the stages for one spec file.
//!
//! Public are only the modules `xtask` and the tests call ([`pipeline`], [`emit`], [`ir`],
//! [`diff`], [`manifest`], [`version`], [`error`]); the first three stages, the tables and
//! the naming rules are crate-private, so they can change without touching a caller.

#![deny(missing_docs)]

pub(crate) mod cli_words;
pub mod diff;
pub mod emit;
pub mod error;
pub(crate) mod extensions;
pub(crate) mod filter_keys;
pub(crate) mod filter_rules;
pub(crate) mod fixups;
pub mod ir;
pub mod manifest;
pub(crate) mod names;
pub(crate) mod nesting;
pub mod pipeline;
pub(crate) mod stream_kinds;
pub(crate) mod swagger;
pub(crate) mod upgrade;
pub mod version;

pub use error::{Error, Result};
