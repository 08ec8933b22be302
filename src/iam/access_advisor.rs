//! Access Advisor: reports, per service the entity's policies allow, when it was last used
//! (computed when the job is generated) from the `activity` aggregate the request journal keeps
//! (`store/journal.rs`).

use std::collections::BTreeSet;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::api::errors;
use crate::api::iam::*;
use crate::catalog::actions;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::policy::document::RawDocument;
use crate::policy::matching::{Mode, Pattern};
use crate::policy::RequestContext;
use crate::store::activity::{self, ActivityRow};
use crate::store::policies::{self as policy_store, Entity};
use crate::store::{groups, roles, users};

use super::policies::offset_page;

/// Services whose actions are reported one by one at ACTION_LEVEL.
const TRACKED: &[&str] = &["iam", "sts"];

// ---------------------------------------------------------------------------------------------
// Which services a policy document allows.

fn hit(pattern: &Pattern, text: &str) -> bool {
    pattern.matches(&text.to_ascii_lowercase(), &RequestContext::new()) == Some(true)
}

fn matches(pattern: &str, text: &str) -> bool {
    hit(
        &Pattern::compile(&pattern.to_ascii_lowercase(), Mode::Action, false),
        text,
    )
}

fn allow_statements(doc: &RawDocument) -> impl Iterator<Item = &crate::policy::document::RawStatement> {
    doc.statement
        .as_ref()
        .map(|s| s.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|s| s.effect.as_deref() == Some("Allow"))
}

/// Adds the prefixes of every catalog service the document allows at least one action of.
pub(super) fn add_services(doc: &RawDocument, out: &mut BTreeSet<&'static str>) {
    for st in allow_statements(doc) {
        if let Some(not) = &st.not_action {
            for svc in actions::services() {
                let whole = format!("{}:*", svc.prefix);
                if !not.as_slice().iter().any(|p| matches(p, &whole)) {
                    out.insert(svc.prefix.as_str());
                }
            }
        }
        for a in st.action.as_ref().map(|a| a.as_slice()).unwrap_or_default() {
            let (svc_part, act_part) = a.split_once(':').unwrap_or((a.as_str(), "*"));
            let act = Pattern::compile(&act_part.to_ascii_lowercase(), Mode::Action, false);
            let grants_any =
                |svc: &actions::ServiceInfo| act_part == "*" || svc.actions.iter().any(|x| hit(&act, &x.name));
            if !svc_part.contains(['*', '?']) {
                if let Some(svc) = actions::service(&svc_part.to_ascii_lowercase()) {
                    if grants_any(svc) {
                        out.insert(svc.prefix.as_str());
                    }
                }
                continue;
            }
            let svc_pat = Pattern::compile(&svc_part.to_ascii_lowercase(), Mode::Action, false);
            for svc in actions::services() {
                if !out.contains(svc.prefix.as_str()) && hit(&svc_pat, &svc.prefix) && grants_any(svc) {
                    out.insert(svc.prefix.as_str());
                }
            }
        }
    }
}

/// Whether the document allows `prefix:action`.
fn allows_action(doc: &RawDocument, prefix: &str, action: &str) -> bool {
    let full = format!("{prefix}:{action}");
    allow_statements(doc).any(|st| {
        if let Some(not) = &st.not_action {
            return !not.as_slice().iter().any(|p| matches(p, &full));
        }
        let list = st.action.as_ref().map(|a| a.as_slice()).unwrap_or_default();
        list.iter().any(|p| matches(p, &full))
    })
}

pub(super) fn parse_doc(text: &str) -> Option<RawDocument> {
    serde_json::from_str(text).ok()
}

// ---------------------------------------------------------------------------------------------
// Entities.

/// The entity a request names, resolved from its ARN.
enum Target {
    User(crate::store::users::UserRow),
    Group(crate::store::groups::GroupRow),
    Role(crate::store::roles::RoleRow),
    Policy(super::policies::PolicyRef),
}

