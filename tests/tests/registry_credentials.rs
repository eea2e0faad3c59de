//! Credentials found the way the Docker CLI finds them, used against the loopback
//! registry: the test writes what `docker login` would have written (an `auths` entry,
//! or a `credsStore` whose helper holds the password), puts tiny `docker-credential-*`
//! scripts on `PATH`, points `DOCKER_CONFIG` at its folder, and pulls with nothing but
//! what `dockwright_runtime::registry::credentials_for_image` finds.
//!
//! One test function in its own binary: it sets `DOCKER_CONFIG` and `PATH` for the
//! whole process, which no other test sees.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use dockwright_runtime::registry::{credentials_for_image, DockerConfig};
use dockwright_tests::engines::{Engine, ENGINE_20_10, ENGINE_28};
use dockwright_tests::registry::{outcome, Registry};

fn write_config(dir: &Path, config: serde_json::Value) {
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
}

fn helper(bin: &Path, name: &str, script: &str) {
    let path = bin.join(format!("docker-credential-{name}"));
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

macro_rules! scenario {
    ($c:ident, $engine:expr, $registry:expr, $dir:expr) => {{
        use $c::client::Client;
        let engine: &Engine = $engine;
        let registry: &Registry = $registry;
        let dir: &Path = $dir;
        let name = engine.spec.name;
        let docker = Client::new(engine.transport());
        let cleanup = engine.cleanup();
        let rt = tokio::runtime::Runtime::new().unwrap();

        // An image in the registry: the busybox test image, tagged and pushed with the
        // credentials `docker login` left in `auths`.
        write_config(dir, registry.login_config());
        let repo = registry.unique_repo("creds");
        let reference = format!("{repo}:v1");
        cleanup.image(&reference);
        rt.block_on(async {
            let context = dockwright_tests::engines::busybox_context("").expect("busybox");
            let build = docker
                .image_build()
                .t(reference.clone())
                .rm(true)
                .body(dockwright_runtime::Body::from(context));
            outcome("build", 300, build).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            let auth = credentials_for_image(&reference).unwrap().expect("the login entry");
            outcome("push", 120, docker.image_push(&repo, auth).tag("v1"))
                .await
                .unwrap_or_else(|e| panic!("{name}: push: {e}"));
        });

        let pull = |auth: Option<dockwright_runtime::AuthConfig>| {
            rt.block_on(async {
                let _ = docker.image_delete(&reference).force(true).await;
                let mut request = docker.image_create().from_image(repo.clone()).tag("v1");
                if let Some(auth) = auth {
                    request = request.x_registry_auth(auth);
                }
                outcome("pull", 300, request).await
            })
        };
        let exists = || rt.block_on(docker.image_inspect(&reference).send()).is_ok();

        // 1. `docker login` without a store: `auths` holds base64 user:password.
        let auth = credentials_for_image(&reference).unwrap();
        pull(auth).unwrap_or_else(|e| panic!("{name}: pull with the auths entry: {e}"));
        assert!(exists(), "{name}");

        // 2. `docker login` with a credsStore: an empty `auths` entry, the password in
        //    the helper (which logs the address it was asked for).
        write_config(
            dir,
            serde_json::json!({"auths": {registry.address.clone(): {}}, "credsStore": "dwtest"}),
        );
        let _ = std::fs::remove_file(dir.join("asked"));
        let auth = credentials_for_image(&reference).unwrap();
        assert!(format!("{auth:?}").contains(&registry.user), "{name}: {auth:?}");
        assert!(!format!("{auth:?}").contains(&registry.password), "Debug redacts");
        pull(auth).unwrap_or_else(|e| panic!("{name}: pull with the store's credentials: {e}"));
        assert!(exists(), "{name}");
        let asked = std::fs::read_to_string(dir.join("asked")).unwrap();
        assert_eq!(asked, format!("get {}\n", registry.address), "{name}");

        // 3. A credHelpers entry wins over the store; a failing helper is an error that
        //    names the registry and the helper, never the secret.
        write_config(
            dir,
            serde_json::json!({"credsStore": "dwtest", "credHelpers": {registry.address.clone(): "dwfail"}}),
        );
        let err = credentials_for_image(&reference).unwrap_err().to_string();
        assert!(err.contains("docker-credential-dwfail") && err.contains(&registry.address), "{err}");
        assert!(err.contains("the keychain is locked") && !err.contains(&registry.password), "{err}");

        // 4. A helper that is not installed.
        write_config(dir, serde_json::json!({"credHelpers": {registry.address.clone(): "dwmissing"}}));
        let err = credentials_for_image(&reference).unwrap_err().to_string();
        assert!(err.contains("docker-credential-dwmissing") && err.contains("not installed"), "{err}");

        // 5. Nothing for this registry: no credentials, and the daemon says so.
        write_config(dir, serde_json::json!({"auths": {"elsewhere.example": {"auth": "dTpw"}}}));
        assert!(credentials_for_image(&reference).unwrap().is_none());
        let err = pull(None).unwrap_err();
        assert!(err.contains("no basic auth credentials"), "{name}: {err}");
        eprintln!("{name}: pulled {reference} with the auths entry and with the credsStore helper");
    }};
}

#[test]
fn pulls_with_what_docker_login_wrote() {
    let Some(registry) = Registry::get() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("docker-config");
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    // A store holding the registry's password; it logs what it is asked.
    std::fs::write(home.path().join("secret"), &registry.password).unwrap();
    helper(
        &bin,
        "dwtest",
        &format!(
            r#"server=$(cat); echo "$1 $server" >> "{asked}"
[ "$server" = "{address}" ] || {{ echo "credentials not found in native keychain"; exit 1; }}
printf '{{"ServerURL":"%s","Username":"{user}","Secret":"%s"}}' "$server" "$(cat "{secret}")""#,
            asked = dir.join("asked").display(),
            address = registry.address,
            user = registry.user,
            secret = home.path().join("secret").display(),
        ),
    );
    helper(
        &bin,
        "dwfail",
        "cat >/dev/null; echo 'the keychain is locked' >&2; exit 1",
    );
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::set_var("PATH", format!("{}:{path}", bin.display()));
    std::env::set_var("DOCKER_CONFIG", &dir);
    assert_eq!(
        DockerConfig::load().unwrap().path(),
        dir.join("config.json")
    );

    if let Some(engine) = Engine::get(ENGINE_28) {
        scenario!(dockwright_v1_51, &engine, &registry, &dir);
    }
    if let Some(engine) = Engine::get(ENGINE_20_10) {
        scenario!(dockwright_v1_41, &engine, &registry, &dir);
    }
}
