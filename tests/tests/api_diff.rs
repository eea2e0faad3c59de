//! The API differ against the real specs: the checked-in consecutive-version reports
//! (tests/snapshots/api-diff/) must be what `cargo xtask diff` computes now, and the
//! differ must see what the specs say (each claim below was checked in the YAML files).
//!
//! Update the reports with `DOCKWRIGHT_UPDATE_SNAPSHOTS=1 cargo test -p dockwright-tests --test api_diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use dockwright_codegen::diff::{self, model::*, ApiDiff};
use dockwright_codegen::ir::Api;
use dockwright_codegen::manifest::Manifest;
use dockwright_codegen::pipeline;
use dockwright_codegen::version::ApiVersion;
use dockwright_tests::{check_snapshot, specs_dir, workspace_root, UPDATE_SNAPSHOTS};

const UPDATE: &str = "DOCKWRIGHT_UPDATE_SNAPSHOTS=1 cargo test -p dockwright-tests --test api_diff";

/// Every manifest version's IR, oldest first; `None` (skipped locally, a failure under CI)
/// when the spec files are not there. Loaded once per test binary, in parallel.
fn apis() -> Option<&'static Vec<Api>> {
    static APIS: OnceLock<Option<Vec<Api>>> = OnceLock::new();
    APIS.get_or_init(|| {
        let specs = specs_dir()?;
        let manifest =
            Manifest::load(&workspace_root().join("spec/versions.toml")).expect("manifest");
        let apis: Vec<Api> = std::thread::scope(|scope| {
            let handles: Vec<_> = manifest
                .versions
                .iter()
                .map(|entry| {
                    let path = specs.join(&entry.file);
                    scope.spawn(move || {
                        let api = pipeline::load_api(&path)
                            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                        assert_eq!(
                            api.spec_sha256,
                            entry.sha256,
                            "{}: not the spec spec/versions.toml pins",
                            path.display()
                        );
                        api
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("loader thread"))
                .collect()
        });
        Some(apis)
    })
    .as_ref()
}

fn api(version: &str) -> &'static Api {
    let v = ApiVersion::parse(version).unwrap();
    apis()
        .expect("checked by the caller")
        .iter()
        .find(|a| a.version == v)
        .unwrap_or_else(|| panic!("v{version} is not in spec/versions.toml"))
}

/// The diff between two versions, or `None` when the specs are missing (skipped).
fn pair(from: &str, to: &str) -> Option<ApiDiff> {
    apis()?;
    Some(diff::diff(api(from), api(to)))
}

fn added_types(d: &ApiDiff) -> BTreeSet<&str> {
    d.types.added.iter().map(|t| t.name.as_str()).collect()
}

#[test]
fn snapshots_are_fresh() {
    let Some(apis) = apis() else { return };
    assert_eq!(
        apis.first().map(|a| a.version),
        Some(diff::OLDEST_VERSION),
        "diff::OLDEST_VERSION must be the first version of spec/versions.toml"
    );
    let dir = Path::new(diff::SNAPSHOT_DIR);
    let mut problems = Vec::new();
    let mut expected_files = BTreeSet::new();
    for w in apis.windows(2) {
        let (old, new) = (&w[0], &w[1]);
        assert_eq!(
            diff::previous_version(new.version),
            Some(old.version),
            "versions are consecutive"
        );
        let name = diff::snapshot_file_name(old.version, new.version);
        let report = diff::to_markdown(&diff::diff(old, new));
        if let Err(e) = check_snapshot(&dir.join(&name), &report) {
            problems.push(e);
        }
        expected_files.insert(name);
    }
    // No report for a pair that is not in the manifest any more.
    let full = workspace_root().join(dir);
    let present: BTreeSet<String> = std::fs::read_dir(&full)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for extra in present.difference(&expected_files) {
        if std::env::var_os(UPDATE_SNAPSHOTS).is_some() {
            std::fs::remove_file(full.join(extra)).expect("remove a stale report");
        } else {
            problems.push(format!(
                "{}/{extra} matches no pair of spec/versions.toml",
                dir.display()
            ));
        }
    }
    assert_eq!(expected_files.len(), 30, "v1.25..v1.26 … v1.54..v1.55");
    assert!(
        problems.is_empty(),
        "API diff snapshots are not up to date:\n  {}\nupdate them with `{UPDATE}` and review the changes",
        problems.join("\n  ")
    );
}

#[test]
fn reports_are_deterministic_and_json_matches() {
    let Some(d) = pair("1.41", "1.42") else {
        return;
    };
    let again = pair("1.41", "1.42").unwrap();
    assert_eq!(diff::to_markdown(&d), diff::to_markdown(&again));
    assert_eq!(diff::to_json(&d), diff::to_json(&again));
    let json: serde_json::Value = serde_json::from_str(&diff::to_json(&d)).unwrap();
    assert_eq!(json["from"]["crate_name"], "dockwright_v1_41");
    assert_eq!(json["to"]["crate_name"], "dockwright_v1_42");
    assert_eq!(
        json["operations"]["changed"].as_array().unwrap().len(),
        d.operations.changed.len()
    );
    assert_eq!(
        json["types"]["added"].as_array().unwrap().len(),
        d.types.added.len()
    );
}

/// 1.32→1.33 and 1.50→1.51 change nothing in the schemas (1.50→1.51 only adds an
/// `x-omitempty` to Plugin.Config.DockerVersion). 1.33's SystemEvents description does
/// document four more filter keys, which are new methods of `SystemEventsFilters`.
#[test]
fn no_schema_change_in_1_33_and_1_51() {
    let Some(d) = pair("1.32", "1.33") else {
        return;
    };
    assert!(d.schema_unchanged(), "{d:#?}");
    assert!(d.types.added.is_empty() && d.types.removed.is_empty() && d.types.changed.is_empty());
    assert_eq!(d.operations.changed.len(), 1, "{d:#?}");
    let events = d
        .operation("GET", "/events")
        .expect("SystemEvents filter keys");
    assert_eq!(
        events.filter_keys(true),
        ["config", "node", "secret", "service"]
    );
    assert!(events.filter_keys(false).is_empty());

    let d = pair("1.50", "1.51").unwrap();
    assert!(d.is_empty(), "{d:#?}");
    assert!(diff::to_markdown(&d).contains("Summary: no changes"));
}

/// 1.48 documents the stats types (`ContainerStats` answered a free-form object before);
/// the fix-up `container_stats_are_typed` gives 1.25-1.47 that very shape, so nothing about
/// stats changes between 1.47 and 1.48 (a difference here would be the fix-up drifting).
#[test]
fn stats_types_match_1_48() {
    let Some(d) = pair("1.47", "1.48") else {
        return;
    };
    let added = added_types(&d);
    for t in [
        "ContainerBlkioStatEntry",
        "ContainerBlkioStats",
        "ContainerCPUStats",
        "ContainerCPUUsage",
        "ContainerMemoryStats",
        "ContainerNetworkStats",
        "ContainerPidsStats",
        "ContainerStatsResponse",
        "ContainerStorageStats",
        "ContainerThrottlingData",
    ] {
        assert!(
            !added.contains(t),
            "{t} added in 1.48: the 1.47 fix-up lacks it"
        );
        assert!(
            d.changed_type(t).is_none(),
            "{t} changed: {:?}",
            d.changed_type(t)
        );
    }
    assert!(
        d.operation("GET", "/containers/{id}/stats").is_none(),
        "ContainerStats changed"
    );
    // IdResponse became IDResponse: a rename, not a removal and an addition.
    let id = d.changed_type("IDResponse").expect("IDResponse");
    assert_eq!(id.renamed_from.as_deref(), Some("IdResponse"));
    assert!(d.types.removed.is_empty(), "{:?}", d.types.removed);
}

/// `Config` is the container config up to 1.29 and a swarm config from 1.30.
#[test]
fn config_changes_meaning_in_1_30() {
    let Some(d) = pair("1.29", "1.30") else {
        return;
    };
    let config = d.changed_type("Config").expect("Config changed");
    assert!(config.changed_meaning);
    assert_eq!(config.item, "dockwright_v1_30::models::Config");
    assert_eq!(
        config.added_fields(),
        ["CreatedAt", "ID", "Spec", "UpdatedAt", "Version"]
    );
    let removed = config.removed_fields();
    assert_eq!(removed.len(), 25, "{removed:?}");
    for f in [
        "Hostname",
        "Image",
        "Cmd",
        "Env",
        "Entrypoint",
        "WorkingDir",
    ] {
        assert!(removed.contains(&f), "{f}");
    }
    // The container config moved to `ContainerConfig`.
    assert!(added_types(&d).contains("ContainerConfig"));
    let md = diff::to_markdown(&d);
    assert!(
        md.contains("### `dockwright_v1_30::models::Config` (changed meaning)"),
        "{md}"
    );
    assert!(
        md.contains("field removed: `dockwright_v1_29::models::Config::hostname`"),
        "{md}"
    );
    assert!(
        md.contains("field added: `dockwright_v1_30::models::Config::spec`"),
        "{md}"
    );
    // Types whose fields only grew or shrank keep their meaning.
    assert!(!d.changed_type("Volume").is_some_and(|t| t.changed_meaning));
}

/// The v1.27 file lacks the `filters` parameter of ContainerPrune, NetworkPrune and
/// VolumePrune (ImagePrune keeps it); v1.28 has them again.
#[test]
fn prune_filters_missing_in_1_27_and_back_in_1_28() {
    let Some(d27) = pair("1.26", "1.27") else {
        return;
    };
    let d28 = pair("1.27", "1.28").unwrap();
    for (path, filters) in [
        ("/containers/prune", "ContainerPruneFilters"),
        ("/networks/prune", "NetworkPruneFilters"),
        ("/volumes/prune", "VolumePruneFilters"),
    ] {
        let gone = d27
            .operation("POST", path)
            .and_then(|o| o.removed_parameter("filters"))
            .unwrap_or_else(|| panic!("{path}: filters not removed in 1.27"));
        assert_eq!(gone.rust_type, format!("filters::{filters}"));
        assert!(
            gone.item.starts_with("dockwright_v1_26::client::"),
            "{}",
            gone.item
        );
        let back = d28
            .operation("POST", path)
            .and_then(|o| o.added_parameter("filters"))
            .unwrap_or_else(|| panic!("{path}: filters not restored in 1.28"));
        assert_eq!(back.rust_type, format!("filters::{filters}"));
        assert!(!back.required);
    }
    assert!(
        d27.operation("POST", "/images/prune").is_none(),
        "ImagePrune kept its filters"
    );
    // 1.28 documents `until` for the container and network prunes.
    for path in ["/containers/prune", "/networks/prune", "/images/prune"] {
        assert_eq!(
            d28.operation("POST", path).unwrap().filter_keys(true),
            ["until"],
            "{path}"
        );
    }
}

/// The archive operations were renamed in 1.28; keyed by method and path they are renames.
#[test]
fn archive_operations_renamed_in_1_28() {
    let Some(d) = pair("1.27", "1.28") else {
        return;
    };
    assert!(d.operations.added.is_empty() && d.operations.removed.is_empty());
    let renames: BTreeMap<&str, &str> = d
        .operations
        .changed
        .iter()
        .flat_map(|o| o.changes.iter())
        .filter_map(|c| match c {
            OperationChange::Renamed {
                from_operation_id,
                to_operation_id,
                ..
            } => Some((from_operation_id.as_str(), to_operation_id.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        renames,
        BTreeMap::from([
            ("ContainerArchiveHead", "ContainerArchiveInfo"),
            ("ContainerGetArchive", "ContainerArchive"),
            ("ContainerPutArchive", "PutContainerArchive"),
        ])
    );
    let md = diff::to_markdown(&d);
    assert!(md.contains(
        "renamed from ContainerGetArchive: `dockwright_v1_27::client::Client::container_get_archive` → `dockwright_v1_28::client::Client::container_archive`"
    ));
}

/// 1.42 adds VolumeUpdate and names the multiplexed stream media type on the attach, exec
/// and log operations.
#[test]
fn volume_update_and_multiplexed_stream_in_1_42() {
    let Some(d) = pair("1.41", "1.42") else {
        return;
    };
    assert_eq!(
        d.operations.added,
        [OperationSummary {
            method: "PUT".into(),
            path: "/volumes/{name}".into(),
            operation_id: "VolumeUpdate".into(),
            item: "dockwright_v1_42::client::Client::volume_update".into(),
        }]
    );
    const MUX: &str = "application/vnd.docker.multiplexed-stream";
    let with_mux: BTreeSet<&str> = d
        .operations
        .changed
        .iter()
        .filter(|o| o.media_types(true).contains(&MUX))
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(
        with_mux,
        BTreeSet::from([
            "ContainerAttach",
            "ContainerLogs",
            "ExecStart",
            "ServiceLogs",
            "TaskLogs"
        ])
    );
    let md = diff::to_markdown(&d);
    assert!(md.contains(&format!("media type added to `produces`: `{MUX}`")));
    assert!(md.contains(
        "`dockwright_v1_42::client::Client::volume_update`: `PUT /volumes/{name}` (VolumeUpdate)"
    ));
}

/// Filter keys per endpoint: ImageList gains `until` in 1.44, ImageSearch loses
/// `is-automated` in 1.45.
#[test]
fn filter_keys_follow_the_descriptions() {
    let Some(d) = pair("1.43", "1.44") else {
        return;
    };
    let list = d
        .operation("GET", "/images/json")
        .expect("ImageList changed");
    assert!(list.changes.contains(&OperationChange::FilterKeyAdded {
        key: "until".into(),
        item: "dockwright_v1_44::filters::ImageListFilters::until".into(),
    }));
    let d = pair("1.44", "1.45").unwrap();
    let search = d
        .operation("GET", "/images/search")
        .expect("ImageSearch changed");
    assert!(search.changes.contains(&OperationChange::FilterKeyRemoved {
        key: "is-automated".into(),
        item: "dockwright_v1_44::filters::ImageSearchFilters::is_automated".into(),
    }));
}

/// 1.55 adds ImageAttestations and its AttestationStatement, and nothing else.
#[test]
fn image_attestations_in_1_55() {
    let Some(d) = pair("1.54", "1.55") else {
        return;
    };
    let ops: Vec<_> = d
        .operations
        .added
        .iter()
        .map(|o| (o.method.as_str(), o.path.as_str(), o.operation_id.as_str()))
        .collect();
    assert_eq!(
        ops,
        [("GET", "/images/{name}/attestations", "ImageAttestations")]
    );
    assert_eq!(
        d.operations.added[0].item,
        "dockwright_v1_55::client::Client::image_attestations"
    );
    assert_eq!(added_types(&d), BTreeSet::from(["AttestationStatement"]));
    assert!(d.operations.removed.is_empty() && d.operations.changed.is_empty());
    assert!(d.types.removed.is_empty() && d.types.changed.is_empty());
}

/// Any two versions, not only neighbours: 1.41 → 1.47 sees what the steps between saw.
#[test]
fn distant_versions() {
    let Some(d) = pair("1.41", "1.47") else {
        return;
    };
    assert!(d
        .operations
        .added
        .iter()
        .any(|o| o.operation_id == "VolumeUpdate"));
    let list = d
        .operation("GET", "/images/json")
        .expect("ImageList changed");
    assert!(list.filter_keys(true).contains(&"until"));
    assert!(list.added_parameter("shared-size").is_some());
    assert!(list.added_parameter("manifests").is_some());
}
