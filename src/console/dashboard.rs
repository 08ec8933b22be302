//! The dashboard and the account settings (password policy).

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc};
use super::{Page, Response};

/// `/console/iam/`: account, sign-in link, resource counts and security recommendations, from
/// ListAccountAliases and GetAccountSummary.
pub fn dashboard(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let mut out = String::from("<h1>IAM Dashboard</h1>");
    let aliases = c.call(
        Operation::ListAccountAliases,
        &[],
        i::ListAccountAliasesRequest::decode,
        Handlers::list_account_aliases,
    );
    let alias = aliases.as_ref().ok().and_then(|a| a.account_aliases.first().cloned());
    let host = page.req.host.unwrap_or("localhost");
    let signin = format!(
        "http://{host}/console/{}",
        html::enc(alias.as_deref().unwrap_or(c.account_id()))
    );
    out.push_str("<section><h2>AWS Account</h2>");
    out.push_str(&html::summary(&[
        ("Account ID", esc(c.account_id())),
        (
            "Account Alias",
            match &aliases {
                Ok(_) => esc(alias.as_deref().unwrap_or("None")),
                Err(e) => html::error_box(e),
            },
        ),
        (
            "Sign-in URL for IAM users in this account",
            format!("<a href=\"{0}\" id=\"signin-url\">{0}</a>", esc(&signin)),
        ),
    ]));
    out.push_str("</section>");
    match c.call0(Operation::GetAccountSummary, Handlers::get_account_summary) {
        Ok(summary) => {
            let map = summary.summary_map.unwrap_or_default();
            let get = |k: &str| map.iter().find(|(n, _)| n == k).map_or(0, |(_, v)| *v);
            out.push_str("<section><h2>IAM resources</h2><ul class=\"counts\">");
            for (label, key, path) in [
                ("User groups", "Groups", "/console/iam/groups"),
                ("Users", "Users", "/console/iam/users"),
                ("Roles", "Roles", "/console/iam/roles"),
                ("Policies", "Policies", "/console/iam/policies?type=customer"),
                ("Identity providers", "Providers", "/console/iam/providers"),
            ] {
                let _ = write!(
                    out,
                    "<li><a href=\"{}\"><span class=\"count\">{}</span> {}</a></li>",
                    esc(path),
                    get(key),
                    esc(label)
                );
            }
            out.push_str("</ul></section><section><h2>Security recommendations</h2><ul class=\"recommendations\">");
            let root_mfa = get("AccountMFAEnabled") == 1;
            let root_keys = get("AccountAccessKeysPresent") == 1;
            let _ = write!(
                out,
                "<li class=\"{}\">{}</li><li class=\"{}\">{}</li>",
                if root_mfa { "ok" } else { "warn" },
                if root_mfa {
                    "Root user has MFA"
                } else {
                    "Add MFA for root user: enable multi-factor authentication (MFA) for the root user to improve security for this account."
                },
                if root_keys { "warn" } else { "ok" },
                if root_keys {
                    "Root user has active access keys: use access keys attached to an IAM user instead."
                } else {
                    "Root user has no active access keys"
                },
            );
            out.push_str("</ul></section>");
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    page.render("dashboard", "Dashboard", &out)
}

/// `/console/iam/account-settings`: the password policy (GetAccountPasswordPolicy; AWS's default
/// applies when the account has none) and its edit form.
pub fn settings(page: &Page<'_>, message: Option<String>) -> Response {
    let mut out = String::from("<h1>Account settings</h1><section><h2>Password policy</h2>");
    out.push_str(&message.unwrap_or_default());
    let current = page.caller.call0(
        Operation::GetAccountPasswordPolicy,
        Handlers::get_account_password_policy,
    );
    let policy = match current {
        Ok(r) => Some(r.password_policy),
        Err(e) if e.code == "NoSuchEntity" => {
            out.push_str("<p id=\"policy-state\">This AWS account uses the IAM default password policy: at least 8 characters with at least three of uppercase letters, lowercase letters, numbers and symbols.</p>");
            None
        }
        Err(e) => {
            out.push_str(&html::error_box(&e));
            return page.render("settings", "Account settings", &out);
        }
    };
    let p = policy.unwrap_or_default();
    let check = |name: &str, on: Option<bool>, label: &str| {
        format!(
            "<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" value=\"true\"{}> {}</label>",
            if on == Some(true) { " checked" } else { "" },
            esc(label)
        )
    };
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/console/iam/account-settings\" class=\"stacked\">{}\
         <label>Minimum password length<input type=\"number\" name=\"MinimumPasswordLength\" min=\"6\" max=\"128\" value=\"{}\"></label>\
         {}{}{}{}{}\
         <label>Password expiration (days, empty for never)<input type=\"number\" name=\"MaxPasswordAge\" min=\"1\" max=\"1095\" value=\"{}\"></label>\
         <label>Prevent password reuse (remembered passwords, empty for none)<input type=\"number\" name=\"PasswordReusePrevention\" min=\"1\" max=\"24\" value=\"{}\"></label>\
         {}<button type=\"submit\" class=\"primary\">Save changes</button></form></section>",
        html::csrf_field(&page.session.csrf),
        p.minimum_password_length.unwrap_or(8),
        check("RequireUppercaseCharacters", p.require_uppercase_characters, "Require at least one uppercase letter from the Latin alphabet (A-Z)"),
        check("RequireLowercaseCharacters", p.require_lowercase_characters, "Require at least one lowercase letter from the Latin alphabet (a-z)"),
        check("RequireNumbers", p.require_numbers, "Require at least one number"),
        check("RequireSymbols", p.require_symbols, "Require at least one non-alphanumeric character"),
        check("AllowUsersToChangePassword", p.allow_users_to_change_password, "Allow users to change their own password"),
        p.max_password_age.map(|n| n.to_string()).unwrap_or_default(),
        p.password_reuse_prevention.map(|n| n.to_string()).unwrap_or_default(),
        check("HardExpiry", p.hard_expiry, "Require administrator reset (prevent password change after expiration)"),
    );
    page.render("settings", "Account settings", &out)
}

/// `POST /console/iam/account-settings`: UpdateAccountPasswordPolicy.
pub fn update_settings(page: &Page<'_>) -> Response {
    let mut params: Vec<(&str, &str)> = Vec::new();
    for key in [
        "MinimumPasswordLength",
        "MaxPasswordAge",
        "PasswordReusePrevention",
        "RequireUppercaseCharacters",
        "RequireLowercaseCharacters",
        "RequireNumbers",
        "RequireSymbols",
        "AllowUsersToChangePassword",
        "HardExpiry",
    ] {
        if let Some(v) = page.form.get(key).filter(|v| !v.is_empty()) {
            params.push((key, v));
        }
    }
    let done = page.caller.call(
        Operation::UpdateAccountPasswordPolicy,
        &params,
        i::UpdateAccountPasswordPolicyRequest::decode,
        Handlers::update_account_password_policy,
    );
    match done {
        Ok(()) => settings(page, Some(html::alert("success", "Password policy updated."))),
        Err(e) => settings(page, Some(html::error_box(&e))),
    }
}
