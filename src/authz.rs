//! Enforcement: gathers the caller's policies (cached per principal until the next write),
//! builds the request context and asks the policy engine for a decision.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::Principal;
use crate::policy::{
    self, AuthzRequest, Decision, PolicyKind, PolicyRef, PolicySet, RequestContext,
};
use crate::store::policies::{self as policy_store, Entity};
use crate::store::{groups, tags};

/// The parsed policies that apply to one principal.
pub struct PrincipalPolicies {
    identity: Vec<(String, Arc<policy::Policy>)>,
    boundary: Option<(String, Arc<policy::Policy>)>,
    /// `aws:PrincipalTag/*` values.
    tags: Vec<(String, String)>,
}

/// Per-principal policy sets, valid for one store generation.
#[derive(Default)]
pub struct PolicyCache {
    sets: RwLock<HashMap<String, (u64, Arc<PrincipalPolicies>)>>,
    documents: RwLock<HashMap<String, Arc<policy::Policy>>>,
}

const CACHE_LIMIT: usize = 10_000;

impl PolicyCache {
    /// Parses a document once per (policy id, version); inline documents are keyed by their text.
    fn parsed(&self, key: &str, text: &str) -> Option<Arc<policy::Policy>> {
        if let Some(p) = self
            .documents
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
        {
            return Some(p.clone());
        }
        let parsed = match policy::parse_policy(text, PolicyKind::Identity) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                // Stored documents were validated on write; AWS managed ones may use rare forms.
                tracing::warn!(policy = key, error = %e.message, "stored policy does not parse; ignored");
                return None;
            }
        };
        let mut docs = self.documents.write().unwrap_or_else(|p| p.into_inner());
        if docs.len() >= CACHE_LIMIT {
            docs.clear();
        }
        docs.insert(key.to_string(), parsed.clone());
        Some(parsed)
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
    if !ctx.app.config.enforce {
        return Ok(());
    }
    let user = match &ctx.principal {
        Principal::Root | Principal::Anonymous => return Ok(()),
        Principal::User(u) => u,
    };
    if self_service_allowed(c, action)? {
        return Ok(());
    }
    let policies = load_user_policies(ctx, c, &user.id)?;
    let caller = ctx.caller_arn();
    let mut context = base_context(ctx, &caller, &policies.tags);
    context.insert("aws:username", user.name.as_str());
    context.insert("aws:PrincipalType", "User");
    for (k, vs) in extra {
        context.insert_all(k, vs.iter().cloned());
    }
    let set = PolicySet {
        identity: policies
            .identity
            .iter()
            .map(|(id, p)| PolicyRef { id, policy: p })
            .collect(),
        boundary: policies
            .boundary
            .as_ref()
            .map(|(id, p)| PolicyRef { id, policy: p }),
        ..PolicySet::default()
    };
    let request = AuthzRequest::new(&caller, ctx.account(), action, resource, &context);
    let outcome = policy::authorize(&request, &set);
    match outcome.decision {
        Decision::Allow => Ok(()),
        decision => {
            let reason = outcome.denied_by.unwrap_or(policy::DenyReason::Identity);
            Err(access_denied(
                &caller,
                action,
                resource,
                &reason.message_fragment(decision, action),
            ))
        }
    }
}

/// `User: ARN is not authorized to perform: ACTION on resource: ARN because …`.
pub fn access_denied(caller: &str, action: &str, resource: &str, why: &str) -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        format!(
            "User: {caller} is not authorized to perform: {action} on resource: {resource} {why}"
        ),
    )
}

/// With `AllowUsersToChangePassword`, IAM lets every user change its own password.
fn self_service_allowed(c: &Connection, action: &str) -> ApiResult<bool> {
    if !matches!(
        action,
        "iam:ChangePassword" | "iam:GetAccountPasswordPolicy"
    ) {
        return Ok(false);
    }
    Ok(crate::iam::password_policy::load(c)?.is_some_and(|p| p.allow_change))
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

/// A user's inline, attached and group policies plus its boundary, cached until the next write.
fn load_user_policies(
    ctx: &Ctx,
    c: &Connection,
    user_id: &str,
) -> ApiResult<Arc<PrincipalPolicies>> {
    let cache = &ctx.app.policies;
    let generation = ctx.app.store.generation();
    let key = format!("user:{user_id}");
    if let Some((g, set)) = cache
        .sets
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
    {
        if *g == generation {
            return Ok(set.clone());
        }
    }
    let mut identity = Vec::new();
    collect_entity(cache, c, Entity::User, user_id, &mut identity)?;
    for g in groups::for_user(c, user_id, None, usize::MAX >> 2)? {
        collect_entity(cache, c, Entity::Group, &g.id, &mut identity)?;
    }
    let boundary_id = crate::store::users::by_id(c, user_id)?.and_then(|u| u.boundary);
    let boundary = match boundary_id {
        Some(id) => managed(cache, c, &id)?,
        None => None,
    };
    let tags = tags::list(c, tags::Kind::User, user_id)?;
    let set = Arc::new(PrincipalPolicies {
        identity,
        boundary,
        tags,
    });
    let mut sets = cache.sets.write().unwrap_or_else(|p| p.into_inner());
    if sets.len() >= CACHE_LIMIT {
        sets.clear();
    }
    sets.insert(key, (generation, set.clone()));
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
fn managed(
    cache: &PolicyCache,
    c: &Connection,
    policy_id: &str,
) -> ApiResult<Option<(String, Arc<policy::Policy>)>> {
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
    Ok(cache
        .parsed(&key, &v.document)
        .map(|doc| (format!("policy{}{}", p.path, p.name), doc)))
}
