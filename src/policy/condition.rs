//! Condition operators: parsing the operator name, compiling the policy values once, and
//! deciding one `"Operator": {"key": [values]}` entry against a request context.
//!
//! The rules, from the IAM User Guide ("Condition operators", "Single-valued vs. multivalued
//! context keys"):
//! - values listed for one key are OR'd; a negated operator (`StringNotEquals`, `NotIpAddress`,
//!   `ArnNotLike`...) is the negation of its positive form, so its values are NOR'd;
//! - a key missing from the request makes a positive operator false and a negated one true;
//!   `...IfExists` makes any operator true when the key is missing;
//! - `ForAllValues:` is true when every request value matches (true for a missing key or an
//!   empty set); `ForAnyValue:` when at least one does (false for a missing key or empty set);
//!   with a negated operator, "matches" means "matches none of the policy values";
//! - `Null` tests presence: `"true"` means the key is absent.

use std::net::IpAddr;

use base64::Engine as _;
use ipnet::IpNet;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::context::{ContextEntry, RequestContext};
use super::pattern::{ArnPattern, Pattern};

/// The operator family, without qualifier, `IfExists` or negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorKind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnEquals,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A parsed operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub kind: OperatorKind,
    pub negated: bool,
    pub if_exists: bool,
    pub qualifier: Option<SetQualifier>,
}

impl Operator {
    /// Parse an operator name. Names are case-sensitive, as in IAM's grammar.
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        use OperatorKind::*;
        let (kind, negated) = match base {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            "ArnEquals" => (ArnEquals, false),
            "ArnNotEquals" => (ArnEquals, true),
            "ArnLike" => (ArnLike, false),
            "ArnNotLike" => (ArnLike, true),
            // `NullIfExists` is meaningless; IAM rejects it.
            "Null" if !if_exists => (Null, false),
            _ => return None,
        };
        Some(Operator {
            kind,
            negated,
            if_exists,
            qualifier,
        })
    }

    pub fn is_date(self) -> bool {
        use OperatorKind::*;
        matches!(
            self.kind,
            DateEquals
                | DateLessThan
                | DateLessThanEquals
                | DateGreaterThan
                | DateGreaterThanEquals
        )
    }
}

/// Policy values compiled for their operator.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// String operators (exact, ignore-case or like, per `Pattern`).
    Strings(Vec<Pattern>),
    Arns(Vec<ArnPattern>),
    /// `None` for a value that does not parse: it matches nothing.
    Numbers(Vec<Option<f64>>),
    /// Unix time in nanoseconds.
    Dates(Vec<Option<i128>>),
    /// Lower-cased `"true"`/`"false"`.
    Bools(Vec<String>),
    Binaries(Vec<Vec<u8>>),
    Ips(Vec<Option<IpNet>>),
    /// `Null`'s `true`/`false` (`None` for anything else).
    Nulls(Vec<Option<bool>>),
}

/// One key under one operator: `"StringLike": {"s3:prefix": ["home/", "home/${aws:username}/*"]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    /// The operator as written in the policy.
    pub operator_name: String,
    /// The key as written in the policy.
    pub key: String,
    key_lc: String,
    values: Values,
}

impl Condition {
    pub fn new(
        operator_name: &str,
        operator: Operator,
        key: &str,
        raw_values: &[String],
        variables: bool,
    ) -> Condition {
        use OperatorKind::*;
        let values = match operator.kind {
            StringEquals => Values::Strings(
                raw_values
                    .iter()
                    .map(|v| Pattern::new(v, false, false, variables))
                    .collect(),
            ),
            StringEqualsIgnoreCase => Values::Strings(
                raw_values
                    .iter()
                    .map(|v| Pattern::new(v, false, true, variables))
                    .collect(),
            ),
            StringLike => Values::Strings(
                raw_values
                    .iter()
                    .map(|v| Pattern::new(v, true, false, variables))
                    .collect(),
            ),
            // ArnEquals and ArnLike behave the same: both honour wildcards per ARN part.
            ArnEquals | ArnLike => Values::Arns(
                raw_values
                    .iter()
                    .map(|v| ArnPattern::new(v, variables))
                    .collect(),
            ),
            NumericEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => {
                Values::Numbers(raw_values.iter().map(|v| parse_number(v)).collect())
            }
            DateEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => {
                Values::Dates(raw_values.iter().map(|v| parse_date(v)).collect())
            }
            Bool => Values::Bools(raw_values.iter().map(|v| v.to_ascii_lowercase()).collect()),
            BinaryEquals => Values::Binaries(raw_values.iter().map(|v| decode_binary(v)).collect()),
            IpAddress => Values::Ips(raw_values.iter().map(|v| parse_ip_net(v)).collect()),
            Null => Values::Nulls(
                raw_values
                    .iter()
                    .map(|v| match v.to_ascii_lowercase().as_str() {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    })
                    .collect(),
            ),
        };
        Condition {
            operator,
            operator_name: operator_name.to_string(),
            key: key.to_string(),
            key_lc: key.to_ascii_lowercase(),
            values,
        }
    }

    pub(crate) fn key_lc(&self) -> &str {
        &self.key_lc
    }

    /// Variable keys referenced in the values (lower-case).
    pub(crate) fn variables(&self) -> Vec<&str> {
        match &self.values {
            Values::Strings(ps) => ps.iter().flat_map(|p| p.variables()).collect(),
            Values::Arns(ps) => ps.iter().flat_map(|p| p.variables()).collect(),
            _ => Vec::new(),
        }
    }

