//! Highlights: a short window of an article's text around the query's matches, matched words
//! wrapped in `<mark>` and everything else HTML-escaped, so the result is safe to render as is.

use std::collections::HashSet;

use super::analysis::Analyzer;

/// Words in a snippet.
const SNIPPET_WORDS: usize = 28;

/// Markdown turned into plain running text: emphasis, code ticks, heading and quote markers
/// and list bullets go, line breaks become spaces.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start();
        let line = line.trim_start_matches(['#', '>']).trim_start();
        let line = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(line.chars().filter(|c| !matches!(c, '*' | '`')));
    }
    out
}

/// Escapes the five characters that matter in HTML text and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The whole of `text` (a title, say) with the words whose stem is in `stems` marked.
pub fn mark_all(analyzer: &Analyzer, text: &str, stems: &HashSet<String>) -> String {
    let spans = matched_spans(analyzer, text, stems);
    render(text, 0..text.len(), &spans)
}

/// The window of about `SNIPPET_WORDS` words of `text` holding the most distinct matched
/// stems (the opening words when nothing matches), with matches marked and `…` where the
/// text was cut.
pub fn snippet(analyzer: &Analyzer, text: &str, stems: &HashSet<String>) -> String {
    let words = super::analysis::tokens(text);
    if words.is_empty() {
        let mut out = String::new();
        escape_html(text, &mut out);
        return out;
    }
    let spans = matched_spans(analyzer, text, stems);
    // Candidate windows open a few words before each match, so a match reads in context; the
    // one holding the most distinct stems wins (the earliest on a tie).
    let first_word = |at: usize| words.partition_point(|word| word.span.start < at);
    let matches: Vec<(usize, &str)> =
        spans.iter().map(|(span, stem)| (first_word(span.start), stem.as_str())).collect();
    let (mut start, mut best_score) = (0, 0);
    for (word, _) in &matches {
        let from = word.saturating_sub(3);
        let inside: HashSet<&str> =
            matches.iter().filter(|(w, _)| (from..from + SNIPPET_WORDS).contains(w)).map(|(_, stem)| *stem).collect();
        if inside.len() > best_score {
            (start, best_score) = (from, inside.len());
        }
    }
    let start = start.min(words.len().saturating_sub(SNIPPET_WORDS));
    let end = (start + SNIPPET_WORDS).min(words.len()) - 1;
    let from = if start == 0 { 0 } else { words[start].span.start };
    let to = if end + 1 == words.len() { text.len() } else { words[end].span.end };
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&render(text, from..to, &spans));
    if to < text.len() {
        out.push('…');
    }
    out
}

/// Byte spans of the terms of `text` whose stem is in `stems`, with that stem.
fn matched_spans(analyzer: &Analyzer, text: &str, stems: &HashSet<String>) -> Vec<(std::ops::Range<usize>, String)> {
    let mut spans: Vec<_> = analyzer
        .terms(text)
        .into_iter()
        .filter(|term| stems.contains(&term.stem))
        .map(|term| (term.span, term.stem))
        .collect();
    spans.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
    // A compound (wi-fi) and its parts overlap: keep the outermost.
    let mut kept: Vec<(std::ops::Range<usize>, String)> = Vec::with_capacity(spans.len());
    for (span, stem) in spans {
        if kept.last().is_none_or(|(last, _)| span.start >= last.end) {
            kept.push((span, stem));
        }
    }
    kept
}

fn render(text: &str, range: std::ops::Range<usize>, spans: &[(std::ops::Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(range.len() + 32);
    let mut at = range.start;
    for (span, _) in spans.iter().filter(|(span, _)| span.start >= range.start && span.end <= range.end) {
        escape_html(&text[at..span.start], &mut out);
        out.push_str("<mark>");
        escape_html(&text[span.clone()], &mut out);
        out.push_str("</mark>");
        at = span.end;
    }
    escape_html(&text[at..range.end], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(analyzer: &Analyzer, query: &str) -> HashSet<String> {
        analyzer.stems(query).into_iter().collect()
    }

    #[test]
    fn marks_matches_and_escapes_everything_else() {
        let analyzer = Analyzer::default();
        let text = "Printing <script>alert('x')</script> & the printer's queue";
        let marked = mark_all(&analyzer, text, &stems(&analyzer, "printers"));
        assert_eq!(
            marked,
            "Printing &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; the <mark>printer</mark>&#39;s queue"
        );
        let marked = mark_all(&analyzer, "<b>alert</b>", &stems(&analyzer, "b alert"));
        assert_eq!(marked, "&lt;b&gt;<mark>alert</mark>&lt;/b&gt;");
    }

    #[test]
    fn the_snippet_is_cut_around_the_densest_matches() {
        let analyzer = Analyzer::default();
        let filler = "word ".repeat(60);
        let text = format!("{filler}restart the Wi-Fi router now {filler}");
        let snippet = snippet(&analyzer, &text, &stems(&analyzer, "wifi router"));
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
        assert!(snippet.contains("<mark>Wi-Fi</mark> <mark>router</mark>"));
        assert!(snippet.split_whitespace().count() <= SNIPPET_WORDS + 1);
    }

    #[test]
    fn without_matches_the_snippet_is_the_opening() {
        let analyzer = Analyzer::default();
        let snippet = snippet(&analyzer, "Short text & more.", &HashSet::new());
        assert_eq!(snippet, "Short text &amp; more.");
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(plain_text("# Title\n\n**Check** `ipconfig`\n- one\n> two"), "Title Check ipconfig one two");
    }
}
