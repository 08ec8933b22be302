//! The policy simulator and the context-key listings.

use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum};

use crate::common::Server;

#[tokio::test]
async fn principal_simulation_follows_group_policies() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_group().group_name("PowerUsers").send().await.unwrap();
    iam.attach_group_policy()
        .group_name("PowerUsers")
        .policy_arn("arn:aws:iam::aws:policy/PowerUserAccess")
        .send()
        .await
        .unwrap();
    let user = iam.create_user().user_name("mary").send().await.unwrap().user.unwrap();
    iam.add_user_to_group()
        .group_name("PowerUsers")
        .user_name("mary")
        .send()
        .await
        .unwrap();
    let out = iam
        .simulate_principal_policy()
        .policy_source_arn(&user.arn)
        .action_names("s3:GetObject")
        .action_names("iam:ListUsers")
        .send()
        .await
        .unwrap();
    let results = out.evaluation_results();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].eval_decision().as_str(), "allowed");
    let m = &results[0].matched_statements()[0];
    assert_eq!(m.source_policy_id(), Some("PowerUserAccess"));
    assert_eq!(m.source_policy_type().map(|t| t.as_str()), Some("IAM Policy"));
    assert_eq!(results[1].eval_decision().as_str(), "implicitDeny");
}

/// LocalStack's AWS-validated snapshot `test_simulate_principle_policy[user]`: the same policy
/// text, the same positions, `IAM Policy`, an empty EvalDecisionDetails and the organizations detail.
#[tokio::test]
async fn principal_simulation_answers_as_recorded() {
    let s = Server::start().await;
    let iam = s.iam();
    let doc = r#"{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}"#;
    let arn = iam
        .create_policy()
        .policy_name("put")
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let user = iam.create_user().user_name("sim").send().await.unwrap().user.unwrap();
    iam.attach_user_policy()
        .user_name("sim")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let out = iam
        .simulate_principal_policy()
        .policy_source_arn(&user.arn)
        .action_names("s3:PutObject")
        .action_names("s3:GetObjectVersion")
        .resource_arns("arn:aws:s3:::bucket")
        .send()
        .await
        .unwrap();
    let r = &out.evaluation_results()[0];
    assert_eq!(r.eval_decision().as_str(), "allowed");
    let m = &r.matched_statements()[0];
    assert_eq!(m.source_policy_type().map(|t| t.as_str()), Some("IAM Policy"));
    let (start, end) = (m.start_position().unwrap(), m.end_position().unwrap());
    assert_eq!((start.line(), start.column()), (1, 41));
    assert_eq!((end.line(), end.column()), (1, 113));
    assert!(r.eval_decision_details().is_some_and(|d| d.is_empty()));
    assert_eq!(
        r.organizations_decision_detail().map(|o| o.allowed_by_organizations()),
        Some(true)
    );
    assert!(r.permissions_boundary_decision_detail().is_none());
    let specific = &r.resource_specific_results()[0];
    assert!(specific.eval_decision_details().is_none());
    assert_eq!(out.evaluation_results()[1].eval_decision().as_str(), "implicitDeny");
}

#[tokio::test]
async fn custom_simulation_with_conditions_and_context() {
    let s = Server::start().await;
    let iam = s.iam();
    let doc = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Office","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
        {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;
    let run = |ip: Option<&'static str>, action: &'static str| {
        let mut req = iam.simulate_custom_policy().policy_input_list(doc).action_names(action);
        if let Some(ip) = ip {
            req = req.context_entries(
                ContextEntry::builder()
                    .context_key_name("aws:SourceIp")
                    .context_key_type(ContextKeyTypeEnum::Ip)
                    .context_key_values(ip)
                    .build(),
            );
        }
        req.send()
    };
    let inside = run(Some("10.1.2.3"), "s3:GetObject").await.unwrap();
    assert_eq!(inside.evaluation_results()[0].eval_decision().as_str(), "allowed");
    let outside = run(Some("192.0.2.1"), "s3:GetObject").await.unwrap();
    assert_eq!(outside.evaluation_results()[0].eval_decision().as_str(), "implicitDeny");
    let missing = run(None, "s3:GetObject").await.unwrap();
    let r = &missing.evaluation_results()[0];
    assert_eq!(r.eval_decision().as_str(), "implicitDeny");
    assert_eq!(r.missing_context_values(), ["aws:SourceIp"]);
    let deny = run(Some("10.1.2.3"), "s3:DeleteBucket").await.unwrap();
    assert_eq!(deny.evaluation_results()[0].eval_decision().as_str(), "explicitDeny");

    let keys = iam
        .get_context_keys_for_custom_policy()
        .policy_input_list(doc)
        .send()
        .await
        .unwrap();
    assert_eq!(keys.context_key_names(), ["aws:SourceIp"]);
}

/// Cross-account SimulateCustomPolicy: a caller of another account needs both its identity
/// policy and the resource policy; ResourceOwner (or the resource ARN) names the owner, and
/// without it the resource is the caller's own (API reference, ResourceOwner and CallerArn).
#[tokio::test]
async fn custom_simulation_across_accounts() {
    let s = Server::start().await;
    let iam = s.iam();
    let caller = "arn:aws:iam::111122223333:user/alice";
    let identity = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
    let nothing = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}"#;
    let resource_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"{caller}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}}}}"#
    );
    let run = |identity: &'static str, owner: Option<&'static str>| {
        let mut req = iam
            .simulate_custom_policy()
            .policy_input_list(identity)
            .action_names("s3:GetObject")
            .resource_arns("arn:aws:s3:::shared/key")
            .resource_policy(resource_policy.clone())
            .caller_arn(caller);
        if let Some(owner) = owner {
            req = req.resource_owner(owner);
        }
        async move {
            req.send().await.unwrap().evaluation_results()[0]
                .eval_decision()
                .as_str()
                .to_string()
        }
    };
    let owner = Some("arn:aws:iam::444455556666:root");
    assert_eq!(run(identity, owner).await, "allowed", "both sides allow");
    assert_eq!(
        run(nothing, owner).await,
        "implicitDeny",
        "the caller's account does not allow it"
    );
    assert_eq!(
        run(nothing, None).await,
        "allowed",
        "same account: the resource policy suffices"
    );
}
