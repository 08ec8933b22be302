//! Managed policy attachments to users and groups.

use std::collections::HashSet;

use aws_sdk_iam::types::EntityType;

use crate::common::{allow, code, status, Server};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const BILLING: &str = "arn:aws:iam::aws:policy/job-function/Billing";

async fn policy(iam: &aws_sdk_iam::Client, name: &str, path: &str) -> String {
    iam.create_policy()
        .policy_name(name)
        .path(path)
        .policy_document(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn attach_list_detach_user_policies() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let mine = policy(&iam, "Mine", "/").await;
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&mine)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(BILLING)
        .send()
        .await
        .unwrap();
    // Attaching twice is idempotent.
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&mine)
        .send()
        .await
        .unwrap();

    let out = iam.list_attached_user_policies().user_name("u").send().await.unwrap();
    let mut got: Vec<_> = out
        .attached_policies()
        .iter()
        .map(|p| {
            (
                p.policy_name().unwrap().to_string(),
                p.policy_arn().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Billing".to_string(), BILLING.to_string()),
            ("Mine".to_string(), mine.clone())
        ]
    );
    assert!(!out.is_truncated());

    let p = iam.get_policy().policy_arn(&mine).send().await.unwrap().policy.unwrap();
    assert_eq!(p.attachment_count(), Some(1));

    let only_jf = iam
        .list_attached_user_policies()
        .user_name("u")
        .path_prefix("/job-function/")
        .send()
        .await
        .unwrap();
    assert_eq!(only_jf.attached_policies().len(), 1);
    assert_eq!(only_jf.attached_policies()[0].policy_arn(), Some(BILLING));

    iam.detach_user_policy()
        .user_name("u")
        .policy_arn(&mine)
        .send()
        .await
        .unwrap();
    let out = iam.list_attached_user_policies().user_name("u").send().await.unwrap();
    assert_eq!(out.attached_policies().len(), 1);
    let p = iam.get_policy().policy_arn(&mine).send().await.unwrap().policy.unwrap();
    assert_eq!(p.attachment_count(), Some(0));
}

#[tokio::test]
async fn attach_list_detach_group_policies() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let out = iam.list_attached_group_policies().group_name("g").send().await.unwrap();
    assert_eq!(out.attached_policies().len(), 1);
    assert_eq!(out.attached_policies()[0].policy_name(), Some("AdministratorAccess"));
    assert_eq!(out.attached_policies()[0].policy_arn(), Some(ADMIN));
    let p = iam.get_policy().policy_arn(ADMIN).send().await.unwrap().policy.unwrap();
    assert_eq!(p.attachment_count(), Some(1));
    iam.detach_group_policy()
        .group_name("g")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_attached_group_policies()
        .group_name("g")
        .send()
        .await
        .unwrap()
        .attached_policies()
        .is_empty());
}

#[tokio::test]
async fn attachment_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    let missing = "arn:aws:iam::123456789012:policy/missing";
    let err = iam
        .attach_user_policy()
        .user_name("u")
        .policy_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    let err = iam
        .attach_group_policy()
        .group_name("g")
        .policy_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .attach_user_policy()
        .user_name("ghost")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .attach_group_policy()
        .group_name("ghost")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    // Detaching what is not attached.
    let err = iam
        .detach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .detach_group_policy()
        .group_name("g")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .list_attached_user_policies()
        .user_name("ghost")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .list_attached_group_policies()
        .group_name("ghost")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    // Something that is not a policy ARN at all.
    let err = iam
        .attach_user_policy()
        .user_name("u")
        .policy_arn("arn:aws:s3:::some-bucket-name")
        .send()
        .await
        .unwrap_err();
    assert!(
        ["InvalidInput", "ValidationError"].contains(&code(&err).as_str()),
        "{}",
        code(&err)
    );
    assert_eq!(status(&err), 400);
}

