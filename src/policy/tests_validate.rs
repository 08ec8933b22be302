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

/// One case of `tests/policy_grammar/cases.json`: a document, the kind it is sent as, and
/// AWS's verdict ("OK" or the MalformedPolicyDocument message), with where that verdict is from.
#[derive(serde::Deserialize)]
struct Case {
    name: String,
    kind: String,
    expect: String,
    source: String,
    document: String,
}

fn kind_named(name: &str) -> PolicyKind {
    match name {
        "Managed" => PolicyKind::Managed,
        "Identity" => PolicyKind::Identity,
        "Trust" => PolicyKind::Trust,
        "ResourceBased" => PolicyKind::ResourceBased,
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn grammar_corpus() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("../../tests/policy_grammar/cases.json")).unwrap();
    assert!(cases.len() >= 100);
    let mut wrong = Vec::new();
    for c in &cases {
        assert!(!c.source.is_empty(), "{}: every case names its source", c.name);
        let got = msg(&c.document, kind_named(&c.kind));
        if got != c.expect {
            wrong.push(format!("{}: want {:?}, got {:?}", c.name, c.expect, got));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases differ:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn kind_rules() {
    let cases: &[(&str, PolicyKind, &str)] = &[
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
            r#"{"Effect":"Allow","Action":"*"}"#,
            PolicyKind::Boundary,
            "Policy statement must contain resources.",
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
        (
            r#"{"Effect":"Allow","Principal":"everyone","Action":"sts:AssumeRole"}"#,
            PolicyKind::Trust,
            "Syntax errors in policy.",
        ),
    ];
    for (body, kind, expected) in cases {
        assert_eq!(msg(&stmt(body), *kind), *expected, "{body}");
    }
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
    // One column past each brace, as AWS counts (see validate.rs).
    assert_eq!(p.statements[0].span.start, (4, 6));
    assert_eq!(p.statements[0].span.end, (4, 68));
    assert_eq!(p.statements[1].span.start, (5, 6));
    assert_eq!(p.statements[1].span.end, (7, 6));
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
        for kind in [PolicyKind::Managed, PolicyKind::Identity] {
            if let Err(e) = parse_policy(&text, kind) {
                failures.push(format!("{} as {kind:?}: {}", item["PolicyName"], e.message));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

/// Rewrites a document in ways that do not change its meaning and that IAM accepts: statement
/// object ↔ one-element array, string ↔ one-element list, key order reversed, pretty or compact.
fn reshape(doc: &serde_json::Value, flips: &[bool]) -> String {
    use serde_json::Value;
    fn walk(v: &Value, flips: &[bool], depth: usize) -> Value {
        let flip = flips.get(depth % flips.len().max(1)).copied().unwrap_or(false);
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                if flip {
                    entries.reverse();
                }
                let mut out = serde_json::Map::new();
                for (k, v) in entries {
                    let v = walk(v, flips, depth + 1);
                    let v = match (k.as_str(), v) {
                        ("Action" | "NotAction" | "Resource" | "NotResource", Value::String(s)) if flip => {
                            Value::Array(vec![Value::String(s)])
                        }
                        ("Action" | "NotAction" | "Resource" | "NotResource", Value::Array(a))
                            if flip && a.len() == 1 =>
                        {
                            a.into_iter().next().unwrap_or(Value::Null)
                        }
                        ("Statement", Value::Object(o)) if flip => Value::Array(vec![Value::Object(o)]),
                        (_, v) => v,
                    };
                    out.insert(k.clone(), v);
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, flips, depth + 1)).collect()),
            other => other.clone(),
        }
    }
    let v = walk(doc, flips, 0);
    if flips.first().copied().unwrap_or(false) {
        serde_json::to_string_pretty(&v).unwrap()
    } else {
        v.to_string()
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// No AWS managed policy is ever refused, however it is laid out.
    #[test]
    fn aws_managed_policies_are_never_refused(
        index in 0usize..1568,
        flips in proptest::collection::vec(proptest::bool::ANY, 1..6),
    ) {
        static LIST: std::sync::OnceLock<Vec<serde_json::Value>> = std::sync::OnceLock::new();
        let list = LIST.get_or_init(|| {
            serde_json::from_str(include_str!("../../compat/data/aws-managed-policies.json")).unwrap()
        });
        let item = &list[index % list.len()];
        let text = reshape(&item["Document"], &flips);
        for kind in [PolicyKind::Managed, PolicyKind::Identity, PolicyKind::Boundary] {
            let result = parse_policy(&text, kind);
            proptest::prop_assert!(result.is_ok(), "{} as {:?}: {:?}", item["PolicyName"], kind, result.err());
        }
    }
}
