//! Which elements IAM and STS answers carry, as AWS writes them. The raw XML is checked, since an
//! SDK cannot tell an absent element from an empty one. Sources per test.

use crate::common::Server;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

async fn call(s: &Server, service: &str, params: &[(&str, &str)]) -> String {
    let version = if service == "sts" { "2011-06-15" } else { "2010-05-08" };
    let mut body = format!("Version={version}");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", crate::common::url_encode(v)));
    }
    let (status, xml) = s.raw_signed(service, "test", "test", &body).await;
    assert_eq!(status, 200, "{xml}");
    xml
}

/// AWS-recorded: LocalStack test_iam.snapshot.json `test_create_describe_role` (create_role_result,
/// get_role_result, list_roles_result) and `test_role_with_path_lifecycle`.
#[tokio::test]
async fn role_answers() {
    let s = Server::start().await;
    let created = call(
        &s,
        "iam",
        &[
            ("Action", "CreateRole"),
            ("RoleName", "app"),
            ("AssumeRolePolicyDocument", TRUST),
        ],
    )
    .await;
    assert!(!created.contains("MaxSessionDuration"), "{created}");
    assert!(!created.contains("RoleLastUsed"), "{created}");
    let got = call(&s, "iam", &[("Action", "GetRole"), ("RoleName", "app")]).await;
    assert!(got.contains("<MaxSessionDuration>3600</MaxSessionDuration>"), "{got}");
    assert!(
        got.contains("<RoleLastUsed></RoleLastUsed>") || got.contains("<RoleLastUsed/>"),
        "{got}"
    );
    let listed = call(&s, "iam", &[("Action", "ListRoles")]).await;
    assert!(
        listed.contains("<MaxSessionDuration>3600</MaxSessionDuration>"),
        "{listed}"
    );
    assert!(!listed.contains("RoleLastUsed"), "{listed}");
}

/// AWS-recorded: LocalStack `create_policy_response` (no Description, no Tags); GetPolicy carries
/// Tags always; the Policy shape's documentation keeps Description out of ListPolicies.
#[tokio::test]
async fn policy_answers() {
    let s = Server::start().await;
    let created = call(
        &s,
        "iam",
        &[
            ("Action", "CreatePolicy"),
            ("PolicyName", "p"),
            ("PolicyDocument", DOC),
            ("Description", "about p"),
        ],
    )
    .await;
    assert!(!created.contains("Description"), "{created}");
    assert!(!created.contains("<Tags"), "{created}");
    let arn = "arn:aws:iam::123456789012:policy/p";
    let got = call(&s, "iam", &[("Action", "GetPolicy"), ("PolicyArn", arn)]).await;
    assert!(got.contains("<Description>about p</Description>"), "{got}");
    assert!(got.contains("<Tags></Tags>") || got.contains("<Tags/>"), "{got}");
    let aws = call(
        &s,
        "iam",
        &[
            ("Action", "GetPolicy"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ],
    )
    .await;
    assert!(aws.contains("<Tags></Tags>") || aws.contains("<Tags/>"), "{aws}");
    let listed = call(&s, "iam", &[("Action", "ListPolicies"), ("Scope", "Local")]).await;
    assert!(listed.contains("<PolicyName>p</PolicyName>"), "{listed}");
    assert!(!listed.contains("Description"), "{listed}");
}

/// botocore's ListUsers documentation: it "does not return PermissionsBoundary, Tags"; GetUser does.
/// GetUser for the root user has no UserName and no Path.
#[tokio::test]
async fn user_answers() {
    let s = Server::start().await;
    call(
        &s,
        "iam",
        &[("Action", "CreatePolicy"), ("PolicyName", "b"), ("PolicyDocument", DOC)],
    )
    .await;
    let boundary = "arn:aws:iam::123456789012:policy/b";
    call(
        &s,
        "iam",
        &[
            ("Action", "CreateUser"),
            ("UserName", "u"),
            ("PermissionsBoundary", boundary),
            ("Tags.member.1.Key", "k"),
            ("Tags.member.1.Value", "v"),
        ],
    )
    .await;
    let listed = call(&s, "iam", &[("Action", "ListUsers")]).await;
    assert!(!listed.contains("PermissionsBoundary"), "{listed}");
    assert!(!listed.contains("<Tags"), "{listed}");
    let got = call(&s, "iam", &[("Action", "GetUser"), ("UserName", "u")]).await;
    assert!(got.contains("<PermissionsBoundaryArn>"), "{got}");
    assert!(got.contains("<Tags>"), "{got}");
    let root = call(&s, "iam", &[("Action", "GetUser")]).await;
    assert!(root.contains("<Arn>arn:aws:iam::123456789012:root</Arn>"), "{root}");
    assert!(!root.contains("<UserName"), "{root}");
    assert!(!root.contains("<Path"), "{root}");
}

/// AWS-recorded: LocalStack test_sts.snapshot.json `test_get_federation_token` (PackedPolicySize 0).
#[tokio::test]
async fn federation_token_has_packed_policy_size() {
    let s = Server::start().await;
    let (k, sk) = s
        .user_with_policy("fed", Some(&crate::common::allow("sts:GetFederationToken", "*")))
        .await;
    let (status, xml) = s
        .raw_signed(
            "sts",
            &k,
            &sk,
            "Version=2011-06-15&Action=GetFederationToken&Name=bob&DurationSeconds=900",
        )
        .await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<PackedPolicySize>0</PackedPolicySize>"), "{xml}");
}
