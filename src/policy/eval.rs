//! Stage four: deciding a request against every policy that applies to it, following the
//! IAM User Guide's "Policy evaluation logic".
//!
//! Each input policy belongs to a layer (SCP, RCP, resource-based, identity-based, permissions
//! boundary, session). Every layer's statements are matched once; the decision is then taken
//! in [`decide`] from the per-layer outcomes.

use super::context::RequestContext;
use super::json::Position;
use super::model::{
    ActionMatcher, AwsPrincipal, Effect, Policy, PrincipalMatcher, Principals, ResourceMatcher,
    Statement,
};
use super::pattern::{ArnValue, Lowered};

/// The final answer, spelled as `EvalDecision` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allowed,
    ImplicitDeny,
    ExplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ImplicitDeny => "implicitDeny",
            Decision::ExplicitDeny => "explicitDeny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// IAM's `PolicySourceType` for `MatchedStatements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicySourceType {
    User,
    Group,
    Role,
    AwsManaged,
    UserManaged,
    Resource,
    None,
}

impl PolicySourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicySourceType::User => "user",
            PolicySourceType::Group => "group",
            PolicySourceType::Role => "role",
            PolicySourceType::AwsManaged => "aws-managed",
            PolicySourceType::UserManaged => "user-managed",
            PolicySourceType::Resource => "resource",
            PolicySourceType::None => "none",
        }
    }
}

/// Which part of the evaluation a policy takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    ServiceControl,
    ResourceControl,
    Resource,
    Identity,
    PermissionsBoundary,
    Session,
}

/// A policy handed to [`evaluate`], with the caller's name for it.
#[derive(Debug, Clone, Copy)]
pub struct InputPolicy<'a> {
    /// Echoed as `SourcePolicyId` (e.g. `PolicyInputList.1`, a policy name or ARN).
    pub id: &'a str,
    pub source_type: PolicySourceType,
    pub policy: &'a Policy,
}

impl<'a> InputPolicy<'a> {
    pub fn new(id: &'a str, source_type: PolicySourceType, policy: &'a Policy) -> Self {
        InputPolicy {
            id,
            source_type,
            policy,
        }
    }
}

/// Everything that governs one request. Empty lists mean "this layer does not apply"
/// except `identity`, which always applies (no identity policy: nothing is allowed).
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    pub identity: Vec<InputPolicy<'a>>,
    /// The principal's permissions boundary (IAM allows one; a list to mirror the API).
    pub boundaries: Vec<InputPolicy<'a>>,
    /// Session policies of a role or federated-user session.
    pub session: Vec<InputPolicy<'a>>,
    pub resource: Option<InputPolicy<'a>>,
    /// Organization SCPs; `None` when the account is not governed by any. When present, one
    /// of them must allow the action.
    pub service_control: Option<Vec<InputPolicy<'a>>>,
    /// Organization RCPs; same rule as SCPs.
    pub resource_control: Option<Vec<InputPolicy<'a>>>,
}

/// The request being decided.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The caller: an IAM user, role, assumed-role session or federated-user ARN, or a
    /// service principal name.
    pub principal: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    /// Account that owns the resource and its resource-based policy; `None` means the
    /// caller's own account (what `SimulateCustomPolicy` assumes without `ResourceOwner`).
    pub resource_account: Option<&'a str>,
    pub context: &'a RequestContext,
}

/// A statement that decided the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedStatement<'a> {
    pub source_policy_id: &'a str,
    pub source_policy_type: PolicySourceType,
    pub layer: Layer,
    pub statement_index: usize,
    pub sid: Option<&'a str>,
    pub effect: Effect,
    pub start: Position,
    pub end: Position,
}

/// One layer's own verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerDecision {
    pub layer: Layer,
    pub decision: Decision,
}

/// The answer and its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationResult<'a> {
    pub decision: Decision,
    /// Deny statements for an explicit deny, allow statements for an allow, none otherwise.
    pub matched_statements: Vec<MatchedStatement<'a>>,
    /// Condition keys of applicable statements that the request did not carry (as written in
    /// the policy, each once).
    pub missing_context_keys: Vec<String>,
    /// Verdict of each layer that took part, in evaluation order.
    pub layers: Vec<LayerDecision>,
}

/// How a resource-based policy names the caller; decides what else must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// Through the account (`"123456789012"`, `:root`): delegates to identity policies.
    Account,
    /// Through the role ARN, for a session of that role: boundary and session policies still
    /// limit it.
    RoleArn,
    /// The caller's own user or session ARN, or `*`: a grant on its own.
    Direct,
}

