//! Outbound web identity federation: the IAM switch, STS GetWebIdentityToken over raw signed
//! requests, and verifying the JWTs against the JWKS the server publishes.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::common::{allow, allow_actions, code, error_code, send, sign_request, url_encode, xml_field, Server};

const ACCOUNT: &str = "123456789012";

/// GetWebIdentityToken signed with the given (possibly temporary) credentials.
async fn get_token(s: &Server, key: &str, secret: &str, token: Option<&str>, params: &str) -> (u16, String) {
    let body = format!("Action=GetWebIdentityToken&Version=2011-06-15{params}");
    send(
        s.addr,
        sign_request(&s.url(), "sts", key, secret, body.as_bytes(), token),
    )
    .await
}

fn message(xml: &str) -> String {
    xml_field(xml, "Message")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Enables the feature as root; returns the issuer.
async fn enable(s: &Server) -> String {
    let out = s.iam().enable_outbound_web_identity_federation().send().await.unwrap();
    out.issuer_identifier.unwrap()
}

/// Fetches the discovery document and the JWKS it points at, as a relying party would.
async fn discover(s: &Server) -> (Value, JwkSet) {
    let (status, body) = s.raw_unsigned("GET", "/.well-known/openid-configuration", b"").await;
    assert_eq!(status, 200, "{body}");
    let config: Value = serde_json::from_str(&body).unwrap();
    let jwks_uri = config["jwks_uri"].as_str().unwrap();
    let path = jwks_uri
        .strip_prefix(&s.url())
        .unwrap_or_else(|| panic!("jwks_uri {jwks_uri}"));
    let (status, body) = s.raw_unsigned("GET", path, b"").await;
    assert_eq!(status, 200, "{body}");
    (config, serde_json::from_str(&body).unwrap())
}

/// Verifies `token` with the key its `kid` names; returns the claims.
fn verify(token: &str, jwks: &JwkSet, alg: Algorithm, issuer: &str, audience: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, alg);
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("kid is in the JWKS");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation).unwrap().claims
}

#[tokio::test]
async fn enable_disable_and_info_lifecycle() {
    let s = Server::start().await;
    let iam = s.iam();

    // Never enabled: no info, nothing to disable, no discovery documents.
    let err = iam
        .get_outbound_web_identity_federation_info()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "FeatureDisabled");
    assert_eq!(crate::common::status(&err), 404);
    let err = iam.disable_outbound_web_identity_federation().send().await.unwrap_err();
    assert_eq!(code(&err), "FeatureDisabled");
    let (status, _) = s.raw_unsigned("GET", "/.well-known/openid-configuration", b"").await;
    assert_eq!(status, 404);
    let (status, _) = s.raw_unsigned("GET", "/.well-known/jwks.json", b"").await;
    assert_eq!(status, 404);

    let issuer = enable(&s).await;
    let host = issuer.strip_prefix("https://").unwrap();
    let (id, domain) = host.split_once('.').unwrap();
    assert_eq!(domain, "tokens.sts.global.api.aws");
    assert_eq!(id.len(), 36, "{issuer}");

    let err = iam.enable_outbound_web_identity_federation().send().await.unwrap_err();
    assert_eq!(code(&err), "FeatureEnabled");
    assert_eq!(crate::common::status(&err), 409);
    let info = iam.get_outbound_web_identity_federation_info().send().await.unwrap();
    assert_eq!(info.issuer_identifier(), Some(issuer.as_str()));
    assert!(info.jwt_vending_enabled());

    iam.disable_outbound_web_identity_federation().send().await.unwrap();
    let err = iam.disable_outbound_web_identity_federation().send().await.unwrap_err();
    assert_eq!(code(&err), "FeatureDisabled");
    let info = iam.get_outbound_web_identity_federation_info().send().await.unwrap();
    assert_eq!(info.issuer_identifier(), Some(issuer.as_str()));
    assert!(!info.jwt_vending_enabled());

    // The issuer is the account's for good: relying parties keep trusting it after a re-enable.
    assert_eq!(enable(&s).await, issuer);

    // The switch is an IAM action like any other.
    let (k, sk) = s.user_with_key("nobody").await;
    let err = s
        .iam_as(&k, &sk)
        .get_outbound_web_identity_federation_info()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = s
        .iam_as(&k, &sk)
        .disable_outbound_web_identity_federation()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn user_tokens_verify_against_the_published_jwks() {
    let s = Server::start().await;
    let issuer = enable(&s).await;
    let policy = allow_actions(&["sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken"], "*");
    let (k, sk) = s.user_with_policy("app", Some(&policy)).await;
    s.iam()
        .tag_user()
        .user_name("app")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("data")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/app");

    let (config, jwks) = discover(&s).await;
    assert_eq!(config["issuer"], Value::String(issuer.clone()));
    assert_eq!(
        config["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256", "ES384"])
    );
    assert_eq!(jwks.keys.len(), 2);

    for (alg, name, kid) in [
        (Algorithm::RS256, "RS256", "RSA_0"),
        (Algorithm::ES384, "ES384", "EC384_0"),
    ] {
        let params = format!(
            "&Audience.member.1={}&SigningAlgorithm={name}&DurationSeconds=900\
             &Tags.member.1.Key=job&Tags.member.1.Value=nightly",
            url_encode("https://api.example.com")
        );
        let (status, body) = get_token(&s, &k, &sk, None, &params).await;
        assert_eq!(status, 200, "{body}");
        let token = xml_field(&body, "WebIdentityToken");
        assert_eq!(jsonwebtoken::decode_header(token).unwrap().kid.as_deref(), Some(kid));
        let claims = verify(token, &jwks, alg, &issuer, "https://api.example.com");
        assert_eq!(claims["iss"], Value::String(issuer.clone()));
        assert_eq!(claims["aud"], "https://api.example.com");
        assert_eq!(claims["sub"], Value::String(user_arn.clone()));
        let (iat, exp) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
        assert_eq!(exp - iat, 900);
        assert!(uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).is_ok());
        let aws = &claims["https://sts.amazonaws.com/"];
        assert_eq!(aws["aws_account"], ACCOUNT);
        assert_eq!(aws["source_region"], "us-east-1");
        assert_eq!(aws["principal_id"], Value::String(user_arn.clone()));
        assert_eq!(aws["principal_tags"], serde_json::json!({"team": "data"}));
        assert_eq!(aws["request_tags"], serde_json::json!({"job": "nightly"}));
        assert!(aws.get("org_id").is_none());
        let expiration = xml_field(&body, "Expiration");
        let parsed = time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339).unwrap();
        assert_eq!(parsed.unix_timestamp(), exp);
    }

    // Several audiences become an array; the default lifetime is five minutes; the SDK reads the reply.
    let out = s
        .sts_as(&k, &sk, None)
        .get_web_identity_token()
        .audience("a")
        .audience("b")
        .signing_algorithm("ES384")
        .send()
        .await
        .unwrap();
    let token = out.web_identity_token().unwrap();
    let claims = verify(token, &jwks, Algorithm::ES384, &issuer, "b");
    assert_eq!(claims["aud"], serde_json::json!(["a", "b"]));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 300);
    assert!(claims["https://sts.amazonaws.com/"].get("request_tags").is_none());

    // Keys are the account's: a second fetch serves the same ones, and they outlive a disable so
    // tokens issued before it stay verifiable.
    s.iam().disable_outbound_web_identity_federation().send().await.unwrap();
    let (_, again) = discover(&s).await;
    assert_eq!(again, jwks);
}

