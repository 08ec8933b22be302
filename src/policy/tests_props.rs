//! Property tests: wildcard matcher vs a regex oracle, round-trips, and parser robustness.
//! (Speed is measured by `benches/policy_eval.rs`, never asserted in a test.)

use proptest::prelude::*;
use regex::Regex;
use serde_json::{json, Value};

use super::matching::{Mode, Pattern};
use super::*;

/// Regex oracle. In ARN mode a `*` ending its colon-delimited segment may cross colons; any
/// other `*` or `?` stays inside the segment (IAM User Guide, Resource element).
fn oracle(pattern: &str, mode: Mode) -> Regex {
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("(?s)^");
    for (i, c) in chars.iter().enumerate() {
        match c {
            '*' if mode == Mode::Arn => {
                let mut j = i + 1;
                while chars.get(j) == Some(&'*') {
                    j += 1;
                }
                let ends = matches!(chars.get(j), None | Some(':'));
                re.push_str(if ends { ".*" } else { "[^:]*" });
            }
            '?' if mode == Mode::Arn => re.push_str("[^:]"),
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

fn check(pattern: &str, text: &str, mode: Mode) -> Result<(), TestCaseError> {
    let ctx = RequestContext::new();
    let ours = Pattern::compile(pattern, mode, false).matches(text, &ctx);
    let expected = oracle(pattern, mode).is_match(text);
    prop_assert_eq!(ours, Some(expected), "pattern {:?} text {:?}", pattern, text);
    Ok(())
}

fn statement_strategy() -> impl Strategy<Value = Value> {
    let action = prop::sample::select(vec![
        "*",
        "iam:*",
        "iam:GetUser",
        "s3:Get*",
        "ec2:?escribe*",
        "sts:AssumeRole",
    ]);
    let resource = prop::sample::select(vec![
        "*",
        "arn:aws:s3:::b/*",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "arn:aws:iam::*:role/a?c",
    ]);
    let op = prop::sample::select(vec![
        "StringEquals",
        "ForAnyValue:StringLike",
        "ForAllValues:StringNotEquals",
        "StringNotEqualsIfExists",
        "ArnLike",
        "Bool",
    ]);
    (
        prop::option::of("[A-Za-z0-9]{1,8}"),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(action, 1..4),
        any::<bool>(),
        prop::collection::vec(resource, 1..3),
        prop::option::of((
            op,
            "[a-z]{1,5}:[A-Za-z]{1,6}",
            prop::collection::vec("[a-z*]{0,6}", 1..3),
        )),
    )
        .prop_map(|(sid, allow, not_action, actions, not_res, resources, cond)| {
            let mut m = serde_json::Map::new();
            if let Some(s) = sid {
                m.insert("Sid".into(), json!(s));
            }
            m.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
            let a = if actions.len() == 1 {
                json!(actions[0])
            } else {
                json!(actions)
            };
            m.insert((if not_action { "NotAction" } else { "Action" }).into(), a);
            m.insert(
                (if not_res { "NotResource" } else { "Resource" }).into(),
                json!(resources),
            );
            if let Some((op, key, vals)) = cond {
                m.insert("Condition".into(), json!({ op: { key: vals } }));
            }
            Value::Object(m)
        })
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "Allow",
            "Deny",
            "*",
            "2012-10-17",
            "iam:GetUser",
            "arn:aws:s3:::b",
            "Effect",
            "Statement",
            "${aws:username}",
            "StringEquals",
            "",
            "${",
            "aws:x",
        ])
        .prop_map(|s| json!(s)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "Version",
            "Statement",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Principal",
            "NotPrincipal",
            "Condition",
            "Sid",
            "AWS",
            "StringLike",
            "ForAllValues:StringEquals",
            "Null",
            "aws:x",
            "Id",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn strip_spans(p: &Policy) -> Vec<Statement> {
    p.statements
        .iter()
        .map(|s| Statement {
            span: Span::default(),
            ..s.clone()
        })
        .collect()
}

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Managed,
    PolicyKind::Identity,
    PolicyKind::ResourceBased,
    PolicyKind::Trust,
    PolicyKind::Boundary,
    PolicyKind::ServiceControl,
    PolicyKind::Session,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn glob_agrees_with_regex(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
        check(&p, &t, Mode::Glob)?;
    }

    #[test]
    fn arn_glob_agrees_with_regex(p in "[a:*?]{0,9}", t in "[ab:]{0,10}") {
        check(&p, &t, Mode::Arn)?;
    }

    #[test]
    fn round_trip(statements in prop::collection::vec(statement_strategy(), 1..5), one in any::<bool>()) {
        let mut statements = statements;
        // Sids must be unique; drop duplicates rather than reject the case.
        let mut seen = std::collections::HashSet::new();
        for s in &mut statements {
            if let Some(sid) = s.get("Sid").and_then(Value::as_str).map(str::to_string) {
                if !seen.insert(sid) {
                    s.as_object_mut().unwrap().remove("Sid");
                }
            }
        }
        let st = if one && statements.len() == 1 { statements[0].clone() } else { json!(statements) };
        let text = serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": st})).unwrap();
        let first = parse_policy(&text, PolicyKind::Identity).unwrap();
        let again = parse_policy(&first.to_json(), PolicyKind::Identity).unwrap();
        prop_assert_eq!(first.to_json(), again.to_json());
        prop_assert_eq!(strip_spans(&first), strip_spans(&again));
        prop_assert_eq!(first.statements.len(), again.statements.len());
    }

    #[test]
    fn parser_never_panics_on_strings(s in "\\PC{0,200}") {
        for kind in KINDS {
            let _ = parse_policy(&s, kind);
        }
    }

    #[test]
    fn parser_never_panics_on_json(v in arbitrary_json()) {
        let text = v.to_string();
        for kind in KINDS {
            if let Ok(p) = parse_policy(&text, kind) {
                let _ = context_keys(&p);
            }
        }
    }
}
