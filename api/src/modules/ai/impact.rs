//! How wide and how blocking a ticket's problem is, read from its wording: the impact features
//! the trained priority classifier weighs. Each group follows a priority rule of the labelling
//! guide (many people or a business-critical system, one person fully blocked or a class about
//! to start, a workaround or degraded service, a request or a question); the classifier learns
//! from labelled tickets how much each pattern counts, alone and as part of its group.

use std::sync::LazyLock;

use regex::Regex;

/// Pattern groups, each a list of regular expressions over the lower-cased text.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "question",
        &[
            r"\?",
            r"\bhow (do|can|to|should)\b",
            r"\b(can|could|should|may) (i|we)\b",
            r"\bwho (can|will|do|does|is)\b",
            r"\bwhen (is|can|will|do)\b",
            r"\bis (it|this|there)\b",
            r"\bany (way|setting|option)\b",
            r"\bwhat (is|should|do)\b",
        ],
    ),
    (
        "request",
        &[
            r"\bplease (install|add|create|extend|give|set ?up|arrange|enable|provide|share|remove)\b",
            r"\b(need|needs|want|requesting|request)\b.{0,30}\b(access|role|licen[cs]e|install|account)\b",
            r"\bapproved\b",
            r"\bnext (week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            r"\b(joining|joins|starting|starts) (on|monday|tomorrow|next)\b",
            r"\bnew (joiner|hire|hires|employee)\b",
            r"\bwould like\b",
            r"\bkindly\b",
            r"\bno rush\b|\bnot urgent\b|\bwhen you get a chance\b",
        ],
    ),
    ("minor", &[r"\bannoying\b", r"\ba bit\b", r"\bminor\b", r"\bsometimes\b", r"\boccasionally\b", r"\bused to\b"]),
    (
        "degraded",
        &[
            r"\bslow\b|\bslowly\b|\blag\b|\blaggy\b",
            r"\bintermittent\b|\bkeeps? (dropping|disconnecting|freezing|buffering)\b",
            r"\bworks? (in|on|from|with)\b",
            r"\bworkaround\b|\bfor now\b|\bmeanwhile\b",
            r"\bother (printer|laptop|browser|phone|computer)\b",
            r"\bonly (one|some|a few)\b",
            r"\bevery (morning|day|time|hour)\b",
        ],
    ),
    (
        "blocked",
        &[
            r"\b(can't|cannot|can not|unable to|not able to|couldn't)\b",
            r"\b(can't|cannot|unable to) (work|do anything|log ?in|sign in|access|open anything|take calls|reply)\b",
            r"\bnothing (works|opens|happens)\b",
            r"\bnot (turning|switching) on\b|\bwon't (turn|start|boot)\b|\bdead\b",
            r"\blocked( out)?\b",
            r"\bstolen\b|\blost (my|the)\b",
            r"\bphishing\b|\bfake\b|\bcompromised\b|\bhacked\b",
            r"\bswollen\b|\bsmoke\b|\bsparks?\b",
            r"\bkaam (ruka|nahi)\b|\bkuch nahi\b",
        ],
    ),
    (
        "time",
        &[
            r"\btoday\b",
            r"\bright now\b|\bimmediately\b|\basap\b",
            r"\bdeadline\b|\bcutoff\b|\bdue\b",
            r"\b(class|session|call|meeting|webinar|exam|test)\b.{0,30}\b(at|in) \d",
            r"\b(at|by|before) \d{1,2}(:\d\d)?\s?(am|pm)?\b",
            r"\bstarts?\b",
            r"\burgent(ly)?\b|!!",
        ],
    ),
    (
        "one person",
        &[
            r"\bfor me only\b|\bonly me\b|\bjust me\b|\bonly mine\b",
            r"\b(others|colleagues|everyone else)\b.{0,20}\b(fine|working|joined)\b",
            r"\bmy (laptop|pc|phone|account|password)\b",
        ],
    ),
    (
        "many people",
        &[
            r"\b(everyone|everybody|nobody|no one|all (staff|users|instructors|teachers|students|floors|agents|of us)|whole (office|floor|team|department|row)|entire (office|floor|team))\b",
            r"\bfor (anyone|everyone|every \w+)\b|\bany (floor|instructor|one)\b|\bon all\b|\ball our\b",
            r"\b\d{2,}\+? (people|students|staff|users|teachers|instructors|candidates|attendees|registrations|agents|employees)\b",
            r"\b\d+ of (the|our) \d+\b",
            r"\b(team|floor|office|department|centre|center|lab)\b.{0,20}\b(down|not working|offline)\b",
            r"\bcall cent(re|er)\b",
        ],
    ),
    (
        "critical system",
        &[
            r"\blms\b",
            r"\bexams?\b|\bquiz\b|\bmidterm\b",
            r"\bpayroll\b|\bsalary\b|\bsalaries\b",
            r"\blive (class|classes|session|webinar|stream)\b",
            r"\berp\b|\bpeopledesk\b",
            r"\boutage\b|\bdown\b",
            r"\binternet (down|link)\b|\bisp\b",
        ],
    ),
];

/// Weight of one pattern against its group: a group fires as a whole (once, however many of
/// its patterns match), and single patterns refine it.
const PATTERN_SCALE: f32 = 0.55;

static PATTERNS: LazyLock<Vec<(usize, Regex)>> = LazyLock::new(|| {
    GROUPS
        .iter()
        .enumerate()
        .flat_map(|(g, (_, patterns))| patterns.iter().filter_map(move |p| Regex::new(p).ok().map(|r| (g, r))))
        .collect()
});

/// The impact features of `text`: one per pattern (scaled), then one per group.
pub fn impact_features(text: &str) -> Vec<f32> {
    let text = text.to_lowercase().replace('’', "'");
    let mut out = vec![0.0; PATTERNS.len() + GROUPS.len()];
    for (i, (group, pattern)) in PATTERNS.iter().enumerate() {
        if pattern.is_match(&text) {
            out[i] = PATTERN_SCALE;
            out[PATTERNS.len() + group] = 1.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let total: usize = GROUPS.iter().map(|(_, p)| p.len()).sum();
        assert_eq!(PATTERNS.len(), total);
    }

    #[test]
    fn groups_fire_on_their_cues() {
        let group = |text: &str, name: &str| {
            let f = impact_features(text);
            let g = GROUPS.iter().position(|(n, _)| *n == name).unwrap_or(usize::MAX);
            f[PATTERNS.len() + g] == 1.0
        };
        assert!(group("Internet down for everyone on the whole floor", "many people"));
        assert!(group("70 people affected since 9:15", "many people"));
        assert!(group("I can’t log in to my laptop", "blocked"));
        assert!(group("How do I add the printer?", "question"));
        assert!(!group("the printer prints fine", "blocked"));
        assert_eq!(impact_features("nothing relevant here").iter().sum::<f32>(), 0.0);
    }
}
