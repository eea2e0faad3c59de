//! Two IRs in, the change records out.

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::renames;
use super::rust::{self, RustNames};
use crate::ir::{Api, Field, Operation, Param, ParamLocation, TypeDef, TypeKind, TypeOrigin};

/// Compares two versions' IRs. Deterministic: every list is sorted.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    let o = RustNames::new(old);
    let n = RustNames::new(new);
    let renamed = renames::match_types(old, new);
    ApiDiff {
        from: side(old),
        to: side(new),
        operations: operations(&o, &n),
        types: types(&o, &n, &renamed),
    }
}

fn side(api: &Api) -> Side {
    Side {
        version: api.version.to_string(),
        crate_name: api.version.crate_name(),
        spec_file: api.spec_file.clone(),
    }
}

/// Operations are keyed by path template (parameter names blanked: `/volumes/{}`) and
/// method, so that an operationId rename shows as a rename.
pub(super) fn operation_key(op: &Operation) -> (String, String) {
    let mut path = String::with_capacity(op.path.len());
    let mut in_param = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_param = true;
                path.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => path.push(c),
        }
    }
    (path, op.method.clone())
}

fn operations(o: &RustNames<'_>, n: &RustNames<'_>) -> OperationChanges {
    let old: BTreeMap<_, _> = o
        .api
        .operations
        .iter()
        .map(|op| (operation_key(op), op))
        .collect();
    let new: BTreeMap<_, _> = n
        .api
        .operations
        .iter()
        .map(|op| (operation_key(op), op))
        .collect();
    let mut changes = OperationChanges::default();
    for (key, op) in &old {
        match new.get(key) {
            None => changes.removed.push(summary(o, op)),
            Some(new_op) => {
                let list = operation_changes(o, n, op, new_op);
                if !list.is_empty() {
                    changes.changed.push(OperationDiff {
                        method: new_op.method.clone(),
                        path: new_op.path.clone(),
                        operation_id: new_op.id.clone(),
                        item: n.method(new_op),
                        changes: list,
                    });
                }
            }
        }
    }
    for (key, op) in &new {
        if !old.contains_key(key) {
            changes.added.push(summary(n, op));
        }
    }
    changes
}

fn summary(names: &RustNames<'_>, op: &Operation) -> OperationSummary {
    OperationSummary {
        method: op.method.clone(),
        path: op.path.clone(),
        operation_id: op.id.clone(),
        item: names.method(op),
    }
}

fn param_info(names: &RustNames<'_>, op: &Operation, p: &Param) -> ParamInfo {
    let (item, passed_as, rust_name) = names.param_item(op, p);
    ParamInfo {
        wire_name: p.wire_name.clone(),
        location: rust::location(p.location).to_owned(),
        rust_type: names.param_type(op, p),
        required: p.required,
        encoding: rust::encoding(&p.encoding).to_owned(),
        item,
        passed_as: passed_as.to_owned(),
        rust_name,
    }
}

fn body_info(names: &RustNames<'_>, op: &Operation) -> Option<BodyInfo> {
    let body = op.body.as_ref()?;
    Some(BodyInfo {
        media_type: body.media_type.clone(),
        rust_type: names.body_type(op)?,
        required: body.required,
    })
}

