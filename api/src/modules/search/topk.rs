//! Keeping the best `limit` of a stream of scored slots without collecting and sorting them
//! all: a bounded heap whose top is the worst hit kept, so a candidate is usually turned away
//! with one comparison (and before any filter runs on it).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A scored slot; `Greater` means worse: a lower score, or on a tie the higher slot (the same
/// order as `fusion::top`, so ties stay stable).
#[derive(Debug, Clone, Copy)]
struct Entry {
    slot: u32,
    score: f32,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.score.total_cmp(&self.score).then(self.slot.cmp(&other.slot))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

/// The best `limit` hits seen so far.
#[derive(Debug, Clone)]
pub struct TopK {
    limit: usize,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    /// Keeps at most `limit` hits.
    pub fn new(limit: usize) -> Self {
        Self { limit, heap: BinaryHeap::with_capacity(limit.min(4096) + 1) }
    }

    /// Whether a hit would be kept if pushed now: cheap, so callers test it before a costlier
    /// filter.
    pub fn admits(&self, slot: u32, score: f32) -> bool {
        self.limit > 0
            && (self.heap.len() < self.limit || self.heap.peek().is_some_and(|worst| Entry { slot, score } < *worst))
    }

    /// Offers a hit; the worst one kept is dropped when there are more than `limit`.
    pub fn push(&mut self, slot: u32, score: f32) {
        if !self.admits(slot, score) {
            return;
        }
        if self.heap.len() == self.limit {
            self.heap.pop();
        }
        self.heap.push(Entry { slot, score });
    }

    /// Adds every hit of `other`.
    pub fn merge(&mut self, other: TopK) {
        for entry in other.heap {
            self.push(entry.slot, entry.score);
        }
    }

    /// The hits kept, best first.
    pub fn into_sorted(self) -> Vec<(u32, f32)> {
        self.heap.into_sorted_vec().into_iter().map(|entry| (entry.slot, entry.score)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_a_full_sort_keeps_ties_included() {
        let mut state = 17u64;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        for limit in [0, 1, 3, 10, 100, 600] {
            // Scores from a small set, so ties are frequent.
            let hits: Vec<(u32, f32)> = (0..500).map(|slot| (slot, (next() % 40) as f32 * 0.25)).collect();
            let mut top = TopK::new(limit);
            let (first, second) = hits.split_at(200);
            first.iter().for_each(|(slot, score)| top.push(*slot, *score));
            let mut other = TopK::new(limit);
            second.iter().rev().for_each(|(slot, score)| other.push(*slot, *score));
            top.merge(other);
            assert_eq!(top.into_sorted(), crate::modules::search::fusion::top(hits, limit), "limit {limit}");
        }
    }

    #[test]
    fn admits_only_what_beats_the_worst_kept() {
        let mut top = TopK::new(2);
        top.push(5, 1.0);
        top.push(6, 2.0);
        assert!(!top.admits(7, 0.5));
        assert!(!top.admits(9, 1.0));
        assert!(top.admits(4, 1.0));
        top.push(4, 1.0);
        assert_eq!(top.into_sorted(), [(6, 2.0), (4, 1.0)]);
    }
}
