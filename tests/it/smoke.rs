use crate::common::Server;

#[tokio::test]
async fn create_user_and_sign_as_it() {
    let s = Server::start().await;
    let iam = s.iam();
    let u = iam.create_user().user_name("alice").send().await.unwrap().user.unwrap();
    assert!(u.user_id.starts_with("AIDA"));
    assert_eq!(u.arn, "arn:aws:iam::123456789012:user/alice");
    let (k, secret) = s.user_with_key("bob").await;
    let me = s.sts_as(&k, &secret, None).get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/bob"));
    let err = s
        .sts_as(&k, "wrong", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.into_service_error().meta().code(), Some("SignatureDoesNotMatch"));
}
