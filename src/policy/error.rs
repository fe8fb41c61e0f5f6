//! Policy validation errors carrying AWS's exact `MalformedPolicyDocument` wording, and the
//! policy size quotas.
//!
//! The wording follows what IAM answers today. Where IAM's message is fixed text it is a
//! constant here so tests and snapshots can name it; the server maps every [`PolicyError`] to
//! the `MalformedPolicyDocument` error code (HTTP 400).

use std::fmt;

pub const MSG_INVALID_JSON: &str = "This policy contains invalid Json";
pub const MSG_SYNTAX: &str = "Syntax errors in policy.";
pub const MSG_LEGACY_PARSING: &str = "The policy failed legacy parsing";
pub const MSG_VERSION_TOO_OLD: &str = "Policy document must be version 2012-10-17 or greater.";
pub const MSG_DUPLICATE_SID: &str = "Statement IDs (SID) in a single policy must be unique.";
pub const MSG_MISSING_ACTIONS: &str = "Policy statement must contain actions.";
pub const MSG_MISSING_RESOURCES: &str = "Policy statement must contain resources.";
pub const MSG_PRINCIPAL_NOT_ALLOWED: &str = "Policy document should not specify a principal.";
pub const MSG_MISSING_PRINCIPAL: &str = "Missing required field Principal";
pub const MSG_TRUST_HAS_RESOURCE: &str = "Has prohibited field Resource";
pub const MSG_TRUST_ACTIONS: &str = "AssumeRole policy may only specify STS AssumeRole actions.";
pub const MSG_MISSING_VENDOR: &str =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
pub const MSG_ONE_COLON: &str = "Actions/Condition can contain only one colon.";
pub const MSG_RESOURCE_VENDOR: &str =
    "Resource vendor must be fully qualified and cannot contain regexes.";
pub const MSG_INVALID_ACTION: &str = "Policy has invalid action";

/// Size quotas, in characters not counting white space (IAM ignores white space when it
/// measures a policy). Inline quotas apply to the sum of all inline policies of one identity;
/// adding them up is the caller's job.
pub const MANAGED_POLICY_MAX_CHARS: usize = 6_144;
pub const USER_INLINE_MAX_CHARS: usize = 2_048;
pub const GROUP_INLINE_MAX_CHARS: usize = 5_120;
pub const ROLE_INLINE_MAX_CHARS: usize = 10_240;
pub const TRUST_POLICY_MAX_CHARS: usize = 2_048;

/// Characters IAM counts toward a policy's size: everything but white space.
pub fn non_whitespace_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Which size quota a document is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeQuota {
    /// `CreatePolicy` / `CreatePolicyVersion`.
    ManagedPolicy,
    /// `PutUserPolicy`, summed over the user's inline policies.
    UserInline,
    /// `PutGroupPolicy`, summed over the group's inline policies.
    GroupInline,
    /// `PutRolePolicy`, summed over the role's inline policies.
    RoleInline,
    /// `CreateRole` / `UpdateAssumeRolePolicy`.
    TrustPolicy,
}

impl SizeQuota {
    pub fn limit(self) -> usize {
        match self {
            SizeQuota::ManagedPolicy => MANAGED_POLICY_MAX_CHARS,
            SizeQuota::UserInline => USER_INLINE_MAX_CHARS,
            SizeQuota::GroupInline => GROUP_INLINE_MAX_CHARS,
            SizeQuota::RoleInline => ROLE_INLINE_MAX_CHARS,
            SizeQuota::TrustPolicy => TRUST_POLICY_MAX_CHARS,
        }
    }

    /// AWS's `LimitExceeded` message; `entity` is the user, group or role name (ignored by the
    /// quotas whose message names none).
    pub fn message(self, entity: &str) -> String {
        match self {
            SizeQuota::ManagedPolicy => {
                format!("Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX_CHARS}")
            }
            SizeQuota::UserInline => format!(
                "Maximum policy size of {USER_INLINE_MAX_CHARS} bytes exceeded for user {entity}"
            ),
            SizeQuota::GroupInline => format!(
                "Maximum policy size of {GROUP_INLINE_MAX_CHARS} bytes exceeded for group {entity}"
            ),
            SizeQuota::RoleInline => format!(
                "Maximum policy size of {ROLE_INLINE_MAX_CHARS} bytes exceeded for role {entity}"
            ),
            SizeQuota::TrustPolicy => {
                format!("Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_MAX_CHARS}")
            }
        }
    }

