//! Document → typed AST, enforcing IAM's MalformedPolicyDocument rules.
//!
//! Messages confirmed verbatim from AWS error reports (GitHub issues quoting IAM responses):
//! "Syntax errors in policy.", "Policy document should not specify a principal.",
//! "Missing required field Principal", "Policy statement must contain actions.",
//! "Policy statement must contain resources.", `Resource X must be in ARN format or "*".`,
//! "Actions/Condition can contain only one colon.", "The policy failed legacy parsing",
//! `Invalid principal in policy: "AWS":"..."`, and the "statement with no principals" text.
//! Assumed (wording not confirmed): the Sid messages, "Missing required field Effect",
//! "Has prohibited field Resource", "Vendor X is not valid", that an invalid Version yields
//! "The policy failed legacy parsing", and that malformed condition values, unknown elements,
//! bad Effect values and empty Statement lists yield "Syntax errors in policy.".

use std::collections::HashSet;

use super::condition::{self, Clause};
use super::document::{line_col, statement_spans, OneOrMany, RawDocument, RawPrincipal, RawStatement};
use super::matching::{Mode, Pattern};
use super::{PolicyError, PolicyKind};

pub(crate) const SYNTAX_ERROR: &str = "Syntax errors in policy.";
pub(crate) const VENDOR_PREFIX: &str = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
const MISSING_PRINCIPAL: &str = "Missing required field Principal";
const MISSING_EFFECT: &str = "Missing required field Effect";
const PROHIBITED_RESOURCE: &str = "Has prohibited field Resource";
const NO_ACTIONS: &str = "Policy statement must contain actions.";
const NO_RESOURCES: &str = "Policy statement must contain resources.";
const LEGACY: &str = "The policy failed legacy parsing";
const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
const SID_CHARS: &str =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
const EMPTY_PRINCIPALS: &str = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!";

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

/// One principal named in `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"Principal": "*"`: everyone, including anonymous and service callers.
    Any,
    /// `{"AWS": "*"}`: any AWS identity.
    AwsAny,
    /// A whole account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account(String),
    /// A user, role, assumed-role session or federated-user ARN.
    Arn(String),
    /// `{"Service": "..."}`.
    Service(String),
    /// `{"Federated": "..."}`.
    Federated(String),
    /// `{"CanonicalUser": "..."}`.
    CanonicalUser(String),
}

/// A statement's `Principal` (or `NotPrincipal` when `negated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalSpec {
    /// True for `NotPrincipal`.
    pub negated: bool,
    /// The listed principals.
    pub entries: Vec<PrincipalEntry>,
}

/// Where a statement sits in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the opening `{`.
    pub byte_start: usize,
    /// Byte offset just past the closing `}`.
    pub byte_end: usize,
    /// 1-based (line, column) of the opening `{`.
    pub start: (u32, u32),
    /// 1-based (line, column) of the closing `}`.
    pub end: (u32, u32),
}

/// A validated statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal`/`NotPrincipal`, if any.
    pub principal: Option<PrincipalSpec>,
    /// `Action` or `NotAction` patterns (lowercased).
    pub actions: Vec<Pattern>,
    /// True for `NotAction`.
    pub not_action: bool,
    /// `Resource`/`NotResource` patterns; `None` when the statement has neither (trust policies).
    pub resources: Option<Vec<Pattern>>,
    /// True for `NotResource`.
    pub not_resource: bool,
    /// Condition clauses (ANDed).
    pub conditions: Vec<Clause>,
    /// Source position.
    pub span: Span,
}

/// A parsed, validated policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `Version` as written.
    pub version: Option<String>,
    /// `Id` as written.
    pub id: Option<String>,
    /// Statements in document order.
    pub statements: Vec<Statement>,
    raw: RawDocument,
}

impl Policy {
    /// The document re-serialized (compact JSON, element order preserved).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.raw).unwrap_or_default()
    }

    /// The serde model this policy was built from.
    pub fn document(&self) -> &RawDocument {
        &self.raw
    }
}

