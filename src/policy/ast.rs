//! The typed form of a validated policy: what evaluation reads.

use super::condition::Clause;
use super::matching::Pattern;

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
    pub(crate) raw: serde_json::Value,
}

impl Policy {
    /// The document re-serialized (compact JSON, element order preserved).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.raw).unwrap_or_default()
    }
}
