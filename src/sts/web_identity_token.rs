//! GetWebIdentityToken: JWTs for the caller, signed with per-account keys (RS256 and ES384), and the
//! issuer's OIDC discovery documents (`/.well-known/openid-configuration`, `/.well-known/jwks.json`)
//! so a local relying party can verify them.
//!
//! The private keys are made on first use (an RSA-2048 key takes a noticeable fraction of a second)
//! and kept in `account_settings` as base64 DER, so they survive restarts of a file-backed store and
//! are made again after an admin reset.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use crate::api::errors;
use crate::api::sts::{GetWebIdentityTokenRequest, GetWebIdentityTokenResponse};
use crate::app::App;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::iam::outbound_federation;
use crate::identity::{Principal, Session, SessionSubject};
use crate::store::{account, format_time};

/// Lifetime when DurationSeconds is absent.
const DEFAULT_DURATION: i64 = 300;

/// Largest claims set (serialized JSON bytes) STS signs; request tags are what can push past it.
const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

/// The namespace AWS nests its own claims under.
const NAMESPACE: &str = "https://sts.amazonaws.com/";

/// A signing algorithm GetWebIdentityToken offers, with its account key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alg {
    Rs256,
    Es384,
}

impl Alg {
    const ALL: [Alg; 2] = [Alg::Rs256, Alg::Es384];

    fn parse(s: &str) -> Option<Alg> {
        match s {
            "RS256" => Some(Alg::Rs256),
            "ES384" => Some(Alg::Es384),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es384 => "ES384",
        }
    }

    /// The key ids AWS's own JWKS uses.
    fn kid(self) -> &'static str {
        match self {
            Alg::Rs256 => "RSA_0",
            Alg::Es384 => "EC384_0",
        }
    }

    fn jwt(self) -> Algorithm {
        match self {
            Alg::Rs256 => Algorithm::RS256,
            Alg::Es384 => Algorithm::ES384,
        }
    }

    fn setting(self) -> &'static str {
        match self {
            Alg::Rs256 => "OutboundWebIdentityFederation/RS256Key",
            Alg::Es384 => "OutboundWebIdentityFederation/ES384Key",
        }
    }

    /// A fresh private key as jsonwebtoken reads it: PKCS#1 DER for RSA, PKCS#8 DER for EC.
    fn generate(self) -> ApiResult<Vec<u8>> {
        let mut rng = rand::rngs::OsRng;
        match self {
            Alg::Rs256 => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(internal)?;
                Ok(key.to_pkcs1_der().map_err(internal)?.as_bytes().to_vec())
            }
            Alg::Es384 => {
                use p384::pkcs8::EncodePrivateKey;
                let key = p384::SecretKey::random(&mut rng);
                Ok(key.to_pkcs8_der().map_err(internal)?.as_bytes().to_vec())
            }
        }
    }

    fn encoding_key(self, der: &[u8]) -> EncodingKey {
        match self {
            Alg::Rs256 => EncodingKey::from_rsa_der(der),
            Alg::Es384 => EncodingKey::from_ec_der(der),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "outbound web identity federation key failure");
    ApiError::internal()
}

fn stored_key(c: &Connection, alg: Alg) -> ApiResult<Option<Vec<u8>>> {
    match account::setting(c, alg.setting())? {
        Some(b64) => Ok(Some(STANDARD.decode(b64).map_err(internal)?)),
        None => Ok(None),
    }
}

/// The account's private key for `alg`, made and stored on first use. It is generated outside the
/// store lock; when two requests race, the first one stored wins and both use it.
fn private_key(store: &crate::store::Store, alg: Alg) -> ApiResult<Vec<u8>> {
    if let Some(der) = store.read(|c| stored_key(c, alg))? {
        return Ok(der);
    }
    let fresh = alg.generate()?;
    store.write(|tx| {
        if let Some(der) = stored_key(tx, alg)? {
            return Ok(der);
        }
        account::set_setting(tx, alg.setting(), &STANDARD.encode(&fresh))?;
        Ok(fresh)
    })
}

/// What the caller's identity contributes to the token.
struct Caller {
    arn: String,
    principal_tags: Vec<(String, String)>,
    session: Option<Session>,
}

fn session_credentials_denied() -> ApiError {
    ApiError::new(
        "AccessDenied",
        403,
        true,
        "Cannot call GetWebIdentityToken with session credentials",
    )
}

