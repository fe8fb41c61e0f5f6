//! Stage three: the validated, typed policy. Wildcards and condition values are compiled
//! here, once; evaluation only runs the compiled matchers.

use super::condition::{Condition, Operator};
use super::error::PolicyError;
use super::json::{self, LineIndex, Position};
use super::pattern::{ActionPatterns, ArnPattern};
use super::raw::{self, RawPolicy, RawPrincipal, RawStatement, VERSION_2008, VERSION_2012};

/// Where a policy document is used; decides which elements it must and must not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Identity-based (managed or inline): no Principal, Resource required.
    Identity,
    /// Resource-based (bucket, queue, topic...): Principal required, Resource required.
    Resource,
    /// A role's assume-role policy: Principal required, no Resource, only `sts:` actions.
    Trust,
    /// A permissions boundary: same grammar as identity policies.
    Boundary,
    /// A session policy passed to AssumeRole/GetFederationToken: as identity policies.
    Session,
    /// An organization's service or resource control policy: as identity policies.
    ControlPolicy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

/// One value of `Principal`/`NotPrincipal`'s `"AWS"` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsPrincipal {
    /// `"*"`: everyone, authenticated or not.
    Any,
    /// `"123456789012"` or `"arn:aws:iam::123456789012:root"`: the account, which delegates
    /// to the account's own identity policies.
    Account(String),
    /// A user, role, assumed-role session or federated-user ARN.
    Arn(String),
}

/// A statement's `Principal` or `NotPrincipal` value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principals {
    /// `"Principal": "*"`.
    pub wildcard: bool,
    pub aws: Vec<AwsPrincipal>,
    pub service: Vec<String>,
    pub federated: Vec<String>,
    pub canonical_user: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ActionMatcher {
    Action(ActionPatterns),
    NotAction(ActionPatterns),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResourceMatcher {
    /// Trust policies have no Resource: the role itself is the resource.
    Any,
    Resource(Vec<ArnPattern>),
    NotResource(Vec<ArnPattern>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalMatcher {
    /// Identity-style statement: applies to whoever holds the policy.
    Holder,
    Principal(Principals),
    NotPrincipal(Principals),
}

/// One validated statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the `Statement` list, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// Where the statement's `{` is, and just past its `}` (1-based lines and columns).
    pub start: Position,
    pub end: Position,
    pub principals: PrincipalMatcher,
    pub(crate) actions: ActionMatcher,
    pub(crate) resources: ResourceMatcher,
    pub conditions: Vec<Condition>,
}

/// A validated, compiled policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub kind: PolicyKind,
    /// `None` when the document has no `Version` (IAM then uses 2008-10-17).
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Parse and validate `text` as a policy of `kind`.
    pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
        Policy::parse_checked(text, kind, false)
    }

    /// [`parse`](Self::parse) for IAM's managed policies (`CreatePolicy`,
    /// `CreatePolicyVersion`), which must say `"Version": "2012-10-17"`. IAM reports a missing
    /// or older version right after the document's syntax, before any statement-level error.
    pub fn parse_managed(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
        Policy::parse_checked(text, kind, true)
    }

    fn parse_checked(
        text: &str,
        kind: PolicyKind,
        current_version: bool,
    ) -> Result<Policy, PolicyError> {
        // Text that is not a JSON object: IAM words this differently for trust policies.
        let not_json = || {
            if kind == PolicyKind::Trust {
                PolicyError::InvalidJson
            } else {
                PolicyError::Syntax
            }
        };
        let root = json::parse(text).map_err(|_| not_json())?;
        let raw = raw::from_json(&root).map_err(|e| match e {
            PolicyError::InvalidJson => not_json(),
            other => other,
        })?;
        if current_version && raw.version.as_deref() != Some(VERSION_2012) {
            return Err(PolicyError::VersionTooOld);
        }
        let lines = LineIndex::new(text);
        validate(&raw, kind)?;
        build(&raw, kind, &lines)
    }

    /// Context keys the policy references, in conditions and as `${variables}`, each once
    /// (compared without case), in order of first use. For `GetContextKeysForCustomPolicy`.
    pub fn context_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |k: &str| {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
                out.push(k.to_string());
            }
        };
        for st in &self.statements {
            match &st.resources {
                ResourceMatcher::Resource(ps) | ResourceMatcher::NotResource(ps) => {
                    for p in ps {
                        p.variables().for_each(&mut push);
                    }
                }
                ResourceMatcher::Any => {}
            }
            for c in &st.conditions {
                push(&c.key);
                c.variables().into_iter().for_each(&mut push);
            }
        }
        out
    }

    /// Every principal the policy names, for the caller's existence checks
    /// (`Invalid principal in policy` when a named user or role does not exist).
    pub fn named_principals(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for st in &self.statements {
            let ps = match &st.principals {
                PrincipalMatcher::Principal(p) | PrincipalMatcher::NotPrincipal(p) => p,
                PrincipalMatcher::Holder => continue,
            };
            for a in &ps.aws {
                match a {
                    AwsPrincipal::Any => {}
                    AwsPrincipal::Account(x) | AwsPrincipal::Arn(x) => {
                        out.push(("AWS", x.as_str()))
                    }
                }
            }
            out.extend(ps.service.iter().map(|s| ("Service", s.as_str())));
            out.extend(ps.federated.iter().map(|s| ("Federated", s.as_str())));
        }
        out
    }
}

