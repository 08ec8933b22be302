//! The event history: every call recorded once in the journal, read back with CloudTrail's
//! LookupEvents over its real wire (awsJson1_1, SigV4 service `cloudtrail`).

use std::time::SystemTime;

use serde_json::{json, Value};

use crate::common::*;

const ROOT: (&str, &str, Option<&str>) = ("test", "test", None);

/// LookupEvents signed with `creds` for `region`; returns (status, JSON body).
async fn lookup_in(s: &Server, region: &str, creds: (&str, &str, Option<&str>), body: Value) -> (u16, Value) {
    lookup_at(s, (region, SystemTime::now()), creds, body).await
}

/// LookupEvents signed for `region` at `time`; returns (status, JSON body).
async fn lookup_at(
    s: &Server,
    (region, time): (&str, SystemTime),
    creds: (&str, &str, Option<&str>),
    body: Value,
) -> (u16, Value) {
    let req = sign_cloudtrail(&s.url(), ("LookupEvents", region), creds, &body.to_string(), time);
    let (status, text) = send(s.addr, req).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// LookupEvents as root in us-east-1; panics unless it succeeds.
async fn lookup(s: &Server, body: Value) -> Value {
    let (status, v) = lookup_in(s, "us-east-1", ROOT, body).await;
    assert_eq!(status, 200, "{v}");
    v
}

fn by(key: &str, value: &str) -> Value {
    json!({"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}]})
}

fn events(v: &Value) -> &Vec<Value> {
    v["Events"].as_array().unwrap()
}

/// The `CloudTrailEvent` record of an entry.
fn record(e: &Value) -> Value {
    serde_json::from_str(e["CloudTrailEvent"].as_str().unwrap()).unwrap()
}

fn error_type(v: &Value) -> &str {
    v["__type"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_denied_call_is_recorded_with_its_error() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("mary").await;
    let err = s.iam_as(&key, &secret).list_users().send().await.unwrap_err();
    let denial = message(&err);
    let v = lookup(&s, by("Username", "mary")).await;
    let list = events(&v);
    assert_eq!(list.len(), 1, "{v}");
    let e = &list[0];
    assert_eq!(e["EventName"], "ListUsers");
    assert_eq!(e["ReadOnly"], "true");
    assert_eq!(e["EventSource"], "iam.amazonaws.com");
    assert_eq!(e["Username"], "mary");
    assert_eq!(e["AccessKeyId"], key.as_str());
    assert_eq!(e["Resources"], json!([]));
    assert!(e["EventTime"].is_i64());
    let r = record(e);
    assert_eq!(r["errorCode"], "AccessDenied");
    assert_eq!(r["errorMessage"], denial.as_str());
    assert_eq!(r["eventVersion"], "1.10");
    assert_eq!(r["eventType"], "AwsApiCall");
    assert_eq!(r["managementEvent"], true);
    assert_eq!(r["readOnly"], true);
    assert_eq!(r["awsRegion"], "us-east-1");
    assert_eq!(r["recipientAccountId"], "123456789012");
    assert_eq!(r["eventCategory"], "Management");
    assert_eq!(r["sourceIPAddress"], "127.0.0.1");
    assert!(r["userAgent"].as_str().unwrap().contains("aws-sdk-rust"), "{r}");
    assert_eq!(r["requestParameters"], Value::Null);
    assert_eq!(r["responseElements"], Value::Null);
    assert_eq!(r["eventID"], e["EventId"]);
    assert_ne!(r["eventID"], r["requestID"]);
    assert_eq!(
        r["userIdentity"],
        json!({"type": "IAMUser", "principalId": r["userIdentity"]["principalId"],
            "arn": "arn:aws:iam::123456789012:user/mary", "accountId": "123456789012",
            "accessKeyId": key, "userName": "mary"})
    );
    assert!(r["userIdentity"]["principalId"].as_str().unwrap().starts_with("AIDA"));
}

#[tokio::test]
async fn no_secret_is_ever_stored() {
    let (s, app) = Server::start_app().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_policy("mary", Some(&allow("sts:AssumeRole", "*"))).await;
    iam.create_login_profile()
        .user_name("mary")
        .password("Sup3r-secret-Passw0rd!")
        .send()
        .await
        .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/mary"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("deploy")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("deploy")
        .policy_name("p")
        .policy_document(allow("iam:GetRole", "*"))
        .send()
        .await
        .unwrap();
    let creds = s
        .sts_as(&key, &secret, None)
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/deploy")
        .role_session_name("ci")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let session = s.iam_as_session(&creds.access_key_id, &creds.secret_access_key, &creds.session_token);
    session.get_role().role_name("deploy").send().await.unwrap();

    // CreateAccessKey: the key id and status, never the secret.
    let v = lookup(&s, by("EventName", "CreateAccessKey")).await;
    let r = record(&events(&v)[0]);
    let key_elements = &r["responseElements"]["accessKey"];
    assert_eq!(key_elements["accessKeyId"], key.as_str());
    assert_eq!(key_elements["status"], "Active");
    assert!(key_elements["createDate"].as_str().unwrap().contains(", 20"), "{r}");
    assert!(key_elements.get("secretAccessKey").is_none(), "{r}");
    let resources = &events(&v)[0]["Resources"];
    assert!(resources
        .as_array()
        .unwrap()
        .contains(&json!({"ResourceType": "AWS::IAM::AccessKey", "ResourceName": key})));

    // CreateLoginProfile: the user and the reset flag, not the password.
    let v = lookup(&s, by("EventName", "CreateLoginProfile")).await;
    assert_eq!(record(&events(&v)[0])["requestParameters"], json!({"userName": "mary"}));

    // AssumeRole: the caller, the role as resource, credentials without secret or token.
    let v = lookup(&s, by("EventName", "AssumeRole")).await;
    let r = record(&events(&v)[0]);
    assert_eq!(r["eventSource"], "sts.amazonaws.com");
    assert_eq!(r["userIdentity"]["type"], "IAMUser");
    assert_eq!(r["readOnly"], true);
    assert_eq!(
        r["requestParameters"],
        json!({"roleArn": "arn:aws:iam::123456789012:role/deploy", "roleSessionName": "ci"})
    );
    assert_eq!(
        r["responseElements"]["credentials"]["accessKeyId"],
        creds.access_key_id.as_str()
    );
    assert_eq!(
        r["resources"],
        json!([{"accountId": "123456789012", "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::123456789012:role/deploy"}])
    );

    // The session's own call: an AssumedRole identity with its issuer.
    let v = lookup(&s, by("Username", "ci")).await;
    let r = record(&events(&v)[0]);
    assert_eq!(r["eventName"], "GetRole");
    let who = &r["userIdentity"];
    assert_eq!(who["type"], "AssumedRole");
    assert_eq!(who["arn"], "arn:aws:sts::123456789012:assumed-role/deploy/ci");
    assert_eq!(who["accessKeyId"], creds.access_key_id.as_str());
    assert_eq!(who["sessionContext"]["sessionIssuer"]["type"], "Role");
    assert_eq!(who["sessionContext"]["sessionIssuer"]["userName"], "deploy");
    assert_eq!(who["sessionContext"]["attributes"]["mfaAuthenticated"], "false");

    app.journal.flush(&app);
    let stored: Vec<String> = app
        .store()
        .journal()
        .after(0)
        .unwrap()
        .into_iter()
        .map(|b| b.events)
        .collect();
    let all = stored.concat();
    assert!(all.contains("CreateLoginProfile"));
    for secret in [
        secret.as_str(),
        "Sup3r-secret-Passw0rd!",
        creds.secret_access_key.as_str(),
        creds.session_token.as_str(),
    ] {
        assert!(!all.contains(secret), "{secret} stored");
    }
}

#[tokio::test]
async fn filters_time_range_and_paging() {
    let (s, app) = Server::start_app().await;
    let iam = s.iam();
    for i in 0..7 {
        iam.create_user().user_name(format!("u{i}")).send().await.unwrap();
        iam.get_user().user_name(format!("u{i}")).send().await.unwrap();
    }
    // Newest first, three at a time, the token bound to the filter.
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = by("EventName", "CreateUser");
        body["MaxResults"] = json!(3);
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let v = lookup(&s, body).await;
        pages += 1;
        for e in events(&v) {
            assert_eq!(e["EventName"], "CreateUser");
            assert_eq!(e["Resources"][0]["ResourceType"], "AWS::IAM::User");
            names.push(e["Resources"][0]["ResourceName"].as_str().unwrap().to_string());
        }
        match v.get("NextToken").and_then(Value::as_str) {
            Some(t) => {
                let mut other = by("EventName", "GetUser");
                other["NextToken"] = json!(t);
                let (status, err) = lookup_in(&s, "us-east-1", ROOT, other).await;
                assert_eq!((status, error_type(&err)), (400, "InvalidNextTokenException"));
                token = Some(t.to_string());
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["u6", "u5", "u4", "u3", "u2", "u1", "u0"]);

    let by_resource = lookup(&s, by("ResourceName", "u3")).await;
    let kinds: Vec<&str> = events(&by_resource)
        .iter()
        .map(|e| e["EventName"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["GetUser", "CreateUser"]);
    let reads = lookup(&s, by("ReadOnly", "false")).await;
    assert!(events(&reads).iter().all(|e| e["ReadOnly"] == "false"));
    assert_eq!(events(&reads).len(), 7);

    // Time range: inclusive seconds; nothing after now, everything since a minute ago.
    let now = app.now().unix_timestamp();
    let v = lookup(&s, json!({"StartTime": now + 60})).await;
    assert!(events(&v).is_empty());
    let mut iam_only = by("EventSource", "iam.amazonaws.com");
    iam_only["StartTime"] = json!(now - 60);
    iam_only["EndTime"] = json!(now);
    let v = lookup(&s, iam_only).await;
    assert_eq!(events(&v).len(), 14);
    let first = events(&v).last().unwrap()["EventTime"].as_i64().unwrap();
    let v = lookup(&s, json!({"StartTime": first, "EndTime": first})).await;
    assert!(!events(&v).is_empty() && events(&v).iter().all(|e| e["EventTime"] == first));

    // Another region holds no IAM events.
    let (status, v) = lookup_in(&s, "eu-west-1", ROOT, json!({})).await;
    assert_eq!(status, 200);
    assert!(events(&v).is_empty(), "{v}");

    // Only the last 90 days are looked up (the server's clock moved, the client's with it).
    let days = |n: u64| std::time::Duration::from_secs(n * 86_400);
    app.advance_clock(89 * 86_400);
    let at = |n| ("us-east-1", SystemTime::now() + days(n));
    let (_, v) = lookup_at(&s, at(89), ROOT, by("EventName", "CreateUser")).await;
    assert_eq!(events(&v).len(), 7, "{v}");
    app.advance_clock(2 * 86_400);
    let (_, v) = lookup_at(&s, at(91), ROOT, by("EventName", "CreateUser")).await;
    assert!(events(&v).is_empty(), "{v}");
}

#[tokio::test]
async fn lookups_are_authenticated_authorized_and_recorded() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("nobody").await;
    let (status, v) = lookup_in(&s, "us-east-1", (&key, &secret, None), json!({})).await;
    assert_eq!((status, error_type(&v)), (400, "AccessDeniedException"), "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("cloudtrail:LookupEvents"),
        "{v}"
    );
    let (status, v) = lookup_in(&s, "us-east-1", ("AKIANOSUCHKEY0000000", "x", None), json!({})).await;
    assert_eq!((status, error_type(&v)), (400, "UnrecognizedClientException"), "{v}");
    let (status, v) = lookup_in(&s, "us-east-1", (&key, "wrong", None), json!({})).await;
    assert_eq!((status, error_type(&v)), (400, "InvalidSignatureException"), "{v}");
    let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
    let req = http::Request::builder()
        .method("POST")
        .uri(format!("{}/", s.url()))
        .header("host", s.addr.to_string())
        .header("x-amz-target", target)
        .header("content-type", "application/x-amz-json-1.1")
        .body(b"{}".to_vec())
        .unwrap();
    let (status, text) = send(s.addr, req).await;
    assert_eq!(status, 400);
    assert_eq!(error_type(&json(&text)), "MissingAuthenticationTokenException");
    for bad in ["{", r#"{"MaxResults":"5"}"#, "[]", r#"{"LookupAttributes":"x"}"#] {
        let req = sign_cloudtrail(&s.url(), ("LookupEvents", "us-east-1"), ROOT, bad, SystemTime::now());
        let (status, text) = send(s.addr, req).await;
        assert_eq!(
            (status, error_type(&json(&text))),
            (400, "SerializationException"),
            "{bad}"
        );
    }
    let (status, v) = lookup_in(&s, "us-east-1", ROOT, json!({"MaxResults": 99})).await;
    assert_eq!((status, error_type(&v)), (400, "InvalidMaxResultsException"));
    let req = sign_cloudtrail(&s.url(), ("CreateTrail", "us-east-1"), ROOT, "{}", SystemTime::now());
    let (status, _) = send(s.addr, req).await;
    assert!(status >= 400);

    // CloudTrail records lookups too, denied ones included, with camelCase parameters.
    let v = lookup(&s, by("EventSource", "cloudtrail.amazonaws.com")).await;
    let names: Vec<(&str, &str)> = events(&v)
        .iter()
        .map(|e| (e["EventName"].as_str().unwrap(), e["Username"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&("LookupEvents", "nobody")), "{names:?}");
    let max99 = events(&v)
        .iter()
        .map(record)
        .find(|r| r["requestParameters"] == json!({"maxResults": 99}))
        .expect("the refused lookup");
    assert_eq!(max99["errorCode"], "InvalidMaxResultsException");
    assert_eq!(max99["readOnly"], true);
}

#[tokio::test]
async fn parallel_calls_are_recorded_exactly_once() {
    let s = Server::start().await;
    let iam = s.iam();
    iam.create_user().user_name("hot").send().await.unwrap();
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let iam = iam.clone();
            tokio::spawn(async move { iam.get_user().user_name("hot").send().await.unwrap() })
        })
        .collect();
    for c in calls {
        c.await.unwrap();
    }
    let v = lookup(&s, by("EventName", "GetUser")).await;
    let mut ids: Vec<&str> = events(&v).iter().map(|e| e["EventId"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 40);
    assert!(v.get("NextToken").is_none());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
}

#[tokio::test]
async fn reset_empties_the_journal_and_denied_attempts_feed_access_advisor() {
    let s = Server::start().await;
    let iam = s.iam();
    let (key, secret) = s.user_with_policy("mary", Some(&allow("iam:GetUser", "*"))).await;
    s.iam_as(&key, &secret).list_users().send().await.unwrap_err();
    let arn = "arn:aws:iam::123456789012:user/mary";
    let (_, d) = crate::common::last_accessed(&iam, arn).await;
    let iam_entry = d
        .services_last_accessed
        .iter()
        .find(|x| x.service_namespace == "iam")
        .unwrap();
    assert_eq!(
        iam_entry.last_authenticated_entity.as_deref(),
        Some(arn),
        "a denied attempt counts"
    );

    let (status, _) = s.reset().await;
    assert_eq!(status, 200);
    let v = lookup(&s, json!({})).await;
    assert!(events(&v).is_empty(), "{v}");
}

#[tokio::test]
async fn each_account_sees_only_its_own_events() {
    let s = Server::start().await;
    s.iam_as("111111111111", "test")
        .create_user()
        .user_name("in-a")
        .send()
        .await
        .unwrap();
    s.iam_as("222222222222", "test")
        .create_user()
        .user_name("in-b")
        .send()
        .await
        .unwrap();
    let (_, a) = lookup_in(
        &s,
        "us-east-1",
        ("111111111111", "test", None),
        by("EventName", "CreateUser"),
    )
    .await;
    let names: Vec<String> = events(&a)
        .iter()
        .map(|e| record(e)["requestParameters"]["userName"].to_string())
        .collect();
    assert_eq!(names, ["\"in-a\""]);
    assert_eq!(record(&events(&a)[0])["recipientAccountId"], "111111111111");
    let configured = lookup(&s, by("EventName", "CreateUser")).await;
    assert!(events(&configured).is_empty());
}
