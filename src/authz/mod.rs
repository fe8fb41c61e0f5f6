//! Authorization of every IAM and STS request: the caller's effective policies evaluated by the
//! policy engine against the action, resource and context of the request, as AWS evaluates a
//! same-account request.
//!
//! The action and resource types come from the generated authorization table
//! ([`crate::protocol::generated::authz`]); [`resource`] turns a request into the ARNs it acts
//! on; [`context`] builds the request context shared with the trust check and the simulator.

mod cache;
pub mod context;
pub mod policies;
mod resource;

use crate::policy::{self, Decision, Layer, PolicySet};
use crate::protocol::query::Query;
use crate::protocol::{ApiError, ErrorCode, Operation, RequestContext};
use crate::server::AppState;
use cache::Memo;
use policies::{principal_policies, PrincipalPolicies, SourcePolicy};
use std::sync::Arc;

/// A session's inline policy and managed policy ARNs, the key of its compiled policies.
type SessionKey = (Option<String>, Vec<String>);

/// What authorization derives from the store, valid until the next committed write: a
/// principal whose policies did not change is authorized without touching the disk.
#[derive(Default)]
pub struct Caches {
    /// A user's or role's identity policies and boundary, compiled, by its ARN.
    principals: Memo<String, Arc<PrincipalPolicies>>,
    /// A role session's session policies, compiled, by the inline text and managed ARNs.
    sessions: Memo<SessionKey, Arc<Vec<SourcePolicy>>>,
    /// An entity's tags, by its unique id.
    tags: Memo<String, Arc<Vec<(String, String)>>>,
    /// The context keys of a caller (principal keys and tags), by [`caller_key`]. The value
    /// holds the session's attributes, so the address in its key is not reused while it lives.
    callers: Memo<String, CallerContext>,
    /// What a resource named in a request resolves to: its ARN and unique id.
    pub(crate) targets: Memo<resource::TargetKey, Option<resource::Target>>,
}

/// Whether requests are authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Requests AWS would deny are denied.
    On,
    /// Requests are authenticated only.
    Off,
    /// Requests AWS would deny are allowed, and logged with the reason.
    Audit,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::On => "on",
            Mode::Off => "off",
            Mode::Audit => "audit",
        }
    }
}

/// Operations AWS answers without asking any policy: GetCallerIdentity and GetSessionToken need
/// no permission, AssumeRole decides by the role's trust policy together with the caller's
/// policies itself, and the unsigned federation calls have no caller.
fn needs_no_permission(op: Operation) -> bool {
    matches!(
        op,
        Operation::GetCallerIdentity
            | Operation::GetSessionToken
            | Operation::AssumeRole
            | Operation::AssumeRoleWithSAML
            | Operation::AssumeRoleWithWebIdentity
    )
}

