//! The project's automation, run as `cargo xtask …` (see `.cargo/config.toml`).

pub mod codegen;
pub mod diff;
pub mod fetch;
