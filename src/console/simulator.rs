//! The policy simulator (AWS's policysim, "Testing IAM policies with the IAM policy simulator"):
//! pick a user, group or role, actions (typed, or ticked from one service of the action
//! catalog), resources and context keys, then "Run simulation" calls SimulatePrincipalPolicy as the
//! signed-in principal and shows each action's decision and the statements that decided it. A
//! simulation changes nothing, so the form is a GET like a filter, and the results can be reloaded.

use std::fmt::Write as _;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::catalog::actions;
use crate::error::ApiError;
use crate::handlers::Handlers;

use super::html::{self, esc};
use super::{users, Page, Response};

/// Context key rows the form offers.
const CONTEXT_ROWS: usize = 3;

/// A principal the simulation can be run for: (group label, name, ARN).
type Principal = (&'static str, String, String);

/// Users, groups and roles the signed-in principal may list; a list it may not read becomes an
/// error shown above the form (an ARN can still be typed).
fn principals(page: &Page<'_>) -> (Vec<Principal>, Vec<ApiError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    match users::all_users(page) {
        Ok(list) => found.extend(
            list.into_iter()
                .map(|u| ("Users", u.user_name.unwrap_or_default(), u.arn)),
        ),
        Err(e) => errors.push(e),
    }
    match users::all_groups(page) {
        Ok(list) => found.extend(list.into_iter().map(|g| ("Groups", g.group_name, g.arn))),
        Err(e) => errors.push(e),
    }
    let roles = page.caller.all(
        Operation::ListRoles,
        &[],
        i::ListRolesRequest::decode,
        Handlers::list_roles,
        |r| (r.roles, r.marker.filter(|_| r.is_truncated == Some(true))),
    );
    match roles {
        Ok(list) => found.extend(list.into_iter().map(|r| ("Roles", r.role_name, r.arn))),
        Err(e) => errors.push(e),
    }
    (found, errors)
}

/// The typed actions (comma or space separated) and the ticked ones, each once.
fn chosen_actions(page: &Page<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let typed = page.q("actions").split(|c: char| c == ',' || c.is_whitespace());
    let ticked = page.query.iter().filter(|(k, _)| *k == "action").map(|(_, v)| v);
    for a in typed.chain(ticked).map(str::trim).filter(|a| !a.is_empty()) {
        if !out.iter().any(|x| x == a) {
            out.push(a.to_string());
        }
    }
    out
}

/// The resources, one per line or space separated; `*` alone is the simulator's default.
fn chosen_resources(page: &Page<'_>) -> Vec<String> {
    page.q("resources").split_whitespace().map(str::to_string).collect()
}

/// The source ARN: a typed one wins over the list's choice.
fn source<'a>(page: &'a Page<'_>) -> &'a str {
    match page.q("source_arn").trim() {
        "" => page.q("source"),
        typed => typed,
    }
}

/// `/console/iam/simulator`: the form, and with `run` the results.
pub fn page(page: &Page<'_>) -> Response {
    let (found, errors) = principals(page);
    let mut out = String::from("<h1>Policy simulator</h1>");
    for e in &errors {
        out.push_str(&html::error_box(e));
    }
    out.push_str(&form(page, &found));
    if !page.q("run").is_empty() {
        out.push_str("<section><h2>Action Settings and Results</h2>");
        out.push_str(&results(page));
        out.push_str("</section>");
    }
    page.render("simulator", "Policy simulator", &out)
}

