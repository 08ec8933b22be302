//! Policy text → typed AST, as IAM validates it: AWS's passes over the whole document, in
//! AWS's order, each with AWS's MalformedPolicyDocument message.
//!
//! 1. JSON and grammar ("Syntax errors in policy."): known elements only, `Version` one of the
//!    two known strings, `Statement` a non-empty object or array, each statement with a
//!    case-insensitive `Effect`, string-or-list actions and resources, condition blocks of known
//!    operators (an unknown operator only with an empty block).
//! 2. Managed policies only: `Version` must be `2012-10-17`.
//! 3. Legacy parsing ("The policy failed legacy parsing"): `Effect` in its exact case, every date
//!    condition value, and resources with `::` in too few fields or an empty service.
//! 4. Sid uniqueness (empty Sids take no part), 5. actions present, 6. the first resource format
//!    error, 7. action vendor prefixes, 8. resources present, 9. the rules of the policy kind
//!    (principals).
//!
//! Sources: moto PR 2269 (getmoto/moto#2269; every case checked against AWS by its author) for the
//! passes, their order and messages; Terraform's `aws_iam_policy_document`, which emits several
//! `"Sid": ""` statements that AWS accepts; LocalStack's AWS-validated snapshot
//! `test_create_role_with_malformed_assume_role_policy_document` for the trust policy's
//! "This policy contains invalid Json"; AWS errors quoted in cfn-lint#1376 and Wolox/carthage_cache#22
//! for the Sid character rule. docs/aws-messages.md lists which messages and orders are guesses.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::condition::{self, BaseOp, Operator};
use super::document::{line_col, statement_spans};
use super::matching::{Mode, Pattern};
use super::resource_arn;
use super::{PolicyError, PolicyKind};

pub use super::ast::{Effect, Policy, PrincipalEntry, PrincipalSpec, Span, Statement};

pub(crate) const SYNTAX_ERROR: &str = "Syntax errors in policy.";
const INVALID_JSON: &str = "This policy contains invalid Json";
const VERSION_REQUIRED: &str = "Policy document must be version 2012-10-17 or greater.";
const VENDOR_PREFIX: &str = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
const MISSING_PRINCIPAL: &str = "Missing required field Principal";
const PROHIBITED_RESOURCE: &str = "Has prohibited field Resource";
const NO_ACTIONS: &str = "Policy statement must contain actions.";
const NO_RESOURCES: &str = "Policy statement must contain resources.";
const LEGACY: &str = "The policy failed legacy parsing";
const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
const SID_CHARS: &str =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
const EMPTY_PRINCIPALS: &str = "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!";

/// The top-level elements IAM's grammar knows.
pub const TOP_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
/// The statement elements IAM's grammar knows.
pub const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The position one column to the right.
fn past((line, col): (u32, u32)) -> (u32, u32) {
    (line, col.saturating_add(1))
}

fn err(msg: &str) -> PolicyError {
    PolicyError::new(msg)
}

/// A statement as a JSON object, with the accessors the passes share. Its elements are read
/// out once: the passes look them up dozens of times, and a JSON object lookup hashes the key.
struct Raw<'a> {
    /// The value of each of `STATEMENT_ELEMENTS`, by position.
    elements: [Option<&'a Value>; STATEMENT_ELEMENTS.len()],
    /// Whether the statement has an element IAM does not know.
    unknown_element: bool,
}

impl<'a> Raw<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        let mut raw = Raw {
            elements: [None; STATEMENT_ELEMENTS.len()],
            unknown_element: false,
        };
        for (k, v) in map {
            match STATEMENT_ELEMENTS
                .iter()
                .position(|e| *e == k)
                .and_then(|i| raw.elements.get_mut(i))
            {
                Some(slot) => *slot = Some(v),
                None => raw.unknown_element = true,
            }
        }
        raw
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        let i = STATEMENT_ELEMENTS.iter().position(|e| *e == key)?;
        self.elements.get(i).copied().flatten()
    }

    fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    /// `Action`/`NotAction` (or the resource pair) that is present, with whether it is the `Not` form.
    fn either(&self, plain: &str, not: &str) -> Option<(&'a Value, bool)> {
        match (self.get(plain), self.get(not)) {
            (Some(v), _) => Some((v, false)),
            (None, Some(v)) => Some((v, true)),
            (None, None) => None,
        }
    }

    /// The strings of a string-or-list element; nulls in a list are skipped as AWS skips them.
    fn strings(v: &'a Value) -> impl Iterator<Item = &'a str> {
        let list: &[Value] = match v {
            Value::Array(a) => a,
            single => std::slice::from_ref(single),
        };
        list.iter().filter_map(Value::as_str)
    }
}

