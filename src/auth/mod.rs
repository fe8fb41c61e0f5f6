//! Authentication: who signed a request. [`sigv4`] is the pure signature math; this module is the
//! thin shell that looks credentials up and turns a verified request into a [`Principal`].

// Panic-free code: nothing a client sends may crash a request.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod mfa;
pub mod sigv4;

use std::fmt;
use time::OffsetDateTime;

/// The identity a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The account's root user (the server's root credentials).
    Root { account_id: String },
    /// An IAM user, through one of its access keys or a GetSessionToken session.
    User {
        account_id: String,
        user_id: String,
        name: String,
        path: String,
        arn: String,
    },
    /// A role session from AssumeRole.
    AssumedRole {
        account_id: String,
        role_id: String,
        role_name: String,
        role_path: String,
        session_name: String,
        /// What AssumeRole set for the session beyond the role: session policies (which
        /// narrow it) and session tags; `None` when it set neither.
        session: Option<std::sync::Arc<SessionAttributes>>,
    },
    /// An unsigned request (only the STS operations AWS accepts unsigned).
    Anonymous,
}

impl Principal {
    /// The ARN GetCallerIdentity reports.
    pub fn arn(&self) -> String {
        match self {
            Principal::Root { account_id } => format!("arn:aws:iam::{account_id}:root"),
            Principal::User { arn, .. } => arn.clone(),
            Principal::AssumedRole {
                account_id,
                role_name,
                session_name,
                ..
            } => format!("arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"),
            Principal::Anonymous => String::new(),
        }
    }

    /// The `UserId` GetCallerIdentity reports: the account id for root, `AIDA…` for users,
    /// `AROA…:session` for role sessions.
    pub fn user_id(&self) -> String {
        match self {
            Principal::Root { account_id } => account_id.clone(),
            Principal::User { user_id, .. } => user_id.clone(),
            Principal::AssumedRole {
                role_id,
                session_name,
                ..
            } => format!("{role_id}:{session_name}"),
            Principal::Anonymous => String::new(),
        }
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            Principal::Root { account_id }
            | Principal::User { account_id, .. }
            | Principal::AssumedRole { account_id, .. } => Some(account_id),
            Principal::Anonymous => None,
        }
    }
}

/// What AssumeRole set for a role session: session policies (an inline document and managed
/// policy ARNs) and session tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionAttributes {
    pub inline: Option<String>,
    pub arns: Vec<String>,
    /// Session tags, in request order; they override the role's tags of the same key.
    pub tags: Vec<(String, String)>,
    /// The keys of `tags` that pass on to sessions this one assumes (role chaining).
    pub transitive: Vec<String>,
    /// The identity AssumeRole was told the session acts for (`aws:SourceIdentity`); it
    /// carries through role chaining.
    pub source_identity: Option<String>,
}

impl SessionAttributes {
    pub fn has_policies(&self) -> bool {
        self.inline.is_some() || !self.arns.is_empty()
    }
}

/// A secret that never shows itself in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

/// What the server knows about one access key id.
#[derive(Debug, Clone)]
pub struct Credential {
    pub secret: Secret,
    /// Long-term keys can be deactivated; an inactive key is refused like an unknown one.
    pub active: bool,
    /// Temporary credentials only: the token that must accompany them, and their end.
    pub session_token: Option<Secret>,
    pub expiration: Option<OffsetDateTime>,
    pub principal: Principal,
    /// Temporary credentials issued after an MFA check: when the check was made.
    pub mfa_time: Option<OffsetDateTime>,
    /// Temporary credentials only: when they were issued (`aws:TokenIssueTime`).
    pub issued: Option<OffsetDateTime>,
}

/// A refused request: AWS's error, and what the request said about its signer, for the log.
#[derive(Debug, Clone)]
pub struct Refused {
    pub error: crate::protocol::ApiError,
    /// The access key id the signature names (never the secret or the signature).
    pub access_key_id: Option<String>,
    /// The region of the signature's credential scope.
    pub region: Option<String>,
}

impl From<crate::protocol::ApiError> for Refused {
    fn from(error: crate::protocol::ApiError) -> Refused {
        Refused {
            error,
            access_key_id: None,
            region: None,
        }
    }
}

