//! Users: create/get/list/update/delete, names, paths, pagination, tags, delete conflicts.

use std::collections::HashSet;

use aws_sdk_iam::types::Tag;

use crate::common::{all_user_names, allow, code, message, status, Server};

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

fn is_id(id: &str, prefix: &str, len: usize) -> bool {
    id.len() == len && id.starts_with(prefix) && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[tokio::test]
async fn create_user_returns_aws_shape() {
    let s = Server::start().await;
    let u = s
        .iam()
        .create_user()
        .user_name("Alice")
        .path("/eng/team-a/")
        .tags(tag("Env", "dev"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(u.user_name(), "Alice");
    assert_eq!(u.path(), "/eng/team-a/");
    assert!(is_id(u.user_id(), "AIDA", 21), "{}", u.user_id());
    assert_eq!(u.arn(), "arn:aws:iam::123456789012:user/eng/team-a/Alice");
    assert!(u.password_last_used().is_none());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((u.create_date().secs() - now).abs() < 60);
    assert_eq!(u.tags().len(), 1);
    assert_eq!(u.tags()[0].key(), "Env");
}

#[tokio::test]
async fn default_path_is_slash() {
    let s = Server::start().await;
    let u = s
        .iam()
        .create_user()
        .user_name("bob")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(u.path(), "/");
    assert_eq!(u.arn(), "arn:aws:iam::123456789012:user/bob");
}

#[tokio::test]
async fn get_user_by_name_and_ids_are_unique() {
    let s = Server::start().await;
    let iam = s.iam();
    let a = iam.create_user().user_name("a1").send().await.unwrap().user.unwrap();
    let b = iam.create_user().user_name("b1").send().await.unwrap().user.unwrap();
    assert_ne!(a.user_id(), b.user_id());
    let got = iam.get_user().user_name("a1").send().await.unwrap().user.unwrap();
    assert_eq!(got.user_id(), a.user_id());
    assert_eq!(got.arn(), a.arn());
    assert_eq!(got.create_date(), a.create_date());
}

#[tokio::test]
async fn get_user_without_name_as_root_describes_root() {
    let s = Server::start().await;
    let u = s.iam().get_user().send().await.unwrap().user.unwrap();
    assert_eq!(u.arn(), "arn:aws:iam::123456789012:root");
    assert_eq!(u.user_id(), "123456789012");
}

#[tokio::test]
async fn get_missing_user_is_no_such_entity_404() {
    let s = Server::start().await;
    let err = s.iam().get_user().user_name("ghost").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    assert_eq!(message(&err), "The user with name ghost cannot be found.");
}

#[tokio::test]
async fn names_are_unique_ignoring_case_but_case_preserved() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("MixedCase").send().await.unwrap();
    let err = iam.create_user().user_name("mixedcase").send().await.unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
    assert_eq!(message(&err), "User with name mixedcase already exists.");
    let err = iam.create_user().user_name("MixedCase").send().await.unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    let names = all_user_names(&iam, 100).await;
    assert_eq!(names, vec!["MixedCase".to_string()]);
    // Lookups ignore case and answer with the stored spelling.
    let u = iam
        .get_user()
        .user_name("MIXEDCASE")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(u.user_name(), "MixedCase");
}

#[tokio::test]
async fn invalid_names_and_paths_are_validation_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    for bad in ["has space", "semi;colon", "slash/name", &"x".repeat(65)] {
        let err = iam.create_user().user_name(bad).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "name {bad:?}");
        assert_eq!(status(&err), 400);
    }
    // All of IAM's allowed punctuation is fine, and 64 characters is the maximum.
    iam.create_user().user_name("a_b+c=d,e.f@g-h").send().await.unwrap();
    iam.create_user().user_name("y".repeat(64)).send().await.unwrap();
    for bad in ["noslash", "/no-trailing", "no-leading/"] {
        let err = iam.create_user().user_name("pathy").path(bad).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "path {bad:?}");
    }
}

#[tokio::test]
async fn list_users_path_prefix_filters() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("root-level").send().await.unwrap();
    iam.create_user().user_name("eng1").path("/eng/").send().await.unwrap();
    iam.create_user()
        .user_name("eng2")
        .path("/eng/backend/")
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("ops1").path("/ops/").send().await.unwrap();
    let out = iam.list_users().path_prefix("/eng/").send().await.unwrap();
    let mut names: Vec<_> = out.users().iter().map(|u| u.user_name().to_string()).collect();
    names.sort();
    assert_eq!(names, ["eng1", "eng2"]);
    assert!(!out.is_truncated());
    let all = iam.list_users().send().await.unwrap();
    assert_eq!(all.users().len(), 4);
    // ListUsers does not return tags.
    assert!(all.users().iter().all(|u| u.tags().is_empty()));
}

