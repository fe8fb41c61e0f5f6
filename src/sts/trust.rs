//! Whether a caller may assume a role: the role's trust policy (a resource-based policy) and the
//! caller's own identity policies and permissions boundary, evaluated together by the policy
//! engine as AWS evaluates a same-account `sts:AssumeRole` request.

use crate::authz::context::{add_principal_tags, identity_arn, request_context};
use crate::authz::policies::SourcePolicy;
use crate::authz::{identity_policies, session_policies};
use crate::policy::{
    self, Decision, InputPolicy, Layer, Policy, PolicyKind, PolicySet, PolicySourceType,
};
use crate::protocol::partition::view;
use crate::protocol::{ApiError, RequestContext};
use crate::server::AppState;
use crate::store::RoleRec;

/// What an AssumeRole request sets on the session, as its trust check sees it.
pub struct TrustRequest<'a> {
    pub session_name: &'a str,
    pub external_id: Option<&'a str>,
    pub source_identity: Option<&'a str>,
    /// Session tags (`aws:RequestTag/*`, `aws:TagKeys`).
    pub tags: &'a [(String, String)],
    /// The keys of `tags` set as transitive (`sts:TransitiveTagKeys`).
    pub transitive: &'a [String],
}

/// Decides each of `actions` (`sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`)
/// on `role` by the caller of `ctx`, in order, with one load of the caller's policies.
/// Returns the first action refused, or `None` when all are allowed.
pub async fn first_refused<'x>(
    s: &AppState,
    ctx: &RequestContext,
    role: &RoleRec,
    actions: &[&'x str],
    req: &TrustRequest<'_>,
) -> Result<Option<&'x str>, ApiError> {
    let Ok(trust) = Policy::parse(&role.assume_role_policy, PolicyKind::Trust) else {
        // Trust policies are validated on write; an unreadable one never grants.
        return Ok(actions.first().copied());
    };
    let caller_policies = match identity_arn(&ctx.principal) {
        Some(arn) => identity_policies(s, &ctx.account_id, &arn).await?,
        None => Default::default(),
    };
    // A role session chaining into another role is limited by its own session policies too.
    let session = session_policies(s, &ctx.principal).await?;
    let mut context = request_context(
        ctx,
        &[
            ("sts:RoleSessionName", Some(req.session_name)),
            ("sts:ExternalId", req.external_id),
            ("sts:SourceIdentity", req.source_identity),
        ],
    );
    add_principal_tags(s, ctx, &mut context).await?;
    let mut tag_keys = Vec::new();
    crate::authz::context::add_request_tags(&mut tag_keys, req.tags);
    if !req.transitive.is_empty() {
        tag_keys.push((
            "sts:TransitiveTagKeys".to_owned(),
            crate::policy::ContextKeyType::StringList,
            req.transitive.to_vec(),
        ));
    }
    for (k, ty, v) in tag_keys {
        context.insert(&k, ty, v);
    }
    let set = PolicySet {
        session: session.iter().map(SourcePolicy::input).collect(),
        identity: caller_policies
            .identity
            .iter()
            .map(SourcePolicy::input)
            .collect(),
        boundaries: caller_policies
            .boundary
            .iter()
            .map(SourcePolicy::input)
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
    for action in actions {
        let request = policy::Request {
            principal: &principal,
            action,
            resource: &resource,
            resource_account: Some(&role.account_id),
            context: &context,
        };
        let result = policy::decide(&set, &request);
        // Unlike other resource-based policies, a trust policy must itself allow the caller
        // even within the account: an identity policy alone never lets anyone assume a role.
        // When the trust policy names only the account, the caller's identity policies must
        // allow as well, which the overall decision already requires.
        let trusted = result
            .layers
            .iter()
            .any(|l| l.layer == Layer::Resource && l.decision == Decision::Allowed);
        if !(trusted && result.decision == Decision::Allowed) {
            return Ok(Some(action));
        }
    }
    Ok(None)
}
