//! The error type shared by every stream decoder.

/// Boxed transport error; the concrete type depends on the HTTP stack underneath.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong while decoding a streamed answer.
///
/// Self-contained on purpose: the decoders are usable (and fuzzable) without the HTTP
/// half of the runtime, which can wrap this type in its own error.
///
/// Which errors end a stream: `FrameTooLarge`, `Truncated`, `InvalidStreamType`,
/// `LineTooLong` and `Transport` destroy the framing, so nothing follows them. `Json`
/// concerns one NDJSON line whose neighbours are still delimited, and `Daemon` is a
/// well-formed message, so decoding continues after those two.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading the body failed (connection reset, timeout, TLS error …).
    #[error("reading the stream failed: {0}")]
    Transport(#[source] BoxError),

    /// A multiplexed frame header announced more bytes than the configured maximum.
    ///
    /// Real daemons send frames of at most a few tens of KiB; a huge length usually
    /// means the output of a TTY container is being read as multiplexed.
    #[error(
        "multiplexed frame of {len} bytes exceeds the limit of {max} bytes \
         (if the container has a TTY, its output is a raw stream, not a multiplexed one)"
    )]
    FrameTooLarge {
        /// Payload length from the frame header.
        len: u64,
        /// The decoder's configured maximum.
        max: usize,
    },

    /// The input ended inside a frame.
    #[error("stream ended inside a frame: expected {expected} more bytes, got {received}")]
    Truncated {
        /// Bytes the current frame part (8-byte header, or payload) needed.
        expected: u64,
        /// Bytes of it that arrived.
        received: u64,
    },

    /// A multiplexed frame header named a stream other than stdin, stdout, stderr or
    /// the daemon's system-error stream.
    #[error(
        "invalid stream type {0:#04x} in a multiplexed frame header \
         (if the container has a TTY, its output is a raw stream, not a multiplexed one)"
    )]
    InvalidStreamType(u8),

    /// An NDJSON line grew beyond the configured maximum without a newline.
    #[error("JSON stream line longer than {max} bytes")]
    LineTooLong {
        /// The decoder's configured maximum.
        max: usize,
    },

    /// One NDJSON line was not valid JSON, or not of the expected shape.
    #[error("cannot decode JSON stream item: {source} (near {excerpt:?})")]
    Json {
        /// A short piece of the line around the failure.
        excerpt: String,
        /// What serde_json found wrong, with the column.
        #[source]
        source: serde_json::Error,
    },

    /// The daemon reported a failure inside the stream although the HTTP status was
    /// 200: a progress message's `error`/`errorDetail`, or a multiplexed frame on the
    /// daemon's system-error stream (type 3).
    #[error("the daemon reported an error: {message}")]
    Daemon {
        /// The daemon's text, unchanged.
        message: String,
    },

    /// Neither the response's content type nor the caller said whether a log/attach
    /// stream is multiplexed or raw.
    ///
    /// Guessing from the first byte would misread TTY output that happens to start with
    /// a byte 0–2, so the caller must pass the container's `Config.Tty`.
    #[error(
        "cannot tell whether the stream is multiplexed or raw: content type {content_type:?} \
         does not say so (daemons before API 1.42 send raw-stream for both); pass the \
         container's TTY setting as the hint"
    )]
    UnknownFraming {
        /// The content type the daemon sent, if any.
        content_type: Option<String>,
    },
}

impl From<std::io::Error> for StreamError {
    fn from(err: std::io::Error) -> Self {
        StreamError::Transport(Box::new(err))
    }
}

impl StreamError {
    /// Wraps any transport-level error.
    pub fn transport(err: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        StreamError::Transport(err.into())
    }

    /// True when the daemon itself reported the failure (as opposed to the bytes being
    /// unreadable), i.e. retrying the same decode cannot help but the operation failed.
    pub fn is_daemon_error(&self) -> bool {
        matches!(self, StreamError::Daemon { .. })
    }
}
