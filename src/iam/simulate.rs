//! The policy simulator (SimulateCustomPolicy, SimulatePrincipalPolicy) and context-key listing,
//! plus the effective policies of a principal, which authorization and trust checks share.

use super::common::paginate_in_order;
use crate::authz::policies::{principal_policies, SourcePolicy};
use crate::policy::{
    self, ContextKeyType, Decision, Layer, Policy, PolicyKind, PolicySet, PolicySourceType,
};
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;

fn invalid_input(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}

/// Parses request-supplied documents (`PolicyInputList.N`, ...).
fn parse_inputs(
    list: &[String],
    prefix: &str,
    kind: PolicyKind,
) -> Result<Vec<SourcePolicy>, ApiError> {
    list.iter()
        .enumerate()
        .map(|(n, text)| {
            let policy = Policy::parse(text, kind)
                .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.to_string()))?;
            Ok(SourcePolicy {
                id: format!("{prefix}.{}", n + 1),
                source_type: PolicySourceType::None,
                policy,
            })
        })
        .collect()
}

fn context(entries: Option<Vec<m::ContextEntry>>) -> Result<policy::RequestContext, ApiError> {
    let mut ctx = policy::RequestContext::new();
    for e in entries.unwrap_or_default() {
        let (Some(name), Some(ty)) = (e.context_key_name, e.context_key_type) else {
            return Err(invalid_input(
                "Context entries require ContextKeyName and ContextKeyType.",
            ));
        };
        let key_type = ContextKeyType::parse(&ty)
            .ok_or_else(|| invalid_input(format!("Invalid ContextKeyType: {ty}")))?;
        ctx.insert(&name, key_type, e.context_key_values.unwrap_or_default());
    }
    Ok(ctx)
}

fn position(p: policy::Position) -> m::Position {
    m::Position {
        line: Some(p.line as i32),
        column: Some(p.column as i32),
    }
}

/// Everything one simulation needs besides the actions and resources.
struct Simulation {
    identity: Vec<SourcePolicy>,
    boundaries: Vec<SourcePolicy>,
    resource_policy: Option<SourcePolicy>,
    caller: String,
    resource_owner: Option<String>,
    caller_account: String,
    context: policy::RequestContext,
}

impl Simulation {
    /// [`run`](Self::run) on a blocking thread: a simulation may evaluate many thousands of
    /// requests, and must not hold up the async workers that answer everything else.
    async fn run_blocking(
        self,
        actions: Vec<String>,
        resources: Vec<String>,
    ) -> Result<Vec<m::EvaluationResult>, ApiError> {
        tokio::task::spawn_blocking(move || self.run(&actions, &resources))
            .await
            .map_err(ApiError::internal)
    }

    fn run(&self, actions: &[String], resources: &[String]) -> Vec<m::EvaluationResult> {
        let set = PolicySet {
            identity: self.identity.iter().map(SourcePolicy::input).collect(),
            boundaries: self.boundaries.iter().map(SourcePolicy::input).collect(),
            resource: self.resource_policy.as_ref().map(SourcePolicy::input),
            ..PolicySet::default()
        };
        let mut results = Vec::new();
        for action in actions {
            for resource in resources {
                let request = policy::Request {
                    principal: &self.caller,
                    action,
                    resource,
                    resource_account: self.resource_owner.as_deref(),
                    context: &self.context,
                };
                let r = policy::evaluate(&set, &request);
                let statements: Vec<m::Statement> = r
                    .matched_statements
                    .iter()
                    .map(|s| m::Statement {
                        source_policy_id: Some(s.source_policy_id.to_owned()),
                        source_policy_type: Some(s.source_policy_type.as_str().to_owned()),
                        start_position: Some(position(s.start)),
                        end_position: Some(position(s.end)),
                    })
                    .collect();
                let boundary_detail =
                    (!self.boundaries.is_empty()).then(|| m::PermissionsBoundaryDecisionDetail {
                        allowed_by_permissions_boundary: Some(r.layers.iter().any(|l| {
                            l.layer == Layer::PermissionsBoundary && l.decision == Decision::Allowed
                        })),
                    });
                let cross_account = self
                    .resource_owner
                    .as_deref()
                    .is_some_and(|owner| owner != self.caller_account);
                // AWS fills EvalDecisionDetails for cross-account simulations only; same-account
                // simulations of a specific resource carry an empty map, of "*" none at all.
                let details = if cross_account {
                    Some(
                        r.layers
                            .iter()
                            .filter_map(|l| match l.layer {
                                Layer::Identity => {
                                    Some(("IAM Policy".to_owned(), l.decision.as_str().to_owned()))
                                }
                                Layer::Resource => Some((
                                    "Resource Policy".to_owned(),
                                    l.decision.as_str().to_owned(),
                                )),
                                _ => None,
                            })
                            .collect(),
                    )
                } else if resource != "*" {
                    Some(Vec::new())
                } else {
                    None
                };
                let missing = r.missing_context_keys.clone();
                results.push(m::EvaluationResult {
                    eval_action_name: action.clone(),
                    eval_resource_name: Some(resource.clone()),
                    eval_decision: r.decision.as_str().to_owned(),
                    matched_statements: Some(statements.clone()),
                    missing_context_values: Some(missing.clone()),
                    organizations_decision_detail: None,
                    permissions_boundary_decision_detail: boundary_detail.clone(),
                    eval_decision_details: details.clone(),
                    resource_specific_results: (resource != "*").then(|| {
                        vec![m::ResourceSpecificResult {
                            eval_resource_name: resource.clone(),
                            eval_resource_decision: r.decision.as_str().to_owned(),
                            matched_statements: Some(statements),
                            missing_context_values: Some(missing),
                            eval_decision_details: details,
                            permissions_boundary_decision_detail: boundary_detail,
                        }]
                    }),
                });
            }
        }
        results
    }
}

