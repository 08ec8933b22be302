//! Access keys: shape, quota, status, deletion, last used.

use aws_sdk_iam::types::StatusType;
use localiam::config::Config;

use crate::common::{code, status, Server};

#[tokio::test]
async fn create_access_key_returns_aws_shape() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("alice").send().await.unwrap();
    let k = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_eq!(k.user_name(), "alice");
    assert_eq!(k.access_key_id().len(), 20);
    assert!(k.access_key_id().starts_with("AKIA"));
    assert!(k
        .access_key_id()
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(k.secret_access_key().len(), 40);
    assert_eq!(k.status(), &StatusType::Active);
    assert!(k.create_date().is_some());
    // The key signs requests at once.
    let me = s
        .sts_as(k.access_key_id(), k.secret_access_key(), None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/alice"));
}

#[tokio::test]
async fn two_keys_per_user_then_limit_exceeded() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let a = iam
        .create_access_key()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let b = iam
        .create_access_key()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_ne!(a.access_key_id(), b.access_key_id());
    assert_ne!(a.secret_access_key(), b.secret_access_key());
    let err = iam.create_access_key().user_name("u").send().await.unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
    assert_eq!(
        crate::common::message(&err),
        "Cannot exceed quota for AccessKeysPerUser: 2"
    );
    let p1 = iam.list_access_keys().user_name("u").max_items(1).send().await.unwrap();
    assert_eq!(p1.access_key_metadata().len(), 1);
    assert!(p1.is_truncated());
    let p2 = iam
        .list_access_keys()
        .user_name("u")
        .max_items(1)
        .marker(p1.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(p2.access_key_metadata().len(), 1);
    assert!(!p2.is_truncated());
    assert_ne!(
        p1.access_key_metadata()[0].access_key_id(),
        p2.access_key_metadata()[0].access_key_id()
    );
    // Deleting one frees a slot.
    iam.delete_access_key()
        .user_name("u")
        .access_key_id(a.access_key_id())
        .send()
        .await
        .unwrap();
    iam.create_access_key().user_name("u").send().await.unwrap();
}

#[tokio::test]
async fn list_access_keys_shows_metadata_only() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_user().user_name("other").send().await.unwrap();
    let a = iam
        .create_access_key()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let b = iam
        .create_access_key()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    iam.create_access_key().user_name("other").send().await.unwrap();
    let out = iam.list_access_keys().user_name("u").send().await.unwrap();
    let mut ids: Vec<_> = out
        .access_key_metadata()
        .iter()
        .map(|m| m.access_key_id().unwrap().to_string())
        .collect();
    ids.sort();
    let mut want = vec![a.access_key_id().to_string(), b.access_key_id().to_string()];
    want.sort();
    assert_eq!(ids, want);
    for m in out.access_key_metadata() {
        assert_eq!(m.user_name(), Some("u"));
        assert_eq!(m.status(), Some(&StatusType::Active));
        assert!(m.create_date().is_some());
    }
    assert!(!out.is_truncated());
    let empty = {
        iam.create_user().user_name("nokeys").send().await.unwrap();
        iam.list_access_keys().user_name("nokeys").send().await.unwrap()
    };
    assert!(empty.access_key_metadata().is_empty());
}

#[tokio::test]
async fn missing_user_or_key_is_no_such_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam.create_access_key().user_name("ghost").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    let err = iam.list_access_keys().user_name("ghost").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    iam.create_user().user_name("u").send().await.unwrap();
    let err = iam
        .delete_access_key()
        .user_name("u")
        .access_key_id("AKIAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .update_access_key()
        .user_name("u")
        .access_key_id("AKIAAAAAAAAAAAAAAAAA")
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn keys_of_another_user_cannot_be_touched_through_a_different_user_name() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, _) = s.user_with_key("owner").await;
    iam.create_user().user_name("other").send().await.unwrap();
    let err = iam
        .delete_access_key()
        .user_name("other")
        .access_key_id(&key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .update_access_key()
        .user_name("other")
        .access_key_id(&key)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    // Still active.
    let m = iam.list_access_keys().user_name("owner").send().await.unwrap();
    assert_eq!(m.access_key_metadata()[0].status(), Some(&StatusType::Active));
}

