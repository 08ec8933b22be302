//! The Query protocol on the wire: actions, envelopes, bad input, admin endpoints, load.

use std::time::SystemTime;

use localiam::api::{Operation, Service};

use crate::common::{all_user_names, error_code, send, sign_custom, sign_request, Server};

const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// Strips an XML declaration and the whitespace between tags.
fn compact(xml: &str) -> String {
    let xml = xml.trim();
    let xml = match xml.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, r)| r).unwrap_or(rest),
        None => xml,
    };
    xml.lines().map(str::trim).collect::<Vec<_>>().join("")
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    s.split(open).nth(1).and_then(|r| r.split(close).next()).unwrap_or("")
}

#[tokio::test]
async fn missing_action_is_400() {
    let s = Server::start().await;
    let (st, body) = s.raw_signed("iam", "test", "test", "Version=2010-05-08").await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "MissingAction");
}

#[tokio::test]
async fn unknown_action_is_400_invalid_action() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_signed("iam", "test", "test", "Action=MakeCoffee&Version=2010-05-08")
        .await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "InvalidAction");
    // Actions are case-sensitive.
    let (st, body) = s
        .raw_signed("iam", "test", "test", "Action=listusers&Version=2010-05-08")
        .await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "InvalidAction");
}

#[tokio::test]
async fn unsigned_request_is_missing_authentication_token() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_unsigned("POST", "/", b"Action=ListUsers&Version=2010-05-08")
        .await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "MissingAuthenticationToken");
    let (st, body) = s
        .raw_unsigned("GET", "/?Action=ListUsers&Version=2010-05-08", b"")
        .await;
    assert_eq!(st, 403, "{body}");
    assert_eq!(error_code(&body), "MissingAuthenticationToken");
}

fn assert_aws_error(st: u16, body: &str) {
    assert!((400..500).contains(&st), "status {st}: {body}");
    let c = compact(body);
    assert!(c.starts_with("<ErrorResponse xmlns="), "{body}");
    assert!(!error_code(body).is_empty(), "{body}");
}

#[tokio::test]
async fn garbage_bodies_are_4xx_xml_errors() {
    let s = Server::start().await;
    let bodies: [&[u8]; 6] = [
        b"\xff\xfe\x00\x01\x02garbage",
        b"Action=%ZZ&Version=2010-05-08",
        b"Action=ListUsers&Version=2010-05-08&Marker=%",
        b"Action=ListUsers&Version=2010-05-08&%E0%80=x",
        b"&&&===&&&",
        b"Action=GetUser&Version=2010-05-08&UserName=%C3%28",
    ];
    for b in bodies {
        let (st, body) = s.raw_unsigned("POST", "/", b).await;
        assert_aws_error(st, &body);
        let req = sign_request(&s.url(), "iam", "test", "test", b, None);
        let (st, body) = send(s.addr, req).await;
        assert_aws_error(st, &body);
    }
}

#[tokio::test]
async fn oversized_body_is_413_xml_error() {
    let s = Server::start().await;
    let mut body = b"Action=ListUsers&Version=2010-05-08&Pad=".to_vec();
    body.resize(1024 * 1024 + 100, b'a');
    let req = sign_request(&s.url(), "iam", "test", "test", &body, None);
    let (st, resp) = send(s.addr, req).await;
    assert_eq!(st, 413, "{resp}");
    assert!(compact(&resp).starts_with("<ErrorResponse"), "{resp}");
    assert!(!error_code(&resp).is_empty());
    // The server is still healthy afterwards.
    s.iam().list_users().send().await.unwrap();
}

#[tokio::test]
async fn signed_get_query_string_form_works() {
    let s = Server::start().await;
    s.iam().create_user().user_name("via-get").send().await.unwrap();
    let req = sign_custom(
        &s.url(),
        "GET",
        "/?Action=ListUsers&Version=2010-05-08",
        "iam",
        "us-east-1",
        "test",
        "test",
        b"",
        SystemTime::now(),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 200, "{body}");
    let c = compact(&body);
    assert!(
        c.starts_with(&format!("<ListUsersResponse xmlns=\"{IAM_NS}\"><ListUsersResult>")),
        "{body}"
    );
    assert!(c.contains("<UserName>via-get</UserName>"), "{body}");
    assert!(c.contains("<IsTruncated>false</IsTruncated>"), "{body}");
    assert!(c.contains("<ResponseMetadata><RequestId>"), "{body}");
    assert!(c.ends_with("</ListUsersResponse>"), "{body}");
}

