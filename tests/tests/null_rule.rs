//! Go's nil-as-null, one generator rule (codegen/src/ir/nullability.rs): a required array
//! or map (also behind an alias) decodes `null` as empty; everything else stays strict.
//! Checked on the edge-case crate (tests/specs/edge-cases.yaml, `NilCollections`) and on
//! the answers real daemons send for ordinary host states in every crate this package
//! builds (an unlabelled volume, an old daemon's container create, an untagged image),
//! and a fix-up a unit test can show (the push progress layer id).

use dockwright_v1_99::models::NilCollections;
use serde_json::json;

#[test]
fn required_collections_decode_null_as_empty() {
    let value: NilCollections = serde_json::from_value(json!({
        "List": null, "Map": null, "Aliased": null, "Name": "n", "Pointer": null, "Optional": null
    }))
    .unwrap();
    assert!(value.list.is_empty() && value.map.is_empty() && value.aliased.is_empty());
    assert_eq!(value.pointer, None);
    assert_eq!(value.optional, None);
    // Written back as the empty collection, which the daemon reads as the same nil.
    let back = serde_json::to_value(&value).unwrap();
    assert_eq!(back["List"], json!([]));
    assert_eq!(back["Map"], json!({}));
}

#[test]
fn the_rule_forgives_null_only() {
    // A missing required key is still an error, and so is a null string.
    let missing = serde_json::from_value::<NilCollections>(json!({
        "Map": {}, "Aliased": [], "Name": "n", "Pointer": null
    }));
    assert!(missing.unwrap_err().to_string().contains("List"));
    let null_name = serde_json::from_value::<NilCollections>(json!({
        "List": [], "Map": {}, "Aliased": [], "Name": null, "Pointer": null
    }));
    assert!(null_name.is_err());
    // Values still decode as before.
    let full: NilCollections = serde_json::from_value(json!({
        "List": ["a"], "Map": {"k": "v"}, "Aliased": [1], "Name": "n", "Pointer": "p"
    }))
    .unwrap();
    assert_eq!(full.list, ["a"]);
    assert_eq!(full.aliased, [1]);
    assert_eq!(full.pointer.as_deref(), Some("p"));
}

/// A volume created without labels or options, as 20.10, 26.1 and 28.5 answer it.
fn unlabelled_volume() -> serde_json::Value {
    json!({
        "CreatedAt": "2026-11-29T19:00:00Z", "Driver": "local", "Labels": null,
        "Mountpoint": "/var/lib/docker/volumes/x/_data", "Name": "x", "Options": null, "Scope": "local"
    })
}

macro_rules! ordinary_states_decode {
    ($($test:ident => $krate:ident),* $(,)?) => {$(
        #[test]
        fn $test() {
            use $krate::models::*;
            let volume: Volume = serde_json::from_value(unlabelled_volume()).unwrap();
            assert!(volume.labels.is_empty() && volume.options.is_empty());
            // Daemons up to 18.09 (API <= 1.39) answered a create with `"Warnings": null`
            // (moby/moby#38222).
            let created: ContainerCreateResponse =
                serde_json::from_value(json!({"Id": "abc", "Warnings": null})).unwrap();
            assert!(created.warnings.is_empty());
            // An image without tags or labels in the list.
            let image: ImageSummary = serde_json::from_value(json!({
                "Id": "sha256:x", "ParentId": "", "RepoTags": null, "RepoDigests": null,
                "Created": 1, "Size": 1, "SharedSize": -1, "VirtualSize": 1, "Labels": null,
                "Containers": -1
            }))
            .unwrap();
            assert!(image.repo_tags.is_empty() && image.labels.is_empty());
        }
    )*};
}

ordinary_states_decode! {
    v1_25_decodes_nil_collections => dockwright_v1_25,
    v1_41_decodes_nil_collections => dockwright_v1_41,
    v1_45_decodes_nil_collections => dockwright_v1_45,
    v1_51_decodes_nil_collections => dockwright_v1_51,
}

/// Fix-up `push_progress_has_a_layer_id`: a push progress line names its layer.
#[test]
fn push_progress_names_its_layer() {
    let line = json!({"status": "Pushed", "progressDetail": {}, "id": "a1b2c3d4e5f6"});
    let v41: dockwright_v1_41::models::PushImageInfo =
        serde_json::from_value(line.clone()).unwrap();
    assert_eq!(v41.id.as_deref(), Some("a1b2c3d4e5f6"));
    let v51: dockwright_v1_51::models::PushImageInfo = serde_json::from_value(line).unwrap();
    assert_eq!(v51.id.as_deref(), Some("a1b2c3d4e5f6"));
}
