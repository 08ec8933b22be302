//! The Organizations access report (GenerateOrganizationsAccessReport / GetOrganizationsAccessReport):
//! for an entity of the caller's organization (root, OU or account), which services its SCPs (or
//! one named SCP) allow and when principals of the accounts below it last used each, from every
//! account's Access Advisor data (which the request journal keeps).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::api::errors;
use crate::api::iam::*;
use crate::catalog::actions;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::organizations::state::{Organization, SCP};
use crate::store::activity;

use super::access_advisor::{add_services, parse_doc};
use super::policies::offset_page;

/// A computed report, stored under its job id.
#[derive(Serialize, Deserialize)]
struct Report {
    /// Marks the job as this kind (service last accessed jobs share the table).
    organizations: bool,
    created: String,
    services: Vec<Service>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Service {
    namespace: String,
    name: String,
    /// (time, region, entity path, accounts that used it), when used.
    used: Option<(String, String, String, i32)>,
}

/// The accounts an entity path covers, after checking the path against the organization.
fn accounts_under(org: &Organization, path: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = path.split('/').collect();
    let (first, rest) = parts.split_first()?;
    let (root, chain) = rest.split_first()?;
    if *first != org.id || *root != org.root_id {
        return None;
    }
    let mut parent = org.root_id.as_str();
    for (i, id) in chain.iter().enumerate() {
        let is_last = i + 1 == chain.len();
        if org.units.iter().any(|u| u.id == *id && u.parent == parent) {
            parent = id;
        } else if is_last && org.account(id).is_some_and(|a| a.parent == parent) {
            return Some(vec![id.to_string()]);
        } else {
            return None;
        }
    }
    Some(
        org.accounts
            .iter()
            .filter(|a| org.path_to(&a.id).iter().any(|p| p == parent))
            .map(|a| a.id.clone())
            .collect(),
    )
}

/// The services the entity's SCPs allow: every level down to it must allow a service; with
/// `policy`, only what that SCP allows.
fn allowed_services(org: &Organization, path: &str, policy: Option<&str>) -> ApiResult<BTreeSet<&'static str>> {
    let all = || {
        actions::services()
            .iter()
            .map(|s| s.prefix.as_str())
            .collect::<BTreeSet<_>>()
    };
    let level_services = |docs: Vec<(&str, &str)>| {
        let mut out = BTreeSet::new();
        for (_, doc) in docs {
            if let Some(d) = parse_doc(doc) {
                add_services(&d, &mut out);
            }
        }
        out
    };
    if let Some(id) = policy {
        let doc = org
            .policy_document(id, SCP)
            .ok_or_else(|| errors::invalid_input(format!("Invalid OrganizationsPolicyId: {id}")))?;
        return Ok(level_services(vec![(id, doc)]));
    }
    if !org.enabled(SCP) {
        return Ok(all());
    }
    let mut allowed = all();
    for target in path.split('/').skip(1) {
        let level = level_services(org.attached(target, SCP));
        allowed.retain(|s| level.contains(s));
    }
    Ok(allowed)
}

