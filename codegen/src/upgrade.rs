//! Swagger 2.0 → OpenAPI 3.0 (`openapiv3`), after the fix-ups.
//!
//! Body parameters become request bodies per `consumes`, `produces` becomes response
//! content, `x-nullable` becomes `nullable`, definitions become components. Swagger's
//! sibling-less `$ref` cannot carry the nullability Docker writes beside it, so a `$ref`
//! with siblings becomes the usual `allOf: [$ref]` wrapper that can.

use std::path::Path;

use indexmap::IndexMap;
use openapiv3 as oa;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::extensions::{
    EXT_BODY_NAME, EXT_COLLECTION_FORMAT, EXT_EMPTY_OBJECT, EXT_GO_TYPE, EXT_OMITEMPTY,
    EXT_POINTER, EXT_PRODUCES,
};
use crate::swagger::{self, AdditionalProperties, Schema, SchemaType, Spec};

struct Ctx<'a> {
    file: &'a Path,
    /// Definition names, so that every `$ref` is checked where it is written (also in the
    /// parts the IR never reads, such as error responses).
    definitions: &'a IndexMap<String, Schema>,
}

impl Ctx<'_> {
    fn err(&self, pointer: &str, rule: impl Into<String>) -> Error {
        Error::Spec {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            rule: rule.into(),
        }
    }
}