fn is_identity_like(kind: PolicyKind) -> bool {
    matches!(
        kind,
        PolicyKind::Identity
            | PolicyKind::Boundary
            | PolicyKind::Session
            | PolicyKind::ControlPolicy
    )
}

/// Checks in the order IAM applies them, so the first error reported is IAM's.
fn validate(raw: &RawPolicy, kind: PolicyKind) -> Result<(), PolicyError> {
    // Principal presence is decided by the kind of policy before anything else.
    for st in &raw.statements {
        let has_principal = st.principal.is_some() || st.not_principal.is_some();
        if is_identity_like(kind) && has_principal {
            return Err(PolicyError::PrincipalNotAllowed);
        }
        if !is_identity_like(kind) && !has_principal {
            return Err(PolicyError::MissingPrincipal);
        }
        if let Some(RawPrincipal::Map(m)) = st.principal.as_ref().or(st.not_principal.as_ref()) {
            if m.is_empty() {
                return Err(PolicyError::MissingPrincipal);
            }
        }
    }
    // IAM's older parser: exact-case Effect, parseable dates, ARN shape.
    for st in &raw.statements {
        if !matches!(st.effect.as_deref(), Some("Allow" | "Deny")) {
            return Err(PolicyError::LegacyParsing);
        }
        for (op_name, entries) in st.condition.iter().flatten() {
            let Some(op) = Operator::parse(op_name) else {
                if entries.is_empty() {
                    continue;
                }
                return Err(PolicyError::Syntax);
            };
            if op.is_date() {
                for (_, values) in entries {
                    if !values.iter().all(|v| legacy_date(v)) {
                        return Err(PolicyError::LegacyParsing);
                    }
                }
            }
        }
        for r in st.resource.iter().chain(st.not_resource.iter()).flatten() {
            if r != "*" {
                let colons = r.matches(':').count();
                if r.contains("::") && colons < 5 {
                    return Err(PolicyError::LegacyParsing);
                }
                // An empty service in an ARN of a known partition; a resource whose partition
                // is not one gets the partition's own message later.
                let known_partition = r.split(':').nth(1).is_some_and(|p| PARTITIONS.contains(&p));
                if known_partition && r.split(':').nth(2) == Some("") && colons >= 2 {
                    return Err(PolicyError::LegacyParsing);
                }
            }
        }
    }
    let mut sids: Vec<&str> = Vec::new();
    for st in &raw.statements {
        if let Some(sid) = st.sid.as_deref().filter(|s| !s.is_empty()) {
            if sids.contains(&sid) {
                return Err(PolicyError::DuplicateSid);
            }
            sids.push(sid);
        }
    }
    for st in &raw.statements {
        let actions = st.action.as_ref().or(st.not_action.as_ref());
        if actions.is_none_or(|a| a.is_empty()) {
            return Err(PolicyError::MissingActions);
        }
    }
    for st in &raw.statements {
        let resources = st.resource.as_ref().or(st.not_resource.as_ref());
        if kind == PolicyKind::Trust {
            if resources.is_some() {
                return Err(PolicyError::TrustHasResource);
            }
        } else if resources.is_none_or(|r| r.is_empty()) {
            return Err(PolicyError::MissingResources);
        }
    }
    for st in &raw.statements {
        for r in st.resource.iter().chain(st.not_resource.iter()).flatten() {
            validate_resource(r)?;
        }
    }
    for st in &raw.statements {
        for a in st.action.iter().chain(st.not_action.iter()).flatten() {
            validate_action(a)?;
            if kind == PolicyKind::Trust && !is_sts_action(a) {
                return Err(PolicyError::TrustActions);
            }
        }
        if kind == PolicyKind::Trust && st.not_action.is_some() {
            return Err(PolicyError::TrustActions);
        }
        // Condition keys need no service prefix: IAM accepts a key such as `a` (it is then
        // simply absent from every request).
    }
    Ok(())
}

