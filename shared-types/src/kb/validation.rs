//! Checks of knowledge-base requests, shared by the server and the SPA's forms.

use super::{
    CreateKbArticleRequest, CreateKbCategoryRequest, KbPreviewRequest, RateKbArticleRequest, UpdateKbArticleRequest,
};
use crate::FieldErrors;
use crate::validation::normalise_tag;

/// Longest article title.
pub const KB_TITLE_MAX: usize = 300;
/// Longest summary.
pub const KB_SUMMARY_MAX: usize = 1_000;
/// Longest Markdown body.
pub const KB_BODY_MAX: usize = 100_000;
/// Most tags on one article.
pub const KB_TAGS_MAX: usize = 20;
/// Longest tag.
pub const KB_TAG_MAX: usize = 50;
/// Longest slug.
pub const KB_SLUG_MAX: usize = 100;
/// Longest rating comment, version note or deflection query.
pub const KB_NOTE_MAX: usize = 2_000;

fn len(s: &str) -> usize {
    s.trim().chars().count()
}

fn check_len(errors: &mut FieldErrors, field: &str, value: &str, min: usize, max: usize) {
    let n = len(value);
    if n < min {
        let msg = if min <= 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") };
        errors.insert(field.into(), msg);
    } else if n > max {
        errors.insert(field.into(), format!("must be at most {max} characters"));
    }
}

/// Whether `slug` is 1 to 100 lower-case letters, digits and single inner hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= KB_SLUG_MAX
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// A slug made from free text: ASCII letters and digits kept, everything else a hyphen.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

fn check_tags(errors: &mut FieldErrors, tags: &[String]) {
    if tags.len() > KB_TAGS_MAX {
        errors.insert("tags".into(), format!("at most {KB_TAGS_MAX} tags"));
        return;
    }
    let bad = tags.iter().map(|t| normalise_tag(t)).any(|t| {
        t.is_empty()
            || t.chars().count() > KB_TAG_MAX
            || !t.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
    });
    if bad {
        errors.insert("tags".into(), format!("each tag is 1 to {KB_TAG_MAX} letters, digits, spaces, '-', '_' or '.'"));
    }
}

/// Checks a new article.
pub fn validate_create_article(req: &CreateKbArticleRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "title", &req.title, 3, KB_TITLE_MAX);
    check_len(&mut errors, "bodyMarkdown", &req.body_markdown, 1, KB_BODY_MAX);
    if let Some(summary) = &req.summary {
        check_len(&mut errors, "summary", summary, 0, KB_SUMMARY_MAX);
    }
    if let Some(tags) = &req.tags {
        check_tags(&mut errors, tags);
    }
    if let Some(slug) = &req.slug
        && !is_valid_slug(slug)
    {
        errors.insert("slug".into(), "1 to 100 lower-case letters, digits and single hyphens".into());
    }
    errors
}

/// Checks a change to an article.
pub fn validate_update_article(req: &UpdateKbArticleRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(title) = &req.title {
        check_len(&mut errors, "title", title, 3, KB_TITLE_MAX);
    }
    if let Some(body) = &req.body_markdown {
        check_len(&mut errors, "bodyMarkdown", body, 1, KB_BODY_MAX);
    }
    if let Some(Some(summary)) = &req.summary {
        check_len(&mut errors, "summary", summary, 0, KB_SUMMARY_MAX);
    }
    if let Some(tags) = &req.tags {
        check_tags(&mut errors, tags);
    }
    if let Some(note) = &req.note {
        check_len(&mut errors, "note", note, 0, KB_NOTE_MAX);
    }
    errors
}

/// Checks a preview: the body may be empty (nothing to show yet) but no longer than a saved one.
pub fn validate_preview(req: &KbPreviewRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "bodyMarkdown", &req.body_markdown, 0, KB_BODY_MAX);
    errors
}

/// Checks a rating.
pub fn validate_rating(req: &RateKbArticleRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(comment) = &req.comment {
        check_len(&mut errors, "comment", comment, 0, KB_NOTE_MAX);
    }
    errors
}

/// Checks a new category.
pub fn validate_kb_category(req: &CreateKbCategoryRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "name", &req.name, 1, 100);
    if let Some(description) = &req.description {
        check_len(&mut errors, "description", description, 0, KB_SUMMARY_MAX);
    }
    match &req.slug {
        Some(slug) if !is_valid_slug(slug) => {
            errors.insert("slug".into(), "1 to 100 lower-case letters, digits and single hyphens".into());
        }
        None if slugify(&req.name).is_empty() && !errors.contains_key("name") => {
            errors.insert("slug".into(), "the name has no letters to make a slug from; send one".into());
        }
        _ => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("\"No internet\": renew the DHCP lease!"), "no-internet-renew-the-dhcp-lease");
        assert!(is_valid_slug("kb-001"));
        assert!(!is_valid_slug("KB-001") && !is_valid_slug("-a") && !is_valid_slug("a--b") && !is_valid_slug(""));
    }
}
