//! Enum variants: names for the values of string and integer enums.

use std::collections::BTreeSet;

use openapiv3 as oa;

use crate::ir::{EnumVariant, IntegerVariant};
use crate::names;

pub(super) fn string_variants(values: &[Option<String>]) -> Vec<EnumVariant> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for value in values.iter().flatten() {
        if out.iter().any(|v: &EnumVariant| &v.value == value) {
            continue;
        }
        let mut rust_name = names::variant_ident(value);
        // `Other` is the catch-all's name.
        if rust_name == "Other" {
            rust_name = "OtherValue".into();
        }
        if !used.insert(rust_name.clone()) {
            let mut n = 2;
            while !used.insert(format!("{rust_name}{n}")) {
                n += 1;
            }
            rust_name = format!("{rust_name}{n}");
        }
        out.push(EnumVariant {
            value: value.clone(),
            rust_name,
        });
    }
    out
}

/// Integer enums name their variants from a `N: Word` list in the description
/// (`ChangeType`: "0: Modified, 1: Added, 2: Deleted"), else `V{n}`.
pub(super) fn integer_variants(
    values: &[Option<i64>],
    data: &oa::SchemaData,
) -> Vec<IntegerVariant> {
    let docs = data.description.clone().unwrap_or_default();
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for value in values.iter().flatten() {
        // `[1, 1]` is one value (a match with two equal arms would not compile).
        if !seen.insert(*value) {
            continue;
        }
        let word = find_meaning(&docs, *value);
        let mut rust_name = word
            .as_deref()
            .map(names::variant_ident)
            .unwrap_or_else(|| format!("V{value}").replace('-', "Minus"));
        if rust_name == "Other" || !used.insert(rust_name.clone()) {
            let plain = format!("V{value}").replace('-', "Minus");
            rust_name = plain.clone();
            let mut n = 2;
            while !used.insert(rust_name.clone()) {
                rust_name = format!("{plain}_{n}");
                n += 1;
            }
        }
        out.push(IntegerVariant {
            value: *value,
            rust_name,
            docs: word,
        });
    }
    out
}

fn find_meaning(docs: &str, value: i64) -> Option<String> {
    let needle = format!("{value}:");
    let docs = docs.replace('`', "");
    for (at, _) in docs.match_indices(&needle) {
        let before = docs[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_digit() || c == '-') {
            continue;
        }
        let word: String = docs[at + needle.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !word.is_empty() {
            return Some(word);
        }
    }
    None
}
