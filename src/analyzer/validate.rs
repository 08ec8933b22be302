//! `validate`: the pure check suite (no store, no request), reused by the handler and meant for
//! the local console. Document-level checks live here; statements in `statement.rs`, conditions
//! in `condition.rs`.
//!
//! The JSON and the element names are read with the policy module's own grammar
//! (`policy::spanned`, `policy::validate`'s element tables, `resource_arn::check`,
//! `condition::value_parses`), and IAM's MalformedPolicyDocument validation runs on the same text:
//! when IAM would refuse the document and no check reported an ERROR, its refusal becomes one
//! (`backstop`), so the analyzer never calls valid what IAM refuses.
//!
//! Findings are returned sorted by their first location, which is the order of the aws CLI's
//! `validate-policy` example (Sid, then Action[0], then Action[1]); AWS's order for two findings at
//! one place is not recorded, and ours is the order the checks ran.

use super::finding::{Finding, FindingType, Location, PathElement};
use crate::policy::spanned::{self, Member, Node, TextSpan, Value};
use crate::policy::validate::TOP_ELEMENTS;
use crate::policy::{self, PolicyKind};

/// `policyType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// `IDENTITY_POLICY`.
    Identity,
    /// `RESOURCE_POLICY`.
    Resource,
    /// `SERVICE_CONTROL_POLICY`.
    ServiceControl,
    /// `RESOURCE_CONTROL_POLICY`.
    ResourceControl,
}

impl PolicyType {
    /// Every value, in the model's order.
    pub const ALL: [PolicyType; 4] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::ServiceControl,
        PolicyType::ResourceControl,
    ];

    /// The enum value on the wire.
    pub fn api_name(self) -> &'static str {
        match self {
            PolicyType::Identity => "IDENTITY_POLICY",
            PolicyType::Resource => "RESOURCE_POLICY",
            PolicyType::ServiceControl => "SERVICE_CONTROL_POLICY",
            PolicyType::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }
}

/// `validatePolicyResourceType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    /// `AWS::S3::Bucket`.
    S3Bucket,
    /// `AWS::S3::AccessPoint`.
    S3AccessPoint,
    /// `AWS::S3::MultiRegionAccessPoint`.
    S3MultiRegionAccessPoint,
    /// `AWS::S3ObjectLambda::AccessPoint`.
    S3ObjectLambdaAccessPoint,
    /// `AWS::IAM::AssumeRolePolicyDocument`: a role trust policy.
    RoleTrustPolicy,
    /// `AWS::DynamoDB::Table`.
    DynamoDbTable,
}

impl ResourceType {
    /// Every value, in the model's order.
    pub const ALL: [ResourceType; 6] = [
        ResourceType::S3Bucket,
        ResourceType::S3AccessPoint,
        ResourceType::S3MultiRegionAccessPoint,
        ResourceType::S3ObjectLambdaAccessPoint,
        ResourceType::RoleTrustPolicy,
        ResourceType::DynamoDbTable,
    ];

    /// The enum value on the wire.
    pub fn api_name(self) -> &'static str {
        match self {
            ResourceType::S3Bucket => "AWS::S3::Bucket",
            ResourceType::S3AccessPoint => "AWS::S3::AccessPoint",
            ResourceType::S3MultiRegionAccessPoint => "AWS::S3::MultiRegionAccessPoint",
            ResourceType::S3ObjectLambdaAccessPoint => "AWS::S3ObjectLambda::AccessPoint",
            ResourceType::RoleTrustPolicy => "AWS::IAM::AssumeRolePolicyDocument",
            ResourceType::DynamoDbTable => "AWS::DynamoDB::Table",
        }
    }
}

/// The service control policy size quota, in characters without whitespace (the reference's
/// POLICY_SIZE_EXCEEDS_SCP_QUOTA; Organizations quotas: 5,120).
const SCP_QUOTA: usize = 5120;

