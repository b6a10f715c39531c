//! The app's few line icons, drawn here as SVG so they look the same on every device (emoji
//! and symbol fonts differ, and some systems have none).

use leptos::prelude::*;

/// Which icon to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    /// A list of lines: all tickets.
    List,
    /// A star: my own tickets.
    Star,
    /// A plus: create.
    Plus,
    /// A tick: assigned to me.
    Check,
    /// A dashed circle: nobody yet.
    Unassigned,
    /// A flag: my team.
    Flag,
    /// One person: users.
    User,
    /// A key: roles and permissions.
    Key,
    /// Two people: teams.
    Users,
    /// A page with lines: the audit log.
    Log,
    /// An open book: the knowledge base.
    Book,
    /// A warning triangle: incident alerts.
    Alert,
    /// A clock: background jobs.
    Clock,
    /// A spark: AI triage.
    Spark,
    /// A label: ticket categories.
    Tag,
}

impl IconName {
    /// SVG shapes on a 24×24 grid, stroked with the text colour.
    fn shapes(self) -> &'static str {
        match self {
            IconName::List => r#"<path d="M4 6h16M4 12h16M4 18h16"/>"#,
            IconName::Star => {
                r#"<path d="M12 3l2.7 5.6 6.1.8-4.5 4.2 1.1 6.1L12 16.8l-5.4 2.9 1.1-6.1-4.5-4.2 6.1-.8z"/>"#
            }
            IconName::Plus => r#"<path d="M12 5v14M5 12h14"/>"#,
            IconName::Check => r#"<path d="M5 12.5l4.5 4.5L19 7"/>"#,
            IconName::Unassigned => r#"<circle cx="12" cy="12" r="8" stroke-dasharray="3 3"/>"#,
            IconName::Flag => r#"<path d="M5 21V4h12l-2.5 4.5L17 13H5"/>"#,
            IconName::User => r#"<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>"#,
            IconName::Key => r#"<circle cx="8" cy="15" r="4.5"/><path d="M11.2 11.8L20 3M16.5 6.5l3 3M14 9l2 2"/>"#,
            IconName::Users => {
                r#"<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c0-3.9 2.9-6.2 6.5-6.2s6.5 2.3 6.5 6.2M16 4.8a3.5 3.5 0 010 6.4M18 14c2.2.6 3.5 2.7 3.5 6"/>"#
            }
            IconName::Log => r#"<rect x="5" y="3" width="14" height="18" rx="2"/><path d="M9 8h6M9 12h6M9 16h4"/>"#,
            IconName::Alert => r#"<path d="M12 3.5L2.5 20h19zM12 10v4.5M12 17.5v.01"/>"#,
            IconName::Book => {
                r#"<path d="M12 6.5C10 4.8 7 4.5 3 5v13c4-.5 7-.2 9 1.5 2-1.7 5-2 9-1.5V5c-4-.5-7-.2-9 1.5zM12 6.5v13"/>"#
            }
            IconName::Clock => r#"<circle cx="12" cy="12" r="8.5"/><path d="M12 7v5l3.5 2"/>"#,
            IconName::Spark => r#"<path d="M12 3l2 7 7 2-7 2-2 7-2-7-7-2 7-2z"/>"#,
            IconName::Tag => r#"<path d="M3 12V4h8l10 10-7 7z"/><circle cx="7.5" cy="8.5" r="1.5"/>"#,
        }
    }
}

/// A decorative icon (hidden from screen readers: the text beside it says what it means).
#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
            inner_html=name.shapes()
        ></svg>
    }
}