fn err(msg: &str) -> PolicyError {
    PolicyError::new(msg)
}

/// Parses and validates `text` as a policy of `kind`.
pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let raw: RawDocument = serde_json::from_str(text).map_err(|_| err(SYNTAX_ERROR))?;
    let variables = match raw.version.as_deref() {
        Some("2012-10-17") => true,
        // Policy variables are plain text before 2012-10-17.
        None | Some("2008-10-17") => false,
        Some(_) => return Err(err(LEGACY)),
    };
    let raw_statements = match &raw.statement {
        Some(s) if !s.as_slice().is_empty() => s.as_slice(),
        _ => return Err(err(SYNTAX_ERROR)),
    };
    let spans = statement_spans(text);
    let mut statements = Vec::with_capacity(raw_statements.len());
    let mut sids = HashSet::new();
    for (i, rs) in raw_statements.iter().enumerate() {
        let mut st = statement(rs, kind, variables)?;
        if let Some(&(a, b)) = spans.get(i) {
            st.span = Span {
                byte_start: a,
                byte_end: b,
                start: line_col(text, a),
                end: line_col(text, b.saturating_sub(1)),
            };
        }
        if let Some(sid) = &st.sid {
            if !sids.insert(sid.clone()) {
                return Err(err(SID_UNIQUE));
            }
        }
        statements.push(st);
    }
    Ok(Policy {
        version: raw.version.clone(),
        id: raw.id.clone(),
        statements,
        raw,
    })
}

fn statement(rs: &RawStatement, kind: PolicyKind, variables: bool) -> Result<Statement, PolicyError> {
    let effect = match rs.effect.as_deref() {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(_) => return Err(err(SYNTAX_ERROR)),
        None => return Err(err(MISSING_EFFECT)),
    };
    let needs_principal = matches!(kind, PolicyKind::ResourceBased | PolicyKind::Trust);
    let principal = match (&rs.principal, &rs.not_principal) {
        (Some(_), Some(_)) => return Err(err(SYNTAX_ERROR)),
        (Some(_), None) | (None, Some(_)) if !needs_principal => return Err(err(NO_PRINCIPAL_ALLOWED)),
        (None, None) if needs_principal => return Err(err(MISSING_PRINCIPAL)),
        (None, None) => None,
        (Some(p), None) => Some(principal_spec(p, false)?),
        (None, Some(p)) => Some(principal_spec(p, true)?),
    };
    let (actions, not_action) = match (&rs.action, &rs.not_action) {
        (Some(_), Some(_)) => return Err(err(SYNTAX_ERROR)),
        (Some(a), None) => (a, false),
        (None, Some(a)) => (a, true),
        (None, None) => return Err(err(NO_ACTIONS)),
    };
    if actions.as_slice().is_empty() {
        return Err(err(NO_ACTIONS));
    }
    let actions = actions
        .as_slice()
        .iter()
        .map(|a| action(a))
        .collect::<Result<Vec<_>, _>>()?;
    let (resources, not_resource) = match (&rs.resource, &rs.not_resource) {
        (Some(_), Some(_)) => return Err(err(SYNTAX_ERROR)),
        (Some(_), _) | (_, Some(_)) if kind == PolicyKind::Trust => return Err(err(PROHIBITED_RESOURCE)),
        (Some(r), None) => (Some(resources(r, variables)?), false),
        (None, Some(r)) => (Some(resources(r, variables)?), true),
        (None, None) if needs_principal => (None, false),
        (None, None) => return Err(err(NO_RESOURCES)),
    };
    let conditions = match &rs.condition {
        Some(block) => condition::parse_block(block, variables)?,
        None => Vec::new(),
    };
    if let Some(sid) = &rs.sid {
        // S3-style resource policies allow free-form Sids; IAM's own policy types do not.
        if kind != PolicyKind::ResourceBased && !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err(SID_CHARS));
        }
    }
    Ok(Statement {
        sid: rs.sid.clone(),
        effect,
        principal,
        actions,
        not_action,
        resources,
        not_resource,
        conditions,
        span: Span::default(),
    })
}

