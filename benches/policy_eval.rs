//! Authorization of one call for a user whose groups carry PowerUserAccess plus ten customer
//! policies with conditions: the per-decision cost of enforcement (goal: p99 ≤ 20 µs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use localiam::policy::{self, AuthzRequest, PolicyKind, PolicyRef, PolicySet, RequestContext};

fn power_user_access() -> String {
    let data = include_str!("../compat/data/aws-managed-policies.json");
    let all: serde_json::Value = serde_json::from_str(data).unwrap();
    let p = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["PolicyName"] == "PowerUserAccess")
        .unwrap();
    p["Document"].to_string()
}

fn customer_policy(i: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
          {{"Sid":"Team{i}","Effect":"Allow","Action":["s3:Get*","s3:List*","dynamodb:Query"],
            "Resource":["arn:aws:s3:::team-{i}-*","arn:aws:dynamodb:*:123456789012:table/t{i}"],
            "Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"t{i}"}},"IpAddress":{{"aws:SourceIp":["10.{i}.0.0/16","192.168.0.0/16"]}}}}}},
          {{"Sid":"DenyOutsideHours{i}","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",
            "Condition":{{"DateGreaterThan":{{"aws:CurrentTime":"2030-01-01T00:00:00Z"}},"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

fn bench(c: &mut Criterion) {
    let mut docs = vec![power_user_access()];
    docs.extend((0..10).map(customer_policy));
    let parsed: Vec<policy::Policy> = docs
        .iter()
        .map(|d| policy::parse_policy(d, PolicyKind::Identity).unwrap())
        .collect();
    let ids: Vec<String> = (0..parsed.len()).map(|i| format!("policy-{i}")).collect();
    let set = PolicySet {
        identity: parsed
            .iter()
            .zip(&ids)
            .map(|(p, id)| PolicyRef { id, policy: p })
            .collect(),
        ..PolicySet::default()
    };
    let mut ctx = RequestContext::new();
    ctx.insert("aws:username", "mary");
    ctx.insert("aws:PrincipalTag/team", "t3");
    ctx.insert("aws:SourceIp", "10.3.4.5");
    ctx.insert("aws:CurrentTime", "2026-11-25T12:00:00Z");
    ctx.insert("aws:SecureTransport", "false");
    let caller = "arn:aws:iam::123456789012:user/mary";
    c.bench_function("authorize iam:CreateUser (denied by NotAction)", |b| {
        b.iter(|| {
            let req = AuthzRequest::new(
                caller,
                "123456789012",
                "iam:CreateUser",
                "arn:aws:iam::123456789012:user/x",
                &ctx,
            );
            black_box(policy::authorize(&req, &set))
        })
    });
    c.bench_function("authorize s3:GetObject (allowed)", |b| {
        b.iter(|| {
            let req = AuthzRequest::new(
                caller,
                "123456789012",
                "s3:GetObject",
                "arn:aws:s3:::team-3-data/key",
                &ctx,
            );
            black_box(policy::authorize(&req, &set))
        })
    });
    // Criterion reports means; the goal is about the tail, so time single decisions too.
    let mut samples: Vec<u128> = (0..200_000)
        .map(|i| {
            let action = if i % 2 == 0 { "iam:CreateUser" } else { "s3:GetObject" };
            let start = std::time::Instant::now();
            let req = AuthzRequest::new(caller, "123456789012", action, "arn:aws:s3:::team-3-data/key", &ctx);
            black_box(policy::authorize(&req, &set));
            start.elapsed().as_nanos()
        })
        .collect();
    samples.sort_unstable();
    let pct = |p: usize| samples[samples.len() * p / 100] as f64 / 1000.0;
    println!(
        "single decisions (200,000): p50 {:.2} µs, p99 {:.2} µs, max {:.2} µs",
        pct(50),
        pct(99),
        samples[samples.len() - 1] as f64 / 1000.0
    );
    // A member account two OUs below the root: FullAWSAccess on every level, a deny of user
    // management on the first OU and a region fence on the second (the shapes AWS's SCP examples use).
    let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let no_users = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}"#;
    let regions = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}"#;
    let scp = |d: &str| policy::parse_policy(d, PolicyKind::ServiceControl).unwrap();
    let (full, no_users, regions) = (scp(full), scp(no_users), scp(regions));
    let level = |ps: &[&'static str]| ps.to_vec();
    let names = [
        level(&["p-FullAWSAccess"]),
        level(&["p-FullAWSAccess", "p-nousers"]),
        level(&["p-FullAWSAccess", "p-regions"]),
        level(&["p-FullAWSAccess"]),
    ];
    let docs_of = |id: &str| match id {
        "p-nousers" => &no_users,
        "p-regions" => &regions,
        _ => &full,
    };
    let with_scps = PolicySet {
        scps: names
            .iter()
            .map(|l| {
                l.iter()
                    .map(|id| PolicyRef {
                        id,
                        policy: docs_of(id),
                    })
                    .collect()
            })
            .collect(),
        ..set.clone()
    };
    let mut scp_ctx = ctx.clone();
    scp_ctx.insert("aws:RequestedRegion", "us-east-1");
    for (name, s) in [
        ("authorize s3:GetObject, no SCPs", &set),
        ("authorize s3:GetObject, SCPs root + 2 OUs + account", &with_scps),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let req = AuthzRequest::new(
                    caller,
                    "123456789012",
                    "s3:GetObject",
                    "arn:aws:s3:::team-3-data/key",
                    &scp_ctx,
                );
                black_box(policy::authorize(&req, s))
            })
        });
    }
    // What enforcement adds before the engine: finding the account's levels in the organization.
    let mut org = localiam::organizations::state::Organization {
        id: "o-abcdefghij".into(),
        management: "111111111111".into(),
        root_id: "r-abcd".into(),
        enabled_types: vec!["SERVICE_CONTROL_POLICY".into()],
        ..Default::default()
    };
    for (id, parent) in [("ou-abcd-11111111", "r-abcd"), ("ou-abcd-22222222", "ou-abcd-11111111")] {
        org.units.push(localiam::organizations::state::Unit {
            id: id.into(),
            name: id.into(),
            parent: parent.into(),
        });
    }
    org.accounts.push(localiam::organizations::state::OrgAccount {
        id: "123456789012".into(),
        parent: "ou-abcd-22222222".into(),
        ..Default::default()
    });
    for target in ["r-abcd", "ou-abcd-11111111", "ou-abcd-22222222", "123456789012"] {
        org.attachments.push(("p-FullAWSAccess".into(), target.into()));
    }
    c.bench_function("Organization::scp_levels, root + 2 OUs + account", |b| {
        b.iter(|| black_box(org.scp_levels(black_box("123456789012"))))
    });
    c.bench_function("parse PowerUserAccess", |b| {
        b.iter(|| black_box(policy::parse_policy(&docs[0], PolicyKind::Identity).unwrap()))
    });
    // A customer policy as Terraform renders it: pretty-printed, lists everywhere, conditions.
    let terraform = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::tf-state"],
     "Condition": {"StringLike": {"s3:prefix": ["env/${aws:username}/*", ""]}}},
    {"Sid": "", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::tf-state/env/*"]},
    {"Sid": "", "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"],
     "Resource": ["arn:aws:dynamodb:*:*:table/tf-locks"],
     "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}, "IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}},
    {"Sid": "DenyInsecure", "Effect": "Deny", "NotAction": ["iam:*"], "NotResource": ["arn:aws:s3:::tf-state"],
     "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}
  ]
}"#;
    c.bench_function("parse a Terraform-style customer policy", |b| {
        b.iter(|| black_box(policy::parse_policy(black_box(terraform), PolicyKind::Identity).unwrap()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
