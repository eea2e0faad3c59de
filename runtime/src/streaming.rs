//! Sending the operations that are not one JSON document, and what they return.
//!
//! The generated crates call these `send_*` methods for the operations the generator's
//! stream-kind table names; each one hands the body to the matching decoder of
//! [`crate::stream`]:
//!
//! | kind | method | result |
//! |---|---|---|
//! | logs (multiplexed or raw) | [`RequestBuilder::send_logs`] | [`LogOutput`]: a `Stream` of [`LogFrame`]s |
//! | hijacked attach / exec | [`RequestBuilder::send_attach`] | [`Attached`]: stdin writer + [`AttachOutput`] |
//! | NDJSON (events, stats) | [`RequestBuilder::send_json_stream`] | [`JsonStream<T>`] |
//! | progress (pull, push, build, load) | [`RequestBuilder::send_progress`] | [`Progress<T>`], daemon failures as `Err` items |
//! | tar / octets out | [`RequestBuilder::send_bytes`] | [`ByteStream`] |
//! | archive out with its stat | [`RequestBuilder::send_archive`] | [`Archive`] |
//! | path stat header | [`RequestBuilder::send_path_stat`] | [`PathStat`] |
//! | ping headers | [`RequestBuilder::send_ping`] | [`PingInfo`] |
//!
//! Whether container output is multiplexed or raw is decided by [`FramingRule`], never
//! by looking at the first bytes.

use std::cmp::Ordering;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use futures_util::stream::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadHalf, WriteHalf};
use tokio_util::io::ReaderStream;

use crate::body::Body;
use crate::build_context::{BuildContext, TarStream};
use crate::error::{Error, TransportErrorKind};
use crate::ping::PingInfo;
use crate::request::{check_status, RequestBuilder};
use crate::response::{ByteStream, Upgraded};
use crate::stream::{Framing, LogFrame, LogStream, NdjsonStream, ProgressStream};
use crate::version::compare_api_versions;

/// Container output (logs) as a `Stream` of [`LogFrame`]s; items are
/// `Result<LogFrame, Error>`.
pub type LogOutput = LogStream<ByteStream>;

/// A body of newline-delimited JSON values of `T` (events, stats).
pub type JsonStream<T> = NdjsonStream<ByteStream, T>;

/// Progress messages of type `T`; a message carrying `error`/`errorDetail` is an
/// `Err(Error::Daemon { message })` item with the daemon's text.
pub type Progress<T> = ProgressStream<ByteStream, T>;

/// The output half of a hijacked attach or exec, as [`LogFrame`]s. It ends when the
/// container (or exec'd process) exits and the daemon closes the connection.
pub type AttachOutput = LogStream<AttachReader>;

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
/// 4. the object's inspect answer (`Config.Tty` of the container, ...), fetched only
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

    /// An inspect request whose JSON answer holds the TTY flag at `pointer` (an RFC 6901
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

/// A hijacked attach or exec: write the container's stdin to `input`, read its output
/// from `output`.
///
/// `input.shutdown()` half-closes the connection: the container sees end of input on
/// its stdin (with `StdinOnce` it is then closed), while its output keeps coming until
/// it exits. Dropping both halves closes the connection.
#[derive(Debug)]
pub struct Attached {
    /// The container's stdin ([`AsyncWrite`]).
    pub input: AttachInput,
    /// The container's output as frames.
    pub output: AttachOutput,
}

impl Attached {
    /// The two halves.
    pub fn into_parts(self) -> (AttachInput, AttachOutput) {
        (self.input, self.output)
    }

    /// The framing the output is decoded with.
    pub fn framing(&self) -> Framing {
        self.output.framing()
    }
}

/// The writing half of a hijacked connection: the container's stdin.
#[derive(Debug)]
pub struct AttachInput {
    inner: Option<WriteHalf<Upgraded>>,
}

fn not_hijacked() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the daemon answered without hijacking the connection (e.g. a detached exec start): there is no stdin to write to",
    )
}

