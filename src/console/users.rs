//! Users: the list, the create wizard (console password, groups, access key, tags; the password
//! and secret key shown once), and a user's detail tabs.

use std::fmt::Write as _;

use rand::seq::SliceRandom;
use rand::Rng;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::error::ApiResult;
use crate::handlers::Handlers;

use super::html::{self, esc, link};
use super::{advisor, Page, Response};

/// The AWS managed policy the console attaches when a user must set a new password at sign-in.
const CHANGE_PASSWORD_POLICY: &str = "IAMUserChangePassword";

/// Every user, following markers.
pub fn all_users(page: &Page<'_>) -> ApiResult<Vec<i::User>> {
    let mut users = Vec::new();
    let mut marker = String::new();
    loop {
        let mut params = vec![("MaxItems", "1000")];
        if !marker.is_empty() {
            params.push(("Marker", marker.as_str()));
        }
        let r = page.caller.call(
            Operation::ListUsers,
            &params,
            i::ListUsersRequest::decode,
            Handlers::list_users,
        )?;
        users.extend(r.users);
        match r.marker.filter(|_| r.is_truncated == Some(true)) {
            Some(m) => marker = m,
            None => return Ok(users),
        }
    }
}

/// Every group, following markers.
pub fn all_groups(page: &Page<'_>) -> ApiResult<Vec<i::Group>> {
    let mut groups = Vec::new();
    let mut marker = String::new();
    loop {
        let mut params = vec![("MaxItems", "1000")];
        if !marker.is_empty() {
            params.push(("Marker", marker.as_str()));
        }
        let r = page.caller.call(
            Operation::ListGroups,
            &params,
            i::ListGroupsRequest::decode,
            Handlers::list_groups,
        )?;
        groups.extend(r.groups);
        match r.marker.filter(|_| r.is_truncated == Some(true)) {
            Some(m) => marker = m,
            None => return Ok(groups),
        }
    }
}

/// `/console/iam/users`.
pub fn list(page: &Page<'_>) -> Response {
    let mut out = String::from(
        "<div class=\"title-row\"><h1>Users</h1><a class=\"button primary\" href=\"/console/iam/users/create\">Create user</a></div>",
    );
    match all_users(page) {
        Ok(users) => {
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    let name = u.user_name.as_deref().unwrap_or("");
                    vec![
                        link("/console/iam/user", &[("name", name)], name),
                        esc(u.path.as_deref().unwrap_or("/")),
                        esc(u.password_last_used.as_deref().unwrap_or("-")),
                        esc(&u.create_date),
                    ]
                })
                .collect();
            let _ = write!(out, "<p class=\"count\">Users ({})</p>", rows.len());
            out.push_str(&html::table(
                &["User name", "Path", "Console last sign-in", "Creation time"],
                &rows,
                "No resources to display",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    page.render("users", "Users", &out)
}

/// `/console/iam/users/create`: the wizard's steps on one form.
pub fn create_form(page: &Page<'_>, message: Option<String>) -> Response {
    let mut out = String::from("<h1>Create user</h1>");
    out.push_str(&message.unwrap_or_default());
    let groups = match all_groups(page) {
        Ok(g) => g,
        Err(e) => {
            out.push_str(&html::error_box(&e));
            Vec::new()
        }
    };
    let mut group_boxes = String::new();
    for g in &groups {
        let _ = write!(
            group_boxes,
            "<label class=\"check\"><input type=\"checkbox\" name=\"group\" value=\"{0}\"> {0}</label>",
            esc(&g.group_name)
        );
    }
    if groups.is_empty() {
        group_boxes.push_str("<p class=\"empty\">No user groups</p>");
    }
    let mut tag_rows = String::new();
    for n in 1..=3 {
        let _ = write!(
            tag_rows,
            "<div class=\"tag-row\"><input type=\"text\" name=\"tag_key_{n}\" placeholder=\"Key\" aria-label=\"Tag key {n}\"><input type=\"text\" name=\"tag_value_{n}\" placeholder=\"Value - optional\" aria-label=\"Tag value {n}\"></div>"
        );
    }
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/users/create\" class=\"stacked\">{}\
         <fieldset><legend>Step 1: Specify user details</legend>\
         <label>User name<input type=\"text\" name=\"user_name\" id=\"user_name\" value=\"{}\" required maxlength=\"64\"></label>\
         <p class=\"hint\">The user name can have up to 64 characters. Valid characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen)</p>\
         <label class=\"check\"><input type=\"checkbox\" name=\"console_access\" id=\"console_access\" value=\"true\" checked> Provide user access to the AWS Management Console</label>\
         <div class=\"password-options\"><p>Console password</p>\
         <label class=\"check\"><input type=\"radio\" name=\"password_kind\" value=\"autogenerated\" checked> Autogenerated password</label>\
         <label class=\"check\"><input type=\"radio\" name=\"password_kind\" id=\"custom_password_kind\" value=\"custom\"> Custom password</label>\
         <label>Custom password<input type=\"password\" name=\"custom_password\" id=\"custom_password\" autocomplete=\"new-password\"></label>\
         <label class=\"check\"><input type=\"checkbox\" name=\"reset_required\" id=\"reset_required\" value=\"true\" checked> Users must create a new password at next sign-in - Recommended</label>\
         <p class=\"hint\">Users automatically get the IAMUserChangePassword policy to allow them to change their own password.</p></div>\
         <label class=\"check\"><input type=\"checkbox\" name=\"access_key\" id=\"access_key\" value=\"true\"> Create an access key</label></fieldset>\
         <fieldset><legend>Step 2: Set permissions — Add user to group</legend>{group_boxes}</fieldset>\
         <fieldset><legend>Step 3: Tags - optional</legend>{tag_rows}</fieldset>\
         <button type=\"submit\" class=\"primary\">Create user</button></form>",
        html::csrf_field(&page.session.csrf),
        esc(page.f("user_name")),
    );
    page.render("users", "Create user", &out)
}

/// A password that satisfies any password policy the account can have: every character class,
/// at least 20 characters or the policy's minimum.
fn generate_password(page: &Page<'_>) -> String {
    let min = page
        .caller
        .store()
        .read(crate::iam::password_policy::load)
        .ok()
        .flatten()
        .map_or(0, |p| usize::try_from(p.minimum_length).unwrap_or(0));
    let len = min.max(20);
    let classes: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnopqrstuvwxyz",
        b"23456789",
        b"!@#$%^&*()_+-=[]{}|",
    ];
    let mut rng = rand::thread_rng();
    let mut chars: Vec<u8> = classes
        .iter()
        .filter_map(|class| class.choose(&mut rng).copied())
        .collect();
    while chars.len() < len {
        let class = classes.get(rng.gen_range(0..classes.len())).copied().unwrap_or(b"a");
        chars.extend(class.choose(&mut rng).copied());
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).unwrap_or_default()
}

