//! Enforcement: gathers the caller's policies (cached per principal until the next write),
//! builds the request context and asks the policy engine for a decision.

pub mod cache;

use cache::{PolicyCache, PrincipalPolicies};

use std::sync::Arc;

use rusqlite::Connection;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Principal, SessionSubject};
use crate::policy::{self, AuthzRequest, Decision, PolicyKind, PolicyRef, PolicySet, RequestContext};
use crate::store::policies::{self as policy_store, Entity};
use crate::store::tags;

// The handlers' way in, defined here rather than in `context` so that enforcement sits below the
// rules: `iam`/`sts` → `authz` → `store`/`policy`, and `context` knows nothing of `authz`.
impl Ctx {
    /// Authorizes the current operation's action on `resource` for the caller.
    pub fn authorize(&self, c: &rusqlite::Connection, resource: &str) -> ApiResult<()> {
        crate::authz::check(self, c, self.op.action(), resource)
    }

    /// Authorizes the current operation with request-specific context keys.
    pub fn authorize_with(
        &self,
        c: &rusqlite::Connection,
        resource: &str,
        extra: &[(String, Vec<String>)],
    ) -> ApiResult<()> {
        crate::authz::check_with(self, c, self.op.action(), resource, extra)
    }

    /// Authorizes another action (for operations that need two).
    pub fn authorize_action(&self, c: &rusqlite::Connection, action: &str, resource: &str) -> ApiResult<()> {
        crate::authz::check(self, c, action, resource)
    }
}

/// Decides whether the caller may perform `action` on `resource`.
pub fn check(ctx: &Ctx, c: &Connection, action: &str, resource: &str) -> ApiResult<()> {
    check_with(ctx, c, action, resource, &[])
}

/// Like [`check`], with request-specific context keys (`aws:RequestTag/…`, `iam:PolicyARN`, …).
pub fn check_with(
    ctx: &Ctx,
    c: &Connection,
    action: &str,
    resource: &str,
    extra: &[(String, Vec<String>)],
) -> ApiResult<()> {
    // The root user is never denied by its own account's policies, but a member account's root
    // is bounded by the organization's SCPs (Organizations User Guide, "SCP effects on permissions").
    let unlimited_root = ctx.principal.is_root()
        && !scoped_root(&ctx.principal)
        && !ctx
            .app
            .org
            .get()
            .is_some_and(|o| o.binds(ctx.account(), crate::organizations::state::SCP));
    if !ctx.app.config.enforce || unlimited_root || matches!(ctx.principal, Principal::Anonymous) {
        return Ok(());
    }
    if let Principal::Session(s) = &ctx.principal {
        // Credentials from GetSessionToken without MFA, and federation tokens, cannot call IAM;
        // credentials bought with a delegation trade-in token are not GetSessionToken's.
        let blocked = match s.subject {
            SessionSubject::User(_) => !s.mfa && !delegated_key(ctx, c)?,
            SessionSubject::Federated { .. } => true,
            _ => false,
        };
        if blocked && action.starts_with("iam:") {
            return Err(crate::server::errors::invalid_client_token());
        }
    }
    if ctx.principal.iam_user().is_some() && self_service_allowed(c, action)? {
        return Ok(());
    }
    let outcome = evaluate(ctx, c, action, resource, extra, &[], false)?;
    match outcome.decision {
        Decision::Allow => Ok(()),
        decision => {
            let reason = outcome.denied_by.unwrap_or(policy::DenyReason::Identity);
            Err(access_denied(
                &ctx.caller_arn(),
                action,
                resource,
                &reason.message_fragment(decision, action),
            ))
        }
    }
}

