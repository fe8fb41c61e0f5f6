//! Login profiles (console passwords, stored as Argon2id hashes) and the password policy.

use super::entities::{model_user, StoreError, StoreResult};
use super::model::{Login, Model};
use super::write::{Change, Claim, Pending, WriteSet};
use super::{from_ts, ts, Store};
use sqlx::Row;
use time::OffsetDateTime;

/// The account password policy as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicyRec {
    pub minimum_password_length: i64,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub max_password_age: Option<i64>,
    pub password_reuse_prevention: Option<i64>,
    pub hard_expiry: bool,
}

/// A user's login profile.
#[derive(Debug, Clone)]
pub struct LoginProfileRec {
    pub user_name: String,
    pub create_date: OffsetDateTime,
    pub password_reset_required: bool,
    pub password_hash: String,
}

fn no_profile(user: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("Login Profile for User {user} cannot be found."))
}

/// The password policy of a `password_policies` row.
pub(super) fn policy_row(r: &sqlx::sqlite::SqliteRow) -> PasswordPolicyRec {
    PasswordPolicyRec {
        minimum_password_length: r.get("minimum_password_length"),
        require_symbols: r.get("require_symbols"),
        require_numbers: r.get("require_numbers"),
        require_uppercase_characters: r.get("require_uppercase_characters"),
        require_lowercase_characters: r.get("require_lowercase_characters"),
        allow_users_to_change_password: r.get("allow_users_to_change_password"),
        max_password_age: r.get("max_password_age"),
        password_reuse_prevention: r.get("password_reuse_prevention"),
        hard_expiry: r.get("hard_expiry"),
    }
}

fn policy_claim(account: &str) -> Claim {
    Claim::named("password-policy", account, "")
}

impl Store {
    pub async fn password_policy(&self, account: &str) -> StoreResult<Option<PasswordPolicyRec>> {
        Ok(self.model().password_policy(account))
    }

    pub async fn set_password_policy(
        &self,
        account: &str,
        p: &PasswordPolicyRec,
    ) -> StoreResult<()> {
        let (account, p) = (account.to_owned(), p.clone());
        self.planned(
            vec![policy_claim(&account)],
            Box::new(move |_: &Model, _: &mut Pending, set: &mut WriteSet| {
                set.stmt(
                    "INSERT INTO password_policies (account_id, minimum_password_length, require_symbols, require_numbers, \
                       require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password, \
                       max_password_age, password_reuse_prevention, hard_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (account_id) DO UPDATE SET minimum_password_length = excluded.minimum_password_length, \
                       require_symbols = excluded.require_symbols, require_numbers = excluded.require_numbers, \
                       require_uppercase_characters = excluded.require_uppercase_characters, \
                       require_lowercase_characters = excluded.require_lowercase_characters, \
                       allow_users_to_change_password = excluded.allow_users_to_change_password, \
                       max_password_age = excluded.max_password_age, \
                       password_reuse_prevention = excluded.password_reuse_prevention, hard_expiry = excluded.hard_expiry",
                )
                .bind(account.as_str())
                .bind(p.minimum_password_length)
                .bind(i64::from(p.require_symbols))
                .bind(i64::from(p.require_numbers))
                .bind(i64::from(p.require_uppercase_characters))
                .bind(i64::from(p.require_lowercase_characters))
                .bind(i64::from(p.allow_users_to_change_password))
                .bind(p.max_password_age)
                .bind(p.password_reuse_prevention)
                .bind(i64::from(p.hard_expiry));
                Ok(((), Box::new(move |m: &Model| m.set_password_policy(&account, Some(p))) as Change))
            }),
        )
        .await
    }

