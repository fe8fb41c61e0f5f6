//! Helpers shared by the IAM handlers: pagination, error mapping, document checks.

use crate::policy;
use crate::protocol::generated::iam as m;
use crate::protocol::{ApiError, ErrorCode};
use crate::store::{EntityType, StoreError, Tag};
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

/// Pages `items` in the order of their unique `key` (the list order of every IAM list). The
/// marker is the opaque key of the first item of the next page, so it stays valid when earlier
/// items change.
pub fn paginate<T>(
    mut items: Vec<T>,
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<Page<T>, ApiError> {
    let max = max_items.map_or(DEFAULT_MAX_ITEMS, |m| m.max(1) as usize);
    // INVARIANT: resuming at a marker keeps the items with keys at or after it, which is only
    // a continuation when the items are in key order.
    items.sort_by_cached_key(|i| key(i));
    let start_key = marker.map(decode_marker).transpose()?;
    let mut rest: Vec<T> = match &start_key {
        None => items,
        Some(k) => items
            .into_iter()
            .filter(|i| key(i).as_str() >= k.as_str())
            .collect(),
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

/// The key a `Marker` resumes at.
fn decode_marker(marker: &str) -> Result<String, ApiError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(marker)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, "Invalid Marker."))
}

/// One page read from an ordered index, at the cost of the page alone: `fetch(from, n)`
/// returns up to `n` items in `key` order, starting at key `from` (the first when `None`).
/// Markers are those of [`paginate`].
pub fn page_from_index<T>(
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    max_items: Option<i32>,
    fetch: impl FnOnce(Option<&str>, usize) -> Vec<T>,
) -> Result<Page<T>, ApiError> {
    let max = max_items.map_or(DEFAULT_MAX_ITEMS, |m| m.max(1) as usize);
    let from = marker.map(decode_marker).transpose()?;
    let mut items = fetch(from.as_deref(), max.saturating_add(1));
    let next = if items.len() > max {
        items.truncate(max + 1);
        items
            .pop()
            .map(|t| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key(&t)))
    } else {
        None
    };
    Ok(Page {
        items,
        is_truncated: next.is_some(),
        marker: next,
    })
}

/// Pages `items` in the order given (tags, versions, simulation results), by position.
pub fn paginate_in_order<T>(
    items: Vec<T>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<Page<T>, ApiError> {
    let indexed: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    let page = paginate(indexed, |(n, _)| format!("{n:08}"), marker, max_items)?;
    Ok(Page {
        items: page.items.into_iter().map(|(_, t)| t).collect(),
        is_truncated: page.is_truncated,
        marker: page.marker,
    })
}

/// One page of an entity's tags, in the order they were added.
pub async fn tags_page(
    s: &crate::server::AppState,
    entity_id: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<m::Tag>, bool, Option<String>), ApiError> {
    let page = paginate_in_order(s.store.tags(entity_id).await?, marker, max_items)?;
    Ok((tags_out(page.items), page.is_truncated, page.marker))
}

/// Characters left as they are when a policy document is returned URL-encoded.
const DOC_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// IAM returns policy documents URL-encoded (RFC 3986).
pub fn encode_document(doc: &str) -> String {
    utf8_percent_encode(doc, DOC_SET).to_string()
}

/// Which limit a policy document is held to.
#[derive(Debug, Clone, Copy)]
pub enum DocKind<'a> {
    Managed,
    /// An inline policy of the named user, group or role; `others` is the size (characters,
    /// whitespace not counted) of the entity's other inline policies, which share one quota.
    Inline {
        entity: EntityType,
        name: &'a str,
        others: usize,
    },
    Trust,
}

/// Checks a policy document as IAM does on write: the policy grammar for its kind, then the
/// size quota of its kind (characters, whitespace not counted).
pub fn check_document(doc: &str, kind: DocKind<'_>) -> Result<policy::Policy, ApiError> {
    let policy_kind = match kind {
        DocKind::Trust => policy::PolicyKind::Trust,
        _ => policy::PolicyKind::Identity,
    };
    let malformed =
        |e: policy::PolicyError| ApiError::new(ErrorCode::MalformedPolicyDocument, e.to_string());
    let parsed = if matches!(kind, DocKind::Managed) {
        policy::Policy::parse_managed(doc, policy_kind)
    } else {
        policy::Policy::parse(doc, policy_kind)
    }
    .map_err(malformed)?;
    let size = policy::non_whitespace_len(doc);
    let quota = match kind {
        DocKind::Managed => Some((policy::SizeQuota::ManagedPolicy, "", 0)),
        DocKind::Trust => Some((policy::SizeQuota::TrustPolicy, "", 0)),
        DocKind::Inline {
            entity,
            name,
            others,
        } => Some((
            match entity {
                EntityType::User => policy::SizeQuota::UserInline,
                EntityType::Group => policy::SizeQuota::GroupInline,
                EntityType::Role => policy::SizeQuota::RoleInline,
            },
            name,
            others,
        )),
    };
    if let Some((quota, name, others)) = quota {
        quota
            .check(size + others, name)
            .map_err(|m| ApiError::new(ErrorCode::LimitExceeded, m))?;
    }
    Ok(parsed)
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

/// A user's or role's permissions boundary as IAM reports it.
pub fn attached_boundary(arn: Option<String>) -> Option<m::AttachedPermissionsBoundary> {
    arn.map(|arn| m::AttachedPermissionsBoundary {
        permissions_boundary_type: Some("PermissionsBoundaryPolicy".into()),
        permissions_boundary_arn: Some(arn),
    })
}
