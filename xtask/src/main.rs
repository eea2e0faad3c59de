//! `cargo xtask <command>`: the project's automation.
//!
//! ```text
//! cargo xtask codegen [--version 1.47] [--check] [--specs DIR | --from URL]
//!     (without --specs or DOCKER_ENGINE_SPECS, missing specs are fetched into spec/cache/)
//! cargo xtask codegen --spec PATH --out DIR
//! cargo xtask fetch-specs [--version 1.47] [--from URL] [--dest DIR]
//! cargo xtask diff FROM TO [--format markdown|json] [--specs DIR] [--out FILE]
//!                  (FROM, TO: a manifest version like 1.41, or a spec file path)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::codegen::{self, REGENERATE};

// The generator allocates millions of small token trees; mimalloc makes a full
// `cargo xtask codegen` markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => run_codegen(&args[1..]),
        Some("fetch-specs") => run_fetch(&args[1..]),
        Some("diff") => xtask::diff::run(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--version 1.47] [--check] [--specs DIR | --from URL]
      (without --specs or DOCKER_ENGINE_SPECS, fetches missing specs into spec/cache/)
  cargo xtask codegen --spec PATH --out DIR
  cargo xtask fetch-specs [--version 1.47] [--from URL] [--dest DIR]
  cargo xtask diff FROM TO [--format markdown|json] [--specs DIR] [--out FILE]
      (FROM and TO: a manifest version like 1.41, or the path of a spec file)";

/// Minimal flag parsing: `--name value` pairs and bare `--flag`s, nothing else.
struct Flags {
    pairs: Vec<(String, Option<String>)>,
}

impl Flags {
    fn parse(args: &[String], with_value: &[&str], bare: &[&str]) -> Result<Self, String> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if with_value.contains(&a.as_str()) {
                let v = it
                    .next()
                    .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))?;
                pairs.push((a.clone(), Some(v.clone())));
            } else if bare.contains(&a.as_str()) {
                pairs.push((a.clone(), None));
            } else {
                return Err(format!("unexpected argument `{a}`\n{USAGE}"));
            }
        }
        Ok(Self { pairs })
    }

    fn value(&self, name: &str) -> Option<String> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    }

    fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(
        args,
        &["--version", "--specs", "--spec", "--out", "--from"],
        &["--check"],
    )?;
    let root = codegen::workspace_root();
    if let Some(spec) = flags.value("--spec") {
        let out = flags.value("--out").ok_or("--spec needs --out DIR")?;
        return codegen::standalone(
            &root,
            PathBuf::from(spec).as_path(),
            PathBuf::from(out).as_path(),
        );
    }
    let manifest = dockwright_codegen::manifest::Manifest::load(&root.join("spec/versions.toml"))
        .map_err(|e| e.to_string())?;
    let specs = codegen::prepare_specs(
        &manifest,
        codegen::given_specs_dir(flags.value("--specs").map(PathBuf::from)),
        &root.join("spec/cache"),
        flags.value("--from").as_deref(),
        flags.value("--version").as_deref(),
    )?;
    let started = std::time::Instant::now();
    let crates = codegen::generate(&root, &specs, flags.value("--version").as_deref())?;
    if flags.has("--check") {
        let stale = codegen::stale_files(&root, &crates);
        if stale.is_empty() {
            eprintln!("generated/ is fresh ({} crates)", crates.len());
            return Ok(());
        }
        return Err(format!(
            "generated/ is stale:\n  {}\nrun `{REGENERATE}` to regenerate",
            stale.join("\n  ")
        ));
    }
    let written = codegen::write(&root, &crates)?;
    eprintln!(
        "generated {} crates ({written} files changed) in {:.2?}",
        crates.len(),
        started.elapsed()
    );
    Ok(())
}

fn run_fetch(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &["--version", "--from", "--dest"], &[])?;
    let root = codegen::workspace_root();
    let manifest = dockwright_codegen::manifest::Manifest::load(&root.join("spec/versions.toml"))
        .map_err(|e| e.to_string())?;
    let dest = flags
        .value("--dest")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("spec/cache"));
    let report = xtask::fetch::fetch_specs(
        &manifest,
        &dest,
        flags.value("--from").as_deref(),
        flags.value("--version").as_deref(),
    )
    .map_err(|e| e.to_string())?;
    eprintln!(
        "{} downloaded, {} already up to date, in {}",
        report.downloaded.len(),
        report.up_to_date.len(),
        dest.display()
    );
    Ok(())
}
