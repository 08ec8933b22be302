//! Account alias and account summary.

use aws_sdk_iam::types::SummaryKeyType as K;

use crate::common::{allow, code, status, Server};

#[tokio::test]
async fn alias_create_list_delete() {
    let s = Server::start().await;
    let iam = s.iam();
    let out = iam.list_account_aliases().send().await.unwrap();
    assert!(out.account_aliases().is_empty());
    assert!(!out.is_truncated());
    iam.create_account_alias()
        .account_alias("my-corp-1")
        .send()
        .await
        .unwrap();
    let out = iam.list_account_aliases().send().await.unwrap();
    assert_eq!(out.account_aliases(), ["my-corp-1"]);
    iam.delete_account_alias()
        .account_alias("my-corp-1")
        .send()
        .await
        .unwrap();
    assert!(iam
        .list_account_aliases()
        .send()
        .await
        .unwrap()
        .account_aliases()
        .is_empty());
}

#[tokio::test]
async fn an_account_has_at_most_one_alias() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_account_alias().account_alias("first").send().await.unwrap();
    // Creating the same alias again is harmless.
    let _ = iam.create_account_alias().account_alias("first").send().await;
    let _ = iam.create_account_alias().account_alias("second").send().await;
    let out = iam.list_account_aliases().send().await.unwrap();
    assert_eq!(out.account_aliases().len(), 1, "{:?}", out.account_aliases());
}

#[tokio::test]
async fn deleting_a_missing_alias_is_no_such_entity() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam
        .delete_account_alias()
        .account_alias("nothere")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(status(&err), 404);
    iam.create_account_alias()
        .account_alias("present")
        .send()
        .await
        .unwrap();
    let err = iam
        .delete_account_alias()
        .account_alias("other")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(
        iam.list_account_aliases().send().await.unwrap().account_aliases(),
        ["present"]
    );
}

#[tokio::test]
async fn alias_pattern_is_validated() {
    let s = Server::start().await;
    let iam = s.iam();
    let long = "a".repeat(64);
    for bad in [
        "ab",
        "Upper",
        "under_score",
        "-leading",
        "trailing-",
        "double--dash",
        long.as_str(),
    ] {
        let err = iam.create_account_alias().account_alias(bad).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{bad:?}");
        assert_eq!(status(&err), 400);
    }
    assert!(iam
        .list_account_aliases()
        .send()
        .await
        .unwrap()
        .account_aliases()
        .is_empty());
    iam.create_account_alias().account_alias("a-b-3").send().await.unwrap();
}

async fn summary(iam: &aws_sdk_iam::Client) -> std::collections::HashMap<K, i32> {
    iam.get_account_summary()
        .send()
        .await
        .unwrap()
        .summary_map()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn summary_reports_quotas() {
    let s = Server::start().await;
    let m = summary(&s.iam()).await;
    let expect = [
        (K::UsersQuota, 5000),
        (K::GroupsQuota, 300),
        (K::AccessKeysPerUserQuota, 2),
        (K::GroupsPerUserQuota, 10),
        (K::AttachedPoliciesPerUserQuota, 10),
        (K::AttachedPoliciesPerGroupQuota, 10),
        (K::AttachedPoliciesPerRoleQuota, 10),
        (K::VersionsPerPolicyQuota, 5),
        (K::UserPolicySizeQuota, 2048),
        (K::GroupPolicySizeQuota, 5120),
        (K::RolePolicySizeQuota, 10240),
        (K::PolicySizeQuota, 6144),
        (K::PoliciesQuota, 1500),
        (K::SigningCertificatesPerUserQuota, 2),
        (K::AssumeRolePolicySizeQuota, 2048),
        (K::Users, 0),
        (K::Groups, 0),
        (K::Policies, 0),
        (K::AccountMfaEnabled, 0),
    ];
    for (k, v) in expect {
        assert_eq!(m.get(&k), Some(&v), "{k:?}");
    }
}

#[tokio::test]
async fn summary_counts_follow_state() {
    let s = Server::start().await;
    let iam = s.iam();
    for i in 0..3 {
        iam.create_user().user_name(format!("u{i}")).send().await.unwrap();
    }
    for i in 0..2 {
        iam.create_group().group_name(format!("g{i}")).send().await.unwrap();
    }
    let p = iam
        .create_policy()
        .policy_name("p1")
        .policy_document(allow("iam:GetUser", "*"))
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    iam.create_policy_version()
        .policy_arn(p.arn().unwrap())
        .policy_document(allow("iam:ListUsers", "*"))
        .send()
        .await
        .unwrap();
    // Attaching an AWS managed policy does not count as a customer policy.
    iam.attach_user_policy()
        .user_name("u0")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    let m = summary(&iam).await;
    assert_eq!(m.get(&K::Users), Some(&3));
    assert_eq!(m.get(&K::Groups), Some(&2));
    assert_eq!(m.get(&K::Policies), Some(&1));
    iam.delete_user().user_name("u2").send().await.unwrap();
    iam.delete_group().group_name("g1").send().await.unwrap();
    let m = summary(&iam).await;
    assert_eq!(m.get(&K::Users), Some(&2));
    assert_eq!(m.get(&K::Groups), Some(&1));
}

#[tokio::test]
async fn standalone_account_has_no_organization_and_keeps_sts_preferences() {
    let s = crate::common::Server::start().await;
    let iam = s.iam();
    let err = iam.list_organizations_features().send().await.unwrap_err();
    assert_eq!(crate::common::code(&err), "OrganizationNotFoundException");
    iam.set_security_token_service_preferences()
        .global_endpoint_token_version(aws_sdk_iam::types::GlobalEndpointTokenVersion::V2Token)
        .send()
        .await
        .unwrap();
    let summary = iam.get_account_summary().send().await.unwrap();
    let map = summary.summary_map().unwrap();
    assert_eq!(
        map.get(&aws_sdk_iam::types::SummaryKeyType::GlobalEndpointTokenVersion),
        Some(&2)
    );
}

#[tokio::test]
async fn account_properties_round_trip_within_one_namespace() {
    let s = crate::common::Server::start().await;
    let iam = s.iam();
    iam.put_account_properties()
        .properties("RoleManager/Enabled", "true")
        .properties("RoleManager/MaxRoles", "10")
        .send()
        .await
        .unwrap();
    let got = iam.get_account_properties().send().await.unwrap();
    let props = got.properties().unwrap();
    assert_eq!(props.get("RoleManager/Enabled").map(String::as_str), Some("true"));
    assert_eq!(props.get("RoleManager/MaxRoles").map(String::as_str), Some("10"));
    let err = iam
        .put_account_properties()
        .properties("RoleManager/Enabled", "false")
        .properties("Other/Thing", "1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(crate::common::code(&err), "InvalidInput");
}