    pub async fn delete_password_policy(&self, account: &str) -> StoreResult<()> {
        let account = account.to_owned();
        self.planned(
            vec![policy_claim(&account)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.password_policy(&account).is_none() {
                    return Err(StoreError::NoSuchEntity(
                        "The account policy with name PasswordPolicy cannot be found.".into(),
                    ));
                }
                set.stmt("DELETE FROM password_policies WHERE account_id = ?")
                    .bind(account.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.set_password_policy(&account, None)) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn create_login_profile(
        &self,
        account: &str,
        user: &str,
        password_hash: &str,
        reset_required: bool,
        now: OffsetDateTime,
    ) -> StoreResult<LoginProfileRec> {
        let (account, user, hash) = (
            account.to_owned(),
            user.to_owned(),
            password_hash.to_owned(),
        );
        self.planned(
            vec![Claim::named("user", &account, &user)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let u = model_user(m, &account, &user)?;
                if m.login(&u.rec.user_id).is_some() {
                    return Err(StoreError::EntityAlreadyExists(format!(
                        "Login Profile for user {} already exists.",
                        u.rec.name
                    )));
                }
                let user_id = u.rec.user_id.clone();
                set.stmt("INSERT INTO login_profiles (user_id, password_hash, password_reset_required, create_date) VALUES (?, ?, ?, ?)")
                    .bind(user_id.as_str())
                    .bind(hash.as_str())
                    .bind(i64::from(reset_required))
                    .bind(ts(now));
                let login = Login {
                    create_date: from_ts(ts(now)),
                    password_reset_required: reset_required,
                    password_hash: hash,
                };
                let rec = LoginProfileRec {
                    user_name: u.rec.name.clone(),
                    create_date: login.create_date,
                    password_reset_required: reset_required,
                    password_hash: login.password_hash.clone(),
                };
                Ok((rec, Box::new(move |m: &Model| m.put_login(&user_id, login)) as Change))
            }),
        )
        .await
    }

    pub async fn login_profile(&self, account: &str, user: &str) -> StoreResult<LoginProfileRec> {
        let m = self.model();
        let u = model_user(m, account, user)?;
        let login = m
            .login(&u.rec.user_id)
            .ok_or_else(|| no_profile(&u.rec.name))?;
        Ok(LoginProfileRec {
            user_name: u.rec.name.clone(),
            create_date: login.create_date,
            password_reset_required: login.password_reset_required,
            password_hash: login.password_hash,
        })
    }

    pub async fn update_login_profile(
        &self,
        account: &str,
        user: &str,
        password_hash: Option<&str>,
        reset_required: Option<bool>,
    ) -> StoreResult<()> {
        let (account, user) = (account.to_owned(), user.to_owned());
        let hash = password_hash.map(str::to_owned);
        self.planned(
            vec![Claim::named("user", &account, &user)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let u = model_user(m, &account, &user)?;
                let old = m.login(&u.rec.user_id).ok_or_else(|| no_profile(&u.rec.name))?;
                let login = Login {
                    create_date: old.create_date,
                    password_reset_required: reset_required.unwrap_or(old.password_reset_required),
                    password_hash: hash.unwrap_or(old.password_hash),
                };
                let user_id = u.rec.user_id.clone();
                set.stmt("UPDATE login_profiles SET password_hash = ?, password_reset_required = ? WHERE user_id = ?")
                    .bind(login.password_hash.as_str())
                    .bind(i64::from(login.password_reset_required))
                    .bind(user_id.as_str());
                Ok(((), Box::new(move |m: &Model| m.put_login(&user_id, login)) as Change))
            }),
        )
        .await
    }

    pub async fn delete_login_profile(&self, account: &str, user: &str) -> StoreResult<()> {
        let (account, user) = (account.to_owned(), user.to_owned());
        self.planned(
            vec![Claim::named("user", &account, &user)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let u = model_user(m, &account, &user)?;
                if m.login(&u.rec.user_id).is_none() {
                    return Err(no_profile(&u.rec.name));
                }
                let user_id = u.rec.user_id.clone();
                set.stmt("DELETE FROM login_profiles WHERE user_id = ?")
                    .bind(user_id.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.remove_login(&user_id)) as Change,
                ))
            }),
        )
        .await
    }
}
