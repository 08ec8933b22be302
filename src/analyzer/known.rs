//! What the analyzer knows exists: services, actions and condition keys from the Service
//! Authorization Reference (`crate::catalog::actions`), the documented global condition keys, and
//! every name AWS's own managed policies use.
//!
//! Names the managed policies use count as known even when the catalog lacks them: 129 actions
//! of retired or renamed services appear in AWS managed policies (compat/data/SOURCES.md), and a
//! false ERROR is worse than a missed one, so only what neither source knows is reported.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::catalog::actions::{self, ServiceInfo};

/// The type of a condition key, as far as operator checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `String` (and anything the checks should not second-guess).
    String,
    /// `ARN`.
    Arn,
    /// `Bool`.
    Bool,
    /// `Numeric`.
    Numeric,
    /// `Date`.
    Date,
    /// `IPAddress`.
    Ip,
    /// Takes both date and numeric operators (`aws:EpochTime`).
    Any,
}

impl KeyType {
    /// The operator family AWS's TYPE_MISMATCH message names for the key.
    pub fn operator_family(self) -> &'static str {
        match self {
            KeyType::String | KeyType::Any => "String",
            KeyType::Arn => "Arn",
            KeyType::Bool => "Bool",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::Ip => "IpAddress",
        }
    }
}

/// A known condition key: its type and whether it carries several values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    /// The value type.
    pub key_type: KeyType,
    /// `ArrayOf…` keys: several values per request.
    pub multivalued: bool,
}

fn key_info(type_name: &str) -> KeyInfo {
    let (multivalued, base) = match type_name.strip_prefix("ArrayOf") {
        Some(b) => (true, b),
        None => (false, type_name),
    };
    let key_type = match base {
        "ARN" => KeyType::Arn,
        "Bool" => KeyType::Bool,
        "Numeric" => KeyType::Numeric,
        "Date" => KeyType::Date,
        "IPAddress" => KeyType::Ip,
        _ => KeyType::String,
    };
    KeyInfo { key_type, multivalued }
}

/// The global condition keys with their types, from the IAM User Guide's "AWS global condition
/// context keys" page. A trailing `/` marks a key that takes a tag key after it.
const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:CurrentTime", "Date"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:EpochTime", "Any"),
    ("aws:FederatedProvider", "String"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalTag/", "String"),
    ("aws:PrincipalType", "String"),
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/", "String"),
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceTag/", "String"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceIdentity", "String"),
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:UserAgent", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:VpcSourceIp", "IPAddress"),
];

/// A service by its prefix, in any case.
pub fn service(prefix: &str) -> Option<&'static ServiceInfo> {
    actions::service(&prefix.to_ascii_lowercase())
}

/// Names used in AWS managed policies, lower-cased.
struct ManagedNames {
    actions: HashSet<String>,
    services: HashSet<String>,
    keys: HashSet<String>,
}

fn managed_names() -> &'static ManagedNames {
    static NAMES: OnceLock<ManagedNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = ManagedNames {
            actions: HashSet::new(),
            services: HashSet::new(),
            keys: HashSet::new(),
        };
        for p in &crate::catalog::managed::catalog().policies {
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(&p.document) else {
                continue;
            };
            let statements = match doc.get("Statement") {
                Some(serde_json::Value::Array(a)) => a.iter().collect::<Vec<_>>(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for st in statements {
                for element in ["Action", "NotAction"] {
                    let list = match st.get(element) {
                        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
                        Some(v) => v.as_str().into_iter().collect::<Vec<_>>(),
                        None => Vec::new(),
                    };
                    for a in list {
                        let a = a.to_ascii_lowercase();
                        if let Some((svc, _)) = a.split_once(':') {
                            names.services.insert(svc.to_string());
                        }
                        names.actions.insert(a);
                    }
                }
                if let Some(serde_json::Value::Object(block)) = st.get("Condition") {
                    for keys in block.values().filter_map(|k| k.as_object()) {
                        names.keys.extend(keys.keys().map(|k| k.to_ascii_lowercase()));
                    }
                }
            }
        }
        names
    })
}

/// Whether an action prefix names a service AWS knows.
pub fn service_exists(prefix: &str) -> bool {
    service(prefix).is_some() || managed_names().services.contains(&prefix.to_ascii_lowercase())
}