/// Parses and validates `text` as a policy of `kind`.
pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    let doc: Value = serde_json::from_str(text).map_err(|_| {
        err(if kind == PolicyKind::Trust {
            INVALID_JSON
        } else {
            SYNTAX_ERROR
        })
    })?;
    let statements = grammar(&doc).ok_or_else(|| err(SYNTAX_ERROR))?;
    let version = doc.get("Version").and_then(Value::as_str);
    if kind == PolicyKind::Managed && version != Some("2012-10-17") {
        return Err(err(VERSION_REQUIRED));
    }
    let resource_error = legacy(&statements)?;
    sids(&statements, kind)?;
    for st in &statements {
        match st.either("Action", "NotAction") {
            Some((Value::Array(a), _)) if a.is_empty() => return Err(err(NO_ACTIONS)),
            Some(_) => {}
            None => return Err(err(NO_ACTIONS)),
        }
    }
    if let Some(message) = resource_error {
        return Err(PolicyError::new(message));
    }
    for st in &statements {
        if let Some((v, _)) = st.either("Action", "NotAction") {
            Raw::strings(v).try_for_each(action_prefix)?;
        }
    }
    let variables = version == Some("2012-10-17");
    let spans = statement_spans(text);
    let mut out = Vec::with_capacity(statements.len());
    for (i, st) in statements.iter().enumerate() {
        let mut statement = build(st, kind, variables)?;
        if let Some(&(a, b)) = spans.get(i) {
            statement.span = Span {
                byte_start: a,
                byte_end: b,
                // AWS counts each position one column past its brace: a statement whose `{` is
                // the 40th character starts at column 41 (LocalStack's AWS-validated snapshot
                // test_simulate_principle_policy; a 2020 SimulateCustomPolicy response quoted in
                // smoketurner's tests agrees).
                start: past(line_col(text, a)),
                end: past(line_col(text, b.saturating_sub(1))),
            };
        }
        out.push(statement);
    }
    Ok(Policy {
        version: version.map(str::to_string),
        id: doc.get("Id").and_then(Value::as_str).map(str::to_string),
        statements: out,
        raw: doc,
    })
}

/// Pass 1: the document's shape. `None` is "Syntax errors in policy.".
fn grammar(doc: &Value) -> Option<Vec<Raw<'_>>> {
    let top = doc.as_object()?;
    if !top.keys().all(|k| TOP_ELEMENTS.contains(&k.as_str())) {
        return None;
    }
    if let Some(v) = top.get("Version") {
        if !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17")) {
            return None;
        }
    }
    if top.get("Id").is_some_and(|v| !v.is_string()) {
        return None;
    }
    let statements: Vec<Raw<'_>> = match top.get("Statement")? {
        Value::Object(o) => vec![Raw::new(o)],
        Value::Array(a) if !a.is_empty() => a.iter().map(|v| v.as_object().map(Raw::new)).collect::<Option<_>>()?,
        _ => return None,
    };
    statements.iter().all(statement_grammar).then_some(statements)
}

fn statement_grammar(st: &Raw<'_>) -> bool {
    let string_or_list = |key: &str| match st.get(key) {
        None | Some(Value::String(_)) => true,
        Some(Value::Array(a)) => a.iter().all(|v| v.is_string() || v.is_null()),
        Some(_) => false,
    };
    let both = |a: &str, b: &str| st.get(a).is_some() && st.get(b).is_some();
    !st.unknown_element
        && !both("Action", "NotAction")
        && !both("Resource", "NotResource")
        && !both("Principal", "NotPrincipal")
        && st
            .str("Effect")
            .is_some_and(|e| e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny"))
        && st.get("Sid").is_none_or(Value::is_string)
        && ["Action", "NotAction", "Resource", "NotResource"]
            .into_iter()
            .all(string_or_list)
        && ["Principal", "NotPrincipal"]
            .into_iter()
            .all(|k| st.get(k).is_none_or(principal_grammar))
        && st.get("Condition").is_none_or(condition_grammar)
}

fn principal_grammar(p: &Value) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(map) => map.values().all(|v| match v {
            Value::String(_) => true,
            Value::Array(a) => a.iter().all(Value::is_string),
            _ => false,
        }),
        _ => false,
    }
}

/// A Condition block: operator → {key → scalar or list}. An operator IAM does not know is
/// accepted only with an empty block (moto PR 2269: `{"a": {}}` is accepted, `{"a": {"b": "c"}}`
/// is not). Keys need no vendor prefix (`{"StringEquals": {"a": "b"}}` is accepted).
fn condition_grammar(block: &Value) -> bool {
    let Some(block) = block.as_object() else {
        return false;
    };
    block.iter().all(|(op, keys)| {
        let Some(keys) = keys.as_object() else {
            return false;
        };
        if !condition::is_known_operator(op) && !keys.is_empty() {
            return false;
        }
        keys.values().all(|v| condition::raw_values(v).is_some())
    })
}

