//! Compact indexes for the whole-export scan: 64-bit hashes instead of the
//! strings, in sorted vectors instead of hash maps.
//!
//! At 1,000,000 users the scan holds the user `_id` hashes (8 bytes each)
//! plus one flag byte per user, the lowercased email hashes (8 bytes), the
//! app table's `_id` hashes (8 bytes a row), and, for the table being read,
//! its `_id` hashes (8 bytes a row): about 35 MB, whatever the documents'
//! size. Two different strings share a hash with probability about 2⁻⁶⁴ a
//! pair (about 3 · 10⁻⁸ over a million users); a collision could hide one
//! orphan or duplicate, never invent one, except `duplicate-*`, which the
//! rescan that prints them confirms by hash only.

use std::hash::{DefaultHasher, Hash, Hasher};

/// A 64-bit hash of `text`, the same for the same text within one process.
pub(crate) fn hash64(text: &str) -> u64 {
    // DefaultHasher::new() always uses the same keys, so equal strings hash
    // equally across the passes of one run.
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The form an email is compared in: Better Auth lowercases what is typed.
pub(crate) fn email_key(email: &str) -> u64 {
    hash64(&email.trim().to_lowercase())
}

/// A set of hashes: pushed in any order, then sorted once.
#[derive(Default, Debug)]
pub(crate) struct HashSet64 {
    items: Vec<u64>,
}

impl HashSet64 {
    pub(crate) fn push(&mut self, hash: u64) {
        self.items.push(hash);
    }

    /// Sorts, removes repeats and returns the hashes that occurred more than once.
    pub(crate) fn finish(&mut self) -> HashSet64 {
        self.items.sort_unstable();
        let mut repeated = Vec::new();
        for pair in self.items.windows(2) {
            if pair[0] == pair[1] && repeated.last() != Some(&pair[0]) {
                repeated.push(pair[0]);
            }
        }
        self.items.dedup();
        self.items.shrink_to_fit();
        HashSet64 { items: repeated }
    }

    /// The position of `hash` among the sorted distinct hashes; only
    /// meaningful after [`HashSet64::finish`].
    pub(crate) fn position(&self, hash: u64) -> Option<usize> {
        let items = &self.items;
        let n = items.len();
        if n == 0 {
            return None;
        }
        // Hashes are spread evenly over u64, so a hash's rank is close to
        // hash / 2^64 · n (off by about √n). Galloping out from that guess
        // touches a few nearby cache lines where a plain binary search over
        // millions of entries takes ~20 cache misses.
        let guess = ((u128::from(hash) * n as u128) >> 64) as usize;
        let (mut lo, mut hi) = (guess, guess + 1);
        let mut step = 1;
        while lo > 0 && items[lo] > hash {
            hi = lo;
            lo = lo.saturating_sub(step);
            step *= 2;
        }
        step = 1;
        while hi < n && items[hi - 1] < hash {
            lo = hi - 1;
            hi = (hi + step).min(n);
            step *= 2;
        }
        items[lo..hi].binary_search(&hash).ok().map(|i| lo + i)
    }

    pub(crate) fn contains(&self, hash: u64) -> bool {
        self.position(hash).is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Per-user flags set while reading the `account` table.
pub(crate) mod flags {
    /// The user has at least one account.
    pub const HAS_ACCOUNT: u8 = 1;
    /// The user has a `credential` account.
    pub const HAS_CREDENTIAL: u8 = 2;
}

/// The component users: `_id` hashes, sorted, and a flag byte for each.
#[derive(Default, Debug)]
pub(crate) struct UserIndex {
    pub ids: HashSet64,
    pub flags: Vec<u8>,
}

impl UserIndex {
    pub(crate) fn from_ids(mut ids: HashSet64) -> (UserIndex, HashSet64) {
        let repeated = ids.finish();
        let flags = vec![0; ids.len()];
        (UserIndex { ids, flags }, repeated)
    }

    /// Sets `flag` on the user with `_id` hash `id`; returns the flags it had,
    /// or `None` when there is no such user.
    pub(crate) fn mark(&mut self, id: u64, flag: u8) -> Option<u8> {
        let pos = self.ids.position(id)?;
        let before = self.flags[pos];
        self.flags[pos] |= flag;
        Some(before)
    }

    pub(crate) fn flags_of(&self, id: u64) -> Option<u8> {
        self.ids.position(id).map(|p| self.flags[p])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_lookups() {
        let mut set = HashSet64::default();
        for h in [5, 3, 5, 9, 3, 5] {
            set.push(h);
        }
        let repeated = set.finish();
        assert_eq!(repeated.items, vec![3, 5]);
        assert_eq!(set.len(), 3);
        assert!(set.contains(9) && !set.contains(4));
    }

    #[test]
    fn galloping_lookup_agrees_with_binary_search() {
        let mut set = HashSet64::default();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut all = Vec::new();
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            set.push(x);
            all.push(x);
            // Clustered values too, where the guess is far off.
            set.push(x % 1000);
            all.push(x % 1000);
        }
        set.finish();
        for &h in &all {
            assert_eq!(set.position(h), set.items.binary_search(&h).ok(), "{h}");
            assert!(set.contains(h));
        }
        for h in [0, 1, 999, 1000, u64::MAX, u64::MAX / 2] {
            assert_eq!(set.position(h), set.items.binary_search(&h).ok(), "{h}");
        }
    }
}
