//! Users, groups, roles, access keys, managed and inline policies, tags and attachments.
//!
//! Every mutating method checks its preconditions and writes inside one transaction, and reports
//! AWS's outcome (missing entity, duplicate, conflict, quota) as a [`StoreError`] carrying AWS's
//! message text.

use super::ids;
use super::model::{Attachment, Entry, KeyMeta, Model, OidcEntry, RoleEntry, UserEntry};
use super::records::*;
use super::write::{Change, Claim, Pending, WriteSet};
use super::{from_ts, ts, EntityType, Store};
use crate::identity::{Arn, Secret};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};
use std::sync::Arc;
use time::OffsetDateTime;

/// The outcome of a store call that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    NoSuchEntity(String),
    #[error("{0}")]
    EntityAlreadyExists(String),
    #[error("{0}")]
    DeleteConflict(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    /// A uniqueness violation means a concurrent writer created the same entity first: that
    /// is AWS's `EntityAlreadyExists`, not a server failure. (Write transactions are
    /// serialized, so the callers' own existence checks normally answer first.)
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                tracing::debug!(error = %e, "unique constraint");
                StoreError::EntityAlreadyExists("The entity already exists.".into())
            }
            _ => StoreError::Db(e),
        }
    }
}

pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// IAM quotas (IAM User Guide, "IAM and AWS STS quotas"), at their defaults.
pub mod quota {
    pub const ACCESS_KEYS_PER_USER: i64 = 2;
    pub const GROUPS_PER_USER: i64 = 10;
    pub const MANAGED_POLICIES_PER_ENTITY: i64 = 10;
    pub const VERSIONS_PER_POLICY: i64 = 5;
    pub const TAGS_PER_ENTITY: usize = 50;
    pub const USERS_PER_ACCOUNT: i64 = 5000;
    pub const GROUPS_PER_ACCOUNT: i64 = 300;
    pub const ROLES_PER_ACCOUNT: i64 = 1000;
    pub const POLICIES_PER_ACCOUNT: i64 = 1500;
}

pub(super) type Tx<'a> = Transaction<'a, Sqlite>;

fn key(name: &str) -> String {
    name.to_lowercase()
}

pub(super) fn user_row(r: &SqliteRow) -> UserRec {
    UserRec {
        user_id: r.get("user_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        create_date: from_ts(r.get("create_date")),
        permissions_boundary: r.get("permissions_boundary"),
    }
}

pub(super) fn group_row(r: &SqliteRow) -> GroupRec {
    GroupRec {
        group_id: r.get("group_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        create_date: from_ts(r.get("create_date")),
    }
}

pub(super) fn role_row(r: &SqliteRow) -> RoleRec {
    RoleRec {
        role_id: r.get("role_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        create_date: from_ts(r.get("create_date")),
        assume_role_policy: r.get("assume_role_policy"),
        description: r.get("description"),
        max_session_duration: r.get("max_session_duration"),
        permissions_boundary: r.get("permissions_boundary"),
        last_used_date: r.get::<Option<i64>, _>("last_used_date").map(from_ts),
        last_used_region: r.get("last_used_region"),
    }
}

pub(super) fn policy_row(r: &SqliteRow) -> PolicyRec {
    PolicyRec {
        policy_id: r.get("policy_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        description: r.get("description"),
        default_version_id: r.get("default_version_id"),
        create_date: from_ts(r.get("create_date")),
        update_date: from_ts(r.get("update_date")),
        attachment_count: r.get("attachment_count"),
    }
}

/// The columns of a policy row. Attachments are counted by the read model when a policy is
/// read, so the row carries none.
pub(super) const POLICY_COLUMNS: &str = "p.policy_id, p.account_id, p.name, p.path, p.arn, p.description, p.default_version_id, p.create_date, p.update_date, \
     0 AS attachment_count";

pub(super) fn no_such_user(name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("The user with name {name} cannot be found."))
}

fn no_such_group(name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("The group with name {name} cannot be found."))
}

pub(super) fn no_such_role(name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("The role with name {name} cannot be found."))
}

fn no_such_policy(arn: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable."))
}

async fn count(tx: &mut Tx<'_>, sql: &str, bind: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&mut **tx)
        .await
}

/// An entity and its tags as the transaction sees them, for the read model: `None` when the
/// family's table has no row with that id.
async fn entry_in<R>(
    tx: &mut Tx<'_>,
    select_by_id: &str,
    row: fn(&SqliteRow) -> R,
    id: &str,
) -> StoreResult<Option<Entry<R>>> {
    let Some(rec) = sqlx::query(select_by_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| row(&r))
    else {
        return Ok(None);
    };
    let tags = sqlx::query("SELECT key, value FROM tags WHERE entity_id = ? ORDER BY position")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Tag {
            key: r.get(0),
            value: r.get(1),
        })
        .collect();
    Ok(Some(Entry { rec, tags }))
}

async fn user_entry_in(tx: &mut Tx<'_>, user_id: &str) -> StoreResult<Option<UserEntry>> {
    entry_in(
        tx,
        "SELECT * FROM users WHERE user_id = ?",
        user_row,
        user_id,
    )
    .await
}

pub(super) async fn role_entry_in(
    tx: &mut Tx<'_>,
    role_id: &str,
) -> StoreResult<Option<RoleEntry>> {
    entry_in(
        tx,
        "SELECT * FROM roles WHERE role_id = ?",
        role_row,
        role_id,
    )
    .await
}

/// A customer managed policy with its tags and versions (newest first) as the transaction
/// sees it: `None` when there is no such policy.
type ManagedState = Option<(Entry<PolicyRec>, Vec<PolicyVersionRec>)>;

pub(super) async fn managed_state_in(
    tx: &mut Tx<'_>,
    policy_id: &str,
) -> StoreResult<ManagedState> {
    let select = format!("SELECT {POLICY_COLUMNS} FROM policies p WHERE p.policy_id = ?");
    let Some(entry) = entry_in(tx, &select, policy_row, policy_id).await? else {
        return Ok(None);
    };
    let versions = versions_in(tx, policy_id).await?;
    Ok(Some((entry, versions)))
}

/// A policy's versions, newest first (`is_default` is decided when read).
pub(super) async fn versions_in(
    tx: &mut Tx<'_>,
    policy_id: &str,
) -> StoreResult<Vec<PolicyVersionRec>> {
    Ok(sqlx::query(
        "SELECT version_id, document, create_date FROM policy_versions WHERE policy_id = ? ORDER BY number DESC",
    )
    .bind(policy_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| PolicyVersionRec {
        version_id: r.get(0),
        document: r.get(1),
        is_default: false,
        create_date: from_ts(r.get(2)),
    })
    .collect())
}

/// Puts what [`managed_state_in`] read into the model, or takes the policy out.
fn put_managed_state(m: &Model, policy_id: &str, state: ManagedState) {
    match state {
        Some((entry, versions)) => m.put_managed(entry, versions),
        None => m.remove_managed(policy_id),
    }
}

/// The user, role or customer managed policy `id` as the transaction sees it.
struct ModelEntity {
    user: Option<UserEntry>,
    role: Option<RoleEntry>,
    managed: ManagedState,
}

/// Reads the user, role or customer managed policy `id` (tagged, or given a boundary) inside
/// the transaction, to be put in the model once committed.
async fn principal_entry_in(tx: &mut Tx<'_>, id: &str) -> StoreResult<ModelEntity> {
    Ok(ModelEntity {
        user: user_entry_in(tx, id).await?,
        role: role_entry_in(tx, id).await?,
        managed: managed_state_in(tx, id).await?,
    })
}

/// Puts what [`principal_entry_in`] read into the model.
fn put_principal(m: &Model, e: ModelEntity) {
    if let Some(u) = e.user {
        m.users.put(u);
    }
    if let Some(r) = e.role {
        m.roles.put(r);
    }
    if let Some((entry, versions)) = e.managed {
        m.put_managed(entry, versions);
    }
}

