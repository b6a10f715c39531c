//! The AI tables (`ai_predictions`, `ai_feedback`, `ai_model_versions`) and the AI settings
//! row of `system_config`. The only code that touches them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::provider::{LabelledText, TicketText};
use super::taxonomy::{CategoryNode, Label, Taxonomy};
use crate::entities::{ai_feedback, ai_model_version, ai_prediction, system_config, ticket};
use crate::error::ApiError;
use crate::modules::admin::service::categories;

/// The `system_config` key of the per-field thresholds.
pub const THRESHOLDS_KEY: &str = "ai.thresholds";

/// At or above these confidences a prediction is applied; below, it is a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    pub category: f64,
    pub subcategory: f64,
    pub priority: f64,
}

impl Thresholds {
    /// The same threshold for every field.
    pub fn all(value: f64) -> Self {
        Self { category: value, subcategory: value, priority: value }
    }
}

/// The thresholds admins set, or `default` for every field.
pub async fn thresholds(db: &impl ConnectionTrait, default: f64) -> Result<Thresholds, ApiError> {
    let row = system_config::Entity::find_by_id(THRESHOLDS_KEY).one(db).await?;
    Ok(row.and_then(|r| serde_json::from_value(r.value).ok()).unwrap_or(Thresholds::all(default)))
}