/// Decides whether the caller of `ctx` may make the request `op` with input `query`.
/// The root user and unsigned callers are not evaluated (root is allowed everything in its
/// own account; unsigned calls carry their own proof).
pub async fn authorize(
    s: &AppState,
    ctx: &RequestContext,
    op: Operation,
    query: &Query,
) -> Result<(), ApiError> {
    // Credentials from GetSessionToken without MFA cannot call IAM at all (AWS).
    if op.service() == crate::protocol::Service::Iam
        && ctx.temporary_credentials
        && ctx.mfa_time.is_none()
        && matches!(ctx.principal, crate::identity::Principal::User { .. })
    {
        return Err(ApiError::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid",
        ));
    }
    if op.service() == crate::protocol::Service::Iam {
        if let Some(arn) = foreign_arn(ctx, query) {
            let action = match op.spec() {
                Some(spec) => spec.action.to_owned(),
                None => format!("iam:{}", op.name()),
            };
            let principal = crate::protocol::partition::view(&ctx.principal.arn(), ctx.partition());
            return Err(ApiError::new(
                ErrorCode::AccessDenied,
                format!(
                    "User: {principal} is not authorized to perform: {action} on resource: {arn} because no resource-based policy allows the {action} action"
                ),
            ));
        }
    }
    if s.enforce == Mode::Off || needs_no_permission(op) {
        return Ok(());
    }
    let Some(identity) = context::identity_arn(&ctx.principal) else {
        return Ok(());
    };
    let caller = Caller::load(s, ctx, &identity).await?;
    let Some(spec) = op.spec() else {
        // The reference does not list the operation yet: only an administrator may call it.
        let action = format!("{}:{}", op.service().signing_name(), op.name());
        let everything = [resource::Target {
            arn: "*".to_owned(),
            entity_id: None,
        }];
        return caller.check(s, ctx, &action, &everything, &[]).await;
    };
    let resources = resource::resolve(s, ctx, op, spec, query).await?;
    let extra = resource::condition_values(op, query);
    caller
        .check(s, ctx, spec.action, &resources, &extra)
        .await?;
    // Handing a role to a service needs iam:PassRole on that role too (IAM User Guide,
    // "Granting a user permissions to pass a role to an AWS service").
    if op == Operation::AddRoleToInstanceProfile {
        if let Some(role) = query.get("RoleName") {
            // A missing role is the operation's own NoSuchEntity.
            let Some(role) = resource::stored(s, &ctx.account_id, "role", "RoleName", role).await
            else {
                return Ok(());
            };
            let passed = [(
                "iam:PassedToService".to_owned(),
                policy::ContextKeyType::String,
                vec!["ec2.amazonaws.com".to_owned()],
            )];
            caller
                .check(s, ctx, "iam:PassRole", &[role], &passed)
                .await?;
        }
    }
    Ok(())
}

/// An IAM entity of another account named in an IAM request. IAM has no resource-based
/// policies besides role trust policies (which govern only `sts:AssumeRole`), so no IAM call
/// reaches into another account, whoever makes it and whatever the enforcement mode: the
/// accounts a server holds are as separate as AWS's.
fn foreign_arn<'q>(ctx: &RequestContext, query: &'q Query) -> Option<&'q str> {
    query.iter().find_map(|(key, value)| {
        let names_entity = (key.ends_with("Arn") && key != "CallerArn")
            || key == "PermissionsBoundary"
            || key == "SerialNumber";
        let arn = crate::identity::Arn::parse(value)?;
        let account = arn.account();
        (names_entity && !account.is_empty() && account != "aws" && account != ctx.account_id)
            .then_some(value)
    })
}

/// A caller's own context keys, and the session attributes they were built from.
type CallerContext = (
    Option<Arc<crate::identity::SessionAttributes>>,
    Arc<policy::RequestContext>,
);

/// What a caller's context keys depend on: its unique id, the partition it signs for, and its
/// session's attributes (one `Arc` per issued session).
fn caller_key(ctx: &RequestContext) -> String {
    let session = match &ctx.principal {
        crate::identity::Principal::AssumedRole {
            session: Some(a), ..
        } => Arc::as_ptr(a) as usize,
        _ => 0,
    };
    format!(
        "{}\u{0}{}\u{0}{session:x}",
        ctx.partition(),
        ctx.principal.user_id()
    )
}

/// The caller's principal keys and `aws:PrincipalTag/*`, built once per write generation.
async fn caller_context(
    s: &AppState,
    ctx: &RequestContext,
) -> Result<Arc<policy::RequestContext>, ApiError> {
    let load = || async {
        let mut context = context::principal_keys(ctx);
        context::add_principal_tags(s, ctx, &mut context).await?;
        let session = match &ctx.principal {
            crate::identity::Principal::AssumedRole { session, .. } => session.clone(),
            _ => None,
        };
        Ok::<_, ApiError>((session, Arc::new(context)))
    };
    let (_, context) = s
        .authz
        .callers
        .get_or_load(s.store.generation(), &caller_key(ctx), load)
        .await?;
    Ok(context)
}

