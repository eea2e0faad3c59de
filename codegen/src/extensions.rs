//! Every OpenAPI extension the generator uses, named once.
//!
//! [`crate::upgrade`] turns Swagger 2.0 into OpenAPI 3, which has no place for some Swagger
//! facts the IR still needs (a body parameter's name, an operation's `produces` when no
//! response has a schema, `collectionFormat`, Go's type names, the Swagger pointer of a
//! piece that moved). The upgrade writes them as extensions and [`crate::ir`]'s lowering
//! reads them back; these consts are the only spelling of their names, so writer and
//! reader cannot drift apart. A unit test below fails on an `"x-` string literal anywhere
//! else in `codegen/src`, except the Swagger model's own field names ([`X_NULLABLE`]).

/// `true` on a schema whose only values are the empty object (`enum: [{}]`). Written by
/// the upgrade for object schemas; read by `ir::lower::types`, which types the slot as
/// `TypeRef::EmptyObject` instead of a struct with no field.
pub(crate) const EXT_EMPTY_OBJECT: &str = "x-dockwright-empty-object";

/// Swagger's `collectionFormat` of an array query parameter (`csv`, `multi`, …), a string.
/// Written by the upgrade on the parameter's schema; read by `ir::lower::operation` to
/// choose how the query string repeats or joins the values.
pub(crate) const EXT_COLLECTION_FORMAT: &str = "x-collection-format";

/// The spec's `x-go-type` object (the same name as Swagger's), copied unchanged (`{type: Name, …}`). Written by the
/// upgrade; read by `ir::lower::types` where the schema has no JSON type, to use the named
/// definition when the spec has it.
pub(crate) const EXT_GO_TYPE: &str = "x-go-type";

/// The spec's `x-omitempty` (the same name as Swagger's), a bool, copied so the OpenAPI document says what the spec
/// said. Written by the upgrade; read by nothing yet (the nil rule of `ir::nullability`
/// works from Go's behaviour, not from this flag).
pub(crate) const EXT_OMITEMPTY: &str = "x-omitempty";

/// The Swagger pointer (a string) of a piece the upgrade moved: parameters are renumbered
/// without the body one, the body becomes a request body, and a `$ref` with siblings an
/// `allOf` part. Written by the upgrade; read by `ir::lower` so errors point into the
/// spec file the user has, not into the OpenAPI document nobody sees.
pub(crate) const EXT_POINTER: &str = "x-dockwright-pointer";

/// The Swagger name of the body parameter (a string), on the request body. Written by the
/// upgrade; read by `ir::lower::operation` to name the body in errors and docs (`body`
/// when absent).
pub(crate) const EXT_BODY_NAME: &str = "x-body-name";

/// The operation's `produces` list (strings), on the operation. OpenAPI 3 keeps media types
/// per response, which loses them for answers without a schema (streams). Written by the
/// upgrade; read by `ir::lower::operation`.
pub(crate) const EXT_PRODUCES: &str = "x-produces";

/// Swagger's `x-nullable`: the value may be `null` (the upgrade makes it `nullable`); named
/// by the fix-ups that set it. The Swagger model also reads `x-omitempty` and `x-go-type`
/// (serde renames of `swagger::Schema`, which must be literals: the test below
/// checks they are read under these names).
pub(crate) const X_NULLABLE: &str = "x-nullable";

#[cfg(test)]
mod tests {
    use super::*;

    /// The Swagger model's serde renames are the names above: a schema written with them
    /// fills every field.
    #[test]
    fn swagger_model_reads_these_names() {
        let mut schema = serde_json::Map::new();
        schema.insert(X_NULLABLE.into(), true.into());
        schema.insert(EXT_OMITEMPTY.into(), true.into());
        schema.insert(EXT_GO_TYPE.into(), serde_json::json!({"type": "T"}));
        let s: crate::swagger::Schema = serde_json::from_value(schema.into()).unwrap();
        assert_eq!(s.x_nullable, Some(true));
        assert_eq!(s.x_omitempty, Some(true));
        assert_eq!(s.x_go_type, Some(serde_json::json!({"type": "T"})));
    }

    /// No `"x-` string literal outside this file, but for the Swagger model's serde
    /// renames (attributes take no consts; checked by the test above).
    #[test]
    fn extensions_are_named_only_here() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&src)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.extension().is_none_or(|e| e != "rs") || rel == "extensions.rs" {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let renamed = rel == "swagger.rs" && line.contains("rename = \"x-");
                    if line.contains("\"x-") && !renamed {
                        offenders.push(format!("codegen/src/{rel}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "name the extension in codegen/src/extensions.rs:\n{}",
            offenders.join("\n")
        );
    }
}
