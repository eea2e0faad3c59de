//! Named repairs of known upstream spec bugs, each applied to the versions that have it.
//!
//! Every fix-up cites its evidence (an upstream issue, a real daemon's answer in
//! tests/fixtures/, the daemon's Go source) and fails loudly (`Error::FixupStale`) when the
//! pattern it repairs is not there any more: a repair nobody needs should be noticed, not
//! silently carried forward.
//!
//! **Ranges are open at the top** (`last: None`) until a published spec is seen to fix
//! the bug: the stale check is what closes a range, so a spec newer than the manifest
//! (`cargo xtask codegen --spec FILE`) gets every repair still needed. For such a spec
//! ([`Mode::Foreign`]), a fix-up whose pattern is absent is reported as "not needed for
//! FILE" instead of failing: nobody has reviewed that spec yet. For the manifest's specs
//! ([`Mode::Manifest`]) it is an error, to be answered by closing the range.
//!
//! **Rule or fix-up?** A *generator rule* (e.g. [`crate::ir::nullability`]: Go's nil slice
//! or map arrives as `null`) is a fact about how the daemon encodes *every* value of a
//! kind, true for all versions and all definitions, including ones not written yet; it
//! lives in the generator and needs no list of places. A *fix-up* repairs one place where
//! the spec says something the daemon does not do (a wrong type, a misspelt key, a
//! required field Go holds in a pointer and sends as `null`, a body the daemon insists
//! on): it names the place, its versions and its evidence, and goes stale when upstream
//! corrects it. When a bug is an instance of a rule, extend the rule; never add a fix-up
//! per field for it.

mod daemon;
mod shapes;
mod stats;
mod support;
mod swarm;

use std::path::Path;

use crate::error::{Error, Result};
use crate::swagger::Spec;
use crate::version::ApiVersion;

type FixupFn = fn(&mut Spec, &Stale) -> Result<()>;

/// One fix-up and the versions (inclusive) it applies to.
pub struct Fixup {
    pub name: &'static str,
    pub first: (u16, u16),
    /// The last version with the bug; `None` while no published spec has fixed it.
    pub last: Option<(u16, u16)>,
    pub apply: FixupFn,
}

impl Fixup {
    /// Whether the fix-up covers `version`.
    pub fn covers(&self, version: ApiVersion) -> bool {
        let v = (version.major, version.minor);
        v >= self.first && self.last.is_none_or(|last| v <= last)
    }
}

const fn fixup(
    name: &'static str,
    first: (u16, u16),
    last: Option<(u16, u16)>,
    apply: FixupFn,
) -> Fixup {
    Fixup {
        name,
        first,
        last,
        apply,
    }
}

