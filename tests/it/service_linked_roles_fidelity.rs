//! Service-linked roles as AWS names and builds them. AWS-recorded: LocalStack
//! test_iam.snapshot.json `test_service_role_lifecycle[*]`, `_custom_suffix[*]`,
//! `_custom_suffix_not_allowed[*]`. A taken name and deletion are covered in roles.rs.

use crate::common::{code, json, message, url_decode, Server};

#[tokio::test]
async fn recorded_names_paths_policies_and_trust() {
    let s = Server::start().await;
    let iam = s.iam();
    for (service, name, policy) in [
        (
            "acm.amazonaws.com",
            "AWSServiceRoleForCertificateManager",
            "CertificateManagerServiceRolePolicy",
        ),
        (
            "cks.kms.amazonaws.com",
            "AWSServiceRoleForKeyManagementServiceCustomKeyStores",
            "AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy",
        ),
        (
            "appmesh.amazonaws.com",
            "AWSServiceRoleForAppMesh",
            "AWSAppMeshServiceRolePolicy",
        ),
        (
            "cassandra.application-autoscaling.amazonaws.com",
            "AWSServiceRoleForApplicationAutoScaling_CassandraTable",
            "AWSApplicationAutoscalingCassandraTablePolicy",
        ),
    ] {
        let role = iam
            .create_service_linked_role()
            .aws_service_name(service)
            .send()
            .await
            .unwrap()
            .role
            .unwrap();
        assert_eq!(role.role_name(), name);
        assert_eq!(role.path(), format!("/aws-service-role/{service}/"));
        let trust = json(&url_decode(role.assume_role_policy_document().unwrap()));
        assert_eq!(
            trust,
            json(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
            ))
        );
        let attached = iam.list_attached_role_policies().role_name(name).send().await.unwrap();
        let arns: Vec<&str> = attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .collect();
        assert_eq!(
            arns,
            vec![format!("arn:aws:iam::aws:policy/aws-service-role/{policy}").as_str()]
        );
        let got = iam.get_role().role_name(name).send().await.unwrap().role.unwrap();
        assert_eq!(got.max_session_duration(), Some(3600));
    }
}

#[tokio::test]
async fn custom_suffixes() {
    let s = Server::start().await;
    let iam = s.iam();
    let role = iam
        .create_service_linked_role()
        .aws_service_name("autoscaling.amazonaws.com")
        .custom_suffix("blue")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name(), "AWSServiceRoleForAutoScaling_blue");
    for service in [
        "acm.amazonaws.com",
        "elasticbeanstalk.amazonaws.com",
        "batch.amazonaws.com",
    ] {
        let err = iam
            .create_service_linked_role()
            .aws_service_name(service)
            .custom_suffix("testsuffix")
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidInput");
        assert_eq!(message(&err), format!("Custom suffix is not allowed for {service}"));
    }
}

/// AWS's refusal for a service without service-linked roles, as quoted from AWS in public
/// projects (`bedrock-agentcore.amazonaws.com`, `account.amazonaws.com`).
#[tokio::test]
async fn unknown_services_are_refused() {
    let s = Server::start().await;
    let iam = s.iam();
    for service in ["OpenSearch.amazonaws.com", "my-new-thing.amazonaws.com", "notaservice"] {
        let err = iam
            .create_service_linked_role()
            .aws_service_name(service)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "AccessDenied");
        assert_eq!(
            message(&err),
            format!("Cannot find Service Linked Role template for {service}")
        );
    }
    // A service known only from an AWS managed policy that creates its role.
    let role = iam
        .create_service_linked_role()
        .aws_service_name("apprunner.amazonaws.com")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name(), "AWSServiceRoleForAppRunner");
}

/// AWS gives a few service-linked roles a description of its own when the request has none
/// (LocalStack's AWS-validated snapshot, `test_service_role_lifecycle[rds.amazonaws.com]`).
#[tokio::test]
async fn recorded_default_descriptions() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_service_linked_role()
        .aws_service_name("rds.amazonaws.com")
        .send()
        .await
        .unwrap();
    let role = iam
        .get_role()
        .role_name("AWSServiceRoleForRDS")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(
        role.description(),
        Some("Allows Amazon RDS to manage AWS resources on your behalf")
    );
    iam.create_service_linked_role()
        .aws_service_name("acm.amazonaws.com")
        .description("mine")
        .send()
        .await
        .unwrap();
    let role = iam
        .get_role()
        .role_name("AWSServiceRoleForCertificateManager")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.description(), Some("mine"));
}
