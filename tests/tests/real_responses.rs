//! Real daemon responses (tests/fixtures/responses/, captured from engines 20.10, 26.1 and
//! 28.5 by tests/fixtures/capture.sh) decode with the matching version's models, and
//! nothing the model declares is left unread.
//!
//! Two checks per fixture:
//! 1. typed: decode into exactly the type the generated client method returns, serialize
//!    it back, and require every value written back to equal the daemon's;
//! 2. by the IR: walk the JSON beside the spec's type and fail on a key the model declares
//!    under another casing (Go reads JSON keys case-insensitively, serde does not, so such
//!    a key would silently decode as `None`), on a null where the model has no `Option`,
//!    and on a required field the daemon did not send. Keys the spec does not document are
//!    listed, not failed: the API's objects are open.

use std::future::IntoFuture;
use std::path::PathBuf;

use dockwright_codegen::ir::{nullability, Api, TypeKind, TypeRef};
use serde_json::Value;

fn fixture(engine: &str, name: &str) -> Value {
    let path = dockwright_tests::workspace_root()
        .join("tests/fixtures/responses")
        .join(engine)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Decodes `json` as the output type of the request type `R`, and checks the round trip.
// `R` is only named to pick `T`: the type the generated client really returns.
#[allow(clippy::extra_unused_type_parameters)]
fn typed<R, T>(label: &str, json: &Value) -> Result<(), String>
where
    R: IntoFuture<Output = dockwright_runtime::Result<T>>,
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let value: T = serde_path_to_error::deserialize(json)
        .map_err(|e| format!("{label}: does not decode at {}: {}", e.path(), e.inner()))?;
    let back = serde_json::to_value(&value).unwrap();
    subset(&back, json, &mut String::new()).map_err(|e| format!("{label}: {e}"))
}

/// As [`typed`], for a list answer: `null` (Go's nil slice) is the empty list, as the
/// generated client reads it (crate::ir::nullability).
#[allow(clippy::extra_unused_type_parameters)]
fn typed_list<R, T>(label: &str, json: &Value) -> Result<(), String>
where
    R: IntoFuture<Output = dockwright_runtime::Result<T>>,
    T: serde::de::DeserializeOwned + serde::Serialize + Default,
{
    let value: T = serde_path_to_error::deserialize::<_, Option<T>>(json)
        .map_err(|e| format!("{label}: does not decode at {}: {}", e.path(), e.inner()))?
        .unwrap_or_default();
    let back = serde_json::to_value(&value).unwrap();
    subset(&back, json, &mut String::new()).map_err(|e| format!("{label}: {e}"))
}

