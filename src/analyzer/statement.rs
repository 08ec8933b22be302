//! Statement checks: elements, Sid, Effect, actions, resources, principals, the SCP grammar, and
//! the iam:PassRole / iam:CreateServiceLinkedRole warnings. Wording: the reference page's
//! `findingDetails` (docs/aws-messages.md lists which are recorded and which are guessed).

use super::finding::{FindingType, Location, PathElement};
use super::known;
use super::validate::{at, join, Checker, PolicyType};
use crate::policy::matching::{Mode, Pattern};
use crate::policy::resource_arn::{self, ArnProblem};
use crate::policy::spanned::{Node, Value};
use crate::policy::validate::{sid_chars_ok, STATEMENT_ELEMENTS};
use crate::policy::RequestContext;

/// One string of a string-or-list element: its path, node and text.
type Entry<'a> = (Vec<PathElement>, &'a Node, &'a str);

/// The strings of a string-or-list element with their paths; `Err` when the JSON type is wrong.
/// Nulls inside a list are skipped, as IAM skips them.
fn strings<'a>(path: &[PathElement], node: &'a Node) -> Result<Vec<Entry<'a>>, &'a Node> {
    match &node.value {
        Value::String(s) => Ok(vec![(path.to_vec(), node, s.as_str())]),
        Value::Array(items) => {
            let mut out = Vec::new();
            for (i, n) in items.iter().enumerate() {
                match &n.value {
                    Value::String(s) => out.push((join(path, PathElement::Index(i)), n, s.as_str())),
                    Value::Null => {}
                    _ => return Err(n),
                }
            }
            Ok(out)
        }
        _ => Err(node),
    }
}

/// How a statement reaches one sensitive action (`iam:PassRole`, `iam:CreateServiceLinkedRole`).
#[derive(PartialEq)]
enum Reach {
    /// Named exactly.
    Named,
    /// Through a wildcard action such as `*` or `iam:*`.
    Star,
    /// Through NotAction that does not exclude it.
    NotAction,
}

