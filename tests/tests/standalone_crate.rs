//! `cargo xtask codegen --spec PATH --out DIR`: any spec file becomes a crate that builds on
//! its own, outside this workspace.

use std::process::Command;

#[test]
fn a_spec_file_becomes_a_standalone_crate_that_cargo_accepts() {
    let root = dockwright_tests::workspace_root();
    let out = std::env::temp_dir().join(format!("dockwright-standalone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    xtask::codegen::standalone(&root, &root.join("tests/specs/edge-cases.yaml"), &out).expect("generates");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"dockwright-v1-99\""), "{manifest}");
    assert!(manifest.contains("[workspace]"), "a standalone crate is its own workspace");
    // Models only: no networking dependencies to build. The crates the generated code
    // needs are the workspace's own, so this works offline.
    let status = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--no-default-features"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/standalone-check"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo check of {} failed", out.display());
    std::fs::remove_dir_all(&out).unwrap();
}
