//! Repairs where the spec's shape is right but the daemon behaves otherwise: a `null`
//! from a Go pointer, a body it insists on, a key it sends, a default it applies.

use super::support::*;
use super::Stale;
use crate::error::Result;
use crate::swagger::{Parameter, Schema, Spec};

/// Required plugin properties that the daemon's Go types hold in pointers, so `null` when
/// unset: `PluginDevice.Path`, `PluginEnv.Value`, `PluginMount.Source` are `*string` in
/// moby's api/types (plugin_device.go, plugin_env.go, plugin_mount.go at v20.10.24,
/// v26.1.5 and v28.5.2), without `omitempty`. An array or map would be the nil rule's
/// (crate::ir::nullability); a pointer to a string is not a collection, so it is `None`.
pub(super) fn plugin_pointer_strings_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    for (definition, property) in [
        ("PluginDevice", "Path"),
        ("PluginEnv", "Value"),
        ("PluginMount", "Source"),
    ] {
        make_nullable(spec, definition, property, stale)?;
    }
    Ok(())
}

/// A plugin's `Config.Interface.Types` items are strings on the wire,
/// `"docker.volumedriver/1.0"`, where the spec (to 1.51) has `PluginInterfaceType`
/// objects `{Prefix, Capability, Version}`: moby's api/types/plugin_responses.go gives
/// that Go type a `MarshalJSON` writing `prefix.capability/version` as one string (and an
/// `UnmarshalJSON` reading only that), at v20.10.24, v26.1.5 and v28.5.2. Seen on 20.10,
/// 26.1 and 28.5: the typed `plugin_list`/`plugin_inspect` could not decode any plugin
/// (tests/tests/engine_filters.rs). The 1.52 spec corrects it (items `type: string`). The
/// items become strings, as the daemon writes and reads them, and the definition, which
/// describes nothing the daemon sends, goes.
pub(super) fn plugin_interface_types_are_strings(spec: &mut Spec, stale: &Stale) -> Result<()> {
    const REF: &str = "#/definitions/PluginInterfaceType";
    let mut pointer = "/definitions/Plugin".to_owned();
    let mut schema = definition(spec, "Plugin", stale)?;
    for name in ["Config", "Interface", "Types"] {
        schema = property(schema, name, &pointer, stale)?;
        pointer = format!("{pointer}/properties/{name}");
    }
    let items = schema
        .items
        .as_deref_mut()
        .filter(|items| items.reference.as_deref() == Some(REF))
        .ok_or_else(|| stale.at(&format!("{pointer}/items"), &format!("`$ref: {REF}`")))?;
    *items = string_schema();
    let text = schema.description.take().unwrap_or_default();
    schema.description = Some(
        format!(
            "{}\n\nEach as the daemon writes it, `prefix.capability/version` \
             (`docker.volumedriver/1.0`).",
            text.trim_end()
        )
        .trim_start()
        .to_owned(),
    );
    spec.definitions
        .shift_remove("PluginInterfaceType")
        .ok_or_else(|| stale.at("/definitions/PluginInterfaceType", "the definition"))?;
    Ok(())
}

/// `PluginDelete` (DELETE /plugins/{name}) answers 200 with no body at all, where the spec
/// promises the removed `Plugin`: moby's removePlugin (api/server/router/plugin/
/// plugin_routes.go at v20.10.24, v26.1.5 and v28.5.2, and on master) returns only
/// `pr.backend.Remove(name, config)`'s error and writes nothing. Seen on 20.10
/// (tests/tests/engine_filters.rs): the typed call failed decoding an empty body after the
/// plugin was gone. The answer's schema goes, so the call returns `()` (and reads and
/// drops any body a daemon might send).
pub(super) fn plugin_delete_answers_no_body(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "PluginDelete", stale)?;
    let pointer = format!("{pointer}/responses/200");
    let ok = op
        .responses
        .get_mut("200")
        .ok_or_else(|| stale.at(&pointer, "a 200 answer"))?;
    if ok.schema.as_ref().and_then(|s| s.reference.as_deref()) != Some("#/definitions/Plugin") {
        return Err(stale.at(&format!("{pointer}/schema"), "`$ref: #/definitions/Plugin`"));
    }
    ok.schema = None;
    ok.description = Some("no error (the daemon sends no body)".into());
    Ok(())
}