/// Stores the thresholds.
pub async fn set_thresholds(
    db: &impl ConnectionTrait,
    value: Thresholds,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let json = serde_json::to_value(value).map_err(ApiError::internal)?;
    let row = system_config::ActiveModel {
        key: Set(THRESHOLDS_KEY.into()),
        value: Set(json),
        updated_by: Set(Some(by)),
        updated_at: Set(now),
    };
    if system_config::Entity::find_by_id(THRESHOLDS_KEY).one(db).await?.is_some() {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// Ticket categories by label and by id.
#[derive(Debug, Clone, Default)]
pub struct CategoryIndex {
    /// (category, subcategory) names in lower case to the category's id.
    ids: HashMap<(String, Option<String>), Uuid>,
    /// Id to (category, subcategory) names as stored.
    names: HashMap<Uuid, (String, Option<String>)>,
}

impl CategoryIndex {
    /// The id of a category (`sub` None) or subcategory.
    pub fn id(&self, category: &str, sub: Option<&str>) -> Option<Uuid> {
        self.ids.get(&(category.to_lowercase(), sub.map(str::to_lowercase))).copied()
    }

    /// The names of category `id`.
    pub fn names(&self, id: Uuid) -> Option<&(String, Option<String>)> {
        self.names.get(&id)
    }
}

/// The taxonomy of the categories tickets can be filed under now.
pub async fn taxonomy(db: &impl ConnectionTrait) -> Result<(Taxonomy, CategoryIndex), ApiError> {
    let rows = categories::usable_all(db).await?;
    let mut index = CategoryIndex::default();
    let mut nodes = Vec::new();
    for parent in rows.iter().filter(|c| c.parent_id.is_none()) {
        index.ids.insert((parent.name.to_lowercase(), None), parent.id);
        index.names.insert(parent.id, (parent.name.clone(), None));
        let mut subcategories = Vec::new();
        for child in rows.iter().filter(|c| c.parent_id == Some(parent.id)) {
            index.ids.insert((parent.name.to_lowercase(), Some(child.name.to_lowercase())), child.id);
            index.names.insert(child.id, (parent.name.clone(), Some(child.name.clone())));
            subcategories
                .push(Label { name: child.name.clone(), description: child.description.clone().unwrap_or_default() });
        }
        let label = Label { name: parent.name.clone(), description: parent.description.clone().unwrap_or_default() };
        nodes.push(CategoryNode { label, subcategories });
    }
    Ok((Taxonomy { categories: nodes }, index))
}

/// Whether triage job `job_id` already stored its predictions (a second run does nothing).
pub async fn job_done(db: &impl ConnectionTrait, job_id: Uuid) -> Result<bool, ApiError> {
    Ok(ai_prediction::Entity::find().filter(ai_prediction::Column::JobId.eq(job_id)).count(db).await? > 0)
}

/// Stores predictions.
pub async fn insert_predictions(db: &impl ConnectionTrait, rows: Vec<ai_prediction::Model>) -> Result<(), ApiError> {
    let rows = rows.into_iter().map(ai_prediction::ActiveModel::from);
    ai_prediction::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// The latest prediction for `field` of ticket `ticket_id`.
pub async fn latest_prediction(
    db: &impl ConnectionTrait,
    ticket_id: Uuid,
    field: &str,
) -> Result<Option<ai_prediction::Model>, ApiError> {
    Ok(ai_prediction::Entity::find()
        .filter(ai_prediction::Column::TicketId.eq(ticket_id))
        .filter(ai_prediction::Column::Field.eq(field))
        .order_by_desc(ai_prediction::Column::CreatedAt)
        .order_by_desc(ai_prediction::Column::Id)
        .one(db)
        .await?)
}

/// Stores one feedback row.
pub async fn insert_feedback(db: &impl ConnectionTrait, row: ai_feedback::Model) -> Result<(), ApiError> {
    ai_feedback::Entity::insert(ai_feedback::ActiveModel::from(row)).exec_without_returning(db).await?;
    Ok(())
}

/// Every feedback row with its prediction, oldest first.
pub async fn feedback_with_predictions(
    db: &impl ConnectionTrait,
) -> Result<Vec<(ai_feedback::Model, Option<ai_prediction::Model>)>, ApiError> {
    Ok(ai_feedback::Entity::find()
        .find_also_related(ai_prediction::Entity)
        .order_by_asc(ai_feedback::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Identifies the training set: feedback count and latest feedback time, with the taxonomy.
pub async fn training_key(db: &impl ConnectionTrait, taxonomy: &Taxonomy) -> Result<String, ApiError> {
    let count = ai_feedback::Entity::find().count(db).await?;
    let latest: Option<DateTime<Utc>> = ai_feedback::Entity::find()
        .select_only()
        .column_as(ai_feedback::Column::CreatedAt.max(), "latest")
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten();
    let names: Vec<String> = taxonomy
        .categories
        .iter()
        .flat_map(|c| std::iter::once(c.label.name.clone()).chain(c.subcategories.iter().map(|s| s.name.clone())))
        .collect();
    Ok(format!("{count}:{}:{}", latest.map(|t| t.timestamp_micros()).unwrap_or(0), names.join(",")))
}

/// The tickets agents gave feedback on, labelled with their current category and priority
/// (accepting or correcting writes the agent's value to the ticket), most recent last.
pub async fn training_set(db: &impl ConnectionTrait, index: &CategoryIndex) -> Result<Vec<LabelledText>, ApiError> {
    let ids: Vec<Uuid> = ai_feedback::Entity::find()
        .select_only()
        .column(ai_feedback::Column::TicketId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let tickets = ticket::Entity::find()
            .filter(ticket::Column::Id.is_in(chunk.to_vec()))
            .filter(ticket::Column::DeletedAt.is_null())
            .order_by_asc(ticket::Column::CreatedAt)
            .all(db)
            .await?;
        for t in tickets {
            let Some((category, subcategory)) = t.category_id.and_then(|c| index.names(c)).cloned() else { continue };
            out.push(LabelledText {
                ticket: TicketText { title: t.title, description: t.description },
                category,
                subcategory,
                priority: t.priority,
            });
        }
    }
    Ok(out)
}

/// Records a model version once.
pub async fn record_version(
    db: &impl ConnectionTrait,
    model: &str,
    version: &str,
    trained_examples: usize,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let exists = ai_model_version::Entity::find()
        .filter(ai_model_version::Column::Model.eq(model))
        .filter(ai_model_version::Column::Version.eq(version))
        .count(db)
        .await?
        > 0;
    if !exists {
        let row = ai_model_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            model: Set(model.into()),
            version: Set(version.into()),
            trained_examples: Set(i32::try_from(trained_examples).unwrap_or(i32::MAX)),
            created_at: Set(now),
        };
        ai_model_version::Entity::insert(row).exec_without_returning(db).await?;
    }
    Ok(())
}

/// The newest prediction's model and version.
pub async fn current_version(db: &impl ConnectionTrait) -> Result<Option<(String, String)>, ApiError> {
    let row = ai_prediction::Entity::find()
        .order_by_desc(ai_prediction::Column::CreatedAt)
        .order_by_desc(ai_prediction::Column::Id)
        .one(db)
        .await?;
    Ok(row.map(|r| (r.model, r.model_version)))
}