/// `POST /console/iam/users/create`: CreateUser (with tags), CreateLoginProfile and the
/// IAMUserChangePassword attachment, AddUserToGroup, CreateAccessKey — stopping at the first
/// refusal and saying what was already done.
pub fn create(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let name = page.f("user_name").to_string();
    let mut params: Vec<(String, String)> = vec![("UserName".into(), name.clone())];
    let mut n = 0;
    for k in 1..=3 {
        let key = page.f(&format!("tag_key_{k}"));
        if key.is_empty() {
            continue;
        }
        n += 1;
        params.push((format!("Tags.member.{n}.Key"), key.to_string()));
        params.push((
            format!("Tags.member.{n}.Value"),
            page.f(&format!("tag_value_{k}")).to_string(),
        ));
    }
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Err(e) = c.call(
        Operation::CreateUser,
        &borrowed,
        i::CreateUserRequest::decode,
        Handlers::create_user,
    ) {
        return create_form(page, Some(html::error_box(&e)));
    }
    let mut done = vec![format!("User {name} created.")];
    let failed = |done: &[String], e: &crate::error::ApiError| {
        let mut s = String::new();
        for d in done {
            s.push_str(&html::alert("success", d));
        }
        s.push_str(&html::error_box(e));
        page.render(
            "users",
            "Create user",
            &format!(
                "<h1>Create user</h1>{s}<p>{}</p>",
                link("/console/iam/user", &[("name", &name)], "View user")
            ),
        )
    };
    let mut password = None;
    if page.f("console_access") == "true" {
        let pw = if page.f("password_kind") == "custom" {
            page.f("custom_password").to_string()
        } else {
            generate_password(page)
        };
        let reset = page.f("reset_required") == "true";
        let created = c.call(
            Operation::CreateLoginProfile,
            &[
                ("UserName", &name),
                ("Password", &pw),
                ("PasswordResetRequired", if reset { "true" } else { "false" }),
            ],
            i::CreateLoginProfileRequest::decode,
            Handlers::create_login_profile,
        );
        if let Err(e) = created {
            return failed(&done, &e);
        }
        done.push("Console password set.".to_string());
        if reset {
            let arn = format!("arn:{}:iam::aws:policy/{CHANGE_PASSWORD_POLICY}", c.partition());
            if let Err(e) = c.call(
                Operation::AttachUserPolicy,
                &[("UserName", &name), ("PolicyArn", &arn)],
                i::AttachUserPolicyRequest::decode,
                Handlers::attach_user_policy,
            ) {
                return failed(&done, &e);
            }
        }
        password = Some(pw);
    }
    for group in page.form.iter().filter(|(k, _)| *k == "group").map(|(_, v)| v) {
        if let Err(e) = c.call(
            Operation::AddUserToGroup,
            &[("UserName", &name), ("GroupName", group)],
            i::AddUserToGroupRequest::decode,
            Handlers::add_user_to_group,
        ) {
            return failed(&done, &e);
        }
        done.push(format!("Added to group {group}."));
    }
    let mut key = None;
    if page.f("access_key") == "true" {
        match c.call(
            Operation::CreateAccessKey,
            &[("UserName", &name)],
            i::CreateAccessKeyRequest::decode,
            Handlers::create_access_key,
        ) {
            Ok(k) => key = Some(k.access_key),
            Err(e) => return failed(&done, &e),
        }
    }
    let signin = sign_in_url(page);
    let mut items = vec![
        (
            "Console sign-in URL",
            format!("<code id=\"signin-url\">{}</code>", esc(&signin)),
        ),
        ("User name", format!("<code id=\"new-user-name\">{}</code>", esc(&name))),
    ];
    if let Some(pw) = &password {
        items.push((
            "Console password",
            format!("<code id=\"new-password\">{}</code>", esc(pw)),
        ));
    }
    if let Some(k) = &key {
        items.push((
            "Access key",
            format!("<code id=\"new-access-key-id\">{}</code>", esc(&k.access_key_id)),
        ));
        items.push((
            "Secret access key",
            format!(
                "<code id=\"new-secret-access-key\">{}</code>",
                esc(&k.secret_access_key)
            ),
        ));
    }
    let out = format!(
        "<h1>Retrieve password</h1>{}{}<p class=\"warning\">This is the only time that the password and the secret access key can be viewed. Save them now.</p>{}<p>{}</p>",
        done.iter().map(|d| html::alert("success", d)).collect::<String>(),
        String::new(),
        html::summary(&items),
        link("/console/iam/user", &[("name", &name)], "View user"),
    );
    page.render("users", "Retrieve password", &out)
}

