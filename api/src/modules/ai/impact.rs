//! How wide and how blocking a ticket's problem is, read from its wording: the impact features
//! the trained priority classifier weighs. Each group follows a priority rule of the labelling
//! guide (many people or a business-critical system, one person fully blocked or a class about
//! to start, a workaround or degraded service, a request or a question); the classifier learns
//! from labelled tickets how much each pattern counts, alone, as part of its group, and in the
//! combinations rule 34 names (many people, or a business-critical system, that cannot work).

use std::sync::LazyLock;

use regex::Regex;

/// Pattern groups, each a list of regular expressions over the lower-cased text (no
/// look-around: the `regex` crate has none, so a cue that would need one is written as the
/// narrower phrase). Roman Urdu cues are there because users write them.
const GROUPS: &[(&str, &[&str])] = &[
    // Rule 37: how-to questions.
    (
        "question",
        &[
            r"\?",
            r"\bhow (do|can|to|should|does)\b",
            r"\b(can|could|should|may|do) (i|we)\b",
            r"\b(who|where|which|when|what)\b",
            r"\bis (it|this|there|that)\b",
            r"\bany (way|setting|option|tip|solution)s?\b",
            r"\bis (this|it) (safe|normal|expected|real)\b",
        ],
    ),
    // Rule 37: requests and planned work, and the user saying it can wait.
    (
        "request",
        &[
            r"\bplease (install|add|create|extend|give|set ?up|arrange|enable|provide|share|remove|enrol|courier|clean|prepare|correct|change)\b",
            r"\b(can|could) (you|someone|it|this|they|we|i) (please )?(install|add|get|give|create|set ?up|extend|enable|be \w+|clean|have|block)\b",
            r"\b(need|needs|want|requesting|request|chahiye)\b.{0,30}\b(access|role|licen[cs]es?|install\w*|account|extension|rights)\b",
            r"\bapprov(ed|al)\b|\bapprove kar\b",
            r"\bnext (week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bon the \d+(st|nd|rd|th)\b|\bin (january|february|march|april|may|june|july|august|september|october|november|december)\b",
            r"\b(joining|joins|starting|starts|join) (on|monday|tuesday|wednesday|thursday|friday|next|the \d)",
            r"\bnew (joiner|hire|hires|employee|member|team member)\b|\bnew here\b",
            r"\bwould like\b|\bkindly\b",
            r"\bno rush\b|\bnot urgent\b|\bwhen you get a chance\b|\bany day\b|\bcan wait\b|\bwhenever\b",
            r"\binstall (karni|karna|karwa)\b|\binstall (\w+ )?(on|for) (my|our)\b",
        ],
    ),
    // Rule 37: minor annoyances.
    (
        "minor",
        &[
            r"\bannoying\b",
            r"\ba bit\b",
            r"\bminor\b",
            r"\bsometimes\b",
            r"\boccasionally\b",
            r"\bused to\b",
            r"\blol\b",
            r"\bcosmetic\b",
        ],
    ),
    // Rule 36: degraded service, or a workaround exists (another device, browser, network or
    // cable works; one file fails).
    (
        "degraded",
        &[
            r"\bslow\w*\b|\blag\w*\b|\bbuffering\b|\bfreez\w+\b|\btakes? (forever|long|ages|\d+ min\w*)\b",
            r"\bintermittent\w*\b|\bkeeps? (dropping|disconnecting|freezing|buffering|asking|showing|appearing)\b|\bevery (few|\d+) (min\w*|hours?|pages)\b|\bbar bar\b",
            r"\bworks? (in|on|from|with|at|fine|ok|when)\b|\b(laptop|phone|pc|computer|chrome|firefox|safari|browser|wi-?fi|cable|hotspot|home|web|mornings?|direct \w+|other \w+|external \w+) (is|are|seems?|works?|was) (fine|ok|okay|working)\b|\bpe theek hai\b",
            r"\bworkaround\b|\bfor now\b|\bmeanwhile\b|\binstead\b|\bcan still\b|\bstill (works|able)\b",
            r"\bother (printer|laptop|browser|phone|computer|files?|sites?|videos?)\b",
            r"\bonly (one|some|a few|partially)\b|\bsome (rows|files|pages|sites|emails)\b",
            r"\bevery (morning|day|time|hour|afternoon)\b|\brandomly\b",
        ],
    ),
    // Rule 35: one person fully blocked, or a security exposure for one user.
    (
        "blocked",
        &[
            r"\b(can'?t|cannot|can not|unable to|not able to|couldn'?t|won'?t|wont|doesn'?t|does not|isn'?t|is not|not)\b",
            r"\b(can'?t|cannot|can not|unable to|not able to|couldn'?t) (work|do anything|log ?in|sign in|get in\w*|access|open anything|take calls|reply|connect|edit anything)\b",
            r"\bnothing (works|opens|happens|comes)\b|\bat all\b|\bcompletely\b",
            r"\bnot (turning|switching) on\b|\bwon'?t (turn|start|boot|open|join|connect)\b|\bdead\b|\bnot (starting|booting)\b",
            r"\blocked( out)?\b|\bdisabled\b|\bsuspended\b|\bexpired\b",
            r"\bstolen\b|\blost (my|the)\b",
            r"\bcompromised\b|\bhacked\b|\b(entered|typed|gave|shared) (my )?(password|credentials)\b|\bfake (google )?(page|site)\b|\bdidn'?t send\b",
            r"\bswollen\b|\bsmoke\b|\bsparks?\b",
            r"\bkaam (ruka|nahi)\b|\bkuch nahi\b|\bnahi ho (pa )?raha\b|\bidle\b",
        ],
    ),
    // Rule 35: a class, a meeting or a deadline about to start (and, rule 38, the user's own
    // insistence, which training learns to weigh on its own).
    (
        "time",
        &[
            r"\btoday\b|\btonight\b",
            r"\bright now\b|\bimmediately\b|\basap\b",
            r"\bdeadline\b|\bcutoff\b|\bdue\b",
            r"\b(class|session|call|meeting|webinar|exam|test|presentation|demo|recording)\b.{0,30}\b(at|in) \d",
            r"\b(at|by|before) \d{1,2}(:\d\d)?\s?(am|pm)?\b",
            r"\bstarts?\b|\bin (\d+|an|one|two) (min\w*|hours?)\b",
            r"\burgent(ly)?\b|!!",
        ],
    ),
    // Rules 34-35: only this user is affected (so not many people).
    (
        "one person",
        &[
            r"\bfor me only\b|\bonly me\b|\bjust me\b|\bonly mine\b|\bonly for me\b",
            r"\b(others|colleagues|everyone else|my colleagues|people (next to|around) me|baqi (sab|logon))\b.{0,20}\b(fine|working|joined|connected|chal raha|can see)\b",
            r"\bmy (laptop|pc|phone|account|password|macbook|mac|computer)\b",
        ],
    ),
    // Rule 34: many people.
    (
        "many people",
        &[
            r"\b(everyone|everybody|nobody|no one|all (staff|users|instructors|teachers|students|floors|agents|of us|our)|(whole|entire) (\w+ )?(office|floor|team|department|row))\b",
            r"\bfor (anyone|everyone|every (instructor|user|student|teacher|agent|one)|any (instructor|user|student|teacher|agent|one))\b|\bon (all|any|every) floors?\b|\ball our\b|\bnobody'?s\b",
            r"\b\d{2,}\+? (people|students|staff|users|teachers|instructors|candidates|attendees|registrations|agents|employees|trainees|parents)\b",
            r"\b\d+ of (the|our) \d+\b",
            r"\b(team|floor|office|department|centre|center|lab)\b.{0,20}\b(down|not working|offline)\b",
            r"\bcall cent(re|er)\b",
            r"\bstudents (are )?(calling|complain\w*|can'?t|cannot)\b",
        ],
    ),
    // Rule 34: a business-critical system.
    (
        "critical system",
        &[
            r"\blms\b",
            r"\bexams?\b|\bquiz\b|\bmidterm\b|\b(entry|placement|proctored|online) tests?\b",
            r"\bpayroll\b|\bsalary\b|\bsalaries\b",
            r"\blive (class|classes|session|webinar|stream)\b",
            r"\berp\b|\bpeopledesk\b",
            r"\boutage\b|\bdown\b",
            r"\binternet (down|link)\b|\bisp\b",
        ],
    ),
];

