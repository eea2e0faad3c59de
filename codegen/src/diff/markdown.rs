//! The change records as Markdown: one line per change, each naming its Rust item.

use std::fmt::Write;

use super::model::*;

/// The Markdown report. Byte-identical for identical input.
pub fn to_markdown(diff: &ApiDiff) -> String {
    let (from, to) = (&diff.from, &diff.to);
    let mut out = String::new();
    let _ = writeln!(out, "# API changes: v{} → v{}\n", from.version, to.version);
    let _ = writeln!(
        out,
        "From `{}` ({}) to `{}` ({}), computed from the two specs' IR by \
         `cargo xtask diff {} {}` (documentation changes are not listed). Added and changed \
         items are named in the newer crate, removed ones in the older.\n",
        from.crate_name, from.spec_file, to.crate_name, to.spec_file, from.version, to.version
    );
    let _ = writeln!(out, "Summary: {}.", summary(diff));
    if !diff.is_empty() && diff.schema_unchanged() {
        let _ = writeln!(
            out,
            "\nThe schemas are unchanged: only the `filters` keys documented in the parameter \
             descriptions differ."
        );
    }

    let ops = &diff.operations;
    if !ops.added.is_empty() {
        let _ = writeln!(out, "\n## Operations added\n");
        for op in &ops.added {
            let _ = writeln!(out, "- {}", operation_line(op));
        }
    }
    if !ops.removed.is_empty() {
        let _ = writeln!(out, "\n## Operations removed\n");
        for op in &ops.removed {
            let _ = writeln!(out, "- {}", operation_line(op));
        }
    }
    if !ops.changed.is_empty() {
        let _ = writeln!(out, "\n## Operations changed");
        for op in &ops.changed {
            let _ = writeln!(
                out,
                "\n### `{} {}` ({})\n",
                op.method, op.path, op.operation_id
            );
            let _ = writeln!(out, "`{}`\n", op.item);
            for c in &op.changes {
                let _ = writeln!(out, "- {}", operation_change(c));
            }
        }
    }

    let types = &diff.types;
    if !types.added.is_empty() {
        let _ = writeln!(out, "\n## Types added\n");
        for t in &types.added {
            let _ = writeln!(out, "- {}", type_line(t));
        }
    }
    if !types.removed.is_empty() {
        let _ = writeln!(out, "\n## Types removed\n");
        for t in &types.removed {
            let _ = writeln!(out, "- {}", type_line(t));
        }
    }
    if !types.changed.is_empty() {
        let _ = writeln!(out, "\n## Types changed");
        for t in &types.changed {
            let meaning = if t.changed_meaning {
                " (changed meaning)"
            } else {
                ""
            };
            let _ = writeln!(out, "\n### `{}`{meaning}\n", t.item);
            if t.changed_meaning {
                let _ = writeln!(
                    out,
                    "**Changed meaning:** most fields on both sides differ; the name now \
                     describes another object.\n"
                );
            }
            for c in &t.changes {
                let _ = writeln!(out, "- {}", type_change(c));
            }
        }
    }
    out
}

fn count(n: usize, one: &str, what: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one} {what}")),
        n => Some(format!("{n} {one}s {what}")),
    }
}

fn summary(diff: &ApiDiff) -> String {
    let (o, t) = (&diff.operations, &diff.types);
    let renamed_types = t
        .changed
        .iter()
        .filter(|d| d.renamed_from.is_some())
        .count();
    let meaning = t.changed.iter().filter(|d| d.changed_meaning).count();
    let parts: Vec<String> = [
        count(o.added.len(), "operation", "added"),
        count(o.removed.len(), "operation", "removed"),
        count(o.changed.len(), "operation", "changed"),
        count(t.added.len(), "type", "added"),
        count(t.removed.len(), "type", "removed"),
        count(t.changed.len() - renamed_types, "type", "changed"),
        count(renamed_types, "type", "renamed"),
        count(meaning, "type", "with a changed meaning"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "no changes: the same operations, parameters, filter keys, media types and types".to_owned()
    } else {
        parts.join(", ")
    }
}

fn operation_line(op: &OperationSummary) -> String {
    format!(
        "`{}`: `{} {}` ({})",
        op.item, op.method, op.path, op.operation_id
    )
}

fn type_line(t: &TypeSummary) -> String {
    format!(
        "`{}`: {}; {}",
        t.item,
        code_in(&t.shape),
        code_origin(&t.origin)
    )
}

/// `alias of X` → ``alias of `X` ``; other shapes as they are.
fn code_in(shape: &str) -> String {
    match shape.strip_prefix("alias of ") {
        Some(t) => format!("alias of `{t}`"),
        None => shape.to_owned(),
    }
}

/// `definition Config` → ``definition `Config` ``.
fn code_origin(origin: &str) -> String {
    match origin.split_once(' ') {
        Some((kind, rest)) => format!("{kind} `{rest}`"),
        None => origin.to_owned(),
    }
}

fn required(r: bool) -> &'static str {
    if r {
        "required"
    } else {
        "optional"
    }
}

/// `` `…::ImageListRequest::shared_size` `` or `` `…::Client::volume_update` argument `name` ``.
fn param_item(p: &ParamInfo) -> String {
    if p.passed_as == "argument" {
        format!("`{}` argument `{}`", p.item, p.rust_name)
    } else {
        format!("`{}`", p.item)
    }
}

