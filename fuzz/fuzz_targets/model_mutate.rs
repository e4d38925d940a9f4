//! Mutations of a valid small model. The input is a list of edits (offset, xor mask) plus a
//! mode byte; with mode bit 0 the body length and CRC are recomputed after editing, so the
//! damaged body gets past the checksum and exercises the bincode decoder and the consistency
//! checks (what a bug in a writer, rather than a damaged disk, would produce).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|input: &[u8]| {
    let Some((&mode, edits)) = input.split_first() else {
        return;
    };
    let mut b = common::small_model_bytes().to_vec();
    let vlen = b[10] as usize;
    let body_at = 11 + vlen + 8;
    for e in edits.chunks_exact(4) {
        // The body shrinks when an edit truncates it: recompute its length every time.
        let body_len = b.len().saturating_sub(4 + body_at);
        let off = u16::from_le_bytes([e[0], e[1]]) as usize;
        let mask = e[2];
        match e[3] % 4 {
            // Flip bits in the body.
            0 | 1 => {
                let i = body_at + off % body_len.max(1);
                b[i] ^= mask;
            }
            // Overwrite a byte anywhere.
            2 => {
                let i = off % b.len();
                b[i] = mask;
            }
            // Truncate the body at off (keeps the CRC slot).
            _ => {
                let cut = body_at + off % body_len.max(1);
                let crc_slot = b.len() - 4;
                b.drain(cut.min(crc_slot)..crc_slot);
            }
        }
    }
    if mode & 1 == 1 && b.len() >= body_at + 4 {
        let new_len = (b.len() - 4 - body_at) as u64;
        b[body_at - 8..body_at].copy_from_slice(&new_len.to_le_bytes());
        let n = b.len() - 4;
        let crc = crc32fast::hash(&b[..n]);
        b[n..].copy_from_slice(&crc.to_le_bytes());
    }
    common::load_and_use(&b);
});
