//! Caches of derived data (credentials, parsed policy sets) that are valid for one store write
//! generation: an entry filled before the latest write is never served.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Entries kept before the map is cleared (refilling is cheap).
const LIMIT: usize = 10_000;

/// Key → value, each tagged with the store generation it was computed at.
pub struct GenerationCache<T> {
    entries: RwLock<HashMap<String, (u64, Arc<T>)>>,
}

impl<T> Default for GenerationCache<T> {
    fn default() -> Self {
        GenerationCache {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<T> GenerationCache<T> {
    /// The value for `key` if it was computed at `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<Arc<T>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, v)| v.clone())
    }

    /// Remembers `value` for `key` as computed at `generation`.
    pub fn insert(&self, key: &str, generation: u64, value: Arc<T>) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= LIMIT {
            entries.clear();
        }
        entries.insert(key.to_string(), (generation, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_the_generation() {
        let c = GenerationCache::default();
        c.insert("k", 1, Arc::new(5));
        assert_eq!(c.get("k", 1).as_deref(), Some(&5));
        assert_eq!(c.get("k", 2), None);
    }
}
