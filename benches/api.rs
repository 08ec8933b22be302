//! Whole operations through the generated dispatcher (decode → handler → XML), without HTTP:
//! ListPolicies over every AWS managed policy page, GetPolicyVersion of PowerUserAccess, GetUser,
//! GetRole, AssumeRole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use localiam::api::{handler, Operation, Service};
use localiam::config::Config;
use localiam::context::Ctx;
use localiam::handlers::Handlers;
use localiam::identity::Principal;
use localiam::wire::form::Form;
use localiam::App;

fn ctx(app: &Arc<App>, op: Operation) -> Ctx {
    Ctx {
        app: app.clone(),
        op: localiam::context::Call::Query(op),
        principal: Principal::Root,
        account: app.accounts.configured().clone(),
        access_key_id: None,
        region: "us-east-1".to_string(),
        partition: "aws",
        request_id: "bench".to_string(),
        source_ip: std::net::IpAddr::from([127, 0, 0, 1]),
        now: time::OffsetDateTime::now_utc(),
    }
}

fn call(app: &Arc<App>, action: &str, params: &[(&str, &str)]) -> String {
    let op = Operation::from_action(Service::Iam, action).unwrap();
    let mut form = Form::new();
    for (k, v) in params {
        form.insert(k.to_string(), v.to_string());
    }
    handler::dispatch(&Handlers, &ctx(app, op), op, &form, "bench").unwrap()
}

fn marker_of(xml: &str) -> Option<String> {
    let start = xml.find("<Marker>")? + "<Marker>".len();
    let end = xml[start..].find("</Marker>")? + start;
    Some(xml[start..end].to_string())
}

fn bench(c: &mut Criterion) {
    let app = App::open(Config::default()).unwrap();
    call(&app, "CreateUser", &[("UserName", "bench-user")]);
    c.bench_function("ListPolicies Scope=AWS, all pages (MaxItems=100)", |b| {
        b.iter(|| {
            let mut marker: Option<String> = None;
            let mut pages = 0;
            loop {
                let mut params = vec![("Scope", "AWS"), ("MaxItems", "100")];
                if let Some(m) = &marker {
                    params.push(("Marker", m.as_str()));
                }
                let xml = call(&app, "ListPolicies", &params);
                pages += 1;
                marker = marker_of(&xml);
                if marker.is_none() {
                    break;
                }
            }
            black_box(pages)
        })
    });
    let arn = "arn:aws:iam::aws:policy/PowerUserAccess";
    let version = localiam::catalog::managed::catalog()
        .by_resource("policy/PowerUserAccess")
        .unwrap()
        .default_version
        .clone();
    c.bench_function("GetPolicyVersion PowerUserAccess", |b| {
        b.iter(|| {
            black_box(call(
                &app,
                "GetPolicyVersion",
                &[("PolicyArn", arn), ("VersionId", &version)],
            ))
        })
    });
    c.bench_function("GetUser", |b| {
        b.iter(|| black_box(call(&app, "GetUser", &[("UserName", "bench-user")])))
    });

    // AssumeRole by a trusted user: trust policy + identity evaluation, then a session write.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bench-user"},"Action":"sts:AssumeRole"}]}"#;
    call(
        &app,
        "CreateRole",
        &[("RoleName", "bench-role"), ("AssumeRolePolicyDocument", trust)],
    );
    c.bench_function("GetRole", |b| {
        b.iter(|| black_box(call(&app, "GetRole", &[("RoleName", "bench-role")])))
    });
    let user = app
        .store()
        .read(|c| Ok(localiam::store::users::by_name(c, "bench-user")?))
        .unwrap()
        .unwrap();
    let op = Operation::from_action(Service::Sts, "AssumeRole").unwrap();
    let mut form = Form::new();
    form.insert(
        "RoleArn".to_string(),
        "arn:aws:iam::123456789012:role/bench-role".to_string(),
    );
    form.insert("RoleSessionName".to_string(), "bench".to_string());
    let mut as_user = ctx(&app, op);
    as_user.principal = Principal::User(user);
    c.bench_function("AssumeRole (trusted user)", |b| {
        b.iter(|| black_box(handler::dispatch(&Handlers, &as_user, op, &form, "bench").unwrap()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
