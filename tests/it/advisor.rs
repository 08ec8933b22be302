//! Credential report and Access Advisor, driven by real signed traffic.

use aws_sdk_iam::types::{AccessAdvisorUsageGranularityType, PolicyOwnerEntityType, PolicyType, ReportFormatType};

use crate::common::{code, Server};

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,\
access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,\
access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,\
cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

#[tokio::test]
async fn credential_report_lists_root_and_users() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = iam.get_credential_report().send().await.unwrap_err();
    assert_eq!(code(&err), "ReportNotPresent");

    let (key, secret) = s.user_with_key("alice").await;
    iam.create_login_profile()
        .user_name("alice")
        .password("Corr3ct-Horse")
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("bob").send().await.unwrap();
    // A real signed request records the key's last use.
    let _ = s.iam_as(&key, &secret).list_users().send().await;

    let g = iam.generate_credential_report().send().await.unwrap();
    assert_eq!(g.state.unwrap().as_str(), "STARTED");
    let g = iam.generate_credential_report().send().await.unwrap();
    assert_eq!(g.state.unwrap().as_str(), "COMPLETE");

    let r = iam.get_credential_report().send().await.unwrap();
    assert_eq!(r.report_format, Some(ReportFormatType::TextCsv));
    assert!(r.generated_time.is_some());
    let csv = String::from_utf8(r.content.unwrap().into_inner()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 4, "{csv}");
    let root: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(root.len(), 22);
    assert_eq!(root[0], "<root_account>");
    assert!(root[1].ends_with(":root"));
    assert_eq!(root[3], "not_supported");

    let alice: Vec<&str> = lines[2].split(',').collect();
    assert_eq!(alice.len(), 22);
    assert_eq!(alice[0], "alice");
    assert!(alice[1].ends_with(":user/alice"));
    assert!(alice[2].ends_with("+00:00"));
    assert_eq!(alice[3], "true");
    assert_eq!(alice[4], "no_information");
    assert!(alice[5].ends_with("+00:00"));
    assert_eq!(alice[7], "false");
    assert_eq!(alice[8], "true");
    assert!(alice[10].ends_with("+00:00"), "{}", lines[2]);
    assert_eq!(alice[11], "us-east-1");
    assert_eq!(alice[12], "iam");
    assert_eq!(
        &alice[13..],
        &["false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"]
    );

    let bob: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(&bob[3..9], &["false", "N/A", "N/A", "N/A", "false", "false"]);
}

#[tokio::test]
async fn access_advisor_reports_real_use() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("reader").await;
    let group = iam
        .create_group()
        .group_name("readers")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    iam.attach_group_policy()
        .group_name("readers")
        .policy_arn("arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("readers")
        .policy_name("who-am-i")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("readers")
        .user_name("reader")
        .send()
        .await
        .unwrap();
    s.iam_as(&key, &secret).list_users().send().await.unwrap();
    let user_arn = iam
        .get_user()
        .user_name("reader")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .arn;

    for arn in [user_arn.clone(), group.arn.clone()] {
        let (job, d) = crate::common::last_accessed(&iam, &arn).await;
        assert_eq!(d.job_status.as_str(), "COMPLETED");
        let svc = |ns: &str| {
            d.services_last_accessed
                .iter()
                .find(|x| x.service_namespace == ns)
                .unwrap_or_else(|| panic!("{ns} missing for {arn}"))
        };
        let iam_entry = svc("iam");
        assert!(iam_entry.last_authenticated.is_some());
        assert_eq!(iam_entry.last_authenticated_entity.as_deref(), Some(user_arn.as_str()));
        assert_eq!(iam_entry.last_authenticated_region.as_deref(), Some("us-east-1"));
        assert_eq!(iam_entry.total_authenticated_entities, Some(1));
        let sts_entry = svc("sts");
        assert!(sts_entry.last_authenticated.is_none());
        assert_eq!(sts_entry.total_authenticated_entities, Some(0));
        assert!(!d.services_last_accessed.iter().any(|x| x.service_namespace == "s3"));

        let e = iam
            .get_service_last_accessed_details_with_entities()
            .job_id(&job)
            .service_namespace("iam")
            .send()
            .await
            .unwrap();
        assert_eq!(e.entity_details_list.len(), 1);
        assert_eq!(e.entity_details_list[0].entity_info.as_ref().unwrap().name, "reader");
        assert!(e.entity_details_list[0].last_authenticated.is_some());
    }

    // Action level: ListUsers was used, GetRole was not.
    let job = iam
        .generate_service_last_accessed_details()
        .arn(&user_arn)
        .granularity(AccessAdvisorUsageGranularityType::ActionLevel)
        .send()
        .await
        .unwrap()
        .job_id
        .unwrap();
    let d = iam
        .get_service_last_accessed_details()
        .job_id(&job)
        .send()
        .await
        .unwrap();
    let tracked = d
        .services_last_accessed
        .iter()
        .find(|x| x.service_namespace == "iam")
        .unwrap()
        .tracked_actions_last_accessed
        .clone()
        .unwrap();
    let action = |n: &str| tracked.iter().find(|a| a.action_name.as_deref() == Some(n)).unwrap();
    assert!(action("ListUsers").last_accessed_time.is_some());
    assert!(action("GetRole").last_accessed_time.is_none());
    assert!(!tracked.iter().any(|a| a.action_name.as_deref() == Some("CreateUser")));

    let err = iam
        .get_service_last_accessed_details()
        .job_id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");

    let l = iam
        .list_policies_granting_service_access()
        .arn(&user_arn)
        .service_namespaces("iam")
        .service_namespaces("sts")
        .send()
        .await
        .unwrap();
    let by_ns = |ns: &str| {
        l.policies_granting_service_access
            .iter()
            .find(|e| e.service_namespace.as_deref() == Some(ns))
            .unwrap()
            .policies
            .clone()
            .unwrap()
    };
    let iam_policies = by_ns("iam");
    assert_eq!(iam_policies.len(), 1);
    assert_eq!(iam_policies[0].policy_name, "IAMReadOnlyAccess");
    assert_eq!(iam_policies[0].policy_type, PolicyType::Managed);
    assert_eq!(
        iam_policies[0].policy_arn.as_deref(),
        Some("arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    );
    let sts_policies = by_ns("sts");
    assert_eq!(sts_policies.len(), 1);
    assert_eq!(sts_policies[0].policy_type, PolicyType::Inline);
    assert_eq!(sts_policies[0].entity_type, Some(PolicyOwnerEntityType::Group));
    assert_eq!(sts_policies[0].entity_name.as_deref(), Some("readers"));
}
