//! NDJSON and progress streams: exact values, every chunking, CRLF, missing final
//! newline, json-seq, limits and garbage.
#![cfg(feature = "client")]

use bytes::Bytes;
use dockwright_runtime::stream::{
    daemon_error, Decoder, NdjsonDecoder, NdjsonStream, ProgressDecoder, ProgressMessage,
    ProgressStream,
};
use dockwright_runtime::Error;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

fn decode_chunks<D: Decoder>(mut d: D, chunks: &[&[u8]]) -> Vec<Result<D::Item, String>> {
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
    assert!(d.is_finished());
    assert!(d.next_item().is_none());
    out
}

fn values(input: &[u8]) -> Vec<Result<Value, String>> {
    decode_chunks(NdjsonDecoder::<Value>::new(), &[input])
}

const EVENTS: &[u8] = b"{\"Type\":\"container\",\"Action\":\"start\"}\r\n\
\r\n\
   \n\
{\"Type\":\"image\",\"Action\":\"pull\",\"n\":1}\n\
{\"Type\":\"network\",\"Action\":\"connect\"}";

fn events_expected() -> Vec<Result<Value, String>> {
    vec![
        Ok(json!({"Type": "container", "Action": "start"})),
        Ok(json!({"Type": "image", "Action": "pull", "n": 1})),
        Ok(json!({"Type": "network", "Action": "connect"})),
    ]
}

#[test]
fn exact_values_crlf_blank_lines_and_no_final_newline() {
    assert_eq!(values(EVENTS), events_expected());
}

#[test]
fn every_single_split_point_gives_the_same_values() {
    for cut in 0..=EVENTS.len() {
        let (a, b) = EVENTS.split_at(cut);
        assert_eq!(
            decode_chunks(NdjsonDecoder::<Value>::new(), &[a, b]),
            events_expected(),
            "split at {cut}"
        );
    }
    let bytes: Vec<&[u8]> = EVENTS.chunks(1).collect();
    assert_eq!(
        decode_chunks(NdjsonDecoder::<Value>::new(), &bytes),
        events_expected()
    );
}

#[test]
fn crlf_split_between_chunks() {
    // #560: the `\r` ends one read, the `\n` starts the next.
    let out = decode_chunks(
        NdjsonDecoder::<Value>::new(),
        &[b"{\"a\":1}\r", b"\n{\"a\":2}\r", b"\n"],
    );
    assert_eq!(out, vec![Ok(json!({"a": 1})), Ok(json!({"a": 2}))]);
}

#[test]
fn final_value_without_newline_is_decoded_only_at_end() {
    // #113: the last object has no newline and must not be lost (nor decoded early).
    let mut d = NdjsonDecoder::<Value>::new();
    d.push(Bytes::from_static(b"{\"id\":\"abc\",\"status\":\"done\"}"));
    assert!(
        d.next_item().is_none(),
        "must wait: more bytes of the same line may follow"
    );
    assert!(!d.is_finished());
    d.end();
    assert_eq!(
        d.next_item().unwrap().unwrap(),
        json!({"id": "abc", "status": "done"})
    );
    assert!(d.next_item().is_none());
    // A trailing `\r` without `\n` at end of input is whitespace too.
    assert_eq!(values(b"[1]\r"), vec![Ok(json!([1]))]);
    // Numbers are the case where decoding early would be wrong: `12` may become `123`.
    assert_eq!(
        decode_chunks(NdjsonDecoder::<Value>::new(), &[b"12", b"3"]),
        vec![Ok(json!(123))]
    );
}

#[test]
fn json_seq_records_and_concatenated_values() {
    assert_eq!(
        values(b"\x1e{\"a\":1}\n\x1e{\"a\":2}\n\x1e{\"a\":3}"),
        vec![
            Ok(json!({"a": 1})),
            Ok(json!({"a": 2})),
            Ok(json!({"a": 3}))
        ]
    );
    // RS without newline still separates.
    assert_eq!(values(b"\x1e1\x1e2"), vec![Ok(json!(1)), Ok(json!(2))]);
    assert_eq!(
        values(b"{\"a\":1}{\"a\":2} {\"a\":3}\n"),
        vec![
            Ok(json!({"a": 1})),
            Ok(json!({"a": 2})),
            Ok(json!({"a": 3}))
        ]
    );
}

