//! Customer managed policies, their versions and tags; AWS managed policies.

use std::collections::HashSet;

use aws_sdk_iam::types::{PolicyScopeType, Tag};

use crate::common::{allow, code, json, status, url_decode, Server};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const BILLING: &str = "arn:aws:iam::aws:policy/job-function/Billing";

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

async fn create(iam: &aws_sdk_iam::Client, name: &str) -> String {
    iam.create_policy()
        .policy_name(name)
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
async fn create_policy_returns_aws_shape() {
    let s = Server::start().await;
    let iam = s.iam();
    let p = iam
        .create_policy()
        .policy_name("ReadUsers")
        .path("/team/")
        .description("lets you read users")
        .policy_document(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.policy_name(), Some("ReadUsers"));
    assert_eq!(p.path(), Some("/team/"));
    assert_eq!(p.arn(), Some("arn:aws:iam::123456789012:policy/team/ReadUsers"));
    let id = p.policy_id().unwrap();
    assert_eq!(id.len(), 21);
    assert!(id.starts_with("ANPA"), "{id}");
    assert!(id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(p.default_version_id(), Some("v1"));
    assert_eq!(p.attachment_count(), Some(0));
    assert_eq!(p.permissions_boundary_usage_count(), Some(0));
    assert!(p.is_attachable());
    assert!(p.create_date().is_some());
    assert!(p.update_date().is_some());

    let got = iam
        .get_policy()
        .policy_arn(p.arn().unwrap())
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.policy_id(), Some(id));
    assert_eq!(got.description(), Some("lets you read users"));
    assert_eq!(got.default_version_id(), Some("v1"));
}

#[tokio::test]
async fn policy_names_unique_ignoring_case() {
    let s = Server::start().await;
    let iam = s.iam();
    create(&iam, "Dup").await;
    let err = iam
        .create_policy()
        .policy_name("dup")
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    assert_eq!(status(&err), 409);
}

#[tokio::test]
async fn missing_policy_is_no_such_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = "arn:aws:iam::123456789012:policy/nope";
    let err = iam.get_policy().policy_arn(arn).send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    assert_eq!(
        code(&iam.delete_policy().policy_arn(arn).send().await.unwrap_err()),
        "NoSuchEntity"
    );
    assert_eq!(
        code(
            &iam.get_policy_version()
                .policy_arn(arn)
                .version_id("v1")
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.list_policy_versions().policy_arn(arn).send().await.unwrap_err()),
        "NoSuchEntity"
    );
    let err = iam
        .get_policy()
        .policy_arn("arn:aws:iam::aws:policy/NoSuchAwsPolicyAtAll")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
}

#[tokio::test]
async fn malformed_documents_are_refused() {
    let s = Server::start().await;
    let iam = s.iam();
    let docs = [
        "not json at all",
        "{}",
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        r#"{"Version":"2013-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
    ];
    for d in docs {
        let err = iam
            .create_policy()
            .policy_name("bad")
            .policy_document(d)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "MalformedPolicyDocument", "{d}");
        assert_eq!(status(&err), 400, "{d}");
    }
    assert!(iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap()
        .policies()
        .is_empty());
}

