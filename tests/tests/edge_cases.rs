//! The hand-written edge-case spec (tests/specs/edge-cases.yaml) against its checked-in
//! generated crate (tests/snapshots/edge-cases/, a workspace member, so it is compiled,
//! linted and documented with everything else).

use std::path::Path;

use dockwright_codegen::emit::RuntimeDependency;
use dockwright_codegen::pipeline;

fn generate() -> Vec<dockwright_codegen::emit::GeneratedFile> {
    let root = dockwright_tests::workspace_root();
    let api =
        pipeline::load_api(&root.join("tests/specs/edge-cases.yaml")).expect("edge cases generate");
    pipeline::generate_crate(&api, &RuntimeDependency::Member("../../../runtime".into()))
        .expect("edge cases emit")
}

#[test]
fn snapshot_is_fresh() {
    let mut problems = Vec::new();
    for file in generate() {
        let path = Path::new("tests/snapshots/edge-cases").join(&file.path);
        if let Err(e) = dockwright_tests::check_snapshot(&path, &file.contents) {
            problems.push(e);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn models() -> String {
    generated_file("src/models.rs")
}

/// The models' serde impls, apart from the types.
fn serde_impls() -> String {
    generated_file("src/models/serde_impls.rs")
}

fn generated_file(path: &str) -> String {
    generate()
        .into_iter()
        .find(|f| f.path == path)
        .unwrap()
        .contents
}

#[test]
fn inline_name_colliding_with_a_definition_is_renamed_deterministically() {
    let m = models();
    assert!(
        m.contains("pub struct ThingCreateResponse {"),
        "the definition keeps its name"
    );
    assert!(
        m.contains("pub struct ThingCreateResponseInline {"),
        "the inline schema gets `Inline`"
    );
    let client = generate()
        .into_iter()
        .find(|f| f.path == "src/client.rs")
        .unwrap()
        .contents;
    assert!(
        client.contains("dockwright_runtime::Result<crate::models::ThingCreateResponseInline>"),
        "the operation returns the inline type"
    );
}

#[test]
fn identifiers_follow_the_naming_table() {
    let m = models();
    let serde = serde_impls();
    for (json, field) in [
        ("Type", "pub type_: Option<String>"),
        ("For", "pub for_: Option<String>"),
        ("os.version", "pub os_version: Option<String>"),
        ("DeviceIDs", "pub device_ids: Option<Vec<String>>"),
        ("IPv6Address", "pub ipv6_address: Option<String>"),
        ("NanoCPUs", "pub nano_cpus: Option<i64>"),
        ("Small", "pub small: Option<u16>"),
    ] {
        assert!(
            serde.contains(&format!("map.optional(\"{json}\"")),
            "{json} is written under its JSON name"
        );
        assert!(
            serde.contains(&format!(
                "\"{json}\" => field::nullable(&mut map, &mut field_"
            )),
            "{json} is read under its JSON name"
        );
        assert!(m.contains(field), "{json} becomes `{field}`");
    }
}

#[test]
fn all_of_is_merged_and_nullable_refs_are_options() {
    let m = models();
    let thing = &m[m.find("pub struct Thing {").unwrap()..];
    let thing = &thing[..thing.find("\n}\n").unwrap()];
    assert!(
        thing.contains("pub kind: String,"),
        "required field from the allOf base: {thing}"
    );
    assert!(thing.contains("pub parent: Option<Base>,"), "{thing}");
    assert!(thing.contains("pub ports: Option<\n        std::collections::HashMap<String, Option<Vec<Base>>>,\n    >,") || thing.contains("pub ports: Option<std::collections::HashMap<String, Option<Vec<Base>>>>,"), "{thing}");
    assert!(
        thing.contains("dockwright_runtime::model::EmptyObject"),
        "{thing}"
    );
    assert!(
        thing.contains("pub free: Option<serde_json::Value>,"),
        "{thing}"
    );
    assert!(
        thing.contains("pub nested: Option<ThingNested>,"),
        "{thing}"
    );
    assert!(m.contains("pub struct ThingNestedDeep {"));
}

#[test]
fn enums_name_odd_values() {
    let m = models();
    let mode = &m[m.find("pub enum ThingMode {").unwrap()..];
    let mode = &mode[..mode.find('}').unwrap()];
    for variant in [
        "Empty,",
        "V1,",
        "V2,",
        "OnFailure,",
        "OtherValue,",
        "Other(String),",
    ] {
        assert!(mode.contains(variant), "{variant} in {mode}");
    }
    let change = &m[m.find("pub enum ChangeType {").unwrap()..];
    for variant in ["Modified,", "Added,", "Deleted,", "Other(i64),"] {
        assert!(change.contains(variant), "{variant} in ChangeType");
    }
}

#[test]
fn descriptions_become_warning_free_docs() {
    let m = models();
    assert!(
        m.contains("&lt;placeholders&gt;"),
        "HTML-like text is escaped"
    );
    assert!(
        m.contains("\\[brackets\\]"),
        "brackets are not intra-doc links"
    );
    assert!(m.contains("<https://example.com>"), "bare URLs are wrapped");
    assert!(
        !m.contains("///     an indented"),
        "no indented code block (a doctest)"
    );
}

#[test]
fn a_parameter_named_like_a_builder_field_is_renamed_but_sent_under_its_wire_name() {
    let client = generate()
        .into_iter()
        .find(|f| f.path == "src/client.rs")
        .unwrap()
        .contents;
    assert!(
        client.contains("pub fn request_timeout_(mut self, value: i64) -> Self"),
        "the parameter's setter"
    );
    assert!(
        client.contains("pub fn request_timeout(mut self, limit: std::time::Duration) -> Self"),
        "the builder's own time limit keeps its name"
    );
    assert!(
        client.contains("if let Some(value) = self.request_timeout_.as_ref() {\n            request = request.query(\"request_timeout\", value);"),
        "sent under its wire name"
    );
}

/// The shape that keeps a generated crate's compile time down (BENCHMARKS.md, "Compile
/// time"): no `?` per field in the serde impls. A serializer has none at all; a visitor
/// has one after reading a key, one after the `match` on it, and one per required field.
#[test]
fn serde_impls_have_no_question_mark_per_field() {
    let serde = serde_impls();
    let (mut serializers, mut visitors) = (0, 0);
    for body in serde.split("\n    fn ").skip(1) {
        let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
        let marks = body.matches("?").count() - body.matches("?Sized").count();
        if body.starts_with("serialize<") {
            assert_eq!(marks, 0, "a serializer with `?`:\n{body}");
            serializers += 1;
        }
    }
    for body in serde.split("fn visit_map<").skip(1) {
        let body = &body[..body.find("\n            }\n").unwrap()];
        let required = body.matches("field::required(").count();
        assert_eq!(
            body.matches('?').count(),
            2 + required,
            "a visitor with a `?` per field:\n{body}"
        );
        visitors += 1;
    }
    assert!(
        serializers > 3 && visitors > 3,
        "{serializers} serializers, {visitors} visitors"
    );
}
