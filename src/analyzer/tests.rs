//! The check suite on documents: spans, each check, IAM agreement, AWS managed policies.

use super::*;
use crate::policy::spanned::Pos;

fn codes(doc: &str, t: PolicyType) -> Vec<&'static str> {
    validate(doc, t, None).into_iter().map(|f| f.issue_code).collect()
}

fn identity(doc: &str) -> Vec<&'static str> {
    codes(doc, PolicyType::Identity)
}

#[test]
fn aws_cli_example_sid_finding_matches_aws() {
    // The aws CLI's validate-policy example (a Cognito trust policy checked as RESOURCE_POLICY):
    // AWS's EMPTY_SID_VALUE finding, path and span as recorded there.
    let doc = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"\",\n            \"Effect\": \"Allow\",\n            \"Principal\": {\n                \"Federated\": \"cognito-identity.amazonaws.com\"\n            },\n            \"Action\": [\n                \"sts:AssumeRole\",\n                \"sts:TagSession\"\n            ],\n            \"Condition\": {\n                \"StringEquals\": {\n                    \"cognito-identity.amazonaws.com:aud\": \"us-west-2_EXAMPLE\"\n                }\n            }\n        }\n    ]\n}";
    let findings = validate(doc, PolicyType::Resource, None);
    let first = findings.first().unwrap();
    assert_eq!(first.issue_code, "EMPTY_SID_VALUE");
    assert_eq!(first.details, "Add a value to the empty string in the Sid element.");
    let json = first.to_json();
    assert_eq!(
        json["locations"][0],
        serde_json::json!({"path": [{"value": "Statement"}, {"index": 0}, {"value": "Sid"}],
            "span": {"end": {"column": 21, "line": 5, "offset": 81}, "start": {"column": 19, "line": 5, "offset": 79}}})
    );
    assert!(findings
        .iter()
        .all(|f| f.finding_type != FindingType::Error || f.issue_code != "JSON_SYNTAX_ERROR"));
}

#[test]
fn json_syntax_error_says_where() {
    let f = validate(
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}",
        PolicyType::Identity,
        None,
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].issue_code, "JSON_SYNTAX_ERROR");
    assert_eq!(f[0].details, "Fix the JSON syntax error at index 45 line 3 column 16.");
    assert_eq!(
        f[0].locations[0].span.start,
        Pos {
            line: 3,
            column: 16,
            offset: 45
        }
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(codes(&deep, PolicyType::Identity), ["JSON_SYNTAX_ERROR"]);
}

