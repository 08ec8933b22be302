//! The JSON-protocol services served beside IAM and STS on the same listener, for the tutorials'
//! last steps: CloudTrail's `LookupEvents` (awsJson1_1, routed by `X-Amz-Target`) and Access
//! Analyzer's `ValidatePolicy` (restJson1, `POST /policy/validation`). Each is one operation, so
//! their shapes are written by hand in `crate::cloudtrail` and `crate::analyzer` instead of
//! generated; authentication, authorization and error rendering are the Query services' own.

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};

/// CloudTrail's `X-Amz-Target` prefix (botocore `cloudtrail/2013-11-01`: `targetPrefix`).
const CLOUDTRAIL_TARGET: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";

/// An operation of a JSON-protocol service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonOp {
    /// CloudTrail: looks up management events of the last 90 days.
    LookupEvents,
    /// IAM Access Analyzer: checks a policy document and returns findings.
    ValidatePolicy,
}

/// How a JSON service frames requests and errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /` with `X-Amz-Target`; `application/x-amz-json-1.1`; every client error is 400.
    AwsJson11,
    /// REST paths; `application/json`; the error's own status and an `x-amzn-ErrorType` header.
    RestJson,
}

impl JsonOp {
    /// Every operation, for the coverage page.
    pub const ALL: &'static [JsonOp] = &[JsonOp::LookupEvents, JsonOp::ValidatePolicy];

    /// The operation's name in its model.
    pub fn name(self) -> &'static str {
        match self {
            JsonOp::LookupEvents => "LookupEvents",
            JsonOp::ValidatePolicy => "ValidatePolicy",
        }
    }

    /// The IAM action that authorizes it.
    pub fn action(self) -> &'static str {
        match self {
            JsonOp::LookupEvents => "cloudtrail:LookupEvents",
            JsonOp::ValidatePolicy => "access-analyzer:ValidatePolicy",
        }
    }

    /// The SigV4 signing name (`signingName` in the model).
    pub fn signing_name(self) -> &'static str {
        match self {
            JsonOp::LookupEvents => "cloudtrail",
            JsonOp::ValidatePolicy => "access-analyzer",
        }
    }

    /// The wire protocol.
    pub fn protocol(self) -> Protocol {
        match self {
            JsonOp::LookupEvents => Protocol::AwsJson11,
            JsonOp::ValidatePolicy => Protocol::RestJson,
        }
    }

    /// The response `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self.protocol() {
            Protocol::AwsJson11 => "application/x-amz-json-1.1",
            Protocol::RestJson => "application/json",
        }
    }
}

/// The parts of a JSON request its handler reads.
pub struct JsonRequest<'a> {
    /// The raw query string (restJson1 puts `maxResults`/`nextToken` there).
    pub query: &'a str,
    /// The body, a JSON document (empty means `{}`).
    pub body: &'a [u8],
}

/// Which JSON operation a request asks for, or `None` when it is not for a JSON service (the
/// Query pipeline then answers it).
pub fn route(method: &str, path: &str, target: Option<&str>) -> Option<Result<JsonOp, ApiError>> {
    if let Some(target) = target {
        let (prefix, op) = target.rsplit_once('.').unwrap_or(("", target));
        return Some(match (prefix, op) {
            (CLOUDTRAIL_TARGET, "LookupEvents") => Ok(JsonOp::LookupEvents),
            (CLOUDTRAIL_TARGET, other) => Err(ApiError::not_implemented(other)),
            _ => Err(ApiError::sender("UnknownOperationException", "")),
        });
    }
    (method == "POST" && path == "/policy/validation").then_some(Ok(JsonOp::ValidatePolicy))
}

/// Runs the operation for an authenticated caller; the answer is the JSON body.
pub fn dispatch(ctx: &Ctx, op: JsonOp, req: &JsonRequest<'_>) -> ApiResult<String> {
    match op {
        JsonOp::LookupEvents => crate::cloudtrail::lookup_events(ctx, req),
        JsonOp::ValidatePolicy => crate::analyzer::validate_policy(ctx, req),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_target_then_by_path() {
        let target = format!("{CLOUDTRAIL_TARGET}.LookupEvents");
        assert_eq!(route("POST", "/", Some(&target)), Some(Ok(JsonOp::LookupEvents)));
        let other = format!("{CLOUDTRAIL_TARGET}.CreateTrail");
        assert!(route("POST", "/", Some(&other)).is_some_and(|r| r.is_err_and(|e| e.is_not_implemented())));
        assert_eq!(
            route("POST", "/policy/validation", None),
            Some(Ok(JsonOp::ValidatePolicy))
        );
        assert_eq!(route("POST", "/", None), None);
    }
}
