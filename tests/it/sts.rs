//! STS: GetCallerIdentity and GetAccessKeyInfo.

use crate::common::{code, error_code, Server};

#[tokio::test]
async fn caller_identity_of_root() {
    let s = Server::start().await;
    let me = s.sts().get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some("123456789012"));
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:root"));
    assert_eq!(me.user_id(), Some("123456789012"));
}

#[tokio::test]
async fn caller_identity_of_a_user_with_a_path() {
    let s = Server::start().await;
    let iam = s.iam();
    let u = iam
        .create_user()
        .user_name("dev")
        .path("/team/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let k = iam
        .create_access_key()
        .user_name("dev")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let me = s
        .sts_as(k.access_key_id(), k.secret_access_key(), None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some("123456789012"));
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/team/dev"));
    assert_eq!(me.user_id(), Some(u.user_id()));
}

#[tokio::test]
async fn caller_identity_follows_renames() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("before").await;
    s.iam()
        .update_user()
        .user_name("before")
        .new_user_name("after")
        .send()
        .await
        .unwrap();
    let me = s
        .sts_as(&key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/after"));
}

#[tokio::test]
async fn caller_identity_needs_no_permissions() {
    // A user with no policies at all may still ask who it is.
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("nobody").await;
    let me = s
        .sts_as(&key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/nobody"));
}

#[tokio::test]
async fn access_key_info_names_the_account() {
    let s = Server::start().await;
    let (key, _) = s.user_with_key("u").await;
    let out = s.sts().get_access_key_info().access_key_id(&key).send().await.unwrap();
    assert_eq!(out.account(), Some("123456789012"));
    // Key ids carry their account, so another account's key names that account (AWS's example).
    let out = s
        .sts()
        .get_access_key_info()
        .access_key_id("ASIAY34FZKBOKMUTVV7A")
        .send()
        .await
        .unwrap();
    assert_eq!(out.account(), Some("609629065308"));
}

#[tokio::test]
async fn key_ids_encode_a_custom_account() {
    let config = localiam::config::Config {
        account_id: "000011112222".to_string(),
        ..Default::default()
    };
    let s = Server::start_with(config).await;
    let (key, _) = s.user_with_key("u").await;
    let out = s.sts().get_access_key_info().access_key_id(&key).send().await.unwrap();
    assert_eq!(out.account(), Some("000011112222"));
}

#[tokio::test]
async fn access_key_info_validates_the_id() {
    let s = Server::start().await;
    let err = s
        .sts()
        .get_access_key_info()
        .access_key_id("short")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
}

#[tokio::test]
async fn raw_sts_response_uses_the_sts_namespace() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_signed("sts", "test", "test", "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{body}"
    );
    assert!(body.contains("<GetCallerIdentityResult>"), "{body}");
    assert!(body.contains("<Arn>arn:aws:iam::123456789012:root</Arn>"), "{body}");
    assert!(
        body.contains("<ResponseMetadata><RequestId>") || body.contains("<RequestId>"),
        "{body}"
    );
}

#[tokio::test]
async fn sts_signature_errors_are_sts_errors() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_signed("sts", "test", "wrong", "Action=GetCallerIdentity&Version=2011-06-15")
        .await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "SignatureDoesNotMatch");
    assert!(
        body.contains("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""),
        "{body}"
    );
}
