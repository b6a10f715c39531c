//! Knowledge base: articles, their versions, publishing, ratings, deflections,
//! and the import format.
//!
//! [`KbService`] holds the rules; `handlers` maps HTTP onto it; `repo` is the
//! only code that touches the `kb_*` tables. The search index reads what it
//! indexes through [`search_feed::documents`], and learns what changed from
//! the ordered change log every article change appends to in its own
//! transaction ([`search_feed::record`]).

mod categories;
mod content;
pub mod demo;
mod dto;
mod edit;
mod feedback;
pub mod files;
mod filter;
pub mod handlers;
pub mod import;
pub mod render;
mod repo;
pub mod search_feed;
pub mod search_sync;
mod service;
mod versions;

pub use edit::Transition;
pub use service::{ArticlePage, KbService};

/// Registers `/kb` routes. `featured` and `categories` come before `articles/{id}`
/// only for readability: their paths do not overlap.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    use handlers::{articles, categories, feedback, preview, search, versions};
    cfg.service(
        utoipa_actix_web::scope("/kb")
            .service(search::search)
            .service(articles::list)
            .service(articles::create)
            .service(articles::featured)
            .service(articles::get)
            .service(articles::update)
            .service(articles::submit)
            .service(articles::publish)
            .service(articles::unpublish)
            .service(articles::archive)
            .service(preview::preview)
            .service(versions::list)
            .service(versions::get)
            .service(versions::diff)
            .service(versions::restore)
            .service(feedback::rate)
            .service(feedback::ratings)
            .service(feedback::deflect)
            .service(categories::list)
            .service(categories::create)
            .service(categories::update),
    );
}
