//! Stand-alone operations: UpdateOpenIDConnectProvider (trusted identity propagation), the
//! Organizations access report, role templates (GetRoleTemplateVersion, AcquireRole) and STS
//! AssumeRoot, in a standalone account.

use aws_sdk_iam::types::ReplacementValueEntry;

use crate::common::{allow_actions, code, error_code, message, status, Server};

mod role_templates;

const ACCOUNT: &str = "123456789012";
const POWER: &str = "arn:aws:iam::aws:role-template/iam.amazonaws.com/PowerUserRoleTemplate:1";
const BACKUP: &str = "arn:aws:iam::aws:role-template/backup.amazonaws.com/AWSBackupDefaultServiceRoleTemplate:1";
const ROTATION: &str =
    "arn:aws:iam::aws:role-template/secretsmanager.amazonaws.com/AWSSecretsManagerRotationRoleTemplate:1";
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-1234567890abcdef";

fn values(pairs: &[(&str, &[&str])]) -> std::collections::HashMap<String, ReplacementValueEntry> {
    pairs
        .iter()
        .map(|(k, v)| {
            let mut e = ReplacementValueEntry::builder();
            for value in *v {
                e = e.values(*value);
            }
            (k.to_string(), e.build().unwrap())
        })
        .collect()
}

// UpdateOpenIDConnectProvider.

async fn oidc(s: &Server, url: &str) -> String {
    s.iam()
        .create_open_id_connect_provider()
        .url(url)
        .client_id_list("sts.amazonaws.com")
        .send()
        .await
        .unwrap()
        .open_id_connect_provider_arn()
        .unwrap()
        .to_string()
}

async fn update(s: &Server, key: &str, secret: &str, arn: &str, params: &str) -> (u16, String) {
    let body = format!("Action=UpdateOpenIDConnectProvider&Version=2010-05-08&OpenIDConnectProviderArn={arn}{params}");
    s.raw_signed("iam", key, secret, &body).await
}

async fn get_oidc(s: &Server, arn: &str) -> String {
    let body = format!("Action=GetOpenIDConnectProvider&Version=2010-05-08&OpenIDConnectProviderArn={arn}");
    let (st, body) = s.raw_signed("iam", "test", "test", &body).await;
    assert_eq!(st, 200, "{body}");
    body
}

const CP: &str = "&ContextProvider.SubjectSourceKey=sub&ContextProvider.SubjectTypeValue=user\
                  &ContextProvider.KeyDefinitionList.member.1.SourceKey=email\
                  &ContextProvider.KeyDefinitionList.member.1.TargetKey=mail";

