//! Roles: the list with each role's trusted entities and last activity, a role's tabs
//! (Permissions, Trust relationships, Tags, Access Advisor), the trust policy edited in the
//! policy editor, and deletion after a typed confirmation. Creating a role is `role_create`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::error::ApiResult;
use crate::handlers::Handlers;

use super::editor::{self, DocKind, Editor};
use super::html::{self, esc, link};
use super::{advisor, groups, policies, Page, Response};

/// Every role.
pub fn all_roles(page: &Page<'_>) -> ApiResult<Vec<i::Role>> {
    page.caller.all(
        Operation::ListRoles,
        &[],
        i::ListRolesRequest::decode,
        Handlers::list_roles,
        |r| (r.roles, r.marker.filter(|_| r.is_truncated == Some(true))),
    )
}

/// A role's trust policy as written (IAM answers it URL-encoded).
fn trust_document(role: &i::Role) -> String {
    let encoded = role.assume_role_policy_document.as_deref().unwrap_or("");
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8_lossy()
        .into_owned()
}

/// One string or a list of strings, as policy elements take them.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// How the console names one `AWS` principal: the account it belongs to.
fn account_label(principal: &str) -> String {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return format!("Account: {principal}");
    }
    // arn:PARTITION:iam::ACCOUNT:…
    match principal.split(':').nth(4) {
        Some(account) if principal.starts_with("arn:") && !account.is_empty() => format!("Account: {account}"),
        _ => format!("AWS: {principal}"),
    }
}

