//! What the generated edge-case models do with real JSON: unknown values survive, odd
//! names map to the right keys, nulls decode where the spec allows them.

use dockwright_v1_99::models::{ChangeType, Thing, ThingMode};

#[test]
fn unknown_enum_values_round_trip_unchanged() {
    let mode: ThingMode = serde_json::from_str(r#""brand-new""#).unwrap();
    assert_eq!(mode, ThingMode::Other("brand-new".into()));
    assert_eq!(serde_json::to_string(&mode).unwrap(), r#""brand-new""#);
    let empty: ThingMode = serde_json::from_str(r#""""#).unwrap();
    assert_eq!(empty, ThingMode::Empty);
    assert_eq!(serde_json::to_string(&ThingMode::V1).unwrap(), r#""1""#);
    assert_eq!(
        serde_json::from_str::<ThingMode>(r#""other""#).unwrap(),
        ThingMode::OtherValue
    );
    let change: ChangeType = serde_json::from_str("7").unwrap();
    assert_eq!(change, ChangeType::Other(7));
    assert_eq!(
        serde_json::from_str::<ChangeType>("1").unwrap(),
        ChangeType::Added
    );
    assert_eq!(serde_json::to_string(&ChangeType::Deleted).unwrap(), "2");
}

#[test]
fn keys_nulls_and_unknown_fields() {
    let json = r#"{
        "Kind": "k", "Type": "t", "For": "f", "os.version": "10.0", "DeviceIDs": ["a"],
        "IPv6Address": "::1", "NanoCPUs": 5000000000, "Small": 65535, "Mode": "on-failure",
        "Change": 0, "Parent": null, "Labels": {"a": "b"}, "Ports": {"80/tcp": null, "53/udp": [{"Kind": "x"}]},
        "Volumes": {"/data": {}}, "Free": {"any": [1, 2]}, "Nested": {"Deep": {"Value": 1.5}},
        "NotInTheSpec": true
    }"#;
    let thing: Thing = serde_json::from_str(json).unwrap();
    assert_eq!(thing.kind, "k");
    assert_eq!(thing.type_.as_deref(), Some("t"));
    assert_eq!(thing.os_version.as_deref(), Some("10.0"));
    assert_eq!(thing.nano_cpus, Some(5_000_000_000));
    assert_eq!(thing.small, Some(65535));
    assert_eq!(thing.mode, Some(ThingMode::OnFailure));
    assert_eq!(thing.change, Some(ChangeType::Modified));
    assert!(thing.parent.is_none());
    let ports = thing.ports.as_ref().unwrap();
    assert_eq!(ports["80/tcp"], None);
    assert_eq!(ports["53/udp"].as_ref().unwrap()[0].kind, "x");
    assert!(thing.volumes.as_ref().unwrap().contains_key("/data"));
    assert_eq!(
        thing.nested.as_ref().unwrap().deep.as_ref().unwrap().value,
        Some(1.5)
    );
    // Serializing writes the spec's spelling of every key, and leaves out what is unset.
    let back = serde_json::to_value(&thing).unwrap();
    assert_eq!(back["os.version"], "10.0");
    assert_eq!(back["NanoCPUs"], 5_000_000_000i64);
    assert_eq!(back["Volumes"]["/data"], serde_json::json!({}));
    assert!(back.get("Parent").is_none());
    assert!(back.get("NotInTheSpec").is_none());
}

#[test]
fn a_missing_required_field_is_an_error_naming_it() {
    let err = serde_json::from_str::<Thing>(r#"{"Type": "t"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Kind"), "{err}");
}

#[test]
fn typed_filters_encode_the_daemon_format() {
    use dockwright_v1_99::filters::ThingListFilters;
    let f = ThingListFilters::new()
        .label("app=web")
        .is_task("true")
        .node_label("zone")
        .custom("x", "1");
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"is-task":["true"],"label":["app=web"],"node.label":["zone"],"x":["1"]}"#
    );
}

#[test]
fn keys_decode_whether_borrowed_escaped_or_streamed() {
    // An escaped key cannot be borrowed from the input; a reader cannot lend at all.
    let escaped: Thing =
        serde_json::from_str(r#"{"K\u0069nd": "k", "os\u002eversion": "1"}"#).unwrap();
    assert_eq!(escaped.kind, "k");
    assert_eq!(escaped.os_version.as_deref(), Some("1"));
    let streamed: Thing = serde_json::from_reader(&br#"{"Kind": "r", "Small": 7}"#[..]).unwrap();
    assert_eq!((streamed.kind.as_str(), streamed.small), ("r", Some(7)));
    let null_required = serde_json::from_str::<Thing>(r#"{"Kind": null}"#)
        .unwrap_err()
        .to_string();
    assert!(
        null_required.contains("invalid type: null"),
        "{null_required}"
    );
    let not_an_object = serde_json::from_str::<Thing>("[1]")
        .unwrap_err()
        .to_string();
    assert!(
        not_an_object.contains("an object `Thing`"),
        "{not_an_object}"
    );
}
