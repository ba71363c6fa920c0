use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A run's random stream: ChaCha8, drawn from through its methods (`Deref`). Its `Debug` shows
/// its whole state — seed, stream and word position — where ChaCha8's own hides it: a model
/// state's fingerprint (`explore`) reads it, and two streams that differ must not print alike.
#[derive(Clone, PartialEq, Eq)]
pub struct Rng(ChaCha8Rng);

impl std::ops::Deref for Rng {
    type Target = ChaCha8Rng;
    fn deref(&self) -> &ChaCha8Rng {
        &self.0
    }
}

impl std::ops::DerefMut for Rng {
    fn deref_mut(&mut self) -> &mut ChaCha8Rng {
        &mut self.0
    }
}

/// Its whole state, as its `Debug` shows it.
impl std::hash::Hash for Rng {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.0.get_seed(), self.0.get_stream(), self.0.get_word_pos()).hash(state);
    }
}

impl std::fmt::Debug for Rng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rng({:?}, stream {}, word {})", self.0.get_seed(), self.0.get_stream(), self.0.get_word_pos())
    }
}

/// A ChaCha8 stream id: the high 32 bits name a block, the low 32 bits a component in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StreamId(u64);

/// Hands out the run's random streams, so that no two components ever draw from the same one.
///
/// Each system of a world takes its own block ([`StreamAllocator::next_block`]); inside a block
/// components take ids in the order they are built, which a product fixes in code. Two systems
/// in one world therefore never share a stream, and a system's draws do not move when another
/// system is added after it. Harness components outside the world (the chaos schedule) use a
/// reserved block ([`StreamAllocator::reserved`]).
#[derive(Clone, Debug, Hash)]
pub struct StreamAllocator {
    seed: u64,
    blocks: u32,
}

/// Blocks from here on are reserved for the harness, never given to a system.
const FIRST_RESERVED_BLOCK: u32 = 0xFFFF_0000;

impl StreamAllocator {
    /// The allocator of a run with this seed: systems get blocks in the order they ask.
    pub fn new(seed: u64) -> Self {
        StreamAllocator { seed, blocks: 0 }
    }

    /// The streams of the next system: a block no other system gets.
    pub fn next_block(&mut self) -> Streams {
        assert!(self.blocks < FIRST_RESERVED_BLOCK, "fewer than {FIRST_RESERVED_BLOCK} systems in one world");
        let block = self.blocks;
        self.blocks += 1;
        Streams { seed: self.seed, block, next: 1 }
    }

    /// A reserved block for a harness component (`which` < 2^16), disjoint from every system's.
    pub fn reserved(seed: u64, which: u16) -> Streams {
        Streams { seed, block: FIRST_RESERVED_BLOCK + u32::from(which), next: 1 }
    }
}

/// One block of streams: each call to [`Streams::take`] gives a new, independent stream.
#[derive(Clone, Debug)]
pub struct Streams {
    seed: u64,
    block: u32,
    next: u32,
}

impl Streams {
    /// The block's next stream: independent of every other stream of the run.
    pub fn take(&mut self) -> Rng {
        let id = self.next_id();
        stream(self.seed, id)
    }

    fn next_id(&mut self) -> StreamId {
        assert!(self.next < u32::MAX, "fewer than 2^32 streams in one block");
        let id = StreamId((u64::from(self.block) << 32) | u64::from(self.next));
        self.next += 1;
        id
    }
}

fn stream(seed: u64, id: StreamId) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id.0);
    Rng(rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn draws(rng: &mut Rng) -> Vec<u32> {
        (0..8).map(|_| rng.random_range(0..1000u32)).collect()
    }

    #[test]
    fn same_seed_and_order_give_the_same_draws() {
        let mut a = StreamAllocator::new(42).next_block();
        let mut b = StreamAllocator::new(42).next_block();
        assert_eq!(draws(&mut a.take()), draws(&mut b.take()));
    }

    #[test]
    fn streams_are_independent_within_and_across_blocks() {
        let mut world = StreamAllocator::new(42);
        let (mut one, mut two) = (world.next_block(), world.next_block());
        let reserved = [StreamAllocator::reserved(42, 0).next_id(), StreamAllocator::reserved(42, 1).next_id()];
        let ids = [one.next_id(), one.next_id(), two.next_id(), two.next_id(), reserved[0], reserved[1]];
        let distinct: std::collections::BTreeSet<StreamId> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "no two components share a stream: {ids:?}");
        assert_ne!(draws(&mut stream(42, ids[0])), draws(&mut stream(42, ids[2])));
        let first_reserved = u64::from(FIRST_RESERVED_BLOCK) << 32;
        assert_eq!(reserved.map(|id| id.0), [first_reserved | 1, (first_reserved + (1 << 32)) | 1], "harness blocks sit above every system's");
    }

    #[test]
    fn the_first_block_keeps_the_historic_stream_ids() {
        // Block 0 numbers its components 1, 2, 3...: the ids single-system runs always used, so
        // their traces (and pinned hashes) are unchanged by the allocator.
        let mut block = StreamAllocator::new(7).next_block();
        assert_eq!([block.next_id(), block.next_id()], [StreamId(1), StreamId(2)]);
    }

    /// Golden values: a dependency bump that changes them must fail loudly (FS-DET).
    #[test]
    fn a_streams_debug_shows_where_it_is() {
        let mut rng = stream(42, StreamId(3));
        let before = format!("{rng:?}");
        assert_eq!(before, format!("{:?}", stream(42, StreamId(3))), "one state prints one way");
        draws(&mut rng);
        assert_ne!(format!("{rng:?}"), before, "a draw moves the word position");
        assert_ne!(format!("{:?}", stream(42, StreamId(4))), before, "another stream");
        assert_ne!(format!("{:?}", stream(43, StreamId(3))), before, "another seed");
    }

    #[test]
    fn golden_draws() {
        assert_eq!(draws(&mut stream(42, StreamId(0))), vec![224, 681, 146, 950, 772, 427, 344, 627]);
    }
}
