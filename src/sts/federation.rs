//! AssumeRoleWithWebIdentity and AssumeRoleWithSAML: unsigned calls that trade an identity
//! provider's token for role credentials.
//!
//! Verified offline: the token's shape, issuer (a registered OIDC provider or a well-known one),
//! audience (a registered client id), expiry, and the role's trust policy with the provider's
//! condition keys; for SAML also the XML signature against the provider metadata's certificates
//! (`saml.rs`). Not verified: the JWT signature (it would need the provider's JWKS over the
//! network).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rusqlite::Connection;

use crate::api::errors;
use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Principal, Session, SessionSubject};
use crate::policy::{self, AuthzRequest, CallerKind, Decision, PolicyKind, PolicyRef, PolicySet, RequestContext};
use crate::store::{providers, roles};

use super::saml;

/// Providers STS trusts without an IAM OIDC provider resource.
const WELL_KNOWN: &[&str] = &[
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

fn bad_token(why: &str) -> ApiError {
    errors::invalid_identity_token(why.to_string())
}

/// The claims of a JWT's payload (the signature is not checked; see the module docs).
fn jwt_claims(token: &str) -> ApiResult<serde_json::Value> {
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_token(
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
        ));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad_token("The ID Token provided is not a valid JWT."))?;
    serde_json::from_slice(&bytes).map_err(|_| bad_token("The ID Token provided is not a valid JWT."))
}

fn claim_strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Evaluates only the role's trust policy for a federated caller.
fn trust_allows(
    role: &roles::RoleRow,
    provider: &str,
    account: &str,
    action: &str,
    role_arn: &str,
    context: &RequestContext,
) -> bool {
    let Ok(trust) = policy::parse_policy(&role.trust_policy, PolicyKind::Trust) else {
        return false;
    };
    let set = PolicySet {
        resource: vec![PolicyRef {
            id: "trust-policy",
            policy: &trust,
        }],
        ..PolicySet::default()
    };
    let mut req = AuthzRequest::new(provider, account, action, role_arn, context);
    req.caller_kind = CallerKind::Federated;
    policy::authorize(&req, &set).decision == Decision::Allow
}

fn issue_role_session(
    ctx: &Ctx,
    c: &Connection,
    role: &roles::RoleRow,
    session_name: &str,
    duration: Option<i32>,
    inline: Option<&str>,
    arns: Option<&[PolicyDescriptorType]>,
) -> ApiResult<(Credentials, AssumedRoleUser, Option<i32>)> {
    let now = ctx.now.unix_timestamp();
    let seconds = super::duration(duration, 3600, role.max_session, "MaxSessionDuration")?;
    let (docs, ids, packed) = super::session_policies(ctx, c, inline, arns)?;
    let subject = SessionSubject::Role {
        role: role.clone(),
        session_name: session_name.to_string(),
    };
    let session = Session {
        policy_documents: docs,
        policy_ids: ids,
        ..Session::new(subject, now, now + seconds)
    };
    let issued = super::sessions::issue(c, ctx.account(), &session, now)?;
    roles::touch(c, &role.id, &ctx.now_iso(), &ctx.region)?;
    let principal = Principal::Session(Box::new(session));
    let user = AssumedRoleUser {
        assumed_role_id: principal.user_id(ctx.account()),
        arn: principal.arn(ctx.partition, ctx.account()),
    };
    Ok((super::credentials(issued), user, packed))
}

/// The request as served in the account that owns `role_arn` (the caller's when the server does
/// not hold that account: the role is then not found, as AWS answers).
fn role_side(ctx: &Ctx, role_arn: &str) -> Ctx {
    ctx.in_account(super::role_account(ctx, role_arn).unwrap_or_else(|| ctx.account.clone()))
}