/// Every value in `written` (what the model wrote back) equals the daemon's.
fn subset(written: &Value, original: &Value, path: &mut String) -> Result<(), String> {
    match (written, original) {
        (Value::Object(w), Value::Object(o)) => {
            for (k, wv) in w {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                match o.get(k) {
                    Some(ov) => subset(wv, ov, path)?,
                    None => {
                        return Err(format!(
                            "{path}: written back but the daemon did not send it"
                        ))
                    }
                }
                path.truncate(len);
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(o)) if w.len() == o.len() => {
            for (i, (wv, ov)) in w.iter().zip(o).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                subset(wv, ov, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        // Go's nil slice or map, read as empty by the nil rule and written back as such.
        (Value::Array(w), Value::Null) if w.is_empty() => Ok(()),
        (Value::Object(w), Value::Null) if w.is_empty() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!(
            "{path}: the model wrote back {a} but the daemon sent {b}"
        )),
    }
}

struct Walk<'a> {
    api: &'a Api,
    violations: Vec<String>,
    undocumented: Vec<String>,
}

impl Walk<'_> {
    fn value(&mut self, ty: &TypeRef, json: &Value, path: &str) {
        match (ty, json) {
            (_, Value::Null) => {} // nullability is judged by the field that holds it
            (TypeRef::Named(id), _) => self.named(*id, json, path),
            (TypeRef::Array(inner), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(inner, item, &format!("{path}[{i}]"));
                }
            }
            (TypeRef::Map(inner), Value::Object(map)) => {
                for (k, v) in map {
                    if v.is_null() && !matches!(**inner, TypeRef::Nullable(_) | TypeRef::Json) {
                        self.violations.push(format!(
                            "{path}.{k}: null, but the map's values are not nullable"
                        ));
                    }
                    self.value(inner, v, &format!("{path}.{k}"));
                }
            }
            (TypeRef::Nullable(inner), _) => self.value(inner, json, path),
            (TypeRef::Json | TypeRef::EmptyObject, _) => {}
            (TypeRef::String, Value::String(_)) | (TypeRef::Bool, Value::Bool(_)) => {}
            (TypeRef::Integer(_), Value::Number(n)) if n.is_i64() || n.is_u64() => {}
            (TypeRef::Float, Value::Number(_)) => {}
            (ty, v) => self
                .violations
                .push(format!("{path}: the spec says {ty:?}, the daemon sent {v}")),
        }
    }

    fn named(&mut self, id: dockwright_codegen::ir::TypeId, json: &Value, path: &str) {
        let def = self.api.ty(id);
        match (&def.kind, json) {
            (TypeKind::Struct(s), Value::Object(map)) => {
                for (key, v) in map {
                    let here = format!("{path}.{key}");
                    match s.fields.iter().find(|f| &f.json_name == key) {
                        Some(f) => {
                            if v.is_null() && !nullability::field_accepts_null(self.api, f) {
                                self.violations.push(format!("{here}: null, but `{}::{}` is not an Option", def.name, f.rust_name));
                            }
                            self.value(&f.ty, v, &here);
                        }
                        None => match s.fields.iter().find(|f| f.json_name.eq_ignore_ascii_case(key)) {
                            Some(f) => self.violations.push(format!(
                                "{here}: the model declares `{}` (as `{}::{}`): this key would be left unread",
                                f.json_name, def.name, f.rust_name
                            )),
                            None => self.undocumented.push(here),
                        },
                    }
                }
                for f in s.fields.iter().filter(|f| !f.optional) {
                    if !map.contains_key(&f.json_name) {
                        self.violations
                            .push(format!("{path}: required `{}` missing", f.json_name));
                    }
                }
            }
            (TypeKind::Struct(_), other) => self.violations.push(format!(
                "{path}: `{}` is an object, the daemon sent {other}",
                def.name
            )),
            (TypeKind::StringEnum(_), Value::String(_))
            | (TypeKind::IntegerEnum(_), Value::Number(_)) => {}
            (TypeKind::Alias(t), _) => {
                let t = t.clone();
                self.value(&t, json, path)
            }
            (_, other) => self
                .violations
                .push(format!("{path}: `{}` cannot hold {other}", def.name)),
        }
    }
}

/// The fixtures and the operation whose response each one is.
const FIXTURES: &[(&str, &str)] = &[
    ("version", "SystemVersion"),
    ("info", "SystemInfo"),
    ("container-list", "ContainerList"),
    ("container-inspect", "ContainerInspect"),
    ("image-list", "ImageList"),
    ("image-inspect", "ImageInspect"),
    ("network-list", "NetworkList"),
    ("network-inspect", "NetworkInspect"),
    ("volume-list", "VolumeList"),
    ("volume-inspect", "VolumeInspect"),
    ("system-df", "SystemDataUsage"),
];

fn check_by_ir(engine: &str, version: &str) -> Vec<String> {
    let Some(specs) = dockwright_tests::specs_dir() else {
        return Vec::new();
    };
    let spec: PathBuf = specs.join(format!("v{version}.yaml"));
    let api = dockwright_codegen::pipeline::load_api(&spec).unwrap();
    walk_fixtures(&api, engine)
}

