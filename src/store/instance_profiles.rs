//! Instance profiles and the role each holds, read from the model and written as planned
//! writes (see [`super::write`]).

use super::entities::{StoreError, StoreResult};
use super::model::{Entry, Model, RoleEntry};
use super::records::{InstanceProfileRec, Tag};
use super::write::{Change, Claim, Pending, WriteSet};
use super::{from_ts, ids, ts, Store};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use std::sync::Arc;
use time::OffsetDateTime;

/// Roles one instance profile can hold (IAM quota "Roles in an instance profile").
pub const ROLES_PER_INSTANCE_PROFILE: i64 = 1;
pub const INSTANCE_PROFILES_PER_ACCOUNT: i64 = 1000;

pub(super) fn profile_row(r: &SqliteRow) -> InstanceProfileRec {
    InstanceProfileRec {
        instance_profile_id: r.get("instance_profile_id"),
        account_id: r.get("account_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        create_date: from_ts(r.get("create_date")),
        roles: Vec::new(),
    }
}

pub(super) fn no_such(name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("Instance Profile {name} cannot be found."))
}

/// A profile as reads see it: with the roles it holds, as they are now.
fn with_roles(m: &Model, p: &Entry<InstanceProfileRec>) -> InstanceProfileRec {
    let mut rec = p.rec.clone();
    rec.roles = m
        .profile_roles(&rec.instance_profile_id)
        .iter()
        .filter_map(|id| m.roles.by_id(id).map(|r| r.rec.clone()))
        .collect();
    rec
}

/// An instance profile as the model holds it.
type Profile = Arc<Entry<InstanceProfileRec>>;

/// An instance profile and a role, by name; a missing profile is reported before a missing
/// role.
fn profile_and_role(
    m: &Model,
    account: &str,
    profile: &str,
    role: &str,
) -> StoreResult<(Profile, Arc<RoleEntry>)> {
    let p = m
        .profiles
        .get(account, profile)
        .ok_or_else(|| no_such(profile))?;
    let r = m
        .roles
        .get(account, role)
        .ok_or_else(|| super::entities::no_such_role(role))?;
    Ok((p, r))
}

fn claim(account: &str, name: &str) -> Claim {
    Claim::named("instance-profile", account, name)
}