impl AsyncWrite for AttachInput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_write(cx, buf),
            None => Poll::Ready(Err(not_hijacked())),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_flush(cx),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_shutdown(cx),
            None => Poll::Ready(Ok(())),
        }
    }
}

/// The reading half of a hijacked connection as byte chunks (or, when the daemon did not
/// hijack, the plain response body).
pub struct AttachReader {
    inner: ReaderInner,
}

enum ReaderInner {
    Upgraded(ReaderStream<ReadHalf<Upgraded>>),
    Body(ByteStream),
}

impl std::fmt::Debug for AttachReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            ReaderInner::Upgraded(_) => "AttachReader(upgraded)",
            ReaderInner::Body(_) => "AttachReader(body)",
        })
    }
}

/// Read size of the hijacked connection: the daemon's copy buffer is 32 KiB.
const ATTACH_READ_CAPACITY: usize = 64 * 1024;

impl Stream for AttachReader {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.inner {
            ReaderInner::Upgraded(r) => r.poll_next_unpin(cx),
            ReaderInner::Body(b) => b
                .poll_next_unpin(cx)
                .map(|item| item.map(|r| r.map_err(io::Error::other))),
        }
    }
}

/// A file or directory's metadata, from the `X-Docker-Container-Path-Stat` header of
/// `ContainerArchiveInfo` (HEAD) and `ContainerArchive` (GET).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathStat {
    /// Base name of the path.
    #[serde(default)]
    pub name: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: i64,
    /// Go `os.FileMode`: permission bits plus type bits in the high bits.
    #[serde(default)]
    pub mode: u32,
    /// Modification time, RFC 3339.
    #[serde(default)]
    pub mtime: String,
    /// Target of a symbolic link (empty otherwise).
    #[serde(default, rename = "linkTarget")]
    pub link_target: String,
}

impl PathStat {
    /// The header carrying it.
    pub const HEADER: &'static str = "X-Docker-Container-Path-Stat";

    /// Decodes the header value: base64 (standard alphabet) of a JSON object.
    pub fn from_header(value: &str) -> Result<PathStat, String> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        serde_json::from_slice(&raw).map_err(|e| format!("not the expected JSON: {e}"))
    }

    /// Unix permission bits.
    pub fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }

    /// Go's `os.ModeDir`.
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }

    /// Go's `os.ModeSymlink`.
    pub fn is_symlink(&self) -> bool {
        self.mode & (1 << 27) != 0
    }
}

/// A tar archive from a container, with the stat of the path it was taken from.
pub struct Archive {
    /// From the `X-Docker-Container-Path-Stat` header (absent on some old daemons).
    pub stat: Option<PathStat>,
    /// The tar archive as it arrives.
    pub body: ByteStream,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("stat", &self.stat)
            .finish_non_exhaustive()
    }
}

/// A typed view of a progress message, for progress displays (one bar per layer id).
///
/// Generated crates implement it for their `CreateImageInfo`, `PushImageInfo` and
/// `BuildInfo` models (fields a version lacks answer `None`).
pub trait ProgressReport {
    /// The layer or object the message is about.
    fn id(&self) -> Option<&str> {
        None
    }
    /// `Downloading`, `Pull complete`, ...
    fn status(&self) -> Option<&str> {
        None
    }
    /// The daemon's own rendering of the progress bar.
    fn progress_text(&self) -> Option<&str> {
        None
    }
    /// Bytes done so far, when the message counts bytes.
    fn current(&self) -> Option<i64> {
        None
    }
    /// Bytes in total, when known.
    fn total(&self) -> Option<i64> {
        None
    }
    /// Free text output (build steps, `Loaded image: …`).
    fn stream_text(&self) -> Option<&str> {
        None
    }
}

