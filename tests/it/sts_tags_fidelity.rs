//! AssumeRole session tags as AWS checks them. AWS-recorded: LocalStack test_sts.snapshot.json,
//! test_assume_role_tag_validation and test_iam_role_chaining_override_transitive_tags.

use aws_sdk_sts::types::Tag;

use crate::common::{allow_actions, code, message, Server};

const ACCOUNT: &str = "123456789012";

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

/// Two roles trusting the whole account for AssumeRole (+ TagSession when `tag_session`); the
/// first may assume the second.
async fn roles(s: &Server, tag_session: bool) -> (String, String) {
    let actions = if tag_session {
        r#"["sts:AssumeRole","sts:TagSession"]"#
    } else {
        r#""sts:AssumeRole""#
    };
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Principal":{{"AWS":"{ACCOUNT}"}}}}]}}"#
    );
    let mut arns = Vec::new();
    for name in ["role-1", "role-2"] {
        let r = s
            .iam()
            .create_role()
            .role_name(name)
            .assume_role_policy_document(&trust)
            .send()
            .await
            .unwrap();
        arns.push(r.role.unwrap().arn);
    }
    s.iam()
        .put_role_policy()
        .role_name("role-1")
        .policy_name("chain")
        .policy_document(allow_actions(&["sts:AssumeRole", "sts:TagSession"], &arns[1]))
        .send()
        .await
        .unwrap();
    (arns[0].clone(), arns[1].clone())
}

async fn caller(s: &Server) -> aws_sdk_sts::Client {
    let (k, sk) = s
        .user_with_policy(
            "caller",
            Some(&allow_actions(&["sts:AssumeRole", "sts:TagSession"], "*")),
        )
        .await;
    s.sts_as(&k, &sk, None)
}

#[tokio::test]
async fn request_tag_rules() {
    let s = Server::start().await;
    let (role1, _) = roles(&s, true).await;
    let sts = caller(&s).await;
    let err = sts
        .assume_role()
        .role_arn(&role1)
        .role_session_name("SessionInvalidTransitiveKeys")
        .tags(tag("SessionTag1", "SessionValue1"))
        .transitive_tag_keys("InvalidKey")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "The specified transitive tag key must be included in the requested tags."
    );
    // Transitive keys match tags ignoring case.
    sts.assume_role()
        .role_arn(&role1)
        .role_session_name("SessionInvalidCasingTransitiveKeys")
        .tags(tag("SessionTag1", "SessionValue1"))
        .transitive_tag_keys("sessiontag1")
        .send()
        .await
        .unwrap();
    let err = sts
        .assume_role()
        .role_arn(&role1)
        .role_session_name("SessionInvalidCasingTransitiveKeys")
        .tags(tag("SessionTag1", "SessionValue1"))
        .tags(tag("sessiontag1", "SessionValue2"))
        .transitive_tag_keys("sessiontag1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    );
}

#[tokio::test]
async fn a_role_chain_cannot_override_a_transitive_tag() {
    let s = Server::start().await;
    let (role1, role2) = roles(&s, true).await;
    let creds = caller(&s)
        .await
        .assume_role()
        .role_arn(&role1)
        .role_session_name("Session1")
        .tags(tag("SessionTag1", "SessionValue1"))
        .transitive_tag_keys("SessionTag1")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let chained = s.sts_as(
        &creds.access_key_id,
        &creds.secret_access_key,
        Some(&creds.session_token),
    );
    for key in ["SessionTag1", "sessiontag1"] {
        let err = chained
            .assume_role()
            .role_arn(&role2)
            .role_session_name("Session2SessionTagOverride")
            .tags(tag(key, "SessionValue2"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue", "{key}");
        assert_eq!(
            message(&err),
            "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
        );
    }
    // Without an override the chain succeeds and the transitive tag passes on.
    let next = chained
        .assume_role()
        .role_arn(&role2)
        .role_session_name("Session2")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let again = s
        .sts_as(&next.access_key_id, &next.secret_access_key, Some(&next.session_token))
        .assume_role()
        .role_arn(&role2)
        .role_session_name("Session3")
        .tags(tag("SessionTag1", "x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&again),
        "InvalidParameterValue",
        "inherited transitive tags stay transitive"
    );
}

/// IAM User Guide, "Permissions required to add session tags": the trust policy must allow
/// sts:TagSession when tags are passed.
#[tokio::test]
async fn tags_need_sts_tag_session_in_the_trust_policy() {
    let s = Server::start().await;
    let (role1, _) = roles(&s, false).await;
    let sts = caller(&s).await;
    sts.assume_role()
        .role_arn(&role1)
        .role_session_name("plain")
        .send()
        .await
        .unwrap();
    let err = sts
        .assume_role()
        .role_arn(&role1)
        .role_session_name("tagged")
        .tags(tag("team", "a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert!(message(&err).contains("sts:TagSession"), "{}", message(&err));
}
