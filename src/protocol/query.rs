//! Reading query-protocol parameters (`Tags.member.1.Key=...`) into typed inputs, with the
//! model's validation rules and AWS's `ValidationError` wording.

use super::error::ApiError;
use super::generated::errors::ErrorCode;
use super::Timestamp;
use base64::Engine as _;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The decoded parameters of a request: query string and form body merged, keys as sent.
#[derive(Debug, Clone, Default)]
pub struct Query {
    params: BTreeMap<String, String>,
}

impl Query {
    /// Merges `application/x-www-form-urlencoded` sources; later sources win on repeated keys.
    pub fn from_sources(sources: &[&[u8]]) -> Query {
        let mut params = BTreeMap::new();
        for src in sources {
            for (k, v) in form_urlencoded::parse(src) {
                params.insert(k.into_owned(), v.into_owned());
            }
        }
        Query { params }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    /// Every parameter, as key and value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Replaces each value for which `f(key, value)` returns a new one.
    pub fn rewrite_values(&mut self, mut f: impl FnMut(&str, &str) -> Option<String>) {
        for (k, v) in self.params.iter_mut() {
            if let Some(new) = f(k, v) {
                *v = new;
            }
        }
    }

    /// True when some key starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.params
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|(k, _)| k.starts_with(prefix))
    }

    /// The distinct `N` of keys `{prefix}N` and `{prefix}N.…`, sorted numerically.
    fn indices(&self, prefix: &str) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .params
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter_map(|(k, _)| {
                let rest = &k[prefix.len()..];
                rest.split('.').next().and_then(|n| n.parse::<u32>().ok())
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Validation rules of a string shape.
pub struct StrRules {
    min: Option<usize>,
    max: Option<usize>,
    /// The model's pattern, quoted in error messages.
    model_pattern: Option<&'static str>,
    /// The same pattern for the `regex` crate, anchored; `None` when it cannot be expressed.
    pattern: Option<&'static str>,
    enum_values: &'static [&'static str],
    compiled: OnceLock<Option<Regex>>,
}

impl StrRules {
    pub const fn new(
        min: Option<usize>,
        max: Option<usize>,
        model_pattern: Option<&'static str>,
        pattern: Option<&'static str>,
        enum_values: &'static [&'static str],
    ) -> StrRules {
        StrRules {
            min,
            max,
            model_pattern,
            pattern,
            enum_values,
            compiled: OnceLock::new(),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| self.pattern.and_then(|p| Regex::new(p).ok()))
            .as_ref()
    }

    /// The checks of this shape, in the order AWS reports them.
    fn check(&self, value: &str, path: &str, errors: &mut Vec<String>) {
        // AWS counts length in characters (UTF-16 code units in Java; the same for the BMP).
        let len = value.chars().count();
        // AWS no longer echoes the value ("Value at 'userName' failed to satisfy …"), which
        // also keeps secrets and control characters out of messages.
        let shown = "Value";
        if let Some(min) = self.min {
            if len < min {
                errors.push(format!(
                    "{shown} at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
                ));
            }
        }
        if let Some(max) = self.max {
            if len > max {
                errors.push(format!(
                    "{shown} at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"
                ));
            }
        }
        if !value.is_empty() || self.min.unwrap_or(0) > 0 {
            if let (Some(model), Some(re)) = (self.model_pattern, self.regex()) {
                if !re.is_match(value) {
                    errors.push(format!(
                        "{shown} at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {model}"
                    ));
                }
            }
        }
        if !self.enum_values.is_empty() && !self.enum_values.contains(&value) {
            errors.push(format!(
                "{shown} at '{path}' failed to satisfy constraint: Member must satisfy enum value set"
            ));
        }
    }
}

/// Validation rules of an integer shape.
pub struct IntRules {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Validation rules of a list shape.
pub struct ListRules {
    pub min: Option<usize>,
    pub max: Option<usize>,
}

/// Implemented by generated input structures.
pub trait FromQuery: Sized {
    /// Reads the structure whose keys start with `prefix`; `path` names it in messages.
    fn from_query(q: &Query, v: &mut Validator, prefix: &str, path: &str) -> Self;

