//! AWS's policy evaluation logic across identity, boundary, session, resource and SCP policies.
//!
//! From the IAM User Guide ("Policy evaluation logic", "Permissions boundaries", "Session
//! policies", "Cross-account policy evaluation logic"):
//! 1. An explicit Deny in any applicable policy wins.
//! 2. Every SCP level (root → account) must contain an applicable Allow.
//! 3. Same account, a resource-based Allow:
//!    - naming the caller itself (IAM user ARN, role-session ARN, federated-user ARN, `"*"`,
//!      its service/federated principal) grants on its own: it is not limited by an implicit
//!      deny in identity policies, the permissions boundary or session policies;
//!    - naming the parent (the role ARN of an assumed-role session, the IAM user of a
//!      federated session) acts like an identity-based Allow: still limited by the boundary
//!      and by session policies ("resource-based policies that grant permissions to an IAM
//!      role ARN are limited by an implicit deny in a permissions boundary or session policy");
//!    - naming only the account delegates to the account's IAM policies (assumed: this is
//!      how key and trust policies naming `:root` behave) and so grants nothing by itself.
//! 4. Otherwise identity-based policies must Allow, and the boundary (if set) and the session
//!    policies (if any) must each Allow.
//! 5. Cross-account: the resource-based policy must Allow (any principal form, including the
//!    account) AND the caller's own identity/boundary/session evaluation must Allow.
//!
//! Assumed: a `"*"` principal counts as naming the caller directly; an empty SCP level denies.

use super::eval::{evaluate_policy, Prepared, PrincipalMatch};
use super::validate::{Effect, Policy};
use super::AuthzRequest;

/// A policy with the id used to report matches.
#[derive(Debug, Clone, Copy)]
pub struct PolicyRef<'a> {
    /// Identifier reported in matches, e.g. a policy ARN or "user/alice/inline-name".
    pub id: &'a str,
    /// The parsed policy.
    pub policy: &'a Policy,
}

/// Every policy that applies to one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// Identity-based policies: inline, attached and group policies of the user or role.
    pub identity: Vec<PolicyRef<'a>>,
    /// The permissions boundary, if one is set.
    pub boundary: Option<PolicyRef<'a>>,
    /// Session policies of an assumed-role or federated session; empty means none.
    pub session: Vec<PolicyRef<'a>>,
    /// Resource-based policies of the target (e.g. a role's trust policy).
    pub resource: Vec<PolicyRef<'a>>,
    /// SCP levels from the root to the account; every level must allow.
    pub scps: Vec<Vec<PolicyRef<'a>>>,
    /// RCP levels from the root to the resource's account; every level must allow.
    pub rcps: Vec<Vec<PolicyRef<'a>>>,
}

/// The final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// An applicable Deny statement matched.
    ExplicitDeny,
    /// Nothing (or not every required policy type) allowed.
    ImplicitDeny,
}

impl Decision {
    /// The simulator's EvalDecision spelling: "allowed", "explicitDeny", "implicitDeny".
    pub fn as_simulation_str(self) -> &'static str {
        match self {
            Decision::Allow => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// Which policy type caused a deny: explicit with `ExplicitDeny`, missing Allow otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// Identity-based policy.
    Identity,
    /// Permissions boundary.
    Boundary,
    /// Session policy.
    Session,
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
    /// Resource-based policy.
    Resource,
}

impl DenyReason {
    /// AWS's AccessDenied wording for this reason, e.g. "because no identity-based policy
    /// allows the iam:CreateUser action".
    pub fn message_fragment(self, decision: Decision, action: &str) -> String {
        let kind = match self {
            DenyReason::Identity => "identity-based policy",
            DenyReason::Boundary => "permissions boundary",
            DenyReason::Session => "session policy",
            DenyReason::Scp => "service control policy",
            DenyReason::Rcp => "resource control policy",
            DenyReason::Resource => "resource-based policy",
        };
        match decision {
            Decision::ExplicitDeny => {
                let article = if kind.starts_with('i') { "an" } else { "a" };
                format!("with an explicit deny in {article} {kind}")
            }
            _ => format!("because no {kind} allows the {action} action"),
        }
    }
}

/// A statement that contributed to the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedStatement {
    /// The `PolicyRef::id` of the containing policy.
    pub policy_id: String,
    /// Which kind of policy it came from.
    pub source: DenyReason,
    /// The statement's Sid.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
    /// 1-based (line, column) of the statement's `{`.
    pub start: (u32, u32),
    /// 1-based (line, column) of the statement's `}`.
    pub end: (u32, u32),
}

/// The result of `authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The decision.
    pub decision: Decision,
    /// Deny statements for ExplicitDeny; the contributing Allow statements for Allow.
    pub matched: Vec<MatchedStatement>,
    /// The policy type that caused a deny.
    pub denied_by: Option<DenyReason>,
    /// Condition keys referenced by in-scope statements but absent from the context.
    pub missing_context_keys: Vec<String>,
}

/// Matches in one group of policies, as (policy index, statement index) pairs so that
/// reporting strings are only built for the statements that end up in the outcome.
struct Hits<'s, 'a> {
    refs: &'s [PolicyRef<'a>],
    source: DenyReason,
    allows: Vec<(usize, usize, PrincipalMatch)>,
    denies: Vec<(usize, usize)>,
}

impl Hits<'_, '_> {
    fn statement(&self, pi: usize, si: usize) -> Option<MatchedStatement> {
        let r = self.refs.get(pi)?;
        let st = r.policy.statements.get(si)?;
        Some(MatchedStatement {
            policy_id: r.id.to_string(),
            source: self.source,
            sid: st.sid.clone(),
            effect: st.effect,
            start: st.span.start,
            end: st.span.end,
        })
    }

