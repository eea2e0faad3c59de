//! The future every generated request resolves through: [`SendFuture`].
//!
//! A generated request's `send()` builds a [`RequestBuilder`] synchronously and hands it
//! here with what the response is (JSON of some type, nothing, logs, progress, ...). One
//! non-generic async function of this crate performs it; [`SendFuture`] only turns its
//! response into the operation's type at the end.
//!
//! Why this shape: when every operation of a generated crate had its own `async fn send`,
//! each carried its own state machine plus its own copy of the runtime's async decoding
//! (blocking-thread offload, time limit) for its response type, and those copies were a
//! large part of a generated client's compile time. Now the async code is compiled once,
//! in this crate; per response type only a plain decode function and a downcast remain.
//! It also gives every request's `IntoFuture` a named type in the docs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::attach::Attached;
use crate::container_archive::{Archive, PathStat};
use crate::error::Error;
use crate::framing_rule::FramingRule;
use crate::ping::PingInfo;
use crate::request::RequestBuilder;
use crate::response::{decode_json, ByteStream, Erased, Response};
use crate::send_streamed::{JsonStream, LogOutput, Progress};
use crate::stream::{NdjsonStream, ProgressStream};

/// Decodes a JSON body into a value whose type only the caller knows: `request` is
/// `METHOD /path` for error messages.
pub(crate) type ErasedDecoder = fn(body: &[u8], request: &str) -> Result<Erased, Error>;

/// [`decode_json`] for `T`, boxed: the one piece of JSON decoding that is generic.
pub(crate) fn decode_erased<T: serde::de::DeserializeOwned + Send + 'static>(
    body: &[u8],
    request: &str,
) -> Result<Erased, Error> {
    decode_json::<T>(body, request).map(|value| Box::new(value) as Erased)
}

/// The value [`decode_erased::<T>`] boxed.
pub(crate) fn unbox<T: 'static>(value: Erased) -> Result<T, Error> {
    value
        .downcast::<T>()
        .map(|value| *value)
        .map_err(|_| mismatch())
}

/// What the request's response is, i.e. which `send_*` of [`RequestBuilder`] performs it.
enum Expect {
    Json(ErasedDecoder),
    Empty,
    Text,
    Response,
    Bytes,
    Logs(FramingRule),
    Attach(FramingRule),
    Archive,
    PathStat,
    Ping,
}

/// What [`perform`] got back, before [`SendFuture`] gives it its type.
enum Performed {
    Value(Erased),
    Empty(()),
    Text(String),
    Response(Response),
    Bytes(ByteStream),
    Logs(LogOutput),
    Attached(Attached),
    Archive(Archive),
    PathStat(PathStat),
    Ping(PingInfo),
}

/// The one async function behind every generated request: the wire work, status checks,
/// time limits, body limits and tracing are those of the `send_*` methods it calls.
async fn perform(request: RequestBuilder, expect: Expect) -> Result<Performed, Error> {
    Ok(match expect {
        Expect::Json(decode) => Performed::Value(request.send().await?.json_erased(decode).await?),
        Expect::Empty => {
            request.send_empty().await?;
            Performed::Empty(())
        }
        Expect::Text => Performed::Text(request.send_text().await?),
        Expect::Response => Performed::Response(request.send().await?),
        Expect::Bytes => Performed::Bytes(request.send_bytes().await?),
        Expect::Logs(rule) => Performed::Logs(request.send_logs(rule).await?),
        Expect::Attach(rule) => Performed::Attached(request.send_attach(rule).await?),
        Expect::Archive => Performed::Archive(request.send_archive().await?),
        Expect::PathStat => Performed::PathStat(request.send_path_stat().await?),
        Expect::Ping => Performed::Ping(request.send_ping().await?),
    })
}

/// A response of another kind than the one asked for: impossible, as every constructor
/// of [`SendFuture`] pairs what it asks for with how it reads the response.
fn mismatch() -> Error {
    Error::config("dockwright internal error: the response is not of the expected kind")
}

/// The future of a generated request: `send()` returns it and `.await` on a request
/// (through `IntoFuture`) is it; it resolves to the operation's response `T`.
///
/// Nothing is sent until it is first polled. It owns everything it needs (no borrow of
/// the client), so it can be moved into a spawned task.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SendFuture<T> {
    sending: Pin<Box<dyn Future<Output = Result<Performed, Error>> + Send>>,
    finish: fn(Performed) -> Result<T, Error>,
}

