//! What the filter-key tests share: the typed filter methods a generated crate offers
//! (read from its `filters.rs`, so a key the generator starts offering without a request
//! in the tests fails them), and how a daemon says a filter is not accepted.

use std::collections::BTreeSet;

/// `(FiltersType, method)` of every key method in the generated `filters.rs` of `krate`
/// (`"v1_45"`); `custom` and `custom_flag` are not keys.
pub fn generated_methods(krate: &str) -> BTreeSet<(String, String)> {
    let path = crate::workspace_root()
        .join("generated")
        .join(krate)
        .join("src/filters.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeSet::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            current = rest.split('(').next().unwrap_or_default().to_owned();
        } else if let Some(rest) = line.trim_start().strip_prefix("pub fn ") {
            let name = rest.split('(').next().unwrap_or_default();
            let takes_self = rest.contains("(self");
            if takes_self
                && !matches!(name, "custom" | "custom_flag")
                && current.ends_with("Filters")
            {
                out.insert((current.clone(), name.to_owned()));
            }
        }
    }
    out
}

/// The filter types of the swarm lists (configs, secrets, nodes, services, tasks), which
/// a daemon outside a swarm answers with 503 before reading the filters.
pub const SWARM_LISTS: [&str; 5] = [
    "ConfigListFilters",
    "SecretListFilters",
    "NodeListFilters",
    "ServiceListFilters",
    "TaskListFilters",
];

/// A 400 about the filters (`invalid filter 'enable'`, `Invalid filter 'is-task=1'`).
pub fn rejected_filter(e: &dockwright_runtime::Error) -> bool {
    e.status() == Some(400) && e.to_string().to_ascii_lowercase().contains("filter")
}
