//! Permission and role names, and what each seeded role is granted.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A permission, written `resource:action` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum Permission {
    /// Raise tickets.
    #[serde(rename = "ticket:create")]
    TicketCreate,
    /// See the tickets one raised.
    #[serde(rename = "ticket:view_own")]
    TicketViewOwn,
    /// See the tickets of one's teams (and those assigned to one).
    #[serde(rename = "ticket:view_team")]
    TicketViewTeam,
    /// See every ticket.
    #[serde(rename = "ticket:view_all")]
    TicketViewAll,
    /// Change status, priority, category, team and tags of visible tickets.
    #[serde(rename = "ticket:update")]
    TicketUpdate,
    /// Assign an unassigned ticket.
    #[serde(rename = "ticket:assign")]
    TicketAssign,
    /// Move a ticket from one assignee to another.
    #[serde(rename = "ticket:reassign")]
    TicketReassign,
    /// Close tickets.
    #[serde(rename = "ticket:close")]
    TicketClose,
    /// Delete tickets (soft delete).
    #[serde(rename = "ticket:delete")]
    TicketDelete,
    /// Reply publicly on visible tickets.
    #[serde(rename = "ticket:comment")]
    TicketComment,
    /// Read and write internal notes.
    #[serde(rename = "ticket:comment_internal")]
    TicketCommentInternal,
    /// Manage users.
    #[serde(rename = "admin:users")]
    AdminUsers,
    /// Manage roles and their permissions.
    #[serde(rename = "admin:roles")]
    AdminRoles,
    /// Manage teams and their members.
    #[serde(rename = "admin:teams")]
    AdminTeams,
    /// Manage ticket categories.
    #[serde(rename = "admin:categories")]
    AdminCategories,
    /// Read the audit log.
    #[serde(rename = "audit:view")]
    AuditView,
    /// Write knowledge-base articles: drafts, edits, review requests, versions.
    #[serde(rename = "kb:write")]
    KbWrite,
    /// Publish, unpublish, archive and feature articles; manage knowledge-base categories.
    #[serde(rename = "kb:publish")]
    KbPublish,
    /// See the background job queues; retry and discard jobs; receive queue alerts.
    #[serde(rename = "admin:jobs")]
    AdminJobs,
    /// See the AI page: model version, precision, recall and overrides.
    #[serde(rename = "ai:metrics")]
    AiMetrics,
    /// Set the thresholds at which AI predictions are applied.
    #[serde(rename = "admin:ai")]
    AdminAi,
    /// See ticket-spike (incident) alerts, link their tickets to a parent, dismiss them;
    /// receive the alerts.
    #[serde(rename = "incident:manage")]
    IncidentManage,
}

impl Permission {
    /// Every permission, in a stable order.
    pub const ALL: [Permission; 22] = [
        Permission::TicketCreate,
        Permission::TicketViewOwn,
        Permission::TicketViewTeam,
        Permission::TicketViewAll,
        Permission::TicketUpdate,
        Permission::TicketAssign,
        Permission::TicketReassign,
        Permission::TicketClose,
        Permission::TicketDelete,
        Permission::TicketComment,
        Permission::TicketCommentInternal,
        Permission::AdminUsers,
        Permission::AdminRoles,
        Permission::AdminTeams,
        Permission::AdminCategories,
        Permission::AuditView,
        Permission::KbWrite,
        Permission::KbPublish,
        Permission::AdminJobs,
        Permission::AiMetrics,
        Permission::AdminAi,
        Permission::IncidentManage,
    ];

