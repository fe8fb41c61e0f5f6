//! Instance profiles and the role each holds.

use super::entities::{StoreError, StoreResult};
use super::records::{InstanceProfileRec, Tag};
use super::{from_ts, ids, ts, Store};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};
use time::OffsetDateTime;

/// Roles one instance profile can hold (IAM quota "Roles in an instance profile").
pub const ROLES_PER_INSTANCE_PROFILE: i64 = 1;
pub const INSTANCE_PROFILES_PER_ACCOUNT: i64 = 1000;

fn row(r: &SqliteRow) -> InstanceProfileRec {
    InstanceProfileRec {
        instance_profile_id: r.get("instance_profile_id"),
        name: r.get("name"),
        path: r.get("path"),
        arn: r.get("arn"),
        create_date: from_ts(r.get("create_date")),
        roles: Vec::new(),
    }
}

fn no_such(name: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("Instance Profile {name} cannot be found."))
}

pub(super) async fn profile_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: &str,
    name: &str,
) -> StoreResult<InstanceProfileRec> {
    sqlx::query("SELECT * FROM instance_profiles WHERE account_id = ? AND name_key = ?")
        .bind(account)
        .bind(name.to_lowercase())
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| row(&r))
        .ok_or_else(|| no_such(name))
}

impl Store {
    async fn with_roles(
        &self,
        mut profiles: Vec<InstanceProfileRec>,
    ) -> StoreResult<Vec<InstanceProfileRec>> {
        for p in &mut profiles {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT role_id FROM instance_profile_roles WHERE instance_profile_id = ?",
            )
            .bind(&p.instance_profile_id)
            .fetch_all(&self.pool)
            .await?;
            for id in ids {
                if let Some(r) = self.role_by_id(&id).await? {
                    p.roles.push(r);
                }
            }
        }
        Ok(profiles)
    }

    pub async fn create_instance_profile(
        &self,
        account: &str,
        name: &str,
        path: &str,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<InstanceProfileRec> {
        let mut tx = self.write().await?;
        if profile_in(&mut tx, account, name).await.is_ok() {
            return Err(StoreError::EntityAlreadyExists(format!(
                "Instance Profile {name} already exists."
            )));
        }
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?")
                .bind(account)
                .fetch_one(&mut **tx)
                .await?;
        if n >= INSTANCE_PROFILES_PER_ACCOUNT {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for InstanceProfilesPerAccount: {INSTANCE_PROFILES_PER_ACCOUNT}"
            )));
        }
        let rec = InstanceProfileRec {
            instance_profile_id: ids::unique_id("AIPA"),
            name: name.to_owned(),
            path: path.to_owned(),
            arn: crate::identity::Arn::iam_entity(account, "instance-profile", path, name)
                .to_string(),
            create_date: now,
            roles: Vec::new(),
        };
        sqlx::query("INSERT INTO instance_profiles (instance_profile_id, account_id, name, name_key, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&rec.instance_profile_id)
            .bind(account)
            .bind(name)
            .bind(name.to_lowercase())
            .bind(path)
            .bind(&rec.arn)
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        super::entities::insert_tags(&mut tx, &rec.instance_profile_id, tags).await?;
        tx.commit().await?;
        Ok(rec)
    }

    pub async fn instance_profile(
        &self,
        account: &str,
        name: &str,
    ) -> StoreResult<InstanceProfileRec> {
        let mut tx = self.read().await?;
        let p = profile_in(&mut tx, account, name).await?;
        drop(tx);
        Ok(self.with_roles(vec![p]).await?.remove(0))
    }

    pub async fn instance_profiles(
        &self,
        account: &str,
        path_prefix: &str,
    ) -> StoreResult<Vec<InstanceProfileRec>> {
        let rows = sqlx::query("SELECT * FROM instance_profiles WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name_key")
            .bind(account)
            .bind(path_prefix)
            .bind(path_prefix)
            .fetch_all(&self.pool)
            .await?;
        self.with_roles(rows.iter().map(row).collect()).await
    }

    pub async fn instance_profiles_for_role(
        &self,
        account: &str,
        role: &str,
    ) -> StoreResult<Vec<InstanceProfileRec>> {
        let r = self.role(account, role).await?;
        let rows = sqlx::query(
            "SELECT p.* FROM instance_profiles p JOIN instance_profile_roles x ON x.instance_profile_id = p.instance_profile_id \
             WHERE x.role_id = ? ORDER BY p.name_key",
        )
        .bind(&r.role_id)
        .fetch_all(&self.pool)
        .await?;
        self.with_roles(rows.iter().map(row).collect()).await
    }

    pub async fn delete_instance_profile(&self, account: &str, name: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let p = profile_in(&mut tx, account, name).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM instance_profile_roles WHERE instance_profile_id = ?",
        )
        .bind(&p.instance_profile_id)
        .fetch_one(&mut **tx)
        .await?;
        if n > 0 {
            return Err(StoreError::DeleteConflict(
                "Cannot delete entity, must remove roles from instance profile first.".into(),
            ));
        }
        sqlx::query("DELETE FROM tags WHERE entity_id = ?")
            .bind(&p.instance_profile_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM instance_profiles WHERE instance_profile_id = ?")
            .bind(&p.instance_profile_id)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_role_to_instance_profile(
        &self,
        account: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let p = profile_in(&mut tx, account, profile).await?;
        let r = super::entities::role_in(&mut tx, account, role).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM instance_profile_roles WHERE instance_profile_id = ?",
        )
        .bind(&p.instance_profile_id)
        .fetch_one(&mut **tx)
        .await?;
        if n >= ROLES_PER_INSTANCE_PROFILE {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_INSTANCE_PROFILE}"
            )));
        }
        sqlx::query(
            "INSERT INTO instance_profile_roles (instance_profile_id, role_id) VALUES (?, ?)",
        )
        .bind(&p.instance_profile_id)
        .bind(&r.role_id)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_role_from_instance_profile(
        &self,
        account: &str,
        profile: &str,
        role: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let p = profile_in(&mut tx, account, profile).await?;
        let r = super::entities::role_in(&mut tx, account, role).await?;
        let done = sqlx::query(
            "DELETE FROM instance_profile_roles WHERE instance_profile_id = ? AND role_id = ?",
        )
        .bind(&p.instance_profile_id)
        .bind(&r.role_id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchEntity(format!(
                "The role with name {} cannot be found in instance profile {}.",
                r.name, p.name
            )));
        }
        tx.commit().await?;
        Ok(())
    }
}
