//! Users, groups and group membership, access keys, user and role tags.

use super::common::attached_boundary;
use super::common::{page_from_index, paginate, tags_in, tags_out, tags_page};
use crate::identity::{Arn, Principal};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{AccessKeyRec, EntityType, GroupRec, TagTarget, UserRec};

pub fn user_out(u: UserRec, tags: Option<Vec<m::Tag>>) -> m::User {
    m::User {
        path: u.path,
        user_name: u.name,
        user_id: u.user_id,
        arn: u.arn,
        create_date: u.create_date.into(),
        password_last_used: None,
        permissions_boundary: attached_boundary(u.permissions_boundary),
        tags,
    }
}

/// ListUsers and GetGroup leave out permissions boundaries and tags.
fn user_in_list(u: UserRec) -> m::User {
    m::User {
        permissions_boundary: None,
        ..user_out(u, None)
    }
}

pub fn group_out(g: GroupRec) -> m::Group {
    m::Group {
        path: g.path,
        group_name: g.name,
        group_id: g.group_id,
        arn: g.arn,
        create_date: g.create_date.into(),
    }
}

fn key_metadata(k: AccessKeyRec) -> m::AccessKeyMetadata {
    m::AccessKeyMetadata {
        user_name: Some(k.user_name),
        access_key_id: Some(k.access_key_id),
        status: Some(if k.active { "Active" } else { "Inactive" }.into()),
        create_date: Some(k.create_date.into()),
    }
}

/// The user a request names, or else the calling user (`UserName` omitted).
/// The root user has no user name: AWS answers with the root's own identity for GetUser and
/// refuses calls that need a user.
pub(super) fn user_name_or_caller(
    ctx: &RequestContext,
    name: Option<String>,
) -> Result<Option<String>, ApiError> {
    match (name, &ctx.principal) {
        (Some(n), _) => Ok(Some(n)),
        (None, Principal::User { name, .. }) => Ok(Some(name.clone())),
        (None, Principal::Root { .. }) => Ok(None),
        (None, _) => Err(ApiError::new(
            ErrorCode::ValidationError,
            "Must specify userName when calling with non-User credentials",
        )),
    }
}

// ------------------------------------------------------------ users

pub async fn create_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateUserRequest,
) -> Result<m::CreateUserResponse, ApiError> {
    let tags = tags_in(i.tags)?;
    if let Some(b) = &i.permissions_boundary {
        super::policies::check_boundary(s, b).await?;
    }
    let path = i.path.unwrap_or_else(|| "/".into());
    let u = s
        .store
        .create_user(
            &ctx.account_id,
            &i.user_name,
            &path,
            i.permissions_boundary.as_deref(),
            &tags,
            ctx.now,
        )
        .await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::CreateUserResponse {
        user: Some(user_out(u, tags)),
    })
}

pub async fn get_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetUserRequest,
) -> Result<m::GetUserResponse, ApiError> {
    let Some(name) = user_name_or_caller(ctx, i.user_name)? else {
        // The root user: AWS describes it with the account id as its id and the account's
        // creation as its own; it has no path or name (left out of the answer, see
        // `protocol::irregular`).
        let created = match s.store.account_created(&ctx.account_id).await? {
            Some(t) => t,
            None => s.store.ensure_account(&ctx.account_id, ctx.now).await?,
        };
        return Ok(m::GetUserResponse {
            user: m::User {
                path: String::new(),
                user_name: String::new(),
                user_id: ctx.account_id.clone(),
                arn: Arn::root(&ctx.account_id).to_string(),
                create_date: created.into(),
                ..Default::default()
            },
        });
    };
    let u = s.store.user(&ctx.account_id, &name).await?;
    let tags = s.store.tags(&u.user_id).await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::GetUserResponse {
        user: user_out(u, tags),
    })
}

pub async fn list_users(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListUsersRequest,
) -> Result<m::ListUsersResponse, ApiError> {
    let prefix = i.path_prefix.as_deref().unwrap_or("/");
    let page = page_from_index(
        |u: &UserRec| u.name.to_lowercase(),
        i.marker.as_deref(),
        i.max_items,
        |from, n| s.store.users_page(&ctx.account_id, prefix, from, n),
    )?;
    Ok(m::ListUsersResponse {
        users: page.items.into_iter().map(user_in_list).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn update_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateUserRequest,
) -> Result<(), ApiError> {
    s.store
        .update_user(
            &ctx.account_id,
            &i.user_name,
            i.new_user_name.as_deref(),
            i.new_path.as_deref(),
        )
        .await?;
    Ok(())
}

pub async fn delete_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteUserRequest,
) -> Result<(), ApiError> {
    s.store.delete_user(&ctx.account_id, &i.user_name).await?;
    Ok(())
}

pub async fn tag_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagUserRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(
            &ctx.account_id,
            TagTarget::Named(EntityType::User, &i.user_name),
            &tags,
        )
        .await?;
    Ok(())
}