/// Authenticates a request: SigV4 (header or presigned), then the credential it names.
///
/// Order as AWS checks: parse, time window, scope, key and token, signature.
pub async fn authenticate(
    store: &crate::store::Store,
    req: &sigv4::RawRequest<'_>,
    op: Option<crate::protocol::Operation>,
    now: OffsetDateTime,
) -> Result<Authenticated, Refused> {
    let parsed = sigv4::parse(req).map_err(auth_error)?;
    let signer = |error: crate::protocol::ApiError| -> Refused {
        let (access_key_id, region) = match &parsed {
            Some(p) => (Some(p.access_key_id.clone()), Some(p.region.clone())),
            None => (None, None),
        };
        Refused {
            error,
            access_key_id,
            region,
        }
    };
    authenticate_parsed(store, req, parsed.as_ref(), op, now)
        .await
        .map_err(signer)
}

async fn authenticate_parsed(
    store: &crate::store::Store,
    req: &sigv4::RawRequest<'_>,
    parsed: Option<&sigv4::ParsedAuth>,
    op: Option<crate::protocol::Operation>,
    now: OffsetDateTime,
) -> Result<Authenticated, crate::protocol::ApiError> {
    let Some(parsed) = parsed else {
        if op.is_some_and(|op| op.unsigned()) {
            return Ok(Authenticated {
                principal: Principal::Anonymous,
                region: None,
                temporary: false,
                mfa_time: None,
                issued: None,
            });
        }
        return Err(auth_error(sigv4::AuthError::MissingAuthenticationToken));
    };
    sigv4::check_time(parsed, now, time::Duration::minutes(15)).map_err(auth_error)?;
    let services: &[&str] = match op {
        Some(op) => &[op.service().signing_name()],
        None => &["iam", "sts"],
    };
    sigv4::check_scope(parsed, services).map_err(auth_error)?;
    let cred = store
        .credential(&parsed.access_key_id)
        .await
        .map_err(crate::protocol::ApiError::from)?;
    let Some(cred) = cred.filter(|c| c.active) else {
        return Err(auth_error(sigv4::AuthError::InvalidClientTokenId));
    };
    // The presented token must be the issued one (constant-time), then still valid.
    sigv4::check_session_token(parsed, cred.session_token.as_ref().map(Secret::expose))
        .map_err(auth_error)?;
    if cred.expiration.is_some_and(|exp| now >= exp) {
        return Err(auth_error(sigv4::AuthError::ExpiredToken));
    }
    sigv4::verify_signature(req, parsed, cred.secret.expose()).map_err(auth_error)?;
    if cred.session_token.is_none() && !matches!(cred.principal, Principal::Root { .. }) {
        store.note_key_used(&parsed.access_key_id, now, &parsed.service, &parsed.region);
    }
    Ok(Authenticated {
        temporary: cred.session_token.is_some(),
        mfa_time: cred.mfa_time,
        issued: cred.issued,
        principal: cred.principal,
        region: Some(parsed.region.clone()),
    })
}

/// The outcome of authentication.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// The region of the signature's credential scope (`None` for unsigned requests).
    pub region: Option<String>,
    /// True for temporary credentials (issued by STS).
    pub temporary: bool,
    /// When the credentials' MFA check was made, if they were issued after one.
    pub mfa_time: Option<OffsetDateTime>,
    /// When temporary credentials were issued.
    pub issued: Option<OffsetDateTime>,
}

fn auth_error(e: sigv4::AuthError) -> crate::protocol::ApiError {
    use crate::protocol::{ApiError, ErrorCode};
    let code = match &e {
        sigv4::AuthError::MissingAuthenticationToken => ErrorCode::MissingAuthenticationToken,
        sigv4::AuthError::IncompleteSignature(_) => ErrorCode::IncompleteSignature,
        sigv4::AuthError::InvalidClientTokenId => ErrorCode::InvalidClientTokenId,
        sigv4::AuthError::ExpiredToken => ErrorCode::ExpiredToken,
        sigv4::AuthError::SignatureDoesNotMatch(_) => ErrorCode::SignatureDoesNotMatch,
    };
    ApiError::new(code, e.message())
}