#[tokio::test]
async fn oversized_policy_is_limit_exceeded_and_whitespace_is_free() {
    let s = Server::start().await;
    let iam = s.iam();
    let actions: Vec<String> = (0..400).map(|i| format!("\"iam:Action{i:04}\"")).collect();
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert!(big.len() > 6144);
    let err = iam
        .create_policy()
        .policy_name("big")
        .policy_document(&big)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    // Whitespace does not count toward the 6,144 characters.
    let padded = allow("iam:GetUser", "*").replace(',', &format!(",{}", " ".repeat(3000)));
    assert!(padded.len() > 6144);
    iam.create_policy()
        .policy_name("padded")
        .policy_document(&padded)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_policy_names_are_validation_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    for bad in ["has space", "semi;", &"p".repeat(129)] {
        let err = iam
            .create_policy()
            .policy_name(bad)
            .policy_document(allow("*", "*"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{bad:?}");
    }
}

#[tokio::test]
async fn versions_lifecycle() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = create(&iam, "versioned").await;
    let doc2 = allow("iam:ListUsers", "*");
    let v2 = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(&doc2)
        .send()
        .await
        .unwrap();
    let v2 = v2.policy_version().unwrap();
    assert_eq!(v2.version_id(), Some("v2"));
    assert!(!v2.is_default_version());
    let v3 = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(allow("iam:ListGroups", "*"))
        .set_as_default(true)
        .send()
        .await
        .unwrap();
    assert_eq!(v3.policy_version().unwrap().version_id(), Some("v3"));
    assert!(v3.policy_version().unwrap().is_default_version());
    let p = iam.get_policy().policy_arn(&arn).send().await.unwrap().policy.unwrap();
    assert_eq!(p.default_version_id(), Some("v3"));

    let list = iam.list_policy_versions().policy_arn(&arn).send().await.unwrap();
    let mut ids: Vec<_> = list
        .versions()
        .iter()
        .map(|v| v.version_id().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["v1", "v2", "v3"]);
    let defaults: Vec<_> = list.versions().iter().filter(|v| v.is_default_version()).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].version_id(), Some("v3"));

    // The document comes back URL-encoded.
    let got = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    let pv = got.policy_version().unwrap();
    let raw = pv.document().unwrap();
    assert!(raw.starts_with("%7B"), "{raw}");
    assert_eq!(json(&url_decode(raw)), json(&doc2));
    assert!(!pv.is_default_version());
    assert!(pv.create_date().is_some());

    iam.set_default_policy_version()
        .policy_arn(&arn)
        .version_id("v1")
        .send()
        .await
        .unwrap();
    let p = iam.get_policy().policy_arn(&arn).send().await.unwrap().policy.unwrap();
    assert_eq!(p.default_version_id(), Some("v1"));

    // The default cannot be deleted; others can.
    let err = iam
        .delete_policy_version()
        .policy_arn(&arn)
        .version_id("v1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(status(&err), 409);
    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    let err = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    // Version ids are never reused.
    let v4 = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(&doc2)
        .send()
        .await
        .unwrap();
    assert_eq!(v4.policy_version().unwrap().version_id(), Some("v4"));
}

