//! Statement and policy evaluation against one request.

use std::cell::RefCell;

use super::condition;
use super::validate::{Effect, Policy, PrincipalEntry, PrincipalSpec, Statement};
use super::{AuthzRequest, CallerKind};

/// Whether a statement applies to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementMatch {
    /// Action, resource, principal and conditions all match.
    Match,
    /// The statement does not apply.
    NoMatch,
}

/// How the caller was named by a resource-based policy's `Principal`; this decides whether
/// a resource-based Allow is limited by boundaries and session policies (see authorizer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// The account as a whole (`123456789012`, `:root`) or a `NotPrincipal` exclusion.
    Account,
    /// The parent identity: the role of an assumed-role session, the user of a federated one.
    Parent,
    /// The caller itself: its exact ARN, `"*"`, or its service/federated principal.
    Direct,
}

/// A request with per-call derived data, computed once per `authorize`.
pub struct Prepared<'a> {
    /// The request.
    pub req: &'a AuthzRequest<'a>,
    /// The action, ASCII-lowercased for case-insensitive matching.
    pub action_lower: String,
    /// Whether the caller has a permissions boundary (affects Deny + NotPrincipal).
    pub has_boundary: bool,
    /// Condition keys of in-scope statements that the context lacks (as written).
    pub missing: RefCell<Vec<String>>,
}

impl<'a> Prepared<'a> {
    /// Derives matching data from a request.
    pub fn new(req: &'a AuthzRequest<'a>, has_boundary: bool) -> Self {
        Prepared {
            req,
            action_lower: req.action.to_ascii_lowercase(),
            has_boundary,
            missing: RefCell::new(Vec::new()),
        }
    }
}

fn action_matches(st: &Statement, p: &Prepared<'_>) -> bool {
    let ctx = p.req.context;
    let hit = st.actions.iter().any(|a| a.matches(&p.action_lower, ctx) == Some(true));
    hit != st.not_action
}

/// `None` when a variable in a resource pattern cannot be resolved.
fn resource_matches(st: &Statement, p: &Prepared<'_>) -> Option<bool> {
    let Some(resources) = &st.resources else {
        return Some(true);
    };
    let mut hit = false;
    for r in resources {
        if r.matches(p.req.resource, p.req.context)? {
            hit = true;
            break;
        }
    }
    Some(hit != st.not_resource)
}

fn entry_match(e: &PrincipalEntry, req: &AuthzRequest<'_>) -> Option<PrincipalMatch> {
    let aws = req.caller_kind == CallerKind::Aws;
    match e {
        PrincipalEntry::Any => Some(PrincipalMatch::Direct),
        PrincipalEntry::AwsAny if aws => Some(PrincipalMatch::Direct),
        PrincipalEntry::Account(a) if aws && a == req.principal_account => Some(PrincipalMatch::Account),
        PrincipalEntry::Arn(a) if aws && a == req.principal_arn => Some(PrincipalMatch::Direct),
        PrincipalEntry::Arn(a) if aws && Some(a.as_str()) == req.principal_parent_arn => Some(PrincipalMatch::Parent),
        PrincipalEntry::Service(s) if req.caller_kind == CallerKind::Service && s == req.principal_arn => {
            Some(PrincipalMatch::Direct)
        }
        PrincipalEntry::Federated(f) if req.caller_kind == CallerKind::Federated && f == req.principal_arn => {
            Some(PrincipalMatch::Direct)
        }
        _ => None,
    }
}

/// For `NotPrincipal`, AWS checks every identity the caller has (session, role, account),
/// so the exclusion only holds when all of them are listed (NotPrincipal documentation).
fn not_principal_applies(spec: &PrincipalSpec, req: &AuthzRequest<'_>) -> bool {
    let covered = |probe: &dyn Fn(&PrincipalEntry) -> bool| spec.entries.iter().any(probe);
    if covered(&|e| matches!(e, PrincipalEntry::Any)) {
        return false;
    }
    match req.caller_kind {
        CallerKind::Aws => {
            let any_aws = covered(&|e| matches!(e, PrincipalEntry::AwsAny));
            if any_aws {
                return false;
            }
            let caller = covered(&|e| matches!(e, PrincipalEntry::Arn(a) if a == req.principal_arn));
            let parent = req
                .principal_parent_arn
                .is_none_or(|parent| covered(&|e| matches!(e, PrincipalEntry::Arn(a) if a == parent)));
            let account = covered(&|e| matches!(e, PrincipalEntry::Account(a) if a == req.principal_account));
            !(caller && parent && account)
        }
        CallerKind::Service => !covered(&|e| matches!(e, PrincipalEntry::Service(s) if s == req.principal_arn)),
        CallerKind::Federated => !covered(&|e| matches!(e, PrincipalEntry::Federated(s) if s == req.principal_arn)),
    }
}

fn principal_matches(st: &Statement, p: &Prepared<'_>) -> Option<PrincipalMatch> {
    let Some(spec) = &st.principal else {
        // Identity-side policies apply to their owner.
        return Some(PrincipalMatch::Direct);
    };
    if spec.negated {
        // Documented quirk: a Deny with NotPrincipal always denies principals that have a
        // permissions boundary, whatever NotPrincipal lists.
        let applies = (st.effect == Effect::Deny && p.has_boundary) || not_principal_applies(spec, p.req);
        return applies.then_some(PrincipalMatch::Account);
    }
    spec.entries.iter().filter_map(|e| entry_match(e, p.req)).max()
}

/// Full match of one statement; returns how the principal matched when it applies.
pub fn match_statement(st: &Statement, p: &Prepared<'_>) -> Option<PrincipalMatch> {
    if !action_matches(st, p) || resource_matches(st, p) != Some(true) {
        return None;
    }
    for c in &st.conditions {
        if p.req.context.get_lower(&c.key_lower).is_none() {
            p.missing.borrow_mut().push(c.key.clone());
        }
    }
    let how = principal_matches(st, p)?;
    condition::evaluate_all(&st.conditions, p.req.context).then_some(how)
}

/// Evaluates one statement against a request (principal checks included when present).
pub fn evaluate_statement(st: &Statement, req: &AuthzRequest<'_>) -> StatementMatch {
    let p = Prepared::new(req, false);
    match match_statement(st, &p) {
        Some(_) => StatementMatch::Match,
        None => StatementMatch::NoMatch,
    }
}

/// Indices of matching statements in a policy, split by effect.
#[derive(Debug, Default)]
pub struct PolicyMatches {
    /// Matching Allow statements with how their principal matched.
    pub allows: Vec<(usize, PrincipalMatch)>,
    /// Matching Deny statements.
    pub denies: Vec<usize>,
}

/// Evaluates every statement of a policy.
pub fn evaluate_policy(policy: &Policy, p: &Prepared<'_>) -> PolicyMatches {
    let mut out = PolicyMatches::default();
    for (i, st) in policy.statements.iter().enumerate() {
        if let Some(how) = match_statement(st, p) {
            match st.effect {
                Effect::Allow => out.allows.push((i, how)),
                Effect::Deny => out.denies.push(i),
            }
        }
    }
    out
}
