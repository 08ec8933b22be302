//! Authorization of IAM users' calls against their identity policies.

use localiam::config::Config;

use crate::common::{allow, code, message, status, Server};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const IAM_READ: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

fn denied(user: &str, action: &str, resource: &str) -> String {
    format!(
        "User: arn:aws:iam::123456789012:user/{user} is not authorized to perform: {action} on resource: {resource} \
         because no identity-based policy allows the {action} action"
    )
}

#[tokio::test]
async fn user_without_policies_is_denied_with_aws_message() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("NAME").await;
    let err = s.iam_as(&key, &secret).list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(status(&err), 403);
    assert_eq!(
        message(&err),
        denied("NAME", "iam:ListUsers", "arn:aws:iam::123456789012:user/")
    );
}

#[tokio::test]
async fn group_with_administrator_access_grants_everything() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("admin").await;
    iam.create_group().group_name("admins").send().await.unwrap();
    iam.attach_group_policy()
        .group_name("admins")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("admins")
        .user_name("admin")
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    let users = me.list_users().send().await.unwrap();
    assert_eq!(users.users().len(), 1);
    me.create_user().user_name("made-by-admin").send().await.unwrap();
    me.create_group().group_name("made-too").send().await.unwrap();
    me.delete_user().user_name("made-by-admin").send().await.unwrap();
}

#[tokio::test]
async fn directly_attached_managed_policy_grants() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("reader").await;
    s.iam()
        .attach_user_policy()
        .user_name("reader")
        .policy_arn(IAM_READ)
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    me.list_users().send().await.unwrap();
    me.get_user().user_name("reader").send().await.unwrap();
    let err = me.create_user().user_name("nope").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(
        message(&err),
        denied("reader", "iam:CreateUser", "arn:aws:iam::123456789012:user/nope")
    );
}

#[tokio::test]
async fn inline_policy_grants_only_what_it_names() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("lister").await;
    s.iam()
        .put_user_policy()
        .user_name("lister")
        .policy_name("list-users")
        .policy_document(allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    me.list_users().send().await.unwrap();
    let err = me.list_groups().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(
        message(&err),
        denied("lister", "iam:ListGroups", "arn:aws:iam::123456789012:group/")
    );
}

#[tokio::test]
async fn resource_scoped_permissions() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("alice").await;
    iam.create_user().user_name("bob").send().await.unwrap();
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("self")
        .policy_document(allow("iam:GetUser", "arn:aws:iam::123456789012:user/alice"))
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    let u = me.get_user().user_name("alice").send().await.unwrap().user.unwrap();
    assert_eq!(u.user_name(), "alice");
    // Without a name GetUser means the caller.
    me.get_user().send().await.unwrap();
    let err = me.get_user().user_name("bob").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(
        message(&err),
        denied("alice", "iam:GetUser", "arn:aws:iam::123456789012:user/bob")
    );
}

#[tokio::test]
async fn explicit_deny_beats_allow() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("almost-admin").await;
    iam.create_user().user_name("precious").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("almost-admin")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("almost-admin")
        .policy_name("no-deletes")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    me.list_users().send().await.unwrap();
    let err = me.delete_user().user_name("precious").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(
        message(&err),
        "User: arn:aws:iam::123456789012:user/almost-admin is not authorized to perform: iam:DeleteUser on resource: \
         arn:aws:iam::123456789012:user/precious with an explicit deny in an identity-based policy"
    );
    iam.get_user().user_name("precious").send().await.unwrap();
}

#[tokio::test]
async fn permission_changes_take_effect_at_once() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("u").await;
    let me = s.iam_as(&key, &secret);
    assert_eq!(code(&me.list_users().send().await.unwrap_err()), "AccessDenied");
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    me.list_users().send().await.unwrap();
    iam.detach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(code(&me.list_users().send().await.unwrap_err()), "AccessDenied");
    // Via a group: leaving the group revokes.
    iam.create_group().group_name("g").send().await.unwrap();
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();
    me.list_users().send().await.unwrap();
    iam.remove_user_from_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();
    assert_eq!(code(&me.list_users().send().await.unwrap_err()), "AccessDenied");
}

