//! `GET /api/v1/kb/search`.

use actix_web::{get, web};
use shared_types::kb::{KbSearchHitDto, KbSearchQuery, KbSearchResponse};
use shared_types::{ErrorBody, Permission};

use crate::error::{ApiError, ErrorKind};
use crate::extract::ApiQuery;
use crate::modules::auth::AuthUser;
use crate::modules::kb::KbService;
use crate::modules::search::{SearchError, SearchFilter, SearchMode, SearchQuery};
use crate::state::AppState;

/// Hybrid search over published articles (and, for `kb:write`, drafts and articles in
/// review): words (BM25 with typo tolerance) and meaning
/// (sentence embeddings) fused, with highlights. Lexical only while the embedding model is
/// not loaded (`mode` in the answer says which ran; `/readyz` says why).
#[utoipa::path(
    tag = "kb",
    operation_id = "search_kb",
    security(("bearer" = [])),
    params(KbSearchQuery),
    responses(
        (status = 200, description = "The best matches, best first", body = KbSearchResponse),
        (status = 400, description = "Bad query parameter, named in details", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 503, description = "Semantic mode asked for without an embedding model", body = ErrorBody),
    )
)]
#[get("/search")]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn search(
    state: web::Data<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<KbSearchQuery>,
) -> Result<web::Json<KbSearchResponse>, ApiError> {
    let query = parse(&q, user.has(Permission::KbWrite))?;
    state.kb_search.sync(&state.db).await?;
    let (found, results) = state.kb_search.search(query).await.map_err(|e| match e {
        SearchError::SemanticUnavailable(why) => {
            ApiError::new(ErrorKind::Unavailable, "semantic_search_unavailable", why)
        }
        other => ApiError::internal(other),
    })?;
    let ids: Vec<_> = found.iter().map(|(id, _)| *id).collect();
    let summaries = KbService::new(&state).summaries_by_ids(&user, &ids).await?;
    let data = summaries
        .into_iter()
        .filter_map(|article| {
            let (_, hit) = found.iter().find(|(id, _)| *id == article.id)?;
            Some(KbSearchHitDto {
                article,
                score: hit.score,
                title_highlight: hit.title_highlight.clone(),
                highlight: hit.highlight.clone(),
            })
        })
        .collect();
    Ok(web::Json(KbSearchResponse { data, mode: mode_name(results.mode).into() }))
}

fn mode_name(mode: SearchMode) -> &'static str {
    match mode {
        SearchMode::Hybrid => "hybrid",
        SearchMode::Lexical => "lexical",
        SearchMode::Semantic => "semantic",
    }
}

/// Checks the query. Drafts and articles in review are found only by writers (`kb:write`).
fn parse(q: &KbSearchQuery, may_see_drafts: bool) -> Result<SearchQuery, ApiError> {
    let text = q.q.trim();
    if text.is_empty() || text.chars().count() > 500 {
        return Err(ApiError::invalid_field("q", "must be 1 to 500 characters"));
    }
    let mode = match q.mode.as_deref() {
        None | Some("hybrid") => SearchMode::Hybrid,
        Some("lexical") => SearchMode::Lexical,
        Some("semantic") => SearchMode::Semantic,
        Some(_) => return Err(ApiError::invalid_field("mode", "must be hybrid, lexical or semantic")),
    };
    let limit = match q.limit {
        None => 10,
        Some(n @ 1..=50) => n as usize,
        Some(_) => return Err(ApiError::invalid_field("limit", "must be 1 to 50")),
    };
    let tags =
        q.tags.as_deref().map(|t| t.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
    let filter = SearchFilter {
        category: q.category.clone().filter(|c| !c.trim().is_empty()),
        tags: tags.unwrap_or_default(),
        published_only: !may_see_drafts,
    };
    Ok(SearchQuery { text: text.to_string(), filter, mode, offset: 0, limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_checked() {
        let q = |q: &str| KbSearchQuery { q: q.into(), ..KbSearchQuery::default() };
        assert!(parse(&q(" "), false).is_err());
        assert!(parse(&q(&"x".repeat(501)), false).is_err());
        let ok = parse(&KbSearchQuery { tags: Some("vpn, ,mfa".into()), limit: Some(3), ..q("vpn") }, false);
        let ok = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (ok.filter.tags.clone(), ok.limit, ok.filter.published_only),
            (vec!["vpn".into(), "mfa".into()], 3, true)
        );
        assert!(parse(&KbSearchQuery { mode: Some("fuzzy".into()), ..q("vpn") }, false).is_err());
        assert!(parse(&KbSearchQuery { limit: Some(0), ..q("vpn") }, false).is_err());
    }
}
