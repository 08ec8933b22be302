//! Policies: the list with its type filter, and a policy's tabs: Permissions (the default
//! version summarized by service, `summary`, and its JSON), Policy versions (set default, delete),
//! Entities attached, Access Advisor.

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::error::ApiResult;
use crate::handlers::Handlers;

use super::html::{self, esc, link};
use super::{advisor, summary, Page, Response};

/// Every policy in `scope` (`All`, `AWS`, `Local`).
pub fn list_policies(page: &Page<'_>, scope: &str) -> ApiResult<Vec<i::Policy>> {
    page.caller.all(
        Operation::ListPolicies,
        &[("Scope", scope)],
        i::ListPoliciesRequest::decode,
        Handlers::list_policies,
        |r| {
            (
                r.policies.unwrap_or_default(),
                r.marker.filter(|_| r.is_truncated == Some(true)),
            )
        },
    )
}

/// The console's "Type" of a policy ARN.
pub fn kind(arn: &str) -> &'static str {
    if arn.contains(":iam::aws:policy/job-function/") {
        "AWS managed - job function"
    } else if arn.contains(":iam::aws:policy/") {
        "AWS managed"
    } else {
        "Customer managed"
    }
}

const FILTERS: &[(&str, &str)] = &[
    ("all", "All types"),
    ("aws", "AWS managed"),
    ("customer", "Customer managed"),
    ("job", "AWS managed - job function"),
];

