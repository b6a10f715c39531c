//! Ticket endpoints.

use shared_types::ListResponse;
use shared_types::admin::{CategoryDto, TeamDto, TeamMemberDto};
use shared_types::ai::{AiFeedbackDto, AiFeedbackRequest};
use shared_types::kb::KbSuggestionDto;
use shared_types::tickets::{
    AssignTicketRequest, CloseTicketRequest, CommentDto, CreateCommentRequest, CreateTicketRequest, HistoryEntryDto,
    TicketDetailDto, TicketDto, TicketListQuery, UpdateTicketRequest,
};
use uuid::Uuid;

use super::{ApiError, Call, PATCH, call, decode, get, get_text, post, query_string};

/// `GET /api/v1/tickets` with filters, sort and paging.
pub async fn list(query: &TicketListQuery) -> Result<ListResponse<TicketDto>, ApiError> {
    get(&format!("/api/v1/tickets{}", query_string(query))).await
}

/// `GET /api/v1/tickets/{id}` with its comments and version tag.
///
/// The answer is a ticket with a `comments` field beside its own (`TicketDetailDto` flattens
/// the ticket). It is read here as a ticket and, separately, as its thread (with the suggested
/// articles agents get): serde's decoder for
/// flattened fields buffers the whole object first and cost the WASM a second copy of the
/// ticket's decoder.
pub async fn get_one(id: Uuid) -> Result<TicketDetailDto, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Thread {
        comments: Vec<CommentDto>,
        /// Sent to agents only.
        #[serde(default)]
        suggested_articles: Option<Vec<KbSuggestionDto>>,
    }
    let text = get_text(&format!("/api/v1/tickets/{id}")).await?;
    let ticket: TicketDto = decode(&text)?;
    let Thread { comments, suggested_articles } = decode(&text)?;
    Ok(TicketDetailDto { ticket, comments, suggested_articles })
}

/// `POST /api/v1/tickets/{id}/ai/accept` (`accept`) or `.../ai/reject` with the right value.
pub async fn ai_feedback(id: Uuid, accept: bool, req: &AiFeedbackRequest) -> Result<AiFeedbackDto, ApiError> {
    let verb = if accept { "accept" } else { "reject" };
    post(&format!("/api/v1/tickets/{id}/ai/{verb}"), req).await
}

/// `GET /api/v1/tickets/{id}/history`.
pub async fn history(id: Uuid) -> Result<Vec<HistoryEntryDto>, ApiError> {
    get(&format!("/api/v1/tickets/{id}/history")).await
}

/// `POST /api/v1/tickets`.
pub async fn create(req: &CreateTicketRequest) -> Result<TicketDto, ApiError> {
    post("/api/v1/tickets", req).await
}

/// `PATCH /api/v1/tickets/{id}`, refused with 412 if `version` is no longer current.
pub async fn update(id: Uuid, version: i32, req: &UpdateTicketRequest) -> Result<TicketDto, ApiError> {
    let opts = Call { if_match: Some(format!("\"{version}\"")), ..Call::default() };
    call(PATCH, &format!("/api/v1/tickets/{id}"), Some(req), opts).await
}

/// `POST /api/v1/tickets/{id}/comments`.
pub async fn comment(id: Uuid, req: &CreateCommentRequest) -> Result<CommentDto, ApiError> {
    post(&format!("/api/v1/tickets/{id}/comments"), req).await
}

/// `POST /api/v1/tickets/{id}/assign`.
pub async fn assign(id: Uuid, req: &AssignTicketRequest) -> Result<TicketDto, ApiError> {
    post(&format!("/api/v1/tickets/{id}/assign"), req).await
}

/// `POST /api/v1/tickets/{id}/close`.
pub async fn close(id: Uuid, req: &CloseTicketRequest) -> Result<TicketDto, ApiError> {
    post(&format!("/api/v1/tickets/{id}/close"), req).await
}

/// `GET /api/v1/categories`: the active categories.
pub async fn categories() -> Result<Vec<CategoryDto>, ApiError> {
    get("/api/v1/categories").await
}

/// `GET /api/v1/teams`: the team directory.
pub async fn teams() -> Result<Vec<TeamDto>, ApiError> {
    get("/api/v1/teams").await
}

/// `GET /api/v1/teams/{id}/members`: who a ticket of that team can be assigned to.
pub async fn team_members(id: Uuid) -> Result<Vec<TeamMemberDto>, ApiError> {
    get(&format!("/api/v1/teams/{id}/members")).await
}
