//! The OpenAPI document. Routes register their own entries (utoipa-actix-web),
//! so a route cannot exist without its documentation; this file adds the
//! document's header and the bearer scheme.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

/// Header of the document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Helpdesk API",
        description = "REST API of the AI-powered IT helpdesk. Lists answer `{data, meta, links}`; errors answer `{statusCode, error, message, code, timestamp, path, details?}` with a stable `code`. Send `Authorization: Bearer <accessToken>` from `POST /api/v1/auth/login`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign-in, tokens and the caller"),
        (name = "tickets", description = "Tickets, comments and history"),
        (name = "kb", description = "Knowledge base: articles, versions, publishing, ratings, categories and deflections"),
        (name = "admin", description = "Users, roles, teams, categories, the audit log and the background job queues"),
        (name = "ai", description = "AI triage: the AI page's figures and the thresholds"),
        (name = "notifications", description = "In-app notifications for the signed-in user"),
        (name = "incidents", description = "Ticket-spike alerts: list, read, link to a parent incident ticket, dismiss"),
        (name = "realtime", description = "Live ticket events and presence over a WebSocket (protocol in the README)"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The complete document, as `/api/openapi.json` serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_app, doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::startup::routes)
        .split_for_parts();
    doc
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> anyhow::Result<String> {
    Ok(document().to_pretty_json()? + "\n")
}
