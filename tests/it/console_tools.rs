//! The console's tools over raw HTTP: sign-ins recorded as CloudTrail `ConsoleLogin` events, the
//! policy simulator, the policy summary by service, and assigning a virtual MFA device.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::{send, sign_cloudtrail, Server};
use crate::console_client::{user_with_password, Browser, PASSWORD, USER_AGENT};

const ACCOUNT: &str = "123456789012";

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
    user_with_password(&s, "anaya", false).await;
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

/// The table row of a page whose first cell is `service`.
fn service_row<'a>(body: &'a str, service: &str) -> &'a str {
    let cell = format!("<tr><td>{service}</td>");
    let at = body.find(&cell).unwrap_or_else(|| panic!("no row for {service}"));
    let end = body[at..].find("</tr>").unwrap() + at;
    &body[at..end]
}

#[tokio::test]
async fn policy_pages_summarize_permissions_by_service() {
    let s = Server::start().await;
    let mut root = Browser::root_sign_in(&s).await;
    let page = root
        .get("/console/iam/policy?arn=arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Permissions defined in this policy"));
    let iam = service_row(&page.body, "AWS Identity and Access Management (IAM)");
    // Every IAM List action is granted (iam:List*), not every Read one.
    assert!(iam.contains("<td>Full: List Limited: Read</td>"), "{iam}");
    assert!(iam.contains("<td>All resources</td><td>None</td>"), "{iam}");
    assert!(
        page.body.contains("id=\"policy-document\""),
        "the JSON stays on the page"
    );

    let page = root
        .get("/console/iam/policy?arn=arn:aws:iam::aws:policy/PowerUserAccess")
        .await;
    assert_eq!(page.status, 200);
    let iam = service_row(&page.body, "AWS Identity and Access Management (IAM)");
    assert!(iam.contains("<td>Limited: List, Write</td>"), "{iam}");
    let org = service_row(&page.body, "AWS Organizations");
    assert!(org.contains("<td>Limited: Read</td>"), "{org}");
    let ec2 = service_row(&page.body, "Amazon EC2");
    assert!(ec2.contains("<td>Full access</td>"), "{ec2}");
    assert!(!page.body.contains("Explicit deny"), "no Deny statement");

    // A customer managed policy with a Deny, a condition and an unknown service.
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "nosuch:Thing"], "Resource": "arn:aws:s3:::bucket/*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]});
    let arn = s
        .iam()
        .create_policy()
        .policy_name("Mixed")
        .policy_document(doc.to_string())
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let page = root.get(&format!("/console/iam/policy?arn={arn}")).await;
    assert!(page.body.contains("Explicit deny (1 of"), "{}", page.body);
    // Denied: all of S3 (the Deny table comes first); allowed: one Read action.
    assert!(page.body.contains("<tr><td>Amazon S3</td><td>Full access</td>"));
    assert!(page.body.contains("<tr><td>Amazon S3</td><td>Limited: Read</td>"));
    assert!(page.body.contains("arn:aws:s3:::bucket/*"));
    assert!(page.body.contains("aws:SecureTransport Bool false"));
    let unknown = service_row(&page.body, "nosuch");
    assert!(unknown.contains("Unrecognized"), "{unknown}");
}

/// The text between `start` and the next `end` in `body`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("no {start} in {body}")) + start.len();
    let stop = body[at..].find(end).unwrap() + at;
    &body[at..stop]
}

