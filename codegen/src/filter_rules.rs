//! The filter-key table: where the keys read from the spec's prose
//! ([`crate::filter_keys`]) are not what the daemon accepts, and how strict the daemon is
//! about each key's values.
//!
//! The prose is not the daemon. Every entry names the operation and key, the API versions
//! it covers, and the daemon code it follows: moby's own filter validators at the tags of
//! the engines the tests run (v20.10.24 = API 1.41, v26.1.5 = 1.45, v28.5.2 = 1.51), e.g.
//! `acceptedPluginFilterTags` in `plugin/backend_linux.go`. Like a fix-up, an entry fails
//! loudly (`Error::FixupStale`) when the spec no longer has what it repairs: a key it
//! renames, removes or types that is gone, a key it adds that the prose now documents.
//! Keys the daemon accepts but the crates leave out on purpose are entries too
//! ([`Action::Omit`]), so that the filter type's docs say why.

use std::path::Path;

use crate::error::{Error, Result};
use crate::filter_keys::{value_words, FilterValue};
use crate::ir::{Api, FilterKey};

/// What an entry does to a key.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    /// The prose names the key wrongly: the daemon reads `to`.
    Rename { to: &'static str },
    /// The prose documents a key the daemon rejects.
    Remove,
    /// The daemon accepts a key the prose omits; `docs` describes it.
    Add { docs: &'static str, value: Value },
    /// The key's description says something the daemon does not do: `from` becomes `to`.
    Docs {
        from: &'static str,
        to: &'static str,
    },
    /// The daemon accepts the key, the crates leave it out on purpose (`why`, in the docs).
    Omit { why: &'static str },
    /// The daemon is strict about the key's values.
    Type(Value),
}

/// A value type, as the table writes it (see [`FilterValue`]).
#[derive(Debug, Clone, Copy)]
pub enum Value {
    Text,
    TextOnce,
    Bool,
    Int,
    IntOnce,
    /// An enum named `name`: the words the key's description lists, each of which must be
    /// in `daemon` (the set the daemon knows), else the entry is stale.
    Enum {
        name: &'static str,
        daemon: &'static [&'static str],
    },
    Flag,
}

/// One entry of the table.
pub struct FilterRule {
    pub name: &'static str,
    /// operationId (`PluginList`).
    pub operation: &'static str,
    /// The key as the prose (or, for [`Action::Add`]/[`Action::Omit`], the daemon) spells it.
    pub key: &'static str,
    pub first: (u16, u16),
    pub last: (u16, u16),
    pub action: Action,
    /// Where the daemon says so: the table's citation, read by people (and by the test
    /// that none is empty), not by the generator.
    #[cfg_attr(not(test), expect(dead_code, reason = "a citation for readers"))]
    pub evidence: &'static str,
}

/// The newest API version of `spec/versions.toml` (minor number).
const NEWEST_KNOWN: u16 = 55;

const fn rule(
    name: &'static str,
    operation: &'static str,
    key: &'static str,
    first: u16,
    last: u16,
    action: Action,
    evidence: &'static str,
) -> FilterRule {
    FilterRule {
        name,
        operation,
        key,
        first: (1, first),
        last: (1, last),
        action,
        evidence,
    }
}

use Action::*;

/// `daemon/prune.go` `getUntilFromPruneFilters` / `daemon/images/image_prune.go`:
/// "more than one until filter specified".
const UNTIL_ONCE: &str = "moby daemon/prune.go and daemon/images/image_prune.go: a second `until` is \"more than one until filter specified\"";
/// `builder/builder-next/builder.go` `toBuildkitPruneInfo`: a cache field with two values
/// is `errMultipleFilterValues`, one with no value is passed to BuildKit as a presence test.
const BUILD_CACHE_FIELDS: &str = "moby builder/builder-next/builder.go `toBuildkitPruneInfo`: a cache field takes one value (`errMultipleFilterValues`); with none it is BuildKit's presence test";
/// `GetBoolOrDefault` (26.1, 28.5) and the `ExactMatch("…", "true")` checks of 20.10:
/// `true`/`false` are the spellings every version accepts.
const BOOL: &str = "moby api/types/filters/parse.go `GetBoolOrDefault` (v26.1.5, v28.5.2), `ExactMatch(key, \"true\"/\"false\")` checks (v20.10.24); `1`/`0` only on some endpoints and versions";

/// Container states (`container.IsValidStateString` on 20.10,
/// `containertypes.ValidateContainerState` later).
pub(crate) const CONTAINER_STATES: &[&str] = &[
    "created",
    "restarting",
    "running",
    "removing",
    "paused",
    "exited",
    "dead",
];
/// Health states (`container.IsValidHealthString`, `containertypes.ValidateHealthStatus`).
pub(crate) const HEALTH_STATES: &[&str] = &["starting", "healthy", "unhealthy", "none"];
/// `api/types/events` `Type` constants (v28.5.2).
const EVENT_TYPES: &[&str] = &[
    "builder",
    "config",
    "container",
    "daemon",
    "image",
    "network",
    "node",
    "plugin",
    "secret",
    "service",
    "volume",
];

/// The table. Key-set entries (rename, remove, add, docs, omit) apply before value types,
/// so a type names the key the daemon reads.
pub const FILTER_RULES: &[FilterRule] = &[
    // ---- Keys the daemon reads differently from the prose.
    rule("plugin_list_enabled", "PluginList", "enable", 28, 55, Rename { to: "enabled" },
        "moby plugin/backend_linux.go `acceptedPluginFilterTags` = {enabled, capability} (v20.10.24, v26.1.5, v28.5.2); `enable` answers 400 \"Invalid filter 'enable'\""),
    rule("config_list_has_no_names", "ConfigList", "names", 30, 55, Remove,
        "moby daemon/cluster/filters.go `newListConfigsFilters` accepts name, id, label only (v20.10.24, v26.1.5, v28.5.2); only secrets take `names`"),
    rule("service_list_runtime", "ServiceList", "runtime", 30, 55,
        Add { docs: "`runtime=<runtime>` services whose tasks run in that runtime (`container`, `plugin`)", value: Value::Text },
        "moby daemon/cluster/services.go `GetServices` accepts `runtime` (since 17.06 = API 1.30; v20.10.24, v26.1.5, v28.5.2)"),
    rule("task_list_runtime", "TaskList", "runtime", 31, 55,
        Add { docs: "`runtime=<runtime>` tasks of that runtime (`container`, `plugin`)", value: Value::Text },
        "moby daemon/cluster/filters.go `newListTasksFilters` accepts `runtime` (since 17.07 = API 1.31; v20.10.24, v26.1.5, v28.5.2)"),
    rule("volume_list_label_splits_on_equals", "VolumeList", "label", 27, 55,
        Docs { from: "`label=<key>:<value>`", to: "`label=<key>=<value>`" },
        "moby volume/service/convert.go `byLabelFilter` splits `key=value` on `=` (v20.10.24, v26.1.5, v28.5.2)"),
    rule("image_search_is_automated_deprecated", "ImageSearch", "is-automated", 45, 55,
        Omit { why: "deprecated: the daemon still accepts it, but Docker Hub no longer sets the field it tests (moby registry/search.go)" },
        "moby registry/search.go `acceptedSearchFilterTags`: \"is-automated\" Deprecated (v26.1.5, v28.5.2)"),
    rule("image_list_label_not_containerd_only", "ImageList", "label!", 43, 55,
        Omit { why: "only the containerd image store accepts it (daemon/containerd/image_list.go); the graph-driver store answers 400 (daemon/images/image_list.go)" },
        "moby `acceptedImageFilterTags` in daemon/containerd/image_list.go has `label!`, daemon/images/image_list.go has not (v26.1.5, v28.5.2)"),
    rule("build_prune_label_ignored", "BuildPrune", "label", 40, 55,
        Omit { why: "the daemon accepts `label` and `label!` but ignores them (a TODO in builder/builder-next/builder.go): a prune \"narrowed\" by label would remove everything else it matches" },
        "moby builder/builder-next/builder.go `Prune`: `validFilters[\"label\"] = true // TODO(tiborvass): handle label`, not passed on by `toBuildkitPruneInfo` (v20.10.24, v26.1.5, v28.5.2)"),
    rule("build_prune_unused_for_deprecated", "BuildPrune", "unused-for", 40, 55,
        Omit { why: "a deprecated synonym of `until` (builder/builder-next/builder.go); both together are a 400" },
        "moby builder/builder-next/builder.go `toBuildkitPruneInfo`: \"deprecated synonym for \\\"until\\\" filter\" (v20.10.24, v26.1.5, v28.5.2)"),
    // ---- Booleans.
    rule("image_list_dangling_bool", "ImageList", "dangling", 25, 55, Type(Value::Bool), BOOL),
    rule("image_prune_dangling_bool", "ImagePrune", "dangling", 25, 55, Type(Value::Bool), BOOL),
    rule("network_list_dangling_bool", "NetworkList", "dangling", 40, 55, Type(Value::Bool),
        "moby daemon/network/filter.go: \"got more than one value for filter key \\\"dangling\\\"\"; `GetBoolOrDefault`"),
    rule("volume_list_dangling_bool", "VolumeList", "dangling", 25, 55, Type(Value::Bool), BOOL),
    rule("volume_prune_all_bool", "VolumePrune", "all", 42, 55, Type(Value::Bool),
        "moby volume/service/convert.go `withPrune`: one value, `strconv.ParseBool` (v26.1.5, v28.5.2)"),
    rule("container_list_is_task_bool", "ContainerList", "is-task", 25, 55, Type(Value::Bool), BOOL),
    rule("plugin_list_enabled_bool", "PluginList", "enabled", 28, 55, Type(Value::Bool), BOOL),
    rule("image_search_is_official_bool", "ImageSearch", "is-official", 25, 55, Type(Value::Bool), BOOL),
    rule("image_search_is_automated_bool", "ImageSearch", "is-automated", 25, 44, Type(Value::Bool), BOOL),
    // ---- Integers.
    rule("container_list_exited_int", "ContainerList", "exited", 25, 55, Type(Value::Int),
        "moby daemon/list.go: each `exited` value goes through `strconv.Atoi` (a 500 on v20.10.24, 400 later)"),
    rule("image_search_stars_int", "ImageSearch", "stars", 25, 55, Type(Value::IntOnce),
        "moby daemon/images/image_search.go (v20.10.24), registry/search.go: `strconv.Atoi`; the largest value wins"),
    // ---- Closed sets.
    rule("container_list_status_enum", "ContainerList", "status", 25, 55,
        Type(Value::Enum { name: "ContainerStatus", daemon: CONTAINER_STATES }),
        "moby daemon/list.go: `IsValidStateString` / `ValidateContainerState`, 400 \"invalid filter 'status=…'\""),
    rule("container_list_health_enum", "ContainerList", "health", 25, 55,
        Type(Value::Enum { name: "ContainerHealth", daemon: HEALTH_STATES }),
        "moby daemon/list.go: `IsValidHealthString` / `ValidateHealthStatus`, 400 \"Unrecognised filter value for health\""),
    rule("system_events_type_enum", "SystemEvents", "type", 25, 55,
        Type(Value::Enum { name: "EventType", daemon: EVENT_TYPES }),
        "moby daemon/events/filter.go: `ExactMatch(\"type\", ev.Type)` validates nothing, so a misspelt type silently matches no event"),
    rule("network_list_type_enum", "NetworkList", "type", 25, 55,
        Type(Value::Enum { name: "NetworkType", daemon: &["custom", "builtin"] }),
        "moby daemon/network/filter.go `filterNetworkByType`: \"invalid filter: 'type'='…'\" for anything else"),
    // ---- Keys that take one value.
    rule("container_prune_until_once", "ContainerPrune", "until", 28, 55, Type(Value::TextOnce), UNTIL_ONCE),
    rule("image_prune_until_once", "ImagePrune", "until", 28, 55, Type(Value::TextOnce), UNTIL_ONCE),
    rule("network_prune_until_once", "NetworkPrune", "until", 28, 55, Type(Value::TextOnce), UNTIL_ONCE),
    rule("image_list_until_once", "ImageList", "until", 44, 55, Type(Value::TextOnce),
        "moby daemon/containerd/image_list.go, daemon/images/image_list.go: one point in time (several are all applied)"),
    rule("build_prune_until_once", "BuildPrune", "until", 39, 55, Type(Value::TextOnce), BUILD_CACHE_FIELDS),
    rule("build_prune_id_once", "BuildPrune", "id", 39, 55, Type(Value::TextOnce), BUILD_CACHE_FIELDS),
    rule("build_prune_parent_once", "BuildPrune", "parent", 39, 55, Type(Value::TextOnce), BUILD_CACHE_FIELDS),
    rule("build_prune_type_once", "BuildPrune", "type", 39, 55, Type(Value::TextOnce), BUILD_CACHE_FIELDS),
    rule("build_prune_description_once", "BuildPrune", "description", 39, 55, Type(Value::TextOnce), BUILD_CACHE_FIELDS),
    // ---- Presence flags.
    rule("build_prune_inuse_flag", "BuildPrune", "inuse", 39, 55, Type(Value::Flag), BUILD_CACHE_FIELDS),
    rule("build_prune_shared_flag", "BuildPrune", "shared", 39, 55, Type(Value::Flag), BUILD_CACHE_FIELDS),
    rule("build_prune_private_flag", "BuildPrune", "private", 39, 55, Type(Value::Flag), BUILD_CACHE_FIELDS),
];

/// The entries covering `operation` in API `version`.
pub fn rules_for(
    operation: &str,
    version: (u16, u16),
) -> impl Iterator<Item = &'static FilterRule> + '_ {
    FILTER_RULES
        .iter()
        .filter(move |r| r.operation == operation && r.first <= version && version <= r.last)
}

/// The keys the daemon accepts that the filter type of `operation` leaves out, and why.
pub fn omitted(operation: &str, version: (u16, u16)) -> Vec<(&'static str, &'static str)> {
    rules_for(operation, version)
        .filter_map(|r| match r.action {
            Omit { why } => Some((r.key, why)),
            _ => None,
        })
        .collect()
}

/// Applies every entry covering `api`'s version to its filter keys.
///
/// `strict` is for the manifest's own specs: an entry whose pattern is gone is an error.
/// For any other spec (a newer version, a patched copy) such an entry is reported in the
/// returned notes ("not needed") and skipped, as the fix-ups do.
pub fn apply(api: &mut Api, file: &Path, strict: bool) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    // Key renames, additions and removals first, then the value types (as `apply_rules`).
    let (key_set, types): (Vec<&FilterRule>, Vec<&FilterRule>) = FILTER_RULES
        .iter()
        .partition(|r| !matches!(r.action, Type(_)));
    for rule in key_set.into_iter().chain(types) {
        // Open at the top like the fix-ups' ranges: an entry that reaches the newest spec
        // of the manifest also reaches specs the manifest does not know yet.
        let rule = FilterRule {
            last: if rule.last >= (1, NEWEST_KNOWN) {
                (u16::MAX, u16::MAX)
            } else {
                rule.last
            },
            ..*rule
        };
        match apply_rules(api, file, std::slice::from_ref(&rule)) {
            Err(Error::FixupStale {
                fixup, expected, ..
            }) if !strict => notes.push(format!(
                "filter rule `{fixup}` not needed for {} (expected {expected})",
                file.display()
            )),
            other => other?,
        }
    }
    Ok(notes)
}

