//! The HTTP/1.1 answer reading shared by the two unix-socket fast paths (`keepalive` for
//! short exchanges, `direct` for logs): the head parsed by httparse, the body's framing
//! decoded in place, and I/O failures turned into the transport errors the general client
//! gives.

use bytes::{Buf, BytesMut};

use crate::error::{Error, TransportErrorKind};
use crate::request::RequestInfo;

/// A head longer than this is refused (the daemon's are a few hundred bytes).
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// More header lines than this make the head malformed (the daemon sends about 8).
const MAX_HEADERS: usize = 64;
/// A chunk-size or trailer line longer than this is refused.
const MAX_LINE: usize = 1024;

/// What the answer's head says.
pub(crate) struct Head {
    /// Bytes of the buffer the head took.
    pub(crate) len: usize,
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) framing: BodyFraming,
    /// HTTP/1.0 or `Connection: close`: the connection cannot be used again.
    pub(crate) close: bool,
}

/// Parses the head at the start of `buf`: `None` while it is incomplete.
pub(crate) fn parse_head(buf: &[u8]) -> Result<Option<Head>, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
            return Err("response head too long".into())
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("malformed response head: {e}")),
    };
    let status = response.code.unwrap_or_default();
    if (100..200).contains(&status) {
        return Err("unexpected informational status".into());
    }
    let mut content_type = None;
    let mut length = None;
    let mut chunked = false;
    let mut close = response.version == Some(0);
    for header in response.headers.iter() {
        let value = String::from_utf8_lossy(header.value);
        let value = value.trim();
        if header.name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_owned());
        } else if header.name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<u64>().map_err(|_| "bad Content-Length")?);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else if header.name.eq_ignore_ascii_case("connection") {
            close = value.to_ascii_lowercase().contains("close");
        }
    }
    let framing = if status == 204 || status == 304 {
        BodyFraming::Length(0)
    } else if chunked {
        BodyFraming::Chunked(ChunkState::Size)
    } else if let Some(n) = length {
        BodyFraming::Length(n)
    } else {
        // Delimited by the end of the connection, which cannot be used again.
        close = true;
        BodyFraming::Close
    };
    Ok(Some(Head {
        len,
        status,
        content_type,
        framing,
        close,
    }))
}

pub(crate) enum ChunkState {
    /// Expecting `<hex size>[;ext]\r\n`.
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(u64),
    /// Expecting the `\r\n` after a chunk's data.
    DataEnd,
    /// After the last chunk: trailer lines up to an empty one.
    Trailers,
}

/// How the body ends, and how far decoding got.
pub(crate) enum BodyFraming {
    Chunked(ChunkState),
    Length(u64),
    Close,
}

impl BodyFraming {
    /// Moves the body bytes `buf` holds into `out` (without a copy when `out` is empty);
    /// true once the body is complete, with `buf` left holding what follows it.
    pub(crate) fn decode(
        &mut self,
        buf: &mut BytesMut,
        out: &mut BytesMut,
    ) -> Result<bool, &'static str> {
        loop {
            match self {
                BodyFraming::Close => {
                    take(out, buf, buf.len());
                    return Ok(false);
                }
                BodyFraming::Length(left) => {
                    let n = (*left).min(buf.len() as u64) as usize;
                    take(out, buf, n);
                    *left -= n as u64;
                    return Ok(*left == 0);
                }
                BodyFraming::Chunked(state) => match state {
                    ChunkState::Size => {
                        let Some(line) = take_line(buf)? else {
                            return Ok(false);
                        };
                        let hex = line[..].split(|b| *b == b';').next().unwrap_or_default();
                        let size = std::str::from_utf8(hex)
                            .ok()
                            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
                            .ok_or("bad chunk size")?;
                        *state = if size == 0 {
                            ChunkState::Trailers
                        } else {
                            ChunkState::Data(size)
                        };
                    }
                    ChunkState::Data(left) => {
                        if buf.is_empty() {
                            return Ok(false);
                        }
                        let n = (*left).min(buf.len() as u64) as usize;
                        take(out, buf, n);
                        *left -= n as u64;
                        if *left == 0 {
                            *state = ChunkState::DataEnd;
                        }
                    }
                    ChunkState::DataEnd => {
                        if buf.len() < 2 {
                            return Ok(false);
                        }
                        if &buf[..2] != b"\r\n" {
                            return Err("chunk not followed by CRLF");
                        }
                        buf.advance(2);
                        *state = ChunkState::Size;
                    }
                    ChunkState::Trailers => match take_line(buf)? {
                        None => return Ok(false),
                        Some(line) if line.is_empty() => return Ok(true),
                        Some(_) => {}
                    },
                },
            }
        }
    }
}

/// Moves the first `n` bytes of `buf` to the end of `out`.
fn take(out: &mut BytesMut, buf: &mut BytesMut, n: usize) {
    if out.is_empty() {
        *out = buf.split_to(n);
    } else {
        out.extend_from_slice(&buf[..n]);
        buf.advance(n);
    }
}

