//! STS operations.

use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::ApiResult;

/// GetCallerIdentity: always allowed, for every kind of principal.
pub fn get_caller_identity(ctx: &Ctx) -> ApiResult<GetCallerIdentityResponse> {
    Ok(GetCallerIdentityResponse {
        user_id: Some(ctx.principal.user_id(ctx.account())),
        account: Some(ctx.account().to_string()),
        arn: Some(ctx.caller_arn()),
    })
}

/// GetAccessKeyInfo: the account that owns a key. Keys issued here belong to this account;
/// AWS answers for any well-formed key id, so unknown ids do too.
pub fn get_access_key_info(
    ctx: &Ctx,
    _input: GetAccessKeyInfoRequest,
) -> ApiResult<GetAccessKeyInfoResponse> {
    ctx.app.store.read(|c| {
        ctx.authorize(c, "*")?;
        Ok(GetAccessKeyInfoResponse {
            account: Some(ctx.account().to_string()),
        })
    })
}
