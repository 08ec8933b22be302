//! Outbound web identity federation: the account-wide switch and issuer URL behind STS
//! GetWebIdentityToken. The state lives in `account_settings`; the issuer is made on the first
//! enable and kept across disable/enable, so relying parties keep trusting the same issuer.

use rusqlite::Connection;

use crate::api::errors;
use crate::api::iam::{EnableOutboundWebIdentityFederationResponse, GetOutboundWebIdentityFederationInfoResponse};
use crate::context::Ctx;
use crate::error::ApiResult;
use crate::store::account;

const ISSUER: &str = "OutboundWebIdentityFederation/IssuerIdentifier";
const ENABLED: &str = "OutboundWebIdentityFederation/Enabled";

/// The feature's state once it has been enabled at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// `https://UUID.tokens.sts.global.api.aws`.
    pub issuer: String,
    /// Whether GetWebIdentityToken may vend tokens now.
    pub enabled: bool,
}

/// The state, or `None` when the feature was never enabled.
pub fn state(c: &Connection) -> ApiResult<Option<State>> {
    let Some(issuer) = account::setting(c, ISSUER)? else {
        return Ok(None);
    };
    let enabled = account::setting(c, ENABLED)?.as_deref() == Some("true");
    Ok(Some(State { issuer, enabled }))
}

/// AWS's per-account issuer shape.
fn new_issuer() -> String {
    format!("https://{}.tokens.sts.global.api.aws", uuid::Uuid::new_v4())
}

/// EnableOutboundWebIdentityFederation: turns vending on; the issuer is generated the first time.
pub fn enable_outbound_web_identity_federation(ctx: &Ctx) -> ApiResult<EnableOutboundWebIdentityFederationResponse> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        let issuer = match state(tx)? {
            Some(s) if s.enabled => {
                return Err(errors::feature_enabled(
                    "Outbound web identity federation is already enabled for this account.",
                ))
            }
            Some(s) => s.issuer,
            None => {
                let issuer = new_issuer();
                account::set_setting(tx, ISSUER, &issuer)?;
                issuer
            }
        };
        account::set_setting(tx, ENABLED, "true")?;
        Ok(EnableOutboundWebIdentityFederationResponse {
            issuer_identifier: Some(issuer),
        })
    })
}

/// DisableOutboundWebIdentityFederation: stops vending; tokens already issued stay valid.
pub fn disable_outbound_web_identity_federation(ctx: &Ctx) -> ApiResult<()> {
    ctx.store().write(|tx| {
        ctx.authorize(tx, "*")?;
        if !state(tx)?.is_some_and(|s| s.enabled) {
            return Err(errors::feature_disabled(
                "Outbound web identity federation is already disabled for this account.",
            ));
        }
        account::set_setting(tx, ENABLED, "false")?;
        Ok(())
    })
}

/// GetOutboundWebIdentityFederationInfo: the issuer and switch; `FeatureDisabled` until the first
/// enable, `JwtVendingEnabled=false` after a disable.
pub fn get_outbound_web_identity_federation_info(ctx: &Ctx) -> ApiResult<GetOutboundWebIdentityFederationInfoResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        let s = state(c)?.ok_or_else(|| {
            errors::feature_disabled("Outbound web identity federation is not enabled for this account.")
        })?;
        Ok(GetOutboundWebIdentityFederationInfoResponse {
            issuer_identifier: Some(s.issuer),
            jwt_vending_enabled: Some(s.enabled),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_has_aws_shape() {
        let issuer = new_issuer();
        let host = issuer.strip_prefix("https://").unwrap_or_default();
        let (id, domain) = host.split_once('.').unwrap_or_default();
        assert_eq!(domain, "tokens.sts.global.api.aws");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{issuer}");
        assert_ne!(issuer, new_issuer());
    }
}
