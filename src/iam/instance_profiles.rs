//! Instance profiles.

use super::common::{paginate, tags_in, tags_out};
use super::roles::role_in_list;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;
use crate::store::{InstanceProfileRec, TagTarget};

pub fn profile_out(p: InstanceProfileRec, tags: Option<Vec<m::Tag>>) -> m::InstanceProfile {
    m::InstanceProfile {
        path: p.path,
        instance_profile_name: p.name,
        instance_profile_id: p.instance_profile_id,
        arn: p.arn,
        create_date: p.create_date.into(),
        roles: p.roles.into_iter().map(role_in_list).collect(),
        tags,
    }
}

/// One page of profiles, by name.
fn profiles_page(
    profiles: Vec<InstanceProfileRec>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<m::InstanceProfile>, bool, Option<String>), ApiError> {
    let page = paginate(profiles, |p| p.name.to_lowercase(), marker, max_items)?;
    Ok((
        page.items
            .into_iter()
            .map(|p| profile_out(p, None))
            .collect(),
        page.is_truncated,
        page.marker,
    ))
}

pub async fn create_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreateInstanceProfileRequest,
) -> Result<m::CreateInstanceProfileResponse, ApiError> {
    let tags = tags_in(i.tags)?;
    let path = i.path.unwrap_or_else(|| "/".into());
    let p = s
        .store
        .create_instance_profile(
            &ctx.account_id,
            &i.instance_profile_name,
            &path,
            &tags,
            ctx.now,
        )
        .await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    Ok(m::CreateInstanceProfileResponse {
        instance_profile: profile_out(p, tags),
    })
}

pub async fn get_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetInstanceProfileRequest,
) -> Result<m::GetInstanceProfileResponse, ApiError> {
    let p = s
        .store
        .instance_profile(&ctx.account_id, &i.instance_profile_name)
        .await?;
    // GetInstanceProfile always writes `Tags`, as `<Tags/>` when there are none.
    let tags = Some(tags_out(s.store.tags(&p.instance_profile_id).await?));
    Ok(m::GetInstanceProfileResponse {
        instance_profile: profile_out(p, tags),
    })
}

pub async fn list_instance_profiles(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListInstanceProfilesRequest,
) -> Result<m::ListInstanceProfilesResponse, ApiError> {
    let profiles = s
        .store
        .instance_profiles(&ctx.account_id, i.path_prefix.as_deref().unwrap_or("/"))
        .await?;
    let (instance_profiles, truncated, marker) =
        profiles_page(profiles, i.marker.as_deref(), i.max_items)?;
    Ok(m::ListInstanceProfilesResponse {
        instance_profiles,
        is_truncated: Some(truncated),
        marker,
    })
}

pub async fn list_instance_profiles_for_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListInstanceProfilesForRoleRequest,
) -> Result<m::ListInstanceProfilesForRoleResponse, ApiError> {
    let profiles = s
        .store
        .instance_profiles_for_role(&ctx.account_id, &i.role_name)
        .await?;
    let (instance_profiles, truncated, marker) =
        profiles_page(profiles, i.marker.as_deref(), i.max_items)?;
    Ok(m::ListInstanceProfilesForRoleResponse {
        instance_profiles,
        is_truncated: Some(truncated),
        marker,
    })
}

pub async fn delete_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteInstanceProfileRequest,
) -> Result<(), ApiError> {
    s.store
        .delete_instance_profile(&ctx.account_id, &i.instance_profile_name)
        .await?;
    Ok(())
}

pub async fn add_role_to_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::AddRoleToInstanceProfileRequest,
) -> Result<(), ApiError> {
    s.store
        .add_role_to_instance_profile(&ctx.account_id, &i.instance_profile_name, &i.role_name)
        .await?;
    Ok(())
}

pub async fn remove_role_from_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::RemoveRoleFromInstanceProfileRequest,
) -> Result<(), ApiError> {
    s.store
        .remove_role_from_instance_profile(&ctx.account_id, &i.instance_profile_name, &i.role_name)
        .await?;
    Ok(())
}

pub async fn tag_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::TagInstanceProfileRequest,
) -> Result<(), ApiError> {
    let tags = tags_in(Some(i.tags))?;
    s.store
        .tag_entity(
            &ctx.account_id,
            TagTarget::InstanceProfile(&i.instance_profile_name),
            &tags,
        )
        .await?;
    Ok(())
}

pub async fn untag_instance_profile(
    s: &AppState,
    ctx: &RequestContext,
    i: m::UntagInstanceProfileRequest,
) -> Result<(), ApiError> {
    s.store
        .untag_entity(
            &ctx.account_id,
            TagTarget::InstanceProfile(&i.instance_profile_name),
            &i.tag_keys,
        )
        .await?;
    Ok(())
}

pub async fn list_instance_profile_tags(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListInstanceProfileTagsRequest,
) -> Result<m::ListInstanceProfileTagsResponse, ApiError> {
    let p = s
        .store
        .instance_profile(&ctx.account_id, &i.instance_profile_name)
        .await?;
    let (tags, truncated, marker) =
        super::common::tags_page(s, &p.instance_profile_id, i.marker.as_deref(), i.max_items)
            .await?;
    Ok(m::ListInstanceProfileTagsResponse {
        tags,
        is_truncated: Some(truncated),
        marker,
    })
}