/// Whether `service:name` (no wildcards) is an action AWS knows.
pub fn action_exists(service_info: Option<&ServiceInfo>, action: &str) -> bool {
    let Some((_, name)) = action.split_once(':') else {
        return false;
    };
    service_info.is_some_and(|s| s.actions.iter().any(|a| a.name.eq_ignore_ascii_case(name)))
        || managed_names().actions.contains(&action.to_ascii_lowercase())
}

/// The closest action of the service, for "Did you mean …?": the fewest edits, at most a third
/// of the name's length (the threshold is ours; AWS's is not documented).
pub fn closest_action(service_info: &ServiceInfo, name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    service_info
        .actions
        .iter()
        .map(|a| (edit_distance(&lower, &a.name.to_ascii_lowercase()), a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| format!("{}:{}", service_info.prefix, a.name))
}

/// The closest service prefix, for "Did you mean …?".
pub fn closest_service(prefix: &str) -> Option<&'static str> {
    let lower = prefix.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    actions::services()
        .iter()
        .map(|s| (edit_distance(&lower, &s.prefix), s.prefix.as_str()))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = prev + usize::from(ca != *cb);
            prev = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = cost.min(above.saturating_add(1)).min(left.saturating_add(1));
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Whether `key` (lower-cased) is the catalog name `name`, where `${…}` in the name stands for
/// any non-empty text (`aws:RequestTag/${TagKey}`).
fn key_matches(name: &str, key: &str) -> bool {
    let name = name.to_ascii_lowercase();
    match name.split_once("${") {
        Some((prefix, _)) => key.len() > prefix.len() && key.starts_with(prefix),
        None => name == key,
    }
}

/// The `aws:` keys services list in the catalog (tag keys, mostly), collected once.
fn catalog_global_keys() -> &'static [&'static actions::ConditionKeyInfo] {
    static KEYS: OnceLock<Vec<&'static actions::ConditionKeyInfo>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys: Vec<&actions::ConditionKeyInfo> = actions::services()
            .iter()
            .flat_map(|s| &s.condition_keys)
            .filter(|k| k.name.starts_with("aws:"))
            .collect();
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        keys.dedup_by(|a, b| a.name == b.name);
        keys
    })
}

/// A global (`aws:`) key: `None` when AWS does not define it.
pub fn global_key(key: &str) -> Option<KeyInfo> {
    let lower = key.to_ascii_lowercase();
    for (name, t) in GLOBAL_KEYS {
        let n = name.to_ascii_lowercase();
        let hit = if n.ends_with('/') {
            lower.len() > n.len() && lower.starts_with(&n)
        } else {
            lower == n
        };
        if hit {
            return Some(if *t == "Any" {
                KeyInfo {
                    key_type: KeyType::Any,
                    multivalued: false,
                }
            } else {
                key_info(t)
            });
        }
    }
    if let Some(k) = catalog_global_keys().iter().find(|k| key_matches(&k.name, &lower)) {
        return Some(key_info(&k.key_type));
    }
    managed_names().keys.contains(&lower).then_some(KeyInfo {
        key_type: KeyType::String,
        multivalued: false,
    })
}

/// What is known of a service key: `Some(Some(type))` from the catalog, `Some(None)` when the key
/// is known only from a managed policy, `None` when the service does not define it.
pub fn service_key(service_info: &ServiceInfo, key: &str) -> Option<Option<KeyInfo>> {
    let lower = key.to_ascii_lowercase();
    if let Some(k) = service_info
        .condition_keys
        .iter()
        .find(|k| key_matches(&k.name, &lower))
    {
        return Some(Some(key_info(&k.key_type)));
    }
    managed_names().keys.contains(&lower).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_and_managed_names() {
        assert!(service_exists("IAM"));
        let iam = service("iam");
        assert!(action_exists(iam, "iam:passrole"));
        assert!(!action_exists(iam, "iam:PassRoles"));
        assert_eq!(
            closest_action(iam.unwrap(), "PassRoles").as_deref(),
            Some("iam:PassRole")
        );
        assert_eq!(closest_service("ec3"), Some("ec2"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(global_key("AWS:SourceIp").map(|k| k.key_type), Some(KeyType::Ip));
        assert!(global_key("aws:RequestTag/team").is_some());
        assert!(global_key("aws:RequestTag/").is_none());
        assert!(global_key("aws:NoSuchKey").is_none());
        assert!(global_key("aws:TagKeys").is_some_and(|k| k.multivalued));
        let s3 = service("s3").unwrap();
        assert!(service_key(s3, "s3:prefix").is_some());
        assert!(service_key(s3, "s3:NoSuchKey").is_none());
    }
}
