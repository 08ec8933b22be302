//! Validation tests: each MalformedPolicyDocument rule, and real AWS documents that must parse.

use super::*;

fn msg(text: &str, kind: PolicyKind) -> String {
    match parse_policy(text, kind) {
        Ok(_) => "OK".to_string(),
        Err(e) => e.message,
    }
}

fn stmt(body: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#)
}

const ALLOW_ALL: &str = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;

#[test]
fn syntax_errors() {
    for bad in [
        "",
        "not json",
        "[]",
        "{",
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2012-10-17","Statement":[]}"#,
        r#"{"Version":"2012-10-17","Statement":"x"}"#,
        r#"{"Version":"2012-10-17","Statement":[],"Extra":1}"#,
        r#"{"Version":2012,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","Bogus":1}"#),
        &stmt(r#"{"Effect":"allow","Action":"*","Resource":"*"}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}"#),
        &stmt(r#"{"Effect":"Allow","Action":5,"Resource":"*"}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Nope":{"aws:x":"1"}}}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"aws:x":"1"}}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"aws:x":"one"}}}"#),
        &stmt(r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:x":"true"}}}"#),
    ] {
        assert_eq!(msg(bad, PolicyKind::Identity), "Syntax errors in policy.", "{bad}");
    }
}

#[test]
fn element_rules() {
    let cases: &[(&str, PolicyKind, &str)] = &[
        (
            r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#,
            PolicyKind::Identity,
            "Policy document should not specify a principal.",
        ),
        (
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*"}"#,
            PolicyKind::Session,
            "Policy document should not specify a principal.",
        ),
        (
            r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#,
            PolicyKind::ServiceControl,
            "Policy document should not specify a principal.",
        ),
        (
            r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#,
            PolicyKind::Trust,
            "Missing required field Principal",
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
            PolicyKind::ResourceBased,
            "Missing required field Principal",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}"#,
            PolicyKind::Trust,
            "Has prohibited field Resource",
        ),
        (
            r#"{"Action":"*","Resource":"*"}"#,
            PolicyKind::Identity,
            "Missing required field Effect",
        ),
        (
            r#"{"Effect":"Allow","Resource":"*"}"#,
            PolicyKind::Identity,
            "Policy statement must contain actions.",
        ),
        (
            r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#,
            PolicyKind::Identity,
            "Policy statement must contain actions.",
        ),
        (
            r#"{"Effect":"Allow","Action":"*"}"#,
            PolicyKind::Boundary,
            "Policy statement must contain resources.",
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":[]}"#,
            PolicyKind::Identity,
            "Policy statement must contain resources.",
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"my-bucket"}"#,
            PolicyKind::Identity,
            "Resource my-bucket must be in ARN format or \"*\".",
        ),
        (
            r#"{"Effect":"Allow","Action":"getuser","Resource":"*"}"#,
            PolicyKind::Identity,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:get:user","Resource":"*"}"#,
            PolicyKind::Identity,
            "Actions/Condition can contain only one colon.",
        ),
        (
            r#"{"Effect":"Allow","Action":"i am:GetUser","Resource":"*"}"#,
            PolicyKind::Identity,
            "Vendor i am is not valid",
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}"#,
            PolicyKind::Identity,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            r#"{"Sid":"has space","Effect":"Allow","Action":"*","Resource":"*"}"#,
            PolicyKind::Identity,
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}"#,
            PolicyKind::Trust,
            "Invalid principal in policy: \"AWS\":\"alice\"",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/g"},"Action":"sts:AssumeRole"}"#,
            PolicyKind::Trust,
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:group/g\"",
        ),
        (
            r#"{"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"}"#,
            PolicyKind::Trust,
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!",
        ),
    ];
    for (body, kind, expected) in cases {
        assert_eq!(msg(&stmt(body), *kind), *expected, "{body}");
    }
}

#[test]
fn document_level_rules() {
    let dup = format!(
        r#"{{"Version":"2012-10-17","Statement":[{a},{a}]}}"#,
        a = r#"{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"}"#
    );
    assert_eq!(
        msg(&dup, PolicyKind::Identity),
        "Statement IDs (SID) in a single policy must be unique."
    );
    let bad_version = format!(r#"{{"Version":"2012-10-18","Statement":{ALLOW_ALL}}}"#);
    assert_eq!(
        msg(&bad_version, PolicyKind::Identity),
        "The policy failed legacy parsing"
    );
    for v in [r#""Version":"2008-10-17","#, ""] {
        let ok = format!(r#"{{{v}"Statement":{ALLOW_ALL}}}"#);
        assert_eq!(msg(&ok, PolicyKind::Identity), "OK");
    }
    // S3-style resource policies accept free-form Sids.
    let s3 = stmt(
        r#"{"Sid":"Allow get","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
    );
    assert_eq!(msg(&s3, PolicyKind::ResourceBased), "OK");
}

#[test]
fn aws_examples_parse() {
    let power_user = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
          "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions"], "Resource": "*"}
      ]}"#;
    let p = parse_policy(power_user, PolicyKind::Identity).unwrap();
    assert!(p.statements[0].not_action);
    let admin = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    parse_policy(admin, PolicyKind::Identity).unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#;
    let t = parse_policy(trust, PolicyKind::Trust).unwrap();
    assert_eq!(t.statements[0].principal.as_ref().unwrap().entries.len(), 2);
    let oidc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
                     "StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/*"}}}]}"#;
    parse_policy(oidc, PolicyKind::Trust).unwrap();
    let cross = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666",
          "arn:aws:sts::111122223333:assumed-role/R/s","arn:aws:iam::111122223333:user/path/u"]},
        "Action":["sts:AssumeRole","sts:TagSession"]}}"#;
    parse_policy(cross, PolicyKind::Trust).unwrap();
}

#[test]
fn statement_positions() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n    {\n      \"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"\n    }\n  ]\n}";
    let p = parse_policy(text, PolicyKind::Identity).unwrap();
    assert_eq!(p.statements[0].span.start, (4, 5));
    assert_eq!(p.statements[0].span.end, (4, 67));
    assert_eq!(p.statements[1].span.start, (5, 5));
    assert_eq!(p.statements[1].span.end, (7, 5));
    let b = p.statements[1].span;
    assert!(text[b.byte_start..b.byte_end].starts_with('{'));
    assert!(text[b.byte_start..b.byte_end].ends_with('}'));
}

#[test]
fn all_aws_managed_policies_parse() {
    let data = include_str!("../../compat/data/aws-managed-policies.json");
    let list: Vec<serde_json::Value> = serde_json::from_str(data).unwrap();
    assert_eq!(list.len(), 1568);
    let mut failures = Vec::new();
    for item in &list {
        let doc = &item["Document"];
        let text = match doc {
            serde_json::Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap(),
        };
        if let Err(e) = parse_policy(&text, PolicyKind::Identity) {
            failures.push(format!("{}: {}", item["PolicyName"], e.message));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}
