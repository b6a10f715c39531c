//! `GET /api/v1/tickets/{id}/similar`.

use actix_web::{get, web};
use shared_types::ErrorBody;
use shared_types::tickets::{SimilarTicketsQuery, SimilarTicketsResponse};

use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::modules::auth::AuthUser;
use crate::modules::tickets::TicketService;
use crate::modules::tickets::routes::TicketId;
use crate::state::AppState;

/// Tickets that read like this one, to spot duplicates.
///
/// Open tickets, and tickets resolved or closed within the last 30 days
/// (`HELPDESK_SIMILAR_RESOLVED_DAYS`), most similar first; only tickets the caller may see.
/// Similarity is the cosine of the sentence embeddings of the tickets' public text (title and
/// description); tickets below `HELPDESK_SIMILAR_MIN_SCORE` (0.5) are left out, so the list is
/// often empty. `status` says why it is empty when nothing was compared: `pending` while the
/// ticket's text is being embedded (just raised or edited), `unavailable` when the server has
/// no embedding model.
#[utoipa::path(
    tag = "tickets",
    operation_id = "similar_tickets",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The ticket's id"), SimilarTicketsQuery),
    responses(
        (status = 200, description = "The most similar tickets, best first", body = SimilarTicketsResponse),
        (status = 400, description = "Malformed query parameter, named in details", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such ticket, deleted, or not visible to the caller", body = ErrorBody),
        (status = 422, description = "`limit` outside 1 to 20", body = ErrorBody),
    )
)]
#[get("/{id}/similar")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id, ticket_id = %id.0))]
pub async fn similar(
    state: web::Data<AppState>,
    user: AuthUser,
    id: TicketId,
    ApiQuery(q): ApiQuery<SimilarTicketsQuery>,
) -> Result<web::Json<SimilarTicketsResponse>, ApiError> {
    Ok(web::Json(TicketService::new(&state).similar(&user, id.0, &q).await?))
}