fn apply_rules(api: &mut Api, file: &Path, rules: &[FilterRule]) -> Result<()> {
    let version = (api.version.major, api.version.minor);
    let covering: Vec<&FilterRule> = rules
        .iter()
        .filter(|r| r.first <= version && version <= r.last)
        .collect();
    let (key_set, types): (Vec<&FilterRule>, Vec<&FilterRule>) = covering
        .into_iter()
        .partition(|r| !matches!(r.action, Type(_)));
    for rule in key_set.into_iter().chain(types) {
        let stale = |expected: &str| Error::FixupStale {
            file: file.to_owned(),
            fixup: rule.name,
            pointer: format!("operation {} `filters`, key `{}`", rule.operation, rule.key),
            expected: expected.to_owned(),
        };
        let keys = api
            .operations
            .iter_mut()
            .find(|op| op.id == rule.operation)
            .and_then(|op| op.params.iter_mut().find_map(|p| p.filter_keys.as_mut()))
            .ok_or_else(|| stale("the operation with a `filters` parameter"))?;
        let at = keys.iter().position(|k| k.key == rule.key);
        match (rule.action, at) {
            (Add { .. } | Omit { .. }, Some(_)) => {
                return Err(stale("a key the description does not document"))
            }
            (Add { docs, value }, None) => {
                let mut key = FilterKey {
                    key: rule.key.to_owned(),
                    docs: format!("{docs} (accepted by the daemon, not in the spec's description: filter rule `{}`)", rule.name),
                    value: FilterValue::Text,
                };
                set_value(&mut key, value, &stale)?;
                keys.push(key);
            }
            (Omit { .. }, None) => {}
            (_, None) => return Err(stale("a key the description documents")),
            (Rename { to }, Some(i)) => {
                let key = &mut keys[i];
                key.docs = format!(
                    "{} (the spec says `{}`, the daemon reads `{to}`: filter rule `{}`)",
                    key.docs
                        .replace(&format!("`{}=", rule.key), &format!("`{to}=")),
                    rule.key,
                    rule.name
                );
                key.key = to.to_owned();
            }
            (Remove, Some(i)) => {
                keys.remove(i);
            }
            (Docs { from, to }, Some(i)) => {
                let key = &mut keys[i];
                if !key.docs.contains(from) {
                    return Err(stale(&format!("the description saying {from}")));
                }
                key.docs = format!(
                    "{} (corrected: filter rule `{}`)",
                    key.docs.replace(from, to),
                    rule.name
                );
            }
            (Type(value), Some(i)) => set_value(&mut keys[i], value, &stale)?,
        }
    }
    Ok(())
}

