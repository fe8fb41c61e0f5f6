//! Virtual MFA devices: created unassigned, enabled for one user with two consecutive codes,
//! and the newest accepted time step kept so that no code is accepted twice.

use super::entities::{insert_tags, user_in, StoreError, StoreResult, Tx};
use super::records::Tag;
use super::{from_ts, ts, Store};
use sqlx::Row;
use time::OffsetDateTime;

/// A virtual MFA device as stored.
#[derive(Debug, Clone)]
pub struct MfaDeviceRec {
    pub serial_number: String,
    /// The Base32 secret.
    pub seed: String,
    /// The user it is enabled for: `(user name, user id)`.
    pub user: Option<(String, String)>,
    pub enable_date: Option<OffsetDateTime>,
    pub last_step: Option<i64>,
    pub create_date: OffsetDateTime,
}

/// MFA devices one user may have (IAM quota).
pub const MFA_DEVICES_PER_USER: i64 = 8;

const SELECT: &str = "SELECT d.serial_number, d.seed, d.enable_date, d.last_step, d.create_date, u.name AS user_name, u.user_id \
     FROM mfa_devices d LEFT JOIN users u ON u.user_id = d.user_id";

fn row(r: &sqlx::sqlite::SqliteRow) -> MfaDeviceRec {
    let user = match (
        r.get::<Option<String>, _>("user_name"),
        r.get::<Option<String>, _>("user_id"),
    ) {
        (Some(name), Some(id)) => Some((name, id)),
        _ => None,
    };
    MfaDeviceRec {
        serial_number: r.get("serial_number"),
        seed: r.get("seed"),
        user,
        enable_date: r.get::<Option<i64>, _>("enable_date").map(from_ts),
        last_step: r.get("last_step"),
        create_date: from_ts(r.get("create_date")),
    }
}

/// The user a device is enabled for (`None` when unassigned); NoSuchEntity when there is no
/// such device in the account.
async fn device_owner(tx: &mut Tx<'_>, account: &str, serial: &str) -> StoreResult<Option<String>> {
    let owner: Option<Option<String>> = sqlx::query_scalar(
        "SELECT user_id FROM mfa_devices WHERE serial_number = ? AND account_id = ?",
    )
    .bind(serial)
    .bind(account)
    .fetch_optional(&mut **tx)
    .await?;
    owner.ok_or_else(|| no_such_device(serial))
}

fn not_users_device(serial: &str, user: &str) -> StoreError {
    StoreError::NoSuchEntity(format!(
        "MFA Device with serial number {serial} not found for user {user}."
    ))
}

fn no_such_device(serial: &str) -> StoreError {
    StoreError::NoSuchEntity(format!(
        "VirtualMFADevice with serial number {serial} doesn't exist."
    ))
}

impl Store {
    #[expect(clippy::too_many_arguments, reason = "one column each")]
    pub async fn create_mfa_device(
        &self,
        account: &str,
        serial: &str,
        name: &str,
        path: &str,
        seed: &str,
        tags: &[Tag],
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let exists: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM mfa_devices WHERE serial_number = ?")
                .bind(serial)
                .fetch_one(&mut **tx)
                .await?;
        if exists > 0 {
            return Err(StoreError::EntityAlreadyExists(
                "MFADevice entity at the same path and name already exists.".into(),
            ));
        }
        sqlx::query("INSERT INTO mfa_devices (serial_number, account_id, name, path, seed, create_date) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(serial)
            .bind(account)
            .bind(name)
            .bind(path)
            .bind(seed)
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        insert_tags(&mut tx, serial, tags).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn mfa_device(&self, account: &str, serial: &str) -> StoreResult<MfaDeviceRec> {
        sqlx::query(&format!(
            "{SELECT} WHERE d.serial_number = ? AND d.account_id = ?"
        ))
        .bind(serial)
        .bind(account)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(row)
        .ok_or_else(|| no_such_device(serial))
    }

    /// Devices of the account, by serial number; `assigned` filters on being enabled.
    pub async fn mfa_devices(
        &self,
        account: &str,
        assigned: Option<bool>,
    ) -> StoreResult<Vec<MfaDeviceRec>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE d.account_id = ? ORDER BY d.serial_number"
        ))
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(row)
            .filter(|d| assigned.is_none_or(|a| a == d.user.is_some()))
            .collect())
    }

    /// Enables `serial` for `user`, the codes having matched time step `step`.
    pub async fn enable_mfa_device(
        &self,
        account: &str,
        user: &str,
        serial: &str,
        step: i64,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        if device_owner(&mut tx, account, serial).await?.is_some() {
            return Err(StoreError::EntityAlreadyExists(
                "MFA Device is already in use.".into(),
            ));
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mfa_devices WHERE user_id = ?")
            .bind(&u.user_id)
            .fetch_one(&mut **tx)
            .await?;
        if count >= MFA_DEVICES_PER_USER {
            return Err(StoreError::LimitExceeded(format!(
                "Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}"
            )));
        }
        sqlx::query("UPDATE mfa_devices SET user_id = ?, enable_date = ?, last_step = ? WHERE serial_number = ?")
            .bind(&u.user_id)
            .bind(ts(now))
            .bind(step)
            .bind(serial)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn deactivate_mfa_device(
        &self,
        account: &str,
        user: &str,
        serial: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        let done = sqlx::query("UPDATE mfa_devices SET user_id = NULL, enable_date = NULL WHERE serial_number = ? AND user_id = ?")
            .bind(serial)
            .bind(&u.user_id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(not_users_device(serial, user));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_mfa_device(&self, account: &str, serial: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        if device_owner(&mut tx, account, serial).await?.is_some() {
            return Err(StoreError::DeleteConflict("VMFA Device in use.".into()));
        }
        sqlx::query("DELETE FROM tags WHERE entity_id = ?")
            .bind(serial)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM mfa_devices WHERE serial_number = ?")
            .bind(serial)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resynchronizes an enabled device of `user`: its newest accepted step is now `step`.
    pub async fn resync_mfa_device(
        &self,
        account: &str,
        user: &str,
        serial: &str,
        step: i64,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        let done = sqlx::query(
            "UPDATE mfa_devices SET last_step = ? WHERE serial_number = ? AND user_id = ?",
        )
        .bind(step)
        .bind(serial)
        .bind(&u.user_id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_users_device(serial, user));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that a code of time step `step` was used; false when that step, or a later
    /// one, was used already (a replayed code).
    pub async fn use_mfa_step(&self, serial: &str, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE mfa_devices SET last_step = ? WHERE serial_number = ? AND (last_step IS NULL OR last_step < ?)",
        )
        .bind(step)
        .bind(serial)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