pub(super) async fn user_in(tx: &mut Tx<'_>, account: &str, name: &str) -> StoreResult<UserRec> {
    sqlx::query("SELECT * FROM users WHERE account_id = ? AND name_key = ?")
        .bind(account)
        .bind(key(name))
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| user_row(&r))
        .ok_or_else(|| no_such_user(name))
}

async fn group_in(tx: &mut Tx<'_>, account: &str, name: &str) -> StoreResult<GroupRec> {
    sqlx::query("SELECT * FROM groups WHERE account_id = ? AND name_key = ?")
        .bind(account)
        .bind(key(name))
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| group_row(&r))
        .ok_or_else(|| no_such_group(name))
}

pub(super) async fn role_in(tx: &mut Tx<'_>, account: &str, name: &str) -> StoreResult<RoleRec> {
    sqlx::query("SELECT * FROM roles WHERE account_id = ? AND name_key = ?")
        .bind(account)
        .bind(key(name))
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| role_row(&r))
        .ok_or_else(|| no_such_role(name))
}

/// A tag call's target the model holds, owned for a plan.
enum Retagged {
    Named(EntityType, String),
    Policy(String),
    InstanceProfile(String),
    OidcProvider(String),
    MfaDevice(String),
}

/// What a tag call is about.
#[derive(Debug, Clone, Copy)]
pub enum TagTarget<'a> {
    /// A user or role by name.
    Named(EntityType, &'a str),
    /// A customer managed policy by ARN.
    Policy(&'a str),
    /// An instance profile by name.
    InstanceProfile(&'a str),
    /// An OpenID Connect provider by ARN.
    OidcProvider(&'a str),
    /// A virtual MFA device by serial number.
    MfaDevice(&'a str),
}

/// Fails with DeleteConflict and `message` when `count_sql` (a `COUNT(*)` bound to `id`)
/// finds rows that still depend on the entity being deleted.
async fn refuse_if_any(
    tx: &mut Tx<'_>,
    count_sql: &str,
    id: &str,
    message: &str,
) -> StoreResult<()> {
    if count(tx, count_sql, id).await? > 0 {
        return Err(StoreError::DeleteConflict(message.to_owned()));
    }
    Ok(())
}

/// Looks up the id of a user, group or role by name inside a transaction.
async fn entity_id(
    tx: &mut Tx<'_>,
    account: &str,
    ty: EntityType,
    name: &str,
) -> StoreResult<String> {
    Ok(match ty {
        EntityType::User => user_in(tx, account, name).await?.user_id,
        EntityType::Group => group_in(tx, account, name).await?.group_id,
        EntityType::Role => role_in(tx, account, name).await?.role_id,
    })
}

/// Checks that `name` is free in `family` and that the account is below its quota of such
/// entities, counting those the group's earlier plans create; then counts this one. `what` is
/// AWS's word for the entity (`User`), `quota` its quota's name (`UsersPerAccount`).
fn admit_new<R: super::model::Named>(
    family: &super::model::Family<R>,
    pending: &mut Pending,
    (what, quota, limit): (&str, &str, i64),
    account: &str,
    name: &str,
) -> StoreResult<()> {
    if family.get(account, name).is_some() {
        return Err(StoreError::EntityAlreadyExists(format!(
            "{what} with name {name} already exists."
        )));
    }
    let count = format!("{quota}/{account}");
    if i64::try_from(family.count(account) + pending.added(&count)).unwrap_or(i64::MAX) >= limit {
        return Err(StoreError::LimitExceeded(format!(
            "Cannot exceed quota for {quota}: {limit}"
        )));
    }
    pending.add(count);
    Ok(())
}

/// Records the tags of an entity created in `set`, or all of an entity's tags after its
/// old ones were deleted: the ones given, in order (their keys are distinct and within the
/// quota).
pub(super) fn insert_new_tags(set: &mut WriteSet, entity_id: &str, tags: &[Tag]) {
    for (i, t) in tags.iter().enumerate() {
        set.stmt("INSERT INTO tags (entity_id, key, value, position) VALUES (?, ?, ?, ?)")
            .bind(entity_id)
            .bind(t.key.as_str())
            .bind(t.value.as_str())
            .bind(i as i64 + 1);
    }
}

/// A user by name, from the model.
pub(super) fn model_user(m: &Model, account: &str, name: &str) -> StoreResult<Arc<UserEntry>> {
    m.users.get(account, name).ok_or_else(|| no_such_user(name))
}

/// The id of a user, group or role, from the model (the caller holds the write turn).
fn model_entity_id(m: &Model, account: &str, ty: EntityType, name: &str) -> StoreResult<String> {
    match ty {
        EntityType::User => model_user(m, account, name).map(|e| e.rec.user_id.clone()),
        EntityType::Group => m
            .groups
            .get(account, name)
            .map(|e| e.rec.group_id.clone())
            .ok_or_else(|| no_such_group(name)),
        EntityType::Role => m
            .roles
            .get(account, name)
            .map(|e| e.rec.role_id.clone())
            .ok_or_else(|| no_such_role(name)),
    }
}

pub(super) async fn insert_tags(tx: &mut Tx<'_>, entity_id: &str, tags: &[Tag]) -> StoreResult<()> {
    let start: i64 = count(
        tx,
        "SELECT COALESCE(MAX(position), 0) FROM tags WHERE entity_id = ?",
        entity_id,
    )
    .await?;
    // Tag keys are case-insensitive in IAM: a key that differs only in case replaces the tag
    // (keeping its place) rather than adding a second one.
    for (i, t) in tags.iter().enumerate() {
        let updated = sqlx::query(
            "UPDATE tags SET key = ?, value = ? WHERE entity_id = ? AND lower(key) = lower(?)",
        )
        .bind(&t.key)
        .bind(&t.value)
        .bind(entity_id)
        .bind(&t.key)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query("INSERT INTO tags (entity_id, key, value, position) VALUES (?, ?, ?, ?)")
                .bind(entity_id)
                .bind(&t.key)
                .bind(&t.value)
                .bind(start + 1 + i as i64)
                .execute(&mut **tx)
                .await?;
        }
    }
    let n = count(
        tx,
        "SELECT COUNT(*) FROM tags WHERE entity_id = ?",
        entity_id,
    )
    .await?;
    if n as usize > quota::TAGS_PER_ENTITY {
        return Err(StoreError::LimitExceeded(format!(
            "The number of tags has reached the maximum limit of {}.",
            quota::TAGS_PER_ENTITY
        )));
    }
    Ok(())
}

impl Store {
    // ------------------------------------------------------------ users

    pub async fn create_user(
        &self,
        account: &str,
        name: &str,
        path: &str,
        boundary: Option<&str>,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<UserRec> {
        let (account, name, path) = (account.to_owned(), name.to_owned(), path.to_owned());
        let boundary = boundary.map(str::to_owned);
        let tags = tags.to_vec();
        let claims = vec![Claim::named("user", &account, &name)];
        self.planned(claims, Box::new(move |m: &Model, pending: &mut Pending, set: &mut WriteSet| {
            admit_new(
                &m.users,
                pending,
                ("User", "UsersPerAccount", quota::USERS_PER_ACCOUNT),
                &account,
                &name,
            )?;
            let rec = UserRec {
                user_id: ids::unique_id("AIDA"),
                arn: Arn::iam_entity(&account, "user", &path, &name).to_string(),
                account_id: account,
                name,
                path,
                create_date: from_ts(ts(now)),
                permissions_boundary: boundary,
            };
            set.stmt("INSERT INTO users (user_id, account_id, name, name_key, path, arn, create_date, permissions_boundary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(rec.user_id.clone())
                .bind(rec.account_id.clone())
                .bind(rec.name.clone())
                .bind(key(&rec.name))
                .bind(rec.path.clone())
                .bind(rec.arn.clone())
                .bind(ts(now))
                .bind(rec.permissions_boundary.clone());
            insert_new_tags(set, &rec.user_id, &tags);
            // A new user's tags are the ones given, in order (their keys are distinct).
            let entry = Entry {
                rec: rec.clone(),
                tags,
            };
            Ok((rec, Box::new(move |m: &Model| m.users.put(entry)) as Change))
        }))
        .await
    }

    /// Is there a user or role with this ARN?
    pub async fn principal_exists(&self, arn: &str) -> StoreResult<bool> {
        let Some(parsed) = Arn::parse(arn) else {
            return Ok(false);
        };
        let m = self.model();
        let (account, name) = (parsed.account(), parsed.name());
        Ok(m.users.get(account, name).is_some_and(|u| u.rec.arn == arn)
            || m.roles.get(account, name).is_some_and(|r| r.rec.arn == arn))
    }

    /// A user by name, from the read model.
    pub async fn user(&self, account: &str, name: &str) -> StoreResult<UserRec> {
        model_user(self.model(), account, name).map(|u| u.rec.clone())
    }

    /// A user with its tags, from the read model.
    pub fn user_entry(&self, account: &str, name: &str) -> StoreResult<Arc<UserEntry>> {
        model_user(self.model(), account, name)
    }

    /// Users whose path starts with `path_prefix`, ordered by name.
    pub async fn users(&self, account: &str, path_prefix: &str) -> StoreResult<Vec<UserRec>> {
        Ok(self.users_page(account, path_prefix, None, usize::MAX))
    }

    /// Up to `limit` users whose path starts with `path_prefix`, in name order, from the first
    /// whose lower-cased name is at or after `from`: one page costs the same whatever the
    /// number of users.
    pub fn users_page(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<UserRec> {
        self.model()
            .users
            .page_rows(account, path_prefix, from, limit)
    }

    pub async fn update_user(
        &self,
        account: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let user = user_in(&mut tx, account, name).await?;
        let final_name = new_name.unwrap_or(&user.name);
        let final_path = new_path.unwrap_or(&user.path);
        if key(final_name) != key(&user.name) && user_in(&mut tx, account, final_name).await.is_ok()
        {
            return Err(StoreError::EntityAlreadyExists(format!(
                "User with name {final_name} already exists."
            )));
        }
        sqlx::query("UPDATE users SET name = ?, name_key = ?, path = ?, arn = ? WHERE user_id = ?")
            .bind(final_name)
            .bind(key(final_name))
            .bind(final_path)
            .bind(Arn::iam_entity(account, "user", final_path, final_name).to_string())
            .bind(&user.user_id)
            .execute(&mut **tx)
            .await?;
        let entry = user_entry_in(&mut tx, &user.user_id).await?;
        self.commit_applying(tx, |m| entry.into_iter().for_each(|e| m.users.put(e)))
            .await?;
        self.credentials_changed();
        self.sessions_changed(&user.user_id).await;
        Ok(())
    }

    pub async fn delete_user(&self, account: &str, name: &str) -> StoreResult<()> {
        let (account, name) = (account.to_owned(), name.to_owned());
        let cache = self.cache.clone();
        self.planned(
            vec![Claim::named("user", &account, &name)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let u = model_user(m, &account, &name)?;
                let id = u.rec.user_id.clone();
                // What AWS requires gone first, in the order it checks.
                let blockers = [
                    (
                        !m.keys_of(&id).is_empty(),
                        "Cannot delete entity, must delete access keys first.",
                    ),
                    (
                        m.login(&id).is_some(),
                        "Cannot delete entity, must delete login profile first.",
                    ),
                    (
                        m.mfa_count_of_user(&id) > 0,
                        "Cannot delete entity, must remove MFA device first.",
                    ),
                    (
                        !m.inline_of(&id).is_empty(),
                        "Cannot delete entity, must delete policies first.",
                    ),
                    (
                        !m.attached_of(&id).is_empty(),
                        "Cannot delete entity, must detach all policies first.",
                    ),
                    (
                        !m.groups_of(&id).is_empty(),
                        "Cannot delete entity, must remove users from group first.",
                    ),
                ];
                if let Some((_, message)) = blockers.iter().find(|(blocks, _)| *blocks) {
                    return Err(StoreError::DeleteConflict((*message).to_owned()));
                }
                set.stmt("DELETE FROM tags WHERE entity_id = ?")
                    .bind(id.as_str());
                set.stmt("DELETE FROM sessions WHERE subject_id = ?")
                    .bind(id.as_str());
                set.stmt("DELETE FROM users WHERE user_id = ?")
                    .bind(id.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| {
                        m.users.remove(&id);
                        cache.invalidate_keys();
                        cache.retain_sessions(|c| {
                            super::principal_subject(&c.principal) != Some(id.as_str())
                        });
                    }) as Change,
                ))
            }),
        )
        .await
    }

    // ------------------------------------------------------------ tags

    /// Tags of an entity, in the order they were added (none for an id the model does not
    /// know: every taggable family is in the model).
    pub async fn tags(&self, entity_id: &str) -> StoreResult<Vec<Tag>> {
        Ok(self.model().tags(entity_id).unwrap_or_default())
    }

    pub async fn tag_entity(
        &self,
        account: &str,
        target: TagTarget<'_>,
        tags: &[Tag],
    ) -> StoreResult<()> {
        let given = tags.to_vec();
        self.retag(account, target, move |old| {
            // Tag keys are case-insensitive in IAM: a key that differs only in case replaces
            // the tag (keeping its place) rather than adding a second one.
            let mut tags = old.to_vec();
            for t in given {
                match tags.iter_mut().find(|o| o.key.eq_ignore_ascii_case(&t.key)) {
                    Some(o) => *o = t,
                    None => tags.push(t),
                }
            }
            tags
        })
        .await
    }

    pub async fn untag_entity(
        &self,
        account: &str,
        target: TagTarget<'_>,
        keys: &[String],
    ) -> StoreResult<()> {
        let removed = keys.to_vec();
        self.retag(account, target, move |old| {
            old.iter()
                .filter(|t| !removed.iter().any(|k| k.eq_ignore_ascii_case(&t.key)))
                .cloned()
                .collect()
        })
        .await
    }

    /// Replaces the tags of `target` with `retag(its tags)`, as a planned write.
    async fn retag(
        &self,
        account: &str,
        target: TagTarget<'_>,
        retag: impl FnOnce(&[Tag]) -> Vec<Tag> + Send + 'static,
    ) -> StoreResult<()> {
        let account = account.to_owned();
        let (claim, target) = match target {
            TagTarget::Named(ty @ (EntityType::User | EntityType::Role), name) => (
                Claim::named(ty.as_str(), &account, name),
                Retagged::Named(ty, name.to_owned()),
            ),
            TagTarget::Policy(arn) => {
                (Claim::changes_policy(arn), Retagged::Policy(arn.to_owned()))
            }
            TagTarget::InstanceProfile(name) => (
                Claim::named("instance-profile", &account, name),
                Retagged::InstanceProfile(name.to_owned()),
            ),
            TagTarget::OidcProvider(arn) => (
                Claim::named("oidc-provider", &account, arn),
                Retagged::OidcProvider(arn.to_owned()),
            ),
            TagTarget::MfaDevice(serial) => (
                Claim::named("mfa-device", "", serial),
                Retagged::MfaDevice(serial.to_owned()),
            ),
            // IAM has no tags on groups.
            TagTarget::Named(EntityType::Group, name) => return Err(no_such_group(name)),
        };
        self.planned(
            vec![claim],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let (id, old) = match &target {
                    Retagged::Named(EntityType::User, name) => model_user(m, &account, name)
                        .map(|e| (e.rec.user_id.clone(), e.tags.clone()))?,
                    Retagged::Named(_, name) => m
                        .roles
                        .get(&account, name)
                        .map(|e| (e.rec.role_id.clone(), e.tags.clone()))
                        .ok_or_else(|| no_such_role(name))?,
                    Retagged::InstanceProfile(name) => m
                        .profiles
                        .get(&account, name)
                        .map(|e| (e.rec.instance_profile_id.clone(), e.tags.clone()))
                        .ok_or_else(|| super::instance_profiles::no_such(name))?,
                    Retagged::OidcProvider(arn) => m
                        .oidc(&account, arn)
                        .map(|e| (e.rec.arn.clone(), e.tags))
                        .ok_or_else(|| super::oidc::no_such_provider(arn))?,
                    Retagged::MfaDevice(serial) => m
                        .mfa(&account, serial)
                        .map(|d| (d.serial_number.clone(), d.tags))
                        .ok_or_else(|| {
                            StoreError::NoSuchEntity(format!(
                                "VirtualMFADevice with serial number {serial} doesn't exist."
                            ))
                        })?,
                    Retagged::Policy(arn) => crate::identity::Arn::parse(arn)
                        .and_then(|a| m.managed.get(a.account(), a.name()))
                        .filter(|e| e.rec.arn == *arn && e.rec.account_id == account)
                        .map(|e| (e.rec.policy_id.clone(), e.tags.clone()))
                        .ok_or_else(|| no_such_policy(arn))?,
                };
                let tags = retag(&old);
                if tags.len() > quota::TAGS_PER_ENTITY {
                    return Err(StoreError::LimitExceeded(format!(
                        "The number of tags has reached the maximum limit of {}.",
                        quota::TAGS_PER_ENTITY
                    )));
                }
                set.stmt("DELETE FROM tags WHERE entity_id = ?")
                    .bind(id.as_str());
                insert_new_tags(set, &id, &tags);
                Ok((
                    (),
                    Box::new(move |m: &Model| match target {
                        Retagged::Named(EntityType::User, _) => m.users.retag(&id, tags),
                        Retagged::Named(..) => m.roles.retag(&id, tags),
                        Retagged::Policy(_) => m.managed.retag(&id, tags),
                        Retagged::InstanceProfile(_) => m.profiles.retag(&id, tags),
                        Retagged::OidcProvider(_) => {
                            if let Some(e) = m.oidc(&account, &id) {
                                m.put_oidc(OidcEntry { tags, ..e });
                            }
                        }
                        Retagged::MfaDevice(_) => {
                            if let Some(d) = m.mfa(&account, &id) {
                                m.put_mfa(super::model::MfaEntry { tags, ..d });
                            }
                        }
                    }) as Change,
                ))
            }),
        )
        .await
    }

    /// The id of a user, group or role by name.
    pub async fn entity_id(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
    ) -> StoreResult<String> {
        Ok(match ty {
            EntityType::User => self.user_entry(account, name)?.rec.user_id.clone(),
            EntityType::Role => self.role(account, name).await?.role_id,
            EntityType::Group => self.group(account, name).await?.group_id,
        })
    }

    // ------------------------------------------------------------ groups

    pub async fn create_group(
        &self,
        account: &str,
        name: &str,
        path: &str,
        now: OffsetDateTime,
    ) -> StoreResult<GroupRec> {
        let (account, name, path) = (account.to_owned(), name.to_owned(), path.to_owned());
        let claims = vec![Claim::named("group", &account, &name)];
        self.planned(claims, Box::new(move |m: &Model, pending: &mut Pending, set: &mut WriteSet| {
            admit_new(
                &m.groups,
                pending,
                ("Group", "GroupsPerAccount", quota::GROUPS_PER_ACCOUNT),
                &account,
                &name,
            )?;
            let rec = GroupRec {
                group_id: ids::unique_id("AGPA"),
                arn: Arn::iam_entity(&account, "group", &path, &name).to_string(),
                account_id: account,
                name,
                path,
                create_date: from_ts(ts(now)),
            };
            set.stmt("INSERT INTO groups (group_id, account_id, name, name_key, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(rec.group_id.as_str())
                .bind(rec.account_id.as_str())
                .bind(rec.name.as_str())
                .bind(key(&rec.name))
                .bind(rec.path.as_str())
                .bind(rec.arn.as_str())
                .bind(ts(now));
            let entry = Entry {
                rec: rec.clone(),
                tags: Vec::new(),
            };
            Ok((rec, Box::new(move |m: &Model| m.groups.put(entry)) as Change))
        }))
        .await
    }

    /// A group by name, from the read model.
    pub async fn group(&self, account: &str, name: &str) -> StoreResult<GroupRec> {
        self.model()
            .groups
            .get(account, name)
            .map(|g| g.rec.clone())
            .ok_or_else(|| no_such_group(name))
    }

    /// Groups whose path starts with `path_prefix`, ordered by name.
    pub async fn groups(&self, account: &str, path_prefix: &str) -> StoreResult<Vec<GroupRec>> {
        Ok(self.groups_page(account, path_prefix, None, usize::MAX))
    }

    /// Up to `limit` groups whose path starts with `path_prefix`, in name order, from the
    /// first whose lower-cased name is at or after `from`.
    pub fn groups_page(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<GroupRec> {
        self.model()
            .groups
            .page_rows(account, path_prefix, from, limit)
    }

    /// The members of a group, in name order.
    pub async fn group_members(&self, group_id: &str) -> StoreResult<Vec<UserRec>> {
        Ok(self
            .model()
            .members_of(group_id)
            .iter()
            .map(|u| u.rec.clone())
            .collect())
    }

    /// The groups a user is in, in name order.
    pub async fn groups_for_user(&self, user_id: &str) -> StoreResult<Vec<GroupRec>> {
        Ok(self
            .model()
            .groups_of(user_id)
            .iter()
            .map(|g| g.rec.clone())
            .collect())
    }

    pub async fn update_group(
        &self,
        account: &str,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let group = group_in(&mut tx, account, name).await?;
        let final_name = new_name.unwrap_or(&group.name);
        let final_path = new_path.unwrap_or(&group.path);
        if key(final_name) != key(&group.name)
            && group_in(&mut tx, account, final_name).await.is_ok()
        {
            return Err(StoreError::EntityAlreadyExists(format!(
                "Group with name {final_name} already exists."
            )));
        }
        sqlx::query(
            "UPDATE groups SET name = ?, name_key = ?, path = ?, arn = ? WHERE group_id = ?",
        )
        .bind(final_name)
        .bind(key(final_name))
        .bind(final_path)
        .bind(Arn::iam_entity(account, "group", final_path, final_name).to_string())
        .bind(&group.group_id)
        .execute(&mut **tx)
        .await?;
        let entry = entry_in(
            &mut tx,
            "SELECT * FROM groups WHERE group_id = ?",
            group_row,
            &group.group_id,
        )
        .await?;
        self.commit_applying(tx, |m| entry.into_iter().for_each(|e| m.groups.put(e)))
            .await?;
        Ok(())
    }

    pub async fn delete_group(&self, account: &str, name: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let group = group_in(&mut tx, account, name).await?;
        let id = group.group_id.as_str();
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM group_members WHERE group_id = ?",
            id,
            "Cannot delete entity, must remove users from group first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM inline_policies WHERE entity_type = 'group' AND entity_id = ?",
            id,
            "Cannot delete entity, must delete policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM policy_attachments WHERE entity_type = 'group' AND entity_id = ?",
            id,
            "Cannot delete entity, must detach all policies first.",
        )
        .await?;
        sqlx::query("DELETE FROM groups WHERE group_id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.commit_applying(tx, |m| m.groups.remove(id)).await?;
        Ok(())
    }

    pub async fn add_user_to_group(
        &self,
        account: &str,
        group: &str,
        user: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let (account, group, user) = (account.to_owned(), group.to_owned(), user.to_owned());
        let claims = vec![
            Claim::named("user", &account, &user),
            Claim::reads("group", &account, &group),
        ];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                // AWS reports a missing user before a missing group.
                let u = model_user(m, &account, &user)?;
                let g = m
                    .groups
                    .get(&account, &group)
                    .ok_or_else(|| no_such_group(&group))?;
                let of = m.groups_of(&u.rec.user_id);
                if of.iter().any(|o| o.rec.group_id == g.rec.group_id) {
                    return Ok(((), Box::new(|_: &Model| {}) as Change));
                }
                if i64::try_from(of.len()).unwrap_or(i64::MAX) >= quota::GROUPS_PER_USER {
                    return Err(StoreError::LimitExceeded(format!(
                        "Cannot exceed quota for GroupsPerUser: {}",
                        quota::GROUPS_PER_USER
                    )));
                }
                let (group_id, user_id) = (g.rec.group_id.clone(), u.rec.user_id.clone());
                set.stmt("INSERT INTO group_members (group_id, user_id, added) VALUES (?, ?, ?)")
                    .bind(group_id.as_str())
                    .bind(user_id.as_str())
                    .bind(ts(now));
                Ok((
                    (),
                    Box::new(move |m: &Model| m.add_member(&group_id, &user_id)) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn remove_user_from_group(
        &self,
        account: &str,
        group: &str,
        user: &str,
    ) -> StoreResult<()> {
        let (account, group, user) = (account.to_owned(), group.to_owned(), user.to_owned());
        let claims = vec![
            Claim::named("user", &account, &user),
            Claim::reads("group", &account, &group),
        ];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                // AWS reports a missing user before a missing group.
                let u = model_user(m, &account, &user)?;
                let g = m
                    .groups
                    .get(&account, &group)
                    .ok_or_else(|| no_such_group(&group))?;
                if !m
                    .groups_of(&u.rec.user_id)
                    .iter()
                    .any(|o| o.rec.group_id == g.rec.group_id)
                {
                    return Err(StoreError::NoSuchEntity(format!(
                        "User {} is not in group {}.",
                        u.rec.name, g.rec.name
                    )));
                }
                let (group_id, user_id) = (g.rec.group_id.clone(), u.rec.user_id.clone());
                set.stmt("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")
                    .bind(group_id.as_str())
                    .bind(user_id.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.remove_member(&group_id, &user_id)) as Change,
                ))
            }),
        )
        .await
    }

    // ------------------------------------------------------------ access keys

    pub async fn create_access_key(
        &self,
        account: &str,
        user: &str,
        now: OffsetDateTime,
    ) -> StoreResult<AccessKeyRec> {
        let (account, user) = (account.to_owned(), user.to_owned());
        let cache = self.cache.clone();
        let claims = vec![Claim::named("user", &account, &user)];
        self.planned(claims, Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
            let u = model_user(m, &account, &user)?;
            if i64::try_from(m.keys_of(&u.rec.user_id).len()).unwrap_or(i64::MAX)
                >= quota::ACCESS_KEYS_PER_USER
            {
                return Err(StoreError::LimitExceeded(format!(
                    "Cannot exceed quota for AccessKeysPerUser: {}",
                    quota::ACCESS_KEYS_PER_USER
                )));
            }
            let rec = AccessKeyRec {
                access_key_id: ids::access_key_id("AKIA"),
                user_id: u.rec.user_id.clone(),
                user_name: u.rec.name.clone(),
                secret_access_key: Secret::new(ids::secret_access_key()),
                active: true,
                create_date: from_ts(ts(now)),
                last_used_date: None,
                last_used_service: None,
                last_used_region: None,
            };
            set.stmt("INSERT INTO access_keys (access_key_id, account_id, user_id, secret_access_key, status, create_date) VALUES (?, ?, ?, ?, 'Active', ?)")
                .bind(rec.access_key_id.as_str())
                .bind(account.as_str())
                .bind(rec.user_id.as_str())
                .bind(rec.secret_access_key.expose())
                .bind(ts(now));
            let meta = KeyMeta {
                access_key_id: rec.access_key_id.clone(),
                account_id: account,
                user_id: rec.user_id.clone(),
                active: true,
                create_date: rec.create_date,
                last_used_date: None,
                last_used_service: None,
                last_used_region: None,
            };
            Ok((rec, Box::new(move |m: &Model| {
                m.put_key(meta);
                cache.invalidate_keys();
            }) as Change))
        }))
        .await
    }

    /// What ListAccessKeys and GetAccessKeyLastUsed show of a key (no secret): its last use
    /// kept in memory, else the one last written.
    fn key_out(&self, m: &Model, k: &KeyMeta) -> AccessKeyRec {
        let used = self.last_used(&k.access_key_id);
        AccessKeyRec {
            access_key_id: k.access_key_id.clone(),
            user_id: k.user_id.clone(),
            user_name: m
                .users
                .by_id(&k.user_id)
                .map(|u| u.rec.name.clone())
                .unwrap_or_default(),
            secret_access_key: Secret::new(String::new()),
            active: k.active,
            create_date: k.create_date,
            last_used_date: used.as_ref().map(|u| u.when).or(k.last_used_date),
            last_used_service: used
                .as_ref()
                .map(|u| u.service.clone())
                .or_else(|| k.last_used_service.clone()),
            last_used_region: used
                .map(|u| u.region)
                .or_else(|| k.last_used_region.clone()),
        }
    }

    pub async fn access_keys(&self, account: &str, user: &str) -> StoreResult<Vec<AccessKeyRec>> {
        let m = self.model();
        let u = model_user(m, account, user)?;
        Ok(m.keys_of(&u.rec.user_id)
            .iter()
            .map(|k| self.key_out(m, k))
            .collect())
    }

    /// An access key by id, in the given account.
    pub async fn access_key(
        &self,
        account: &str,
        access_key_id: &str,
    ) -> StoreResult<Option<AccessKeyRec>> {
        let m = self.model();
        Ok(m.key(access_key_id)
            .filter(|k| k.account_id == account)
            .map(|k| self.key_out(m, &k)))
    }

    /// The key `access_key_id` of the user `user`, from the model.
    fn key_of_user(
        m: &Model,
        account: &str,
        user: &str,
        access_key_id: &str,
    ) -> StoreResult<Arc<KeyMeta>> {
        let u = model_user(m, account, user)?;
        m.key(access_key_id)
            .filter(|k| k.user_id == u.rec.user_id)
            .ok_or_else(|| {
                StoreError::NoSuchEntity(format!(
                    "The Access Key with id {access_key_id} cannot be found."
                ))
            })
    }

    pub async fn update_access_key(
        &self,
        account: &str,
        user: &str,
        access_key_id: &str,
        active: bool,
    ) -> StoreResult<()> {
        let (account, user, id) = (
            account.to_owned(),
            user.to_owned(),
            access_key_id.to_owned(),
        );
        let cache = self.cache.clone();
        let claims = vec![Claim::named("user", &account, &user)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let key = Self::key_of_user(m, &account, &user, &id)?;
                set.stmt("UPDATE access_keys SET status = ? WHERE access_key_id = ?")
                    .bind(if active { "Active" } else { "Inactive" })
                    .bind(id.as_str());
                let meta = KeyMeta {
                    active,
                    ..(*key).clone()
                };
                Ok((
                    (),
                    Box::new(move |m: &Model| {
                        m.put_key(meta);
                        cache.invalidate_keys();
                    }) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn delete_access_key(
        &self,
        account: &str,
        user: &str,
        access_key_id: &str,
    ) -> StoreResult<()> {
        let (account, user, id) = (
            account.to_owned(),
            user.to_owned(),
            access_key_id.to_owned(),
        );
        let cache = self.cache.clone();
        let claims = vec![Claim::named("user", &account, &user)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                Self::key_of_user(m, &account, &user, &id)?;
                set.stmt("DELETE FROM access_keys WHERE access_key_id = ?")
                    .bind(id.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| {
                        m.remove_key(&id);
                        cache.forget_used(&id);
                        cache.invalidate_keys();
                    }) as Change,
                ))
            }),
        )
        .await
    }

    // ------------------------------------------------------------ roles

    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per CreateRole member"
    )]
    pub async fn create_role(
        &self,
        account: &str,
        name: &str,
        path: &str,
        assume_role_policy: &str,
        description: Option<&str>,
        max_session_duration: i64,
        boundary: Option<&str>,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<RoleRec> {
        let (account, name, path) = (account.to_owned(), name.to_owned(), path.to_owned());
        let (assume_role_policy, description) = (
            assume_role_policy.to_owned(),
            description.map(str::to_owned),
        );
        let boundary = boundary.map(str::to_owned);
        let tags = tags.to_vec();
        let claims = vec![Claim::named("role", &account, &name)];
        self.planned(claims, Box::new(move |m: &Model, pending: &mut Pending, set: &mut WriteSet| {
            admit_new(
                &m.roles,
                pending,
                ("Role", "RolesPerAccount", quota::ROLES_PER_ACCOUNT),
                &account,
                &name,
            )?;
            let rec = RoleRec {
                role_id: ids::unique_id("AROA"),
                arn: Arn::iam_entity(&account, "role", &path, &name).to_string(),
                account_id: account,
                name,
                path,
                create_date: from_ts(ts(now)),
                assume_role_policy,
                description,
                max_session_duration,
                permissions_boundary: boundary,
                last_used_date: None,
                last_used_region: None,
            };
            set.stmt("INSERT INTO roles (role_id, account_id, name, name_key, path, arn, create_date, assume_role_policy, description, max_session_duration, permissions_boundary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(rec.role_id.as_str())
                .bind(rec.account_id.as_str())
                .bind(rec.name.as_str())
                .bind(key(&rec.name))
                .bind(rec.path.as_str())
                .bind(rec.arn.as_str())
                .bind(ts(now))
                .bind(rec.assume_role_policy.as_str())
                .bind(rec.description.clone())
                .bind(max_session_duration)
                .bind(rec.permissions_boundary.clone());
            insert_new_tags(set, &rec.role_id, &tags);
            // A new role's tags are the ones given, in order (their keys are distinct).
            let entry = Entry {
                rec: rec.clone(),
                tags,
            };
            Ok((rec, Box::new(move |m: &Model| m.roles.put(entry)) as Change))
        }))
        .await
    }

    /// A role by its unique id, from the read model.
    pub async fn role_by_id(&self, role_id: &str) -> StoreResult<Option<RoleRec>> {
        Ok(self.model().roles.by_id(role_id).map(|r| r.rec.clone()))
    }

    /// A role by name, from the read model.
    pub async fn role(&self, account: &str, name: &str) -> StoreResult<RoleRec> {
        self.model()
            .roles
            .get(account, name)
            .map(|r| r.rec.clone())
            .ok_or_else(|| no_such_role(name))
    }

    /// Roles whose path starts with `path_prefix`, ordered by name.
    pub async fn roles(&self, account: &str, path_prefix: &str) -> StoreResult<Vec<RoleRec>> {
        Ok(self.roles_page(account, path_prefix, None, usize::MAX))
    }

    /// Up to `limit` roles whose path starts with `path_prefix`, in name order, from the first
    /// whose lower-cased name is at or after `from`.
    pub fn roles_page(
        &self,
        account: &str,
        path_prefix: &str,
        from: Option<&str>,
        limit: usize,
    ) -> Vec<RoleRec> {
        self.model()
            .roles
            .page_rows(account, path_prefix, from, limit)
    }

    /// Updates the description and/or maximum session duration of a role.
    pub async fn update_role(
        &self,
        account: &str,
        name: &str,
        description: Option<&str>,
        max_session_duration: Option<i64>,
    ) -> StoreResult<RoleRec> {
        let mut tx = self.write().await?;
        let role = role_in(&mut tx, account, name).await?;
        sqlx::query("UPDATE roles SET description = COALESCE(?, description), max_session_duration = COALESCE(?, max_session_duration) WHERE role_id = ?")
            .bind(description)
            .bind(max_session_duration)
            .bind(&role.role_id)
            .execute(&mut **tx)
            .await?;
        let updated = role_in(&mut tx, account, name).await?;
        let entry = role_entry_in(&mut tx, &role.role_id).await?;
        self.commit_applying(tx, |m| entry.into_iter().for_each(|e| m.roles.put(e)))
            .await?;
        Ok(updated)
    }

    pub async fn update_assume_role_policy(
        &self,
        account: &str,
        name: &str,
        document: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let role = role_in(&mut tx, account, name).await?;
        sqlx::query("UPDATE roles SET assume_role_policy = ? WHERE role_id = ?")
            .bind(document)
            .bind(&role.role_id)
            .execute(&mut **tx)
            .await?;
        let entry = role_entry_in(&mut tx, &role.role_id).await?;
        self.commit_applying(tx, |m| entry.into_iter().for_each(|e| m.roles.put(e)))
            .await?;
        Ok(())
    }

    pub async fn delete_role(&self, account: &str, name: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let role = role_in(&mut tx, account, name).await?;
        let id = role.role_id.as_str();
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM inline_policies WHERE entity_type = 'role' AND entity_id = ?",
            id,
            "Cannot delete entity, must delete policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM policy_attachments WHERE entity_type = 'role' AND entity_id = ?",
            id,
            "Cannot delete entity, must detach all policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM instance_profile_roles WHERE role_id = ?",
            id,
            "Cannot delete entity, must remove roles from instance profile first.",
        )
        .await?;
        sqlx::query("DELETE FROM tags WHERE entity_id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE subject_id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM roles WHERE role_id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        self.commit_applying(tx, |m| m.roles.remove(id)).await?;
        self.sessions_changed(id).await;
        Ok(())
    }

    // ------------------------------------------------------------ managed policies

    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per CreatePolicy member"
    )]
    pub async fn create_policy(
        &self,
        account: &str,
        name: &str,
        path: &str,
        description: Option<&str>,
        document: &str,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<PolicyRec> {
        let mut tx = self.write().await?;
        let exists: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM policies WHERE account_id = ? AND name_key = ?",
        )
        .bind(account)
        .bind(key(name))
        .fetch_one(&mut **tx)
        .await?;
        if exists > 0 {
            return Err(StoreError::EntityAlreadyExists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )));
        }
        if count(
            &mut tx,
            "SELECT COUNT(*) FROM policies WHERE account_id = ?",
            account,
        )
        .await?
            >= quota::POLICIES_PER_ACCOUNT
        {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for PoliciesPerAccount: {}",
                quota::POLICIES_PER_ACCOUNT
            )));
        }
        let id = ids::unique_id("ANPA");
        let arn = Arn::iam_entity(account, "policy", path, name).to_string();
        sqlx::query("INSERT INTO policies (policy_id, account_id, name, name_key, path, arn, description, default_version_id, next_version, create_date, update_date) VALUES (?, ?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?)")
            .bind(&id)
            .bind(account)
            .bind(name)
            .bind(key(name))
            .bind(path)
            .bind(&arn)
            .bind(description)
            .bind(ts(now))
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO policy_versions (policy_id, version_id, number, document, create_date) VALUES (?, 'v1', 1, ?, ?)")
            .bind(&id)
            .bind(document)
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        insert_tags(&mut tx, &id, tags).await?;
        let state = managed_state_in(&mut tx, &id).await?;
        self.commit_applying(tx, |m| put_managed_state(m, &id, state))
            .await?;
        Ok(PolicyRec {
            policy_id: id,
            account_id: account.to_owned(),
            name: name.to_owned(),
            path: path.to_owned(),
            arn,
            description: description.map(str::to_owned),
            default_version_id: "v1".into(),
            create_date: now,
            update_date: now,
            attachment_count: 0,
        })
    }

    /// A customer managed policy by ARN, from the read model.
    pub async fn policy(&self, arn: &str) -> StoreResult<PolicyRec> {
        self.model()
            .managed_by_arn(arn)
            .ok_or_else(|| no_such_policy(arn))
    }

    /// Customer managed policies of an account, by name.
    pub async fn policies(
        &self,
        account: &str,
        path_prefix: &str,
        only_attached: bool,
    ) -> StoreResult<Vec<PolicyRec>> {
        let model = self.model();
        Ok(model
            .managed
            .page(account, path_prefix, None, usize::MAX)
            .iter()
            .map(|p| model.counted(&p.rec))
            .filter(|p| !only_attached || p.attachment_count > 0)
            .collect())
    }

    pub async fn delete_policy(&self, arn: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let id: Option<String> = sqlx::query_scalar("SELECT policy_id FROM policies WHERE arn = ?")
            .bind(arn)
            .fetch_optional(&mut **tx)
            .await?;
        let id = id.ok_or_else(|| no_such_policy(arn))?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM policy_attachments WHERE policy_arn = ?",
            arn,
            "Cannot delete a policy attached to entities.",
        )
        .await?;
        if count(
            &mut tx,
            "SELECT COUNT(*) FROM policy_versions WHERE policy_id = ?",
            &id,
        )
        .await?
            > 1
        {
            return Err(StoreError::DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".into(),
            ));
        }
        sqlx::query("DELETE FROM tags WHERE entity_id = ?")
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM policies WHERE policy_id = ?")
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        self.commit_applying(tx, |m| m.remove_managed(&id)).await?;
        Ok(())
    }

    pub async fn policy_versions(&self, arn: &str) -> StoreResult<Vec<PolicyVersionRec>> {
        let p = self.policy(arn).await?;
        Ok(self.model().versions_of(&p))
    }

    pub async fn policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<PolicyVersionRec> {
        self.policy_versions(arn)
            .await?
            .into_iter()
            .find(|v| v.version_id == version_id)
            .ok_or_else(|| {
                StoreError::NoSuchEntity(format!(
                    "Policy {arn} version {version_id} does not exist or is not attachable."
                ))
            })
    }

    pub async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_default: bool,
        now: OffsetDateTime,
    ) -> StoreResult<PolicyVersionRec> {
        let mut tx = self.write().await?;
        let row = sqlx::query("SELECT policy_id, next_version FROM policies WHERE arn = ?")
            .bind(arn)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| no_such_policy(arn))?;
        let id: String = row.get(0);
        let number: i64 = row.get(1);
        if count(
            &mut tx,
            "SELECT COUNT(*) FROM policy_versions WHERE policy_id = ?",
            &id,
        )
        .await?
            >= quota::VERSIONS_PER_POLICY
        {
            return Err(StoreError::LimitExceeded(format!(
                "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
                quota::VERSIONS_PER_POLICY
            )));
        }
        let version_id = format!("v{number}");
        sqlx::query("INSERT INTO policy_versions (policy_id, version_id, number, document, create_date) VALUES (?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(&version_id)
            .bind(number)
            .bind(document)
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE policies SET next_version = next_version + 1, update_date = ?, default_version_id = CASE WHEN ? THEN ? ELSE default_version_id END WHERE policy_id = ?")
            .bind(ts(now))
            .bind(set_default)
            .bind(&version_id)
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        let state = managed_state_in(&mut tx, &id).await?;
        self.commit_applying(tx, |m| put_managed_state(m, &id, state))
            .await?;
        Ok(PolicyVersionRec {
            version_id,
            document: document.to_owned(),
            is_default: set_default,
            create_date: now,
        })
    }

    /// The policy id and default version of `arn`, and whether `version_id` exists, read
    /// inside `tx`.
    async fn version_in(
        tx: &mut Tx<'_>,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<(String, String)> {
        let row = sqlx::query("SELECT policy_id, default_version_id FROM policies WHERE arn = ?")
            .bind(arn)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| no_such_policy(arn))?;
        let (policy_id, default_version): (String, String) = (row.get(0), row.get(1));
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM policy_versions WHERE policy_id = ? AND version_id = ?",
        )
        .bind(&policy_id)
        .bind(version_id)
        .fetch_one(&mut **tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NoSuchEntity(format!(
                "Policy {arn} version {version_id} does not exist or is not attachable."
            )));
        }
        Ok((policy_id, default_version))
    }

    pub async fn delete_policy_version(&self, arn: &str, version_id: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let (policy_id, default_version) = Self::version_in(&mut tx, arn, version_id).await?;
        if default_version == version_id {
            return Err(StoreError::DeleteConflict(
                "Cannot delete the default version of a policy.".into(),
            ));
        }
        sqlx::query("DELETE FROM policy_versions WHERE policy_id = ? AND version_id = ?")
            .bind(&policy_id)
            .bind(version_id)
            .execute(&mut **tx)
            .await?;
        let state = managed_state_in(&mut tx, &policy_id).await?;
        self.commit_applying(tx, |m| put_managed_state(m, &policy_id, state))
            .await?;
        Ok(())
    }

    pub async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let (policy_id, _) = Self::version_in(&mut tx, arn, version_id).await?;
        sqlx::query(
            "UPDATE policies SET default_version_id = ?, update_date = ? WHERE policy_id = ?",
        )
        .bind(version_id)
        .bind(ts(now))
        .bind(&policy_id)
        .execute(&mut **tx)
        .await?;
        let state = managed_state_in(&mut tx, &policy_id).await?;
        self.commit_applying(tx, |m| put_managed_state(m, &policy_id, state))
            .await?;
        Ok(())
    }

    // ------------------------------------------------------------ attachments

    /// Attaches a managed policy; `policy_exists` is checked by the caller for AWS managed ARNs.
    pub async fn attach_policy(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        policy_arn: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let (account, name, policy_arn) =
            (account.to_owned(), name.to_owned(), policy_arn.to_owned());
        let family = ty.as_str();
        let claims = vec![
            Claim::named(family, &account, &name),
            Claim::reads_policy(&policy_arn),
        ];
        self.planned(claims, Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
            let id = model_entity_id(m, &account, ty, &name)?;
            // INVARIANT: the caller has checked that an AWS managed ARN is in the catalog.
            if !policy_arn.starts_with("arn:aws:iam::aws:policy/")
                && m.managed_by_arn(&policy_arn).is_none()
            {
                return Err(no_such_policy(&policy_arn));
            }
            let attached = m.attached_of(&id);
            if attached.contains(&policy_arn) {
                return Ok(((), Box::new(|_: &Model| {}) as Change));
            }
            if i64::try_from(attached.len()).unwrap_or(i64::MAX)
                >= quota::MANAGED_POLICIES_PER_ENTITY
            {
                let what = match ty {
                    EntityType::User => "PoliciesPerUser",
                    EntityType::Group => "PoliciesPerGroup",
                    EntityType::Role => "PoliciesPerRole",
                };
                return Err(StoreError::LimitExceeded(format!(
                    "Cannot exceed quota for {what}: {}",
                    quota::MANAGED_POLICIES_PER_ENTITY
                )));
            }
            set.stmt("INSERT INTO policy_attachments (account_id, policy_arn, entity_type, entity_id, attached) VALUES (?, ?, ?, ?, ?)")
                .bind(account.clone())
                .bind(policy_arn.clone())
                .bind(family)
                .bind(id.clone())
                .bind(ts(now));
            let attachment = Attachment {
                account,
                entity_id: id,
                policy_arn,
                attached: ts(now),
            };
            Ok(((), Box::new(move |m: &Model| m.attach(attachment)) as Change))
        }))
        .await
    }

    pub async fn detach_policy(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        policy_arn: &str,
    ) -> StoreResult<()> {
        let (account, name, policy_arn) =
            (account.to_owned(), name.to_owned(), policy_arn.to_owned());
        let claims = vec![
            Claim::named(ty.as_str(), &account, &name),
            Claim::reads_policy(&policy_arn),
        ];
        self.planned(claims, Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
            let id = model_entity_id(m, &account, ty, &name)?;
            if !m.attached_of(&id).contains(&policy_arn) {
                return Err(StoreError::NoSuchEntity(format!(
                    "Policy {policy_arn} was not found."
                )));
            }
            set.stmt("DELETE FROM policy_attachments WHERE entity_type = ? AND entity_id = ? AND policy_arn = ?")
                .bind(ty.as_str())
                .bind(id.clone())
                .bind(policy_arn.clone());
            Ok(((), Box::new(move |m: &Model| m.detach(&account, &id, &policy_arn)) as Change))
        }))
        .await
    }

    /// The managed policies attached to an entity, in attachment order (unique ids never
    /// collide across entity types, so the type only documents the call).
    pub async fn attached_policies(
        &self,
        _ty: EntityType,
        entity_id: &str,
    ) -> StoreResult<Vec<String>> {
        Ok(self.model().attached_of(entity_id))
    }

    /// Every user, group and role a managed policy is attached to.
    pub async fn policy_entities(
        &self,
        account: &str,
        policy_arn: &str,
    ) -> StoreResult<Vec<PolicyEntity>> {
        // Entities the policy is attached to, then users and roles using it as their boundary.
        let m = self.model();
        let mut out = Vec::new();
        for id in m.attached_to(account, policy_arn) {
            let found = if let Some(u) = m.users.by_id(&id) {
                (EntityType::User, u.rec.name.clone(), u.rec.path.clone())
            } else if let Some(g) = m.groups.by_id(&id) {
                (EntityType::Group, g.rec.name.clone(), g.rec.path.clone())
            } else if let Some(r) = m.roles.by_id(&id) {
                (EntityType::Role, r.rec.name.clone(), r.rec.path.clone())
            } else {
                continue;
            };
            out.push(PolicyEntity {
                entity_type: found.0,
                name: found.1,
                id,
                path: found.2,
                as_boundary: false,
            });
        }
        for u in m.users.bounded_by(account, policy_arn) {
            out.push(PolicyEntity {
                entity_type: EntityType::User,
                name: u.rec.name.clone(),
                id: u.rec.user_id.clone(),
                path: u.rec.path.clone(),
                as_boundary: true,
            });
        }
        for r in m.roles.bounded_by(account, policy_arn) {
            out.push(PolicyEntity {
                entity_type: EntityType::Role,
                name: r.rec.name.clone(),
                id: r.rec.role_id.clone(),
                path: r.rec.path.clone(),
                as_boundary: true,
            });
        }
        Ok(out)
    }

    /// Attachment counts of AWS managed policies in an account.
    pub async fn aws_policy_attachment_counts(
        &self,
        account: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        Ok(self
            .model()
            .attachment_counts(account)
            .into_iter()
            .filter(|(arn, _)| arn.starts_with("arn:aws:iam::aws:policy/"))
            .map(|(arn, n)| (arn, i64::try_from(n).unwrap_or(i64::MAX)))
            .collect())
    }

    // ------------------------------------------------------------ inline policies

    pub async fn put_inline_policy(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        policy_name: &str,
        document: &str,
    ) -> StoreResult<()> {
        let (account, name) = (account.to_owned(), name.to_owned());
        let (policy_name, document) = (policy_name.to_owned(), document.to_owned());
        let claims = vec![Claim::named(ty.as_str(), &account, &name)];
        self.planned(claims, Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
            let id = model_entity_id(m, &account, ty, &name)?;
            set.stmt("INSERT INTO inline_policies (entity_type, entity_id, name, document) VALUES (?, ?, ?, ?) ON CONFLICT (entity_type, entity_id, name) DO UPDATE SET document = excluded.document")
                .bind(ty.as_str())
                .bind(id.as_str())
                .bind(policy_name.as_str())
                .bind(document.as_str());
            Ok(((), Box::new(move |m: &Model| m.put_inline(&id, &policy_name, &document)) as Change))
        }))
        .await
    }

    fn no_such_inline(ty: EntityType, policy_name: &str) -> StoreError {
        StoreError::NoSuchEntity(format!(
            "The {} policy with name {policy_name} cannot be found.",
            ty.as_str()
        ))
    }

    pub async fn inline_policy(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        policy_name: &str,
    ) -> StoreResult<(String, String)> {
        let id = self.entity_id(account, ty, name).await?;
        self.model()
            .inline_document(&id, policy_name)
            .map(|d| (policy_name.to_owned(), d))
            .ok_or_else(|| Self::no_such_inline(ty, policy_name))
    }

    pub async fn delete_inline_policy(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        policy_name: &str,
    ) -> StoreResult<()> {
        let (account, name, policy_name) =
            (account.to_owned(), name.to_owned(), policy_name.to_owned());
        let claims = vec![Claim::named(ty.as_str(), &account, &name)];
        self.planned(claims, Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
            let id = model_entity_id(m, &account, ty, &name)?;
            if m.inline_document(&id, &policy_name).is_none() {
                return Err(Self::no_such_inline(ty, &policy_name));
            }
            set.stmt("DELETE FROM inline_policies WHERE entity_type = ? AND entity_id = ? AND name = ?")
                .bind(ty.as_str())
                .bind(id.as_str())
                .bind(policy_name.as_str());
            Ok(((), Box::new(move |m: &Model| m.remove_inline(&id, &policy_name)) as Change))
        }))
        .await
    }

    /// Inline policies of an entity as `(name, document)`, by name.
    /// An entity's inline policies as (name, document), in name order.
    pub async fn inline_policies(
        &self,
        _ty: EntityType,
        entity_id: &str,
    ) -> StoreResult<Vec<(String, String)>> {
        Ok(self.model().inline_of(entity_id))
    }

    // ------------------------------------------------------------ usage counts, boundaries

    /// How many users, groups and roles of `account` a managed policy is attached to.
    pub async fn attachment_count(&self, account: &str, policy_arn: &str) -> StoreResult<i64> {
        Ok(i64::try_from(self.model().attachment_count(account, policy_arn)).unwrap_or(i64::MAX))
    }

    /// How many users and roles of an account use each policy as their permissions boundary.
    pub async fn boundary_usage(
        &self,
        account: &str,
    ) -> StoreResult<std::collections::HashMap<String, i64>> {
        let model = self.model();
        let mut out: std::collections::HashMap<String, i64> = Default::default();
        for (arn, n) in model
            .users
            .boundary_counts(account)
            .into_iter()
            .chain(model.roles.boundary_counts(account))
        {
            *out.entry(arn).or_default() += i64::try_from(n).unwrap_or(i64::MAX);
        }
        Ok(out)
    }

    /// Sets or removes (`None`) the permissions boundary of a user or role.
    pub async fn set_boundary(
        &self,
        account: &str,
        ty: EntityType,
        name: &str,
        boundary: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let id = entity_id(&mut tx, account, ty, name).await?;
        let sql = match ty {
            EntityType::User => "UPDATE users SET permissions_boundary = ? WHERE user_id = ?",
            EntityType::Role => "UPDATE roles SET permissions_boundary = ? WHERE role_id = ?",
            EntityType::Group => {
                return Err(StoreError::InvalidInput(
                    "Groups have no permissions boundary.".into(),
                ))
            }
        };
        sqlx::query(sql)
            .bind(boundary)
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        let entry = principal_entry_in(&mut tx, &id).await?;
        self.commit_applying(tx, |m| put_principal(m, entry))
            .await?;
        Ok(())
    }
}
