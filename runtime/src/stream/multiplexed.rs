//! Container output without a TTY: the daemon's 8-byte-header framing ("stdcopy").
//!
//! A container without a TTY has separate stdout and stderr pipes, and the daemon
//! interleaves them on one connection as frames:
//!
//! ```text
//! [stream type: u8][0][0][0][payload length: u32 big-endian][payload …]
//! ```
//!
//! with stream type 0 = stdin, 1 = stdout, 2 = stderr, 3 = a daemon error. A container
//! *with* a TTY has a single pseudo-terminal, so the daemon sends its bytes as they come,
//! unframed. Which of the two a response is cannot be told reliably from the bytes, so
//! the caller picks (see [`Framing::detect`](super::Framing::detect)); the raw decoder
//! and the stream adapter over both are in `log_stream.rs`.

use std::borrow::Cow;
use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};

use super::{Decoder, Error};

/// Default for [`MultiplexedDecoder::with_max_frame_len`]: 16 MiB.
///
/// The daemon cuts frames at its copy-buffer size (32 KiB) and log messages at 16 KiB, so
/// anything near this limit is not a real frame: it is almost always TTY output read as
/// multiplexed, where four text bytes are taken for a length. The limit turns that into
/// a prompt error instead of waiting for gigabytes that will never come.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

const HEADER_LEN: usize = 8;

// Chunks shorter than this are copied together rather than queued (see `small`).
const SMALL_CHUNK: usize = 1024;

/// Which of a container's streams a [`LogFrame`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StdStream {
    /// Stream type 0. The daemon uses it only when echoing stdin on attach.
    Stdin,
    /// Stream type 1.
    Stdout,
    /// Stream type 2.
    Stderr,
    /// Output of a TTY container: stdout and stderr share one terminal, so the daemon
    /// cannot tell them apart either.
    Console,
}

/// One piece of container output.
///
/// In multiplexed mode a frame is exactly one frame the daemon sent (for `docker logs`
/// that is usually one log line, with its timestamp when requested). In raw mode it is
/// whatever chunk the transport delivered: TTY output has no boundaries to preserve.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LogFrame {
    /// Where the bytes came from.
    pub stream: StdStream,
    /// The payload, never empty.
    pub bytes: Bytes,
}

impl LogFrame {
    /// Builds a frame (mainly for tests and fakes of the daemon).
    pub fn new(stream: StdStream, bytes: impl Into<Bytes>) -> Self {
        LogFrame {
            stream,
            bytes: bytes.into(),
        }
    }

    /// The payload as text; container output is not guaranteed to be UTF-8.
    pub fn text_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// Sans-IO decoder of multiplexed ("stdcopy") frames.
///
/// - Zero-length frames are skipped: they carry nothing, and yielding empty frames
///   would force every consumer to filter them.
/// - A frame on stream type 3 (the daemon's system-error stream) becomes
///   [`Error::Daemon`] with its text; decoding continues because the framing
///   is intact.
/// - The three padding bytes of the header are not checked, like the daemon's own
///   reader does, so that a daemon that one day uses them does not break this client.
/// - Frames are delivered whole. A frame whose header announces more than the maximum
///   is an error ([`Error::FrameTooLarge`]) raised as soon as the header arrives,
///   and the decoder never reserves memory for announced bytes: it only holds bytes
///   actually received. Payloads that arrive within one chunk of at least 1 KiB are
///   sliced out of it without copying; smaller chunks are coalesced, so input trickled
///   in tiny pieces costs no more memory than the bytes themselves.
#[derive(Debug)]
pub struct MultiplexedDecoder {
    // Received, not yet consumed input, oldest first: `input` then `small`. Every chunk
    // in `input` is non-empty.
    input: VecDeque<Bytes>,
    // Small chunks are appended here instead of being queued one by one: a peer that
    // trickles a frame byte by byte must not cost a queue entry (and an allocation) per
    // byte. Moved into `input` once a whole frame is available.
    small: BytesMut,
    // Total of `input` and `small`.
    buffered: usize,
    max_frame_len: usize,
    ended: bool,
    finished: bool,
}

impl Default for MultiplexedDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl MultiplexedDecoder {
    /// A decoder with the [default frame limit](DEFAULT_MAX_FRAME_LEN).
    pub fn new() -> Self {
        MultiplexedDecoder {
            input: VecDeque::new(),
            small: BytesMut::new(),
            buffered: 0,
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            ended: false,
            finished: false,
        }
    }

    /// Sets the largest payload accepted in one frame; it bounds the memory one
    /// incomplete frame can hold.
    pub fn with_max_frame_len(mut self, max: usize) -> Self {
        self.max_frame_len = max;
        self
    }

