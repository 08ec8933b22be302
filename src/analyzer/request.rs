//! `ValidatePolicy`'s input (botocore `accessanalyzer` 2019-11-01 `ValidatePolicyRequest`: body
//! members `policyDocument`*, `policyType`*, `locale`, `validatePolicyResourceType`; query
//! `maxResults`, `nextToken`) and its pages.
//!
//! ValidationException wording: "InvalidInput" for a resource type with a policy type other than
//! RESOURCE_POLICY is recorded (awslabs/terraform-iam-policy-validator#23); the other messages
//! use AWS's usual "N validation error(s) detected" sentence and are guesses
//! (docs/aws-messages.md). `reason` takes the model's enum values.

use serde_json::{json, Map, Value as Json};

use super::finding::Finding;
use super::validate::{PolicyType, ResourceType};
use crate::error::{ApiError, ApiResult};
use crate::services::JsonRequest;

/// The model's `Locale` values.
const LOCALES: &[&str] = &["DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"];

/// The decoded request.
pub(super) struct Input {
    pub(super) document: String,
    pub(super) policy_type: PolicyType,
    pub(super) resource_type: Option<ResourceType>,
    pub(super) max_results: Option<usize>,
    pub(super) next_token: Option<String>,
}

/// Access Analyzer's ValidationException with its `reason` and optional `fieldList`.
fn validation(message: impl Into<String>, reason: &str, fields: &[(String, String)]) -> ApiError {
    let mut extra = Map::new();
    extra.insert("reason".into(), reason.into());
    if !fields.is_empty() {
        let list: Vec<Json> = fields.iter().map(|(n, m)| json!({"name": n, "message": m})).collect();
        extra.insert("fieldList".into(), Json::Array(list));
    }
    ApiError::sender("ValidationException", message).with_extra(extra)
}

fn cannot_parse() -> ApiError {
    validation("Invalid request body", "cannotParse", &[])
}

/// One constraint violation: the member and the sentence after "failed to satisfy constraint: ".
struct Violation {
    member: &'static str,
    value: String,
    constraint: String,
}

fn enum_constraint(values: &[&str]) -> String {
    format!("Member must satisfy enum value set: [{}]", values.join(", "))
}

/// Reads the body and query string.
pub(super) fn decode(req: &JsonRequest<'_>) -> ApiResult<Input> {
    let body: Json = if req.body.iter().all(u8::is_ascii_whitespace) {
        Json::Object(Map::new())
    } else {
        serde_json::from_slice(req.body).map_err(|_| cannot_parse())?
    };
    let Json::Object(body) = body else {
        return Err(cannot_parse());
    };
    let string = |name: &str| -> ApiResult<Option<String>> {
        match body.get(name) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(cannot_parse()),
        }
    };
    let document = string("policyDocument")?;
    let policy_type_raw = string("policyType")?;
    let locale = string("locale")?;
    let resource_raw = string("validatePolicyResourceType")?;
    let mut violations = Vec::new();
    let null = |member: &'static str| Violation {
        member,
        value: "null".into(),
        constraint: "Member must not be null".into(),
    };
    if document.is_none() {
        violations.push(null("policyDocument"));
    }
    let type_names: Vec<&str> = PolicyType::ALL.iter().map(|t| t.api_name()).collect();
    let policy_type = match &policy_type_raw {
        None => {
            violations.push(null("policyType"));
            None
        }
        Some(v) => {
            let t = PolicyType::ALL.into_iter().find(|t| t.api_name() == v);
            if t.is_none() {
                violations.push(Violation {
                    member: "policyType",
                    value: format!("'{v}'"),
                    constraint: enum_constraint(&type_names),
                });
            }
            t
        }
    };
    if let Some(l) = locale.as_deref().filter(|l| !LOCALES.contains(l)) {
        violations.push(Violation {
            member: "locale",
            value: format!("'{l}'"),
            constraint: enum_constraint(LOCALES),
        });
    }
    let resource_names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.api_name()).collect();
    let resource_type = match &resource_raw {
        None => None,
        Some(v) => {
            let t = ResourceType::ALL.into_iter().find(|t| t.api_name() == v);
            if t.is_none() {
                violations.push(Violation {
                    member: "validatePolicyResourceType",
                    value: format!("'{v}'"),
                    constraint: enum_constraint(&resource_names),
                });
            }
            t
        }
    };
    let query = crate::wire::form::Form::parse(req.query.as_bytes()).map_err(|_| cannot_parse())?;
    let max_results = match query.get("maxResults") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
            Ok(_) => {
                violations.push(Violation {
                    member: "maxResults",
                    value: format!("'{v}'"),
                    constraint: "Member must have value greater than or equal to 1".into(),
                });
                None
            }
            Err(_) => return Err(cannot_parse()),
        },
    };
    let next_token = query.get("nextToken").map(str::to_string);
    if !violations.is_empty() {
        let n = violations.len();
        let sentences: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "Value {} at '{}' failed to satisfy constraint: {}",
                    v.value, v.member, v.constraint
                )
            })
            .collect();
        let fields: Vec<(String, String)> = violations
            .iter()
            .map(|v| (v.member.to_string(), v.constraint.clone()))
            .collect();
        let noun = if n == 1 { "error" } else { "errors" };
        return Err(validation(
            format!("{n} validation {noun} detected: {}", sentences.join("; ")),
            "fieldValidationFailed",
            &fields,
        ));
    }
    let (Some(document), Some(policy_type)) = (document, policy_type) else {
        return Err(cannot_parse());
    };
    if resource_type.is_some() && policy_type != PolicyType::Resource {
        return Err(validation("InvalidInput", "other", &[]));
    }
    Ok(Input {
        document,
        policy_type,
        resource_type,
        max_results,
        next_token,
    })
}

/// One page of findings.
pub(super) struct Page<'a> {
    pub(super) findings: &'a [Finding],
    pub(super) next_token: Option<String>,
}

/// The token is the index of the next finding, opaque to clients (AWS's tokens are opaque too).
const TOKEN_PREFIX: &str = "findings-after-";

/// The page starting at `next_token`, of at most `max_results` findings (all when absent).
pub(super) fn page<'a>(
    findings: &'a [Finding],
    max_results: Option<usize>,
    next_token: Option<&str>,
) -> ApiResult<Page<'a>> {
    let start = match next_token {
        None => 0,
        Some(t) => t
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= findings.len())
            .ok_or_else(|| validation("Invalid pagination token", "fieldValidationFailed", &[]))?,
    };
    let rest = findings.get(start..).unwrap_or_default();
    let take = max_results.unwrap_or(rest.len()).min(rest.len());
    let end = start + take;
    Ok(Page {
        findings: rest.get(..take).unwrap_or_default(),
        next_token: (end < findings.len()).then(|| format!("{TOKEN_PREFIX}{end}")),
    })
}