    /// Decide this condition for the request.
    pub fn evaluate(&self, ctx: &RequestContext) -> bool {
        self.evaluate_entry(ctx.get_lc(&self.key_lc), ctx)
    }

    /// [`evaluate`](Self::evaluate) with the request's entry for this key already looked up.
    pub(crate) fn evaluate_entry(
        &self,
        entry: Option<&ContextEntry>,
        ctx: &RequestContext,
    ) -> bool {
        if let Values::Nulls(expect) = &self.values {
            let absent = entry.is_none_or(|e| e.values.is_empty());
            return expect.contains(&Some(absent));
        }
        let values: &[String] = entry.map_or(&[], |e| e.values.as_slice());
        let op = self.operator;
        match op.qualifier {
            None => {
                if values.is_empty() {
                    return op.if_exists || op.negated;
                }
                let any = values.iter().any(|v| self.matches_any(v, ctx));
                any != op.negated
            }
            Some(SetQualifier::ForAllValues) => values
                .iter()
                .all(|v| self.matches_any(v, ctx) != op.negated),
            Some(SetQualifier::ForAnyValue) => {
                if values.is_empty() {
                    return op.if_exists;
                }
                values
                    .iter()
                    .any(|v| self.matches_any(v, ctx) != op.negated)
            }
        }
    }

    /// Does one request value match at least one policy value (positive form)?
    fn matches_any(&self, v: &str, ctx: &RequestContext) -> bool {
        use OperatorKind::*;
        match &self.values {
            Values::Strings(ps) => ps.iter().any(|p| p.matches(v, ctx)),
            Values::Arns(ps) => ps.iter().any(|p| p.matches(v, ctx)),
            Values::Numbers(ns) => {
                let Some(x) = parse_number(v) else {
                    return false;
                };
                ns.iter().flatten().any(|n| match self.operator.kind {
                    NumericEquals => x == *n,
                    NumericLessThan => x < *n,
                    NumericLessThanEquals => x <= *n,
                    NumericGreaterThan => x > *n,
                    NumericGreaterThanEquals => x >= *n,
                    _ => false,
                })
            }
            Values::Dates(ds) => {
                let Some(x) = parse_date(v) else {
                    return false;
                };
                ds.iter().flatten().any(|d| match self.operator.kind {
                    DateEquals => x == *d,
                    DateLessThan => x < *d,
                    DateLessThanEquals => x <= *d,
                    DateGreaterThan => x > *d,
                    DateGreaterThanEquals => x >= *d,
                    _ => false,
                })
            }
            Values::Bools(bs) => bs.iter().any(|b| b.eq_ignore_ascii_case(v)),
            Values::Binaries(bs) => {
                let x = decode_binary(v);
                bs.contains(&x)
            }
            Values::Ips(nets) => {
                let Some(ip) = parse_ip_addr(v) else {
                    return false;
                };
                nets.iter().flatten().any(|n| n.contains(&ip))
            }
            Values::Nulls(_) => false,
        }
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("nan") || s.to_ascii_lowercase().contains("inf") {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Dates as IAM accepts them: epoch seconds (`1700000000`), or ISO 8601 date-times with `Z` or
/// an offset, optional fractional seconds, or a bare date (`2024-01-31`, midnight UTC).
pub(crate) fn parse_date(s: &str) -> Option<i128> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i128 = s.parse().ok()?;
        return secs.checked_mul(1_000_000_000);
    }
    if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(dt.unix_timestamp_nanos());
    }
    // RFC 3339 with a lower-case `t`/`z` or without seconds' offset colon variants.
    let upper = s.to_ascii_uppercase();
    if let Ok(dt) = OffsetDateTime::parse(&upper, &Rfc3339) {
        return Some(dt.unix_timestamp_nanos());
    }
    // A date, or a date-time without zone (taken as UTC), or without seconds.
    let (date_part, time_part) = match upper.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (upper.as_str(), None),
    };
    let date = parse_ymd(date_part)?;
    let time = match time_part {
        None => Time::MIDNIGHT,
        Some(t) => {
            let t = t.strip_suffix('Z').unwrap_or(t);
            let mut it = t.split(':');
            let h: u8 = it.next()?.parse().ok()?;
            let m: u8 = it.next().map_or(Some(0), |x| x.parse().ok())?;
            let sec_str = it.next().unwrap_or("0");
            if it.next().is_some() {
                return None;
            }
            let (sec, frac) = match sec_str.split_once('.') {
                Some((s, f)) => (s, f),
                None => (sec_str, ""),
            };
            let sec: u8 = sec.parse().ok()?;
            let nanos: u32 = if frac.is_empty() {
                0
            } else {
                let digits: String = frac.chars().take(9).collect();
                let scale = 10u32.pow(9u32.saturating_sub(u32::try_from(digits.len()).ok()?));
                digits.parse::<u32>().ok()?.checked_mul(scale)?
            };
            Time::from_hms_nano(h, m, sec, nanos).ok()?
        }
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp_nanos(),
    )
}

fn parse_ymd(s: &str) -> Option<Date> {
    let mut it = s.split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next().map_or(Some(1), |x| x.parse().ok())?;
    let d: u8 = it.next().map_or(Some(1), |x| x.parse().ok())?;
    if it.next().is_some() {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Binary values are base64 text; compared as bytes when both sides decode, as text otherwise.
fn decode_binary(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_else(|_| s.as_bytes().to_vec())
}

/// `203.0.113.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128).
fn parse_ip_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(net) = s.parse::<IpNet>() {
        return Some(net.trunc());
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

/// A request's address; a CIDR-shaped value counts as its address.
fn parse_ip_addr(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    s.parse::<IpNet>().ok().map(|n| n.addr())
}