/// The caller's identity, parsed once per request.
struct Caller<'a> {
    arn: &'a str,
    account: Option<&'a str>,
    /// Role name for an `assumed-role` session.
    role_name: Option<&'a str>,
}

impl<'a> Caller<'a> {
    fn parse(arn: &'a str) -> Caller<'a> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(_), Some(service), Some(_), Some(account), Some(res)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Caller {
                arn,
                account: None,
                role_name: None,
            };
        };
        let role_name = match service {
            "sts" => res
                .strip_prefix("assumed-role/")
                .and_then(|r| r.split('/').next()),
            _ => None,
        };
        Caller {
            arn,
            account: Some(account),
            role_name,
        }
    }

    /// The role ARN `arn:...:iam::ACCT:role/[path/]NAME` names this session's role.
    fn is_session_of(&self, role_arn: &str) -> bool {
        let (Some(name), Some(account)) = (self.role_name, self.account) else {
            return false;
        };
        let mut parts = role_arn.splitn(6, ':');
        let (Some(_), Some(_), Some("iam"), Some(_), Some(acct), Some(res)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        acct == account && res.starts_with("role/") && res.rsplit('/').next() == Some(name)
    }

    /// How strongly `ps` names this caller, if at all.
    fn named_by(&self, ps: &Principals) -> Option<Grant> {
        if ps.wildcard {
            return Some(Grant::Direct);
        }
        let mut best: Option<Grant> = None;
        let mut offer = |g: Grant| best = best.max(Some(g));
        for p in &ps.aws {
            match p {
                AwsPrincipal::Any => offer(Grant::Direct),
                AwsPrincipal::Arn(a) if a == self.arn => offer(Grant::Direct),
                AwsPrincipal::Arn(a) if self.is_session_of(a) => offer(Grant::RoleArn),
                AwsPrincipal::Account(acct) if Some(acct.as_str()) == self.account => {
                    offer(Grant::Account)
                }
                _ => {}
            }
        }
        let others = ps
            .service
            .iter()
            .chain(&ps.federated)
            .chain(&ps.canonical_user);
        if others.into_iter().any(|s| s == self.arn) {
            offer(Grant::Direct);
        }
        best
    }

    /// `NotPrincipal` exempts a caller only when every identity the request carries is
    /// listed: the user or session (or its role) *and* its account. Listing only the user
    /// still denies the account, and with it the user (IAM User Guide, NotPrincipal).
    fn exempted_by(&self, ps: &Principals) -> bool {
        if ps.wildcard || ps.aws.contains(&AwsPrincipal::Any) {
            return true;
        }
        let Some(account) = self.account else {
            return self.named_by(ps).is_some();
        };
        let mut self_listed = false;
        let mut account_listed = false;
        for p in &ps.aws {
            match p {
                AwsPrincipal::Arn(a) if a == self.arn || self.is_session_of(a) => {
                    self_listed = true
                }
                AwsPrincipal::Account(a) if a == account => account_listed = true,
                _ => {}
            }
        }
        self_listed && account_listed
    }
}

/// Outcome of one layer's statements.
#[derive(Default)]
struct LayerOutcome<'a> {
    allows: Vec<MatchedStatement<'a>>,
    denies: Vec<MatchedStatement<'a>>,
    /// Strongest way an allow statement named the caller (resource-based layer only).
    grant: Option<Grant>,
}

/// Room reserved for a layer's matched statements when the first one is found.
const MATCHED_CAPACITY: usize = 16;

struct Evaluator<'r, 'a> {
    req: &'r Request<'r>,
    /// The action lowered once for the case-insensitive action patterns.
    action: Lowered<'r>,
    resource: ArnValue<'r>,
    caller: Caller<'r>,
    missing: Vec<String>,
    /// Decide only: once a layer has an allow that names the caller directly, its further
    /// allow statements cannot change the answer and are not evaluated (its deny statements
    /// still are). The reasons then list at most one allow statement per layer.
    decide_only: bool,
    _p: std::marker::PhantomData<&'a ()>,
}

