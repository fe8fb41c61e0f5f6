//! The IAM policy engine: parse, validate and evaluate AWS policy documents.
//!
//! Pure code: no IO, no clock, no store. Everything a decision depends on (the policies,
//! the caller, the request context, "now" as `aws:CurrentTime` if wanted) comes in as
//! arguments.
//!
//! Stages, each its own module:
//! 1. [`json`]: the text into a JSON tree that keeps byte spans (for statement positions);
//! 2. [`raw`]: the tree into IAM's grammar, shape only (`Syntax errors in policy.`);
//! 3. [`model`]: validated, typed [`Policy`] per [`PolicyKind`], wildcards and condition
//!    values compiled once;
//! 4. [`eval`]: a [`Request`] decided against a [`PolicySet`], with its reasons.
//!
//! ```
//! # use iamlocal::policy::*;
//! let policy = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#,
//!     PolicyKind::Identity,
//! ).unwrap();
//! let ctx = RequestContext::new();
//! let set = PolicySet {
//!     identity: vec![InputPolicy::new("PolicyInputList.1", PolicySourceType::None, &policy)],
//!     ..PolicySet::default()
//! };
//! let request = Request {
//!     principal: "arn:aws:iam::123456789012:user/alice",
//!     action: "s3:GetObject",
//!     resource: "arn:aws:s3:::bucket/key",
//!     resource_account: None,
//!     context: &ctx,
//! };
//! assert_eq!(evaluate(&set, &request).decision, Decision::Allowed);
//! ```

// Panic-free code: no policy text or request may crash an evaluation.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod condition;
mod context;
mod error;
mod eval;
mod glob;
mod json;
mod model;
mod pattern;
mod raw;

#[cfg(test)]
mod tests;

pub use condition::{Condition, Operator, OperatorKind, SetQualifier};
pub use context::{ContextEntry, ContextKeyType, RequestContext};
pub use error::{
    non_whitespace_len, PolicyError, SizeQuota, GROUP_INLINE_MAX_CHARS, MANAGED_POLICY_MAX_CHARS,
    MSG_DUPLICATE_SID, MSG_INVALID_ACTION, MSG_INVALID_JSON, MSG_LEGACY_PARSING,
    MSG_MISSING_ACTIONS, MSG_MISSING_PRINCIPAL, MSG_MISSING_RESOURCES, MSG_MISSING_VENDOR,
    MSG_ONE_COLON, MSG_PRINCIPAL_NOT_ALLOWED, MSG_RESOURCE_VENDOR, MSG_SYNTAX, MSG_TRUST_ACTIONS,
    MSG_TRUST_HAS_RESOURCE, MSG_VERSION_TOO_OLD, ROLE_INLINE_MAX_CHARS, TRUST_POLICY_MAX_CHARS,
    USER_INLINE_MAX_CHARS,
};
pub use eval::{
    decide, evaluate, Decision, EvaluationResult, InputPolicy, Layer, LayerDecision,
    MatchedStatement, PolicySet, PolicySourceType, Request,
};
pub use json::Position;
pub use model::{
    AwsPrincipal, Effect, Policy, PolicyKind, PrincipalMatcher, Principals, Statement,
};

/// Context keys referenced by a set of policies, for `GetContextKeysForCustomPolicy`:
/// each key once (compared without case), in order of first use.
pub fn context_keys<'p>(policies: impl IntoIterator<Item = &'p Policy>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in policies {
        for k in p.context_keys() {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&k)) {
                out.push(k);
            }
        }
    }
    out
}