/// Evaluates the caller's policies (plus `resource_policies`, e.g. a trust policy) for one request.
pub fn evaluate(
    ctx: &Ctx,
    c: &Connection,
    action: &str,
    resource: &str,
    extra: &[(String, Vec<String>)],
    resource_policies: &[(&str, &policy::Policy)],
    trust_required: bool,
) -> ApiResult<policy::Outcome> {
    let caller = ctx.caller_arn();
    let mut parent_arn = None;
    let (set_source, session): (Option<Arc<PrincipalPolicies>>, Option<&crate::identity::Session>) =
        match &ctx.principal {
            Principal::User(u) => (Some(entity_policies(ctx, c, Entity::User, &u.id)?), None),
            Principal::Session(s) => match &s.subject {
                SessionSubject::Role { role, .. } => {
                    parent_arn = Some(ctx.iam_arn(&role.resource()));
                    (Some(entity_policies(ctx, c, Entity::Role, &role.id)?), Some(s.as_ref()))
                }
                SessionSubject::User(u) => (Some(entity_policies(ctx, c, Entity::User, &u.id)?), Some(s.as_ref())),
                SessionSubject::Federated { user: Some(u), .. } => {
                    parent_arn = Some(ctx.iam_arn(&u.resource()));
                    (Some(entity_policies(ctx, c, Entity::User, &u.id)?), Some(s.as_ref()))
                }
                // The root user's federated session: root's allow-all, narrowed by the session policies.
                SessionSubject::Federated { user: None, .. } => {
                    parent_arn = Some(ctx.iam_arn("root"));
                    (Some(root_policies(ctx)?), Some(s.as_ref()))
                }
                SessionSubject::Root if scoped_root(&ctx.principal) => (Some(root_policies(ctx)?), Some(s.as_ref())),
                SessionSubject::Root => (None, Some(s.as_ref())),
            },
            Principal::Root => (Some(root_policies(ctx)?), None),
            Principal::Anonymous => (None, None),
        };
    let empty = PrincipalPolicies {
        identity: Vec::new(),
        boundary: None,
        tags: Vec::new(),
    };
    let policies = set_source.as_deref().unwrap_or(&empty);
    let mut context = base_context(ctx, &caller, &policies.tags);
    if let Some(u) = ctx.principal.iam_user() {
        context.insert("aws:username", u.name.as_str());
    }
    let principal_type = match &ctx.principal {
        Principal::User(_) => "User",
        Principal::Session(s) => match s.subject {
            SessionSubject::Role { .. } => "AssumedRole",
            SessionSubject::Federated { .. } => "FederatedUser",
            SessionSubject::User(_) => "User",
            SessionSubject::Root => "Account",
        },
        _ => "Account",
    };
    context.insert("aws:PrincipalType", principal_type);
    let session_policies = match session {
        Some(s) => session_layer(ctx, c, s, parent_arn.as_deref(), &mut context)?,
        None => Vec::new(),
    };
    for (k, v) in resource_tags(ctx, c, resource)? {
        context.insert(&format!("aws:ResourceTag/{k}"), v.as_str());
        context.insert(&format!("iam:ResourceTag/{k}"), v.as_str());
    }
    // The resource's account: the ARN's account field where it has one (IAM, STS), else the caller's.
    let resource_account = resource
        .split(':')
        .nth(4)
        .filter(|a| crate::accounts::is_account_id(a))
        .unwrap_or(ctx.account());
    context.insert("aws:ResourceAccount", resource_account);
    let org = ctx.app.org.get();
    if let Some(org) = org.as_deref() {
        if org.account(ctx.account()).is_some() {
            context.insert("aws:PrincipalOrgID", org.id.as_str());
            context.insert("aws:PrincipalOrgPaths", org.org_path(ctx.account()));
        }
        if org.account(resource_account).is_some() {
            context.insert("aws:ResourceOrgID", org.id.as_str());
            context.insert("aws:ResourceOrgPaths", org.org_path(resource_account));
        }
    }
    let scp_levels = parsed_levels(
        ctx,
        org.as_deref().and_then(|o| o.scp_levels(ctx.account())),
        crate::organizations::state::SCP,
    );
    // RCPs cover the services that support them; of this server's, only STS (Organizations User
    // Guide, "Resource control policies": S3, STS, SQS, KMS, Secrets Manager).
    let rcp_levels = if action.starts_with("sts:") {
        parsed_levels(
            ctx,
            org.as_deref().and_then(|o| o.rcp_levels(resource_account)),
            crate::organizations::state::RCP,
        )
    } else {
        Vec::new()
    };
    for (k, vs) in extra {
        context.insert_all(k, vs.iter().cloned());
    }
    let set = PolicySet {
        identity: policies
            .identity
            .iter()
            .map(|(id, p)| PolicyRef { id, policy: p })
            .collect(),
        boundary: policies.boundary.as_ref().map(|(id, p)| PolicyRef { id, policy: p }),
        session: session_policies
            .iter()
            .map(|(id, p)| PolicyRef { id, policy: p })
            .collect(),
        resource: resource_policies
            .iter()
            .map(|(id, p)| PolicyRef { id, policy: p })
            .collect(),
        scps: scp_levels
            .iter()
            .map(|level| level.iter().map(|(id, p)| PolicyRef { id, policy: p }).collect())
            .collect(),
        rcps: rcp_levels
            .iter()
            .map(|level| level.iter().map(|(id, p)| PolicyRef { id, policy: p }).collect())
            .collect(),
    };
    let mut request = AuthzRequest::new(&caller, ctx.account(), action, resource, &context);
    request.principal_parent_arn = parent_arn.as_deref();
    // Cross-account rules (both sides must allow) are for resources with a policy of their own,
    // like a role's trust policy; AssumeRoot names another account's root but has none.
    request.resource_account =
        (resource_account != ctx.account() && !resource_policies.is_empty()).then_some(resource_account);
    let mut outcome = policy::authorize(&request, &set);
    // Scope-down policies (GetScopedCredentials) intersect with everything above, one level each.
    for (i, doc) in session
        .map(|s| s.scope_documents.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if outcome.decision != Decision::Allow {
            break;
        }
        let Some(scope) = ctx.app.policies.parsed(&format!("inline:{doc}"), doc) else {
            continue;
        };
        let id = format!("scope-policy-{i}");
        let only_scope = PolicySet {
            identity: set.identity.clone(),
            session: vec![PolicyRef {
                id: &id,
                policy: &scope,
            }],
            ..PolicySet::default()
        };
        let scoped = policy::authorize(&request, &only_scope);
        if scoped.decision != Decision::Allow {
            outcome = scoped;
            outcome.denied_by = Some(policy::DenyReason::Session);
        }
    }
    // A role's trust policy is not just one more grant: it must itself allow the caller (naming
    // it, its role or its account), whatever the caller's identity policies say.
    if trust_required && outcome.decision == Decision::Allow {
        let trusted = resource_policies.iter().any(|(_, p)| {
            p.statements.iter().any(|st| {
                st.effect == policy::Effect::Allow
                    && policy::evaluate_statement(st, &request) == policy::StatementMatch::Match
            })
        });
        if !trusted {
            outcome.decision = Decision::ImplicitDeny;
            outcome.denied_by = Some(policy::DenyReason::Resource);
            outcome.matched.clear();
        }
    }
    Ok(outcome)
}

