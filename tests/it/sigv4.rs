//! SigV4 authentication on raw requests.

use std::time::{Duration, SystemTime};

use localiam::config::{AuthMode, Config};

use crate::common::{error_code, send, sign_custom, sign_request, Server};

const LIST: &str = "Action=ListUsers&Version=2010-05-08";

fn sign_at(s: &Server, key: &str, secret: &str, body: &str, when: SystemTime) -> http::Request<Vec<u8>> {
    sign_custom(
        &s.url(),
        "POST",
        "/",
        "iam",
        "us-east-1",
        key,
        secret,
        body.as_bytes(),
        when,
    )
}

fn message(body: &str) -> &str {
    crate::common::xml_field(body, "Message")
}

#[tokio::test]
async fn correct_signature_is_accepted() {
    let s = Server::start().await;
    let (st, body) = s.raw_signed("iam", "test", "test", LIST).await;
    assert_eq!(st, 200, "{body}");
    let (key, secret) = s.user_with_key("u").await;
    let (st, body) = s
        .raw_signed("sts", &key, &secret, "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let s = Server::start().await;
    let (st, body) = s.raw_signed("iam", "test", "not-the-secret", LIST).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
    let (key, _) = s.user_with_key("u").await;
    let (st, body) = s
        .raw_signed("iam", &key, "0000000000000000000000000000000000000000", LIST)
        .await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn unknown_key_is_invalid_client_token_id() {
    let s = Server::start().await;
    let (st, body) = s.raw_signed("iam", "AKIAIOSFODNN7EXAMPLE", "secret", LIST).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "InvalidClientTokenId");
}

#[tokio::test]
async fn body_altered_after_signing_is_rejected() {
    let s = Server::start().await;
    let mut req = sign_request(&s.url(), "iam", "test", "test", LIST.as_bytes(), None);
    *req.body_mut() = b"Action=ListGroups&Version=2010-05-08".to_vec();
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn header_altered_after_signing_is_rejected() {
    let s = Server::start().await;
    let mut req = sign_request(&s.url(), "iam", "test", "test", LIST.as_bytes(), None);
    req.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn old_signature_is_expired() {
    let s = Server::start().await;
    let req = sign_at(
        &s,
        "test",
        "test",
        LIST,
        SystemTime::now() - Duration::from_secs(20 * 60),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
    assert!(message(&body).starts_with("Signature expired"), "{body}");
    // Within the five-minute window is fine.
    let req = sign_at(
        &s,
        "test",
        "test",
        LIST,
        SystemTime::now() - Duration::from_secs(3 * 60),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test]
async fn future_signature_is_not_yet_current() {
    let s = Server::start().await;
    let req = sign_at(
        &s,
        "test",
        "test",
        LIST,
        SystemTime::now() + Duration::from_secs(20 * 60),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
    assert!(message(&body).starts_with("Signature not yet current"), "{body}");
}

#[tokio::test]
async fn malformed_authorization_header_is_incomplete_signature() {
    let s = Server::start().await;
    let now = time::OffsetDateTime::now_utc();
    let date = format!("{:04}{:02}{:02}", now.year(), u8::from(now.month()), now.day());
    let amz_date = format!("{date}T{:02}{:02}{:02}Z", now.hour(), now.minute(), now.second());
    let headers = [
        format!("AWS4-HMAC-SHA256 Credential=test/{date}/us-east-1/iam/aws4_request"),
        format!("AWS4-HMAC-SHA256 Credential=test/{date}/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date"),
        "AWS4-HMAC-SHA256 garbage".to_string(),
    ];
    for auth in headers {
        let req = http::Request::builder()
            .method("POST")
            .uri(format!("{}/", s.url()))
            .header("host", s.addr.to_string())
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .header("x-amz-date", &amz_date)
            .header("authorization", &auth)
            .body(LIST.as_bytes().to_vec())
            .unwrap();
        let (st, body) = send(s.addr, req).await;
        assert_eq!(st, 400, "{auth}: {body}");
        assert_eq!(error_code(&body), "IncompleteSignature", "{auth}");
    }
}

#[tokio::test]
async fn deleted_key_is_invalid_client_token_id() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("u").await;
    let (st, _) = s
        .raw_signed("sts", &key, &secret, "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 200);
    s.iam()
        .delete_access_key()
        .user_name("u")
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let (st, body) = s
        .raw_signed("sts", &key, &secret, "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "InvalidClientTokenId");
}

#[tokio::test]
async fn auth_off_treats_unsigned_requests_as_root() {
    let s = Server::start_with(Config {
        auth: AuthMode::Off,
        ..Config::default()
    })
    .await;
    let (st, body) = s
        .raw_unsigned("POST", "/", b"Action=CreateUser&Version=2010-05-08&UserName=anon")
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = s.raw_unsigned("POST", "/", LIST.as_bytes()).await;
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("<UserName>anon</UserName>"), "{body}");
    let (st, body) = s
        .raw_unsigned("POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("arn:aws:iam::123456789012:root"), "{body}");
    // Bad signatures are not checked either.
    let (st, body) = s.raw_signed("iam", "whoever", "whatever", LIST).await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test]
async fn credential_scope_picks_the_service() {
    let s = Server::start().await;
    // An IAM action signed for STS.
    let (st, body) = s.raw_signed("sts", "test", "test", LIST).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "InvalidAction");
    // An STS action signed for IAM.
    let (st, body) = s
        .raw_signed("iam", "test", "test", "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "InvalidAction");
}

#[tokio::test]
async fn get_requests_are_signed_over_the_query_string() {
    let s = Server::start().await;
    let get = || {
        sign_custom(
            &s.url(),
            "GET",
            "/?Action=ListUsers&Version=2010-05-08",
            "iam",
            "us-east-1",
            "test",
            "test",
            b"",
            SystemTime::now(),
        )
    };
    let (st, body) = send(s.addr, get()).await;
    assert_eq!(st, 200, "{body}");
    let mut req = get();
    // Changing the query after signing breaks the signature.
    *req.uri_mut() = format!("{}/?Action=ListGroups&Version=2010-05-08", s.url())
        .parse()
        .unwrap();
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
}