    fn allowed(&self) -> bool {
        !self.allows.is_empty()
    }

    fn push_allows(&self, out: &mut Vec<MatchedStatement>) {
        out.extend(self.allows.iter().filter_map(|&(pi, si, _)| self.statement(pi, si)));
    }

    fn push_denies(&self, out: &mut Vec<MatchedStatement>) {
        out.extend(self.denies.iter().filter_map(|&(pi, si)| self.statement(pi, si)));
    }
}

fn collect<'s, 'a>(refs: &'s [PolicyRef<'a>], source: DenyReason, p: &Prepared<'_>) -> Hits<'s, 'a> {
    let mut hits = Hits {
        refs,
        source,
        allows: Vec::new(),
        denies: Vec::new(),
    };
    for (pi, r) in refs.iter().enumerate() {
        let m = evaluate_policy(r.policy, p);
        hits.allows.extend(m.allows.into_iter().map(|(si, how)| (pi, si, how)));
        hits.denies.extend(m.denies.into_iter().map(|si| (pi, si)));
    }
    hits
}

fn deny(decision: Decision, reason: DenyReason, matched: Vec<MatchedStatement>) -> Outcome {
    Outcome {
        decision,
        matched,
        denied_by: Some(reason),
        missing_context_keys: Vec::new(),
    }
}

/// Evaluates a request against every applicable policy.
pub fn authorize(req: &AuthzRequest<'_>, set: &PolicySet<'_>) -> Outcome {
    let p = Prepared::new(req, set.boundary.is_some());
    let mut outcome = decide(&p, set);
    let missing = p.missing.take();
    if !missing.is_empty() {
        outcome.missing_context_keys = super::sort_dedup_ci(missing);
    }
    outcome
}

fn decide(p: &Prepared<'_>, set: &PolicySet<'_>) -> Outcome {
    let req = p.req;
    let scps: Vec<Hits<'_, '_>> = set
        .scps
        .iter()
        .map(|level| collect(level, DenyReason::Scp, p))
        .collect();
    let rcps: Vec<Hits<'_, '_>> = set
        .rcps
        .iter()
        .map(|level| collect(level, DenyReason::Rcp, p))
        .collect();
    let identity = collect(&set.identity, DenyReason::Identity, p);
    let boundary = set
        .boundary
        .as_ref()
        .map(|b| collect(std::slice::from_ref(b), DenyReason::Boundary, p));
    let session = collect(&set.session, DenyReason::Session, p);
    let resource = collect(&set.resource, DenyReason::Resource, p);

    let mut denies: Vec<MatchedStatement> = Vec::new();
    let mut first_deny: Option<DenyReason> = None;
    let groups = scps
        .iter()
        .chain(rcps.iter())
        .chain(std::iter::once(&identity))
        .chain(boundary.iter())
        .chain(std::iter::once(&session))
        .chain(std::iter::once(&resource));
    for g in groups {
        if !g.denies.is_empty() {
            first_deny.get_or_insert(g.source);
        }
        g.push_denies(&mut denies);
    }
    if let Some(reason) = first_deny {
        return deny(Decision::ExplicitDeny, reason, denies);
    }
    if scps.iter().any(|level| !level.allowed()) {
        return deny(Decision::ImplicitDeny, DenyReason::Scp, Vec::new());
    }
    if rcps.iter().any(|level| !level.allowed()) {
        return deny(Decision::ImplicitDeny, DenyReason::Rcp, Vec::new());
    }

    let identity_allow = identity.allowed();
    let boundary_ok = boundary.as_ref().is_none_or(Hits::allowed);
    let session_ok = set.session.is_empty() || session.allowed();
    let best_resource = resource.allows.iter().map(|&(_, _, how)| how).max();
    let cross_account = req.resource_account.is_some_and(|ra| ra != req.principal_account);

    let mut matched: Vec<MatchedStatement> = Vec::new();
    let allows = |h: &Hits<'_, '_>, out: &mut Vec<MatchedStatement>| h.push_allows(out);
    let limits_reason = if !boundary_ok {
        Some(DenyReason::Boundary)
    } else if !session_ok {
        Some(DenyReason::Session)
    } else {
        None
    };

    if cross_account {
        if best_resource.is_none() {
            return deny(Decision::ImplicitDeny, DenyReason::Resource, Vec::new());
        }
        if !identity_allow {
            return deny(Decision::ImplicitDeny, DenyReason::Identity, Vec::new());
        }
        if let Some(reason) = limits_reason {
            return deny(Decision::ImplicitDeny, reason, Vec::new());
        }
    } else {
        match best_resource {
            Some(PrincipalMatch::Direct) => {}
            Some(PrincipalMatch::Parent) | Some(PrincipalMatch::Account) | None => {
                let parent_grant = best_resource == Some(PrincipalMatch::Parent);
                if !identity_allow && !parent_grant {
                    return deny(Decision::ImplicitDeny, DenyReason::Identity, Vec::new());
                }
                if let Some(reason) = limits_reason {
                    return deny(Decision::ImplicitDeny, reason, Vec::new());
                }
            }
        }
    }
    allows(&identity, &mut matched);
    if let Some(b) = &boundary {
        allows(b, &mut matched);
    }
    allows(&session, &mut matched);
    allows(&resource, &mut matched);
    for level in &scps {
        allows(level, &mut matched);
    }
    Outcome {
        decision: Decision::Allow,
        matched,
        denied_by: None,
        missing_context_keys: Vec::new(),
    }
}
