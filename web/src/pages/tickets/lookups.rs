//! The directory queries the ticket pages share (categories, teams, team members) and the names
//! they give to ids.

use leptos::prelude::untrack;
use shared_types::Permission;
use shared_types::admin::{CategoryDto, TeamDto, TeamMemberDto};
use uuid::Uuid;

use crate::api::tickets;
use crate::query::{Query, use_query};
use crate::session::Session;

/// The active categories (any signed-in user may read them).
pub fn use_categories() -> Query<Vec<CategoryDto>> {
    use_query(move || ("categories".to_owned(), ()), |()| tickets::categories())
}

/// Whether the user may read the team directory (the server asks for `ticket:assign` or
/// `admin:teams`); employees never see team names.
pub fn can_read_teams(session: Session) -> bool {
    session.can(Permission::TicketAssign) || session.can(Permission::AdminTeams)
}

/// The team directory, for users allowed to read it.
pub fn use_teams(session: Session) -> Option<Query<Vec<TeamDto>>> {
    untrack(|| can_read_teams(session)).then(|| use_query(move || ("teams".to_owned(), ()), |()| tickets::teams()))
}

/// The members of `team()`, the people a ticket of that team can be assigned to. No request
/// while there is no team.
pub fn use_team_members(team: impl Fn() -> Option<Uuid> + Send + Sync + 'static) -> Query<Vec<TeamMemberDto>> {
    use_query(
        move || {
            let team = team();
            (team.map_or_else(|| "team-members:none".to_owned(), |t| format!("team-members:{t}")), team)
        },
        |team: Option<Uuid>| async move {
            match team {
                Some(id) => tickets::team_members(id).await,
                None => Ok(Vec::new()),
            }
        },
    )
}

/// A category's name with its parent's, "Hardware › Printers".
pub fn category_label(categories: &[CategoryDto], id: Uuid) -> Option<String> {
    let category = categories.iter().find(|c| c.id == id)?;
    let parent = category.parent_id.and_then(|p| categories.iter().find(|c| c.id == p));
    Some(match parent {
        Some(parent) => format!("{} › {}", parent.name, category.name),
        None => category.name.clone(),
    })
}

/// Every category as (id, label), subcategories right after their parent.
pub fn category_options(categories: &[CategoryDto]) -> Vec<(Uuid, String)> {
    let mut options: Vec<(Uuid, String)> =
        categories.iter().filter_map(|c| category_label(categories, c.id).map(|label| (c.id, label))).collect();
    options.sort_by_key(|(_, label)| label.to_lowercase());
    options
}

/// A team's name.
pub fn team_name(teams: &[TeamDto], id: Uuid) -> Option<String> {
    teams.iter().find(|t| t.id == id).map(|t| t.name.clone())
}
