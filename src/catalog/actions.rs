//! The AWS Service Authorization Reference: every service prefix, its name and its actions.

use std::sync::OnceLock;

use serde::Deserialize;

/// The embedded data file (see compat/data/SOURCES.md).
const DATA: &str = include_str!("../../compat/data/iam-actions.json");

/// One AWS service.
#[derive(Debug, Deserialize)]
pub struct ServiceInfo {
    /// Service prefix (namespace), e.g. `iam`.
    pub prefix: String,
    /// Display name, e.g. `AWS Identity and Access Management (IAM)`.
    pub name: String,
    /// Its actions.
    pub actions: Vec<ActionInfo>,
    /// Its condition keys (the Service Authorization Reference's "Condition keys" table).
    #[serde(default)]
    pub condition_keys: Vec<ConditionKeyInfo>,
}

/// One condition key a service defines.
#[derive(Debug, Deserialize)]
pub struct ConditionKeyInfo {
    /// The key as AWS writes it, e.g. `s3:prefix` or `aws:RequestTag/${TagKey}`.
    pub name: String,
    /// Its type: `String`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress`, `ArrayOfString`, …
    #[serde(rename = "type")]
    pub key_type: String,
}

/// One action of a service.
#[derive(Debug, Deserialize)]
pub struct ActionInfo {
    /// Action name without the prefix, e.g. `ListUsers`.
    pub name: String,
    /// Its access level: `List`, `Read`, `Tagging`, `Write` or `Permissions management`.
    #[serde(default)]
    pub access_level: String,
}

#[derive(Deserialize)]
struct Raw {
    services: Vec<ServiceInfo>,
}

/// Every service, sorted by prefix; parsed on first use.
pub fn services() -> &'static [ServiceInfo] {
    static SERVICES: OnceLock<Vec<ServiceInfo>> = OnceLock::new();
    SERVICES.get_or_init(|| {
        let mut services = match serde_json::from_str::<Raw>(DATA) {
            Ok(r) => r.services,
            Err(e) => {
                tracing::error!(error = %e, "embedded action data is unreadable");
                Vec::new()
            }
        };
        services.sort_by(|a, b| a.prefix.cmp(&b.prefix));
        services
    })
}

/// A service by its prefix.
pub fn service(prefix: &str) -> Option<&'static ServiceInfo> {
    let all = services();
    all.binary_search_by(|s| s.prefix.as_str().cmp(prefix))
        .ok()
        .and_then(|i| all.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_iam_and_sts() {
        let iam = service("iam").expect("iam");
        assert!(iam.actions.iter().any(|a| a.name == "ListUsers"));
        assert!(service("sts").is_some());
        assert!(services().len() > 400);
    }
}
