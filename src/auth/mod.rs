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

use crate::identity::{Principal, Secret};
use time::OffsetDateTime;

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