/// Pairs of groups that fire together as one more feature: rule 34 makes a ticket critical
/// when many people, or a business-critical system, cannot work, which neither group says alone.
const COMBINATIONS: &[(&str, &str)] =
    &[("many people", "blocked"), ("many people", "critical system"), ("critical system", "blocked")];

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

/// The group indices of each combination (a name that is not a group never fires).
static PAIRS: LazyLock<Vec<(usize, usize)>> = LazyLock::new(|| {
    let index = |name: &str| GROUPS.iter().position(|(n, _)| *n == name).unwrap_or(usize::MAX);
    COMBINATIONS.iter().map(|(a, b)| (index(a), index(b))).collect()
});

/// The impact features of `text`: one per pattern (scaled), then one per group, then one per
/// combination of groups.
pub fn impact_features(text: &str) -> Vec<f32> {
    let text = text.to_lowercase().replace('’', "'");
    let groups_at = PATTERNS.len();
    let mut out = vec![0.0; groups_at + GROUPS.len() + PAIRS.len()];
    for (i, (group, pattern)) in PATTERNS.iter().enumerate() {
        if pattern.is_match(&text) {
            out[i] = PATTERN_SCALE;
            out[groups_at + group] = 1.0;
        }
    }
    let fired = |g: usize| out.get(groups_at + g).is_some_and(|v| *v > 0.0);
    let pairs: Vec<f32> = PAIRS.iter().map(|&(a, b)| if fired(a) && fired(b) { 1.0 } else { 0.0 }).collect();
    out[groups_at + GROUPS.len()..].copy_from_slice(&pairs);
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

    fn groups(text: &str) -> Vec<&'static str> {
        let f = impact_features(text);
        GROUPS.iter().enumerate().filter(|(g, _)| f[PATTERNS.len() + g] == 1.0).map(|(_, (n, _))| *n).collect()
    }

    #[test]
    fn a_working_alternative_is_a_workaround_but_working_colleagues_are_not() {
        assert!(groups("Outlook asks for my password. Gmail in the browser works fine").contains(&"degraded"));
        assert!(groups("No network on the cable, Wi-Fi works fine.").contains(&"degraded"));
        let only_me = groups("Every site fails on Staff-5G, others are fine.");
        assert!(only_me.contains(&"one person") && !only_me.contains(&"degraded"), "{only_me:?}");
        assert!(groups("baqi sab ka chal raha hai").contains(&"one person"));
    }

    #[test]
    fn scope_words_count_people_not_things() {
        assert!(!groups("This site can't be reached for every site").contains(&"many people"));
        assert!(groups("LMS is not opening for anyone").contains(&"many people"));
        assert!(groups("Zoom is not starting for any instructor").contains(&"many people"));
        assert!(groups("the whole finance team since 10am").contains(&"many people"));
        assert!(!groups("I can't reply to anyone").contains(&"many people"));
    }

    #[test]
    fn blocked_requests_and_roman_urdu_cues_fire() {
        assert!(groups("cant login to gmail").contains(&"blocked"));
        assert!(groups("sign in nahi ho pa raha").contains(&"blocked"));
        assert!(groups("I entered my password on a fake page").contains(&"blocked"));
        assert!(groups("Please install Python on my laptop").contains(&"request"));
        assert!(groups("I need VPN access, my manager has approved").contains(&"request"));
        assert!(groups("audacity install karni hai").contains(&"request"));
        assert!(groups("Not urgent, any day after 5pm").contains(&"request"));
    }

    #[test]
    fn combinations_fire_only_when_both_groups_do() {
        let combination = |text: &str, a: &str, b: &str| {
            let f = impact_features(text);
            let k = COMBINATIONS.iter().position(|p| *p == (a, b)).unwrap_or(usize::MAX);
            f[PATTERNS.len() + GROUPS.len() + k] == 1.0
        };
        assert!(combination("LMS down for everyone", "many people", "critical system"));
        assert!(combination("Nobody can log in, we cannot work", "many people", "blocked"));
        assert!(!combination("LMS is slow for me", "many people", "critical system"));
        assert!(!combination("Everyone wants a new mouse", "many people", "blocked"));
        let f = impact_features("Everyone here");
        assert_eq!(f.len(), PATTERNS.len() + GROUPS.len() + COMBINATIONS.len());
    }
}
