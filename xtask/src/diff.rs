//! `cargo xtask diff FROM TO`: what changed between two API versions, in Rust terms.
//!
//! Each side is a manifest version (`1.41`: its file from the specs folder, checked
//! against the manifest's sha256) or the path of any spec file (an unreleased version, a
//! patched copy), which gets the fix-ups still open for its version; those whose pattern it
//! lacks are reported on stderr as not needed. Both specs are lowered to the IR and compared by `dockwright_codegen::diff`; the report
//! is Markdown (the form checked in under `tests/snapshots/api-diff/` for every consecutive
//! pair) or, with `--format json`, the change records as JSON.

use std::path::{Path, PathBuf};

use crate::codegen::{self, SPECS_ENV};
use dockwright_codegen::diff;
use dockwright_codegen::ir::Api;
use dockwright_codegen::manifest::Manifest;
use dockwright_codegen::pipeline;
use dockwright_codegen::version::ApiVersion;

/// `FROM TO [--format markdown|json] [--specs DIR] [--out FILE]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask diff FROM TO [--format markdown|json] [--specs DIR] [--out FILE]\n(FROM, TO: a manifest version like 1.41, or the path of a spec file)";
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
            flag if flag.starts_with("--") => {
                return Err(format!("unexpected argument `{flag}`\n{usage}"))
            }
            version => versions.push(version.to_owned()),
        }
    }
    let [from, to] = versions.as_slice() else {
        return Err(format!(
            "expected two versions or spec files, e.g. `cargo xtask diff 1.41 1.47`\n{usage}"
        ));
    };
    let render: fn(&diff::ApiDiff) -> String = match format.as_str() {
        "markdown" | "md" => diff::to_markdown,
        "json" => diff::to_json,
        other => {
            return Err(format!(
                "unknown format `{other}` (markdown or json)\n{usage}"
            ))
        }
    };
    let text = render(&compare(from, to, specs)?);
    match out {
        Some(path) => std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The changes from `from` to `to`, each a manifest version or a spec file path.
pub fn compare(from: &str, to: &str, specs: Option<PathBuf>) -> Result<diff::ApiDiff, String> {
    let root = codegen::workspace_root();
    let specs = codegen::specs_dir(&root, specs);
    let manifest = Manifest::load(&root.join("spec/versions.toml")).map_err(|e| e.to_string())?;
    let old = load_side(&manifest, &specs, from)?;
    let new = load_side(&manifest, &specs, to)?;
    Ok(diff::diff(&old, &new))
}

/// One side: a spec file when `arg` names one (a path with a separator or a `.yaml`,
/// `.yml` or `.json` name), else a manifest version.
pub fn load_side(manifest: &Manifest, specs: &Path, arg: &str) -> Result<Api, String> {
    let path = Path::new(arg);
    let looks_like_file = arg.contains(std::path::MAIN_SEPARATOR)
        || arg.contains('/')
        || [".yaml", ".yml", ".json"].iter().any(|e| arg.ends_with(e));
    if !looks_like_file {
        return load(manifest, specs, arg);
    }
    if !path.is_file() {
        return Err(format!("{arg}: no such spec file"));
    }
    let (api, not_needed) = pipeline::load_api_with_notes(path).map_err(|e| e.to_string())?;
    for note in not_needed {
        eprintln!("{note}");
    }
    Ok(api)
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