/// Pass 3: legacy parsing. Returns the first resource format error, which AWS reports later
/// (after the Sid and action checks); resources are legacy-checked until a format error is seen.
fn legacy(statements: &[Raw<'_>]) -> Result<Option<String>, PolicyError> {
    for st in statements {
        if !matches!(st.str("Effect"), Some("Allow" | "Deny")) {
            return Err(err(LEGACY));
        }
        let Some(Value::Object(block)) = st.get("Condition") else {
            continue;
        };
        for (op, keys) in block {
            let is_date = Operator::parse(op).is_some_and(|o| {
                matches!(
                    o.base,
                    BaseOp::DateEquals
                        | BaseOp::DateLessThan
                        | BaseOp::DateLessThanEquals
                        | BaseOp::DateGreaterThan
                        | BaseOp::DateGreaterThanEquals
                )
            });
            let Value::Object(keys) = keys else { continue };
            if !is_date {
                continue;
            }
            for v in keys.values() {
                let all_dates =
                    condition::raw_values(v).is_some_and(|vals| vals.iter().all(|d| condition::date_parses(d)));
                if !all_dates {
                    return Err(err(LEGACY));
                }
            }
        }
    }
    let mut first_error = None;
    for st in statements {
        let Some((v, _)) = st.either("Resource", "NotResource") else {
            continue;
        };
        for res in Raw::strings(v) {
            if first_error.is_none() {
                first_error = resource_arn::format_error(res);
            }
        }
        if first_error.is_none() && Raw::strings(v).any(resource_arn::fails_legacy) {
            return Err(err(LEGACY));
        }
    }
    Ok(first_error)
}

/// Pass 4: Sid characters (IAM's own policy types) and uniqueness among non-empty Sids.
/// Underscores are accepted: moto's AWS-checked corpus has Sids such as
/// `BooleanConditionOperations_Strings_And_Booleans`; spaces and hyphens are refused (cfn-lint#1376).
fn sids(statements: &[Raw<'_>], kind: PolicyKind) -> Result<(), PolicyError> {
    let mut seen = HashSet::new();
    for sid in statements.iter().filter_map(|st| st.str("Sid")) {
        if kind != PolicyKind::ResourceBased && !sid_chars_ok(sid) {
            return Err(err(SID_CHARS));
        }
        if !sid.is_empty() && !seen.insert(sid) {
            return Err(err(SID_UNIQUE));
        }
    }
    Ok(())
}

/// Whether IAM's own policy types accept these Sid characters (pass 4).
pub fn sid_chars_ok(sid: &str) -> bool {
    sid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Pass 7: `vendor:action`, one colon, a vendor of letters, digits, `-`, `.` (and `_`).
pub fn action_prefix(a: &str) -> Result<(), PolicyError> {
    let mut parts = a.split(':');
    let vendor = parts.next().unwrap_or("");
    match (parts.next(), parts.next()) {
        (None, _) if a != "*" => Err(err(VENDOR_PREFIX)),
        (Some(_), Some(_)) => Err(err(ONE_COLON)),
        _ if vendor != "*"
            && !vendor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')) =>
        {
            Err(PolicyError::new(format!("Vendor {vendor} is not valid")))
        }
        _ => Ok(()),
    }
}

/// Passes 8 and 9 for one statement, then its typed form.
fn build(st: &Raw<'_>, kind: PolicyKind, variables: bool) -> Result<Statement, PolicyError> {
    let needs_principal = matches!(kind, PolicyKind::ResourceBased | PolicyKind::Trust);
    let resources = match st.either("Resource", "NotResource") {
        Some(_) if kind == PolicyKind::Trust => return Err(err(PROHIBITED_RESOURCE)),
        Some((Value::Array(a), _)) if a.is_empty() => return Err(err(NO_RESOURCES)),
        Some((v, not)) => Some((compile(v, Mode::Arn, variables), not)),
        None if needs_principal => None,
        None => return Err(err(NO_RESOURCES)),
    };
    let principal = match st.either("Principal", "NotPrincipal") {
        Some(_) if !needs_principal => return Err(err(NO_PRINCIPAL_ALLOWED)),
        None if needs_principal => return Err(err(MISSING_PRINCIPAL)),
        None => None,
        Some((p, negated)) => Some(principal_spec(p, negated)?),
    };
    let (actions, not_action) = match st.either("Action", "NotAction") {
        Some((v, not)) => (compile(v, Mode::Action, false), not),
        None => (Vec::new(), false),
    };
    let conditions = match st.get("Condition") {
        Some(Value::Object(block)) => condition::parse_block(block, variables),
        _ => Vec::new(),
    };
    Ok(Statement {
        sid: st.str("Sid").map(str::to_string),
        effect: if st.str("Effect") == Some("Deny") {
            Effect::Deny
        } else {
            Effect::Allow
        },
        principal,
        actions,
        not_action,
        not_resource: resources.as_ref().is_some_and(|(_, not)| *not),
        resources: resources.map(|(r, _)| r),
        conditions,
        span: Span::default(),
    })
}

fn compile(v: &Value, mode: Mode, variables: bool) -> Vec<Pattern> {
    Raw::strings(v).map(|s| Pattern::compile(s, mode, variables)).collect()
}

fn invalid_principal(kind: &str, value: &str) -> PolicyError {
    PolicyError::new(format!("Invalid principal in policy: \"{kind}\":\"{value}\""))
}

fn principal_spec(p: &Value, negated: bool) -> Result<PrincipalSpec, PolicyError> {
    let mut entries = Vec::new();
    match p {
        Value::Object(map) => {
            for (kind, values) in map {
                for v in Raw::strings(values) {
                    entries.push(principal_entry(kind, v)?);
                }
            }
        }
        _ => entries.push(PrincipalEntry::Any),
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
