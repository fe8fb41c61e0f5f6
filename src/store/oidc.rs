//! OpenID Connect identity providers.

use super::entities::{StoreError, StoreResult};
use super::model::{Model, OidcEntry};
use super::records::Tag;
use super::write::{Change, Claim, Pending, WriteSet};
use super::{from_ts, ts, Store};
use sqlx::Row;
use time::OffsetDateTime;

/// An OIDC provider as stored.
#[derive(Debug, Clone)]
pub struct OidcProviderRec {
    pub arn: String,
    /// The issuer without its `https://` scheme, as IAM reports it.
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub create_date: OffsetDateTime,
}

/// Client ids one provider can hold (IAM quota).
pub const CLIENT_IDS_PER_PROVIDER: usize = 100;

fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn to_json(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

pub(super) fn no_such_provider(arn: &str) -> StoreError {
    StoreError::NoSuchEntity(format!("OpenIDConnect Provider not found for arn {arn}"))
}

/// A provider of an `oidc_providers` row.
pub(super) fn provider_row(r: &sqlx::sqlite::SqliteRow) -> OidcProviderRec {
    OidcProviderRec {
        arn: r.get("arn"),
        url: r.get("url"),
        client_ids: json_list(r.get("client_ids")),
        thumbprints: json_list(r.get("thumbprints")),
        create_date: from_ts(r.get("create_date")),
    }
}

fn claim(account: &str, arn: &str) -> Claim {
    Claim::named("oidc-provider", account, arn)
}

impl Store {
    pub async fn create_oidc_provider(
        &self,
        account: &str,
        p: &OidcProviderRec,
        tags: &[Tag],
    ) -> StoreResult<()> {
        let (account, p, tags) = (account.to_owned(), p.clone(), tags.to_vec());
        self.planned(
            vec![claim(&account, &p.arn)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.oidc(&account, &p.arn).is_some() {
                    return Err(StoreError::EntityAlreadyExists(format!(
                        "Provider with url https://{} already exists.",
                        p.url
                    )));
                }
                let p = OidcProviderRec {
                    create_date: from_ts(ts(p.create_date)),
                    ..p
                };
                set.stmt("INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, create_date) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(p.arn.as_str())
                    .bind(account.as_str())
                    .bind(p.url.as_str())
                    .bind(to_json(&p.client_ids))
                    .bind(to_json(&p.thumbprints))
                    .bind(ts(p.create_date));
                super::entities::insert_new_tags(set, &p.arn, &tags);
                let entry = OidcEntry {
                    account,
                    rec: p,
                    tags,
                };
                Ok(((), Box::new(move |m: &Model| m.put_oidc(entry)) as Change))
            }),
        )
        .await
    }

    pub async fn oidc_provider(&self, account: &str, arn: &str) -> StoreResult<OidcProviderRec> {
        self.model()
            .oidc(account, arn)
            .map(|e| e.rec)
            .ok_or_else(|| no_such_provider(arn))
    }

    pub async fn oidc_providers(&self, account: &str) -> StoreResult<Vec<String>> {
        Ok(self.model().oidc_arns(account))
    }

    pub async fn delete_oidc_provider(&self, account: &str, arn: &str) -> StoreResult<()> {
        let (account, arn) = (account.to_owned(), arn.to_owned());
        self.planned(
            vec![claim(&account, &arn)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                if m.oidc(&account, &arn).is_none() {
                    return Err(no_such_provider(&arn));
                }
                set.stmt("DELETE FROM oidc_providers WHERE arn = ? AND account_id = ?")
                    .bind(arn.as_str())
                    .bind(account.as_str());
                set.stmt("DELETE FROM tags WHERE entity_id = ?")
                    .bind(arn.as_str());
                Ok(((), Box::new(move |m: &Model| m.remove_oidc(&arn)) as Change))
            }),
        )
        .await
    }

    /// Rewrites a provider's client ids or thumbprints with `change`, as one write.
    pub async fn update_oidc_provider(
        &self,
        account: &str,
        arn: &str,
        change: impl FnOnce(&mut OidcProviderRec) -> StoreResult<()> + Send + 'static,
    ) -> StoreResult<()> {
        let (account, arn) = (account.to_owned(), arn.to_owned());
        self.planned(
            vec![claim(&account, &arn)],
            Box::new(move |m: &Model, _: &mut Pending, set: &mut WriteSet| {
                let mut entry = m
                    .oidc(&account, &arn)
                    .ok_or_else(|| no_such_provider(&arn))?;
                change(&mut entry.rec)?;
                set.stmt("UPDATE oidc_providers SET client_ids = ?, thumbprints = ? WHERE arn = ?")
                    .bind(to_json(&entry.rec.client_ids))
                    .bind(to_json(&entry.rec.thumbprints))
                    .bind(arn.as_str());
                Ok(((), Box::new(move |m: &Model| m.put_oidc(entry)) as Change))
            }),
        )
        .await
    }
}