#[tokio::test]
async fn error_envelope_has_aws_shape() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_signed(
            "iam",
            "test",
            "test",
            "Action=GetUser&Version=2010-05-08&UserName=ghost",
        )
        .await;
    assert_eq!(st, 404, "{body}");
    let c = compact(&body);
    let rid = between(&c, "<RequestId>", "</RequestId>");
    assert!(!rid.is_empty(), "{body}");
    assert_eq!(
        c,
        format!(
            "<ErrorResponse xmlns=\"{IAM_NS}\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>\
             <Message>The user with name ghost cannot be found.</Message></Error>\
             <RequestId>{rid}</RequestId></ErrorResponse>"
        )
    );
}

#[tokio::test]
async fn sts_errors_use_the_sts_namespace() {
    let s = Server::start().await;
    let (st, body) = s
        .raw_signed("sts", "test", "test", "Action=GetAccessKeyInfo&Version=2011-06-15")
        .await;
    assert!((400..500).contains(&st), "{st} {body}");
    let c = compact(&body);
    assert!(
        c.starts_with(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>"
        ),
        "{body}"
    );
    let (st, body) = s
        .raw_signed("sts", "test", "test", "Action=NoSuchThing&Version=2011-06-15")
        .await;
    assert_eq!(st, 400);
    assert_eq!(error_code(&body), "InvalidAction");
    assert!(body.contains("https://sts.amazonaws.com/doc/2011-06-15/"), "{body}");
}

