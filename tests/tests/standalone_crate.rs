//! `cargo xtask codegen --spec PATH --out DIR`: any spec file becomes a crate that builds on
//! its own, outside this workspace.

use std::process::Command;

#[test]
fn a_spec_file_becomes_a_standalone_crate_that_cargo_accepts() {
    let root = dockwright_tests::workspace_root();
    let out = std::env::temp_dir().join(format!("dockwright-standalone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    xtask::codegen::standalone(&root, &root.join("tests/specs/edge-cases.yaml"), &out)
        .expect("generates");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"dockwright-v1-99\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("[workspace]"),
        "a standalone crate is its own workspace"
    );
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

/// A checked-in generated crate, copied out of the repository as a user would vendor it:
/// its `Cargo.toml` names every package field itself (nothing inherited from this
/// workspace) and finds the runtime by version and path, so pointing that path at the
/// runtime is the only edit it needs. Checked with its default (client) features.
#[test]
fn a_generated_crate_copied_out_of_the_repository_builds() {
    let root = dockwright_tests::workspace_root();
    let crate_dir = root.join("generated/v1_41");
    let out = std::env::temp_dir().join(format!("dockwright-copied-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    std::fs::copy(crate_dir.join("README.md"), out.join("README.md")).unwrap();
    copy_tree(&crate_dir.join("src"), &out.join("src"));
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("workspace = true") && !manifest.contains(".workspace"),
        "{manifest}"
    );
    for field in [
        "edition",
        "rust-version",
        "license",
        "description",
        "repository",
        "documentation",
        "readme",
        "keywords",
        "categories",
    ] {
        assert!(
            manifest.contains(&format!("\n{field} = ")),
            "`{field}` is written out:\n{manifest}"
        );
    }
    let relative = "path = \"../../runtime\"";
    assert!(
        manifest.contains("dockwright-runtime = { version = \"0.1.0\", path = \"../../runtime\""),
        "{manifest}"
    );
    let runtime = format!("path = {:?}", root.join("runtime").to_string_lossy());
    // The same dependency versions as this workspace (offline), and its own workspace.
    let manifest = format!("{}\n[workspace]\n", manifest.replace(relative, &runtime));
    std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("copied-crate");
    let status = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "cargo check of the copied crate in {} failed",
        out.display()
    );
    std::fs::remove_dir_all(&out).unwrap();
}

/// Copies a folder with its subfolders (`src/models/` holds the models' serde impls).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