/// Every fixture of `engine` walked beside `api`'s types: the violations found.
fn walk_fixtures(api: &Api, engine: &str) -> Vec<String> {
    let version = api.version;
    let mut failures = Vec::new();
    for (name, op) in FIXTURES {
        let operation = api
            .operation(op)
            .unwrap_or_else(|| panic!("{op} in v{version}"));
        let dockwright_codegen::ir::ResponseKind::Json(ty) = &operation.response else {
            panic!("{op} has a JSON response")
        };
        let mut walk = Walk {
            api,
            violations: Vec::new(),
            undocumented: Vec::new(),
        };
        walk.value(ty, &fixture(engine, name), name);
        if !walk.undocumented.is_empty() {
            eprintln!(
                "{engine}/{name}: keys the v{version} spec does not document: {}",
                walk.undocumented.join(", ")
            );
        }
        failures.extend(
            walk.violations
                .into_iter()
                .map(|v| format!("{engine} (v{version}): {v}")),
        );
    }
    failures
}

macro_rules! typed_checks {
    ($krate:ident, $engine:expr) => {{
        use $krate::client::*;
        let e = $engine;
        let checks: Vec<Result<(), String>> = vec![
            typed::<SystemVersionRequest<'static>, _>(
                &format!("{e}/version"),
                &fixture(e, "version"),
            ),
            typed::<SystemInfoRequest<'static>, _>(&format!("{e}/info"), &fixture(e, "info")),
            typed::<ContainerListRequest<'static>, _>(
                &format!("{e}/container-list"),
                &fixture(e, "container-list"),
            ),
            typed::<ContainerInspectRequest<'static>, _>(
                &format!("{e}/container-inspect"),
                &fixture(e, "container-inspect"),
            ),
            typed::<ImageListRequest<'static>, _>(
                &format!("{e}/image-list"),
                &fixture(e, "image-list"),
            ),
            typed::<ImageInspectRequest<'static>, _>(
                &format!("{e}/image-inspect"),
                &fixture(e, "image-inspect"),
            ),
            typed::<NetworkListRequest<'static>, _>(
                &format!("{e}/network-list"),
                &fixture(e, "network-list"),
            ),
            typed::<NetworkInspectRequest<'static>, _>(
                &format!("{e}/network-inspect"),
                &fixture(e, "network-inspect"),
            ),
            typed::<VolumeListRequest<'static>, _>(
                &format!("{e}/volume-list"),
                &fixture(e, "volume-list"),
            ),
            typed::<VolumeInspectRequest<'static>, _>(
                &format!("{e}/volume-inspect"),
                &fixture(e, "volume-inspect"),
            ),
            typed::<SystemDataUsageRequest<'static>, _>(
                &format!("{e}/system-df"),
                &fixture(e, "system-df"),
            ),
        ];
        checks
            .into_iter()
            .filter_map(Result::err)
            .collect::<Vec<String>>()
    }};
}

