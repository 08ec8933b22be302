//! State in a SQLite file survives a restart.

use std::time::Duration;

use localiam::config::Config;

use crate::common::{code, Server};

#[tokio::test]
async fn state_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db").to_string_lossy().into_owned();
    let config = || Config {
        state: path.clone(),
        ..Config::default()
    };

    let s = Server::start_with(config()).await;
    let iam = s.iam();
    let u = iam
        .create_user()
        .user_name("durable")
        .path("/keep/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let k = iam
        .create_access_key()
        .user_name("durable")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("durable")
        .send()
        .await
        .unwrap();
    let p = iam
        .create_policy()
        .policy_name("p")
        .policy_document(crate::common::allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(p.arn().unwrap())
        .send()
        .await
        .unwrap();
    iam.create_account_alias()
        .account_alias("persisted")
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("deleted").send().await.unwrap();
    iam.delete_user().user_name("deleted").send().await.unwrap();
    drop(iam);
    drop(s);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let s = Server::start_with(config()).await;
    let iam = s.iam();
    let again = iam.get_user().user_name("durable").send().await.unwrap().user.unwrap();
    assert_eq!(again.user_id(), u.user_id());
    assert_eq!(again.arn(), "arn:aws:iam::123456789012:user/keep/durable");
    assert_eq!(
        code(&iam.get_user().user_name("deleted").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    let me = s
        .sts_as(k.access_key_id(), k.secret_access_key(), None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/keep/durable"));
    // Permissions via the group survive too.
    s.iam_as(k.access_key_id(), k.secret_access_key())
        .list_users()
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.list_account_aliases().send().await.unwrap().account_aliases(),
        ["persisted"]
    );
    let attached = iam.list_attached_group_policies().group_name("g").send().await.unwrap();
    assert_eq!(attached.attached_policies().len(), 1);
}

#[tokio::test]
async fn separate_files_are_separate_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let a = Server::start_with(Config {
        state: dir.path().join("a.db").to_string_lossy().into_owned(),
        ..Config::default()
    })
    .await;
    let b = Server::start_with(Config {
        state: dir.path().join("b.db").to_string_lossy().into_owned(),
        ..Config::default()
    })
    .await;
    a.iam().create_user().user_name("only-in-a").send().await.unwrap();
    assert_eq!(
        code(&b.iam().get_user().user_name("only-in-a").send().await.unwrap_err()),
        "NoSuchEntity"
    );
}
