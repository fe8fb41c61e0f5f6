//! Managed policies and their versions, attachments, inline policies.

use super::common::{check_document, encode_document, paginate, policy_path_and_name, tags_in, tags_out, DocKind};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{EntityType, PolicyRec, PolicyVersionRec};

fn policy_out(p: PolicyRec, tags: Option<Vec<m::Tag>>) -> m::Policy {
    m::Policy {
        policy_name: Some(p.name),
        policy_id: Some(p.policy_id),
        arn: Some(p.arn),
        path: Some(p.path),
        default_version_id: Some(p.default_version_id),
        attachment_count: Some(p.attachment_count as i32),
        permissions_boundary_usage_count: Some(0),
        is_attachable: Some(true),
        description: p.description,
        create_date: Some(p.create_date.into()),
        update_date: Some(p.update_date.into()),
        tags,
    }
}

fn version_out(v: PolicyVersionRec, with_document: bool) -> m::PolicyVersion {
    m::PolicyVersion {
        document: with_document.then(|| encode_document(&v.document)),
        version_id: Some(v.version_id),
        is_default_version: Some(v.is_default),
        create_date: Some(v.create_date.into()),
    }
}

/// A permissions boundary must name an existing managed policy.
pub async fn check_boundary(s: &AppState, arn: &str) -> Result<(), ApiError> {
    if arn.starts_with("arn:aws:iam::aws:policy/") {
        return Ok(());
    }
    s.store.policy(arn).await.map(|_| ()).map_err(|_| {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Scope ARN: {arn} does not exist or is not attachable."),
        )
    })
}

// ------------------------------------------------------------ managed policies

pub async fn create_policy(s: &AppState, ctx: &RequestContext, i: m::CreatePolicyRequest) -> Result<m::CreatePolicyResponse, ApiError> {
    check_document(&i.policy_document, DocKind::Managed)?;
    let tags = tags_in(i.tags)?;
    let path = i.path.unwrap_or_else(|| "/".into());
    let p = s
        .store
        .create_policy(&ctx.account_id, &i.policy_name, &path, i.description.as_deref(), &i.policy_document, &tags, ctx.now)
        .await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    let mut out = policy_out(p, tags);
    // CreatePolicy does not echo the description (AWS behaviour).
    out.description = None;
    Ok(m::CreatePolicyResponse { policy: Some(out) })
}

pub async fn get_policy(s: &AppState, _ctx: &RequestContext, i: m::GetPolicyRequest) -> Result<m::GetPolicyResponse, ApiError> {
    let p = s.store.policy(&i.policy_arn).await?;
    let tags = s.store.tags(&p.policy_id).await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::GetPolicyResponse {
        policy: Some(policy_out(p, tags)),
    })
}

pub async fn delete_policy(s: &AppState, _ctx: &RequestContext, i: m::DeletePolicyRequest) -> Result<(), ApiError> {
    s.store.delete_policy(&i.policy_arn).await?;
    Ok(())
}