/// IAM users, role sessions and the root user may ask; GetSessionToken and federation sessions
/// cannot call STS operations other than AssumeRole/GetCallerIdentity.
fn caller(ctx: &Ctx, c: &Connection) -> ApiResult<Caller> {
    use crate::store::tags::{list, Kind};
    match &ctx.principal {
        Principal::Root => Ok(Caller {
            arn: ctx.caller_arn(),
            principal_tags: Vec::new(),
            session: None,
        }),
        Principal::User(u) => Ok(Caller {
            arn: ctx.caller_arn(),
            principal_tags: list(c, Kind::User, &u.id)?,
            session: None,
        }),
        Principal::Session(s) => match &s.subject {
            SessionSubject::Role { role, .. } => {
                // Session tags override the role's own tags of the same key, as for aws:PrincipalTag.
                let mut tags: Vec<(String, String)> = list(c, Kind::Role, &role.id)?
                    .into_iter()
                    .filter(|(k, _)| !s.tags.iter().any(|(sk, _)| sk.eq_ignore_ascii_case(k)))
                    .collect();
                tags.extend(s.tags.iter().cloned());
                Ok(Caller {
                    arn: ctx.iam_arn(&crate::iam::roles::resource(role)),
                    principal_tags: tags,
                    session: Some(s.as_ref().clone()),
                })
            }
            _ => Err(session_credentials_denied()),
        },
        Principal::Anonymous => Err(session_credentials_denied()),
    }
}

fn tag_object(tags: &[(String, String)]) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The claims set, in the order AWS documents them.
fn claims(
    ctx: &Ctx,
    issuer: &str,
    audience: &[String],
    seconds: i64,
    caller: &Caller,
    request_tags: &[(String, String)],
) -> Value {
    let now = ctx.now.unix_timestamp();
    let aud = match audience {
        [one] => Value::String(one.clone()),
        many => json!(many),
    };
    let mut aws = Map::new();
    aws.insert("aws_account".into(), json!(ctx.account()));
    aws.insert("source_region".into(), json!(ctx.region));
    aws.insert("principal_id".into(), json!(caller.arn));
    if !caller.principal_tags.is_empty() {
        aws.insert("principal_tags".into(), tag_object(&caller.principal_tags));
    }
    if let Some(s) = &caller.session {
        if let Ok(exp) = time::OffsetDateTime::from_unix_timestamp(s.expires) {
            aws.insert("original_session_exp".into(), json!(format_time(exp)));
        }
        if let Some(si) = &s.source_identity {
            aws.insert("source_identity".into(), json!(si));
        }
    }
    if !request_tags.is_empty() {
        aws.insert("request_tags".into(), tag_object(request_tags));
    }
    json!({
        "iss": issuer,
        "aud": aud,
        "sub": caller.arn,
        "iat": now,
        "exp": now + seconds,
        "jti": uuid::Uuid::new_v4().to_string(),
        NAMESPACE: Value::Object(aws),
    })
}

