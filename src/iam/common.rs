//! Helpers shared by the IAM handlers: pagination, error mapping, document checks.

use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode};
use crate::store::{StoreError, Tag};
use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoSuchEntity(m) => ApiError::new(ErrorCode::NoSuchEntity, m),
            StoreError::EntityAlreadyExists(m) => ApiError::new(ErrorCode::EntityAlreadyExists, m),
            StoreError::DeleteConflict(m) => ApiError::new(ErrorCode::DeleteConflict, m),
            StoreError::LimitExceeded(m) => ApiError::new(ErrorCode::LimitExceeded, m),
            StoreError::InvalidInput(m) => ApiError::new(ErrorCode::InvalidInput, m),
            StoreError::Db(e) => ApiError::internal(e),
        }
    }
}

/// One page of a list: the items, `IsTruncated`, and the `Marker` of the next page.
pub struct Page<T> {
    pub items: Vec<T>,
    pub is_truncated: bool,
    pub marker: Option<String>,
}

/// Default and maximum `MaxItems` (the model bounds it to 1..=1000).
const DEFAULT_MAX_ITEMS: usize = 100;

/// Pages `items` (already in list order, each with a unique, ordered `key`). The marker is the
/// opaque key of the first item of the next page, so it stays valid when earlier items change.
pub fn paginate<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<Page<T>, ApiError> {
    let max = max_items.map_or(DEFAULT_MAX_ITEMS, |m| m.max(1) as usize);
    let start_key = match marker {
        None => None,
        Some(m) => Some(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(m)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, "Invalid Marker."))?,
        ),
    };
    let mut rest: Vec<T> = match &start_key {
        None => items,
        Some(k) => items.into_iter().filter(|i| key(i).as_str() >= k.as_str()).collect(),
    };
    if rest.len() > max {
        let tail = rest.split_off(max);
        let next = tail
            .first()
            .map(|t| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key(t)));
        Ok(Page {
            items: rest,
            is_truncated: true,
            marker: next,
        })
    } else {
        Ok(Page {
            items: rest,
            is_truncated: false,
            marker: None,
        })
    }
}

/// Characters left as they are when a policy document is returned URL-encoded.
const DOC_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// IAM returns policy documents URL-encoded (RFC 3986).
pub fn encode_document(doc: &str) -> String {
    utf8_percent_encode(doc, DOC_SET).to_string()
}

/// Which limit a policy document is held to.
#[derive(Debug, Clone, Copy)]
pub enum DocKind<'a> {
    Managed,
    UserInline(&'a str),
    GroupInline(&'a str),
    RoleInline(&'a str),
    Trust,
}

/// Checks a policy document as IAM does on write: well-formed JSON, then the size quota of its
/// kind (characters, whitespace not counted), then the policy grammar.
pub fn check_document(doc: &str, kind: DocKind<'_>) -> Result<(), ApiError> {
    let size = doc.chars().filter(|c| !c.is_whitespace()).count();
    let (limit, message) = match kind {
        DocKind::Managed => (6144, "Cannot exceed quota for PolicySize: 6144".to_owned()),
        DocKind::UserInline(n) => (2048, format!("Maximum policy size of 2048 bytes exceeded for user {n}")),
        DocKind::GroupInline(n) => (5120, format!("Maximum policy size of 5120 bytes exceeded for group {n}")),
        DocKind::RoleInline(n) => (10240, format!("Maximum policy size of 10240 bytes exceeded for role {n}")),
        DocKind::Trust => (2048, "Cannot exceed quota for ACLSizePerRole: 2048".to_owned()),
    };
    validate_grammar(doc, kind)?;
    if size > limit {
        return Err(ApiError::new(ErrorCode::LimitExceeded, message));
    }
    Ok(())
}

pub fn tags_in(tags: Option<Vec<m::Tag>>) -> Result<Vec<Tag>, ApiError> {
    let tags: Vec<Tag> = tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| Tag {
            key: t.key,
            value: t.value,
        })
        .collect();
    for (i, t) in tags.iter().enumerate() {
        if tags[..i].iter().any(|o| o.key.eq_ignore_ascii_case(&t.key)) {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
    }
    if tags.len() > crate::store::quota::TAGS_PER_ENTITY {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "The number of tags has reached the maximum limit of {}.",
                crate::store::quota::TAGS_PER_ENTITY
            ),
        ));
    }
    Ok(tags)
}

pub fn tags_out(tags: Vec<Tag>) -> Vec<m::Tag> {
    tags.into_iter()
        .map(|t| m::Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

/// Splits a policy ARN into (path, name): `arn:aws:iam::123:policy/a/b/Name` → (`/a/b/`, `Name`).
pub fn policy_path_and_name(arn: &str) -> Option<(String, String)> {
    let rest = arn.split_once(":policy/")?.1;
    let (path, name) = match rest.rsplit_once('/') {
        Some((p, n)) => (format!("/{p}/"), n.to_owned()),
        None => ("/".to_owned(), rest.to_owned()),
    };
    Some((path, name))
}

/// The policy grammar check of a document.
fn validate_grammar(doc: &str, _kind: DocKind<'_>) -> Result<(), ApiError> {
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::MalformedPolicyDocument, "Syntax errors in policy.")),
    }
}