impl ProgressReport for serde_json::Value {
    fn id(&self) -> Option<&str> {
        self.get("id")?.as_str()
    }
    fn status(&self) -> Option<&str> {
        self.get("status")?.as_str()
    }
    fn progress_text(&self) -> Option<&str> {
        self.get("progress")?.as_str()
    }
    fn current(&self) -> Option<i64> {
        self.get("progressDetail")?.get("current")?.as_i64()
    }
    fn total(&self) -> Option<i64> {
        self.get("progressDetail")?.get("total")?.as_i64()
    }
    fn stream_text(&self) -> Option<&str> {
        self.get("stream")?.as_str()
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

impl RequestBuilder {
    /// Sends a logs request; the answer is decoded as multiplexed or raw frames as
    /// `rule` decides.
    pub async fn send_logs(self, rule: FramingRule) -> Result<LogOutput, Error> {
        let response = self.send().await?;
        let framing = rule.resolve(response.content_type()).await?;
        Ok(LogStream::new(framing, response.bytes_stream()))
    }

    /// Hijacks the connection (`Upgrade: tcp`) for attach or exec start.
    ///
    /// A 2xx answer without the upgrade (a detached exec start) is not an error: the
    /// result's output is the (usually empty) body and writing input fails.
    pub async fn send_attach(self, rule: FramingRule) -> Result<Attached, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let (resp, info) = self
            .header("Connection", "Upgrade")
            .header("Upgrade", "tcp")
            .dispatch()
            .await?;
        if resp.status().as_u16() != 101 {
            let response = check_status(resp, info, false).await?;
            if crate::daemon::is_acknowledgement(response.content_type()) {
                // Podman's detached exec start: "\n" as text/plain, no output to decode.
                response.bytes().await?;
                let empty: ByteStream = Box::pin(futures_util::stream::empty());
                return Ok(Attached {
                    input: AttachInput { inner: None },
                    output: LogStream::new(
                        Framing::Raw,
                        AttachReader {
                            inner: ReaderInner::Body(empty),
                        },
                    ),
                });
            }
            let framing = rule.resolve(response.content_type()).await?;
            return Ok(Attached {
                input: AttachInput { inner: None },
                output: LogStream::new(
                    framing,
                    AttachReader {
                        inner: ReaderInner::Body(response.bytes_stream()),
                    },
                ),
            });
        }
        let headers = resp.headers().clone();
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let upgraded = resp.upgrade().await.map_err(|e| {
            info.transport
                .transport_error(TransportErrorKind::ConnectionClosed, Box::new(e))
        })?;
        let framing = match rule.resolve(content_type.as_deref()).await {
            Ok(f) => f,
            Err(e @ Error::UnknownFraming { .. }) => {
                return Err(Error::Upgrade {
                    request: describe,
                    message: e.to_string(),
                })
            }
            Err(e) => return Err(e),
        };
        let (read, write) = tokio::io::split(Upgraded::new(upgraded, headers));
        Ok(Attached {
            input: AttachInput { inner: Some(write) },
            output: LogStream::new(
                framing,
                AttachReader {
                    inner: ReaderInner::Upgraded(ReaderStream::with_capacity(
                        read,
                        ATTACH_READ_CAPACITY,
                    )),
                },
            ),
        })
    }

    /// Sends the request and decodes the body as newline-delimited JSON values.
    pub async fn send_json_stream<T>(self) -> Result<JsonStream<T>, Error> {
        Ok(NdjsonStream::new(self.send().await?.bytes_stream()))
    }

    /// Sends the request and decodes the body as progress messages.
    pub async fn send_progress<T>(self) -> Result<Progress<T>, Error> {
        Ok(ProgressStream::new(self.send().await?.bytes_stream()))
    }

    /// Sends the request and returns the body as it arrives.
    pub async fn send_bytes(self) -> Result<ByteStream, Error> {
        Ok(self.send().await?.bytes_stream())
    }

    /// Sends the request and returns the archive body with the stat of its path.
    pub async fn send_archive(self) -> Result<Archive, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let response = self.send().await?;
        let stat = match response.header_str(PathStat::HEADER) {
            Some(v) => Some(PathStat::from_header(v).map_err(|message| Error::Header {
                request: describe,
                name: PathStat::HEADER,
                message,
            })?),
            None => None,
        };
        Ok(Archive {
            stat,
            body: response.bytes_stream(),
        })
    }