fn set_value(key: &mut FilterKey, value: Value, stale: &dyn Fn(&str) -> Error) -> Result<()> {
    key.value = match value {
        Value::Text => FilterValue::Text,
        Value::TextOnce => FilterValue::TextOnce,
        Value::Bool => FilterValue::Bool,
        Value::Int => FilterValue::Int,
        Value::IntOnce => FilterValue::IntOnce,
        Value::Flag => FilterValue::Flag,
        Value::Enum { name, daemon } => {
            let variants = value_words(key);
            if variants.is_empty() {
                return Err(stale("a description listing the key's values"));
            }
            if let Some(unknown) = variants.iter().find(|v| !daemon.contains(&v.as_str())) {
                return Err(stale(&format!("values the daemon knows, not `{unknown}`")));
            }
            FilterValue::Enum {
                name: name.to_owned(),
                variants,
            }
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of API 1.99 (no entry of the real table covers it) with one filtered list.
    fn api(filters_doc: &str) -> Api {
        let doc = serde_json::to_string(filters_doc).unwrap();
        let yaml = format!(
            "swagger: \"2.0\"\ninfo: {{title: t, version: \"1.99\"}}\npaths:\n  /things:\n    get:\n      operationId: ThingList\n      parameters:\n        - {{name: filters, in: query, type: string, description: {doc}}}\n      responses:\n        200: {{description: ok}}\n"
        );
        crate::pipeline::api_from_bytes(yaml.as_bytes(), Path::new("v1.99.yaml")).unwrap()
    }

    fn keys(api: &Api) -> Vec<(String, FilterValue)> {
        let param = api.operations[0]
            .params
            .iter()
            .find_map(|p| p.filter_keys.as_ref())
            .unwrap();
        param
            .iter()
            .map(|k| (k.key.clone(), k.value.clone()))
            .collect()
    }

    fn one(name: &'static str, key: &'static str, action: Action) -> [FilterRule; 1] {
        [rule(name, "ThingList", key, 99, 99, action, "a test")]
    }

    const DOC: &str = "- `enable=<true>|<false>`\n- `kind=`(`a`|`b`)\n";

    #[test]
    fn rename_then_type() {
        let mut a = api(DOC);
        let rules = [
            rule(
                "t",
                "ThingList",
                "enable",
                99,
                99,
                Rename { to: "enabled" },
                "x",
            ),
            rule("u", "ThingList", "enabled", 99, 99, Type(Value::Bool), "x"),
            rule(
                "v",
                "ThingList",
                "kind",
                99,
                99,
                Type(Value::Enum {
                    name: "Kind",
                    daemon: &["a", "b", "c"],
                }),
                "x",
            ),
            rule(
                "w",
                "ThingList",
                "extra",
                99,
                99,
                Add {
                    docs: "`extra`",
                    value: Value::Flag,
                },
                "x",
            ),
        ];
        apply_rules(&mut a, Path::new("v1.99.yaml"), &rules).unwrap();
        let kind = FilterValue::Enum {
            name: "Kind".into(),
            variants: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            keys(&a),
            [
                ("enabled".into(), FilterValue::Bool),
                ("kind".into(), kind),
                ("extra".into(), FilterValue::Flag)
            ]
        );
    }

    #[test]
    fn stale_entries_fail() {
        let stale = |rules: &[FilterRule]| {
            let mut a = api(DOC);
            match apply_rules(&mut a, Path::new("v1.99.yaml"), rules) {
                Err(Error::FixupStale { fixup, .. }) => fixup,
                other => panic!("{other:?}"),
            }
        };
        // The key to rename, remove or type is gone; the key to add or omit is documented.
        assert_eq!(stale(&one("r", "enabled", Rename { to: "x" })), "r");
        assert_eq!(stale(&one("d", "gone", Remove)), "d");
        assert_eq!(stale(&one("t", "gone", Type(Value::Bool))), "t");
        assert_eq!(
            stale(&one(
                "a",
                "kind",
                Add {
                    docs: "",
                    value: Value::Text
                }
            )),
            "a"
        );
        assert_eq!(stale(&one("o", "kind", Omit { why: "" })), "o");
        // The text to correct is not there; an enum word the daemon does not know.
        assert_eq!(
            stale(&one(
                "c",
                "kind",
                Docs {
                    from: "`kind:`",
                    to: "`kind=`"
                }
            )),
            "c"
        );
        let enum_rule = Type(Value::Enum {
            name: "Kind",
            daemon: &["a"],
        });
        assert_eq!(stale(&one("e", "kind", enum_rule)), "e");
        // Another operation's entry does not touch this one; a missing operation is stale.
        let other = [rule("m", "ConfigList", "names", 99, 99, Remove, "x")];
        assert_eq!(stale(&other), "m");
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut names: Vec<&str> = FILTER_RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len, "entry names are unique");
        for r in FILTER_RULES {
            assert!(r.first <= r.last && !r.evidence.is_empty(), "{}", r.name);
        }
    }
}