/// The account's IAM user sign-in link, through the alias when there is one.
fn sign_in_url(page: &Page<'_>) -> String {
    let alias = page
        .caller
        .call(
            Operation::ListAccountAliases,
            &[],
            i::ListAccountAliasesRequest::decode,
            Handlers::list_account_aliases,
        )
        .ok()
        .and_then(|a| a.account_aliases.into_iter().next());
    let host = page.req.host.unwrap_or("localhost");
    format!(
        "http://{host}/console/{}",
        html::enc(alias.as_deref().unwrap_or(page.caller.account_id()))
    )
}

const TABS: &[(&str, &str)] = &[
    ("permissions", "Permissions"),
    ("groups", "Groups"),
    ("tags", "Tags"),
    ("security_credentials", "Security credentials"),
    ("access_advisor", "Access Advisor"),
];

/// `/console/iam/user?name=NAME&tab=…`.
pub fn detail(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let name = page.q("name");
    let tab = match page.q("tab") {
        "" => "permissions",
        t => t,
    };
    let mut out = format!("<h1>{}</h1>", esc(name));
    let user = match c.call(
        Operation::GetUser,
        &[("UserName", name)],
        i::GetUserRequest::decode,
        Handlers::get_user,
    ) {
        Ok(u) => u.user,
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return page.render("users", name, &out);
        }
    };
    let console = match c.call(
        Operation::GetLoginProfile,
        &[("UserName", name)],
        i::GetLoginProfileRequest::decode,
        Handlers::get_login_profile,
    ) {
        Ok(p) if p.login_profile.password_reset_required == Some(true) => {
            "Enabled (password reset required)".to_string()
        }
        Ok(_) => "Enabled".to_string(),
        Err(e) if e.code == "NoSuchEntity" => "Disabled".to_string(),
        Err(e) => e.message,
    };
    out.push_str("<section><h2>Summary</h2>");
    out.push_str(&html::summary(&[
        ("ARN", format!("<code>{}</code>", esc(&user.arn))),
        ("Created", esc(&user.create_date)),
        ("Console access", esc(&console)),
        (
            "Last console sign-in",
            esc(user.password_last_used.as_deref().unwrap_or("Never")),
        ),
    ]));
    out.push_str("</section>");
    out.push_str(&html::tabs("/console/iam/user", &[("name", name)], TABS, tab));
    out.push_str(&match tab {
        "groups" => groups_tab(page, name),
        "tags" => tags_tab(page, name),
        "security_credentials" => credentials_tab(page, name),
        "access_advisor" => advisor::tab(page, &user.arn),
        _ => permissions_tab(page, name),
    });
    page.render("users", name, &out)
}

