//! Values derived from the store (a principal's compiled policies, a name's ARN, an entity's
//! tags), kept in memory while the store's write generation does not move.
//!
//! Every committed write moves the generation, so a value is never served after a write that
//! could have changed it; invalidation is coarse (any write), which keeps it obviously correct
//! while the entities themselves are read from SQLite.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

/// Entries kept before the map is emptied: a bound on memory, far above a test suite's
/// principals and resources.
const CAPACITY: usize = 65_536;

/// A map whose entries are valid only for the generation they were derived under.
pub struct Memo<K, V> {
    map: RwLock<(u64, HashMap<K, V>)>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    pub fn new() -> Self {
        Memo {
            map: RwLock::new((0, HashMap::new())),
        }
    }

    /// The value derived under `generation`, if any.
    pub fn get<Q>(&self, generation: u64, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let map = self.map.read().ok()?;
        if map.0 != generation {
            return None;
        }
        map.1.get(key).cloned()
    }

    /// Keeps `value`, derived from the store as it was at `generation` (read before the value
    /// was derived). A value of an older generation than the newest seen is dropped.
    pub fn put(&self, generation: u64, key: K, value: V) {
        let Ok(mut map) = self.map.write() else {
            return;
        };
        if generation < map.0 {
            return;
        }
        if generation > map.0 || map.1.len() >= CAPACITY {
            map.0 = generation;
            map.1.clear();
        }
        map.1.insert(key, value);
    }

    /// The value for `key` under `generation`: kept, or derived by `load` and then kept.
    /// `generation` must be read before `load` runs, so a write during the load is not hidden.
    /// The load is boxed: it runs only on a miss, and a hit's future stays small.
    pub async fn get_or_load<Q, E, F>(
        &self,
        generation: u64,
        key: &Q,
        load: impl FnOnce() -> F,
    ) -> Result<V, E>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
        F: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(found) = self.get(generation, key) {
            return Ok(found);
        }
        let value = Box::pin(load()).await?;
        self.put(generation, key.to_owned(), value.clone());
        Ok(value)
    }
}

impl<K: Eq + Hash, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;

    #[test]
    fn values_live_for_one_generation() {
        let m: Memo<String, u32> = Memo::new();
        m.put(3, "a".into(), 1);
        assert_eq!(m.get(3, "a"), Some(1));
        assert_eq!(m.get(4, "a"), None, "a newer generation sees nothing older");
        // A value derived before a write that has since committed is not kept.
        m.put(4, "b".into(), 2);
        m.put(3, "a".into(), 9);
        assert_eq!(m.get(4, "a"), None);
        assert_eq!(m.get(4, "b"), Some(2));
        assert_eq!(m.get(3, "b"), None);
    }
}
