//! Repairs where the spec's shape is right but the daemon behaves otherwise: a `null`
//! from a Go pointer, a body it insists on, a key it sends, a default it applies.

use super::support::*;
use super::Stale;
use crate::error::Result;
use crate::swagger::{Schema, Spec};

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
