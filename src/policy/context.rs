//! The request context: the condition keys a request carries, as `SimulateCustomPolicy`'s
//! `ContextEntries` or the server's own request would supply them.
//!
//! Only keys put here exist. The engine fills nothing in (no `aws:CurrentTime`, no
//! `aws:username`): the caller adds what a real request would carry.

/// IAM's `ContextKeyTypeEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextKeyType {
    String,
    StringList,
    Numeric,
    NumericList,
    Boolean,
    BooleanList,
    Ip,
    IpList,
    Binary,
    BinaryList,
    Date,
    DateList,
}

impl ContextKeyType {
    /// Parse the API's spelling (`"string"`, `"stringList"`, ...), case-insensitively.
    pub fn parse(s: &str) -> Option<ContextKeyType> {
        use ContextKeyType::*;
        let all = [
            ("string", String),
            ("stringlist", StringList),
            ("numeric", Numeric),
            ("numericlist", NumericList),
            ("boolean", Boolean),
            ("booleanlist", BooleanList),
            ("ip", Ip),
            ("iplist", IpList),
            ("binary", Binary),
            ("binarylist", BinaryList),
            ("date", Date),
            ("datelist", DateList),
        ];
        all.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, t)| *t)
    }

    pub fn is_list(self) -> bool {
        use ContextKeyType::*;
        matches!(
            self,
            StringList | NumericList | BooleanList | IpList | BinaryList | DateList
        )
    }
}

/// Up to this many keys, [`RequestContext::get_lc`] scans instead of bisecting.
const LINEAR_LOOKUP_MAX: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct ContextEntry {
    /// The key as the caller spelled it.
    pub name: String,
    pub key_type: ContextKeyType,
    pub values: Vec<String>,
}

/// Context keys of one request; lookups ignore case, as IAM does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestContext {
    /// Sorted by lower-cased key: a binary search is cheaper than hashing for the few dozen
    /// keys a request carries.
    entries: Vec<(String, ContextEntry)>,
    /// Where keys this context does not set are found: a request's keys over its caller's,
    /// which stay the same from one request to the next and are built once.
    parent: Option<std::sync::Arc<RequestContext>>,
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context over `parent`: its keys apply unless this one sets them too.
    pub fn over(parent: std::sync::Arc<RequestContext>) -> Self {
        RequestContext {
            entries: Vec::new(),
            parent: Some(parent),
        }
    }

    /// Add or replace a key.
    pub fn insert(&mut self, key: &str, key_type: ContextKeyType, values: Vec<String>) {
        let lc = key.to_ascii_lowercase();
        let entry = ContextEntry {
            name: key.to_string(),
            key_type,
            values,
        };
        match self.entries.binary_search_by(|(k, _)| k.as_str().cmp(&lc)) {
            Ok(i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    slot.1 = entry;
                }
            }
            Err(i) => self.entries.insert(i, (lc, entry)),
        }
    }

    /// Builder-style [`insert`](Self::insert).
    pub fn with(mut self, key: &str, key_type: ContextKeyType, values: &[&str]) -> Self {
        self.insert(
            key,
            key_type,
            values.iter().map(|v| (*v).to_string()).collect(),
        );
        self
    }

    /// `key` must already be lower-case.
    pub(crate) fn get_lc(&self, key: &str) -> Option<&ContextEntry> {
        match self.own_lc(key) {
            Some(found) => Some(found),
            None => self.parent.as_deref()?.get_lc(key),
        }
    }

    /// A key this context sets itself (`key` lower-case).
    fn own_lc(&self, key: &str) -> Option<&ContextEntry> {
        // A request carries a handful of keys: comparing lengths first rejects most of them
        // without touching the text, which beats ordered string comparisons.
        if self.entries.len() <= LINEAR_LOOKUP_MAX {
            return self
                .entries
                .iter()
                .find(|(k, _)| {
                    k.len() == key.len()
                        && k.as_bytes().last() == key.as_bytes().last()
                        && k.as_bytes() == key.as_bytes()
                })
                .map(|(_, e)| e);
        }
        let i = self
            .entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        self.entries.get(i).map(|(_, e)| e)
    }

    pub fn get(&self, key: &str) -> Option<&ContextEntry> {
        self.get_lc(&key.to_ascii_lowercase())
    }

    /// Every key that applies, its own and its parents' not set here, in key order.
    pub fn entries(&self) -> Vec<&ContextEntry> {
        let mut out: Vec<(&str, &ContextEntry)> = Vec::new();
        let mut level = Some(self);
        while let Some(c) = level {
            for (k, e) in &c.entries {
                if !out.iter().any(|(seen, _)| seen == k) {
                    out.push((k, e));
                }
            }
            level = c.parent.as_deref();
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        out.into_iter().map(|(_, e)| e).collect()
    }

    /// The value of a single-valued key, for policy variables (`key` lower-case). A key with
    /// several values cannot be used as a variable, as IAM documents.
    pub(crate) fn single_value(&self, key: &str) -> Option<&str> {
        match self.get_lc(key)?.values.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.parent.as_ref().is_none_or(|p| p.is_empty())
    }

    /// The number of keys that apply.
    pub fn len(&self) -> usize {
        self.entries().len()
    }
}

#[cfg(test)]
mod tests {
    use super::{ContextKeyType, RequestContext};
    use std::sync::Arc;

    #[test]
    fn a_context_over_a_parent_sees_both_and_shadows_the_parent() {
        let parent = Arc::new(
            RequestContext::new()
                .with("aws:username", ContextKeyType::String, &["alice"])
                .with("aws:PrincipalTag/team", ContextKeyType::String, &["red"]),
        );
        let mut child = RequestContext::over(parent.clone());
        child.insert(
            "aws:principaltag/TEAM",
            ContextKeyType::String,
            vec!["blue".into()],
        );
        child.insert("aws:SourceIp", ContextKeyType::Ip, vec!["10.0.0.1".into()]);
        assert_eq!(child.get("AWS:USERNAME").unwrap().values, ["alice"]);
        assert_eq!(child.get("aws:PrincipalTag/team").unwrap().values, ["blue"]);
        assert_eq!(parent.get("aws:PrincipalTag/team").unwrap().values, ["red"]);
        assert_eq!(child.len(), 3);
        let names: Vec<&str> = child.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["aws:principaltag/TEAM", "aws:SourceIp", "aws:username"]
        );
        assert!(RequestContext::over(Arc::new(RequestContext::new())).is_empty());
    }
}
