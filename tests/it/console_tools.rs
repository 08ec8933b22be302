//! The console's tools over raw HTTP: sign-ins recorded as CloudTrail `ConsoleLogin` events, the
//! policy simulator, the policy summary by service, and assigning a virtual MFA device.

use std::time::SystemTime;

use serde_json::{json, Value};

use crate::common::{send, sign_cloudtrail, Server};
use crate::console_client::{Browser, USER_AGENT};

const PASSWORD: &str = "Tutorial-Passw0rd!";
const ACCOUNT: &str = "123456789012";

async fn user_with_password(s: &Server, name: &str) {
    let iam = s.iam();
    iam.create_user().user_name(name).send().await.unwrap();
    iam.create_login_profile()
        .user_name(name)
        .password(PASSWORD)
        .password_reset_required(false)
        .send()
        .await
        .unwrap();
}

/// Signs `name` in at the account's IAM user sign-in page; returns the answer to the password.
async fn user_sign_in(b: &mut Browser, name: &str, password: &str) -> crate::console_client::Resp {
    let page = format!("/console/{ACCOUNT}");
    b.submit(&page, &page, &[("username", name), ("password", password)])
        .await
}

/// The CloudTrail records of LookupEvents by one attribute, as root, newest first.
async fn records(s: &Server, key: &str, value: &str) -> Vec<Value> {
    let body = json!({"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}]});
    let req = sign_cloudtrail(
        &s.url(),
        ("LookupEvents", "us-east-1"),
        ("test", "test", None),
        &body.to_string(),
        SystemTime::now(),
    );
    let (status, text) = send(s.addr, req).await;
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::from_str(e["CloudTrailEvent"].as_str().unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn sign_ins_are_console_login_events() {
    let s = Server::start().await;
    user_with_password(&s, "anaya").await;
    let mut b = Browser::new(&s);
    assert_eq!(user_sign_in(&mut b, "anaya", "wrong").await.status, 401);
    assert_eq!(user_sign_in(&mut b, "nobody", PASSWORD).await.status, 401);
    let ok = user_sign_in(&mut b, "anaya", PASSWORD).await;
    assert_eq!(ok.header("location"), Some("/console/iam/"), "{}", ok.body);
    let mut root = Browser::new(&s);
    let wrong = root
        .submit(
            "/console/",
            "/console/",
            &[("access_key_id", "test"), ("secret_access_key", "nope")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let mut root = Browser::root_sign_in(&s).await;

    let found = records(&s, "EventName", "ConsoleLogin").await;
    assert_eq!(found.len(), 5, "{found:#?}");
    for r in &found {
        assert_eq!(r["eventSource"], "signin.amazonaws.com");
        assert_eq!(r["eventType"], "AwsConsoleSignIn");
        assert_eq!(r["awsRegion"], "us-east-1");
        assert_eq!(r["userAgent"], USER_AGENT);
        assert_eq!(r["readOnly"], false);
        assert_eq!(r["managementEvent"], true);
        assert_eq!(r["recipientAccountId"], ACCOUNT);
        assert_eq!(r["requestParameters"], Value::Null);
        assert_eq!(r["additionalEventData"]["MobileVersion"], "No");
        assert_eq!(r["additionalEventData"]["MFAUsed"], "No");
        assert!(r["additionalEventData"]["LoginTo"]
            .as_str()
            .unwrap()
            .ends_with("/console/iam/"));
    }
    // Newest first: root's success and failure, then the user's success and two failures.
    let outcome = |r: &Value| {
        (
            r["userIdentity"]["type"].as_str().unwrap().to_string(),
            r["userIdentity"]["userName"].as_str().unwrap_or("").to_string(),
            r["responseElements"]["ConsoleLogin"].as_str().unwrap().to_string(),
        )
    };
    let seen: Vec<_> = found.iter().map(outcome).collect();
    let expected = [
        ("Root", "", "Success"),
        ("Root", "", "Failure"),
        ("IAMUser", "anaya", "Success"),
        ("IAMUser", "HIDDEN_DUE_TO_SECURITY_REASONS", "Failure"),
        ("IAMUser", "anaya", "Failure"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(seen, expected);
    for failed in found
        .iter()
        .filter(|r| r["responseElements"]["ConsoleLogin"] == "Failure")
    {
        assert_eq!(failed["errorMessage"], "Failed authentication");
        assert!(failed.get("errorCode").is_none(), "{failed}");
    }
    assert_eq!(found[2]["userIdentity"]["arn"], "arn:aws:iam::123456789012:user/anaya");
    assert_eq!(found[0]["userIdentity"]["arn"], "arn:aws:iam::123456789012:root");

    // By user name too, and on the console's Event history page.
    assert_eq!(records(&s, "Username", "anaya").await.len(), 2);
    let page = root
        .get("/console/iam/events?attribute=EventName&value=ConsoleLogin")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("signin.amazonaws.com"), "{}", page.body);
    assert!(page.body.contains("Failed authentication"), "{}", page.body);
}
