//! What a user of a generated crate meets first: one `use` of the prelude names what every
//! program needs, the runtime's items are reachable under the path rustc prints, and the
//! Docker CLI words find the operations.

use dockwright_v1_41::prelude::*;

/// Compiles only while the prelude names these items.
#[allow(dead_code, clippy::too_many_arguments)]
fn the_prelude_names_what_every_program_needs(
    _: Client,
    _: ContainerListFilters,
    _: Body,
    _: LogFrame,
    _: StdStream,
    _: &dyn ProgressMessage,
    _: &dyn ProgressReport,
    _: Option<models::ContainerSummary>,
) -> Result<(), Error> {
    Ok(())
}

/// rustc names runtime items `dockwright_runtime::…`; under the generated crate that path
/// and the documented `runtime::…` are the same items.
#[test]
fn runtime_items_are_reachable_under_both_paths() {
    fn same(e: dockwright_v1_41::dockwright_runtime::Error) -> dockwright_v1_41::runtime::Error {
        e
    }
    let _ = same;
    assert_eq!(dockwright_v1_41::prelude::API_VERSION, "1.41");
}

/// Each alias sits on the method of its table row (codegen/src/cli_words.rs).
#[test]
fn docker_cli_words_are_aliases_of_their_operations() {
    let client = std::fs::read_to_string(
        dockwright_tests::workspace_root().join("generated/v1_41/src/client.rs"),
    )
    .expect("generated client");
    for (word, method) in [
        ("pull", "image_create"),
        ("ps", "container_list"),
        ("rm", "container_delete"),
        ("rmi", "image_delete"),
        ("logs", "container_logs"),
        ("exec", "container_exec"),
        ("inspect", "container_inspect"),
        ("run", "container_create"),
        ("login", "system_auth"),
        ("push", "image_push"),
        ("build", "image_build"),
    ] {
        let at = client
            .find(&format!("    pub fn {method}("))
            .unwrap_or_else(|| panic!("no method {method}"));
        let before = &client[..at];
        let attrs = &before[before.rfind("`)").expect("operation doc line")..];
        assert!(
            attrs.contains(&format!("#[doc(alias = \"{word}\")]")),
            "{method} lacks alias {word}: {attrs}"
        );
    }
}

/// The report against the previous version is a page of the crate (`changes`), its items
/// linked, so a user of the published crate sees it.
#[test]
fn the_changes_against_the_previous_version_are_a_page_of_the_crate() {
    #[allow(unused_imports)]
    use dockwright_v1_41::changes as _;
    let root = dockwright_tests::workspace_root();
    let page = std::fs::read_to_string(root.join("generated/v1_41/src/changes.rs")).unwrap();
    let report =
        std::fs::read_to_string(root.join("tests/snapshots/api-diff/v1.40..v1.41.md")).unwrap();
    assert!(page.contains("//! # API changes: v1.40 → v1.41"), "{page}");
    assert!(
        page.contains("[`client::ContainerCreateRequest::platform`](crate::client::ContainerCreateRequest::platform)"),
        "{page}"
    );
    // Every line of the report is on the page (links aside).
    let lines = report.lines().filter(|l| !l.is_empty()).count();
    assert_eq!(
        page.lines().filter(|l| l.starts_with("//! ")).count(),
        lines
    );
    assert!(
        !root.join("generated/v1_25/src/changes.rs").exists(),
        "the oldest version has no previous one"
    );
}
