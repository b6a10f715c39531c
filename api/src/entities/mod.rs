//! sea-orm entities, one per table. They never leave the `api` crate:
//! handlers answer with the DTOs of `shared-types`.

pub mod ai_feedback;
pub mod ai_model_version;
pub mod ai_prediction;
pub mod audit_log;
pub mod incident_alert;
pub mod incident_alert_ticket;
pub mod job;
pub mod kb_article;
pub mod kb_article_rating;
pub mod kb_article_tag;
pub mod kb_article_version;
pub mod kb_category;
pub mod kb_deflection;
pub mod notification;
pub mod notification_read;
pub mod permission;
pub mod refresh_token;
pub mod role;
pub mod role_permission;
pub mod search_change;
pub mod system_config;
pub mod team;
pub mod team_member;
pub mod ticket;
pub mod ticket_category;
pub mod ticket_comment;
pub mod ticket_embedding;
pub mod ticket_history;
pub mod ticket_number_sequence;
pub mod ticket_related;
pub mod ticket_tag;
pub mod user;
pub mod user_role;