/// Takes one CRLF-terminated line off `buf`, without its CRLF; `None` until it is complete.
fn take_line(buf: &mut BytesMut) -> Result<Option<BytesMut>, &'static str> {
    match buf.windows(2).position(|w| w == b"\r\n") {
        Some(end) => {
            let line = buf.split_to(end);
            buf.advance(2);
            Ok(Some(line))
        }
        None if buf.len() > MAX_LINE => Err("chunk size or trailer line too long"),
        None => Ok(None),
    }
}

/// An I/O failure on the socket, as the transport error the general client would give.
pub(crate) fn io_error(info: &RequestInfo, e: std::io::Error) -> Error {
    use std::io::ErrorKind as Io;
    let kind = match e.kind() {
        Io::NotFound => TransportErrorKind::SocketMissing,
        Io::ConnectionRefused => TransportErrorKind::ConnectionRefused,
        Io::PermissionDenied => TransportErrorKind::PermissionDenied,
        Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe | Io::UnexpectedEof => {
            TransportErrorKind::ConnectionClosed
        }
        _ => TransportErrorKind::Other,
    };
    info.transport.transport_error(kind, Box::new(e))
}

/// An answer that is not HTTP/1.1 as these readers know it.
pub(crate) fn protocol_error(info: &RequestInfo, message: &str) -> Error {
    info.transport.transport_error(
        TransportErrorKind::Other,
        format!("{}: {message}", info.describe()).into(),
    )
}

/// A connection that ended early, saying where.
pub(crate) fn eof(where_: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        format!("connection closed {where_}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `body` fed in pieces of `piece` bytes: the bytes out, and what followed it.
    fn decode_in_pieces(
        framing: BodyFraming,
        body: &[u8],
        piece: usize,
    ) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
        let mut framing = framing;
        let (mut buf, mut out, mut all) = (BytesMut::new(), BytesMut::new(), Vec::new());
        for p in body.chunks(piece) {
            buf.extend_from_slice(p);
            let complete = framing.decode(&mut buf, &mut out)?;
            all.extend_from_slice(&out.split());
            if complete {
                return Ok((all, buf.to_vec()));
            }
        }
        Err("incomplete")
    }

    #[test]
    fn chunked_bodies_with_extensions_and_trailers_in_any_pieces() {
        let body =
            b"5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        for piece in [1, 2, 3, 7, 1000] {
            let (out, rest) =
                decode_in_pieces(BodyFraming::Chunked(ChunkState::Size), body, piece).unwrap();
            assert_eq!(out, b"hello 0123456789", "pieces of {piece}");
            assert!(b"NEXT".starts_with(&rest), "pieces of {piece}: {rest:?}");
        }
        let (out, rest) = decode_in_pieces(BodyFraming::Length(3), b"abcdef", 2).unwrap();
        assert_eq!((out, rest), (b"abc".to_vec(), b"d".to_vec()));
    }

    #[test]
    fn bad_framing_is_an_error() {
        let chunked = || BodyFraming::Chunked(ChunkState::Size);
        assert_eq!(
            decode_in_pieces(chunked(), b"zz\r\n", 100).unwrap_err(),
            "bad chunk size"
        );
        assert_eq!(
            decode_in_pieces(chunked(), b"2\r\nabX\r\n", 100).unwrap_err(),
            "chunk not followed by CRLF"
        );
        let endless = vec![b'1'; 4096];
        assert_eq!(
            decode_in_pieces(chunked(), &endless, 100).unwrap_err(),
            "chunk size or trailer line too long"
        );
    }

    #[test]
    fn heads() {
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le")
            .unwrap()
            .is_none());
        let head = parse_head(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap()
        .unwrap();
        assert_eq!((head.len, head.status, head.close), (70, 200, false));
        assert_eq!(head.content_type.as_deref(), Some("application/json"));
        assert!(matches!(head.framing, BodyFraming::Length(2)));
        let head = parse_head(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(
            matches!(head.framing, BodyFraming::Length(0)),
            "no body after 304"
        );
        let head = parse_head(b"HTTP/1.0 200 OK\r\n\r\n").unwrap().unwrap();
        assert!(head.close && matches!(head.framing, BodyFraming::Close));
        assert!(
            parse_head(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .unwrap()
                .unwrap()
                .close
        );
        assert_eq!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")
                .err()
                .unwrap(),
            "bad Content-Length"
        );
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n")
            .err()
            .unwrap()
            .contains("malformed response head"));
        assert_eq!(
            parse_head(b"HTTP/1.1 100 Continue\r\n\r\n").err().unwrap(),
            "unexpected informational status"
        );
        let mut endless = b"HTTP/1.1 200 OK\r\nX-Filler: ".to_vec();
        endless.resize(MAX_HEAD + 1, b'a');
        assert_eq!(
            parse_head(&endless).err().unwrap(),
            "response head too long"
        );
    }
}