fn is_sts_action(a: &str) -> bool {
    a.split_once(':')
        .is_some_and(|(vendor, _)| vendor.eq_ignore_ascii_case("sts"))
}

fn validate_action(a: &str) -> Result<(), PolicyError> {
    if a == "*" {
        return Ok(());
    }
    let mut parts = a.split(':');
    let vendor = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (None, _) => return Err(PolicyError::MissingVendor),
        (Some(_), Some(_)) => return Err(PolicyError::OneColon),
        (Some(_), None) => {}
    }
    if vendor.is_empty()
        || !vendor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(PolicyError::InvalidVendor(vendor.to_string()));
    }
    Ok(())
}

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

fn validate_resource(r: &str) -> Result<(), PolicyError> {
    if r == "*" {
        return Ok(());
    }
    let Some((_, rest)) = r.split_once(':') else {
        return Err(PolicyError::ResourceNotArn(r.to_string()));
    };
    let (partition, tail) = match rest.split_once(':') {
        Some((p, t)) => (p, Some(t)),
        None => (rest, None),
    };
    let partition_ok =
        partition == "*" || partition.starts_with("${") || PARTITIONS.contains(&partition);
    if !partition_ok {
        // IAM spells the resource out with `*` for every part that is missing.
        let parts: Vec<&str> = tail.map(|t| t.split(':').collect()).unwrap_or_default();
        let part = |i: usize| -> String {
            match parts.get(i) {
                Some(p) if !p.is_empty() || parts.len() > i + 1 => (*p).to_string(),
                _ => "*".to_string(),
            }
        };
        let last = if parts.len() > 3 {
            parts.get(3..).map(|p| p.join(":")).unwrap_or_default()
        } else {
            "*".to_string()
        };
        return Err(PolicyError::InvalidPartition {
            partition: partition.to_string(),
            resource: format!("arn:{partition}:{}:{}:{}:{last}", part(0), part(1), part(2)),
        });
    }
    let Some(tail) = tail else {
        return Err(PolicyError::ResourceVendor);
    };
    // service:region:account:resource
    let mut parts = tail.splitn(4, ':');
    let service = parts.next().unwrap_or_default();
    let region = parts.next();
    let account = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let has_region = region.is_some_and(|r| !r.is_empty());
    match service {
        "iam" if has_region => {
            return Err(PolicyError::IamResourceRegion(r.to_string()));
        }
        // Buckets and objects (no account) carry no region; S3's account-level resources
        // (access points, jobs, Storage Lens, Access Grants) do.
        "s3" if has_region && account.is_empty() => {
            return Err(PolicyError::ResourceRegion(r.to_string()));
        }
        "iam" if path != "*" && !IAM_RESOURCE_PATHS.iter().any(|p| path.starts_with(p)) => {
            return Err(PolicyError::IamResourcePath);
        }
        _ => {}
    }
    Ok(())
}

