//! Markdown to HTML that is safe to put in a page.
//!
//! pulldown-cmark renders (raw HTML in the Markdown passes through it), then
//! ammonia keeps only an allow-list of tags and attributes: no `<script>`,
//! no `on*` handlers, no `javascript:` or `data:` URLs. Links get
//! `rel="noopener nofollow noreferrer"` so an article cannot reach back into
//! the helpdesk's window or lend it search-engine credit.

use pulldown_cmark::{Options, Parser, html};

/// Renders `markdown` to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default().link_rel(Some("noopener nofollow noreferrer")).clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = render("**Check**\n\n- one\n- `ipconfig`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<strong>Check</strong>"), "{html}");
        assert!(html.contains("<li><code>ipconfig</code></li>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
             [click](javascript:alert(3)) <a href=\"https://example.com\" onclick=\"x()\">ok</a>\n\n\
             <iframe src=\"https://evil.example\"></iframe><style>body{}</style>",
        );
        let lower = html.to_lowercase();
        for bad in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "<iframe", "<style"] {
            assert!(!lower.contains(bad), "{bad} survived in {html}");
        }
        assert!(html.contains("rel=\"noopener nofollow noreferrer\""), "{html}");
        assert!(html.contains("https://example.com"), "{html}");
    }
}
