//! Path parameters: encoding them, and refusing paths the daemon would re-route.
//!
//! Object names come from users and may hold anything. The daemon percent-decodes the
//! path *before* routing and answers a non-canonical path (`..`, `.`, `//` after
//! decoding) with a redirect to the cleaned path, which belongs to another route
//! (`/containers/./json` → the container list, `/containers/..%2Fversion/json` →
//! `/version/json`). Encoding alone cannot prevent that, so [`check_routable`] runs on
//! every request and the client never follows redirects.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 "unreserved" characters, with `.` encoded too so a dot-only
/// name is at least not a literal dot segment on the wire.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Percent-encodes one path parameter so that `/`, `?`, `#`, `%` and spaces stay inside it.
///
/// Everything except `A-Z a-z 0-9 - _ ~` is encoded (dots too: `..` becomes `%2E%2E`).
/// Unicode is encoded as its UTF-8 bytes.
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Characters allowed verbatim in an already encoded request path (RFC 3986 `pchar` + `/`).
fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b)
}

/// Checks that `path` is absolute, fully encoded, and that its *decoded* form is what the
/// daemon's router considers clean; returns the reason otherwise.
pub(crate) fn check_routable(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err("the path must start with '/'".into());
    }
    if let Some(b) = path.bytes().find(|b| !is_path_char(*b)) {
        return Err(format!(
            "character {:?} must be percent-encoded (see encode_path_segment)",
            char::from(b)
        ));
    }
    let bytes = path.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let escaped = |k: usize| bytes.get(i + k).is_some_and(u8::is_ascii_hexdigit);
        if *b == b'%' && !(escaped(1) && escaped(2)) {
            return Err("a '%' is not followed by two hex digits".into());
        }
    }
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    // decoded starts with '/', so the first split item is the empty string before it.
    let segments: Vec<&[u8]> = decoded.split(|b| *b == b'/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            b"." | b".." => {
                return Err(format!(
                    "a decoded segment is {:?}",
                    String::from_utf8_lossy(seg)
                ))
            }
            // A trailing slash survives the daemon's cleaning; an empty segment inside does not.
            b"" if i != last => return Err("a decoded segment is empty".into()),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        let cases = [
            ("abc123", "abc123"),
            ("a-b_c~d", "a-b_c~d"),
            ("a/b", "a%2Fb"),
            ("..", "%2E%2E"),
            ("../version", "%2E%2E%2Fversion"),
            ("?x=1", "%3Fx%3D1"),
            ("#frag", "%23frag"),
            ("100%", "100%25"),
            ("with space", "with%20space"),
            ("plus+sign", "plus%2Bsign"),
            ("busybox:latest", "busybox%3Alatest"),
            ("héllo", "h%C3%A9llo"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(encode_path_segment(input), want, "input {input:?}");
        }
    }

    #[test]
    fn encoded_segments_round_trip() {
        for s in ["a/b/../c", "%2F", "?#%", "é x", "..", "."] {
            let enc = encode_path_segment(s);
            assert!(!enc.contains('/') && !enc.contains('?') && !enc.contains('#'));
            let back = percent_decode_str(&enc).decode_utf8().unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn routable_paths_pass() {
        for p in [
            "/_ping",
            "/v1.41/containers/json",
            "/v1.41/containers/abc/json",
            "/v1.41/images/library%2Fbusybox%3Alatest/json",
            "/v1.41/containers/%3F/json",
            "/v1.41/containers/%2E%2E%2E/json",
            "/v1.41/containers/a%2E%2Eb/json",
            "/v1.41/containers/",
        ] {
            assert_eq!(check_routable(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn paths_the_daemon_would_redirect_are_refused() {
        for p in [
            "/v1.41/containers/%2E%2E/json",
            "/v1.41/containers/%2e/json",
            "/v1.41/containers/%2E%2E%2Fversion/json",
            "/v1.41/containers/a%2F%2E%2E%2F%2E%2E%2Finfo/json",
            "/v1.41/containers//json",
            "/v1.41/containers/a%2F/json",
            "/v1.41/containers/..",
        ] {
            assert!(check_routable(p).is_err(), "{p} should be refused");
        }
        let id = encode_path_segment("../version");
        assert!(check_routable(&format!("/v1.41/containers/{id}/json")).is_err());
    }

    #[test]
    fn unencoded_or_broken_paths_are_refused() {
        for p in [
            "v1.41/version",
            "/v1.41/containers/a b/json",
            "/v1.41/containers/a?b/json",
            "/v1.41/containers/a#b/json",
            "/v1.41/containers/%zz/json",
            "/v1.41/containers/%2",
        ] {
            assert!(check_routable(p).is_err(), "{p} should be refused");
        }
    }
}