/// A root session narrowed by scope-down policies (GetScopedCredentials, delegated access): it is
/// evaluated like any principal, with root's unlimited permissions as its identity policy.
fn scoped_root(p: &Principal) -> bool {
    matches!(p, Principal::Session(s) if matches!(s.subject, SessionSubject::Root) && !s.scope_documents.is_empty())
}

fn root_policies(ctx: &Ctx) -> ApiResult<Arc<PrincipalPolicies>> {
    let all = ctx
        .app
        .policies
        .parsed("root:allow-all", ALLOW_ALL)
        .ok_or_else(ApiError::internal)?;
    Ok(Arc::new(PrincipalPolicies {
        identity: vec![("root".to_string(), all)],
        boundary: None,
        tags: Vec::new(),
    }))
}

/// Whether the request is signed with credentials from GetDelegatedAccessToken.
fn delegated_key(ctx: &Ctx, c: &Connection) -> ApiResult<bool> {
    match ctx.access_key_id.as_deref() {
        Some(key) => Ok(crate::store::delegation::is_delegated_key(c, key)?),
        None => Ok(false),
    }
}

/// A session's context keys (MFA, token time, session tags, source identity) and its session
/// policies; empty when the session has none.
fn session_layer(
    ctx: &Ctx,
    c: &Connection,
    s: &crate::identity::Session,
    parent_arn: Option<&str>,
    context: &mut RequestContext,
) -> ApiResult<Vec<(String, Arc<policy::Policy>)>> {
    let mut session_policies: Vec<(String, Arc<policy::Policy>)> = Vec::new();
    if let Some(role_arn) = parent_arn {
        if matches!(s.subject, SessionSubject::Role { .. }) {
            context.remove("aws:PrincipalArn");
            context.insert("aws:PrincipalArn", role_arn);
        }
    }
    context.insert("aws:MultiFactorAuthPresent", s.mfa);
    if s.mfa {
        context.insert("aws:MultiFactorAuthAge", ctx.now.unix_timestamp() - s.issued);
    }
    context.insert(
        "aws:TokenIssueTime",
        crate::store::format_time(time::OffsetDateTime::from_unix_timestamp(s.issued).unwrap_or(ctx.now)),
    );
    for (k, v) in &s.tags {
        let key = format!("aws:PrincipalTag/{k}");
        context.remove(&key);
        context.insert(&key, v.as_str());
    }
    if let Some(si) = &s.source_identity {
        context.insert("aws:SourceIdentity", si.as_str());
    }
    for (i, doc) in s.policy_documents.iter().enumerate() {
        if let Some(p) = ctx.app.policies.parsed(&format!("inline:{doc}"), doc) {
            session_policies.push((format!("session-policy-{i}"), p));
        }
    }
    for id in &s.policy_ids {
        if let Some(entry) = managed(&ctx.app.policies, c, id)? {
            session_policies.push(entry);
        }
    }
    // A federated session without session policies has no permissions, and session policies
    // that resolved to nothing leave the intersection empty: either way nothing is allowed.
    let federated = matches!(s.subject, SessionSubject::Federated { .. });
    if session_policies.is_empty() && (s.has_session_policies() || federated) {
        let nothing = policy::parse_policy(ALLOW_NOTHING, PolicyKind::Identity).map_err(|_| ApiError::internal())?;
        session_policies.push(("session-policy".to_string(), Arc::new(nothing)));
    }
    Ok(session_policies)
}

