//! Who a signed-in user is and what they may do, cached per instance.
//!
//! Permissions are read often (every request) and change rarely, so each
//! instance caches them. Any change to roles, role permissions, team
//! membership or a user's active flag calls [`AccessCache::invalidate`],
//! which clears this instance at once and tells the others over the bus.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use shared_types::Permission;
use uuid::Uuid;

use crate::entities::{permission, role, role_permission, team_member, user, user_role};
use crate::error::ApiError;
use crate::infra::bus::{Bus, BusMessage};

/// The bus topic for invalidations.
const TOPIC: &str = "access";

/// What a signed-in user may do.
#[derive(Debug, Clone)]
pub struct Access {
    /// The user's id.
    pub user_id: Uuid,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Deactivated users are refused even with a valid token.
    pub is_active: bool,
    /// Role names.
    pub roles: Vec<String>,
    /// The union of the roles' permissions.
    pub permissions: BTreeSet<Permission>,
    /// Teams the user belongs to.
    pub team_ids: Vec<Uuid>,
}

/// Which tickets a user may see (the spec's row-level rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketScope {
    /// `ticket:view_all`.
    All,
    /// `ticket:view_team`: the teams' tickets, plus those raised by or assigned to the user.
    Teams {
        /// The user.
        user_id: Uuid,
        /// The user's teams.
        team_ids: Vec<Uuid>,
    },
    /// Only the tickets the user raised.
    Own {
        /// The user.
        user_id: Uuid,
    },
}

impl Access {
    /// Whether the user holds `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// `Ok` when the user holds `permission`, else 403.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("This needs the {permission} permission")))
        }
    }

    /// The tickets this user may see.
    pub fn ticket_scope(&self) -> TicketScope {
        if self.has(Permission::TicketViewAll) {
            TicketScope::All
        } else if self.has(Permission::TicketViewTeam) {
            TicketScope::Teams { user_id: self.user_id, team_ids: self.team_ids.clone() }
        } else {
            TicketScope::Own { user_id: self.user_id }
        }
    }

    /// Reads a user's access from the database; `None` when the user does not exist.
    pub async fn load(db: &DatabaseConnection, user_id: Uuid) -> Result<Option<Access>, ApiError> {
        let Some(user) = user::Entity::find_by_id(user_id).one(db).await? else {
            return Ok(None);
        };
        let role_ids: Vec<Uuid> = user_role::Entity::find()
            .select_only()
            .column(user_role::Column::RoleId)
            .filter(user_role::Column::UserId.eq(user_id))
            .into_tuple()
            .all(db)
            .await?;
        let roles: Vec<String> = role::Entity::find()
            .select_only()
            .column(role::Column::Name)
            .filter(role::Column::Id.is_in(role_ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let permission_ids: Vec<Uuid> = role_permission::Entity::find()
            .select_only()
            .column(role_permission::Column::PermissionId)
            .filter(role_permission::Column::RoleId.is_in(role_ids))
            .into_tuple()
            .all(db)
            .await?;
        let names: Vec<String> = permission::Entity::find()
            .select_only()
            .column(permission::Column::Name)
            .filter(permission::Column::Id.is_in(permission_ids))
            .into_tuple()
            .all(db)
            .await?;
        let team_ids: Vec<Uuid> = team_member::Entity::find()
            .select_only()
            .column(team_member::Column::TeamId)
            .filter(team_member::Column::UserId.eq(user_id))
            .into_tuple()
            .all(db)
            .await?;
        Ok(Some(Access {
            user_id,
            email: user.email,
            name: user.name,
            is_active: user.is_active,
            roles,
            permissions: names.iter().filter_map(|n| Permission::parse(n)).collect(),
            team_ids,
        }))
    }
}

/// What to forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidation {
    /// One user's access.
    User(Uuid),
    /// Everybody's (a role's permissions changed).
    All,
}

/// Per-instance cache of [`Access`], invalidated across instances.
pub struct AccessCache {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, (Instant, Arc<Access>)>>,
    epoch: AtomicU64,
    bus: Bus,
}

impl AccessCache {
    /// A cache whose entries live `ttl` at most.
    pub fn new(ttl: Duration, bus: Bus) -> Self {
        Self { ttl, entries: RwLock::new(HashMap::new()), epoch: AtomicU64::new(0), bus }
    }

    /// The user's access, from the cache or the database.
    pub async fn get(&self, db: &DatabaseConnection, user_id: Uuid) -> Result<Option<Arc<Access>>, ApiError> {
        if let Ok(entries) = self.entries.read()
            && let Some((at, access)) = entries.get(&user_id)
            && at.elapsed() < self.ttl
        {
            return Ok(Some(access.clone()));
        }
        let epoch = self.epoch.load(Ordering::SeqCst);
        let Some(access) = Access::load(db, user_id).await?.map(Arc::new) else {
            return Ok(None);
        };
        if let Ok(mut entries) = self.entries.write() {
            // An invalidation during the load means what we read may be stale.
            if self.epoch.load(Ordering::SeqCst) == epoch {
                entries.insert(user_id, (Instant::now(), access.clone()));
            }
        }
        Ok(Some(access))
    }

    fn forget(&self, what: Invalidation) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.write() {
            match what {
                Invalidation::User(id) => {
                    entries.remove(&id);
                }
                Invalidation::All => entries.clear(),
            }
        }
    }

    /// Forgets `what` here at once and tells the other instances.
    pub async fn invalidate(&self, what: Invalidation) {
        self.forget(what);
        let payload = match what {
            Invalidation::User(id) => id.to_string(),
            Invalidation::All => "all".to_string(),
        };
        if let Err(e) = self.bus.publish(TOPIC, &payload).await {
            tracing::warn!(error = %e, "could not announce a permission change to other instances");
        }
    }

    /// Applies invalidations announced by other instances, until the bus closes.
    pub async fn follow(self: Arc<Self>) {
        let mut rx = self.bus.subscribe();
        loop {
            match rx.recv().await {
                Ok(BusMessage::Message { topic, payload }) if topic == TOPIC => match payload.parse::<Uuid>() {
                    Ok(id) => self.forget(Invalidation::User(id)),
                    Err(_) => self.forget(Invalidation::All),
                },
                Ok(BusMessage::Message { .. }) => {}
                Ok(BusMessage::Resync) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    self.forget(Invalidation::All)
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    }
}
