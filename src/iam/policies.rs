//! Managed policies and their versions, attachments, inline policies.

use super::common::{
    check_document, encode_document, page_from_index, paginate, paginate_in_order,
    policy_path_and_name, tags_in, tags_out, DocKind,
};
use super::managed;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{EntityType, PolicyRec, PolicyVersionRec};

pub fn policy_out(p: PolicyRec, tags: Option<Vec<m::Tag>>) -> m::Policy {
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

pub fn version_out(v: PolicyVersionRec, with_document: bool) -> m::PolicyVersion {
    m::PolicyVersion {
        document: with_document.then(|| encode_document(&v.document)),
        version_id: Some(v.version_id),
        is_default_version: Some(v.is_default),
        create_date: Some(v.create_date.into()),
    }
}

pub fn aws_policy_out(
    p: &managed::ManagedPolicy,
    attachment_count: i64,
    boundary_count: i64,
) -> m::Policy {
    m::Policy {
        policy_name: Some(p.name.clone()),
        policy_id: Some(p.policy_id.clone()),
        arn: Some(p.arn.clone()),
        path: Some(p.path.clone()),
        default_version_id: Some(p.default_version_id.clone()),
        attachment_count: Some(attachment_count as i32),
        permissions_boundary_usage_count: Some(boundary_count as i32),
        is_attachable: Some(true),
        description: None,
        create_date: Some(p.create_date.into()),
        update_date: Some(p.update_date.into()),
        tags: None,
    }
}

pub fn aws_version(p: &managed::ManagedPolicy) -> PolicyVersionRec {
    PolicyVersionRec {
        version_id: p.default_version_id.clone(),
        document: p.document.clone(),
        is_default: true,
        create_date: p.update_date,
    }
}

fn no_such_policy(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("Policy {arn} does not exist or is not attachable."),
    )
}

/// An AWS managed policy of the catalog, or NoSuchEntity.
fn aws_policy(arn: &str) -> Result<&'static managed::ManagedPolicy, ApiError> {
    managed::get(arn).ok_or_else(|| no_such_policy(arn))
}

/// The document of a managed policy's default version (customer or AWS managed).
pub async fn default_document(s: &AppState, arn: &str) -> Result<String, ApiError> {
    if managed::is_aws_managed(arn) {
        return Ok(aws_policy(arn)?.document.clone());
    }
    let p = s.store.policy(arn).await?;
    Ok(s.store
        .policy_version(arn, &p.default_version_id)
        .await?
        .document)
}

/// A permissions boundary must name an existing managed policy.
pub async fn check_boundary(s: &AppState, arn: &str) -> Result<(), ApiError> {
    let exists = if managed::is_aws_managed(arn) {
        managed::get(arn).is_some()
    } else {
        s.store.policy(arn).await.is_ok()
    };
    exists.then_some(()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Scope ARN: {arn} does not exist or is not attachable."),
        )
    })
}

// ------------------------------------------------------------ managed policies

pub async fn create_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreatePolicyRequest,
) -> Result<m::CreatePolicyResponse, ApiError> {
    check_document(&i.policy_document, DocKind::Managed)?;
    let tags = tags_in(i.tags)?;
    let path = i.path.unwrap_or_else(|| "/".into());
    let p = s
        .store
        .create_policy(
            &ctx.account_id,
            &i.policy_name,
            &path,
            i.description.as_deref(),
            &i.policy_document,
            &tags,
            ctx.now,
        )
        .await?;
    let tags = (!tags.is_empty()).then(|| tags_out(tags));
    let mut out = policy_out(p, tags);
    // CreatePolicy does not echo the description (AWS behaviour).
    out.description = None;
    Ok(m::CreatePolicyResponse { policy: Some(out) })
}