impl Store {
    pub async fn create_instance_profile(
        &self,
        account: &str,
        name: &str,
        path: &str,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<InstanceProfileRec> {
        let (account, name, path) = (account.to_owned(), name.to_owned(), path.to_owned());
        let tags = tags.to_vec();
        self.planned(
            vec![claim(&account, &name)],
            Box::new(move |m: &Model, pending: &mut Pending, set: &mut WriteSet| {
                if m.profiles.get(&account, &name).is_some() {
                    return Err(StoreError::EntityAlreadyExists(format!(
                        "Instance Profile {name} already exists."
                    )));
                }
                let count = format!("InstanceProfilesPerAccount/{account}");
                if i64::try_from(m.profiles.count(&account) + pending.added(&count))
                    .unwrap_or(i64::MAX)
                    >= INSTANCE_PROFILES_PER_ACCOUNT
                {
                    return Err(StoreError::LimitExceeded(format!(
                        "Cannot exceed quota for InstanceProfilesPerAccount: {INSTANCE_PROFILES_PER_ACCOUNT}"
                    )));
                }
                pending.add(count);
                let rec = InstanceProfileRec {
                    instance_profile_id: ids::unique_id("AIPA"),
                    arn: crate::identity::Arn::iam_entity(&account, "instance-profile", &path, &name)
                        .to_string(),
                    account_id: account,
                    name,
                    path,
                    create_date: from_ts(ts(now)),
                    roles: Vec::new(),
                };
                set.stmt("INSERT INTO instance_profiles (instance_profile_id, account_id, name, name_key, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(rec.instance_profile_id.as_str())
                    .bind(rec.account_id.as_str())
                    .bind(rec.name.as_str())
                    .bind(rec.name.to_lowercase())
                    .bind(rec.path.as_str())
                    .bind(rec.arn.as_str())
                    .bind(ts(now));
                super::entities::insert_new_tags(set, &rec.instance_profile_id, &tags);
                let entry = Entry {
                    rec: rec.clone(),
                    tags,
                };
                Ok((rec, Box::new(move |m: &Model| m.profiles.put(entry)) as Change))
            }),
        )
        .await
    }

    pub async fn instance_profile(
        &self,
        account: &str,
        name: &str,
    ) -> StoreResult<InstanceProfileRec> {
        let m = self.model();
        m.profiles
            .get(account, name)
            .map(|p| with_roles(m, &p))
            .ok_or_else(|| no_such(name))
    }

    pub async fn instance_profiles(
        &self,
        account: &str,
        path_prefix: &str,
    ) -> StoreResult<Vec<InstanceProfileRec>> {
        let m = self.model();
        Ok(m.profiles
            .page(account, path_prefix, None, usize::MAX)
            .iter()
            .map(|p| with_roles(m, p))
            .collect())
    }

    pub async fn instance_profiles_for_role(
        &self,
        account: &str,
        role: &str,
    ) -> StoreResult<Vec<InstanceProfileRec>> {
        let r = self.role(account, role).await?;
        let m = self.model();
        Ok(m.profiles_of_role(&r.role_id)
            .iter()
            .map(|p| with_roles(m, p))
            .collect())
    }

    pub async fn delete_instance_profile(&self, account: &str, name: &str) -> StoreResult<()> {
        let (account, name) = (account.to_owned(), name.to_owned());
        self.planned(
            vec![claim(&account, &name)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let p = m
                    .profiles
                    .get(&account, &name)
                    .ok_or_else(|| no_such(&name))?;
                let id = p.rec.instance_profile_id.clone();
                if !m.profile_roles(&id).is_empty() {
                    return Err(StoreError::DeleteConflict(
                        "Cannot delete entity, must remove roles from instance profile first."
                            .into(),
                    ));
                }
                set.stmt("DELETE FROM tags WHERE entity_id = ?")
                    .bind(id.as_str());
                set.stmt("DELETE FROM instance_profiles WHERE instance_profile_id = ?")
                    .bind(id.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.profiles.remove(&id)) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn add_role_to_instance_profile(
        &self,
        account: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let (account, profile, role) = (account.to_owned(), profile.to_owned(), role.to_owned());
        let claims = vec![
            claim(&account, &profile),
            Claim::reads("role", &account, &role),
        ];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let (p, r) = profile_and_role(m, &account, &profile, &role)?;
                let id = p.rec.instance_profile_id.clone();
                if i64::try_from(m.profile_roles(&id).len()).unwrap_or(i64::MAX)
                    >= ROLES_PER_INSTANCE_PROFILE
                {
                    return Err(StoreError::LimitExceeded(format!(
                        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_INSTANCE_PROFILE}"
                    )));
                }
                let role_id = r.rec.role_id.clone();
                set.stmt("INSERT INTO instance_profile_roles (instance_profile_id, role_id) VALUES (?, ?)")
                    .bind(id.as_str())
                    .bind(role_id.as_str());
                Ok(((), Box::new(move |m: &Model| m.add_profile_role(&id, &role_id)) as Change))
            }),
        )
        .await
    }

    pub async fn remove_role_from_instance_profile(
        &self,
        account: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let (account, profile, role) = (account.to_owned(), profile.to_owned(), role.to_owned());
        let claims = vec![
            claim(&account, &profile),
            Claim::reads("role", &account, &role),
        ];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let (p, r) = profile_and_role(m, &account, &profile, &role)?;
                let (id, role_id) = (p.rec.instance_profile_id.clone(), r.rec.role_id.clone());
                if !m.profile_roles(&id).contains(&role_id) {
                    return Err(StoreError::NoSuchEntity(format!(
                        "The role with name {} cannot be found in instance profile {}.",
                        r.rec.name, p.rec.name
                    )));
                }
                set.stmt("DELETE FROM instance_profile_roles WHERE instance_profile_id = ? AND role_id = ?")
                    .bind(id.as_str())
                    .bind(role_id.as_str());
                Ok(((), Box::new(move |m: &Model| m.remove_profile_role(&id, &role_id)) as Change))
            }),
        )
        .await
    }
}
