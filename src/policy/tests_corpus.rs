//! Runs the decision corpus in `tests/policy_corpus/*.json`.
//!
//! The directory comes from `POLICY_CORPUS_DIR` if set, else it is found relative to this
//! source file, which works both in the main crate and in out-of-tree scratch builds.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::*;

#[derive(Deserialize)]
struct CorpusFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    policies: Policies,
    #[serde(default)]
    request: Request,
    expect: Expect,
}

#[derive(Deserialize, Default)]
struct Policies {
    #[serde(default)]
    identity: Vec<Value>,
    #[serde(default)]
    boundary: Option<Value>,
    #[serde(default)]
    session: Vec<Value>,
    #[serde(default)]
    resource: Vec<Value>,
    #[serde(default)]
    resource_kind: Option<String>,
    #[serde(default)]
    scps: Vec<Vec<Value>>,
}

#[derive(Deserialize, Default)]
struct Request {
    principal: Option<String>,
    account: Option<String>,
    parent: Option<String>,
    caller_kind: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    resource_account: Option<String>,
    #[serde(default)]
    context: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
struct Expect {
    decision: String,
    #[serde(default)]
    sids: Option<Vec<String>>,
    #[serde(default)]
    denied_by: Option<String>,
    #[serde(default)]
    missing: Option<Vec<String>>,
}

fn corpus_dir() -> PathBuf {
    if let Ok(d) = std::env::var("POLICY_CORPUS_DIR") {
        return PathBuf::from(d);
    }
    let here = Path::new(file!());
    let root = here
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    root.join("tests").join("policy_corpus")
}

/// A policy given as an array is a Version 2012-10-17 statement list.
fn policy_text(v: &Value) -> String {
    match v {
        Value::Array(_) => serde_json::json!({"Version": "2012-10-17", "Statement": v}).to_string(),
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap(),
    }
}

fn parse_all(values: &[Value], kind: PolicyKind, case: &str) -> Vec<Policy> {
    values
        .iter()
        .map(|v| {
            parse_policy(&policy_text(v), kind)
                .unwrap_or_else(|e| panic!("{case}: policy failed to parse: {}", e.message))
        })
        .collect()
}

fn refs<'a>(ps: &'a [Policy], ids: &'a [String], prefix: usize) -> Vec<PolicyRef<'a>> {
    ps.iter()
        .enumerate()
        .map(|(i, p)| PolicyRef {
            id: ids.get(prefix + i).map_or("p", String::as_str),
            policy: p,
        })
        .collect()
}

fn run_case(file: &str, case: &Case) -> Result<(), String> {
    let name = format!("{file}::{}", case.name);
    let identity = parse_all(&case.policies.identity, PolicyKind::Identity, &name);
    let boundary = case
        .policies
        .boundary
        .as_ref()
        .map(|b| parse_all(std::slice::from_ref(b), PolicyKind::Boundary, &name));
    let session = parse_all(&case.policies.session, PolicyKind::Session, &name);
    let rkind = match case.policies.resource_kind.as_deref() {
        Some("Trust") => PolicyKind::Trust,
        _ => PolicyKind::ResourceBased,
    };
    let resource = parse_all(&case.policies.resource, rkind, &name);
    let scps: Vec<Vec<Policy>> = case
        .policies
        .scps
        .iter()
        .map(|l| parse_all(l, PolicyKind::ServiceControl, &name))
        .collect();
    let ids: Vec<String> = (0..64).map(|i| format!("p{i}")).collect();
    let refs = |ps, prefix| refs(ps, &ids, prefix);
    let set = PolicySet {
        identity: refs(&identity, 0),
        boundary: boundary.as_ref().and_then(|b| refs(b, 20).into_iter().next()),
        session: refs(&session, 30),
        resource: refs(&resource, 40),
        scps: scps.iter().map(|l| refs(l, 50)).collect(),
        rcps: Vec::new(),
    };
    let mut ctx = RequestContext::new();
    for (k, v) in &case.request.context {
        match v {
            Value::Array(a) => ctx.insert_all(
                k,
                a.iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)),
            ),
            Value::String(s) => ctx.insert(k, s.as_str()),
            other => ctx.insert(k, other.to_string()),
        }
    }
    let r = &case.request;
    let req = AuthzRequest {
        principal_arn: r.principal.as_deref().unwrap_or("arn:aws:iam::111122223333:user/alice"),
        principal_account: r.account.as_deref().unwrap_or("111122223333"),
        principal_parent_arn: r.parent.as_deref(),
        caller_kind: match r.caller_kind.as_deref() {
            Some("Service") => CallerKind::Service,
            Some("Federated") => CallerKind::Federated,
            _ => CallerKind::Aws,
        },
        action: r.action.as_deref().unwrap_or("iam:GetUser"),
        resource: r.resource.as_deref().unwrap_or("*"),
        resource_account: r.resource_account.as_deref(),
        context: &ctx,
    };
    let out = authorize(&req, &set);
    let decision = match out.decision {
        Decision::Allow => "Allow",
        Decision::ExplicitDeny => "ExplicitDeny",
        Decision::ImplicitDeny => "ImplicitDeny",
    };
    let mut problems = Vec::new();
    if decision != case.expect.decision {
        problems.push(format!("decision {decision}, expected {}", case.expect.decision));
    }
    if let Some(expected) = &case.expect.sids {
        let mut got: Vec<String> = out.matched.iter().filter_map(|m| m.sid.clone()).collect();
        got.sort();
        got.dedup();
        let mut want = expected.clone();
        want.sort();
        if got != want {
            problems.push(format!("sids {got:?}, expected {want:?}"));
        }
    }
    if let Some(expected) = &case.expect.denied_by {
        let got = out.denied_by.map(|d| format!("{d:?}"));
        if got.as_deref() != Some(expected.as_str()) {
            problems.push(format!("denied_by {got:?}, expected {expected}"));
        }
    }
    if let Some(expected) = &case.expect.missing {
        if &out.missing_context_keys != expected {
            problems.push(format!("missing {:?}, expected {expected:?}", out.missing_context_keys));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}

#[test]
fn policy_corpus() {
    let dir = corpus_dir();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &entries {
        let text = std::fs::read_to_string(path).unwrap();
        let file: CorpusFile = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fname = path.file_name().unwrap().to_string_lossy().to_string();
        for case in &file.cases {
            total += 1;
            if let Err(e) = run_case(&fname, case) {
                failures.push(e);
            }
        }
    }
    assert!(total >= 80, "only {total} corpus cases in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