/// The account of an ARN (`arn:aws:iam::123456789012:root` → `123456789012`).
fn arn_account(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] if !account.is_empty() => Some((*account).to_owned()),
        _ if arn.len() == 12 && arn.bytes().all(|b| b.is_ascii_digit()) => Some(arn.to_owned()),
        _ => None,
    }
}

fn page(
    results: Vec<m::EvaluationResult>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<m::SimulatePolicyResponse, ApiError> {
    let page = paginate_in_order(results, marker, max_items)?;
    Ok(m::SimulatePolicyResponse {
        evaluation_results: Some(page.items),
        is_truncated: Some(page.is_truncated),
        marker: page.marker,
    })
}

fn resource_policy(text: Option<&str>) -> Result<Option<SourcePolicy>, ApiError> {
    text.map(|t| {
        let policy = Policy::parse(t, PolicyKind::Resource)
            .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.to_string()))?;
        Ok(SourcePolicy {
            id: "ResourcePolicy".into(),
            source_type: PolicySourceType::Resource,
            policy,
        })
    })
    .transpose()
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>
pub async fn simulate_custom_policy(
    _s: &AppState,
    ctx: &RequestContext,
    i: m::SimulateCustomPolicyRequest,
) -> Result<m::SimulatePolicyResponse, ApiError> {
    let resource_policy = resource_policy(i.resource_policy.as_deref())?;
    let caller =
        match (&i.caller_arn, &resource_policy) {
            (Some(c), _) => c.clone(),
            (None, Some(_)) => return Err(invalid_input(
                "CallerArn must be specified when a resource policy is included in the simulation.",
            )),
            (None, None) => crate::identity::Arn::root(&ctx.account_id).to_string(),
        };
    let sim = Simulation {
        identity: parse_inputs(
            &i.policy_input_list,
            "PolicyInputList",
            PolicyKind::Identity,
        )?,
        boundaries: parse_inputs(
            i.permissions_boundary_policy_input_list
                .as_deref()
                .unwrap_or_default(),
            "PermissionsBoundaryPolicyInputList",
            PolicyKind::Boundary,
        )?,
        resource_policy,
        caller_account: arn_account(&caller).unwrap_or_else(|| ctx.account_id.clone()),
        caller,
        resource_owner: i.resource_owner.as_deref().and_then(arn_account),
        context: context(i.context_entries)?,
    };
    let resources = i.resource_arns.unwrap_or_else(|| vec!["*".into()]);
    let results = sim.run_blocking(i.action_names, resources).await?;
    page(results, i.marker.as_deref(), i.max_items)
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html>
pub async fn simulate_principal_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::SimulatePrincipalPolicyRequest,
) -> Result<m::SimulatePolicyResponse, ApiError> {
    let principal = principal_policies(s, &ctx.account_id, &i.policy_source_arn).await?;
    let mut identity = principal.identity;
    identity.extend(parse_inputs(
        i.policy_input_list.as_deref().unwrap_or_default(),
        "PolicyInputList",
        PolicyKind::Identity,
    )?);
    let mut boundaries: Vec<SourcePolicy> = principal.boundary.into_iter().collect();
    boundaries.extend(parse_inputs(
        i.permissions_boundary_policy_input_list
            .as_deref()
            .unwrap_or_default(),
        "PermissionsBoundaryPolicyInputList",
        PolicyKind::Boundary,
    )?);
    let caller = i
        .caller_arn
        .clone()
        .unwrap_or_else(|| i.policy_source_arn.clone());
    let sim = Simulation {
        identity,
        boundaries,
        resource_policy: resource_policy(i.resource_policy.as_deref())?,
        caller_account: arn_account(&caller).unwrap_or_else(|| ctx.account_id.clone()),
        caller,
        resource_owner: i.resource_owner.as_deref().and_then(arn_account),
        context: context(i.context_entries)?,
    };
    let resources = i.resource_arns.unwrap_or_else(|| vec!["*".into()]);
    let results = sim.run_blocking(i.action_names, resources).await?;
    page(results, i.marker.as_deref(), i.max_items)
}

/// Parses a document of any policy type (the context-key APIs accept all of them).
fn parse_any(text: &str) -> Result<Policy, ApiError> {
    Policy::parse(text, PolicyKind::Identity)
        .or_else(|_| Policy::parse(text, PolicyKind::Resource))
        .or_else(|_| Policy::parse(text, PolicyKind::Trust))
        .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html>
pub async fn get_context_keys_for_custom_policy(
    _s: &AppState,
    _ctx: &RequestContext,
    i: m::GetContextKeysForCustomPolicyRequest,
) -> Result<m::GetContextKeysForPolicyResponse, ApiError> {
    let policies = i
        .policy_input_list
        .iter()
        .map(|t| parse_any(t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(m::GetContextKeysForPolicyResponse {
        context_key_names: Some(policy::context_keys(policies.iter())),
    })
}

/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForPrincipalPolicy.html>
pub async fn get_context_keys_for_principal_policy(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetContextKeysForPrincipalPolicyRequest,
) -> Result<m::GetContextKeysForPolicyResponse, ApiError> {
    let principal = principal_policies(s, &ctx.account_id, &i.policy_source_arn).await?;
    let extra = i
        .policy_input_list
        .unwrap_or_default()
        .iter()
        .map(|t| parse_any(t))
        .collect::<Result<Vec<_>, _>>()?;
    let all = principal
        .identity
        .iter()
        .map(|p| &p.policy)
        .chain(extra.iter());
    Ok(m::GetContextKeysForPolicyResponse {
        context_key_names: Some(policy::context_keys(all)),
    })
}