/// `ExecStart`'s body is optional in the spec, but a 20.10 daemon answers a start without
/// one with 400 "got EOF while reading request body" (moby's postContainerExecStart at
/// v20.10.24 reads it with json.Decoder and rejects io.EOF; v26.1's httputils.ReadJSON
/// accepts an empty body). A default of `{}` (what an absent body means to later daemons)
/// makes the generated client send it when the caller gives none.
pub(super) fn exec_start_sends_an_empty_body(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "ExecStart", stale)?;
    let (i, body) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.location == "body")
        .ok_or_else(|| stale.at(&format!("{pointer}/parameters"), "a body parameter"))?;
    let pointer = format!("{pointer}/parameters/{i}");
    if body.required {
        return Err(stale.at(&format!("{pointer}/required"), "an optional body"));
    }
    let schema = body
        .schema
        .as_mut()
        .ok_or_else(|| stale.at(&format!("{pointer}/schema"), "a body schema"))?;
    if schema.default.is_some() {
        return Err(stale.at(&format!("{pointer}/schema/default"), "no default yet"));
    }
    schema.default = Some(serde_json::json!({}));
    let text = body.description.take().unwrap_or_default();
    body.description = Some(
        format!("{text}\n\nWhen not given, `{{}}` is sent: a 20.10 daemon refuses a start without a body.")
            .trim_start()
            .to_owned(),
    );
    Ok(())
}

/// Push progress lines carry the layer's `id` (`{"status":"Pushed","id":"a1b2c3…"}`; moby's
/// jsonmessage.JSONMessage has `ID string json:"id,omitempty"`), which `PushImageInfo`
/// lacks, so a push display could not tell its layers apart. `CreateImageInfo` (pull)
/// has it.
pub(super) fn push_progress_has_a_layer_id(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let info = definition(spec, "PushImageInfo", stale)?;
    if info.properties.contains_key("id") {
        return Err(stale.at(
            "/definitions/PushImageInfo/properties/id",
            "no `id` property yet",
        ));
    }
    let id = Schema {
        description: Some("The layer (or other item) this line reports on.".into()),
        ..string_schema()
    };
    info.properties.shift_insert(0, "id".into(), id);
    Ok(())
}

/// `ImageLoad`'s `quiet` is documented as `default: false`, but the daemon reads an absent
/// `quiet` as true (`httputils.BoolValueOrDefault(r, "quiet", true)` in moby's
/// postImagesLoad, v20.10.24 to v28.5.2): without `.quiet(false)` there is no progress.
pub(super) fn image_load_quiet_defaults_to_true(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "ImageLoad", stale)?;
    let (i, quiet) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.name == "quiet" && p.location == "query")
        .ok_or_else(|| {
            stale.at(
                &format!("{pointer}/parameters"),
                "a `quiet` query parameter",
            )
        })?;
    if quiet.default != Some(serde_json::Value::Bool(false)) {
        return Err(stale.at(&format!("{pointer}/parameters/{i}/default"), "`false`"));
    }
    quiet.default = Some(serde_json::Value::Bool(true));
    let text = quiet.description.take().unwrap_or_default();
    quiet.description = Some(format!(
        "{}\n\nThe daemon treats an absent `quiet` as `true`: set it to `false` to receive \
         progress.",
        text.trim_end()
    ));
    Ok(())
}

