//! The policy JSON editor: create a customer managed policy (optionally starting from an AWS
//! managed policy's default version) or a new version of one, with the findings of Access
//! Analyzer's policy validation (`analyzer::validate`, the code behind ValidatePolicy) shown in
//! four tabs and refreshed as you type by `assets/console.js`. Errors disable saving. A role's
//! trust policy is edited in the same editor, validated as Access Analyzer validates one
//! (`RESOURCE_POLICY` with the resource type `AWS::IAM::AssumeRolePolicyDocument`).

use std::fmt::Write as _;

use crate::analyzer::{self, FindingType, PolicyType, ResourceType};
use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::handlers::Handlers;

use super::html::{self, esc};
use super::policies::policy_and_document;
use super::{Page, Response};

/// A new policy's starting document.
const EMPTY: &str = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"Statement1\",\n            \"Effect\": \"Allow\",\n            \"Action\": [],\n            \"Resource\": []\n        }\n    ]\n}";

/// The tabs in the console's order: (id, label, finding type).
const GROUPS: &[(&str, &str, FindingType)] = &[
    ("security", "Security", FindingType::SecurityWarning),
    ("errors", "Errors", FindingType::Error),
    ("warnings", "Warnings", FindingType::Warning),
    ("suggestions", "Suggestions", FindingType::Suggestion),
];

/// What the editor holds, which decides how it is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A permissions (identity-based) policy.
    Identity,
    /// A role's trust policy.
    Trust,
}

impl DocKind {
    /// The live validation endpoint for this kind (the script posts the document there).
    fn validate_url(self) -> &'static str {
        match self {
            DocKind::Identity => "/console/iam/validate",
            DocKind::Trust => "/console/iam/validate?type=trust",
        }
    }
}

/// The findings panel for `document`, and whether it has errors.
pub fn findings_panel(document: &str, kind: DocKind) -> (String, bool) {
    let findings = match kind {
        DocKind::Identity => analyzer::validate(document, PolicyType::Identity, None),
        DocKind::Trust => analyzer::validate(document, PolicyType::Resource, Some(ResourceType::RoleTrustPolicy)),
    };
    let mut tabs = String::from("<div class=\"finding-tabs\" role=\"tablist\">");
    let mut panels = String::new();
    for (n, (id, label, kind)) in GROUPS.iter().enumerate() {
        let mine: Vec<_> = findings.iter().filter(|f| f.finding_type == *kind).collect();
        let _ = write!(
            tabs,
            "<button type=\"button\" role=\"tab\" data-tab=\"{id}\" id=\"tab-{id}\"{}>{} ({})</button>",
            if n == 0 { " class=\"current\"" } else { "" },
            esc(label),
            mine.len()
        );
        let _ = write!(
            panels,
            "<div class=\"finding-panel\" data-panel=\"{id}\"{}>",
            if n == 0 { "" } else { " hidden" }
        );
        if mine.is_empty() {
            let _ = write!(
                panels,
                "<p class=\"empty\">No {} findings.</p>",
                esc(&label.to_ascii_lowercase())
            );
        }
        for f in mine {
            let place = f
                .locations
                .first()
                .map(|l| format!("Ln {}, Col {}", l.span.start.line, l.span.start.column))
                .unwrap_or_default();
            let _ = write!(
                panels,
                "<div class=\"finding {id}\"><span class=\"where\">{}</span> <strong>{}</strong>: {} <a href=\"{}\" rel=\"noreferrer\" target=\"_blank\">Learn more</a></div>",
                esc(&place),
                esc(f.issue_code),
                esc(&f.details),
                esc(&f.learn_more_link())
            );
        }
        panels.push_str("</div>");
    }
    tabs.push_str("</div>");
    let errors = findings.iter().any(|f| f.finding_type == FindingType::Error);
    (format!("{tabs}{panels}"), errors)
}

/// `POST /console/iam/validate[?type=trust]` (the script's live validation):
/// `{"errors":bool,"html":"…"}`.
pub fn validate(page: &Page<'_>) -> Response {
    let kind = if page.q("type") == "trust" {
        DocKind::Trust
    } else {
        DocKind::Identity
    };
    let (panel, errors) = findings_panel(page.f("document"), kind);
    Response {
        content_type: "application/json",
        ..Response::html(200, serde_json::json!({ "errors": errors, "html": panel }).to_string())
    }
}

/// The editor form.
pub struct Editor<'a> {
    /// Where the form posts.
    pub action: &'a str,
    /// The submit button's label.
    pub submit: &'a str,
    /// The document shown.
    pub document: &'a str,
    /// How the document is validated.
    pub kind: DocKind,
    /// Hidden fields (name, value).
    pub hidden: &'a [(&'a str, &'a str)],
    /// More fields, after the findings (ready HTML).
    pub extra: String,
}

/// The editor form's HTML, with the findings of `e.document` already shown.
pub fn editor(page: &Page<'_>, e: &Editor<'_>) -> String {
    let (panel, errors) = findings_panel(e.document, e.kind);
    let mut hidden = String::new();
    for (k, v) in e.hidden {
        let _ = write!(
            hidden,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(k),
            esc(v)
        );
    }
    format!(
        "<form method=\"post\" action=\"{}\" class=\"stacked editor\">{}{hidden}\
         <label for=\"policy-document\">Policy editor (JSON)</label>\
         <textarea name=\"document\" id=\"policy-document\" rows=\"24\" spellcheck=\"false\" data-validate=\"{}\">{}</textarea>\
         <div id=\"findings\" class=\"findings\" aria-live=\"polite\">{panel}</div>{}\
         <button type=\"submit\" class=\"primary\" id=\"save-policy\"{}>{}</button></form>",
        esc(e.action),
        html::csrf_field(&page.session.csrf),
        esc(e.kind.validate_url()),
        esc(e.document),
        e.extra,
        if errors { " disabled" } else { "" },
        esc(e.submit)
    )
}

