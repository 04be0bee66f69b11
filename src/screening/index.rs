//! The compact lookup table behind screening: E.164 keys sorted once per policy version, searched by
//! binary search (O(log n), no per-call scan), 12 bytes per entry (an 8-byte key and a 4-byte entry index).
//! A sample of every 64th key (1/64 of the size, small enough to stay in cache) is searched first, so a
//! lookup in a million keys touches a handful of cache lines of the big table instead of about twenty.
//! The same table serves exact numbers and prefixes (a prefix lookup tries each leading run of the caller's
//! digits, longest first: at most 15 searches).

use crate::screening::lists::E164;

/// Sorted keys and, in parallel, the index of the list entry each key came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyIndex {
    keys: Box<[u64]>,
    entries: Box<[u32]>,
    /// `keys[i * BLOCK]` for every block.
    sample: Box<[u64]>,
    /// The most digits of a key (no longer prefix can be listed).
    max_digits: u64,
}

/// Keys per block of the sample.
const BLOCK: usize = 64;

impl KeyIndex {
    /// Builds the table; for a key listed twice the first entry is kept (validation refuses duplicates).
    pub fn build(items: impl IntoIterator<Item = (E164, u32)>) -> KeyIndex {
        let mut pairs: Vec<(u64, u32)> = items.into_iter().map(|(k, i)| (k.key(), i)).collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| p.0);
        let (keys, entries): (Vec<u64>, Vec<u32>) = pairs.into_iter().unzip();
        let sample = keys.iter().step_by(BLOCK).copied().collect();
        let max_digits = keys.iter().map(|k| k & 31).max().unwrap_or(0);
        KeyIndex { keys: keys.into_boxed_slice(), entries: entries.into_boxed_slice(), sample, max_digits }
    }

    /// The entry listed under `key`.
    pub fn get(&self, key: E164) -> Option<u32> {
        self.get_key(key.key())
    }

    fn get_key(&self, key: u64) -> Option<u32> {
        let block = self.sample.partition_point(|s| *s <= key).checked_sub(1)?;
        let start = block * BLOCK;
        let keys = self.keys.get(start..(start + BLOCK).min(self.keys.len()))?;
        let at = keys.binary_search(&key).ok()?;
        self.entries.get(start + at).copied()
    }

    /// The entry of the longest listed prefix of `number` (`+` and digits), with the prefix length.
    pub fn longest_prefix(&self, number: E164) -> Option<(u32, usize)> {
        if self.keys.is_empty() {
            return None;
        }
        // The digits after the first character of the number as printed (`+` and digits; the zero entry
        // prints as `0000000000`, so its nine trailing zeros), as a value and a count; each leading run is
        // the key of that many digits, longest first, none longer than the longest listed key.
        let (value, count) =
            if number == E164::ZERO { (0, 9) } else { (number.key() >> 5, number.key() & 31) };
        (1..=count.min(self.max_digits)).rev().find_map(|len| {
            let key = ((value / 10u64.pow((count - len) as u32)) << 5) | len;
            self.get_key(key).map(|i| (i, len as usize))
        })
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        (self.keys.len() + self.sample.len()) * std::mem::size_of::<u64>()
            + self.entries.len() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn exact_and_prefix_lookups() {
        let idx = KeyIndex::build([(k("+33639981234"), 0), (k("+14155550100"), 1), (k("+33639981234"), 2)]);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.get(k("+33639981234")), Some(0));
        assert_eq!(idx.get(k("+3363998123")), None);
        let prefixes = KeyIndex::build([(k("+1900"), 0), (k("+1"), 1), (k("+33899"), 2)]);
        assert_eq!(prefixes.longest_prefix(k("+19005551234")), Some((0, 4)));
        assert_eq!(prefixes.longest_prefix(k("+14155550100")), Some((1, 1)));
        assert_eq!(prefixes.longest_prefix(k("+33639981234")), None);
        assert_eq!(KeyIndex::default().longest_prefix(k("+1")), None);
        // The zero entry reads as the nine zeros after its first character.
        let zeros = KeyIndex::build([(k("+000"), 0), (k("+0000000000"), 1)]);
        assert_eq!(zeros.longest_prefix(E164::ZERO), Some((0, 3)));
        assert_eq!(idx.heap_bytes(), 32);
    }

    #[test]
    fn lookups_cross_block_boundaries() {
        let n = BLOCK as u64 * 5 + 3;
        let idx = KeyIndex::build((0..n).map(|i| (k(&format!("+1{}", 1000 + 2 * i)), i as u32)));
        for i in 0..n {
            assert_eq!(idx.get(k(&format!("+1{}", 1000 + 2 * i))), Some(i as u32));
            assert_eq!(idx.get(k(&format!("+1{}", 1001 + 2 * i))), None);
        }
        assert_eq!(idx.get(k("+1999")), None);
        assert_eq!(idx.get(k("+19999")), None);
    }
}