/// The resource types an IAM ARN may name (IAM's own list, in its order).
pub(crate) const IAM_RESOURCE_PATHS: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// Is `v` a date value IAM's legacy parser takes? Values that contain a `t` or a `-` are read
/// as ISO 8601 date-times, with loose ranges per field (`01T`, `2016-12-13t2:00:00.5+23`);
/// anything else as an epoch number from 0 to 2^63 - 1. Dates the evaluator reads are
/// accepted as well.
fn legacy_date(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if lower.contains('t') || lower.contains('-') {
        legacy_iso_date(&lower).is_some() || super::condition::parse_date(v).is_some()
    } else {
        int_in(&lower, 0, i128::from(i64::MAX)).is_some()
    }
}

/// A whole number (optional sign, then digits) within `min..=max`.
fn int_in(s: &str, min: i128, max: i128) -> Option<i128> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i128 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

fn legacy_iso_date(v: &str) -> Option<()> {
    let (date, time) = match v.split_once('t') {
        Some((d, t)) => (d, t),
        None => (v, ""),
    };
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let date_parts: Vec<&str> = date.split('-').collect();
    if date_parts.len() >= 4 {
        return None;
    }
    let year = date_parts.first()?;
    let year = if negative {
        format!("-{year}")
    } else {
        (*year).to_string()
    };
    int_in(&year, -292_275_054, 292_278_993)?;
    if let Some(month) = date_parts.get(1) {
        int_in(month, 1, 12)?;
    }
    if let Some(day) = date_parts.get(2) {
        int_in(day, 1, 31)?;
    }
    let time_parts: Vec<&str> = time.split(':').collect();
    if let Some(hours) = time_parts.first().filter(|h| !h.is_empty()) {
        int_in(hours, 0, 23)?;
    }
    if let Some(minutes) = time_parts.get(1) {
        int_in(minutes, 0, 59)?;
    }
    if let Some(rest) = time_parts.get(2..).filter(|r| !r.is_empty()) {
        let seconds_part = rest.join(":");
        let seconds = if let Some((secs, after)) = seconds_part.split_once('z') {
            if !after.is_empty() {
                return None;
            }
            secs.to_string()
        } else if let Some((secs, zone)) = seconds_part.split_once('+') {
            let (hours, minutes) = match zone.split_once(':') {
                Some((h, m)) => (h, Some(m)),
                None => (zone, None),
            };
            if hours.len() != 2 {
                return None;
            }
            int_in(hours, 0, 23)?;
            if let Some(m) = minutes {
                if m.len() != 2 {
                    return None;
                }
                int_in(m, 0, 59)?;
            }
            secs.to_string()
        } else {
            seconds_part.clone()
        };
        let (whole, fraction) = match seconds.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (seconds.as_str(), None),
        };
        int_in(whole, 0, 59)?;
        if let Some(f) = fraction {
            int_in(f, 0, 999_999_999)?;
        }
    }
    Some(())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Classify one `"AWS"` principal value, or `None` when IAM would reject it.
fn aws_principal(v: &str) -> Option<AwsPrincipal> {
    if v == "*" {
        return Some(AwsPrincipal::Any);
    }
    if is_account_id(v) {
        return Some(AwsPrincipal::Account(v.to_string()));
    }
    let mut parts = v.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(res)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        // Unique IDs (AIDA..., AROA...) appear where a named principal was deleted.
        let unique_id = v.len() >= 16
            && ["AIDA", "AROA", "AGPA", "ANPA"]
                .iter()
                .any(|p| v.starts_with(p))
            && v.bytes().all(|b| b.is_ascii_alphanumeric());
        return unique_id.then(|| AwsPrincipal::Arn(v.to_string()));
    };
    if !PARTITIONS.contains(&partition) || !region.is_empty() || !is_account_id(account) {
        return None;
    }
    match service {
        "iam" if res == "root" => Some(AwsPrincipal::Account(account.to_string())),
        "iam"
            if ["user/", "role/", "federated-user/"]
                .iter()
                .any(|p| res.starts_with(p) && res.len() > p.len())
                && !res.contains('*') =>
        {
            Some(AwsPrincipal::Arn(v.to_string()))
        }
        "sts"
            if ["assumed-role/", "federated-user/"]
                .iter()
                .any(|p| res.starts_with(p) && res.len() > p.len())
                && !res.contains('*') =>
        {
            Some(AwsPrincipal::Arn(v.to_string()))
        }
        _ => None,
    }
}

