//! One filter type per `filters` parameter: a method per key documented for that endpoint
//! in that version, plus `custom` for keys a newer daemon accepts.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::models::doc_attr;
use crate::ir::{Api, Operation, Param};
use crate::names;

/// The filter type's name for an operation (`ContainerListFilters`).
pub fn filter_type_name(op: &Operation) -> String {
    format!("{}Filters", names::camel_ident(&op.id))
}

/// The method name of each key, in key order: the key in snake case, with `_key` appended
/// where it would clash with the filter type's own methods. One rule for the emitter and
/// the API differ, so reports name the methods that exist.
pub fn filter_method_names(keys: &[crate::ir::FilterKey]) -> Vec<String> {
    let mut used: Vec<String> = ["new", "custom", "is_empty", "as_filters"].map(String::from).to_vec();
    keys.iter()
        .map(|k| {
            let mut m = names::snake_ident(&k.key);
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
    let items = api.operations.iter().filter_map(|op| {
        let param = filter_param(op)?;
        let keys = param.filter_keys.as_deref().unwrap_or_default();
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
                " Keys documented for API v{}: {}.",
                api.version,
                keys.iter().map(|k| format!("`{}`", k.key)).collect::<Vec<_>>().join(", ")
            )
        };
        let methods = keys.iter().zip(filter_method_names(keys)).map(|(k, m)| {
            let m = ident(&m);
            let key = &k.key;
            let docs = doc_attr(Some(&k.docs));
            quote! {
                #docs
                pub fn #m(self, value: impl Into<String>) -> Self {
                    Self(self.0.custom(#key, value))
                }
            }
        });
        Some(quote! {
            #[doc = #doc]
            ///
            #[doc = #doc_keys]
            /// Several values of one key match any of them; different keys must all match.
            #[derive(Debug, Clone, Default, PartialEq, Eq)]
            pub struct #name(dockwright_runtime::filters::Filters);

            impl #name {
                /// No filter: matches everything.
                pub fn new() -> Self {
                    Self::default()
                }
                #(#methods)*
                /// Any key, for keys this API version does not document.
                pub fn custom(self, key: impl Into<String>, value: impl Into<String>) -> Self {
                    Self(self.0.custom(key, value))
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
        })
    });
    quote! { #(#items)* }
}
