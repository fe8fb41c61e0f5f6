//! Roles and their trust policies.

use super::common::attached_boundary;
use super::common::{check_document, encode_document, page_from_index, tags_in, tags_out, DocKind};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::RoleRec;

/// `MaxSessionDuration` when CreateRole does not give one (the model bounds it to 1-12 hours).
const DEFAULT_MAX_SESSION: i32 = 3600;

/// Lists (ListRoles, instance profiles) leave out what GetRole reports on top of CreateRole.
pub fn role_in_list(r: RoleRec) -> m::Role {
    m::Role {
        permissions_boundary: None,
        ..role_out(r, None, false)
    }
}

pub fn role_out(r: RoleRec, tags: Option<Vec<m::Tag>>, full: bool) -> m::Role {
    m::Role {
        path: r.path,
        role_name: r.name,
        role_id: r.role_id,
        arn: r.arn,
        create_date: r.create_date.into(),
        assume_role_policy_document: Some(encode_document(&r.assume_role_policy)),
        description: r.description,
        max_session_duration: Some(r.max_session_duration as i32),
        permissions_boundary: attached_boundary(r.permissions_boundary),
        tags,
        // GetRole reports RoleLastUsed (empty when never used); lists leave it out.
        role_last_used: full.then(|| m::RoleLastUsed {
            last_used_date: r.last_used_date.map(Into::into),
            region: r.last_used_region,
        }),
    }
}

/// AWS resolves the users and roles a trust policy names when the policy is written (it stores
/// their unique ids), so naming one that does not exist is refused, in the caller's account or
/// any other the server serves. Principals of accounts iamlocal does not serve, account roots
/// and service or federated principals are not checked.
async fn check_trust_principals(
    s: &AppState,
    ctx: &RequestContext,
    trust: &crate::policy::Policy,
) -> Result<(), ApiError> {
    for (kind, principal) in trust.named_principals() {
        let Some(arn) = crate::identity::Arn::parse(principal) else {
            continue;
        };
        if kind != "AWS"
            || arn.partition() != ctx.partition()
            || !s.root_keys.contains_key(arn.account())
            || !(arn.is_iam("user") || arn.is_iam("role"))
        {
            continue;
        }
        // Stored in the `aws` partition, whichever the request was signed for.
        let stored = crate::identity::Arn::iam(arn.account(), arn.resource()).to_string();
        if !s.store.principal_exists(&stored).await? {
            return Err(ApiError::new(
                ErrorCode::MalformedPolicyDocument,
                format!("Invalid principal in policy: \"{kind}\":\"{principal}\""),
            ));
        }
    }
    Ok(())
}

pub async fn create_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateRoleRequest,
) -> Result<m::CreateRoleResponse, ApiError> {
    let trust = check_document(&i.assume_role_policy_document, DocKind::Trust)?;
    check_trust_principals(s, ctx, &trust).await?;
    let tags = tags_in(i.tags)?;
    if let Some(b) = &i.permissions_boundary {
        super::policies::check_boundary(s, b).await?;
    }
    let path = i.path.unwrap_or_else(|| "/".into());
    let r = s
        .store
        .create_role(
            &ctx.account_id,
            &i.role_name,
            &path,
            &i.assume_role_policy_document,
            i.description.as_deref(),
            i64::from(i.max_session_duration.unwrap_or(DEFAULT_MAX_SESSION)),
            i.permissions_boundary.as_deref(),
            &tags,
            ctx.now,
        )
        .await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::CreateRoleResponse {
        role: role_out(r, tags, false),
    })
}

pub async fn get_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetRoleRequest,
) -> Result<m::GetRoleResponse, ApiError> {
    let r = s.store.role(&ctx.account_id, &i.role_name).await?;
    let tags = s.store.tags(&r.role_id).await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::GetRoleResponse {
        role: role_out(r, tags, true),
    })
}

pub async fn list_roles(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListRolesRequest,
) -> Result<m::ListRolesResponse, ApiError> {
    let prefix = i.path_prefix.as_deref().unwrap_or("/");
    let page = page_from_index(
        |r: &RoleRec| r.name.to_lowercase(),
        i.marker.as_deref(),
        i.max_items,
        |from, n| s.store.roles_page(&ctx.account_id, prefix, from, n),
    )?;
    Ok(m::ListRolesResponse {
        roles: page.items.into_iter().map(role_in_list).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn update_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateRoleRequest,
) -> Result<m::UpdateRoleResponse, ApiError> {
    s.store
        .update_role(
            &ctx.account_id,
            &i.role_name,
            i.description.as_deref(),
            i.max_session_duration.map(i64::from),
        )
        .await?;
    Ok(m::UpdateRoleResponse {})
}

pub async fn update_role_description(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateRoleDescriptionRequest,
) -> Result<m::UpdateRoleDescriptionResponse, ApiError> {
    let r = s
        .store
        .update_role(&ctx.account_id, &i.role_name, Some(&i.description), None)
        .await?;
    let tags = s.store.tags(&r.role_id).await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::UpdateRoleDescriptionResponse {
        role: Some(role_out(r, tags, true)),
    })
}

pub async fn update_assume_role_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateAssumeRolePolicyRequest,
) -> Result<(), ApiError> {
    let trust = check_document(&i.policy_document, DocKind::Trust)?;
    check_trust_principals(s, ctx, &trust).await?;
    s.store
        .update_assume_role_policy(&ctx.account_id, &i.role_name, &i.policy_document)
        .await?;
    Ok(())
}

pub async fn delete_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteRoleRequest,
) -> Result<(), ApiError> {
    s.store.delete_role(&ctx.account_id, &i.role_name).await?;
    Ok(())
}
