//! AWS Organizations over its JSON wire, SCPs on real calls, and the IAM/STS operations that
//! depend on an organization (centralized root access, AssumeRoot).

use std::time::SystemTime;

use serde_json::{json, Value};

use crate::common::*;

/// Calls an Organizations operation signed with `key`; returns (status, body).
async fn org(s: &Server, key: &str, op: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let mut req = sign_custom(
        &s.url(),
        "POST",
        "/",
        "organizations",
        "us-east-1",
        key,
        "test",
        body.as_bytes(),
        SystemTime::now(),
    );
    let headers = req.headers_mut();
    headers.insert(
        "x-amz-target",
        format!("AWSOrganizationsV20161128.{op}").parse().unwrap(),
    );
    let (status, text) = send(s.addr, req).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An organization managed by the configured account, with one created member account.
async fn organization_with_member(s: &Server) -> (String, String) {
    let (status, made) = org(s, "test", "CreateOrganization", json!({"FeatureSet": "ALL"})).await;
    assert_eq!(status, 200, "{made}");
    let (_, created) = org(
        s,
        "test",
        "CreateAccount",
        json!({"Email": "m@example.com", "AccountName": "member"}),
    )
    .await;
    let request = created["CreateAccountStatus"]["Id"].as_str().unwrap().to_string();
    let (_, status) = org(
        s,
        "test",
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": request}),
    )
    .await;
    let member = status["CreateAccountStatus"]["AccountId"].as_str().unwrap().to_string();
    let (_, roots) = org(s, "test", "ListRoots", json!({})).await;
    (roots["Roots"][0]["Id"].as_str().unwrap().to_string(), member)
}

/// Enables SCPs at `root` (once) and attaches a new SCP with `document` to `target`; its id.
async fn attach_scp(s: &Server, root: &str, target: &str, name: &str, document: &str) -> String {
    org(
        s,
        "test",
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    let (_, made) = org(
        s,
        "test",
        "CreatePolicy",
        json!({"Name": name, "Description": "d", "Type": "SERVICE_CONTROL_POLICY", "Content": document}),
    )
    .await;
    let id = made["Policy"]["PolicySummary"]["Id"].as_str().unwrap().to_string();
    let (status, body) = org(s, "test", "AttachPolicy", json!({"PolicyId": id, "TargetId": target})).await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test]
async fn organizations_errors_are_json() {
    let s = Server::start().await;
    let (status, body) = org(&s, "test", "DescribeOrganization", json!({})).await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("AWSOrganizationsNotInUseException"))
    );
    let (status, body) = org(&s, "test", "InviteAccountToOrganization", json!({})).await;
    assert_eq!((status, body["__type"].as_str()), (501, Some("NotImplemented")));
    organization_with_member(&s).await;
    let (_, again) = org(&s, "test", "CreateOrganization", json!({})).await;
    assert_eq!(again["__type"], "AlreadyInOrganizationException");
    let (_, missing) = org(&s, "test", "CreateAccount", json!({"AccountName": "x"})).await;
    assert_eq!(missing["__type"], "InvalidInputException");
}