fn form(page: &Page<'_>, found: &[Principal]) -> String {
    let current = source(page);
    let mut options = String::from("<option value=\"\">Choose a user, group or role</option>");
    for group in ["Users", "Groups", "Roles"] {
        let _ = write!(options, "<optgroup label=\"{group}\">");
        for (_, name, arn) in found.iter().filter(|(g, _, _)| *g == group) {
            let selected = if arn == current { " selected" } else { "" };
            let _ = write!(
                options,
                "<option value=\"{}\"{selected}>{}</option>",
                esc(arn),
                esc(name)
            );
        }
        options.push_str("</optgroup>");
    }
    let service = page.q("service");
    let mut services = String::from("<option value=\"\">Select service</option>");
    for s in actions::services() {
        let selected = if s.prefix == service { " selected" } else { "" };
        let _ = write!(
            services,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(&s.prefix),
            esc(&s.name)
        );
    }
    let chosen = chosen_actions(page);
    let shown: Vec<String> = actions::service(service)
        .map(|s| s.actions.iter().map(|a| format!("{}:{}", s.prefix, a.name)).collect())
        .unwrap_or_default();
    let mut ticks = String::new();
    if !shown.is_empty() {
        ticks.push_str("<div class=\"action-list\">");
        for full in &shown {
            let checked = if chosen.contains(full) { " checked" } else { "" };
            let _ = write!(
                ticks,
                "<label class=\"check\"><input type=\"checkbox\" name=\"action\" value=\"{0}\"{checked}> {0}</label>",
                esc(full)
            );
        }
        ticks.push_str("</div>");
    }
    // Actions not ticked in the list shown travel in the typed field.
    let typed: Vec<&str> = chosen
        .iter()
        .filter(|a| !shown.contains(a))
        .map(String::as_str)
        .collect();
    let resources = match page.q("resources") {
        "" => "*",
        r => r,
    };
    let mut context = String::new();
    for n in 1..=CONTEXT_ROWS {
        let key_type = page.q(&format!("ctx_type_{n}"));
        let types: String = crate::api::iam::CONTEXT_KEY_TYPE_ENUM
            .enums
            .iter()
            .map(|t| {
                let selected = if *t == key_type { " selected" } else { "" };
                format!("<option{selected}>{t}</option>")
            })
            .collect();
        let _ = write!(
            context,
            "<div class=\"tag-row\"><input type=\"text\" name=\"ctx_key_{n}\" value=\"{}\" placeholder=\"Key, e.g. aws:SourceIp\" aria-label=\"Context key {n}\">\
             <select name=\"ctx_type_{n}\" aria-label=\"Context key {n} type\">{types}</select>\
             <input type=\"text\" name=\"ctx_values_{n}\" value=\"{}\" placeholder=\"Values, comma separated\" aria-label=\"Context key {n} values\"></div>",
            esc(page.q(&format!("ctx_key_{n}"))),
            esc(page.q(&format!("ctx_values_{n}"))),
        );
    }
    format!(
        "<form method=\"get\" action=\"/console/iam/simulator\" class=\"stacked\">\
         <fieldset><legend>Users, Groups, and Roles</legend>\
         <label>Principal<select name=\"source\" id=\"source\">{options}</select></label>\
         <label>or its ARN<input type=\"text\" name=\"source_arn\" value=\"{}\" placeholder=\"arn:aws:iam::123456789012:user/name\"></label></fieldset>\
         <fieldset><legend>Actions</legend>\
         <div class=\"row\"><select name=\"service\" aria-label=\"Select service\">{services}</select>\
         <button type=\"submit\" name=\"show\" value=\"1\">Show actions</button></div>{ticks}\
         <label>Actions<input type=\"text\" name=\"actions\" id=\"actions\" value=\"{}\" placeholder=\"iam:ListUsers s3:GetObject\"></label></fieldset>\
         <fieldset><legend>Simulation Settings</legend>\
         <label>Resources (ARNs, one per line)<textarea name=\"resources\" id=\"resources\" rows=\"2\">{}</textarea></label>\
         <p>Context keys</p>{context}</fieldset>\
         <button type=\"submit\" name=\"run\" value=\"1\" class=\"primary\">Run simulation</button></form>",
        esc(page.q("source_arn")),
        esc(&typed.join(" ")),
        esc(resources),
    )
}