#[tokio::test]
async fn version_errors() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = create(&iam, "p").await;
    let err = iam
        .set_default_policy_version()
        .policy_arn(&arn)
        .version_id("v9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .delete_policy_version()
        .policy_arn(&arn)
        .version_id("v9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("version1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document("{")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MalformedPolicyDocument");
}

#[tokio::test]
async fn at_most_five_versions() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = create(&iam, "p").await;
    for _ in 0..4 {
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(allow("iam:ListUsers", "*"))
            .send()
            .await
            .unwrap();
    }
    let err = iam
        .create_policy_version()
        .policy_arn(&arn)
        .policy_document(allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    assert_eq!(status(&err), 409);
    assert_eq!(
        iam.list_policy_versions()
            .policy_arn(&arn)
            .send()
            .await
            .unwrap()
            .versions()
            .len(),
        5
    );
}

#[tokio::test]
async fn delete_policy_needs_versions_removed_first() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = create(&iam, "p").await;
    iam.create_policy_version()
        .policy_arn(&arn)
        .policy_document(allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap();
    let err = iam.delete_policy().policy_arn(&arn).send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    assert_eq!(status(&err), 409);
    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
    assert_eq!(
        code(&iam.get_policy().policy_arn(&arn).send().await.unwrap_err()),
        "NoSuchEntity"
    );
    // The name is free again.
    create(&iam, "p").await;
}

#[tokio::test]
async fn delete_policy_refused_while_attached() {
    let s = Server::start().await;
    let iam = s.iam();
    let arn = create(&iam, "p").await;
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let err = iam.delete_policy().policy_arn(&arn).send().await.unwrap_err();
    assert_eq!(code(&err), "DeleteConflict");
    iam.detach_user_policy()
        .user_name("u")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
}

#[tokio::test]
async fn list_policies_scopes_and_filters() {
    let s = Server::start().await;
    let iam = s.iam();
    let a = create(&iam, "LocalA").await;
    iam.create_policy()
        .policy_name("LocalB")
        .path("/svc/")
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap();
    let local = iam.list_policies().scope(PolicyScopeType::Local).send().await.unwrap();
    let mut names: Vec<_> = local
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["LocalA", "LocalB"]);
    assert!(!local.is_truncated());

    let svc = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .path_prefix("/svc/")
        .send()
        .await
        .unwrap();
    assert_eq!(svc.policies().len(), 1);
    assert_eq!(
        svc.policies()[0].arn(),
        Some("arn:aws:iam::123456789012:policy/svc/LocalB")
    );

    let none = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .only_attached(true)
        .send()
        .await
        .unwrap();
    assert!(none.policies().is_empty());
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(&a)
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("u")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let attached = iam.list_policies().only_attached(true).send().await.unwrap();
    let mut arns: Vec<_> = attached
        .policies()
        .iter()
        .map(|p| p.arn().unwrap().to_string())
        .collect();
    arns.sort();
    let mut want = vec![ADMIN.to_string(), a.clone()];
    want.sort();
    assert_eq!(arns, want);
    for p in attached.policies() {
        assert_eq!(p.attachment_count(), Some(1));
    }

    let jf = iam
        .list_policies()
        .scope(PolicyScopeType::Aws)
        .path_prefix("/job-function/")
        .send()
        .await
        .unwrap();
    assert!(jf.policies().iter().any(|p| p.arn() == Some(BILLING)));
    assert!(jf.policies().iter().all(|p| p.path() == Some("/job-function/")));
}

async fn all_policy_arns(iam: &aws_sdk_iam::Client, scope: PolicyScopeType) -> Vec<String> {
    let mut arns = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_policies()
            .scope(scope.clone())
            .max_items(1000)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        arns.extend(out.policies().iter().map(|p| p.arn().unwrap().to_string()));
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_string);
    }
    arns
}

#[tokio::test]
async fn aws_managed_policies_are_listed_completely() {
    let s = Server::start().await;
    let iam = s.iam();
    let mine = create(&iam, "Mine").await;
    let aws = all_policy_arns(&iam, PolicyScopeType::Aws).await;
    assert_eq!(aws.len(), 1568);
    assert_eq!(aws.iter().collect::<HashSet<_>>().len(), aws.len(), "duplicates");
    assert!(aws.iter().all(|a| a.starts_with("arn:aws:iam::aws:policy/")));
    assert!(aws.iter().any(|a| a == ADMIN));
    assert!(aws.iter().any(|a| a == BILLING));
    let all = all_policy_arns(&iam, PolicyScopeType::All).await;
    assert_eq!(all.len(), 1569);
    assert!(all.contains(&mine));
    // Default page is 100 and marks truncation.
    let first = iam.list_policies().send().await.unwrap();
    assert_eq!(first.policies().len(), 100);
    assert!(first.is_truncated());
}

