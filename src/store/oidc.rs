//! OpenID Connect identity providers.

use super::entities::{insert_tags, StoreError, StoreResult};
use super::records::Tag;
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

impl Store {
    pub async fn create_oidc_provider(
        &self,
        account: &str,
        p: &OidcProviderRec,
        tags: &[Tag],
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_providers WHERE arn = ?")
            .bind(&p.arn)
            .fetch_one(&mut **tx)
            .await?;
        if exists > 0 {
            return Err(StoreError::EntityAlreadyExists(format!(
                "Provider with url https://{} already exists.",
                p.url
            )));
        }
        sqlx::query("INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, create_date) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(&p.arn)
            .bind(account)
            .bind(&p.url)
            .bind(to_json(&p.client_ids))
            .bind(to_json(&p.thumbprints))
            .bind(ts(p.create_date))
            .execute(&mut **tx)
            .await?;
        insert_tags(&mut tx, &p.arn, tags).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn oidc_provider(&self, account: &str, arn: &str) -> StoreResult<OidcProviderRec> {
        let r = sqlx::query("SELECT * FROM oidc_providers WHERE arn = ? AND account_id = ?")
            .bind(arn)
            .bind(account)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| no_such_provider(arn))?;
        Ok(OidcProviderRec {
            arn: r.get("arn"),
            url: r.get("url"),
            client_ids: json_list(r.get("client_ids")),
            thumbprints: json_list(r.get("thumbprints")),
            create_date: from_ts(r.get("create_date")),
        })
    }

    pub async fn oidc_providers(&self, account: &str) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT arn FROM oidc_providers WHERE account_id = ? ORDER BY arn")
                .bind(account)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn delete_oidc_provider(&self, account: &str, arn: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM oidc_providers WHERE arn = ? AND account_id = ?")
            .bind(arn)
            .bind(account)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(no_such_provider(arn));
        }
        sqlx::query("DELETE FROM tags WHERE entity_id = ?")
            .bind(arn)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rewrites a provider's client ids or thumbprints with `change`, in one transaction.
    pub async fn update_oidc_provider(
        &self,
        account: &str,
        arn: &str,
        change: impl FnOnce(&mut OidcProviderRec) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let r = sqlx::query("SELECT * FROM oidc_providers WHERE arn = ? AND account_id = ?")
            .bind(arn)
            .bind(account)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| no_such_provider(arn))?;
        let mut p = OidcProviderRec {
            arn: r.get("arn"),
            url: r.get("url"),
            client_ids: json_list(r.get("client_ids")),
            thumbprints: json_list(r.get("thumbprints")),
            create_date: from_ts(r.get("create_date")),
        };
        change(&mut p)?;
        sqlx::query("UPDATE oidc_providers SET client_ids = ?, thumbprints = ? WHERE arn = ?")
            .bind(to_json(&p.client_ids))
            .bind(to_json(&p.thumbprints))
            .bind(arn)
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