/// Tags of the user or role a request acts on (`aws:ResourceTag/*`, `iam:ResourceTag/*`).
fn resource_tags(ctx: &Ctx, c: &Connection, resource: &str) -> ApiResult<Vec<(String, String)>> {
    let Some(rest) = resource.strip_prefix(&format!("arn:{}:iam::{}:", ctx.partition, ctx.account())) else {
        return Ok(Vec::new());
    };
    let name = rest.rsplit('/').next().unwrap_or_default();
    let found = if rest.starts_with("user/") {
        crate::store::users::by_name(c, name)?.map(|u| (tags::Kind::User, u.id))
    } else if rest.starts_with("role/") {
        crate::store::roles::by_name(c, name)?.map(|r| (tags::Kind::Role, r.id))
    } else {
        None
    };
    match found {
        Some((kind, id)) => Ok(tags::list(c, kind, &id)?),
        None => Ok(Vec::new()),
    }
}

/// Root's permissions, as an identity policy.
const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// A session policy that allows nothing: used when session policies leave no permission.
const ALLOW_NOTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"none:null","Resource":"*"}]}"#;

/// `User: ARN is not authorized to perform: ACTION on resource: ARN because …`.
pub fn access_denied(caller: &str, action: &str, resource: &str, why: &str) -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        format!("User: {caller} is not authorized to perform: {action} on resource: {resource} {why}")
            .trim_end()
            .to_string(),
    )
}

/// With `AllowUsersToChangePassword`, IAM lets every user change its own password.
fn self_service_allowed(c: &Connection, action: &str) -> ApiResult<bool> {
    if !matches!(action, "iam:ChangePassword" | "iam:GetAccountPasswordPolicy") {
        return Ok(false);
    }
    Ok(crate::store::login::password_policy(c)?.is_some_and(|p| p.allow_change))
}

/// Global keys every request carries.
fn base_context(ctx: &Ctx, caller: &str, principal_tags: &[(String, String)]) -> RequestContext {
    let mut context = RequestContext::new();
    context.insert("aws:PrincipalArn", caller);
    context.insert("aws:PrincipalAccount", ctx.account());
    context.insert("aws:userid", ctx.principal.user_id(ctx.account()));
    context.insert("aws:CurrentTime", crate::store::format_time(ctx.now));
    context.insert("aws:EpochTime", ctx.now.unix_timestamp());
    context.insert("aws:SourceIp", ctx.source_ip.to_string());
    context.insert("aws:SecureTransport", false);
    context.insert("aws:RequestedRegion", ctx.region.as_str());
    for (k, v) in principal_tags {
        context.insert(&format!("aws:PrincipalTag/{k}"), v.as_str());
    }
    context
}