/// SimulatePrincipalPolicy's parameters from the form.
fn parameters(page: &Page<'_>) -> Vec<(String, String)> {
    let mut params = vec![("PolicySourceArn".to_string(), source(page).to_string())];
    for (n, a) in chosen_actions(page).into_iter().enumerate() {
        params.push((format!("ActionNames.member.{}", n + 1), a));
    }
    let resources = chosen_resources(page);
    if resources.iter().any(|r| r != "*") {
        for (n, r) in resources.into_iter().enumerate() {
            params.push((format!("ResourceArns.member.{}", n + 1), r));
        }
    }
    let mut entry = 0;
    for n in 1..=CONTEXT_ROWS {
        let key = page.q(&format!("ctx_key_{n}")).trim();
        if key.is_empty() {
            continue;
        }
        entry += 1;
        let at = format!("ContextEntries.member.{entry}");
        params.push((format!("{at}.ContextKeyName"), key.to_string()));
        params.push((
            format!("{at}.ContextKeyType"),
            page.q(&format!("ctx_type_{n}")).to_string(),
        ));
        let values = page.q(&format!("ctx_values_{n}"));
        for (m, v) in values.split(',').map(str::trim).enumerate() {
            params.push((format!("{at}.ContextKeyValues.member.{}", m + 1), v.to_string()));
        }
    }
    params
}

/// The simulator's words for a decision.
fn decision_label(decision: &str) -> &str {
    match decision {
        "allowed" => "allowed",
        "explicitDeny" => "denied",
        "implicitDeny" => "Implicitly denied (no matching statements)",
        other => other,
    }
}

fn decision(code: &str) -> String {
    format!(
        "<span class=\"decision {}\">{}</span>",
        esc(code),
        esc(decision_label(code))
    )
}

fn position(p: Option<&i::Position>) -> String {
    match p {
        Some(p) => format!("line {}, column {}", p.line.unwrap_or(0), p.column.unwrap_or(0)),
        None => "?".to_string(),
    }
}

/// "N matching statements" and where each is.
fn statements(matched: Option<&[i::Statement]>, missing: Option<&[String]>) -> String {
    let matched = matched.unwrap_or_default();
    let mut out = format!(
        "{} matching statement{}",
        matched.len(),
        if matched.len() == 1 { "" } else { "s" }
    );
    if !matched.is_empty() {
        out.push_str("<ul class=\"matched\">");
        for st in matched {
            let _ = write!(
                out,
                "<li><code>{}</code> ({}): {} to {}</li>",
                esc(st.source_policy_id.as_deref().unwrap_or("")),
                esc(st.source_policy_type.as_deref().unwrap_or("")),
                position(st.start_position.as_ref()),
                position(st.end_position.as_ref()),
            );
        }
        out.push_str("</ul>");
    }
    if let Some(keys) = missing.filter(|k| !k.is_empty()) {
        let _ = write!(
            out,
            "<p class=\"hint\">Missing context values: {}</p>",
            esc(&keys.join(", "))
        );
    }
    out
}

/// Runs the simulation and renders its table (or the call's error).
fn results(page: &Page<'_>) -> String {
    let owned = parameters(page);
    let params: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let found = page.caller.all(
        Operation::SimulatePrincipalPolicy,
        &params,
        i::SimulatePrincipalPolicyRequest::decode,
        Handlers::simulate_principal_policy,
        |r| {
            (
                r.evaluation_results.unwrap_or_default(),
                r.marker.filter(|_| r.is_truncated == Some(true)),
            )
        },
    );
    let results = match found {
        Ok(r) => r,
        Err(e) => return html::error_box(&e),
    };
    let mut rows = Vec::new();
    for r in &results {
        let prefix = r.eval_action_name.split(':').next().unwrap_or("");
        let service = actions::service(prefix).map_or(prefix, |s| s.name.as_str());
        let per_resource = r.resource_specific_results.as_deref().unwrap_or_default();
        if per_resource.is_empty() {
            rows.push(vec![
                esc(service),
                esc(&r.eval_action_name),
                esc(r.eval_resource_name.as_deref().unwrap_or("*")),
                decision(&r.eval_decision),
                statements(r.matched_statements.as_deref(), r.missing_context_values.as_deref()),
            ]);
        }
        for rr in per_resource {
            rows.push(vec![
                esc(service),
                esc(&r.eval_action_name),
                esc(&rr.eval_resource_name),
                decision(&rr.eval_resource_decision),
                statements(rr.matched_statements.as_deref(), rr.missing_context_values.as_deref()),
            ]);
        }
    }
    html::table(
        &["Service", "Action", "Resource", "Permission", "Matched statements"],
        &rows,
        "No results",
    )
}