fn resolve(ctx: &Ctx, c: &Connection, arn: &str, policies_too: bool) -> ApiResult<Target> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    let name = resource.rsplit('/').next().unwrap_or_default();
    let missing = || errors::no_such_entity(format!("The entity {arn} does not exist."));
    let kind = resource.split('/').next().unwrap_or_default();
    if !arn.starts_with("arn:") || name.is_empty() {
        return Err(errors::invalid_input(format!("ARN {arn} is not valid.")));
    }
    match kind {
        "user" => users::by_name(c, name)?.map(Target::User).ok_or_else(missing),
        "group" => groups::by_name(c, name)?.map(Target::Group).ok_or_else(missing),
        "role" => roles::by_name(c, name)?.map(Target::Role).ok_or_else(missing),
        "policy" if policies_too => super::policies::find(ctx, c, arn)?
            .map(Target::Policy)
            .ok_or_else(missing),
        _ => Err(errors::invalid_input(format!("ARN {arn} is not valid."))),
    }
}

/// A managed or inline policy that applies to the entity: (name, ARN or owner, document).
struct Grant {
    name: String,
    arn: Option<String>,
    owner: Option<(&'static str, String)>,
    document: String,
}

fn entity_grants(ctx: &Ctx, c: &Connection, kind: Entity, id: &str, name: &str, out: &mut Vec<Grant>) -> ApiResult<()> {
    for pid in policy_store::attached(c, kind, id)? {
        if let Some(p) = super::policies::by_id(c, &pid)? {
            out.push(Grant {
                name: p.name().to_string(),
                arn: Some(p.arn(ctx)),
                owner: None,
                document: p.default_document(c)?,
            });
        }
    }
    let owner = kind.as_str().to_ascii_uppercase();
    let owner: &'static str = match owner.as_str() {
        "USER" => "USER",
        "GROUP" => "GROUP",
        _ => "ROLE",
    };
    for (policy_name, document) in policy_store::inlines(c, kind, id)? {
        out.push(Grant {
            name: policy_name,
            arn: None,
            owner: Some((owner, name.to_string())),
            document,
        });
    }
    Ok(())
}

fn grants(ctx: &Ctx, c: &Connection, target: &Target) -> ApiResult<Vec<Grant>> {
    let mut out = Vec::new();
    match target {
        Target::User(u) => {
            entity_grants(ctx, c, Entity::User, &u.id, &u.name, &mut out)?;
            for g in groups::for_user(c, &u.id, None, usize::MAX >> 2)? {
                entity_grants(ctx, c, Entity::Group, &g.id, &g.name, &mut out)?;
            }
        }
        Target::Group(g) => entity_grants(ctx, c, Entity::Group, &g.id, &g.name, &mut out)?,
        Target::Role(r) => entity_grants(ctx, c, Entity::Role, &r.id, &r.name, &mut out)?,
        Target::Policy(p) => out.push(Grant {
            name: p.name().to_string(),
            arn: Some(p.arn(ctx)),
            owner: None,
            document: p.default_document(c)?,
        }),
    }
    Ok(out)
}

/// A user or role whose activity counts for the report.
#[derive(Serialize, Deserialize, Clone)]
struct Member {
    kind: String,
    id: String,
    name: String,
    path: String,
    arn: String,
}

fn user_member(ctx: &Ctx, u: &crate::store::users::UserRow) -> Member {
    Member {
        kind: "user".to_string(),
        id: u.id.clone(),
        name: u.name.clone(),
        path: u.path.clone(),
        arn: ctx.iam_arn(&super::user_resource(u)),
    }
}

fn role_member(ctx: &Ctx, r: &crate::store::roles::RoleRow) -> Member {
    Member {
        kind: "role".to_string(),
        id: r.id.clone(),
        name: r.name.clone(),
        path: r.path.clone(),
        arn: ctx.iam_arn(&super::roles::resource(r)),
    }
}

