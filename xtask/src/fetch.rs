//! `cargo xtask fetch-specs`: not written yet.
