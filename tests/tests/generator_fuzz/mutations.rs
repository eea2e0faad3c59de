//! The structured mutations of the generator fuzzer: each picks its target among the
//! nodes of one kind in the document (modulo how many there are) and changes it the way a
//! careless or adversarial spec author might.

use proptest::prelude::*;
use serde_json::{json, Value};

/// One structured change to a spec; the numbers pick targets (modulo what exists).
#[derive(Debug, Clone)]
pub enum Mutation {
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

pub fn mutation() -> impl Strategy<Value = Mutation> {
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

pub fn pointers(v: &Value, at: &str, out: &mut Vec<String>, pick: &dyn Fn(&str, &Value) -> bool) {
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

pub fn pick(list: &[String], n: usize) -> Option<&str> {
    (!list.is_empty()).then(|| list[n % list.len()].as_str())
}

pub fn split(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// Renames key `from` to `to` in the object at `parent`, keeping its place.
pub fn rename_key(doc: &mut Value, parent: &str, from: &str, to: &str) {
    if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
        let entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
        for (k, v) in entries {
            m.insert(if k == from { to.to_owned() } else { k }, v);
        }
    }
}

/// Applies a mutation; `None` for text-level ones (truncation) handled by the caller.
pub fn apply(doc: &mut Value, m: &Mutation) {
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