fn operation_changes(
    o: &RustNames<'_>,
    n: &RustNames<'_>,
    old: &Operation,
    new: &Operation,
) -> Vec<OperationChange> {
    let mut out = Vec::new();
    if old.id != new.id {
        out.push(OperationChange::Renamed {
            from_operation_id: old.id.clone(),
            to_operation_id: new.id.clone(),
            from_item: o.method(old),
            to_item: n.method(new),
        });
    }
    if old.path != new.path {
        out.push(OperationChange::PathChanged {
            from: old.path.clone(),
            to: new.path.clone(),
        });
    }

    // Parameters, by location then wire name.
    let key = |p: &Param| -> (ParamLocation, String) { (p.location, p.wire_name.clone()) };
    let old_params: BTreeMap<_, _> = old.params.iter().map(|p| (key(p), p)).collect();
    let new_params: BTreeMap<_, _> = new.params.iter().map(|p| (key(p), p)).collect();
    let all: BTreeSet<_> = old_params
        .keys()
        .chain(new_params.keys())
        .cloned()
        .collect();
    for k in &all {
        match (old_params.get(k), new_params.get(k)) {
            (Some(a), None) => out.push(OperationChange::ParameterRemoved {
                parameter: param_info(o, old, a),
            }),
            (None, Some(b)) => out.push(OperationChange::ParameterAdded {
                parameter: param_info(n, new, b),
            }),
            (Some(a), Some(b)) => {
                let (a, b) = (param_info(o, old, a), param_info(n, new, b));
                if (&a.rust_type, a.required, &a.encoding)
                    != (&b.rust_type, b.required, &b.encoding)
                {
                    out.push(OperationChange::ParameterChanged { from: a, to: b });
                }
            }
            (None, None) => {}
        }
    }

    // Filter keys (an endpoint without a `filters` parameter has none).
    let keys = |op: &Operation| -> BTreeSet<String> {
        op.params
            .iter()
            .filter_map(|p| p.filter_keys.as_ref())
            .flatten()
            .map(|k| k.key.clone())
            .collect()
    };
    let (old_keys, new_keys) = (keys(old), keys(new));
    for k in old_keys.difference(&new_keys) {
        out.push(OperationChange::FilterKeyRemoved {
            key: k.clone(),
            item: o.filter_key_item(old, k),
        });
    }
    for k in new_keys.difference(&old_keys) {
        out.push(OperationChange::FilterKeyAdded {
            key: k.clone(),
            item: n.filter_key_item(new, k),
        });
    }

    match (body_info(o, old), body_info(n, new)) {
        (Some(a), None) => out.push(OperationChange::BodyRemoved { body: a }),
        (None, Some(b)) => out.push(OperationChange::BodyAdded { body: b }),
        (Some(a), Some(b)) if a != b => out.push(OperationChange::BodyChanged { from: a, to: b }),
        _ => {}
    }

    let (ra, rb) = (o.response(old), n.response(new));
    if ra != rb {
        out.push(OperationChange::ResponseChanged { from: ra, to: rb });
    }

    if old.stream != new.stream {
        out.push(OperationChange::StreamKindChanged {
            from: old.stream.map(rust::stream_kind),
            to: new.stream.map(rust::stream_kind),
        });
    }

    let (pa, pb): (BTreeSet<_>, BTreeSet<_>) =
        (old.produces.iter().collect(), new.produces.iter().collect());
    for m in pa.difference(&pb) {
        out.push(OperationChange::MediaTypeRemoved {
            media_type: (*m).clone(),
        });
    }
    for m in pb.difference(&pa) {
        out.push(OperationChange::MediaTypeAdded {
            media_type: (*m).clone(),
        });
    }

    let (mut ca, mut cb) = (old.success_codes.clone(), new.success_codes.clone());
    ca.sort_unstable();
    cb.sort_unstable();
    if ca != cb {
        out.push(OperationChange::SuccessCodesChanged { from: ca, to: cb });
    }
    if old.deprecated != new.deprecated {
        out.push(OperationChange::DeprecatedChanged {
            from: old.deprecated,
            to: new.deprecated,
        });
    }
    out
}

