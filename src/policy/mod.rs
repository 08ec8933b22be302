//! The IAM policy language: parsing, validation, matching and AWS's evaluation logic.
//! Pure code: no I/O, no async, no global state.

pub mod ast;
pub mod authorizer;
pub mod condition;
pub mod document;
pub mod eval;
pub mod matching;
pub mod resource_arn;
pub mod spanned;
pub mod validate;

#[cfg(test)]
mod tests_corpus;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_validate;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

pub use authorizer::{authorize, Decision, DenyReason, MatchedStatement, Outcome, PolicyRef, PolicySet};
pub use eval::{evaluate_statement, StatementMatch};
pub use validate::{Effect, Policy, PrincipalEntry, PrincipalSpec, Span, Statement};

/// Which rules a policy document is validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Identity-based policy (inline, or any document evaluated as one): Principal prohibited.
    Identity,
    /// A customer managed policy's document (CreatePolicy, CreatePolicyVersion): identity rules,
    /// and `Version` must be `2012-10-17`.
    Managed,
    /// Resource-based policy: Principal required, Resource optional, free-form Sids.
    ResourceBased,
    /// Role trust policy: Principal required, Resource prohibited.
    Trust,
    /// Permissions boundary: same rules as Identity.
    Boundary,
    /// Service control policy: Principal prohibited.
    ServiceControl,
    /// Session policy passed to AssumeRole*/GetFederationToken: Principal prohibited.
    Session,
}

/// A MalformedPolicyDocument error with AWS's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// AWS's wording, e.g. "Syntax errors in policy.".
    pub message: String,
}

impl PolicyError {
    /// Creates an error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        PolicyError {
            message: message.into(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}

/// Parses and validates a policy document.
pub fn parse_policy(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    validate::parse(text, kind)
}

/// Non-whitespace character count, which is what IAM's policy size quotas measure.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Sorts and dedupes case-insensitively, keeping the first spelling seen.
pub(crate) fn sort_dedup_ci(mut keys: Vec<String>) -> Vec<String> {
    keys.sort_by_cached_key(|k| k.to_ascii_lowercase());
    keys.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    keys
}

/// Every context key a policy references (conditions and `${...}` variables), AWS-cased as
/// written, sorted and deduped case-insensitively — for GetContextKeysFor*Policy.
/// Including variable keys is assumed to match AWS, which reports keys the policy "uses".
pub fn context_keys(policy: &Policy) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for st in &policy.statements {
        for c in &st.conditions {
            keys.push(c.key.clone());
            keys.extend(c.variable_keys().into_iter().map(str::to_string));
        }
        for r in st.resources.iter().flatten() {
            keys.extend(r.variable_keys().map(str::to_string));
        }
    }
    sort_dedup_ci(keys)
}

/// A request-context value; AWS transmits every typed value as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A string (numbers, dates, booleans and IPs are strings too).
    String(String),
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::String(s.to_string())
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::String(s)
    }
}

impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        ContextValue::String(b.to_string())
    }
}

impl From<i64> for ContextValue {
    fn from(n: i64) -> Self {
        ContextValue::String(n.to_string())
    }
}

/// FNV-1a: context keys are short and trusted-ish (built by the server), and SipHash showed
/// up as a measurable share of `authorize` time.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Request context: case-insensitive keys mapping to one or more string values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    map: HashMap<String, Vec<String>, BuildHasherDefault<Fnv>>,
}

impl RequestContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a value to `key` (keys are case-insensitive; repeated inserts make it multi-valued).
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        let ContextValue::String(v) = value.into();
        self.map.entry(key.to_ascii_lowercase()).or_default().push(v);
    }

    /// Replaces `key` with all of `values` (e.g. `aws:TagKeys`); an empty list is an empty key.
    pub fn insert_all<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.map
            .insert(key.to_ascii_lowercase(), values.into_iter().map(Into::into).collect());
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.map.remove(&key.to_ascii_lowercase());
    }

    /// Values of `key`, looked up case-insensitively.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.get_lower(&key.to_ascii_lowercase())
    }

    /// Values of an already-lowercased key (avoids an allocation on hot paths).
    pub fn get_lower(&self, key_lower: &str) -> Option<&[String]> {
        self.map.get(key_lower).map(Vec::as_slice)
    }

    /// True when no keys are set.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What kind of caller is making the request, for `Principal` matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallerKind {
    /// An IAM user, role session, federated user or root (`{"AWS": ...}` principals).
    #[default]
    Aws,
    /// An AWS service; `principal_arn` holds its name, e.g. "lambda.amazonaws.com".
    Service,
    /// A web-identity/SAML caller; `principal_arn` holds the provider, e.g.
    /// "cognito-identity.amazonaws.com" or an OIDC/SAML provider ARN.
    Federated,
}

/// One authorization question.
#[derive(Debug, Clone, Copy)]
pub struct AuthzRequest<'a> {
    /// The caller's ARN (user, `assumed-role` session, `federated-user`), or the
    /// service/provider name for `CallerKind::Service`/`Federated`.
    pub principal_arn: &'a str,
    /// The caller's account.
    pub principal_account: &'a str,
    /// The role ARN behind an assumed-role session, or the IAM user behind a federated-user
    /// session; resource policies naming it are limited by boundaries and session policies.
    pub principal_parent_arn: Option<&'a str>,
    /// How `principal_arn` should be read.
    pub caller_kind: CallerKind,
    /// The action, e.g. "iam:CreateUser".
    pub action: &'a str,
    /// The resource ARN, or "*".
    pub resource: &'a str,
    /// The resource's account; `None` means the caller's account.
    pub resource_account: Option<&'a str>,
    /// Context keys.
    pub context: &'a RequestContext,
}

impl<'a> AuthzRequest<'a> {
    /// A same-account request by an AWS identity, with no parent identity.
    pub fn new(
        principal_arn: &'a str,
        principal_account: &'a str,
        action: &'a str,
        resource: &'a str,
        context: &'a RequestContext,
    ) -> Self {
        AuthzRequest {
            principal_arn,
            principal_account,
            principal_parent_arn: None,
            caller_kind: CallerKind::Aws,
            action,
            resource,
            resource_account: None,
            context,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_counts_non_whitespace() {
        assert_eq!(policy_size("{ \"a\" :\n\t1 }"), 7);
    }

    #[test]
    fn context_is_case_insensitive_and_multivalued() {
        let mut c = RequestContext::new();
        c.insert("aws:UserName", "x");
        c.insert("AWS:username", "y");
        assert_eq!(c.get("aws:USERNAME"), Some(&["x".to_string(), "y".to_string()][..]));
        c.insert_all("aws:TagKeys", Vec::<String>::new());
        assert_eq!(c.get("aws:tagkeys"), Some(&[][..]));
    }

    #[test]
    fn context_keys_sorted_deduped() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
               "Condition":{"StringEquals":{"aws:RequestTag/Dept":"x","s3:prefix":"${aws:PrincipalTag/team}"},
                            "Bool":{"aws:SecureTransport":"true"}}},
              {"Effect":"Deny","Action":"s3:*","Resource":"*",
               "Condition":{"StringLike":{"AWS:SECURETRANSPORT":"x"}}}]}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        assert_eq!(
            context_keys(&p),
            vec![
                "aws:PrincipalTag/team",
                "aws:RequestTag/Dept",
                "aws:SecureTransport",
                "aws:username",
                "s3:prefix"
            ]
        );
    }
}
