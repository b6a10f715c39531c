//! An article's content: what a version saves, a diff compares and an edit changes.
//! Status, featured and counters are not content; changing them saves no version.

use uuid::Uuid;

use crate::entities::{kb_article, kb_article_version};

/// The versioned part of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    /// Normalised, alphabetical.
    pub tags: Vec<String>,
    pub category_id: Uuid,
    pub subcategory_id: Option<Uuid>,
}

impl Content {
    /// The content of `article` with its `tags`.
    pub fn of_article(article: &kb_article::Model, tags: &[String]) -> Self {
        Self {
            title: article.title.clone(),
            summary: article.summary.clone(),
            body_markdown: article.body_markdown.clone(),
            tags: sorted(tags),
            category_id: article.category_id,
            subcategory_id: article.subcategory_id,
        }
    }

    /// The content saved in `version`.
    pub fn of_version(version: &kb_article_version::Model) -> Self {
        let tags: Vec<String> = serde_json::from_value(version.tags.clone()).unwrap_or_default();
        Self {
            title: version.title.clone(),
            summary: version.summary.clone(),
            body_markdown: version.body_markdown.clone(),
            tags: sorted(&tags),
            category_id: version.category_id,
            subcategory_id: version.subcategory_id,
        }
    }

    /// Writes the content into `article` (the caller renders the HTML).
    pub fn apply_to(&self, article: &mut kb_article::Model) {
        article.title = self.title.clone();
        article.summary = self.summary.clone();
        article.body_markdown = self.body_markdown.clone();
        article.category_id = self.category_id;
        article.subcategory_id = self.subcategory_id;
    }

    /// The names of the fields that differ from `other`.
    pub fn changed_fields(&self, other: &Content) -> Vec<String> {
        let mut out = Vec::new();
        let mut differs = |name: &str, changed: bool| {
            if changed {
                out.push(name.to_string());
            }
        };
        differs("title", self.title != other.title);
        differs("summary", self.summary != other.summary);
        differs("body", self.body_markdown != other.body_markdown);
        differs("tags", self.tags != other.tags);
        differs("category", self.category_id != other.category_id);
        differs("subcategory", self.subcategory_id != other.subcategory_id);
        out
    }

    /// The content as text for a line diff: a small header, a blank line, the body.
    pub fn as_text(&self, category: &str, subcategory: &str) -> String {
        format!(
            "title: {}\nsummary: {}\ncategory: {category}\nsubcategory: {subcategory}\ntags: {}\n\n{}\n",
            self.title,
            self.summary.as_deref().unwrap_or(""),
            self.tags.join(", "),
            self.body_markdown.trim_end()
        )
    }
}

/// Tags normalised, without repeats, alphabetical.
pub fn sorted(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags.iter().map(|t| shared_types::validation::normalise_tag(t)).collect();
    out.sort();
    out.dedup();
    out
}

/// A unified diff from `old` to `new`, labelled with the version numbers.
pub fn unified_diff(old: &str, new: &str, from: i32, to: i32) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("version {from}"), &format!("version {to}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines() {
        let diff = unified_diff("a\nb\nc\n", "a\nB\nc\n", 1, 2);
        assert!(diff.contains("--- version 1") && diff.contains("+++ version 2"), "{diff}");
        assert!(diff.contains("-b\n") && diff.contains("+B\n"), "{diff}");
        assert_eq!(sorted(&["VPN".into(), "dns".into(), "vpn".into()]), vec!["dns", "vpn"]);
    }
}