fn policy_link(arn: &str, name: &str) -> String {
    link("/console/iam/policy", &[("arn", arn)], name)
}

fn policy_type(arn: &str) -> &'static str {
    if arn.contains(":iam::aws:policy/") {
        "AWS managed"
    } else {
        "Customer managed"
    }
}

fn permissions_tab(page: &Page<'_>, name: &str) -> String {
    let c = &page.caller;
    let mut rows = Vec::new();
    let mut out = String::from("<section><h2>Permissions policies</h2>");
    match c.call(
        Operation::ListAttachedUserPolicies,
        &[("UserName", name)],
        i::ListAttachedUserPoliciesRequest::decode,
        Handlers::list_attached_user_policies,
    ) {
        Ok(r) => {
            for p in r.attached_policies.unwrap_or_default() {
                let arn = p.policy_arn.unwrap_or_default();
                let pname = p.policy_name.unwrap_or_default();
                rows.push(vec![
                    policy_link(&arn, &pname),
                    policy_type(&arn).into(),
                    "Directly".into(),
                ]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    match c.call(
        Operation::ListUserPolicies,
        &[("UserName", name)],
        i::ListUserPoliciesRequest::decode,
        Handlers::list_user_policies,
    ) {
        Ok(r) => {
            for p in r.policy_names {
                rows.push(vec![esc(&p), "Customer inline".into(), "Directly".into()]);
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    if let Ok(groups) = c.call(
        Operation::ListGroupsForUser,
        &[("UserName", name)],
        i::ListGroupsForUserRequest::decode,
        Handlers::list_groups_for_user,
    ) {
        for g in groups.groups {
            if let Ok(r) = c.call(
                Operation::ListAttachedGroupPolicies,
                &[("GroupName", &g.group_name)],
                i::ListAttachedGroupPoliciesRequest::decode,
                Handlers::list_attached_group_policies,
            ) {
                for p in r.attached_policies.unwrap_or_default() {
                    let arn = p.policy_arn.unwrap_or_default();
                    rows.push(vec![
                        policy_link(&arn, p.policy_name.as_deref().unwrap_or("")),
                        policy_type(&arn).into(),
                        format!(
                            "Group {}",
                            link("/console/iam/group", &[("name", &g.group_name)], &g.group_name)
                        ),
                    ]);
                }
            }
        }
    }
    out.push_str(&html::table(
        &["Policy name", "Type", "Attached via"],
        &rows,
        "No policies",
    ));
    out.push_str("</section>");
    out
}

fn groups_tab(page: &Page<'_>, name: &str) -> String {
    let c = &page.caller;
    let mut out = String::from("<section><h2>User groups membership</h2>");
    match c.call(
        Operation::ListGroupsForUser,
        &[("UserName", name)],
        i::ListGroupsForUserRequest::decode,
        Handlers::list_groups_for_user,
    ) {
        Ok(r) => {
            let rows: Vec<Vec<String>> = r
                .groups
                .iter()
                .map(|g| vec![link("/console/iam/group", &[("name", &g.group_name)], &g.group_name)])
                .collect();
            out.push_str(&html::table(&["Group name"], &rows, "No groups"));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    if let Ok(groups) = all_groups(page) {
        let mut options = String::new();
        for g in groups {
            let _ = write!(options, "<option>{}</option>", esc(&g.group_name));
        }
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/console/iam/user/groups\" class=\"row\">{}<input type=\"hidden\" name=\"user_name\" value=\"{}\"><select name=\"group\" aria-label=\"Group\">{options}</select><button type=\"submit\">Add user to groups</button></form>",
            html::csrf_field(&page.session.csrf),
            esc(name)
        );
    }
    out.push_str("</section>");
    out
}

fn tags_tab(page: &Page<'_>, name: &str) -> String {
    let mut out = String::from("<section><h2>Tags</h2>");
    match page.caller.call(
        Operation::ListUserTags,
        &[("UserName", name)],
        i::ListUserTagsRequest::decode,
        Handlers::list_user_tags,
    ) {
        Ok(r) => {
            let rows: Vec<Vec<String>> = r.tags.iter().map(|t| vec![esc(&t.key), esc(&t.value)]).collect();
            out.push_str(&html::table(
                &["Key", "Value"],
                &rows,
                "No tags associated with the resource.",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str("</section>");
    out
}

fn credentials_tab(page: &Page<'_>, name: &str) -> String {
    let c = &page.caller;
    let mut out = String::from("<section><h2>Multi-factor authentication (MFA)</h2>");
    match c.call(
        Operation::ListMFADevices,
        &[("UserName", name)],
        i::ListMFADevicesRequest::decode,
        Handlers::list_mfa_devices,
    ) {
        Ok(r) => {
            let rows: Vec<Vec<String>> = r
                .mfa_devices
                .iter()
                .map(|d| vec![esc(&d.serial_number), "Virtual".into(), esc(&d.enable_date)])
                .collect();
            out.push_str(&html::table(
                &["Identifier", "Type", "Created on"],
                &rows,
                "No MFA devices. Assign an MFA device to improve the security of your AWS environment.",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str("</section><section><h2>Access keys</h2>");
    match c.call(
        Operation::ListAccessKeys,
        &[("UserName", name)],
        i::ListAccessKeysRequest::decode,
        Handlers::list_access_keys,
    ) {
        Ok(r) => {
            let rows: Vec<Vec<String>> = r
                .access_key_metadata
                .iter()
                .map(|k| {
                    let id = k.access_key_id.as_deref().unwrap_or("");
                    let last = c
                        .call(
                            Operation::GetAccessKeyLastUsed,
                            &[("AccessKeyId", id)],
                            i::GetAccessKeyLastUsedRequest::decode,
                            Handlers::get_access_key_last_used,
                        )
                        .map(|l| {
                            l.access_key_last_used
                                .map(|u| match u.last_used_date {
                                    Some(d) => format!("{d} ({} in {})", u.service_name, u.region),
                                    None => "Never".to_string(),
                                })
                                .unwrap_or_else(|| "Never".to_string())
                        })
                        .unwrap_or_else(|e| e.message);
                    vec![
                        format!("<code>{}</code>", esc(id)),
                        esc(k.status.as_deref().unwrap_or("")),
                        esc(k.create_date.as_deref().unwrap_or("")),
                        esc(&last),
                    ]
                })
                .collect();
            out.push_str(&html::table(
                &["Access key ID", "Status", "Created", "Last used"],
                &rows,
                "No access keys",
            ));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    out.push_str(&html::button_form(
        "/console/iam/user/access-keys",
        &page.session.csrf,
        &[("user_name", name)],
        "Create access key",
        "",
    ));
    out.push_str("</section>");
    out
}

/// `POST /console/iam/user/groups`: AddUserToGroup.
pub fn add_to_group(page: &Page<'_>) -> Response {
    let name = page.f("user_name");
    match page.caller.call(
        Operation::AddUserToGroup,
        &[("UserName", name), ("GroupName", page.f("group"))],
        i::AddUserToGroupRequest::decode,
        Handlers::add_user_to_group,
    ) {
        Ok(()) => Response::redirect(&format!("/console/iam/user?name={}&tab=groups", html::enc(name))),
        Err(e) => page.render("users", name, &format!("<h1>{}</h1>{}", esc(name), html::error_box(&e))),
    }
}

/// `POST /console/iam/user/access-keys`: CreateAccessKey, the secret shown this once.
pub fn create_access_key(page: &Page<'_>) -> Response {
    let name = page.f("user_name");
    let mut out = "<h1>Retrieve access keys</h1>".to_string();
    match page.caller.call(
        Operation::CreateAccessKey,
        &[("UserName", name)],
        i::CreateAccessKeyRequest::decode,
        Handlers::create_access_key,
    ) {
        Ok(k) => {
            out.push_str("<p class=\"warning\">This is the only time that the secret access key can be viewed or downloaded. You cannot recover it later.</p>");
            out.push_str(&html::summary(&[
                (
                    "Access key",
                    format!(
                        "<code id=\"new-access-key-id\">{}</code>",
                        esc(&k.access_key.access_key_id)
                    ),
                ),
                (
                    "Secret access key",
                    format!(
                        "<code id=\"new-secret-access-key\">{}</code>",
                        esc(&k.access_key.secret_access_key)
                    ),
                ),
            ]));
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    let _ = write!(
        out,
        "<p>{}</p>",
        link(
            "/console/iam/user",
            &[("name", name), ("tab", "security_credentials")],
            "Done"
        )
    );
    page.render("users", name, &out)
}
