//! One filter type per `filters` parameter: a method per key the daemon accepts for that
//! endpoint in that version (the spec's keys, repaired by [`crate::filter_rules`]), typed
//! where the daemon is strict, plus `custom`/`custom_flag` for keys a newer daemon accepts.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::models::doc_attr;
use crate::filter_keys::FilterValue;
use crate::filter_rules;
use crate::ir::{Api, FilterKey, Operation, Param};
use crate::names;

/// The filter type's name for an operation (`ContainerListFilters`).
pub fn filter_type_name(op: &Operation) -> String {
    format!("{}Filters", names::camel_ident(&op.id))
}

/// The filter type's own methods, which no key method may take.
const OWN_METHODS: [&str; 5] = ["new", "custom", "custom_flag", "is_empty", "as_filters"];

/// The method name of each key, in key order: the key in snake case (a negated key
/// `label!` becomes `label_not`), with `_key` appended where it would clash with the
/// filter type's own methods. One rule for the emitter and the API differ, so reports
/// name the methods that exist.
pub fn filter_method_names(keys: &[FilterKey]) -> Vec<String> {
    let mut used: Vec<String> = OWN_METHODS.map(String::from).to_vec();
    keys.iter()
        .map(|k| {
            let mut m = match k.key.strip_suffix('!') {
                Some(base) => format!("{}_not", names::snake_ident(base).trim_end_matches('_')),
                None => names::snake_ident(&k.key),
            };
            if used.contains(&m) {
                m = format!("{m}_key");
            }
            used.push(m.clone());
            m
        })
        .collect()
}

/// The operation's `filters` parameter, if it has one with keys read.
pub fn filter_param(op: &Operation) -> Option<&Param> {
    op.params.iter().find(|p| p.filter_keys.is_some())
}

pub fn filters(api: &Api) -> TokenStream {
    let version = (api.version.major, api.version.minor);
    // The value enums, by name: the methods taking each, and every word any key lists.
    let mut enums: BTreeMap<&str, (Vec<String>, Vec<&str>)> = BTreeMap::new();
    let items: Vec<TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| {
            let param = filter_param(op)?;
            let keys = param.filter_keys.as_deref().unwrap_or_default();
            for (k, method) in keys.iter().zip(filter_method_names(keys)) {
                if let FilterValue::Enum { name, variants } = &k.value {
                    let (users, words) = enums.entry(name.as_str()).or_default();
                    users.push(format!(
                        "[`{0}::{method}`]({0}::{method})",
                        filter_type_name(op)
                    ));
                    for v in variants {
                        if !words.contains(&v.as_str()) {
                            words.push(v);
                        }
                    }
                }
            }
            Some(filter_type(api, op, keys, version))
        })
        .collect();
    let enums = enums
        .into_iter()
        .map(|(name, (users, words))| value_enum(name, &users, &words, &api.version.to_string()));
    quote! {
        #(#items)*
        #(#enums)*
    }
}

