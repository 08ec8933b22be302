//! AWS managed policies (`arn:aws:iam::aws:policy/…`): present in every account, read-only.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// The embedded data file (see compat/data/SOURCES.md).
const DATA: &str = include_str!("../../compat/data/aws-managed-policies.json");

/// One AWS managed policy's default version.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// Name, e.g. `Billing`.
    pub name: String,
    /// Path, e.g. `/job-function/`.
    pub path: String,
    /// Stable `ANPA…` id derived from the ARN.
    pub id: String,
    /// `v30`.
    pub default_version: String,
    /// Policy creation date.
    pub created: String,
    /// Last update (also the default version's date).
    pub updated: String,
    /// IAM's description.
    pub description: String,
    /// The default version's document, minified JSON.
    pub document: String,
}

impl ManagedPolicy {
    /// `policy/PATH/NAME`, the ARN's resource part.
    pub fn resource(&self) -> String {
        format!("policy{}{}", self.path, self.name)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Raw<'a> {
    policy_name: String,
    arn: String,
    path: String,
    default_version_id: String,
    create_date: String,
    update_date: String,
    description: String,
    #[serde(borrow)]
    document: &'a RawValue,
}

/// Every AWS managed policy, sorted by ARN, with indexes by resource path and id.
pub struct Catalog {
    /// Policies in ARN order.
    pub policies: Vec<ManagedPolicy>,
    by_resource: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

impl Catalog {
    /// A policy by `policy/PATH/NAME`.
    pub fn by_resource(&self, resource: &str) -> Option<&ManagedPolicy> {
        self.by_resource.get(resource).and_then(|i| self.policies.get(*i))
    }

    /// A policy by its id.
    pub fn by_id(&self, id: &str) -> Option<&ManagedPolicy> {
        self.by_id.get(id).and_then(|i| self.policies.get(*i))
    }
}

/// A deterministic `ANPA…` id: the same in every account and every run.
fn stable_id(arn: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(arn.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| {
            ALPHABET
                .get(usize::from(*b) % ALPHABET.len())
                .copied()
                .map(char::from)
                .unwrap_or('A')
        })
        .collect();
    format!("ANPA{tail}")
}

/// The catalog, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let raw: Vec<Raw<'_>> = serde_json::from_str(DATA).unwrap_or_else(|e| {
            tracing::error!(error = %e, "embedded managed policy data is unreadable");
            Vec::new()
        });
        let policies: Vec<ManagedPolicy> = raw
            .into_iter()
            .map(|r| ManagedPolicy {
                id: stable_id(&r.arn),
                name: r.policy_name,
                path: r.path,
                default_version: r.default_version_id,
                created: r.create_date,
                updated: r.update_date,
                description: r.description,
                document: r.document.get().to_string(),
            })
            .collect();
        let by_resource = policies.iter().enumerate().map(|(i, p)| (p.resource(), i)).collect();
        let by_id = policies.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        Catalog {
            policies,
            by_resource,
            by_id,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_every_policy_with_stable_ids() {
        let c = catalog();
        assert_eq!(c.policies.len(), 1568);
        let billing = c.by_resource("policy/job-function/Billing").expect("Billing");
        assert_eq!(billing.path, "/job-function/");
        assert!(billing.id.starts_with("ANPA") && billing.id.len() == 21);
        assert_eq!(c.by_id(&billing.id).map(|p| p.name.as_str()), Some("Billing"));
        let power = c.by_resource("policy/PowerUserAccess").expect("PowerUserAccess");
        assert!(power.document.contains("NotAction"));
    }
}