/// AssumeRoleWithWebIdentity.
pub fn assume_role_with_web_identity(
    ctx: &Ctx,
    input: AssumeRoleWithWebIdentityRequest,
) -> ApiResult<AssumeRoleWithWebIdentityResponse> {
    let claims = jwt_claims(&input.web_identity_token)?;
    let issuer = claims
        .get("iss")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let host = issuer.trim_start_matches("https://").trim_end_matches('/').to_string();
    let audiences = claims.get("aud").map(claim_strings).unwrap_or_default();
    let subject = claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let now = ctx.now.unix_timestamp();
    if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_i64) {
        if exp <= now {
            return Err(errors::expired_token(format!(
                "Token expired: current date/time {now} must be before the expiration date/time {exp}"
            )));
        }
    }
    // The provider and the role live in the role's account; the call itself is unsigned.
    let ctx = &role_side(ctx, &input.role_arn);
    ctx.store().write(|tx| {
        let (provider, known) = if WELL_KNOWN.contains(&host.as_str()) {
            (host.clone(), true)
        } else {
            (ctx.iam_arn(&format!("oidc-provider/{host}")), false)
        };
        if !known {
            let p = providers::oidc(tx, &host)?
                .ok_or_else(|| bad_token(&format!("No OpenIDConnect provider found in your account for {issuer}")))?;
            if !audiences.iter().any(|a| p.client_ids.contains(a)) {
                return Err(bad_token("Incorrect token audience"));
            }
        }
        let denied = || crate::authz::access_denied("anonymous", "sts:AssumeRoleWithWebIdentity", &input.role_arn, "");
        let role = super::role_by_arn(ctx.account(), tx, &input.role_arn)?.ok_or_else(denied)?;
        let mut context = RequestContext::new();
        context.insert_all(&format!("{host}:aud"), audiences.clone());
        context.insert(&format!("{host}:sub"), subject.as_str());
        if let Some(azp) = claims.get("azp").and_then(|v| v.as_str()) {
            context.insert(&format!("{host}:azp"), azp);
        }
        if let Some(amr) = claims.get("amr") {
            context.insert_all(&format!("{host}:amr"), claim_strings(amr));
        }
        context.insert("sts:RoleSessionName", input.role_session_name.as_str());
        if !trust_allows(
            &role,
            &provider,
            ctx.account(),
            "sts:AssumeRoleWithWebIdentity",
            &input.role_arn,
            &context,
        ) {
            return Err(denied());
        }
        let (credentials, user, packed) = issue_role_session(
            ctx,
            tx,
            &role,
            &input.role_session_name,
            input.duration_seconds,
            input.policy.as_deref(),
            input.policy_arns.as_deref(),
        )?;
        Ok(AssumeRoleWithWebIdentityResponse {
            credentials: Some(credentials),
            subject_from_web_identity_token: Some(subject.clone()),
            assumed_role_user: Some(user),
            packed_policy_size: packed,
            provider: Some(if known { host.clone() } else { provider.clone() }),
            audience: audiences.first().cloned(),
            ..AssumeRoleWithWebIdentityResponse::default()
        })
    })
}

/// AssumeRoleWithSAML.
pub fn assume_role_with_saml(ctx: &Ctx, input: AssumeRoleWithSAMLRequest) -> ApiResult<AssumeRoleWithSAMLResponse> {
    let ctx = &role_side(ctx, &input.role_arn);
    ctx.store().write(|tx| {
        let provider_name = input.principal_arn.rsplit('/').next().unwrap_or_default();
        let provider = providers::saml(tx, provider_name)?
            .ok_or_else(|| errors::invalid_identity_token("SAML provider not found"))?;
        let assertion = saml::read_response(&input.saml_assertion, &saml::signing_keys(&provider.metadata), ctx.now)?;
        if !assertion
            .roles
            .iter()
            .any(|(r, p)| *r == input.role_arn && *p == input.principal_arn)
        {
            return Err(errors::invalid_identity_token(
                "Role and provider in the request are not listed in the assertion's Role attribute",
            ));
        }
        let denied = || crate::authz::access_denied("anonymous", "sts:AssumeRoleWithSAML", &input.role_arn, "");
        let role = super::role_by_arn(ctx.account(), tx, &input.role_arn)?.ok_or_else(denied)?;
        let session_name = assertion
            .session_name
            .clone()
            .unwrap_or_else(|| assertion.subject.clone());
        let mut context = RequestContext::new();
        context.insert("saml:aud", assertion.audience.as_str());
        context.insert("saml:iss", assertion.issuer.as_str());
        context.insert("saml:sub", assertion.subject.as_str());
        context.insert("saml:sub_type", assertion.subject_type.as_str());
        let name_qualifier = saml::name_qualifier(&assertion.issuer, ctx.account(), provider_name);
        context.insert("saml:namequalifier", name_qualifier.as_str());
        if !trust_allows(
            &role,
            &input.principal_arn,
            ctx.account(),
            "sts:AssumeRoleWithSAML",
            &input.role_arn,
            &context,
        ) {
            return Err(denied());
        }
        let (credentials, user, packed) = issue_role_session(
            ctx,
            tx,
            &role,
            &session_name,
            input.duration_seconds,
            input.policy.as_deref(),
            input.policy_arns.as_deref(),
        )?;
        Ok(AssumeRoleWithSAMLResponse {
            credentials: Some(credentials),
            assumed_role_user: Some(user),
            packed_policy_size: packed,
            subject: Some(assertion.subject.clone()),
            subject_type: Some(assertion.subject_type.clone()),
            issuer: Some(assertion.issuer.clone()),
            audience: Some(assertion.audience.clone()),
            name_qualifier: Some(name_qualifier),
            ..AssumeRoleWithSAMLResponse::default()
        })
    })
}

/// DecodeAuthorizationMessage: localiam never encodes authorization messages (AccessDenied text
/// is always plain), so any message is one this account did not issue.
pub fn decode_authorization_message(
    ctx: &Ctx,
    _input: DecodeAuthorizationMessageRequest,
) -> ApiResult<DecodeAuthorizationMessageResponse> {
    ctx.store().read(|c| {
        ctx.authorize(c, "*")?;
        Err(errors::invalid_authorization_message(
            "The encoded authorization message is invalid.",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_payload_is_read() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"iss":"https://token.example.com","aud":["a","b"],"sub":"s"}"#);
        let claims = jwt_claims(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!(claim_strings(&claims["aud"]), vec!["a", "b"]);
        assert!(jwt_claims("not-a-jwt").is_err());
    }
}
