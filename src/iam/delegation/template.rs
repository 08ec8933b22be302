//! The permission side of a delegation request: rendering a policy template with its parameters,
//! reading the rendered policy back (for the summary, boundary ARNs and the permission check).
//!
//! AWS maps `PolicyTemplateArn` to policy content a partner registers during onboarding, in a
//! format it does not publish. Locally the template is any managed policy (customer managed in
//! this account or AWS managed, so it must itself be a valid policy) and parameters fill
//! `{{Name}}` placeholders: a `string` parameter replaces the placeholder text; a string holding a
//! `stringList` placeholder stands for one string per value (`"iam:{{Actions}}"` with
//! `["GetUser","ListUsers"]` gives `["iam:GetUser","iam:ListUsers"]`), spliced into its list or
//! making one.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::errors;
use crate::api::iam::PolicyParameter;
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::policy::{self, Decision, PolicyKind};

/// A stored policy parameter (the `parameters` column holds a JSON list of these).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Param {
    /// Placeholder name.
    pub name: String,
    /// Values.
    pub values: Vec<String>,
    /// `string` or `stringList`.
    #[serde(rename = "Type")]
    pub kind: String,
}

impl Param {
    /// The API shape.
    pub fn to_api(&self) -> PolicyParameter {
        PolicyParameter {
            name: Some(self.name.clone()),
            values: Some(self.values.clone()),
            r#type: Some(self.kind.clone()),
        }
    }
}

/// Checks request parameters: names present and unique, a `string` has exactly one value; an
/// absent type is `string` for one value and `stringList` otherwise.
pub fn params(input: &[PolicyParameter]) -> ApiResult<Vec<Param>> {
    let mut out: Vec<Param> = Vec::new();
    for p in input {
        let name = p
            .name
            .clone()
            .ok_or_else(|| errors::invalid_input("Every policy parameter needs a Name."))?;
        if out.iter().any(|q| q.name == name) {
            return Err(errors::invalid_input(format!(
                "Policy parameter {name} is given more than once."
            )));
        }
        let values = p.values.clone().unwrap_or_default();
        let kind = p
            .r#type
            .clone()
            .unwrap_or_else(|| if values.len() == 1 { "string" } else { "stringList" }.to_string());
        if kind == "string" && values.len() != 1 {
            return Err(errors::invalid_input(format!(
                "Policy parameter {name} of type string takes exactly one value."
            )));
        }
        out.push(Param { name, values, kind });
    }
    Ok(out)
}

/// Fills the template's placeholders; every placeholder needs a parameter and every parameter
/// must be used. The result must be a valid identity policy.
pub fn render(template_arn: &str, template: &str, params: &[Param]) -> ApiResult<String> {
    let mut doc: Value = serde_json::from_str(template)
        .map_err(|_| errors::invalid_input(format!("Policy template {template_arn} is not valid JSON.")))?;
    let by_name: HashMap<&str, &Param> = params.iter().map(|p| (p.name.as_str(), p)).collect();
    let mut used: Vec<&str> = Vec::new();
    doc = fill(doc, &by_name, &mut used)?;
    if let Some(p) = params.iter().find(|p| !used.contains(&p.name.as_str())) {
        return Err(errors::invalid_input(format!(
            "Policy parameter {} is not used by policy template {template_arn}.",
            p.name
        )));
    }
    let text = serde_json::to_string(&doc).map_err(|_| crate::error::ApiError::internal())?;
    policy::parse_policy(&text, PolicyKind::Identity).map_err(|e| {
        errors::invalid_input(format!(
            "The permission policy rendered from {template_arn} is not valid: {}",
            e.message
        ))
    })?;
    Ok(text)
}

/// The name inside the first `{{…}}` of `s` and the byte range of the whole placeholder.
fn placeholder(s: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let start = s.find("{{")?;
    let len = s.get(start + 2..)?.find("}}")?;
    let name = s.get(start + 2..start + 2 + len)?;
    Some((name, start..start + len + 4))
}

/// The first `stringList` placeholder of `s`, if any.
fn list_in<'a>(s: &str, by_name: &HashMap<&'a str, &'a Param>) -> Option<(&'a str, &'a Param)> {
    let mut rest = s;
    while let Some((name, range)) = placeholder(rest) {
        if let Some((key, p)) = by_name.get_key_value(name) {
            if p.kind == "stringList" {
                return Some((key, p));
            }
        }
        rest = rest.get(range.end..).unwrap_or_default();
    }
    None
}

