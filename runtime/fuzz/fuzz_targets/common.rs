// Shared by the decoder targets (included with `include!`, so no crate of its own).

/// Splits `data` into chunks whose sizes come from a small generator seeded by `seed`,
/// so that libFuzzer explores chunkings as well as contents.
fn chunks(data: &[u8], seed: u32) -> Vec<&[u8]> {
    let mut state = seed | 1;
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        // Mostly tiny chunks (they split headers and CRLFs), sometimes large ones.
        let len = if state & 3 == 0 {
            (state >> 8) as usize % 4096
        } else {
            (state >> 8) as usize % 9
        };
        let (head, tail) = rest.split_at(len.clamp(1, rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// Drives a decoder the way the stream adapters do and renders its items comparably.
fn drive<D: dockwright_runtime::stream::Decoder>(
    mut decoder: D,
    chunks: &[&[u8]],
    retained: impl Fn(&D) -> usize,
    bound: usize,
) -> Vec<String>
where
    D::Item: std::fmt::Debug,
{
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.push(bytes::Bytes::copy_from_slice(chunk));
        assert!(
            retained(&decoder) <= bound,
            "retained {} > bound {bound}",
            retained(&decoder)
        );
        while let Some(item) = decoder.next_item() {
            out.push(format!("{item:?}"));
            assert!(out.len() <= total + 1, "more items than input bytes");
        }
    }
    decoder.end();
    while let Some(item) = decoder.next_item() {
        out.push(format!("{item:?}"));
        assert!(out.len() <= total + 1, "more items than input bytes");
    }
    assert!(decoder.is_finished());
    assert!(decoder.next_item().is_none());
    out
}