/// The table. Order matters only where two fix-ups touch the same schema (none do).
pub const FIXUPS: &[Fixup] = &[
    fixup(
        "exec_ids_is_an_array",
        (1, 25),
        Some((1, 37)),
        shapes::exec_ids_is_an_array,
    ),
    fixup(
        "ipam_options_is_a_map",
        (1, 25),
        Some((1, 38)),
        shapes::ipam_options_is_a_map,
    ),
    fixup(
        "restart_policy_accepts_no",
        (1, 25),
        Some((1, 39)),
        shapes::restart_policy_accepts_no,
    ),
    fixup(
        "cmd_multi_type_is_an_array",
        (1, 25),
        Some((1, 34)),
        shapes::cmd_multi_type_is_an_array,
    ),
    fixup(
        "volumes_misplaced_additional_properties",
        (1, 25),
        Some((1, 36)),
        shapes::volumes_misplaced_additional_properties,
    ),
    fixup(
        "swarm_healthcheck_spelling",
        (1, 27),
        None,
        shapes::swarm_healthcheck_spelling,
    ),
    fixup(
        "build_args_is_a_json_string",
        (1, 25),
        Some((1, 36)),
        shapes::build_args_is_a_json_string,
    ),
    fixup(
        "network_connect_consumes_json",
        (1, 25),
        Some((1, 34)),
        shapes::network_connect_consumes_json,
    ),
    fixup(
        "container_summary_is_one_container",
        (1, 25),
        Some((1, 39)),
        shapes::container_summary_is_one_container,
    ),
    fixup(
        "network_config_is_network_settings",
        (1, 25),
        Some((1, 31)),
        shapes::network_config_is_network_settings,
    ),
    fixup(
        "port_map_values_may_be_null",
        (1, 32),
        Some((1, 38)),
        shapes::port_map_values_may_be_null,
    ),
    fixup(
        "network_prune_deletes_networks",
        (1, 25),
        Some((1, 25)),
        shapes::network_prune_deletes_networks,
    ),
    fixup(
        "secret_create_body_is_required",
        (1, 25),
        None,
        shapes::secret_create_body_is_required,
    ),
    fixup(
        "config_create_body_is_required",
        (1, 30),
        None,
        shapes::config_create_body_is_required,
    ),
    fixup(
        "swarm_create_answers_upper_case_id",
        (1, 36),
        None,
        shapes::swarm_create_answers_upper_case_id,
    ),
    fixup(
        "plugin_pointer_strings_may_be_null",
        (1, 25),
        None,
        daemon::plugin_pointer_strings_may_be_null,
    ),
    fixup(
        "plugin_interface_types_are_strings",
        (1, 25),
        Some((1, 51)),
        daemon::plugin_interface_types_are_strings,
    ),
    fixup(
        "plugin_delete_answers_no_body",
        (1, 25),
        None,
        daemon::plugin_delete_answers_no_body,
    ),
    fixup(
        "exec_start_sends_an_empty_body",
        (1, 25),
        None,
        daemon::exec_start_sends_an_empty_body,
    ),
    fixup(
        "push_progress_has_a_layer_id",
        (1, 25),
        None,
        daemon::push_progress_has_a_layer_id,
    ),
    fixup(
        "image_load_quiet_defaults_to_true",
        (1, 25),
        None,
        daemon::image_load_quiet_defaults_to_true,
    ),
    fixup(
        "resources_nano_cpus_spelling",
        (1, 27),
        Some((1, 27)),
        shapes::resources_nano_cpus_spelling,
    ),
    fixup(
        "image_summary_virtual_size_may_be_absent",
        (1, 25),
        Some((1, 42)),
        shapes::image_summary_virtual_size_may_be_absent,
    ),
    fixup(
        "container_stats_are_typed",
        (1, 25),
        Some((1, 47)),
        stats::container_stats_are_typed,
    ),
    fixup(
        "distribution_inspect_reads_registry_auth",
        (1, 30),
        None,
        daemon::distribution_inspect_reads_registry_auth,
    ),
    fixup(
        "service_update_out_of_sequence_is_500",
        (1, 25),
        None,
        daemon::service_update_out_of_sequence_is_500,
    ),
    fixup(
        "network_attachment_is_a_swarm_network",
        (1, 25),
        None,
        swarm::network_attachment_is_a_swarm_network,
    ),
    fixup(
        "node_has_status",
        (1, 25),
        Some((1, 31)),
        swarm::node_has_status,
    ),
    fixup(
        "config_spec_data_is_a_string",
        (1, 30),
        Some((1, 30)),
        swarm::config_spec_data_is_a_string,
    ),
    fixup(
        "node_resources_nano_cpus_spelling",
        (1, 27),
        Some((1, 27)),
        swarm::node_resources_nano_cpus_spelling,
    ),
];

/// How a fix-up whose pattern is absent is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A spec of the manifest: an absent pattern is an error (close the fix-up's range).
    Manifest,
    /// Any other spec (`--spec FILE`, a diff side given as a path): an absent pattern is
    /// reported as not needed, and the spec is left as it was for that fix-up.
    Foreign,
}

/// What the fix-ups did to one spec.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Names of the fix-ups applied, for provenance.
    pub applied: Vec<&'static str>,
    /// Foreign specs only: "fix-up `x` not needed for FILE (…)" for each pattern absent.
    pub not_needed: Vec<String>,
}