/// The "Trusted entities" of a trust policy as the roles list shows them (`AWS Service: ec2`,
/// `Account: 123456789012`, `Identity Provider: …`), from its Allow statements, once each.
pub fn trusted_entities(document: &str, service_linked: bool) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<Value>(document) else {
        return Vec::new();
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for s in statements {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let mut labels = Vec::new();
        match s.get("Principal") {
            Some(Value::String(p)) => labels.push(format!("AWS: {p}")),
            Some(Value::Object(m)) => {
                for (kind, values) in m {
                    for v in strings(values) {
                        labels.push(match kind.as_str() {
                            "Service" => {
                                let short = v.split_once(".amazonaws.com").map_or(v, |(s, _)| s);
                                let linked = if service_linked { " (Service-Linked Role)" } else { "" };
                                format!("AWS Service: {short}{linked}")
                            }
                            "AWS" => account_label(v),
                            "Federated" => format!("Identity Provider: {v}"),
                            other => format!("{other}: {v}"),
                        });
                    }
                }
            }
            _ => {}
        }
        for l in labels {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// The role's last use, or `-` when never used (or the caller may not read the role).
fn last_activity(role: &i::Role) -> String {
    role.role_last_used
        .as_ref()
        .and_then(|l| l.last_used_date.clone())
        .unwrap_or_else(|| "-".to_string())
}

fn get_role(page: &Page<'_>, name: &str) -> ApiResult<i::Role> {
    page.caller
        .call(
            Operation::GetRole,
            &[("RoleName", name)],
            i::GetRoleRequest::decode,
            Handlers::get_role,
        )
        .map(|r| r.role)
}

fn role_href(name: &str, tab: &str) -> String {
    format!("/console/iam/role?name={}&tab={tab}", html::enc(name))
}

/// `/console/iam/roles`: ListRoles, then GetRole for each role's last activity (ListRoles does
/// not return RoleLastUsed, so the console reads every role as AWS's does).
pub fn list(page: &Page<'_>) -> Response {
    let mut out = String::from(
        "<div class=\"title-row\"><h1>Roles</h1><a class=\"button primary\" href=\"/console/iam/roles/create\">Create role</a></div>",
    );
    let roles = match all_roles(page) {
        Ok(r) => r,
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return page.render("roles", "Roles", &out);
        }
    };
    let rows: Vec<Vec<String>> = roles
        .iter()
        .map(|role| {
            let linked = role.path.starts_with("/aws-service-role/");
            let entities = trusted_entities(&trust_document(role), linked);
            let last = get_role(page, &role.role_name).map_or_else(|_| "-".to_string(), |r| last_activity(&r));
            vec![
                link("/console/iam/role", &[("name", &role.role_name)], &role.role_name),
                entities.iter().map(|e| esc(e)).collect::<Vec<_>>().join("<br>"),
                esc(&last),
            ]
        })
        .collect();
    let _ = write!(out, "<p class=\"count\">Roles ({})</p>", rows.len());
    out.push_str(&html::table(
        &["Role name", "Trusted entities", "Last activity"],
        &rows,
        "No roles to display",
    ));
    page.render("roles", "Roles", &out)
}

const TABS: &[(&str, &str)] = &[
    ("permissions", "Permissions"),
    ("trust", "Trust relationships"),
    ("tags", "Tags"),
    ("access_advisor", "Access Advisor"),
];

/// A session duration as the console writes it (`1 hour`, `12 hours`).
fn duration(seconds: i32) -> String {
    match seconds {
        3600 => "1 hour".to_string(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s => format!("{s} seconds"),
    }
}

/// `/console/iam/role?name=NAME&tab=…`.
pub fn detail(page: &Page<'_>) -> Response {
    let name = page.q("name");
    let tab = match page.q("tab") {
        "" => "permissions",
        t => t,
    };
    let mut out = String::from("<div class=\"title-row\">");
    let _ = write!(out, "<h1>{}</h1>", esc(name));
    let role = match get_role(page, name) {
        Ok(r) => r,
        Err(e) => {
            out.push_str("</div>");
            out.push_str(&html::error_box(&e));
            return page.render("roles", name, &out);
        }
    };
    let _ = write!(
        out,
        "<a class=\"button\" id=\"delete-role\" href=\"{}\">Delete</a></div>",
        html::href("/console/iam/role/delete", &[("name", name)])
    );
    let mut items = vec![
        ("Creation date", esc(&role.create_date)),
        ("ARN", format!("<code id=\"role-arn\">{}</code>", esc(&role.arn))),
        ("Last activity", esc(&last_activity(&role))),
        (
            "Maximum session duration",
            esc(&duration(role.max_session_duration.unwrap_or(3600))),
        ),
        ("Description", esc(role.description.as_deref().unwrap_or("-"))),
    ];
    if let Ok(r) = page.caller.call(
        Operation::ListInstanceProfilesForRole,
        &[("RoleName", name)],
        i::ListInstanceProfilesForRoleRequest::decode,
        Handlers::list_instance_profiles_for_role,
    ) {
        if let Some(p) = r.instance_profiles.first() {
            items.push(("Instance profile ARN", format!("<code>{}</code>", esc(&p.arn))));
        }
    }
    if let Some(arn) = role
        .permissions_boundary
        .as_ref()
        .and_then(|b| b.permissions_boundary_arn.as_deref())
    {
        items.push((
            "Permissions boundary",
            link("/console/iam/policy", &[("arn", arn)], arn),
        ));
    }
    out.push_str("<section><h2>Summary</h2>");
    out.push_str(&html::summary(&items));
    out.push_str("</section>");
    out.push_str(&html::tabs("/console/iam/role", &[("name", name)], TABS, tab));
    out.push_str(&match tab {
        "trust" => trust_tab(&role),
        "tags" => tags_tab(page, name),
        "access_advisor" => advisor::tab(page, &role.arn),
        _ => permissions_tab(page, name),
    });
    page.render("roles", name, &out)
}

fn permissions_tab(page: &Page<'_>, name: &str) -> String {
    let c = &page.caller;
    let csrf = &page.session.csrf;
    let mut out = String::from("<section><h2>Permissions policies</h2>");
    let mut rows = Vec::new();
    let attached = c.all(
        Operation::ListAttachedRolePolicies,
        &[("RoleName", name)],
        i::ListAttachedRolePoliciesRequest::decode,
        Handlers::list_attached_role_policies,
        |r| {
            (
                r.attached_policies.unwrap_or_default(),
                r.marker.filter(|_| r.is_truncated == Some(true)),
            )
        },
    );
    match attached {
        Ok(list) => {
            for p in list {
                let arn = p.policy_arn.as_deref().unwrap_or("");
                rows.push(vec![
                    link(
                        "/console/iam/policy",
                        &[("arn", arn)],
                        p.policy_name.as_deref().unwrap_or(""),
                    ),
                    policies::kind(arn).to_string(),
                    html::button_form(
                        "/console/iam/role/detach",
                        csrf,
                        &[("role_name", name), ("arn", arn)],
                        "Remove",
                        "",
                    ),
                ]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    let inline = c.all(
        Operation::ListRolePolicies,
        &[("RoleName", name)],
        i::ListRolePoliciesRequest::decode,
        Handlers::list_role_policies,
        |r| (r.policy_names, r.marker.filter(|_| r.is_truncated == Some(true))),
    );
    match inline {
        Ok(names) => {
            for n in names {
                rows.push(vec![
                    esc(&n),
                    "Customer inline".to_string(),
                    html::button_form(
                        "/console/iam/role/delete-inline",
                        csrf,
                        &[("role_name", name), ("policy_name", &n)],
                        "Remove",
                        "",
                    ),
                ]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    let _ = write!(out, "<p class=\"count\">Permissions policies ({})</p>", rows.len());
    out.push_str(&html::table(
        &["Policy name", "Type", ""],
        &rows,
        "No resources to display",
    ));
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/role/policies\" class=\"row\">{}<input type=\"hidden\" name=\"role_name\" value=\"{}\">\
         <input type=\"text\" name=\"arn\" id=\"attach-policy\" placeholder=\"Policy ARN or AWS managed policy name\" aria-label=\"Policy\" required><button type=\"submit\">Attach policies</button></form></section>",
        html::csrf_field(csrf),
        esc(name)
    );
    out
}

fn trust_tab(role: &i::Role) -> String {
    let doc = policies::pretty(&trust_document(role));
    let linked = role.path.starts_with("/aws-service-role/");
    let entities = trusted_entities(&doc, linked);
    let mut out = String::from("<section><div class=\"title-row\"><h2>Trusted entities</h2>");
    let _ = write!(
        out,
        "<a class=\"button\" id=\"edit-trust-policy\" href=\"{}\">Edit trust policy</a></div>",
        html::href("/console/iam/role/trust", &[("name", &role.role_name)])
    );
    out.push_str(
        "<p class=\"hint\">Entities that can assume this role under specified conditions.</p><ul class=\"entities\">",
    );
    for e in &entities {
        let _ = write!(out, "<li>{}</li>", esc(e));
    }
    let _ = write!(
        out,
        "</ul><pre class=\"json\" id=\"trust-policy\">{}</pre></section>",
        esc(&doc)
    );
    out
}

fn tags_tab(page: &Page<'_>, name: &str) -> String {
    let listed = page.caller.call(
        Operation::ListRoleTags,
        &[("RoleName", name)],
        i::ListRoleTagsRequest::decode,
        Handlers::list_role_tags,
    );
    html::tags_section(listed.as_ref().map(|r| r.tags.as_slice()))
}

/// After a change on the Permissions tab: back to it, or the refusal with a way back.
fn back(page: &Page<'_>, tab: &str, result: ApiResult<()>) -> Response {
    let name = page.f("role_name");
    page.after(
        ("roles", name),
        "/console/iam/role",
        &[("name", name), ("tab", tab)],
        result,
    )
}

/// `POST /console/iam/role/policies`: AttachRolePolicy (an ARN, or an AWS managed policy's name).
pub fn attach(page: &Page<'_>) -> Response {
    let arn = groups::attach_form_arn(page);
    let r = page.caller.call(
        Operation::AttachRolePolicy,
        &[("RoleName", page.f("role_name")), ("PolicyArn", &arn)],
        i::AttachRolePolicyRequest::decode,
        Handlers::attach_role_policy,
    );
    back(page, "permissions", r)
}

/// `POST /console/iam/role/detach`: DetachRolePolicy.
pub fn detach(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::DetachRolePolicy,
        &[("RoleName", page.f("role_name")), ("PolicyArn", page.f("arn"))],
        i::DetachRolePolicyRequest::decode,
        Handlers::detach_role_policy,
    );
    back(page, "permissions", r)
}

/// `POST /console/iam/role/delete-inline`: DeleteRolePolicy.
pub fn delete_inline(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::DeleteRolePolicy,
        &[("RoleName", page.f("role_name")), ("PolicyName", page.f("policy_name"))],
        i::DeleteRolePolicyRequest::decode,
        Handlers::delete_role_policy,
    );
    back(page, "permissions", r)
}

/// `/console/iam/role/trust?name=NAME` (and the form again after a refusal): the trust policy in
/// the editor, validated as a role trust policy.
pub fn trust_form(page: &Page<'_>, message: Option<String>) -> Response {
    let name = if page.q("name").is_empty() {
        page.f("role_name")
    } else {
        page.q("name")
    };
    let mut out = format!("<h1>Edit trust policy: {}</h1>", esc(name));
    out.push_str(&message.unwrap_or_default());
    let current = match get_role(page, name) {
        Ok(r) => policies::pretty(&trust_document(&r)),
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return page.render("roles", name, &out);
        }
    };
    let document = page.form.get("document").map_or(current, str::to_string);
    out.push_str(&editor::editor(
        page,
        &Editor {
            action: "/console/iam/role/trust",
            submit: "Update policy",
            document: &document,
            kind: DocKind::Trust,
            hidden: &[("role_name", name)],
            extra: String::new(),
        },
    ));
    let _ = write!(
        out,
        "<p>{}</p>",
        link("/console/iam/role", &[("name", name), ("tab", "trust")], "Cancel")
    );
    page.render("roles", name, &out)
}

/// `POST /console/iam/role/trust`: UpdateAssumeRolePolicy.
pub fn update_trust(page: &Page<'_>) -> Response {
    let name = page.f("role_name");
    match page.caller.call(
        Operation::UpdateAssumeRolePolicy,
        &[("RoleName", name), ("PolicyDocument", page.f("document"))],
        i::UpdateAssumeRolePolicyRequest::decode,
        Handlers::update_assume_role_policy,
    ) {
        Ok(()) => Response::redirect(&role_href(name, "trust")),
        Err(e) => trust_form(page, Some(html::error_box(&e))),
    }
}

/// `/console/iam/role/delete?name=NAME`: the confirmation (the role's name typed again).
pub fn delete_form(page: &Page<'_>, message: Option<String>) -> Response {
    let name = if page.q("name").is_empty() {
        page.f("role_name")
    } else {
        page.q("name")
    };
    let out = format!(
        "<h1>Delete {0}?</h1>{1}<form method=\"post\" action=\"/console/iam/role/delete\" class=\"stacked\">{2}\
         <input type=\"hidden\" name=\"role_name\" value=\"{0}\">\
         <p>To confirm deletion, enter the role name in the text input field.</p>\
         <label>Role name<input type=\"text\" name=\"confirm\" id=\"confirm-delete\" placeholder=\"{0}\" required autocomplete=\"off\"></label>\
         <button type=\"submit\" class=\"danger\" id=\"confirm-delete-role\">Delete</button></form><p>{3}</p>",
        esc(name),
        message.unwrap_or_default(),
        html::csrf_field(&page.session.csrf),
        link("/console/iam/role", &[("name", name)], "Cancel"),
    );
    page.render("roles", name, &out)
}

/// `POST /console/iam/role/delete`: DeleteRole once the name is confirmed (a role with policies
/// or instance profiles answers DeleteConflict, shown as it comes).
pub fn delete(page: &Page<'_>) -> Response {
    let name = page.f("role_name");
    if page.f("confirm") != name {
        return delete_form(
            page,
            Some(html::alert(
                "error",
                "The text you entered does not match the role name.",
            )),
        );
    }
    match page.caller.call(
        Operation::DeleteRole,
        &[("RoleName", name)],
        i::DeleteRoleRequest::decode,
        Handlers::delete_role,
    ) {
        Ok(()) => Response::redirect("/console/iam/roles"),
        Err(e) => delete_form(page, Some(html::error_box(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_entities_name_services_accounts_and_providers() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"},
            {"Effect":"Deny","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(
            trusted_entities(doc, false),
            [
                "AWS Service: ec2",
                "AWS Service: lambda",
                "Account: 111122223333",
                "Account: 444455556666",
                "Identity Provider: cognito-identity.amazonaws.com"
            ]
        );
        let linked = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
        assert_eq!(
            trusted_entities(linked, true),
            ["AWS Service: support (Service-Linked Role)"]
        );
        assert!(trusted_entities("not json", false).is_empty());
    }

    #[test]
    fn durations_read_as_hours() {
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(43200), "12 hours");
        assert_eq!(duration(5400), "5400 seconds");
    }
}
