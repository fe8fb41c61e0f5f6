//! STS operations: GetCallerIdentity, AssumeRole, GetSessionToken.
//!
//! [`AppState`] implements the generated [`StsApi`](crate::protocol::generated::sts::StsApi)
//! trait from the table below, one line per operation; the rest answer `NotImplemented`.

mod trust;

use crate::identity::{Principal, Secret};
use crate::protocol::generated::sts as m;
use crate::protocol::{ApiError, ErrorCode, RequestContext};
use crate::server::AppState;
use crate::store::{ids, NewSession};
use time::Duration;

/// Default and bounds of AssumeRole's `DurationSeconds`.
const ASSUME_ROLE_DEFAULT: i64 = 3600;
/// Role chaining (a role session assuming a role) is limited to one hour.
const ROLE_CHAINING_MAX: i64 = 3600;
/// GetSessionToken: default 12 hours; the root user's sessions are limited to one hour.
const SESSION_TOKEN_DEFAULT: i64 = 43200;
const SESSION_TOKEN_ROOT_MAX: i64 = 3600;
/// The space session policies and tags are packed into, in bytes of their compact text.
const PACKED_POLICY_BUDGET: usize = 4096;

fn access_denied(ctx: &RequestContext, action: &str, resource: &str) -> ApiError {
    ApiError::access_denied(&ctx.principal.arn(), action, resource)
}

crate::protocol::generated::sts::sts_handlers! {
    impl StsApi for AppState {
        authorize: crate::authz::authorize,
        AssumeRole => assume_role,
        GetCallerIdentity => get_caller_identity,
        GetSessionToken => get_session_token,
    }
}

/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>
pub async fn get_caller_identity(
    _s: &AppState,
    ctx: &RequestContext,
    _input: m::GetCallerIdentityRequest,
) -> Result<m::GetCallerIdentityResponse, ApiError> {
    Ok(m::GetCallerIdentityResponse {
        user_id: Some(ctx.principal.user_id()),
        account: Some(ctx.account_id.clone()),
        arn: Some(ctx.principal.arn()),
    })
}