/// What a fix-up needs to report that its pattern is gone.
pub struct Stale<'a> {
    file: &'a Path,
    fixup: &'static str,
}

impl Stale<'_> {
    fn at(&self, pointer: &str, expected: &str) -> Error {
        Error::FixupStale {
            file: self.file.to_owned(),
            fixup: self.fixup,
            pointer: pointer.to_owned(),
            expected: expected.to_owned(),
        }
    }
}

/// Applies every fix-up that covers `version` to a manifest spec; returns their names.
#[cfg(test)]
pub fn apply(spec: &mut Spec, version: ApiVersion, file: &Path) -> Result<Vec<&'static str>> {
    apply_with(spec, version, file, Mode::Manifest).map(|r| r.applied)
}

/// Applies every fix-up that covers `version`, treating absent patterns as `mode` says.
pub fn apply_with(spec: &mut Spec, version: ApiVersion, file: &Path, mode: Mode) -> Result<Report> {
    let mut report = Report::default();
    for fixup in FIXUPS.iter().filter(|f| f.covers(version)) {
        let stale = Stale {
            file,
            fixup: fixup.name,
        };
        match mode {
            Mode::Manifest => (fixup.apply)(spec, &stale)?,
            Mode::Foreign => {
                // A fix-up may have changed part of the spec before finding the rest
                // absent: it applies whole or not at all.
                let mut copy = spec.clone();
                match (fixup.apply)(&mut copy, &stale) {
                    Ok(()) => *spec = copy,
                    Err(Error::FixupStale {
                        pointer, expected, ..
                    }) => {
                        report.not_needed.push(format!(
                            "fix-up `{}` not needed for {} (nothing to repair at {pointer}: {expected})",
                            fixup.name,
                            file.display()
                        ));
                        continue;
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        report.applied.push(fixup.name);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> Spec {
        crate::swagger::parse(yaml.as_bytes(), Path::new("v1.40.yaml"))
            .unwrap()
            .spec
    }

    const FIXED_ENUM: &str = r#"
swagger: "2.0"
info: {title: t, version: "1.40"}
definitions:
  RestartPolicy:
    properties:
      Name:
        type: string
        enum: ["", "no", "always"]
"#;

    #[test]
    fn a_fixup_whose_pattern_is_gone_fails_loudly() {
        let mut spec = spec(FIXED_ENUM);
        let stale = Stale {
            file: Path::new("v1.40.yaml"),
            fixup: "restart_policy_accepts_no",
        };
        let err = shapes::restart_policy_accepts_no(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(err.contains("v1.40.yaml"), "{err}");
        assert!(err.contains("restart_policy_accepts_no"), "{err}");
        assert!(
            err.contains("/definitions/RestartPolicy/properties/Name/enum"),
            "{err}"
        );
    }

    #[test]
    fn a_foreign_spec_reports_absent_patterns_instead_of_failing() {
        let version = ApiVersion::parse("1.99").unwrap();
        let file = Path::new("next.yaml");
        let mut strict = spec(FIXED_ENUM);
        assert!(apply(&mut strict, version, file).is_err());
        let mut foreign = spec(FIXED_ENUM);
        let report = apply_with(&mut foreign, version, file, Mode::Foreign).unwrap();
        assert!(report.applied.is_empty(), "{:?}", report.applied);
        let open = FIXUPS.iter().filter(|f| f.covers(version)).count();
        assert_eq!(report.not_needed.len(), open);
        assert!(
            report
                .not_needed
                .iter()
                .all(|n| n.contains("not needed for next.yaml")),
            "{:?}",
            report.not_needed
        );
    }

    #[test]
    fn open_ranges_reach_versions_after_the_manifest() {
        let next = ApiVersion::parse("1.56").unwrap();
        let open: Vec<_> = FIXUPS
            .iter()
            .filter(|f| f.covers(next))
            .map(|f| f.name)
            .collect();
        assert!(
            open.contains(&"swarm_create_answers_upper_case_id"),
            "{open:?}"
        );
        assert!(!open.contains(&"container_stats_are_typed"), "{open:?}");
    }
}