impl Checker {
    pub(super) fn statement<'a>(
        &mut self,
        sp: &[PathElement],
        st: &'a Node,
        version_2012: bool,
        sids: &mut Vec<&'a str>,
    ) {
        let Value::Object(members) = &st.value else { return };
        for m in members.iter().filter(|m| !STATEMENT_ELEMENTS.contains(&m.key.as_str())) {
            self.invalid_element(sp, m);
        }
        let value_path = |k: &str| join(sp, PathElement::Value(k.to_string()));
        self.sid(sp, st, sids);
        let effect = match st.get("Effect") {
            None => {
                self.add(
                    FindingType::Error,
                    "MISSING_EFFECT",
                    "Add an Effect element to the policy statement with a value of Allow or Deny.".into(),
                    vec![at(sp.to_vec(), st.span)],
                );
                None
            }
            Some(m) => match m.value.as_str() {
                None => {
                    self.type_mismatch(value_path("Effect"), &m.value, "string");
                    None
                }
                // IAM's legacy parser takes only these two spellings (policy::validate, pass 3).
                Some(e @ ("Allow" | "Deny")) => Some(e),
                Some(e) => {
                    self.add(
                        FindingType::Error,
                        "INVALID_EFFECT",
                        format!("The effect {e} is not valid. Use Allow or Deny."),
                        vec![at(value_path("Effect"), m.value.span)],
                    );
                    None
                }
            },
        };
        for (a, b) in [
            ("Action", "NotAction"),
            ("Resource", "NotResource"),
            ("Principal", "NotPrincipal"),
        ] {
            if let (Some(_), Some(second)) = (st.get(a), st.get(b)) {
                self.add(
                    FindingType::Error,
                    "UNSUPPORTED_ELEMENT_COMBINATION",
                    format!("The policy elements {a} and {b} can not be used in the same statement. Remove one of these elements."),
                    vec![at(value_path(b), second.value.span)],
                );
            }
        }
        let actions = self.actions(sp, st, effect == Some("Allow"));
        let resources = self.resources(sp, st);
        self.principals(sp, st, effect);
        self.scp(sp, st, effect);
        if let Some(m) = st.get("Condition") {
            self.conditions(&value_path("Condition"), &m.value, version_2012);
        }
        // SCPs grant nothing, so the pass-role and service-linked-role warnings are for the others.
        if effect == Some("Allow") && self.policy_type != PolicyType::ServiceControl {
            self.sensitive_action(sp, st, &actions, &resources, SLR);
            self.sensitive_action(sp, st, &actions, &resources, PASS_ROLE);
        }
    }

    fn sid<'a>(&mut self, sp: &[PathElement], st: &'a Node, sids: &mut Vec<&'a str>) {
        let Some(m) = st.get("Sid") else { return };
        let path = join(sp, PathElement::Value("Sid".into()));
        let Some(sid) = m.value.as_str() else {
            self.type_mismatch(path, &m.value, "string");
            return;
        };
        let iam_rules = matches!(self.policy_type, PolicyType::Identity | PolicyType::ServiceControl) || self.trust;
        if sid.is_empty() {
            self.add(
                FindingType::Suggestion,
                "EMPTY_SID_VALUE",
                "Add a value to the empty string in the Sid element.".into(),
                vec![at(path, m.value.span)],
            );
            return;
        }
        // IAM's own character rule (it takes `_`, which the reference's message leaves out).
        if iam_rules && !sid_chars_ok(sid) {
            self.add(
                FindingType::Error,
                "UNSUPPORTED_SID",
                "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]"
                    .into(),
                vec![at(path.clone(), m.value.span)],
            );
        }
        if sids.contains(&sid) {
            let (t, code, details) = if iam_rules {
                (
                    FindingType::Error,
                    "UNIQUE_SIDS_REQUIRED",
                    "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
                )
            } else {
                (
                    FindingType::Warning,
                    "UNIQUE_SIDS_RECOMMENDED",
                    "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
                )
            };
            self.add(t, code, details.into(), vec![at(path, m.value.span)]);
        } else {
            sids.push(sid);
        }
    }

    /// The entries of a string-or-list element (Action, Resource and their Not forms): a type
    /// mismatch finding and `None` for the wrong JSON type, the suggestion `empty_code` for an
    /// empty list.
    fn string_list<'a>(
        &mut self,
        path: Vec<PathElement>,
        node: &'a Node,
        empty_code: &'static str,
        empty_text: &str,
    ) -> Option<Vec<Entry<'a>>> {
        let list = match strings(&path, node) {
            Ok(l) => l,
            Err(bad) => {
                self.type_mismatch(path, bad, "string");
                return None;
            }
        };
        if matches!(&node.value, Value::Array(a) if a.is_empty()) {
            self.add(
                FindingType::Suggestion,
                empty_code,
                empty_text.into(),
                vec![at(path, node.span)],
            );
        }
        Some(list)
    }

    /// Action/NotAction; returns the readable actions with their paths.
    fn actions<'a>(&mut self, sp: &[PathElement], st: &'a Node, allow: bool) -> Vec<Entry<'a>> {
        let (name, m) = match (st.get("Action"), st.get("NotAction")) {
            (Some(m), _) => ("Action", m),
            (None, Some(m)) => ("NotAction", m),
            (None, None) => {
                self.add(
                    FindingType::Error,
                    "MISSING_ACTION",
                    "Add an Action or NotAction element to the policy statement.".into(),
                    vec![at(sp.to_vec(), st.span)],
                );
                return Vec::new();
            }
        };
        let path = join(sp, PathElement::Value(name.into()));
        let Some(list) = self.string_list(
            path,
            &m.value,
            "EMPTY_ARRAY_ACTION",
            "This statement includes no actions and does not affect the policy. Specify actions.",
        ) else {
            return Vec::new();
        };
        if list.is_empty() {
            return Vec::new();
        }
        for (p, node, action) in &list {
            self.action(p, node, action);
        }
        if name == "Action" && allow {
            self.redundant_actions(&list);
        }
        list
    }

    fn action(&mut self, path: &[PathElement], node: &Node, action: &str) {
        if action == "*" {
            return;
        }
        let loc = || vec![at(path.to_vec(), node.span)];
        let vendor = action.split(':').next().unwrap_or("");
        if vendor != "*" && vendor.contains(['*', '?']) {
            self.add(
                FindingType::Suggestion,
                "WILDCARD_IN_SERVICE_NAME",
                "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.".into(),
                loc(),
            );
        }
        // IAM's vendor rules (policy::validate, pass 7); the wording without a suggestion is ours.
        let Some((service, name)) = action
            .split_once(':')
            .filter(|_| crate::policy::validate::action_prefix(action).is_ok())
        else {
            self.add(
                FindingType::Error,
                "INVALID_ACTION",
                format!("The action {action} does not exist."),
                loc(),
            );
            return;
        };
        if service == "*" {
            return;
        }
        if !known::service_exists(service) {
            let suggestion = if self.may_suggest() {
                known::closest_service(service)
            } else {
                None
            };
            let details = match suggestion {
                Some(s) => format!("The service {service} specified in the action does not exist. Did you mean {s}?"),
                None => format!("The service {service} specified in the action does not exist."),
            };
            self.add(FindingType::Error, "INVALID_SERVICE_IN_ACTION", details, loc());
            return;
        }
        if name.contains(['*', '?']) {
            return;
        }
        let info = known::service(service);
        if !known::action_exists(info, action) {
            let suggestion = if self.may_suggest() {
                info.and_then(|s| known::closest_action(s, name))
            } else {
                None
            };
            let details = match suggestion {
                Some(s) => format!("The action {action} does not exist. Did you mean {s}?"),
                None => format!("The action {action} does not exist."),
            };
            self.add(FindingType::Error, "INVALID_ACTION", details, loc());
        }
    }

    /// Actions another entry of the same list already covers (a duplicate, or `s3:GetObject` next
    /// to `s3:Get*`). One finding per statement, pointing at each redundant entry.
    fn redundant_actions(&mut self, list: &[Entry<'_>]) {
        let lower: Vec<String> = list.iter().map(|(_, _, a)| a.to_ascii_lowercase()).collect();
        // Only wildcard entries can cover others, so the quadratic part stays small even for
        // ReadOnlyAccess's thousands of actions.
        let wild: Vec<(usize, Pattern)> = lower
            .iter()
            .enumerate()
            .filter(|(_, a)| a.contains(['*', '?']))
            .map(|(j, a)| (j, Pattern::compile(a, Mode::Action, false)))
            .collect();
        let mut first_seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let none = RequestContext::new();
        let mut redundant: Vec<(Location, &str)> = Vec::new();
        for (i, (path, node, action)) in list.iter().enumerate() {
            let me = lower.get(i).map_or("", String::as_str);
            // Of two equal entries the later one is the redundant one.
            let duplicate = *first_seen.entry(me).or_insert(i) < i;
            let covered = duplicate
                || wild.iter().any(|(j, p)| {
                    *j != i && lower.get(*j).is_some_and(|o| o != me) && p.matches(me, &none) == Some(true)
                });
            if covered {
                redundant.push((at(path.clone(), node.span), action));
            }
        }
        if let Some((_, first)) = redundant.first() {
            let details = format!(
                "The {} action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: {first}.",
                redundant.len()
            );
            self.add(
                FindingType::Suggestion,
                "REDUNDANT_ACTION",
                details,
                redundant.into_iter().map(|(l, _)| l).collect(),
            );
        }
    }

    /// Resource/NotResource; returns the readable resources.
    fn resources<'a>(&mut self, sp: &[PathElement], st: &'a Node) -> Vec<&'a str> {
        let (name, m) = match (st.get("Resource"), st.get("NotResource")) {
            (Some(m), _) => ("Resource", m),
            (None, Some(m)) => ("NotResource", m),
            (None, None) => {
                if matches!(self.policy_type, PolicyType::Identity | PolicyType::ServiceControl) {
                    self.add(
                        FindingType::Error,
                        "MISSING_RESOURCE",
                        "Add a Resource or NotResource element to the policy statement.".into(),
                        vec![at(sp.to_vec(), st.span)],
                    );
                }
                return Vec::new();
            }
        };
        let path = join(sp, PathElement::Value(name.into()));
        if self.trust {
            self.add(
                FindingType::Error,
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
                "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.".into(),
                vec![at(path, m.value.span)],
            );
            return Vec::new();
        }
        let Some(list) = self.string_list(
            path,
            &m.value,
            "EMPTY_ARRAY_RESOURCE",
            "This statement includes no resources and does not affect the policy. Specify resources.",
        ) else {
            return Vec::new();
        };
        for (p, node, res) in &list {
            self.resource(p, node, res);
        }
        list.into_iter().map(|(_, _, r)| r).collect()
    }

    fn resource(&mut self, path: &[PathElement], node: &Node, res: &str) {
        if res == "*" {
            return;
        }
        let loc = || vec![at(path.to_vec(), node.span)];
        // IAM's own format rules first (the same code as MalformedPolicyDocument), each under
        // Access Analyzer's name for it.
        if let Some((problem, _)) = resource_arn::check(res) {
            let service = res.split(':').nth(2).unwrap_or("");
            let (code, details) = match problem {
                ArnProblem::NotArn => ("INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.".to_string()),
                ArnProblem::Partition => {
                    let partition = res.split(':').nth(1).unwrap_or("");
                    (
                        "INVALID_PARTITION",
                        format!("The resource ARN for the service {service} does not support the partition {partition}. Use the supported values: aws, aws-cn, aws-us-gov"),
                    )
                }
                ArnProblem::Vendor => (
                    "MISSING_ARN_FIELD",
                    "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource".to_string(),
                ),
                ArnProblem::Region => (
                    "ARN_REGION_NOT_ALLOWED",
                    format!("The service {service} does not support specifying a Region in the resource ARN."),
                ),
                ArnProblem::IamPath => (
                    "INVALID_ARN_RESOURCE",
                    "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.".to_string(),
                ),
            };
            self.add(FindingType::Error, code, details, loc());
            return;
        }
        let fields: Vec<&str> = res.splitn(6, ':').collect();
        if fields.first().is_none_or(|f| *f != "arn") {
            self.add(
                FindingType::Error,
                "INVALID_ARN_PREFIX",
                "Add the required prefix (arn) to the resource ARN.".into(),
                loc(),
            );
            return;
        }
        // A wildcard in the last field written may stand for the fields left out.
        if fields.len() < 6 && !fields.last().is_some_and(|f| f.contains(['*', '$'])) {
            self.add(
                FindingType::Error,
                "MISSING_ARN_FIELD",
                "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource".into(),
                loc(),
            );
            return;
        }
        let service = fields.get(2).copied().unwrap_or("");
        if service.chars().any(|c| c.is_ascii_uppercase()) && !service.contains("${") {
            self.add(
                FindingType::Error,
                "INVALID_ARN_SERVICE_CASE",
                format!("Update the service name {service} in the resource ARN to use all lowercase letters."),
                loc(),
            );
        }
        let account = fields.get(4).copied().unwrap_or("");
        let plain = !account.contains(['*', '?', '$']);
        if plain
            && !account.is_empty()
            && account != "aws"
            && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        {
            self.add(
                FindingType::Error,
                "INVALID_ARN_ACCOUNT",
                format!("The resource ARN account ID {account} is not valid. Provide a 12-digit account ID."),
                loc(),
            );
        }
    }
}