impl<'r, 'a> Evaluator<'r, 'a> {
    fn layer(&mut self, layer: Layer, policies: &[InputPolicy<'a>]) -> LayerOutcome<'a> {
        let mut out = LayerOutcome::default();
        for input in policies {
            for st in &input.policy.statements {
                if self.decide_only
                    && st.effect == Effect::Allow
                    && out.grant == Some(Grant::Direct)
                {
                    continue;
                }
                let Some(grant) = self.applies(st) else {
                    continue;
                };
                let m = MatchedStatement {
                    source_policy_id: input.id,
                    source_policy_type: input.source_type,
                    layer,
                    statement_index: st.index,
                    sid: st.sid.as_deref(),
                    effect: st.effect,
                    start: st.start,
                    end: st.end,
                };
                let list = match st.effect {
                    Effect::Deny => &mut out.denies,
                    Effect::Allow => {
                        out.grant = out.grant.max(Some(grant));
                        &mut out.allows
                    }
                };
                if list.capacity() == 0 {
                    // One allocation for the usual handful of matches, not one per doubling.
                    list.reserve(MATCHED_CAPACITY);
                }
                list.push(m);
            }
        }
        out
    }

    /// Does the statement apply to the request? `Some(grant)` says how it names the caller
    /// (`Direct` for identity-style statements, which apply to their holder).
    fn applies(&mut self, st: &Statement) -> Option<Grant> {
        let ctx = self.req.context;
        let action = &self.action;
        let action_ok = match &st.actions {
            ActionMatcher::Action(ps) => ps.any_matches(action, ctx),
            ActionMatcher::NotAction(ps) => !ps.any_matches(action, ctx),
        };
        if !action_ok {
            return None;
        }
        let resource = &self.resource;
        let resource_ok = match &st.resources {
            ResourceMatcher::Any => true,
            ResourceMatcher::Resource(ps) => ps.iter().any(|p| p.matches_value(resource, ctx)),
            ResourceMatcher::NotResource(ps) => !ps.iter().any(|p| p.matches_value(resource, ctx)),
        };
        if !resource_ok {
            return None;
        }
        let grant = match &st.principals {
            PrincipalMatcher::Holder => Grant::Direct,
            PrincipalMatcher::Principal(ps) => self.caller.named_by(ps)?,
            // An Allow with NotPrincipal never grants more than the account would: it needs
            // the identity side too.
            PrincipalMatcher::NotPrincipal(ps) => {
                if self.caller.exempted_by(ps) {
                    return None;
                }
                Grant::Account
            }
        };
        let mut all = true;
        for c in &st.conditions {
            let entry = ctx.get_lc(c.key_lc());
            if entry.is_none() && !self.missing.iter().any(|m| m.eq_ignore_ascii_case(&c.key)) {
                self.missing.push(c.key.clone());
            }
            if all && !c.evaluate_entry(entry, ctx) {
                all = false;
            }
        }
        all.then_some(grant)
    }
}

/// Decide `request` against `policies`, with every statement that decided it.
pub fn evaluate<'a>(policies: &PolicySet<'a>, request: &Request<'_>) -> EvaluationResult<'a> {
    run(policies, request, false)
}

/// The decision and layer verdicts of [`evaluate`], for authorization, which needs no list of
/// reasons: allow statements after a layer's first direct allow are skipped, so
/// `matched_statements` holds at most one allow per layer (every deny that applies is still
/// found). Missing context keys are those of the statements evaluated.
pub fn decide<'a>(policies: &PolicySet<'a>, request: &Request<'_>) -> EvaluationResult<'a> {
    run(policies, request, true)
}

fn run<'a>(
    policies: &PolicySet<'a>,
    request: &Request<'_>,
    decide_only: bool,
) -> EvaluationResult<'a> {
    // The action lowered once per request, on the stack unless unusually long.
    let mut action_buf = [0u8; 128];
    let mut action_heap = Vec::new();
    let mut ev = Evaluator {
        req: request,
        action: Lowered::new(request.action, &mut action_buf, &mut action_heap),
        resource: ArnValue::new(request.resource),
        caller: Caller::parse(request.principal),
        missing: Vec::new(),
        decide_only,
        _p: std::marker::PhantomData,
    };
    let scp = policies
        .service_control
        .as_ref()
        .map(|p| ev.layer(Layer::ServiceControl, p));
    let rcp = policies
        .resource_control
        .as_ref()
        .map(|p| ev.layer(Layer::ResourceControl, p));
    let resource = policies
        .resource
        .as_ref()
        .map(|p| ev.layer(Layer::Resource, std::slice::from_ref(p)));
    let identity = ev.layer(Layer::Identity, &policies.identity);
    let boundary = (!policies.boundaries.is_empty())
        .then(|| ev.layer(Layer::PermissionsBoundary, &policies.boundaries));
    let session =
        (!policies.session.is_empty()).then(|| ev.layer(Layer::Session, &policies.session));
    let same_account = match (request.resource_account, ev.caller.account) {
        (None, _) => true,
        (Some(owner), Some(caller)) => owner == caller,
        (Some(_), None) => false,
    };
    let outcomes = Outcomes {
        scp,
        rcp,
        resource,
        identity,
        boundary,
        session,
    };
    let decision = decision_of(&outcomes, same_account);
    let layers = outcomes.layer_decisions();
    let matched_statements = match decision {
        Decision::ExplicitDeny => outcomes.into_matched(true),
        Decision::Allowed => outcomes.into_matched(false),
        Decision::ImplicitDeny => Vec::new(),
    };
    EvaluationResult {
        decision,
        matched_statements,
        missing_context_keys: ev.missing,
        layers,
    }
}

