//! AssumeRoleWithSAML with responses signed by signxml (tests/fixtures/saml/generate.py): the
//! signature is checked against the provider metadata's certificate.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::common::{code, message, Server};

const METADATA: &str = include_str!("../fixtures/saml/metadata.xml");
const OTHER_METADATA: &str = include_str!("../fixtures/saml/other-metadata.xml");
const ASSERTION_SIGNED: &str = include_str!("../fixtures/saml/assertion-signed.xml");
const RESPONSE_SIGNED: &str = include_str!("../fixtures/saml/response-signed.xml");
const EXPIRED: &str = include_str!("../fixtures/saml/expired.xml");
const ROLE: &str = "arn:aws:iam::123456789012:role/saml-role";
const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/idp";

async fn setup(metadata: &str) -> Server {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_saml_provider()
        .name("idp")
        .saml_metadata_document(metadata)
        .send()
        .await
        .unwrap();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:AssumeRoleWithSAML","Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}}]}}"#
    );
    iam.create_role()
        .role_name("saml-role")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    s
}

async fn assume(
    s: &Server,
    xml: &str,
) -> Result<
    aws_sdk_sts::operation::assume_role_with_saml::AssumeRoleWithSamlOutput,
    aws_sdk_sts::error::SdkError<aws_sdk_sts::operation::assume_role_with_saml::AssumeRoleWithSAMLError>,
> {
    s.sts()
        .assume_role_with_saml()
        .role_arn(ROLE)
        .principal_arn(PROVIDER)
        .saml_assertion(STANDARD.encode(xml))
        .send()
        .await
}

#[tokio::test]
async fn signed_assertion_or_response_gets_role_credentials() {
    let s = setup(METADATA).await;
    let out = assume(&s, ASSERTION_SIGNED).await.unwrap();
    assert_eq!(out.subject(), Some("jane@example.com"));
    assert_eq!(out.subject_type(), Some("persistent"));
    assert_eq!(out.issuer(), Some("https://idp.example.com/saml"));
    assert_eq!(out.audience(), Some("https://signin.aws.amazon.com/saml"));
    // BASE64(SHA1("https://idp.example.com/saml" + "123456789012" + "/idp")), as AWS documents it.
    assert_eq!(out.name_qualifier(), Some("tWcUjUgpvl4PD4++oKUwl+9UIVg="));
    let creds = out.credentials.unwrap();
    let me = s
        .sts_as(
            &creds.access_key_id,
            &creds.secret_access_key,
            Some(&creds.session_token),
        )
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::123456789012:assumed-role/saml-role/jane"));

    // Signed on the Response instead; no RoleSessionName attribute, so the NameID names the session.
    let out = assume(&s, RESPONSE_SIGNED).await.unwrap();
    assert_eq!(
        out.assumed_role_user.unwrap().arn,
        "arn:aws:sts::123456789012:assumed-role/saml-role/jane@example.com"
    );
}

#[tokio::test]
async fn tampered_unsigned_and_foreign_responses_are_refused() {
    let s = setup(METADATA).await;
    for (from, to) in [
        ("role/saml-role", "role/saml-role2"),
        ("jane@example.com", "root@example.com"),
    ] {
        let err = assume(&s, &ASSERTION_SIGNED.replacen(from, to, 1)).await.unwrap_err();
        assert_eq!(code(&err), "InvalidIdentityToken");
        assert_eq!(message(&err), "Response signature invalid");
    }
    let start = ASSERTION_SIGNED.find("<ds:Signature").unwrap();
    let end = ASSERTION_SIGNED.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let unsigned = format!("{}{}", &ASSERTION_SIGNED[..start], &ASSERTION_SIGNED[end..]);
    assert_eq!(code(&assume(&s, &unsigned).await.unwrap_err()), "InvalidIdentityToken");

    let other = setup(OTHER_METADATA).await;
    let err = assume(&other, ASSERTION_SIGNED).await.unwrap_err();
    assert_eq!(code(&err), "InvalidIdentityToken");

    // Updating the provider's metadata to the IdP's certificate makes the same response valid.
    let iam = other.iam();
    iam.update_saml_provider()
        .saml_provider_arn(PROVIDER)
        .saml_metadata_document(METADATA)
        .send()
        .await
        .unwrap();
    assume(&other, ASSERTION_SIGNED).await.unwrap();
}

#[tokio::test]
async fn expired_garbage_and_unknown_provider() {
    let s = setup(METADATA).await;
    assert_eq!(code(&assume(&s, EXPIRED).await.unwrap_err()), "ExpiredTokenException");
    assert_eq!(
        code(&assume(&s, "<not-saml/>").await.unwrap_err()),
        "MalformedPolicyDocument"
    );
    let err = s
        .sts()
        .assume_role_with_saml()
        .role_arn(ROLE)
        .principal_arn("arn:aws:iam::123456789012:saml-provider/nope")
        .saml_assertion(STANDARD.encode(ASSERTION_SIGNED))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidIdentityToken");
}
