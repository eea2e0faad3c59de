//! OpenAPI 3 document → IR.
//!
//! Definitions get their ids first, so a `$ref` resolves no matter where the definition
//! sits in the file. Inline schemas are named `{Parent}{Property}`, `…Item` (array items),
//! `…Value` (map values), `{OperationId}Body` / `{OperationId}Response`; a name already
//! taken (by a definition or an earlier inline type) gets `Inline`, then a number, appended.

mod cycles;
mod operation;
#[cfg(test)]
mod tests;
mod types;
mod validate;
mod variants;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use openapiv3 as oa;

use super::*;
use crate::error::{Error, Result};
use crate::names;
use crate::swagger::escape_pointer;

pub use validate::{path_parts, PathPart};

/// Lowers an upgraded spec.
pub fn lower(
    doc: &oa::OpenAPI,
    version: ApiVersion,
    file: &Path,
    spec_sha256: &str,
    fixups: Vec<&'static str>,
) -> Result<Api> {
    let schemas = doc
        .components
        .as_ref()
        .map(|c| c.schemas.clone())
        .unwrap_or_default();
    let mut cx = Lowering {
        file,
        schemas: &schemas,
        types: Vec::new(),
        definition_ids: BTreeMap::new(),
        taken: BTreeSet::new(),
    };
    // Ids before conversion.
    for name in schemas.keys() {
        let id = TypeId(cx.types.len());
        let rust = cx.unique_name(names::type_ident(name));
        cx.types.push(TypeDef {
            id,
            name: rust,
            origin: TypeOrigin::Definition(name.clone()),
            docs: None,
            kind: TypeKind::Alias(TypeRef::Json),
        });
        cx.definition_ids.insert(name.clone(), id);
    }
    for (name, schema) in &schemas {
        let id = cx.definition_ids[name];
        let pointer = format!("/definitions/{}", crate::swagger::escape_pointer(name));
        let (kind, docs) = match schema {
            oa::ReferenceOr::Reference { reference } => {
                (TypeKind::Alias(cx.reference(reference, &pointer)?), None)
            }
            oa::ReferenceOr::Item(s) => {
                let type_name = cx.types[id.0].name.clone();
                (
                    cx.kind_of(s, &type_name, &pointer)?,
                    s.schema_data.description.clone(),
                )
            }
        };
        cx.types[id.0].kind = kind;
        cx.types[id.0].docs = docs;
    }
    let mut operations = Vec::new();
    let mut op_pointers = Vec::new();
    for (path, item) in &doc.paths.paths {
        let oa::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in [
            ("GET", &item.get),
            ("HEAD", &item.head),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
            ("OPTIONS", &item.options),
        ] {
            if let Some(op) = op {
                let pointer = format!(
                    "/paths/{}/{}",
                    crate::swagger::escape_pointer(path),
                    method.to_lowercase()
                );
                operations.push(cx.operation(path, method, op, &pointer)?);
                op_pointers.push(pointer);
            }
        }
    }
    // Method names and the type names made from operation ids must be unique.
    let mut methods = BTreeMap::new();
    let mut type_names = BTreeMap::new();
    for (op, pointer) in operations.iter().zip(&op_pointers) {
        for (seen, name, what) in [
            (&mut methods, op.rust_name.clone(), "the method name"),
            (
                &mut type_names,
                names::camel_ident(&op.id),
                "the type name prefix",
            ),
        ] {
            if let Some(first) = seen.insert(name.clone(), op.id.clone()) {
                return Err(Error::Spec {
                    file: file.to_owned(),
                    pointer: format!("{pointer}/operationId"),
                    rule: format!(
                        "operations `{first}` and `{}` map to {what} `{name}`",
                        op.id
                    ),
                });
            }
        }
    }
    if let Some((id, cycle)) = cycles::alias_cycle(&cx.types) {
        let pointer = match &cx.types[id.0].origin {
            TypeOrigin::Definition(name) => format!("/definitions/{}", escape_pointer(name)),
            TypeOrigin::Inline(pointer) => pointer.clone(),
        };
        return Err(Error::Spec {
            file: file.to_owned(),
            pointer,
            rule: format!(
                "the type is defined as itself ({}), which has no finite form; put an object with properties on the cycle",
                cycle.join(" → ")
            ),
        });
    }
    cycles::box_recursive_fields(&mut cx.types);
    Ok(Api {
        version,
        spec_file: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        spec_sha256: spec_sha256.to_owned(),
        fixups,
        types: cx.types,
        operations,
    })
}

/// The state of lowering one document: the types made so far and the names they took.
struct Lowering<'a> {
    file: &'a Path,
    schemas: &'a indexmap::IndexMap<String, oa::ReferenceOr<oa::Schema>>,
    types: Vec<TypeDef>,
    definition_ids: BTreeMap<String, TypeId>,
    taken: BTreeSet<String>,
}

impl Lowering<'_> {
    fn err(&self, pointer: &str, rule: impl Into<String>) -> Error {
        Error::Spec {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            rule: rule.into(),
        }
    }

    /// Reserves a type name; a taken one gets `Inline`, then `Inline2`, ... appended.
    fn unique_name(&mut self, candidate: String) -> String {
        let candidate = names::unreserved_type(candidate);
        let mut name = candidate.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            name = if n == 1 {
                format!("{candidate}Inline")
            } else {
                format!("{candidate}Inline{n}")
            };
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn reference(&self, reference: &str, pointer: &str) -> Result<TypeRef> {
        let name = crate::swagger::ref_target(reference).unwrap_or_default();
        self.definition_ids
            .get(&name)
            .map(|id| TypeRef::Named(*id))
            .ok_or_else(|| {
                self.err(
                    &format!("{pointer}/$ref"),
                    format!("`{reference}` points to no definition"),
                )
            })
    }

    /// Adds an inline type and returns a reference to it.
    fn inline(&mut self, hint: &str, schema: &oa::Schema, pointer: &str) -> Result<TypeRef> {
        let name = self.unique_name(names::camel_ident(hint));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            id,
            name: name.clone(),
            origin: TypeOrigin::Inline(pointer.to_owned()),
            docs: schema.schema_data.description.clone(),
            kind: TypeKind::Alias(TypeRef::Json),
        });
        let kind = self.kind_of(schema, &name, pointer)?;
        self.types[id.0].kind = kind;
        Ok(TypeRef::Named(id))
    }
}