#[test]
fn engine_20_10_responses_decode_with_v1_41() {
    let mut failures = typed_checks!(dockwright_v1_41, "engine-20.10");
    failures.extend(check_by_ir("engine-20.10", "1.41"));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn engine_26_1_responses_decode_with_v1_45() {
    let mut failures = typed_checks!(dockwright_v1_45, "engine-26.1");
    failures.extend(check_by_ir("engine-26.1", "1.45"));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn engine_28_5_responses_decode_with_v1_51() {
    let mut failures = typed_checks!(dockwright_v1_51, "engine-28.5");
    failures.extend(check_by_ir("engine-28.5", "1.51"));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_walk_catches_a_miscased_key() {
    // The checker itself must be able to fail: a key in the wrong casing is reported.
    let Some(specs) = dockwright_tests::specs_dir() else {
        return;
    };
    let api = dockwright_codegen::pipeline::load_api(&specs.join("v1.41.yaml")).unwrap();
    let op = api.operation("VolumeInspect").unwrap();
    let dockwright_codegen::ir::ResponseKind::Json(ty) = &op.response else {
        panic!()
    };
    let mut json = fixture("engine-20.10", "volume-inspect");
    let name = json.as_object_mut().unwrap().remove("Name").unwrap();
    json.as_object_mut().unwrap().insert("name".into(), name);
    let mut walk = Walk {
        api: &api,
        violations: Vec::new(),
        undocumented: Vec::new(),
    };
    walk.value(ty, &json, "volume");
    assert!(
        walk.violations
            .iter()
            .any(|v| v.contains("volume.name: the model declares `Name`")),
        "{:?}",
        walk.violations
    );
    assert!(
        walk.violations
            .iter()
            .any(|v| v.contains("required `Name` missing")),
        "{:?}",
        walk.violations
    );
}

/// A spec the manifest does not know (here v1.55 with only its version number changed, as
/// the next upstream version looks before its first change) gets the same fix-ups, reads
/// the same real answers, and diffs against v1.55 as no change.
#[test]
fn a_spec_for_the_next_version_gets_the_fixups_of_the_last_one() {
    let Some(specs) = dockwright_tests::specs_dir() else {
        return;
    };
    let original = std::fs::read_to_string(specs.join("v1.55.yaml")).unwrap();
    let next = original.replacen("  version: \"1.55\"", "  version: \"1.56\"", 1);
    assert_ne!(next, original, "the info.version line of v1.55.yaml moved");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("next.yaml");
    std::fs::write(&path, next).unwrap();

    let published = dockwright_codegen::pipeline::load_api(&specs.join("v1.55.yaml")).unwrap();
    let (api, not_needed) = dockwright_codegen::pipeline::load_api_with_notes(&path).unwrap();
    assert_eq!(api.version.to_string(), "1.56");
    assert_eq!(api.fixups, published.fixups);
    assert!(not_needed.is_empty(), "{not_needed:?}");

    for engine in ["engine-20.10", "engine-26.1", "engine-28.5"] {
        let theirs: Vec<String> = walk_fixtures(&published, engine)
            .iter()
            .map(|v| v.replace("(v1.55)", "(v1.56)"))
            .collect();
        let ours = walk_fixtures(&api, engine);
        assert_eq!(ours, theirs, "{engine}");
        assert!(ours.is_empty(), "{engine}: {ours:?}");
        eprintln!(
            "{engine}: v1.55 and the copy both find {} violations",
            ours.len()
        );
    }

    let diff = xtask::diff::compare("1.55", path.to_str().unwrap(), Some(specs)).unwrap();
    let report = dockwright_codegen::diff::to_markdown(&diff);
    assert!(report.contains("Summary: no changes"), "{report}");
}

/// The corpus (tests/fixtures/corpus/, recorded by `tests/fixtures/capture.sh --corpus`):
/// answers of engines 20.10, 26.1 and 28.5 at every API version each speaks, each walked
/// beside the types of the crate of that very version, with the strictness above. The
/// crates 1.52-1.55 read the 28.5 answers at 1.51 (a newer crate must read an older
/// daemon's answers). Prints the count per crate; every crate 1.25-1.55 must have some.
#[test]
fn corpus_answers_decode_with_the_crate_of_their_version() {
    use std::collections::BTreeMap;
    let Some(specs) = dockwright_tests::specs_dir() else {
        return;
    };
    let mut apis: BTreeMap<u16, Api> = BTreeMap::new();
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut stats_undocumented = Vec::new();
    for engine in CORPUS_ENGINES {
        let corpus = corpus(engine);
        for entry in corpus["answers"].as_array().unwrap() {
            let op = entry["op"].as_str().unwrap();
            let label = format!("{engine} {op} {}", entry["what"].as_str().unwrap());
            let mut versions: Vec<u16> = entry["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(minor)
                .collect();
            if engine == "28.5" && versions.contains(&51) {
                versions.extend(52..=55);
            }
            for v in versions {
                let api = apis.entry(v).or_insert_with(|| {
                    dockwright_codegen::pipeline::load_api(&specs.join(format!("v1.{v}.yaml")))
                        .unwrap()
                });
                let operation = api
                    .operation(op)
                    .unwrap_or_else(|| panic!("{op} in v1.{v}"));
                let dockwright_codegen::ir::ResponseKind::Json(ty) = &operation.response else {
                    panic!("{op} has a JSON response in v1.{v}")
                };
                let mut walk = Walk {
                    api,
                    violations: Vec::new(),
                    undocumented: Vec::new(),
                };
                if entry["answer"].is_null() && !nullability::response_null_is_empty(api, ty) {
                    walk.violations
                        .push(format!("{op}: null, but the answer is not a list or map"));
                }
                walk.value(ty, &entry["answer"], op);
                if op == "ContainerStats" && !walk.undocumented.is_empty() {
                    stats_undocumented.push(format!("{label} at 1.{v}: {:?}", walk.undocumented));
                }
                failures.extend(
                    walk.violations
                        .into_iter()
                        .map(|x| format!("{label} at 1.{v}: {x}")),
                );
                *counts.entry(v).or_default() += 1;
            }
        }
    }
    let line: Vec<String> = counts.iter().map(|(v, n)| format!("1.{v}: {n}")).collect();
    eprintln!("corpus answers decoded per crate: {}", line.join(", "));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // Typed stats (fix-up `container_stats_are_typed`) lose nothing a daemon sends.
    assert!(
        stats_undocumented.is_empty(),
        "\n{}",
        stats_undocumented.join("\n")
    );
    let missing: Vec<u16> = (25..=55).filter(|v| !counts.contains_key(v)).collect();
    assert!(
        missing.is_empty(),
        "no corpus answer for the crates {missing:?}"
    );
}

const CORPUS_ENGINES: [&str; 3] = ["20.10", "26.1", "28.5"];

fn corpus(engine: &str) -> Value {
    let path = dockwright_tests::workspace_root()
        .join(format!("tests/fixtures/corpus/engine-{engine}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn minor(v: &Value) -> u16 {
    v.as_str()
        .and_then(|s| s.strip_prefix("1."))
        .and_then(|m| m.parse().ok())
        .expect("a version 1.NN")
}

/// The corpus answers recorded at `version`, decoded into the exact types of the crate of
/// that version (the client's output type, or the model a stream yields). `configs`: the
/// crate has the config calls (1.30 and later).
macro_rules! typed_corpus {
    ($krate:ident, $version:expr, $events:ty $(, $configs:ident)?) => {{
        use $krate::client::*;
        use $krate::models::ContainerStatsResponse;
        let mut failures = Vec::new();
        let mut count = 0;
        for engine in CORPUS_ENGINES {
            for entry in corpus(engine)["answers"].as_array().unwrap() {
                if !entry["versions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v == $version)
                {
                    continue;
                }
                let (op, json) = (entry["op"].as_str().unwrap(), &entry["answer"]);
                let label = format!(
                    "{engine} {op} {} at {}",
                    entry["what"].as_str().unwrap(),
                    $version
                );
                let result = match op {
                    "SystemVersion" => typed::<SystemVersionRequest<'static>, _>(&label, json),
                    "SystemInfo" => typed::<SystemInfoRequest<'static>, _>(&label, json),
                    "SystemDataUsage" => typed::<SystemDataUsageRequest<'static>, _>(&label, json),
                    "ContainerList" => typed_list::<ContainerListRequest<'static>, _>(&label, json),
                    "ContainerInspect" => {
                        typed::<ContainerInspectRequest<'static>, _>(&label, json)
                    }
                    "ContainerChanges" => {
                        typed_list::<ContainerChangesRequest<'static>, _>(&label, json)
                    }
                    "ContainerTop" => typed::<ContainerTopRequest<'static>, _>(&label, json),
                    "ContainerCreate" => typed::<ContainerCreateRequest<'static>, _>(&label, json),
                    "ImageList" => typed_list::<ImageListRequest<'static>, _>(&label, json),
                    "ImageInspect" => typed::<ImageInspectRequest<'static>, _>(&label, json),
                    "ImageHistory" => typed_list::<ImageHistoryRequest<'static>, _>(&label, json),
                    "VolumeList" => typed::<VolumeListRequest<'static>, _>(&label, json),
                    "VolumeInspect" => typed::<VolumeInspectRequest<'static>, _>(&label, json),
                    "VolumeCreate" => typed::<VolumeCreateRequest<'static>, _>(&label, json),
                    "NetworkList" => typed_list::<NetworkListRequest<'static>, _>(&label, json),
                    "NetworkInspect" => typed::<NetworkInspectRequest<'static>, _>(&label, json),
                    "ExecInspect" => typed::<ExecInspectRequest<'static>, _>(&label, json),
                    "ServiceList" => typed_list::<ServiceListRequest<'static>, _>(&label, json),
                    "ServiceInspect" => typed::<ServiceInspectRequest<'static>, _>(&label, json),
                    "TaskList" => typed_list::<TaskListRequest<'static>, _>(&label, json),
                    "TaskInspect" => typed::<TaskInspectRequest<'static>, _>(&label, json),
                    "NodeList" => typed_list::<NodeListRequest<'static>, _>(&label, json),
                    "NodeInspect" => typed::<NodeInspectRequest<'static>, _>(&label, json),
                    "SecretList" => typed_list::<SecretListRequest<'static>, _>(&label, json),
                    "SecretInspect" => typed::<SecretInspectRequest<'static>, _>(&label, json),
                    $("ConfigList" => {
                        let _ = stringify!($configs);
                        typed_list::<ConfigListRequest<'static>, _>(&label, json)
                    }
                    "ConfigInspect" => typed::<ConfigInspectRequest<'static>, _>(&label, json),)?
                    "ContainerStats" => model::<ContainerStatsResponse>(&label, json),
                    "SystemEvents" => model::<$events>(&label, json),
                    other => Err(format!("{label}: no typed check for {other}")),
                };
                failures.extend(result.err());
                count += 1;
            }
        }
        eprintln!("{}: {count} corpus answers decoded", stringify!($krate));
        assert!(count > 0, "no corpus answer at {}", $version);
        failures
    }};
}

/// Decodes `json` as the model `T` and checks the round trip.
fn model<T: serde::de::DeserializeOwned + serde::Serialize>(
    label: &str,
    json: &Value,
) -> Result<(), String> {
    let value: T = serde_path_to_error::deserialize(json)
        .map_err(|e| format!("{label}: does not decode at {}: {}", e.path(), e.inner()))?;
    let back = serde_json::to_value(&value).unwrap();
    subset(&back, json, &mut String::new()).map_err(|e| format!("{label}: {e}"))
}

#[test]
fn corpus_answers_decode_typed_with_the_crates_this_package_builds() {
    let mut failures = typed_corpus!(
        dockwright_v1_25,
        "1.25",
        dockwright_v1_25::models::SystemEventsResponse
    );
    failures.extend(typed_corpus!(
        dockwright_v1_41,
        "1.41",
        dockwright_v1_41::models::EventMessage,
        configs
    ));
    failures.extend(typed_corpus!(
        dockwright_v1_45,
        "1.45",
        dockwright_v1_45::models::EventMessage,
        configs
    ));
    failures.extend(typed_corpus!(
        dockwright_v1_51,
        "1.51",
        dockwright_v1_51::models::EventMessage,
        configs
    ));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
