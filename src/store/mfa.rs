//! Virtual MFA devices: created unassigned, enabled for one user with two consecutive codes,
//! and the newest accepted time step kept so that no code is accepted twice.

use super::entities::{model_user, StoreError, StoreResult};
use super::model::{MfaEntry, Model};
use super::records::Tag;
use super::write::{Change, Claim, Pending, WriteSet};
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

/// The device of a `mfa_devices` row, without its tags.
pub(super) fn mfa_row(r: &sqlx::sqlite::SqliteRow) -> MfaEntry {
    MfaEntry {
        serial_number: r.get("serial_number"),
        account: r.get("account_id"),
        seed: r.get("seed"),
        user_id: r.get("user_id"),
        enable_date: r.get::<Option<i64>, _>("enable_date").map(from_ts),
        last_step: r.get("last_step"),
        create_date: from_ts(r.get("create_date")),
        tags: Vec::new(),
    }
}

/// A device as reads see it, with the name of the user it is enabled for.
fn device_out(m: &Model, d: MfaEntry) -> MfaDeviceRec {
    let user = d
        .user_id
        .as_ref()
        .and_then(|id| m.users.by_id(id))
        .map(|u| (u.rec.name.clone(), u.rec.user_id.clone()));
    MfaDeviceRec {
        serial_number: d.serial_number,
        seed: d.seed,
        user,
        enable_date: d.enable_date,
        last_step: d.last_step,
        create_date: d.create_date,
    }
}

fn claim(serial: &str) -> Claim {
    Claim::named("mfa-device", "", serial)
}

