//! Config files and credential helpers written at test time; helpers are found through
//! [`DockerConfig::search_path`], so no test changes the process's environment.

use super::*;
use std::os::unix::fs::PermissionsExt;

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(config: serde_json::Value) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
        Setup { dir }
    }

    /// A `docker-credential-<name>` script in the test's bin folder.
    fn helper(&self, name: &str, script: &str) -> &Self {
        let bin = self.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let path = bin.join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    fn config(&self) -> DockerConfig {
        let path = format!("{}:/usr/bin:/bin", self.dir.path().join("bin").display());
        DockerConfig::from_dir(self.dir.path())
            .unwrap()
            .search_path(path)
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A helper that answers for any address, echoing the address it was given (so the
/// tests see what arrived on stdin) and logging its arguments.
const ECHO_HELPER: &str = r#"server=$(cat)
echo "$1 $server" >> "$(dirname "$0")/calls"
case "$1" in
  get) printf '{"ServerURL":"%s","Username":"user@%s","Secret":"secret-%s"}' "$server" "$server" "$1" ;;
  list) printf '{"127.0.0.1:5000":"someone","https://index.docker.io/v1/":"hubber"}' ;;
  *) exit 1 ;;
esac"#;

#[test]
fn auths_entries_decode_user_password_and_tokens() {
    let setup = Setup::new(serde_json::json!({
        "auths": {
            "127.0.0.1:5000": {"auth": b64("alice:pa:ss")},
            "https://index.docker.io/v1/": {"identitytoken": "id-token-value"},
            "https://other.example:443/v2/": {"auth": b64("bob:pw"), "email": "b@example"}
        },
        "currentContext": "default"
    }));
    let config = setup.config();
    let local = config.credentials("127.0.0.1:5000").unwrap().unwrap();
    assert_eq!(local.username.as_deref(), Some("alice"));
    assert_eq!(
        local.password.as_deref(),
        Some("pa:ss"),
        "only the first ':' splits"
    );
    assert_eq!(local.serveraddress.as_deref(), Some("127.0.0.1:5000"));
    // References without a host are Docker Hub, whichever alias the key uses.
    for reference in ["busybox", "library/busybox:1", "docker.io/library/busybox"] {
        let hub = config.credentials_for_image(reference).unwrap().unwrap();
        assert_eq!(
            hub.identitytoken.as_deref(),
            Some("id-token-value"),
            "{reference}"
        );
        assert_eq!(hub.serveraddress.as_deref(), Some(DOCKER_HUB_KEY));
    }
    // A key with scheme and path matches its host.
    let other = config
        .credentials_for_image("other.example:443/app:1")
        .unwrap()
        .unwrap();
    assert_eq!(other.username.as_deref(), Some("bob"));
    assert_eq!(other.email.as_deref(), Some("b@example"));
    assert!(config.credentials("nowhere.example").unwrap().is_none());
}

#[test]
fn a_missing_file_means_no_credentials_and_a_broken_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = DockerConfig::from_dir(dir.path()).unwrap();
    assert!(config.credentials_for_image("busybox").unwrap().is_none());

    std::fs::write(dir.path().join("config.json"), "{\"auths\": [").unwrap();
    let err = DockerConfig::from_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("config.json") && err.contains("not a Docker config file"),
        "{err}"
    );

    // null sections are as good as absent
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"auths":null,"credHelpers":null}"#,
    )
    .unwrap();
    let config = DockerConfig::from_dir(dir.path()).unwrap();
    assert!(config.credentials("127.0.0.1:5000").unwrap().is_none());
}