/// `DistributionInspect` (GET /distribution/{name}/json) declares no `X-Registry-Auth`, but
/// the daemon reads one to reach a registry that wants credentials
/// (`registry.DecodeAuthConfig(r.Header.Get(registry.AuthHeader))` in moby's
/// api/server/router/distribution/distribution_routes.go, v20.10.24 to v28.5.2): without
/// it the typed call cannot inspect an image in an authenticated registry (the loopback
/// registry of tests/tests/engine_registry.rs answers "unauthorized"). Declared like
/// `ImageCreate`'s optional header, so the client takes a typed `AuthConfig`.
pub(super) fn distribution_inspect_reads_registry_auth(
    spec: &mut Spec,
    stale: &Stale,
) -> Result<()> {
    let (pointer, op) = operation(spec, "DistributionInspect", stale)?;
    if op
        .parameters
        .iter()
        .any(|p| p.location == "header" && p.name.eq_ignore_ascii_case("X-Registry-Auth"))
    {
        return Err(stale.at(
            &format!("{pointer}/parameters"),
            "no `X-Registry-Auth` header parameter yet",
        ));
    }
    let header: Parameter = serde_yaml::from_str(
        r#"
name: X-Registry-Auth
in: header
type: string
required: false
description: |
  A base64url-encoded auth configuration, for a registry that wants credentials.

  Refer to the [authentication section](#section/Authentication) for details.
"#,
    )
    .expect("valid embedded parameter");
    op.parameters.push(header);
    Ok(())
}

/// A `ServiceUpdate` whose `version` is not the service's current one is refused by
/// swarmkit with `ErrSequenceConflict` ("update out of sequence", moby's vendored
/// swarmkit manager/state/store/memory.go at v20.10.24 and v28.5.2), which reaches the
/// client as 500 "rpc error: code = Unknown desc = update out of sequence", not as 409:
/// seen on a 28.5 swarm (tests/tests/swarm_multinode.rs). The spec lists no such answer;
/// the method's documentation says it, so a caller retrying on a stale index knows what
/// to match (the error's status stays 500, so `is_conflict()` does not).
pub(super) fn service_update_out_of_sequence_is_500(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "ServiceUpdate", stale)?;
    let text = op.description.take().unwrap_or_default();
    if text.contains("out of sequence") {
        return Err(stale.at(
            &format!("{pointer}/description"),
            "no word yet on a stale `version`",
        ));
    }
    op.description = Some(
        format!(
            "{}\n\nA `version` that is not the service's current one (another update came \
             first) is refused with **500** \"rpc error: code = Unknown desc = update out \
             of sequence\", not 409: read the service again and retry with its new \
             `Version.Index`.",
            text.trim_end()
        )
        .trim_start()
        .to_owned(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const SPEC: &str = r#"
swagger: "2.0"
info: {title: t, version: "1.41"}
paths:
  /distribution/{name}/json:
    get:
      operationId: DistributionInspect
      parameters:
        - {name: name, in: path, required: true, type: string}
      responses:
        200: {description: ok}
  /plugins/{name}:
    delete:
      operationId: PluginDelete
      parameters:
        - {name: name, in: path, required: true, type: string}
      responses:
        200: {description: no error, schema: {$ref: '#/definitions/Plugin'}}
  /services/{id}/update:
    post:
      operationId: ServiceUpdate
      description: Update a service.
      parameters:
        - {name: id, in: path, required: true, type: string}
      responses:
        200: {description: ok}
definitions:
  Plugin:
    properties:
      Config:
        properties:
          Interface:
            properties:
              Types:
                type: array
                items: {$ref: '#/definitions/PluginInterfaceType'}
  PluginInterfaceType:
    properties:
      Prefix: {type: string}
"#;

    fn spec() -> Spec {
        crate::swagger::parse(SPEC.as_bytes(), Path::new("v1.41.yaml"))
            .unwrap()
            .spec
    }

    fn stale(fixup: &'static str) -> Stale<'static> {
        Stale {
            file: Path::new("v1.41.yaml"),
            fixup,
        }
    }

    #[test]
    fn distribution_inspect_gets_an_optional_registry_auth_header_once() {
        let mut spec = spec();
        let stale = stale("distribution_inspect_reads_registry_auth");
        distribution_inspect_reads_registry_auth(&mut spec, &stale).unwrap();
        let (_, op) = operation(&mut spec, "DistributionInspect", &stale).unwrap();
        let header = op
            .parameters
            .iter()
            .find(|p| p.location == "header")
            .unwrap();
        assert_eq!(header.name, "X-Registry-Auth");
        assert_eq!(header.ty.as_deref(), Some("string"));
        assert!(!header.required);
        // Once upstream declares it, the fix-up is stale and says where.
        let err = distribution_inspect_reads_registry_auth(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("distribution_inspect_reads_registry_auth"),
            "{err}"
        );
        assert!(
            err.contains("~1distribution~1{name}~1json/get/parameters"),
            "{err}"
        );
    }

    #[test]
    fn service_update_documents_the_500_of_a_stale_version_once() {
        let mut spec = spec();
        let stale = stale("service_update_out_of_sequence_is_500");
        service_update_out_of_sequence_is_500(&mut spec, &stale).unwrap();
        let (_, op) = operation(&mut spec, "ServiceUpdate", &stale).unwrap();
        let text = op.description.clone().unwrap();
        assert!(text.starts_with("Update a service.\n\n"), "{text}");
        assert!(
            text.contains("**500**") && text.contains("update out of sequence"),
            "{text}"
        );
        let err = service_update_out_of_sequence_is_500(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/description"), "{err}");
    }

    #[test]
    fn plugin_interface_types_become_strings_once() {
        let mut spec = spec();
        let stale = stale("plugin_interface_types_are_strings");
        plugin_interface_types_are_strings(&mut spec, &stale).unwrap();
        assert!(!spec.definitions.contains_key("PluginInterfaceType"));
        let types = &spec.definitions["Plugin"].properties["Config"].properties["Interface"]
            .properties["Types"];
        let items = types.items.as_deref().unwrap();
        assert_eq!(items.reference, None);
        assert!(matches!(&items.ty, Some(crate::swagger::SchemaType::One(t)) if t == "string"));
        assert!(types
            .description
            .as_deref()
            .is_some_and(|d| d.contains("docker.volumedriver/1.0")));
        let err = plugin_interface_types_are_strings(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "/definitions/Plugin/properties/Config/properties/Interface/properties/Types/items"
            ),
            "{err}"
        );
    }

    #[test]
    fn plugin_delete_loses_its_answer_schema_once() {
        let mut spec = spec();
        let stale = stale("plugin_delete_answers_no_body");
        plugin_delete_answers_no_body(&mut spec, &stale).unwrap();
        let (_, op) = operation(&mut spec, "PluginDelete", &stale).unwrap();
        assert!(op.responses["200"].schema.is_none());
        let err = plugin_delete_answers_no_body(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("~1plugins~1{name}/delete/responses/200/schema"),
            "{err}"
        );
    }
}