/// The device `serial`, enabled for the user `user`.
fn users_device(m: &Model, account: &str, user: &str, serial: &str) -> StoreResult<MfaEntry> {
    let u = model_user(m, account, user)?;
    m.mfa(account, serial)
        .filter(|d| d.user_id.as_deref() == Some(u.rec.user_id.as_str()))
        .ok_or_else(|| not_users_device(serial, user))
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
        let (account, serial, name, path, seed) = (
            account.to_owned(),
            serial.to_owned(),
            name.to_owned(),
            path.to_owned(),
            seed.to_owned(),
        );
        let tags = tags.to_vec();
        self.planned(
            vec![claim(&serial)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.mfa_exists(&serial) {
                    return Err(StoreError::EntityAlreadyExists(
                        "MFADevice entity at the same path and name already exists.".into(),
                    ));
                }
                set.stmt("INSERT INTO mfa_devices (serial_number, account_id, name, path, seed, create_date) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(serial.as_str())
                    .bind(account.as_str())
                    .bind(name.as_str())
                    .bind(path.as_str())
                    .bind(seed.as_str())
                    .bind(ts(now));
                super::entities::insert_new_tags(set, &serial, &tags);
                let device = MfaEntry {
                    serial_number: serial,
                    account,
                    seed,
                    user_id: None,
                    enable_date: None,
                    last_step: None,
                    create_date: from_ts(ts(now)),
                    tags,
                };
                Ok(((), Box::new(move |m: &Model| m.put_mfa(device)) as Change))
            }),
        )
        .await
    }

    pub async fn mfa_device(&self, account: &str, serial: &str) -> StoreResult<MfaDeviceRec> {
        let m = self.model();
        m.mfa(account, serial)
            .map(|d| device_out(m, d))
            .ok_or_else(|| no_such_device(serial))
    }

    /// Devices of the account, by serial number; `assigned` filters on being enabled.
    pub async fn mfa_devices(
        &self,
        account: &str,
        assigned: Option<bool>,
    ) -> StoreResult<Vec<MfaDeviceRec>> {
        let m = self.model();
        Ok(m.mfa_of_account(account)
            .into_iter()
            .map(|d| device_out(m, d))
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
        let (account, user, serial) = (account.to_owned(), user.to_owned(), serial.to_owned());
        let claims = vec![Claim::named("user", &account, &user), claim(&serial)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let u = model_user(m, &account, &user)?;
                let device = m.mfa(&account, &serial).ok_or_else(|| no_such_device(&serial))?;
                if device.user_id.is_some() {
                    return Err(StoreError::EntityAlreadyExists(
                        "MFA Device is already in use.".into(),
                    ));
                }
                if i64::try_from(m.mfa_count_of_user(&u.rec.user_id)).unwrap_or(i64::MAX)
                    >= MFA_DEVICES_PER_USER
                {
                    return Err(StoreError::LimitExceeded(format!(
                        "Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}"
                    )));
                }
                set.stmt("UPDATE mfa_devices SET user_id = ?, enable_date = ?, last_step = ? WHERE serial_number = ?")
                    .bind(u.rec.user_id.as_str())
                    .bind(ts(now))
                    .bind(step)
                    .bind(serial.as_str());
                let device = MfaEntry {
                    user_id: Some(u.rec.user_id.clone()),
                    enable_date: Some(from_ts(ts(now))),
                    last_step: Some(step),
                    ..device
                };
                Ok(((), Box::new(move |m: &Model| m.put_mfa(device)) as Change))
            }),
        )
        .await
    }

    pub async fn deactivate_mfa_device(
        &self,
        account: &str,
        user: &str,
        serial: &str,
    ) -> StoreResult<()> {
        let (account, user, serial) = (account.to_owned(), user.to_owned(), serial.to_owned());
        let claims = vec![Claim::named("user", &account, &user), claim(&serial)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let device = users_device(m, &account, &user, &serial)?;
                set.stmt("UPDATE mfa_devices SET user_id = NULL, enable_date = NULL WHERE serial_number = ?")
                    .bind(serial.as_str());
                let device = MfaEntry {
                    user_id: None,
                    enable_date: None,
                    ..device
                };
                Ok(((), Box::new(move |m: &Model| m.put_mfa(device)) as Change))
            }),
        )
        .await
    }

    pub async fn delete_mfa_device(&self, account: &str, serial: &str) -> StoreResult<()> {
        let (account, serial) = (account.to_owned(), serial.to_owned());
        self.planned(
            vec![claim(&serial)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let device = m
                    .mfa(&account, &serial)
                    .ok_or_else(|| no_such_device(&serial))?;
                if device.user_id.is_some() {
                    return Err(StoreError::DeleteConflict("VMFA Device in use.".into()));
                }
                set.stmt("DELETE FROM tags WHERE entity_id = ?")
                    .bind(serial.as_str());
                set.stmt("DELETE FROM mfa_devices WHERE serial_number = ?")
                    .bind(serial.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.remove_mfa(&serial)) as Change,
                ))
            }),
        )
        .await
    }

    /// Resynchronizes an enabled device of `user`: its newest accepted step is now `step`.
    pub async fn resync_mfa_device(
        &self,
        account: &str,
        user: &str,
        serial: &str,
        step: i64,
    ) -> StoreResult<()> {
        let (account, user, serial) = (account.to_owned(), user.to_owned(), serial.to_owned());
        let claims = vec![Claim::named("user", &account, &user), claim(&serial)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let device = users_device(m, &account, &user, &serial)?;
                set.stmt("UPDATE mfa_devices SET last_step = ? WHERE serial_number = ?")
                    .bind(step)
                    .bind(serial.as_str());
                let device = MfaEntry {
                    last_step: Some(step),
                    ..device
                };
                Ok(((), Box::new(move |m: &Model| m.put_mfa(device)) as Change))
            }),
        )
        .await
    }

    /// Records that a code of time step `step` was used; false when that step, or a later
    /// one, was used already (a replayed code).
    pub async fn use_mfa_step(&self, serial: &str, step: i64) -> StoreResult<bool> {
        let serial = serial.to_owned();
        self.planned(
            vec![claim(&serial)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let Some(device) = m
                    .mfa_by_serial(&serial)
                    .filter(|d| d.last_step.is_none_or(|last| last < step))
                else {
                    return Ok((false, Box::new(|_: &Model| {}) as Change));
                };
                set.stmt("UPDATE mfa_devices SET last_step = ? WHERE serial_number = ?")
                    .bind(step)
                    .bind(serial.as_str());
                let device = MfaEntry {
                    last_step: Some(step),
                    ..device
                };
                Ok((true, Box::new(move |m: &Model| m.put_mfa(device)) as Change))
            }),
        )
        .await
    }
}
