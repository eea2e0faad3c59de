//! Which removed types reappear under another name.
//!
//! A removed type `R` and an added type `A` are a rename when
//!
//! - something that exists in both versions (a field of a type present in both, an
//!   operation's parameter, body or response, an alias) referred to `R` and now refers to
//!   `A` in the same position (or the two names differ only in case, `IdResponse` →
//!   `IDResponse`), and
//! - they are of the same shape and at least half of their members are shared (Jaccard
//!   similarity of field keys, compared case-insensitively, or of enum values ≥ ½; an
//!   alias must stand for the same type).
//!
//! Pairs are taken best similarity first, one-to-one; accepted renames make their
//! fields comparable too, so inline types nested in a renamed type follow it.

use std::collections::{BTreeMap, BTreeSet};

use super::compute::operation_key;
use crate::ir::{Api, BodyType, ResponseKind, TypeDef, TypeKind, TypeRef};

/// Old Rust name → new Rust name.
pub(super) fn match_types(old: &Api, new: &Api) -> BTreeMap<String, String> {
    let old_by_name: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_by_name: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let removed: BTreeSet<&str> = old_by_name
        .keys()
        .filter(|n| !new_by_name.contains_key(*n))
        .copied()
        .collect();
    let added: BTreeSet<&str> = new_by_name
        .keys()
        .filter(|n| !old_by_name.contains_key(*n))
        .copied()
        .collect();
    let mut pairs: BTreeMap<String, String> = BTreeMap::new();
    if removed.is_empty() || added.is_empty() {
        return pairs;
    }
    loop {
        let taken: BTreeSet<&str> = pairs.values().map(String::as_str).collect();
        let mut evidence: BTreeSet<(String, String)> = BTreeSet::new();
        let mut walk = |a: &TypeRef, b: &TypeRef| {
            walk_pair(old, new, a, b, &mut |x, y| {
                if removed.contains(x)
                    && added.contains(y)
                    && !pairs.contains_key(x)
                    && !taken.contains(y)
                {
                    evidence.insert((x.to_owned(), y.to_owned()));
                }
            })
        };
        // Types present in both versions, or already paired.
        let mut type_pairs: Vec<(&TypeDef, &TypeDef)> = old_by_name
            .iter()
            .filter_map(|(name, t)| new_by_name.get(name).map(|u| (*t, *u)))
            .collect();
        for (r, a) in &pairs {
            type_pairs.push((old_by_name[r.as_str()], new_by_name[a.as_str()]));
        }
        for (t, u) in type_pairs {
            match (&t.kind, &u.kind) {
                (TypeKind::Struct(s), TypeKind::Struct(v)) => {
                    for f in &s.fields {
                        if let Some(g) = v.fields.iter().find(|g| g.json_name == f.json_name) {
                            walk(&f.ty, &g.ty);
                        }
                    }
                }
                (TypeKind::Alias(x), TypeKind::Alias(y)) => walk(x, y),
                _ => {}
            }
        }
        // Operations present in both versions.
        let new_ops: BTreeMap<_, _> = new
            .operations
            .iter()
            .map(|op| (operation_key(op), op))
            .collect();
        for op in &old.operations {
            let Some(nop) = new_ops.get(&operation_key(op)) else {
                continue;
            };
            for p in &op.params {
                if let Some(q) = nop
                    .params
                    .iter()
                    .find(|q| q.location == p.location && q.wire_name == p.wire_name)
                {
                    walk(&p.ty, &q.ty);
                }
            }
            if let (Some(x), Some(y)) = (&op.body, &nop.body) {
                if let (BodyType::Json(x), BodyType::Json(y)) = (&x.ty, &y.ty) {
                    walk(x, y);
                }
            }
            if let (ResponseKind::Json(x), ResponseKind::Json(y)) = (&op.response, &nop.response) {
                walk(x, y);
            }
        }
        // Names equal but for case.
        for r in &removed {
            for a in &added {
                if r.eq_ignore_ascii_case(a) && !pairs.contains_key(*r) && !taken.contains(a) {
                    evidence.insert(((*r).to_owned(), (*a).to_owned()));
                }
            }
        }
        let mut candidates: Vec<(f64, String, String)> = evidence
            .into_iter()
            .filter_map(|(r, a)| {
                let s = similarity(old, new, old_by_name[r.as_str()], new_by_name[a.as_str()])?;
                Some((s, r, a))
            })
            .collect();
        candidates.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| (&x.1, &x.2).cmp(&(&y.1, &y.2)))
        });
        let mut progress = false;
        let mut used_new: BTreeSet<String> = pairs.values().cloned().collect();
        for (_, r, a) in candidates {
            if pairs.contains_key(&r) || used_new.contains(&a) {
                continue;
            }
            used_new.insert(a.clone());
            pairs.insert(r, a);
            progress = true;
        }
        if !progress {
            return pairs;
        }
    }
}

/// Calls `found(old name, new name)` for every position where both sides name a type.
fn walk_pair(old: &Api, new: &Api, a: &TypeRef, b: &TypeRef, found: &mut dyn FnMut(&str, &str)) {
    match (a, b) {
        (TypeRef::Named(x), TypeRef::Named(y)) => found(&old.ty(*x).name, &new.ty(*y).name),
        (TypeRef::Array(x), TypeRef::Array(y))
        | (TypeRef::Map(x), TypeRef::Map(y))
        | (TypeRef::Nullable(x), TypeRef::Nullable(y))
        | (TypeRef::Boxed(x), TypeRef::Boxed(y)) => walk_pair(old, new, x, y, found),
        _ => {}
    }
}

/// How alike two types are (0…1), or `None` when they are too different to be one type.
fn similarity(old: &Api, new: &Api, a: &TypeDef, b: &TypeDef) -> Option<f64> {
    fn jaccard(x: BTreeSet<String>, y: BTreeSet<String>) -> f64 {
        let union = x.union(&y).count();
        if union == 0 {
            return 0.0;
        }
        x.intersection(&y).count() as f64 / union as f64
    }
    let score = match (&a.kind, &b.kind) {
        (TypeKind::Struct(s), TypeKind::Struct(t)) => jaccard(
            s.fields
                .iter()
                .map(|f| f.json_name.to_lowercase())
                .collect(),
            t.fields
                .iter()
                .map(|f| f.json_name.to_lowercase())
                .collect(),
        ),
        (TypeKind::StringEnum(s), TypeKind::StringEnum(t)) => jaccard(
            s.iter().map(|v| v.value.clone()).collect(),
            t.iter().map(|v| v.value.clone()).collect(),
        ),
        (TypeKind::IntegerEnum(s), TypeKind::IntegerEnum(t)) => jaccard(
            s.iter().map(|v| v.value.to_string()).collect(),
            t.iter().map(|v| v.value.to_string()).collect(),
        ),
        (TypeKind::Alias(x), TypeKind::Alias(y)) => {
            let o = super::rust::RustNames::new(old);
            let n = super::rust::RustNames::new(new);
            if o.type_ref(x) == n.type_ref(y) {
                1.0
            } else {
                0.0
            }
        }
        _ => 0.0,
    };
    (score >= 0.5).then_some(score)
}
