//! First-start work, safe to repeat: seed permissions and roles, settle the
//! token-signing secret, create the first admin.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use shared_types::{Permission, RoleName};
use uuid::Uuid;

use crate::entities::{permission, role, role_permission, system_config};
use crate::modules::auth::{password, tokens, users};
use crate::settings::Settings;

const JWT_SECRET_KEY: &str = "auth.jwt_secret";

/// Inserts missing permissions and roles. Existing roles keep the
/// permissions admins gave them, except `admin`, which always has all. A
/// permission that did not exist before (added by an upgrade, such as
/// `kb:write`) is granted to the built-in roles whose defaults include it:
/// no admin can have chosen to withhold it yet.
pub async fn seed_roles(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = crate::infra::db::begin_write(db).await?;
    let mut ids = std::collections::HashMap::new();
    let mut added = std::collections::HashSet::new();
    for p in Permission::ALL {
        let existing = permission::Entity::find().filter(permission::Column::Name.eq(p.as_str())).one(&txn).await?;
        let id = match existing {
            Some(row) => row.id,
            None => {
                let id = Uuid::now_v7();
                permission::ActiveModel {
                    id: Set(id),
                    name: Set(p.as_str().into()),
                    description: Set(p.description().into()),
                }
                .insert(&txn)
                .await?;
                added.insert(p);
                id
            }
        };
        ids.insert(p, id);
    }
    for r in RoleName::ALL {
        let existing = role::Entity::find().filter(role::Column::Name.eq(r.as_str())).one(&txn).await?;
        let (role_id, grant) = match existing {
            Some(row) if r == RoleName::Admin => (row.id, Permission::ALL.to_vec()),
            Some(row) => (row.id, r.default_permissions().into_iter().filter(|p| added.contains(p)).collect()),
            None => {
                let id = Uuid::now_v7();
                role::ActiveModel {
                    id: Set(id),
                    name: Set(r.as_str().into()),
                    description: Set(role_description(r).into()),
                    is_system: Set(true),
                    created_at: Set(chrono::Utc::now()),
                }
                .insert(&txn)
                .await?;
                (id, r.default_permissions())
            }
        };
        for p in grant {
            let Some(&permission_id) = ids.get(&p) else { continue };
            let present = role_permission::Entity::find_by_id((role_id, permission_id)).one(&txn).await?;
            if present.is_none() {
                role_permission::Entity::insert(role_permission::ActiveModel {
                    role_id: Set(role_id),
                    permission_id: Set(permission_id),
                })
                .exec_without_returning(&txn)
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}

fn role_description(r: RoleName) -> &'static str {
    match r {
        RoleName::Employee => "Raises and follows their own tickets",
        RoleName::Agent => "Works the tickets of their teams and writes knowledge-base articles",
        RoleName::TeamLead => "Leads a team: reassigns and oversees its tickets",
        RoleName::Manager => "Sees every ticket and the audit log; publishes knowledge-base articles",
        RoleName::Admin => "Runs the system",
    }
}

/// The access-token secret: from the settings, else the one kept in the
/// database (generated on first start), so every instance signs alike.
pub async fn jwt_secret(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<String> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.expose().to_string());
    }
    if let Some(row) = system_config::Entity::find_by_id(JWT_SECRET_KEY).one(db).await?
        && let Some(s) = row.value.as_str()
    {
        return Ok(s.to_string());
    }
    let secret = tokens::new_signing_secret();
    let insert = system_config::Entity::insert(system_config::ActiveModel {
        key: Set(JWT_SECRET_KEY.into()),
        value: Set(serde_json::Value::String(secret.clone())),
        updated_by: Set(None),
        updated_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await;
    if insert.is_err() {
        // Another instance won the race; use its secret.
        if let Some(row) = system_config::Entity::find_by_id(JWT_SECRET_KEY).one(db).await?
            && let Some(s) = row.value.as_str()
        {
            return Ok(s.to_string());
        }
        insert?;
    }
    Ok(secret)
}

/// What happened to the first admin account.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstAdmin {
    /// Users exist already.
    Exists,
    /// Created with the configured password.
    Created {
        /// Its e-mail address.
        email: String,
    },
    /// Created with a generated password, to be shown once.
    Generated {
        /// Its e-mail address.
        email: String,
        /// The password.
        password: String,
    },
}

/// Creates the first admin when the database has no user.
pub async fn first_admin(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<FirstAdmin> {
    if users::count(db).await.map_err(|e| anyhow::anyhow!("{e}"))? > 0 {
        return Ok(FirstAdmin::Exists);
    }
    let email = settings.admin_email.clone().unwrap_or_else(|| "admin@helpdesk.local".into());
    let (pass, generated) = match &settings.admin_password {
        Some(p) => (p.expose().to_string(), false),
        None => (password::generate(), true),
    };
    let hash = password::hash(pass.clone()).await?;
    let txn = crate::infra::db::begin_write(db).await?;
    users::create(&txn, &email, "Administrator", Some(hash), RoleName::Admin.as_str(), chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
    txn.commit().await?;
    Ok(if generated { FirstAdmin::Generated { email, password: pass } } else { FirstAdmin::Created { email } })
}