/// A string with a `stringList` placeholder stands for one string per value.
fn expand<'a>(s: &str, by_name: &HashMap<&'a str, &'a Param>, used: &mut Vec<&'a str>) -> ApiResult<Vec<String>> {
    let Some((name, p)) = list_in(s, by_name) else {
        return Ok(vec![fill_text(s, by_name, used)?]);
    };
    used.push(name);
    let mut out = Vec::new();
    for value in &p.values {
        out.extend(expand(&s.replace(&format!("{{{{{name}}}}}"), value), by_name, used)?);
    }
    Ok(out)
}

fn fill_text<'a>(s: &str, by_name: &HashMap<&'a str, &'a Param>, used: &mut Vec<&'a str>) -> ApiResult<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some((name, range)) = placeholder(rest) {
        let Some((key, p)) = by_name.get_key_value(name) else {
            return Err(errors::invalid_input(format!(
                "No value was given for policy parameter {name}."
            )));
        };
        let (Some(value), "string") = (p.values.first(), p.kind.as_str()) else {
            return Err(errors::invalid_input(format!(
                "Policy parameter {name} is a stringList and cannot be used in a policy key."
            )));
        };
        used.push(key);
        out.push_str(rest.get(..range.start).unwrap_or_default());
        out.push_str(value);
        rest = rest.get(range.end..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

fn fill<'a>(v: Value, by_name: &HashMap<&'a str, &'a Param>, used: &mut Vec<&'a str>) -> ApiResult<Value> {
    Ok(match v {
        Value::String(s) if list_in(&s, by_name).is_some() => {
            Value::Array(expand(&s, by_name, used)?.into_iter().map(Value::String).collect())
        }
        Value::String(s) => Value::String(fill_text(&s, by_name, used)?),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.extend(expand(&s, by_name, used)?.into_iter().map(Value::String)),
                    other => out.push(fill(other, by_name, used)?),
                }
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, val) in map {
                out.insert(fill_text(&k, by_name, used)?, fill(val, by_name, used)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

/// One statement of a rendered policy, as the summary and the permission check read it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Grant {
    /// `Allow` or `Deny`.
    pub effect: String,
    /// Actions (or the excluded actions of `NotAction`).
    pub actions: Vec<String>,
    /// True for `NotAction`.
    pub not_action: bool,
    /// Resources (or the excluded ones of `NotResource`).
    pub resources: Vec<String>,
    /// True for `NotResource`.
    pub not_resource: bool,
    /// Whether the statement has a `Condition`.
    pub conditional: bool,
    /// Values of `iam:PermissionsBoundary` conditions (boundaries imposed on roles it creates).
    pub boundaries: Vec<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The statements of a rendered policy.
pub fn grants(policy: &str) -> Vec<Grant> {
    let doc: Value = serde_json::from_str(policy).unwrap_or(Value::Null);
    let statements = match doc.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    statements
        .iter()
        .map(|st| {
            let condition = st.get("Condition").and_then(Value::as_object);
            let boundaries = condition
                .into_iter()
                .flat_map(|ops| ops.values())
                .filter_map(Value::as_object)
                .flat_map(|keys| keys.iter())
                .filter(|(k, _)| k.eq_ignore_ascii_case("iam:PermissionsBoundary"))
                .flat_map(|(_, v)| strings(Some(v)))
                .collect();
            Grant {
                effect: st.get("Effect").and_then(Value::as_str).unwrap_or("Allow").to_string(),
                not_action: st.get("NotAction").is_some(),
                actions: strings(st.get("Action").or_else(|| st.get("NotAction"))),
                not_resource: st.get("NotResource").is_some(),
                resources: strings(st.get("Resource").or_else(|| st.get("NotResource"))),
                conditional: condition.is_some_and(|c| !c.is_empty()),
                boundaries,
            }
        })
        .collect()
}

/// Permissions boundary policies the rendered policy imposes on the roles it lets the partner create.
pub fn boundary_arns(policy: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in grants(policy).into_iter().flat_map(|g| g.boundaries) {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// Action/resource pairs checked at most, so a huge policy cannot make one request slow.
const CHECK_LIMIT: usize = 500;

/// Whether the caller's own permissions cover the request (`ALLOWED`, `DENIED` or `UNSURE`):
/// each allowed action is evaluated on each resource as written, so wildcards are compared as
/// text and conditions (the request's or the caller's) make the answer `UNSURE`.
pub fn permission_check(ctx: &Ctx, c: &Connection, policy: &str) -> ApiResult<&'static str> {
    let mut unsure = false;
    let mut checked = 0usize;
    for g in grants(policy).iter().filter(|g| g.effect == "Allow") {
        if g.not_action || g.not_resource || g.conditional {
            unsure = true;
        }
        if g.not_action || g.not_resource {
            continue;
        }
        for action in &g.actions {
            for resource in &g.resources {
                checked += 1;
                if checked > CHECK_LIMIT {
                    return Ok("UNSURE");
                }
                let allowed = if ctx.app.config.enforce && !ctx.principal.is_root() {
                    let outcome = crate::authz::evaluate(ctx, c, action, resource, &[], &[], false)?;
                    if !outcome.missing_context_keys.is_empty() {
                        unsure = true;
                    }
                    outcome.decision == Decision::Allow
                } else {
                    true
                };
                if !allowed {
                    return Ok(if unsure { "UNSURE" } else { "DENIED" });
                }
            }
        }
    }
    Ok(if unsure { "UNSURE" } else { "ALLOWED" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, values: &[&str], kind: &str) -> Param {
        Param {
            name: name.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
            kind: kind.to_string(),
        }
    }

    const TEMPLATE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:{{ExtraActions}}"],"Resource":"arn:aws:s3:::{{BucketName}}/*"},{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"{{Boundary}}"}}}]}"#;

    #[test]
    fn renders_strings_and_lists() {
        let params = vec![
            p("BucketName", &["my-bucket"], "string"),
            p("ExtraActions", &["PutObject", "ListBucket"], "stringList"),
            p("Boundary", &["arn:aws:iam::123456789012:policy/b"], "string"),
        ];
        let out = render("arn:t", TEMPLATE, &params).expect("render");
        let doc: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(
            doc["Statement"][0]["Action"],
            serde_json::json!(["s3:GetObject", "s3:PutObject", "s3:ListBucket"])
        );
        assert_eq!(doc["Statement"][0]["Resource"], "arn:aws:s3:::my-bucket/*");
        assert_eq!(
            boundary_arns(&out),
            vec!["arn:aws:iam::123456789012:policy/b".to_string()]
        );
        let g = grants(&out);
        assert_eq!(g.len(), 2);
        assert!(g[1].conditional && !g[0].conditional);
    }

    #[test]
    fn missing_extra_and_bad_parameters_are_invalid_input() {
        let err = render("arn:t", TEMPLATE, &[p("BucketName", &["b"], "string")]).unwrap_err();
        assert_eq!(err.code, "InvalidInput");
        assert!(err.message.contains("ExtraActions"), "{}", err.message);
        let all = vec![
            p("BucketName", &["b"], "string"),
            p("ExtraActions", &["PutObject"], "stringList"),
            p("Boundary", &["x"], "string"),
            p("Unused", &["x"], "string"),
        ];
        let err = render("arn:t", TEMPLATE, &all).unwrap_err();
        assert!(err.message.contains("Unused"), "{}", err.message);
        let buckets = vec![
            p("BucketName", &["a", "b"], "stringList"),
            p("ExtraActions", &["PutObject"], "stringList"),
            p("Boundary", &["x"], "string"),
        ];
        let out = render("arn:t", TEMPLATE, &buckets).expect("render");
        let doc: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(
            doc["Statement"][0]["Resource"],
            serde_json::json!(["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"])
        );
        let keyed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/{{Key}}":"v"}}}]}"#;
        let err = render("arn:t", keyed, &[p("Key", &["a", "b"], "stringList")]).unwrap_err();
        assert_eq!(err.code, "InvalidInput");
        let out = render("arn:t", keyed, &[p("Key", &["team"], "string")]).expect("render");
        assert!(out.contains("aws:ResourceTag/team"), "{out}");
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{Action}}"}]}"#;
        let err = render("arn:t", bad, &[p("Action", &["s3:GetObject"], "string")]).unwrap_err();
        assert_eq!(err.code, "InvalidInput");
    }

    #[test]
    fn parameter_rules() {
        let input = vec![PolicyParameter {
            name: Some("Names".to_string()),
            values: Some(vec!["a".to_string(), "b".to_string()]),
            r#type: None,
        }];
        assert_eq!(params(&input).expect("params")[0].kind, "stringList");
        let two = vec![PolicyParameter {
            name: Some("Names".to_string()),
            values: Some(vec!["a".to_string(), "b".to_string()]),
            r#type: Some("string".to_string()),
        }];
        assert_eq!(params(&two).unwrap_err().code, "InvalidInput");
        let dup = vec![input[0].clone(), input[0].clone()];
        assert_eq!(params(&dup).unwrap_err().code, "InvalidInput");
    }
}