    /// [`with_max_frame_len`](Self::with_max_frame_len) on a decoder held by reference.
    pub(super) fn set_max_frame_len(&mut self, max: usize) {
        self.max_frame_len = max;
    }

    /// The configured frame limit.
    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }

    /// Bytes currently held for an incomplete frame.
    ///
    /// Exposed so callers (and tests) can verify that memory follows the bytes
    /// received, never the lengths announced.
    pub fn retained_bytes(&self) -> usize {
        self.buffered
    }

    fn fail(&mut self, err: Error) -> Option<Result<LogFrame, Error>> {
        self.finished = true;
        self.input = VecDeque::new();
        self.small = BytesMut::new();
        self.buffered = 0;
        Some(Err(err))
    }

    fn peek_header(&self) -> [u8; HEADER_LEN] {
        // The common case: the whole header is in the oldest chunk.
        if let Some(front) = self.input.front() {
            if let Some(header) = front.get(..HEADER_LEN) {
                return header.try_into().expect("HEADER_LEN bytes");
            }
        }
        let mut header = [0u8; HEADER_LEN];
        let mut filled = 0;
        for chunk in self.input.iter().map(|c| &c[..]).chain([&self.small[..]]) {
            let n = (HEADER_LEN - filled).min(chunk.len());
            header[filled..filled + n].copy_from_slice(&chunk[..n]);
            filled += n;
            if filled == HEADER_LEN {
                break;
            }
        }
        debug_assert_eq!(filled, HEADER_LEN);
        header
    }

    /// Drops the next `n` bytes (which must be buffered) without making a `Bytes` of them:
    /// a frame header costs no reference-count traffic on the shared chunk.
    fn skip(&mut self, mut n: usize) {
        debug_assert!(n <= self.buffered && self.small.is_empty());
        self.buffered -= n;
        while n > 0 {
            let front = self.input.front_mut().expect("enough bytes buffered");
            if front.len() <= n {
                n -= front.len();
                self.input.pop_front();
            } else {
                bytes::Buf::advance(front, n);
                n = 0;
            }
        }
    }

    /// Called when more input is needed: a short unconsumed tail (part of the next
    /// frame) is copied out so that the transport's large read buffer it was sliced from
    /// is no longer referenced and can be reused for the next read instead of being
    /// reallocated (and page-faulted in) every time.
    fn release_tail(&mut self) {
        const TAIL_COPY_MAX: usize = 4 * 1024;
        if self.input.is_empty() || self.buffered > TAIL_COPY_MAX {
            return;
        }
        let mut tail = BytesMut::with_capacity(self.buffered.max(SMALL_CHUNK));
        for chunk in self.input.drain(..) {
            tail.extend_from_slice(&chunk);
        }
        tail.extend_from_slice(&self.small);
        self.small = tail;
    }

    fn flush_small(&mut self) {
        if !self.small.is_empty() {
            self.input.push_back(self.small.split().freeze());
        }
    }

    /// Removes the next `n` bytes (which must be buffered, and flushed into `input`),
    /// copying only when they span several chunks.
    fn take(&mut self, n: usize) -> Bytes {
        debug_assert!(n <= self.buffered && self.small.is_empty());
        if n == 0 {
            return Bytes::new();
        }
        self.buffered -= n;
        let front_len = self.input.front().map_or(0, Bytes::len);
        if front_len > n {
            return self.input.front_mut().expect("non-empty").split_to(n);
        }
        if front_len == n {
            return self.input.pop_front().expect("non-empty");
        }
        // `n` bytes have been received, so this allocation is backed by real input.
        let mut out = BytesMut::with_capacity(n);
        while out.len() < n {
            let need = n - out.len();
            let front = self.input.front_mut().expect("enough bytes buffered");
            if front.len() <= need {
                out.extend_from_slice(&self.input.pop_front().expect("non-empty"));
            } else {
                out.extend_from_slice(&front.split_to(need));
            }
        }
        out.freeze()
    }
}

impl Decoder for MultiplexedDecoder {
    type Item = LogFrame;

    fn push(&mut self, chunk: Bytes) {
        if self.finished || self.ended || chunk.is_empty() {
            return;
        }
        self.buffered += chunk.len();
        if chunk.len() < SMALL_CHUNK {
            self.small.extend_from_slice(&chunk);
        } else {
            self.flush_small();
            self.input.push_back(chunk);
        }
    }

    fn end(&mut self) {
        self.ended = true;
    }

