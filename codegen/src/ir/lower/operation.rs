//! Operations: parameters by location with their wire encoding, the request body, the
//! success response, and the rules that keep the emitted client sound (path templates,
//! parameters with a textual form, the stream-kind table's needs).

use openapiv3 as oa;
use serde_json::Value;

use super::validate::{self, PathPart};
use super::Lowering;
use crate::error::Result;
use crate::extensions::{EXT_BODY_NAME, EXT_COLLECTION_FORMAT, EXT_POINTER, EXT_PRODUCES};
use crate::ir::*;
use crate::names;
use crate::{filter_keys, stream_kinds};

impl Lowering<'_> {
    /// The value of a JSON-encoded query parameter. Swagger 2 can only declare it
    /// `type: string`, and taking JSON *text* then sent it encoded twice (`labels="{…}"`,
    /// which the daemon refuses); the description says what the JSON is, so the caller
    /// passes that value and the runtime encodes it once.
    fn json_query_type(&self, docs: &str) -> TypeRef {
        let docs = docs.to_lowercase();
        if docs.contains("map of string pairs") {
            TypeRef::Map(Box::new(TypeRef::String))
        } else if docs.contains("oci platform") {
            self.definition_ids
                .get("OCIPlatform")
                .map_or(TypeRef::Json, |id| TypeRef::Named(*id))
        } else if docs.contains("json array") && !docs.contains("array of objects") {
            TypeRef::Array(Box::new(TypeRef::String))
        } else {
            TypeRef::Json
        }
    }

    pub(super) fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &oa::Operation,
        pointer: &str,
    ) -> Result<Operation> {
        let id = op
            .operation_id
            .clone()
            .ok_or_else(|| self.err(pointer, "every operation needs an operationId"))?;
        let type_prefix = names::camel_ident(&id);
        let mut params = Vec::new();
        let mut param_pointers = Vec::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let oa::ReferenceOr::Item(p) = p else {
                let pp = format!("{pointer}/parameters/{i}");
                return Err(self.err(&pp, "parameter `$ref` is not supported"));
            };
            // The upgrade numbers parameters without the body one; it left the spec's pointer.
            let pp = p
                .parameter_data_ref()
                .extensions
                .get(EXT_POINTER)
                .and_then(Value::as_str)
                .map_or_else(|| format!("{pointer}/parameters/{i}"), str::to_owned);
            let (data, location) = match p {
                oa::Parameter::Query { parameter_data, .. } => {
                    (parameter_data, ParamLocation::Query)
                }
                oa::Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
                oa::Parameter::Header { parameter_data, .. } => {
                    (parameter_data, ParamLocation::Header)
                }
                oa::Parameter::Cookie { .. } => {
                    return Err(self.err(&pp, "cookie parameters are not supported"))
                }
            };
            let oa::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(self.err(&pp, "parameters need a schema"));
            };
            let hint = format!("{type_prefix}{}", names::camel_ident(&data.name));
            let mut ty = self.type_ref(schema, &hint, &pp)?;
            let (collection_format, default) = match schema {
                oa::ReferenceOr::Item(s) => (
                    s.schema_data
                        .extensions
                        .get(EXT_COLLECTION_FORMAT)
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    s.schema_data.default.clone(),
                ),
                _ => (None, None),
            };
            let docs = data.description.clone();
            let is_filters = location == ParamLocation::Query && data.name == "filters";
            let encoding = if location != ParamLocation::Query {
                QueryEncoding::Plain
            } else if matches!(ty, TypeRef::Array(_)) {
                match collection_format.as_deref() {
                    None | Some("multi") => QueryEncoding::Repeated,
                    Some(other) => {
                        return Err(self.err(
                            &pp,
                            format!("collectionFormat `{other}` is not supported (multi)"),
                        ))
                    }
                }
            } else if is_filters {
                QueryEncoding::Json
            } else if is_json_encoded(docs.as_deref()) {
                if ty == TypeRef::String {
                    ty = self.json_query_type(docs.as_deref().unwrap_or_default());
                }
                QueryEncoding::Json
            } else {
                QueryEncoding::Plain
            };
            let param = Param {
                wire_name: data.name.clone(),
                rust_name: names::snake_ident(&data.name),
                location,
                ty,
                required: data.required,
                docs,
                default,
                encoding,
                filter_keys: is_filters
                    .then(|| filter_keys::parse(data.description.as_deref().unwrap_or_default())),
            };
            validate::param_has_textual_form(&self.types, &param)
                .map_err(|rule| self.err(&pp, rule))?;
            params.push(param);
            param_pointers.push(pp);
        }
        let path_pointer = pointer.rsplit_once('/').map_or(pointer, |(p, _)| p);
        let parts = validate::path_parts(path).map_err(|rule| self.err(path_pointer, rule))?;
        validate::path_matches_params(path, &parts, &params).map_err(
            |(param, rule)| match param {
                Some(i) => self.err(&format!("{}/in", param_pointers[i]), rule),
                None => self.err(path_pointer, rule),
            },
        )?;
        // The stream-kind table's TTY inspect path uses the operation's path parameters.
        if let Some(tty) = stream_kinds::lookup(&id).and_then(|e| e.tty_from) {
            for part in validate::path_parts(tty.inspect_path).unwrap_or_default() {
                let PathPart::Param(name) = part else {
                    continue;
                };
                if !params
                    .iter()
                    .any(|p| p.location == ParamLocation::Path && p.wire_name == name)
                {
                    return Err(self.err(
                        &format!("{pointer}/parameters"),
                        format!(
                            "`{id}` reads its TTY setting from `{}` (stream-kind table), so it needs the path parameter `{name}`",
                            tty.inspect_path
                        ),
                    ));
                }
            }
        }
        let body = match &op.request_body {
            None => None,
            Some(oa::ReferenceOr::Reference { .. }) => {
                return Err(self.err(pointer, "request body `$ref` is not supported"))
            }
            Some(oa::ReferenceOr::Item(rb)) => {
                let name = rb
                    .extensions
                    .get(EXT_BODY_NAME)
                    .and_then(Value::as_str)
                    .unwrap_or("body")
                    .to_owned();
                let (media_type, mt) = rb
                    .content
                    .iter()
                    .find(|(k, _)| k.as_str() == "application/json")
                    .or_else(|| rb.content.first())
                    .ok_or_else(|| self.err(pointer, "a request body needs a media type"))?;
                let body_pointer = rb
                    .extensions
                    .get(EXT_POINTER)
                    .and_then(Value::as_str)
                    .map_or_else(
                        || format!("{pointer}/parameters"),
                        |p| format!("{p}/schema"),
                    );
                let ty = match (&mt.schema, media_type.as_str()) {
                    (Some(schema), "application/json") if !is_binary(schema) => BodyType::Json(
                        self.type_ref(schema, &format!("{type_prefix}Body"), &body_pointer)?,
                    ),
                    _ => BodyType::Bytes,
                };
                Some(Body {
                    name,
                    media_type: media_type.clone(),
                    ty,
                    required: rb.required,
                    docs: rb.description.clone(),
                    default: match &mt.schema {
                        Some(oa::ReferenceOr::Item(s)) => s.schema_data.default.clone(),
                        _ => None,
                    },
                })
            }
        };
        let mut success_codes = Vec::new();
        let mut response = ResponseKind::Empty;
        for (code, r) in &op.responses.responses {
            let oa::StatusCode::Code(code) = code else {
                continue;
            };
            if !(100..300).contains(code) {
                continue;
            }
            success_codes.push(*code);
            let oa::ReferenceOr::Item(r) = r else {
                continue;
            };
            if response != ResponseKind::Empty {
                continue;
            }
            let Some((media_type, mt)) = r
                .content
                .iter()
                .find(|(k, _)| k.as_str() == "application/json")
                .or_else(|| r.content.first())
            else {
                continue;
            };
            let Some(schema) = &mt.schema else {
                continue;
            };
            response = if is_binary(schema) {
                ResponseKind::Bytes
            } else if media_type == "text/plain" && is_plain_string(schema) {
                ResponseKind::Text
            } else {
                ResponseKind::Json(self.type_ref(
                    schema,
                    &format!("{type_prefix}Response"),
                    &format!("{pointer}/responses/{code}/schema"),
                )?)
            };
        }
        let produces = op
            .extensions
            .get(EXT_PRODUCES)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Operation {
            rust_name: names::operation_method(&id),
            stream: stream_kinds::lookup(&id).map(|e| e.kind),
            id,
            method: method.to_owned(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            docs: op.description.clone(),
            tags: op.tags.clone(),
            params,
            body,
            response,
            produces,
            success_codes,
            deprecated: op.deprecated,
        })
    }
}

fn is_binary(schema: &oa::ReferenceOr<oa::Schema>) -> bool {
    matches!(schema, oa::ReferenceOr::Item(oa::Schema {
        schema_kind: oa::SchemaKind::Type(oa::Type::String(s)), ..
    }) if matches!(s.format, oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::Binary)))
}

fn is_plain_string(schema: &oa::ReferenceOr<oa::Schema>) -> bool {
    matches!(
        schema,
        oa::ReferenceOr::Item(oa::Schema {
            schema_kind: oa::SchemaKind::Type(oa::Type::String(_)),
            ..
        })
    )
}

/// Query parameters whose value the daemon JSON-decodes say so in their description
/// (`buildargs`, `labels`, `cachefrom`, `outputs`, `platform` of the image endpoints).
fn is_json_encoded(docs: Option<&str>) -> bool {
    let Some(docs) = docs else { return false };
    let lower = docs.to_lowercase();
    lower.contains("json map")
        || lower.contains("json-encoded")
        || lower.contains("json encoded")
        || lower.contains("json array")
}