/// The caller's policies and request context, loaded once per request for every check it
/// needs.
struct Caller {
    policies: Arc<PrincipalPolicies>,
    session: Arc<Vec<SourcePolicy>>,
    /// The request context without the per-check keys (resource tags, the operation's keys):
    /// this request's keys over the caller's own.
    context: Arc<policy::RequestContext>,
    /// The caller's ARN in the request's partition.
    principal: String,
}

impl Caller {
    async fn load(s: &AppState, ctx: &RequestContext, identity: &str) -> Result<Caller, ApiError> {
        let policies = identity_policies(s, &ctx.account_id, identity).await?;
        let mut context = policy::RequestContext::over(caller_context(s, ctx).await?);
        context::add_request_keys(ctx, &mut context);
        Ok(Caller {
            policies,
            session: session_policies(s, &ctx.principal).await?,
            context: Arc::new(context),
            principal: crate::protocol::partition::view(&ctx.principal.arn(), ctx.partition()),
        })
    }

    /// Evaluates `action` on each of `resources`, with the operation's condition keys
    /// `extra`; the first denial is the answer (or, in audit mode, a log line).
    async fn check(
        &self,
        s: &AppState,
        ctx: &RequestContext,
        action: &str,
        resources: &[resource::Target],
        extra: &[resource::ContextValue],
    ) -> Result<(), ApiError> {
        let set = PolicySet {
            session: self.session.iter().map(SourcePolicy::input).collect(),
            identity: self
                .policies
                .identity
                .iter()
                .map(SourcePolicy::input)
                .collect(),
            boundaries: self
                .policies
                .boundary
                .iter()
                .map(SourcePolicy::input)
                .collect(),
            ..PolicySet::default()
        };
        let principal = &self.principal;
        for target in resources {
            let resource = crate::protocol::partition::view(&target.arn, ctx.partition());
            let resource_tags = match &target.entity_id {
                Some(id) => tags(s, id).await?,
                None => Arc::default(),
            };
            // The caller's context as loaded, under this check's own keys if it has any.
            let own;
            let context: &policy::RequestContext = if extra.is_empty() && resource_tags.is_empty() {
                &self.context
            } else {
                let mut c = policy::RequestContext::over(self.context.clone());
                for (k, ty, v) in extra {
                    c.insert(k, *ty, v.clone());
                }
                // The resource's tags, as `aws:ResourceTag/KEY` and IAM's own
                // `iam:ResourceTag/KEY`.
                for (key, value) in resource_tags.iter() {
                    for prefix in ["aws:ResourceTag/", "iam:ResourceTag/"] {
                        c.insert(
                            &format!("{prefix}{key}"),
                            policy::ContextKeyType::String,
                            vec![value.clone()],
                        );
                    }
                }
                own = c;
                &own
            };
            let request = policy::Request {
                principal,
                action,
                resource: &resource,
                resource_account: Some(&ctx.account_id),
                context,
            };
            let result = policy::decide(&set, &request);
            if result.decision == Decision::Allowed {
                continue;
            }
            let shown = if resource == "*" {
                resource::listed_resource(ctx, action)
            } else {
                resource.clone()
            };
            let denial = denial(principal, action, &shown, &result);
            if s.enforce == Mode::Audit {
                tracing::warn!(
                    principal = %principal,
                    action,
                    resource = %shown,
                    reason = %denial.message,
                    "audit: AWS would deny this request"
                );
                return Ok(());
            }
            return Err(denial);
        }
        Ok(())
    }
}

/// The identity policies and boundary of the user or role `arn`, compiled once per generation.
pub async fn identity_policies(
    s: &AppState,
    account: &str,
    arn: &str,
) -> Result<Arc<PrincipalPolicies>, ApiError> {
    let load = || async { Ok(Arc::new(principal_policies(s, account, arn).await?)) };
    s.authz
        .principals
        .get_or_load(s.store.generation(), arn, load)
        .await
}

