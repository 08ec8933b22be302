//! Inline user and group policies.

use std::collections::HashSet;

use crate::common::{allow, code, json, status, url_decode, Server};

/// A policy whose size without whitespace is about `n` characters.
fn policy_of_size(n: usize) -> String {
    let base = allow("iam:GetUser", "arn:aws:iam::123456789012:user/");
    let extra = n.saturating_sub(base.len());
    allow(
        "iam:GetUser",
        &format!("arn:aws:iam::123456789012:user/{}", "x".repeat(extra)),
    )
}

fn size(doc: &str) -> usize {
    doc.chars().filter(|c| !c.is_whitespace()).count()
}

#[tokio::test]
async fn user_inline_policy_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let doc = allow("iam:ListUsers", "*");
    iam.put_user_policy()
        .user_name("u")
        .policy_name("list")
        .policy_document(&doc)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user_policy()
        .user_name("u")
        .policy_name("list")
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_name(), "u");
    assert_eq!(got.policy_name(), "list");
    assert!(got.policy_document().starts_with("%7B"), "{}", got.policy_document());
    assert_eq!(json(&url_decode(got.policy_document())), json(&doc));

    // Putting again under the same name replaces it.
    let doc2 = allow("iam:ListGroups", "*");
    iam.put_user_policy()
        .user_name("u")
        .policy_name("list")
        .policy_document(&doc2)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user_policy()
        .user_name("u")
        .policy_name("list")
        .send()
        .await
        .unwrap();
    assert_eq!(json(&url_decode(got.policy_document())), json(&doc2));
    let names = iam.list_user_policies().user_name("u").send().await.unwrap();
    assert_eq!(names.policy_names(), ["list"]);
    assert!(!names.is_truncated());

    iam.delete_user_policy()
        .user_name("u")
        .policy_name("list")
        .send()
        .await
        .unwrap();
    let err = iam
        .get_user_policy()
        .user_name("u")
        .policy_name("list")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    assert!(iam
        .list_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .policy_names()
        .is_empty());
}

#[tokio::test]
async fn group_inline_policy_round_trip() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    let doc = allow("iam:*", "*");
    iam.put_group_policy()
        .group_name("g")
        .policy_name("all-iam")
        .policy_document(&doc)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_group_policy()
        .group_name("g")
        .policy_name("all-iam")
        .send()
        .await
        .unwrap();
    assert_eq!(got.group_name(), "g");
    assert_eq!(got.policy_name(), "all-iam");
    assert_eq!(json(&url_decode(got.policy_document())), json(&doc));
    assert_eq!(
        iam.list_group_policies()
            .group_name("g")
            .send()
            .await
            .unwrap()
            .policy_names(),
        ["all-iam"]
    );
    iam.delete_group_policy()
        .group_name("g")
        .policy_name("all-iam")
        .send()
        .await
        .unwrap();
    let err = iam
        .delete_group_policy()
        .group_name("g")
        .policy_name("all-iam")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn inline_policy_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    let doc = allow("iam:ListUsers", "*");
    let err = iam
        .put_user_policy()
        .user_name("ghost")
        .policy_name("p")
        .policy_document(&doc)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .put_group_policy()
        .group_name("ghost")
        .policy_name("p")
        .policy_document(&doc)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(
        code(&iam.list_user_policies().user_name("ghost").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.list_group_policies().group_name("ghost").send().await.unwrap_err()),
        "NoSuchEntity"
    );
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    assert_eq!(
        code(
            &iam.get_user_policy()
                .user_name("u")
                .policy_name("none")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    assert_eq!(
        code(
            &iam.delete_user_policy()
                .user_name("u")
                .policy_name("none")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    assert_eq!(
        code(
            &iam.get_group_policy()
                .group_name("g")
                .policy_name("none")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    for bad in ["has space", "semi;", &"n".repeat(129)] {
        let err = iam
            .put_user_policy()
            .user_name("u")
            .policy_name(bad)
            .policy_document(&doc)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{bad:?}");
    }
}

#[tokio::test]
async fn malformed_inline_documents() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.create_group().group_name("g").send().await.unwrap();
    let docs = [
        "[1, 2",
        r#"{"Statement":"nope"}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*"}]}"#,
    ];
    for d in docs {
        let err = iam
            .put_user_policy()
            .user_name("u")
            .policy_name("p")
            .policy_document(d)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "MalformedPolicyDocument", "user {d}");
        assert_eq!(status(&err), 400);
        let err = iam
            .put_group_policy()
            .group_name("g")
            .policy_name("p")
            .policy_document(d)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "MalformedPolicyDocument", "group {d}");
    }
    assert!(iam
        .list_user_policies()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .policy_names()
        .is_empty());
}

#[tokio::test]
async fn user_inline_policies_share_2048_characters() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let a = policy_of_size(1200);
    let b = policy_of_size(900);
    assert!(size(&a) <= 2048 && size(&a) + size(&b) > 2048);
    iam.put_user_policy()
        .user_name("u")
        .policy_name("a")
        .policy_document(&a)
        .send()
        .await
        .unwrap();
    let err = iam
        .put_user_policy()
        .user_name("u")
        .policy_name("b")
        .policy_document(&b)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
    // Replacing "a" with a smaller document frees room.
    let small = policy_of_size(200);
    iam.put_user_policy()
        .user_name("u")
        .policy_name("a")
        .policy_document(&small)
        .send()
        .await
        .unwrap();
    iam.put_user_policy()
        .user_name("u")
        .policy_name("b")
        .policy_document(&b)
        .send()
        .await
        .unwrap();
    // One document alone over the quota.
    iam.create_user().user_name("v").send().await.unwrap();
    let err = iam
        .put_user_policy()
        .user_name("v")
        .policy_name("big")
        .policy_document(policy_of_size(2100))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    // Whitespace is free.
    let spaced = policy_of_size(2000).replace(',', &format!(",{}", "\n ".repeat(500)));
    assert!(spaced.len() > 2048);
    iam.put_user_policy()
        .user_name("v")
        .policy_name("spaced")
        .policy_document(&spaced)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn group_inline_policies_share_5120_characters() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("g").send().await.unwrap();
    // More than a user could hold, within a group's quota.
    iam.put_group_policy()
        .group_name("g")
        .policy_name("a")
        .policy_document(policy_of_size(3000))
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("g")
        .policy_name("b")
        .policy_document(policy_of_size(2000))
        .send()
        .await
        .unwrap();
    let err = iam
        .put_group_policy()
        .group_name("g")
        .policy_name("c")
        .policy_document(policy_of_size(300))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
}

#[tokio::test]
async fn list_user_policies_paginates() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("u").send().await.unwrap();
    let mut expected = HashSet::new();
    for i in 0..8 {
        let n = format!("pol{i}");
        iam.put_user_policy()
            .user_name("u")
            .policy_name(&n)
            .policy_document(allow("iam:GetUser", "*"))
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
            .list_user_policies()
            .user_name("u")
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        for n in out.policy_names() {
            assert!(seen.insert(n.clone()));
        }
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, expected);
}
