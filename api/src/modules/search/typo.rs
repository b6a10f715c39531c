//! Typo tolerance: a bounded edit distance and the vocabulary it is run against.

use std::collections::BTreeMap;
use std::ops::Bound;

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

/// Surface words seen in indexed text, in sorted order, so a lookup can walk them as a trie:
/// a shared prefix is compared with the query word once, and a prefix already more than the
/// allowed distance away rules out every word that starts with it. A scan of the whole
/// vocabulary cost 100+ ms per misspelt word at 100,000 articles; the walk touches only the
/// prefixes within reach.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: BTreeMap<Box<str>, u32>,
}

impl Vocabulary {
    /// Records that `surface` is indexed under the term `term` (the first term recorded for a
    /// word stays).
    pub fn insert(&mut self, surface: &str, term: u32) {
        if !self.words.contains_key(surface) {
            self.words.insert(surface.into(), term);
        }
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word is recorded.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The terms of the words within the allowed distance of `word`, with their distance, in
    /// the words' sorted order. The word itself (distance 0) is left out.
    pub fn near(&self, word: &str) -> Vec<(u32, usize)> {
        let query: Vec<char> = word.chars().collect();
        let limit = allowed_edits(query.len());
        let mut out = Vec::new();
        if limit == 0 {
            return out;
        }
        let width = query.len() + 1;
        let mut walk = Walk {
            words: &self.words,
            query: &query,
            limit,
            // Row `depth` holds the distances between the prefix's first `depth` characters and
            // each prefix of the query; a word longer than the query plus `limit` is out of reach.
            rows: vec![0; width * (query.len() + limit + 1)],
            prefix: String::new(),
            chars: Vec::new(),
            out: &mut out,
        };
        for (j, cell) in walk.rows[..width].iter_mut().enumerate() {
            *cell = j;
        }
        walk.visit();
        out
    }
}

/// One trie walk of `Vocabulary::near`.
struct Walk<'a> {
    words: &'a BTreeMap<Box<str>, u32>,
    query: &'a [char],
    limit: usize,
    rows: Vec<usize>,
    prefix: String,
    chars: Vec<char>,
    out: &'a mut Vec<(u32, usize)>,
}

impl Walk<'_> {
    /// Visits the words starting with `self.prefix`, whose distance row is already computed.
    fn visit(&mut self) {
        let width = self.query.len() + 1;
        let depth = self.chars.len();
        let row = &self.rows[depth * width..(depth + 1) * width];
        let distance = row[width - 1];
        if distance > 0
            && distance <= self.limit
            && let Some(term) = self.words.get(self.prefix.as_str())
        {
            self.out.push((*term, distance));
        }
        if (depth + 1) * width >= self.rows.len() {
            return;
        }
        // Children in order: the first word after the prefix gives the next character; the
        // following sibling starts at the first word past every word with that character.
        let mut sibling: Option<char> = None;
        loop {
            let after = match sibling {
                None => self.words.range::<str, _>((Bound::Excluded(self.prefix.as_str()), Bound::Unbounded)).next(),
                Some(next) => {
                    self.prefix.push(next);
                    let found =
                        self.words.range::<str, _>((Bound::Included(self.prefix.as_str()), Bound::Unbounded)).next();
                    self.prefix.pop();
                    found
                }
            };
            let Some(c) = after.and_then(|(key, _)| key.strip_prefix(self.prefix.as_str())?.chars().next()) else {
                break;
            };
            if self.push(c) {
                self.visit();
            }
            self.pop();
            match successor(c) {
                Some(next) => sibling = Some(next),
                None => break,
            }
        }
    }

    /// Extends the prefix by `c` and computes its row; false when the row is out of reach.
    fn push(&mut self, c: char) -> bool {
        let width = self.query.len() + 1;
        let depth = self.chars.len() + 1;
        let previous_char = self.chars.last().copied();
        self.prefix.push(c);
        self.chars.push(c);
        let (done, rest) = self.rows.split_at_mut(depth * width);
        let current = &mut rest[..width];
        let previous = &done[(depth - 1) * width..];
        let before = (depth >= 2).then(|| &done[(depth - 2) * width..(depth - 1) * width]);
        current[0] = depth;
        let mut row_min = depth;
        for j in 1..width {
            let cost = usize::from(self.query[j - 1] != c);
            let mut value = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if let (Some(before), Some(p)) = (before, previous_char)
                && j > 1
                && self.query[j - 1] == p
                && self.query[j - 2] == c
            {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        row_min <= self.limit
    }

    fn pop(&mut self) {
        self.prefix.pop();
        self.chars.pop();
    }
}

/// The character after `c` in code-point order (which is the order of UTF-8 strings).
fn successor(c: char) -> Option<char> {
    match c {
        '\u{D7FF}' => Some('\u{E000}'),
        _ => char::from_u32(c as u32 + 1),
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

    /// Words over a small alphabet, so many are a few edits apart, from a fixed-seed generator.
    fn random_words(count: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        let mut next = move |bound: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % bound
        };
        let alphabet = ['a', 'b', 'c', 'd', 'é', '1'];
        (0..count)
            .map(|_| (0..1 + next(10)).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect())
            .collect()
    }

    #[test]
    fn the_trie_walk_finds_exactly_what_a_full_scan_finds() {
        let mut vocabulary = Vocabulary::default();
        let words = random_words(3_000, 7);
        for (id, word) in words.iter().enumerate() {
            vocabulary.insert(word, id as u32);
        }
        let mut distinct: Vec<(&String, u32)> = Vec::new();
        for (id, word) in words.iter().enumerate() {
            if !distinct.iter().any(|(w, _)| *w == word) {
                distinct.push((word, id as u32));
            }
        }
        for query in random_words(300, 11) {
            let chars: Vec<char> = query.chars().collect();
            let limit = allowed_edits(chars.len());
            let mut expected: Vec<(u32, usize)> = distinct
                .iter()
                .filter_map(|(word, id)| {
                    let word: Vec<char> = word.chars().collect();
                    edit_distance(&chars, &word, limit).filter(|d| *d > 0 && limit > 0).map(|d| (*id, d))
                })
                .collect();
            let mut found = vocabulary.near(&query);
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected, "query {query}");
        }
    }
}
