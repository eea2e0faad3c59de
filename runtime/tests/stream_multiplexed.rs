//! Multiplexed ("stdcopy") and raw container output: exact frames, every chunking,
//! and the framing failures other clients got wrong.
#![cfg(feature = "client")]

use bytes::Bytes;
use dockwright_runtime::stream::{
    Decoder, Framing, LogFrame, LogStream, MultiplexedDecoder, RawDecoder, StdStream,
    DEFAULT_MAX_FRAME_LEN,
};
use dockwright_runtime::Error;
use futures_util::stream::{self, FusedStream, StreamExt};

fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, 0, 0, 0];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Pushes `chunks`, draining after each, then ends and drains: the way the adapter
/// drives a decoder.
fn decode_chunks<D: Decoder<Item = LogFrame>>(
    mut d: D,
    chunks: &[&[u8]],
) -> Vec<Result<LogFrame, String>> {
    let mut out = Vec::new();
    for chunk in chunks {
        d.push(Bytes::copy_from_slice(chunk));
        while let Some(item) = d.next_item() {
            out.push(item.map_err(|e| e.to_string()));
        }
    }
    d.end();
    while let Some(item) = d.next_item() {
        out.push(item.map_err(|e| e.to_string()));
    }
    assert!(d.is_finished(), "decoder not finished after end + drain");
    assert!(d.next_item().is_none());
    out
}

fn sample() -> (Vec<u8>, Vec<Result<LogFrame, String>>) {
    let mut input = frame(1, b"line one\n");
    input.extend(frame(2, b"warning: \xff not utf-8\n"));
    input.extend(frame(0, b"echo"));
    input.extend(frame(1, b"\r\n"));
    let expected = vec![
        Ok(LogFrame::new(StdStream::Stdout, &b"line one\n"[..])),
        Ok(LogFrame::new(
            StdStream::Stderr,
            &b"warning: \xff not utf-8\n"[..],
        )),
        Ok(LogFrame::new(StdStream::Stdin, &b"echo"[..])),
        Ok(LogFrame::new(StdStream::Stdout, &b"\r\n"[..])),
    ];
    (input, expected)
}

#[test]
fn exact_frames_in_one_chunk() {
    let (input, expected) = sample();
    assert_eq!(
        decode_chunks(MultiplexedDecoder::new(), &[&input]),
        expected
    );
}

#[test]
fn every_single_split_point_gives_the_same_frames() {
    let (input, expected) = sample();
    for cut in 0..=input.len() {
        let (a, b) = input.split_at(cut);
        assert_eq!(
            decode_chunks(MultiplexedDecoder::new(), &[a, b]),
            expected,
            "split at {cut}"
        );
    }
}

#[test]
fn byte_by_byte_gives_the_same_frames() {
    let (input, expected) = sample();
    let chunks: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(decode_chunks(MultiplexedDecoder::new(), &chunks), expected);
}

#[test]
fn zero_length_frames_are_skipped() {
    let mut input = frame(1, b"");
    input.extend(frame(1, b"a"));
    input.extend(frame(2, b""));
    input.extend(frame(2, b"b"));
    input.extend(frame(1, b""));
    assert_eq!(
        decode_chunks(MultiplexedDecoder::new(), &[&input]),
        vec![
            Ok(LogFrame::new(StdStream::Stdout, "a")),
            Ok(LogFrame::new(StdStream::Stderr, "b")),
        ]
    );
    assert_eq!(
        decode_chunks(MultiplexedDecoder::new(), &[&frame(1, b""), &frame(2, b"")]),
        vec![]
    );
}

