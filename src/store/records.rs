//! Rows as the store hands them out.

use crate::identity::{Principal, Secret};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct UserRec {
    pub user_id: String,
    pub account_id: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub create_date: OffsetDateTime,
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GroupRec {
    pub group_id: String,
    pub account_id: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub create_date: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct RoleRec {
    pub role_id: String,
    pub account_id: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub create_date: OffsetDateTime,
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: i64,
    pub permissions_boundary: Option<String>,
    pub last_used_date: Option<OffsetDateTime>,
    pub last_used_region: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccessKeyRec {
    pub access_key_id: String,
    pub user_id: String,
    pub user_name: String,
    pub secret_access_key: Secret,
    pub active: bool,
    pub create_date: OffsetDateTime,
    pub last_used_date: Option<OffsetDateTime>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PolicyRec {
    pub policy_id: String,
    pub account_id: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub description: Option<String>,
    pub default_version_id: String,
    pub create_date: OffsetDateTime,
    pub update_date: OffsetDateTime,
    pub attachment_count: i64,
}

#[derive(Debug, Clone)]
pub struct PolicyVersionRec {
    pub version_id: String,
    pub document: String,
    pub is_default: bool,
    pub create_date: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Temporary credentials about to be stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub access_key_id: String,
    pub account_id: String,
    pub secret: Secret,
    pub token: Secret,
    pub expiration: OffsetDateTime,
    /// `assumed-role` or `session`.
    pub kind: &'static str,
    pub subject_id: Option<String>,
    pub session_name: Option<String>,
    pub source_identity: Option<String>,
    pub created: OffsetDateTime,
    /// The region the request that created the session was signed for.
    pub region: String,
    pub principal: Principal,
    /// When the MFA check the credentials were issued after was made.
    pub mfa_time: Option<OffsetDateTime>,
}

impl NewSession {
    /// The session policies the principal carries (role sessions only).
    fn session_attributes(&self) -> Option<&crate::identity::SessionAttributes> {
        match &self.principal {
            Principal::AssumedRole { session, .. } => session.as_deref(),
            _ => None,
        }
    }

    /// Session tags as a JSON array of `[key, value]` pairs, for the store.
    pub(crate) fn session_tags_column(&self) -> Option<String> {
        self.session_attributes()
            .filter(|a| !a.tags.is_empty())
            .map(|a| serde_json::json!(a.tags).to_string())
    }

    /// Transitive session tag keys as a JSON array, for the store.
    pub(crate) fn transitive_tag_keys_column(&self) -> Option<String> {
        self.session_attributes()
            .filter(|a| !a.transitive.is_empty())
            .map(|a| serde_json::json!(a.transitive).to_string())
    }

    /// `(inline document, managed policy ARNs as a JSON array)` for the store.
    pub(crate) fn session_policy_columns(&self) -> (Option<String>, Option<String>) {
        match self.session_attributes() {
            Some(p) => (
                p.inline.clone(),
                (!p.arns.is_empty()).then(|| serde_json::Value::from(p.arns.clone()).to_string()),
            ),
            None => (None, None),
        }
    }
}

/// An entity a managed policy is attached to.
#[derive(Debug, Clone)]
pub struct PolicyEntity {
    pub entity_type: super::EntityType,
    pub name: String,
    pub id: String,
    pub path: String,
    /// Uses the policy as its permissions boundary (rather than having it attached).
    pub as_boundary: bool,
}

#[derive(Debug, Clone)]
pub struct InstanceProfileRec {
    pub instance_profile_id: String,
    pub account_id: String,
    pub name: String,
    pub path: String,
    pub arn: String,
    pub create_date: OffsetDateTime,
    /// Filled by the store when the profile is read.
    pub roles: Vec<RoleRec>,
}