#[test]
fn pass_role_family() {
    let doc = |action: &str, res: &str| {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{action},{res}}}]}}"#)
    };
    assert_eq!(
        identity(&doc(r#""Action":"iam:PassRole""#, r#""Resource":"*""#)),
        ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    );
    assert_eq!(
        identity(&doc(r#""Action":"iam:*""#, r#""Resource":"*""#)),
        [
            "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
            "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE"
        ]
        .iter()
        .rev()
        .copied()
        .collect::<Vec<_>>()
    );
    assert_eq!(identity(&doc(r#""NotAction":"s3:*""#, r#""Resource":"*""#)).len(), 2);
    assert!(identity(&doc(r#""NotAction":"iam:*""#, r#""Resource":"*""#)).is_empty());
    assert_eq!(
        identity(&doc(
            r#""Action":"iam:PassRole""#,
            r#""NotResource":"arn:aws:iam::123456789012:role/x""#
        )),
        ["PASS_ROLE_WITH_NOT_RESOURCE"]
    );
    assert!(identity(&doc(
        r#""Action":"iam:PassRole""#,
        r#""Resource":"arn:aws:iam::123456789012:role/app""#
    ))
    .is_empty());
    let scoped = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}}"#;
    assert!(identity(scoped).is_empty());
    let deny = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}}"#;
    assert!(identity(deny).is_empty());
}

#[test]
fn structure_checks() {
    assert_eq!(
        identity(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#),
        ["MISSING_VERSION"]
    );
    assert_eq!(identity(r#"{"Version":"2012-10-17"}"#), ["MISSING_STATEMENT"]);
    assert_eq!(
        identity(r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#),
        ["INVALID_VERSION"]
    );
    assert_eq!(
        identity(r#"{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}}"#),
        ["INVALID_EFFECT"]
    );
    assert_eq!(
        identity(r#"{"Version":"2012-10-17","Statement":{"Action":"s3:GetObject","Resource":"*"}}"#),
        ["MISSING_EFFECT"]
    );
    assert_eq!(
        identity(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#),
        ["MISSING_ACTION"]
    );
    assert_eq!(
        identity(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#),
        ["MISSING_RESOURCE"]
    );
    assert_eq!(
        identity(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Foo":1}}"#
        ),
        ["INVALID_POLICY_ELEMENT"]
    );
    assert_eq!(
        identity(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}}"#
        ),
        ["UNSUPPORTED_ELEMENT_COMBINATION"]
    );
    assert_eq!(
        identity(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":"*"}}"#
        ),
        ["UNSUPPORTED_PRINCIPAL"]
    );
    assert_eq!(
        identity(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#
        ),
        ["UNIQUE_SIDS_REQUIRED"]
    );
    assert_eq!(
        identity(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"a b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#
        ),
        ["UNSUPPORTED_SID"]
    );
    // An empty action list: AWS's suggestion, and IAM's refusal as an ERROR (the backstop).
    assert_eq!(
        identity(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}"#),
        ["MISSING_ACTION", "EMPTY_ARRAY_ACTION"]
    );
}

#[test]
fn action_checks() {
    let doc =
        |a: &str| format!(r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":{a},"Resource":"*"}}}}"#);
    let f = validate(&doc(r#""s3:GetObjekt""#), PolicyType::Identity, None);
    assert_eq!(f[0].issue_code, "INVALID_ACTION");
    assert_eq!(
        f[0].details,
        "The action s3:GetObjekt does not exist. Did you mean s3:GetObject?"
    );
    let f = validate(&doc(r#""ec3:DescribeInstances""#), PolicyType::Identity, None);
    assert_eq!(
        f[0].details,
        "The service ec3 specified in the action does not exist. Did you mean ec2?"
    );
    // IAM refuses a wildcard in the vendor ("Vendor s* is not valid"), so it is an error too.
    assert_eq!(
        identity(&doc(r#""s*:GetObject""#)),
        ["WILDCARD_IN_SERVICE_NAME", "INVALID_ACTION"]
    );
    assert_eq!(identity(&doc(r#""GetObject""#)), ["INVALID_ACTION"]);
    let f = validate(
        &doc(r#"["s3:GetObject","s3:Get*","s3:GetObject"]"#),
        PolicyType::Identity,
        None,
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].issue_code, "REDUNDANT_ACTION");
    assert_eq!(f[0].details, "The 2 action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: s3:GetObject.");
    assert_eq!(f[0].locations.len(), 2);
}

#[test]
fn resource_checks() {
    let doc = |r: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{r}"}}}}"#
        )
    };
    assert_eq!(identity(&doc("bucket")), ["INVALID_ARN_PREFIX"]);
    assert_eq!(identity(&doc("arn:aws:s3")), ["MISSING_ARN_FIELD"]);
    assert_eq!(identity(&doc("arn:aws:S3:::b")), ["INVALID_ARN_SERVICE_CASE"]);
    assert_eq!(identity(&doc("arn:aws:sqs:us-east-1:1234:q")), ["INVALID_ARN_ACCOUNT"]);
    assert_eq!(
        identity(&doc("arn:aws:iam:us-east-1::user/x")),
        ["ARN_REGION_NOT_ALLOWED"]
    );
    assert_eq!(identity(&doc("arn:nope:s3:::b")), ["INVALID_PARTITION"]);
    assert!(identity(&doc("arn:aws:s3:::b/*")).is_empty());
}

#[test]
fn condition_checks() {
    let doc = |c: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{c}}}}}"#
        )
    };
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"aws:NoSuchKey":"x"}}"#)),
        ["INVALID_GLOBAL_CONDITION_KEY"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"s3:NoSuchKey":"x"}}"#)),
        ["INVALID_SERVICE_CONDITION_KEY"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"team":"x"}}"#)),
        ["INVALID_CONDITION_KEY_FORMAT"]
    );
    assert_eq!(
        identity(&doc(r#"{"NumericLessThan":{"aws:SourceIp":"3"}}"#)),
        ["TYPE_MISMATCH"]
    );
    assert_eq!(
        identity(&doc(r#"{"Bool":{"aws:SecureTransport":"yes"}}"#)),
        ["TYPE_MISMATCH_BOOLEAN"]
    );
    assert_eq!(
        identity(&doc(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#)),
        ["TYPE_MISMATCH_IP_RANGE"]
    );
    assert_eq!(
        identity(&doc(r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"abc"}}"#)),
        ["TYPE_MISMATCH_NUMBER"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"aws:username":"a*"}}"#)),
        ["WILDCARD_WITHOUT_LIKE_OPERATOR"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"aws:username":[]}}"#)),
        ["EMPTY_ARRAY_CONDITION"]
    );
    assert_eq!(identity(&doc(r#"{}"#)), ["EMPTY_OBJECT_CONDITION"]);
    assert_eq!(
        identity(&doc(r#"{"NullIfExists":{"aws:username":"true"}}"#)),
        ["NULL_WITH_IF_EXISTS"]
    );
    assert_eq!(
        identity(&doc(r#"{"ForAllValues:StringEquals":{"aws:username":"a"}}"#)),
        ["FORALLVALUES_WITH_SINGLE_VALUED_KEY"]
    );
    assert!(identity(&doc(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}"#)).is_empty());
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}"#)),
        ["DUPLICATE_KEYS_WITH_DIFFERENT_CASE"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEquals":{"aws:username":["a",1]}}"#)),
        ["INVALID_CONDITION_DATA_TYPE"]
    );
    assert_eq!(
        identity(&doc(
            r#"{"NumericEquals":{"aws:MultiFactorAuthAge":"${aws:username}"}}"#
        )),
        ["INVALID_VARIABLE_FOR_OPERATOR"]
    );
    assert_eq!(
        identity(&doc(r#"{"StringEqualz":{"aws:username":"a"}}"#)),
        ["INVALID_CONDITION_OPERATOR"]
    );
    // A bad date: AWS's warning, and IAM's refusal as an ERROR.
    assert_eq!(
        identity(&doc(r#"{"DateLessThan":{"aws:CurrentTime":"2024-13-01"}}"#)),
        ["DATA_TYPE_MISMATCH", "TYPE_MISMATCH_DATE"]
    );
}

#[test]
fn principal_checks_by_policy_type() {
    let doc = |p: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow",{p}"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}}}"#
        )
    };
    assert_eq!(codes(&doc(""), PolicyType::Resource), ["MISSING_PRINCIPAL"]);
    assert_eq!(
        codes(
            &doc(r#""NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"#),
            PolicyType::Resource
        ),
        ["ALLOW_WITH_NOT_PRINCIPAL"]
    );
    assert_eq!(
        codes(&doc(r#""Principal":{"Foo":"x"},"#), PolicyType::Resource),
        ["INVALID_PRINCIPAL_KEY"]
    );
    assert_eq!(
        codes(&doc(r#""Principal":"me","#), PolicyType::Resource),
        ["INVALID_PRINCIPAL_FORMAT"]
    );
    assert_eq!(
        codes(&doc(r#""Principal":{},"#), PolicyType::Resource),
        ["EMPTY_OBJECT_PRINCIPAL"]
    );
    assert_eq!(
        codes(&doc(r#""Principal":"*","#), PolicyType::ServiceControl),
        ["SCP_SYNTAX_ERROR_PRINCIPAL", "SCP_SYNTAX_ERROR_ALLOW_RESOURCE"]
    );
    let trust = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}"#;
    let found: Vec<_> = validate(trust, PolicyType::Resource, Some(ResourceType::RoleTrustPolicy))
        .into_iter()
        .map(|f| f.issue_code)
        .collect();
    assert_eq!(
        found,
        [
            "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"
        ]
    );
}

#[test]
fn scp_grammar() {
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Deny","Action":"s3:*Object","NotResource":"arn:aws:s3:::b"}]}"#;
    assert_eq!(
        codes(scp, PolicyType::ServiceControl),
        [
            "SCP_SYNTAX_ERROR_ALLOW_NOTACTION",
            "SCP_SYNTAX_ERROR_ALLOW_CONDITION",
            "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
            "SCP_SYNTAX_ERROR_NOTRESOURCE"
        ]
    );
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Deny","Action":[{}],"Resource":"*"}}}}"#,
        vec!["\"s3:GetObject\""; 500].join(",")
    );
    assert!(codes(&big, PolicyType::ServiceControl).contains(&"POLICY_SIZE_EXCEEDS_SCP_QUOTA"));
}

/// Every recorded IAM verdict: a document IAM refuses gets at least one ERROR finding.
#[test]
fn iam_refusals_are_errors() {
    let cases: serde_json::Value = serde_json::from_str(include_str!("../../tests/policy_grammar/cases.json")).unwrap();
    let mut checked = 0;
    for case in cases.as_array().unwrap() {
        let doc = case["document"].as_str().unwrap();
        // Managed documents are checked as identity policies: ValidatePolicy has no managed type,
        // and only a missing Version separates the two (a warning there).
        let (t, r, k) = match case["kind"].as_str().unwrap() {
            "Trust" => (
                PolicyType::Resource,
                Some(ResourceType::RoleTrustPolicy),
                crate::policy::PolicyKind::Trust,
            ),
            "Managed" | "Identity" => (PolicyType::Identity, None, crate::policy::PolicyKind::Identity),
            _ => continue,
        };
        if crate::policy::parse_policy(doc, k).is_err() {
            let f = validate(doc, t, r);
            assert!(f.iter().any(|f| f.finding_type == FindingType::Error), "{doc}");
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked}");
}

/// AWS's own managed policies: no ERROR finding (warnings and suggestions are allowed, as AWS
/// reports some for them too).
#[test]
fn managed_policies_have_no_errors() {
    let mut bad = Vec::new();
    for p in &crate::catalog::managed::catalog().policies {
        for f in validate(&p.document, PolicyType::Identity, None) {
            if f.finding_type == FindingType::Error {
                bad.push(format!("{}: {} {}", p.name, f.issue_code, f.details));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} errors, first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn pagination() {
    let doc = r#"{"Statement":[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;
    let all = validate(doc, PolicyType::Identity, None);
    assert_eq!(all.len(), 3);
    let p1 = request::page(&all, Some(2), None).unwrap();
    assert_eq!(p1.findings.len(), 2);
    let token = p1.next_token.unwrap();
    let p2 = request::page(&all, Some(2), Some(&token)).unwrap();
    assert_eq!(p2.findings.len(), 1);
    assert!(p2.next_token.is_none());
    assert!(request::page(&all, None, Some("bogus")).is_err());
    assert_eq!(request::page(&all, None, None).unwrap().findings.len(), 3);
}

/// A document near the 1 MiB body limit full of misspelt actions is answered quickly.
#[test]
fn huge_documents_stay_fast() {
    let actions: Vec<String> = (0..40_000).map(|i| format!("\"s3:GetObjekt{i}\"")).collect();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    );
    let started = std::time::Instant::now();
    let f = validate(&doc, PolicyType::Identity, None);
    assert_eq!(f.len(), 40_000);
    assert!(f.iter().any(|f| f.details.contains("Did you mean")));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}