/// `/console/iam/policies?type=…&q=…`.
pub fn list(page: &Page<'_>) -> Response {
    let filter = match page.q("type") {
        "aws" => "aws",
        "customer" => "customer",
        "job" => "job",
        _ => "all",
    };
    let search = page.q("q").to_ascii_lowercase();
    let mut out = String::from(
        "<div class=\"title-row\"><h1>Policies</h1><a class=\"button primary\" href=\"/console/iam/policies/create\">Create policy</a></div>",
    );
    let mut options = String::new();
    for (id, label) in FILTERS {
        let _ = write!(
            options,
            "<option value=\"{id}\"{}>{}</option>",
            if *id == filter { " selected" } else { "" },
            esc(label)
        );
    }
    let _ = write!(
        out,
        "<form method=\"get\" action=\"/console/iam/policies\" class=\"row\"><input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Filter by policy name\" aria-label=\"Filter\"><select name=\"type\" aria-label=\"Filter by Type\">{options}</select><button type=\"submit\">Filter</button></form>",
        esc(page.q("q"))
    );
    let scope = match filter {
        "aws" | "job" => "AWS",
        "customer" => "Local",
        _ => "All",
    };
    match list_policies(page, scope) {
        Ok(policies) => {
            let rows: Vec<Vec<String>> = policies
                .iter()
                .filter(|p| filter != "job" || kind(p.arn.as_deref().unwrap_or("")) == "AWS managed - job function")
                .filter(|p| {
                    search.is_empty()
                        || p.policy_name
                            .as_deref()
                            .unwrap_or("")
                            .to_ascii_lowercase()
                            .contains(&search)
                })
                .map(|p| {
                    let arn = p.arn.as_deref().unwrap_or("");
                    vec![
                        link(
                            "/console/iam/policy",
                            &[("arn", arn)],
                            p.policy_name.as_deref().unwrap_or(""),
                        ),
                        kind(arn).to_string(),
                        p.attachment_count.unwrap_or(0).to_string(),
                        esc(p.description.as_deref().unwrap_or("")),
                    ]
                })
                .collect();
            let _ = write!(out, "<p class=\"count\">Policies ({})</p>", rows.len());
            out.push_str(&html::table(
                &["Policy name", "Type", "Attached entities", "Description"],
                &rows,
                "No resources to display",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    page.render("policies", "Policies", &out)
}

/// A policy and its default version's document (decoded and pretty-printed).
pub fn policy_and_document(page: &Page<'_>, arn: &str) -> ApiResult<(i::Policy, String)> {
    let c = &page.caller;
    let policy = c
        .call(
            Operation::GetPolicy,
            &[("PolicyArn", arn)],
            i::GetPolicyRequest::decode,
            Handlers::get_policy,
        )?
        .policy
        .unwrap_or_default();
    let version = policy.default_version_id.clone().unwrap_or_default();
    let doc = version_document(page, arn, &version)?;
    Ok((policy, doc))
}

/// One version's document, decoded and pretty-printed.
pub fn version_document(page: &Page<'_>, arn: &str, version: &str) -> ApiResult<String> {
    let v = page.caller.call(
        Operation::GetPolicyVersion,
        &[("PolicyArn", arn), ("VersionId", version)],
        i::GetPolicyVersionRequest::decode,
        Handlers::get_policy_version,
    )?;
    let encoded = v.policy_version.and_then(|v| v.document).unwrap_or_default();
    let doc = percent_encoding::percent_decode_str(&encoded)
        .decode_utf8_lossy()
        .into_owned();
    Ok(pretty(&doc))
}

/// A JSON document indented as the console's editor shows it (unchanged if it does not parse).
pub fn pretty(doc: &str) -> String {
    serde_json::from_str::<serde_json::Value>(doc)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| doc.to_string())
}

const TABS: &[(&str, &str)] = &[
    ("permissions", "Permissions"),
    ("entities", "Entities attached"),
    ("versions", "Policy versions"),
    ("access_advisor", "Access Advisor"),
];

/// `/console/iam/policy?arn=ARN&tab=…`.
pub fn detail(page: &Page<'_>) -> Response {
    let arn = page.q("arn");
    let tab = match page.q("tab") {
        "" => "permissions",
        t => t,
    };
    let (policy, doc) = match policy_and_document(page, arn) {
        Ok(x) => x,
        Err(e) => return page.render("policies", "Policy", &format!("<h1>Policy</h1>{}", html::error_box(&e))),
    };
    let name = policy.policy_name.clone().unwrap_or_default();
    let customer = kind(arn) == "Customer managed";
    let mut out = String::from("<div class=\"title-row\">");
    let _ = write!(out, "<h1>{}</h1>", esc(&name));
    if customer {
        let _ = write!(
            out,
            "<a class=\"button\" href=\"{}\">Edit</a>",
            html::href("/console/iam/policy/edit", &[("arn", arn)])
        );
    }
    out.push_str("</div>");
    out.push_str(&html::summary(&[
        ("Type", kind(arn).to_string()),
        ("ARN", format!("<code>{}</code>", esc(arn))),
        ("Description", esc(policy.description.as_deref().unwrap_or(""))),
        (
            "Default version",
            esc(policy.default_version_id.as_deref().unwrap_or("")),
        ),
        ("Edited time", esc(policy.update_date.as_deref().unwrap_or(""))),
    ]));
    out.push_str(&html::tabs("/console/iam/policy", &[("arn", arn)], TABS, tab));
    match tab {
        "versions" => out.push_str(&versions_tab(page, arn, customer)),
        "entities" => out.push_str(&entities_tab(page, arn)),
        "access_advisor" => out.push_str(&advisor::tab(page, arn)),
        _ => {
            let _ = write!(
                out,
                "<section><h2>Permissions defined in this policy</h2><div id=\"policy-summary\">{}</div>\
                 <h3>JSON</h3><pre class=\"json\" id=\"policy-document\">{}</pre></section>",
                summary::render(&doc, crate::catalog::actions::services()),
                esc(&doc)
            );
        }
    }
    page.render("policies", &name, &out)
}

fn versions_tab(page: &Page<'_>, arn: &str, customer: bool) -> String {
    let csrf = &page.session.csrf;
    let mut out = String::from("<section><h2>Policy versions</h2>");
    match page.caller.call(
        Operation::ListPolicyVersions,
        &[("PolicyArn", arn)],
        i::ListPolicyVersionsRequest::decode,
        Handlers::list_policy_versions,
    ) {
        Ok(r) => {
            let rows: Vec<Vec<String>> = r
                .versions
                .unwrap_or_default()
                .iter()
                .map(|v| {
                    let id = v.version_id.as_deref().unwrap_or("");
                    let default = v.is_default_version == Some(true);
                    let actions = if customer && !default {
                        html::button_form(
                            "/console/iam/policy/set-default",
                            csrf,
                            &[("arn", arn), ("version", id)],
                            "Set as default",
                            "",
                        ) + &html::button_form(
                            "/console/iam/policy/delete-version",
                            csrf,
                            &[("arn", arn), ("version", id)],
                            "Delete",
                            "danger",
                        )
                    } else {
                        String::new()
                    };
                    vec![
                        format!("{}{}", esc(id), if default { " (Default)" } else { "" }),
                        esc(v.create_date.as_deref().unwrap_or("")),
                        actions,
                    ]
                })
                .collect();
            out.push_str(&html::table(&["Version", "Creation time", ""], &rows, "No versions"));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str("</section>");
    out
}

fn entities_tab(page: &Page<'_>, arn: &str) -> String {
    let mut out = String::from("<section><h2>Entities attached</h2>");
    match page.caller.call(
        Operation::ListEntitiesForPolicy,
        &[("PolicyArn", arn)],
        i::ListEntitiesForPolicyRequest::decode,
        Handlers::list_entities_for_policy,
    ) {
        Ok(r) => {
            let mut rows = Vec::new();
            for g in r.policy_groups.unwrap_or_default() {
                let n = g.group_name.unwrap_or_default();
                rows.push(vec![
                    link("/console/iam/group", &[("name", &n)], &n),
                    "Group".to_string(),
                ]);
            }
            for u in r.policy_users.unwrap_or_default() {
                let n = u.user_name.unwrap_or_default();
                rows.push(vec![link("/console/iam/user", &[("name", &n)], &n), "User".to_string()]);
            }
            for role in r.policy_roles.unwrap_or_default() {
                rows.push(vec![esc(role.role_name.as_deref().unwrap_or("")), "Role".to_string()]);
            }
            out.push_str(&html::table(
                &["Entity name", "Entity type"],
                &rows,
                "No entities attached",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str("</section>");
    out
}

fn after_version_change(page: &Page<'_>, result: ApiResult<()>) -> Response {
    let query = [("arn", page.f("arn")), ("tab", "versions")];
    page.after(("policies", "Policy versions"), "/console/iam/policy", &query, result)
}

/// `POST /console/iam/policy/set-default`: SetDefaultPolicyVersion.
pub fn set_default(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::SetDefaultPolicyVersion,
        &[("PolicyArn", page.f("arn")), ("VersionId", page.f("version"))],
        i::SetDefaultPolicyVersionRequest::decode,
        Handlers::set_default_policy_version,
    );
    after_version_change(page, r)
}

/// `POST /console/iam/policy/delete-version`: DeletePolicyVersion.
pub fn delete_version(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::DeletePolicyVersion,
        &[("PolicyArn", page.f("arn")), ("VersionId", page.f("version"))],
        i::DeletePolicyVersionRequest::decode,
        Handlers::delete_policy_version,
    );
    after_version_change(page, r)
}
