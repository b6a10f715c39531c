//! The semantic retriever: exact (brute-force) cosine search over L2-normalised vectors.
//!
//! Vectors sit in one contiguous `Vec<f32>`, row after row, so a search is a single pass over
//! memory; at 100,000 x 384 that pass (150 MB) is bound by memory bandwidth, so it is split
//! across threads only when the index is large enough for that to pay.

use rayon::prelude::*;

/// Rows scanned per parallel task; below twice this the scan stays on the calling thread.
const PARALLEL_BLOCK: usize = 16_384;
const FREE: u32 = u32::MAX;

/// Vectors addressed by slot, one vector per slot.
#[derive(Debug)]
pub struct VectorIndex {
    dimension: usize,
    data: Vec<f32>,
    /// The slot of each row, `FREE` for a removed one.
    owners: Vec<u32>,
    /// The row of each slot.
    rows: Vec<Option<u32>>,
    free_rows: Vec<u32>,
}

impl VectorIndex {
    /// An empty index of `dimension`-long vectors.
    pub fn new(dimension: usize) -> Self {
        Self { dimension, data: Vec::new(), owners: Vec::new(), rows: Vec::new(), free_rows: Vec::new() }
    }

    /// The vector length.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Number of stored vectors.
    pub fn len(&self) -> usize {
        self.owners.len() - self.free_rows.len()
    }

    /// Whether no vector is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores `vector` (normalised by the caller) for `slot`, replacing any previous one.
    /// A vector of the wrong length is refused.
    pub fn insert(&mut self, slot: u32, vector: &[f32]) -> bool {
        if vector.len() != self.dimension {
            return false;
        }
        let at = slot as usize;
        if self.rows.len() <= at {
            self.rows.resize(at + 1, None);
        }
        let row = match self.rows[at].or_else(|| self.free_rows.pop()) {
            Some(row) => row,
            None => {
                self.owners.push(FREE);
                self.data.extend(std::iter::repeat_n(0.0, self.dimension));
                (self.owners.len() - 1) as u32
            }
        };
        let start = row as usize * self.dimension;
        self.data[start..start + self.dimension].copy_from_slice(vector);
        self.owners[row as usize] = slot;
        self.rows[at] = Some(row);
        true
    }

    /// Forgets the vector of `slot`, if any.
    pub fn remove(&mut self, slot: u32) {
        if let Some(row) = self.rows.get_mut(slot as usize).and_then(Option::take) {
            self.owners[row as usize] = FREE;
            self.free_rows.push(row);
        }
    }

    /// The `limit` slots most similar to `query` that `accept` lets through, best first,
    /// with their cosine similarity.
    pub fn search(&self, query: &[f32], accept: impl Fn(u32) -> bool + Sync, limit: usize) -> Vec<(u32, f32)> {
        if query.len() != self.dimension || limit == 0 || self.is_empty() {
            return Vec::new();
        }
        let scan = |first_row: usize, block: &[f32]| -> Vec<(u32, f32)> {
            let mut hits = Vec::with_capacity(limit * 2);
            let mut floor = f32::MIN;
            for (offset, vector) in block.chunks_exact(self.dimension).enumerate() {
                let slot = self.owners[first_row + offset];
                let score = dot(query, vector);
                if slot == FREE || score < floor || !accept(slot) {
                    continue;
                }
                hits.push((slot, score));
                // Keep the buffer small: trim to the best `limit` and raise the floor.
                if hits.len() == hits.capacity() {
                    hits = super::fusion::top(hits, limit);
                    floor = hits.last().map_or(f32::MIN, |hit| hit.1);
                }
            }
            super::fusion::top(hits, limit)
        };
        let block_len = PARALLEL_BLOCK * self.dimension;
        let hits = if self.owners.len() < 2 * PARALLEL_BLOCK {
            scan(0, &self.data)
        } else {
            self.data
                .par_chunks(block_len)
                .enumerate()
                .flat_map_iter(|(index, block)| scan(index * PARALLEL_BLOCK, block))
                .collect()
        };
        super::fusion::top(hits, limit)
    }
}

/// Dot product in eight independent lanes, which the compiler turns into SIMD.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (a_blocks, b_blocks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_blocks.remainder().iter().zip(b_blocks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_blocks.zip(b_blocks) {
        for lane in 0..8 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Scales `vector` to unit length (a zero vector stays zero).
pub fn normalize(vector: &mut [f32]) {
    let norm = dot(vector, vector).sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[f32]) -> Vec<f32> {
        let mut v = values.to_vec();
        normalize(&mut v);
        v
    }

    #[test]
    fn dot_matches_the_naive_sum() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.1).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
    }

    #[test]
    fn finds_the_nearest_and_honours_filters_and_removal() {
        let mut index = VectorIndex::new(3);
        assert!(index.insert(0, &unit(&[1.0, 0.0, 0.0])));
        assert!(index.insert(1, &unit(&[0.7, 0.7, 0.0])));
        assert!(index.insert(5, &unit(&[0.0, 0.0, 1.0])));
        assert!(!index.insert(6, &[1.0, 0.0]));
        let query = unit(&[1.0, 0.2, 0.0]);
        let slots = |hits: Vec<(u32, f32)>| hits.into_iter().map(|h| h.0).collect::<Vec<_>>();
        assert_eq!(slots(index.search(&query, |_| true, 2)), [0, 1]);
        assert_eq!(slots(index.search(&query, |slot| slot != 0, 1)), [1]);
        index.remove(0);
        assert_eq!(slots(index.search(&query, |_| true, 3)), [1, 5]);
        index.insert(0, &unit(&[0.0, 1.0, 0.0]));
        assert_eq!(index.len(), 3);
        assert_eq!(slots(index.search(&unit(&[0.0, 1.0, 0.0]), |_| true, 1)), [0]);
    }

    #[test]
    fn the_parallel_scan_agrees_with_the_serial_one() {
        // Every row orthogonal to the query except three planted in different blocks.
        let mut index = VectorIndex::new(8);
        let rows = 2 * PARALLEL_BLOCK + 10;
        let other = unit(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        for slot in 0..rows as u32 {
            index.insert(slot, &other);
        }
        let near = |x: f32| unit(&[x, (1.0 - x * x).sqrt(), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let (first, second, third) = (rows as u32 - 3, 5, PARALLEL_BLOCK as u32 + 7);
        index.insert(first, &near(1.0));
        index.insert(second, &near(0.9));
        index.insert(third, &near(0.8));
        let query = near(1.0);
        let hits: Vec<u32> = index.search(&query, |_| true, 3).into_iter().map(|h| h.0).collect();
        assert_eq!(hits, [first, second, third]);
        let filtered = index.search(&query, |slot| slot != first, 2);
        assert_eq!(filtered.into_iter().map(|h| h.0).collect::<Vec<_>>(), [second, third]);
    }
}
