//! Regression specs of issue #11: every spec under tests/specs/unsound/ is refused with the
//! exact RFC 6901 pointer its header names (`# expect: <pointer>`) and a rule containing its
//! `# rule:` text. The accepted hazards (recursive types, reserved names, clashing methods,
//! duplicate enum values) are in tests/specs/sound.yaml, whose crate is a checked-in
//! snapshot that the workspace compiles.

use std::path::Path;

use dockwright_codegen::emit::RuntimeDependency;
use dockwright_codegen::pipeline::{self, api_from_bytes};
use dockwright_codegen::Error;

#[test]
fn every_unsound_spec_is_refused_at_its_pointer() {
    let dir = dockwright_tests::workspace_root().join("tests/specs/unsound");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "the regression specs are there: {files:?}"
    );
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let header = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("# {key}:")))
                .map(|v| v.strip_prefix(' ').unwrap_or(v).to_owned())
                .unwrap_or_else(|| panic!("{} has no `# {key}:` line", path.display()))
        };
        let (pointer, rule) = (header("expect"), header("rule"));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match api_from_bytes(text.as_bytes(), Path::new(&name)) {
            Err(Error::Spec {
                file,
                pointer: got,
                rule: said,
            }) => {
                if file != Path::new(&name) || got != pointer || !said.contains(&rule) {
                    problems.push(format!(
                        "{name}: got `{got}`: {said}\n  want `{pointer}`: …{rule}…"
                    ));
                }
            }
            Err(other) => problems.push(format!("{name}: not a spec error: {other}")),
            Ok(_) => problems.push(format!("{name}: accepted")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_root_pointer_is_shown_in_words() {
    let err = api_from_bytes(b"", Path::new("empty.yaml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "empty.yaml: at the document root (pointer \"\"): expected a Swagger 2.0 document, found an empty document; only Swagger 2.0 specs (`swagger: \"2.0\"`) are read"
    );
}

/// 100,000 nested flow sequences in 100 kB: refused before the YAML parser runs (it took
/// over 30 s to refuse them after reading them).
#[test]
fn deep_nesting_is_refused_before_parsing() {
    for text in [
        "[".repeat(100_000),
        "{a: ".repeat(50_000),
        "- ".repeat(100_000),
    ] {
        let start = std::time::Instant::now();
        let err = api_from_bytes(text.as_bytes(), Path::new("deep.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("deep.yaml: malformed YAML: line 1: nested more than 100 levels"),
            "{err}"
        );
        assert!(start.elapsed().as_secs() < 2, "took {:?}", start.elapsed());
    }
}

/// Aliases that expand exponentially ("billion laughs") are refused quickly too.
#[test]
fn alias_bombs_are_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let start = std::time::Instant::now();
    let err = api_from_bytes(text.as_bytes(), Path::new("bomb.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("bomb.yaml: malformed YAML"), "{err}");
    assert!(start.elapsed().as_secs() < 2, "took {:?}", start.elapsed());
}

fn sound_crate() -> Vec<dockwright_codegen::emit::GeneratedFile> {
    let root = dockwright_tests::workspace_root();
    let api =
        pipeline::load_api(&root.join("tests/specs/sound.yaml")).expect("sound.yaml is accepted");
    pipeline::generate_crate(&api, &RuntimeDependency::Member("../../../runtime".into()))
        .expect("sound.yaml emits")
}

/// The crate of tests/specs/sound.yaml is checked in under tests/snapshots/sound/ (a
/// workspace member, so clippy and rustdoc see it); `UPDATE_SNAPSHOTS=1` rewrites it.
#[test]
fn sound_snapshot_is_fresh() {
    let mut problems = Vec::new();
    for file in sound_crate() {
        let path = Path::new("tests/snapshots/sound").join(&file.path);
        if let Err(e) = dockwright_tests::check_snapshot(&path, &file.contents) {
            problems.push(e);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn accepted_hazards_become_rust_that_compiles() {
    let files = sound_crate();
    let text = |name: &str| {
        files
            .iter()
            .find(|f| f.path == name)
            .unwrap()
            .contents
            .clone()
    };
    let (models, client) = (text("src/models.rs"), text("src/client.rs"));
    for expected in [
        "pub next: Option<Box<Node>>,",
        "pub left: Option<Box<Tree>>,",
        "pub b: Option<Box<MutualB>>,",
        "pub a: Option<Box<MutualA>>,",
        "pub children: Option<Vec<Node>>,",
        "pub struct String_ {",
        "pub struct Visitor_ {",
        "pub struct A_ {",
        "pub type Option_ = String;",
        "pub text: String_,",
        "pub enum Level {",
    ] {
        assert!(models.contains(expected), "models.rs lacks `{expected}`");
    }
    assert_eq!(
        models.matches("1i64 => Self::V1").count(),
        1,
        "a duplicate integer enum value is one variant"
    );
    for method in [
        "ping_operation",
        "new_operation",
        "transport_operation",
        "check_version_operation",
        "from_env_operation",
    ] {
        assert!(
            client.contains(&format!("pub fn {method}(")),
            "client.rs lacks `{method}`"
        );
    }
    assert!(
        client.contains("pub async fn ping("),
        "the client's own ping stays"
    );
}
