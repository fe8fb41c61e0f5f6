//! OpenID Connect identity providers.

use super::common::{tags_in, tags_out};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{OidcProviderRec, StoreError, TagTarget, CLIENT_IDS_PER_PROVIDER};

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html>
pub async fn create_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateOpenIDConnectProviderRequest,
) -> Result<m::CreateOpenIDConnectProviderResponse, ApiError> {
    let Some(issuer) = i.url.strip_prefix("https://").filter(|u| !u.is_empty()) else {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            "Invalid Open ID Connect Provider URL",
        ));
    };
    let issuer = issuer.trim_end_matches('/').to_owned();
    let mut client_ids: Vec<String> = Vec::new();
    for id in i.client_id_list.unwrap_or_default() {
        if !client_ids.contains(&id) {
            client_ids.push(id);
        }
    }
    let tags = tags_in(i.tags)?;
    let p = OidcProviderRec {
        arn: crate::identity::Arn::iam(&ctx.account_id, format!("oidc-provider/{issuer}"))
            .to_string(),
        url: issuer,
        client_ids,
        thumbprints: i.thumbprint_list.unwrap_or_default(),
        create_date: ctx.now,
    };
    s.store
        .create_oidc_provider(&ctx.account_id, &p, &tags)
        .await?;
    Ok(m::CreateOpenIDConnectProviderResponse {
        open_id_connect_provider_arn: Some(p.arn),
        tags: (!tags.is_empty()).then(|| tags_out(tags)),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html>
pub async fn get_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetOpenIDConnectProviderRequest,
) -> Result<m::GetOpenIDConnectProviderResponse, ApiError> {
    let p = s
        .store
        .oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn)
        .await?;
    let tags = s.store.tags(&p.arn).await?;
    Ok(m::GetOpenIDConnectProviderResponse {
        url: Some(p.url),
        client_id_list: Some(p.client_ids),
        thumbprint_list: Some(p.thumbprints),
        create_date: Some(p.create_date.into()),
        tags: Some(tags_out(tags)),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviders.html>
pub async fn list_open_id_connect_providers(
    s: &AppState,
    ctx: &RequestContext,
    _i: m::ListOpenIDConnectProvidersRequest,
) -> Result<m::ListOpenIDConnectProvidersResponse, ApiError> {
    let arns = s.store.oidc_providers(&ctx.account_id).await?;
    Ok(m::ListOpenIDConnectProvidersResponse {
        open_id_connect_provider_list: Some(
            arns.into_iter()
                .map(|arn| m::OpenIDConnectProviderListEntry { arn: Some(arn) })
                .collect(),
        ),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteOpenIDConnectProvider.html>
pub async fn delete_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteOpenIDConnectProviderRequest,
) -> Result<(), ApiError> {
    s.store
        .delete_oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn)
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddClientIDToOpenIDConnectProvider.html>
pub async fn add_client_id_to_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::AddClientIDToOpenIDConnectProviderRequest,
) -> Result<(), ApiError> {
    s.store
        .update_oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn, move |p| {
            if p.client_ids.contains(&i.client_id) {
                return Ok(());
            }
            if p.client_ids.len() >= CLIENT_IDS_PER_PROVIDER {
                return Err(StoreError::LimitExceeded(format!(
                    "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {CLIENT_IDS_PER_PROVIDER}"
                )));
            }
            p.client_ids.push(i.client_id);
            Ok(())
        })
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveClientIDFromOpenIDConnectProvider.html>
/// Removing a client id the provider does not have succeeds (the operation is idempotent).
pub async fn remove_client_id_from_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::RemoveClientIDFromOpenIDConnectProviderRequest,
) -> Result<(), ApiError> {
    s.store
        .update_oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn, move |p| {
            p.client_ids.retain(|c| *c != i.client_id);
            Ok(())
        })
        .await?;
    Ok(())
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateOpenIDConnectProviderThumbprint.html>
pub async fn update_open_id_connect_provider_thumbprint(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateOpenIDConnectProviderThumbprintRequest,
) -> Result<(), ApiError> {
    s.store
        .update_oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn, move |p| {
            p.thumbprints = i.thumbprint_list;
            Ok(())
        })
        .await?;
    Ok(())
}

pub async fn tag_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagOpenIDConnectProviderRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(
            &ctx.account_id,
            TagTarget::OidcProvider(&i.open_id_connect_provider_arn),
            &tags,
        )
        .await?;
    Ok(())
}

pub async fn untag_open_id_connect_provider(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagOpenIDConnectProviderRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::OidcProvider(&i.open_id_connect_provider_arn),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

pub async fn list_open_id_connect_provider_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListOpenIDConnectProviderTagsRequest,
) -> Result<m::ListOpenIDConnectProviderTagsResponse, ApiError> {
    let p = s
        .store
        .oidc_provider(&ctx.account_id, &i.open_id_connect_provider_arn)
        .await?;
    let (tags, truncated, marker) =
        super::common::tags_page(s, &p.arn, i.marker.as_deref(), i.max_items).await?;
    Ok(m::ListOpenIDConnectProviderTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}
