//! Typo tolerance: a bounded edit distance and the vocabulary it is run against.

use std::collections::HashMap;

/// The largest edit distance a query word of `len` characters may be corrected by:
/// none below 4 characters (too many short words are one edit apart), 1 from 4, 2 from 8.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..4 => 0,
        4..8 => 1,
        _ => 2,
    }
}

/// Optimal-string-alignment distance (insertions, deletions, substitutions and adjacent
/// transpositions each cost 1), or `None` when it is above `limit`.
pub fn edit_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|distance| *distance <= limit)
}

/// Surface words seen in indexed text, bucketed by length in characters so a lookup only
/// compares words whose length is within the allowed distance.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    by_length: Vec<Vec<(Box<[char]>, u32)>>,
}

impl Vocabulary {
    /// Records that `surface` is indexed under the term `term`.
    pub fn insert(&mut self, surface: &str, term: u32) {
        if self.ids.contains_key(surface) {
            return;
        }
        self.ids.insert(surface.to_string(), term);
        let chars: Box<[char]> = surface.chars().collect();
        if self.by_length.len() <= chars.len() {
            self.by_length.resize_with(chars.len() + 1, Vec::new);
        }
        self.by_length[chars.len()].push((chars, term));
    }

    /// The terms of the words within the allowed distance of `word`, with their distance.
    /// The word itself (distance 0) is left out.
    pub fn near(&self, word: &str) -> Vec<(u32, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let limit = allowed_edits(chars.len());
        if limit == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        let lengths = chars.len().saturating_sub(limit)..=chars.len() + limit;
        for bucket in lengths.filter_map(|len| self.by_length.get(len)) {
            for (candidate, term) in bucket {
                if let Some(distance) = edit_distance(&chars, candidate, limit)
                    && distance > 0
                {
                    out.push((*term, distance));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        edit_distance(&a, &b, limit)
    }

    #[test]
    fn counts_each_kind_of_edit_once() {
        assert_eq!(distance("printer", "printer", 2), Some(0));
        assert_eq!(distance("priner", "printer", 2), Some(1));
        assert_eq!(distance("pritner", "printer", 2), Some(1));
        assert_eq!(distance("recieving", "receiving", 2), Some(1));
        assert_eq!(distance("outlok", "outlook", 1), Some(1));
        assert_eq!(distance("passwrd", "pasword", 2), Some(2));
        assert_eq!(distance("router", "printer", 2), None);
    }

    #[test]
    fn corrects_long_words_more_than_short_ones() {
        let mut vocabulary = Vocabulary::default();
        for (id, word) in ["printer", "password", "zoom", "room", "receiving"].iter().enumerate() {
            vocabulary.insert(word, id as u32);
        }
        assert_eq!(vocabulary.near("priner"), [(0, 1)]);
        assert_eq!(vocabulary.near("pasword"), [(1, 1)]);
        assert_eq!(vocabulary.near("zom"), []);
        assert_eq!(vocabulary.near("zoom"), [(3, 1)]);
        assert_eq!(vocabulary.near("recievng"), [(4, 2)]);
    }
}