#[tokio::test]
async fn list_users_paginates_without_duplicates_or_omissions() {
    let s = Server::start().await;
    let iam = s.iam();
    let mut created = HashSet::new();
    for i in 0..23 {
        // Mixed case so ordering by a case-sensitive key would break markers.
        let name = if i % 2 == 0 {
            format!("User{i:02}")
        } else {
            format!("user{i:02}")
        };
        iam.create_user().user_name(&name).send().await.unwrap();
        created.insert(name);
    }
    let first = iam.list_users().max_items(5).send().await.unwrap();
    assert_eq!(first.users().len(), 5);
    assert!(first.is_truncated());
    assert!(first.marker().is_some());
    for size in [1, 5, 7, 23, 100] {
        let names = all_user_names(&iam, size).await;
        assert_eq!(names.len(), 23, "page size {size}");
        let set: HashSet<_> = names.into_iter().collect();
        assert_eq!(set, created, "page size {size}");
    }
}

#[tokio::test]
async fn max_items_bounds_are_validated() {
    let s = Server::start().await;
    let iam = s.iam();
    for bad in [0, 1001] {
        let err = iam.list_users().max_items(bad).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "MaxItems {bad}");
        assert_eq!(status(&err), 400);
    }
    iam.list_users().max_items(1000).send().await.unwrap();
    iam.list_users().max_items(1).send().await.unwrap();
}

#[tokio::test]
async fn update_user_renames_and_moves() {
    let s = Server::start().await;
    let iam = s.iam();
    let before = iam.create_user().user_name("old").send().await.unwrap().user.unwrap();
    iam.update_user()
        .user_name("old")
        .new_user_name("new")
        .new_path("/moved/")
        .send()
        .await
        .unwrap();
    let err = iam.get_user().user_name("old").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let after = iam.get_user().user_name("new").send().await.unwrap().user.unwrap();
    assert_eq!(after.user_id(), before.user_id());
    assert_eq!(after.path(), "/moved/");
    assert_eq!(after.arn(), "arn:aws:iam::123456789012:user/moved/new");
}

#[tokio::test]
async fn update_user_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u1").send().await.unwrap();
    iam.create_user().user_name("u2").send().await.unwrap();
    let err = iam
        .update_user()
        .user_name("u1")
        .new_user_name("U2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    let err = iam
        .update_user()
        .user_name("ghost")
        .new_user_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .update_user()
        .user_name("u1")
        .new_user_name("bad name")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = iam
        .update_user()
        .user_name("u1")
        .new_path("nopath")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    // Changing only the case of one's own name is not a conflict.
    iam.update_user()
        .user_name("u1")
        .new_user_name("U1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.get_user()
            .user_name("u1")
            .send()
            .await
            .unwrap()
            .user
            .unwrap()
            .user_name(),
        "U1"
    );
}

#[tokio::test]
async fn delete_user_then_gone() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("tmp").send().await.unwrap();
    iam.delete_user().user_name("tmp").send().await.unwrap();
    let err = iam.get_user().user_name("tmp").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam.delete_user().user_name("tmp").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    // The name is free again.
    iam.create_user().user_name("TMP").send().await.unwrap();
}

#[tokio::test]
async fn delete_user_conflicts_while_anything_remains() {
    let s = Server::start().await;
    let iam = s.iam();
    let pol = iam
        .create_policy()
        .policy_name("p")
        .policy_document(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let pol_arn = pol.arn().unwrap().to_string();
    iam.create_group().group_name("g").send().await.unwrap();

    let expect_conflict = |what: &'static str| {
        let iam = iam.clone();
        async move {
            let err = iam.delete_user().user_name("victim").send().await.unwrap_err();
            assert_eq!(code(&err), "DeleteConflict", "{what}");
            assert_eq!(status(&err), 409, "{what}");
        }
    };

    // Access key.
    iam.create_user().user_name("victim").send().await.unwrap();
    let k = iam
        .create_access_key()
        .user_name("victim")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    expect_conflict("access key").await;
    let err = iam.delete_user().user_name("victim").send().await.unwrap_err();
    assert_eq!(message(&err), "Cannot delete entity, must delete access keys first.");
    iam.delete_access_key()
        .user_name("victim")
        .access_key_id(k.access_key_id())
        .send()
        .await
        .unwrap();

    // Login profile.
    iam.create_login_profile()
        .user_name("victim")
        .password("Passw0rd!Strong")
        .send()
        .await
        .unwrap();
    expect_conflict("login profile").await;
    let err = iam.delete_user().user_name("victim").send().await.unwrap_err();
    assert_eq!(message(&err), "Cannot delete entity, must delete login profile first.");
    iam.delete_login_profile().user_name("victim").send().await.unwrap();

    // Group membership.
    iam.add_user_to_group()
        .group_name("g")
        .user_name("victim")
        .send()
        .await
        .unwrap();
    expect_conflict("group membership").await;
    iam.remove_user_from_group()
        .group_name("g")
        .user_name("victim")
        .send()
        .await
        .unwrap();

    // Attached managed policy.
    iam.attach_user_policy()
        .user_name("victim")
        .policy_arn(&pol_arn)
        .send()
        .await
        .unwrap();
    expect_conflict("attached policy").await;
    let err = iam.delete_user().user_name("victim").send().await.unwrap_err();
    assert_eq!(message(&err), "Cannot delete entity, must detach all policies first.");
    iam.detach_user_policy()
        .user_name("victim")
        .policy_arn(&pol_arn)
        .send()
        .await
        .unwrap();

    // Inline policy.
    iam.put_user_policy()
        .user_name("victim")
        .policy_name("inline")
        .policy_document(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap();
    expect_conflict("inline policy").await;
    iam.delete_user_policy()
        .user_name("victim")
        .policy_name("inline")
        .send()
        .await
        .unwrap();

    iam.delete_user().user_name("victim").send().await.unwrap();
}

#[tokio::test]
async fn user_tags_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user()
        .user_name("t")
        .tags(tag("a", "1"))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("t")
        .tags(tag("b", "2"))
        .tags(tag("c", ""))
        .send()
        .await
        .unwrap();
    let tags = iam.list_user_tags().user_name("t").send().await.unwrap();
    let mut got: Vec<_> = tags
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("a".into(), "1".into()),
            ("b".into(), "2".into()),
            ("c".into(), String::new())
        ]
    );
    assert!(!tags.is_truncated());
    // GetUser includes the tags.
    let u = iam.get_user().user_name("t").send().await.unwrap().user.unwrap();
    assert_eq!(u.tags().len(), 3);
    iam.untag_user()
        .user_name("t")
        .tag_keys("a")
        .tag_keys("zzz-not-there")
        .send()
        .await
        .unwrap();
    let tags = iam.list_user_tags().user_name("t").send().await.unwrap();
    assert_eq!(tags.tags().len(), 2);
}

