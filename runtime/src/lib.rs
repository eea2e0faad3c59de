//! The hand-written, unversioned half of dockwright.
//!
//! Every generated crate (`dockwright-v1-25` … `dockwright-v1-55`) is a thin layer of
//! types and request descriptions over this crate. Keeping transports, errors, query
//! encoding and stream decoding here means one fix reaches all 31 API versions.

pub mod filters;

// Stream decoders (multiplexed frames, NDJSON, progress messages): owned by the streaming work.
#[cfg(feature = "client")]
pub mod stream;
// Tar build contexts honouring .dockerignore: owned by the streaming work.
#[cfg(feature = "client")]
pub mod build_context;