#[tokio::test]
async fn oidc_context_provider_and_identity_center_lifecycle() {
    let s = Server::start().await;
    let arn = oidc(&s, "https://idp.example.com").await;
    let before = get_oidc(&s, &arn).await;
    assert!(!before.contains("<ContextProvider>"), "{before}");

    let (st, body) = update(&s, "test", "test", &arn, CP).await;
    assert_eq!(st, 200, "{body}");
    let got = get_oidc(&s, &arn).await;
    assert!(got.contains("<SubjectSourceKey>sub</SubjectSourceKey>"), "{got}");
    assert!(got.contains("<SubjectTypeValue>user</SubjectTypeValue>"), "{got}");
    assert!(got.contains("<SourceKey>email</SourceKey>"), "{got}");
    assert!(got.contains("<TargetKey>mail</TargetKey>"), "{got}");
    assert!(!got.contains("<IdentityCenterInstanceArn>"), "{got}");

    let (st, body) = update(
        &s,
        "test",
        "test",
        &arn,
        &format!("&IdentityCenterInstanceArn={INSTANCE}"),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let got = get_oidc(&s, &arn).await;
    assert!(
        got.contains(&format!(
            "<IdentityCenterInstanceArn>{INSTANCE}</IdentityCenterInstanceArn>"
        )),
        "{got}"
    );

    // The association must go first.
    let (st, body) = update(&s, "test", "test", &arn, "&RemoveContextProvider=true").await;
    assert_eq!((st, error_code(&body)), (400, "InvalidInput"), "{body}");
    let (st, body) = update(&s, "test", "test", &arn, "&RemoveIdentityCenterInstance=true").await;
    assert_eq!(st, 200, "{body}");
    assert!(!get_oidc(&s, &arn).await.contains("<IdentityCenterInstanceArn>"));
    let (st, body) = update(&s, "test", "test", &arn, "&RemoveContextProvider=true").await;
    assert_eq!(st, 200, "{body}");
    assert!(!get_oidc(&s, &arn).await.contains("<ContextProvider>"));

    // Deleting the provider deletes its configuration; a new provider of the same URL starts clean.
    update(&s, "test", "test", &arn, CP).await;
    s.iam()
        .delete_open_id_connect_provider()
        .open_id_connect_provider_arn(&arn)
        .send()
        .await
        .unwrap();
    let again = oidc(&s, "https://idp.example.com").await;
    assert!(!get_oidc(&s, &again).await.contains("<ContextProvider>"));
}

#[tokio::test]
async fn oidc_create_takes_a_context_provider() {
    let s = Server::start().await;
    let body = format!(
        "Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url=https://idp.example.com/x{CP}\
         &IdentityCenterInstanceArn={INSTANCE}"
    );
    let (st, out) = s.raw_signed("iam", "test", "test", &body).await;
    assert_eq!(st, 200, "{out}");
    let got = get_oidc(&s, "arn:aws:iam::123456789012:oidc-provider/idp.example.com/x").await;
    assert!(got.contains("<SubjectSourceKey>sub</SubjectSourceKey>"), "{got}");
    assert!(got.contains(INSTANCE), "{got}");
    // An association without a context provider is refused.
    let body = format!(
        "Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url=https://idp.example.com/y\
         &IdentityCenterInstanceArn={INSTANCE}"
    );
    let (st, out) = s.raw_signed("iam", "test", "test", &body).await;
    assert_eq!((st, error_code(&out)), (400, "InvalidInput"), "{out}");
}

#[tokio::test]
async fn oidc_update_rejections() {
    let s = Server::start().await;
    let arn = oidc(&s, "https://idp.example.com").await;
    let invalid = [
        format!("{CP}&RemoveContextProvider=true"),
        format!("&IdentityCenterInstanceArn={INSTANCE}&RemoveIdentityCenterInstance=true"),
        format!("{CP}&IdentityCenterInstanceArn={INSTANCE}"),
        "&RemoveContextProvider=true&RemoveIdentityCenterInstance=true".to_string(),
        // No context provider yet.
        format!("&IdentityCenterInstanceArn={INSTANCE}"),
        "&ContextProvider.SubjectSourceKey=bad%20%20key".to_string(),
        "&ContextProvider.SubjectSourceKey=ok&ContextProvider.SubjectTypeValue=u&ContextProvider.SubjectTypeSourceKey=t"
            .to_string(),
        // Nothing to change.
        String::new(),
        "&RemoveContextProvider=false".to_string(),
    ];
    for params in &invalid {
        let (st, body) = update(&s, "test", "test", &arn, params).await;
        assert_eq!((st, error_code(&body)), (400, "InvalidInput"), "{params}: {body}");
    }
    update(&s, "test", "test", &arn, CP).await;
    let (st, body) = update(
        &s,
        "test",
        "test",
        &arn,
        "&IdentityCenterInstanceArn=arn:aws:sso:::instance/nope",
    )
    .await;
    assert_eq!((st, error_code(&body)), (400, "InvalidInput"), "{body}");

    let missing = "arn:aws:iam::123456789012:oidc-provider/nobody.example.com";
    let (st, body) = update(&s, "test", "test", missing, CP).await;
    assert_eq!((st, error_code(&body)), (404, "NoSuchEntity"), "{body}");
    assert!(
        body.contains(&format!("OpenIDConnect Provider not found for arn {missing}")),
        "{body}"
    );

    let (key, secret) = s.user_with_policy("nobody", None).await;
    let (st, body) = update(&s, &key, &secret, &arn, "&RemoveContextProvider=true").await;
    assert_eq!((st, error_code(&body)), (403, "AccessDenied"), "{body}");
    assert!(body.contains("iam:UpdateOpenIDConnectProvider"), "{body}");

    // The trusted identity propagation condition keys reach the policy.
    let scoped = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:UpdateOpenIDConnectProvider","Resource":"*","Condition":{{"StringEquals":{{"iam:RequestIdentityCenterInstanceArn":"{INSTANCE}"}}}}}}]}}"#
    );
    let (key, secret) = s.user_with_policy("scoped", Some(&scoped)).await;
    let (st, body) = update(&s, &key, &secret, &arn, CP).await;
    assert_eq!((st, error_code(&body)), (403, "AccessDenied"), "{body}");
    let (st, body) = update(
        &s,
        &key,
        &secret,
        &arn,
        &format!("&IdentityCenterInstanceArn={INSTANCE}"),
    )
    .await;
    assert_eq!(st, 200, "{body}");
}

// Organizations access report.

