//! The store: every IAM/STS entity in SQLite through sqlx, behind one interface.
//!
//! Each write runs in one transaction, so a failed call changes nothing. Credentials are also kept
//! in memory ([`CredentialCache`]) so that signature checks never touch the disk: the cache is
//! rebuilt from the database only after a write that can change a credential.

mod cache;
pub mod ids;
mod records;
pub(crate) mod write;

pub use cache::CredentialCache;
pub use records::*;

use crate::identity::{Credential, Principal, Secret};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Row, Sqlite, SqlitePool, Transaction};
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
    /// Held while the long-term keys are reloaded, so concurrent misses reload once.
    reload: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// For an in-memory database: a connection outside the pool that is never used and never
    /// closed while the store lives. SQLite frees a named in-memory database when its last
    /// connection closes, and the pool may close its connection (a cancelled query, an
    /// error); this one keeps the database, and every entity in it, alive.
    _anchor: Option<std::sync::Arc<tokio::sync::Mutex<SqliteConnection>>>,
    /// Counts committed writes (see [`Store::generation`]).
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The committed state reads answer from.
    model: std::sync::Arc<model::Model>,
    /// Held by a write transaction from its start until its change is in the model: writers
    /// take turns (as SQLite makes them anyway), the model applies writes in commit order, and
    /// a write's checks against the model see every write committed before it.
    apply: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Commits planned writes in groups (see [`write`]).
    writer: write::Writer,
}

/// A transaction of the store. A write transaction counts itself in the store's generation
/// once it has committed.
pub(crate) struct Txn {
    tx: Transaction<'static, Sqlite>,
    generation: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// A write's turn (see `Store::apply`), released once its change is in the model.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Txn {
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        // INVARIANT: bumped after the commit and before the write is answered, so a value
        // derived under the previous generation is never served to a client that saw the
        // write succeed; one derived while the write was in flight is thrown away with it.
        if let Some(g) = self.generation {
            g.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
        Ok(())
    }
}

