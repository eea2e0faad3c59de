//! Which registry an image reference names, and the key its credentials are stored
//! under, following the Docker CLI (`distribution/reference` normalisation and
//! `registry.ResolveAuthConfig`).

/// The key Docker Hub's credentials have in `config.json` and in credential helpers.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// The registry host of references without one (`busybox`, `library/busybox:1.36`).
pub const DOCKER_HUB_HOST: &str = "docker.io";

/// The registry host an image reference names: `127.0.0.1:5000/app:1` →
/// `127.0.0.1:5000`, `ghcr.io/o/app` → `ghcr.io`, `busybox` and `library/busybox` →
/// `docker.io`.
///
/// As in the Docker CLI, the first path component is a host only when it contains a
/// `.` or a `:`, is `localhost`, or has upper-case letters (repository names cannot);
/// otherwise the reference is on Docker Hub. `index.docker.io` also means Docker Hub.
pub fn registry_host(reference: &str) -> &str {
    let name = reference.split('@').next().unwrap_or(reference);
    let Some((first, _)) = name.split_once('/') else {
        return DOCKER_HUB_HOST;
    };
    let is_host = first.contains(['.', ':'])
        || first == "localhost"
        || first.chars().any(|c| c.is_ascii_uppercase());
    if !is_host || first == "index.docker.io" {
        return DOCKER_HUB_HOST;
    }
    first
}

/// The key a registry's credentials are stored under: [`DOCKER_HUB_KEY`] for Docker Hub
/// (`docker.io`, `index.docker.io`, `registry-1.docker.io`, or the key itself), the
/// host as written for every other registry.
pub fn credentials_key(registry: &str) -> &str {
    match hostname(registry) {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_KEY,
        _ => registry,
    }
}

/// A stored key reduced to its host, like the CLI's `ConvertToHostname`:
/// `https://registry.example:5000/v2/` → `registry.example:5000`.
pub(crate) fn hostname(key: &str) -> &str {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_without_a_host_are_on_docker_hub() {
        for reference in [
            "busybox",
            "busybox:1.36",
            "library/busybox",
            "someone/app:tag",
            "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "index.docker.io/library/busybox",
            "docker.io/library/busybox:latest",
        ] {
            assert_eq!(registry_host(reference), DOCKER_HUB_HOST, "{reference}");
            assert_eq!(credentials_key(registry_host(reference)), DOCKER_HUB_KEY);
        }
    }

    #[test]
    fn the_first_component_is_a_host_when_docker_says_so() {
        let cases = [
            ("127.0.0.1:5000/app:1", "127.0.0.1:5000"),
            ("127.0.0.1:5000/team/app@sha256:00", "127.0.0.1:5000"),
            ("ghcr.io/owner/app", "ghcr.io"),
            ("localhost/app", "localhost"),
            ("localhost:5000/app", "localhost:5000"),
            ("Registry/app", "Registry"),
            ("[::1]:5000/app", "[::1]:5000"),
        ];
        for (reference, host) in cases {
            assert_eq!(registry_host(reference), host, "{reference}");
            assert_eq!(credentials_key(host), host);
        }
    }

    #[test]
    fn stored_keys_reduce_to_hosts() {
        assert_eq!(
            hostname("https://registry.example:5000/v2/"),
            "registry.example:5000"
        );
        assert_eq!(hostname("http://127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(hostname("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(
            credentials_key("https://index.docker.io/v1/"),
            DOCKER_HUB_KEY
        );
        assert_eq!(credentials_key("registry-1.docker.io"), DOCKER_HUB_KEY);
    }
}
