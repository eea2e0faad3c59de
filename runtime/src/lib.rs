//! The hand-written, unversioned half of dockwright.
//!
//! Every generated crate (`dockwright-v1-25` … `dockwright-v1-55`) is a thin layer of
//! types and request descriptions over this crate. Keeping transports, errors, query
//! encoding and stream decoding here means one fix reaches all 31 API versions.

#![deny(missing_docs)]

pub mod filters;
pub mod model;

// HTTP client: transports, requests, errors, configuration from the environment.
pub mod auth;
#[cfg(feature = "client")]
mod body;
#[cfg(feature = "client")]
mod config;
#[cfg(feature = "client")]
pub mod daemon;
#[cfg(feature = "client")]
pub mod error;
#[cfg(feature = "client")]
mod json_path;
#[cfg(feature = "client")]
mod path;
#[cfg(feature = "client")]
mod ping;
#[cfg(feature = "client")]
mod query;
#[cfg(feature = "client")]
mod request;
#[cfg(feature = "client")]
mod response;
#[cfg(feature = "client")]
mod send;
#[cfg(feature = "client")]
mod tls;
#[cfg(feature = "client")]
mod transport;
#[cfg(feature = "client")]
mod version;

pub use auth::AuthConfig;
#[cfg(feature = "client")]
pub use {
    body::Body,
    daemon::DaemonKind,
    error::{Error, Result, TransportErrorKind},
    http::Method,
    path::encode_path_segment,
    ping::PingInfo,
    query::QueryValue,
    request::RequestBuilder,
    response::{decode_json, ByteStream, Response, Upgraded, OFFLOAD_DECODE_ABOVE},
    send::SendFuture,
    tls::TlsConfig,
    transport::{Transport, TransportBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE},
    version::{check_api_version, compare_api_versions},
};

// Stream decoders (multiplexed frames, NDJSON, progress messages): sans-IO, no sending.
#[cfg(feature = "client")]
pub mod stream;
// Tar build contexts honouring .dockerignore: owned by the streaming work.
#[cfg(feature = "client")]
pub mod build_context;
// Sending the operations whose response is not one JSON document (logs, attach, events,
// progress, archives): the `send_*` methods of `RequestBuilder`.
#[cfg(feature = "client")]
mod send_streamed;
// What those sends return besides decoded streams: attach halves, archive and path stat,
// and the rule that picks multiplexed or raw framing.
#[cfg(feature = "client")]
mod attach;
#[cfg(feature = "client")]
mod container_archive;
#[cfg(feature = "client")]
mod framing_rule;
#[cfg(feature = "client")]
#[allow(deprecated)]
pub use stream::StreamError;
#[cfg(feature = "client")]
pub use stream::{LogFrame, ProgressMessage, ProgressReport, StdStream};
#[cfg(feature = "client")]
pub use {
    attach::{AttachInput, AttachOutput, AttachReader, Attached},
    container_archive::{Archive, PathStat},
    framing_rule::{FramingRule, FRAMING_CONTENT_TYPE_SINCE},
    send_streamed::{collect_bytes, first_item, split_output, JsonStream, LogOutput, Progress},
};
// Registries: image references, credentials as the Docker CLI finds them, progress bars.
#[cfg(feature = "client")]
pub mod registry;
// Events that survive disconnects and daemon restarts: reconnect, resume, deduplicate.
#[cfg(feature = "client")]
pub mod follow;
#[cfg(feature = "client")]
pub use follow::{follow_events, EventCursor, Follow, FollowItem, Follower};
