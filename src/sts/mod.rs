//! STS operations: GetCallerIdentity, AssumeRole, GetSessionToken.
//!
//! The generated [`StsApi`] trait answers `NotImplemented` for the rest.

mod trust;

use crate::auth::{Principal, Secret};
use crate::protocol::generated::sts::{self as m, StsApi};
use crate::protocol::{ApiError, ErrorCode, Operation, RequestContext};
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

fn access_denied(ctx: &RequestContext, action: &str, resource: &str) -> ApiError {
    ApiError::access_denied(&ctx.principal.arn(), action, resource)
}

/// `arn:aws:iam::ACCOUNT:role/path/name` → (account, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    (!name.is_empty()).then_some((account, name))
}

impl StsApi for AppState {
    async fn authorize(
        &self,
        ctx: &RequestContext,
        op: Operation,
        query: &crate::protocol::query::Query,
    ) -> Result<(), ApiError> {
        crate::authz::authorize(self, ctx, op, query).await
    }

    fn implements(&self, op: Operation) -> bool {
        matches!(
            op,
            Operation::AssumeRole | Operation::GetCallerIdentity | Operation::GetSessionToken
        )
    }

    /// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>
    async fn get_caller_identity(
        &self,
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
    async fn assume_role(
        &self,
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
        let Some((account, name)) = parse_role_arn(&i.role_arn) else {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                format!("{} is invalid", i.role_arn),
            ));
        };
        // A role in another account is assumed as in AWS: its trust policy must trust the
        // caller, and the caller's own account must allow sts:AssumeRole on it (the trust
        // check evaluates both as a cross-account request). An account the server does not
        // serve has no roles.
        let role = match self.store.role(account, name).await {
            Ok(r) if r.arn == i.role_arn => r,
            Ok(_) | Err(crate::store::StoreError::NoSuchEntity(_)) => return Err(denied()),
            Err(e) => return Err(e.into()),
        };
        let tags = session_tags(&i)?;
        // The trust policy must allow each thing the caller sets on the session.
        let mut actions = vec!["sts:AssumeRole"];
        if !tags.is_empty() {
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
        };
        if let Some(refused) =
            trust::first_refused(self, ctx, &role, &actions, &trust_request).await?
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
        let mfa_time = mfa_check(
            self,
            ctx,
            i.serial_number.as_deref(),
            i.token_code.as_deref(),
        )
        .await?;
        let expiration = ctx.now + Duration::seconds(duration);
        let principal = Principal::AssumedRole {
            account_id: role.account_id.clone(),
            role_id: role.role_id.clone(),
            role_name: role.name.clone(),
            role_path: role.path.clone(),
            session_name: i.role_session_name.clone(),
            session: session_attributes(&i, tags, source_identity.clone()),
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
        self.store.insert_session(&session).await?;
        Ok(m::AssumeRoleResponse {
            credentials: Some(credentials_out(&session)),
            assumed_role_user: Some(m::AssumedRoleUser {
                assumed_role_id: principal.user_id(),
                arn: principal.arn(),
            }),
            packed_policy_size: None,
            source_identity: i.source_identity,
        })
    }

    /// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html>
    async fn get_session_token(
        &self,
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
        let duration =
            i64::from(i.duration_seconds.unwrap_or(SESSION_TOKEN_DEFAULT as i32)).min(max);
        let mfa_time = mfa_check(
            self,
            ctx,
            i.serial_number.as_deref(),
            i.token_code.as_deref(),
        )
        .await?;
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
        self.store.insert_session(&session).await?;
        Ok(m::GetSessionTokenResponse {
            credentials: Some(credentials_out(&session)),
        })
    }
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
    source_identity: Option<String>,
) -> Option<std::sync::Arc<crate::auth::SessionAttributes>> {
    let arns: Vec<String> = i
        .policy_arns
        .iter()
        .flatten()
        .filter_map(|p| p.arn.clone())
        .collect();
    (i.policy.is_some() || !arns.is_empty() || !tags.is_empty() || source_identity.is_some()).then(
        || {
            std::sync::Arc::new(crate::auth::SessionAttributes {
                inline: i.policy.clone(),
                arns,
                tags,
                source_identity,
            })
        },
    )
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

/// Verifies the MFA device and code a caller presents (`SerialNumber`, `TokenCode`): the device
/// must be the caller's, the code current, and not used before. Returns when the check was
/// made, or `None` when no MFA was presented.
async fn mfa_check(
    s: &AppState,
    ctx: &RequestContext,
    serial: Option<&str>,
    code: Option<&str>,
) -> Result<Option<time::OffsetDateTime>, ApiError> {
    let failed = |m: &str| ApiError::new(ErrorCode::AccessDenied, m);
    let invalid = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
    let (serial, code) = match (serial, code) {
        (None, None) => return Ok(None),
        (Some(s), Some(c)) => (s, c),
        _ => {
            return Err(failed(
                "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
            ))
        }
    };
    let Principal::User { user_id, .. } = &ctx.principal else {
        return Err(failed(invalid));
    };
    let device = match s.store.mfa_device(&ctx.account_id, serial).await {
        Ok(d) => d,
        Err(crate::store::StoreError::NoSuchEntity(_)) => return Err(failed(invalid)),
        Err(e) => return Err(e.into()),
    };
    if device.user.as_ref().map(|(_, id)| id) != Some(user_id) {
        return Err(failed(invalid));
    }
    let now = u64::try_from(ctx.now.unix_timestamp()).unwrap_or_default();
    let Some(step) = crate::auth::mfa::step_of(&device.seed, code, now) else {
        return Err(failed(invalid));
    };
    // A code is good once.
    if !s
        .store
        .use_mfa_step(serial, i64::try_from(step).unwrap_or(i64::MAX))
        .await?
    {
        return Err(failed(invalid));
    }
    Ok(Some(ctx.now))
}