pub async fn untag_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagUserRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::Named(EntityType::User, &i.user_name),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

pub async fn list_user_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListUserTagsRequest,
) -> Result<m::ListUserTagsResponse, ApiError> {
    let id = s
        .store
        .entity_id(&ctx.account_id, EntityType::User, &i.user_name)
        .await?;
    let (tags, truncated, marker) = tags_page(s, &id, i.marker.as_deref(), i.max_items).await?;
    Ok(m::ListUserTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}

pub async fn tag_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagRoleRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(
            &ctx.account_id,
            TagTarget::Named(EntityType::Role, &i.role_name),
            &tags,
        )
        .await?;
    Ok(())
}

pub async fn untag_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagRoleRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::Named(EntityType::Role, &i.role_name),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

pub async fn list_role_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListRoleTagsRequest,
) -> Result<m::ListRoleTagsResponse, ApiError> {
    let id = s
        .store
        .entity_id(&ctx.account_id, EntityType::Role, &i.role_name)
        .await?;
    let (tags, truncated, marker) = tags_page(s, &id, i.marker.as_deref(), i.max_items).await?;
    Ok(m::ListRoleTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}

pub async fn tag_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagPolicyRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(&ctx.account_id, TagTarget::Policy(&i.policy_arn), &tags)
        .await?;
    Ok(())
}

pub async fn untag_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagPolicyRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::Policy(&i.policy_arn),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

pub async fn list_policy_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListPolicyTagsRequest,
) -> Result<m::ListPolicyTagsResponse, ApiError> {
    let p = s.store.policy(&i.policy_arn).await?;
    if p.account_id != ctx.account_id {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "Policy {} does not exist or is not attachable.",
                i.policy_arn
            ),
        ));
    }
    let (tags, truncated, marker) =
        tags_page(s, &p.policy_id, i.marker.as_deref(), i.max_items).await?;
    Ok(m::ListPolicyTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}

// ------------------------------------------------------------ groups

pub async fn create_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateGroupRequest,
) -> Result<m::CreateGroupResponse, ApiError> {
    let path = i.path.unwrap_or_else(|| "/".into());
    let g = s
        .store
        .create_group(&ctx.account_id, &i.group_name, &path, ctx.now)
        .await?;
    Ok(m::CreateGroupResponse {
        group: group_out(g),
    })
}

