//! GetDelegatedAccessToken: exchanges the trade-in token of a finalized IAM delegation request for
//! temporary credentials that act as the principal who accepted the request, limited to the
//! request's permission policy (see `iam::delegation`).

use crate::api::errors;
use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::iam::delegation::{self, Acceptor};
use crate::identity::Principal;
use crate::store::delegation::{self as store, effective_state};

use super::sessions;

fn expired() -> ApiError {
    errors::expired_trade_in_token(
        "The trade-in token provided in the request has expired and can no longer be exchanged for credentials.",
    )
}

/// GetDelegatedAccessToken: each token buys one set of credentials, valid until the end of the
/// delegation period that SendDelegationToken started.
pub fn get_delegated_access_token(
    ctx: &Ctx,
    input: GetDelegatedAccessTokenRequest,
) -> ApiResult<GetDelegatedAccessTokenResponse> {
    let now = ctx.now.unix_timestamp();
    ctx.store().write(|tx| {
        let row = store::by_token(tx, &input.trade_in_token)?;
        let resource = match &row {
            Some(r) => ctx.iam_arn(&delegation::resource(&r.id)),
            None => "*".to_string(),
        };
        ctx.authorize(tx, &resource)?;
        let Some(mut row) = row else {
            return Err(ApiError::sender(
                "InvalidParameterValue",
                "The trade-in token is not valid.",
            ));
        };
        if row.session_key.is_some() {
            return Err(errors::expired_trade_in_token(
                "The trade-in token has already been exchanged for credentials.",
            ));
        }
        let expires = row.token_expires.unwrap_or(now);
        if now >= expires || effective_state(&row, now) != "FINALIZED" {
            return Err(expired());
        }
        let acceptor = Acceptor::parse(row.acceptor.as_deref()).ok_or_else(ApiError::internal)?;
        let session = acceptor
            .session(tx, now, expires, &row.permission_policy)?
            .ok_or_else(|| {
                ApiError::new(
                    "AccessDenied",
                    403,
                    true,
                    format!(
                        "The principal {} that accepted the delegation request no longer exists.",
                        acceptor.arn
                    ),
                )
            })?;
        let issued = sessions::issue(tx, ctx.account(), &session, now)?;
        row.session_key = Some(issued.access_key_id.clone());
        store::save(tx, &row)?;
        let principal = Principal::Session(Box::new(session));
        Ok(GetDelegatedAccessTokenResponse {
            credentials: Some(super::credentials(issued)),
            // Deprecated, and documented as not populated for this operation.
            packed_policy_size: None,
            assumed_principal: Some(principal.arn(ctx.partition, ctx.account())),
        })
    })
}
