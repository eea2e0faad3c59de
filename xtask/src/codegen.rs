//! `cargo xtask codegen`: every manifest version → `generated/v1_NN/`, or a freshness check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dockwright_codegen::emit::{GeneratedFile, RuntimeDependency};
use dockwright_codegen::manifest::{Manifest, VersionEntry};
use dockwright_codegen::pipeline;
use dockwright_codegen::version::ApiVersion;

/// The command that fixes a stale `generated/`, printed by every check that finds one.
pub const REGENERATE: &str = "cargo xtask codegen";

/// The environment variable naming a folder of spec files.
pub const SPECS_ENV: &str = "DOCKER_ENGINE_SPECS";

/// The workspace root (the folder holding `spec/versions.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_owned()
}

/// `--specs DIR`, else `$DOCKER_ENGINE_SPECS`, else `spec/cache/`.
pub fn specs_dir(root: &Path, cli: Option<PathBuf>) -> PathBuf {
    given_specs_dir(cli).unwrap_or_else(|| root.join("spec/cache"))
}

/// The folder the user named (`--specs DIR`, else `$DOCKER_ENGINE_SPECS`), if any.
pub fn given_specs_dir(cli: Option<PathBuf>) -> Option<PathBuf> {
    cli.or_else(|| std::env::var_os(SPECS_ENV).map(PathBuf::from))
}

/// The folder to generate from. A folder the user named is used as it is and the network
/// is never touched (a missing or wrong file is then the generator's error). Without one,
/// the spec files missing from `cache` (or not matching their sha256) are downloaded
/// first, from upstream or from `from`, each checked against `spec/versions.toml`: the
/// main job is one command on a machine that has nothing yet.
pub fn prepare_specs(
    manifest: &Manifest,
    given: Option<PathBuf>,
    cache: &Path,
    from: Option<&str>,
    only: Option<&str>,
) -> Result<PathBuf, String> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    let report = crate::fetch::fetch_specs_with_progress(manifest, cache, from, only, &mut |url| {
        eprintln!("fetching {url}");
    })
    .map_err(|e| e.to_string())?;
    if !report.downloaded.is_empty() {
        eprintln!(
            "fetched {} spec file(s) into {} (sha256 checked)",
            report.downloaded.len(),
            cache.display()
        );
    }
    Ok(cache.to_owned())
}

/// One crate's worth of output.
pub struct CrateOutput {
    pub version: ApiVersion,
    /// Folder relative to the root (`generated/v1_41`).
    pub dir: PathBuf,
    pub files: Vec<GeneratedFile>,
}

/// Generates the crates for every manifest version (or just `only`), in parallel.
pub fn generate(root: &Path, specs: &Path, only: Option<&str>) -> Result<Vec<CrateOutput>, String> {
    let manifest = Manifest::load(&root.join("spec/versions.toml")).map_err(|e| e.to_string())?;
    let entries: Vec<&VersionEntry> = match only {
        Some(v) => vec![manifest.entry(v).map_err(|e| e.to_string())?],
        None => manifest.versions.iter().collect(),
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(entries.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<CrateOutput, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(entry) = entries.get(i) else { break };
                        out.push((i, generate_one(root, specs, entry)));
                    }
                    out
                })
            })
            .collect();
        let mut all: Vec<(usize, Result<CrateOutput, String>)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("generator thread panicked"))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    });
    results.into_iter().collect()
}

fn generate_one(root: &Path, specs: &Path, entry: &VersionEntry) -> Result<CrateOutput, String> {
    let path = specs.join(&entry.file);
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{}: spec file missing (point --specs DIR or {SPECS_ENV} at a folder of spec files, or run `cargo xtask fetch-specs`)",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    let actual = sha256_hex(&bytes);
    if actual != entry.sha256 {
        return Err(format!(
            "{}: sha256 mismatch: expected {} (spec/versions.toml), got {actual}",
            path.display(),
            entry.sha256
        ));
    }
    let api = pipeline::api_from_bytes(&bytes, &path).map_err(|e| e.to_string())?;
    let expected = ApiVersion::parse(&entry.version).map_err(|e| e.to_string())?;
    if api.version != expected {
        return Err(format!(
            "{}: info.version says {} but the manifest lists it as {}",
            path.display(),
            api.version,
            expected
        ));
    }
    // The report against the previous version is the checked-in snapshot (the api_diff
    // test keeps it equal to what the two specs give), so one version generates alone.
    let changes = match dockwright_codegen::diff::previous_version(api.version) {
        Some(prev) => {
            let path = root.join(dockwright_codegen::diff::snapshot_path(prev, api.version));
            Some(std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let files = pipeline::generate_crate_with_changes(
        &api,
        &RuntimeDependency::Workspace,
        changes.as_deref(),
    )
    .map_err(|e| e.to_string())?;
    Ok(CrateOutput {
        version: api.version,
        dir: PathBuf::from("generated").join(api.version.folder_name()),
        files,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `dir`, relative to it.
fn existing_files(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Writes the crates; files in a crate folder that the generator no longer makes are removed.
pub fn write(root: &Path, crates: &[CrateOutput]) -> Result<usize, String> {
    let mut written = 0;
    for c in crates {
        let dir = root.join(&c.dir);
        let wanted: BTreeSet<String> = c.files.iter().map(|f| f.path.clone()).collect();
        for stale in existing_files(&dir).difference(&wanted) {
            std::fs::remove_file(dir.join(stale))
                .map_err(|e| format!("{}: {e}", dir.join(stale).display()))?;
        }
        for f in &c.files {
            let path = dir.join(&f.path);
            if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, &f.contents).map_err(|e| format!("{}: {e}", path.display()))?;
            written += 1;
        }
    }
    Ok(written)
}

/// Files that differ from what the generator makes now (stale, missing or extra).
pub fn stale_files(root: &Path, crates: &[CrateOutput]) -> Vec<String> {
    let mut stale = Vec::new();
    for c in crates {
        let dir = root.join(&c.dir);
        let wanted: BTreeSet<String> = c.files.iter().map(|f| f.path.clone()).collect();
        for extra in existing_files(&dir).difference(&wanted) {
            stale.push(format!("{}/{extra} (no longer generated)", c.dir.display()));
        }
        for f in &c.files {
            match std::fs::read_to_string(dir.join(&f.path)) {
                Ok(text) if text == f.contents => {}
                Ok(_) => stale.push(format!("{}/{} (differs)", c.dir.display(), f.path)),
                Err(_) => stale.push(format!("{}/{} (missing)", c.dir.display(), f.path)),
            }
        }
    }
    stale
}

/// `--spec PATH --out DIR`: any spec file (an unreleased version, a patched copy) → a
/// standalone crate in `DIR` that depends on this checkout's runtime by absolute path.
pub fn standalone(root: &Path, spec: &Path, out: &Path) -> Result<(), String> {
    let (api, not_needed) = pipeline::load_api_with_notes(spec).map_err(|e| e.to_string())?;
    for note in &not_needed {
        eprintln!("{note}");
    }
    let runtime = root.join("runtime");
    let files = pipeline::generate_crate(
        &api,
        &RuntimeDependency::Path(runtime.to_string_lossy().into_owned()),
    )
    .map_err(|e| e.to_string())?;
    let output = CrateOutput {
        version: api.version,
        dir: PathBuf::new(),
        files,
    };
    write(out, std::slice::from_ref(&output))?;
    eprintln!(
        "generated API v{} from {} into {}",
        api.version,
        spec.display(),
        out.display()
    );
    Ok(())
}