pub async fn get_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetGroupRequest,
) -> Result<m::GetGroupResponse, ApiError> {
    let g = s.store.group(&ctx.account_id, &i.group_name).await?;
    let members = s.store.group_members(&g.group_id).await?;
    let page = paginate(
        members,
        |u| u.name.to_lowercase(),
        i.marker.as_deref(),
        i.max_items,
    )?;
    Ok(m::GetGroupResponse {
        group: group_out(g),
        users: page.items.into_iter().map(user_in_list).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn list_groups(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListGroupsRequest,
) -> Result<m::ListGroupsResponse, ApiError> {
    let prefix = i.path_prefix.as_deref().unwrap_or("/");
    let page = page_from_index(
        |g: &GroupRec| g.name.to_lowercase(),
        i.marker.as_deref(),
        i.max_items,
        |from, n| s.store.groups_page(&ctx.account_id, prefix, from, n),
    )?;
    Ok(m::ListGroupsResponse {
        groups: page.items.into_iter().map(group_out).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn update_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateGroupRequest,
) -> Result<(), ApiError> {
    s.store
        .update_group(
            &ctx.account_id,
            &i.group_name,
            i.new_group_name.as_deref(),
            i.new_path.as_deref(),
        )
        .await?;
    Ok(())
}

pub async fn delete_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteGroupRequest,
) -> Result<(), ApiError> {
    s.store.delete_group(&ctx.account_id, &i.group_name).await?;
    Ok(())
}

pub async fn add_user_to_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::AddUserToGroupRequest,
) -> Result<(), ApiError> {
    s.store
        .add_user_to_group(&ctx.account_id, &i.group_name, &i.user_name, ctx.now)
        .await?;
    Ok(())
}

pub async fn remove_user_from_group(
    s: &AppState,
    ctx: &RequestContext,
    i: m::RemoveUserFromGroupRequest,
) -> Result<(), ApiError> {
    s.store
        .remove_user_from_group(&ctx.account_id, &i.group_name, &i.user_name)
        .await?;
    Ok(())
}

pub async fn list_groups_for_user(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListGroupsForUserRequest,
) -> Result<m::ListGroupsForUserResponse, ApiError> {
    let u = s.store.user(&ctx.account_id, &i.user_name).await?;
    let groups = s.store.groups_for_user(&u.user_id).await?;
    let page = paginate(
        groups,
        |g| g.name.to_lowercase(),
        i.marker.as_deref(),
        i.max_items,
    )?;
    Ok(m::ListGroupsForUserResponse {
        groups: page.items.into_iter().map(group_out).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

// ------------------------------------------------------------ access keys

/// The user an access-key call is about: named, or the caller. Root manages its own keys only
/// through the console in AWS; iamlocal's root keys come from configuration.
async fn key_user(ctx: &RequestContext, name: Option<String>) -> Result<String, ApiError> {
    user_name_or_caller(ctx, name)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ValidationError,
            "Must specify userName when calling with non-User credentials",
        )
    })
}

pub async fn create_access_key(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateAccessKeyRequest,
) -> Result<m::CreateAccessKeyResponse, ApiError> {
    let user = key_user(ctx, i.user_name).await?;
    let k = s
        .store
        .create_access_key(&ctx.account_id, &user, ctx.now)
        .await?;
    Ok(m::CreateAccessKeyResponse {
        access_key: m::AccessKey {
            user_name: k.user_name,
            access_key_id: k.access_key_id,
            status: "Active".into(),
            secret_access_key: k.secret_access_key.expose().to_owned(),
            create_date: Some(k.create_date.into()),
        },
    })
}

pub async fn list_access_keys(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListAccessKeysRequest,
) -> Result<m::ListAccessKeysResponse, ApiError> {
    if i.user_name.is_none() && matches!(ctx.principal, Principal::Root { .. }) {
        // The root user's own key: the configured root credentials.
        return Ok(m::ListAccessKeysResponse {
            access_key_metadata: vec![m::AccessKeyMetadata {
                user_name: None,
                access_key_id: s.root_keys.get(&ctx.account_id).cloned(),
                status: Some("Active".into()),
                create_date: Some(time::OffsetDateTime::UNIX_EPOCH.into()),
            }],
            is_truncated: Some(false),
            marker: None,
        });
    }
    let user = key_user(ctx, i.user_name).await?;
    let keys = s.store.access_keys(&ctx.account_id, &user).await?;
    let page = paginate(
        keys,
        |k| k.access_key_id.clone(),
        i.marker.as_deref(),
        i.max_items,
    )?;
    Ok(m::ListAccessKeysResponse {
        access_key_metadata: page.items.into_iter().map(key_metadata).collect(),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn update_access_key(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UpdateAccessKeyRequest,
) -> Result<(), ApiError> {
    let user = key_user(ctx, i.user_name).await?;
    s.store
        .update_access_key(
            &ctx.account_id,
            &user,
            &i.access_key_id,
            i.status == "Active",
        )
        .await?;
    Ok(())
}

pub async fn delete_access_key(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteAccessKeyRequest,
) -> Result<(), ApiError> {
    let user = key_user(ctx, i.user_name).await?;
    s.store
        .delete_access_key(&ctx.account_id, &user, &i.access_key_id)
        .await?;
    Ok(())
}

pub async fn get_access_key_last_used(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetAccessKeyLastUsedRequest,
) -> Result<m::GetAccessKeyLastUsedResponse, ApiError> {
    let Some(k) = s
        .store
        .access_key(&ctx.account_id, &i.access_key_id)
        .await?
    else {
        return Err(ApiError::access_denied(
            &ctx.principal.arn(),
            "iam:GetAccessKeyLastUsed",
            &format!("access key {}", i.access_key_id),
        ));
    };
    // AWS writes "N/A" for keys never used.
    Ok(m::GetAccessKeyLastUsedResponse {
        user_name: Some(k.user_name),
        access_key_last_used: Some(m::AccessKeyLastUsed {
            last_used_date: k.last_used_date.map(Into::into),
            service_name: k.last_used_service.unwrap_or_else(|| "N/A".into()),
            region: k.last_used_region.unwrap_or_else(|| "N/A".into()),
        }),
    })
}
