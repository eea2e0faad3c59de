//! Schemas → types: named definitions and the inline types found inside them (struct
//! fields, `allOf` flattened, enums, maps and arrays, `x-go-type`), the half of lowering
//! that [`super::operation`] calls for parameters, bodies and answers.

use std::collections::BTreeSet;

use openapiv3 as oa;
use serde_json::Value;

use super::variants::{integer_variants, string_variants};
use super::*;
use crate::extensions::{EXT_EMPTY_OBJECT, EXT_GO_TYPE, EXT_POINTER};
use crate::swagger::escape_pointer;

/// Most `allOf` parts one definition may expand to, counting every part reached through
/// references; bounds the work of a spec whose parts fan out (each referring to several
/// parts that refer to several parts...). The Engine API's largest expands to 4.
const ALL_OF_BUDGET: usize = 4096;

/// Properties of a struct being built, each with the pointer of its schema in the spec.
type Properties = indexmap::IndexMap<String, (oa::ReferenceOr<Box<oa::Schema>>, String)>;

/// The state of one definition's `allOf` expansion.
struct AllOfWalk {
    /// Definitions being expanded, outermost first.
    stack: Vec<String>,
    /// Parts that may still be visited.
    budget: usize,
}

impl Lowering<'_> {
    /// The kind of a named type (definition or inline) built from `schema`.
    pub(super) fn kind_of(
        &mut self,
        schema: &oa::Schema,
        name: &str,
        pointer: &str,
    ) -> Result<TypeKind> {
        match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::Object(obj))
                if !obj.properties.is_empty() && !is_empty_object(schema) =>
            {
                let properties = obj
                    .properties
                    .iter()
                    .map(|(k, v)| {
                        let at = format!("{pointer}/properties/{}", escape_pointer(k));
                        (k.clone(), (v.clone(), at))
                    })
                    .collect();
                Ok(TypeKind::Struct(self.fields(
                    &properties,
                    &obj.required,
                    name,
                )?))
            }
            oa::SchemaKind::Type(oa::Type::String(s)) if !s.enumeration.is_empty() => {
                Ok(TypeKind::StringEnum(string_variants(&s.enumeration)))
            }
            oa::SchemaKind::Type(oa::Type::Integer(i)) if !i.enumeration.is_empty() => Ok(
                TypeKind::IntegerEnum(integer_variants(&i.enumeration, &schema.schema_data)),
            ),
            oa::SchemaKind::AllOf { all_of } if !is_ref_wrapper(all_of) => {
                let mut properties = Properties::new();
                let mut required = Vec::new();
                let mut walk = AllOfWalk {
                    stack: self.defining(pointer),
                    budget: ALL_OF_BUDGET,
                };
                for (i, part) in all_of.iter().enumerate() {
                    self.collect_all_of(
                        part,
                        &format!("{pointer}/allOf/{i}"),
                        &mut properties,
                        &mut required,
                        &mut walk,
                    )?;
                }
                Ok(TypeKind::Struct(self.fields(
                    &properties,
                    &required,
                    name,
                )?))
            }
            _ => Ok(TypeKind::Alias(
                self.type_ref_of_schema(schema, name, pointer, true)?,
            )),
        }
    }

    /// Flattens one `allOf` part into `properties` (each with the pointer of its schema),
    /// following references to definitions. `stack` holds the definitions being expanded,
    /// so a cycle is named instead of followed; `budget` bounds the parts visited.
    fn collect_all_of(
        &self,
        part: &oa::ReferenceOr<oa::Schema>,
        pointer: &str,
        properties: &mut Properties,
        required: &mut Vec<String>,
        walk: &mut AllOfWalk,
    ) -> Result<()> {
        walk.budget = walk.budget.checked_sub(1).ok_or_else(|| {
            self.err(
                pointer,
                format!("allOf expands to more than {ALL_OF_BUDGET} parts"),
            )
        })?;
        let (schema, base, entered) = match part {
            oa::ReferenceOr::Reference { reference } => {
                let (name, schema) = self.resolve(reference, pointer, &walk.stack)?;
                walk.stack.push(name.clone());
                (
                    schema,
                    format!("/definitions/{}", escape_pointer(&name)),
                    true,
                )
            }
            oa::ReferenceOr::Item(s) => {
                let base = s
                    .schema_data
                    .extensions
                    .get(EXT_POINTER)
                    .and_then(Value::as_str)
                    .map_or_else(|| pointer.to_owned(), str::to_owned);
                (s, base, false)
            }
        };
        let result = match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::Object(obj)) => {
                for (k, v) in &obj.properties {
                    let at = format!("{base}/properties/{}", escape_pointer(k));
                    properties.insert(k.clone(), (v.clone(), at));
                }
                for r in &obj.required {
                    if !required.contains(r) {
                        required.push(r.clone());
                    }
                }
                Ok(())
            }
            oa::SchemaKind::AllOf { all_of } => all_of.iter().enumerate().try_for_each(|(i, p)| {
                self.collect_all_of(p, &format!("{base}/allOf/{i}"), properties, required, walk)
            }),
            // A free-form part adds nothing we can type.
            oa::SchemaKind::Any(_) => Ok(()),
            _ => Err(self.err(&base, "allOf parts must be objects")),
        };
        if entered {
            walk.stack.pop();
        }
        result
    }

    /// The schema a `$ref` names, through definitions that are themselves bare references;
    /// a reference back to a definition in `stack` (or in the chain) is a cycle.
    fn resolve(
        &self,
        reference: &str,
        pointer: &str,
        stack: &[String],
    ) -> Result<(String, &oa::Schema)> {
        let mut chain: Vec<String> = Vec::new();
        let mut reference = reference.to_owned();
        loop {
            let name = crate::swagger::ref_target(&reference).unwrap_or_default();
            if stack.contains(&name) || chain.contains(&name) {
                let mut cycle: Vec<String> = stack.iter().chain(&chain).cloned().collect();
                cycle.push(name);
                return Err(self.err(
                    &format!("{pointer}/$ref"),
                    format!(
                        "allOf includes itself ({}), which has no finite form",
                        cycle.join(" → ")
                    ),
                ));
            }
            match self.schemas.get(&name) {
                Some(oa::ReferenceOr::Item(s)) => return Ok((name, s)),
                Some(oa::ReferenceOr::Reference { reference: next }) => {
                    chain.push(name);
                    reference = next.clone();
                }
                None => {
                    return Err(self.err(
                        &format!("{pointer}/$ref"),
                        format!("`{reference}` points to no definition"),
                    ))
                }
            }
        }
    }

    /// The definition a schema at `pointer` defines, if it is one (`/definitions/Name`).
    fn defining(&self, pointer: &str) -> Vec<String> {
        pointer
            .strip_prefix("/definitions/")
            .filter(|rest| !rest.contains('/'))
            .map(|name| vec![name.replace("~1", "/").replace("~0", "~")])
            .unwrap_or_default()
    }

    fn fields(
        &mut self,
        properties: &Properties,
        required: &[String],
        parent: &str,
    ) -> Result<Struct> {
        let mut fields = Vec::new();
        let mut used = BTreeSet::new();
        for (json_name, (prop, pp)) in properties {
            let pp = pp.as_str();
            let hint = format!("{parent}{}", names::camel_ident(json_name));
            let (ty, nullable, docs) = match prop {
                oa::ReferenceOr::Reference { reference } => {
                    (self.reference(reference, pp)?, false, None)
                }
                oa::ReferenceOr::Item(s) => (
                    self.type_ref_of_schema(s, &hint, pp, false)?,
                    s.schema_data.nullable,
                    s.schema_data.description.clone(),
                ),
            };
            let mut rust_name = names::snake_ident(json_name);
            // `Id` and `ID` in one object both want `id`.
            if !used.insert(rust_name.clone()) {
                let mut n = 2;
                while !used.insert(format!("{rust_name}_{n}")) {
                    n += 1;
                }
                rust_name = format!("{rust_name}_{n}");
            }
            let is_required = required.iter().any(|r| r == json_name);
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                ty,
                required: is_required,
                optional: !is_required || nullable,
                docs,
            });
        }
        Ok(Struct { fields })
    }

    /// The type of a schema slot, whether openapiv3 holds it boxed (properties, items) or
    /// not (parameters, allOf parts).
    pub(super) fn type_ref<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        schema: &oa::ReferenceOr<S>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef> {
        match schema {
            oa::ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            oa::ReferenceOr::Item(s) => self.type_ref_of_schema(s.borrow(), hint, pointer, false),
        }
    }

    /// The shape of an inline schema. `naming` is true when the caller is already
    /// defining a named type for this very schema (so it must not name it again).
    fn type_ref_of_schema(
        &mut self,
        schema: &oa::Schema,
        hint: &str,
        pointer: &str,
        naming: bool,
    ) -> Result<TypeRef> {
        if let Some(go) = schema.schema_data.extensions.get(EXT_GO_TYPE) {
            if matches!(schema.schema_kind, oa::SchemaKind::Any(_)) {
                return Ok(self.go_type(go));
            }
        }
        match &schema.schema_kind {
            oa::SchemaKind::AllOf { all_of } if is_ref_wrapper(all_of) => {
                let i = all_of
                    .iter()
                    .position(|p| matches!(p, oa::ReferenceOr::Reference { .. }))
                    .expect("a ref wrapper holds a reference");
                self.type_ref(&all_of[i], hint, &format!("{pointer}/allOf/{i}"))
            }
            oa::SchemaKind::AllOf { .. } => {
                if naming {
                    // Cannot happen: kind_of handles allOf before calling us.
                    return Err(self.err(pointer, "allOf cannot be an alias"));
                }
                self.inline(hint, schema, pointer)
            }
            oa::SchemaKind::Type(oa::Type::Object(obj)) => {
                if is_empty_object(schema) {
                    return Ok(TypeRef::EmptyObject);
                }
                if !obj.properties.is_empty() {
                    if naming {
                        return Err(self.err(pointer, "an object cannot be an alias"));
                    }
                    return self.inline(hint, schema, pointer);
                }
                match &obj.additional_properties {
                    Some(oa::AdditionalProperties::Schema(value)) => {
                        let value_pointer = format!("{pointer}/additionalProperties");
                        let value_hint = format!("{hint}Value");
                        let (ty, nullable) = match value.as_ref() {
                            oa::ReferenceOr::Reference { reference } => {
                                (self.reference(reference, &value_pointer)?, false)
                            }
                            oa::ReferenceOr::Item(s) => (
                                self.type_ref_of_schema(s, &value_hint, &value_pointer, false)?,
                                s.schema_data.nullable,
                            ),
                        };
                        let ty = if nullable {
                            TypeRef::Nullable(Box::new(ty))
                        } else {
                            ty
                        };
                        Ok(TypeRef::Map(Box::new(ty)))
                    }
                    _ => Ok(TypeRef::Json),
                }
            }
            oa::SchemaKind::Type(oa::Type::String(s)) => {
                if !s.enumeration.is_empty() && !naming {
                    return self.inline(hint, schema, pointer);
                }
                Ok(TypeRef::String)
            }
            oa::SchemaKind::Type(oa::Type::Integer(i)) => {
                if !i.enumeration.is_empty() && !naming {
                    return self.inline(hint, schema, pointer);
                }
                Ok(TypeRef::Integer(int_width(&i.format)))
            }
            oa::SchemaKind::Type(oa::Type::Number(_)) => Ok(TypeRef::Float),
            oa::SchemaKind::Type(oa::Type::Boolean(_)) => Ok(TypeRef::Bool),
            oa::SchemaKind::Type(oa::Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item_pointer = format!("{pointer}/items");
                    let item_hint = format!("{hint}Item");
                    let nullable =
                        matches!(items, oa::ReferenceOr::Item(s) if s.schema_data.nullable);
                    let ty = self.type_ref(items, &item_hint, &item_pointer)?;
                    Ok(TypeRef::Array(Box::new(if nullable {
                        TypeRef::Nullable(Box::new(ty))
                    } else {
                        ty
                    })))
                }
                None => Ok(TypeRef::Array(Box::new(TypeRef::Json))),
            },
            oa::SchemaKind::Any(_) => Ok(TypeRef::Json),
            oa::SchemaKind::OneOf { .. }
            | oa::SchemaKind::AnyOf { .. }
            | oa::SchemaKind::Not { .. } => {
                Err(self.err(pointer, "oneOf/anyOf/not are not supported"))
            }
        }
    }

    /// `x-go-type` without a JSON type: the named definition if the spec has one, else a
    /// free JSON value (the Go type is outside the spec).
    fn go_type(&self, go: &Value) -> TypeRef {
        let name = go.get("type").and_then(Value::as_str).unwrap_or_default();
        match self.definition_ids.get(name) {
            Some(id) => TypeRef::Named(*id),
            None => TypeRef::Json,
        }
    }
}