#[tokio::test]
async fn inactive_keys_stop_signing_and_can_be_reactivated() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("u").await;
    let sts = s.sts_as(&key, &secret, None);
    sts.get_caller_identity().send().await.unwrap();
    iam.update_access_key()
        .user_name("u")
        .access_key_id(&key)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let m = iam.list_access_keys().user_name("u").send().await.unwrap();
    assert_eq!(m.access_key_metadata()[0].status(), Some(&StatusType::Inactive));
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    assert_eq!(status(&err), 403);
    iam.update_access_key()
        .user_name("u")
        .access_key_id(&key)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    sts.get_caller_identity().send().await.unwrap();
}

#[tokio::test]
async fn deleted_keys_stop_signing() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("u").await;
    iam.delete_access_key()
        .user_name("u")
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let err = s
        .sts_as(&key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    assert!(iam
        .list_access_keys()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .access_key_metadata()
        .is_empty());
    let err = iam
        .delete_access_key()
        .user_name("u")
        .access_key_id(&key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn invalid_status_is_a_validation_error() {
    let s = Server::start().await;
    let (key, _) = s.user_with_key("u").await;
    let body = format!("Action=UpdateAccessKey&Version=2010-05-08&UserName=u&AccessKeyId={key}&Status=Paused");
    let (st, body) = s.raw_signed("iam", "test", "test", &body).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(crate::common::error_code(&body), "ValidationError");
}

#[tokio::test]
async fn last_used_is_na_before_any_use() {
    let s = Server::start().await;
    let (key, _) = s.user_with_key("u").await;
    let out = s
        .iam()
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(out.user_name(), Some("u"));
    let last = out.access_key_last_used().unwrap();
    assert!(last.last_used_date().is_none());
    assert_eq!(last.service_name(), "N/A");
    assert_eq!(last.region(), "N/A");
}

#[tokio::test]
async fn last_used_records_sts_traffic() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("u").await;
    s.sts_as(&key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let out = s
        .iam()
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let last = out.access_key_last_used().unwrap();
    assert_eq!(last.service_name(), "sts");
    assert_eq!(last.region(), "us-east-1");
    let when = last.last_used_date().unwrap().secs();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - when).abs() < 120, "{when} vs {now}");
}

#[tokio::test]
async fn last_used_records_iam_traffic() {
    // Enforcement is not what this test is about: let the user call IAM freely.
    let s = Server::start_with(Config {
        enforce: false,
        ..Config::default()
    })
    .await;
    let (key, secret) = s.user_with_key("u").await;
    s.iam_as(&key, &secret).get_user().send().await.unwrap();
    let out = s
        .iam()
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let last = out.access_key_last_used().unwrap();
    assert_eq!(last.service_name(), "iam");
    assert_eq!(last.region(), "us-east-1");
    assert!(last.last_used_date().is_some());
}

#[tokio::test]
async fn user_manages_own_keys_without_user_name_when_enforcement_is_off() {
    let s = Server::start_with(Config {
        enforce: false,
        ..Config::default()
    })
    .await;
    let (key, secret) = s.user_with_key("self").await;
    let me = s.iam_as(&key, &secret);
    let k2 = me.create_access_key().send().await.unwrap().access_key.unwrap();
    assert_eq!(k2.user_name(), "self");
    let list = me.list_access_keys().send().await.unwrap();
    assert_eq!(list.access_key_metadata().len(), 2);
    me.delete_access_key()
        .access_key_id(k2.access_key_id())
        .send()
        .await
        .unwrap();
    assert_eq!(
        s.iam()
            .list_access_keys()
            .user_name("self")
            .send()
            .await
            .unwrap()
            .access_key_metadata()
            .len(),
        1
    );
}