#[tokio::test]
async fn tag_keys_are_case_insensitive_and_overwrite() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user()
        .user_name("t")
        .tags(tag("Env", "dev"))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("t")
        .tags(tag("env", "prod"))
        .send()
        .await
        .unwrap();
    let tags = iam.list_user_tags().user_name("t").send().await.unwrap();
    assert_eq!(tags.tags().len(), 1, "{:?}", tags.tags());
    assert_eq!(tags.tags()[0].value(), "prod");
    assert!(tags.tags()[0].key().eq_ignore_ascii_case("env"));
}

#[tokio::test]
async fn duplicate_tag_keys_in_one_request_are_invalid_input() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .create_user()
        .user_name("t")
        .tags(tag("k", "1"))
        .tags(tag("K", "2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    assert_eq!(status(&err), 400);
    // Nothing was created.
    assert_eq!(
        code(&iam.get_user().user_name("t").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    iam.create_user().user_name("t").send().await.unwrap();
    let err = iam
        .tag_user()
        .user_name("t")
        .tags(tag("x", "1"))
        .tags(tag("X", "1"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
}

#[tokio::test]
async fn at_most_fifty_tags() {
    let s = Server::start().await;
    let iam = s.iam();
    let mut req = iam.create_user().user_name("t");
    for i in 0..50 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    req.send().await.unwrap();
    // Overwriting an existing key is fine at the limit.
    iam.tag_user()
        .user_name("t")
        .tags(tag("K0", "new"))
        .send()
        .await
        .unwrap();
    let err = iam
        .tag_user()
        .user_name("t")
        .tags(tag("k50", "v"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
    assert_eq!(
        iam.list_user_tags().user_name("t").send().await.unwrap().tags().len(),
        50
    );
    // 51 tags in one request is refused too.
    let mut req = iam.create_user().user_name("t2");
    for i in 0..51 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    let err = req.send().await.unwrap_err();
    assert!(
        ["LimitExceeded", "ValidationError"].contains(&code(&err).as_str()),
        "{}",
        code(&err)
    );
}

#[tokio::test]
async fn list_user_tags_paginates() {
    let s = Server::start().await;
    let iam = s.iam();
    let mut req = iam.create_user().user_name("t");
    for i in 0..12 {
        req = req.tags(tag(&format!("key{i:02}"), &i.to_string()));
    }
    req.send().await.unwrap();
    let mut keys = HashSet::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = iam
            .list_user_tags()
            .user_name("t")
            .max_items(5)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        for t in out.tags() {
            assert!(keys.insert(t.key().to_string()), "duplicate {}", t.key());
        }
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(pages, 3);
    assert_eq!(keys.len(), 12);
}

#[tokio::test]
async fn tagging_missing_user_is_no_such_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .tag_user()
        .user_name("ghost")
        .tags(tag("a", "b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .untag_user()
        .user_name("ghost")
        .tag_keys("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam.list_user_tags().user_name("ghost").send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn tag_key_and_value_constraints() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("t").send().await.unwrap();
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(257);
    for (k, v) in [
        (long_key.as_str(), "v"),
        ("k", long_value.as_str()),
        ("bad*key", "v"),
        ("", "v"),
    ] {
        let err = iam.tag_user().user_name("t").tags(tag(k, v)).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{k:?}={v:?}");
    }
    iam.tag_user()
        .user_name("t")
        .tags(tag(&"k".repeat(128), &"v".repeat(256)))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("t")
        .tags(tag("a b:c/d=e+f-g@h_i.j", ""))
        .send()
        .await
        .unwrap();
}
