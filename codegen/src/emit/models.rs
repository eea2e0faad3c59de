//! IR types → `models.rs`: one Rust item per [`TypeDef`], and their `Serialize` /
//! `Deserialize` impls apart in `models/serde_impls.rs`, so that the file users read in
//! their editor is the types and their docs alone.
//!
//! Structs ignore unknown JSON fields (the API's objects are open), read and write every
//! field under the spec's own key (JSON casing is mixed), and make a field `Option` unless
//! the spec both requires it and never sends null; a required array or map decodes `null`
//! as empty (the rule of `crate::ir::nullability`). Enums keep values they do not know in a
//! catch-all variant and serialize them back unchanged, so a newer daemon never breaks
//! decoding.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::sanitize;
use super::ident;
use crate::ir::{nullability, Api, IntWidth, TypeDef, TypeId, TypeKind, TypeRef};

/// The tokens of the `models` module (the types) and of its private `serde_impls`
/// module (their serde impls; `None` when there is none, as an empty module's glob
/// import would be unused).
pub fn models(api: &Api) -> (TokenStream, Option<TokenStream>) {
    let defaults = DefaultTable::new(api);
    let (items, impls): (Vec<_>, Vec<_>) = api
        .types
        .iter()
        .map(|t| type_def(api, t, &defaults))
        .unzip();
    let any_impls = impls.iter().any(|i| !i.is_empty());
    let module = any_impls.then(|| {
        quote! {
            /// The `Serialize` / `Deserialize` impls of these types, kept apart so that
            /// this file reads as the types alone.
            mod serde_impls;
        }
    });
    let serde = any_impls.then(|| {
        quote! {
            //! `Serialize` / `Deserialize` for the types of [`crate::models`], written out
            //! rather than derived (what the derive expands to was most of the crate's
            //! compile time): objects as maps under the spec's keys, unknown keys skipped,
            //! `null` read as the empty list or map where Go sends nil; enums as their
            //! wire value, unknown values kept.

            use super::*;
            use dockwright_runtime::model::field;

            #(#impls)*
        }
    });
    (quote! { #(#items)* #module }, serde)
}

/// The Rust type of a value shape, as used inside the `models` module.
pub fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    rust_type_in(api, ty, &quote!())
}

/// The same, with named types reached through `prefix` (`crate::models::`).
pub fn rust_type_in(api: &Api, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(#prefix #name)
        }
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Integer(w) => match w {
            IntWidth::I32 => quote!(i32),
            IntWidth::I64 => quote!(i64),
            IntWidth::U8 => quote!(u8),
            IntWidth::U16 => quote!(u16),
            IntWidth::U32 => quote!(u32),
            IntWidth::U64 => quote!(u64),
        },
        TypeRef::Float => quote!(f64),
        TypeRef::Array(inner) => {
            let inner = rust_type_in(api, inner, prefix);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type_in(api, inner, prefix);
            quote!(std::collections::HashMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type_in(api, inner, prefix);
            quote!(Option<#inner>)
        }
        TypeRef::EmptyObject => quote!(dockwright_runtime::model::EmptyObject),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Boxed(inner) => {
            let inner = rust_type_in(api, inner, prefix);
            quote!(Box<#inner>)
        }
    }
}

pub(super) fn doc_attr(text: Option<&str>) -> TokenStream {
    match text.and_then(sanitize) {
        Some(d) => {
            // One `#[doc]` per line, as rustdoc would write it: prettyplease prints
            // them as `///` comments.
            let lines = d.lines().map(|l| format!(" {l}"));
            quote!(#(#[doc = #lines])*)
        }
        None => quote!(),
    }
}

/// A type's definition, and its serde impls (empty for aliases).
fn type_def(api: &Api, t: &TypeDef, defaults: &DefaultTable) -> (TokenStream, TokenStream) {
    let name = ident(&t.name);
    let docs = doc_attr(t.docs.as_deref());
    match &t.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(|f| {
                let fname = ident(&f.rust_name);
                let docs = doc_attr(f.docs.as_deref());
                let inner = rust_type(api, &f.ty);
                let ty = if f.optional {
                    quote!(Option<#inner>)
                } else {
                    inner
                };
                quote! {
                    #docs
                    pub #fname: #ty,
                }
            });
            let default = defaults.has_default(t.id).then(|| quote!(Default,));
            let def = quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #default)]
                pub struct #name {
                    #(#fields)*
                }
            };
            (def, struct_serde(api, t))
        }
        TypeKind::StringEnum(variants) => {
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
            let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
            let variant_docs = values.iter().map(|v| format!(" `{v:?}`"));
            let def = quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #variant_docs] #idents, )*
                    /// A value this API version does not list; kept as sent, and sent back unchanged.
                    Other(String),
                }
                impl #name {
                    /// The value as the daemon spells it.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( Self::#idents => #values, )*
                            Self::Other(value) => value,
                        }
                    }
                }
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #values => Self::#idents, )*
                            other => Self::Other(other.to_owned()),
                        }
                    }
                }
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            };
            let serde = quote! {
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        dockwright_runtime::model::deserialize_str_enum(deserializer)
                    }
                }
            };
            (def, serde)
        }
        TypeKind::IntegerEnum(variants) => {
            let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
            let values: Vec<_> = variants.iter().map(|v| v.value).collect();
            let variant_docs = variants.iter().map(|v| match &v.docs {
                Some(d) => format!(" `{}`: {d}", v.value),
                None => format!(" `{}`", v.value),
            });
            let def = quote! {
                #docs
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #variant_docs] #idents, )*
                    /// A value this API version does not list; kept as sent.
                    Other(i64),
                }
                impl #name {
                    /// The value as the daemon sends it.
                    pub fn as_i64(self) -> i64 {
                        match self {
                            #( Self::#idents => #values, )*
                            Self::Other(value) => value,
                        }
                    }
                }
                impl From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #( #values => Self::#idents, )*
                            other => Self::Other(other),
                        }
                    }
                }
            };
            let serde = quote! {
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.as_i64())
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                    }
                }
            };
            (def, serde)
        }
        TypeKind::Alias(target) => {
            let target = rust_type(api, target);
            let def = quote! {
                #docs
                pub type #name = #target;
            };
            (def, quote!())
        }
    }
}

