//! The AI page: per-category precision, recall and override rate from agents' feedback on
//! category predictions, the counts of applied, suggested and abstained predictions, and the
//! model version in use.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared_types::Permission;
use shared_types::ai::{AiCategoryMetricsDto, AiMetricsDto, AiThresholdsDto};

use super::store;
use crate::entities::ai_prediction;
use crate::error::ApiError;
use crate::modules::auth::Access;
use crate::state::AppState;

/// Per category, from (predicted, agent's) pairs; categories by name, case-insensitive.
pub fn category_metrics(pairs: &[(Option<String>, String)]) -> Vec<AiCategoryMetricsDto> {
    #[derive(Default)]
    struct Counts {
        predicted: u64,
        actual: u64,
        kept: u64,
    }
    let mut by: BTreeMap<String, Counts> = BTreeMap::new();
    for (predicted, actual) in pairs {
        let actual = actual.to_lowercase();
        by.entry(actual.clone()).or_default().actual += 1;
        if let Some(p) = predicted.as_ref().map(|p| p.to_lowercase()) {
            let entry = by.entry(p.clone()).or_default();
            entry.predicted += 1;
            if p == actual {
                entry.kept += 1;
            }
        }
    }
    let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    by.into_iter()
        .map(|(category, c)| AiCategoryMetricsDto {
            category,
            predicted: c.predicted,
            actual: c.actual,
            precision: share(c.kept, c.predicted),
            recall: share(c.kept, c.actual),
            override_rate: share(c.predicted - c.kept, c.predicted),
        })
        .collect()
}

/// The AI page's figures, for holders of `ai:metrics`.
pub async fn metrics(state: &AppState, user: &Access) -> Result<AiMetricsDto, ApiError> {
    user.require(Permission::AiMetrics)?;
    let db = &state.db;
    let pairs: Vec<(Option<String>, String)> = store::feedback_with_predictions(db)
        .await?
        .into_iter()
        .filter(|(f, _)| f.field == "category")
        .map(|(f, p)| (p.and_then(|p| p.predicted_value).or(f.predicted_value), f.agent_value))
        .collect();
    let count = |outcome: &'static str| {
        ai_prediction::Entity::find()
            .filter(ai_prediction::Column::Field.eq("category"))
            .filter(ai_prediction::Column::Outcome.eq(outcome))
            .count(db)
    };
    let (model, model_version) = store::current_version(db).await?.unzip();
    let t = store::thresholds(db, state.settings.ai_threshold).await?;
    Ok(AiMetricsDto {
        model,
        model_version,
        applied: count("applied").await?,
        suggested: count("suggested").await?,
        abstained: count("abstained").await?,
        feedback: pairs.len() as u64,
        categories: category_metrics(&pairs),
        thresholds: AiThresholdsDto { category: t.category, subcategory: t.subcategory, priority: t.priority },
    })
}

/// Sets the thresholds, for holders of `admin:ai`.
pub async fn set_thresholds(state: &AppState, user: &Access, t: AiThresholdsDto) -> Result<AiThresholdsDto, ApiError> {
    user.require(Permission::AdminAi)?;
    for (field, value) in [("category", t.category), ("subcategory", t.subcategory), ("priority", t.priority)] {
        if !(0.0..=1.0).contains(&value) || value.is_nan() {
            return Err(ApiError::invalid_field(field, "must be between 0 and 1"));
        }
    }
    let now = chrono::SubsecRound::trunc_subsecs(state.clock.now(), 6);
    let txn = state.writer.begin().await?;
    let value = store::Thresholds { category: t.category, subcategory: t.subcategory, priority: t.priority };
    store::set_thresholds(&txn, value, user.user_id, now).await?;
    let entry = crate::modules::audit::AuditEntry::by(user, "ai:thresholds", "system_config", None)
        .details(serde_json::json!({"category": t.category, "subcategory": t.subcategory, "priority": t.priority}));
    crate::modules::audit::record(&txn, entry, &crate::modules::audit::ClientInfo::default(), now).await?;
    txn.commit().await?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_and_overrides_per_category() {
        let pairs = vec![
            (Some("network".to_string()), "network".to_string()),
            (Some("network".to_string()), "access".to_string()),
            (Some("access".to_string()), "access".to_string()),
            (None, "hardware".to_string()),
        ];
        let m = category_metrics(&pairs);
        let of = |name: &str| m.iter().find(|c| c.category == name).unwrap();
        assert_eq!((of("network").precision, of("network").recall), (Some(0.5), Some(1.0)));
        assert_eq!(of("network").override_rate, Some(0.5));
        assert_eq!((of("access").precision, of("access").recall), (Some(1.0), Some(0.5)));
        assert_eq!((of("hardware").precision, of("hardware").recall), (None, Some(0.0)));
    }
}