pub async fn get_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetPolicyRequest,
) -> Result<m::GetPolicyResponse, ApiError> {
    if managed::is_aws_managed(&i.policy_arn) {
        let p = aws_policy(&i.policy_arn)?;
        let attached = s.store.attachment_count(&ctx.account_id, &p.arn).await?;
        let boundaries = s.store.boundary_usage(&ctx.account_id).await?;
        let mut out = aws_policy_out(p, attached, boundaries.get(&p.arn).copied().unwrap_or(0));
        out.tags = Some(Vec::new());
        return Ok(m::GetPolicyResponse { policy: Some(out) });
    }
    let p = s.store.policy(&i.policy_arn).await?;
    // GetPolicy always writes `Tags`, as `<Tags/>` when there are none.
    let tags = Some(tags_out(s.store.tags(&p.policy_id).await?));
    let used = s
        .store
        .boundary_usage(&ctx.account_id)
        .await?
        .get(&p.arn)
        .copied();
    let mut out = policy_out(p, tags);
    out.permissions_boundary_usage_count =
        Some(i32::try_from(used.unwrap_or(0)).unwrap_or(i32::MAX));
    Ok(m::GetPolicyResponse { policy: Some(out) })
}

pub async fn delete_policy(
    s: &AppState,
    _ctx: &RequestContext,
    i: m::DeletePolicyRequest,
) -> Result<(), ApiError> {
    s.store.delete_policy(&i.policy_arn).await?;
    Ok(())
}

/// A policy on a ListPolicies page, with its list key.
enum Listed<'a> {
    Aws(&'static managed::ManagedPolicy),
    Local(&'a PolicyRec, String),
}

impl Listed<'_> {
    fn key(&self) -> &str {
        match self {
            Listed::Aws(p) => &p.list_key,
            Listed::Local(_, k) => k,
        }
    }

    fn arn(&self) -> &str {
        match self {
            Listed::Aws(p) => &p.arn,
            Listed::Local(p, _) => &p.arn,
        }
    }
}

/// Two sorted sequences as one: `first_before(a, b)` says whether `a` comes before `b`.
fn merge_sorted<T>(
    a: impl Iterator<Item = T>,
    b: impl Iterator<Item = T>,
    first_before: impl Fn(&T, &T) -> bool,
) -> impl Iterator<Item = T> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) => {
            if first_before(x, y) {
                a.next()
            } else {
                b.next()
            }
        }
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

