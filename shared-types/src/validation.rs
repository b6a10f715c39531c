//! Pure validation shared by the server and the client, so a form and the
//! API reject the same input with the same words.

use std::collections::BTreeMap;

use crate::admin::{
    AddTeamMemberRequest, CreateCategoryRequest, CreateUserRequest, TeamRequest, UpdateCategoryRequest,
};
use crate::tickets::{CreateCommentRequest, CreateTicketRequest, UpdateTicketRequest};

/// Problems keyed by field name (camelCase, as on the wire).
pub type FieldErrors = BTreeMap<String, String>;

/// Longest ticket title.
pub const TITLE_MAX: usize = 500;
/// Shortest ticket title.
pub const TITLE_MIN: usize = 3;
/// Longest description or comment.
pub const TEXT_MAX: usize = 20_000;
/// Most tags on a ticket.
pub const TAGS_MAX: usize = 10;
/// Longest tag.
pub const TAG_MAX: usize = 50;
/// Shortest password.
pub const PASSWORD_MIN: usize = 8;
/// Longest password.
pub const PASSWORD_MAX: usize = 128;

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

fn check_len(errors: &mut FieldErrors, field: &str, value: &str, min: usize, max: usize) {
    let n = chars(value);
    if n < min {
        let msg = if min <= 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") };
        errors.insert(field.into(), msg);
    } else if n > max {
        errors.insert(field.into(), format!("must be at most {max} characters"));
    }
}

/// Lower-cases and trims a tag; the form tags are stored in.
pub fn normalise_tag(tag: &str) -> String {
    tag.trim().to_lowercase()
}

fn check_tags(errors: &mut FieldErrors, tags: &[String]) {
    if tags.len() > TAGS_MAX {
        errors.insert("tags".into(), format!("at most {TAGS_MAX} tags"));
        return;
    }
    for tag in tags {
        let t = normalise_tag(tag);
        let ok = !t.is_empty()
            && t.chars().count() <= TAG_MAX
            && t.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
        if !ok {
            errors
                .insert("tags".into(), format!("each tag is 1 to {TAG_MAX} letters, digits, spaces, '-', '_' or '.'"));
            return;
        }
    }
}

/// Checks a new ticket.
pub fn validate_create_ticket(req: &CreateTicketRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "title", &req.title, TITLE_MIN, TITLE_MAX);
    check_len(&mut errors, "description", &req.description, 1, TEXT_MAX);
    if let Some(tags) = &req.tags {
        check_tags(&mut errors, tags);
    }
    errors
}

/// Checks a ticket update.
pub fn validate_update_ticket(req: &UpdateTicketRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(title) = &req.title {
        check_len(&mut errors, "title", title, TITLE_MIN, TITLE_MAX);
    }
    if let Some(description) = &req.description {
        check_len(&mut errors, "description", description, 1, TEXT_MAX);
    }
    if let Some(tags) = &req.tags {
        check_tags(&mut errors, tags);
    }
    errors
}

/// Checks a comment.
pub fn validate_comment(req: &CreateCommentRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "body", &req.body, 1, TEXT_MAX);
    errors
}

/// Whether `email` looks like an address: one `@`, something before it,
/// a dotted domain after it, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let email = email.trim();
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return false;
    }
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Checks a password's length.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        Some(format!("must be at least {PASSWORD_MIN} characters"))
    } else if n > PASSWORD_MAX {
        Some(format!("must be at most {PASSWORD_MAX} characters"))
    } else {
        None
    }
}

/// Checks a new user (the role name is checked by the server, which knows the roles).
pub fn validate_create_user(req: &CreateUserRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if !is_valid_email(&req.email) {
        errors.insert("email".into(), "must be an e-mail address".into());
    }
    check_len(&mut errors, "name", &req.name, 1, 200);
    if let Some(problem) = req.password.as_deref().and_then(password_problem) {
        errors.insert("password".into(), problem);
    }
    errors
}

/// Checks a team.
pub fn validate_team(req: &TeamRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "name", &req.name, 1, 100);
    if let Some(d) = &req.description {
        check_len(&mut errors, "description", d, 0, 1000);
    }
    errors
}

/// Checks a category.
pub fn validate_category(req: &CreateCategoryRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    check_len(&mut errors, "name", &req.name, 1, 100);
    if let Some(d) = &req.description {
        check_len(&mut errors, "description", d, 0, 1000);
    }
    errors
}

/// Checks a category update (only the fields present).
pub fn validate_update_category(req: &UpdateCategoryRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(name) = &req.name {
        check_len(&mut errors, "name", name, 1, 100);
    }
    if let Some(d) = &req.description {
        check_len(&mut errors, "description", d, 0, 1000);
    }
    errors
}

/// The roles a member can hold in a team.
pub const TEAM_MEMBER_ROLES: [&str; 2] = ["member", "lead"];

/// Checks a new team member (whether the user exists is for the server to say).
pub fn validate_team_member(req: &AddTeamMemberRequest) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(role) = &req.role
        && !TEAM_MEMBER_ROLES.contains(&role.as_str())
    {
        errors.insert("role".into(), format!("must be one of {}", TEAM_MEMBER_ROLES.join(", ")));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(title: &str, description: &str, tags: Option<Vec<&str>>) -> CreateTicketRequest {
        CreateTicketRequest {
            title: title.into(),
            description: description.into(),
            priority: None,
            category_id: None,
            tags: tags.map(|t| t.into_iter().map(String::from).collect()),
        }
    }

    #[test]
    fn ticket_fields_are_checked_by_name() {
        assert!(validate_create_ticket(&ticket("VPN drops", "every hour", None)).is_empty());
        let e = validate_create_ticket(&ticket("  ", "", None));
        assert_eq!(e.get("title").map(String::as_str), Some("must be at least 3 characters"));
        assert_eq!(e.get("description").map(String::as_str), Some("must not be empty"));
        let long = "x".repeat(TITLE_MAX + 1);
        assert!(validate_create_ticket(&ticket(&long, "d", None)).contains_key("title"));
        assert!(validate_create_ticket(&ticket("abc", "d", Some(vec!["<script>"]))).contains_key("tags"));
        assert!(validate_create_ticket(&ticket("abc", "d", Some(vec!["vpn", "wi-fi"]))).is_empty());
    }

    #[test]
    fn category_updates_and_team_members() {
        let update = |name: Option<&str>| UpdateCategoryRequest { name: name.map(String::from), ..Default::default() };
        assert!(validate_update_category(&update(None)).is_empty());
        assert!(validate_update_category(&update(Some("Network"))).is_empty());
        assert!(validate_update_category(&update(Some("  "))).contains_key("name"));
        let member =
            |role: Option<&str>| AddTeamMemberRequest { user_id: uuid::Uuid::nil(), role: role.map(String::from) };
        assert!(validate_team_member(&member(None)).is_empty());
        assert!(validate_team_member(&member(Some("lead"))).is_empty());
        assert!(validate_team_member(&member(Some("boss"))).contains_key("role"));
    }

    #[test]
    fn emails_and_passwords() {
        assert!(is_valid_email("sara@example.com"));
        assert!(!is_valid_email("sara@example"));
        assert!(!is_valid_email("sara example@x.com"));
        assert!(!is_valid_email("@x.com"));
        assert!(password_problem("short").is_some());
        assert!(password_problem("long enough").is_none());
    }
}
