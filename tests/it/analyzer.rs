//! Access Analyzer `ValidatePolicy` over raw signed restJson1 requests (the Access Analyzer SDK
//! is not a dependency): findings, pagination, ValidationException, authentication and
//! authorization errors.

use std::time::SystemTime;

use crate::common::{allow, send, sign_custom, Server};

const PASS_ROLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":["iam:PassRole","iam:PassRole"],"Resource":"*"}]}"#;

async fn call(s: &Server, key: &str, secret: &str, query: &str, body: &str) -> (u16, serde_json::Value) {
    let req = sign_custom(
        &s.url(),
        "POST",
        &format!("/policy/validation{query}"),
        "access-analyzer",
        "us-east-1",
        key,
        secret,
        body.as_bytes(),
        SystemTime::now(),
    );
    let (status, body) = send(s.addr, req).await;
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
}

fn request(doc: &str, policy_type: &str) -> String {
    serde_json::json!({"policyDocument": doc, "policyType": policy_type}).to_string()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["issueCode"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn findings_and_pages() {
    let s = Server::start().await;
    let (status, all) = call(&s, "test", "test", "", &request(PASS_ROLE, "IDENTITY_POLICY")).await;
    assert_eq!(status, 200);
    assert_eq!(
        codes(&all),
        ["EMPTY_SID_VALUE", "REDUNDANT_ACTION", "PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    );
    let f = &all["findings"][2];
    assert_eq!(f["findingType"], "SECURITY_WARNING");
    assert_eq!(
        f["learnMoreLink"],
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"
    );
    assert_eq!(
        f["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Resource"}])
    );
    assert!(all.get("nextToken").is_none());

    let (_, p1) = call(
        &s,
        "test",
        "test",
        "?maxResults=2",
        &request(PASS_ROLE, "IDENTITY_POLICY"),
    )
    .await;
    assert_eq!(codes(&p1).len(), 2);
    let token = p1["nextToken"].as_str().unwrap().to_string();
    let (_, p2) = call(
        &s,
        "test",
        "test",
        &format!("?maxResults=2&nextToken={token}"),
        &request(PASS_ROLE, "IDENTITY_POLICY"),
    )
    .await;
    assert_eq!(codes(&p2), ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]);
    assert!(p2.get("nextToken").is_none());
}

#[tokio::test]
async fn bad_input_is_a_validation_exception() {
    let s = Server::start().await;
    let (status, e) = call(&s, "test", "test", "", &request("{}", "USER_POLICY")).await;
    assert_eq!(status, 400);
    assert_eq!(e["__type"], "ValidationException");
    assert_eq!(e["reason"], "fieldValidationFailed");
    assert_eq!(e["fieldList"][0]["name"], "policyType");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("1 validation error detected: Value 'USER_POLICY' at 'policyType'"));
    let (status, e) = call(&s, "test", "test", "", "{}").await;
    assert_eq!(status, 400);
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("2 validation errors detected"));
    let (status, e) = call(&s, "test", "test", "", "{not json").await;
    assert_eq!((status, e["reason"].as_str()), (400, Some("cannotParse")));
    let with_type = serde_json::json!({"policyDocument": PASS_ROLE, "policyType": "IDENTITY_POLICY",
        "validatePolicyResourceType": "AWS::S3::Bucket"});
    let (status, e) = call(&s, "test", "test", "", &with_type.to_string()).await;
    assert_eq!((status, e["message"].as_str()), (400, Some("InvalidInput")));
    let (status, e) = call(
        &s,
        "test",
        "test",
        "?nextToken=nope",
        &request(PASS_ROLE, "IDENTITY_POLICY"),
    )
    .await;
    assert_eq!((status, e["__type"].as_str()), (400, Some("ValidationException")));
    // A policy document that is not JSON, or nested far too deep, is a finding, not an error.
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let (status, v) = call(&s, "test", "test", "", &request(&deep, "IDENTITY_POLICY")).await;
    assert_eq!((status, codes(&v)), (200, vec!["JSON_SYNTAX_ERROR".to_string()]));
}

#[tokio::test]
async fn authentication_and_authorization() {
    let s = Server::start().await;
    let (status, e) = call(
        &s,
        "AKIANOTAREALKEY00000",
        "x",
        "",
        &request(PASS_ROLE, "IDENTITY_POLICY"),
    )
    .await;
    assert_eq!(
        (status, e["__type"].as_str()),
        (403, Some("UnrecognizedClientException"))
    );
    let (status, e) = call(&s, "test", "wrong", "", &request(PASS_ROLE, "IDENTITY_POLICY")).await;
    assert_eq!((status, e["__type"].as_str()), (403, Some("InvalidSignatureException")));
    let (status, _) = s
        .raw_unsigned(
            "POST",
            "/policy/validation",
            request(PASS_ROLE, "IDENTITY_POLICY").as_bytes(),
        )
        .await;
    assert_eq!(status, 403);

    let (key, secret) = s.user_with_policy("nobody", None).await;
    let (status, e) = call(&s, &key, &secret, "", &request(PASS_ROLE, "IDENTITY_POLICY")).await;
    assert_eq!((status, e["__type"].as_str()), (403, Some("AccessDeniedException")));
    assert_eq!(
        e["message"],
        "User: arn:aws:iam::123456789012:user/nobody is not authorized to perform: access-analyzer:ValidatePolicy \
         on resource: * because no identity-based policy allows the access-analyzer:ValidatePolicy action"
    );
    let (key, secret) = s
        .user_with_policy("checker", Some(&allow("access-analyzer:ValidatePolicy", "*")))
        .await;
    let (status, _) = call(&s, &key, &secret, "", &request(PASS_ROLE, "IDENTITY_POLICY")).await;
    assert_eq!(status, 200);
}
