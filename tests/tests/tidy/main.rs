//! Tidy: the repository-wide rules no compiler checks, in the manner of rust-analyzer's
//! `tidy.rs`. Every tracked file is read (as `git ls-files` lists them); each offence is
//! printed as `file:line: rule: what`, and the test fails if there is any.
//!
//! The rules, and why:
//! - `file-size`: a hand-written `.rs` file has at most 600 lines, so it can be read;
//! - `machine-path`: no tracked file names a directory of a development machine (it is
//!   wrong on every other machine);
//! - `no-todo`: no `todo!`, `unimplemented!` or `dbg!` outside tests;
//! - `module-doc`: every hand-written `.rs` file starts with a `//!` comment saying what
//!   the module is for;
//! - `benchmark-figure`: comments quote no measured figures (ratios, percentages of speed
//!   or cost, times per operation, throughputs): they go stale, BENCHMARKS.md has them;
//! - `http-client`: only the runtime depends on an HTTP client crate, and the runtime
//!   opens no socket and writes no request head itself (hyper frames HTTP, see
//!   ARCHITECTURE.md);
//! - `spec-name`: the generator's stages outside its tables (`stream_kinds.rs`,
//!   `fixups/`, `filter_rules.rs`, `filter_keys.rs`, `cli_words.rs`,
//!   `emit/scenarios.rs`) hold no operation or
//!   definition name of the spec as a string: a special case there would be a spec quirk
//!   outside a named fix-up;
//! - `kill-by-name`: no script or test ends processes by name; daemons are stopped by pid.
//!
//! The rules are in `rules.rs`, over the code, comments and strings `lex.rs` tells apart;
//! `can_fail.rs` shows each rule catching a bad sample. Exceptions are listed below, each
//! with its reason; one that no longer applies fails
//! too, so the lists only shrink. `DOCKWRIGHT_TIDY_ROOT` checks another checkout (e.g. a
//! branch about to be merged) instead of this one.

mod can_fail;
mod lex;
mod rules;

use lex::{lex, Kind};
use rules::{
    benchmark_figure, find_word, http_client_deps, kill_by_name_sh, machine_paths, spec_name,
    spec_name_rule_applies,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const MAX_RS_LINES: usize = 600;

/// Hand-written `.rs` files allowed over [`MAX_RS_LINES`], with their line count when
/// listed: each is being changed on another branch, which splits it or will. Empty: every
/// hand-written file is within the budget.
const OVERSIZED: &[(&str, usize)] = &[];

/// `(rule, file, reason)`: a rule that does not apply to a whole file.
const EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "module-doc",
        "runtime/fuzz/fuzz_targets/common.rs",
        "pulled into each fuzz target with include!, where an inner doc comment cannot stand",
    ),
    (
        "http-client",
        "xtask/Cargo.toml",
        "ureq downloads the spec files (cargo xtask fetch-specs); it never talks to a daemon",
    ),
    (
        "http-client",
        "tests/capture/Cargo.toml",
        "the corpus capture's recording proxy sits between a generated client and the daemon: \
         hyper serves its socket and frames what it forwards",
    ),
];

#[derive(Debug, Clone, PartialEq)]
struct Offence {
    file: String,
    line: usize,
    rule: &'static str,
    what: String,
}

fn offence(file: &str, line: usize, rule: &'static str, what: impl Into<String>) -> Offence {
    Offence {
        file: file.to_owned(),
        line,
        rule,
        what: what.into(),
    }
}

#[test]
fn tidy() {
    let root = std::env::var_os("DOCKWRIGHT_TIDY_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(dockwright_tests::workspace_root);
    let mut found = Vec::new();
    let mut sizes = Vec::new();
    for path in tracked_files(&root) {
        let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
            continue; // binary, or deleted in the work tree
        };
        found.extend(check_file(&path, &text));
        if path.ends_with(".rs") && hand_written(&path, &text) {
            sizes.push((path.clone(), text.lines().count()));
        }
    }
    let mut failures: Vec<String> = Vec::new();
    for o in &found {
        let excepted = EXCEPTIONS
            .iter()
            .any(|(rule, file, _)| *rule == o.rule && *file == o.file)
            || (o.rule == "file-size" && OVERSIZED.iter().any(|(f, _)| *f == o.file));
        if !excepted {
            failures.push(format!("{}:{}: {}: {}", o.file, o.line, o.rule, o.what));
        }
    }
    // Stale exceptions: the list says more than is true.
    for (file, _) in OVERSIZED {
        if let Some((_, n)) = sizes.iter().find(|(p, _)| p == file) {
            if *n <= MAX_RS_LINES {
                failures.push(format!(
                    "{file}:1: file-size: {n} lines now, remove it from OVERSIZED"
                ));
            }
        }
    }
    for (rule, file, _) in EXCEPTIONS {
        if root.join(file).exists() && !found.iter().any(|o| o.rule == *rule && o.file == *file) {
            failures.push(format!(
                "{file}:1: {rule}: no offence left, remove the exception"
            ));
        }
    }
    assert!(failures.is_empty(), "tidy:\n{}", failures.join("\n"));
}

