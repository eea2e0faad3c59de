//! NDJSON and progress messages: no panic or hang, the line buffer stays within its
//! limit, and the items never depend on how the input was chunked.
#![no_main]

use dockwright_runtime::stream::{NdjsonDecoder, ProgressDecoder};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let seed = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let max = match data[4] {
        255 => dockwright_runtime::stream::DEFAULT_MAX_LINE_LEN,
        m => m as usize + 1,
    };
    let input = &data[5..];
    let split_chunks = chunks(input, seed);
    // Complete lines of the largest chunk plus at most `max` unterminated bytes, with
    // room for the buffer's growth policy.
    let largest = split_chunks.iter().map(|c| c.len()).max().unwrap_or(0);
    let bound = 2 * (largest + max.min(input.len())) + 64;

    let new = || NdjsonDecoder::<serde_json::Value>::new().with_max_line_len(max);
    let whole = drive(new(), &[input], |_| 0, usize::MAX);
    let split = drive(new(), &split_chunks, NdjsonDecoder::retained_bytes, bound);
    assert_eq!(whole, split);

    let progress = || ProgressDecoder::<serde_json::Value>::new();
    assert_eq!(
        drive(progress(), &[input], |_| 0, usize::MAX),
        drive(progress(), &split_chunks, |_| 0, usize::MAX)
    );
});
