//! Account-level data: the alias and the usage counts GetAccountSummary reports.

use super::entities::{StoreError, StoreResult};
use super::model::Model;
use super::write::{Change, Claim, Pending, WriteSet};
use super::{from_ts, ts, Store};

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

fn claim(account: &str) -> Claim {
    Claim::named("account", account, "")
}

impl Store {
    /// Records the account as served from `now` on, unless it already is; returns when it was
    /// first served (the root user's creation date).
    pub async fn ensure_account(
        &self,
        account: &str,
        now: time::OffsetDateTime,
    ) -> StoreResult<time::OffsetDateTime> {
        if let Some(created) = self.model().account_created(account) {
            return Ok(created);
        }
        let account = account.to_owned();
        self.planned(
            vec![claim(&account)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if let Some(created) = m.account_created(&account) {
                    return Ok((created, Box::new(|_: &Model| {}) as Change));
                }
                let created = from_ts(ts(now));
                set.stmt("INSERT INTO accounts (account_id, create_date) VALUES (?, ?) ON CONFLICT (account_id) DO NOTHING")
                    .bind(account.as_str())
                    .bind(ts(now));
                Ok((
                    created,
                    Box::new(move |m: &Model| m.set_account_created(&account, created)) as Change,
                ))
            }),
        )
        .await
    }

    /// When the account was first served, if it is known.
    pub async fn account_created(
        &self,
        account: &str,
    ) -> StoreResult<Option<time::OffsetDateTime>> {
        Ok(self.model().account_created(account))
    }

    pub async fn account_alias(&self, account: &str) -> StoreResult<Option<String>> {
        Ok(self.model().alias(account))
    }

    /// Sets the account's alias; an account has one, so a new alias replaces the old one.
    pub async fn set_account_alias(&self, account: &str, alias: &str) -> StoreResult<()> {
        let (account, alias) = (account.to_owned(), alias.to_owned());
        // Aliases are unique across accounts: two accounts setting one alias claim it both.
        let claims = vec![claim(&account), Claim::named("alias", "", &alias)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.alias_owner(&alias).is_some_and(|o| o != account) {
                    return Err(StoreError::EntityAlreadyExists(format!(
                        "The account alias {alias} already exists."
                    )));
                }
                set.stmt(
                    "INSERT INTO account_aliases (account_id, alias) VALUES (?, ?) \
                     ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias",
                )
                .bind(account.as_str())
                .bind(alias.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.set_alias(&account, Some(alias))) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn delete_account_alias(&self, account: &str, alias: &str) -> StoreResult<()> {
        let (account, alias) = (account.to_owned(), alias.to_owned());
        let claims = vec![claim(&account), Claim::named("alias", "", &alias)];
        self.planned(
            claims,
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.alias(&account).as_deref() != Some(alias.as_str()) {
                    return Err(StoreError::NoSuchEntity(format!(
                        "The account alias {alias} cannot be found."
                    )));
                }
                set.stmt("DELETE FROM account_aliases WHERE account_id = ? AND alias = ?")
                    .bind(account.as_str())
                    .bind(alias.as_str());
                Ok((
                    (),
                    Box::new(move |m: &Model| m.set_alias(&account, None)) as Change,
                ))
            }),
        )
        .await
    }

    pub async fn account_counts(&self, account: &str) -> StoreResult<AccountCounts> {
        let m = self.model();
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(AccountCounts {
            users: count(m.users.count(account)),
            groups: count(m.groups.count(account)),
            roles: count(m.roles.count(account)),
            policies: count(m.managed.count(account)),
            policy_versions: count(m.version_count(account)),
            instance_profiles: count(m.profiles.count(account)),
            providers: count(m.oidc_arns(account).len()),
        })
    }
}
