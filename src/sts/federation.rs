//! AssumeRoleWithWebIdentity and AssumeRoleWithSAML: unsigned calls that trade an identity
//! provider's token for role credentials.
//!
//! Verified offline: the token's shape, issuer (a registered OIDC provider or a well-known one),
//! audience (a registered client id), expiry, and the role's trust policy with the provider's
//! condition keys. Not verified: the JWT signature (it would need the provider's JWKS over the
//! network) and the SAML XML signature (it would need XML-DSig canonicalisation).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rusqlite::Connection;

use crate::api::errors;
use crate::api::sts::*;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::identity::{Principal, Session, SessionSubject};
use crate::policy::{self, AuthzRequest, CallerKind, Decision, PolicyKind, PolicyRef, PolicySet, RequestContext};
use crate::store::{providers, roles};

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
    let session = Session {
        subject: SessionSubject::Role {
            role: role.clone(),
            session_name: session_name.to_string(),
        },
        mfa: false,
        issued: now,
        expires: now + seconds,
        has_session_policies: !docs.is_empty() || !ids.is_empty(),
        policy_documents: docs,
        policy_ids: ids,
        tags: Vec::new(),
        source_identity: None,
        scope_documents: Vec::new(),
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
    ctx.app.store.write(|tx| {
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
        let role = super::role_by_arn(ctx, tx, &input.role_arn)?.ok_or_else(denied)?;
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

/// What a SAML assertion says, as far as AssumeRoleWithSAML needs it.
#[derive(Default)]
struct Assertion {
    issuer: String,
    subject: String,
    subject_type: String,
    audience: String,
    roles: Vec<(String, String)>,
    session_name: Option<String>,
    not_on_or_after: Option<String>,
}

fn parse_assertion(b64: &str) -> ApiResult<Assertion> {
    use quick_xml::events::Event;
    let malformed = || errors::malformed_policy_document("Invalid SAML Response");
    let xml = STANDARD.decode(b64.trim()).map_err(|_| malformed())?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut out = Assertion::default();
    let mut path: Vec<String> = Vec::new();
    let mut attribute: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                    let value = a.unescape_value().map(|v| v.into_owned()).unwrap_or_default();
                    match (name.as_str(), key.as_str()) {
                        ("Attribute", "Name") => attribute = Some(value),
                        ("NameID", "Format") => {
                            out.subject_type = value.rsplit(':').next().unwrap_or_default().to_string()
                        }
                        ("SubjectConfirmationData" | "Conditions", "NotOnOrAfter") => out.not_on_or_after = Some(value),
                        _ => {}
                    }
                }
                path.push(name);
            }
            Ok(Event::End(_)) if path.pop().as_deref() == Some("Attribute") => attribute = None,
            Ok(Event::Text(t)) => {
                let text = t.unescape().map(|v| v.trim().to_string()).unwrap_or_default();
                match path.last().map(String::as_str) {
                    Some("Issuer") if out.issuer.is_empty() => out.issuer = text,
                    Some("NameID") => out.subject = text,
                    Some("Audience") => out.audience = text,
                    Some("AttributeValue") => match attribute.as_deref() {
                        Some("https://aws.amazon.com/SAML/Attributes/Role") => {
                            let mut arns: Vec<&str> = text.split(',').map(str::trim).collect();
                            arns.sort_by_key(|a| a.contains(":saml-provider/"));
                            if let [role, provider] = arns.as_slice() {
                                out.roles.push((role.to_string(), provider.to_string()));
                            }
                        }
                        Some("https://aws.amazon.com/SAML/Attributes/RoleSessionName") => out.session_name = Some(text),
                        _ => {}
                    },
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(malformed()),
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// AssumeRoleWithSAML.
pub fn assume_role_with_saml(ctx: &Ctx, input: AssumeRoleWithSAMLRequest) -> ApiResult<AssumeRoleWithSAMLResponse> {
    let assertion = parse_assertion(&input.saml_assertion)?;
    if let Some(limit) = &assertion.not_on_or_after {
        if limit.as_str() <= ctx.now_iso().as_str() {
            return Err(errors::expired_token("Response is expired"));
        }
    }
    ctx.app.store.write(|tx| {
        let provider_name = input.principal_arn.rsplit('/').next().unwrap_or_default();
        if providers::saml(tx, provider_name)?.is_none() {
            return Err(errors::invalid_identity_token("SAML provider not found"));
        }
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
        let role = super::role_by_arn(ctx, tx, &input.role_arn)?.ok_or_else(denied)?;
        let session_name = assertion
            .session_name
            .clone()
            .unwrap_or_else(|| assertion.subject.clone());
        let mut context = RequestContext::new();
        context.insert("saml:aud", assertion.audience.as_str());
        context.insert("saml:iss", assertion.issuer.as_str());
        context.insert("saml:sub", assertion.subject.as_str());
        context.insert("saml:sub_type", assertion.subject_type.as_str());
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
    ctx.app.store.read(|c| {
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

    #[test]
    fn saml_roles_are_found() {
        let xml = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Issuer>https://idp.example.com</saml:Issuer><saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">jane</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::123456789012:saml-provider/idp,arn:aws:iam::123456789012:role/r</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#;
        let a = parse_assertion(&STANDARD.encode(xml)).unwrap();
        assert_eq!(a.issuer, "https://idp.example.com");
        assert_eq!(a.subject, "jane");
        assert_eq!(a.subject_type, "persistent");
        assert_eq!(
            a.roles,
            vec![(
                "arn:aws:iam::123456789012:role/r".to_string(),
                "arn:aws:iam::123456789012:saml-provider/idp".to_string()
            )]
        );
    }
}