/// An entity's tags, as key and value.
pub async fn tags(s: &AppState, entity_id: &str) -> Result<Arc<Vec<(String, String)>>, ApiError> {
    let load = || async {
        let tags = s.store.tags(entity_id).await?;
        Ok(Arc::new(
            tags.into_iter().map(|t| (t.key, t.value)).collect(),
        ))
    };
    s.authz
        .tags
        .get_or_load(s.store.generation(), entity_id, load)
        .await
}

/// The session policies of a role session, compiled once per generation.
pub(crate) async fn session_policies(
    s: &AppState,
    principal: &crate::identity::Principal,
) -> Result<Arc<Vec<SourcePolicy>>, ApiError> {
    let crate::identity::Principal::AssumedRole {
        session: Some(p), ..
    } = principal
    else {
        return Ok(Arc::default());
    };
    if !p.has_policies() {
        return Ok(Arc::default());
    }
    let key = (p.inline.clone(), p.arns.clone());
    let load = || async { Ok(Arc::new(compile_session_policies(s, p).await?)) };
    s.authz
        .sessions
        .get_or_load(s.store.generation(), &key, load)
        .await
}

/// A role session's inline policy and managed policies, parsed (a managed policy that no
/// longer exists contributes nothing).
async fn compile_session_policies(
    s: &AppState,
    p: &crate::identity::SessionAttributes,
) -> Result<Vec<SourcePolicy>, ApiError> {
    let mut out = Vec::new();
    if let Some(inline) = &p.inline {
        // Validated by AssumeRole; a document that no longer parses grants nothing.
        if let Ok(policy) = policy::Policy::parse(inline, policy::PolicyKind::Session) {
            out.push(SourcePolicy {
                id: "SessionPolicy".to_owned(),
                source_type: policy::PolicySourceType::None,
                policy,
            });
        }
    }
    for arn in &p.arns {
        if let Ok(managed) = policies::managed_policy(s, arn, policy::PolicyKind::Session).await {
            out.push(managed);
        }
    }
    if out.is_empty() {
        // Session policies were given but none applies: the session may do nothing (a policy
        // that allows no real action, so denials read "no session policy allows").
        out.push(SourcePolicy {
            id: "SessionPolicy".to_owned(),
            source_type: policy::PolicySourceType::None,
            policy: policy::Policy::parse(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"none:None","Resource":"*"}]}"#,
                policy::PolicyKind::Session,
            )
            .map_err(ApiError::internal)?,
        });
    }
    Ok(out)
}

/// AWS's AccessDenied message for a denied evaluation, naming the policy type that decided.
fn denial(
    principal: &str,
    action: &str,
    resource: &str,
    result: &policy::EvaluationResult<'_>,
) -> ApiError {
    let layer = |l: Layer| {
        result
            .layers
            .iter()
            .find(|d| d.layer == l)
            .map(|d| d.decision)
    };
    let reason = match (
        result.decision,
        layer(Layer::Identity),
        layer(Layer::PermissionsBoundary),
        layer(Layer::Session),
    ) {
        (Decision::ExplicitDeny, Some(Decision::ExplicitDeny), _, _) => {
            "with an explicit deny in an identity-based policy".to_owned()
        }
        (Decision::ExplicitDeny, _, Some(Decision::ExplicitDeny), _) => {
            "with an explicit deny in a permissions boundary".to_owned()
        }
        (Decision::ExplicitDeny, _, _, Some(Decision::ExplicitDeny)) => {
            "with an explicit deny in a session policy".to_owned()
        }
        (_, Some(Decision::Allowed), Some(d), _) if d != Decision::Allowed => {
            format!("because no permissions boundary allows the {action} action")
        }
        (_, Some(Decision::Allowed), _, Some(d)) if d != Decision::Allowed => {
            format!("because no session policy allows the {action} action")
        }
        _ => format!("because no identity-based policy allows the {action} action"),
    };
    ApiError::new(
        ErrorCode::AccessDenied,
        format!(
            "User: {principal} is not authorized to perform: {action} on resource: {resource} {reason}"
        ),
    )
}
