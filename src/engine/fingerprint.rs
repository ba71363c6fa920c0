//! A state's fingerprint: a 128-bit hash of a byte stream, fed through `std::hash::Hasher`
//! (derived `Hash`, no text made) or `fmt::Write` (a `Debug` print, for what derives no
//! `Hash`). `explore`'s visited set compares runs' states by it.

/// A 128-bit hash of a byte stream, a word (8 bytes) at a time in two lanes of multiply and
/// rotate (each step a bijection of the lane, so a change in one word always reaches the
/// result): 64 bits more than the trace hash, so a collision between two of a few million
/// states is out of reach. Deterministic: the same stream gives the same hash on every machine
/// and in every run. The stream is never held: an integer written at a word boundary is mixed
/// as it comes, and the result is that of the bytes written, however they were split.
pub struct Fingerprint {
    lanes: [u64; 2],
    /// The bytes of a word not yet full.
    word: [u8; 8],
    held: usize,
    len: u64,
}

const K: [u64; 2] = [0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F];

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprint {
    /// An empty stream's.
    pub fn new() -> Self {
        Fingerprint { lanes: [0x6c62_272e_07bb_0142, 0x62b8_2175_6295_c58d], word: [0; 8], held: 0, len: 0 }
    }

    fn mix(&mut self, w: u64) {
        self.lanes[0] = (self.lanes[0] ^ w).wrapping_mul(K[0]).rotate_left(29);
        self.lanes[1] = (self.lanes[1] ^ w.rotate_left(32)).wrapping_mul(K[1]).rotate_left(31);
    }

    fn bytes(&mut self, mut bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        if self.held > 0 {
            let take = bytes.len().min(8 - self.held);
            self.word[self.held..self.held + take].copy_from_slice(&bytes[..take]);
            (self.held, bytes) = (self.held + take, &bytes[take..]);
            if self.held < 8 {
                return;
            }
            self.mix(u64::from_le_bytes(self.word));
            self.held = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        self.word[..rest.len()].copy_from_slice(rest);
        self.held = rest.len();
    }

    /// The hash of everything written.
    pub fn digest(&self) -> u128 {
        let mut end = Fingerprint { lanes: self.lanes, word: [0; 8], held: 0, len: 0 };
        let mut last = [0u8; 8];
        last[..self.held].copy_from_slice(&self.word[..self.held]);
        end.mix(u64::from_le_bytes(last));
        end.mix(self.len);
        let [a, b] = end.lanes.map(|l| (l ^ l >> 33).wrapping_mul(K[0] | 1) ^ l >> 29);
        u128::from(a) << 64 | u128::from(b)
    }
}

impl std::hash::Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }

    fn write_u64(&mut self, w: u64) {
        // At a word boundary (the common case: derived hashes write lengths and integers),
        // the word is mixed at once; the result is the same as its eight bytes'.
        match self.held {
            0 => {
                self.len = self.len.wrapping_add(8);
                self.mix(w);
            }
            _ => self.bytes(&w.to_le_bytes()),
        }
    }

    fn write_usize(&mut self, w: usize) {
        self.write_u64(w as u64);
    }

    /// The low half of [`Fingerprint::digest`].
    fn finish(&self) -> u64 {
        self.digest() as u64
    }
}

impl std::fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::hash::Hasher as _;

    fn hash(text: &[u8]) -> u128 {
        let mut h = Fingerprint::new();
        h.bytes(text);
        h.digest()
    }

    #[test]
    fn the_hash_of_a_stream_written_in_pieces_is_the_hash_of_the_whole() {
        let text = "Harness { world: World { hosts: [DMA-MAIN, DMA-BACKUP] }, systems: [17, 4] }";
        let whole = hash(text.as_bytes());
        for cut in 0..=text.len() {
            for second in cut..=text.len() {
                let mut h = Fingerprint::new();
                for piece in [&text[..cut], &text[cut..second], &text[second..]] {
                    std::fmt::Write::write_str(&mut h, piece).unwrap();
                }
                assert_eq!(h.digest(), whole, "cut at {cut} and {second}");
            }
        }
    }

    #[test]
    fn an_integer_hashes_as_its_bytes_at_any_offset() {
        for offset in 0..9 {
            let lead = vec![b'x'; offset];
            let (mut by_int, mut by_bytes) = (Fingerprint::new(), Fingerprint::new());
            by_int.write(&lead);
            by_int.write_u64(0x0102_0304_0506_0708);
            by_int.write_usize(9);
            by_bytes.write(&lead);
            by_bytes.write(&0x0102_0304_0506_0708u64.to_le_bytes());
            by_bytes.write(&9u64.to_le_bytes());
            assert_eq!(by_int.digest(), by_bytes.digest(), "after {offset} bytes");
            assert_eq!(by_int.finish(), by_int.digest() as u64, "finish is the digest's low half");
        }
    }

    #[test]
    fn any_change_of_the_stream_changes_the_hash() {
        let text = b"steady at 8m: Main Online, Backup Offline, 0 failures".to_vec();
        let mut seen = BTreeMap::new();
        for i in 0..text.len() {
            let mut t = text.clone();
            t[i] ^= 1;
            assert_eq!(seen.insert(hash(&t), i), None, "flipping byte {i} collides");
        }
        assert!(!seen.contains_key(&hash(&text)), "the original differs from every flip");
        assert_ne!(hash(b"ab"), hash(b"ab\0"), "the length counts: a trailing zero byte differs");
    }
}
