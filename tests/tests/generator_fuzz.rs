//! Generator fuzzing (issue #11): structured mutations of the real specs.
//!
//! Each case takes a real spec (v1.25, v1.41 or v1.55), applies one to four mutations of the
//! kinds that once broke the generator (deleted keys, retyped values, bad and cyclic `$ref`s,
//! reserved and odd names, odd path templates, clashing operation ids, duplicate enum values,
//! odd response codes and parameter types, truncation) and asserts: no panic, and either a
//! crate (every file emitted) or an error that names the file and, for spec errors, a
//! well-formed RFC 6901 pointer that resolves in the mutated document (or whose parent
//! does, for a missing key).
//!
//! Bounded: `DOCKWRIGHT_FUZZ_CASES` cases (default 40) and `DOCKWRIGHT_FUZZ_SECS` seconds
//! (default 60), whichever ends first. The slower `accepted_mutants_compile` (ignored by
//! default; tests/run.sh runs it) generates a few accepted mutants of v1.25 and runs one
//! `cargo check` over all of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dockwright_codegen::emit::RuntimeDependency;
use dockwright_codegen::{pipeline, Error};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// One structured change to a spec; the numbers pick targets (modulo what exists).
#[derive(Debug, Clone)]
enum Mutation {
    DeleteKey(usize, usize),
    Retype(usize, u8),
    Ref(usize, u8),
    RenameDefinition(usize, u8, bool),
    /// A new definition with an odd or reserved name, holding itself, used by another one.
    AddDefinition(usize, u8),
    SelfReference(usize, u8),
    OddProperty(usize, u8),
    OddPath(usize, u8),
    OperationId(usize, u8),
    /// A new operation with an odd or clashing operationId, answering some definition.
    AddOperation(usize, u8),
    DuplicateEnum(usize),
    ResponseCode(usize, u8),
    ParameterType(usize, u8),
    Truncate(u16),
}