fn group_members(ctx: &Ctx, c: &Connection, group_id: &str, out: &mut Vec<Member>) -> ApiResult<()> {
    for u in groups::members(c, group_id, None, usize::MAX >> 2)? {
        out.push(user_member(ctx, &u));
    }
    Ok(())
}

fn members(ctx: &Ctx, c: &Connection, target: &Target) -> ApiResult<Vec<Member>> {
    let mut out = Vec::new();
    match target {
        Target::User(u) => out.push(user_member(ctx, u)),
        Target::Role(r) => out.push(role_member(ctx, r)),
        Target::Group(g) => group_members(ctx, c, &g.id, &mut out)?,
        Target::Policy(p) => {
            for (kind, id) in policy_store::attachments_of(c, p.id())? {
                match kind.as_str() {
                    "user" => out.extend(users::by_id(c, &id)?.map(|u| user_member(ctx, &u))),
                    "role" => out.extend(roles::by_id(c, &id)?.map(|r| role_member(ctx, &r))),
                    _ => group_members(ctx, c, &id, &mut out)?,
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|m| seen.insert((m.kind.clone(), m.id.clone())));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Jobs.

#[derive(Serialize, Deserialize)]
struct Job {
    job_type: String,
    created: String,
    members: Vec<Member>,
    services: Vec<ServiceEntry>,
}

#[derive(Serialize, Deserialize)]
struct ServiceEntry {
    namespace: String,
    name: String,
    /// Last use per member (aligned with `Job::members`): (time, region).
    per_member: Vec<Option<(String, String)>>,
    tracked: Option<Vec<ActionEntry>>,
}

#[derive(Serialize, Deserialize)]
struct ActionEntry {
    action: String,
    /// (time, member index, region).
    last: Option<(String, usize, String)>,
}

fn newest<'a>(rows: impl Iterator<Item = (usize, &'a ActivityRow)>) -> Option<(String, usize, String)> {
    rows.max_by(|a, b| a.1.last.cmp(&b.1.last))
        .map(|(i, r)| (r.last.clone(), i, r.region.clone()))
}

fn compute(ctx: &Ctx, c: &Connection, target: &Target, action_level: bool) -> ApiResult<Job> {
    let docs: Vec<RawDocument> = grants(ctx, c, target)?
        .iter()
        .filter_map(|g| parse_doc(&g.document))
        .collect();
    let mut allowed = BTreeSet::new();
    for d in &docs {
        add_services(d, &mut allowed);
    }
    let members = members(ctx, c, target)?;
    let mut activity_rows: Vec<(usize, ActivityRow)> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        for r in activity::for_principal(c, &m.kind, &m.id)? {
            activity_rows.push((i, r));
        }
    }
    let mut services = Vec::new();
    for prefix in allowed {
        let Some(info) = actions::service(prefix) else {
            continue;
        };
        let rows: Vec<(usize, &ActivityRow)> = activity_rows
            .iter()
            .filter(|(_, r)| r.service == prefix)
            .map(|(i, r)| (*i, r))
            .collect();
        let per_member = (0..members.len())
            .map(|i| newest(rows.iter().filter(|(j, _)| *j == i).copied()).map(|(t, _, region)| (t, region)))
            .collect();
        let tracked = (action_level && TRACKED.contains(&prefix)).then(|| {
            info.actions
                .iter()
                .filter(|a| docs.iter().any(|d| allows_action(d, prefix, &a.name)))
                .map(|a| ActionEntry {
                    action: a.name.clone(),
                    last: newest(rows.iter().filter(|(_, r)| r.action == a.name).copied()),
                })
                .collect()
        });
        services.push(ServiceEntry {
            namespace: prefix.to_string(),
            name: info.name.clone(),
            per_member,
            tracked,
        });
    }
    Ok(Job {
        job_type: if action_level { "ACTION_LEVEL" } else { "SERVICE_LEVEL" }.to_string(),
        created: ctx.now_iso(),
        members,
        services,
    })
}

fn target_arn(ctx: &Ctx, t: &Target) -> String {
    match t {
        Target::User(u) => ctx.iam_arn(&super::user_resource(u)),
        Target::Group(g) => ctx.iam_arn(&super::groups::resource(g)),
        Target::Role(r) => ctx.iam_arn(&super::roles::resource(r)),
        Target::Policy(p) => p.arn(ctx),
    }
}

/// GenerateServiceLastAccessedDetails: computes the report now and stores it under a job id.
pub fn generate_service_last_accessed_details(
    ctx: &Ctx,
    input: GenerateServiceLastAccessedDetailsRequest,
) -> ApiResult<GenerateServiceLastAccessedDetailsResponse> {
    // The report reads the aggregate the journal writer keeps: bring it up to the calls that
    // already returned (AWS lags by up to four hours; a local report should not lag at all).
    ctx.app.journal.flush(&ctx.app);
    ctx.store().write(|tx| {
        let target = match resolve(ctx, tx, &input.arn, true) {
            Ok(t) => t,
            Err(e) => {
                ctx.authorize(tx, &input.arn)?;
                return Err(e);
            }
        };
        ctx.authorize(tx, &target_arn(ctx, &target))?;
        let action_level = match input.granularity.as_deref() {
            None | Some("SERVICE_LEVEL") => false,
            Some("ACTION_LEVEL") => true,
            Some(other) => return Err(errors::invalid_input(format!("Invalid granularity: {other}"))),
        };
        let job = compute(ctx, tx, &target, action_level)?;
        let id = uuid::Uuid::new_v4().to_string();
        let doc = serde_json::to_string(&job).map_err(|_| crate::error::ApiError::internal())?;
        activity::put_job(tx, &id, &job.created, &doc)?;
        Ok(GenerateServiceLastAccessedDetailsResponse { job_id: Some(id) })
    })
}

fn load_job(c: &Connection, id: &str) -> ApiResult<Job> {
    activity::job(c, id)?
        .and_then(|d| serde_json::from_str(&d).ok())
        .ok_or_else(|| errors::no_such_entity(format!("No such job: {id}")))
}

/// GetServiceLastAccessedDetails.
pub fn get_service_last_accessed_details(
    ctx: &Ctx,
    input: GetServiceLastAccessedDetailsRequest,
) -> ApiResult<GetServiceLastAccessedDetailsResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let job = load_job(c, &input.job_id)?;
        let list: Vec<ServiceLastAccessed> = job
            .services
            .iter()
            .map(|s| {
                let last = s
                    .per_member
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.as_ref().map(|(t, r)| (i, t, r)))
                    .max_by(|a, b| a.1.cmp(b.1));
                let used = s.per_member.iter().filter(|x| x.is_some()).count();
                ServiceLastAccessed {
                    service_name: s.name.clone(),
                    service_namespace: s.namespace.clone(),
                    last_authenticated: last.map(|(_, t, _)| t.clone()),
                    last_authenticated_entity: last.and_then(|(i, _, _)| job.members.get(i)).map(|m| m.arn.clone()),
                    last_authenticated_region: last.map(|(_, _, r)| r.clone()),
                    total_authenticated_entities: Some(i32::try_from(used).unwrap_or(i32::MAX)),
                    tracked_actions_last_accessed: s.tracked.as_ref().map(|t| {
                        t.iter()
                            .map(|a| TrackedActionLastAccessed {
                                action_name: Some(a.action.clone()),
                                last_accessed_entity: a
                                    .last
                                    .as_ref()
                                    .and_then(|(_, i, _)| job.members.get(*i))
                                    .map(|m| m.arn.clone()),
                                last_accessed_time: a.last.as_ref().map(|(t, _, _)| t.clone()),
                                last_accessed_region: a.last.as_ref().map(|(_, _, r)| r.clone()),
                            })
                            .collect()
                    }),
                }
            })
            .collect();
        let (items, marker) = offset_page(list, input.marker.as_deref(), input.max_items)?;
        Ok(GetServiceLastAccessedDetailsResponse {
            job_status: "COMPLETED".to_string(),
            job_type: Some(job.job_type.clone()),
            job_creation_date: job.created.clone(),
            services_last_accessed: items,
            job_completion_date: job.created.clone(),
            is_truncated: Some(marker.is_some()),
            marker,
            error: None,
        })
    })
}