/// Upgrades a repaired spec. `file` names the spec in errors.
pub fn upgrade(spec: &Spec, file: &Path) -> Result<oa::OpenAPI> {
    let ctx = Ctx {
        file,
        definitions: &spec.definitions,
    };
    for key in ["parameters", "responses"] {
        let present = match key {
            "parameters" => spec.parameters.is_some(),
            _ => spec.responses.is_some(),
        };
        if present {
            return Err(ctx.err(
                &format!("/{key}"),
                "top-level shared parameters/responses are not supported",
            ));
        }
    }
    let mut schemas = IndexMap::new();
    for (name, schema) in &spec.definitions {
        let pointer = format!("/definitions/{}", swagger::escape_pointer(name));
        let converted = schema_or_ref(&ctx, schema, &pointer)?;
        schemas.insert(name.clone(), converted);
    }
    let mut paths = IndexMap::new();
    for (path, item) in &spec.paths {
        let pointer = format!("/paths/{}", swagger::escape_pointer(path));
        if item.parameters.is_some() {
            return Err(ctx.err(
                &format!("{pointer}/parameters"),
                "path-level parameters are not supported",
            ));
        }
        let mut out = oa::PathItem::default();
        for (method, op) in item.operations() {
            let converted = operation(&ctx, spec, op, &format!("{pointer}/{method}"))?;
            let slot = match method {
                "get" => &mut out.get,
                "head" => &mut out.head,
                "post" => &mut out.post,
                "put" => &mut out.put,
                "patch" => &mut out.patch,
                "delete" => &mut out.delete,
                _ => &mut out.options,
            };
            *slot = Some(converted);
        }
        paths.insert(path.clone(), oa::ReferenceOr::Item(out));
    }
    Ok(oa::OpenAPI {
        openapi: "3.0.3".into(),
        info: oa::Info {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            ..Default::default()
        },
        servers: spec
            .base_path
            .iter()
            .map(|b| oa::Server {
                url: b.clone(),
                ..Default::default()
            })
            .collect(),
        paths: oa::Paths {
            paths,
            ..Default::default()
        },
        components: Some(oa::Components {
            schemas,
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn operation(
    ctx: &Ctx,
    spec: &Spec,
    op: &swagger::Operation,
    pointer: &str,
) -> Result<oa::Operation> {
    let operation_id = op
        .operation_id
        .clone()
        .ok_or_else(|| ctx.err(pointer, "every operation needs an operationId"))?;
    let consumes = op.consumes.clone().unwrap_or_else(|| spec.consumes.clone());
    let produces = op.produces.clone().unwrap_or_else(|| spec.produces.clone());
    let mut parameters = Vec::new();
    let mut request_body = None;
    for (i, p) in op.parameters.iter().enumerate() {
        let pp = format!("{pointer}/parameters/{i}");
        if p.reference.is_some() {
            return Err(ctx.err(&pp, "parameter `$ref` is not supported"));
        }
        match p.location.as_str() {
            "body" => {
                let schema = p
                    .schema
                    .as_ref()
                    .ok_or_else(|| ctx.err(&pp, "a body parameter needs a `schema`"))?;
                let schema = schema_or_ref(ctx, schema, &format!("{pp}/schema"))?;
                let content = consumes
                    .iter()
                    .map(|mt| {
                        (
                            mt.clone(),
                            oa::MediaType {
                                schema: Some(schema.clone()),
                                ..Default::default()
                            },
                        )
                    })
                    .collect();
                let mut extensions = IndexMap::new();
                extensions.insert(EXT_BODY_NAME.to_owned(), Value::String(p.name.clone()));
                extensions.insert(EXT_POINTER.to_owned(), Value::String(pp.clone()));
                request_body = Some(oa::ReferenceOr::Item(oa::RequestBody {
                    description: p.description.clone(),
                    content,
                    required: p.required,
                    extensions,
                }));
            }
            "query" | "path" | "header" => {
                let schema = parameter_schema(ctx, p, &pp)?;
                let data = oa::ParameterData {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    required: p.required || p.location == "path",
                    deprecated: None,
                    format: oa::ParameterSchemaOrContent::Schema(schema),
                    example: None,
                    examples: Default::default(),
                    explode: None,
                    extensions: [(EXT_POINTER.to_owned(), Value::String(pp.clone()))]
                        .into_iter()
                        .collect(),
                };
                parameters.push(oa::ReferenceOr::Item(match p.location.as_str() {
                    "query" => oa::Parameter::Query {
                        parameter_data: data,
                        allow_reserved: false,
                        style: oa::QueryStyle::Form,
                        allow_empty_value: None,
                    },
                    "path" => oa::Parameter::Path {
                        parameter_data: data,
                        style: oa::PathStyle::Simple,
                    },
                    _ => oa::Parameter::Header {
                        parameter_data: data,
                        style: oa::HeaderStyle::Simple,
                    },
                }));
            }
            other => {
                return Err(ctx.err(
                    &format!("{pp}/in"),
                    format!(
                        "parameters `in: {other}` are not supported (body, query, path, header)"
                    ),
                ))
            }
        }
    }
    let mut responses = oa::Responses::default();
    for (code, r) in &op.responses {
        let rp = format!("{pointer}/responses/{}", swagger::escape_pointer(code));
        if r.reference.is_some() {
            return Err(ctx.err(&rp, "response `$ref` is not supported"));
        }
        let status = if code == "default" {
            None
        } else {
            match code.parse::<u16>() {
                Ok(c) if (100..=599).contains(&c) => Some(oa::StatusCode::Code(c)),
                _ => {
                    return Err(ctx.err(
                        &rp,
                        format!(
                        "`{code}` is not a response key: HTTP status codes 100-599 or `default`"
                    ),
                    ))
                }
            }
        };
        let mut content = IndexMap::new();
        if let Some(schema) = &r.schema {
            let schema = schema_or_ref(ctx, schema, &format!("{rp}/schema"))?;
            for mt in &produces {
                content.insert(
                    mt.clone(),
                    oa::MediaType {
                        schema: Some(schema.clone()),
                        ..Default::default()
                    },
                );
            }
        }
        let mut headers = IndexMap::new();
        for (name, h) in &r.headers {
            let hs = schema_or_ref(
                ctx,
                h,
                &format!("{rp}/headers/{}", swagger::escape_pointer(name)),
            )?;
            headers.insert(
                name.clone(),
                oa::ReferenceOr::Item(oa::Header {
                    description: h.description.clone(),
                    style: oa::HeaderStyle::Simple,
                    required: false,
                    deprecated: None,
                    format: oa::ParameterSchemaOrContent::Schema(hs),
                    example: None,
                    examples: Default::default(),
                    extensions: Default::default(),
                }),
            );
        }
        let response = oa::Response {
            description: r.description.clone().unwrap_or_default(),
            headers,
            content,
            ..Default::default()
        };
        match status {
            Some(s) => {
                responses
                    .responses
                    .insert(s, oa::ReferenceOr::Item(response));
            }
            None => responses.default = Some(oa::ReferenceOr::Item(response)),
        }
    }
    let mut extensions = IndexMap::new();
    // OpenAPI 3 keeps media types per response; the IR also wants the operation's list
    // even for responses without a schema (streams), so keep it.
    extensions.insert(
        EXT_PRODUCES.to_owned(),
        Value::Array(produces.iter().cloned().map(Value::String).collect()),
    );
    Ok(oa::Operation {
        tags: op.tags.clone(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        operation_id: Some(operation_id),
        parameters,
        request_body,
        responses,
        deprecated: op.deprecated,
        extensions,
        ..Default::default()
    })
}

/// Query/path/header parameters are schema-less in Swagger 2.0: build their schema.
fn parameter_schema(
    ctx: &Ctx,
    p: &swagger::Parameter,
    pointer: &str,
) -> Result<oa::ReferenceOr<oa::Schema>> {
    let ty =
        p.ty.clone()
            .ok_or_else(|| ctx.err(pointer, "a non-body parameter needs a `type`"))?;
    let as_schema = Schema {
        ty: Some(SchemaType::One(ty.clone())),
        format: p.format.clone(),
        items: p.items.clone(),
        enumeration: p.enumeration.clone(),
        default: p.default.clone(),
        ..Schema::default()
    };
    let mut converted = schema(ctx, &as_schema, pointer)?;
    if let Some(cf) = &p.collection_format {
        converted
            .schema_data
            .extensions
            .insert(EXT_COLLECTION_FORMAT.into(), Value::String(cf.clone()));
    }
    Ok(oa::ReferenceOr::Item(converted))
}

fn has_siblings(s: &Schema) -> bool {
    s.x_nullable.is_some() || s.description.is_some() || s.ty.is_some() || s.x_omitempty.is_some()
}

fn schema_or_ref(ctx: &Ctx, s: &Schema, pointer: &str) -> Result<oa::ReferenceOr<oa::Schema>> {
    if let Some(r) = &s.reference {
        check_ref(ctx, r, pointer)?;
        if !has_siblings(s) {
            return Ok(oa::ReferenceOr::ref_(r));
        }
    }
    Ok(oa::ReferenceOr::Item(schema(ctx, s, pointer)?))
}

fn boxed(ctx: &Ctx, s: &Schema, pointer: &str) -> Result<oa::ReferenceOr<Box<oa::Schema>>> {
    Ok(match schema_or_ref(ctx, s, pointer)? {
        oa::ReferenceOr::Reference { reference } => oa::ReferenceOr::Reference { reference },
        oa::ReferenceOr::Item(i) => oa::ReferenceOr::Item(Box::new(i)),
    })
}

fn check_ref(ctx: &Ctx, r: &str, pointer: &str) -> Result<()> {
    match swagger::ref_target(r) {
        Some(name) if ctx.definitions.contains_key(&name) => Ok(()),
        Some(_) => Err(ctx.err(
            &format!("{pointer}/$ref"),
            format!("`{r}` points to no definition"),
        )),
        None => Err(ctx.err(
            &format!("{pointer}/$ref"),
            format!("`$ref: {r}` is not supported: only `#/definitions/<Name>` references are"),
        )),
    }
}

fn schema(ctx: &Ctx, s: &Schema, pointer: &str) -> Result<oa::Schema> {
    for (present, key) in [
        (s.one_of.is_some(), "oneOf"),
        (s.any_of.is_some(), "anyOf"),
        (s.not.is_some(), "not"),
        (s.discriminator.is_some(), "discriminator"),
    ] {
        if present {
            return Err(ctx.err(
                &format!("{pointer}/{key}"),
                format!("`{key}` is not supported (the Engine API never uses it)"),
            ));
        }
    }
    let mut data = oa::SchemaData {
        nullable: s.x_nullable == Some(true),
        title: s.title.clone(),
        description: s.description.clone(),
        default: s.default.clone(),
        example: s.example.clone(),
        read_only: s.read_only == Some(true),
        ..Default::default()
    };
    if let Some(go) = &s.x_go_type {
        data.extensions.insert(EXT_GO_TYPE.into(), go.clone());
    }
    if let Some(o) = s.x_omitempty {
        data.extensions.insert(EXT_OMITEMPTY.into(), Value::Bool(o));
    }
    // `$ref` with siblings: wrap so the siblings keep their meaning.
    if let Some(r) = &s.reference {
        return Ok(oa::Schema {
            schema_data: data,
            schema_kind: oa::SchemaKind::AllOf {
                all_of: vec![oa::ReferenceOr::ref_(r)],
            },
        });
    }
    if !s.all_of.is_empty() {
        let mut all_of = Vec::new();
        for (i, part) in s.all_of.iter().enumerate() {
            all_of.push(schema_or_ref(ctx, part, &format!("{pointer}/allOf/{i}"))?);
        }
        // Properties beside allOf (NetworkInspect, 1.52+) are one more part.
        if !s.properties.is_empty() {
            let rest = Schema {
                ty: Some(SchemaType::One("object".into())),
                properties: s.properties.clone(),
                required: s.required.clone(),
                ..Schema::default()
            };
            let mut rest = schema(ctx, &rest, pointer)?;
            rest.schema_data
                .extensions
                .insert(EXT_POINTER.into(), Value::String(pointer.to_owned()));
            all_of.push(oa::ReferenceOr::Item(rest));
        }
        return Ok(oa::Schema {
            schema_data: data,
            schema_kind: oa::SchemaKind::AllOf { all_of },
        });
    }
    let ty = match &s.ty {
        None => None,
        Some(SchemaType::One(t)) => Some(t.as_str()),
        Some(SchemaType::Many(ts)) => {
            return Err(ctx.err(
                &format!("{pointer}/type"),
                format!("a list of types ({ts:?}) is not supported; add a fix-up"),
            ))
        }
    };
    // A type-less schema with properties is an object.
    let ty = match ty {
        None if !s.properties.is_empty() || s.additional_properties.is_some() => Some("object"),
        t => t,
    };
    let enumeration = s.enumeration.clone().unwrap_or_default();
    let kind = match ty {
        Some("string") => {
            let mut values = Vec::new();
            for (i, v) in enumeration.iter().enumerate() {
                match v {
                    Value::String(v) => values.push(Some(v.clone())),
                    Value::Null => values.push(None),
                    // Docker's specs write some numeric-looking enum values unquoted.
                    Value::Number(n) => values.push(Some(n.to_string())),
                    Value::Bool(b) => values.push(Some(b.to_string())),
                    _ => {
                        return Err(ctx.err(
                            &format!("{pointer}/enum/{i}"),
                            "string enum values must be strings",
                        ))
                    }
                }
            }
            oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                format: format(&s.format),
                enumeration: values,
                ..Default::default()
            }))
        }
        Some("integer") => {
            let mut values = Vec::new();
            for (i, v) in enumeration.iter().enumerate() {
                values.push(Some(v.as_i64().ok_or_else(|| {
                    ctx.err(
                        &format!("{pointer}/enum/{i}"),
                        "integer enum values must be integers",
                    )
                })?));
            }
            oa::SchemaKind::Type(oa::Type::Integer(oa::IntegerType {
                format: format(&s.format),
                enumeration: values,
                ..Default::default()
            }))
        }
        Some("number") => oa::SchemaKind::Type(oa::Type::Number(oa::NumberType {
            format: format(&s.format),
            ..Default::default()
        })),
        Some("boolean") => oa::SchemaKind::Type(oa::Type::Boolean(oa::BooleanType::default())),
        Some("array") => {
            let items = match &s.items {
                Some(items) => Some(boxed(ctx, items, &format!("{pointer}/items"))?),
                None => None,
            };
            oa::SchemaKind::Type(oa::Type::Array(oa::ArrayType {
                items,
                min_items: None,
                max_items: None,
                unique_items: false,
            }))
        }
        Some("object") => {
            if enumeration
                .iter()
                .any(|v| v.as_object().is_some_and(|o| o.is_empty()))
            {
                data.extensions
                    .insert(EXT_EMPTY_OBJECT.into(), Value::Bool(true));
            }
            let mut properties = IndexMap::new();
            for (name, p) in &s.properties {
                properties.insert(
                    name.clone(),
                    boxed(
                        ctx,
                        p,
                        &format!("{pointer}/properties/{}", swagger::escape_pointer(name)),
                    )?,
                );
            }
            let additional_properties = match &s.additional_properties {
                None => None,
                Some(AdditionalProperties::Bool(b)) => Some(oa::AdditionalProperties::Any(*b)),
                Some(AdditionalProperties::Schema(ap)) => {
                    Some(oa::AdditionalProperties::Schema(Box::new(schema_or_ref(
                        ctx,
                        ap,
                        &format!("{pointer}/additionalProperties"),
                    )?)))
                }
            };
            oa::SchemaKind::Type(oa::Type::Object(oa::ObjectType {
                properties,
                required: s.required.clone(),
                additional_properties,
                ..Default::default()
            }))
        }
        None => oa::SchemaKind::Any(oa::AnySchema::default()),
        Some("file") => {
            return Err(ctx.err(&format!("{pointer}/type"), "`type: file` is not supported"))
        }
        Some(other) => {
            return Err(ctx.err(
                &format!("{pointer}/type"),
                format!("unknown type `{other}` (string, integer, number, boolean, array, object)"),
            ))
        }
    };
    Ok(oa::Schema {
        schema_data: data,
        schema_kind: kind,
    })
}

fn format<T: std::str::FromStr>(f: &Option<String>) -> oa::VariantOrUnknownOrEmpty<T> {
    match f {
        None => oa::VariantOrUnknownOrEmpty::Empty,
        Some(f) => match T::from_str(f) {
            Ok(v) => oa::VariantOrUnknownOrEmpty::Item(v),
            Err(_) => oa::VariantOrUnknownOrEmpty::Unknown(f.clone()),
        },
    }
}
