//! Signing key derivation and a small cache of derived keys.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        // HMAC takes keys of any length, so this cannot happen; an all-zero key would
        // only ever make verification fail, never pass.
        Err(_) => [0; 32],
    }
}

/// Derives the SigV4 signing key: HMAC chain over date, region, service and `aws4_request`.
pub fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
}

/// One derived key and the scope it was derived for.
struct Scoped {
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
}

impl Scoped {
    fn is_for(&self, date: &str, region: &str, service: &str) -> bool {
        self.date == date && self.region == region && self.service == service
    }
}

/// Keys grouped by the secret's digest (a digest rather than the secret itself, so the cache
/// never holds secrets verbatim): a lookup compares the scope in place, with no allocation.
#[derive(Default)]
struct Entries {
    map: HashMap<[u8; 32], Vec<Scoped>>,
    /// Insertion order, oldest first, as (secret digest, scope).
    order: VecDeque<([u8; 32], String, String, String)>,
}

impl Entries {
    fn get(&self, digest: &[u8; 32], date: &str, region: &str, service: &str) -> Option<[u8; 32]> {
        let scoped = self.map.get(digest)?;
        scoped.iter().find(|s| s.is_for(date, region, service)).map(|s| s.key)
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn evict_oldest(&mut self) -> bool {
        let Some((digest, date, region, service)) = self.order.pop_front() else {
            return false;
        };
        if let Some(scoped) = self.map.get_mut(&digest) {
            scoped.retain(|s| !s.is_for(&date, &region, &service));
            if scoped.is_empty() {
                self.map.remove(&digest);
            }
        }
        true
    }
}

/// Bounded cache of derived signing keys, keyed by (secret digest, date, region, service).
///
/// Eviction is first-in first-out: keys live one day, so recency buys little.
pub struct KeyCache {
    capacity: usize,
    entries: Mutex<Entries>,
}

impl KeyCache {
    /// A cache holding at most `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        KeyCache {
            capacity: capacity.max(1),
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The signing key for these inputs, derived and remembered on first use.
    pub fn signing_key(&self, secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        if let Some(k) = self.lock().get(&digest, date, region, service) {
            return k;
        }
        // Derive outside the lock; a racing thread may derive the same key, which is harmless.
        let derived = derive_signing_key(secret, date, region, service);
        let mut entries = self.lock();
        if entries.get(&digest, date, region, service).is_none() {
            while entries.len() >= self.capacity && entries.evict_oldest() {}
            let (date, region, service) = (date.to_owned(), region.to_owned(), service.to_owned());
            entries.map.entry(digest).or_default().push(Scoped {
                date: date.clone(),
                region: region.clone(),
                service: service.clone(),
                key: derived,
            });
            entries.order.push_back((digest, date, region, service));
        }
        derived
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A panic while holding the lock cannot leave the maps inconsistent in a way that
    /// matters (worst case: a missing entry), so poisoning is ignored.
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new(1024)
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// Signing key from AWS's SigV4 documentation example.
    #[test]
    fn documented_signing_key() {
        assert_eq!(
            hex::encode(derive_signing_key(SECRET, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn cache_matches_direct_derivation_and_is_bounded() {
        let cache = KeyCache::new(2);
        assert!(cache.is_empty());
        let direct = derive_signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(cache.signing_key(SECRET, "20150830", "us-east-1", "iam"), direct);
        assert_eq!(cache.signing_key(SECRET, "20150830", "us-east-1", "iam"), direct);
        assert_eq!(cache.len(), 1);
        let other = cache.signing_key("other", "20150830", "us-east-1", "iam");
        assert_ne!(other, direct);
        cache.signing_key(SECRET, "20150831", "us-east-1", "iam");
        cache.signing_key(SECRET, "20150830", "eu-west-1", "iam");
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.signing_key(SECRET, "20150830", "us-east-1", "sts"),
            derive_signing_key(SECRET, "20150830", "us-east-1", "sts")
        );
        assert_eq!(cache.len(), 2);
        // Eviction is oldest first and keeps the other keys of the same secret.
        let cache = KeyCache::new(2);
        let a = cache.signing_key(SECRET, "20150830", "us-east-1", "iam");
        cache.signing_key(SECRET, "20150830", "us-east-1", "sts");
        cache.signing_key("other", "20150830", "us-east-1", "iam");
        assert_eq!(cache.len(), 2);
        let entries = cache.lock();
        assert_eq!(
            entries.get(&Sha256::digest(SECRET).into(), "20150830", "us-east-1", "iam"),
            None
        );
        assert!(entries
            .get(&Sha256::digest(SECRET).into(), "20150830", "us-east-1", "sts")
            .is_some());
        assert_eq!(entries.map.len(), 2);
        drop(entries);
        assert_eq!(cache.signing_key(SECRET, "20150830", "us-east-1", "iam"), a);
    }

    #[test]
    fn zero_capacity_still_works() {
        let cache = KeyCache::new(0);
        let k = cache.signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(k, derive_signing_key(SECRET, "20150830", "us-east-1", "iam"));
        assert_eq!(cache.len(), 1);
    }
}
