//! Administration: users, roles and permissions, teams, categories.
//!
//! One file of handlers per resource (`users`, `roles`, `teams`,
//! `categories`); the rules live in `service`. The audit log itself belongs
//! to the audit module and is only listed here: no route changes or deletes
//! audit entries.

pub mod categories;
pub mod roles;
pub mod service;
pub mod team_repo;
pub mod teams;
pub mod users;

use utoipa_actix_web::scope;

/// Registers `/admin` routes, plus the lookups other roles need:
/// `/categories` (everyone signed in) and `/teams` (whoever assigns tickets).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(
        scope("/admin")
            .service(crate::modules::audit::routes::list)
            .service(crate::modules::jobs::routes::stats)
            .service(crate::modules::jobs::routes::list)
            .service(crate::modules::jobs::routes::retry)
            .service(crate::modules::jobs::routes::discard)
            .service(users::list_users)
            .service(users::create_user)
            .service(users::get_user)
            .service(users::change_user_role)
            .service(users::deactivate_user)
            .service(users::activate_user)
            .service(roles::list_roles)
            .service(roles::list_permissions)
            .service(roles::set_role_permissions)
            .service(teams::list_teams)
            .service(teams::create_team)
            .service(teams::update_team)
            .service(teams::delete_team)
            .service(teams::list_team_members)
            .service(teams::add_team_member)
            .service(teams::remove_team_member)
            .service(categories::create_category)
            .service(categories::update_category),
    )
    .service(scope("/teams").service(teams::team_directory).service(teams::team_directory_members))
    .service(categories::list_categories);
}
