//! Account-level data: the alias and the usage counts GetAccountSummary reports.

use super::entities::{StoreError, StoreResult};
use super::Store;
use sqlx::Row;

/// Entity counts of one account.
#[derive(Debug, Clone, Default)]
pub struct AccountCounts {
    pub users: i64,
    pub groups: i64,
    pub roles: i64,
    pub policies: i64,
    pub policy_versions: i64,
    pub instance_profiles: i64,
    /// Identity providers (OpenID Connect).
    pub providers: i64,
}

impl Store {
    /// Records the account as served from `now` on, unless it already is; returns when it was
    /// first served (the root user's creation date).
    pub async fn ensure_account(
        &self,
        account: &str,
        now: time::OffsetDateTime,
    ) -> super::Result<time::OffsetDateTime> {
        sqlx::query(
            "INSERT INTO accounts (account_id, create_date) VALUES (?, ?) ON CONFLICT (account_id) DO NOTHING",
        )
        .bind(account)
        .bind(super::ts(now))
        .execute(&self.pool)
        .await?;
        let created: i64 =
            sqlx::query_scalar("SELECT create_date FROM accounts WHERE account_id = ?")
                .bind(account)
                .fetch_one(&self.pool)
                .await?;
        Ok(super::from_ts(created))
    }

    /// When the account was first served, if it is known.
    pub async fn account_created(
        &self,
        account: &str,
    ) -> super::Result<Option<time::OffsetDateTime>> {
        let created: Option<i64> =
            sqlx::query_scalar("SELECT create_date FROM accounts WHERE account_id = ?")
                .bind(account)
                .fetch_optional(&self.pool)
                .await?;
        Ok(created.map(super::from_ts))
    }

    pub async fn account_alias(&self, account: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT alias FROM account_aliases WHERE account_id = ?")
                .bind(account)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets the account's alias; an account has one, so a new alias replaces the old one.
    pub async fn set_account_alias(&self, account: &str, alias: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let owner: Option<String> =
            sqlx::query_scalar("SELECT account_id FROM account_aliases WHERE alias = ?")
                .bind(alias)
                .fetch_optional(&mut **tx)
                .await?;
        if owner.is_some_and(|o| o != account) {
            return Err(StoreError::EntityAlreadyExists(format!(
                "The account alias {alias} already exists."
            )));
        }
        sqlx::query(
            "INSERT INTO account_aliases (account_id, alias) VALUES (?, ?) \
             ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias",
        )
        .bind(account)
        .bind(alias)
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_account_alias(&self, account: &str, alias: &str) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM account_aliases WHERE account_id = ? AND alias = ?")
            .bind(account)
            .bind(alias)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchEntity(format!(
                "The account alias {alias} cannot be found."
            )));
        }
        Ok(())
    }

    pub async fn account_counts(&self, account: &str) -> StoreResult<AccountCounts> {
        let r = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM users WHERE account_id = ?1), \
               (SELECT COUNT(*) FROM groups WHERE account_id = ?1), \
               (SELECT COUNT(*) FROM roles WHERE account_id = ?1), \
               (SELECT COUNT(*) FROM policies WHERE account_id = ?1), \
               (SELECT COUNT(*) FROM policy_versions v JOIN policies p ON p.policy_id = v.policy_id WHERE p.account_id = ?1), \
               (SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?1), \
               (SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?1)",
        )
        .bind(account)
        .fetch_one(&self.pool)
        .await?;
        Ok(AccountCounts {
            users: r.get(0),
            groups: r.get(1),
            roles: r.get(2),
            policies: r.get(3),
            policy_versions: r.get(4),
            instance_profiles: r.get(5),
            providers: r.get(6),
        })
    }
}