/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>
pub async fn assume_role(
    s: &AppState,
    ctx: &RequestContext,
    i: m::AssumeRoleRequest,
) -> Result<m::AssumeRoleResponse, ApiError> {
    if matches!(ctx.principal, Principal::Root { .. }) {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            "Roles may not be assumed by root accounts.",
        ));
    }
    if let Some(policy) = &i.policy {
        // Session policies follow the identity-policy grammar.
        crate::policy::Policy::parse(policy, crate::policy::PolicyKind::Session)
            .map_err(|e| ApiError::new(ErrorCode::MalformedPolicyDocument, e.to_string()))?;
    }
    let denied = || access_denied(ctx, "sts:AssumeRole", &i.role_arn);
    let Some(role_arn) = crate::identity::Arn::parse(&i.role_arn)
        .filter(|a| a.partition() == "aws" && a.is_iam("role") && !a.name().is_empty())
    else {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!("{} is invalid", i.role_arn),
        ));
    };
    // A role in another account is assumed as in AWS: its trust policy must trust the
    // caller, and the caller's own account must allow sts:AssumeRole on it (the trust
    // check evaluates both as a cross-account request). An account the server does not
    // serve has no roles.
    let role = match s.store.role(role_arn.account(), role_arn.name()).await {
        Ok(r) if r.arn == i.role_arn => r,
        Ok(_) | Err(crate::store::StoreError::NoSuchEntity(_)) => return Err(denied()),
        Err(e) => return Err(e.into()),
    };
    let tags = session_tags(&i)?;
    let transitive = transitive_keys(&i, &tags)?;
    let passed_on = inherited_tags(ctx);
    if let Some((key, _)) = tags
        .iter()
        .find(|(k, _)| passed_on.iter().any(|(t, _)| t.eq_ignore_ascii_case(k)))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "The session tag {key} cannot override a transitive tag of the calling session."
            ),
        ));
    }
    // The trust policy must allow each thing the caller sets on the session; tags passed
    // on from the calling session are set too.
    let mut actions = vec!["sts:AssumeRole"];
    if !tags.is_empty() || !passed_on.is_empty() {
        actions.push("sts:TagSession");
    }
    if i.source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    let trust_request = trust::TrustRequest {
        session_name: &i.role_session_name,
        external_id: i.external_id.as_deref(),
        source_identity: i.source_identity.as_deref(),
        tags: &tags,
        transitive: &transitive,
    };
    // An MFA code presented with the request counts in the trust policy
    // (`aws:MultiFactorAuthPresent`), the way a role requires MFA to be assumed.
    let mfa = verify_mfa(s, ctx, i.serial_number.as_deref(), i.token_code.as_deref()).await?;
    let with_mfa;
    let trust_ctx = if mfa.is_some() && ctx.mfa_time.is_none() {
        with_mfa = RequestContext {
            mfa_time: Some(ctx.now),
            ..ctx.clone()
        };
        &with_mfa
    } else {
        ctx
    };
    if let Some(refused) =
        trust::first_refused(s, trust_ctx, &role, &actions, &trust_request).await?
    {
        return Err(access_denied(ctx, refused, &i.role_arn));
    }
    // A source identity, once set, stays through role chaining and cannot change.
    let inherited = caller_source_identity(ctx);
    if let (Some(old), Some(new)) = (&inherited, &i.source_identity) {
        if old != new {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                "The source identity cannot be changed once it is set.",
            ));
        }
    }
    let source_identity = i.source_identity.clone().or(inherited);
    let chained = matches!(ctx.principal, Principal::AssumedRole { .. });
    let duration = i64::from(i.duration_seconds.unwrap_or(ASSUME_ROLE_DEFAULT as i32));
    if chained && i.duration_seconds.is_some() && duration > ROLE_CHAINING_MAX {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    if duration > role.max_session_duration {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let packed_policy_size = packed_size(&i, &passed_on, &tags)?;
    let mfa_time = use_mfa(s, ctx, mfa).await?;
    let expiration = ctx.now + Duration::seconds(duration);
    // Tags passed on from the calling session come first and stay transitive.
    let transitive: Vec<String> = passed_on
        .iter()
        .map(|(k, _)| k.clone())
        .chain(transitive)
        .collect();
    let tags: Vec<(String, String)> = passed_on.into_iter().chain(tags).collect();
    let principal = Principal::AssumedRole {
        account_id: role.account_id.clone(),
        role_id: role.role_id.clone(),
        role_name: role.name.clone(),
        role_path: role.path.clone(),
        session_name: i.role_session_name.clone(),
        session: session_attributes(&i, tags, transitive, source_identity.clone()),
    };
    let session = NewSession {
        access_key_id: ids::access_key_id("ASIA"),
        account_id: role.account_id.clone(),
        secret: Secret::new(ids::secret_access_key()),
        token: Secret::new(ids::session_token()),
        expiration,
        kind: "assumed-role",
        subject_id: Some(role.role_id.clone()),
        session_name: Some(i.role_session_name.clone()),
        source_identity: i.source_identity.clone(),
        created: ctx.now,
        region: ctx.region.clone(),
        principal: principal.clone(),
        mfa_time,
    };
    match s.store.insert_session(&session).await {
        Ok(()) => {}
        // The role was deleted since it was found: as if it had never been there.
        Err(crate::store::StoreError::NoSuchEntity(_)) => return Err(denied()),
        Err(e) => return Err(e.into()),
    }
    Ok(m::AssumeRoleResponse {
        credentials: Some(credentials_out(&session)),
        assumed_role_user: Some(m::AssumedRoleUser {
            assumed_role_id: principal.user_id(),
            arn: principal.arn(),
        }),
        packed_policy_size,
        source_identity: i.source_identity,
    })
}

/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html>
pub async fn get_session_token(
    s: &AppState,
    ctx: &RequestContext,
    i: m::GetSessionTokenRequest,
) -> Result<m::GetSessionTokenResponse, ApiError> {
    if ctx.temporary_credentials {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            "Cannot call GetSessionToken with session credentials",
        ));
    }
    let (subject_id, max) = match &ctx.principal {
        Principal::User { user_id, .. } => (Some(user_id.clone()), 129_600),
        Principal::Root { .. } => (None, SESSION_TOKEN_ROOT_MAX),
        _ => {
            return Err(ApiError::new(
                ErrorCode::AccessDenied,
                "Cannot call GetSessionToken with session credentials",
            ))
        }
    };
    let duration = i64::from(i.duration_seconds.unwrap_or(SESSION_TOKEN_DEFAULT as i32)).min(max);
    let mfa = verify_mfa(s, ctx, i.serial_number.as_deref(), i.token_code.as_deref()).await?;
    let mfa_time = use_mfa(s, ctx, mfa).await?;
    let session = NewSession {
        access_key_id: ids::access_key_id("ASIA"),
        account_id: ctx.account_id.clone(),
        secret: Secret::new(ids::secret_access_key()),
        token: Secret::new(ids::session_token()),
        expiration: ctx.now + Duration::seconds(duration),
        kind: "session",
        subject_id,
        session_name: None,
        source_identity: None,
        created: ctx.now,
        region: ctx.region.clone(),
        principal: ctx.principal.clone(),
        mfa_time,
    };
    s.store.insert_session(&session).await?;
    Ok(m::GetSessionTokenResponse {
        credentials: Some(credentials_out(&session)),
    })
}

