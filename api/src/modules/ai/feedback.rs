//! Agents' verdicts on predictions: accepting a suggestion applies it, rejecting one applies
//! the agent's value, and an agent who changes a predicted field by editing the ticket
//! corrects it too. Every verdict is an `ai_feedback` row, the training signal of the local
//! model and the source of the AI page's figures.

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ConnectionTrait;
use shared_types::Permission;
use shared_types::ai::{AiFeedbackDto, AiFeedbackRequest, AiField};
use shared_types::tickets::TicketPriority;
use uuid::Uuid;

use super::store::{self, CategoryIndex};
use crate::entities::{ai_feedback, ai_prediction, ticket};
use crate::error::ApiError;
use crate::modules::admin::service::categories;
use crate::modules::auth::Access;
use crate::modules::tickets::TicketService;
use crate::modules::tickets::ai_triage::{self, AiActor, AiSuggestion, AiTicketChange};
use crate::state::AppState;

fn no_prediction() -> ApiError {
    ApiError::conflict("no_prediction", "The ticket has no AI prediction for this field")
}

/// What the agent settled on for one field.
struct Verdict {
    change: AiTicketChange,
    agent_value: String,
    agent_category_id: Option<Uuid>,
}

/// The category names of `id` as a prediction names them (`category` for a top-level
/// category, `subcategory` for a subcategory's own name).
fn value_of(index: &CategoryIndex, field: AiField, id: Uuid) -> Option<String> {
    let (category, sub) = index.names(id)?.clone();
    match field {
        AiField::Category => Some(category),
        AiField::Subcategory => sub,
        AiField::Priority => None,
    }
}

/// The suggestion left after `field` was settled.
fn without(ticket: &ticket::Model, field: AiField) -> AiSuggestion {
    let mut s = AiSuggestion {
        category_id: ticket.ai_suggested_category,
        priority: ticket.ai_suggested_priority.clone(),
        confidence: ticket.ai_confidence,
        model_version: ticket.ai_model_version.clone(),
    };
    match field {
        AiField::Category | AiField::Subcategory => s.category_id = None,
        AiField::Priority => s.priority = None,
    }
    s
}

async fn verdict(
    conn: &impl ConnectionTrait,
    index: &CategoryIndex,
    field: AiField,
    prediction: &ai_prediction::Model,
    value: Option<&str>,
) -> Result<Verdict, ApiError> {
    let mut change = AiTicketChange::default();
    if field == AiField::Priority {
        let value = value.or(prediction.predicted_value.as_deref()).ok_or_else(no_prediction)?;
        let priority = TicketPriority::parse(value)
            .ok_or_else(|| ApiError::invalid_field("value", "must be low, medium, high or critical"))?;
        change.priority = Some(priority);
        return Ok(Verdict { change, agent_value: priority.as_str().into(), agent_category_id: None });
    }
    let id = match value {
        Some(v) => v.parse::<Uuid>().map_err(|_| ApiError::invalid_field("value", "must be a category id"))?,
        None => prediction.predicted_category_id.ok_or_else(no_prediction)?,
    };
    if !categories::is_usable(conn, id).await? {
        return Err(ApiError::invalid_field("value", "no active category has this id"));
    }
    let agent_value = value_of(index, field, id)
        .ok_or_else(|| ApiError::invalid_field("value", format!("must be a {} id", field.as_str())))?;
    change.category_id = Some(id);
    Ok(Verdict { change, agent_value, agent_category_id: Some(id) })
}

fn feedback_row(
    prediction: &ai_prediction::Model,
    verdict: &Verdict,
    user: Option<Uuid>,
    now: DateTime<Utc>,
) -> ai_feedback::Model {
    let same = prediction.predicted_value.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&verdict.agent_value));
    ai_feedback::Model {
        id: Uuid::now_v7(),
        prediction_id: prediction.id,
        ticket_id: prediction.ticket_id,
        field: prediction.field.clone(),
        verdict: if same { "accepted" } else { "corrected" }.into(),
        predicted_value: prediction.predicted_value.clone(),
        agent_value: verdict.agent_value.clone(),
        agent_category_id: verdict.agent_category_id,
        user_id: user,
        created_at: now,
    }
}

/// Accepts (no `value`) or corrects (`value`) the latest prediction of a field.
pub async fn settle(
    state: &AppState,
    user: &Access,
    ticket_id: Uuid,
    req: AiFeedbackRequest,
    accept: bool,
) -> Result<AiFeedbackDto, ApiError> {
    user.require(Permission::TicketUpdate)?;
    if !TicketService::new(state).is_visible(user, ticket_id).await? {
        return Err(crate::modules::tickets::service::not_found());
    }
    let value = if accept {
        None
    } else {
        Some(req.value.as_deref().ok_or_else(|| ApiError::invalid_field("value", "is required to reject"))?)
    };
    let now = state.clock.now().trunc_subsecs(6);
    let (_, index) = store::taxonomy(&state.db).await?;
    let txn = state.writer.begin().await?;
    let ticket = ai_triage::find(&txn, ticket_id).await?.ok_or_else(crate::modules::tickets::service::not_found)?;
    let prediction = store::latest_prediction(&txn, ticket_id, req.field.as_str()).await?.ok_or_else(no_prediction)?;
    let mut verdict = verdict(&txn, &index, req.field, &prediction, value).await?;
    verdict.change.suggestion = Some(without(&ticket, req.field));
    let actor = AiActor { user_id: Some(user.user_id), email: Some(user.email.clone()), action: "ticket:ai_feedback" };
    let (updated, changes) = ai_triage::apply(&txn, &ticket, &verdict.change, &actor, now)
        .await?
        .ok_or_else(crate::modules::tickets::service::version_mismatch)?;
    let row = feedback_row(&prediction, &verdict, Some(user.user_id), now);
    let dto = AiFeedbackDto {
        field: req.field,
        verdict: row.verdict.clone(),
        predicted_value: row.predicted_value.clone(),
        agent_value: row.agent_value.clone(),
    };
    store::insert_feedback(&txn, row).await?;
    txn.commit().await?;
    ai_triage::announce(&state.bus, &updated, &changes, Some(user.user_id), None).await;
    Ok(dto)
}

/// An agent's edit of a predicted field counts as feedback on the latest prediction; called in
/// the edit's transaction with the ticket before and after.
pub async fn record_edit(
    conn: &impl ConnectionTrait,
    old: &ticket::Model,
    new: &ticket::Model,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if old.priority != new.priority
        && let Some(p) = store::latest_prediction(conn, old.id, "priority").await?
    {
        let verdict =
            Verdict { change: AiTicketChange::default(), agent_value: new.priority.clone(), agent_category_id: None };
        store::insert_feedback(conn, feedback_row(&p, &verdict, Some(user), now)).await?;
    }
    if old.category_id != new.category_id
        && let Some(id) = new.category_id
    {
        let (_, index) = store::taxonomy(conn).await?;
        for field in [AiField::Category, AiField::Subcategory] {
            let Some(p) = store::latest_prediction(conn, old.id, field.as_str()).await? else { continue };
            let Some(agent_value) = value_of(&index, field, id).or_else(|| {
                // A top-level category chosen where a subcategory was predicted: name the category.
                index.names(id).map(|(c, _)| c.clone()).filter(|_| field == AiField::Subcategory)
            }) else {
                continue;
            };
            let verdict = Verdict { change: AiTicketChange::default(), agent_value, agent_category_id: Some(id) };
            store::insert_feedback(conn, feedback_row(&p, &verdict, Some(user), now)).await?;
        }
    }
    Ok(())
}