fn action(a: &str) -> Result<Pattern, PolicyError> {
    if a == "*" {
        return Ok(Pattern::compile(a, Mode::Action, false));
    }
    let Some((vendor, name)) = a.split_once(':') else {
        return Err(err(VENDOR_PREFIX));
    };
    if name.contains(':') {
        return Err(err(ONE_COLON));
    }
    if vendor.is_empty()
        || !vendor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(PolicyError::new(format!("Vendor {vendor} is not valid")));
    }
    Ok(Pattern::compile(a, Mode::Action, false))
}

fn resources(r: &OneOrMany<String>, variables: bool) -> Result<Vec<Pattern>, PolicyError> {
    if r.as_slice().is_empty() {
        return Err(err(NO_RESOURCES));
    }
    r.as_slice()
        .iter()
        .map(|res| {
            let arn_like = res.starts_with("arn:") && (res.matches(':').count() >= 5 || res.ends_with('*'));
            if res == "*" || arn_like {
                Ok(Pattern::compile(res, Mode::Arn, variables))
            } else {
                Err(PolicyError::new(format!(
                    "Resource {res} must be in ARN format or \"*\"."
                )))
            }
        })
        .collect()
}

fn invalid_principal(kind: &str, value: &str) -> PolicyError {
    PolicyError::new(format!("Invalid principal in policy: \"{kind}\":\"{value}\""))
}

fn principal_spec(p: &RawPrincipal, negated: bool) -> Result<PrincipalSpec, PolicyError> {
    let mut entries = Vec::new();
    match p {
        RawPrincipal::Wildcard(s) if s == "*" => entries.push(PrincipalEntry::Any),
        RawPrincipal::Wildcard(_) => return Err(err(SYNTAX_ERROR)),
        RawPrincipal::Map(map) => {
            for (kind, values) in map {
                let values: Vec<&str> = match values {
                    serde_json::Value::String(s) => vec![s.as_str()],
                    serde_json::Value::Array(a) => a
                        .iter()
                        .map(|v| v.as_str().ok_or_else(|| err(SYNTAX_ERROR)))
                        .collect::<Result<_, _>>()?,
                    _ => return Err(err(SYNTAX_ERROR)),
                };
                for v in values {
                    entries.push(principal_entry(kind, v)?);
                }
            }
        }
    }
    if entries.is_empty() {
        return Err(err(EMPTY_PRINCIPALS));
    }
    Ok(PrincipalSpec { negated, entries })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn principal_entry(kind: &str, v: &str) -> Result<PrincipalEntry, PolicyError> {
    match kind {
        "AWS" => {
            if v == "*" {
                return Ok(PrincipalEntry::AwsAny);
            }
            if is_account_id(v) {
                return Ok(PrincipalEntry::Account(v.to_string()));
            }
            let parts: Vec<&str> = v.splitn(6, ':').collect();
            match parts.as_slice() {
                ["arn", partition, service, "", account, resource]
                    if !partition.is_empty() && is_account_id(account) && !resource.is_empty() =>
                {
                    let ok = match *service {
                        "iam" if *resource == "root" => return Ok(PrincipalEntry::Account((*account).to_string())),
                        "iam" => resource.starts_with("user/") || resource.starts_with("role/"),
                        "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
                        _ => false,
                    };
                    if ok && !v.contains('*') {
                        Ok(PrincipalEntry::Arn(v.to_string()))
                    } else {
                        Err(invalid_principal(kind, v))
                    }
                }
                _ => Err(invalid_principal(kind, v)),
            }
        }
        "Service" if !v.is_empty() => Ok(PrincipalEntry::Service(v.to_string())),
        "Federated" if !v.is_empty() => Ok(PrincipalEntry::Federated(v.to_string())),
        "CanonicalUser" if !v.is_empty() => Ok(PrincipalEntry::CanonicalUser(v.to_string())),
        _ => Err(invalid_principal(kind, v)),
    }
}