#[tokio::test]
async fn scps_bound_member_accounts_root_included_but_never_the_management_account() {
    let s = Server::start().await;
    let (root, member) = organization_with_member(&s).await;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateGroup","Resource":"*"}]}"#;
    let id = attach_scp(&s, &root, &root, "NoGroups", deny).await;
    let member_root = s.iam_as(&member, "test");
    let denied = member_root.create_group().group_name("g").send().await.unwrap_err();
    assert_eq!(code(&denied), "AccessDenied");
    assert!(
        message(&denied).ends_with("with an explicit deny in a service control policy"),
        "{}",
        message(&denied)
    );
    member_root.create_user().user_name("u").send().await.unwrap();
    s.iam().create_group().group_name("g").send().await.unwrap();
    // Without FullAWSAccess nothing is allowed below the root; AWS keeps at least one SCP attached.
    let (_, last) = org(
        &s,
        "test",
        "DetachPolicy",
        json!({"PolicyId": "p-FullAWSAccess", "TargetId": member}),
    )
    .await;
    assert_eq!(last["__type"], "ConstraintViolationException");
    assert_eq!(last["Reason"], "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    org(&s, "test", "DetachPolicy", json!({"PolicyId": id, "TargetId": root})).await;
    member_root.create_group().group_name("g").send().await.unwrap();
}

#[tokio::test]
async fn centralized_root_access_and_assume_root() {
    let s = Server::start().await;
    let iam = s.iam();
    let not_found = iam.list_organizations_features().send().await.unwrap_err();
    assert_eq!(code(&not_found), "OrganizationNotFoundException");
    let (_, member) = organization_with_member(&s).await;
    let no_access = iam.enable_organizations_root_sessions().send().await.unwrap_err();
    assert_eq!(code(&no_access), "ServiceAccessNotEnabledException");
    org(
        &s,
        "test",
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "iam.amazonaws.com"}),
    )
    .await;
    let on = iam.enable_organizations_root_sessions().send().await.unwrap();
    assert_eq!(on.enabled_features(), [aws_sdk_iam::types::FeatureType::RootSessions]);
    let from_member = s
        .iam_as(&member, "test")
        .list_organizations_features()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&from_member),
        "AccountNotManagementOrDelegatedAdministratorException"
    );

    let (key, secret) = s.user_with_policy("admin", Some(&allow("sts:AssumeRoot", "*"))).await;
    let task = aws_sdk_sts::types::PolicyDescriptorType::builder()
        .arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
        .build();
    let sts = s.sts_as(&key, &secret, None);
    let out = sts
        .assume_root()
        .target_principal(&member)
        .task_policy_arn(task.clone())
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    let who = s
        .sts_as(c.access_key_id(), c.secret_access_key(), Some(c.session_token()))
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some(format!("arn:aws:iam::{member}:root").as_str()));
    // The task policy narrows the root session: auditing works, creating users does not.
    let root_session = s.iam_as_session(c.access_key_id(), c.secret_access_key(), c.session_token());
    root_session.get_account_summary().send().await.unwrap();
    assert_eq!(
        code(&root_session.create_user().user_name("x").send().await.unwrap_err()),
        "AccessDenied"
    );
    // Not for the management account itself, nor once root sessions are off.
    let own = sts
        .assume_root()
        .target_principal("123456789012")
        .task_policy_arn(task.clone())
        .send()
        .await;
    assert_eq!(code(&own.unwrap_err()), "AccessDenied");
    iam.disable_organizations_root_sessions().send().await.unwrap();
    let off = sts
        .assume_root()
        .target_principal(&member)
        .task_policy_arn(task)
        .send()
        .await;
    assert_eq!(code(&off.unwrap_err()), "AccessDenied");
}

#[tokio::test]
async fn rcps_bound_sts_on_member_accounts_roles() {
    let s = Server::start().await;
    let (root, member) = organization_with_member(&s).await;
    let (_, org_id) = org(&s, "test", "DescribeOrganization", json!({})).await;
    let org_id = org_id["Organization"]["Id"].as_str().unwrap().to_string();
    let outsider = "444444444444";
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::{outsider}:root","arn:aws:iam::123456789012:root"]}},"Action":"sts:AssumeRole"}}]}}"#
    );
    s.iam_as(&member, "test")
        .create_role()
        .role_name("shared")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let role = format!("arn:aws:iam::{member}:role/shared");
    let (status, _) = org(
        &s,
        "test",
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    )
    .await;
    assert_eq!(status, 200);
    // The RCP of AWS's data-perimeter examples: nobody outside the organization.
    let rcp = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*","Condition":{{"StringNotEqualsIfExists":{{"aws:PrincipalOrgID":"{org_id}"}}}}}}]}}"#
    );
    let (_, made) = org(
        &s,
        "test",
        "CreatePolicy",
        json!({"Name": "Perimeter", "Description": "d", "Type": "RESOURCE_CONTROL_POLICY", "Content": rcp}),
    )
    .await;
    let id = made["Policy"]["PolicySummary"]["Id"].as_str().unwrap().to_string();
    let (status, body) = org(&s, "test", "AttachPolicy", json!({"PolicyId": id, "TargetId": member})).await;
    assert_eq!(status, 200, "{body}");
    let assume = |key: String, secret: String| {
        let sts = s.sts_as(&key, &secret, None);
        let role = role.clone();
        async move { sts.assume_role().role_arn(role).role_session_name("rcp").send().await }
    };
    let (key, secret) = s
        .user_with_policy_in(outsider, "x", Some(&allow("sts:AssumeRole", "*")))
        .await;
    let denied = assume(key, secret).await.unwrap_err();
    assert_eq!(code(&denied), "AccessDenied");
    let (key, secret) = s.user_with_policy("insider", Some(&allow("sts:AssumeRole", "*"))).await;
    assume(key, secret).await.unwrap();
}

#[tokio::test]
async fn accounts_and_the_organization_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db").to_string_lossy().into_owned();
    let config = || localiam::config::Config {
        state: path.clone(),
        ..localiam::config::Config::default()
    };
    let s = Server::start_with(config()).await;
    let (root, member) = organization_with_member(&s).await;
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateGroup","Resource":"*"}]}"#;
    attach_scp(&s, &root, &member, "n", deny).await;
    s.iam_as("111111111111", "test")
        .create_user()
        .user_name("kept")
        .send()
        .await
        .unwrap();
    drop(s);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let s = Server::start_with(config()).await;
    s.iam_as("111111111111", "test")
        .get_user()
        .user_name("kept")
        .send()
        .await
        .unwrap();
    let (_, accounts) = org(&s, "test", "ListAccounts", json!({})).await;
    assert_eq!(accounts["Accounts"].as_array().map(Vec::len), Some(2));
    let member_root = s.iam_as(&member, "test");
    member_root
        .get_role()
        .role_name("OrganizationAccountAccessRole")
        .send()
        .await
        .unwrap();
    let denied = member_root.create_group().group_name("g").send().await.unwrap_err();
    assert!(
        message(&denied).ends_with("service control policy"),
        "{}",
        message(&denied)
    );
}