/// GenerateOrganizationsAccessReport: the caller's own permission first, then only the management
/// account of an organization may ask (AWS's AccessDenied otherwise); the report is computed now.
pub fn generate_organizations_access_report(
    ctx: &Ctx,
    input: GenerateOrganizationsAccessReportRequest,
) -> ApiResult<GenerateOrganizationsAccessReportResponse> {
    let resource = ctx.iam_arn(&format!("access-report/{}", input.entity_path));
    let keys: Vec<(String, Vec<String>)> = input
        .organizations_policy_id
        .iter()
        .map(|id| ("iam:OrganizationsPolicyId".to_string(), vec![id.clone()]))
        .collect();
    ctx.store().read(|c| ctx.authorize_with(c, &resource, &keys))?;
    let denied = || crate::authz::access_denied(&ctx.caller_arn(), ctx.op.action(), &resource, "");
    let org = ctx
        .app
        .org
        .of(ctx.account())
        .filter(|o| o.management == ctx.account())
        .ok_or_else(denied)?;
    let accounts = accounts_under(&org, &input.entity_path)
        .ok_or_else(|| errors::invalid_input(format!("Invalid EntityPath: {}", input.entity_path)))?;
    let allowed = allowed_services(&org, &input.entity_path, input.organizations_policy_id.as_deref())?;
    // Uses recorded by the request journal up to now.
    ctx.app.journal.flush(&ctx.app);
    let mut rows = Vec::new();
    for id in &accounts {
        if let Some(account) = ctx.app.accounts.get(id) {
            let path = format!("{}{id}", org.org_path(id));
            for r in account.store.read(|c| Ok(activity::all(c)?))? {
                rows.push((id.clone(), path.clone(), r));
            }
        }
    }
    let services = allowed
        .into_iter()
        .filter_map(|prefix| {
            let info = actions::service(prefix)?;
            let used: Vec<_> = rows.iter().filter(|(_, _, r)| r.service == prefix).collect();
            let newest = used.iter().max_by(|a, b| a.2.last.cmp(&b.2.last));
            let accounts_used = used.iter().map(|(a, _, _)| a).collect::<BTreeSet<_>>().len();
            Some(Service {
                namespace: prefix.to_string(),
                name: info.name.clone(),
                used: newest.map(|(_, path, r)| {
                    (
                        r.last.clone(),
                        r.region.clone(),
                        path.clone(),
                        i32::try_from(accounts_used).unwrap_or(i32::MAX),
                    )
                }),
            })
        })
        .collect();
    let report = Report {
        organizations: true,
        created: ctx.now_iso(),
        services,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let doc = serde_json::to_string(&report).map_err(|_| ApiError::internal())?;
    ctx.store()
        .write(|tx| Ok(activity::put_job(tx, &id, &report.created, &doc)?))?;
    Ok(GenerateOrganizationsAccessReportResponse { job_id: Some(id) })
}

/// GetOrganizationsAccessReport: a page of a report made by this account.
pub fn get_organizations_access_report(
    ctx: &Ctx,
    input: GetOrganizationsAccessReportRequest,
) -> ApiResult<GetOrganizationsAccessReportResponse> {
    let report: Report = ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        activity::job(c, &input.job_id)?
            .and_then(|d| serde_json::from_str::<Report>(&d).ok())
            .filter(|r| r.organizations)
            .ok_or_else(|| errors::no_such_entity(format!("No such job: {}", input.job_id)))
    })?;
    let accessible = i32::try_from(report.services.len()).unwrap_or(i32::MAX);
    let not_accessed = i32::try_from(report.services.iter().filter(|s| s.used.is_none()).count()).unwrap_or(i32::MAX);
    let mut services = report.services;
    match input.sort_key.as_deref() {
        Some("SERVICE_NAMESPACE_DESCENDING") => services.reverse(),
        Some("LAST_AUTHENTICATED_TIME_ASCENDING") => services.sort_by(|a, b| a.used.cmp(&b.used)),
        Some("LAST_AUTHENTICATED_TIME_DESCENDING") => services.sort_by(|a, b| b.used.cmp(&a.used)),
        _ => {}
    }
    let (page, marker) = offset_page(services, input.marker.as_deref(), input.max_items)?;
    let details = page
        .into_iter()
        .map(|s| {
            let (last, region, path, count) = match s.used {
                Some((t, r, p, n)) => (Some(t), Some(r), Some(p), Some(n)),
                None => (None, None, None, Some(0)),
            };
            AccessDetail {
                service_name: s.name,
                service_namespace: s.namespace,
                region,
                entity_path: path,
                last_authenticated_time: last,
                total_authenticated_entities: count,
            }
        })
        .collect();
    Ok(GetOrganizationsAccessReportResponse {
        job_status: "COMPLETED".to_string(),
        job_creation_date: report.created.clone(),
        job_completion_date: Some(report.created),
        number_of_services_accessible: Some(accessible),
        number_of_services_not_accessed: Some(not_accessed),
        access_details: Some(details),
        is_truncated: Some(marker.is_some()),
        marker,
        ..GetOrganizationsAccessReportResponse::default()
    })
}
