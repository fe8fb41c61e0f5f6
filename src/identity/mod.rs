//! Who acts: the principal a request is made by, the credential that proves it, and the
//! session attributes STS gives a role session. Plain data below every layer: authentication
//! produces it, the store keeps it, the protocol and authorization read it.

mod arn;

pub use arn::Arn;

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
            Principal::Root { account_id } => Arn::root(account_id).to_string(),
            Principal::User { arn, .. } => arn.clone(),
            Principal::AssumedRole {
                account_id,
                role_name,
                session_name,
                ..
            } => Arn::assumed_role(account_id, role_name, session_name).to_string(),
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

    /// The attributes to share between a session's credentials, or `None` when they set
    /// nothing beyond the role (no policies, tags or source identity).
    pub fn shared(self) -> Option<std::sync::Arc<SessionAttributes>> {
        (self.has_policies() || !self.tags.is_empty() || self.source_identity.is_some())
            .then(|| std::sync::Arc::new(self))
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