/// One sensitive action and the codes and texts of its warnings (the reference's PASS_ROLE_* and
/// CREATE_SLR_* checks, which differ only in the action, the finding type and the advice).
struct Sensitive {
    action: &'static str,
    finding_type: FindingType,
    prefix: &'static str,
    /// A condition key that scopes the action and silences the star-in-resource warnings.
    scoping_key: Option<&'static str>,
    texts: [&'static str; 6],
}

const PASS_ROLE: Sensitive = Sensitive {
    action: "iam:passrole",
    finding_type: FindingType::SecurityWarning,
    prefix: "PASS_ROLE",
    scoping_key: Some("iam:passedtoservice"),
    texts: [
        "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources.. We recommend that you specify resource ARNs instead.",
        "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
        "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
        "Using a resource with wildcards (*) and NotAction can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.",
    ],
};

const SLR: Sensitive = Sensitive {
    action: "iam:createservicelinkedrole",
    finding_type: FindingType::Warning,
    prefix: "CREATE_SLR",
    scoping_key: None,
    texts: [
        "Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.",
        "Using an action with a wildcard(*) and NotResource can allow creation of unintended service-linked roles because it can allow iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.",
        "Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead.",
        "Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
        "Using a resource with wildcards (*) and NotAction can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.",
    ],
};

/// Whether a resource entry covers every role: `*`, or an IAM ARN whose resource is `*` or
/// `role/*` (our reading of "wildcards (*) in the resource"; AWS's exact rule is not documented).
fn star_resource(res: &str) -> bool {
    if res == "*" {
        return true;
    }
    let fields: Vec<&str> = res.splitn(6, ':').collect();
    let service = fields.get(2).copied().unwrap_or("");
    let resource = fields.get(5).copied().unwrap_or("");
    matches!(service, "iam" | "*") && matches!(resource, "*" | "role/*")
}

impl Checker {
    fn sensitive_action(
        &mut self,
        sp: &[PathElement],
        st: &Node,
        actions: &[Entry<'_>],
        resources: &[&str],
        s: Sensitive,
    ) {
        let reach = if st.get("Action").is_none() && st.get("NotAction").is_some() {
            let excluded = actions.iter().any(|(_, _, a)| covers(a, s.action));
            (!excluded).then_some(Reach::NotAction)
        } else {
            let hits: Vec<&str> = actions
                .iter()
                .map(|(_, _, a)| *a)
                .filter(|a| covers(a, s.action))
                .collect();
            if hits.iter().any(|a| a.eq_ignore_ascii_case(s.action)) {
                Some(Reach::Named)
            } else if hits.is_empty() {
                None
            } else {
                Some(Reach::Star)
            }
        };
        let Some(reach) = reach else { return };
        let not_resource = st.get("NotResource");
        let (element, index) = match (not_resource.is_some(), &reach) {
            (true, Reach::Named) => ("NotResource", 0),
            (true, Reach::Star) => ("NotResource", 1),
            (true, Reach::NotAction) => ("NotResource", 2),
            (false, _) if !resources.iter().any(|r| star_resource(r)) => return,
            (false, Reach::Named) => ("Resource", 3),
            (false, Reach::Star) => ("Resource", 4),
            (false, Reach::NotAction) => ("Resource", 5),
        };
        if index >= 3 && s.scoping_key.is_some_and(|k| has_condition_key(st, k)) {
            return;
        }
        let code = match index {
            0 => "WITH_NOT_RESOURCE",
            1 => "WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
            2 => "WITH_NOT_ACTION_AND_NOT_RESOURCE",
            3 => "WITH_STAR_IN_RESOURCE",
            4 => "WITH_STAR_IN_ACTION_AND_RESOURCE",
            _ => "WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        };
        let Some(m) = st.get(element) else { return };
        let issue_code = sensitive_code(s.prefix, code);
        let details = s.texts.get(index).copied().unwrap_or_default().to_string();
        // Where AWS points these is not recorded: we point at the resource element.
        self.add(
            s.finding_type,
            issue_code,
            details,
            vec![at(join(sp, PathElement::Value(element.into())), m.value.span)],
        );
    }
}

/// The static issue code for a sensitive-action check.
fn sensitive_code(prefix: &str, rest: &str) -> &'static str {
    const CODES: &[&str] = &[
        "PASS_ROLE_WITH_NOT_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
        "CREATE_SLR_WITH_NOT_RESOURCE",
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
        "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        "CREATE_SLR_WITH_STAR_IN_RESOURCE",
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
    ];
    CODES
        .iter()
        .copied()
        .find(|c| c.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) == Some(rest))
        .unwrap_or("PASS_ROLE_WITH_STAR_IN_RESOURCE")
}

/// Whether the action pattern `pattern` covers the lower-cased action `action`.
fn covers(pattern: &str, action: &str) -> bool {
    Pattern::compile(pattern, Mode::Action, false).matches(action, &RequestContext::new()) == Some(true)
}

/// Whether any operator block of the statement's Condition names `key` (lower-cased).
fn has_condition_key(st: &Node, key: &str) -> bool {
    let Some(m) = st.get("Condition") else { return false };
    let Value::Object(ops) = &m.value.value else {
        return false;
    };
    ops.iter().any(|op| match &op.value.value {
        Value::Object(keys) => keys.iter().any(|k| k.key.eq_ignore_ascii_case(key)),
        _ => false,
    })
}