#[tokio::test]
async fn organizations_access_report_in_a_standalone_account() {
    let s = Server::start().await;
    let iam = s.iam();
    let path = "o-a1b2c3d4e5/r-f6g7h8i9j0example/ou-rge0-awsabcde/123456789012";
    let err = iam
        .generate_organizations_access_report()
        .entity_path(path)
        .send()
        .await
        .unwrap_err();
    assert_eq!((code(&err).as_str(), status(&err)), ("AccessDenied", 403));
    assert_eq!(
        message(&err),
        format!(
            "User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: iam:GenerateOrganizationsAccessReport \
             on resource: arn:aws:iam::{ACCOUNT}:access-report/{path}"
        )
    );
    let err = iam
        .generate_organizations_access_report()
        .entity_path("not-a-path-at-all-xx")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ValidationError");

    let err = iam
        .get_organizations_access_report()
        .job_id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!((code(&err).as_str(), status(&err)), ("NoSuchEntity", 404));

    // Without permission the caller's own policies answer first, with the usual explanation.
    let (key, secret) = s.user_with_policy("nobody", None).await;
    let as_user = s.iam_as(&key, &secret);
    let err = as_user
        .generate_organizations_access_report()
        .entity_path(path)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert!(
        message(&err).contains("because no identity-based policy allows"),
        "{}",
        message(&err)
    );
    let err = as_user
        .get_organizations_access_report()
        .job_id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    // With permission (scoped by iam:OrganizationsPolicyId) the standalone answer is the same.
    let scoped = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GenerateOrganizationsAccessReport","Resource":"*","Condition":{"StringEquals":{"iam:OrganizationsPolicyId":"p-policy123"}}}]}"#;
    let (key, secret) = s.user_with_policy("reporter", Some(scoped)).await;
    let as_reporter = s.iam_as(&key, &secret);
    let err = as_reporter
        .generate_organizations_access_report()
        .entity_path(path)
        .organizations_policy_id("p-policy123")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert!(!message(&err).contains("because"), "{}", message(&err));
    let err = as_reporter
        .generate_organizations_access_report()
        .entity_path(path)
        .organizations_policy_id("p-otherpolicy")
        .send()
        .await
        .unwrap_err();
    assert!(
        message(&err).contains("because no identity-based policy allows"),
        "{}",
        message(&err)
    );
}

// AssumeRoot.

const AUDIT: &str = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";

async fn assume_root(sts: &aws_sdk_sts::Client, target: &str, policy: &str, duration: Option<i32>) -> (String, String) {
    let err = sts
        .assume_root()
        .target_principal(target)
        .task_policy_arn(aws_sdk_sts::types::PolicyDescriptorType::builder().arn(policy).build())
        .set_duration_seconds(duration)
        .send()
        .await
        .unwrap_err();
    (code(&err), message(&err))
}

#[tokio::test]
async fn assume_root_in_a_standalone_account() {
    let s = Server::start().await;
    let denied = |caller: &str| {
        format!("User: {caller} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{ACCOUNT}:root")
    };
    // The root user cannot call it.
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    assert_eq!(
        assume_root(&s.sts(), ACCOUNT, AUDIT, None).await,
        ("AccessDenied".to_string(), denied(&root))
    );
    // With sts:AssumeRoot allowed there is still no centralized root access to use.
    let (key, secret) = s
        .user_with_policy("admin", Some(&allow_actions(&["sts:AssumeRoot"], "*")))
        .await;
    let admin = s.sts_as(&key, &secret, None);
    let admin_arn = format!("arn:aws:iam::{ACCOUNT}:user/admin");
    assert_eq!(
        assume_root(&admin, ACCOUNT, AUDIT, Some(900)).await,
        ("AccessDenied".to_string(), denied(&admin_arn))
    );
    assert_eq!(
        assume_root(
            &admin,
            &root,
            "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
            None
        )
        .await,
        ("AccessDenied".to_string(), denied(&admin_arn))
    );
    // Without permission: the same bare answer.
    let (key, secret) = s.user_with_policy("nobody", None).await;
    let nobody_arn = format!("arn:aws:iam::{ACCOUNT}:user/nobody");
    assert_eq!(
        assume_root(&s.sts_as(&key, &secret, None), ACCOUNT, AUDIT, None).await,
        ("AccessDenied".to_string(), denied(&nobody_arn))
    );

    // Input validation, with AWS's messages.
    assert_eq!(
        assume_root(&admin, ACCOUNT, "arn:aws:iam::aws:policy/ReadOnlyAccess", None).await,
        (
            "ValidationError".to_string(),
            "Request must contain valid AWS managed task policy ARN".to_string()
        )
    );
    assert_eq!(
        assume_root(&admin, &admin_arn, AUDIT, None).await,
        (
            "ValidationError".to_string(),
            "Request must contain a valid target principal".to_string()
        )
    );
    let (c, m) = assume_root(&admin, ACCOUNT, AUDIT, Some(901)).await;
    assert_eq!(c, "ValidationError");
    assert!(m.contains("less than or equal to 900"), "{m}");
}