/// GetServiceLastAccessedDetailsWithEntities: the users and roles behind one service's data.
pub fn get_service_last_accessed_details_with_entities(
    ctx: &Ctx,
    input: GetServiceLastAccessedDetailsWithEntitiesRequest,
) -> ApiResult<GetServiceLastAccessedDetailsWithEntitiesResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let job = load_job(c, &input.job_id)?;
        let service = job.services.iter().find(|s| s.namespace == input.service_namespace);
        let list: Vec<EntityDetails> = job
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| EntityDetails {
                entity_info: EntityInfo {
                    arn: m.arn.clone(),
                    name: m.name.clone(),
                    r#type: m.kind.to_ascii_uppercase(),
                    id: m.id.clone(),
                    path: Some(m.path.clone()),
                },
                last_authenticated: service
                    .and_then(|s| s.per_member.get(i))
                    .and_then(|x| x.as_ref())
                    .map(|(t, _)| t.clone()),
            })
            .collect();
        let (items, marker) = offset_page(list, input.marker.as_deref(), input.max_items)?;
        Ok(GetServiceLastAccessedDetailsWithEntitiesResponse {
            job_status: "COMPLETED".to_string(),
            job_creation_date: job.created.clone(),
            job_completion_date: job.created.clone(),
            entity_details_list: items,
            is_truncated: Some(marker.is_some()),
            marker,
            error: None,
        })
    })
}

