//! Request bodies: small JSON documents, or tar archives and imports that must be
//! streamed (a build context or an image tarball can be gigabytes).

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};

/// A request body; built from bytes, or from a stream that is sent as it is produced.
#[derive(Debug)]
pub struct Body(pub(crate) reqwest::Body);

impl Body {
    /// A body of zero bytes.
    pub fn empty() -> Body {
        Body(reqwest::Body::from(Bytes::new()))
    }

    /// A body sent chunk by chunk with `Transfer-Encoding: chunked`, never held in
    /// memory whole. An `Err` item aborts the request.
    pub fn wrap_stream<S>(stream: S) -> Body
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Body(reqwest::Body::wrap_stream(stream.map_err(
            |e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) },
        )))
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Body {
        Body(v.into())
    }
}

impl From<Bytes> for Body {
    fn from(v: Bytes) -> Body {
        Body(v.into())
    }
}

impl From<String> for Body {
    fn from(v: String) -> Body {
        Body(v.into())
    }
}

impl From<&'static str> for Body {
    fn from(v: &'static str) -> Body {
        Body(v.into())
    }
}

impl From<&'static [u8]> for Body {
    fn from(v: &'static [u8]) -> Body {
        Body(v.into())
    }
}