/// Checks the request beyond what the model's constraints catch.
fn validate(input: &GetWebIdentityTokenRequest, tags: &[(String, String)]) -> ApiResult<Alg> {
    let alg = Alg::parse(&input.signing_algorithm).ok_or_else(|| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{}' at 'signingAlgorithm' failed to satisfy constraint: \
             Member must satisfy enum value set: [RS256, ES384]",
            input.signing_algorithm
        ))
    })?;
    // Sessions issued here carry no trusted identity propagation context, so there is never an
    // aws:OriginIdentity/Subject to put in `sub`.
    if input.subject_mode.as_deref() == Some("OriginIdentity") {
        return Err(ApiError::validation(
            "SubjectMode OriginIdentity requires a calling session whose trusted identity propagation context \
             contains the aws:OriginIdentity/Subject key.",
        ));
    }
    if input.scope.is_some() {
        return Err(ApiError::validation(
            "Scope can be specified only when SubjectMode is OriginIdentity and exactly one Audience is requested.",
        ));
    }
    if crate::iam::tags::has_duplicate_keys(tags) {
        return Err(ApiError::sender(
            "InvalidParameterValue",
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    Ok(alg)
}

/// GetWebIdentityToken: a JWT naming the caller, for the audiences asked, signed with the account key.
pub fn get_web_identity_token(ctx: &Ctx, input: GetWebIdentityTokenRequest) -> ApiResult<GetWebIdentityTokenResponse> {
    let request_tags: Vec<(String, String)> = input
        .tags
        .iter()
        .flatten()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    let alg = validate(&input, &request_tags)?;
    let seconds = input.duration_seconds.map(i64::from).unwrap_or(DEFAULT_DURATION);
    let (issuer, caller) = ctx.store().read(|c| {
        let caller = caller(ctx, c)?;
        let mut keys: Vec<(String, Vec<String>)> = vec![
            ("sts:IdentityTokenAudience".into(), input.audience.clone()),
            ("sts:SigningAlgorithm".into(), vec![alg.name().to_string()]),
        ];
        if let Some(d) = input.duration_seconds {
            keys.push(("sts:DurationSeconds".into(), vec![d.to_string()]));
        }
        if let Some(mode) = &input.subject_mode {
            keys.push(("sts:SubjectMode".into(), vec![mode.clone()]));
        }
        ctx.authorize_with(c, "*", &keys)?;
        if !request_tags.is_empty() {
            keys.extend(crate::iam::tags::request_keys(&request_tags));
            crate::authz::check_with(ctx, c, "sts:TagGetWebIdentityToken", "*", &keys)?;
        }
        let state = outbound_federation::state(c)?.filter(|s| s.enabled).ok_or_else(|| {
            errors::outbound_web_identity_federation_disabled(
                "Outbound web identity federation is disabled for this account.",
            )
        })?;
        Ok((state.issuer, caller))
    })?;
    let expires = ctx.now.unix_timestamp() + seconds;
    if caller.session.as_ref().is_some_and(|s| expires > s.expires) {
        return Err(errors::session_duration_escalation(
            "The requested DurationSeconds would extend the token beyond the expiration of the calling session.",
        ));
    }
    let claims = claims(ctx, &issuer, &input.audience, seconds, &caller, &request_tags);
    if claims.to_string().len() > MAX_PAYLOAD_BYTES {
        return Err(errors::jwt_payload_size_exceeded(
            "The requested token payload size exceeds the maximum allowed size. \
             Reduce the number of request tags included in the GetWebIdentityToken call.",
        ));
    }
    let der = private_key(ctx.store(), alg)?;
    let mut header = Header::new(alg.jwt());
    header.kid = Some(alg.kid().to_string());
    let token = jsonwebtoken::encode(&header, &claims, &alg.encoding_key(&der)).map_err(internal)?;
    Ok(GetWebIdentityTokenResponse {
        web_identity_token: Some(token),
        expiration: time::OffsetDateTime::from_unix_timestamp(expires).ok().map(format_time),
    })
}

/// The public half of every account key, as a JWKS document.
fn jwks(store: &crate::store::Store) -> ApiResult<String> {
    let mut keys = Vec::new();
    for alg in Alg::ALL {
        let der = private_key(store, alg)?;
        let mut jwk = Jwk::from_encoding_key(&alg.encoding_key(&der), alg.jwt()).map_err(internal)?;
        jwk.common.key_id = Some(alg.kid().to_string());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        keys.push(jwk);
    }
    serde_json::to_string(&JwkSet { keys }).map_err(internal)
}

/// The OIDC discovery document. `jwks_uri` points back at this server (through `host`) so a local
/// relying party can fetch the keys; the issuer stays the AWS-shaped URL the tokens carry.
fn openid_configuration(issuer: &str, host: &str) -> String {
    json!({
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "jti", NAMESPACE],
        "id_token_signing_alg_values_supported": Alg::ALL.map(Alg::name),
        "issuer": issuer,
        "jwks_uri": format!("http://{host}/.well-known/jwks.json"),
        "subject_types_supported": ["public"],
    })
    .to_string()
}

/// Answers `GET /.well-known/…` with (status, JSON body); `None` for any other path. Until the
/// feature is first enabled there is no issuer and both documents are 404. After a disable they are
/// still served: AWS keeps tokens issued before the disable verifiable.
pub fn well_known(app: &App, path: &str, host: Option<&str>) -> Option<(u16, String)> {
    let wanted = matches!(path, "/.well-known/openid-configuration" | "/.well-known/jwks.json");
    if !wanted {
        return None;
    }
    let not_found = || (404, json!({"message": "Not Found"}).to_string());
    let state = match app.store().read(outbound_federation::state) {
        Ok(Some(s)) => s,
        Ok(None) => return Some(not_found()),
        Err(_) => return Some((500, json!({"message": "Internal Failure"}).to_string())),
    };
    let body = if path.ends_with("jwks.json") {
        jwks(app.store())
    } else {
        Ok(openid_configuration(&state.issuer, host.unwrap_or("localhost")))
    };
    Some(match body {
        Ok(b) => (200, b),
        Err(_) => (500, json!({"message": "Internal Failure"}).to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_sign_and_verify_through_their_jwk() {
        for alg in Alg::ALL {
            let der = alg.generate().unwrap_or_default();
            let key = alg.encoding_key(&der);
            let mut header = Header::new(alg.jwt());
            header.kid = Some(alg.kid().to_string());
            let token = jsonwebtoken::encode(&header, &json!({"sub": "x", "exp": 4_000_000_000u64}), &key);
            let token = token.unwrap_or_default();
            let jwk = Jwk::from_encoding_key(&key, alg.jwt());
            let decoding = jwk.and_then(|j| jsonwebtoken::DecodingKey::from_jwk(&j));
            let mut validation = jsonwebtoken::Validation::new(alg.jwt());
            validation.validate_aud = false;
            let verified = decoding.and_then(|d| jsonwebtoken::decode::<Value>(&token, &d, &validation));
            assert_eq!(
                verified.map(|t| t.claims["sub"].clone()).ok(),
                Some(json!("x")),
                "{alg:?}"
            );
        }
    }

    #[test]
    fn only_the_two_documented_algorithms_parse() {
        assert_eq!(Alg::parse("RS256"), Some(Alg::Rs256));
        assert_eq!(Alg::parse("ES384"), Some(Alg::Es384));
        assert_eq!(Alg::parse("HS256"), None);
        assert_eq!(Alg::parse("rs256"), None);
    }
}