/// `/console/iam/policies/create[?from=AWS-MANAGED-NAME]`.
pub fn create_form(page: &Page<'_>, message: Option<String>) -> Response {
    let mut out = String::from("<h1>Create policy</h1>");
    out.push_str(&message.unwrap_or_default());
    let from = page.q("from").trim();
    let mut document = page.form.get("document").map(str::to_string);
    if document.is_none() && !from.is_empty() {
        let arn = format!("arn:{}:iam::aws:policy/{from}", page.caller.partition());
        match policy_and_document(page, &arn) {
            Ok((_, doc)) => document = Some(doc),
            Err(e) => out.push_str(&html::error_box(&e)),
        }
    }
    let document = document.unwrap_or_else(|| EMPTY.to_string());
    let _ = write!(
        out,
        "<form method=\"get\" action=\"/console/iam/policies/create\" class=\"row\"><label>Start from an AWS managed policy<input type=\"text\" name=\"from\" id=\"start-from\" value=\"{}\" placeholder=\"e.g. PowerUserAccess\"></label><button type=\"submit\" id=\"import-policy\">Import</button></form>",
        esc(from)
    );
    let extra = format!(
        "<fieldset><legend>Policy details</legend><label>Policy name<input type=\"text\" name=\"name\" id=\"policy-name\" value=\"{}\" required maxlength=\"128\"></label>\
         <label>Description - optional<textarea name=\"description\" id=\"policy-description\" rows=\"2\" maxlength=\"1000\">{}</textarea></label></fieldset>",
        esc(page.f("name")),
        esc(page.f("description"))
    );
    out.push_str(&editor(
        page,
        &Editor {
            action: "/console/iam/policies/create",
            submit: "Create policy",
            document: &document,
            kind: DocKind::Identity,
            hidden: &[],
            extra,
        },
    ));
    page.render("policies", "Create policy", &out)
}

/// `POST /console/iam/policies/create`: CreatePolicy.
pub fn create(page: &Page<'_>) -> Response {
    let mut params = vec![("PolicyName", page.f("name")), ("PolicyDocument", page.f("document"))];
    if !page.f("description").is_empty() {
        params.push(("Description", page.f("description")));
    }
    match page.caller.call(
        Operation::CreatePolicy,
        &params,
        i::CreatePolicyRequest::decode,
        Handlers::create_policy,
    ) {
        Ok(r) => {
            let arn = r.policy.and_then(|p| p.arn).unwrap_or_default();
            Response::redirect(&format!("/console/iam/policy?arn={}", html::enc(&arn)))
        }
        Err(e) => create_form(page, Some(html::error_box(&e))),
    }
}

/// `/console/iam/policy/edit?arn=ARN`: a new version of a customer managed policy.
pub fn edit_form(page: &Page<'_>, message: Option<String>) -> Response {
    let arn = if page.q("arn").is_empty() {
        page.f("arn")
    } else {
        page.q("arn")
    };
    let (policy, current) = match policy_and_document(page, arn) {
        Ok(x) => x,
        Err(e) => {
            return page.render(
                "policies",
                "Modify policy",
                &format!("<h1>Modify policy</h1>{}", html::error_box(&e)),
            )
        }
    };
    let name = policy.policy_name.unwrap_or_default();
    let document = page.form.get("document").map_or(current, str::to_string);
    let mut out = format!("<h1>Modify permissions in {}</h1>", esc(&name));
    out.push_str(&message.unwrap_or_default());
    let extra = "<label class=\"check\"><input type=\"checkbox\" name=\"set_default\" id=\"set-default\" value=\"true\" checked> Set this new version as the default.</label>".to_string();
    out.push_str(&editor(
        page,
        &Editor {
            action: "/console/iam/policy/edit",
            submit: "Save changes",
            document: &document,
            kind: DocKind::Identity,
            hidden: &[("arn", arn)],
            extra,
        },
    ));
    page.render("policies", &name, &out)
}

/// `POST /console/iam/policy/edit`: CreatePolicyVersion.
pub fn edit(page: &Page<'_>) -> Response {
    let arn = page.f("arn");
    let set_default = if page.f("set_default") == "true" {
        "true"
    } else {
        "false"
    };
    match page.caller.call(
        Operation::CreatePolicyVersion,
        &[
            ("PolicyArn", arn),
            ("PolicyDocument", page.f("document")),
            ("SetAsDefault", set_default),
        ],
        i::CreatePolicyVersionRequest::decode,
        Handlers::create_policy_version,
    ) {
        Ok(_) => Response::redirect(&format!("/console/iam/policy?arn={}&tab=versions", html::enc(arn))),
        Err(e) => edit_form(page, Some(html::error_box(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_grouped_and_escaped() {
        let (panel, errors) = findings_panel("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"<script>:x\",\"Resource\":\"*\"}]}", DocKind::Identity);
        assert!(errors, "{panel}");
        assert!(!panel.contains("<script>"), "{panel}");
        assert!(panel.contains("Errors ("));
        let (panel, errors) = findings_panel(EMPTY, DocKind::Identity);
        assert!(panel.contains("Security (0)"), "{panel}");
        let _ = errors;
        let (_, errors) = findings_panel("{", DocKind::Identity);
        assert!(errors);
    }
}
