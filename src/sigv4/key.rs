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

#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    // A digest rather than the secret itself, so the cache never holds secrets verbatim.
    secret_digest: [u8; 32],
    date: String,
    region: String,
    service: String,
}

#[derive(Default)]
struct Entries {
    map: HashMap<CacheKey, [u8; 32]>,
    order: VecDeque<CacheKey>,
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
        let key = CacheKey {
            secret_digest: Sha256::digest(secret.as_bytes()).into(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        };
        if let Some(k) = self.lock().map.get(&key) {
            return *k;
        }
        // Derive outside the lock; a racing thread may derive the same key, which is harmless.
        let derived = derive_signing_key(secret, date, region, service);
        let mut entries = self.lock();
        if !entries.map.contains_key(&key) {
            while entries.map.len() >= self.capacity {
                let Some(old) = entries.order.pop_front() else {
                    break;
                };
                entries.map.remove(&old);
            }
            entries.order.push_back(key.clone());
            entries.map.insert(key, derived);
        }
        derived
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.lock().map.len()
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
    }

    #[test]
    fn zero_capacity_still_works() {
        let cache = KeyCache::new(0);
        let k = cache.signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(k, derive_signing_key(SECRET, "20150830", "us-east-1", "iam"));
        assert_eq!(cache.len(), 1);
    }
}