struct Outcomes<'a> {
    scp: Option<LayerOutcome<'a>>,
    rcp: Option<LayerOutcome<'a>>,
    resource: Option<LayerOutcome<'a>>,
    identity: LayerOutcome<'a>,
    boundary: Option<LayerOutcome<'a>>,
    session: Option<LayerOutcome<'a>>,
}

impl<'a> Outcomes<'a> {
    fn each(&self) -> [(Layer, Option<&LayerOutcome<'a>>); 6] {
        [
            (Layer::ServiceControl, self.scp.as_ref()),
            (Layer::ResourceControl, self.rcp.as_ref()),
            (Layer::Resource, self.resource.as_ref()),
            (Layer::Identity, Some(&self.identity)),
            (Layer::PermissionsBoundary, self.boundary.as_ref()),
            (Layer::Session, self.session.as_ref()),
        ]
    }

    /// Deny statements of every layer (`denies`), or allow statements, in layer order;
    /// moved, not copied.
    fn into_matched(self, denies: bool) -> Vec<MatchedStatement<'a>> {
        let mut out: Vec<MatchedStatement<'a>> = Vec::new();
        let layers = [
            self.scp,
            self.rcp,
            self.resource,
            Some(self.identity),
            self.boundary,
            self.session,
        ];
        for o in layers.into_iter().flatten() {
            let list = if denies { o.denies } else { o.allows };
            if out.is_empty() {
                out = list;
            } else {
                out.extend(list);
            }
        }
        out
    }

    fn layer_decisions(&self) -> Vec<LayerDecision> {
        let mut out = Vec::with_capacity(6);
        for (layer, o) in self.each() {
            if let Some(o) = o {
                out.push(LayerDecision {
                    layer,
                    decision: if !o.denies.is_empty() {
                        Decision::ExplicitDeny
                    } else if !o.allows.is_empty() {
                        Decision::Allowed
                    } else {
                        Decision::ImplicitDeny
                    },
                });
            }
        }
        out
    }
}

/// The decision rules of the IAM User Guide, in order.
fn decision_of(o: &Outcomes<'_>, same_account: bool) -> Decision {
    let allows = |l: &Option<LayerOutcome<'_>>| l.as_ref().is_none_or(|o| !o.allows.is_empty());
    // 1. An explicit deny in any policy wins.
    if o.each()
        .iter()
        .any(|(_, l)| l.is_some_and(|l| !l.denies.is_empty()))
    {
        return Decision::ExplicitDeny;
    }
    // 2. Organization controls, where present, must allow.
    if !allows(&o.scp) || !allows(&o.rcp) {
        return Decision::ImplicitDeny;
    }
    let identity = !o.identity.allows.is_empty();
    let boundary = allows(&o.boundary);
    let session = allows(&o.session);
    let grant = o.resource.as_ref().and_then(|r| r.grant);
    let allowed = if same_account {
        match grant {
            // 3a. Same account, the resource policy names the caller's user or session ARN
            //     (or everyone): allowed even where the identity policies, boundary or
            //     session policy say nothing ("implicit deny does not limit it").
            Some(Grant::Direct) => true,
            // 3b. It names the role of a role session: the boundary and session policy
            //     still limit it, identity policies need not allow.
            Some(Grant::RoleArn) => boundary && session,
            // 3c. It names the account, or nothing: the identity side decides alone.
            Some(Grant::Account) | None => identity && boundary && session,
        }
    } else {
        // 4. Cross-account: both the resource policy and the caller's own side must allow.
        grant.is_some() && identity && boundary && session
    };
    if allowed {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}