const NAMES: &[&str] = &[
    "String",
    "Option",
    "Result",
    "Vec",
    "From",
    "A",
    "D",
    "S",
    "Visitor",
    "Box",
    "Self",
    "os.version",
    "a/b",
    "x~y",
    "",
    "é",
    "123",
    "type",
    "Other",
    "Into",
];
const OPERATION_IDS: &[&str] = &[
    "Ping",
    "New",
    "Transport",
    "CheckVersion",
    "FromEnv",
    "Clone",
    "",
    "é",
    "type",
];
const PATH_DAMAGE: &[&str] = &["{", "{é", "{}", "}", "/{undeclared}", "/{id}", " x", "?q"];
const CODES: &[&str] = &[
    "0", "600", "999", "2XX", "default", "abc", "100", "599", "70000",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = any::<usize>();
    let k = any::<u8>();
    prop_oneof![
        (n, n).prop_map(|(a, b)| Mutation::DeleteKey(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::Retype(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::Ref(a, b)),
        (n, k, any::<bool>()).prop_map(|(a, b, c)| Mutation::RenameDefinition(a, b, c)),
        (n, k).prop_map(|(a, b)| Mutation::SelfReference(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::AddDefinition(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::OddProperty(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::OddPath(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::OperationId(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::AddOperation(a, b)),
        n.prop_map(Mutation::DuplicateEnum),
        (n, k).prop_map(|(a, b)| Mutation::ResponseCode(a, b)),
        (n, k).prop_map(|(a, b)| Mutation::ParameterType(a, b)),
        any::<u16>().prop_map(Mutation::Truncate),
    ]
}

/// A real spec as JSON, with the pointers of every node of each kind a mutation targets.
struct Base {
    file: &'static str,
    json: Value,
}

fn pointers(v: &Value, at: &str, out: &mut Vec<String>, pick: &dyn Fn(&str, &Value) -> bool) {
    if pick(at, v) {
        out.push(at.to_owned());
    }
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                    pick,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, &format!("{at}/{i}"), out, pick);
            }
        }
        _ => {}
    }
}

fn pick(list: &[String], n: usize) -> Option<&str> {
    (!list.is_empty()).then(|| list[n % list.len()].as_str())
}

fn split(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// Renames key `from` to `to` in the object at `parent`, keeping its place.
fn rename_key(doc: &mut Value, parent: &str, from: &str, to: &str) {
    if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
        let entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
        for (k, v) in entries {
            m.insert(if k == from { to.to_owned() } else { k }, v);
        }
    }
}

/// Applies a mutation; `None` for text-level ones (truncation) handled by the caller.
fn apply(doc: &mut Value, m: &Mutation) {
    let all = |doc: &Value, f: &dyn Fn(&str, &Value) -> bool| {
        let mut out = Vec::new();
        pointers(doc, "", &mut out, f);
        out
    };
    let definitions: Vec<String> = doc["definitions"]
        .as_object()
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    match *m {
        Mutation::DeleteKey(a, b) => {
            let objects = all(doc, &|_, v| v.as_object().is_some_and(|m| !m.is_empty()));
            if let Some(p) = pick(&objects, a).map(str::to_owned) {
                if let Some(Value::Object(m)) = doc.pointer_mut(&p) {
                    let key = m.keys().nth(b % m.len()).cloned().unwrap_or_default();
                    m.remove(&key);
                }
            }
        }
        Mutation::Retype(a, k) => {
            let nodes = all(doc, &|p, _| !p.is_empty());
            if let Some(p) = pick(&nodes, a).map(str::to_owned) {
                let new = [
                    json!(null),
                    json!(true),
                    json!(5),
                    json!("x"),
                    json!([]),
                    json!({}),
                    json!(-1.5),
                    json!([1, 1]),
                ];
                *doc.pointer_mut(&p).unwrap() = new[k as usize % new.len()].clone();
            }
        }
        Mutation::Ref(a, k) => {
            let refs = all(doc, &|p, v| p.ends_with("/$ref") && v.is_string());
            if let Some(p) = pick(&refs, a).map(str::to_owned) {
                let own = p
                    .strip_prefix("/definitions/")
                    .and_then(|r| r.split('/').next())
                    .unwrap_or("Nope");
                let other = pick(&definitions, a / 7).unwrap_or("Nope");
                let target = match k % 6 {
                    0 => "#/definitions/Nope".to_owned(),
                    1 => format!("#/definitions/{own}"),
                    2 => format!("#/definitions/{other}"),
                    3 => "other.yaml#/definitions/X".to_owned(),
                    4 => "#/definitions/".to_owned(),
                    _ => "#/definitions/a~1b".to_owned(),
                };
                *doc.pointer_mut(&p).unwrap() = Value::String(target);
            }
        }
        Mutation::RenameDefinition(a, k, update_refs) => {
            if let Some(old) = pick(&definitions, a).map(str::to_owned) {
                let new = NAMES[k as usize % NAMES.len()];
                rename_key(doc, "/definitions", &old, new);
                if update_refs {
                    let refs = all(doc, &|p, _| p.ends_with("/$ref"));
                    let escaped = new.replace('~', "~0").replace('/', "~1");
                    for p in refs {
                        let slot = doc.pointer_mut(&p).unwrap();
                        if slot.as_str() == Some(&format!("#/definitions/{old}")) {
                            *slot = Value::String(format!("#/definitions/{escaped}"));
                        }
                    }
                }
            }
        }
        Mutation::AddDefinition(a, k) => {
            let name = NAMES[k as usize % NAMES.len()];
            let me = json!({"$ref": format!("#/definitions/{}", name.replace('~', "~0").replace('/', "~1"))});
            let user = pick(&definitions, a).map(str::to_owned);
            if let Some(Value::Object(defs)) = doc.get_mut("definitions") {
                defs.insert(
                    name.to_owned(),
                    json!({"type": "object", "properties": {"X": {"type": "string"}, "Again": me}}),
                );
            }
            if let Some(props) = user
                .and_then(|u| doc["definitions"][&u].get_mut("properties"))
                .and_then(Value::as_object_mut)
            {
                props.insert(format!("Uses{}", props.len()), me);
            }
        }
        Mutation::SelfReference(a, k) => {
            if let Some(name) = pick(&definitions, a).map(str::to_owned) {
                let me = json!({"$ref": format!("#/definitions/{name}")});
                let def = &mut doc["definitions"][&name];
                match k % 5 {
                    0 => {
                        if let Some(props) =
                            def.get_mut("properties").and_then(Value::as_object_mut)
                        {
                            props.insert("Next".into(), me);
                        } else {
                            *def = json!({"type": "object", "properties": {"Next": me}});
                        }
                    }
                    1 => *def = me,
                    2 => *def = json!({"type": "array", "items": me}),
                    3 => *def = json!({"allOf": [me, {"properties": {"X": {"type": "string"}}}]}),
                    _ => *def = json!({"type": "object", "additionalProperties": me}),
                }
            }
        }
        Mutation::OddProperty(a, k) => {
            let props = all(doc, &|p, v| p.ends_with("/properties") && v.is_object());
            if let Some(p) = pick(&props, a).map(str::to_owned) {
                let name = NAMES[k as usize % NAMES.len()];
                doc.pointer_mut(&p).unwrap()[name] = json!({"type": "string"});
            }
        }
        Mutation::OddPath(a, k) => {
            let paths: Vec<String> = doc["paths"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            if let Some(old) = pick(&paths, a).map(str::to_owned) {
                let damage = PATH_DAMAGE[k as usize % PATH_DAMAGE.len()];
                rename_key(doc, "/paths", &old, &format!("{old}{damage}"));
            }
        }
        Mutation::OperationId(a, k) => {
            let ids = all(doc, &|p, v| p.ends_with("/operationId") && v.is_string());
            if let Some(p) = pick(&ids, a).map(str::to_owned) {
                let other = ids[(a / 3) % ids.len()].clone();
                let new = match OPERATION_IDS.get(k as usize % (OPERATION_IDS.len() + 1)) {
                    Some(id) => Value::String((*id).to_owned()),
                    None => doc.pointer(&other).cloned().unwrap_or_default(),
                };
                *doc.pointer_mut(&p).unwrap() = new;
            }
        }
        Mutation::AddOperation(a, k) => {
            let id = OPERATION_IDS[k as usize % OPERATION_IDS.len()];
            let answer = pick(&definitions, a)
                .unwrap_or("Nope")
                .replace('~', "~0")
                .replace('/', "~1");
            if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                paths.insert(
                    format!("/fuzz{k}/{{id}}"),
                    json!({"get": {
                        "operationId": id,
                        "parameters": [
                            {"name": "id", "in": "path", "required": true, "type": "integer"},
                            {"name": "all", "in": "query", "type": "boolean"},
                            {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
                            {"name": "mode", "in": "query", "type": "string", "enum": ["a", "b", "a"]},
                        ],
                        "responses": {
                            "200": {"description": "ok", "schema": {"$ref": format!("#/definitions/{answer}")}},
                            "404": {"description": "no", "schema": {"$ref": format!("#/definitions/{answer}")}},
                        },
                    }}),
                );
            }
        }
        Mutation::DuplicateEnum(a) => {
            let enums = all(doc, &|p, v| {
                p.ends_with("/enum") && v.as_array().is_some_and(|a| !a.is_empty())
            });
            if let Some(p) = pick(&enums, a).map(str::to_owned) {
                let list = doc.pointer_mut(&p).unwrap().as_array_mut().unwrap();
                list.push(list[0].clone());
            }
        }
        Mutation::ResponseCode(a, k) => {
            let codes = all(doc, &|p, _| split(p).0.ends_with("/responses"));
            if let Some(p) = pick(&codes, a).map(str::to_owned) {
                let (parent, last) = split(&p);
                let parent = parent.to_owned();
                rename_key(doc, &parent, &last, CODES[k as usize % CODES.len()]);
            }
        }
        Mutation::ParameterType(a, k) => {
            let params = all(doc, &|p, v| {
                split(p).0.ends_with("/parameters") && v.get("in").is_some()
            });
            if let Some(p) = pick(&params, a).map(str::to_owned) {
                let param = doc.pointer_mut(&p).unwrap().as_object_mut().unwrap();
                let shape = match k % 5 {
                    0 => json!({"type": "integer", "enum": [1, 2]}),
                    1 => json!({"type": "array", "items": {"type": "string"}}),
                    2 => {
                        json!({"type": "array", "items": {"type": "array", "items": {"type": "string"}}})
                    }
                    3 => json!({"type": "object"}),
                    _ => json!({"type": "boolean"}),
                };
                for (key, v) in shape.as_object().unwrap() {
                    param.insert(key.clone(), v.clone());
                }
                if k % 3 == 0 {
                    param.insert(
                        "in".into(),
                        json!(["query", "header", "path"][k as usize % 3]),
                    );
                }
            }
        }
        Mutation::Truncate(_) => {}
    }
}

fn load(file: &'static str) -> Option<Base> {
    let dir = dockwright_tests::specs_dir()?;
    let text = std::fs::read(dir.join(file)).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_slice(&text).unwrap();
    Some(Base {
        file,
        json: serde_json::to_value(yaml).unwrap(),
    })
}

/// Well-formed: empty, or `/`-separated tokens where `~` is always `~0` or `~1`.
fn well_formed(pointer: &str) -> bool {
    (pointer.is_empty() || pointer.starts_with('/'))
        && pointer
            .split('~')
            .skip(1)
            .all(|rest| rest.starts_with('0') || rest.starts_with('1'))
}

/// Runs the pipeline on mutated bytes and checks the outcome; `Ok(true)` when accepted.
fn check_one(bytes: &[u8], doc: Option<&Value>, name: &str) -> Result<bool, String> {
    let file = Path::new(name);
    let outcome = std::panic::catch_unwind(|| {
        pipeline::api_from_bytes(bytes, file).and_then(|api| {
            pipeline::generate_crate(&api, &RuntimeDependency::Workspace).map(|_| ())
        })
    });
    match outcome {
        Err(_) => Err("the generator panicked".into()),
        Ok(Ok(())) => Ok(true),
        Ok(Err(e)) => {
            let text = e.to_string();
            if !text.starts_with(&format!("{name}: ")) {
                return Err(format!("the error does not name the file: {text}"));
            }
            match &e {
                Error::Spec { pointer, .. } | Error::FixupStale { pointer, .. }
                    if !well_formed(pointer) =>
                {
                    Err(format!("malformed pointer `{pointer}`: {text}"))
                }
                Error::Spec { pointer, .. } => {
                    let doc = match doc {
                        Some(d) => d,
                        None => return Ok(false),
                    };
                    if resolves(doc, pointer) {
                        Ok(false)
                    } else {
                        Err(format!(
                            "the pointer `{pointer}` names nothing in the spec: {text}"
                        ))
                    }
                }
                Error::Emit { .. } => Err(format!(
                    "accepted, but the emitted Rust does not parse: {text}"
                )),
                _ => Ok(false),
            }
        }
    }
}

/// Whether a pointer names a node of the mutated document, or its parent does (a missing
/// key). The fix-up `container_summary_is_one_container` makes the item schema of an array
/// definition the definition itself, so a pointer into it may lack that `/items`.
fn resolves(doc: &Value, pointer: &str) -> bool {
    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    if doc.pointer(pointer).is_some() || doc.pointer(parent).is_some() {
        return true;
    }
    let mut tokens = pointer.splitn(4, '/');
    match (tokens.next(), tokens.next(), tokens.next(), tokens.next()) {
        (Some(""), Some("definitions"), Some(name), rest) => {
            let moved = format!("/definitions/{name}/items/{}", rest.unwrap_or_default());
            let moved = moved.trim_end_matches('/');
            doc.pointer(moved).is_some()
                || doc
                    .pointer(moved.rsplit_once('/').map_or("", |(p, _)| p))
                    .is_some()
        }
        _ => false,
    }
}

fn env_number(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_specs_never_panic_and_errors_point_into_the_spec() {
    let bases: Vec<Base> = ["v1.25.yaml", "v1.41.yaml", "v1.55.yaml"]
        .into_iter()
        .filter_map(load)
        .collect();
    if bases.is_empty() {
        return;
    }
    let cases = env_number("DOCKWRIGHT_FUZZ_CASES", 40) as u32;
    let deadline = Instant::now() + Duration::from_secs(env_number("DOCKWRIGHT_FUZZ_SECS", 60));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    });
    let accepted = std::cell::Cell::new(0u32);
    let strategy = (any::<usize>(), proptest::collection::vec(mutation(), 1..=4));
    let result = runner.run(&strategy, |(which, mutations)| {
        if Instant::now() > deadline {
            return Ok(());
        }
        let base = &bases[which % bases.len()];
        let mut doc = base.json.clone();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let mut bytes = serde_json::to_vec(&doc).unwrap();
        let mut parsed = Some(&doc);
        if let Some(Mutation::Truncate(at)) = mutations
            .iter()
            .find(|m| matches!(m, Mutation::Truncate(_)))
        {
            bytes.truncate(bytes.len() * (*at as usize) / 65536);
            parsed = None;
        }
        match check_one(&bytes, parsed, base.file) {
            Ok(true) => {
                accepted.set(accepted.get() + 1);
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(problem) => Err(TestCaseError::fail(format!("{}: {problem}", base.file))),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("generator fuzz: {cases} cases, {} accepted", accepted.get());
}

/// Mutations that keep a spec valid but once made it emit Rust that did not compile.
fn compile_mutants() -> Vec<Vec<Mutation>> {
    vec![
        vec![
            Mutation::SelfReference(11, 0),
            Mutation::SelfReference(40, 0),
            Mutation::DuplicateEnum(3),
        ],
        vec![
            Mutation::AddDefinition(5, 0),
            Mutation::AddDefinition(9, 8),
            Mutation::AddDefinition(17, 5),
            Mutation::AddDefinition(23, 6),
        ],
        vec![
            Mutation::AddOperation(2, 0),
            Mutation::AddOperation(7, 1),
            Mutation::AddOperation(9, 2),
            Mutation::AddOperation(11, 3),
            Mutation::AddOperation(13, 4),
            Mutation::OddProperty(3, 11),
            Mutation::OddProperty(8, 12),
            Mutation::OddProperty(8, 13),
        ],
        vec![
            Mutation::AddDefinition(21, 1),
            Mutation::AddDefinition(30, 2),
            Mutation::AddDefinition(33, 3),
            Mutation::AddDefinition(36, 4),
            Mutation::AddDefinition(40, 7),
            Mutation::AddDefinition(44, 9),
            Mutation::AddDefinition(47, 11),
        ],
    ]
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dockwright_tests::workspace_root().join("target"))
        .join("generator-fuzz")
}

/// `DOCKWRIGHT_FUZZ_COMPILE_RANDOM` (default 1) random mutants of v1.25 that the generator
/// accepts, each a list of mutations.
fn random_accepted(base: &Base) -> Vec<Vec<Mutation>> {
    let wanted = env_number("DOCKWRIGHT_FUZZ_COMPILE_RANDOM", 1) as usize;
    let mut runner = TestRunner::default();
    let strategy = proptest::collection::vec(mutation(), 1..=4);
    let mut out = Vec::new();
    for _ in 0..wanted * 50 {
        if out.len() == wanted {
            break;
        }
        let mutations = strategy.new_tree(&mut runner).unwrap().current();
        if mutations.iter().any(|m| matches!(m, Mutation::Truncate(_))) {
            continue;
        }
        let mut doc = base.json.clone();
        for m in &mutations {
            apply(&mut doc, m);
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        if pipeline::api_from_bytes(&bytes, Path::new(base.file)).is_ok() {
            out.push(mutations);
        }
    }
    out
}

/// A few accepted mutants of v1.25 become crates: four that pack the hazards of issue #11,
/// and random ones; one `cargo check` over all of them (a throwaway workspace, the
/// checkout's Cargo.lock, a target dir kept between runs). A failure lists each mutant's
/// mutations, which reproduce it.
#[test]
#[ignore = "slow (cargo check of generated crates): tests/run.sh runs it"]
fn accepted_mutants_compile() {
    let Some(base) = load("v1.25.yaml") else {
        return;
    };
    let root = dockwright_tests::workspace_root();
    let dir = tempfile::tempdir().unwrap();
    let runtime = RuntimeDependency::Path(root.join("runtime").display().to_string());
    let mut members = Vec::new();
    let mut mutants = compile_mutants();
    mutants.extend(random_accepted(&base));
    let mut listing = String::new();
    for (i, mutations) in mutants.iter().enumerate() {
        listing.push_str(&format!("mutant-{i}: {mutations:?}\n"));
        let mut doc = base.json.clone();
        for m in mutations {
            apply(&mut doc, m);
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        let api = pipeline::api_from_bytes(&bytes, Path::new(base.file))
            .unwrap_or_else(|e| panic!("mutant {i} ({mutations:?}) was refused: {e}"));
        let files = pipeline::generate_crate(&api, &runtime).unwrap();
        let crate_dir = dir.path().join(format!("mutant-{i}"));
        for f in files {
            let mut contents = f.contents;
            if f.path == "Cargo.toml" {
                contents = contents
                    .replace(
                        "name = \"dockwright-v1-25\"",
                        &format!("name = \"mutant-{i}\""),
                    )
                    .replace("\n[workspace]\n", "\n");
            }
            let path = crate_dir.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        members.push(format!("\"mutant-{i}\""));
    }
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let started = Instant::now();
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--offline",
            "--quiet",
            "--message-format=short",
        ])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "accepted mutants do not compile:\n{listing}\n{stderr}"
    );
    eprintln!(
        "{} accepted mutants checked in {:?}",
        members.len(),
        started.elapsed()
    );
}