pub async fn list_policies(s: &AppState, ctx: &RequestContext, i: m::ListPoliciesRequest) -> Result<m::ListPoliciesResponse, ApiError> {
    let scope = i.scope.as_deref().unwrap_or("All");
    let only_attached = i.only_attached.unwrap_or(false);
    let policies = if scope == "AWS" {
        Vec::new()
    } else {
        s.store
            .policies(&ctx.account_id, i.path_prefix.as_deref().unwrap_or("/"), only_attached)
            .await?
    };
    let page = paginate(policies, |p| p.name.to_lowercase(), i.marker.as_deref(), i.max_items)?;
    Ok(m::ListPoliciesResponse {
        policies: Some(page.items.into_iter().map(|p| policy_out(p, None)).collect()),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

// ------------------------------------------------------------ versions

pub async fn create_policy_version(s: &AppState, ctx: &RequestContext, i: m::CreatePolicyVersionRequest) -> Result<m::CreatePolicyVersionResponse, ApiError> {
    check_document(&i.policy_document, DocKind::Managed)?;
    let v = s
        .store
        .create_policy_version(&i.policy_arn, &i.policy_document, i.set_as_default.unwrap_or(false), ctx.now)
        .await?;
    Ok(m::CreatePolicyVersionResponse {
        policy_version: Some(version_out(v, false)),
    })
}

pub async fn get_policy_version(s: &AppState, _ctx: &RequestContext, i: m::GetPolicyVersionRequest) -> Result<m::GetPolicyVersionResponse, ApiError> {
    let v = s.store.policy_version(&i.policy_arn, &i.version_id).await?;
    Ok(m::GetPolicyVersionResponse {
        policy_version: Some(version_out(v, true)),
    })
}

pub async fn list_policy_versions(s: &AppState, _ctx: &RequestContext, i: m::ListPolicyVersionsRequest) -> Result<m::ListPolicyVersionsResponse, ApiError> {
    let versions = s.store.policy_versions(&i.policy_arn).await?;
    let indexed: Vec<(usize, PolicyVersionRec)> = versions.into_iter().enumerate().collect();
    let page = paginate(indexed, |(n, _)| format!("{n:08}"), i.marker.as_deref(), i.max_items)?;
    Ok(m::ListPolicyVersionsResponse {
        versions: Some(page.items.into_iter().map(|(_, v)| version_out(v, false)).collect()),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn delete_policy_version(s: &AppState, _ctx: &RequestContext, i: m::DeletePolicyVersionRequest) -> Result<(), ApiError> {
    s.store.delete_policy_version(&i.policy_arn, &i.version_id).await?;
    Ok(())
}

pub async fn set_default_policy_version(s: &AppState, ctx: &RequestContext, i: m::SetDefaultPolicyVersionRequest) -> Result<(), ApiError> {
    s.store.set_default_policy_version(&i.policy_arn, &i.version_id, ctx.now).await?;
    Ok(())
}

// ------------------------------------------------------------ attachments

pub async fn attach(s: &AppState, ctx: &RequestContext, ty: EntityType, name: &str, arn: &str) -> Result<(), ApiError> {
    if policy_path_and_name(arn).is_none() {
        return Err(ApiError::new(ErrorCode::InvalidInput, format!("ARN {arn} is not valid.")));
    }
    s.store.attach_policy(&ctx.account_id, ty, name, arn, ctx.now).await?;
    Ok(())
}

pub async fn detach(s: &AppState, ctx: &RequestContext, ty: EntityType, name: &str, arn: &str) -> Result<(), ApiError> {
    s.store.detach_policy(&ctx.account_id, ty, name, arn).await?;
    Ok(())
}

/// One page of the managed policies attached to a user, group or role.
pub async fn attached(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    path_prefix: Option<&str>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<m::AttachedPolicy>, bool, Option<String>), ApiError> {
    let id = s.store.entity_id(&ctx.account_id, ty, name).await?;
    let prefix = path_prefix.unwrap_or("/");
    let arns: Vec<(String, String)> = s
        .store
        .attached_policies(ty, &id)
        .await?
        .into_iter()
        .filter_map(|arn| {
            let (path, pname) = policy_path_and_name(&arn)?;
            path.starts_with(prefix).then_some((pname, arn))
        })
        .collect();
    let page = paginate(arns, |(_, arn)| arn.clone(), marker, max_items)?;
    Ok((
        page.items
            .into_iter()
            .map(|(n, a)| m::AttachedPolicy {
                policy_name: Some(n),
                policy_arn: Some(a),
            })
            .collect(),
        page.is_truncated,
        page.marker,
    ))
}

pub async fn list_entities_for_policy(s: &AppState, ctx: &RequestContext, i: m::ListEntitiesForPolicyRequest) -> Result<m::ListEntitiesForPolicyResponse, ApiError> {
    if !i.policy_arn.starts_with("arn:aws:iam::aws:policy/") {
        s.store.policy(&i.policy_arn).await?;
    }
    let filter = i.entity_filter.as_deref();
    let wanted = |ty: EntityType| match filter {
        None => true,
        Some("User") => ty == EntityType::User,
        Some("Group") => ty == EntityType::Group,
        Some("Role") => ty == EntityType::Role,
        Some(_) => false,
    };
    let entities: Vec<_> = s
        .store
        .policy_entities(&i.policy_arn)
        .await?
        .into_iter()
        .filter(|e| wanted(e.entity_type))
        .collect();
    let _ = ctx;
    let page = paginate(entities, |e| format!("{}:{}", e.entity_type.as_str(), e.id), i.marker.as_deref(), i.max_items)?;
    let mut groups = Vec::new();
    let mut users = Vec::new();
    let mut roles = Vec::new();
    for e in page.items {
        match e.entity_type {
            EntityType::Group => groups.push(m::PolicyGroup {
                group_name: Some(e.name),
                group_id: Some(e.id),
            }),
            EntityType::User => users.push(m::PolicyUser {
                user_name: Some(e.name),
                user_id: Some(e.id),
            }),
            EntityType::Role => roles.push(m::PolicyRole {
                role_name: Some(e.name),
                role_id: Some(e.id),
            }),
        }
    }
    Ok(m::ListEntitiesForPolicyResponse {
        policy_groups: Some(groups),
        policy_users: Some(users),
        policy_roles: Some(roles),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

// ------------------------------------------------------------ inline policies

pub async fn put_inline(s: &AppState, ctx: &RequestContext, ty: EntityType, name: &str, policy_name: &str, doc: &str) -> Result<(), ApiError> {
    let kind = match ty {
        EntityType::User => DocKind::UserInline(name),
        EntityType::Group => DocKind::GroupInline(name),
        EntityType::Role => DocKind::RoleInline(name),
    };
    check_document(doc, kind)?;
    s.store.put_inline_policy(&ctx.account_id, ty, name, policy_name, doc).await?;
    Ok(())
}

/// `(policy name, URL-encoded document)`
pub async fn get_inline(s: &AppState, ctx: &RequestContext, ty: EntityType, name: &str, policy_name: &str) -> Result<(String, String), ApiError> {
    let (n, doc) = s.store.inline_policy(&ctx.account_id, ty, name, policy_name).await?;
    Ok((n, encode_document(&doc)))
}

pub async fn delete_inline(s: &AppState, ctx: &RequestContext, ty: EntityType, name: &str, policy_name: &str) -> Result<(), ApiError> {
    s.store.delete_inline_policy(&ctx.account_id, ty, name, policy_name).await?;
    Ok(())
}

/// One page of inline policy names.
pub async fn list_inline(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<String>, bool, Option<String>), ApiError> {
    let id = s.store.entity_id(&ctx.account_id, ty, name).await?;
    let names: Vec<String> = s.store.inline_policies(ty, &id).await?.into_iter().map(|(n, _)| n).collect();
    let page = paginate(names, Clone::clone, marker, max_items)?;
    Ok((page.items, page.is_truncated, page.marker))
}
