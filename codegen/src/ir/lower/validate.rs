//! Rules an accepted spec must keep so that its crate compiles and sends what it says:
//! path templates, the textual form of non-body parameters, names that must stay unique.
//! Each rule answers with the broken rule's words; the caller adds file and pointer.

use std::collections::BTreeSet;

use crate::ir::{Param, ParamLocation, QueryEncoding, TypeDef, TypeKind, TypeRef};

/// One piece of a path template (`/containers/{id}/json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// `{name}`: the path parameter of that wire name, percent-encoded as one segment.
    Param(String),
}

/// Splits a path template. `Err` says what is wrong: it must start with `/`, every `{` must
/// close before the next `{` or the end, a name is not empty, no `}` stands alone, and the
/// text is made of URI path characters.
pub fn path_parts(template: &str) -> Result<Vec<PathPart>, String> {
    if !template.starts_with('/') {
        return Err(format!(
            "the path template `{template}` must start with `/`"
        ));
    }
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = template.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    match c {
                        '}' => {
                            closed = true;
                            break;
                        }
                        '{' | '/' => break,
                        c => name.push(c),
                    }
                }
                if !closed {
                    return Err(format!(
                        "the path template `{template}` opens `{{` at byte {at} and never closes it"
                    ));
                }
                if name.is_empty() {
                    return Err(format!(
                        "the path template `{template}` has an empty parameter `{{}}` at byte {at}"
                    ));
                }
                if !literal.is_empty() {
                    parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(PathPart::Param(name));
            }
            '}' => {
                return Err(format!(
                    "the path template `{template}` has a `}}` without `{{` at byte {at}"
                ))
            }
            c if is_path_char(c) => literal.push(c),
            c => {
                return Err(format!(
                    "the path template `{template}` has {c:?} at byte {at}, which is not a URI path character"
                ))
            }
        }
    }
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    Ok(parts)
}

/// RFC 3986 `pchar` and `/`, without `%` (a template holds no escapes).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c)
}

/// Every `{name}` of the template is a declared path parameter, and every declared path
/// parameter is in the template (else its value would be taken and silently dropped).
/// `Err` holds the index of the parameter to point at, if the fault is one's.
pub fn path_matches_params(
    template: &str,
    parts: &[PathPart],
    params: &[Param],
) -> Result<(), (Option<usize>, String)> {
    let used: BTreeSet<&str> = parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
        .collect();
    for name in &used {
        if !params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire_name == *name)
        {
            return Err((
                None,
                format!("the path template `{template}` names `{{{name}}}`, which no `in: path` parameter declares"),
            ));
        }
    }
    for (i, p) in params.iter().enumerate() {
        if p.location == ParamLocation::Path && !used.contains(p.wire_name.as_str()) {
            return Err((
                Some(i),
                format!(
                    "the path parameter `{}` is not in the path template `{template}`",
                    p.wire_name
                ),
            ));
        }
    }
    Ok(())
}

/// A non-body parameter must have a form the daemon reads: a path segment, a header value
/// or a query value is text, so its type must be one that prints as the daemon expects
/// (string, number, integer, boolean, string enum); a query may also repeat such values
/// (array) or carry JSON (filters and the parameters documented as JSON).
pub fn param_has_textual_form(types: &[TypeDef], p: &Param) -> Result<(), String> {
    const TEXT: &str = "a string, number, integer, boolean or string enum";
    let whose = match p.location {
        ParamLocation::Path => "a path parameter",
        ParamLocation::Header => "a header",
        ParamLocation::Query => "a query parameter",
    };
    if p.filter_keys.is_some() || p.encoding == QueryEncoding::Json {
        return Ok(());
    }
    match (&p.ty, &p.encoding) {
        (TypeRef::Array(item), QueryEncoding::Repeated) => {
            if textual(types, item, 0) {
                Ok(())
            } else {
                Err(format!(
                    "the items of the array query parameter `{}` must be {TEXT} (each is sent as `{}=<text>`), found {}",
                    p.wire_name,
                    p.wire_name,
                    describe(types, item)
                ))
            }
        }
        (ty, _) if textual(types, ty, 0) => Ok(()),
        (ty, _) => Err(format!(
            "{whose} is sent as text, so `{}` must be {TEXT}, found {}",
            p.wire_name,
            describe(types, ty)
        )),
    }
}

/// Whether a type prints as the daemon reads it (`Display` in the generated code).
fn textual(types: &[TypeDef], ty: &TypeRef, depth: usize) -> bool {
    match ty {
        TypeRef::String | TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Float => true,
        TypeRef::Named(id) if depth < 32 => match &types[id.0].kind {
            TypeKind::StringEnum(_) => true,
            TypeKind::Alias(t) => textual(types, t, depth + 1),
            TypeKind::Struct(_) | TypeKind::IntegerEnum(_) => false,
        },
        _ => false,
    }
}

fn describe(types: &[TypeDef], ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::IntegerEnum(_) => format!("the integer enum `{}`", types[id.0].name),
            TypeKind::Struct(_) => format!("the object `{}`", types[id.0].name),
            TypeKind::StringEnum(_) => format!("the string enum `{}`", types[id.0].name),
            TypeKind::Alias(_) => format!("`{}`, an alias of a non-text type", types[id.0].name),
        },
        TypeRef::Array(inner) => format!("an array of {}", describe(types, inner)),
        TypeRef::Map(_) => "an object".into(),
        TypeRef::Nullable(inner) => format!("a nullable {}", describe(types, inner)),
        TypeRef::EmptyObject => "an empty object".into(),
        TypeRef::Json => "a free-form value".into(),
        TypeRef::Boxed(inner) => describe(types, inner),
        TypeRef::String | TypeRef::Bool | TypeRef::Integer(_) | TypeRef::Float => "text".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates() {
        assert_eq!(
            path_parts("/containers/{id}/json").unwrap(),
            vec![
                PathPart::Literal("/containers/".into()),
                PathPart::Param("id".into()),
                PathPart::Literal("/json".into()),
            ]
        );
        assert_eq!(
            path_parts("/_ping").unwrap(),
            vec![PathPart::Literal("/_ping".into())]
        );
        for (bad, says) in [
            ("/things/{", "never closes"),
            ("/things/{é", "never closes"),
            ("/things/{xy", "never closes"),
            ("/things/{a{b}", "never closes"),
            ("/things/{}", "empty parameter"),
            ("/things/}", "without `{`"),
            ("things", "must start with `/`"),
            ("/a b", "not a URI path character"),
            ("/a\"b", "not a URI path character"),
        ] {
            let err = path_parts(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
