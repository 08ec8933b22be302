//! Hands a JSON-protocol request to its service. Apart from the operation list in `mod.rs`, so
//! that `context` (which names `JsonOp`) and the services' handlers (which take a `Ctx`) do not
//! import each other.

use super::{JsonOp, JsonRequest};
use crate::context::Ctx;
use crate::error::ApiResult;

/// Runs the operation for an authenticated caller; the answer is the JSON body.
pub fn dispatch(ctx: &Ctx, op: JsonOp, req: &JsonRequest<'_>) -> ApiResult<String> {
    match op {
        JsonOp::LookupEvents => crate::cloudtrail::lookup_events(ctx, req),
        JsonOp::ValidatePolicy => crate::analyzer::validate_policy(ctx, req),
        JsonOp::Organizations(op) => crate::organizations::dispatch(ctx, op, req.body),
    }
}
