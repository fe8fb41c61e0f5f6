//! The resources a request acts on, as ARNs, from the authorization table and the request's
//! input. IAM ARNs carry paths that requests do not, so names are resolved through the store;
//! a name that does not exist (yet) is authorized as `TYPE/PATH/NAME` with the path the request
//! gives (`/` by default), as AWS does.

use crate::auth::Principal;
use crate::protocol::generated::authz::{OpSpec, ResourceSpec};
use crate::protocol::query::Query;
use crate::protocol::{ApiError, Operation, RequestContext};
use crate::server::AppState;

/// The ARNs the request acts on; `["*"]` for actions without resource types.
pub async fn resolve(
    s: &AppState,
    ctx: &RequestContext,
    op: Operation,
    spec: &OpSpec,
    query: &Query,
) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for r in spec.resources {
        if let Some(arn) = one(s, ctx, op, r, query).await? {
            if !out.contains(&arn) {
                out.push(arn);
            }
        }
    }
    if out.is_empty() {
        out.push("*".to_owned());
    }
    Ok(out)
}

async fn one(
    s: &AppState,
    ctx: &RequestContext,
    op: Operation,
    r: &ResourceSpec,
    query: &Query,
) -> Result<Option<String>, ApiError> {
    let account = &ctx.account_id;
    let ty = r.resource_type;
    let Some(member) = r.member else {
        // Implied resources: the caller's own user (ChangePassword, GetAccessKeyLastUsed).
        return Ok((ty == "user" && r.required)
            .then(|| caller_user(ctx))
            .flatten());
    };
    let Some(value) = query.get(member) else {
        // Operations on "the user" default to the caller when no user is named.
        return Ok((ty == "user" && member == "UserName")
            .then(|| caller_user(ctx))
            .flatten());
    };
    if member.ends_with("Arn") {
        // A whole ARN; `PolicySourceArn` and `Arn` may name any of several types.
        let of_type = value
            .split_once(':')
            .is_some_and(|_| value.contains(&format!(":{ty}/")));
        return Ok(of_type.then(|| value.to_owned()));
    }
    let path = query.get("Path").unwrap_or("/");
    let stored = match (ty, member) {
        ("user", "UserName") => s.store.user(account, value).await.ok().map(|u| u.arn),
        ("role", "RoleName") => s.store.role(account, value).await.ok().map(|r| r.arn),
        ("group", "GroupName") => s.store.group(account, value).await.ok().map(|g| g.arn),
        ("instance-profile", "InstanceProfileName") => s
            .store
            .instance_profile(account, value)
            .await
            .ok()
            .map(|p| p.arn),
        ("oidc-provider", "Url") => {
            let host = value.strip_prefix("https://").unwrap_or(value);
            return Ok(Some(format!(
                "arn:aws:iam::{account}:oidc-provider/{}",
                host.trim_end_matches('/')
            )));
        }
        ("mfa", "SerialNumber") if value.starts_with("arn:") => return Ok(Some(value.to_owned())),
        _ => None,
    };
    let created_path = if is_create(op) { path } else { "/" };
    Ok(Some(stored.unwrap_or_else(|| {
        format!("arn:aws:iam::{account}:{ty}{created_path}{value}")
    })))
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

fn caller_user(ctx: &RequestContext) -> Option<String> {
    match &ctx.principal {
        Principal::User { arn, .. } => Some(arn.clone()),
        _ => None,
    }
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
        &format!("arn:aws:iam::{}:{ty}/", ctx.account_id),
        ctx.partition(),
    )
}

/// Condition keys an operation's input supplies (IAM User Guide, "IAM condition context
/// keys"): the policy ARN being attached, the boundary being set, the tags being applied.
pub fn condition_values(op: Operation, query: &Query) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let spec_keys = op.spec().map(|s| s.condition_keys).unwrap_or_default();
    if spec_keys.contains(&"iam:PolicyARN") {
        if let Some(arn) = query.get("PolicyArn") {
            out.push(("iam:PolicyARN", arn.to_owned()));
        }
    }
    if spec_keys.contains(&"iam:PermissionsBoundary") {
        if let Some(arn) = query.get("PermissionsBoundary") {
            out.push(("iam:PermissionsBoundary", arn.to_owned()));
        }
    }
    out
}
