//! The API differ: what changed between two Engine API versions, in Rust terms.
//!
//! Computed from the two versions' IR, not from the generated text: operations keyed by
//! HTTP method and path (so the 1.28 renames of the archive operations are renames, not a
//! removal and an addition), with their parameters, request body, response, stream kind,
//! produced media types and filter keys; types keyed by their Rust name, with their fields
//! and enum variants, renamed types recognized by what refers to them. Every change names
//! the Rust item it is about (`dockwright_v1_47::models::HostConfig::cgroupns_mode`,
//! `dockwright_v1_47::client::Client::image_list`,
//! `dockwright_v1_47::filters::ImageListFilters::until`).
//!
//! [`diff`] builds the records of [`model`]; [`to_markdown`] and [`to_json`] print them.
//! `cargo xtask diff 1.41 1.47` is the command; the consecutive pairs are checked in
//! under [`SNAPSHOT_DIR`].

mod compute;
mod markdown;
pub mod model;
mod renames;
mod rust;

#[cfg(test)]
mod tests;

pub use compute::diff;
pub use markdown::to_markdown;
pub use model::ApiDiff;

use crate::version::ApiVersion;

/// Where the consecutive-version reports live, relative to the workspace root.
pub const SNAPSHOT_DIR: &str = "tests/snapshots/api-diff";

/// `v1.46..v1.47.md`: the snapshot file of one pair.
pub fn snapshot_file_name(from: ApiVersion, to: ApiVersion) -> String {
    format!("v{from}..v{to}.md")
}

/// `tests/snapshots/api-diff/v1.46..v1.47.md`: the snapshot of one pair, relative to the
/// workspace root.
pub fn snapshot_path(from: ApiVersion, to: ApiVersion) -> String {
    format!("{SNAPSHOT_DIR}/{}", snapshot_file_name(from, to))
}

/// The oldest API version dockwright generates: the first entry of `spec/versions.toml`
/// (the api-diff snapshot test checks that they agree).
pub const OLDEST_VERSION: ApiVersion = ApiVersion {
    major: 1,
    minor: 25,
};

/// The version a crate's changes are reported against: the one before it, unless `v` is
/// the oldest dockwright generates.
pub fn previous_version(v: ApiVersion) -> Option<ApiVersion> {
    (v > OLDEST_VERSION && v.minor > 0).then(|| ApiVersion {
        major: v.major,
        minor: v.minor - 1,
    })
}

/// The machine-readable form: pretty JSON of [`ApiDiff`], newline-terminated.
pub fn to_json(diff: &ApiDiff) -> String {
    let mut s = serde_json::to_string_pretty(diff).expect("change records always serialize");
    s.push('\n');
    s
}