#[tokio::test]
async fn organizations_quotas() {
    let s = Server::start().await;
    let (root, member) = organization_with_member(&s).await;
    org(
        &s,
        "test",
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    let doc = |i: usize| {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"iam:Tag{i}","Resource":"*"}}]}}"#)
    };
    // FullAWSAccess plus four more is the limit of five per target.
    for i in 0..5 {
        let (_, made) = org(
            &s,
            "test",
            "CreatePolicy",
            json!({"Name": format!("p{i}"), "Description": "d", "Type": "SERVICE_CONTROL_POLICY", "Content": doc(i)}),
        )
        .await;
        let id = made["Policy"]["PolicySummary"]["Id"].as_str().unwrap().to_string();
        let (status, body) = org(&s, "test", "AttachPolicy", json!({"PolicyId": id, "TargetId": member})).await;
        if i < 4 {
            assert_eq!(status, 200, "{body}");
        } else {
            assert_eq!(
                (body["__type"].as_str(), body["Reason"].as_str()),
                (
                    Some("ConstraintViolationException"),
                    Some("POLICY_NUMBER_LIMIT_EXCEEDED")
                )
            );
        }
    }
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"iam:CreateUser","Resource":"{}"}}]}}"#,
        "x".repeat(5200)
    );
    let (_, too_big) = org(
        &s,
        "test",
        "CreatePolicy",
        json!({"Name": "big", "Description": "d", "Type": "SERVICE_CONTROL_POLICY", "Content": big}),
    )
    .await;
    assert_eq!(too_big["Reason"], "MAX_POLICY_SIZE_LIMIT_EXCEEDED");
    let mut parent = root;
    for depth in 1..=6 {
        let (_, made) = org(
            &s,
            "test",
            "CreateOrganizationalUnit",
            json!({"ParentId": parent, "Name": format!("d{depth}")}),
        )
        .await;
        if depth <= 5 {
            parent = made["OrganizationalUnit"]["Id"].as_str().unwrap().to_string();
        } else {
            assert_eq!(made["Reason"], "OU_DEPTH_LIMIT_EXCEEDED");
        }
    }
}

#[tokio::test]
async fn organizations_access_report_covers_the_accounts_below_an_entity() {
    let s = Server::start().await;
    let (root, member) = organization_with_member(&s).await;
    let (_, described) = org(&s, "test", "DescribeOrganization", json!({})).await;
    let org_id = described["Organization"]["Id"].as_str().unwrap().to_string();
    let member_iam = s.iam_as(&member, "test");
    let (key, secret) = s
        .user_with_policy_in(&member, "dev", Some(&allow("iam:GetUser", "*")))
        .await;
    s.iam_as(&key, &secret).get_user().send().await.unwrap();

    let iam = s.iam();
    let path = format!("{org_id}/{root}/{member}");
    let job = iam
        .generate_organizations_access_report()
        .entity_path(&path)
        .send()
        .await
        .unwrap();
    let report = iam
        .get_organizations_access_report()
        .job_id(job.job_id().unwrap())
        .max_items(1000)
        .sort_key(aws_sdk_iam::types::SortKeyType::LastAuthenticatedTimeDescending)
        .send()
        .await
        .unwrap();
    assert_eq!(report.job_status().as_str(), "COMPLETED");
    let details = report.access_details();
    let used: Vec<_> = details
        .iter()
        .filter(|d| d.last_authenticated_time().is_some())
        .collect();
    assert_eq!(used.len(), 1, "{details:?}");
    assert_eq!(used[0].service_namespace(), "iam");
    assert_eq!(details[0].service_namespace(), "iam", "newest first");
    assert_eq!(used[0].entity_path(), Some(path.as_str()));
    assert_eq!(used[0].total_authenticated_entities(), Some(1));
    assert!(report.number_of_services_accessible().unwrap() > 100);
    assert_eq!(
        report.number_of_services_not_accessed().unwrap(),
        report.number_of_services_accessible().unwrap() - 1
    );
    // A path outside the organization, and a member account asking, are refused.
    let bad = iam
        .generate_organizations_access_report()
        .entity_path("o-aaaaaaaaaa/r-zzzz")
        .send()
        .await;
    assert_eq!(code(&bad.unwrap_err()), "InvalidInput");
    let from_member = member_iam
        .generate_organizations_access_report()
        .entity_path(&path)
        .send()
        .await;
    assert_eq!(code(&from_member.unwrap_err()), "AccessDenied");
}