    fn next_item(&mut self) -> Option<Result<LogFrame, Error>> {
        loop {
            if self.finished {
                return None;
            }
            if self.buffered < HEADER_LEN {
                if !self.ended {
                    self.release_tail();
                    return None;
                }
                if self.buffered == 0 {
                    self.finished = true;
                    return None;
                }
                let received = self.buffered as u64;
                return self.fail(Error::Truncated {
                    expected: HEADER_LEN as u64,
                    received,
                });
            }
            let header = self.peek_header();
            let stream = match header[0] {
                0 => Some(StdStream::Stdin),
                1 => Some(StdStream::Stdout),
                2 => Some(StdStream::Stderr),
                3 => None,
                other => return self.fail(Error::InvalidStreamType(other)),
            };
            let len = u64::from(u32::from_be_bytes([
                header[4], header[5], header[6], header[7],
            ]));
            if len > self.max_frame_len as u64 {
                return self.fail(Error::FrameTooLarge {
                    len,
                    max: self.max_frame_len,
                });
            }
            // Fits: len <= max_frame_len, a usize.
            let len = len as usize;
            let available = self.buffered - HEADER_LEN;
            if available < len {
                if !self.ended {
                    self.release_tail();
                    return None;
                }
                return self.fail(Error::Truncated {
                    expected: len as u64,
                    received: available as u64,
                });
            }
            self.flush_small();
            self.skip(HEADER_LEN);
            let payload = self.take(len);
            match stream {
                None => {
                    let text = String::from_utf8_lossy(&payload);
                    let text = text.trim_end();
                    let message = if text.is_empty() {
                        "unspecified error (empty system-error frame)".to_owned()
                    } else {
                        text.to_owned()
                    };
                    return Some(Err(Error::Daemon { message }));
                }
                Some(_) if payload.is_empty() => continue,
                Some(stream) => {
                    return Some(Ok(LogFrame {
                        stream,
                        bytes: payload,
                    }))
                }
            }
        }
    }

    fn is_finished(&self) -> bool {
        self.finished || (self.ended && self.buffered == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![kind, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn drain(d: &mut impl Decoder<Item = LogFrame>) -> Vec<Result<LogFrame, String>> {
        std::iter::from_fn(|| d.next_item())
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn payload_within_one_chunk_is_not_copied() {
        let payload = vec![b'h'; SMALL_CHUNK];
        let input = Bytes::from(frame(1, &payload));
        let mut d = MultiplexedDecoder::new();
        d.push(input.clone());
        let f = d.next_item().unwrap().unwrap();
        assert_eq!(f.bytes, payload);
        // Same allocation: the payload is a slice of the pushed chunk.
        assert_eq!(f.bytes.as_ptr(), input[8..].as_ptr());
    }

    #[test]
    fn trickled_bytes_do_not_cost_a_queue_entry_each() {
        let mut d = MultiplexedDecoder::new();
        let input = frame(1, &vec![b'x'; 100_000]);
        for b in &input[..input.len() - 1] {
            d.push(Bytes::copy_from_slice(&[*b]));
            assert!(d.next_item().is_none());
        }
        assert!(d.input.is_empty());
        assert!(d.small.capacity() < 4 * input.len());
        d.push(Bytes::copy_from_slice(&input[input.len() - 1..]));
        assert_eq!(d.next_item().unwrap().unwrap().bytes.len(), 100_000);
        assert_eq!(d.retained_bytes(), 0);
        // Large chunks are still queued, not copied.
        let big = Bytes::from(frame(2, &vec![b'y'; 5000]));
        d.push(Bytes::from_static(b"\x02\0\0"));
        d.push(big.slice(3..));
        assert_eq!(d.input.len(), 2);
        let f = d.next_item().unwrap().unwrap();
        assert_eq!(f.bytes.as_ptr(), big[8..].as_ptr());
    }

    #[test]
    fn header_split_across_three_chunks() {
        let input = frame(2, b"oops");
        let mut d = MultiplexedDecoder::new();
        d.push(Bytes::copy_from_slice(&input[..3]));
        assert!(d.next_item().is_none());
        d.push(Bytes::copy_from_slice(&input[3..7]));
        assert!(d.next_item().is_none());
        d.push(Bytes::copy_from_slice(&input[7..]));
        assert_eq!(
            drain(&mut d),
            vec![Ok(LogFrame::new(StdStream::Stderr, "oops"))]
        );
        d.end();
        assert!(d.next_item().is_none());
        assert!(d.is_finished());
    }

    #[test]
    fn pushes_after_a_fatal_error_are_ignored() {
        let mut d = MultiplexedDecoder::new();
        d.push(Bytes::from_static(b"\x09\0\0\0\0\0\0\x01x"));
        assert!(matches!(
            d.next_item(),
            Some(Err(Error::InvalidStreamType(9)))
        ));
        d.push(Bytes::from(frame(1, b"later")));
        assert!(d.next_item().is_none());
        assert_eq!(d.retained_bytes(), 0);
        assert!(d.is_finished());
    }
}