#[tokio::test]
async fn refusals_and_validation() {
    let s = Server::start().await;
    let (k, sk) = s
        .user_with_policy("app", Some(&allow("sts:GetWebIdentityToken", "*")))
        .await;
    let ok = "&Audience.member.1=aud&SigningAlgorithm=RS256";

    // Off until enabled.
    let (status, body) = get_token(&s, &k, &sk, None, ok).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "OutboundWebIdentityFederationDisabledException"),
        "{body}"
    );
    enable(&s).await;

    // Without the permission.
    let (k2, sk2) = s.user_with_key("other").await;
    let (status, body) = get_token(&s, &k2, &sk2, None, ok).await;
    assert_eq!((status, error_code(&body)), (403, "AccessDenied"), "{body}");
    assert!(message(&body).contains("sts:GetWebIdentityToken"), "{body}");

    // Tags need sts:TagGetWebIdentityToken too.
    let tagged = format!("{ok}&Tags.member.1.Key=k&Tags.member.1.Value=v");
    let (status, body) = get_token(&s, &k, &sk, None, &tagged).await;
    assert_eq!((status, error_code(&body)), (403, "AccessDenied"), "{body}");
    assert!(message(&body).contains("sts:TagGetWebIdentityToken"), "{body}");

    for (params, needle) in [
        (
            "&Audience.member.1=aud&SigningAlgorithm=HS256".to_string(),
            "Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]",
        ),
        (format!("{ok}&DurationSeconds=59"), "durationSeconds"),
        (format!("{ok}&DurationSeconds=3601"), "durationSeconds"),
        ("&SigningAlgorithm=RS256".to_string(), "audience"),
        (
            format!("{}&SigningAlgorithm=RS256", (1..=11).map(|i| format!("&Audience.member.{i}=a{i}")).collect::<String>()),
            "audience",
        ),
        (format!("{ok}&SubjectMode=OriginIdentity"), "OriginIdentity"),
        (format!("{ok}&Scope=read"), "Scope"),
    ] {
        let (status, body) = get_token(&s, &k, &sk, None, &params).await;
        assert_eq!((status, error_code(&body)), (400, "ValidationError"), "{params}: {body}");
        assert!(message(&body).contains(needle), "{params}: {body}");
    }

    // Condition keys: the policy can pin the algorithm and the lifetime.
    let pinned = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{"StringEquals":{"sts:SigningAlgorithm":"ES384"},"NumericLessThanEquals":{"sts:DurationSeconds":"300"},"ForAllValues:StringEquals":{"sts:IdentityTokenAudience":["aud"]}}}]}"#;
    let (k3, sk3) = s.user_with_policy("pinned", Some(pinned)).await;
    let es = "&Audience.member.1=aud&SigningAlgorithm=ES384&DurationSeconds=300";
    assert_eq!(get_token(&s, &k3, &sk3, None, es).await.0, 200);
    for params in [
        "&Audience.member.1=aud&SigningAlgorithm=RS256&DurationSeconds=300",
        "&Audience.member.1=aud&SigningAlgorithm=ES384&DurationSeconds=600",
        "&Audience.member.1=aud&Audience.member.2=other&SigningAlgorithm=ES384&DurationSeconds=300",
    ] {
        let (status, body) = get_token(&s, &k3, &sk3, None, params).await;
        assert_eq!((status, error_code(&body)), (403, "AccessDenied"), "{params}: {body}");
    }

    // Request tags are what can push the claims past the size STS signs.
    let policy = allow_actions(&["sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken"], "*");
    let (k4, sk4) = s.user_with_policy("tagger", Some(&policy)).await;
    let tags: String = (1..=50)
        .map(|i| {
            format!(
                "&Tags.member.{i}.Key={i:03}{}&Tags.member.{i}.Value={}",
                "k".repeat(125),
                "v".repeat(256)
            )
        })
        .collect();
    let (status, body) = get_token(&s, &k4, &sk4, None, &format!("{ok}{tags}")).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "JWTPayloadSizeExceededException"),
        "{body}"
    );

    // Disabled again: the exception comes back.
    s.iam().disable_outbound_web_identity_federation().send().await.unwrap();
    let (status, body) = get_token(&s, &k, &sk, None, ok).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "OutboundWebIdentityFederationDisabledException"),
        "{body}"
    );
}

