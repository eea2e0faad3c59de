//! The tools every fix-up uses: find a definition, property or operation, or report the
//! pattern stale with its JSON pointer.

use crate::error::Result;
use crate::extensions::X_NULLABLE;
use crate::swagger::{AdditionalProperties, Schema, SchemaType, Spec};

use super::Stale;

pub(super) fn definition<'s>(
    spec: &'s mut Spec,
    name: &str,
    stale: &Stale,
) -> Result<&'s mut Schema> {
    spec.definitions
        .get_mut(name)
        .ok_or_else(|| stale.at(&format!("/definitions/{name}"), "the definition"))
}

pub(super) fn property<'s>(
    schema: &'s mut Schema,
    name: &str,
    pointer: &str,
    stale: &Stale,
) -> Result<&'s mut Schema> {
    schema
        .properties
        .get_mut(name)
        .ok_or_else(|| stale.at(&format!("{pointer}/properties/{name}"), "the property"))
}

/// Renames the property `from` of `schema` (at `pointer`) to `to`, keeping its place and
/// schema: the repair of a key the spec spells otherwise than the daemon's Go tag.
pub(super) fn rename_property(
    schema: &mut Schema,
    from: &str,
    to: &str,
    pointer: &str,
    stale: &Stale,
) -> Result<()> {
    let index = schema
        .properties
        .get_index_of(from)
        .ok_or_else(|| stale.at(&format!("{pointer}/properties/{from}"), "the property"))?;
    let (_, value) = schema
        .properties
        .shift_remove_index(index)
        .expect("index just found");
    schema.properties.shift_insert(index, to.into(), value);
    Ok(())
}

/// Marks a required, non-nullable property as nullable, or reports the pattern stale.
pub(super) fn make_nullable(
    spec: &mut Spec,
    definition_name: &str,
    property_name: &str,
    stale: &Stale,
) -> Result<()> {
    let pointer = format!("/definitions/{definition_name}");
    let schema = definition(spec, definition_name, stale)?;
    if !schema.required.iter().any(|r| r == property_name) {
        return Err(stale.at(
            &format!("{pointer}/required"),
            &format!("`{property_name}` listed as required"),
        ));
    }
    let prop = property(schema, property_name, &pointer, stale)?;
    if prop.x_nullable == Some(true) {
        return Err(stale.at(
            &format!("{pointer}/properties/{property_name}/x-nullable"),
            &format!("{X_NULLABLE} not already true"),
        ));
    }
    prop.x_nullable = Some(true);
    Ok(())
}

/// Marks the body parameter of `operation_id` required, or reports the pattern stale.
pub(super) fn body_is_required(spec: &mut Spec, operation_id: &str, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, operation_id, stale)?;
    let (i, body) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.location == "body")
        .ok_or_else(|| stale.at(&format!("{pointer}/parameters"), "a body parameter"))?;
    if body.required {
        return Err(stale.at(
            &format!("{pointer}/parameters/{i}/required"),
            "not already true",
        ));
    }
    body.required = true;
    Ok(())
}

/// The operation with this `operationId` and its JSON pointer, or the pattern is stale.
pub(super) fn operation<'s>(
    spec: &'s mut Spec,
    id: &str,
    stale: &Stale,
) -> Result<(String, &'s mut crate::swagger::Operation)> {
    spec.paths
        .iter_mut()
        .flat_map(|(path, item)| {
            item.operations_mut().map(move |(method, op)| {
                (format!("/paths/{}/{method}", path.replace('/', "~1")), op)
            })
        })
        .find(|(_, op)| op.operation_id.as_deref() == Some(id))
        .ok_or_else(|| stale.at("/paths", &format!("operation `{id}`")))
}

pub(super) fn string_schema() -> Schema {
    Schema {
        ty: Some(SchemaType::One("string".into())),
        ..Schema::default()
    }
}

/// Calls `f` on every schema node of the spec, definitions and operations alike.
pub(super) fn visit_schemas(spec: &mut Spec, f: &mut dyn FnMut(&mut Schema)) {
    fn walk(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
        f(schema);
        for p in schema.properties.values_mut() {
            walk(p, f);
        }
        if let Some(AdditionalProperties::Schema(s)) = &mut schema.additional_properties {
            walk(s, f);
        }
        if let Some(items) = &mut schema.items {
            walk(items, f);
        }
        for s in &mut schema.all_of {
            walk(s, f);
        }
    }
    for schema in spec.definitions.values_mut() {
        walk(schema, f);
    }
    for item in spec.paths.values_mut() {
        for (_, op) in item.operations_mut() {
            for param in &mut op.parameters {
                if let Some(s) = &mut param.schema {
                    walk(s, f);
                }
            }
            for response in op.responses.values_mut() {
                if let Some(s) = &mut response.schema {
                    walk(s, f);
                }
            }
        }
    }
}
