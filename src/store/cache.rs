//! In-memory credentials: the root key, long-term access keys (rebuilt from the database after a
//! write marks them stale) and issued sessions, plus key last-used data waiting to be written.

use crate::identity::Credential;
use std::collections::HashMap;
use std::sync::RwLock;
use time::OffsetDateTime;

/// Last use of an access key.
#[derive(Debug, Clone)]
pub struct LastUsed {
    pub when: OffsetDateTime,
    pub service: String,
    pub region: String,
}

pub struct CredentialCache {
    /// The accounts' root credentials, by access key id (configuration, never stored).
    roots: HashMap<String, Credential>,
    /// The long-term keys (`None` while stale) and the generation of the last invalidation: a
    /// reload that started before an invalidation must not install its older snapshot.
    keys: RwLock<(u64, Option<HashMap<String, Credential>>)>,
    sessions: RwLock<HashMap<String, Credential>>,
    /// Last-used data: everything known (answers GetAccessKeyLastUsed) and what is unwritten.
    used: RwLock<(HashMap<String, LastUsed>, HashMap<String, LastUsed>)>,
}

impl CredentialCache {
    pub fn new(roots: HashMap<String, Credential>) -> CredentialCache {
        CredentialCache {
            roots,
            keys: RwLock::new((0, None)),
            sessions: RwLock::new(HashMap::new()),
            used: RwLock::new((HashMap::new(), HashMap::new())),
        }
    }

    /// `None` when the long-term keys must be reloaded first; `Some(None)` for an unknown key.
    pub fn lookup(&self, id: &str) -> Option<Option<Credential>> {
        if let Some(root) = self.roots.get(id) {
            return Some(Some(root.clone()));
        }
        if let Some(c) = self.sessions.read().ok()?.get(id) {
            return Some(Some(c.clone()));
        }
        let keys = self.keys.read().ok()?;
        keys.1.as_ref().map(|k| k.get(id).cloned())
    }

    /// The generation a reload must present to [`CredentialCache::replace_keys`].
    pub fn generation(&self) -> u64 {
        self.keys.read().map(|k| k.0).unwrap_or(0)
    }

    /// Installs reloaded keys unless an invalidation happened since `generation` was read;
    /// returns whether they were installed.
    pub fn replace_keys(&self, generation: u64, keys: HashMap<String, Credential>) -> bool {
        match self.keys.write() {
            Ok(mut k) if k.0 == generation => {
                k.1 = Some(keys);
                true
            }
            _ => false,
        }
    }

    pub fn invalidate_keys(&self) {
        if let Ok(mut k) = self.keys.write() {
            k.0 += 1;
            k.1 = None;
        }
    }

    pub fn insert_session(&self, id: String, cred: Credential) {
        if let Ok(mut s) = self.sessions.write() {
            s.insert(id, cred);
        }
    }

    /// Drops sessions whose principal no longer exists or changed (after a delete or rename).
    pub fn retain_sessions(&self, keep: impl Fn(&Credential) -> bool) {
        if let Ok(mut s) = self.sessions.write() {
            s.retain(|_, c| keep(c));
        }
    }

    pub fn clear(&self) {
        self.invalidate_keys();
        if let Ok(mut s) = self.sessions.write() {
            s.clear();
        }
        if let Ok(mut u) = self.used.write() {
            u.0.clear();
            u.1.clear();
        }
    }

    pub fn note_used(&self, id: &str, when: OffsetDateTime, service: &str, region: &str) {
        let entry = LastUsed {
            when,
            service: service.to_owned(),
            region: region.to_owned(),
        };
        if let Ok(mut u) = self.used.write() {
            u.0.insert(id.to_owned(), entry.clone());
            u.1.insert(id.to_owned(), entry);
        }
    }

    pub fn take_used(&self) -> Vec<(String, LastUsed)> {
        match self.used.write() {
            Ok(mut u) => u.1.drain().collect(),
            Err(_) => Vec::new(),
        }
    }

    pub fn last_used(&self, id: &str) -> Option<LastUsed> {
        self.used.read().ok()?.0.get(id).cloned()
    }

    pub fn forget_used(&self, id: &str) {
        if let Ok(mut u) = self.used.write() {
            u.0.remove(id);
            u.1.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Principal, Secret};

    fn cred() -> Credential {
        Credential {
            mfa_time: None,
            issued: None,
            secret: Secret::new("s"),
            active: true,
            session_token: None,
            expiration: None,
            principal: Principal::Anonymous,
        }
    }

    #[test]
    fn a_reload_older_than_an_invalidation_is_not_installed() {
        let cache = CredentialCache::new(HashMap::from([("root".to_owned(), cred())]));
        assert!(cache.lookup("AKIA1").is_none(), "stale until loaded");
        let before = cache.generation();
        cache.invalidate_keys();
        let snapshot = HashMap::from([("AKIA1".to_owned(), cred())]);
        assert!(!cache.replace_keys(before, snapshot.clone()));
        assert!(cache.lookup("AKIA1").is_none());
        assert!(cache.replace_keys(cache.generation(), snapshot));
        assert!(cache.lookup("AKIA1").is_some_and(|c| c.is_some()));
        assert!(cache.lookup("root").is_some_and(|c| c.is_some()));
    }
}
