//! Principal checks by policy type, and the SCP grammar (the reference page's checks, 2023
//! revision).

use super::finding::{FindingType, PathElement};
use super::validate::{at, join, Checker, PolicyType};
use crate::policy::spanned::{Node, Value};

/// The principal keys IAM's grammar knows (`policy::validate::principal_entry`).
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

impl Checker {
    pub(super) fn principals(&mut self, sp: &[PathElement], st: &Node, effect: Option<&str>) {
        let found = [
            ("Principal", st.get("Principal")),
            ("NotPrincipal", st.get("NotPrincipal")),
        ];
        let resource_like = matches!(self.policy_type, PolicyType::Resource | PolicyType::ResourceControl);
        for (name, m) in found {
            let Some(m) = m else { continue };
            let path = join(sp, PathElement::Value(name.into()));
            let loc = vec![at(path.clone(), m.value.span)];
            match self.policy_type {
                PolicyType::Identity => {
                    self.add(
                        FindingType::Error,
                        "UNSUPPORTED_PRINCIPAL",
                        "The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element."
                            .into(),
                        loc,
                    );
                    continue;
                }
                PolicyType::ServiceControl => {
                    self.add(
                        FindingType::Error,
                        "SCP_SYNTAX_ERROR_PRINCIPAL",
                        "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element."
                            .into(),
                        loc,
                    );
                    continue;
                }
                _ => {}
            }
            if name == "NotPrincipal" {
                if self.trust {
                    self.add(
                        FindingType::Error,
                        "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                        "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead."
                            .into(),
                        loc.clone(),
                    );
                } else if effect == Some("Allow") {
                    self.add(
                        FindingType::SecurityWarning,
                        "ALLOW_WITH_NOT_PRINCIPAL",
                        "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead."
                            .into(),
                        loc.clone(),
                    );
                }
            }
            self.principal_value(&path, &m.value);
        }
        if resource_like && found.iter().all(|(_, m)| m.is_none()) {
            self.add(
                FindingType::Error,
                "MISSING_PRINCIPAL",
                "Add a Principal element to the policy statement.".into(),
                vec![at(sp.to_vec(), st.span)],
            );
        }
    }

