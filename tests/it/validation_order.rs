//! Parameters are validated before the call is authorized, with AWS's texts: ARN parameters,
//! paths and path prefixes, GetUser without a name from non-user credentials, and the password
//! policy's NoSuchEntity texts. Sources are named per test (src/params.rs has the details).

use crate::common::{allow, code, message, Server};

const ACCOUNT: &str = "123456789012";

/// A user with no permissions at all: every call it may make must fail on validation first.
async fn nobody(s: &Server) -> aws_sdk_iam::Client {
    let (k, sk) = s.user_with_policy("nobody", None).await;
    s.iam_as(&k, &sk)
}

/// AWS-recorded: LocalStack test_iam.snapshot.json, test_role_attach_policy / test_user_attach_policy.
#[tokio::test]
async fn malformed_policy_arn_is_a_validation_error_even_without_permission() {
    let s = Server::start().await;
    s.iam().create_user().user_name("target").send().await.unwrap();
    for iam in [s.iam(), nobody(&s).await] {
        let err = iam
            .attach_user_policy()
            .user_name("target")
            .policy_arn("longpolicynamebutnoarn")
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError");
        assert_eq!(message(&err), "Invalid ARN:  Could not be parsed!");
    }
    let err = s
        .iam()
        .attach_user_policy()
        .user_name("target")
        .policy_arn(format!("arn:aws:iam::{ACCOUNT}:policy/missing"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(
        message(&err),
        format!("Policy arn:aws:iam::{ACCOUNT}:policy/missing does not exist or is not attachable.")
    );
    // A caller without permission still gets AccessDenied for a well-formed ARN.
    let err = nobody_again(&s)
        .await
        .get_policy()
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

async fn nobody_again(s: &Server) -> aws_sdk_iam::Client {
    let (k, sk) = s.user_with_policy("nobody2", None).await;
    s.iam_as(&k, &sk)
}

/// AWS-recorded: LocalStack test_sts.snapshot.json, test_sts_invalid_parameters.
#[tokio::test]
async fn assume_role_with_a_malformed_role_arn() {
    let s = Server::start().await;
    let (k, sk) = s.user_with_policy("caller", Some(&allow("sts:AssumeRole", "*"))).await;
    let sts = s.sts_as(&k, &sk, None);
    for arn in [
        "nothing-valid-in-here",
        "arn::b:::something/test-role",
        "arn:a::::something/test-role",
        "arn:a:::something/test-role",
        "arn:a:a::aaaaaaaaaa:",
    ] {
        let err = sts
            .assume_role()
            .role_arn(arn)
            .role_session_name("Session1")
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{arn}");
        assert_eq!(message(&err), format!("{arn} is invalid"));
    }
    // The model's own constraints come first.
    let err = sts
        .assume_role()
        .role_arn("arn:a:b:::something/test-role")
        .role_session_name("Session1:2")
        .send()
        .await
        .unwrap_err();
    assert!(message(&err).starts_with("1 validation error detected: Value 'Session1:2' at 'roleSessionName'"));
}

/// AWS-recorded: LocalStack test_iam.py test_get_user_without_username_as_role (AWS-validated).
#[tokio::test]
async fn get_user_without_a_name_from_a_role_session() {
    let s = Server::start().await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/caller"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = s
        .iam()
        .create_role()
        .role_name("reader")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    let (k, sk) = s.user_with_policy("caller", Some(&allow("sts:AssumeRole", "*"))).await;
    let creds = s
        .sts_as(&k, &sk, None)
        .assume_role()
        .role_arn(role.arn)
        .role_session_name("s1")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    // The role has no permissions: the parameter check still comes first.
    let iam = s.iam_as_session(&creds.access_key_id, &creds.secret_access_key, &creds.session_token);
    let err = iam.get_user().send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    assert_eq!(
        message(&err),
        "Must specify userName when calling with non-User credentials"
    );
}

/// AWS-recorded: the path sentence quoted in aws-cloudformation/cfn-lint#722 (`test/`) and moto's
/// test of `/test//test/`; the prefix sentence in aws/aws-cli#5860 and ansible amazon.aws#2065.
#[tokio::test]
async fn paths_and_path_prefixes() {
    let s = Server::start().await;
    let iam = nobody(&s).await;
    let sentence = "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.";
    for path in ["test/", "/test//test/", "/no-trailing"] {
        let err = iam.create_user().user_name("u").path(path).send().await.unwrap_err();
        assert_eq!(code(&err), "ValidationError", "{path}");
        assert_eq!(message(&err), sentence, "{path}");
    }
    let err = s
        .iam()
        .create_role()
        .role_name("r")
        .path("roles")
        .assume_role_policy_document("{}")
        .send()
        .await
        .unwrap_err();
    assert_eq!(message(&err), sentence);
    // A path that is too long gets the model's length message.
    let long = format!("/{}/", "b".repeat(511));
    let err = iam.create_user().user_name("u").path(long).send().await.unwrap_err();
    assert!(message(&err).contains("Member must have length less than or equal to 512"));
    // Other violations are reported alone, in the model's words.
    let err = iam
        .create_user()
        .user_name("bad name")
        .path("bad")
        .send()
        .await
        .unwrap_err();
    assert!(message(&err).starts_with("1 validation error detected: Value 'bad name' at 'userName'"));
    let prefix = "The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.";
    let err = iam.list_roles().path_prefix("example_path").send().await.unwrap_err();
    assert_eq!(message(&err), prefix);
    let err = s.iam().list_policies().path_prefix("/foo").send().await.unwrap_err();
    assert_eq!(message(&err), prefix);
}

/// AWS-recorded: elastic/cloudbeat#1751 and aws/aws-cli#7265 quote the GetAccountPasswordPolicy
/// text with the account id; DeleteAccountPasswordPolicy's text is moto's (unconfirmed).
#[tokio::test]
async fn password_policy_not_found_texts() {
    let s = Server::start().await;
    let err = s.iam().get_account_password_policy().send().await.unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(
        message(&err),
        format!("The Password Policy with domain name {ACCOUNT} cannot be found.")
    );
    let err = s.iam().delete_account_password_policy().send().await.unwrap_err();
    assert_eq!(
        message(&err),
        "The account policy with name PasswordPolicy cannot be found."
    );
}