    /// Sends the request (usually `HEAD`) and decodes the `X-Docker-Container-Path-Stat`
    /// header.
    pub async fn send_path_stat(self) -> Result<PathStat, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let response = self.send().await?;
        let stat = match response.header_str(PathStat::HEADER) {
            Some(v) => PathStat::from_header(v),
            None => Err("the daemon sent no such header".to_owned()),
        }
        .map_err(|message| Error::Header {
            request: describe,
            name: PathStat::HEADER,
            message,
        })?;
        // Drain whatever body there is so the connection returns to the pool.
        response.bytes().await?;
        Ok(stat)
    }

    /// Sends a `/_ping` request and reads the daemon's capability headers.
    pub async fn send_ping(self) -> Result<PingInfo, Error> {
        let response = self.send().await?;
        let info = PingInfo::from_headers(response.headers());
        response.bytes().await?;
        Ok(info)
    }
}

impl PingInfo {
    /// Reads the `/_ping` answer headers.
    pub fn from_headers(headers: &http::HeaderMap) -> PingInfo {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        PingInfo {
            api_version: get("api-version"),
            os_type: get("ostype"),
            builder_version: get("builder-version"),
            swarm: get("swarm"),
            experimental: get("docker-experimental")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
            server: get("server"),
        }
    }
}

/// The first item of a stream of values (e.g. `ContainerStats` with `stream=false`);
/// an empty stream is an error.
pub async fn first_item<S, T>(stream: S) -> Result<T, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut stream = std::pin::pin!(stream);
    match stream.next().await {
        Some(item) => Ok(item?),
        None => Err(Error::stream_read(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the daemon closed the stream without sending a value",
        ))),
    }
}

/// Reads a whole [`ByteStream`] (for small archives and tests).
pub async fn collect_bytes(mut stream: ByteStream) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The frames' payloads concatenated per stream: `(stdout, stderr)`; console (TTY)
/// output counts as stdout. For tests and small outputs.
pub fn split_output<'a>(frames: impl IntoIterator<Item = &'a LogFrame>) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    for f in frames {
        match f.stream {
            crate::stream::StdStream::Stderr => err.extend_from_slice(&f.bytes),
            _ => out.extend_from_slice(&f.bytes),
        }
    }
    (out, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_stat_header() {
        // What Docker 26.1 sent for a 5-byte file /tmp/x.
        let json =
            r#"{"name":"x","size":5,"mode":420,"mtime":"2026-11-22T08:00:00Z","linkTarget":""}"#;
        let header = base64::engine::general_purpose::STANDARD.encode(json);
        let stat = PathStat::from_header(&header).unwrap();
        assert_eq!(stat.name, "x");
        assert_eq!(stat.size, 5);
        assert_eq!(stat.permissions(), 0o644);
        assert!(!stat.is_dir() && !stat.is_symlink());
        let dir = PathStat {
            mode: (1 << 31) | 0o755,
            ..PathStat::default()
        };
        assert!(dir.is_dir());
        assert!(PathStat::from_header("%%%").unwrap_err().contains("base64"));
        let not_json = base64::engine::general_purpose::STANDARD.encode("[1]");
        assert!(PathStat::from_header(&not_json)
            .unwrap_err()
            .contains("JSON"));
    }

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

    #[test]
    fn value_progress_report() {
        let v = serde_json::json!({"id": "abc", "status": "Downloading",
            "progressDetail": {"current": 5, "total": 10}, "progress": "[=>  ]"});
        assert_eq!(v.id(), Some("abc"));
        assert_eq!(v.status(), Some("Downloading"));
        assert_eq!((v.current(), v.total()), (Some(5), Some(10)));
        assert_eq!(v.progress_text(), Some("[=>  ]"));
        assert_eq!(v.stream_text(), None);
    }
}
