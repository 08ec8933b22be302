//! IAM Access Analyzer's policy validation: `ValidatePolicy` (restJson1, `POST /policy/validation`).
//!
//! `validate` is pure (no store, no request) so the local console can call it directly; this
//! module adds the wire: authorization, request decoding with AWS's ValidationException, and
//! pagination. Findings are in English whatever `locale` asks for (other locales are accepted
//! and answered in English: localiam has no translations).

pub mod checks;
mod condition;
pub mod finding;
mod known;
mod principal;
mod request;
mod statement;
mod validate;

#[cfg(test)]
mod tests;

pub use finding::{Finding, FindingType, Location, PathElement};
pub use validate::{validate, PolicyType, ResourceType};

use crate::context::Ctx;
use crate::error::ApiResult;
use crate::services::JsonRequest;

/// `ValidatePolicy`: the findings for one policy document, a page at a time.
pub fn validate_policy(ctx: &Ctx, req: &JsonRequest<'_>) -> ApiResult<String> {
    ctx.store().read(|c| ctx.authorize(c, "*"))?;
    let input = request::decode(req)?;
    let findings = validate(&input.document, input.policy_type, input.resource_type);
    let page = request::page(&findings, input.max_results, input.next_token.as_deref())?;
    let mut body = serde_json::Map::new();
    body.insert(
        "findings".into(),
        serde_json::Value::Array(page.findings.iter().map(Finding::to_json).collect()),
    );
    if let Some(token) = page.next_token {
        body.insert("nextToken".into(), token.into());
    }
    Ok(serde_json::Value::Object(body).to_string())
}
