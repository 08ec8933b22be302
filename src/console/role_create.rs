//! The Create role wizard: first the trusted entity type (AWS account, AWS service, or a custom
//! trust policy written in the policy editor), then the role's name, description, maximum session
//! duration, permissions policies and tags on one form. The trust policies built for the first
//! two types are the ones AWS's wizard writes.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::editor::{self, DocKind, Editor};
use super::html::{self, esc, link};
use super::{groups, policies, Page, Response};

/// The custom trust policy the editor starts from (AWS's template: the principal is left for
/// the author, so it starts with a finding).
const CUSTOM: &str = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"Statement1\",\n            \"Effect\": \"Allow\",\n            \"Principal\": {},\n            \"Action\": \"sts:AssumeRole\"\n        }\n    ]\n}";

/// The trusted entity types: (id, label, hint).
const TYPES: &[(&str, &str, &str)] = &[
    (
        "service",
        "AWS service",
        "Allow AWS services like EC2, Lambda, or others to perform actions in this account.",
    ),
    (
        "account",
        "AWS account",
        "Allow entities in other AWS accounts belonging to you or a 3rd party to perform actions in this account.",
    ),
    (
        "custom",
        "Custom trust policy",
        "Create a custom trust policy to enable others to perform actions in this account.",
    ),
];

/// Services offered in the service field (any other service principal may be typed).
const SERVICES: &[&str] = &[
    "ec2",
    "lambda",
    "ecs-tasks",
    "states",
    "events",
    "glue",
    "sagemaker",
    "codebuild",
    "cloudformation",
    "apigateway",
];

/// Maximum session durations offered, in seconds (CreateRole takes 1 to 12 hours).
const DURATIONS: &[(i32, &str)] = &[
    (3600, "1 hour"),
    (7200, "2 hours"),
    (14400, "4 hours"),
    (28800, "8 hours"),
    (43200, "12 hours"),
];

/// A parameter from the posted form, else the query (the wizard's type travels in both).
fn param<'a>(page: &'a Page<'_>, name: &str) -> &'a str {
    match page.f(name) {
        "" => page.q(name),
        v => v,
    }
}

/// The trust policy AWS's wizard writes for another (or this) account, with the optional
/// external ID and MFA conditions.
fn account_trust(partition: &str, account: &str, external_id: &str, mfa: bool) -> String {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
        "Action": "sts:AssumeRole",
    });
    let mut condition = serde_json::Map::new();
    if !external_id.is_empty() {
        condition.insert("StringEquals".into(), json!({ "sts:ExternalId": external_id }));
    }
    if mfa {
        condition.insert("Bool".into(), json!({ "aws:MultiFactorAuthPresent": "true" }));
    }
    if let (Some(s), false) = (statement.as_object_mut(), condition.is_empty()) {
        s.insert("Condition".into(), Value::Object(condition));
    }
    document(statement)
}

/// The trust policy AWS's wizard writes for a service (`ec2` means `ec2.amazonaws.com`).
fn service_trust(service: &str) -> String {
    let service = service.trim();
    let principal = if service.contains('.') {
        service.to_string()
    } else {
        format!("{service}.amazonaws.com")
    };
    document(json!({
        "Effect": "Allow",
        "Action": ["sts:AssumeRole"],
        "Principal": { "Service": [principal] },
    }))
}

