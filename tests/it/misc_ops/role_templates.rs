//! Role templates: GetRoleTemplateVersion and AcquireRole.

use aws_sdk_iam::types::Tag;

use super::{values, ACCOUNT, BACKUP, POWER, ROTATION};
use crate::common::{allow_actions, code, message, status, Server};

#[tokio::test]
async fn get_role_template_version() {
    let s = Server::start().await;
    let iam = s.iam();
    let out = iam
        .get_role_template_version()
        .template_arn(POWER)
        .send()
        .await
        .unwrap();
    let t = out.role_template_version().unwrap();
    assert_eq!(t.template_name(), Some("PowerUserRoleTemplate"));
    assert_eq!(t.template_arn(), Some(POWER));
    assert_eq!(
        (t.major_version(), t.minor_version(), t.default_minor_version()),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(t.role_name_pattern(), Some("@{RoleName}"));
    assert_eq!(t.managed_policy_arns(), ["arn:aws:iam::aws:policy/PowerUserAccess"]);
    assert!(t
        .assume_role_policy_document_template()
        .unwrap()
        .contains("%40%7BAWSServiceName%7D"));
    let params: Vec<&str> = t.parameters_definition().iter().map(|p| p.name()).collect();
    assert_eq!(params, ["AWSServiceName", "RoleName"]);
    assert!(t.enabled() && t.version_enabled());

    let minor = iam
        .get_role_template_version()
        .template_arn(POWER)
        .minor_version(0)
        .send()
        .await
        .unwrap();
    assert_eq!(minor.role_template_version().unwrap().minor_version(), Some(0));
    let err = iam
        .get_role_template_version()
        .template_arn(POWER)
        .minor_version(7)
        .send()
        .await
        .unwrap_err();
    assert_eq!((code(&err).as_str(), status(&err)), ("NoSuchEntity", 404));
    assert_eq!(message(&err), format!("Role template not found in repository: {POWER}"));
    let unknown = "arn:aws:iam::aws:role-template/example.amazonaws.com/NoSuchTemplate:1";
    let err = iam
        .get_role_template_version()
        .template_arn(unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .get_role_template_version()
        .template_arn("not-an-arn-but-long-enough")
        .send()
        .await
        .unwrap_err();
    // ARN parameters are parsed before anything else, with IAM's "Could not be parsed" text.
    assert_eq!(code(&err), "ValidationError");

    let (key, secret) = s.user_with_policy("nobody", None).await;
    let err = s
        .iam_as(&key, &secret)
        .get_role_template_version()
        .template_arn(POWER)
        .send()
        .await
        .unwrap_err();
    assert_eq!((code(&err).as_str(), status(&err)), ("AccessDenied", 403));
    let (key, secret) = s
        .user_with_policy("reader", Some(&allow_actions(&["iam:GetRoleTemplateVersion"], POWER)))
        .await;
    s.iam_as(&key, &secret)
        .get_role_template_version()
        .template_arn(POWER)
        .send()
        .await
        .unwrap();
}

async fn acquire(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    pairs: &[(&str, &[&str])],
) -> Result<aws_sdk_iam::operation::acquire_role::AcquireRoleOutput, String> {
    iam.acquire_role()
        .template_arn(arn)
        .set_replacement_values(Some(values(pairs)))
        .send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

#[tokio::test]
async fn acquire_role_creates_reuses_and_protects() {
    let s = Server::start().await;
    let iam = s.iam();
    let lambda: &[(&str, &[&str])] = &[("RoleName", &["app"]), ("AWSServiceName", &["lambda.amazonaws.com"])];
    let out = acquire(&iam, POWER, lambda).await.unwrap();
    let role = out.role().unwrap();
    assert_eq!((role.role_name(), role.path()), ("app", "/"));
    assert_eq!(role.arn(), format!("arn:aws:iam::{ACCOUNT}:role/app"));
    assert!(role.role_id().starts_with("AROA"));
    assert!(role.description().is_none() && role.max_session_duration().is_none());
    let trust = role.assume_role_policy_document().unwrap();
    assert!(trust.contains("lambda.amazonaws.com"), "{trust}");
    let id = role.role_id().to_string();

    let got = iam.get_role().role_name("app").send().await.unwrap();
    let r = got.role().unwrap();
    assert_eq!(r.description(), Some("Power user role for lambda.amazonaws.com"));
    assert_eq!(r.max_session_duration(), Some(3600));
    let src = r.source_role_template().unwrap();
    assert_eq!((src.template_arn(), src.template_minor_version()), (POWER, 0));
    let attached = iam.list_attached_role_policies().role_name("app").send().await.unwrap();
    let arns: Vec<&str> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    assert_eq!(arns, ["arn:aws:iam::aws:policy/PowerUserAccess"]);

    // The same values again: the same role.
    let again = acquire(&iam, POWER, lambda).await.unwrap();
    assert_eq!(again.role().unwrap().role_id(), id);
    // A description change does not count as a modification.
    iam.update_role_description()
        .role_name("app")
        .description("mine")
        .send()
        .await
        .unwrap();
    assert_eq!(
        acquire(&iam, POWER, lambda).await.unwrap().role().unwrap().role_id(),
        id
    );

    // Different values under the same name.
    let ec2: &[(&str, &[&str])] = &[("RoleName", &["app"]), ("AWSServiceName", &["ec2.amazonaws.com"])];
    let err = acquire(&iam, POWER, ec2).await.unwrap_err();
    assert_eq!(
        err,
        "NameConflict: A role with this name exists but was created with different parameters. \
         Pass a unique roleName to create a new role."
    );
    let upper: &[(&str, &[&str])] = &[("RoleName", &["APP"]), ("AWSServiceName", &["lambda.amazonaws.com"])];
    assert!(acquire(&iam, POWER, upper)
        .await
        .unwrap_err()
        .starts_with("NameConflict:"));

    // Tags, attachments and the trust policy are managed; changing them unmanages the role.
    iam.tag_role()
        .role_name("app")
        .tags(Tag::builder().key("Owner").value("me").build().unwrap())
        .send()
        .await
        .unwrap();
    let err = acquire(&iam, POWER, lambda).await.unwrap_err();
    assert_eq!(
        err,
        "RoleModified: Role app has been modified since it was created and is no longer managed."
    );
    iam.untag_role()
        .role_name("app")
        .tag_keys("Owner")
        .send()
        .await
        .unwrap();
    assert_eq!(
        acquire(&iam, POWER, lambda).await.unwrap().role().unwrap().role_id(),
        id
    );
    iam.attach_role_policy()
        .role_name("app")
        .policy_arn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    assert!(acquire(&iam, POWER, lambda)
        .await
        .unwrap_err()
        .starts_with("RoleModified:"));
    iam.detach_role_policy()
        .role_name("app")
        .policy_arn("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        .send()
        .await
        .unwrap();
    // An equivalent trust policy in another shape is not a change.
    let reshaped = r#"{"Statement":{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]}},"Version":"2012-10-17"}"#;
    iam.update_assume_role_policy()
        .role_name("app")
        .policy_document(reshaped)
        .send()
        .await
        .unwrap();
    assert_eq!(
        acquire(&iam, POWER, lambda).await.unwrap().role().unwrap().role_id(),
        id
    );

    // A role of that name made otherwise.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("plain")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let plain: &[(&str, &[&str])] = &[("RoleName", &["plain"]), ("AWSServiceName", &["lambda.amazonaws.com"])];
    let err = acquire(&iam, POWER, plain).await.unwrap_err();
    assert!(
        err.starts_with(
            "NameConflict: A role with this name already exists in the account but was not created from this template."
        ),
        "{err}"
    );
    assert!(iam
        .get_role()
        .role_name("plain")
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .source_role_template()
        .is_none());
}

#[tokio::test]
async fn acquire_role_renders_defaults_paths_and_inline_policies() {
    let s = Server::start().await;
    let iam = s.iam();
    // RoleName defaults; the path and the account condition come from the template.
    let out = acquire(&iam, BACKUP, &[("accountId", &[ACCOUNT])]).await.unwrap();
    let role = out.role().unwrap();
    assert_eq!(
        (role.role_name(), role.path()),
        ("AWSBackupDefaultServiceRole", "/service-role/")
    );
    let trust = aws_smithy_types_decode(role.assume_role_policy_document().unwrap());
    assert!(
        trust.contains(&format!(r#""aws:SourceAccount":"{ACCOUNT}""#)),
        "{trust}"
    );
    let attached = iam
        .list_attached_role_policies()
        .role_name("AWSBackupDefaultServiceRole")
        .send()
        .await
        .unwrap();
    assert_eq!(attached.attached_policies().len(), 2);

    // Statements marked @Enabled follow their switch; a StringList becomes a list.
    let base: Vec<(&str, &[&str])> = vec![
        ("RoleName", &["rotation"]),
        ("accountId", &[ACCOUNT]),
        ("region", &["us-east-1"]),
        ("resourceType", &["probe"]),
    ];
    acquire(&iam, ROTATION, &base).await.unwrap();
    let doc = iam
        .get_role_policy()
        .role_name("rotation")
        .policy_name("SecretRotationPermissionPolicy")
        .send()
        .await
        .unwrap();
    let doc = aws_smithy_types_decode(doc.policy_document());
    assert!(
        doc.contains("AllowRotationAccessGeneric") && !doc.contains("KMSAccessForCustomerSecret"),
        "{doc}"
    );
    assert!(
        doc.contains("arn:aws:secretsmanager:us-east-1:123456789012:secret:*"),
        "{doc}"
    );
    assert!(!doc.contains("@Enabled"), "{doc}");

    let mut enabled = base.clone();
    enabled[0] = ("RoleName", &["rotation-kms"]);
    enabled.push(("CMK_ENABLED", &["true"]));
    enabled.push((
        "kmsKeyArn",
        &[
            "arn:aws:kms:us-east-1:123456789012:key/a",
            "arn:aws:kms:us-east-1:123456789012:key/b",
        ],
    ));
    acquire(&iam, ROTATION, &enabled).await.unwrap();
    let doc = iam
        .get_role_policy()
        .role_name("rotation-kms")
        .policy_name("SecretRotationPermissionPolicy")
        .send()
        .await
        .unwrap();
    let doc = aws_smithy_types_decode(doc.policy_document());
    assert!(
        doc.contains(
            r#""Resource":["arn:aws:kms:us-east-1:123456789012:key/a","arn:aws:kms:us-east-1:123456789012:key/b"]"#
        ),
        "{doc}"
    );
    // Enabled but its values missing: nothing to render with.
    let mut missing = base.clone();
    missing[0] = ("RoleName", &["rotation-missing"]);
    missing.push(("CMK_ENABLED", &["True"]));
    let err = acquire(&iam, ROTATION, &missing).await.unwrap_err();
    assert_eq!(
        err,
        "InvalidInput: Failed to render template: Parameter 'kmsKeyArn' not found."
    );
}

/// Policy documents come back URL-encoded.
fn aws_smithy_types_decode(doc: &str) -> String {
    percent_encoding::percent_decode_str(doc)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test]
async fn acquire_role_rejections() {
    let s = Server::start().await;
    let iam = s.iam();
    let err = acquire(&iam, POWER, &[("RoleName", &["x"])]).await.unwrap_err();
    assert_eq!(
        err,
        "InvalidInput: Failed to render template: Parameter 'AWSServiceName' not found."
    );
    let err = acquire(
        &iam,
        POWER,
        &[("AWSServiceName", &["lambda.amazonaws.com"]), ("Unused", &["v"])],
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        "InvalidInput: Failed to render template: Unrecognized parameter: Unused"
    );
    let err = acquire(
        &iam,
        POWER,
        &[("AWSServiceName", &["lambda.amazonaws.com", "ec2.amazonaws.com"])],
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        "ValidationError: AWSServiceName replacement value must contain exactly one value, got 2"
    );
    let err = acquire(&iam, POWER, &[("AWSServiceName", &["not-a-service"])])
        .await
        .unwrap_err();
    assert_eq!(
        err,
        r#"MalformedPolicyDocument: Invalid principal in policy: "SERVICE":"not-a-service""#
    );
    let err = acquire(
        &iam,
        POWER,
        &[
            ("RoleName", &["bad name!"]),
            ("AWSServiceName", &["lambda.amazonaws.com"]),
        ],
    )
    .await
    .unwrap_err();
    assert!(err.starts_with("ValidationError:"), "{err}");
    let err = iam
        .acquire_role()
        .template_arn(POWER)
        .template_minor_version(999)
        .set_replacement_values(Some(values(&[("AWSServiceName", &["lambda.amazonaws.com"])])))
        .send()
        .await
        .unwrap_err();
    assert_eq!((code(&err).as_str(), status(&err)), ("NoSuchEntity", 404));
    assert_eq!(message(&err), format!("Role template not found in repository: {POWER}"));
    let err = acquire(&iam, "arn:aws:iam::aws:role-template/x.amazonaws.com/Nope:1", &[])
        .await
        .unwrap_err();
    assert!(err.starts_with("NoSuchEntity:"), "{err}");
    // Nothing was created along the way.
    assert!(iam.list_roles().send().await.unwrap().roles().is_empty());
}

#[tokio::test]
async fn acquire_role_needs_each_underlying_permission() {
    let s = Server::start().await;
    let lambda: &[(&str, &[&str])] = &[("RoleName", &["svc"]), ("AWSServiceName", &["lambda.amazonaws.com"])];
    let (key, secret) = s.user_with_policy("nobody", None).await;
    let err = acquire(&s.iam_as(&key, &secret), POWER, lambda).await.unwrap_err();
    assert!(
        err.starts_with("AccessDenied:") && err.contains("iam:GetRoleTemplateVersion"),
        "{err}"
    );

    // Reading the template and creating the role, but not attaching its policy: nothing is left.
    let partial = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:GetRoleTemplateVersion","Resource":"{POWER}"}},{{"Effect":"Allow","Action":"iam:CreateRole","Resource":"*","Condition":{{"ArnEquals":{{"iam:RoleTemplateARN":"{POWER}"}}}}}}]}}"#
    );
    let (key, secret) = s.user_with_policy("partial", Some(&partial)).await;
    let err = acquire(&s.iam_as(&key, &secret), POWER, lambda).await.unwrap_err();
    assert!(
        err.starts_with("AccessDenied:") && err.contains("iam:AttachRolePolicy"),
        "{err}"
    );
    assert_eq!(
        code(&s.iam().get_role().role_name("svc").send().await.unwrap_err()),
        "NoSuchEntity"
    );

    let full = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:GetRoleTemplateVersion","Resource":"{POWER}"}},{{"Effect":"Allow","Action":["iam:CreateRole","iam:AttachRolePolicy","iam:GetRole"],"Resource":"*","Condition":{{"ArnEquals":{{"iam:RoleTemplateARN":"{POWER}"}}}}}}]}}"#
    );
    let (key, secret) = s.user_with_policy("builder", Some(&full)).await;
    let as_builder = s.iam_as(&key, &secret);
    let id = acquire(&as_builder, POWER, lambda)
        .await
        .unwrap()
        .role()
        .unwrap()
        .role_id()
        .to_string();
    assert_eq!(
        acquire(&as_builder, POWER, lambda)
            .await
            .unwrap()
            .role()
            .unwrap()
            .role_id(),
        id
    );
    // Outside a template acquisition the same grants do not apply.
    let err = as_builder.get_role().role_name("svc").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}
