//! Text analysis shared by indexing and querying, so both sides turn text into the same terms.
//!
//! A token is a run of letters and digits, lower-cased. Dots between digits stay inside a token
//! (`169.254`, `10.20.1.5`), and hex codes such as `0x80070005` are a single run anyway.
//! Hyphenated words give their parts and also the joined word, so `Wi-Fi` matches `wifi` and
//! `e-mail` matches `email`. Stopwords are dropped and the rest is stemmed (Porter2).

use std::ops::Range;

use rust_stemmers::{Algorithm, Stemmer};

/// A token as it appears in the text, with its byte span there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lower-cased surface form.
    pub text: String,
    /// Byte range in the analysed text.
    pub span: Range<usize>,
}

/// An analysed term: the stem that is indexed and the lower-cased word it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub stem: String,
    pub surface: String,
    pub span: Range<usize>,
}

/// Words too common to say anything about an article: English function words, and the Roman
/// Urdu ones users mix in ("wifi nahi chal raha"). Sorted, for a binary search.
const STOPWORDS: &[&str] = &[
    "a", "aa", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "had", "has", "have",
    "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "ka", "ke",
    "ki", "me", "mera", "meri", "mujhe", "my", "of", "off", "on", "once", "or", "other", "our", "ours", "raha", "rahe",
    "rahi", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
];

/// Whether `word` (lower-case) is a stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Splits `text` into lower-cased tokens with their byte spans, keeping dotted numbers whole.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let inside = c.is_alphanumeric()
            || (c == '.'
                && start.is_some()
                && i > 0
                && chars[i - 1].1.is_ascii_digit()
                && chars.get(i + 1).is_some_and(|(_, next)| next.is_ascii_digit()));
        match (inside, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                out.push(Token { text: text[from..at].to_lowercase(), span: from..at });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push(Token { text: text[from..].to_lowercase(), span: from..text.len() });
    }
    out
}

/// Turns text into index terms: tokens, joined hyphenated compounds, stopwords dropped, stems.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self { stemmer: Stemmer::create(Algorithm::English) }
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(english)")
    }
}

impl Analyzer {
    /// The stem of one lower-case word (numbers and codes are kept as they are).
    pub fn stem(&self, word: &str) -> String {
        if word.chars().any(|c| c.is_ascii_digit()) { word.to_string() } else { self.stemmer.stem(word).into_owned() }
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let tokens = tokens(text);
        let mut out = Vec::with_capacity(tokens.len() + 4);
        let mut index = 0;
        while index < tokens.len() {
            let compound_end = compound_end(text, &tokens, index);
            for token in &tokens[index..compound_end] {
                self.push(&mut out, &token.text, token.span.clone());
            }
            if compound_end - index > 1 {
                let joined: String = tokens[index..compound_end].iter().map(|t| t.text.as_str()).collect();
                let span = tokens[index].span.start..tokens[compound_end - 1].span.end;
                self.push(&mut out, &joined, span);
            }
            if let Some(prefix) = dotted_prefix(&tokens[index].text) {
                self.push(&mut out, prefix, tokens[index].span.clone());
            }
            index = compound_end;
        }
        out
    }

    /// The stems of `text`, in order (what indexing needs).
    pub fn stems(&self, text: &str) -> Vec<String> {
        self.terms(text).into_iter().map(|term| term.stem).collect()
    }

    fn push(&self, out: &mut Vec<Term>, word: &str, span: Range<usize>) {
        // A lone letter (the x of 169.254.x.x) matches far too much to help.
        let single_letter = word.chars().count() == 1 && !word.starts_with(|c: char| c.is_ascii_digit());
        if single_letter || is_stopword(word) {
            return;
        }
        out.push(Term { stem: self.stem(word), surface: word.to_string(), span });
    }
}

/// The end (exclusive) of the run of tokens joined by single hyphens starting at `start`.
fn compound_end(text: &str, tokens: &[Token], start: usize) -> usize {
    let mut end = start + 1;
    while end < tokens.len() && &text[tokens[end - 1].span.end..tokens[end].span.start] == "-" {
        end += 1;
    }
    end
}

/// `10.20.1.5` also yields `10.20`, the network prefix articles talk about.
fn dotted_prefix(token: &str) -> Option<&str> {
    let mut dots = token.match_indices('.');
    let _first = dots.next()?;
    let (second, _) = dots.next()?;
    Some(&token[..second])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_the_binary_search() {
        assert!(STOPWORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn splits_lowercases_and_keeps_numbers_and_codes() {
        let text: Vec<String> = tokens("Error 0x80070005 at 169.254.x.x, Café!").into_iter().map(|t| t.text).collect();
        assert_eq!(text, ["error", "0x80070005", "at", "169.254", "x", "x", "café"]);
        let spans = tokens("a 10.20.");
        assert_eq!(spans[1].span, 2..7);
        assert_eq!(tokens("version 1.2").last().map(|t| t.text.clone()).as_deref(), Some("1.2"));
    }

    #[test]
    fn stems_drops_stopwords_and_joins_hyphenated_words() {
        let analyzer = Analyzer::default();
        assert_eq!(analyzer.stems("The printers are printing"), ["printer", "print"]);
        assert_eq!(analyzer.stems("Wi-Fi"), ["wi", "fi", "wifi"]);
        assert_eq!(analyzer.stems("e-mail"), ["mail", "email"]);
        assert_eq!(analyzer.stems("wifi nahi chal raha"), ["wifi", "nahi", "chal"]);
        assert_eq!(analyzer.stems("ip 10.20.1.5"), ["ip", "10.20.1.5", "10.20"]);
    }

    #[test]
    fn indexing_and_querying_agree() {
        let analyzer = Analyzer::default();
        assert_eq!(analyzer.stems("Connecting"), analyzer.stems("connected"));
    }
}
