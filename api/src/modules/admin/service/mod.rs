//! The rules of administration. Handlers check the caller once, getting an
//! [`Authorized`] proof for a capability, and pass it here: a service that
//! changes users, roles, teams or categories cannot be called without one.
//!
//! Every write runs in one transaction with its audit entry (`begin_write`),
//! and tells the permission cache after commit, so the affected user's next
//! request already sees the change.

pub mod categories;
pub mod roles;
pub mod teams;
pub mod users;

use std::marker::PhantomData;

use serde_json::{Map, Value};
use shared_types::Permission;
use uuid::Uuid;

use crate::error::ApiError;
use crate::modules::audit::AuditEntry;
use crate::modules::auth::Access;

/// Something an administrator may do, granted by holding any of its permissions.
pub trait Capability {
    /// Holding any one of these grants the capability.
    const ANY_OF: &'static [Permission];
}

/// Manage user accounts (`admin:users`).
#[derive(Debug)]
pub struct ManageUsers;
/// Change what roles grant (`admin:roles`).
#[derive(Debug)]
pub struct ManageRoles;
/// Manage teams and their members (`admin:teams`).
#[derive(Debug)]
pub struct ManageTeams;
/// Manage ticket categories (`admin:categories`).
#[derive(Debug)]
pub struct ManageCategories;
/// Read the team directory, as agents do to pick assignees.
#[derive(Debug)]
pub struct ViewTeams;

impl Capability for ManageUsers {
    const ANY_OF: &'static [Permission] = &[Permission::AdminUsers];
}
impl Capability for ManageRoles {
    const ANY_OF: &'static [Permission] = &[Permission::AdminRoles];
}
impl Capability for ManageTeams {
    const ANY_OF: &'static [Permission] = &[Permission::AdminTeams];
}
impl Capability for ManageCategories {
    const ANY_OF: &'static [Permission] = &[Permission::AdminCategories];
}
impl Capability for ViewTeams {
    const ANY_OF: &'static [Permission] = &[Permission::TicketAssign, Permission::AdminTeams];
}

/// Capabilities that include reading teams and their members.
pub trait SeesTeams: Capability {}
impl SeesTeams for ManageTeams {}
impl SeesTeams for ViewTeams {}

/// Proof that `actor` holds capability `C`; only [`Authorized::check`] makes one.
#[derive(Debug)]
pub struct Authorized<'a, C> {
    actor: &'a Access,
    capability: PhantomData<C>,
}

impl<'a, C: Capability> Authorized<'a, C> {
    /// The proof, or 403 naming the permission needed.
    pub fn check(actor: &'a Access) -> Result<Self, ApiError> {
        if C::ANY_OF.iter().any(|p| actor.has(*p)) {
            return Ok(Self { actor, capability: PhantomData });
        }
        let names: Vec<&str> = C::ANY_OF.iter().map(|p| p.as_str()).collect();
        Err(ApiError::forbidden(format!("This needs the {} permission", names.join(" or "))))
    }

    /// Who is acting.
    pub fn actor(&self) -> &Access {
        self.actor
    }

    /// An audit entry for `action` on a resource, by this actor.
    pub fn audit(&self, action: &'static str, resource_type: &'static str, resource_id: Uuid) -> AuditEntry {
        AuditEntry::by(self.actor, action, resource_type, Some(resource_id))
    }
}

/// Audit details for an update: `{field: {"from", "to"}}` for each field that changed.
#[derive(Debug, Default)]
pub struct Changes(Map<String, Value>);

impl Changes {
    /// Notes `field` when `from` and `to` differ.
    pub fn note<T: PartialEq + serde::Serialize>(&mut self, field: &str, from: &T, to: &T) {
        if from != to {
            self.0.insert(field.to_string(), serde_json::json!({ "from": from, "to": to }));
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The details object.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// Trims a free-text field; blank means absent.
pub fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}
