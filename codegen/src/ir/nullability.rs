//! Go's nil-as-null, as one generator rule.
//!
//! The daemon is written in Go, where a nil slice or a nil map marshals as `null`, not as
//! `[]` or `{}`. The specs mark such values `required` (they are always *present*), and
//! not `x-nullable`, yet real daemons send `null` for them all the time: an image without
//! tags (`"RepoTags": null`), a volume without labels or options (`"Labels": null`), a
//! vfs container's `"GraphDriver": {"Data": null}`, a layer of a history without tags, a
//! container create answer of a daemon up to 18.09 (`"Warnings": null`, moby/moby#38222).
//!
//! **The rule**: every array and every map in a *required* position, i.e. a required,
//! non-nullable property, or the whole JSON answer of an operation, also decodes `null`,
//! **as the empty collection**. The Rust type stays `Vec<_>` / `HashMap<_, _>` (no
//! `Option` to unwrap where Go itself makes no difference between nil and empty), and the
//! value is written back as `[]` / `{}`, which the daemon reads as the same nil.
//! A required key that is *missing* is still an error: only `null` is forgiven.
//!
//! What the rule does not cover is a named fix-up (codegen/src/fixups/): a required
//! property whose Go type is a pointer (`*string`, `*Struct`), where `null` means
//! something other than an empty value and must stay visible as `None`.
//!
//! **Audit against the daemon's Go types** (moby/moby `api/types/…` at v20.10.24, v26.1.5
//! and v28.5.2, every required, non-nullable property of the specs 1.25–1.55):
//! - arrays and maps: all covered by this rule (it replaced the fix-ups
//!   `image_summary_null_lists`, `graph_driver_data_may_be_null`,
//!   `volume_options_may_be_null`, `image_history_tags_may_be_null` and
//!   `volume_list_may_be_null`; it also covers `Volume.Labels`, the create answers'
//!   `Warnings`, `ContainerChanges` answering `null`, and every list answer);
//! - pointers without `omitempty`: `PluginDevice.Path`, `PluginEnv.Value` and
//!   `PluginMount.Source` (`*string` at all three tags, required since 1.25): fix-up
//!   `plugin_pointer_strings_may_be_null`;
//! - required structs (`Image.GraphDriver`, `Image.RootFS`, `Plugin.Config`,
//!   `Plugin.Settings`, `DistributionInspect.Descriptor`, the `ImageManifestSummary`
//!   descriptors): values, not pointers, in Go: never `null`;
//! - `omitempty` on a required scalar makes it *absent* when zero, not null:
//!   `ImageSummary.VirtualSize` (up to 1.42), fix-up
//!   `image_summary_virtual_size_may_be_absent`, found by the corpus (tests/fixtures/corpus/).

use super::{Api, Field, TypeKind, TypeRef};

/// Whether `null` decodes as the empty value of `ty` because `ty` is a collection in a
/// required position: true for arrays and maps, also behind a named alias (`PortMap`).
pub fn is_collection(api: &Api, ty: &TypeRef) -> bool {
    let mut ty = ty;
    // Aliases of aliases are rare; the bound only guards against a cycle.
    for _ in 0..16 {
        match ty {
            TypeRef::Array(_) | TypeRef::Map(_) => return true,
            TypeRef::Named(id) => match &api.ty(*id).kind {
                TypeKind::Alias(target) => ty = target,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Whether a struct field decodes `null` as its empty value: a required, non-`Option`
/// field holding an array or a map.
pub fn field_null_is_empty(api: &Api, field: &Field) -> bool {
    field.required && !field.optional && is_collection(api, &field.ty)
}

/// Whether a field can hold a JSON `null` at all: as `None`, or as the empty collection.
pub fn field_accepts_null(api: &Api, field: &Field) -> bool {
    field.optional || field_null_is_empty(api, field)
}

/// Whether an operation's whole JSON answer decodes `null` as its empty value (a list
/// endpoint of a daemon that had nothing to list, answering Go's nil slice).
pub fn response_null_is_empty(api: &Api, ty: &TypeRef) -> bool {
    is_collection(api, ty)
}

/// The paragraph each crate's front page carries about the rule (one doc line per line).
pub const FRONT_PAGE_DOC: &str = "\
**`null` collections.** The daemon is written in Go, where an empty list or map is often
sent as `null`. Every array and map the spec requires (a required field, or a whole answer
that is a list or a map) therefore also decodes `null`, as the empty `Vec` / `HashMap`;
it is written back as `[]` / `{}`. A required key that is missing is still an error.
Fields the daemon may send as `null` with another meaning (Go pointers) are `Option`s.";
