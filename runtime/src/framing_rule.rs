//! Whether a log or attach response is multiplexed or raw (TTY): [`FramingRule`], decided
//! from the response's content type, the caller's TTY setting or the object's inspect
//! response, never from the first bytes. The decoders it chooses between are in
//! [`crate::stream`].

use std::cmp::Ordering;

use crate::error::Error;
use crate::request::RequestBuilder;
use crate::stream::Framing;
use crate::version::compare_api_versions;

/// The API version from which the daemon names the framing of log and attach streams in
/// `Content-Type` (`multiplexed-stream` vs `raw-stream`), moby/moby#39812.
pub const FRAMING_CONTENT_TYPE_SINCE: &str = "1.42";

/// Decides whether a log or attach stream is multiplexed or raw (TTY).
///
/// In order:
/// 1. `Content-Type: application/vnd.docker.multiplexed-stream` means multiplexed;
/// 2. from API 1.42 on (see [`FramingRule::new`]), `application/vnd.docker.raw-stream`
///    means raw; before 1.42 daemons send `raw-stream` for both, or no content type;
/// 3. the caller's statement ([`FramingRule::tty`]);
/// 4. the object's inspect response (`Config.Tty` of the container, ...), fetched only
///    when nothing above decided;
/// 5. otherwise [`Error::UnknownFraming`]: the first bytes are never guessed at.
#[derive(Debug)]
#[must_use]
pub struct FramingRule {
    tty: Option<bool>,
    trust_raw_content_type: bool,
    inspect: Option<(RequestBuilder, &'static str)>,
}

impl FramingRule {
    /// The rule for requests of API `api_version`.
    pub fn new(api_version: &str) -> Self {
        let trust = matches!(
            compare_api_versions(api_version, FRAMING_CONTENT_TYPE_SINCE),
            Ok(Ordering::Equal | Ordering::Greater)
        );
        FramingRule {
            tty: None,
            trust_raw_content_type: trust,
            inspect: None,
        }
    }

    /// What the caller knows about the TTY setting (`None`: nothing).
    pub fn tty(mut self, tty: Option<bool>) -> Self {
        self.tty = tty;
        self
    }

    /// An inspect request whose JSON response holds the TTY flag at `pointer` (an RFC 6901
    /// JSON pointer, e.g. `/Config/Tty`); sent only when needed. A missing flag is `false`,
    /// as the daemon reads it.
    pub fn inspect(mut self, request: RequestBuilder, pointer: &'static str) -> Self {
        self.inspect = Some((request, pointer));
        self
    }

    /// The framing for a response with `content_type`.
    pub async fn resolve(self, content_type: Option<&str>) -> Result<Framing, Error> {
        let essence = content_type.map(|ct| ct.split(';').next().unwrap_or("").trim());
        let is = |want: &str| essence.is_some_and(|e| e.eq_ignore_ascii_case(want));
        if is(Framing::MULTIPLEXED_CONTENT_TYPE) {
            return Ok(Framing::Multiplexed);
        }
        if self.trust_raw_content_type && is(Framing::RAW_CONTENT_TYPE) {
            return Ok(Framing::Raw);
        }
        if let Some(tty) = self.tty {
            return Ok(Framing::from_tty(tty));
        }
        if let Some((request, pointer)) = self.inspect {
            let value: serde_json::Value = request.send_json().await?;
            let tty = value
                .pointer(pointer)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            return Ok(Framing::from_tty(tty));
        }
        Err(Error::UnknownFraming {
            content_type: content_type.map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn framing_rule_order() {
        let mux = Some(Framing::MULTIPLEXED_CONTENT_TYPE);
        let raw = Some(Framing::RAW_CONTENT_TYPE);
        let r = |v: &str, tty: Option<bool>| FramingRule::new(v).tty(tty);
        assert_eq!(
            r("1.41", Some(true)).resolve(mux).await.unwrap(),
            Framing::Multiplexed
        );
        assert_eq!(
            r("1.41", Some(false)).resolve(raw).await.unwrap(),
            Framing::Multiplexed
        );
        assert_eq!(
            r("1.41", Some(true)).resolve(None).await.unwrap(),
            Framing::Raw
        );
        assert_eq!(r("1.42", None).resolve(raw).await.unwrap(), Framing::Raw);
        assert_eq!(
            r("1.45", Some(false)).resolve(raw).await.unwrap(),
            Framing::Raw
        );
        assert!(matches!(
            r("1.41", None).resolve(raw).await,
            Err(Error::UnknownFraming { .. })
        ));
        assert!(matches!(
            r("1.45", None).resolve(None).await,
            Err(Error::UnknownFraming { .. })
        ));
    }
}
