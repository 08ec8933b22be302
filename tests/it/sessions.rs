//! STS temporary credentials: AssumeRole with trust policies, session policies, expiry,
//! GetSessionToken and GetFederationToken.

use crate::common::{allow, code, xml_field, Server};

const ACCOUNT: &str = "123456789012";

fn trust_for(user: &str, external_id: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/{user}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"{external_id}"}}}}}}]}}"#
    )
}

async fn deploy_role(s: &Server) -> String {
    let iam = s.iam();
    let role = iam
        .create_role()
        .role_name("deploy")
        .assume_role_policy_document(trust_for("ci", "xyz"))
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    iam.attach_role_policy()
        .role_name("deploy")
        .policy_arn("arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        .send()
        .await
        .unwrap();
    role.arn
}

#[tokio::test]
async fn trusted_user_assumes_role_and_gets_its_permissions() {
    let s = Server::start().await;
    let arn = deploy_role(&s).await;
    let (k, sk) = s.user_with_key("ci").await;
    let sts = s.sts_as(&k, &sk, None);
    let out = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name("build-1")
        .external_id("xyz")
        .send()
        .await
        .unwrap();
    let creds = out.credentials.unwrap();
    assert!(creds.access_key_id.starts_with("ASIA"));
    let who = out.assumed_role_user.unwrap();
    assert_eq!(who.arn, format!("arn:aws:sts::{ACCOUNT}:assumed-role/deploy/build-1"));
    assert!(who.assumed_role_id.starts_with("AROA") && who.assumed_role_id.ends_with(":build-1"));

    let token = Some(creds.session_token.as_str());
    let me = s
        .sts_as(&creds.access_key_id, &creds.secret_access_key, token)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(who.arn.as_str()));
    let session_iam = s.iam_as_session(&creds.access_key_id, &creds.secret_access_key, &creds.session_token);
    session_iam.list_users().send().await.unwrap();
    let err = session_iam.create_user().user_name("nope").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    // Without the token the temporary key is unknown.
    let err = s
        .sts_as(&creds.access_key_id, &creds.secret_access_key, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
}

#[tokio::test]
async fn wrong_external_id_other_user_root_and_missing_role_are_refused() {
    let s = Server::start().await;
    let arn = deploy_role(&s).await;
    let (k, sk) = s.user_with_key("ci").await;
    let err = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("xx")
        .external_id("bad")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let (k2, sk2) = s.user_with_key("intruder").await;
    let err = s
        .sts_as(&k2, &sk2, None)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("xx")
        .external_id("xyz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let missing = format!("arn:aws:iam::{ACCOUNT}:role/does-not-exist");
    let err = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(&missing)
        .role_session_name("xx")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = s
        .sts()
        .assume_role()
        .role_arn(&arn)
        .role_session_name("xx")
        .external_id("xyz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn session_policy_narrows_and_duration_is_bounded() {
    let s = Server::start().await;
    let arn = deploy_role(&s).await;
    let (k, sk) = s.user_with_key("ci").await;
    let sts = s.sts_as(&k, &sk, None);
    let out = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name("narrow")
        .external_id("xyz")
        .policy(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap();
    #[allow(deprecated)]
    let packed = out.packed_policy_size.unwrap_or(0);
    assert!(packed > 0);
    let c = out.credentials.unwrap();
    let iam = s.iam_as_session(&c.access_key_id, &c.secret_access_key, &c.session_token);
    iam.get_user().user_name("ci").send().await.unwrap();
    let err = iam.list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    let err = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name("long")
        .external_id("xyz")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
}

#[tokio::test]
async fn temporary_credentials_expire() {
    let (s, app) = Server::start_app().await;
    let (k, sk) = s.user_with_key("alice").await;
    let out = s
        .sts_as(&k, &sk, None)
        .get_session_token()
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let c = out.credentials.unwrap();
    let sts = s.sts_as(&c.access_key_id, &c.secret_access_key, Some(&c.session_token));
    let me = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(format!("arn:aws:iam::{ACCOUNT}:user/alice").as_str()));
    app.advance_clock(901);
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(code(&err), "ExpiredToken");
}

#[tokio::test]
async fn session_credentials_cannot_get_another_session_token() {
    let s = Server::start().await;
    let (k, sk) = s.user_with_key("alice").await;
    let c = s
        .sts_as(&k, &sk, None)
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let err = s
        .sts_as(&c.access_key_id, &c.secret_access_key, Some(&c.session_token))
        .get_session_token()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn federation_token_intersects_user_and_session_policy() {
    let s = Server::start().await;
    let iam = s.iam();
    let (k, sk) = s.user_with_key("broker").await;
    iam.put_user_policy()
        .user_name("broker")
        .policy_name("fed")
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap();
    let out = s
        .sts_as(&k, &sk, None)
        .get_federation_token()
        .name("visitor")
        .policy(allow("s3:GetObject", "*"))
        .send()
        .await
        .unwrap();
    let fed = out.federated_user.unwrap();
    assert_eq!(fed.arn, format!("arn:aws:sts::{ACCOUNT}:federated-user/visitor"));
    assert_eq!(fed.federated_user_id, format!("{ACCOUNT}:visitor"));
    let c = out.credentials.unwrap();
    let me = s
        .sts_as(&c.access_key_id, &c.secret_access_key, Some(&c.session_token))
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(fed.arn.as_str()));
}

/// AWS lets the root user call GetFederationToken (API reference: "we don't recommend it"): the
/// session has the session policy's permissions, at most an hour, and cannot call IAM.
#[tokio::test]
async fn root_federation_token_is_narrowed_by_its_session_policy() {
    let s = Server::start().await;
    let out = s
        .sts()
        .get_federation_token()
        .name("rootfed")
        .duration_seconds(3600)
        .policy(allow("sts:GetCallerIdentity", "*"))
        .send()
        .await
        .unwrap();
    let fed = out.federated_user.unwrap();
    assert_eq!(fed.arn, format!("arn:aws:sts::{ACCOUNT}:federated-user/rootfed"));
    let c = out.credentials.unwrap();
    let sts = s.sts_as(&c.access_key_id, &c.secret_access_key, Some(&c.session_token));
    let me = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(fed.arn.as_str()));
    let iam = s.iam_as_session(&c.access_key_id, &c.secret_access_key, &c.session_token);
    let err = iam.list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    let err = s
        .sts()
        .get_federation_token()
        .name("rootfed")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
}

/// The TOTP code of a Base32 seed at `steps` 30-second steps from now.
fn totp_code(seed_b32: &str, steps: i64) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(seed_b32.to_string()).to_bytes().unwrap();
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp.generate(((now / 30 + steps) * 30) as u64)
}

#[tokio::test]
async fn mfa_condition_allows_only_the_mfa_session() {
    let s = Server::start().await;
    let iam = s.iam();
    let (k, sk) = s.user_with_key("alice").await;
    let mfa_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("mfa")
        .policy_document(mfa_only)
        .send()
        .await
        .unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice")
        .send()
        .await
        .unwrap();
    let device = device.virtual_mfa_device.unwrap();
    let seed = String::from_utf8(device.base32_string_seed().unwrap().as_ref().to_vec()).unwrap();
    let serial = device.serial_number().to_string();
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1(totp_code(&seed, -1))
        .authentication_code2(totp_code(&seed, 0))
        .send()
        .await
        .unwrap();

    // Long-term keys carry no MFA: denied.
    let err = s.iam_as(&k, &sk).list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    // A wrong code is refused.
    let sts = s.sts_as(&k, &sk, None);
    let err = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code("000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    // A session without MFA cannot call IAM at all; the MFA session can, and the condition holds.
    let plain = sts.get_session_token().send().await.unwrap().credentials.unwrap();
    let err = s
        .iam_as_session(&plain.access_key_id, &plain.secret_access_key, &plain.session_token)
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    let with_mfa = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(totp_code(&seed, 1))
        .send()
        .await
        .unwrap();
    let c = with_mfa.credentials.unwrap();
    s.iam_as_session(&c.access_key_id, &c.secret_access_key, &c.session_token)
        .list_users()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn identity_policy_alone_cannot_assume_a_role_that_does_not_trust_the_caller() {
    let s = Server::start().await;
    let arn = deploy_role(&s).await;
    let (k, sk) = s.user_with_key("other").await;
    s.iam()
        .put_user_policy()
        .user_name("other")
        .policy_name("any-role")
        .policy_document(allow("sts:AssumeRole", "*"))
        .send()
        .await
        .unwrap();
    let err = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("xx")
        .external_id("xyz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

/// GetScopedCredentials over raw HTTP (the Rust SDK predates it); returns (status, body).
async fn scoped(s: &Server, key: &str, secret: &str, token: Option<&str>, params: &str) -> (u16, String) {
    let body = format!("Action=GetScopedCredentials&Version=2011-06-15{params}");
    let req = crate::common::sign_request(&s.url(), "sts", key, secret, body.as_bytes(), token);
    crate::common::send(s.addr, req).await
}

#[tokio::test]
async fn scoped_credentials_narrow_a_role_session() {
    let s = Server::start().await;
    let arn = deploy_role(&s).await;
    let (k, sk) = s.user_with_key("ci").await;
    let (status, body) = scoped(&s, &k, &sk, None, "&DurationSeconds=60").await;
    assert_eq!(
        (status, crate::common::error_code(&body)),
        (400, "InvalidSubjectCredentials")
    );
    let c = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(&arn)
        .role_session_name("wide")
        .external_id("xyz")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let policy = crate::common::url_encode(&allow("iam:GetUser", "*"));
    let (status, body) = scoped(
        &s,
        &c.access_key_id,
        &c.secret_access_key,
        Some(&c.session_token),
        &format!("&Policy={policy}"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(xml_field(&body, "ScopedPoliciesCount"), "1");
    assert_eq!(
        xml_field(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/deploy/wide")
    );
    let iam = s.iam_as_session(
        xml_field(&body, "AccessKeyId"),
        xml_field(&body, "SecretAccessKey"),
        xml_field(&body, "SessionToken"),
    );
    iam.get_user().user_name("ci").send().await.unwrap();
    let err = iam.list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let (status, body) = scoped(
        &s,
        &c.access_key_id,
        &c.secret_access_key,
        Some(&c.session_token),
        "&DurationSeconds=129600",
    )
    .await;
    assert_eq!(
        (status, crate::common::error_code(&body)),
        (400, "InsufficientSessionLifetime")
    );
}