#[tokio::test]
async fn aws_managed_policy_details() {
    let s = Server::start().await;
    let iam = s.iam();
    let p = iam.get_policy().policy_arn(ADMIN).send().await.unwrap().policy.unwrap();
    assert_eq!(p.policy_name(), Some("AdministratorAccess"));
    assert_eq!(p.path(), Some("/"));
    assert_eq!(p.default_version_id(), Some("v1"));
    assert!(p.is_attachable());
    let id = p.policy_id().unwrap();
    assert!(id.starts_with("ANPA") && id.len() == 21, "{id}");
    let v = iam
        .get_policy_version()
        .policy_arn(ADMIN)
        .version_id("v1")
        .send()
        .await
        .unwrap();
    let doc = json(&url_decode(v.policy_version().unwrap().document().unwrap()));
    assert_eq!(doc["Statement"][0]["Action"], "*");
    assert_eq!(doc["Statement"][0]["Effect"], "Allow");

    let b = iam
        .get_policy()
        .policy_arn(BILLING)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(b.policy_name(), Some("Billing"));
    assert_eq!(b.path(), Some("/job-function/"));
    let ver = b.default_version_id().unwrap().to_string();
    iam.get_policy_version()
        .policy_arn(BILLING)
        .version_id(&ver)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn aws_managed_policies_are_read_only() {
    let s = Server::start().await;
    let iam = s.iam();
    assert!(iam.delete_policy().policy_arn(ADMIN).send().await.is_err());
    assert!(iam
        .create_policy_version()
        .policy_arn(ADMIN)
        .policy_document(allow("*", "*"))
        .send()
        .await
        .is_err());
    assert!(iam
        .tag_policy()
        .policy_arn(ADMIN)
        .tags(tag("a", "b"))
        .send()
        .await
        .is_err());
    // Still there and unchanged.
    let p = iam.get_policy().policy_arn(ADMIN).send().await.unwrap().policy.unwrap();
    assert_eq!(p.default_version_id(), Some("v1"));
    assert_eq!(
        iam.list_policy_versions()
            .policy_arn(ADMIN)
            .send()
            .await
            .unwrap()
            .versions()
            .len(),
        1
    );
}

#[tokio::test]
async fn policy_tags() {
    let s = Server::start().await;
    let iam = s.iam();
    let p = iam
        .create_policy()
        .policy_name("tagged")
        .policy_document(allow("*", "*"))
        .tags(tag("Team", "a"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.tags().len(), 1);
    let arn = p.arn().unwrap().to_string();
    iam.tag_policy()
        .policy_arn(&arn)
        .tags(tag("team", "b"))
        .tags(tag("Cost", "1"))
        .send()
        .await
        .unwrap();
    let tags = iam.list_policy_tags().policy_arn(&arn).send().await.unwrap();
    assert_eq!(tags.tags().len(), 2, "{:?}", tags.tags());
    let team = tags
        .tags()
        .iter()
        .find(|t| t.key().eq_ignore_ascii_case("team"))
        .unwrap();
    assert_eq!(team.value(), "b");
    let got = iam.get_policy().policy_arn(&arn).send().await.unwrap().policy.unwrap();
    assert_eq!(got.tags().len(), 2);
    iam.untag_policy()
        .policy_arn(&arn)
        .tag_keys("Cost")
        .send()
        .await
        .unwrap();
    assert_eq!(
        iam.list_policy_tags()
            .policy_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags()
            .len(),
        1
    );

    let err = iam
        .tag_policy()
        .policy_arn(&arn)
        .tags(tag("d", "1"))
        .tags(tag("D", "2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    let mut req = iam.tag_policy().policy_arn(&arn);
    for i in 0..49 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    req.send().await.unwrap();
    let err = iam
        .tag_policy()
        .policy_arn(&arn)
        .tags(tag("one-too-many", "v"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "LimitExceeded");
    let missing = "arn:aws:iam::123456789012:policy/none";
    assert_eq!(
        code(
            &iam.tag_policy()
                .policy_arn(missing)
                .tags(tag("a", "b"))
                .send()
                .await
                .unwrap_err()
        ),
        "NoSuchEntity"
    );
    assert_eq!(
        code(&iam.list_policy_tags().policy_arn(missing).send().await.unwrap_err()),
        "NoSuchEntity"
    );
}

#[tokio::test]
async fn policy_path_and_description_are_validated() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .create_policy()
        .policy_name("p")
        .path("nope")
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = iam
        .create_policy()
        .policy_name("p")
        .description("d".repeat(1001))
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    iam.create_policy()
        .policy_name("p")
        .description("d".repeat(1000))
        .policy_document(allow("*", "*"))
        .send()
        .await
        .unwrap();
}
