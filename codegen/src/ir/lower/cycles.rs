//! Types that contain themselves.
//!
//! A struct that holds itself by value (`Node.Next: $ref Node`, or through other structs
//! and aliases) would be infinitely large: the fields on such a cycle are boxed. A type
//! alias cannot be recursive at all (`A: $ref A`, `A: {items: $ref A}`, `A: {allOf: [$ref
//! A]}`, `A: {additionalProperties: $ref A}`): such a definition has no finite Rust form and
//! is refused, naming the cycle.

use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};

/// The first definition (in type order) that is an alias of itself, with the cycle's names.
pub fn alias_cycle(types: &[TypeDef]) -> Option<(TypeId, Vec<String>)> {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; types.len()];
    for t in types {
        let mut path = Vec::new();
        if let Some(cycle) = alias_walk(types, t.id, &mut state, &mut path) {
            return Some(cycle);
        }
    }
    None
}

fn alias_walk(
    types: &[TypeDef],
    id: TypeId,
    state: &mut [u8],
    path: &mut Vec<TypeId>,
) -> Option<(TypeId, Vec<String>)> {
    match state[id.0] {
        2 => return None,
        1 => {
            let from = path.iter().position(|p| *p == id).unwrap_or(0);
            let mut names: Vec<String> = path[from..]
                .iter()
                .map(|p| spec_name(&types[p.0]))
                .collect();
            names.push(spec_name(&types[id.0]));
            return Some((path[from], names));
        }
        _ => {}
    }
    let TypeKind::Alias(target) = &types[id.0].kind else {
        state[id.0] = 2;
        return None;
    };
    state[id.0] = 1;
    path.push(id);
    let mut named = Vec::new();
    every_named(target, &mut named);
    for next in named {
        if let Some(cycle) = alias_walk(types, next, state, path) {
            return Some(cycle);
        }
    }
    path.pop();
    state[id.0] = 2;
    None
}

/// A type as the spec names it: a definition's own name, else the generated one.
fn spec_name(t: &TypeDef) -> String {
    match &t.origin {
        crate::ir::TypeOrigin::Definition(name) => name.clone(),
        crate::ir::TypeOrigin::Inline(_) => t.name.clone(),
    }
}

/// Every type named anywhere in `ty` (an alias names them all, even inside `Vec`).
fn every_named(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) | TypeRef::Boxed(t) => {
            every_named(t, out)
        }
        _ => {}
    }
}

/// The types `ty` holds by value (not behind a `Vec`, map or box), looking through aliases.
fn by_value(types: &[TypeDef], ty: &TypeRef, out: &mut Vec<TypeId>, depth: usize) {
    match ty {
        TypeRef::Named(id) if depth < 64 => {
            out.push(*id);
            if let TypeKind::Alias(t) = &types[id.0].kind {
                by_value(types, t, out, depth + 1);
            }
        }
        TypeRef::Nullable(t) => by_value(types, t, out, depth),
        _ => {}
    }
}

/// Boxes every struct field that holds, by value, a type from which the struct itself is
/// reachable by value. Deterministic: it depends only on the types, in their order.
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let n = types.len();
    // Direct by-value edges between types.
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            match &t.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        by_value(types, &f.ty, &mut out, 0);
                    }
                }
                TypeKind::Alias(ty) => by_value(types, ty, &mut out, 0),
                _ => {}
            }
            out.sort();
            out.dedup();
            out
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut self_loop = vec![false; n];
    for (i, e) in edges.iter().enumerate() {
        self_loop[i] = e.iter().any(|t| t.0 == i);
    }
    for i in 0..n {
        let kind = std::mem::replace(&mut types[i].kind, TypeKind::Alias(TypeRef::Json));
        let kind = match kind {
            TypeKind::Struct(mut s) => {
                for f in &mut s.fields {
                    let mut held = Vec::new();
                    by_value(types, &f.ty, &mut held, 0);
                    let recursive = held
                        .iter()
                        .any(|t| component[t.0] == component[i] && (t.0 != i || self_loop[i]));
                    if recursive {
                        f.ty = boxed(std::mem::replace(&mut f.ty, TypeRef::Json));
                    }
                }
                TypeKind::Struct(s)
            }
            other => other,
        };
        types[i].kind = kind;
    }
}

/// `T` → `Box<T>`; a nullable value keeps its `Option` outside the box.
fn boxed(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(boxed(*inner))),
        other => TypeRef::Boxed(Box::new(other)),
    }
}

/// Tarjan's algorithm, iterative (a spec may chain thousands of types): the component
/// number of every node.
fn strongly_connected(edges: &[Vec<TypeId>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to follow)
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(w) = edges[v].get(*edge).map(|t| t.0) {
                *edge += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