/// How many "Did you mean …?" searches one document gets: each compares the name with every
/// action of the service, so a megabyte of misspelt actions would otherwise take minutes. Later
/// findings keep their code and text without the suggestion.
const SUGGESTION_BUDGET: u32 = 200;

/// Checks one policy document and returns its findings.
pub fn validate(document: &str, policy_type: PolicyType, resource_type: Option<ResourceType>) -> Vec<Finding> {
    let mut c = Checker {
        policy_type,
        trust: resource_type == Some(ResourceType::RoleTrustPolicy),
        out: Vec::new(),
        suggestions_left: SUGGESTION_BUDGET,
    };
    match spanned::parse(document) {
        Err(e) => {
            // The reference's wording (2023 revision); the position is where reading stopped.
            let at = e.at;
            c.add(
                FindingType::Error,
                "JSON_SYNTAX_ERROR",
                format!(
                    "Fix the JSON syntax error at index {} line {} column {}.",
                    at.offset, at.line, at.column
                ),
                vec![Location {
                    path: Vec::new(),
                    span: TextSpan { start: at, end: at },
                }],
            );
        }
        Ok(root) => {
            c.document(&root);
            if policy_type == PolicyType::ServiceControl {
                let size = policy::policy_size(document);
                if size > SCP_QUOTA {
                    c.add(
                        FindingType::Error,
                        "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
                        format!(
                            "The {size} characters in the service control policy (SCP) exceed the {SCP_QUOTA} character maximum for SCPs. We recommend that you use multiple granular policies."
                        ),
                        vec![at(Vec::new(), root.span)],
                    );
                }
            }
            c.backstop(document, &root);
        }
    }
    let mut out = c.out;
    out.sort_by_key(Finding::first_offset);
    out
}

/// A location from a path and a span.
pub(super) fn at(path: Vec<PathElement>, span: TextSpan) -> Location {
    Location { path, span }
}

/// `base` with one more step.
pub(super) fn join(base: &[PathElement], next: PathElement) -> Vec<PathElement> {
    let mut p = base.to_vec();
    p.push(next);
    p
}

/// The findings being collected for one document.
pub(super) struct Checker {
    pub(super) policy_type: PolicyType,
    /// A role trust policy (`AWS::IAM::AssumeRolePolicyDocument`).
    pub(super) trust: bool,
    pub(super) out: Vec<Finding>,
    /// "Did you mean" searches left (`SUGGESTION_BUDGET`).
    pub(super) suggestions_left: u32,
}

impl Checker {
    /// Takes one "Did you mean" search from the budget; false when none is left.
    pub(super) fn may_suggest(&mut self) -> bool {
        let ok = self.suggestions_left > 0;
        self.suggestions_left = self.suggestions_left.saturating_sub(1);
        ok
    }

    pub(super) fn add(&mut self, t: FindingType, code: &'static str, details: String, locations: Vec<Location>) {
        self.out.push(Finding {
            finding_type: t,
            issue_code: code,
            details,
            locations,
        });
    }

    /// The value of `m` is not of the JSON type the element takes (the reference's wording, with
    /// the expected type named as JSON names it; AWS's exact type names are not recorded).
    pub(super) fn type_mismatch(&mut self, path: Vec<PathElement>, node: &Node, expected: &str) {
        self.add(
            FindingType::Error,
            "DATA_TYPE_MISMATCH",
            format!("The text does not match the expected JSON data type {expected}."),
            vec![at(path, node.span)],
        );
    }

    /// An element name the grammar does not know.
    pub(super) fn invalid_element(&mut self, base: &[PathElement], m: &Member) {
        self.add(
            FindingType::Error,
            "INVALID_POLICY_ELEMENT",
            format!("The policy element {} is not valid.", m.key),
            vec![at(join(base, PathElement::Key(m.key.clone())), m.key_span)],
        );
    }