#[tokio::test]
async fn every_modelled_operation_answers_without_server_errors() {
    let s = Server::start().await;
    assert_eq!(Operation::ALL.len(), 193);
    let mut failures = Vec::new();
    for op in Operation::ALL {
        let svc = op.service();
        let body = format!("Action={}&Version={}", op.name(), svc.api_version());
        let signing = match svc {
            Service::Iam => "iam",
            Service::Sts => "sts",
        };
        let (st, resp) = s.raw_signed(signing, "test", "test", &body).await;
        // Every modelled operation is implemented: 501 NotImplemented would be a gap.
        let ok = st == 200 || (400..500).contains(&st);
        if !ok {
            failures.push(format!("{}: {st} {resp}", op.name()));
        }
        if st != 200 {
            let ns = svc.namespace();
            if !resp.contains(&format!("xmlns=\"{ns}\"")) {
                failures.push(format!("{}: wrong namespace: {resp}", op.name()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn health_endpoint() {
    let s = Server::start().await;
    let (st, body) = s.raw_unsigned("GET", "/_localiam/health", b"").await;
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn reset_requires_root_and_empties_state() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_key("keep-me").await;
    iam.create_group().group_name("g").send().await.unwrap();
    iam.create_account_alias().account_alias("corp").send().await.unwrap();

    let (st, body) = s.raw_unsigned("POST", "/_localiam/reset", b"").await;
    assert_eq!(st, 403, "{body}");
    let req = sign_custom(
        &s.url(),
        "POST",
        "/_localiam/reset",
        "iam",
        "us-east-1",
        &key,
        &secret,
        b"",
        SystemTime::now(),
    );
    let (st, body) = send(s.addr, req).await;
    assert_eq!(st, 403, "non-root reset: {body}");
    let req = sign_custom(
        &s.url(),
        "POST",
        "/_localiam/reset",
        "iam",
        "us-east-1",
        "test",
        "wrong",
        b"",
        SystemTime::now(),
    );
    let (st, _) = send(s.addr, req).await;
    assert_eq!(st, 403, "bad signature reset");
    assert_eq!(all_user_names(&iam, 100).await.len(), 1);

    let (st, body) = s.reset().await;
    assert_eq!(st, 200, "{body}");
    assert!(all_user_names(&iam, 100).await.is_empty());
    assert!(iam.list_groups().send().await.unwrap().groups().is_empty());
    assert!(iam
        .list_account_aliases()
        .send()
        .await
        .unwrap()
        .account_aliases()
        .is_empty());
    // The deleted user's key no longer works; root still does.
    let err = s
        .sts_as(&key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(crate::common::code(&err), "InvalidClientTokenId");
    iam.create_user().user_name("keep-me").send().await.unwrap();
}

#[tokio::test]
async fn unknown_admin_path_is_404() {
    let s = Server::start().await;
    let (st, body) = s.raw_unsigned("GET", "/_localiam/nothing-here", b"").await;
    assert_eq!(st, 404, "{body}");
}

#[tokio::test]
async fn concurrent_writers_do_not_lose_or_fail() {
    let s = Server::start().await;
    let mut tasks = Vec::new();
    for t in 0..16 {
        let iam = s.iam();
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                iam.create_user()
                    .user_name(format!("w{t:02}-{i:02}"))
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let names = all_user_names(&s.iam(), 1000).await;
    assert_eq!(names.len(), 320);
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), 320);
}

#[tokio::test]
async fn concurrent_creates_of_one_name_succeed_once() {
    let s = Server::start().await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let iam = s.iam();
        tasks.push(tokio::spawn(async move {
            iam.create_user().user_name("contended").send().await.is_ok()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn idle_connections_do_not_block_service() {
    let s = Server::start().await;
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(tokio::net::TcpStream::connect(s.addr).await.unwrap());
    }
    let iam = s.iam();
    for i in 0..5 {
        iam.create_user().user_name(format!("busy{i}")).send().await.unwrap();
    }
    let (st, _) = s.raw_unsigned("GET", "/_localiam/health", b"").await;
    assert_eq!(st, 200);
    assert_eq!(all_user_names(&iam, 100).await.len(), 5);
    drop(idle);
}

#[tokio::test]
async fn keep_alive_connection_serves_many_requests() {
    // The SDK client reuses one connection; many sequential calls must all succeed.
    let s = Server::start().await;
    let iam = s.iam();
    for i in 0..50 {
        iam.create_group().group_name(format!("ka{i}")).send().await.unwrap();
    }
    assert_eq!(iam.list_groups().send().await.unwrap().groups().len(), 50);
}

#[tokio::test]
async fn max_items_bounds_on_every_list_operation() {
    let s = Server::start().await;
    s.user_with_key("u").await;
    s.iam().create_group().group_name("g").send().await.unwrap();
    let pol = "arn:aws:iam::aws:policy/AdministratorAccess";
    let ops = [
        "ListUsers".to_string(),
        "ListGroups".to_string(),
        "ListPolicies".to_string(),
        "ListAccountAliases".to_string(),
        "ListAccessKeys&UserName=u".to_string(),
        "GetGroup&GroupName=g".to_string(),
        "ListGroupsForUser&UserName=u".to_string(),
        "ListUserTags&UserName=u".to_string(),
        "ListUserPolicies&UserName=u".to_string(),
        "ListGroupPolicies&GroupName=g".to_string(),
        "ListAttachedUserPolicies&UserName=u".to_string(),
        "ListAttachedGroupPolicies&GroupName=g".to_string(),
        format!("ListEntitiesForPolicy&PolicyArn={pol}"),
        format!("ListPolicyVersions&PolicyArn={pol}"),
    ];
    let mut failures = Vec::new();
    for op in &ops {
        for (n, want) in [(0, 400), (1001, 400), (1, 200), (1000, 200)] {
            let body = format!("Action={op}&Version=2010-05-08&MaxItems={n}");
            let (st, resp) = s.raw_signed("iam", "test", "test", &body).await;
            if st != want || (want == 400 && error_code(&resp) != "ValidationError") {
                failures.push(format!("{op} MaxItems={n}: {st} {}", error_code(&resp)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn concurrent_raw_writers_never_see_server_errors() {
    // Raw requests: no SDK retries can hide a 5xx.
    let s = Server::start().await;
    let url = s.url();
    let mut tasks = Vec::new();
    for t in 0..16 {
        let url = url.clone();
        let addr = s.addr;
        tasks.push(tokio::spawn(async move {
            let mut bad = Vec::new();
            for i in 0..20 {
                let body = format!("Action=CreateUser&Version=2010-05-08&UserName=raw{t:02}-{i:02}");
                let req = sign_request(&url, "iam", "test", "test", body.as_bytes(), None);
                let (st, resp) = send(addr, req).await;
                if st != 200 {
                    bad.push(format!("{st} {resp}"));
                }
            }
            bad
        }));
    }
    let mut bad = Vec::new();
    for t in tasks {
        bad.extend(t.await.unwrap());
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(all_user_names(&s.iam(), 1000).await.len(), 320);
}