fn credentials_out(s: &NewSession) -> m::Credentials {
    m::Credentials {
        access_key_id: s.access_key_id.clone(),
        secret_access_key: s.secret.expose().to_owned(),
        session_token: s.token.expose().to_owned(),
        expiration: s.expiration.into(),
    }
}

/// The session policies AssumeRole was given: they narrow the session as long as it lives.
fn session_attributes(
    i: &m::AssumeRoleRequest,
    tags: Vec<(String, String)>,
    transitive: Vec<String>,
    source_identity: Option<String>,
) -> Option<std::sync::Arc<crate::identity::SessionAttributes>> {
    let arns: Vec<String> = i
        .policy_arns
        .iter()
        .flatten()
        .filter_map(|p| p.arn.clone())
        .collect();
    crate::identity::SessionAttributes {
        inline: i.policy.clone(),
        arns,
        tags,
        transitive,
        source_identity,
    }
    .shared()
}

/// The source identity a chained session keeps from the session that assumed it.
fn caller_source_identity(ctx: &RequestContext) -> Option<String> {
    match &ctx.principal {
        Principal::AssumedRole {
            session: Some(a), ..
        } => a.source_identity.clone(),
        _ => None,
    }
}

/// The tags a calling role session passes on to the session it assumes: those it set as
/// transitive (IAM User Guide, "Chaining roles with session tags").
fn inherited_tags(ctx: &RequestContext) -> Vec<(String, String)> {
    match &ctx.principal {
        Principal::AssumedRole {
            session: Some(a), ..
        } => a
            .tags
            .iter()
            .filter(|(k, _)| a.transitive.iter().any(|t| t.eq_ignore_ascii_case(k)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// `TransitiveTagKeys`: each must name one of the request's session tags.
fn transitive_keys(
    i: &m::AssumeRoleRequest,
    tags: &[(String, String)],
) -> Result<Vec<String>, ApiError> {
    let keys = i.transitive_tag_keys.clone().unwrap_or_default();
    for key in &keys {
        if !tags.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                "The specified transitive tag key must be included in the requested tags.",
            ));
        }
    }
    Ok(keys)
}

/// How much of the space a session's policies and tags are packed into they take, in percent
/// (`PackedPolicySize`), or `PackedPolicyTooLarge` beyond 100. `None` when the request sets
/// neither. AWS's packing format is not published: this counts the compacted inline policy,
/// the managed policy ARNs and the tags' keys and values against a budget of
/// [`PACKED_POLICY_BUDGET`] bytes.
fn packed_size(
    i: &m::AssumeRoleRequest,
    inherited: &[(String, String)],
    tags: &[(String, String)],
) -> Result<Option<i32>, ApiError> {
    let arns = i
        .policy_arns
        .iter()
        .flatten()
        .filter_map(|p| p.arn.as_ref());
    if i.policy.is_none()
        && arns.clone().next().is_none()
        && tags.is_empty()
        && inherited.is_empty()
    {
        return Ok(None);
    }
    let inline = i.policy.as_deref().map_or(0, |p| {
        serde_json::from_str::<serde_json::Value>(p).map_or(p.len(), |v| v.to_string().len())
    });
    let bytes = inline
        + arns.map(String::len).sum::<usize>()
        + inherited
            .iter()
            .chain(tags)
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>();
    let percent = (bytes * 100).div_ceil(PACKED_POLICY_BUDGET);
    let percent = i32::try_from(percent).unwrap_or(i32::MAX);
    if percent > 100 {
        return Err(ApiError::new(
            ErrorCode::PackedPolicyTooLarge,
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy."
            ),
        ));
    }
    Ok(Some(percent))
}

