//! Groups: create/get/list/update/delete, membership and its pagination, quotas.

use std::collections::HashSet;

use crate::common::{allow, code, status, Server};

#[tokio::test]
async fn create_group_returns_aws_shape() {
    let s = Server::start().await;
    let g = s
        .iam()
        .create_group()
        .group_name("Admins")
        .path("/ops/")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(g.group_name(), "Admins");
    assert_eq!(g.path(), "/ops/");
    assert_eq!(g.group_id().len(), 21);
    assert!(g.group_id().starts_with("AGPA"), "{}", g.group_id());
    assert!(g
        .group_id()
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(g.arn(), "arn:aws:iam::123456789012:group/ops/Admins");
    let got = s.iam().get_group().group_name("Admins").send().await.unwrap();
    let gg = got.group().unwrap();
    assert_eq!(gg.group_id(), g.group_id());
    assert_eq!(gg.arn(), g.arn());
    assert!(got.users().is_empty());
    assert!(!got.is_truncated());
}

#[tokio::test]
async fn group_names_unique_ignoring_case() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("Devs").send().await.unwrap();
    let err = iam.create_group().group_name("DEVS").send().await.unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
    let g = iam.get_group().group_name("devs").send().await.unwrap();
    assert_eq!(g.group().unwrap().group_name(), "Devs");
}

#[tokio::test]
async fn invalid_group_names_are_validation_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    for bad in ["with space", "semi;", &"g".repeat(129)] {
        let err = iam.create_group().group_name(bad).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{bad:?}");
    }
    iam.create_group().group_name("g".repeat(128)).send().await.unwrap();
    let err = iam.create_group().group_name("p").path("bad").send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
}

