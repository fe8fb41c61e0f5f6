//! The resources a request acts on, as ARNs, from the authorization table and the request's
//! input. IAM ARNs carry paths that requests do not, so names are resolved through the store;
//! a name that does not exist (yet) is authorized as `TYPE/PATH/NAME` with the path the request
//! gives (`/` by default), as AWS does.

use crate::identity::{Arn, Principal};
use crate::protocol::generated::authz::{OpSpec, ResourceSpec};
use crate::protocol::query::Query;
use crate::protocol::{ApiError, Operation, RequestContext};
use crate::server::AppState;

/// A resource a request acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub arn: String,
    /// The stored entity's unique id, when it exists: its tags are `aws:ResourceTag/*`.
    pub entity_id: Option<String>,
}

impl Target {
    fn new(arn: String) -> Target {
        Target {
            arn,
            entity_id: None,
        }
    }
}

/// The resources the request acts on; `*` for actions without resource types.
pub async fn resolve(
    s: &AppState,
    ctx: &RequestContext,
    op: Operation,
    spec: &OpSpec,
    query: &Query,
) -> Result<Vec<Target>, ApiError> {
    let mut out: Vec<Target> = Vec::new();
    for r in spec.resources {
        if let Some(target) = one(s, ctx, op, r, query).await? {
            if !out.iter().any(|t| t.arn == target.arn) {
                out.push(target);
            }
        }
    }
    if out.is_empty() {
        out.push(Target::new("*".to_owned()));
    }
    Ok(out)
}

async fn one(
    s: &AppState,
    ctx: &RequestContext,
    op: Operation,
    r: &ResourceSpec,
    query: &Query,
) -> Result<Option<Target>, ApiError> {
    let account = &ctx.account_id;
    let ty = r.resource_type;
    let member_value = r.member.and_then(|m| query.get(m).map(|v| (m, v)));
    let Some((member, value)) = member_value else {
        // Implied resources, and operations on "the user" without a user named: the caller
        // (ChangePassword, GetAccessKeyLastUsed, ListAccessKeys, GetUser...).
        let implied =
            ty == "user" && (r.member.is_none() && r.required || r.member == Some("UserName"));
        return Ok(match (&ctx.principal, implied) {
            (Principal::User { arn, user_id, .. }, true) => Some(Target {
                arn: arn.clone(),
                entity_id: Some(user_id.clone()),
            }),
            _ => None,
        });
    };
    if member.ends_with("Arn") && !value.contains(&format!(":{ty}/")) {
        // A whole ARN; `PolicySourceArn` and `Arn` may name any of several types.
        return Ok(None);
    }
    if let Some(found) = stored(s, account, ty, member, value).await {
        return Ok(Some(found));
    }
    let path = if is_create(op) {
        query.get("Path").unwrap_or("/")
    } else {
        "/"
    };
    Ok(Some(Target::new(
        Arn::iam_entity(account, ty, path, value).to_string(),
    )))
}

/// Account, resource type, input member and its value: what a resource named in a request
/// resolves from.
pub(crate) type TargetKey = (String, &'static str, &'static str, String);

/// The stored entity a request's member names, kept until the next write.
pub(super) async fn stored(
    s: &AppState,
    account: &str,
    ty: &'static str,
    member: &'static str,
    value: &str,
) -> Option<Target> {
    let key = (account.to_owned(), ty, member, value.to_owned());
    let load = || async { Ok(lookup(s, account, ty, member, value).await) };
    let found: Result<_, std::convert::Infallible> = s
        .authz
        .targets
        .get_or_load(s.store.generation(), &key, load)
        .await;
    match found {
        Ok(found) => found,
        Err(never) => match never {},
    }
}