    fn document(&mut self, root: &Node) {
        let Value::Object(members) = &root.value else {
            self.type_mismatch(Vec::new(), root, "object");
            return;
        };
        for m in members.iter().filter(|m| !TOP_ELEMENTS.contains(&m.key.as_str())) {
            self.invalid_element(&[], m);
        }
        match root.get("Version") {
            // Where AWS points a missing Version is not recorded: we point at the whole document.
            None => self.add(
                FindingType::Warning,
                "MISSING_VERSION",
                "We recommend that you specify the Version element to help you with debugging permission issues."
                    .to_string(),
                vec![at(Vec::new(), root.span)],
            ),
            Some(m) => match m.value.as_str() {
                None => self.type_mismatch(vec![PathElement::Value("Version".into())], &m.value, "string"),
                Some("2012-10-17" | "2008-10-17") => {}
                Some(v) => self.add(
                    FindingType::Error,
                    "INVALID_VERSION",
                    format!("The version {v} is not valid. Use one of the following versions: 2008-10-17, 2012-10-17"),
                    vec![at(vec![PathElement::Value("Version".into())], m.value.span)],
                ),
            },
        }
        if let Some(m) = root.get("Id") {
            if m.value.as_str().is_none() {
                self.type_mismatch(vec![PathElement::Value("Id".into())], &m.value, "string");
            }
        }
        let version_2012 = root.get("Version").and_then(|m| m.value.as_str()) == Some("2012-10-17");
        let statement_path = vec![PathElement::Value("Statement".into())];
        let missing = |c: &mut Checker, path: Vec<PathElement>, span: TextSpan| {
            c.add(
                FindingType::Error,
                "MISSING_STATEMENT",
                "Add a statement to the policy".to_string(),
                vec![at(path, span)],
            );
        };
        let statements: Vec<(Vec<PathElement>, &Node)> = match root.get("Statement") {
            None => {
                missing(self, Vec::new(), root.span);
                return;
            }
            Some(m) => match &m.value.value {
                Value::Object(_) => vec![(statement_path, &m.value)],
                Value::Array(items) if items.is_empty() => {
                    missing(self, statement_path, m.value.span);
                    return;
                }
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (join(&statement_path, PathElement::Index(i)), n))
                    .collect(),
                _ => {
                    self.type_mismatch(statement_path, &m.value, "array");
                    return;
                }
            },
        };
        let mut sids: Vec<&str> = Vec::new();
        for (path, node) in &statements {
            if let Value::Object(_) = node.value {
                self.statement(path, node, version_2012, &mut sids);
            } else {
                self.type_mismatch(path.clone(), node, "object");
            }
        }
    }

    /// IAM's own verdict on the same text: when IAM refuses the document and no check said ERROR,
    /// its refusal is reported, so IAM and the analyzer never disagree on what is valid. Role trust
    /// policies are read as IAM reads them for CreateRole; other resource policies are not IAM's.
    fn backstop(&mut self, document: &str, root: &Node) {
        let kind = match (self.policy_type, self.trust) {
            (PolicyType::Identity, _) => PolicyKind::Identity,
            (PolicyType::ServiceControl, _) => PolicyKind::ServiceControl,
            (PolicyType::Resource, true) => PolicyKind::Trust,
            _ => return,
        };
        if self.out.iter().any(|f| f.finding_type == FindingType::Error) {
            return;
        }
        let Err(e) = policy::parse_policy(document, kind) else {
            return;
        };
        let message = e.message;
        let code = match message.as_str() {
            "Policy statement must contain actions." => "MISSING_ACTION",
            "Policy statement must contain resources." => "MISSING_RESOURCE",
            m if m.starts_with("Invalid principal") => "INVALID_PRINCIPAL_FORMAT",
            m if m.starts_with("Statement IDs") => "UNSUPPORTED_SID",
            _ => "DATA_TYPE_MISMATCH",
        };
        // The details are IAM's MalformedPolicyDocument message: localiam's own wording for a
        // refusal Access Analyzer's documented checks do not name.
        self.add(FindingType::Error, code, message, vec![at(Vec::new(), root.span)]);
    }
}
