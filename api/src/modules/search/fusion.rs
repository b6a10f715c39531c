//! Fusing the lexical and the semantic ranking into one.

use std::collections::HashMap;

/// How two rankings become one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// Reciprocal rank fusion: `Σ weight / (k + rank)`, rank from 1. Ignores score scales.
    Rrf { k: f32, lexical_weight: f32, semantic_weight: f32 },
    /// A convex mix of scores, each list scaled by its best score (lexical) or min-max over
    /// its candidates (semantic): `lexical_weight * lex + (1 - lexical_weight) * sem`.
    Weighted { lexical_weight: f32 },
}

/// One retriever's view of a fused hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Component {
    /// Rank in that retriever's list, from 1.
    pub rank: usize,
    /// That retriever's raw score (BM25F, or cosine similarity).
    pub score: f32,
}

/// A hit after fusion, still addressed by slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub slot: u32,
    pub score: f32,
    pub lexical: Option<Component>,
    pub semantic: Option<Component>,
}

/// The `limit` best `(slot, score)` pairs, best first; ties go to the lower slot so results
/// are stable.
pub fn top(mut hits: Vec<(u32, f32)>, limit: usize) -> Vec<(u32, f32)> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_unstable_by(order);
    hits.truncate(limit);
    hits
}

/// Fuses two best-first lists into at most `limit` hits, best first.
pub fn fuse(lexical: &[(u32, f32)], semantic: &[(u32, f32)], fusion: Fusion, limit: usize) -> Vec<Fused> {
    let mut by_slot: HashMap<u32, Fused> = HashMap::new();
    let component = |rank: usize, score: f32| Component { rank: rank + 1, score };
    for (rank, (slot, score)) in lexical.iter().enumerate() {
        by_slot.entry(*slot).or_insert_with(|| empty(*slot)).lexical = Some(component(rank, *score));
    }
    for (rank, (slot, score)) in semantic.iter().enumerate() {
        by_slot.entry(*slot).or_insert_with(|| empty(*slot)).semantic = Some(component(rank, *score));
    }
    let best_lexical = lexical.first().map_or(1.0, |hit| hit.1).max(f32::MIN_POSITIVE);
    let (low, high) = semantic.iter().fold((f32::MAX, f32::MIN), |(lo, hi), hit| (lo.min(hit.1), hi.max(hit.1)));
    let spread = (high - low).max(1e-6);
    for hit in by_slot.values_mut() {
        hit.score = match fusion {
            Fusion::Rrf { k, lexical_weight, semantic_weight } => {
                let part = |c: Option<Component>, w: f32| c.map_or(0.0, |c| w / (k + c.rank as f32));
                part(hit.lexical, lexical_weight) + part(hit.semantic, semantic_weight)
            }
            Fusion::Weighted { lexical_weight } => {
                let lex = hit.lexical.map_or(0.0, |c| c.score / best_lexical);
                let sem = hit.semantic.map_or(0.0, |c| (c.score - low) / spread);
                lexical_weight * lex + (1.0 - lexical_weight) * sem
            }
        };
    }
    let ranked = top(by_slot.values().map(|hit| (hit.slot, hit.score)).collect(), limit);
    ranked.into_iter().filter_map(|(slot, _)| by_slot.remove(&slot)).collect()
}

fn empty(slot: u32) -> Fused {
    Fused { slot, score: 0.0, lexical: None, semantic: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RRF: Fusion = Fusion::Rrf { k: 60.0, lexical_weight: 1.0, semantic_weight: 1.0 };

    #[test]
    fn top_keeps_the_best_in_order_with_stable_ties() {
        let hits = vec![(4, 0.5), (1, 0.9), (2, 0.5), (3, 0.1)];
        assert_eq!(top(hits.clone(), 3), [(1, 0.9), (2, 0.5), (4, 0.5)]);
        assert_eq!(top(hits, 10).len(), 4);
    }

    #[test]
    fn rrf_rewards_agreement_between_retrievers() {
        let lexical = [(1, 9.0), (2, 5.0), (3, 1.0)];
        let semantic = [(2, 0.9), (3, 0.8), (4, 0.7)];
        let fused = fuse(&lexical, &semantic, RRF, 10);
        assert_eq!(fused[0].slot, 2);
        assert_eq!(fused.len(), 4);
        let hit = &fused[0];
        assert_eq!(hit.lexical, Some(Component { rank: 2, score: 5.0 }));
        assert_eq!(hit.semantic, Some(Component { rank: 1, score: 0.9 }));
        assert!((hit.score - (1.0 / 62.0 + 1.0 / 61.0)).abs() < 1e-6);
    }

    #[test]
    fn weighted_fusion_follows_its_weight() {
        let lexical = [(1, 10.0), (2, 1.0)];
        let semantic = [(2, 0.9), (1, 0.1)];
        assert_eq!(fuse(&lexical, &semantic, Fusion::Weighted { lexical_weight: 0.9 }, 1)[0].slot, 1);
        assert_eq!(fuse(&lexical, &semantic, Fusion::Weighted { lexical_weight: 0.1 }, 1)[0].slot, 2);
    }

    #[test]
    fn one_empty_list_leaves_the_other_order() {
        let fused = fuse(&[(7, 3.0), (8, 2.0)], &[], RRF, 10);
        assert_eq!(fused.iter().map(|h| h.slot).collect::<Vec<_>>(), [7, 8]);
    }
}
