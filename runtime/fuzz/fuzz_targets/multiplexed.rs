//! Multiplexed frames: no panic, memory bounded by what was pushed, and the items never
//! depend on how the input was chunked.
#![no_main]

use dockwright_runtime::stream::{Decoder, MultiplexedDecoder, RawDecoder};
use libfuzzer_sys::fuzz_target;

include!("common.rs");

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let seed = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    // Small limits make FrameTooLarge reachable; 255 means the default.
    let max = match data[4] {
        255 => dockwright_runtime::stream::DEFAULT_MAX_FRAME_LEN,
        m => m as usize * 16,
    };
    let input = &data[5..];
    let new = || MultiplexedDecoder::new().with_max_frame_len(max);
    let whole = drive(
        new(),
        &[input],
        MultiplexedDecoder::retained_bytes,
        input.len(),
    );
    let split = drive(
        new(),
        &chunks(input, seed),
        MultiplexedDecoder::retained_bytes,
        input.len(),
    );
    assert_eq!(whole, split);

    let mut raw = RawDecoder::new();
    for c in chunks(input, seed) {
        raw.push(bytes::Bytes::copy_from_slice(c));
    }
    raw.end();
    let mut echoed = Vec::new();
    while let Some(frame) = raw.next_item() {
        echoed.extend_from_slice(&frame.expect("raw never fails").bytes);
    }
    assert_eq!(echoed, input);
});