#[tokio::test]
async fn missing_group_is_no_such_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam.get_group().group_name("nope").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    assert_eq!(
        code(&iam.delete_group().group_name("nope").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(
            &iam.update_group()
                .group_name("nope")
                .new_group_name("x")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn membership_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g1").send().await.unwrap();
    iam.create_group().group_name("g2").path("/x/").send().await.unwrap();
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("g1")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("g2")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    // Adding again is idempotent.
    iam.add_user_to_group()
        .group_name("g1")
        .user_name("alice")
        .send()
        .await
        .unwrap();

    let g = iam.get_group().group_name("g1").send().await.unwrap();
    assert_eq!(g.users().len(), 1);
    assert_eq!(g.users()[0].user_name(), "alice");
    assert_eq!(g.users()[0].arn(), "arn:aws:iam::123456789012:user/alice");

    let groups = iam.list_groups_for_user().user_name("alice").send().await.unwrap();
    let mut names: Vec<_> = groups.groups().iter().map(|g| g.group_name().to_string()).collect();
    names.sort();
    assert_eq!(names, ["g1", "g2"]);
    let g2 = groups.groups().iter().find(|g| g.group_name() == "g2").unwrap();
    assert_eq!(g2.arn(), "arn:aws:iam::123456789012:group/x/g2");

    iam.remove_user_from_group()
        .group_name("g1")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert!(iam
        .get_group()
        .group_name("g1")
        .send()
        .await
        .unwrap()
        .users()
        .is_empty());
    assert_eq!(
        iam.list_groups_for_user()
            .user_name("alice")
            .send()
            .await
            .unwrap()
            .groups()
            .len(),
        1
    );
}

#[tokio::test]
async fn membership_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    let err = iam
        .add_user_to_group()
        .group_name("g")
        .user_name("ghost")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .add_user_to_group()
        .group_name("ghost")
        .user_name("u")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .remove_user_from_group()
        .group_name("ghost")
        .user_name("u")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam.list_groups_for_user().user_name("ghost").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn a_user_is_in_at_most_ten_groups() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    for i in 0..11 {
        iam.create_group().group_name(format!("g{i}")).send().await.unwrap();
    }
    for i in 0..10 {
        iam.add_user_to_group()
            .group_name(format!("g{i}"))
            .user_name("u")
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .add_user_to_group()
        .group_name("g10")
        .user_name("u")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
}

#[tokio::test]
async fn get_group_paginates_members() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("big").send().await.unwrap();
    let mut expected = HashSet::new();
    for i in 0..13 {
        let n = format!("Member{i:02}");
        iam.create_user().user_name(&n).send().await.unwrap();
        iam.add_user_to_group()
            .group_name("big")
            .user_name(&n)
            .send()
            .await
            .unwrap();
        expected.insert(n);
    }
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = iam
            .get_group()
            .group_name("big")
            .max_items(4)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert_eq!(out.group().unwrap().group_name(), "big");
        for u in out.users() {
            assert!(seen.insert(u.user_name().to_string()), "duplicate {}", u.user_name());
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
async fn list_groups_prefix_and_pagination() {
    let s = Server::start().await;
    let iam = s.iam();
    let mut expected = HashSet::new();
    for i in 0..9 {
        let path = if i % 3 == 0 { "/a/" } else { "/" };
        let n = format!("grp{i}");
        iam.create_group().group_name(&n).path(path).send().await.unwrap();
        expected.insert(n);
    }
    let a = iam.list_groups().path_prefix("/a/").send().await.unwrap();
    assert_eq!(a.groups().len(), 3);
    let mut seen = HashSet::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_groups()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert!(out.groups().len() <= 2);
        for g in out.groups() {
            assert!(seen.insert(g.group_name().to_string()));
        }
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(seen, expected);
    let err = iam.list_groups().max_items(0).send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
}

#[tokio::test]
async fn update_group_renames_and_keeps_members() {
    let s = Server::start().await;
    let iam = s.iam();
    let g = iam
        .create_group()
        .group_name("old")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    iam.create_group().group_name("taken").send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("old")
        .user_name("u")
        .send()
        .await
        .unwrap();
    let err = iam
        .update_group()
        .group_name("old")
        .new_group_name("TAKEN")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    iam.update_group()
        .group_name("old")
        .new_group_name("new")
        .new_path("/p/")
        .send()
        .await
        .unwrap();
    let got = iam.get_group().group_name("new").send().await.unwrap();
    let gg = got.group().unwrap();
    assert_eq!(gg.group_id(), g.group_id());
    assert_eq!(gg.arn(), "arn:aws:iam::123456789012:group/p/new");
    assert_eq!(got.users().len(), 1);
    assert_eq!(
        code(&iam.get_group().group_name("old").send().await.unwrap_err()),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn delete_group_conflicts() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();
    let err = iam.delete_group().group_name("g").send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(status(&err), 409);
    iam.remove_user_from_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();

    iam.put_group_policy()
        .group_name("g")
        .policy_name("inline")
        .policy_document(allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&iam.delete_group().group_name("g").send().await.unwrap_err()),
        "DeleteConflict"
    );
    iam.delete_group_policy()
        .group_name("g")
        .policy_name("inline")
        .send()
        .await
        .unwrap();

    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    iam.attach_group_policy()
        .group_name("g")
        .policy_arn(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&iam.delete_group().group_name("g").send().await.unwrap_err()),
        "DeleteConflict"
    );
    iam.detach_group_policy()
        .group_name("g")
        .policy_arn(admin)
        .send()
        .await
        .unwrap();

    iam.delete_group().group_name("g").send().await.unwrap();
    assert_eq!(
        code(&iam.get_group().group_name("g").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    // The user survives and is in no group.
    assert!(iam
        .list_groups_for_user()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .groups()
        .is_empty());
}

#[tokio::test]
async fn deleting_a_user_requires_leaving_groups_first() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&iam.delete_user().user_name("u").send().await.unwrap_err()),
        "DeleteConflict"
    );
    iam.remove_user_from_group()
        .group_name("g")
        .user_name("u")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("u").send().await.unwrap();
    assert!(iam.get_group().group_name("g").send().await.unwrap().users().is_empty());
}