#[test]
fn bad_auth_values_are_errors_that_never_show_the_secret() {
    let setup = Setup::new(serde_json::json!({"auths": {
        "a.example": {"auth": "not base64 s3cr3t!"},
        "b.example": {"auth": b64("no-colon-s3cr3t")},
    }}));
    let config = setup.config();
    for (registry, why) in [("a.example", "not base64"), ("b.example", "user:password")] {
        let err = config.credentials(registry).unwrap_err().to_string();
        assert!(
            err.contains(registry) && err.contains(why) && err.contains("config.json"),
            "{err}"
        );
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}

#[test]
fn cred_helpers_win_then_creds_store_with_the_address_on_stdin() {
    let setup = Setup::new(serde_json::json!({
        "auths": {"127.0.0.1:5000": {}, "file.example": {"auth": b64("file:pw")}},
        "credsStore": "store",
        "credHelpers": {"127.0.0.1:5000": "echo"}
    }));
    setup
        .helper("echo", ECHO_HELPER)
        .helper("store", ECHO_HELPER);
    let config = setup.config();

    let auth = config
        .credentials_for_image("127.0.0.1:5000/app:1")
        .unwrap()
        .unwrap();
    assert_eq!(auth.username.as_deref(), Some("user@127.0.0.1:5000"));
    assert_eq!(auth.password.as_deref(), Some("secret-get"));
    // With a credsStore the file's own entries are not used (as in the CLI).
    let auth = config.credentials("file.example").unwrap().unwrap();
    assert_eq!(auth.username.as_deref(), Some("user@file.example"));
    // Docker Hub is asked for by its key.
    let auth = config.credentials_for_image("busybox").unwrap().unwrap();
    assert_eq!(
        auth.username.as_deref(),
        Some("user@https://index.docker.io/v1/")
    );

    let calls = std::fs::read_to_string(setup.dir.path().join("bin/calls")).unwrap();
    assert_eq!(
        calls,
        "get 127.0.0.1:5000\nget file.example\nget https://index.docker.io/v1/\n"
    );

    // Everything the config knows, for X-Registry-Config.
    let all = config.all_credentials().unwrap();
    let keys: Vec<&str> = all.keys().map(String::as_str).collect();
    assert_eq!(keys, ["127.0.0.1:5000", "file.example", DOCKER_HUB_KEY]);
}

#[test]
fn a_token_user_name_means_an_identity_token() {
    let setup = Setup::new(serde_json::json!({"credsStore": "tok"}));
    setup.helper("tok", r#"cat >/dev/null; printf '{"ServerURL":"x","Username":"<token>","Secret":"refresh-token"}'"#);
    let auth = setup.config().credentials("ghcr.io").unwrap().unwrap();
    assert_eq!(auth.identitytoken.as_deref(), Some("refresh-token"));
    assert_eq!(auth.username, None);
    assert_eq!(auth.password, None);
}

#[test]
fn helpers_that_fail_are_missing_or_hold_nothing() {
    let setup = Setup::new(serde_json::json!({"credHelpers": {
        "fails.example": "fails",
        "gone.example": "gone",
        "empty.example": "empty",
        "garbage.example": "garbage",
        "evil.example": "../../bin/sh",
    }}));
    setup
        .helper(
            "fails",
            "cat >/dev/null; echo 'keychain locked' >&2; exit 3",
        )
        .helper(
            "empty",
            "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1",
        )
        .helper("garbage", "cat >/dev/null; echo 'Secret: hunter2'");
    let config = setup.config();

    let err = config.credentials("fails.example").unwrap_err().to_string();
    assert!(
        err.contains("docker-credential-fails") && err.contains("fails.example"),
        "{err}"
    );
    assert!(
        err.contains("keychain locked") && err.contains("exit status: 3"),
        "{err}"
    );

    let err = config.credentials("gone.example").unwrap_err().to_string();
    assert!(
        err.contains("docker-credential-gone") && err.contains("gone.example"),
        "{err}"
    );
    assert!(err.contains("not installed"), "{err}");

    assert!(config.credentials("empty.example").unwrap().is_none());

    let err = config
        .credentials("garbage.example")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("docker-credential-garbage") && !err.contains("hunter2"),
        "{err}"
    );

    let err = config.credentials("evil.example").unwrap_err().to_string();
    assert!(err.contains("not a valid helper name"), "{err}");
}

#[test]
fn a_hanging_helper_is_stopped() {
    let setup = Setup::new(serde_json::json!({"credsStore": "slow"}));
    setup.helper("slow", "exec sleep 30");
    let started = Instant::now();
    let err = setup
        .config()
        .helper_timeout(Duration::from_millis(300))
        .credentials("127.0.0.1:5000")
        .unwrap_err()
        .to_string();
    assert!(err.contains("did not answer within 0.3 s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn debug_shows_no_secret() {
    let setup = Setup::new(serde_json::json!({"auths": {
        "127.0.0.1:5000": {"auth": b64("alice:s3cr3t"), "identitytoken": "t0k3n"}
    }}));
    let config = setup.config();
    let shown = format!(
        "{config:?} {:?}",
        config.credentials("127.0.0.1:5000").unwrap()
    );
    assert!(
        shown.contains("127.0.0.1:5000") && shown.contains("alice"),
        "{shown}"
    );
    assert!(
        !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
        "{shown}"
    );
    assert!(!shown.contains(&b64("alice:s3cr3t")), "{shown}");
}

#[test]
fn the_build_header_is_the_map_by_registry_key() {
    let setup = Setup::new(serde_json::json!({"auths": {
        "127.0.0.1:5000": {"auth": b64("alice:pw")},
        "https://index.docker.io/v1/": {"identitytoken": "tok"},
    }}));
    let header = registry_config_header(&setup.config().all_credentials().unwrap());
    let json = base64::engine::general_purpose::URL_SAFE
        .decode(header)
        .unwrap();
    let decoded: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        decoded,
        serde_json::json!({
            "127.0.0.1:5000": {"username": "alice", "password": "pw", "serveraddress": "127.0.0.1:5000"},
            "https://index.docker.io/v1/": {"identitytoken": "tok", "serveraddress": "https://index.docker.io/v1/"},
        })
    );
}