async fn lookup(
    s: &AppState,
    account: &str,
    ty: &'static str,
    member: &'static str,
    value: &str,
) -> Option<Target> {
    if member.ends_with("Arn") {
        let entity_id = match ty {
            "policy" => s.store.policy(value).await.ok().map(|p| p.policy_id),
            "role" => match value.rsplit_once('/') {
                Some((_, name)) => s
                    .store
                    .role(account, name)
                    .await
                    .ok()
                    .filter(|r| r.arn == value)
                    .map(|r| r.role_id),
                None => None,
            },
            _ => None,
        };
        return Some(Target {
            arn: value.to_owned(),
            entity_id,
        });
    }
    let (arn, entity_id) = match (ty, member) {
        ("user", "UserName") => s
            .store
            .user(account, value)
            .await
            .ok()
            .map(|u| (u.arn, Some(u.user_id))),
        ("role", "RoleName") => s
            .store
            .role(account, value)
            .await
            .ok()
            .map(|r| (r.arn, Some(r.role_id))),
        ("group", "GroupName") => s
            .store
            .group(account, value)
            .await
            .ok()
            .map(|g| (g.arn, None)),
        ("instance-profile", "InstanceProfileName") => s
            .store
            .instance_profile(account, value)
            .await
            .ok()
            .map(|p| (p.arn, Some(p.instance_profile_id))),
        ("oidc-provider", "Url") => {
            let host = value.strip_prefix("https://").unwrap_or(value);
            Some((
                Arn::iam(
                    account,
                    format!("oidc-provider/{}", host.trim_end_matches('/')),
                )
                .to_string(),
                None,
            ))
        }
        ("mfa", "SerialNumber") if value.starts_with("arn:") => Some((value.to_owned(), None)),
        _ => None,
    }?;
    Some(Target { arn, entity_id })
}

/// Operations whose `Path` member places the entity they create.
fn is_create(op: Operation) -> bool {
    matches!(
        op,
        Operation::CreateUser
            | Operation::CreateRole
            | Operation::CreateGroup
            | Operation::CreatePolicy
            | Operation::CreateInstanceProfile
            | Operation::CreateVirtualMFADevice
            | Operation::UploadServerCertificate
    )
}

/// The resource AWS names in a denial of an action without resource types: the listed type
/// under the requested path (`arn:aws:iam::123456789012:user/` for ListUsers), else `*`.
pub fn listed_resource(ctx: &RequestContext, action: &str) -> String {
    let ty = match action {
        "iam:ListUsers" => "user",
        "iam:ListRoles" => "role",
        "iam:ListGroups" => "group",
        "iam:ListPolicies" => "policy",
        "iam:ListInstanceProfiles" => "instance-profile",
        _ => return "*".to_owned(),
    };
    crate::protocol::partition::view(
        &Arn::iam(&ctx.account_id, format!("{ty}/")).to_string(),
        ctx.partition(),
    )
}

/// A condition key's value as a request supplies it.
pub type ContextValue = (String, crate::policy::ContextKeyType, Vec<String>);

/// Condition keys an operation's input supplies (IAM User Guide, "IAM condition context
/// keys"): the policy ARN being attached, the boundary being set, the tags being applied
/// (`aws:RequestTag/KEY`, `aws:TagKeys`) or removed (`aws:TagKeys`).
pub fn condition_values(op: Operation, query: &Query) -> Vec<ContextValue> {
    use crate::policy::ContextKeyType;
    let mut out: Vec<ContextValue> = Vec::new();
    let spec_keys = op.spec().map(|s| s.condition_keys).unwrap_or_default();
    for (key, member) in [
        ("iam:PolicyARN", "PolicyArn"),
        ("iam:PermissionsBoundary", "PermissionsBoundary"),
    ] {
        if spec_keys.contains(&key) {
            if let Some(arn) = query.get(member) {
                out.push((key.to_owned(), ContextKeyType::String, vec![arn.to_owned()]));
            }
        }
    }
    if spec_keys.contains(&"aws:TagKeys") {
        let tags = request_tags(query);
        let removed = list_members(query, "TagKeys.member.");
        if !tags.is_empty() {
            super::context::add_request_tags(&mut out, &tags);
        } else if !removed.is_empty() {
            out.push((
                "aws:TagKeys".to_owned(),
                ContextKeyType::StringList,
                removed,
            ));
        }
    }
    out
}

/// The `Tags.member.N.Key`/`.Value` pairs of a request, in order.
fn request_tags(query: &Query) -> Vec<(String, String)> {
    (1..)
        .map_while(|n| {
            let key = query.get(&format!("Tags.member.{n}.Key"))?;
            let value = query
                .get(&format!("Tags.member.{n}.Value"))
                .unwrap_or_default();
            Some((key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The values of a list member `PREFIX1`, `PREFIX2`, ... in order.
fn list_members(query: &Query, prefix: &str) -> Vec<String> {
    (1..)
        .map_while(|n| query.get(&format!("{prefix}{n}")).map(str::to_owned))
        .collect()
}