#[test]
fn four_gib_header_is_rejected_without_allocating() {
    let header = [1u8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
    let mut d = MultiplexedDecoder::new();
    d.push(Bytes::copy_from_slice(&header));
    match d.next_item() {
        Some(Err(Error::FrameTooLarge { len, max })) => {
            assert_eq!(len, 0xffff_ffff);
            assert_eq!(max, DEFAULT_MAX_FRAME_LEN);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.retained_bytes(), 0);
    assert!(d.is_finished());
    assert!(d.next_item().is_none());
}

#[test]
fn memory_follows_received_bytes_not_the_announced_length() {
    // With the limit lifted, a 4 GiB announcement must still only hold what arrived.
    let mut d = MultiplexedDecoder::new().with_max_frame_len(usize::MAX);
    d.push(Bytes::from_static(&[2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    assert!(d.next_item().is_none());
    assert_eq!(d.retained_bytes(), 8);
    for _ in 0..100 {
        d.push(Bytes::from(vec![b'x'; 1000]));
        assert!(d.next_item().is_none());
    }
    assert_eq!(d.retained_bytes(), 8 + 100_000);
    d.end();
    match d.next_item() {
        Some(Err(Error::Truncated { expected, received })) => {
            assert_eq!((expected, received), (0xffff_ffff, 100_000));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.retained_bytes(), 0);
    assert!(d.next_item().is_none());
}

#[test]
fn frame_at_exactly_the_limit_is_accepted_one_byte_more_is_not() {
    let ok = frame(1, &[7u8; 64]);
    assert_eq!(
        decode_chunks(MultiplexedDecoder::new().with_max_frame_len(64), &[&ok]),
        vec![Ok(LogFrame::new(StdStream::Stdout, vec![7u8; 64]))]
    );
    let too_big = frame(1, &[7u8; 65]);
    let out = decode_chunks(
        MultiplexedDecoder::new().with_max_frame_len(64),
        &[&too_big],
    );
    assert_eq!(out.len(), 1);
    assert!(
        out[0]
            .as_ref()
            .unwrap_err()
            .contains("65 bytes exceeds the limit of 64"),
        "{out:?}"
    );
}

#[test]
fn truncated_header_and_truncated_payload() {
    let out = decode_chunks(MultiplexedDecoder::new(), &[&[1, 0, 0, 0, 0]]);
    assert_eq!(
        out,
        vec![Err(
            "stream ended inside a frame: expected 8 more bytes, got 5".to_owned()
        )]
    );
    let mut input = frame(1, b"complete");
    input.extend_from_slice(&frame(2, b"cut short")[..12]);
    let out = decode_chunks(MultiplexedDecoder::new(), &[&input]);
    assert_eq!(
        out,
        vec![
            Ok(LogFrame::new(StdStream::Stdout, "complete")),
            Err("stream ended inside a frame: expected 9 more bytes, got 4".to_owned()),
        ]
    );
}

#[test]
fn tty_output_read_as_multiplexed_fails_fast() {
    // The #711-style mistake: TTY text taken for frame headers.
    let out = decode_chunks(
        MultiplexedDecoder::new(),
        &[b"hello world, this is a TTY\n"],
    );
    assert_eq!(out.len(), 1);
    let err = out[0].as_ref().unwrap_err();
    assert!(err.contains("invalid stream type 0x68"), "{err}");
    assert!(err.contains("TTY"), "{err}");
    // Nothing after a framing error, even if more (valid-looking) bytes follow.
    let mut input = vec![4, 0, 0, 0, 0, 0, 0, 1, b'x'];
    input.extend(frame(1, b"after"));
    let out = decode_chunks(MultiplexedDecoder::new(), &[&input]);
    assert_eq!(out.len(), 1);
    assert!(out[0].is_err());
}

#[test]
fn system_error_frame_becomes_a_daemon_error_and_decoding_continues() {
    let mut input = frame(1, b"before");
    input.extend(frame(3, b"error from daemon in stream: container gone\n"));
    input.extend(frame(1, b"after"));
    let mut d = MultiplexedDecoder::new();
    d.push(Bytes::from(input));
    d.end();
    assert_eq!(
        d.next_item().unwrap().unwrap(),
        LogFrame::new(StdStream::Stdout, "before")
    );
    match d.next_item() {
        Some(Err(Error::Daemon { message })) => {
            assert_eq!(message, "error from daemon in stream: container gone");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        d.next_item().unwrap().unwrap(),
        LogFrame::new(StdStream::Stdout, "after")
    );
    assert!(d.next_item().is_none());
    // Even an empty system-error frame is an error.
    let out = decode_chunks(MultiplexedDecoder::new(), &[&frame(3, b"")]);
    assert!(
        matches!(&out[..], [Err(m)] if m.contains("empty system-error frame")),
        "{out:?}"
    );
}

#[test]
fn raw_mode_passes_chunks_through_unchanged() {
    let out = decode_chunks(
        RawDecoder::new(),
        &[b"\x01\x00\x00\x00", b"", b"prompt$ ", b"\r\n"],
    );
    assert_eq!(
        out,
        vec![
            Ok(LogFrame::new(StdStream::Console, &b"\x01\x00\x00\x00"[..])),
            Ok(LogFrame::new(StdStream::Console, "prompt$ ")),
            Ok(LogFrame::new(StdStream::Console, "\r\n")),
        ]
    );
}

fn body(
    chunks: Vec<Vec<u8>>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))))
}

#[tokio::test]
async fn log_stream_multiplexed_over_a_byte_stream() {
    let (input, expected) = sample();
    let chunks: Vec<Vec<u8>> = input.chunks(3).map(<[u8]>::to_vec).collect();
    let mut s = LogStream::multiplexed(body(chunks));
    assert_eq!(s.framing(), Framing::Multiplexed);
    let mut got = Vec::new();
    while let Some(item) = s.next().await {
        got.push(item.map_err(|e| e.to_string()));
    }
    assert_eq!(got, expected);
    assert!(s.is_terminated());
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn log_stream_raw_and_content_type_selection() {
    let chunks = vec![b"abc".to_vec(), b"def".to_vec()];
    let s = LogStream::from_content_type(Some(Framing::RAW_CONTENT_TYPE), Some(true), body(chunks))
        .unwrap();
    assert_eq!(s.framing(), Framing::Raw);
    let got: Vec<_> = s.map(|r| r.unwrap()).collect().await;
    assert_eq!(
        got,
        vec![
            LogFrame::new(StdStream::Console, "abc"),
            LogFrame::new(StdStream::Console, "def")
        ]
    );

    let s = LogStream::from_content_type(
        Some("application/vnd.docker.multiplexed-stream"),
        Some(true),
        body(vec![frame(2, b"e")]),
    )
    .unwrap();
    let got: Vec<_> = s.map(|r| r.unwrap()).collect().await;
    assert_eq!(got, vec![LogFrame::new(StdStream::Stderr, "e")]);

    let Err(err) = LogStream::from_content_type(None, None, body(vec![])) else {
        panic!("framing decided without content type or hint");
    };
    assert!(matches!(err, Error::UnknownFraming { content_type: None }));
    assert!(err.to_string().contains("TTY setting"), "{err}");
}

#[tokio::test]
async fn transport_error_is_reported_once_then_the_stream_ends() {
    let mut partial = frame(1, b"whole");
    partial.extend_from_slice(&frame(1, b"half")[..10]);
    let inner = stream::iter(vec![
        Ok(Bytes::from(partial)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset by peer",
        )),
        Ok(Bytes::from(frame(1, b"never read"))),
    ]);
    let got: Vec<_> = LogStream::multiplexed(inner).collect().await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0].as_ref().unwrap(),
        &LogFrame::new(StdStream::Stdout, "whole")
    );
    match &got[1] {
        Err(Error::StreamRead(source)) => {
            assert!(source.to_string().contains("reset by peer"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn framing_error_stops_reading_an_endless_body() {
    // An attach body never ends by itself (#251); after a framing error the adapter must
    // end instead of reading (and discarding) forever.
    let endless = stream::repeat_with(|| Ok::<_, std::io::Error>(Bytes::from_static(b"garbage")));
    let got: Vec<_> = LogStream::multiplexed(endless).collect().await;
    assert_eq!(got.len(), 1);
    assert!(matches!(got[0], Err(Error::InvalidStreamType(b'g'))));
}

#[tokio::test]
async fn max_frame_len_builder_applies() {
    let got: Vec<_> = LogStream::multiplexed(body(vec![frame(1, &[0u8; 100])]))
        .with_max_frame_len(10)
        .collect()
        .await;
    assert!(
        matches!(got[..], [Err(Error::FrameTooLarge { len: 100, max: 10 })]),
        "{got:?}"
    );
}
