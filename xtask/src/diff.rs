//! `cargo xtask diff FROM TO`: what changed between two API versions, in Rust terms.
//!
//! Both specs are lowered to the IR and compared by `dockwright_codegen::diff`; the report
//! is Markdown (the form checked in under `tests/snapshots/api-diff/` for every consecutive
//! pair) or, with `--format json`, the change records as JSON.

use std::path::{Path, PathBuf};

use dockwright_codegen::diff;
use dockwright_codegen::ir::Api;
use dockwright_codegen::manifest::Manifest;
use dockwright_codegen::pipeline;
use dockwright_codegen::version::ApiVersion;
use xtask::codegen::{self, SPECS_ENV};

/// `FROM TO [--format markdown|json] [--specs DIR] [--out FILE]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask diff FROM TO [--format markdown|json] [--specs DIR] [--out FILE]";
    let mut versions = Vec::new();
    let mut format = "markdown".to_owned();
    let mut specs = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{usage}"))
        };
        match a.as_str() {
            "--format" => format = value("--format")?,
            "--specs" => specs = Some(PathBuf::from(value("--specs")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            flag if flag.starts_with("--") => return Err(format!("unexpected argument `{flag}`\n{usage}")),
            version => versions.push(version.to_owned()),
        }
    }
    let [from, to] = versions.as_slice() else {
        return Err(format!("expected two versions, e.g. `cargo xtask diff 1.41 1.47`\n{usage}"));
    };
    let render: fn(&diff::ApiDiff) -> String = match format.as_str() {
        "markdown" | "md" => diff::to_markdown,
        "json" => diff::to_json,
        other => return Err(format!("unknown format `{other}` (markdown or json)\n{usage}")),
    };
    let root = codegen::workspace_root();
    let specs = codegen::specs_dir(&root, specs);
    let manifest = Manifest::load(&root.join("spec/versions.toml")).map_err(|e| e.to_string())?;
    let old = load(&manifest, &specs, from)?;
    let new = load(&manifest, &specs, to)?;
    let changes = diff::diff(&old, &new);
    let text = render(&changes);
    match out {
        Some(path) => std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The IR of one manifest version, read from `specs` and checked against the manifest.
pub fn load(manifest: &Manifest, specs: &Path, version: &str) -> Result<Api, String> {
    let entry = manifest.entry(version).map_err(|e| e.to_string())?;
    let path = specs.join(&entry.file);
    if !path.is_file() {
        return Err(format!(
            "{}: spec file missing (point --specs DIR or {SPECS_ENV} at a folder of spec files, or run `cargo xtask fetch-specs`)",
            path.display()
        ));
    }
    let api = pipeline::load_api(&path).map_err(|e| e.to_string())?;
    if api.spec_sha256 != entry.sha256 {
        return Err(format!(
            "{}: sha256 mismatch: expected {} (spec/versions.toml), got {}",
            path.display(),
            entry.sha256,
            api.spec_sha256
        ));
    }
    let expected = ApiVersion::parse(&entry.version).map_err(|e| e.to_string())?;
    if api.version != expected {
        return Err(format!(
            "{}: info.version says {} but the manifest lists it as {expected}",
            path.display(),
            api.version
        ));
    }
    Ok(api)
}