/// Step 2 of assigning a device named `device` to `user`: (page, secret, serial).
async fn new_device(b: &mut Browser, user: &str, device: &str) -> (crate::console_client::Resp, String, String) {
    let page = b
        .submit(
            &format!("/console/iam/user/mfa?name={user}"),
            "/console/iam/user/mfa/create",
            &[("user_name", user), ("device_name", device)],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let secret = between(&page.body, "id=\"mfa-secret\">", "<").to_string();
    let serial = between(&page.body, "name=\"serial\" value=\"", "\"").to_string();
    (page, secret, serial)
}

#[tokio::test]
async fn a_virtual_mfa_device_is_assigned_then_asked_at_sign_in_then_removed() {
    let s = Server::start().await;
    user_with_password(&s, "anaya", false).await;
    let iam = s.iam();
    let mut root = Browser::root_sign_in(&s).await;
    let tab = "/console/iam/user?name=anaya&tab=security_credentials";
    let creds = root.get(tab).await;
    assert!(creds.body.contains("Assign MFA device"), "{}", creds.body);

    // Wrong codes: refused, and the unassigned device is deleted so the name can be used again.
    let (page, _, serial) = new_device(&mut root, "anaya", "anaya-phone").await;
    assert!(
        page.body.contains("src=\"data:image/png;base64,iVBORw0KGgo"),
        "a PNG QR code"
    );
    assert_eq!(serial, "arn:aws:iam::123456789012:mfa/anaya-phone");
    let token = page.csrf();
    let refused = root
        .post(
            "/console/iam/user/mfa/enable",
            &[
                ("_csrf", &token),
                ("user_name", "anaya"),
                ("serial", &serial),
                ("code1", "000000"),
                ("code2", "000000"),
            ],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("InvalidAuthenticationCode"), "{}", refused.body);
    let left = iam.list_virtual_mfa_devices().send().await.unwrap();
    assert!(left.virtual_mfa_devices().is_empty(), "{left:?}");

    // The secret key shown on the page gives the codes.
    let (page, secret, serial) = new_device(&mut root, "anaya", "anaya-phone").await;
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, Secret::Encoded(secret).to_bytes().unwrap());
    let step = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() / 30;
    let done = root
        .post(
            "/console/iam/user/mfa/enable",
            &[
                ("_csrf", &page.csrf()),
                ("user_name", "anaya"),
                ("serial", &serial),
                ("code1", &totp.generate((step - 1) * 30)),
                ("code2", &totp.generate(step * 30)),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some(tab));
    let listed = iam.list_mfa_devices().user_name("anaya").send().await.unwrap();
    assert_eq!(listed.mfa_devices().len(), 1);
    assert!(root.get(tab).await.body.contains("mfa/anaya-phone"));

    // Anaya now needs a code at sign-in (the next step's: the last accepted one is spent).
    let mut b = Browser::new(&s);
    let r = user_sign_in(&mut b, "anaya", PASSWORD).await;
    assert_eq!(r.header("location"), Some("/console/mfa"));
    let r = b
        .submit(
            "/console/mfa",
            "/console/mfa",
            &[("mfa_code", &totp.generate((step + 1) * 30))],
        )
        .await;
    assert_eq!(r.header("location"), Some("/console/iam/"), "{}", r.body);
    let login = &records(&s, "EventName", "ConsoleLogin").await[0];
    assert_eq!(login["userIdentity"]["userName"], "anaya");
    assert_eq!(login["additionalEventData"]["MFAUsed"], "Yes");

    // Remove: deactivated and deleted.
    let removed = root
        .submit(
            tab,
            "/console/iam/user/mfa/remove",
            &[("user_name", "anaya"), ("serial", &serial)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let listed = iam.list_mfa_devices().user_name("anaya").send().await.unwrap();
    assert!(listed.mfa_devices().is_empty());
    let left = iam.list_virtual_mfa_devices().send().await.unwrap();
    assert!(left.virtual_mfa_devices().is_empty());
}

/// The result row of the simulator for `action`.
fn result_row<'a>(body: &'a str, action: &str) -> &'a str {
    let cell = format!("<td>{action}</td>");
    let table = &body[body.find("Action Settings and Results").expect("results")..];
    let at = table
        .find(&cell)
        .unwrap_or_else(|| panic!("no row for {action}: {table}"));
    let end = table[at..].find("</tr>").unwrap() + at;
    &table[at..end]
}

#[tokio::test]
async fn the_simulator_runs_simulate_principal_policy_as_the_signed_in_principal() {
    let s = Server::start().await;
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:DeleteUser"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    ]});
    s.user_with_policy("dev", Some(&policy.to_string())).await;
    let dev = "arn:aws:iam::123456789012:user/dev";
    let mut root = Browser::root_sign_in(&s).await;

    let form = root.get("/console/iam/simulator").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Policy simulator") && form.body.contains("Run simulation"));
    assert!(
        form.body.contains(&format!("<option value=\"{dev}\">dev</option>")),
        "{}",
        form.body
    );
    let listed = root.get("/console/iam/simulator?service=iam&show=1").await;
    assert!(
        listed.body.contains("value=\"iam:ListUsers\""),
        "the service's actions to tick"
    );

    let run = root
        .get(&format!(
            "/console/iam/simulator?source={dev}&actions=iam:ListUsers,+s3:GetObject+iam:DeleteUser&action=s3:PutObject&resources=*&run=1"
        ))
        .await;
    assert_eq!(run.status, 200);
    let allowed = result_row(&run.body, "iam:ListUsers");
    assert!(
        allowed.contains("<span class=\"decision allowed\">allowed</span>"),
        "{allowed}"
    );
    assert!(
        allowed.contains("1 matching statement") && allowed.contains("line "),
        "{allowed}"
    );
    let implicit = result_row(&run.body, "s3:GetObject");
    assert!(
        implicit.contains("<span class=\"decision implicitDeny\">Implicitly denied (no matching statements)</span>"),
        "{implicit}"
    );
    assert!(implicit.contains("0 matching statements"), "{implicit}");
    let explicit = result_row(&run.body, "iam:DeleteUser");
    assert!(explicit.contains("decision explicitDeny\">denied<"), "{explicit}");
    // A condition key without a value in the context: not allowed, and the key is named.
    let conditional = result_row(&run.body, "s3:PutObject");
    assert!(conditional.contains("implicitDeny"), "{conditional}");
    assert!(conditional.contains("aws:SourceIp"), "{conditional}");

    // With the context key's value, and a specific resource.
    let run = root
        .get(&format!(
            "/console/iam/simulator?source={dev}&actions=s3:PutObject&resources=arn:aws:s3:::b/k&ctx_key_1=aws:SourceIp&ctx_type_1=ip&ctx_values_1=10.1.2.3&run=1"
        ))
        .await;
    let row = result_row(&run.body, "s3:PutObject");
    assert!(
        row.contains("arn:aws:s3:::b/k") && row.contains("decision allowed"),
        "{row}"
    );

    // A user without iam:SimulatePrincipalPolicy sees the API's AccessDenied.
    user_with_password(&s, "nobody", false).await;
    let mut nobody = Browser::new(&s);
    assert_eq!(user_sign_in(&mut nobody, "nobody", PASSWORD).await.status, 303);
    let denied = nobody
        .get(&format!(
            "/console/iam/simulator?source_arn={dev}&actions=iam:ListUsers&run=1"
        ))
        .await;
    assert_eq!(denied.status, 200);
    let results = &denied.body[denied.body.find("Action Settings and Results").unwrap()..];
    assert!(results.contains("AccessDenied"), "{results}");
    assert!(results.contains("iam:SimulatePrincipalPolicy"), "{results}");
}
