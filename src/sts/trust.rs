//! Whether a caller may assume a role: the role's trust policy (a resource-based policy) and the
//! caller's own identity policies and permissions boundary, evaluated together by the policy
//! engine as AWS evaluates a same-account `sts:AssumeRole` request.

use crate::authz::context::{add_principal_tags, identity_arn, request_context};
use crate::iam::simulate::{principal_policies, PrincipalPolicies};
use crate::policy::{
    self, Decision, InputPolicy, Layer, Policy, PolicyKind, PolicySet, PolicySourceType,
};
use crate::protocol::partition::view;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;
use crate::store::RoleRec;

/// Decides `action` (`sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`) on `role` by
/// the caller of `ctx`, with the session tags the caller sets (`aws:RequestTag/*`,
/// `aws:TagKeys`).
#[expect(
    clippy::too_many_arguments,
    reason = "the request's trust-relevant fields"
)]
pub async fn allows(
    s: &AppState,
    ctx: &RequestContext,
    role: &RoleRec,
    action: &str,
    session_name: &str,
    external_id: Option<&str>,
    source_identity: Option<&str>,
    tags: &[(String, String)],
) -> Result<bool, ApiError> {
    let Ok(trust) = Policy::parse(&role.assume_role_policy, PolicyKind::Trust) else {
        // Trust policies are validated on write; an unreadable one never grants.
        return Ok(false);
    };
    let caller_policies = match identity_arn(&ctx.principal) {
        Some(arn) => principal_policies(s, &ctx.account_id, &arn).await?,
        None => PrincipalPolicies::default(),
    };
    let mut context = request_context(
        ctx,
        &[
            ("sts:RoleSessionName", Some(session_name)),
            ("sts:ExternalId", external_id),
            ("sts:SourceIdentity", source_identity),
        ],
    );
    add_principal_tags(s, ctx, &mut context).await?;
    for (k, v) in tags {
        context.insert(
            &format!("aws:RequestTag/{k}"),
            crate::policy::ContextKeyType::String,
            vec![v.clone()],
        );
    }
    if !tags.is_empty() {
        context.insert(
            "aws:TagKeys",
            crate::policy::ContextKeyType::StringList,
            tags.iter().map(|(k, _)| k.clone()).collect(),
        );
    }
    let set = PolicySet {
        identity: caller_policies
            .identity
            .iter()
            .map(|p| InputPolicy::new(&p.id, p.source_type, &p.policy))
            .collect(),
        boundaries: caller_policies
            .boundary
            .iter()
            .map(|p| InputPolicy::new(&p.id, p.source_type, &p.policy))
            .collect(),
        resource: Some(InputPolicy::new(
            "AssumeRolePolicyDocument",
            PolicySourceType::Resource,
            &trust,
        )),
        ..PolicySet::default()
    };
    // Compared with the policies in the caller's partition, as written there.
    let principal = view(&ctx.principal.arn(), ctx.partition());
    let resource = view(&role.arn, ctx.partition());
    let request = policy::Request {
        principal: &principal,
        action,
        resource: &resource,
        resource_account: Some(&role.account_id),
        context: &context,
    };
    let result = policy::evaluate(&set, &request);
    // Unlike other resource-based policies, a trust policy must itself allow the caller even
    // within the account: an identity policy alone never lets anyone assume a role. When the
    // trust policy names only the account, the caller's identity policies must allow as well,
    // which the overall decision already requires.
    let trusted = result
        .layers
        .iter()
        .any(|l| l.layer == Layer::Resource && l.decision == Decision::Allowed);
    Ok(trusted && result.decision == Decision::Allowed)
}