#[tokio::test]
async fn changing_the_default_version_changes_permissions() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("u").await;
    let arn = iam
        .create_policy()
        .policy_name("p")
        .policy_document(allow("iam:ListGroups", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn()
        .unwrap()
        .to_string();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    me.list_groups().send().await.unwrap();
    assert_eq!(code(&me.list_users().send().await.unwrap_err()), "AccessDenied");
    iam.create_policy_version()
        .policy_arn(&arn)
        .policy_document(allow("iam:ListUsers", "*"))
        .set_as_default(true)
        .send()
        .await
        .unwrap();
    me.list_users().send().await.unwrap();
    assert_eq!(code(&me.list_groups().send().await.unwrap_err()), "AccessDenied");
}

#[tokio::test]
async fn policy_variables_let_users_manage_their_own_keys() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("selfie").await;
    iam.create_user().user_name("other").send().await.unwrap();
    iam.put_user_policy()
        .user_name("selfie")
        .policy_name("own-keys")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                "Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:DeleteAccessKey"],
                "Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    let k = me.create_access_key().send().await.unwrap().access_key.unwrap();
    assert_eq!(k.user_name(), "selfie");
    assert_eq!(
        me.list_access_keys().send().await.unwrap().access_key_metadata().len(),
        2
    );
    me.delete_access_key()
        .access_key_id(k.access_key_id())
        .send()
        .await
        .unwrap();
    let err = me.create_access_key().user_name("other").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn conditions_are_evaluated() {
    let s = Server::start().await;
    let iam = s.iam();
    let (ka, sa) = s.user_with_key("alice").await;
    let (kb, sb) = s.user_with_key("bob").await;
    iam.create_group().group_name("g").send().await.unwrap();
    iam.put_group_policy()
        .group_name("g")
        .policy_name("only-alice")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
                "Condition":{"StringEquals":{"aws:username":"alice"}}}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("bob")
        .send()
        .await
        .unwrap();
    s.iam_as(&ka, &sa).list_users().send().await.unwrap();
    let err = s.iam_as(&kb, &sb).list_users().send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn change_password_needs_permission_or_account_setting() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("u").await;
    iam.create_login_profile()
        .user_name("u")
        .password("Initial-Pass-1")
        .send()
        .await
        .unwrap();
    let me = s.iam_as(&key, &secret);
    let err = me
        .change_password()
        .old_password("Initial-Pass-1")
        .new_password("Second-Pass-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(status(&err), 403);
    // An explicit grant on the user's own ARN is enough.
    iam.put_user_policy()
        .user_name("u")
        .policy_name("pw")
        .policy_document(allow("iam:ChangePassword", "arn:aws:iam::123456789012:user/u"))
        .send()
        .await
        .unwrap();
    me.change_password()
        .old_password("Initial-Pass-1")
        .new_password("Second-Pass-2")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn root_is_never_denied() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.update_account_password_policy().send().await.unwrap();
    iam.get_account_password_policy().send().await.unwrap();
    iam.delete_account_password_policy().send().await.unwrap();
    iam.list_users().send().await.unwrap();
}

#[tokio::test]
async fn enforcement_off_lets_users_do_anything() {
    let s = Server::start_with(Config {
        enforce: false,
        ..Config::default()
    })
    .await;
    let (key, secret) = s.user_with_key("free").await;
    let me = s.iam_as(&key, &secret);
    me.list_users().send().await.unwrap();
    me.create_user().user_name("made").send().await.unwrap();
}

#[tokio::test]
async fn resource_tag_conditions_see_the_target_users_tags() {
    let s = crate::common::Server::start().await;
    let iam = s.iam();
    let (k, sk) = s.user_with_key("manager").await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}]}"#;
    iam.put_user_policy()
        .user_name("manager")
        .policy_name("blue")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("b1")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("team")
                .value("blue")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("r1").send().await.unwrap();
    let as_manager = s.iam_as(&k, &sk);
    as_manager.get_user().user_name("b1").send().await.unwrap();
    let err = as_manager.get_user().user_name("r1").send().await.unwrap_err();
    assert_eq!(crate::common::code(&err), "AccessDenied");
}