fn param(p: &ParamInfo) -> String {
    format!(
        "{}: `{}` ({} `{}`, {})",
        param_item(p),
        p.rust_type,
        p.location,
        p.wire_name,
        required(p.required)
    )
}

fn body(b: &BodyInfo) -> String {
    format!(
        "`{}` ({}, {})",
        b.rust_type,
        b.media_type,
        required(b.required)
    )
}

fn codes(c: &[u16]) -> String {
    if c.is_empty() {
        return "none".to_owned();
    }
    c.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
}

fn operation_change(c: &OperationChange) -> String {
    match c {
        OperationChange::Renamed {
            from_operation_id,
            from_item,
            to_item,
            ..
        } => format!("renamed from {from_operation_id}: `{from_item}` → `{to_item}`"),
        OperationChange::PathChanged { from, to } => format!("path template: `{from}` → `{to}`"),
        OperationChange::ParameterAdded { parameter } => {
            format!("parameter added: {}", param(parameter))
        }
        OperationChange::ParameterRemoved { parameter } => {
            format!("parameter removed: {}", param(parameter))
        }
        OperationChange::ParameterChanged { from, to } => {
            let mut what = Vec::new();
            if from.rust_type != to.rust_type {
                what.push(format!("`{}` → `{}`", from.rust_type, to.rust_type));
            }
            if from.required != to.required {
                what.push(format!(
                    "{} → {} (now a {})",
                    required(from.required),
                    required(to.required),
                    if to.passed_as == "argument" {
                        "positional argument"
                    } else {
                        "builder setter"
                    }
                ));
            }
            if from.encoding != to.encoding {
                what.push(format!("encoding {} → {}", from.encoding, to.encoding));
            }
            format!(
                "parameter changed: {}: {} ({} `{}`)",
                param_item(to),
                what.join("; "),
                to.location,
                to.wire_name
            )
        }
        OperationChange::BodyAdded { body: b } => format!("request body added: {}", body(b)),
        OperationChange::BodyRemoved { body: b } => format!("request body removed: {}", body(b)),
        OperationChange::BodyChanged { from, to } => {
            format!("request body: {} → {}", body(from), body(to))
        }
        OperationChange::ResponseChanged { from, to } => format!("response: `{from}` → `{to}`"),
        OperationChange::StreamKindChanged { from, to } => {
            let show = |k: &Option<String>| match k {
                Some(k) => format!("`{k}`"),
                None => "none".to_owned(),
            };
            format!("stream kind: {} → {}", show(from), show(to))
        }
        OperationChange::MediaTypeAdded { media_type } => {
            format!("media type added to `produces`: `{media_type}`")
        }
        OperationChange::MediaTypeRemoved { media_type } => {
            format!("media type removed from `produces`: `{media_type}`")
        }
        OperationChange::FilterKeyAdded { key, item } => {
            format!("filter key added: `{item}` (key `{key}`)")
        }
        OperationChange::FilterKeyRemoved { key, item } => {
            format!("filter key removed: `{item}` (key `{key}`)")
        }
        OperationChange::SuccessCodesChanged { from, to } => {
            format!("success status codes: {} → {}", codes(from), codes(to))
        }
        OperationChange::DeprecatedChanged { to, .. } => {
            if *to {
                "now deprecated".to_owned()
            } else {
                "no longer deprecated".to_owned()
            }
        }
    }
}

fn field(f: &FieldInfo) -> String {
    format!("`{}`: `{}` (JSON `{}`)", f.item, f.rust_type, f.json_name)
}

fn type_change(c: &TypeChange) -> String {
    match c {
        TypeChange::Renamed {
            from_name,
            from_item,
            to_item,
        } => format!("renamed from {from_name}: `{from_item}` → `{to_item}`"),
        TypeChange::OriginChanged { from, to } => {
            format!("origin: {} → {}", code_origin(from), code_origin(to))
        }
        TypeChange::ShapeChanged { from, to } => {
            format!("shape: {} → {}", code_in(from), code_in(to))
        }
        TypeChange::FieldAdded { field: f } => format!("field added: {}", field(f)),
        TypeChange::FieldRemoved { field: f } => format!("field removed: {}", field(f)),
        TypeChange::FieldChanged { from, to } => {
            let mut what = Vec::new();
            if from.json_name != to.json_name {
                what.push(format!(
                    "JSON key `{}` → `{}`",
                    from.json_name, to.json_name
                ));
            }
            if from.rust_type != to.rust_type {
                what.push(format!("`{}` → `{}`", from.rust_type, to.rust_type));
            }
            if from.required != to.required {
                what.push(if to.required {
                    "now listed as required".to_owned()
                } else {
                    "no longer listed as required".to_owned()
                });
            }
            if from.rust_name != to.rust_name {
                what.push(format!(
                    "Rust name `{}` → `{}`",
                    from.rust_name, to.rust_name
                ));
            }
            let key = if from.json_name == to.json_name {
                format!(" (JSON `{}`)", to.json_name)
            } else {
                String::new()
            };
            format!("field changed: `{}`: {}{key}", to.item, what.join("; "))
        }
        TypeChange::VariantAdded { variant } => {
            format!("variant added: `{}` (`{}`)", variant.item, variant.value)
        }
        TypeChange::VariantRemoved { variant } => {
            format!("variant removed: `{}` (`{}`)", variant.item, variant.value)
        }
        TypeChange::AliasChanged { from, to } => format!("alias of: `{from}` → `{to}`"),
    }
}
