//! Property tests: chunking never changes what a decoder yields, and arbitrary input
//! never panics, hangs or grows memory past the limits.
//!
//! Case counts are kept modest so `cargo test` stays fast; the fuzz targets in
//! `runtime/fuzz` explore the same properties for longer.
#![cfg(feature = "client")]

use bytes::Bytes;
use dockwright_runtime::build_context::DockerIgnore;
use dockwright_runtime::stream::{
    Decoder, LogFrame, MultiplexedDecoder, NdjsonDecoder, ProgressDecoder, StdStream,
};
use proptest::prelude::*;
use serde_json::Value;

/// Pushes `input` cut at `cuts` (sorted, deduplicated, clamped), draining after each
/// push, then ends and drains. Errors are compared by message.
fn run<D: Decoder>(
    mut d: D,
    input: &[u8],
    cuts: &[usize],
    check: impl Fn(&D),
) -> Vec<Result<D::Item, String>> {
    let mut points: Vec<usize> = cuts.iter().map(|&c| c % (input.len() + 1)).collect();
    points.push(0);
    points.push(input.len());
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    for w in points.windows(2) {
        d.push(Bytes::copy_from_slice(&input[w[0]..w[1]]));
        check(&d);
        while let Some(item) = d.next_item() {
            out.push(item.map_err(|e| e.to_string()));
            // Each item consumes input or ends the decoder; this bounds the loop.
            assert!(out.len() <= input.len() + 1, "more items than input bytes");
        }
    }
    d.end();
    while let Some(item) = d.next_item() {
        out.push(item.map_err(|e| e.to_string()));
        assert!(out.len() <= input.len() + 1, "more items than input bytes");
    }
    assert!(d.is_finished());
    assert!(d.next_item().is_none());
    out
}

fn encode(frames: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, payload) in frames {
        out.extend_from_slice(&[*kind, 0, 0, 0]);
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[ -~\\n\\r\\u{1e}é☃]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn multiplexed_valid_streams_decode_the_same_under_any_chunking(
        // Some payloads above 1 KiB so that chunks take the decoder's zero-copy path too.
        frames in prop::collection::vec(
            (0u8..=2, prop_oneof![
                3 => prop::collection::vec(any::<u8>(), 0..40),
                1 => prop::collection::vec(any::<u8>(), 1000..2500),
            ]),
            0..12,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        let input = encode(&frames);
        let expected: Vec<Result<LogFrame, String>> = frames
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(k, p)| {
                let stream = [StdStream::Stdin, StdStream::Stdout, StdStream::Stderr][*k as usize];
                Ok(LogFrame::new(stream, p.clone()))
            })
            .collect();
        let got = run(MultiplexedDecoder::new(), &input, &cuts, |_| {});
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn multiplexed_arbitrary_bytes_never_depend_on_chunking(
        input in prop::collection::vec(any::<u8>(), 0..300),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
        max in 0usize..64,
    ) {
        let whole = run(MultiplexedDecoder::new().with_max_frame_len(max), &input, &[], |_| {});
        let split = run(MultiplexedDecoder::new().with_max_frame_len(max), &input, &cuts, |d| {
            // Never more than what was pushed, and that is bounded by the input.
            assert!(d.retained_bytes() <= input.len());
        });
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn ndjson_valid_streams_decode_the_same_under_any_chunking(
        values in prop::collection::vec(json_value(), 0..8),
        seps in prop::collection::vec(0u8..5, 8),
        trailing_newline in any::<bool>(),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
    ) {
        let mut input = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match seps[i] {
                0 => {}
                1 => input.extend_from_slice(b"\x1e"),
                2 => input.extend_from_slice(b"\r\n  \n"),
                3 => input.extend_from_slice(b"\n"),
                _ => input.extend_from_slice(b" \t"),
            }
            input.extend_from_slice(serde_json::to_string(v).unwrap().as_bytes());
            input.extend_from_slice(if i + 1 < values.len() || trailing_newline { b"\r\n" } else { b"" });
        }
        let expected: Vec<Result<Value, String>> = values.into_iter().map(Ok).collect();
        let got = run(NdjsonDecoder::<Value>::new(), &input, &cuts, |_| {});
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn ndjson_arbitrary_bytes_never_depend_on_chunking(
        input in prop::collection::vec(
            prop_oneof![any::<u8>(), Just(b'\n'), Just(b'{'), Just(b'}'), Just(b'"'), Just(b'1'), Just(0x1e)],
            0..300,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..20),
        max in 1usize..64,
    ) {
        let whole = run(NdjsonDecoder::<Value>::new().with_max_line_len(max), &input, &[], |_| {});
        let split = run(NdjsonDecoder::<Value>::new().with_max_line_len(max), &input, &cuts, |d| {
            // The buffer may hold complete lines of one chunk plus at most `max` more.
            assert!(d.retained_bytes() <= 2 * (input.len() + max) + 64, "{}", d.retained_bytes());
        });
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn progress_arbitrary_bytes_never_depend_on_chunking(
        input in "(\\{\"(error|status|errorDetail)\":(\"[a-z]{0,3}\"|null|\\{\"message\":\"x\"\\})\\}[\\n ]?){0,6}",
        cuts in prop::collection::vec(any::<usize>(), 0..10),
    ) {
        let whole = run(ProgressDecoder::<Value>::new(), input.as_bytes(), &[], |_| {});
        let split = run(ProgressDecoder::<Value>::new(), input.as_bytes(), &cuts, |_| {});
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn dockerignore_arbitrary_patterns_never_panic(
        rules in "([!#/ *?\\[\\]\\\\^a-c.-]{0,12}\\n){0,6}",
        path in "[a-c*?/.\\[\\]]{0,16}",
    ) {
        if let Ok(rules) = DockerIgnore::parse(&rules) {
            let _ = rules.is_excluded(&path);
        }
    }

    #[test]
    fn dockerignore_literal_patterns_match_themselves_and_their_children(
        parts in prop::collection::vec("[a-z0-9_]{1,5}", 1..4),
        child in "[a-z]{1,4}",
    ) {
        let path = parts.join("/");
        let rules = DockerIgnore::parse(&path).unwrap();
        prop_assert!(rules.is_excluded(&path));
        let child_path = format!("{path}/{child}");
        prop_assert!(rules.is_excluded(&child_path));
        let negated = DockerIgnore::parse(&format!("{path}\n!{path}")).unwrap();
        prop_assert!(!negated.is_excluded(&child_path));
        let prefixed = format!("x{path}");
        prop_assert!(!rules.is_excluded(&prefixed));
    }
}
