//! GetAccountAuthorizationDetails: every user, group, role and in-use managed policy of the
//! account with their policies, in one paged answer.

use super::common::{
    attached_boundary, encode_document, paginate_in_order, policy_path_and_name, tags_out,
};
use super::instance_profiles::profile_out;
use super::managed;
use super::policies::{aws_policy_out, aws_version, policy_out, version_out};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;
use crate::store::EntityType;

enum Item {
    User(m::UserDetail),
    Group(m::GroupDetail),
    Role(m::RoleDetail),
    Policy(m::ManagedPolicyDetail),
}

async fn inline(s: &AppState, ty: EntityType, id: &str) -> Result<Vec<m::PolicyDetail>, ApiError> {
    Ok(s.store
        .inline_policies(ty, id)
        .await?
        .into_iter()
        .map(|(name, doc)| m::PolicyDetail {
            policy_name: Some(name),
            policy_document: Some(encode_document(&doc)),
        })
        .collect())
}

async fn attached(
    s: &AppState,
    ty: EntityType,
    id: &str,
) -> Result<Vec<m::AttachedPolicy>, ApiError> {
    Ok(s.store
        .attached_policies(ty, id)
        .await?
        .into_iter()
        .map(|arn| m::AttachedPolicy {
            policy_name: policy_path_and_name(&arn).map(|(_, n)| n),
            policy_arn: Some(arn),
        })
        .collect())
}

fn detail(p: m::Policy, versions: Vec<m::PolicyVersion>) -> m::ManagedPolicyDetail {
    m::ManagedPolicyDetail {
        policy_name: p.policy_name,
        policy_id: p.policy_id,
        arn: p.arn,
        path: p.path,
        default_version_id: p.default_version_id,
        attachment_count: p.attachment_count,
        permissions_boundary_usage_count: p.permissions_boundary_usage_count,
        is_attachable: p.is_attachable,
        description: p.description,
        create_date: p.create_date,
        update_date: p.update_date,
        policy_version_list: Some(versions),
    }
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>
pub async fn get_account_authorization_details(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetAccountAuthorizationDetailsRequest,
) -> Result<m::GetAccountAuthorizationDetailsResponse, ApiError> {
    let filter = i.filter.unwrap_or_default();
    let wants = |f: &str| filter.is_empty() || filter.iter().any(|x| x == f);
    let account = ctx.account_id.as_str();
    let mut items = Vec::new();
    if wants("User") {
        for u in s.store.users(account, "/").await? {
            let groups = s.store.groups_for_user(&u.user_id).await?;
            let tags = s.store.tags(&u.user_id).await?;
            items.push(Item::User(m::UserDetail {
                user_policy_list: Some(inline(s, EntityType::User, &u.user_id).await?),
                group_list: Some(groups.into_iter().map(|g| g.name).collect()),
                attached_managed_policies: Some(attached(s, EntityType::User, &u.user_id).await?),
                permissions_boundary: attached_boundary(u.permissions_boundary),
                tags: Some(tags_out(tags)),
                path: Some(u.path),
                user_name: Some(u.name),
                create_date: Some(u.create_date.into()),
                arn: Some(u.arn),
                user_id: Some(u.user_id),
            }));
        }
    }
    if wants("Group") {
        for g in s.store.groups(account, "/").await? {
            items.push(Item::Group(m::GroupDetail {
                group_policy_list: Some(inline(s, EntityType::Group, &g.group_id).await?),
                attached_managed_policies: Some(attached(s, EntityType::Group, &g.group_id).await?),
                path: Some(g.path),
                group_name: Some(g.name),
                arn: Some(g.arn),
                create_date: Some(g.create_date.into()),
                group_id: Some(g.group_id),
            }));
        }
    }
    if wants("Role") {
        for r in s.store.roles(account, "/").await? {
            let profiles = s.store.instance_profiles_for_role(account, &r.name).await?;
            let tags = s.store.tags(&r.role_id).await?;
            items.push(Item::Role(m::RoleDetail {
                assume_role_policy_document: Some(encode_document(&r.assume_role_policy)),
                instance_profile_list: Some(
                    profiles.into_iter().map(|p| profile_out(p, None)).collect(),
                ),
                role_policy_list: Some(inline(s, EntityType::Role, &r.role_id).await?),
                attached_managed_policies: Some(attached(s, EntityType::Role, &r.role_id).await?),
                permissions_boundary: attached_boundary(r.permissions_boundary),
                tags: Some(tags_out(tags)),
                role_last_used: Some(m::RoleLastUsed {
                    last_used_date: r.last_used_date.map(Into::into),
                    region: r.last_used_region,
                }),
                path: Some(r.path),
                role_name: Some(r.name),
                arn: Some(r.arn),
                create_date: Some(r.create_date.into()),
                role_id: Some(r.role_id),
            }));
        }
    }
    let boundaries = s.store.boundary_usage(account).await?;
    if wants("LocalManagedPolicy") {
        for p in s.store.policies(account, "/", false).await? {
            let versions = s
                .store
                .policy_versions(&p.arn)
                .await?
                .into_iter()
                .map(|v| version_out(v, true))
                .collect();
            let used_as_boundary = boundaries.get(&p.arn).copied().unwrap_or(0);
            let mut out = policy_out(p, None);
            out.permissions_boundary_usage_count =
                Some(i32::try_from(used_as_boundary).unwrap_or(i32::MAX));
            items.push(Item::Policy(detail(out, versions)));
        }
    }
    if wants("AWSManagedPolicy") {
        // AWS lists the AWS managed policies the account uses.
        let counts = s.store.aws_policy_attachment_counts(account).await?;
        let mut arns: Vec<&String> = counts
            .iter()
            .map(|(a, _)| a)
            .chain(boundaries.keys())
            .collect();
        arns.retain(|a| managed::is_aws_managed(a));
        arns.sort();
        arns.dedup();
        for arn in arns {
            if let Some(p) = managed::get(arn) {
                let attached = counts.iter().find(|(a, _)| a == arn).map_or(0, |(_, n)| *n);
                let used = boundaries.get(arn).copied().unwrap_or(0);
                items.push(Item::Policy(detail(
                    aws_policy_out(p, attached, used),
                    vec![version_out(aws_version(p), true)],
                )));
            }
        }
    }
    let page = paginate_in_order(items, i.marker.as_deref(), i.max_items)?;
    let mut out = m::GetAccountAuthorizationDetailsResponse {
        user_detail_list: Some(Vec::new()),
        group_detail_list: Some(Vec::new()),
        role_detail_list: Some(Vec::new()),
        policies: Some(Vec::new()),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    };
    for item in page.items {
        match item {
            Item::User(u) => out.user_detail_list.get_or_insert_with(Vec::new).push(u),
            Item::Group(g) => out.group_detail_list.get_or_insert_with(Vec::new).push(g),
            Item::Role(r) => out.role_detail_list.get_or_insert_with(Vec::new).push(r),
            Item::Policy(p) => out.policies.get_or_insert_with(Vec::new).push(p),
        }
    }
    Ok(out)
}