fn types(o: &RustNames<'_>, n: &RustNames<'_>, renamed: &BTreeMap<String, String>) -> TypeChanges {
    let old: BTreeMap<&str, &TypeDef> = o.api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new: BTreeMap<&str, &TypeDef> = n.api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let rename_targets: BTreeSet<&str> = renamed.values().map(String::as_str).collect();
    let mut changes = TypeChanges::default();
    for (name, t) in &old {
        if let Some(b) = new.get(name) {
            if let Some(d) = type_diff(o, n, t, b) {
                changes.changed.push(d);
            }
        } else if let Some(target) = renamed.get(*name) {
            let b = new[target.as_str()];
            let mut d = type_diff(o, n, t, b).unwrap_or_else(|| TypeDiff {
                name: b.name.clone(),
                item: n.model(&b.name),
                renamed_from: None,
                changed_meaning: false,
                changes: Vec::new(),
            });
            d.renamed_from = Some(t.name.clone());
            d.changes.insert(
                0,
                TypeChange::Renamed {
                    from_name: t.name.clone(),
                    from_item: o.model(&t.name),
                    to_item: n.model(&b.name),
                },
            );
            changes.changed.push(d);
        } else {
            changes.removed.push(type_summary(o, t));
        }
    }
    for (name, t) in &new {
        if !old.contains_key(name) && !rename_targets.contains(name) {
            changes.added.push(type_summary(n, t));
        }
    }
    changes.changed.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

fn type_summary(names: &RustNames<'_>, t: &TypeDef) -> TypeSummary {
    TypeSummary {
        name: t.name.clone(),
        item: names.model(&t.name),
        shape: rust::shape(names, &t.kind),
        origin: rust::origin(&t.origin),
    }
}

fn field_info(names: &RustNames<'_>, owner: &str, f: &crate::ir::Field) -> FieldInfo {
    FieldInfo {
        json_name: f.json_name.clone(),
        rust_name: f.rust_name.clone(),
        rust_type: names.field_type(f),
        required: f.required,
        item: names.model_member(owner, &f.rust_name),
    }
}

/// Whether more than half of the old members are gone and more than half of the new ones
/// are new: the name now stands for another object. Retyped fields do not count (a field
/// becoming required, or its type renamed, keeps its meaning).
fn meaning_changed(old_len: usize, new_len: usize, gone: usize, fresh: usize) -> bool {
    old_len > 0 && new_len > 0 && 2 * gone > old_len && 2 * fresh > new_len
}

/// The changes of one type; `None` when there are none.
fn type_diff(o: &RustNames<'_>, n: &RustNames<'_>, a: &TypeDef, b: &TypeDef) -> Option<TypeDiff> {
    let mut out = Vec::new();
    let mut changed_meaning = false;
    // Only a move between definition and inline schema is worth a line: inline pointers
    // move with the spec's layout, and a definition's name is the type's name.
    let origin_changed = matches!(a.origin, TypeOrigin::Definition(_))
        != matches!(b.origin, TypeOrigin::Definition(_));
    if origin_changed {
        out.push(TypeChange::OriginChanged {
            from: rust::origin(&a.origin),
            to: rust::origin(&b.origin),
        });
    }
    match (&a.kind, &b.kind) {
        (TypeKind::Struct(sa), TypeKind::Struct(sb)) => {
            let (gone, fresh) = fields(o, n, a, b, &sa.fields, &sb.fields, &mut out);
            changed_meaning = meaning_changed(sa.fields.len(), sb.fields.len(), gone, fresh);
        }
        (TypeKind::StringEnum(va), TypeKind::StringEnum(vb)) => {
            let list = |v: &[crate::ir::EnumVariant]| {
                let mut l: Vec<(String, String)> = v
                    .iter()
                    .map(|v| (format!("{:?}", v.value), v.rust_name.clone()))
                    .collect();
                l.sort();
                l
            };
            variants(o, n, a, b, &list(va), &list(vb), &mut out);
        }
        (TypeKind::IntegerEnum(va), TypeKind::IntegerEnum(vb)) => {
            // Numeric order, not text order.
            let list = |v: &[crate::ir::IntegerVariant]| {
                let mut l: Vec<(i64, String)> =
                    v.iter().map(|v| (v.value, v.rust_name.clone())).collect();
                l.sort();
                l.into_iter()
                    .map(|(v, r)| (v.to_string(), r))
                    .collect::<Vec<_>>()
            };
            variants(o, n, a, b, &list(va), &list(vb), &mut out);
        }
        (TypeKind::Alias(ta), TypeKind::Alias(tb)) => {
            let (x, y) = (o.type_ref(ta), n.type_ref(tb));
            if x != y {
                out.push(TypeChange::AliasChanged { from: x, to: y });
            }
        }
        (ka, kb) => out.push(TypeChange::ShapeChanged {
            from: rust::shape(o, ka),
            to: rust::shape(n, kb),
        }),
    }
    (!out.is_empty()).then(|| TypeDiff {
        name: b.name.clone(),
        item: n.model(&b.name),
        renamed_from: None,
        changed_meaning,
        changes: out,
    })
}

/// Fields added, removed and changed, by JSON key; a key whose spelling only changed case
/// (`NanoCpus` → `NanoCPUs`) is the same field. Returns how many old fields are gone and
/// how many new ones are new.
fn fields(
    o: &RustNames<'_>,
    n: &RustNames<'_>,
    a: &TypeDef,
    b: &TypeDef,
    fa: &[Field],
    fb: &[Field],
    out: &mut Vec<TypeChange>,
) -> (usize, usize) {
    let ma: BTreeMap<&str, &Field> = fa.iter().map(|f| (f.json_name.as_str(), f)).collect();
    let mb: BTreeMap<&str, &Field> = fb.iter().map(|f| (f.json_name.as_str(), f)).collect();
    // Old key → new key, exact first, then equal but for case (one-to-one).
    let mut pairs: BTreeMap<&str, &str> = ma
        .keys()
        .filter(|k| mb.contains_key(*k))
        .map(|k| (*k, *k))
        .collect();
    let mut taken: BTreeSet<&str> = pairs.values().copied().collect();
    for k in ma.keys() {
        if pairs.contains_key(k) {
            continue;
        }
        if let Some(m) = mb
            .keys()
            .find(|m| !taken.contains(*m) && !ma.contains_key(*m) && m.eq_ignore_ascii_case(k))
        {
            pairs.insert(k, m);
            taken.insert(m);
        }
    }
    // Reported in the newer key order, removals at their old key.
    let mut lines: BTreeMap<(String, u8), TypeChange> = BTreeMap::new();
    let (mut gone, mut fresh) = (0, 0);
    for (k, x) in &ma {
        match pairs.get(k) {
            None => {
                gone += 1;
                lines.insert(
                    (k.to_string(), 0),
                    TypeChange::FieldRemoved {
                        field: field_info(o, &a.name, x),
                    },
                );
            }
            Some(m) => {
                let (x, y) = (field_info(o, &a.name, x), field_info(n, &b.name, mb[m]));
                if (&x.json_name, &x.rust_name, &x.rust_type, x.required)
                    != (&y.json_name, &y.rust_name, &y.rust_type, y.required)
                {
                    lines.insert(
                        (m.to_string(), 1),
                        TypeChange::FieldChanged { from: x, to: y },
                    );
                }
            }
        }
    }
    for (m, y) in &mb {
        if !taken.contains(m) {
            fresh += 1;
            lines.insert(
                (m.to_string(), 2),
                TypeChange::FieldAdded {
                    field: field_info(n, &b.name, y),
                },
            );
        }
    }
    out.extend(lines.into_values());
    (gone, fresh)
}

/// Variants added and removed, by wire value (lists in display order).
fn variants(
    o: &RustNames<'_>,
    n: &RustNames<'_>,
    a: &TypeDef,
    b: &TypeDef,
    la: &[(String, String)],
    lb: &[(String, String)],
    out: &mut Vec<TypeChange>,
) {
    let sa: BTreeSet<&str> = la.iter().map(|(v, _)| v.as_str()).collect();
    let sb: BTreeSet<&str> = lb.iter().map(|(v, _)| v.as_str()).collect();
    for (value, rust_name) in la {
        if !sb.contains(value.as_str()) {
            out.push(TypeChange::VariantRemoved {
                variant: VariantInfo {
                    value: value.clone(),
                    item: o.model_member(&a.name, rust_name),
                },
            });
        }
    }
    for (value, rust_name) in lb {
        if !sa.contains(value.as_str()) {
            out.push(TypeChange::VariantAdded {
                variant: VariantInfo {
                    value: value.clone(),
                    item: n.model_member(&b.name, rust_name),
                },
            });
        }
    }
}