fn principals(raw: &RawPrincipal) -> Result<Principals, PolicyError> {
    let mut out = Principals::default();
    let RawPrincipal::Map(entries) = raw else {
        out.wildcard = true;
        return Ok(out);
    };
    for (kind, values) in entries {
        let invalid = |v: &str| PolicyError::InvalidPrincipal {
            kind: kind.to_ascii_uppercase(),
            value: v.to_string(),
        };
        match kind.as_str() {
            "AWS" => {
                for v in values {
                    out.aws.push(aws_principal(v).ok_or_else(|| invalid(v))?);
                }
            }
            "Service" | "Federated" | "CanonicalUser" => {
                for v in values {
                    if v.is_empty() || v.contains(char::is_whitespace) {
                        return Err(invalid(v));
                    }
                }
                let list = match kind.as_str() {
                    "Service" => &mut out.service,
                    "Federated" => &mut out.federated,
                    _ => &mut out.canonical_user,
                };
                list.extend(values.iter().cloned());
            }
            _ => {
                let v = values.first().map(String::as_str).unwrap_or_default();
                return Err(invalid(v));
            }
        }
    }
    Ok(out)
}

fn build(raw: &RawPolicy, kind: PolicyKind, lines: &LineIndex<'_>) -> Result<Policy, PolicyError> {
    // `"Version": "2008-10-17"` (or none) predates policy variables: `${...}` is plain text.
    let variables = raw.version.as_deref() != Some(VERSION_2008) && raw.version.is_some();
    let mut statements = Vec::with_capacity(raw.statements.len());
    for (index, st) in raw.statements.iter().enumerate() {
        statements.push(statement(index, st, kind, variables, lines)?);
    }
    Ok(Policy {
        kind,
        version: raw.version.clone(),
        id: raw.id.clone(),
        statements,
    })
}

fn statement(
    index: usize,
    st: &RawStatement,
    kind: PolicyKind,
    variables: bool,
    lines: &LineIndex<'_>,
) -> Result<Statement, PolicyError> {
    let effect = match st.effect.as_deref() {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err(PolicyError::LegacyParsing),
    };
    let actions = match (&st.action, &st.not_action) {
        (Some(a), _) => ActionMatcher::Action(ActionPatterns::new(a)),
        (None, Some(a)) => ActionMatcher::NotAction(ActionPatterns::new(a)),
        (None, None) => return Err(PolicyError::MissingActions),
    };
    let arn_patterns = |list: &Vec<String>| -> Vec<ArnPattern> {
        list.iter().map(|r| ArnPattern::new(r, variables)).collect()
    };
    let resources = match (&st.resource, &st.not_resource) {
        (Some(r), _) => ResourceMatcher::Resource(arn_patterns(r)),
        (None, Some(r)) => ResourceMatcher::NotResource(arn_patterns(r)),
        (None, None) if kind == PolicyKind::Trust => ResourceMatcher::Any,
        (None, None) => return Err(PolicyError::MissingResources),
    };
    let principal_matcher = match (&st.principal, &st.not_principal) {
        (Some(p), _) => PrincipalMatcher::Principal(principals(p)?),
        (None, Some(p)) => PrincipalMatcher::NotPrincipal(principals(p)?),
        (None, None) => PrincipalMatcher::Holder,
    };
    let mut conditions = Vec::new();
    for (op_name, entries) in st.condition.iter().flatten() {
        let Some(op) = Operator::parse(op_name) else {
            // Only an empty block can carry an unknown operator past validation.
            continue;
        };
        for (key, values) in entries {
            conditions.push(Condition::new(op_name, op, key, values, variables));
        }
    }
    Ok(Statement {
        index,
        sid: st.sid.clone(),
        effect,
        start: lines.position(st.span.start),
        end: lines.position(st.span.end),
        principals: principal_matcher,
        actions,
        resources,
        conditions,
    })
}