pub async fn list_policies(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListPoliciesRequest,
) -> Result<m::ListPoliciesResponse, ApiError> {
    let scope = i.scope.as_deref().unwrap_or("All");
    let only_attached = i.only_attached.unwrap_or(false);
    let prefix = i.path_prefix.as_deref().unwrap_or("/");
    let boundaries = s.store.boundary_usage(&ctx.account_id).await?;
    let local = if scope == "AWS" {
        Vec::new()
    } else {
        s.store.policies(&ctx.account_id, prefix, false).await?
    };
    let counts: std::collections::HashMap<String, i64> = if scope == "Local" {
        Default::default()
    } else {
        s.store
            .aws_policy_attachment_counts(&ctx.account_id)
            .await?
            .into_iter()
            .collect()
    };
    let usage = i.policy_usage_filter.as_deref();
    let wanted = |attachments: i64, boundary: i64| {
        let attached = attachments > 0;
        let used_as_filtered = match usage {
            Some("PermissionsPolicy") => attached,
            Some("PermissionsBoundary") => boundary > 0,
            _ => true,
        };
        used_as_filtered && (!only_attached || attached || boundary > 0)
    };
    // AWS managed and customer managed policies interleave by name: the catalog is kept in
    // list order, customer policies come sorted, and the page is merged from the marker on,
    // so its cost is the page's, not the 1,594 policies'.
    let page = page_from_index(
        |p: &Listed| p.key().to_owned(),
        i.marker.as_deref(),
        i.max_items,
        |from, n| {
            let from = from.unwrap_or_default();
            let aws = if scope == "Local" {
                &[][..]
            } else {
                managed::from(from)
            };
            let aws = aws
                .iter()
                .filter(|p| p.path.starts_with(prefix))
                .map(Listed::Aws)
                .filter(|l| {
                    let arn = l.arn();
                    wanted(
                        counts.get(arn).copied().unwrap_or(0),
                        boundaries.get(arn).copied().unwrap_or(0),
                    )
                });
            let customer = local
                .iter()
                .filter(|p| {
                    wanted(
                        p.attachment_count,
                        boundaries.get(&p.arn).copied().unwrap_or(0),
                    )
                })
                .map(|p| Listed::Local(p, managed::list_key(&p.name, &p.arn)))
                .filter(|l| l.key() >= from);
            merge_sorted(aws, customer, |a, b| a.key() <= b.key())
                .take(n)
                .collect()
        },
    )?;
    let policies = page
        .items
        .into_iter()
        .map(|l| {
            let b = boundaries.get(l.arn()).copied().unwrap_or(0);
            match l {
                Listed::Aws(p) => aws_policy_out(p, counts.get(&p.arn).copied().unwrap_or(0), b),
                Listed::Local(p, _) => {
                    let mut out = policy_out(p.clone(), None);
                    // ListPolicies does not return descriptions.
                    out.description = None;
                    out.permissions_boundary_usage_count = Some(b as i32);
                    out
                }
            }
        })
        .collect();
    Ok(m::ListPoliciesResponse {
        policies: Some(policies),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

// ------------------------------------------------------------ versions

pub async fn create_policy_version(
    s: &AppState,
    ctx: &RequestContext,
    i: m::CreatePolicyVersionRequest,
) -> Result<m::CreatePolicyVersionResponse, ApiError> {
    check_document(&i.policy_document, DocKind::Managed)?;
    let v = s
        .store
        .create_policy_version(
            &i.policy_arn,
            &i.policy_document,
            i.set_as_default.unwrap_or(false),
            ctx.now,
        )
        .await?;
    Ok(m::CreatePolicyVersionResponse {
        policy_version: Some(version_out(v, false)),
    })
}

pub async fn get_policy_version(
    s: &AppState,
    _ctx: &RequestContext,
    i: m::GetPolicyVersionRequest,
) -> Result<m::GetPolicyVersionResponse, ApiError> {
    let v = if managed::is_aws_managed(&i.policy_arn) {
        let p = aws_policy(&i.policy_arn)?;
        if p.default_version_id != i.version_id {
            return Err(ApiError::new(
                ErrorCode::NoSuchEntity,
                format!(
                    "Policy {} version {} does not exist or is not attachable.",
                    i.policy_arn, i.version_id
                ),
            ));
        }
        aws_version(p)
    } else {
        s.store.policy_version(&i.policy_arn, &i.version_id).await?
    };
    Ok(m::GetPolicyVersionResponse {
        policy_version: Some(version_out(v, true)),
    })
}

pub async fn list_policy_versions(
    s: &AppState,
    _ctx: &RequestContext,
    i: m::ListPolicyVersionsRequest,
) -> Result<m::ListPolicyVersionsResponse, ApiError> {
    let versions = if managed::is_aws_managed(&i.policy_arn) {
        vec![aws_version(aws_policy(&i.policy_arn)?)]
    } else {
        s.store.policy_versions(&i.policy_arn).await?
    };
    let page = paginate_in_order(versions, i.marker.as_deref(), i.max_items)?;
    Ok(m::ListPolicyVersionsResponse {
        versions: Some(
            page.items
                .into_iter()
                .map(|v| version_out(v, false))
                .collect(),
        ),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

pub async fn delete_policy_version(
    s: &AppState,
    _ctx: &RequestContext,
    i: m::DeletePolicyVersionRequest,
) -> Result<(), ApiError> {
    s.store
        .delete_policy_version(&i.policy_arn, &i.version_id)
        .await?;
    Ok(())
}

pub async fn set_default_policy_version(
    s: &AppState,
    ctx: &RequestContext,
    i: m::SetDefaultPolicyVersionRequest,
) -> Result<(), ApiError> {
    s.store
        .set_default_policy_version(&i.policy_arn, &i.version_id, ctx.now)
        .await?;
    Ok(())
}

// ------------------------------------------------------------ attachments

pub async fn attach(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    arn: &str,
) -> Result<(), ApiError> {
    if policy_path_and_name(arn).is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("ARN {arn} is not valid."),
        ));
    }
    if managed::is_aws_managed(arn) {
        aws_policy(arn)?;
    }
    s.store
        .attach_policy(&ctx.account_id, ty, name, arn, ctx.now)
        .await?;
    Ok(())
}

pub async fn detach(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    arn: &str,
) -> Result<(), ApiError> {
    s.store
        .detach_policy(&ctx.account_id, ty, name, arn)
        .await?;
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

pub async fn list_entities_for_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::ListEntitiesForPolicyRequest,
) -> Result<m::ListEntitiesForPolicyResponse, ApiError> {
    if managed::is_aws_managed(&i.policy_arn) {
        aws_policy(&i.policy_arn)?;
    } else {
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
    let prefix = i.path_prefix.as_deref().unwrap_or("/");
    let usage = i.policy_usage_filter.as_deref();
    let mut entities: Vec<crate::store::PolicyEntity> = s
        .store
        .policy_entities(&ctx.account_id, &i.policy_arn)
        .await?
        .into_iter()
        .filter(|e| wanted(e.entity_type) && e.path.starts_with(prefix))
        .filter(|e| match usage {
            Some("PermissionsPolicy") => !e.as_boundary,
            Some("PermissionsBoundary") => e.as_boundary,
            _ => true,
        })
        .collect();
    // An entity both attached to and bounded by the policy is listed once.
    entities.sort_by(|a, b| (a.entity_type.as_str(), &a.id).cmp(&(b.entity_type.as_str(), &b.id)));
    entities.dedup_by(|a, b| a.entity_type == b.entity_type && a.id == b.id);
    let page = paginate(
        entities,
        |e| format!("{}:{}", e.entity_type.as_str(), e.id),
        i.marker.as_deref(),
        i.max_items,
    )?;
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

pub async fn put_inline(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    policy_name: &str,
    doc: &str,
) -> Result<(), ApiError> {
    let id = s.store.entity_id(&ctx.account_id, ty, name).await?;
    let others: usize = s
        .store
        .inline_policies(ty, &id)
        .await?
        .iter()
        .filter(|(n, _)| n != policy_name)
        .map(|(_, d)| crate::policy::non_whitespace_len(d))
        .sum();
    check_document(
        doc,
        DocKind::Inline {
            entity: ty,
            name,
            others,
        },
    )?;
    s.store
        .put_inline_policy(&ctx.account_id, ty, name, policy_name, doc)
        .await?;
    Ok(())
}

/// `(policy name, URL-encoded document)`
pub async fn get_inline(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    policy_name: &str,
) -> Result<(String, String), ApiError> {
    let (n, doc) = s
        .store
        .inline_policy(&ctx.account_id, ty, name, policy_name)
        .await?;
    Ok((n, encode_document(&doc)))
}

pub async fn delete_inline(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    policy_name: &str,
) -> Result<(), ApiError> {
    s.store
        .delete_inline_policy(&ctx.account_id, ty, name, policy_name)
        .await?;
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
    let names: Vec<String> = s
        .store
        .inline_policies(ty, &id)
        .await?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let page = paginate(names, Clone::clone, marker, max_items)?;
    Ok((page.items, page.is_truncated, page.marker))
}

// ------------------------------------------------------------ permissions boundaries

pub async fn put_boundary(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
    arn: &str,
) -> Result<(), ApiError> {
    check_boundary(s, arn).await?;
    s.store
        .set_boundary(&ctx.account_id, ty, name, Some(arn))
        .await?;
    Ok(())
}

pub async fn delete_boundary(
    s: &AppState,
    ctx: &RequestContext,
    ty: EntityType,
    name: &str,
) -> Result<(), ApiError> {
    s.store
        .set_boundary(&ctx.account_id, ty, name, None)
        .await?;
    Ok(())
}

/// The attachment, inline-policy and boundary operations of users, groups and roles differ only
/// in the entity type, the input member that names the entity and the output types: each is
/// one shared implementation above, adapted here once per entity type.
macro_rules! entity_policy_operations {
    (
        $ty:expr, $member:ident,
        $attach:ident($attach_in:ident),
        $detach:ident($detach_in:ident),
        $attached:ident($attached_in:ident) -> $attached_out:ident,
        $put:ident($put_in:ident),
        $get:ident($get_in:ident) -> $get_out:ident,
        $delete:ident($delete_in:ident),
        $list:ident($list_in:ident) -> $list_out:ident $(,)?
    ) => {
        pub async fn $attach(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$attach_in,
        ) -> Result<(), ApiError> {
            attach(s, ctx, $ty, &i.$member, &i.policy_arn).await
        }

        pub async fn $detach(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$detach_in,
        ) -> Result<(), ApiError> {
            detach(s, ctx, $ty, &i.$member, &i.policy_arn).await
        }

        pub async fn $attached(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$attached_in,
        ) -> Result<m::$attached_out, ApiError> {
            let (attached, truncated, marker) = attached(
                s,
                ctx,
                $ty,
                &i.$member,
                i.path_prefix.as_deref(),
                i.marker.as_deref(),
                i.max_items,
            )
            .await?;
            Ok(m::$attached_out {
                attached_policies: Some(attached),
                is_truncated: Some(truncated),
                marker,
            })
        }

        pub async fn $put(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$put_in,
        ) -> Result<(), ApiError> {
            put_inline(s, ctx, $ty, &i.$member, &i.policy_name, &i.policy_document).await
        }

        pub async fn $get(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$get_in,
        ) -> Result<m::$get_out, ApiError> {
            let (policy_name, policy_document) =
                get_inline(s, ctx, $ty, &i.$member, &i.policy_name).await?;
            Ok(m::$get_out {
                $member: i.$member,
                policy_name,
                policy_document,
            })
        }

        pub async fn $delete(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$delete_in,
        ) -> Result<(), ApiError> {
            delete_inline(s, ctx, $ty, &i.$member, &i.policy_name).await
        }

        pub async fn $list(
            s: &AppState,
            ctx: &RequestContext,
            i: m::$list_in,
        ) -> Result<m::$list_out, ApiError> {
            let (policy_names, truncated, marker) =
                list_inline(s, ctx, $ty, &i.$member, i.marker.as_deref(), i.max_items).await?;
            Ok(m::$list_out {
                policy_names,
                is_truncated: Some(truncated),
                marker,
            })
        }
    };
}

entity_policy_operations!(
    EntityType::User,
    user_name,
    attach_user_policy(AttachUserPolicyRequest),
    detach_user_policy(DetachUserPolicyRequest),
    list_attached_user_policies(ListAttachedUserPoliciesRequest) -> ListAttachedUserPoliciesResponse,
    put_user_policy(PutUserPolicyRequest),
    get_user_policy(GetUserPolicyRequest) -> GetUserPolicyResponse,
    delete_user_policy(DeleteUserPolicyRequest),
    list_user_policies(ListUserPoliciesRequest) -> ListUserPoliciesResponse,
);
entity_policy_operations!(
    EntityType::Group,
    group_name,
    attach_group_policy(AttachGroupPolicyRequest),
    detach_group_policy(DetachGroupPolicyRequest),
    list_attached_group_policies(ListAttachedGroupPoliciesRequest) -> ListAttachedGroupPoliciesResponse,
    put_group_policy(PutGroupPolicyRequest),
    get_group_policy(GetGroupPolicyRequest) -> GetGroupPolicyResponse,
    delete_group_policy(DeleteGroupPolicyRequest),
    list_group_policies(ListGroupPoliciesRequest) -> ListGroupPoliciesResponse,
);
entity_policy_operations!(
    EntityType::Role,
    role_name,
    attach_role_policy(AttachRolePolicyRequest),
    detach_role_policy(DetachRolePolicyRequest),
    list_attached_role_policies(ListAttachedRolePoliciesRequest) -> ListAttachedRolePoliciesResponse,
    put_role_policy(PutRolePolicyRequest),
    get_role_policy(GetRolePolicyRequest) -> GetRolePolicyResponse,
    delete_role_policy(DeleteRolePolicyRequest),
    list_role_policies(ListRolePoliciesRequest) -> ListRolePoliciesResponse,
);

pub async fn put_user_permissions_boundary(
    s: &AppState,
    ctx: &RequestContext,
    i: m::PutUserPermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    put_boundary(
        s,
        ctx,
        EntityType::User,
        &i.user_name,
        &i.permissions_boundary,
    )
    .await
}

pub async fn delete_user_permissions_boundary(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteUserPermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    delete_boundary(s, ctx, EntityType::User, &i.user_name).await
}

pub async fn put_role_permissions_boundary(
    s: &AppState,
    ctx: &RequestContext,
    i: m::PutRolePermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    put_boundary(
        s,
        ctx,
        EntityType::Role,
        &i.role_name,
        &i.permissions_boundary,
    )
    .await
}

pub async fn delete_role_permissions_boundary(
    s: &AppState,
    ctx: &RequestContext,
    i: m::DeleteRolePermissionsBoundaryRequest,
) -> Result<(), ApiError> {
    delete_boundary(s, ctx, EntityType::Role, &i.role_name).await
}