    /// `Err(message)` when `chars` (see [`non_whitespace_len`]) is over the quota.
    pub fn check(self, chars: usize, entity: &str) -> Result<(), String> {
        if chars > self.limit() {
            Err(self.message(entity))
        } else {
            Ok(())
        }
    }
}

/// What is wrong with a policy document. `Display` gives AWS's message verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// The text is not JSON, or its first value is not an object.
    InvalidJson,
    /// Structurally wrong: unknown element, wrong type, bad Effect, unknown operator...
    Syntax,
    /// Passed the grammar but failed IAM's older parser (Effect case, dates, ARN shape).
    LegacyParsing,
    VersionTooOld,
    DuplicateSid,
    MissingActions,
    MissingResources,
    PrincipalNotAllowed,
    MissingPrincipal,
    TrustHasResource,
    TrustActions,
    MissingVendor,
    OneColon,
    /// `Vendor {0} is not valid`
    InvalidVendor(String),
    /// `Resource {0} must be in ARN format or "*".`
    ResourceNotArn(String),
    ResourceVendor,
    /// `Partition "{partition}" is not valid for resource "{resource}".`
    InvalidPartition {
        partition: String,
        resource: String,
    },
    /// `Invalid principal in policy: "{TYPE}":"{value}"`
    InvalidPrincipal {
        kind: String,
        value: String,
    },
    InvalidAction,
    /// `IAM resource {0} cannot contain region information.`
    IamResourceRegion(String),
    /// `Resource {0} can not contain region information.`
    ResourceRegion(String),
    IamResourcePath,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixed = match self {
            PolicyError::InvalidJson => MSG_INVALID_JSON,
            PolicyError::Syntax => MSG_SYNTAX,
            PolicyError::LegacyParsing => MSG_LEGACY_PARSING,
            PolicyError::VersionTooOld => MSG_VERSION_TOO_OLD,
            PolicyError::DuplicateSid => MSG_DUPLICATE_SID,
            PolicyError::MissingActions => MSG_MISSING_ACTIONS,
            PolicyError::MissingResources => MSG_MISSING_RESOURCES,
            PolicyError::PrincipalNotAllowed => MSG_PRINCIPAL_NOT_ALLOWED,
            PolicyError::MissingPrincipal => MSG_MISSING_PRINCIPAL,
            PolicyError::TrustHasResource => MSG_TRUST_HAS_RESOURCE,
            PolicyError::TrustActions => MSG_TRUST_ACTIONS,
            PolicyError::MissingVendor => MSG_MISSING_VENDOR,
            PolicyError::OneColon => MSG_ONE_COLON,
            PolicyError::ResourceVendor => MSG_RESOURCE_VENDOR,
            PolicyError::InvalidAction => MSG_INVALID_ACTION,
            PolicyError::InvalidVendor(v) => return write!(f, "Vendor {v} is not valid"),
            PolicyError::ResourceNotArn(r) => {
                return write!(f, "Resource {r} must be in ARN format or \"*\".")
            }
            PolicyError::InvalidPartition {
                partition,
                resource,
            } => {
                return write!(
                    f,
                    "Partition \"{partition}\" is not valid for resource \"{resource}\"."
                )
            }
            PolicyError::InvalidPrincipal { kind, value } => {
                return write!(f, "Invalid principal in policy: \"{kind}\":\"{value}\"")
            }
            PolicyError::IamResourceRegion(r) => {
                return write!(f, "IAM resource {r} cannot contain region information.")
            }
            PolicyError::ResourceRegion(r) => {
                return write!(f, "Resource {r} can not contain region information.")
            }
            PolicyError::IamResourcePath => {
                return write!(
                    f,
                    "IAM resource path must either be \"*\" or start with {}.",
                    super::model::IAM_RESOURCE_PATHS.join(", ")
                )
            }
        };
        f.write_str(fixed)
    }
}

impl std::error::Error for PolicyError {}

impl PolicyError {
    /// The AWS error code the server answers with.
    pub fn code(&self) -> &'static str {
        "MalformedPolicyDocument"
    }
}