/// Every tracked file, relative to `root`, `/`-separated.
fn tracked_files(root: &Path) -> Vec<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output()
        .expect("git runs (tidy reads the tracked files)");
    assert!(
        out.status.success(),
        "git ls-files failed in {}",
        root.display()
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 file names")
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Written by people, as opposed to generated code (also any file whose first line says
/// `@generated`), snapshots, captured data and locks.
fn hand_written(path: &str, text: &str) -> bool {
    const NOT: [&str; 6] = [
        "generated/",
        "tests/snapshots/",
        "tests/fixtures/",
        "tests/specs/",
        "spec/",
        "runtime/fuzz/seeds/",
    ];
    !NOT.iter().any(|p| path.starts_with(p))
        && !path.ends_with("Cargo.lock")
        && !path.ends_with(".proptest-regressions")
        && !text.lines().next().unwrap_or("").contains("@generated")
}

/// Test code as a whole file: under a `tests` folder, or a `tests.rs`/`*_tests.rs` module.
fn test_file(path: &str) -> bool {
    path.split('/').any(|c| c == "tests")
        || path.ends_with("/tests.rs")
        || path.ends_with("_tests.rs")
}

/// Every rule on one file.
fn check_file(path: &str, text: &str) -> Vec<Offence> {
    let mut out = machine_paths(path, text);
    if path.ends_with("Cargo.toml") && path != "runtime/Cargo.toml" {
        out.extend(http_client_deps(path, text));
    }
    if path.ends_with(".sh") || path == ".ci/run" {
        out.extend(kill_by_name_sh(path, text));
    }
    if !(path.ends_with(".rs") && hand_written(path, text)) {
        return out;
    }
    if text.lines().count() > MAX_RS_LINES {
        let n = text.lines().count();
        out.push(offence(
            path,
            1,
            "file-size",
            format!("{n} lines, over {MAX_RS_LINES}"),
        ));
    }
    if !text.trim_start().starts_with("//!") {
        out.push(offence(
            path,
            1,
            "module-doc",
            "does not start with a `//!` comment",
        ));
    }
    let segments = lex(text);
    let test_from = if test_file(path) {
        0
    } else {
        segments
            .iter()
            .find(|s| s.kind == Kind::Code && s.text.trim() == "#[cfg(test)]")
            .map_or(usize::MAX, |s| s.line)
    };
    let kill_names = [format!("p{}", "kill"), format!("kill{}", "all")];
    for s in &segments {
        match s.kind {
            Kind::Comment => {
                if let Some(what) = benchmark_figure(&s.text) {
                    out.push(offence(path, s.line, "benchmark-figure", what));
                }
            }
            Kind::Code if s.line < test_from => {
                for mac in ["todo!", "unimplemented!", "dbg!"] {
                    if find_word(&s.text, mac).is_some() {
                        out.push(offence(
                            path,
                            s.line,
                            "no-todo",
                            format!("`{mac}` outside tests"),
                        ));
                    }
                }
                if path.starts_with("runtime/src/") {
                    for ty in [
                        "TcpStream",
                        "UnixStream",
                        "TcpListener",
                        "UnixListener",
                        "httparse",
                    ] {
                        if find_word(&s.text, ty).is_some() {
                            let what = format!("`{ty}` in the runtime: connections and HTTP framing are reqwest's and hyper's");
                            out.push(offence(path, s.line, "http-client", what));
                        }
                    }
                }
            }
            Kind::Str => {
                if kill_names.contains(&s.text) {
                    out.push(offence(
                        path,
                        s.line,
                        "kill-by-name",
                        format!("{:?}: stop processes by pid", s.text),
                    ));
                }
                if s.line < test_from
                    && path.starts_with("runtime/src/")
                    && s.text.contains("HTTP/1.")
                {
                    out.push(offence(
                        path,
                        s.line,
                        "http-client",
                        "an HTTP head written by hand in the runtime",
                    ));
                }
                if s.line < test_from && spec_name_rule_applies(path) && spec_name(&s.text) {
                    let what = format!(
                        "{:?} names the spec's operation or definition outside the tables",
                        s.text
                    );
                    out.push(offence(path, s.line, "spec-name", what));
                }
            }
            Kind::Code => {}
        }
    }
    out
}
