//! Login profiles (console passwords, stored as Argon2id hashes) and the password policy.

use super::entities::{user_in, StoreError, StoreResult};
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

impl Store {
    pub async fn password_policy(&self, account: &str) -> StoreResult<Option<PasswordPolicyRec>> {
        let row = sqlx::query("SELECT * FROM password_policies WHERE account_id = ?")
            .bind(account)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| PasswordPolicyRec {
            minimum_password_length: r.get("minimum_password_length"),
            require_symbols: r.get("require_symbols"),
            require_numbers: r.get("require_numbers"),
            require_uppercase_characters: r.get("require_uppercase_characters"),
            require_lowercase_characters: r.get("require_lowercase_characters"),
            allow_users_to_change_password: r.get("allow_users_to_change_password"),
            max_password_age: r.get("max_password_age"),
            password_reuse_prevention: r.get("password_reuse_prevention"),
            hard_expiry: r.get("hard_expiry"),
        }))
    }

    pub async fn set_password_policy(
        &self,
        account: &str,
        p: &PasswordPolicyRec,
    ) -> StoreResult<()> {
        sqlx::query(
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
        .bind(account)
        .bind(p.minimum_password_length)
        .bind(p.require_symbols)
        .bind(p.require_numbers)
        .bind(p.require_uppercase_characters)
        .bind(p.require_lowercase_characters)
        .bind(p.allow_users_to_change_password)
        .bind(p.max_password_age)
        .bind(p.password_reuse_prevention)
        .bind(p.hard_expiry)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_password_policy(&self, account: &str) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM password_policies WHERE account_id = ?")
            .bind(account)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchEntity(
                "The account policy with name PasswordPolicy cannot be found.".into(),
            ));
        }
        Ok(())
    }

    pub async fn create_login_profile(
        &self,
        account: &str,
        user: &str,
        password_hash: &str,
        reset_required: bool,
        now: OffsetDateTime,
    ) -> StoreResult<LoginProfileRec> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        let exists: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM login_profiles WHERE user_id = ?")
                .bind(&u.user_id)
                .fetch_one(&mut **tx)
                .await?;
        if exists > 0 {
            return Err(StoreError::EntityAlreadyExists(format!(
                "Login Profile for user {} already exists.",
                u.name
            )));
        }
        sqlx::query("INSERT INTO login_profiles (user_id, password_hash, password_reset_required, create_date) VALUES (?, ?, ?, ?)")
            .bind(&u.user_id)
            .bind(password_hash)
            .bind(reset_required)
            .bind(ts(now))
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(LoginProfileRec {
            user_name: u.name,
            create_date: now,
            password_reset_required: reset_required,
            password_hash: password_hash.to_owned(),
        })
    }

    pub async fn login_profile(&self, account: &str, user: &str) -> StoreResult<LoginProfileRec> {
        let mut tx = self.read().await?;
        let u = user_in(&mut tx, account, user).await?;
        let row = sqlx::query("SELECT * FROM login_profiles WHERE user_id = ?")
            .bind(&u.user_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| no_profile(&u.name))?;
        Ok(LoginProfileRec {
            user_name: u.name,
            create_date: from_ts(row.get("create_date")),
            password_reset_required: row.get("password_reset_required"),
            password_hash: row.get("password_hash"),
        })
    }

    pub async fn update_login_profile(
        &self,
        account: &str,
        user: &str,
        password_hash: Option<&str>,
        reset_required: Option<bool>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        let done = sqlx::query(
            "UPDATE login_profiles SET password_hash = COALESCE(?, password_hash), \
             password_reset_required = COALESCE(?, password_reset_required) WHERE user_id = ?",
        )
        .bind(password_hash)
        .bind(reset_required)
        .bind(&u.user_id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(no_profile(&u.name));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_login_profile(&self, account: &str, user: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let u = user_in(&mut tx, account, user).await?;
        let done = sqlx::query("DELETE FROM login_profiles WHERE user_id = ?")
            .bind(&u.user_id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(no_profile(&u.name));
        }
        tx.commit().await?;
        Ok(())
    }
}
