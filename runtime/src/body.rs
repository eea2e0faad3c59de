//! Request bodies: small JSON documents, or tar archives and imports that must be
//! streamed (a build context or an image tarball can be gigabytes).

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::build_context::{BuildContext, TarStream};

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

impl Body {
    /// Streams anything readable (a file, a pipe) as the body, 64 KiB at a time.
    pub fn from_reader<R>(reader: R) -> Body
    where
        R: AsyncRead + Send + 'static,
    {
        Body::wrap_stream(ReaderStream::with_capacity(reader, 64 * 1024))
    }

    /// The build context of `dir` (its `Dockerfile`, honouring its `.dockerignore`),
    /// tarred while it is sent.
    pub fn build_context(dir: impl Into<std::path::PathBuf>) -> Body {
        Body::from(BuildContext::new(dir).into_stream())
    }
}

impl From<TarStream> for Body {
    fn from(stream: TarStream) -> Body {
        Body::wrap_stream(stream)
    }
}

impl From<BuildContext> for Body {
    fn from(context: BuildContext) -> Body {
        Body::from(context.into_stream())
    }
}