impl std::ops::Deref for Txn {
    type Target = Transaction<'static, Sqlite>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Txn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
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
    /// `roots` are the accounts' root credentials by access key id.
    pub async fn open(
        db: &str,
        roots: std::collections::HashMap<String, Credential>,
    ) -> Result<Store> {
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
        .busy_timeout(Duration::from_secs(5))
        // 32 MiB of pages per connection (SQLite's default is 2 MiB): the writer would
        // otherwise read the indexes it inserts into back from the OS again and again. Only
        // pages the database has are cached, so a small database stays small in memory.
        .pragma("cache_size", "-32768");
        // `sqlite::memory:` is a named, shared-cache in-memory database: every connection
        // opened with these options sees the same one, as long as one of them stays open.
        let anchor = if memory {
            Some(std::sync::Arc::new(tokio::sync::Mutex::new(
                options.connect().await?,
            )))
        } else {
            None
        };
        // Writers on an in-memory database take turns on one connection; a file database in
        // WAL mode reads concurrently and serializes writers with `BEGIN IMMEDIATE`.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            // A SQLite connection is a worker thread of this process, not a socket that can go
            // stale: pinging it at every acquire would only add a round trip to every query.
            .test_before_acquire(false)
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
        let model: std::sync::Arc<model::Model> = Default::default();
        let apply: std::sync::Arc<tokio::sync::Mutex<()>> = Default::default();
        let generation: std::sync::Arc<std::sync::atomic::AtomicU64> = Default::default();
        let writer = write::Writer::start(write::Core {
            pool: pool.clone(),
            model: model.clone(),
            turn: apply.clone(),
            generation: generation.clone(),
        });
        let store = Store {
            pool,
            cache: std::sync::Arc::new(CredentialCache::new(roots)),
            reload: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            _anchor: anchor,
            generation,
            model,
            apply,
            writer,
        };
        let users = store
            .load_entries("users", "user_id", entities::user_row)
            .await?;
        store.model.users.replace(users);
        let roles = store
            .load_entries("roles", "role_id", entities::role_row)
            .await?;
        store.model.roles.replace(roles);
        let groups = store
            .load_entries("groups", "group_id", entities::group_row)
            .await?;
        store.model.groups.replace(groups);
        let members =
            sqlx::query_as::<_, (String, String)>("SELECT group_id, user_id FROM group_members")
                .fetch_all(&store.pool)
                .await?;
        store.model.replace_members(members);
        let inline = sqlx::query_as::<_, (String, String, String)>(
            "SELECT entity_id, name, document FROM inline_policies",
        )
        .fetch_all(&store.pool)
        .await?;
        let attached = sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT account_id, entity_id, policy_arn, attached FROM policy_attachments",
        )
        .fetch_all(&store.pool)
        .await?
        .into_iter()
        .map(
            |(account, entity_id, policy_arn, attached)| model::Attachment {
                account,
                entity_id,
                policy_arn,
                attached,
            },
        )
        .collect();
        store.model.replace_policies(inline, attached);
        let managed = store.load_managed().await?;
        store.model.replace_managed(managed);
        let keys = sqlx::query(
            "SELECT access_key_id, account_id, user_id, status, create_date, last_used_date, last_used_service, last_used_region FROM access_keys",
        )
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| model::KeyMeta {
            access_key_id: r.get(0),
            account_id: r.get(1),
            user_id: r.get(2),
            active: r.get::<String, _>(3) == "Active",
            create_date: from_ts(r.get(4)),
            last_used_date: r.get::<Option<i64>, _>(5).map(from_ts),
            last_used_service: r.get(6),
            last_used_region: r.get(7),
        })
        .collect();
        store.model.replace_keys(keys);
        let profiles = store
            .load_entries(
                "instance_profiles",
                "instance_profile_id",
                instance_profiles::profile_row,
            )
            .await?;
        store.model.profiles.replace(profiles);
        let profile_roles = sqlx::query_as::<_, (String, String)>(
            "SELECT instance_profile_id, role_id FROM instance_profile_roles ORDER BY rowid",
        )
        .fetch_all(&store.pool)
        .await?;
        store.model.replace_profile_roles(profile_roles);
        let logins = sqlx::query(
            "SELECT user_id, password_hash, password_reset_required, create_date FROM login_profiles",
        )
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                model::Login {
                    password_hash: r.get(1),
                    password_reset_required: r.get(2),
                    create_date: from_ts(r.get(3)),
                },
            )
        })
        .collect();
        store.model.replace_logins(logins);
        let policies = sqlx::query("SELECT * FROM password_policies")
            .fetch_all(&store.pool)
            .await?
            .iter()
            .map(|r| (r.get::<String, _>("account_id"), login::policy_row(r)))
            .collect();
        store.model.replace_password_policies(policies);
        let mut oidc_tags = store.tags_of_table("oidc_providers", "arn").await?;
        let providers = sqlx::query("SELECT * FROM oidc_providers")
            .fetch_all(&store.pool)
            .await?
            .iter()
            .map(|r| {
                let rec = oidc::provider_row(r);
                model::OidcEntry {
                    account: r.get("account_id"),
                    tags: oidc_tags.remove(&rec.arn).unwrap_or_default(),
                    rec,
                }
            })
            .collect();
        store.model.replace_oidc(providers);
        let created =
            sqlx::query_as::<_, (String, i64)>("SELECT account_id, create_date FROM accounts")
                .fetch_all(&store.pool)
                .await?
                .into_iter()
                .map(|(a, t)| (a, from_ts(t)))
                .collect();
        let aliases =
            sqlx::query_as::<_, (String, String)>("SELECT account_id, alias FROM account_aliases")
                .fetch_all(&store.pool)
                .await?;
        store.model.replace_accounts(created, aliases);
        let mut mfa_tags = store.tags_of_table("mfa_devices", "serial_number").await?;
        let devices = sqlx::query("SELECT * FROM mfa_devices")
            .fetch_all(&store.pool)
            .await?
            .iter()
            .map(|r| {
                let mut d = mfa::mfa_row(r);
                d.tags = mfa_tags.remove(&d.serial_number).unwrap_or_default();
                d
            })
            .collect();
        store.model.replace_mfa(devices);
        store.load_sessions(None).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock before the
    /// first read, so the checks a write makes (exists? under quota?) and the write itself see
    /// one state, and concurrent writers queue on the busy timeout instead of failing to
    /// upgrade a read lock (`SQLITE_BUSY`) halfway through.
    pub(crate) async fn write(&self) -> Result<Txn> {
        let turn = self.apply.clone().lock_owned().await;
        Ok(Txn {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            generation: Some(self.generation.clone()),
            _turn: Some(turn),
        })
    }

    /// Commits `tx`, then applies its change to the read model before the write's turn ends:
    /// the model sees writes in the order they committed.
    pub(crate) async fn commit_applying(
        &self,
        mut tx: Txn,
        change: impl FnOnce(&model::Model),
    ) -> Result<()> {
        let turn = tx._turn.take();
        tx.commit().await?;
        change(&self.model);
        drop(turn);
        Ok(())
    }

    /// Queues a planned write for the writer (see [`write`]) and waits for its answer.
    pub(crate) async fn planned<T: Send + 'static>(
        &self,
        claims: Vec<write::Claim>,
        plan: write::Plan<T>,
    ) -> StoreResult<T> {
        self.writer.write(claims, plan).await
    }

    pub(crate) fn model(&self) -> &model::Model {
        &self.model
    }

    /// Every row of a family's `table` with its tags, for the read model.
    async fn load_entries<R: model::Named>(
        &self,
        table: &str,
        id_column: &str,
        row: fn(&sqlx::sqlite::SqliteRow) -> R,
    ) -> Result<Vec<model::Entry<R>>> {
        let select = format!("SELECT * FROM {table}");
        self.load_entries_with(&select, table, id_column, row).await
    }

    /// The tags of every row of `table`, by the row's id, in the order they were added.
    async fn tags_of_table(
        &self,
        table: &str,
        id_column: &str,
    ) -> Result<std::collections::HashMap<String, Vec<Tag>>> {
        let mut tags: std::collections::HashMap<String, Vec<Tag>> = Default::default();
        for r in sqlx::query(&format!(
            "SELECT t.entity_id, t.key, t.value FROM tags t JOIN {table} e ON e.{id_column} = t.entity_id ORDER BY t.entity_id, t.position"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            tags.entry(r.get(0)).or_default().push(Tag {
                key: r.get(1),
                value: r.get(2),
            });
        }
        Ok(tags)
    }

    /// [`Store::load_entries`] with the rows read by `select`.
    async fn load_entries_with<R: model::Named>(
        &self,
        select: &str,
        table: &str,
        id_column: &str,
        row: fn(&sqlx::sqlite::SqliteRow) -> R,
    ) -> Result<Vec<model::Entry<R>>> {
        let mut tags = self.tags_of_table(table, id_column).await?;
        Ok(sqlx::query(select)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let rec = row(r);
                let tags = tags.remove(model::Named::id(&rec)).unwrap_or_default();
                model::Entry { rec, tags }
            })
            .collect())
    }

    /// Every customer managed policy with its tags and versions, for the read model (three
    /// queries, whatever the number of policies).
    async fn load_managed(&self) -> Result<Vec<(model::Entry<PolicyRec>, Vec<PolicyVersionRec>)>> {
        let mut versions: std::collections::HashMap<String, Vec<PolicyVersionRec>> =
            Default::default();
        for r in sqlx::query(
            "SELECT policy_id, version_id, document, create_date FROM policy_versions ORDER BY policy_id, number DESC",
        )
        .fetch_all(&self.pool)
        .await?
        {
            versions
                .entry(r.get(0))
                .or_default()
                .push(PolicyVersionRec {
                    version_id: r.get(1),
                    document: r.get(2),
                    is_default: false,
                    create_date: from_ts(r.get(3)),
                });
        }
        let select = format!("SELECT {} FROM policies p", entities::POLICY_COLUMNS);
        let entries = self
            .load_entries_with(&select, "policies", "policy_id", entities::policy_row)
            .await?;
        Ok(entries
            .into_iter()
            .map(|e| {
                let v = versions.remove(&e.rec.policy_id).unwrap_or_default();
                (e, v)
            })
            .collect())
    }

    /// The number of write transactions committed since the store opened. Whatever is derived
    /// from stored entities (compiled policy sets, resolved ARNs, tags) stays valid while it
    /// does not change.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Deletes every IAM/STS entity; the root credentials (configuration) stay.
    pub async fn reset(&self) -> Result<()> {
        let mut tx = self.write().await?;
        for table in [
            "account_aliases",
            "mfa_devices",
            "oidc_providers",
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
                .execute(&mut **tx)
                .await?;
        }
        self.commit_applying(tx, |m| m.clear()).await?;
        self.cache.clear();
        Ok(())
    }

    // ------------------------------------------------------------ credentials

    /// The credential of an access key id, from memory unless a write made the cache stale.
    pub async fn credential(&self, access_key_id: &str) -> Result<Option<Credential>> {
        let mut fresh = None;
        for _ in 0..3 {
            if let Some(found) = self.cache.lookup(access_key_id) {
                return Ok(found);
            }
            // The long-term keys are stale: one request rebuilds them, the others wait for it.
            let _reloading = self.reload.lock().await;
            if let Some(found) = self.cache.lookup(access_key_id) {
                return Ok(found);
            }
            let generation = self.cache.generation();
            let keys = self.load_keys().await?;
            let found = keys.get(access_key_id).cloned();
            if self.cache.replace_keys(generation, keys) {
                return Ok(found);
            }
            // A write invalidated the keys while they were read; read again.
            fresh = Some(found);
        }
        // Keys keep changing under the reload: answer from the newest read.
        Ok(fresh.flatten())
    }

    async fn load_keys(&self) -> Result<std::collections::HashMap<String, Credential>> {
        let rows = sqlx::query(
            "SELECT k.access_key_id, k.secret_access_key, k.status, u.account_id, u.user_id, u.name, u.path, u.arn \
             FROM access_keys k JOIN users u ON u.user_id = k.user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cred = Credential {
                    mfa_time: None,
                    issued: None,
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
            .collect())
    }

    /// Marks the long-term credentials stale after a committed write that can change them.
    fn credentials_changed(&self) {
        self.cache.invalidate_keys();
    }

    /// Loads stored sessions into memory: all of them, or those acting as `subject_id`.
    /// Sessions whose role or user no longer exists are left out.
    async fn load_sessions(&self, subject_id: Option<&str>) -> Result<()> {
        let rows = sqlx::query(&format!(
            "{SESSION_SELECT} WHERE (? IS NULL OR s.subject_id = ?)"
        ))
        .bind(subject_id)
        .bind(subject_id)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            if let Some(cred) = session_row(&r) {
                self.cache.insert_session(r.get("access_key_id"), cred);
            }
        }
        Ok(())
    }

    /// Refreshes the in-memory sessions acting as `subject_id` after that user or role changed
    /// or went away. Other sessions stay usable throughout.
    pub(crate) async fn sessions_changed(&self, subject_id: &str) {
        self.cache
            .retain_sessions(|c| principal_subject(&c.principal) != Some(subject_id));
        // INVARIANT: the write is already committed; a failure here only leaves those sessions
        // refused until restart, so it is logged rather than reported as the write's failure.
        if let Err(e) = self.load_sessions(Some(subject_id)).await {
            tracing::error!(error = %e, "reloading sessions failed");
        }
    }

    /// Deletes sessions that expired before `before`, from the database and from memory.
    pub async fn purge_sessions(&self, before: OffsetDateTime) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expiration < ?")
            .bind(ts(before))
            .execute(&self.pool)
            .await?;
        self.cache
            .retain_sessions(|c| c.expiration.is_none_or(|e| e >= before));
        Ok(done.rows_affected())
    }

    /// Stores temporary credentials and makes them usable at once.
    /// For a role session, also records the role's last use, in the same transaction.
    pub async fn insert_session(&self, s: &NewSession) -> StoreResult<()> {
        let mut row = write::WriteSet::default();
        let (policy, policy_arns) = s.session_policy_columns();
        row.stmt(
            "INSERT INTO sessions (access_key_id, account_id, secret_access_key, session_token, expiration, kind, subject_id, session_name, source_identity, created, session_policy, session_policy_arns, mfa_time, session_tags, transitive_tag_keys) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(s.access_key_id.as_str())
        .bind(s.account_id.as_str())
        .bind(s.secret.expose())
        .bind(s.token.expose())
        .bind(ts(s.expiration))
        .bind(s.kind)
        .bind(s.subject_id.clone())
        .bind(s.session_name.clone())
        .bind(s.source_identity.clone())
        .bind(ts(s.created))
        .bind(policy)
        .bind(policy_arns)
        .bind(s.mfa_time.map(ts))
        .bind(s.session_tags_column())
        .bind(s.transitive_tag_keys_column());
        let role = s.subject_id.clone().filter(|_| s.kind == "assumed-role");
        let (created, region) = (s.created, s.region.clone());
        // No claims: a session's key is new, and two sessions of one role only both set its
        // last use, which the model takes in commit order as SQLite does.
        self.planned(
            Vec::new(),
            Box::new(move |m: &model::Model, _: &mut write::Pending, set: &mut write::WriteSet| {
                let Some(role_id) = role else {
                    set.append(row);
                    return Ok(((), Box::new(|_: &model::Model| {}) as write::Change));
                };
                // INVARIANT: the caller found the role; it may have been deleted since.
                if m.roles.by_id(&role_id).is_none() {
                    return Err(StoreError::NoSuchEntity(String::new()));
                }
                set.append(row);
                set.stmt("UPDATE roles SET last_used_date = ?, last_used_region = ? WHERE role_id = ?")
                    .bind(ts(created))
                    .bind(region.clone())
                    .bind(role_id.clone());
                Ok(((), Box::new(move |m: &model::Model| {
                    // The role's last use, as just written.
                    if let Some(role) = m.roles.by_id(&role_id) {
                        let mut used = (*role).clone();
                        used.rec.last_used_date = Some(from_ts(ts(created)));
                        used.rec.last_used_region = Some(region);
                        m.roles.put(used);
                    }
                }) as write::Change))
            }),
        )
        .await?;
        self.cache.insert_session(
            s.access_key_id.clone(),
            Credential {
                mfa_time: s.mfa_time,
                issued: Some(s.created),
                secret: s.secret.clone(),
                active: true,
                session_token: Some(s.token.clone()),
                expiration: Some(s.expiration),
                principal: s.principal.clone(),
            },
        );
        Ok(())
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
        let mut tx = self.write().await?;
        for (id, used) in pending {
            sqlx::query(
                "UPDATE access_keys SET last_used_date = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ?",
            )
            .bind(ts(used.when))
            .bind(&used.service)
            .bind(&used.region)
            .bind(&id)
            .execute(&mut **tx)
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
mod mfa;
pub mod model;
mod oidc;
pub use account::AccountCounts;
pub use entities::*;
pub use instance_profiles::{INSTANCE_PROFILES_PER_ACCOUNT, ROLES_PER_INSTANCE_PROFILE};
pub use login::{LoginProfileRec, PasswordPolicyRec};
pub use mfa::{MfaDeviceRec, MFA_DEVICES_PER_USER};
pub use oidc::{OidcProviderRec, CLIENT_IDS_PER_PROVIDER};

const SESSION_SELECT: &str = "SELECT s.access_key_id, s.secret_access_key, s.session_token, s.expiration, s.kind, \
       s.subject_id, s.session_name, s.account_id, s.mfa_time, s.session_tags, s.transitive_tag_keys, s.created, s.source_identity, s.session_policy, s.session_policy_arns, r.role_id, r.name AS role_name, r.path AS role_path, \
       u.user_id, u.name AS user_name, u.path AS user_path, u.arn AS user_arn \
     FROM sessions s LEFT JOIN roles r ON r.role_id = s.subject_id LEFT JOIN users u ON u.user_id = s.subject_id";

/// The credential of a stored session, resolved to the role or user it currently acts as;
/// `None` when that role or user is gone.
fn session_row(r: &sqlx::sqlite::SqliteRow) -> Option<Credential> {
    let account_id: String = r.get("account_id");
    let kind: String = r.get("kind");
    let subject: Option<String> = r.get("subject_id");
    let principal = if kind == "assumed-role" {
        Principal::AssumedRole {
            account_id,
            role_id: r.get::<Option<String>, _>("role_id")?,
            role_name: r.get("role_name"),
            role_path: r.get("role_path"),
            session_name: r
                .get::<Option<String>, _>("session_name")
                .unwrap_or_default(),
            session: session_attributes(
                r.get("session_policy"),
                r.get("session_policy_arns"),
                r.get("session_tags"),
                r.get("transitive_tag_keys"),
                r.get("source_identity"),
            ),
        }
    } else if subject.is_none() {
        // GetSessionToken by the root user.
        Principal::Root { account_id }
    } else {
        Principal::User {
            account_id,
            user_id: r.get::<Option<String>, _>("user_id")?,
            name: r.get("user_name"),
            path: r.get("user_path"),
            arn: r.get("user_arn"),
        }
    };
    Some(Credential {
        mfa_time: r.get::<Option<i64>, _>("mfa_time").map(from_ts),
        issued: Some(from_ts(r.get("created"))),
        secret: Secret::new(r.get::<String, _>("secret_access_key")),
        active: true,
        session_token: Some(Secret::new(r.get::<String, _>("session_token"))),
        expiration: Some(from_ts(r.get("expiration"))),
        principal,
    })
}

/// Session policies and tags from their stored columns.
fn session_attributes(
    inline: Option<String>,
    arns: Option<String>,
    tags: Option<String>,
    transitive: Option<String>,
    source_identity: Option<String>,
) -> Option<std::sync::Arc<crate::identity::SessionAttributes>> {
    let transitive: Vec<String> = transitive
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let arns: Vec<String> = arns
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    let tags: Vec<(String, String)> = tags
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    crate::identity::SessionAttributes {
        inline,
        arns,
        tags,
        transitive,
        source_identity,
    }
    .shared()
}

/// The id of the user or role a credential acts as.
fn principal_subject(p: &Principal) -> Option<&str> {
    match p {
        Principal::User { user_id, .. } => Some(user_id),
        Principal::AssumedRole { role_id, .. } => Some(role_id),
        _ => None,
    }
}
