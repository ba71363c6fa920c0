//! A state's fingerprint: a 128-bit hash of a byte stream, fed through `std::hash::Hasher`
//! (derived `Hash`, no text made) or `fmt::Write` (a `Debug` print, for what derives no
//! `Hash`). `explore`'s visited set compares runs' states by it.

/// A 128-bit hash of a stream of writes, a word (8 bytes) at a time in two lanes of multiply
/// and rotate (each step a bijection of the lane, so a change in one word always reaches the
/// result): 64 bits more than the trace hash, so a collision between two of a few million
/// states is out of reach. Deterministic: the same writes give the same hash on every machine
/// and in every run. The stream is never held. An integer (derived `Hash` writes lengths,
/// discriminants and fields as integers) is one word whatever its width, mixed as it comes;
/// bytes (a string's, a `Debug` print's) are taken a word at a time, the hash that of the bytes
/// however they were split, and a last partial word is closed (padded, with its length) before
/// the next integer. A state's fingerprint feeds a few thousand writes, most of them one-byte
/// fields: a word each, where the byte stream they replaced shuffled every byte (an eighth of
/// an exploration's time).
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

    /// An integer, as one word: bytes held before it are closed first.
    fn integer(&mut self, w: u64) {
        self.close();
        self.len = self.len.wrapping_add(8);
        self.mix(w);
    }

    /// Mixes the bytes held (a partial word), padded, and how many there were: what follows
    /// starts a new word.
    fn close(&mut self) {
        if self.held == 0 {
            return;
        }
        let mut last = [0u8; 8];
        last[..self.held].copy_from_slice(&self.word[..self.held]);
        self.mix(u64::from_le_bytes(last));
        self.mix(self.held as u64);
        self.held = 0;
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

    fn write_u8(&mut self, w: u8) {
        self.integer(u64::from(w));
    }

    fn write_u16(&mut self, w: u16) {
        self.integer(u64::from(w));
    }

    fn write_u32(&mut self, w: u32) {
        self.integer(u64::from(w));
    }

    fn write_u64(&mut self, w: u64) {
        self.integer(w);
    }

    fn write_usize(&mut self, w: usize) {
        self.integer(w as u64);
    }

    fn write_i8(&mut self, w: i8) {
        self.integer(w as u64);
    }

    fn write_i16(&mut self, w: i16) {
        self.integer(w as u64);
    }

    fn write_i32(&mut self, w: i32) {
        self.integer(w as u64);
    }

    fn write_i64(&mut self, w: i64) {
        self.integer(w as u64);
    }

    fn write_isize(&mut self, w: isize) {
        self.integer(w as u64);
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
    fn an_integer_is_one_word_whatever_its_width_after_any_bytes() {
        for offset in 0..9 {
            let lead = vec![b'x'; offset];
            let written = |write: &dyn Fn(&mut Fingerprint)| {
                let mut h = Fingerprint::new();
                h.write(&lead);
                write(&mut h);
                h.write(b"tail");
                h.digest()
            };
            let as_u64 = written(&|h| h.write_u64(7));
            assert_eq!(written(&|h| h.write_u8(7)), as_u64, "a u8 after {offset} bytes");
            assert_eq!(written(&|h| h.write_u16(7)), as_u64, "a u16 after {offset} bytes");
            assert_eq!(written(&|h| h.write_u32(7)), as_u64, "a u32 after {offset} bytes");
            assert_eq!(written(&|h| h.write_usize(7)), as_u64, "a usize after {offset} bytes");
            assert_eq!(written(&|h| h.write_i64(7)), as_u64, "an i64 after {offset} bytes");
            assert_ne!(written(&|h| h.write_u64(8)), as_u64, "another value after {offset} bytes");
            let mut h = Fingerprint::new();
            h.write(&lead);
            assert_eq!(h.finish(), h.digest() as u64, "finish is the digest's low half");
        }
    }

    #[test]
    fn where_bytes_end_before_an_integer_counts() {
        let written = |bytes: &[u8], w: u64| {
            let mut h = Fingerprint::new();
            h.write(bytes);
            h.write_u64(w);
            h.digest()
        };
        assert_ne!(written(b"ab", 1), written(b"ab\0", 1), "a trailing zero byte before an integer");
        assert_ne!(written(b"ab", 1), written(b"a", u64::from(b'b') | 1 << 8), "bytes are not taken as the integer's");
        assert_ne!(written(b"", 0), written(b"\0", 0), "one zero byte is not none");
        let mut integer_first = Fingerprint::new();
        integer_first.write_u64(5);
        integer_first.write(b"ab");
        assert_ne!(written(b"ab", 5), integer_first.digest(), "bytes before an integer are not bytes after it");
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