/// `allOf: [$ref]` is how the upgrade keeps siblings of a `$ref`: it is the referenced type.
/// So is a `$ref` next to parts that add no field, only an example or a description (the
/// bodies of ServiceCreate/ServiceUpdate, SecretCreate, ConfigCreate): a struct of its own
/// would be a copy of the referenced one that callers convert to and from (a service's
/// inspected `Spec` could not be sent back to `ServiceUpdate` as it is).
fn is_ref_wrapper(all_of: &[oa::ReferenceOr<oa::Schema>]) -> bool {
    let refs = all_of
        .iter()
        .filter(|p| matches!(p, oa::ReferenceOr::Reference { .. }))
        .count();
    refs == 1
        && all_of.iter().all(|p| match p {
            oa::ReferenceOr::Reference { .. } => true,
            oa::ReferenceOr::Item(s) => adds_no_field(s),
        })
}

/// An object part with no properties, no required names, no additional properties.
fn adds_no_field(schema: &oa::Schema) -> bool {
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::Object(obj)) => {
            obj.properties.is_empty()
                && obj.required.is_empty()
                && obj.additional_properties.is_none()
        }
        oa::SchemaKind::Any(any) => {
            any.properties.is_empty()
                && any.required.is_empty()
                && any.additional_properties.is_none()
                && any.typ.is_none()
        }
        _ => false,
    }
}

fn is_empty_object(schema: &oa::Schema) -> bool {
    schema.schema_data.extensions.get(EXT_EMPTY_OBJECT) == Some(&Value::Bool(true))
}

fn int_width(format: &oa::VariantOrUnknownOrEmpty<oa::IntegerFormat>) -> IntWidth {
    match format {
        oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int32) => IntWidth::I32,
        oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int64) => IntWidth::I64,
        oa::VariantOrUnknownOrEmpty::Unknown(u) => match u.as_str() {
            "uint64" => IntWidth::U64,
            "uint32" => IntWidth::U32,
            "uint16" => IntWidth::U16,
            "uint8" => IntWidth::U8,
            // `int` (1.52+) is Go's int: 64 bits on every platform the daemon runs on.
            _ => IntWidth::I64,
        },
        oa::VariantOrUnknownOrEmpty::Empty => IntWidth::I64,
    }
}