fn filter_type(api: &Api, op: &Operation, keys: &[FilterKey], version: (u16, u16)) -> TokenStream {
    let name = ident(&filter_type_name(op));
    let method = &op.rust_name;
    let doc = format!(
        " Typed `filters` for [`{method}`](crate::client::Client::{method}) ({} `{}`).",
        op.method, op.path
    );
    let doc_keys = if keys.is_empty() {
        " The spec documents no keys for this endpoint; use [`custom`](Self::custom).".to_owned()
    } else {
        format!(
            " Keys the daemon accepts at API v{}: {}.",
            api.version,
            keys.iter()
                .map(|k| format!("`{}`", k.key))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let once = keys.iter().any(|k| {
        matches!(
            k.value,
            FilterValue::TextOnce | FilterValue::IntOnce | FilterValue::Bool
        )
    });
    let doc_once = once
        .then_some(" Keys the daemon takes once replace their value when set again.")
        .into_iter();
    let omitted = filter_rules::omitted(&op.id, version)
        .into_iter()
        .map(|(key, why)| format!(" Left out on purpose: `{key}`, {why}."));
    let methods = keys
        .iter()
        .zip(filter_method_names(keys))
        .map(|(k, m)| key_method(k, &m));
    quote! {
        #[doc = #doc]
        ///
        #[doc = #doc_keys]
        /// Several values of one key match any of them; different keys must all match.
        #(#[doc = #doc_once])*
        #(
            ///
            #[doc = #omitted]
        )*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct #name(dockwright_runtime::filters::Filters);

        impl #name {
            /// No filter: matches everything.
            pub fn new() -> Self {
                Self::default()
            }
            #(#methods)*
            /// Any key, for keys this API version does not document: adds one value.
            pub fn custom(self, key: impl Into<String>, value: impl Into<String>) -> Self {
                Self(self.0.custom(key, value))
            }
            /// Any key with no values (`{"key":[]}`), for presence flags this API version
            /// does not document.
            pub fn custom_flag(self, key: impl Into<String>) -> Self {
                Self(self.0.flag(key))
            }
            /// True when no key is set (the parameter is then left out).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
            /// The untyped filter set.
            pub fn as_filters(&self) -> &dockwright_runtime::filters::Filters {
                &self.0
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }
    }
}

/// One key's method, typed by its [`FilterValue`].
fn key_method(k: &FilterKey, method: &str) -> TokenStream {
    let m = ident(method);
    let key = &k.key;
    let note = match &k.value {
        FilterValue::Text | FilterValue::Int | FilterValue::Enum { .. } => None,
        FilterValue::TextOnce | FilterValue::IntOnce => {
            Some("The daemon takes one value: calling this again replaces it.".to_owned())
        }
        FilterValue::Bool => {
            Some("Sent as `true` or `false`; the daemon takes one value: calling this again replaces it.".to_owned())
        }
        FilterValue::Flag => Some(format!(
            "A presence flag: sent as the key alone, with no value (`{{\"{key}\":[]}}`)."
        )),
    };
    let docs = match note {
        Some(note) => format!("{}\n\n{note}", k.docs),
        None => k.docs.clone(),
    };
    let docs = doc_attr(Some(&docs));
    match &k.value {
        FilterValue::Text => quote! {
            #docs
            pub fn #m(self, value: impl Into<String>) -> Self {
                Self(self.0.custom(#key, value))
            }
        },
        FilterValue::TextOnce => quote! {
            #docs
            pub fn #m(self, value: impl Into<String>) -> Self {
                Self(self.0.set(#key, value))
            }
        },
        FilterValue::Bool => quote! {
            #docs
            pub fn #m(self, value: bool) -> Self {
                Self(self.0.set(#key, if value { "true" } else { "false" }))
            }
        },
        FilterValue::Int => quote! {
            #docs
            pub fn #m(self, value: i64) -> Self {
                Self(self.0.custom(#key, value.to_string()))
            }
        },
        FilterValue::IntOnce => quote! {
            #docs
            pub fn #m(self, value: i64) -> Self {
                Self(self.0.set(#key, value.to_string()))
            }
        },
        FilterValue::Enum { name, .. } => {
            let ty = ident(name);
            quote! {
                #docs
                pub fn #m(self, value: #ty) -> Self {
                    Self(self.0.custom(#key, value.as_str()))
                }
            }
        }
        FilterValue::Flag => quote! {
            #docs
            pub fn #m(self) -> Self {
                Self(self.0.flag(#key))
            }
        },
    }
}

/// A closed set of filter values, with `Other` for values this version does not document.
fn value_enum(name: &str, users: &[String], words: &[&str], version: &str) -> TokenStream {
    let ty = ident(name);
    let doc = format!(
        " The values {} takes, as API v{version} documents them; [`Other`](Self::Other) sends any other word as it is.",
        users.join(", ")
    );
    let variants: Vec<_> = words
        .iter()
        .map(|w| ident(&names::camel_ident(w)))
        .collect();
    let variant_docs = words.iter().map(|w| format!(" `{w}`"));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #ty {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this API version does not document, sent as it is.
            Other(String),
        }

        impl #ty {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #words,)*
                    Self::Other(value) => value,
                }
            }
        }

        /// A documented word becomes its variant, anything else `Other`.
        impl From<&str> for #ty {
            fn from(value: &str) -> Self {
                match value {
                    #(#words => Self::#variants,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