    fn principal_value(&mut self, path: &[PathElement], node: &Node) {
        match &node.value {
            Value::String(s) if s == "*" => {
                if self.trust {
                    self.add(
                        FindingType::Error,
                        "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                        "\"Principal:\" \"*\" is not supported in the principal element of a role trust policy. Replace the wildcard with a valid principal value.".into(),
                        vec![at(path.to_vec(), node.span)],
                    );
                }
            }
            Value::Object(members) if members.is_empty() => self.add(
                FindingType::Suggestion,
                "EMPTY_OBJECT_PRINCIPAL",
                "This statement includes no principals and does not affect the policy. Specify principals.".into(),
                vec![at(path.to_vec(), node.span)],
            ),
            Value::Object(members) => {
                for m in members {
                    if !PRINCIPAL_KEYS.contains(&m.key.as_str()) {
                        self.add(
                            FindingType::Error,
                            "INVALID_PRINCIPAL_KEY",
                            format!("The principal key {} is not valid.", m.key),
                            vec![at(join(path, PathElement::Key(m.key.clone())), m.key_span)],
                        );
                        continue;
                    }
                    let vpath = join(path, PathElement::Value(m.key.clone()));
                    match &m.value.value {
                        Value::String(v) => self.principal_id(&vpath, &m.value, v),
                        Value::Array(items) if items.is_empty() => self.add(
                            FindingType::Suggestion,
                            "EMPTY_ARRAY_PRINCIPAL",
                            "This statement includes no principals and does not affect the policy. Specify principals."
                                .into(),
                            vec![at(vpath, m.value.span)],
                        ),
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                let ipath = join(&vpath, PathElement::Index(i));
                                match item.as_str() {
                                    Some(v) => self.principal_id(&ipath, item, v),
                                    None => self.type_mismatch(ipath, item, "string"),
                                }
                            }
                        }
                        _ => self.type_mismatch(vpath, &m.value, "string"),
                    }
                }
            }
            _ => self.add(
                FindingType::Error,
                "INVALID_PRINCIPAL_FORMAT",
                "The Principal element contents are not valid. Specify a key-value pair in the Principal element."
                    .into(),
                vec![at(path.to_vec(), node.span)],
            ),
        }
    }

    /// A role or user unique id (`AROA…`, `AIDA…`) where an ARN belongs.
    fn principal_id(&mut self, path: &[PathElement], node: &Node, v: &str) {
        let unique_id =
            |prefix: &str| v.starts_with(prefix) && v.len() > 16 && v.bytes().all(|b| b.is_ascii_alphanumeric());
        let (code, details) = if unique_id("AROA") {
            (
                "INVALID_ROLE_REFERENCE",
                format!(
                    "The Principal element includes the IAM role ID {v}. We recommend that you use a role ARN instead."
                ),
            )
        } else if unique_id("AIDA") {
            (
                "INVALID_USER_REFERENCE",
                format!(
                    "The Principal element includes the IAM user ID {v}. We recommend that you use a user ARN instead."
                ),
            )
        } else {
            return;
        };
        self.add(FindingType::Warning, code, details, vec![at(path.to_vec(), node.span)]);
    }

    /// The SCP grammar the reference page lists (Organizations' SCP syntax).
    pub(super) fn scp(&mut self, sp: &[PathElement], st: &Node, effect: Option<&str>) {
        if self.policy_type != PolicyType::ServiceControl {
            return;
        }
        let allow = effect == Some("Allow");
        let rules: [(&str, bool, &'static str, &str); 4] = [
            (
                "Condition",
                allow,
                "SCP_SYNTAX_ERROR_ALLOW_CONDITION",
                "SCPs do not support the Condition element with effect Allow. Update the element Condition or the effect.",
            ),
            (
                "NotAction",
                allow,
                "SCP_SYNTAX_ERROR_ALLOW_NOTACTION",
                "SCPs do not support NotAction with effect Allow. Update the element NotAction or the effect.",
            ),
            (
                "NotResource",
                true,
                "SCP_SYNTAX_ERROR_NOTRESOURCE",
                "SCPs do not support the NotResource element. Update the policy to use Resource instead.",
            ),
            (
                "Resource",
                allow && st.get("Resource").and_then(|m| m.value.as_str()) != Some("*")
                    && !matches!(&st.get("Resource").map(|m| &m.value.value), Some(Value::Array(a)) if a.iter().all(|n| n.as_str() == Some("*"))),
                "SCP_SYNTAX_ERROR_ALLOW_RESOURCE",
                "SCPs do not support Resource with effect Allow. Update the element Resource or the effect.",
            ),
        ];
        for (element, applies, code, details) in rules {
            if let (true, Some(m)) = (applies, st.get(element)) {
                self.add(
                    FindingType::Error,
                    code,
                    details.into(),
                    vec![at(join(sp, PathElement::Value(element.into())), m.value.span)],
                );
            }
        }
        // Wildcards only at the end of an action (the reference's SCP_SYNTAX_ERROR_ACTION_WILDCARD).
        for element in ["Action", "NotAction"] {
            let Some(m) = st.get(element) else { continue };
            let base = join(sp, PathElement::Value(element.into()));
            let items: Vec<(Vec<PathElement>, &Node)> = match &m.value.value {
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (join(&base, PathElement::Index(i)), n))
                    .collect(),
                _ => vec![(base, &m.value)],
            };
            for (path, node) in items {
                let Some(a) = node.as_str() else { continue };
                let body = a.trim_end_matches('*');
                if body.contains(['*', '?']) {
                    self.add(
                        FindingType::Error,
                        "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
                        format!("SCP actions can include wildcards (*) only at the end of a string. Update {a}."),
                        vec![at(path, node.span)],
                    );
                }
            }
        }
    }
}
