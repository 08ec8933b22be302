//! Many accounts in one server: 12-digit key ids as account roots, separate namespaces, and
//! cross-account role assumption evaluated as AWS does (both the caller's policies and the trust).

use crate::common::*;

const A: &str = "111111111111";
const B: &str = "222222222222";

/// Makes role `name` trusting `account` (optionally requiring an external id); its ARN.
async fn role_trusting(iam: &aws_sdk_iam::Client, name: &str, account: &str, external_id: Option<&str>) -> String {
    let made = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust_account(account, external_id))
        .send()
        .await
        .unwrap();
    made.role.unwrap().arn
}

/// A trust policy naming `account` (optionally requiring an external id).
fn trust_account(account: &str, external_id: Option<&str>) -> String {
    let condition = external_id
        .map(|id| format!(r#","Condition":{{"StringEquals":{{"sts:ExternalId":"{id}"}}}}"#))
        .unwrap_or_default();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

#[tokio::test]
async fn a_twelve_digit_key_id_is_that_accounts_root_and_namespaces_are_apart() {
    let server = Server::start().await;
    let a = server.sts_as(A, "test", None);
    let who = a.get_caller_identity().send().await.unwrap();
    assert_eq!(who.account(), Some(A));
    assert_eq!(who.arn(), Some(format!("arn:aws:iam::{A}:root").as_str()));
    let iam_a = server.iam_as(A, "test");
    let iam_b = server.iam_as(B, "test");
    let made = iam_a.create_user().user_name("alice").send().await.unwrap();
    assert_eq!(made.user().unwrap().arn(), format!("arn:aws:iam::{A}:user/alice"));
    // The same name is free in another account and in the configured one.
    iam_b.create_user().user_name("alice").send().await.unwrap();
    assert!(server.iam().get_user().user_name("alice").send().await.is_err());
    // A wrong secret is still refused.
    let bad = server
        .iam_as(A, "not-the-secret")
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "SignatureDoesNotMatch");
    // A user's key acts in its own account.
    let key = iam_a.create_access_key().user_name("alice").send().await.unwrap();
    let key = key.access_key.unwrap();
    let alice = server.sts_as(&key.access_key_id, &key.secret_access_key, None);
    let who = alice.get_caller_identity().send().await.unwrap();
    assert_eq!(who.arn(), Some(format!("arn:aws:iam::{A}:user/alice").as_str()));
}

#[tokio::test]
async fn cross_account_assume_role_needs_both_the_trust_and_the_callers_policy() {
    let server = Server::start().await;
    let (iam_a, iam_b) = (server.iam_as(A, "test"), server.iam_as(B, "test"));
    let role_arn = role_trusting(&iam_b, "deployer", A, None).await;
    let (key, secret) = server.user_with_key_in(A, "ci").await;
    let ci = server.sts_as(&key, &secret, None);
    // The trust names A, but A's user has no policy allowing sts:AssumeRole: denied.
    let denied = ci
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("ci")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&denied), "AccessDenied", "{}", message(&denied));
    iam_a
        .put_user_policy()
        .user_name("ci")
        .policy_name("assume")
        .policy_document(allow("sts:AssumeRole", &role_arn))
        .send()
        .await
        .unwrap();
    let out = ci
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("ci")
        .send()
        .await
        .unwrap();
    let user = out.assumed_role_user().unwrap();
    assert_eq!(user.arn(), format!("arn:aws:sts::{B}:assumed-role/deployer/ci"));
    let creds = out.credentials().unwrap();
    let session = server.sts_as(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token()),
    );
    let who = session.get_caller_identity().send().await.unwrap();
    assert_eq!(who.account(), Some(B));
    // The session works in B's namespace with the role's permissions (none yet).
    let iam_session = server.iam_as_session(creds.access_key_id(), creds.secret_access_key(), creds.session_token());
    let listed = iam_session.list_users().send().await.unwrap_err();
    assert_eq!(code(&listed), "AccessDenied", "{}", message(&listed));
    assert!(message(&listed).contains(&format!("arn:aws:sts::{B}:assumed-role/deployer/ci")));
    // A role in an account the server does not hold is denied like a missing role.
    let missing = ci
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/deployer")
        .role_session_name("ci")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&missing), "AccessDenied");
}

#[tokio::test]
async fn cross_account_external_id_and_account_context_keys() {
    let server = Server::start().await;
    let (iam_a, iam_b) = (server.iam_as(A, "test"), server.iam_as(B, "test"));
    let role_arn = role_trusting(&iam_b, "vendor", A, Some("token-1")).await;
    // The caller may assume roles only in other accounts it names by aws:ResourceAccount.
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{{"StringEquals":{{"aws:ResourceAccount":"{B}","aws:PrincipalAccount":"{A}"}}}}}}]}}"#
    );
    let (key, secret) = server.user_with_key_in(A, "ci").await;
    iam_a
        .put_user_policy()
        .user_name("ci")
        .policy_name("p")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    let ci = server.sts_as(&key, &secret, None);
    let without = ci
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("ci")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&without), "AccessDenied");
    let wrong = ci
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("ci")
        .external_id("other")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "AccessDenied");
    ci.assume_role()
        .role_arn(&role_arn)
        .role_session_name("ci")
        .external_id("token-1")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn role_chaining_crosses_accounts() {
    let server = Server::start().await;
    let c = "333333333333";
    let (iam_b, iam_c) = (server.iam_as(B, "test"), server.iam_as(c, "test"));
    let hop_arn = role_trusting(&iam_b, "hop", A, None).await;
    let target_arn = role_trusting(&iam_c, "target", B, None).await;
    iam_b
        .put_role_policy()
        .role_name("hop")
        .policy_name("p")
        .policy_document(allow("sts:AssumeRole", &target_arn))
        .send()
        .await
        .unwrap();
    let (key, secret) = server.user_with_key_in(A, "u").await;
    server
        .iam_as(A, "test")
        .put_user_policy()
        .user_name("u")
        .policy_name("p")
        .policy_document(allow("sts:AssumeRole", &hop_arn))
        .send()
        .await
        .unwrap();
    let u = server.sts_as(&key, &secret, None);
    let first = u
        .assume_role()
        .role_arn(&hop_arn)
        .role_session_name("one")
        .send()
        .await
        .unwrap();
    let creds = first.credentials().unwrap();
    let hop = server.sts_as(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token()),
    );
    let second = hop
        .assume_role()
        .role_arn(&target_arn)
        .role_session_name("two")
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.assumed_role_user().unwrap().arn(),
        format!("arn:aws:sts::{c}:assumed-role/target/two")
    );
}