/// Session tags of an AssumeRole request: keys are unique without regard to case.
fn session_tags(i: &m::AssumeRoleRequest) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in i.tags.iter().flatten() {
        if out.iter().any(|(k, _)| k.eq_ignore_ascii_case(&t.key)) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
        out.push((t.key.clone(), t.value.clone()));
    }
    Ok(out)
}

/// An MFA code a request presented, verified but not yet used up.
struct PresentedMfa {
    serial: String,
    step: i64,
}

/// Verifies the MFA device and code a caller presents (`SerialNumber`, `TokenCode`): the device
/// must be the caller's and the code current. `None` when no MFA was presented. The code is
/// used up by [`use_mfa`] once the request is otherwise allowed.
async fn verify_mfa(
    s: &AppState,
    ctx: &RequestContext,
    serial: Option<&str>,
    code: Option<&str>,
) -> Result<Option<PresentedMfa>, ApiError> {
    let (serial, code) = match (serial, code) {
        (None, None) => return Ok(None),
        (Some(s), Some(c)) => (s, c),
        _ => {
            return Err(ApiError::new(
                ErrorCode::AccessDenied,
                "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
            ))
        }
    };
    let Principal::User { user_id, .. } = &ctx.principal else {
        return Err(invalid_mfa_code());
    };
    let device = match s.store.mfa_device(&ctx.account_id, serial).await {
        Ok(d) => d,
        Err(crate::store::StoreError::NoSuchEntity(_)) => return Err(invalid_mfa_code()),
        Err(e) => return Err(e.into()),
    };
    if device.user.as_ref().map(|(_, id)| id) != Some(user_id) {
        return Err(invalid_mfa_code());
    }
    let now = u64::try_from(ctx.now.unix_timestamp()).unwrap_or_default();
    let Some(step) = crate::auth::mfa::step_of(&device.seed, code, now) else {
        return Err(invalid_mfa_code());
    };
    Ok(Some(PresentedMfa {
        serial: serial.to_owned(),
        step: i64::try_from(step).unwrap_or(i64::MAX),
    }))
}

/// Uses up a verified code: a code is good once. Returns when the check was made.
async fn use_mfa(
    s: &AppState,
    ctx: &RequestContext,
    mfa: Option<PresentedMfa>,
) -> Result<Option<time::OffsetDateTime>, ApiError> {
    let Some(mfa) = mfa else {
        return Ok(None);
    };
    if !s.store.use_mfa_step(&mfa.serial, mfa.step).await? {
        return Err(invalid_mfa_code());
    }
    Ok(Some(ctx.now))
}

fn invalid_mfa_code() -> ApiError {
    ApiError::new(
        ErrorCode::AccessDenied,
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    )
}