/// An organization's policy levels (SCPs or RCPs), root level first, parsed once per content.
fn parsed_levels(
    ctx: &Ctx,
    levels: Option<Vec<Vec<(&str, &str)>>>,
    policy_type: &str,
) -> Vec<Vec<(String, Arc<policy::Policy>)>> {
    use std::hash::{Hash, Hasher};
    let Some(levels) = levels else {
        return Vec::new();
    };
    levels
        .into_iter()
        .map(|level| {
            level
                .into_iter()
                .filter_map(|(id, doc)| {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    doc.hash(&mut h);
                    let key = format!("{policy_type}:{id}:{:x}", h.finish());
                    let kind = crate::organizations::state::document_kind(policy_type);
                    let parsed = ctx.app.policies.parsed_as(&key, doc, kind)?;
                    Some((id.to_string(), parsed))
                })
                .collect()
        })
        .collect()
}

/// A user's (inline, attached, groups') or a role's policies plus its boundary and tags, cached
/// until the next write.
fn entity_policies(ctx: &Ctx, c: &Connection, kind: Entity, id: &str) -> ApiResult<Arc<PrincipalPolicies>> {
    let cache = &ctx.app.policies;
    let generation = ctx.store().generation();
    let key = format!("{}:{}:{id}", ctx.account(), kind.as_str());
    if let Some(set) = cache.sets.get(&key, generation) {
        return Ok(set);
    }
    let mut identity = Vec::new();
    for (holder_kind, holder_id) in policy_store::policy_holders(c, kind, id)? {
        collect_entity(cache, c, holder_kind, &holder_id, &mut identity)?;
    }
    let (boundary_id, tag_kind) = if kind == Entity::Role {
        (
            crate::store::roles::by_id(c, id)?.and_then(|r| r.boundary),
            tags::Kind::Role,
        )
    } else {
        (
            crate::store::users::by_id(c, id)?.and_then(|u| u.boundary),
            tags::Kind::User,
        )
    };
    let boundary = match boundary_id {
        Some(id) => managed(cache, c, &id)?,
        None => None,
    };
    let tags = tags::list(c, tag_kind, id)?;
    let set = Arc::new(PrincipalPolicies {
        identity,
        boundary,
        tags,
    });
    cache.sets.insert(&key, generation, set.clone());
    Ok(set)
}

fn collect_entity(
    cache: &PolicyCache,
    c: &Connection,
    kind: Entity,
    id: &str,
    out: &mut Vec<(String, Arc<policy::Policy>)>,
) -> ApiResult<()> {
    for (name, doc) in policy_store::inlines(c, kind, id)? {
        let label = format!("{}/{id}/{name}", kind.as_str());
        if let Some(p) = cache.parsed(&format!("inline:{doc}"), &doc) {
            out.push((label, p));
        }
    }
    for policy_id in policy_store::attached(c, kind, id)? {
        if let Some(entry) = managed(cache, c, &policy_id)? {
            out.push(entry);
        }
    }
    Ok(())
}

/// A managed policy's default version, parsed once per version.
fn managed(cache: &PolicyCache, c: &Connection, policy_id: &str) -> ApiResult<Option<(String, Arc<policy::Policy>)>> {
    if let Some(m) = crate::catalog::managed::catalog().by_id(policy_id) {
        let key = format!("{}:{}", m.id, m.default_version);
        return Ok(cache.parsed(&key, &m.document).map(|p| (m.resource(), p)));
    }
    let Some(p) = policy_store::by_id(c, policy_id)? else {
        return Ok(None);
    };
    let Some(v) = policy_store::version(c, &p.id, &p.default_version)? else {
        return Ok(None);
    };
    let key = format!("{}:{}", p.id, v.version);
    Ok(cache.parsed(&key, &v.document).map(|doc| (p.resource(), doc)))
}