/// `Serialize`/`Deserialize` for a struct, written out instead of derived.
///
/// serde's derive emits a field enum, its own visitor, and a sequence visitor for every
/// struct; JSON objects need none of that, and expanding and type-checking it was most of
/// a generated crate's compile time. What is left: one map visitor that matches keys as
/// borrowed strings, skips keys it does not know, and names a missing required key; and a
/// serializer that writes the spec's key for every field that is set. Each key's arm is
/// one call into `dockwright_runtime::model::field`, with a single `?` after the `match`,
/// and the serializer writes through a `field::Writer` that keeps the first error, with no
/// `?` at all: a `?` (an early return, a branch and its drops) per field made these impls
/// the largest part of what the compiler type-checks and borrow-checks in a crate.
fn struct_serde(api: &Api, t: &TypeDef) -> TokenStream {
    let TypeKind::Struct(s) = &t.kind else {
        return quote!();
    };
    let name = ident(&t.name);
    let expecting = format!("an object `{}`", t.name);
    let mut writes = Vec::new();
    let mut slots = Vec::new();
    let mut reads = Vec::new();
    let mut finishes = Vec::new();
    for (i, f) in s.fields.iter().enumerate() {
        let fname = ident(&f.rust_name);
        let json = &f.json_name;
        let slot = ident(&format!("field_{i}"));
        let inner = rust_type(api, &f.ty);
        slots.push(quote!(let mut #slot: Option<#inner> = None;));
        if f.optional {
            writes.push(quote!(map.optional(#json, &self.#fname);));
            reads.push(quote!(#json => field::nullable(&mut map, &mut #slot),));
            finishes.push(quote!(#fname: #slot,));
        } else {
            writes.push(quote!(map.required(#json, &self.#fname);));
            // Go's nil slice or map: `null` is the empty value (crate::ir::nullability).
            reads.push(if nullability::field_null_is_empty(api, f) {
                quote!(#json => field::or_empty(&mut map, &mut #slot),)
            } else {
                quote!(#json => field::value(&mut map, &mut #slot),)
            });
            finishes.push(quote!(#fname: field::required(#slot, #json)?,));
        }
    }
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = field::Writer::new(serializer);
                #(#writes)*
                map.end()
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#slots)*
                        while let Some(key) = map.next_key::<dockwright_runtime::model::FieldKey<'de>>()? {
                            match key.as_str() {
                                #(#reads)*
                                _ => field::skip(&mut map),
                            }?;
                        }
                        Ok(#name { #(#finishes)* })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// Which named types implement `Default` (so that a struct of them can derive it).
struct DefaultTable(HashMap<TypeId, bool>);

impl DefaultTable {
    fn new(api: &Api) -> Self {
        let mut table = HashMap::new();
        for t in &api.types {
            Self::compute(api, t.id, &mut table, 0);
        }
        Self(table)
    }

    fn has_default(&self, id: TypeId) -> bool {
        self.0.get(&id).copied().unwrap_or(false)
    }

    fn compute(api: &Api, id: TypeId, table: &mut HashMap<TypeId, bool>, depth: usize) -> bool {
        if let Some(v) = table.get(&id) {
            return *v;
        }
        if depth > 64 {
            return false;
        }
        let value = match &api.ty(id).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .all(|f| f.optional || Self::ref_default(api, &f.ty, table, depth + 1)),
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => false,
            TypeKind::Alias(t) => Self::ref_default(api, t, table, depth + 1),
        };
        table.insert(id, value);
        value
    }

    fn ref_default(
        api: &Api,
        t: &TypeRef,
        table: &mut HashMap<TypeId, bool>,
        depth: usize,
    ) -> bool {
        match t {
            TypeRef::Named(id) => Self::compute(api, *id, table, depth),
            TypeRef::Boxed(inner) => Self::ref_default(api, inner, table, depth),
            _ => true,
        }
    }
}
