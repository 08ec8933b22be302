//! User groups: the list, creation (with users and policies), and a group's tabs: Users,
//! Permissions, Access Advisor.

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc, link};
use super::users::{all_groups, all_users};
use super::{advisor, policies, Page, Response};

/// `/console/iam/groups`.
pub fn list(page: &Page<'_>) -> Response {
    let mut out = String::from(
        "<div class=\"title-row\"><h1>User groups</h1><a class=\"button primary\" href=\"/console/iam/groups/create\">Create group</a></div>",
    );
    match all_groups(page) {
        Ok(groups) => {
            let rows: Vec<Vec<String>> = groups
                .iter()
                .map(|g| {
                    vec![
                        link("/console/iam/group", &[("name", &g.group_name)], &g.group_name),
                        esc(&g.path),
                        esc(&g.create_date),
                    ]
                })
                .collect();
            let _ = write!(out, "<p class=\"count\">User groups ({})</p>", rows.len());
            out.push_str(&html::table(
                &["Group name", "Path", "Creation time"],
                &rows,
                "No resources to display",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    page.render("groups", "User groups", &out)
}

fn checkboxes(name: &str, values: &[(String, String)]) -> String {
    let mut s = String::new();
    for (value, label) in values {
        let _ = write!(
            s,
            "<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" value=\"{}\"> {}</label>",
            esc(value),
            esc(label)
        );
    }
    if values.is_empty() {
        s.push_str("<p class=\"empty\">No resources to display</p>");
    }
    s
}

/// `/console/iam/groups/create`: name, users to add, customer managed policies to attach.
pub fn create_form(page: &Page<'_>, message: Option<String>) -> Response {
    let mut out = String::from("<h1>Create user group</h1>");
    out.push_str(&message.unwrap_or_default());
    let users: Vec<(String, String)> = match all_users(page) {
        Ok(u) => u
            .into_iter()
            .filter_map(|u| u.user_name)
            .map(|n| (n.clone(), n))
            .collect(),
        Err(e) => {
            out.push_str(&html::error_box(&e));
            Vec::new()
        }
    };
    let policies: Vec<(String, String)> = match policies::list_policies(page, "Local") {
        Ok(p) => p.into_iter().filter_map(|p| Some((p.arn?, p.policy_name?))).collect(),
        Err(e) => {
            out.push_str(&html::error_box(&e));
            Vec::new()
        }
    };
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/groups/create\" class=\"stacked\">{}\
         <fieldset><legend>Name the group</legend><label>User group name<input type=\"text\" name=\"group_name\" id=\"group_name\" value=\"{}\" required maxlength=\"128\"></label></fieldset>\
         <fieldset><legend>Add users to the group - Optional</legend>{}</fieldset>\
         <fieldset><legend>Attach permissions policies - Optional</legend>{}\
         <label>AWS managed policy name (optional)<input type=\"text\" name=\"aws_policy\" placeholder=\"e.g. ReadOnlyAccess\"></label></fieldset>\
         <button type=\"submit\" class=\"primary\">Create user group</button></form>",
        html::csrf_field(&page.session.csrf),
        esc(page.f("group_name")),
        checkboxes("user", &users),
        checkboxes("policy", &policies),
    );
    page.render("groups", "Create user group", &out)
}

/// The ARN of an AWS managed policy named in a form (`ReadOnlyAccess`, `job-function/Billing`).
pub fn aws_policy_arn(page: &Page<'_>, name: &str) -> String {
    format!("arn:{}:iam::aws:policy/{}", page.caller.partition(), name.trim())
}

/// The policies a create form chose: its `policy` boxes and an AWS managed policy's name.
pub fn chosen_policies(page: &Page<'_>) -> Vec<String> {
    let mut arns: Vec<String> = page
        .form
        .iter()
        .filter(|(k, _)| *k == "policy")
        .map(|(_, v)| v.to_string())
        .collect();
    if !page.f("aws_policy").trim().is_empty() {
        arns.push(aws_policy_arn(page, page.f("aws_policy")));
    }
    arns
}

/// The policy an attach form names in its `arn` field: an ARN as given, else an AWS managed
/// policy's name.
pub fn attach_form_arn(page: &Page<'_>) -> String {
    let given = page.f("arn").trim();
    if given.starts_with("arn:") {
        given.to_string()
    } else {
        aws_policy_arn(page, given)
    }
}

/// `POST /console/iam/groups/create`: CreateGroup, AttachGroupPolicy, AddUserToGroup.
pub fn create(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let name = page.f("group_name");
    if let Err(e) = c.call(
        Operation::CreateGroup,
        &[("GroupName", name)],
        i::CreateGroupRequest::decode,
        Handlers::create_group,
    ) {
        return create_form(page, Some(html::error_box(&e)));
    }
    let arns = chosen_policies(page);
    let mut errors = String::new();
    for arn in &arns {
        if let Err(e) = c.call(
            Operation::AttachGroupPolicy,
            &[("GroupName", name), ("PolicyArn", arn)],
            i::AttachGroupPolicyRequest::decode,
            Handlers::attach_group_policy,
        ) {
            errors.push_str(&html::error_box(&e));
        }
    }
    for user in page.form.iter().filter(|(k, _)| *k == "user").map(|(_, v)| v) {
        if let Err(e) = c.call(
            Operation::AddUserToGroup,
            &[("GroupName", name), ("UserName", user)],
            i::AddUserToGroupRequest::decode,
            Handlers::add_user_to_group,
        ) {
            errors.push_str(&html::error_box(&e));
        }
    }
    if errors.is_empty() {
        return Response::redirect(&format!("/console/iam/group?name={}", html::enc(name)));
    }
    page.render(
        "groups",
        name,
        &format!(
            "<h1>{}</h1>{}{errors}<p>{}</p>",
            esc(name),
            html::alert("success", &format!("{name} user group created.")),
            link("/console/iam/group", &[("name", name)], "View group")
        ),
    )
}

const TABS: &[(&str, &str)] = &[
    ("users", "Users"),
    ("permissions", "Permissions"),
    ("access_advisor", "Access Advisor"),
];

/// `/console/iam/group?name=NAME&tab=…`.
pub fn detail(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let name = page.q("name");
    let tab = match page.q("tab") {
        "" => "users",
        t => t,
    };
    let mut out = format!("<h1>{}</h1>", esc(name));
    let group = match c.call(
        Operation::GetGroup,
        &[("GroupName", name)],
        i::GetGroupRequest::decode,
        Handlers::get_group,
    ) {
        Ok(g) => g,
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return page.render("groups", name, &out);
        }
    };
    out.push_str(&html::summary(&[
        ("User group name", esc(&group.group.group_name)),
        ("Creation time", esc(&group.group.create_date)),
        ("ARN", format!("<code>{}</code>", esc(&group.group.arn))),
    ]));
    out.push_str(&html::tabs("/console/iam/group", &[("name", name)], TABS, tab));
    let csrf = &page.session.csrf;
    match tab {
        "permissions" => {
            out.push_str("<section><h2>Permissions policies</h2>");
            match c.call(
                Operation::ListAttachedGroupPolicies,
                &[("GroupName", name)],
                i::ListAttachedGroupPoliciesRequest::decode,
                Handlers::list_attached_group_policies,
            ) {
                Ok(r) => {
                    let rows: Vec<Vec<String>> = r
                        .attached_policies
                        .unwrap_or_default()
                        .iter()
                        .map(|p| {
                            let arn = p.policy_arn.as_deref().unwrap_or("");
                            vec![
                                link(
                                    "/console/iam/policy",
                                    &[("arn", arn)],
                                    p.policy_name.as_deref().unwrap_or(""),
                                ),
                                policies::kind(arn).to_string(),
                                html::button_form(
                                    "/console/iam/group/detach",
                                    csrf,
                                    &[("group_name", name), ("arn", arn)],
                                    "Remove",
                                    "",
                                ),
                            ]
                        })
                        .collect();
                    out.push_str(&html::table(
                        &["Policy name", "Type", ""],
                        &rows,
                        "No resources to display",
                    ));
                }
                Err(e) => out.push_str(&html::error_box(&e)),
            }
            let _ = write!(
                out,
                "<form method=\"post\" action=\"/console/iam/group/policies\" class=\"row\">{}<input type=\"hidden\" name=\"group_name\" value=\"{}\">\
                 <input type=\"text\" name=\"arn\" placeholder=\"Policy ARN or AWS managed policy name\" aria-label=\"Policy\" required><button type=\"submit\">Attach policies</button></form></section>",
                html::csrf_field(csrf),
                esc(name)
            );
        }
        "access_advisor" => out.push_str(&advisor::tab(page, &group.group.arn)),
        _ => {
            let _ = write!(out, "<section><h2>Users in this group ({})</h2>", group.users.len());
            let rows: Vec<Vec<String>> = group
                .users
                .iter()
                .map(|u| {
                    let n = u.user_name.as_deref().unwrap_or("");
                    vec![
                        link("/console/iam/user", &[("name", n)], n),
                        esc(u.password_last_used.as_deref().unwrap_or("-")),
                        esc(&u.create_date),
                        html::button_form(
                            "/console/iam/group/remove-user",
                            csrf,
                            &[("group_name", name), ("user_name", n)],
                            "Remove",
                            "",
                        ),
                    ]
                })
                .collect();
            out.push_str(&html::table(
                &["User name", "Console last sign-in", "Creation time", ""],
                &rows,
                "No resources to display",
            ));
            if let Ok(users) = all_users(page) {
                let mut options = String::new();
                for u in users.iter().filter_map(|u| u.user_name.as_deref()) {
                    let _ = write!(options, "<option>{}</option>", esc(u));
                }
                let _ = write!(
                    out,
                    "<form method=\"post\" action=\"/console/iam/group/users\" class=\"row\">{}<input type=\"hidden\" name=\"group_name\" value=\"{}\"><select name=\"user\" aria-label=\"User\">{options}</select><button type=\"submit\">Add users</button></form>",
                    html::csrf_field(csrf),
                    esc(name)
                );
            }
            out.push_str("</section>");
        }
    }
    page.render("groups", name, &out)
}

fn back(page: &Page<'_>, tab: &str, result: crate::error::ApiResult<()>) -> Response {
    let name = page.f("group_name");
    page.after(
        ("groups", name),
        "/console/iam/group",
        &[("name", name), ("tab", tab)],
        result,
    )
}

/// `POST /console/iam/group/users`: AddUserToGroup.
pub fn add_users(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::AddUserToGroup,
        &[("GroupName", page.f("group_name")), ("UserName", page.f("user"))],
        i::AddUserToGroupRequest::decode,
        Handlers::add_user_to_group,
    );
    back(page, "users", r)
}

/// `POST /console/iam/group/remove-user`: RemoveUserFromGroup.
pub fn remove_user(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::RemoveUserFromGroup,
        &[("GroupName", page.f("group_name")), ("UserName", page.f("user_name"))],
        i::RemoveUserFromGroupRequest::decode,
        Handlers::remove_user_from_group,
    );
    back(page, "users", r)
}

/// `POST /console/iam/group/policies`: AttachGroupPolicy (an ARN, or an AWS managed policy's name).
pub fn attach(page: &Page<'_>) -> Response {
    let arn = attach_form_arn(page);
    let r = page.caller.call(
        Operation::AttachGroupPolicy,
        &[("GroupName", page.f("group_name")), ("PolicyArn", &arn)],
        i::AttachGroupPolicyRequest::decode,
        Handlers::attach_group_policy,
    );
    back(page, "permissions", r)
}

/// `POST /console/iam/group/detach`: DetachGroupPolicy.
pub fn detach(page: &Page<'_>) -> Response {
    let r = page.caller.call(
        Operation::DetachGroupPolicy,
        &[("GroupName", page.f("group_name")), ("PolicyArn", page.f("arn"))],
        i::DetachGroupPolicyRequest::decode,
        Handlers::detach_group_policy,
    );
    back(page, "permissions", r)
}