#[test]
fn garbage_line_is_an_error_with_a_short_excerpt_and_decoding_continues() {
    let mut input = b"{\"ok\":1}\n".to_vec();
    input.extend_from_slice(b"<html>502 Bad Gateway</html>\n");
    input.extend_from_slice(b"{\"ok\":2}\n");
    let out = values(&input);
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0], Ok(json!({"ok": 1})));
    let err = out[1].as_ref().unwrap_err();
    assert!(
        err.starts_with("cannot decode JSON stream item: expected value"),
        "{err}"
    );
    assert!(err.contains("<html>502 Bad Gateway</html>"), "{err}");
    assert_eq!(out[2], Ok(json!({"ok": 2})));

    // A huge garbage line yields a bounded excerpt around the failure.
    let mut big = vec![b'['; 1];
    big.extend(std::iter::repeat_n(b'1', 100_000));
    big.extend_from_slice(b"x]\n");
    let mut d = NdjsonDecoder::<Value>::new();
    d.push(Bytes::from(big));
    match d.next_item() {
        Some(Err(Error::StreamDecode { excerpt, .. })) => {
            assert!(
                excerpt.chars().count() <= 82,
                "{} chars",
                excerpt.chars().count()
            );
            assert!(excerpt.contains("1x]"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_and_wrong_shape_are_errors_not_panics() {
    let out = values(b"\"\xff\xfe\"\n");
    assert!(
        matches!(&out[..], [Err(e)] if e.contains("cannot decode")),
        "{out:?}"
    );

    #[derive(Debug, Deserialize, PartialEq)]
    struct Stats {
        read: String,
        pids: u64,
    }
    let out = decode_chunks(
        NdjsonDecoder::<Stats>::new(),
        &[b"{\"read\":\"t0\",\"pids\":3}\n{\"read\":\"t1\",\"pids\":-1}\n{\"read\":\"t2\",\"pids\":4}\n"],
    );
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0],
        Ok(Stats {
            read: "t0".into(),
            pids: 3
        })
    );
    assert!(
        out[1]
            .as_ref()
            .unwrap_err()
            .contains("invalid value: integer `-1`"),
        "{out:?}"
    );
    assert_eq!(
        out[2],
        Ok(Stats {
            read: "t2".into(),
            pids: 4
        })
    );
}

#[test]
fn line_limit_is_exact_and_ends_the_stream() {
    let at_limit = format!("\"{}\"\n", "a".repeat(14)); // 16 bytes without the newline
    let out = decode_chunks(
        NdjsonDecoder::<Value>::new().with_max_line_len(16),
        &[at_limit.as_bytes()],
    );
    assert_eq!(out, vec![Ok(json!("a".repeat(14)))]);

    let input = format!("1\n\"{}\"\n2\n", "a".repeat(15)); // 17 bytes
    for cut in 0..=input.len() {
        let (a, b) = input.as_bytes().split_at(cut);
        let out = decode_chunks(NdjsonDecoder::<Value>::new().with_max_line_len(16), &[a, b]);
        assert_eq!(
            out,
            vec![
                Ok(json!(1)),
                Err("JSON stream line longer than 16 bytes".to_owned())
            ],
            "split at {cut}"
        );
    }
}

#[test]
fn overlong_line_never_grows_the_buffer_past_the_limit() {
    let max = 1024;
    // Byte by byte …
    let mut d = NdjsonDecoder::<Value>::new().with_max_line_len(max);
    for _ in 0..1_000_000 {
        d.push(Bytes::from_static(b"x"));
        assert!(
            d.retained_bytes() <= 4 * max,
            "retained {}",
            d.retained_bytes()
        );
        if let Some(item) = d.next_item() {
            assert!(matches!(item, Err(Error::LineTooLong { max: 1024 })));
            break;
        }
    }
    assert!(d.is_finished());
    assert_eq!(d.retained_bytes(), 0);
    // … and in one 4 MiB chunk without a newline.
    let mut d = NdjsonDecoder::<Value>::new().with_max_line_len(max);
    d.push(Bytes::from(vec![b' '; 4 << 20]));
    assert_eq!(d.retained_bytes(), 0, "the excess must not be copied");
    assert!(matches!(
        d.next_item(),
        Some(Err(Error::LineTooLong { .. }))
    ));
    assert!(d.next_item().is_none());
}

#[tokio::test]
async fn ndjson_stream_over_a_byte_stream() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Event {
        #[serde(rename = "Type")]
        kind: String,
    }
    let chunks: Vec<Result<Bytes, std::io::Error>> = EVENTS
        .chunks(5)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let got: Vec<Event> = NdjsonStream::new(stream::iter(chunks))
        .map(|r| r.unwrap())
        .collect()
        .await;
    let kinds: Vec<&str> = got.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["container", "image", "network"]);

    let got: Vec<Result<Value, _>> =
        NdjsonStream::new(stream::iter(vec![Ok::<_, std::io::Error>(
            Bytes::from_static(b"123456789\n1\n"),
        )]))
        .with_max_line_len(4)
        .collect()
        .await;
    assert!(
        matches!(got[..], [Err(Error::LineTooLong { max: 4 })]),
        "{got:?}"
    );
}