impl<T> std::fmt::Debug for SendFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendFuture").finish_non_exhaustive()
    }
}

impl<T> Future for SendFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match this.sending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(performed) => Poll::Ready(performed.and_then(this.finish)),
        }
    }
}

impl<T> SendFuture<T> {
    fn start(
        request: RequestBuilder,
        expect: Expect,
        finish: fn(Performed) -> Result<T, Error>,
    ) -> Self {
        SendFuture {
            sending: Box::pin(perform(request, expect)),
            finish,
        }
    }
}

/// Reads the variant `$variant` of a [`Performed`], or fails with [`mismatch`].
macro_rules! take {
    ($variant:ident) => {
        |performed| match performed {
            Performed::$variant(value) => Ok(value),
            _ => Err(mismatch()),
        }
    };
}

impl<T: serde::de::DeserializeOwned + Send + 'static> SendFuture<T> {
    /// A JSON response decoded as `T` ([`RequestBuilder::send_json`]).
    pub fn json(request: RequestBuilder) -> Self {
        Self::start(
            request,
            Expect::Json(decode_erased::<T>),
            |performed| match performed {
                Performed::Value(value) => unbox(value),
                _ => Err(mismatch()),
            },
        )
    }
}

impl<T: serde::de::DeserializeOwned + Default + Send + 'static> SendFuture<T> {
    /// A JSON response decoded as `T`, where `null` (Go's nil list or map) means
    /// `T::default()`.
    pub fn json_or_default(request: RequestBuilder) -> Self {
        Self::start(
            request,
            Expect::Json(decode_erased::<Option<T>>),
            |performed| match performed {
                Performed::Value(value) => unbox::<Option<T>>(value).map(Option::unwrap_or_default),
                _ => Err(mismatch()),
            },
        )
    }
}

impl SendFuture<()> {
    /// A response that is read and dropped; 304 is success ([`RequestBuilder::send_empty`]).
    pub fn empty(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Empty, take!(Empty))
    }
}

impl SendFuture<String> {
    /// A text response, lossy UTF-8 ([`RequestBuilder::send_text`]).
    pub fn text(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Text, take!(Text))
    }
}

impl SendFuture<Response> {
    /// The response with its body unread, after the status check ([`RequestBuilder::send`]).
    pub fn response(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Response, take!(Response))
    }
}

impl SendFuture<ByteStream> {
    /// The body as it arrives ([`RequestBuilder::send_bytes`]).
    pub fn bytes(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Bytes, take!(Bytes))
    }
}

impl SendFuture<LogOutput> {
    /// Container output, framed as `rule` decides ([`RequestBuilder::send_logs`]).
    pub fn logs(request: RequestBuilder, rule: FramingRule) -> Self {
        Self::start(request, Expect::Logs(rule), take!(Logs))
    }
}

impl SendFuture<Attached> {
    /// A hijacked attach or exec start ([`RequestBuilder::send_attach`]).
    pub fn attach(request: RequestBuilder, rule: FramingRule) -> Self {
        Self::start(request, Expect::Attach(rule), take!(Attached))
    }
}

impl SendFuture<Archive> {
    /// A tar archive with the stat of its path ([`RequestBuilder::send_archive`]).
    pub fn archive(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Archive, take!(Archive))
    }
}

impl SendFuture<PathStat> {
    /// The `X-Docker-Container-Path-Stat` header ([`RequestBuilder::send_path_stat`]).
    pub fn path_stat(request: RequestBuilder) -> Self {
        Self::start(request, Expect::PathStat, take!(PathStat))
    }
}

impl SendFuture<PingInfo> {
    /// The daemon's `/_ping` headers ([`RequestBuilder::send_ping`]).
    pub fn ping(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Ping, take!(Ping))
    }
}

impl<T> SendFuture<JsonStream<T>> {
    /// Newline-delimited JSON values of `T` ([`RequestBuilder::send_json_stream`]).
    pub fn json_lines(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Bytes, |performed| match performed {
            Performed::Bytes(body) => Ok(NdjsonStream::new(body)),
            _ => Err(mismatch()),
        })
    }
}

impl<T> SendFuture<Progress<T>> {
    /// Progress messages of `T` ([`RequestBuilder::send_progress`]).
    pub fn progress(request: RequestBuilder) -> Self {
        Self::start(request, Expect::Bytes, |performed| match performed {
            Performed::Bytes(body) => Ok(ProgressStream::new(body)),
            _ => Err(mismatch()),
        })
    }
}