#[tokio::test]
async fn at_most_ten_managed_policies_per_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    let mut arns = Vec::new();
    for i in 0..11 {
        arns.push(policy(&iam, &format!("p{i}"), "/").await);
    }
    for a in &arns[..10] {
        iam.attach_user_policy()
            .user_name("u")
            .policy_arn(a)
            .send()
            .await
            .unwrap();
        iam.attach_group_policy()
            .group_name("g")
            .policy_arn(a)
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .attach_user_policy()
        .user_name("u")
        .policy_arn(&arns[10])
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
    let err = iam
        .attach_group_policy()
        .group_name("g")
        .policy_arn(&arns[10])
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    // Re-attaching one already attached is still fine at the limit.
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&arns[0])
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn list_attached_policies_paginates() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let mut expected = HashSet::new();
    for i in 0..10 {
        let a = policy(&iam, &format!("pp{i}"), "/").await;
        iam.attach_user_policy()
            .user_name("u")
            .policy_arn(&a)
            .send()
            .await
            .unwrap();
        expected.insert(a);
    }
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = iam
            .list_attached_user_policies()
            .user_name("u")
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        for p in out.attached_policies() {
            assert!(seen.insert(p.policy_arn().unwrap().to_string()));
        }
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn list_entities_for_policy() {
    let s = Server::start().await;
    let iam = s.iam();
    let p = policy(&iam, "shared", "/").await;
    let u1 = iam.create_user().user_name("u1").send().await.unwrap().user.unwrap();
    iam.create_user().user_name("u2").path("/x/").send().await.unwrap();
    let g = iam.create_group().group_name("g").send().await.unwrap().group.unwrap();
    iam.attach_user_policy()
        .user_name("u1")
        .policy_arn(&p)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("u2")
        .policy_arn(&p)
        .send()
        .await
        .unwrap();
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(&p)
        .send()
        .await
        .unwrap();

    let out = iam.list_entities_for_policy().policy_arn(&p).send().await.unwrap();
    let mut users: Vec<_> = out
        .policy_users()
        .iter()
        .map(|u| u.user_name().unwrap().to_string())
        .collect();
    users.sort();
    assert_eq!(users, ["u1", "u2"]);
    let u1e = out.policy_users().iter().find(|u| u.user_name() == Some("u1")).unwrap();
    assert_eq!(u1e.user_id(), Some(u1.user_id()));
    assert_eq!(out.policy_groups().len(), 1);
    assert_eq!(out.policy_groups()[0].group_name(), Some("g"));
    assert_eq!(out.policy_groups()[0].group_id(), Some(g.group_id()));
    assert!(out.policy_roles().is_empty());
    assert!(!out.is_truncated());

    let only_users = iam
        .list_entities_for_policy()
        .policy_arn(&p)
        .entity_filter(EntityType::User)
        .send()
        .await
        .unwrap();
    assert_eq!(only_users.policy_users().len(), 2);
    assert!(only_users.policy_groups().is_empty());
    let only_groups = iam
        .list_entities_for_policy()
        .policy_arn(&p)
        .entity_filter(EntityType::Group)
        .send()
        .await
        .unwrap();
    assert!(only_groups.policy_users().is_empty());
    assert_eq!(only_groups.policy_groups().len(), 1);
    let x = iam
        .list_entities_for_policy()
        .policy_arn(&p)
        .path_prefix("/x/")
        .send()
        .await
        .unwrap();
    assert_eq!(x.policy_users().len(), 1);
    assert_eq!(x.policy_users()[0].user_name(), Some("u2"));

    let p2 = iam.get_policy().policy_arn(&p).send().await.unwrap().policy.unwrap();
    assert_eq!(p2.attachment_count(), Some(3));

    let err = iam
        .list_entities_for_policy()
        .policy_arn("arn:aws:iam::123456789012:policy/none")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn list_entities_for_policy_paginates() {
    let s = Server::start().await;
    let iam = s.iam();
    let mut expected = HashSet::new();
    for i in 0..7 {
        let n = format!("user{i}");
        iam.create_user().user_name(&n).send().await.unwrap();
        iam.attach_user_policy()
            .user_name(&n)
            .policy_arn(ADMIN)
            .send()
            .await
            .unwrap();
        expected.insert(n);
    }
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_entities_for_policy()
            .policy_arn(ADMIN)
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        let n = out.policy_users().len() + out.policy_groups().len() + out.policy_roles().len();
        assert!(n <= 3, "page of {n}");
        for u in out.policy_users() {
            assert!(seen.insert(u.user_name().unwrap().to_string()));
        }
        if !out.is_truncated() {
            break;
        }
        marker = Some(out.marker().expect("truncated page without marker").to_string());
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn deleting_an_entity_requires_detaching_first() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let err = iam.delete_user().user_name("u").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    iam.detach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("u").send().await.unwrap();
    let out = iam.list_entities_for_policy().policy_arn(ADMIN).send().await.unwrap();
    assert!(out.policy_users().is_empty());
}