/// What a generated `CreateImageInfo` looks like, for these tests.
#[derive(Debug, Deserialize, PartialEq)]
struct PullInfo {
    status: Option<String>,
    error: Option<String>,
    #[serde(rename = "errorDetail")]
    error_detail: Option<ErrorDetail>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ErrorDetail {
    code: Option<i64>,
    message: Option<String>,
}

impl ProgressMessage for PullInfo {
    fn error_message(&self) -> Option<String> {
        daemon_error(
            self.error.as_deref(),
            self.error_detail
                .as_ref()
                .map(|d| d.message.as_deref().unwrap_or("")),
        )
    }
}

const FAILED_PULL: &[u8] = b"{\"status\":\"Pulling from library/nope\",\"id\":\"latest\"}\n\
{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2}}\n\
{\"errorDetail\":{\"message\":\"manifest for nope:latest not found\"},\"error\":\"manifest for nope:latest not found\"}";

#[test]
fn progress_error_message_becomes_a_daemon_error() {
    let out = decode_chunks(ProgressDecoder::<PullInfo>::new(), &[FAILED_PULL]);
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0].as_ref().unwrap().status.as_deref(),
        Some("Pulling from library/nope")
    );
    assert_eq!(
        out[1].as_ref().unwrap().status.as_deref(),
        Some("Downloading")
    );
    assert_eq!(
        out[2],
        Err("the daemon reported an error: manifest for nope:latest not found".to_owned())
    );
}

#[tokio::test]
async fn progress_stream_reports_failure_although_the_status_was_200() {
    let chunks: Vec<Result<Bytes, std::io::Error>> = FAILED_PULL
        .chunks(7)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let got: Vec<_> = ProgressStream::<_, PullInfo>::new(stream::iter(chunks))
        .collect()
        .await;
    assert_eq!(got.len(), 3);
    assert!(got[0].is_ok() && got[1].is_ok());
    match &got[2] {
        Err(e @ Error::Daemon { message }) => {
            assert_eq!(message, "manifest for nope:latest not found");
            assert!(e.is_daemon_error());
        }
        other => panic!("{other:?}"),
    }

    // Untyped messages work the same way, and a successful stream has no error.
    let ok: Vec<_> = ProgressStream::<_, Value>::new(stream::iter(vec![Ok::<_, std::io::Error>(
        Bytes::from_static(b"{\"status\":\"Pulled\"}\n{\"stream\":\"Step 1/2\\n\"}\n"),
    )]))
    .collect()
    .await;
    assert_eq!(ok.len(), 2);
    assert!(ok.iter().all(Result::is_ok));
}
