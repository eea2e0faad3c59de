//! Unit tests of the lowering rules whose outcome is not obvious from the spec: names that
//! collide, `allOf` flattened or seen through, `x-go-type` without a JSON type, and
//! `x-nullable` beside a `$ref`. Each spec is a few lines of Swagger run through the
//! whole front half of the pipeline (load, fix-ups, upgrade, lower).

use std::path::Path;

use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef};

fn lower(definitions: &str) -> Api {
    let spec = format!(
        "swagger: \"2.0\"\ninfo: {{title: lowering, version: \"1.98\"}}\npaths: {{}}\ndefinitions:\n{definitions}"
    );
    crate::pipeline::api_from_bytes(spec.as_bytes(), Path::new("lowering.yaml"))
        .unwrap_or_else(|e| panic!("{e}\n{spec}"))
}

fn named<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| {
            let names: Vec<_> = api.types.iter().map(|t| &t.name).collect();
            panic!("no type `{name}` among {names:?}")
        })
}

fn fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    match &named(api, name).kind {
        TypeKind::Struct(s) => &s.fields,
        other => panic!("`{name}` is not a struct: {other:?}"),
    }
}

fn field<'a>(api: &'a Api, ty: &str, json: &str) -> &'a Field {
    fields(api, ty)
        .iter()
        .find(|f| f.json_name == json)
        .unwrap_or_else(|| panic!("`{ty}` has no field `{json}`"))
}

fn id_of(api: &Api, name: &str) -> TypeRef {
    TypeRef::Named(named(api, name).id)
}

#[test]
fn colliding_names_get_inline_then_a_number() {
    let api = lower(
        "  BarConfig: {type: object, properties: {A: {type: string}}}
  Bar:
    type: object
    properties:
      Config: {type: object, properties: {B: {type: string}}}
      config: {type: object, properties: {C: {type: string}}}
      Id: {type: string}
      ID: {type: string}
",
    );
    // The definition keeps its name; the two inline types behind it are numbered.
    assert_eq!(field(&api, "BarConfig", "A").ty, TypeRef::String);
    assert_eq!(
        field(&api, "Bar", "Config").ty,
        id_of(&api, "BarConfigInline")
    );
    assert_eq!(
        field(&api, "Bar", "config").ty,
        id_of(&api, "BarConfigInline2")
    );
    // `Id` and `ID` both want `id`: the later in the properties' order (the Swagger
    // model's, sorted by name) gets the number.
    let rust: Vec<_> = fields(&api, "Bar")
        .iter()
        .map(|f| &f.rust_name[..])
        .collect();
    assert_eq!(rust, ["config", "id", "id_2", "config_2"]);
}

#[test]
fn all_of_flattens_parts_and_sees_through_a_lone_reference() {
    let api = lower(
        "  Base:
    type: object
    required: [Name]
    properties: {Name: {type: string}, Size: {type: integer, format: int32}}
  Derived:
    allOf:
      - $ref: \"#/definitions/Base\"
      - type: object
        required: [Extra]
        properties: {Extra: {type: boolean}}
  Holder:
    type: object
    properties:
      Wrapped:
        description: only a description beside the reference
        allOf: [{$ref: \"#/definitions/Base\"}]
",
    );
    let derived: Vec<_> = fields(&api, "Derived")
        .iter()
        .map(|f| (&f.json_name[..], f.required))
        .collect();
    assert_eq!(derived, [("Name", true), ("Size", false), ("Extra", true)]);
    // A reference wrapped to carry a description is the referenced type, not a copy.
    assert_eq!(field(&api, "Holder", "Wrapped").ty, id_of(&api, "Base"));
    assert!(api
        .types
        .iter()
        .all(|t| !t.name.starts_with("HolderWrapped")));
}

#[test]
fn x_go_type_names_a_definition_or_is_free_json() {
    let api = lower(
        "  Known: {type: object, properties: {A: {type: string}}}
  User:
    type: object
    properties:
      Spec: {x-go-type: {type: Known, import: {package: example.com/known}}}
      Other: {x-go-type: {type: NotInTheSpec}}
      Typed: {type: string, x-go-type: {type: Known}}
",
    );
    assert_eq!(field(&api, "User", "Spec").ty, id_of(&api, "Known"));
    assert_eq!(field(&api, "User", "Other").ty, TypeRef::Json);
    // A JSON type wins over the Go type.
    assert_eq!(field(&api, "User", "Typed").ty, TypeRef::String);
}

#[test]
fn x_nullable_beside_a_reference_makes_a_required_field_optional() {
    let api = lower(
        "  Target: {type: object, properties: {A: {type: string}}}
  Holder:
    type: object
    required: [Maybe, Plain]
    properties:
      Maybe: {$ref: \"#/definitions/Target\", x-nullable: true}
      Plain: {$ref: \"#/definitions/Target\"}
      List:
        type: array
        items: {$ref: \"#/definitions/Target\", x-nullable: true}
",
    );
    let maybe = field(&api, "Holder", "Maybe");
    assert_eq!(maybe.ty, id_of(&api, "Target"));
    assert!(maybe.required && maybe.optional, "{maybe:?}");
    let plain = field(&api, "Holder", "Plain");
    assert!(plain.required && !plain.optional, "{plain:?}");
    assert_eq!(
        field(&api, "Holder", "List").ty,
        TypeRef::Array(Box::new(TypeRef::Nullable(Box::new(id_of(&api, "Target")))))
    );
}