/// ListPoliciesGrantingServiceAccess: per namespace, the entity's policies that allow it.
pub fn list_policies_granting_service_access(
    ctx: &Ctx,
    input: ListPoliciesGrantingServiceAccessRequest,
) -> ApiResult<ListPoliciesGrantingServiceAccessResponse> {
    ctx.store().read(|c| {
        let target = match resolve(ctx, c, &input.arn, false) {
            Ok(t) => t,
            Err(e) => {
                ctx.authorize(c, &input.arn)?;
                return Err(e);
            }
        };
        ctx.authorize(c, &target_arn(ctx, &target))?;
        let granted: Vec<(Grant, BTreeSet<&'static str>)> = grants(ctx, c, &target)?
            .into_iter()
            .map(|g| {
                let mut set = BTreeSet::new();
                if let Some(d) = parse_doc(&g.document) {
                    add_services(&d, &mut set);
                }
                (g, set)
            })
            .collect();
        let entries = input
            .service_namespaces
            .iter()
            .map(|ns| ListPoliciesGrantingServiceAccessEntry {
                service_namespace: Some(ns.clone()),
                policies: Some(
                    granted
                        .iter()
                        .filter(|(_, set)| set.contains(ns.as_str()))
                        .map(|(g, _)| PolicyGrantingServiceAccess {
                            policy_name: g.name.clone(),
                            policy_type: if g.arn.is_some() { "MANAGED" } else { "INLINE" }.to_string(),
                            policy_arn: g.arn.clone(),
                            entity_type: g.owner.as_ref().map(|(k, _)| k.to_string()),
                            entity_name: g.owner.as_ref().map(|(_, n)| n.clone()),
                        })
                        .collect(),
                ),
            })
            .collect();
        Ok(ListPoliciesGrantingServiceAccessResponse {
            policies_granting_service_access: entries,
            is_truncated: Some(false),
            marker: None,
        })
    })
}
