//! API version comparison.
//!
//! Versions are compared numerically per component (`1.9 < 1.10`); string comparison
//! would get that wrong and make a client refuse a daemon that is new enough.

use crate::error::Error;
use std::cmp::Ordering;

/// The daemon's `Api-Version` header does not hold a version: the daemon's fault, so a
/// protocol error naming the header rather than a configuration error.
pub(crate) fn bad_daemon_version(value: &str) -> Error {
    Error::Header {
        request: "GET /_ping".to_owned(),
        name: "Api-Version",
        message: format!("{value:?} is not an API version (expected e.g. \"1.41\")"),
    }
}

/// True when `v` reads as an API version.
pub(crate) fn is_api_version(v: &str) -> bool {
    parse(v).is_ok()
}

fn parse(v: &str) -> Result<Vec<u64>, Error> {
    let v = v.trim().trim_start_matches('v');
    v.split('.')
        .map(|part| part.parse::<u64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            Error::config(format!(
                "{v:?} is not an API version (expected e.g. \"1.41\")"
            ))
        })
}

/// Compares two API versions numerically; missing components count as 0.
pub fn compare_api_versions(a: &str, b: &str) -> Result<Ordering, Error> {
    let (a, b) = (parse(a)?, parse(b)?);
    let len = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    Ok((0..len)
        .map(|i| at(&a, i).cmp(&at(&b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal))
}

/// Fails with [`Error::VersionTooNew`] when the client's API version exceeds the daemon's
/// maximum; a `daemon_max` that is no version is [`Error::Header`] naming `Api-Version`.
pub fn check_api_version(client_version: &str, daemon_max: &str) -> Result<(), Error> {
    parse(client_version)?;
    if !is_api_version(daemon_max) {
        return Err(bad_daemon_version(daemon_max));
    }
    match compare_api_versions(client_version, daemon_max)? {
        Ordering::Greater => Err(Error::VersionTooNew {
            client: client_version.trim().trim_start_matches('v').to_owned(),
            daemon_max: daemon_max.trim().trim_start_matches('v').to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Recognises the daemon's refusal of a too-new version prefix:
/// `client version 1.51 is too new. Maximum supported API version is 1.41`.
pub(crate) fn parse_too_new_message(message: &str) -> Option<(String, String)> {
    const CLIENT: &str = "client version ";
    const TOO_NEW: &str = " is too new";
    const MAX: &str = "Maximum supported API version is ";
    let start = message.find(CLIENT)? + CLIENT.len();
    let rest = &message[start..];
    let client = &rest[..rest.find(TOO_NEW)?];
    let max_start = message.find(MAX)? + MAX.len();
    let max = message[max_start..]
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()?
        .trim_end_matches('.');
    if client.is_empty() || max.is_empty() {
        return None;
    }
    Some((client.to_owned(), max.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_numerically() {
        use Ordering::*;
        let cases = [
            ("1.9", "1.10", Less),
            ("1.10", "1.9", Greater),
            ("1.41", "1.41", Equal),
            ("1.41", "1.41.0", Equal),
            ("1.51", "1.41", Greater),
            ("1.25", "1.100", Less),
            ("2.0", "1.99", Greater),
            ("v1.41", "1.41", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_api_versions(a, b).unwrap(), want, "{a} vs {b}");
        }
    }

    #[test]
    fn check_reports_too_new() {
        assert!(check_api_version("1.41", "1.41").is_ok());
        assert!(check_api_version("1.9", "1.10").is_ok());
        let err = check_api_version("1.51", "1.41").unwrap_err();
        assert!(
            matches!(&err, Error::VersionTooNew { client, daemon_max } if client == "1.51" && daemon_max == "1.41")
        );
        assert_eq!(
            err.to_string(),
            "this crate speaks API v1.51 but the daemon supports at most 1.41"
        );
        assert!(matches!(
            check_api_version("1.x", "1.41"),
            Err(Error::Config { .. })
        ));
        // The daemon's header at fault: named, and not the user's configuration.
        let err = check_api_version("1.41", "one.41").unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Header {
                    name: "Api-Version",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("Api-Version"), "{err}");
    }

    #[test]
    fn recognises_the_daemon_message() {
        assert_eq!(
            parse_too_new_message(
                "client version 1.51 is too new. Maximum supported API version is 1.41"
            ),
            Some(("1.51".into(), "1.41".into()))
        );
        assert_eq!(
            parse_too_new_message("Error response from daemon: client version 1.99 is too new. Maximum supported API version is 1.51\n"),
            Some(("1.99".into(), "1.51".into()))
        );
        assert_eq!(parse_too_new_message("No such container: abc"), None);
        assert_eq!(
            parse_too_new_message("client version 1.51 is too new"),
            None
        );
    }
}
