//! The store: every IAM/STS entity in SQLite through sqlx, behind one interface.
//!
//! Each write runs in one transaction, so a failed call changes nothing. Credentials are also kept
//! in memory ([`CredentialCache`]) so that signature checks never touch the disk: the cache is
//! rebuilt from the database only after a write that can change a credential.

mod cache;
pub mod ids;
mod records;

pub use cache::CredentialCache;
pub use records::*;

use crate::auth::{Credential, Principal, Secret};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// Errors of the store. Entity-level outcomes (missing, duplicate) are values in the records'
/// `Option`s and checked by the callers, so this is only infrastructure failure.
pub type Result<T> = std::result::Result<T, sqlx::Error>;

/// Handle on the database and the in-memory credential cache.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    cache: std::sync::Arc<CredentialCache>,
}

/// The kind of principal a managed or inline policy belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityType {
    User,
    Group,
    Role,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::User => "user",
            EntityType::Group => "group",
            EntityType::Role => "role",
        }
    }

    fn parse(s: &str) -> EntityType {
        match s {
            "user" => EntityType::User,
            "group" => EntityType::Group,
            _ => EntityType::Role,
        }
    }
}

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_ts(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Opens (creating if needed) the database at `db` (a path, or `:memory:`) and migrates it.
    pub async fn open(db: &str, root: Credential, root_access_key_id: &str) -> Result<Store> {
        let memory = db == ":memory:";
        let options = if memory {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else {
            SqliteConnectOptions::new()
                .filename(db)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        }
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
        // An in-memory database lives in one connection, so the pool must hold exactly that
        // connection forever.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if memory {
                None
            } else {
                Some(Duration::from_secs(3600))
            })
            .connect_with(options)
            .await?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        let store = Store {
            pool,
            cache: std::sync::Arc::new(CredentialCache::new(root_access_key_id.to_owned(), root)),
        };
        store.load_sessions().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Deletes every IAM/STS entity; the root credentials (configuration) stay.
    pub async fn reset(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "account_aliases",
            "login_profiles",
            "password_policies",
            "instance_profile_roles",
            "instance_profiles",
            "group_members",
            "tags",
            "access_keys",
            "policy_versions",
            "policy_attachments",
            "inline_policies",
            "sessions",
            "policies",
            "groups",
            "roles",
            "users",
        ] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.cache.clear();
        Ok(())
    }

    // ------------------------------------------------------------ credentials

    /// The credential of an access key id, from memory unless a write made the cache stale.
    pub async fn credential(&self, access_key_id: &str) -> Result<Option<Credential>> {
        if let Some(found) = self.cache.lookup(access_key_id) {
            return Ok(found);
        }
        // The long-term keys are stale: rebuild them once, then answer from memory.
        let rows = sqlx::query(
            "SELECT k.access_key_id, k.secret_access_key, k.status, u.account_id, u.user_id, u.name, u.path, u.arn \
             FROM access_keys k JOIN users u ON u.user_id = k.user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let keys = rows
            .into_iter()
            .map(|r| {
                let cred = Credential {
                    secret: Secret::new(r.get::<String, _>(1)),
                    active: r.get::<String, _>(2) == "Active",
                    session_token: None,
                    expiration: None,
                    principal: Principal::User {
                        account_id: r.get(3),
                        user_id: r.get(4),
                        name: r.get(5),
                        path: r.get(6),
                        arn: r.get(7),
                    },
                };
                (r.get::<String, _>(0), cred)
            })
            .collect();
        self.cache.replace_keys(keys);
        Ok(self.cache.lookup(access_key_id).flatten())
    }

    /// Marks the long-term credentials stale after a committed write that can change them.
    fn credentials_changed(&self) {
        self.cache.invalidate_keys();
    }

    async fn load_sessions(&self) -> Result<()> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT access_key_id FROM sessions")
            .fetch_all(&self.pool)
            .await?;
        for id in ids {
            if let Some((cred, _)) = self.session(&id).await? {
                self.cache.insert_session(id, cred);
            }
        }
        Ok(())
    }

    /// Stores temporary credentials and makes them usable at once.
    pub async fn insert_session(&self, s: &NewSession) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (access_key_id, account_id, secret_access_key, session_token, expiration, kind, subject_id, session_name, source_identity, created) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.access_key_id)
        .bind(&s.account_id)
        .bind(s.secret.expose())
        .bind(s.token.expose())
        .bind(ts(s.expiration))
        .bind(s.kind)
        .bind(&s.subject_id)
        .bind(&s.session_name)
        .bind(&s.source_identity)
        .bind(ts(s.created))
        .execute(&self.pool)
        .await?;
        self.cache.insert_session(
            s.access_key_id.clone(),
            Credential {
                secret: s.secret.clone(),
                active: true,
                session_token: Some(s.token.clone()),
                expiration: Some(s.expiration),
                principal: s.principal.clone(),
            },
        );
        Ok(())
    }

    /// A stored session and the principal it acts as (resolved from the current role or user).
    async fn session(&self, access_key_id: &str) -> Result<Option<(Credential, String)>> {
        let Some(r) = sqlx::query(
            "SELECT s.secret_access_key, s.session_token, s.expiration, s.kind, s.subject_id, s.session_name, s.account_id, \
                    r.role_id, r.name, r.path, u.user_id, u.name, u.path, u.arn \
             FROM sessions s LEFT JOIN roles r ON r.role_id = s.subject_id LEFT JOIN users u ON u.user_id = s.subject_id \
             WHERE s.access_key_id = ?",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let account_id: String = r.get(6);
        let kind: String = r.get(3);
        let principal = if kind == "assumed-role" {
            match r.get::<Option<String>, _>(7) {
                Some(role_id) => Principal::AssumedRole {
                    account_id: account_id.clone(),
                    role_id,
                    role_name: r.get(8),
                    role_path: r.get(9),
                    session_name: r.get::<Option<String>, _>(5).unwrap_or_default(),
                },
                None => return Ok(None),
            }
        } else {
            match r.get::<Option<String>, _>(10) {
                Some(user_id) => Principal::User {
                    account_id: account_id.clone(),
                    user_id,
                    name: r.get(11),
                    path: r.get(12),
                    arn: r.get(13),
                },
                None => Principal::Root {
                    account_id: account_id.clone(),
                },
            }
        };
        Ok(Some((
            Credential {
                secret: Secret::new(r.get::<String, _>(0)),
                active: true,
                session_token: Some(Secret::new(r.get::<String, _>(1))),
                expiration: Some(from_ts(r.get(2))),
                principal,
            },
            kind,
        )))
    }

    /// Records the last use of a long-term key in memory; written out by [`Store::flush_last_used`].
    pub fn note_key_used(
        &self,
        access_key_id: &str,
        when: OffsetDateTime,
        service: &str,
        region: &str,
    ) {
        self.cache.note_used(access_key_id, when, service, region);
    }

    /// Writes the remembered last-used data to the database (off the request path).
    pub async fn flush_last_used(&self) -> Result<()> {
        let pending = self.cache.take_used();
        if pending.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (id, used) in pending {
            sqlx::query(
                "UPDATE access_keys SET last_used_date = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ?",
            )
            .bind(ts(used.when))
            .bind(&used.service)
            .bind(&used.region)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    pub fn last_used(&self, access_key_id: &str) -> Option<cache::LastUsed> {
        self.cache.last_used(access_key_id)
    }
}

mod account;
mod entities;
mod instance_profiles;
mod login;
pub use account::AccountCounts;
pub use entities::*;
pub use instance_profiles::{INSTANCE_PROFILES_PER_ACCOUNT, ROLES_PER_INSTANCE_PROFILE};
pub use login::{LoginProfileRec, PasswordPolicyRec};