fn document(statement: Value) -> String {
    let doc = json!({ "Version": "2012-10-17", "Statement": [statement] });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// `/console/iam/roles/create[?type=…]`: step 1 picks the trusted entity type; with a type, the
/// rest of the wizard.
pub fn create_form(page: &Page<'_>, message: Option<String>) -> Response {
    let kind = param(page, "type");
    if !TYPES.iter().any(|(id, _, _)| *id == kind) {
        return type_step(page);
    }
    let mut out = String::from("<h1>Create role</h1>");
    out.push_str(&message.unwrap_or_default());
    let details = details_fields(page, &mut out);
    let csrf = html::csrf_field(&page.session.csrf);
    match kind {
        "custom" => {
            let doc = page.form.get("document").unwrap_or(CUSTOM);
            out.push_str("<h2>Custom trust policy</h2>");
            out.push_str(&editor::editor(
                page,
                &Editor {
                    action: "/console/iam/roles/create",
                    submit: "Create role",
                    document: doc,
                    kind: DocKind::Trust,
                    hidden: &[("type", "custom")],
                    extra: details,
                },
            ));
        }
        "account" => {
            let other = param(page, "account_choice") == "other";
            let _ = write!(
                out,
                "<form method=\"post\" action=\"/console/iam/roles/create\" class=\"stacked\">{csrf}<input type=\"hidden\" name=\"type\" value=\"account\">\
                 <fieldset><legend>An AWS account</legend>\
                 <label class=\"check\"><input type=\"radio\" name=\"account_choice\" value=\"this\"{}> This account ({})</label>\
                 <label class=\"check\"><input type=\"radio\" name=\"account_choice\" value=\"other\"{}> Another AWS account</label>\
                 <label>Account ID<input type=\"text\" name=\"account_id\" id=\"account-id\" value=\"{}\" maxlength=\"12\" inputmode=\"numeric\"></label>\
                 <label class=\"check\"><input type=\"checkbox\" name=\"require_external_id\" value=\"true\"{}> Require external ID (Best practice when a third party will assume this role)</label>\
                 <label>External ID<input type=\"text\" name=\"external_id\" id=\"external-id\" value=\"{}\"></label>\
                 <label class=\"check\"><input type=\"checkbox\" name=\"require_mfa\" value=\"true\"{}> Require MFA</label></fieldset>\
                 {details}<button type=\"submit\" class=\"primary\" id=\"create-role\">Create role</button></form>",
                if other { "" } else { " checked" },
                esc(page.caller.account_id()),
                if other { " checked" } else { "" },
                esc(page.f("account_id")),
                checked(page, "require_external_id"),
                esc(page.f("external_id")),
                checked(page, "require_mfa"),
            );
        }
        _ => {
            let mut options = String::new();
            for s in SERVICES {
                let _ = write!(options, "<option value=\"{s}\">");
            }
            let _ = write!(
                out,
                "<form method=\"post\" action=\"/console/iam/roles/create\" class=\"stacked\">{csrf}<input type=\"hidden\" name=\"type\" value=\"service\">\
                 <fieldset><legend>Use case</legend>\
                 <label>Service or use case<input type=\"text\" name=\"service\" id=\"service\" list=\"services\" value=\"{}\" required placeholder=\"e.g. ec2\"></label>\
                 <datalist id=\"services\">{options}</datalist></fieldset>\
                 {details}<button type=\"submit\" class=\"primary\" id=\"create-role\">Create role</button></form>",
                esc(page.f("service")),
            );
        }
    }
    let _ = write!(out, "<p>{}</p>", link("/console/iam/roles/create", &[], "Back"));
    page.render("roles", "Create role", &out)
}

fn checked(page: &Page<'_>, name: &str) -> &'static str {
    if page.f(name) == "true" {
        " checked"
    } else {
        ""
    }
}

/// Step 1: the trusted entity type.
fn type_step(page: &Page<'_>) -> Response {
    let mut out = String::from(
        "<h1>Create role</h1><form method=\"get\" action=\"/console/iam/roles/create\" class=\"stacked\"><fieldset><legend>Select trusted entity</legend>",
    );
    for (n, (id, label, hint)) in TYPES.iter().enumerate() {
        let _ = write!(
            out,
            "<label class=\"check\"><input type=\"radio\" name=\"type\" value=\"{id}\"{}> {}</label><p class=\"hint\">{}</p>",
            if n == 0 { " checked" } else { "" },
            esc(label),
            esc(hint)
        );
    }
    out.push_str("</fieldset><button type=\"submit\" class=\"primary\" id=\"next\">Next</button></form>");
    page.render("roles", "Create role", &out)
}

/// The name, description, session duration, permissions and tags fields (refilled after a
/// refusal); a failure to list the policies is added to `out`.
fn details_fields(page: &Page<'_>, out: &mut String) -> String {
    let chosen: Vec<&str> = page
        .form
        .iter()
        .filter(|(k, _)| *k == "policy")
        .map(|(_, v)| v)
        .collect();
    let mut boxes = String::new();
    match policies::list_policies(page, "Local") {
        Ok(list) => {
            for p in list {
                let (Some(arn), Some(name)) = (p.arn, p.policy_name) else {
                    continue;
                };
                let _ = write!(
                    boxes,
                    "<label class=\"check\"><input type=\"checkbox\" name=\"policy\" value=\"{}\"{}> {}</label>",
                    esc(&arn),
                    if chosen.contains(&arn.as_str()) { " checked" } else { "" },
                    esc(&name)
                );
            }
        }
        Err(e) => out.push_str(&html::error_box(&e)),
    }
    if boxes.is_empty() {
        boxes.push_str("<p class=\"empty\">No customer managed policies</p>");
    }
    let mut durations = String::new();
    for (secs, label) in DURATIONS {
        let _ = write!(
            durations,
            "<option value=\"{secs}\"{}>{label}</option>",
            if page.f("max_session") == secs.to_string() {
                " selected"
            } else {
                ""
            }
        );
    }
    let mut tags = String::new();
    for n in 1..=3 {
        let _ = write!(
            tags,
            "<div class=\"tag-row\"><input type=\"text\" name=\"tag_key_{n}\" value=\"{}\" placeholder=\"Key\" aria-label=\"Tag key {n}\"><input type=\"text\" name=\"tag_value_{n}\" value=\"{}\" placeholder=\"Value - optional\" aria-label=\"Tag value {n}\"></div>",
            esc(page.f(&format!("tag_key_{n}"))),
            esc(page.f(&format!("tag_value_{n}")))
        );
    }
    format!(
        "<fieldset><legend>Add permissions</legend>{boxes}\
         <label>AWS managed policy name (optional)<input type=\"text\" name=\"aws_policy\" value=\"{}\" placeholder=\"e.g. ReadOnlyAccess\"></label></fieldset>\
         <fieldset><legend>Role details</legend>\
         <label>Role name<input type=\"text\" name=\"role_name\" id=\"role-name\" value=\"{}\" required maxlength=\"64\"></label>\
         <p class=\"hint\">Maximum 64 characters. Use alphanumeric and '+=,.@-_' characters.</p>\
         <label>Description<textarea name=\"description\" id=\"role-description\" rows=\"2\" maxlength=\"1000\">{}</textarea></label>\
         <label>Maximum session duration<select name=\"max_session\" id=\"max-session\">{durations}</select></label></fieldset>\
         <fieldset><legend>Add tags - optional</legend>{tags}</fieldset>",
        esc(page.f("aws_policy")),
        esc(page.f("role_name")),
        esc(page.f("description")),
    )
}

/// `POST /console/iam/roles/create`: CreateRole with the trust policy of the chosen type, then
/// AttachRolePolicy for each chosen policy.
pub fn create(page: &Page<'_>) -> Response {
    let c = &page.caller;
    let trust = match page.f("type") {
        "account" => {
            let account = if page.f("account_choice") == "other" {
                page.f("account_id").trim()
            } else {
                c.account_id()
            };
            let external = if page.f("require_external_id") == "true" {
                page.f("external_id")
            } else {
                ""
            };
            account_trust(c.partition(), account, external, page.f("require_mfa") == "true")
        }
        "service" => service_trust(page.f("service")),
        _ => page.f("document").to_string(),
    };
    let name = page.f("role_name");
    let mut params: Vec<(String, String)> = vec![
        ("RoleName".into(), name.to_string()),
        ("AssumeRolePolicyDocument".into(), trust),
    ];
    if !page.f("description").is_empty() {
        params.push(("Description".into(), page.f("description").to_string()));
    }
    if !page.f("max_session").is_empty() {
        params.push(("MaxSessionDuration".into(), page.f("max_session").to_string()));
    }
    params.extend(page.tag_params());
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Err(e) = c.call(
        Operation::CreateRole,
        &borrowed,
        i::CreateRoleRequest::decode,
        Handlers::create_role,
    ) {
        return create_form(page, Some(html::error_box(&e)));
    }
    let arns = groups::chosen_policies(page);
    let mut errors = String::new();
    for arn in &arns {
        if let Err(e) = c.call(
            Operation::AttachRolePolicy,
            &[("RoleName", name), ("PolicyArn", arn)],
            i::AttachRolePolicyRequest::decode,
            Handlers::attach_role_policy,
        ) {
            errors.push_str(&html::error_box(&e));
        }
    }
    if errors.is_empty() {
        return Response::redirect(&format!("/console/iam/role?name={}", html::enc(name)));
    }
    // The role exists; say so, with what could not be attached.
    page.render(
        "roles",
        name,
        &format!(
            "<h1>{}</h1>{}{errors}<p>{}</p>",
            esc(name),
            html::alert("success", &format!("Role {name} created.")),
            link("/console/iam/role", &[("name", name)], "View role")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{validate, FindingType, PolicyType, ResourceType};

    fn errors(doc: &str) -> usize {
        validate(doc, PolicyType::Resource, Some(ResourceType::RoleTrustPolicy))
            .iter()
            .filter(|f| f.finding_type == FindingType::Error)
            .count()
    }

    #[test]
    fn built_trust_policies_are_valid_trust_policies() {
        let plain = account_trust("aws", "111122223333", "", false);
        assert!(plain.contains("arn:aws:iam::111122223333:root") && !plain.contains("Condition"));
        let strict = account_trust("aws", "111122223333", "ext-1", true);
        assert!(strict.contains("sts:ExternalId") && strict.contains("aws:MultiFactorAuthPresent"));
        let ec2 = service_trust(" ec2 ");
        assert!(ec2.contains("\"ec2.amazonaws.com\""), "{ec2}");
        assert!(service_trust("edgelambda.lambda.amazonaws.com").contains("\"edgelambda.lambda.amazonaws.com\""));
        for doc in [plain, strict, ec2] {
            assert_eq!(errors(&doc), 0, "{doc}");
        }
    }
}