    /// Reads a whole operation input and turns collected problems into one `ValidationError`.
    fn parse_input(q: &Query) -> Result<Self, ApiError> {
        let mut v = Validator::default();
        let out = Self::from_query(q, &mut v, "", "");
        v.finish()?;
        Ok(out)
    }
}

/// Collects validation problems while an input is read, so that all of them are reported at once
/// as AWS does (`2 validation errors detected: ...; ...`).
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<String>,
}

impl Validator {
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let n = self.errors.len();
        Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                "{n} validation error{} detected: {}",
                if n == 1 { "" } else { "s" },
                self.errors.join("; ")
            ),
        ))
    }

    pub fn required<T: Default>(&mut self, value: Option<T>, path: &str) -> T {
        match value {
            Some(v) => v,
            None => {
                self.errors.push(format!(
                    "Value null at '{path}' failed to satisfy constraint: Member must not be null"
                ));
                T::default()
            }
        }
    }

    pub fn string(&mut self, q: &Query, key: &str, path: &str, rules: &StrRules) -> Option<String> {
        let value = q.get(key)?;
        rules.check(value, path, &mut self.errors);
        Some(value.to_owned())
    }

    pub fn int(&mut self, q: &Query, key: &str, path: &str, rules: &IntRules) -> Option<i64> {
        let raw = q.get(key)?;
        let Ok(value) = raw.trim().parse::<i64>() else {
            self.errors.push(format!(
                "Value at '{path}' failed to satisfy constraint: Member must be a number"
            ));
            return None;
        };
        if let Some(min) = rules.min {
            if value < min {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
                ));
            }
        }
        if let Some(max) = rules.max {
            if value > max {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ));
            }
        }
        Some(value)
    }

    pub fn boolean(&mut self, q: &Query, key: &str, path: &str) -> Option<bool> {
        let raw = q.get(key)?;
        match raw.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must be a boolean"
                ));
                None
            }
        }
    }

    pub fn timestamp(&mut self, q: &Query, key: &str, path: &str) -> Option<Timestamp> {
        let raw = q.get(key)?;
        if let Ok(t) =
            time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        {
            return Some(Timestamp(t));
        }
        if let Some(t) = raw
            .parse::<f64>()
            .ok()
            .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs as i64).ok())
        {
            return Some(Timestamp(t));
        }
        self.errors.push(format!(
            "Value at '{path}' failed to satisfy constraint: Member must be a timestamp"
        ));
        None
    }

    pub fn blob(&mut self, q: &Query, key: &str, path: &str) -> Option<Vec<u8>> {
        let raw = q.get(key)?;
        match base64::engine::general_purpose::STANDARD.decode(raw) {
            Ok(b) => Some(b),
            Err(_) => {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must be base64-encoded"
                ));
                None
            }
        }
    }

    pub fn structure<T>(
        &mut self,
        q: &Query,
        key: &str,
        path: &str,
        read: impl Fn(&Query, &mut Validator, &str, &str) -> T,
    ) -> Option<T> {
        let prefix = format!("{key}.");
        if !q.has_prefix(&prefix) && q.get(key).is_none() {
            return None;
        }
        Some(read(q, self, &prefix, &format!("{path}.")))
    }

    /// `Key.member.N` items; `Key=` (an explicitly empty list, as botocore sends it) is `Some([])`.
    pub fn list<T>(
        &mut self,
        q: &Query,
        key: &str,
        path: &str,
        rules: &ListRules,
        read: impl Fn(&Query, &mut Validator, &str, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let prefix = format!("{key}.member.");
        let indices = q.indices(&prefix);
        if indices.is_empty() {
            return q.get(key).map(|_| {
                self.check_list_len(0, path, rules);
                Vec::new()
            });
        }
        let mut out = Vec::with_capacity(indices.len());
        for n in indices {
            let item_key = format!("{prefix}{n}");
            let item_path = format!("{path}.{n}.member");
            if let Some(item) = read(q, self, &item_key, &item_path) {
                out.push(item);
            }
        }
        self.check_list_len(out.len(), path, rules);
        Some(out)
    }

    fn check_list_len(&mut self, len: usize, path: &str, rules: &ListRules) {
        if let Some(min) = rules.min {
            if len < min {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
                ));
            }
        }
        if let Some(max) = rules.max {
            if len > max {
                self.errors.push(format!(
                    "Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"
                ));
            }
        }
    }

    /// `Key.entry.N.key` / `Key.entry.N.value` pairs.
    pub fn map<K, V>(
        &mut self,
        q: &Query,
        key: &str,
        path: &str,
        read_key: impl Fn(&Query, &mut Validator, &str, &str) -> Option<K>,
        read_value: impl Fn(&Query, &mut Validator, &str, &str) -> Option<V>,
    ) -> Option<Vec<(K, V)>> {
        let prefix = format!("{key}.entry.");
        let indices = q.indices(&prefix);
        if indices.is_empty() {
            return q.get(key).map(|_| Vec::new());
        }
        let mut out = Vec::new();
        for n in indices {
            let k = read_key(
                q,
                self,
                &format!("{prefix}{n}.key"),
                &format!("{path}.{n}.key"),
            );
            let v = read_value(
                q,
                self,
                &format!("{prefix}{n}.value"),
                &format!("{path}.{n}.value"),
            );
            if let (Some(k), Some(v)) = (k, v) {
                out.push((k, v));
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NAME: StrRules = StrRules::new(
        Some(1),
        Some(64),
        Some(r"[\w+=,.@-]+"),
        Some(r"^(?:[a-zA-Z0-9_+=,.@-]+)$"),
        &[],
    );
    static STATUS: StrRules = StrRules::new(None, None, None, None, &["Active", "Inactive"]);
    static SECRET: StrRules = StrRules::new(Some(8), None, None, None, &[]);

    #[test]
    fn values_are_not_echoed() {
        let mut v = Validator::default();
        v.string(&q("Password=short"), "Password", "password", &SECRET);
        let err = v.finish().unwrap_err();
        assert!(!err.message.contains("short"), "{}", err.message);
        assert!(err
            .message
            .contains("Value at 'password' failed to satisfy constraint"));
    }

    fn q(s: &str) -> Query {
        Query::from_sources(&[s.as_bytes()])
    }

    #[test]
    fn pattern_and_length_errors_are_worded_as_aws() {
        let mut v = Validator::default();
        let got = v.string(&q("UserName=bad+name%21"), "UserName", "userName", &NAME);
        assert_eq!(got.as_deref(), Some("bad name!"));
        let err = v.finish().unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationError);
        assert_eq!(
            err.message,
            r"1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+"
        );
    }

    #[test]
    fn missing_and_enum_errors_are_collected() {
        let mut v = Validator::default();
        let name: String = v.required(None, "userName");
        assert_eq!(name, "");
        v.string(&q("Status=On"), "Status", "status", &STATUS);
        let err = v.finish().unwrap_err();
        assert_eq!(
            err.message,
            "2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"
        );
    }

    #[test]
    fn lists_read_members_in_numeric_order() {
        let query = q("A.member.10=ten&A.member.2=two&A.member.1=one");
        let mut v = Validator::default();
        let rules = ListRules {
            min: None,
            max: None,
        };
        let got = v.list(&query, "A", "a", &rules, |q, v, key, path| {
            v.string(q, key, path, &STATUS)
        });
        assert_eq!(got, Some(vec!["one".into(), "two".into(), "ten".into()]));
        let empty = v.list(&q("A="), "A", "a", &rules, |q, v, key, path| {
            v.string(q, key, path, &STATUS)
        });
        assert_eq!(empty, Some(vec![]));
    }
}
