//! Parsed policies kept between requests: documents by (policy id, version) or text, and each
//! principal's whole set until its account's next write. `App` holds it; only `authz` reads it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::policy::{self, PolicyKind};

/// The parsed policies that apply to one principal.
pub struct PrincipalPolicies {
    pub(super) identity: Vec<(String, Arc<policy::Policy>)>,
    pub(super) boundary: Option<(String, Arc<policy::Policy>)>,
    /// `aws:PrincipalTag/*` values.
    pub(super) tags: Vec<(String, String)>,
}

/// Per-principal policy sets, valid for one store generation.
#[derive(Default)]
pub struct PolicyCache {
    pub(super) sets: crate::cache::GenerationCache<PrincipalPolicies>,
    documents: RwLock<HashMap<String, Arc<policy::Policy>>>,
}

const CACHE_LIMIT: usize = 10_000;

impl PolicyCache {
    /// Parses a document once per (policy id, version); inline documents are keyed by their text.
    pub(crate) fn parsed(&self, key: &str, text: &str) -> Option<Arc<policy::Policy>> {
        self.parsed_as(key, text, PolicyKind::Identity)
    }

    /// Like [`Self::parsed`], for documents of another kind (an organization's RCPs).
    pub(crate) fn parsed_as(&self, key: &str, text: &str, kind: PolicyKind) -> Option<Arc<policy::Policy>> {
        if let Some(p) = self.documents.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return Some(p.clone());
        }
        let parsed = match policy::parse_policy(text, kind) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                // Stored documents were validated on write; AWS managed ones may use rare forms.
                tracing::warn!(policy = key, error = %e.message, "stored policy does not parse; ignored");
                return None;
            }
        };
        let mut docs = self.documents.write().unwrap_or_else(|p| p.into_inner());
        if docs.len() >= CACHE_LIMIT {
            docs.clear();
        }
        docs.insert(key.to_string(), parsed.clone());
        Some(parsed)
    }
}
