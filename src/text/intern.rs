//! Interned strings: every distinct word form (or term) once, numbered in first-seen order.

use std::hash::BuildHasher;

/// Interned strings: ids in first-seen order, keys back to back in one buffer.
///
/// An open-addressing table of its own rather than `hashbrown`'s: counting all of ANT is bound
/// by memory latency in this lookup (perf: 43% of the run inside `HashTable::entry`, stalled on
/// the control bytes, the bucket and the key, three cache lines per token). A slot here holds
/// the hash, the id and the first 19 bytes of the key (most Arabic words), so a lookup usually
/// touches one cache line.
pub(crate) struct WordTable {
    bytes: String,
    /// `ends[id]` is where key `id` ends in `bytes`; it starts where `id - 1` ends.
    ends: Vec<u32>,
    /// Power-of-two length, at most half full; linear probing.
    slots: Vec<Slot>,
}

const INLINE: usize = 19;
const EMPTY: u32 = u32::MAX;

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    hash: u64,
    id: u32,
    /// Key length (saturated at 255), then its first [`INLINE`] bytes, zero padded.
    head: [u8; INLINE + 1],
}

const FREE: Slot = Slot {
    hash: 0,
    id: EMPTY,
    head: [0; INLINE + 1],
};

fn head(s: &str) -> [u8; INLINE + 1] {
    let mut h = [0u8; INLINE + 1];
    h[0] = s.len().min(255) as u8;
    let n = s.len().min(INLINE);
    h[1..1 + n].copy_from_slice(&s.as_bytes()[..n]);
    h
}

pub(crate) fn hash(s: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl Default for WordTable {
    fn default() -> Self {
        WordTable {
            bytes: String::new(),
            ends: Vec::new(),
            slots: vec![FREE; 1024],
        }
    }
}

impl WordTable {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        &self.bytes[start..self.ends[id] as usize]
    }

    fn home(&self, h: u64) -> usize {
        // Fibonacci hashing: the top bits of the product mix every bit of the hash.
        let bits = self.slots.len().trailing_zeros();
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// Asks the CPU to start loading the slot where a key with hash `h` would sit: counting
    /// looks up a batch of tokens at a time and prefetches all their slots first, so the
    /// cache misses of the batch overlap instead of queueing one after the other.
    #[inline]
    pub(crate) fn prefetch(&self, h: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let p = std::ptr::from_ref(&self.slots[self.home(h)]).cast::<i8>();
            // SAFETY: a prefetch is only a hint; it never faults and does not change memory.
            unsafe { std::arch::x86_64::_mm_prefetch(p, std::arch::x86_64::_MM_HINT_T0) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = h;
    }

    /// The id of `s`, and whether it was new.
    pub(crate) fn intern(&mut self, s: &str) -> (u32, bool) {
        self.intern_hashed(s, hash(s))
    }

    /// [`intern`](Self::intern) with `h = hash(s)` already computed.
    pub(crate) fn intern_hashed(&mut self, s: &str, h: u64) -> (u32, bool) {
        let hd = head(s);
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let slot = &self.slots[i];
            if slot.id == EMPTY {
                break;
            }
            if slot.hash == h && slot.head == hd && (s.len() <= INLINE || self.get(slot.id) == s) {
                return (slot.id, false);
            }
            i = (i + 1) & mask;
        }
        let id = self.ends.len() as u32;
        self.slots[i] = Slot {
            hash: h,
            id,
            head: hd,
        };
        self.bytes.push_str(s);
        assert!(
            self.bytes.len() < u32::MAX as usize && id < EMPTY - 1,
            "more than 4 GiB of distinct words"
        );
        self.ends.push(self.bytes.len() as u32);
        if self.ends.len() * 2 > self.slots.len() {
            self.grow();
        }
        (id, true)
    }

    fn grow(&mut self) {
        let doubled = vec![FREE; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.id != EMPTY) {
            let mut i = self.home(slot.hash);
            while self.slots[i].id != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_table_interns_through_growth_and_long_shared_prefixes() {
        let mut t = WordTable::default();
        // Long keys share their first 19 bytes (the inline part), so only the arena tells
        // them apart; 5,000 keys force several doublings of the slot array.
        let long = "والمفاوضاتالأفغانية";
        let words: Vec<String> = (0..5000)
            .map(|i| match i % 3 {
                0 => format!("{long}{i}"),
                1 => format!("w{i}"),
                _ => format!("{i}\0"),
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), (i as u32, true));
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), (i as u32, false), "{w}");
            assert_eq!(t.get(i as u32), w);
        }
        assert_eq!(t.intern(long), (5000, true));
        assert_eq!(t.intern(""), (5001, true));
        assert_eq!(t.intern("\0"), (5002, true));
        assert_eq!(t.len(), 5003);
    }
}