    /// The wire name, e.g. `ticket:create`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::TicketCreate => "ticket:create",
            Permission::TicketViewOwn => "ticket:view_own",
            Permission::TicketViewTeam => "ticket:view_team",
            Permission::TicketViewAll => "ticket:view_all",
            Permission::TicketUpdate => "ticket:update",
            Permission::TicketAssign => "ticket:assign",
            Permission::TicketReassign => "ticket:reassign",
            Permission::TicketClose => "ticket:close",
            Permission::TicketDelete => "ticket:delete",
            Permission::TicketComment => "ticket:comment",
            Permission::TicketCommentInternal => "ticket:comment_internal",
            Permission::AdminUsers => "admin:users",
            Permission::AdminRoles => "admin:roles",
            Permission::AdminTeams => "admin:teams",
            Permission::AdminCategories => "admin:categories",
            Permission::AuditView => "audit:view",
            Permission::KbWrite => "kb:write",
            Permission::KbPublish => "kb:publish",
            Permission::AdminJobs => "admin:jobs",
            Permission::AiMetrics => "ai:metrics",
            Permission::AdminAi => "admin:ai",
            Permission::IncidentManage => "incident:manage",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// A sentence saying what the permission allows.
    pub fn description(self) -> &'static str {
        match self {
            Permission::TicketCreate => "Raise tickets",
            Permission::TicketViewOwn => "See the tickets one raised",
            Permission::TicketViewTeam => "See the tickets of one's teams and those assigned to one",
            Permission::TicketViewAll => "See every ticket",
            Permission::TicketUpdate => "Change status, priority, category, team and tags",
            Permission::TicketAssign => "Assign unassigned tickets",
            Permission::TicketReassign => "Move tickets between assignees",
            Permission::TicketClose => "Close tickets",
            Permission::TicketDelete => "Delete tickets",
            Permission::TicketComment => "Reply publicly on visible tickets",
            Permission::TicketCommentInternal => "Read and write internal notes",
            Permission::AdminUsers => "Manage users",
            Permission::AdminRoles => "Manage roles and permissions",
            Permission::AdminTeams => "Manage teams and members",
            Permission::AdminCategories => "Manage ticket categories",
            Permission::AuditView => "Read the audit log",
            Permission::KbWrite => "Write knowledge-base articles",
            Permission::KbPublish => "Publish, archive and feature knowledge-base articles",
            Permission::AdminJobs => "See background job queues, retry and discard jobs",
            Permission::AiMetrics => "See AI triage figures and the model version",
            Permission::AdminAi => "Set the AI triage thresholds",
            Permission::IncidentManage => "See ticket-spike alerts, link their tickets to an incident, dismiss them",
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles every installation starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// Raises and follows their own tickets.
    Employee,
    /// Works the tickets of their teams.
    Agent,
    /// Leads a team: reassigns and oversees its tickets.
    TeamLead,
    /// Sees every ticket and the audit log.
    Manager,
    /// Runs the system.
    Admin,
}

impl RoleName {
    /// Every seeded role, least privileged first.
    pub const ALL: [RoleName; 5] =
        [RoleName::Employee, RoleName::Agent, RoleName::TeamLead, RoleName::Manager, RoleName::Admin];

    /// The wire name, e.g. `team_lead`.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleName::Employee => "employee",
            RoleName::Agent => "agent",
            RoleName::TeamLead => "team_lead",
            RoleName::Manager => "manager",
            RoleName::Admin => "admin",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<RoleName> {
        RoleName::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The permissions the role is seeded with. Admins may change them later.
    pub fn default_permissions(self) -> Vec<Permission> {
        use Permission::*;
        let employee = [TicketCreate, TicketViewOwn, TicketComment];
        let agent = [TicketViewTeam, TicketUpdate, TicketAssign, TicketClose, TicketCommentInternal, KbWrite];
        match self {
            RoleName::Employee => employee.to_vec(),
            RoleName::Agent => [&employee[..], &agent[..]].concat(),
            RoleName::TeamLead => [&employee[..], &agent[..], &[TicketReassign, IncidentManage]].concat(),
            RoleName::Manager => {
                let manager = [TicketReassign, TicketViewAll, AuditView, KbPublish, AiMetrics, IncidentManage];
                [&employee[..], &agent[..], &manager[..]].concat()
            }
            RoleName::Admin => Permission::ALL.to_vec(),
        }
    }
}

impl std::fmt::Display for RoleName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        for r in RoleName::ALL {
            assert_eq!(RoleName::parse(r.as_str()), Some(r));
        }
        assert_eq!(Permission::parse("ticket:fly"), None);
    }

    #[test]
    fn roles_grow_in_privilege() {
        let employee = RoleName::Employee.default_permissions();
        assert!(!employee.contains(&Permission::TicketCommentInternal));
        let agent = RoleName::Agent.default_permissions();
        assert!(employee.iter().all(|p| agent.contains(p)));
        assert!(!agent.contains(&Permission::TicketViewAll));
        assert!(RoleName::Manager.default_permissions().contains(&Permission::TicketViewAll));
        assert!(agent.contains(&Permission::KbWrite) && !agent.contains(&Permission::KbPublish));
        assert!(!employee.contains(&Permission::KbWrite));
        assert!(RoleName::Manager.default_permissions().contains(&Permission::KbPublish));
        assert_eq!(RoleName::Admin.default_permissions().len(), Permission::ALL.len());
        assert!(!RoleName::Manager.default_permissions().contains(&Permission::AdminJobs));
        assert!(RoleName::TeamLead.default_permissions().contains(&Permission::IncidentManage));
        assert!(!agent.contains(&Permission::IncidentManage));
    }
}
