//! Bad input gets an error naming the file, the JSON pointer and the rule; never a panic.

use std::path::Path;

use dockwright_codegen::pipeline::api_from_bytes;

const HEADER: &str = "swagger: \"2.0\"\ninfo: {title: t, version: \"1.99\"}\n";

fn error_of(yaml: &str, file: &str) -> String {
    match api_from_bytes(yaml.as_bytes(), Path::new(file)) {
        Ok(_) => panic!("{file} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_yaml() {
    let err = error_of("swagger: \"2.0\"\ninfo: {title: t\n", "malformed.yaml");
    assert!(err.starts_with("malformed.yaml: malformed YAML"), "{err}");
}

#[test]
fn dangling_ref() {
    let yaml = format!(
        "{HEADER}paths: {{}}\ndefinitions:\n  A:\n    type: object\n    properties:\n      b:\n        $ref: \"#/definitions/Nope\"\n"
    );
    let err = error_of(&yaml, "dangling.yaml");
    assert_eq!(
        err,
        "dangling.yaml: at /definitions/A/properties/b/$ref: `#/definitions/Nope` points to no definition"
    );
}

#[test]
fn non_local_ref() {
    let yaml = format!(
        "{HEADER}paths: {{}}\ndefinitions:\n  A:\n    $ref: \"other.yaml#/definitions/B\"\n    description: x\n"
    );
    let err = error_of(&yaml, "remote.yaml");
    assert!(
        err.starts_with("remote.yaml: at /definitions/A/$ref: "),
        "{err}"
    );
    assert!(
        err.contains("only `#/definitions/<Name>` references are"),
        "{err}"
    );
}

#[test]
fn unsupported_construct() {
    let yaml = format!(
        "{HEADER}paths: {{}}\ndefinitions:\n  A:\n    oneOf:\n      - type: string\n      - type: integer\n"
    );
    let err = error_of(&yaml, "oneof.yaml");
    assert_eq!(
        err,
        "oneof.yaml: at /definitions/A/oneOf: `oneOf` is not supported (the Engine API never uses it)"
    );
    let form = format!(
        "{HEADER}paths:\n  /x:\n    post:\n      operationId: X\n      parameters:\n        - {{name: f, in: formData, type: string}}\n      responses: {{200: {{description: ok}}}}\ndefinitions: {{}}\n"
    );
    let err = error_of(&form, "form.yaml");
    assert!(err.starts_with("form.yaml: at /paths/~1x/post/parameters/0/in: parameters `in: formData` are not supported"), "{err}");
}

#[test]
fn wrong_shape_names_the_pointer() {
    let yaml = format!("{HEADER}paths: {{}}\ndefinitions:\n  A:\n    required: yes-please\n");
    let err = error_of(&yaml, "shape.yaml");
    assert!(
        err.starts_with("shape.yaml: at /definitions/A/required: "),
        "{err}"
    );
}

#[test]
fn unknown_version_string() {
    let yaml = "swagger: \"2.0\"\ninfo: {title: t, version: \"banana\"}\npaths: {}\n";
    let err = error_of(yaml, "banana.yaml");
    assert_eq!(
        err,
        "banana.yaml: at /info/version: `banana` is not a version of the form 1.NN"
    );

    let root = dockwright_tests::workspace_root();
    let manifest =
        dockwright_codegen::manifest::Manifest::load(&root.join("spec/versions.toml")).unwrap();
    let err = manifest.entry("1.99").unwrap_err().to_string();
    assert!(
        err.starts_with("unknown API version `1.99`; the manifest knows 1.25, 1.26"),
        "{err}"
    );
    let err = match xtask::codegen::generate(&root, &root, Some("0.1")) {
        Err(e) => e,
        Ok(_) => panic!("version 0.1 accepted"),
    };
    assert!(err.contains("unknown API version `0.1`"), "{err}");
}

#[test]
fn missing_spec() {
    let empty = std::env::temp_dir().join(format!("dockwright-no-specs-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let root = dockwright_tests::workspace_root();
    let err = match xtask::codegen::generate(&root, &empty, Some("1.41")) {
        Err(e) => e,
        Ok(_) => panic!("generated from an empty folder"),
    };
    assert!(err.contains("v1.41.yaml: spec file missing"), "{err}");
    assert!(
        err.contains("DOCKER_ENGINE_SPECS"),
        "the error says how to fix it: {err}"
    );
    let err = dockwright_codegen::pipeline::load_api(&empty.join("v1.41.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("v1.41.yaml: spec file missing"), "{err}");
}

#[test]
fn checksum_mismatch_names_both_hashes() {
    let Some(specs) = dockwright_tests::specs_dir() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dockwright-tampered-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = std::fs::read(specs.join("v1.41.yaml")).unwrap();
    bytes.extend_from_slice(b"\n# tampered\n");
    std::fs::write(dir.join("v1.41.yaml"), bytes).unwrap();
    let root = dockwright_tests::workspace_root();
    let err = match xtask::codegen::generate(&root, &dir, Some("1.41")) {
        Err(e) => e,
        Ok(_) => panic!("tampered spec accepted"),
    };
    assert!(
        err.contains("v1.41.yaml: sha256 mismatch: expected 36b363bf"),
        "{err}"
    );
    assert!(err.contains(", got "), "{err}");
}

/// Truncating a real spec anywhere gives an error or a smaller API, never a panic.
#[test]
fn truncated_specs_never_panic() {
    let Some(specs) = dockwright_tests::specs_dir() else {
        return;
    };
    let bytes = std::fs::read(specs.join("v1.41.yaml")).unwrap();
    let mut errors = 0;
    for i in 1..40 {
        let cut = bytes.len() * i / 40;
        let result = std::panic::catch_unwind(|| {
            api_from_bytes(&bytes[..cut], Path::new("cut.yaml")).map(|_| ())
        });
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                assert!(e.to_string().starts_with("cut.yaml: "), "{e}");
                errors += 1;
            }
            Err(_) => panic!("panicked on the first {cut} bytes"),
        }
    }
    assert!(errors > 0, "some truncations must be rejected");
}