#[tokio::test]
async fn role_sessions_get_tokens_for_the_role() {
    let s = Server::start().await;
    let issuer = enable(&s).await;
    let iam = s.iam();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/ci"}},"Action":["sts:AssumeRole","sts:TagSession"]}}]}}"#
    );
    let role_arn = iam
        .create_role()
        .role_name("worker")
        .path("/svc/")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    iam.put_role_policy()
        .role_name("worker")
        .policy_name("p")
        .policy_document(allow("sts:GetWebIdentityToken", "*"))
        .send()
        .await
        .unwrap();
    let (k, sk) = s.user_with_policy("ci", Some(&allow("sts:AssumeRole", "*"))).await;
    let out = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("run-7")
        .duration_seconds(900)
        .tags(
            aws_sdk_sts::types::Tag::builder()
                .key("stage")
                .value("prod")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let c = out.credentials.unwrap();
    let token = Some(c.session_token.as_str());

    let (status, body) = get_token(
        &s,
        &c.access_key_id,
        &c.secret_access_key,
        token,
        "&Audience.member.1=x&SigningAlgorithm=RS256",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, jwks) = discover(&s).await;
    let claims = verify(
        xml_field(&body, "WebIdentityToken"),
        &jwks,
        Algorithm::RS256,
        &issuer,
        "x",
    );
    // AWS puts the role's ARN (not the assumed-role session ARN) in sub and principal_id.
    assert_eq!(claims["sub"], Value::String(role_arn.clone()));
    assert_eq!(role_arn, format!("arn:aws:iam::{ACCOUNT}:role/svc/worker"));
    let aws = &claims["https://sts.amazonaws.com/"];
    assert_eq!(aws["principal_id"], Value::String(role_arn.clone()));
    assert_eq!(aws["principal_tags"], serde_json::json!({"stage": "prod"}));
    let session_exp = time::OffsetDateTime::parse(
        aws["original_session_exp"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(session_exp.unix_timestamp(), c.expiration.secs());

    // A token may not outlive the session that asked for it.
    let (status, body) = get_token(
        &s,
        &c.access_key_id,
        &c.secret_access_key,
        token,
        "&Audience.member.1=x&SigningAlgorithm=RS256&DurationSeconds=3600",
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "SessionDurationEscalationException"),
        "{body}"
    );

    // GetSessionToken credentials cannot call it.
    let st = s
        .sts_as(&k, &sk, None)
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let (status, body) = get_token(
        &s,
        &st.access_key_id,
        &st.secret_access_key,
        Some(&st.session_token),
        "&Audience.member.1=x&SigningAlgorithm=RS256",
    )
    .await;
    assert_eq!((status, error_code(&body)), (403, "AccessDenied"), "{body}");
}
