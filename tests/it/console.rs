//! The local IAM console over raw HTTP: sign-in (root, IAM user, MFA, forced password change),
//! sessions and their cookie flags, CSRF, the CSP, and pages acting as the signed-in principal.

use std::time::{SystemTime, UNIX_EPOCH};

use localiam::config::Config;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::{code, url_encode, Server};
use crate::console_client::Browser;

const INCORRECT: &str = "Your authentication information is incorrect. Please try again.";
const MARY: &str = "mary.major@examplecorp.com";
const PASSWORD: &str = "Tutorial-Passw0rd!";

async fn user_with_password(s: &Server, name: &str, reset: bool) {
    let iam = s.iam();
    iam.create_user().user_name(name).send().await.unwrap();
    iam.create_login_profile()
        .user_name(name)
        .password(PASSWORD)
        .password_reset_required(reset)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn root_sign_in_cookie_flags_csp_and_sign_out() {
    let s = Server::start().await;
    let mut b = Browser::new(&s);
    let page = b.get("/console/").await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'self'"));
    assert!(!page.body.contains("<script>"), "no inline script");
    assert!(!page.body.contains("style="), "no inline style");
    let token = page.csrf();
    let wrong = b
        .post(
            "/console/",
            &[
                ("_csrf", &token),
                ("access_key_id", "test"),
                ("secret_access_key", "nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains(INCORRECT), "{}", wrong.body);
    let ok = b
        .post(
            "/console/",
            &[
                ("_csrf", &token),
                ("access_key_id", "test"),
                ("secret_access_key", "test"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let session = ok
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("localiam_console="))
        .unwrap()
        .to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(session.contains(flag), "{session}");
    }
    let dash = b.get("/console/iam/").await;
    assert_eq!(dash.status, 200);
    assert!(dash.body.contains("123456789012"));
    assert_eq!(dash.header("cache-control"), Some("no-store"));
    // Signing out needs the session's token, then ends the session.
    let refused = b.post("/console/signout", &[("_csrf", "0")]).await;
    assert_eq!(refused.status, 403);
    let out = b.post("/console/signout", &[("_csrf", &dash.csrf())]).await;
    assert_eq!(out.status, 303);
    let after = b.get("/console/iam/users").await;
    assert_eq!(after.status, 303);
    assert_eq!(after.header("location"), Some("/console/"));
}

#[tokio::test]
async fn sign_in_needs_the_double_submit_token() {
    let s = Server::start().await;
    let mut b = Browser::new(&s);
    let r = b
        .post("/console/", &[("access_key_id", "test"), ("secret_access_key", "test")])
        .await;
    assert_eq!(r.status, 403);
    b.get("/console/").await;
    let r = b
        .post(
            "/console/",
            &[("_csrf", "x"), ("access_key_id", "test"), ("secret_access_key", "test")],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn posts_without_the_session_token_change_nothing() {
    let s = Server::start().await;
    let mut b = Browser::root_sign_in(&s).await;
    let r = b.post("/console/iam/groups/create", &[("group_name", "Sneaky")]).await;
    assert_eq!(r.status, 403);
    let r = b
        .post(
            "/console/iam/groups/create",
            &[("_csrf", &"0".repeat(64)), ("group_name", "Sneaky")],
        )
        .await;
    assert_eq!(r.status, 403);
    let groups = s.iam().list_groups().send().await.unwrap();
    assert!(groups.groups().is_empty());
    let r = b
        .submit(
            "/console/iam/groups/create",
            "/console/iam/groups/create",
            &[("group_name", "Fine")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(s.iam().list_groups().send().await.unwrap().groups().len(), 1);
}

#[tokio::test]
async fn iam_user_sign_in_failures_say_nothing_more() {
    let s = Server::start().await;
    user_with_password(&s, "alice", false).await;
    let mut b = Browser::new(&s);
    for (account, user, password) in [
        ("123456789012", "alice", "wrong-password"),
        ("123456789012", "nobody", PASSWORD),
        ("999999999999", "alice", PASSWORD),
        ("no-such-alias", "alice", PASSWORD),
    ] {
        let path = format!("/console/{account}");
        let r = b
            .submit(&path, &path, &[("username", user), ("password", password)])
            .await;
        assert_eq!(r.status, 401, "{account} {user}");
        assert!(r.body.contains(INCORRECT));
    }
    // Through the account alias too.
    s.iam()
        .create_account_alias()
        .account_alias("example-corp")
        .send()
        .await
        .unwrap();
    let r = b
        .submit(
            "/console/example-corp",
            "/console/example-corp",
            &[("username", "alice"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/console/iam/"));
    let user = s.iam().get_user().user_name("alice").send().await.unwrap();
    assert!(
        user.user().unwrap().password_last_used().is_some(),
        "sign-in records PasswordLastUsed"
    );
}

#[tokio::test]
async fn tutorial_forced_password_change_denied_page_and_access_advisor() {
    let s = Server::start().await;
    let mut root = Browser::root_sign_in(&s).await;
    // Copy PowerUserAccess in the editor.
    let form = root.get("/console/iam/policies/create?from=PowerUserAccess").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("NotAction"),
        "the managed policy's document is loaded"
    );
    let document = {
        let start = form.body.find("id=\"policy-document\"").unwrap();
        let open = form.body[start..].find('>').unwrap() + start + 1;
        let close = form.body[open..].find("</textarea>").unwrap() + open;
        form.body[open..close].replace("&quot;", "\"").replace("&amp;", "&")
    };
    let token = form.csrf();
    let v = root
        .post(
            "/console/iam/validate",
            &[("_csrf", &token), ("document", "{\"Version\":")],
        )
        .await;
    assert_eq!(v.status, 200);
    assert!(v.body.contains("\"errors\":true"), "{}", v.body);
    let created = root
        .post(
            "/console/iam/policies/create",
            &[
                ("_csrf", &token),
                ("name", "PowerUserExampleCorp"),
                (
                    "description",
                    "Allows full access to all services except those for user management",
                ),
                ("document", &document),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let arn = "arn:aws:iam::123456789012:policy/PowerUserExampleCorp";
    // The group with the policy, then Mary with a password she must change.
    let r = root
        .submit(
            "/console/iam/groups/create",
            "/console/iam/groups/create",
            &[("group_name", "PowerUsers"), ("policy", arn)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Tag values cannot hold markup (the model's pattern refuses it); the refusal echoes the value, escaped.
    let r = root
        .submit(
            "/console/iam/users/create",
            "/console/iam/users/create",
            &[
                ("user_name", "x"),
                ("tag_key_1", "k"),
                ("tag_value_1", "<script>alert(1)</script>"),
            ],
        )
        .await;
    assert!(r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !r.body.contains("<script>alert"));
    let r = root
        .submit(
            "/console/iam/users/create",
            "/console/iam/users/create",
            &[
                ("user_name", MARY),
                ("console_access", "true"),
                ("password_kind", "custom"),
                ("custom_password", PASSWORD),
                ("reset_required", "true"),
                ("group", "PowerUsers"),
                ("access_key", "true"),
                ("tag_key_1", "Department"),
                ("tag_value_1", "Engineering"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"new-password\">Tutorial-Passw0rd!<"), "{}", r.body);
    assert!(r.body.contains("new-secret-access-key"));
    let tags = root
        .get(&format!("/console/iam/user?name={}&tab=tags", url_encode(MARY)))
        .await;
    assert!(tags.body.contains("Engineering"));
    // Policy descriptions may hold markup: shown escaped.
    let r = root
        .submit(
            "/console/iam/policies/create",
            "/console/iam/policies/create",
            &[
                ("name", "Marked"),
                ("description", "<script>alert(2)</script>"),
                ("document", &document),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = root
        .get("/console/iam/policy?arn=arn:aws:iam::123456789012:policy/Marked")
        .await;
    assert!(shown.body.contains("&lt;script&gt;alert(2)") && !shown.body.contains("<script>alert"));

    // Mary signs in through the IAM user link and must set a new password.
    let mut mary = Browser::new(&s);
    let r = mary
        .submit(
            "/console/123456789012",
            "/console/123456789012",
            &[("username", MARY), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.header("location"), Some("/console/change-password"));
    let blocked = mary.get("/console/iam/roles").await;
    assert_eq!(blocked.header("location"), Some("/console/change-password"));
    let mismatch = mary
        .submit(
            "/console/change-password",
            "/console/change-password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd!"),
                ("confirm_password", "other"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 400);
    let weak = mary
        .submit(
            "/console/change-password",
            "/console/change-password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, 400, "the password policy applies");
    let r = mary
        .submit(
            "/console/change-password",
            "/console/change-password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "New-Passw0rd!"),
                ("confirm_password", "New-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some("/console/iam/"), "{}", r.body);
    let profile = s.iam().get_login_profile().user_name(MARY).send().await.unwrap();
    assert!(!profile.login_profile().unwrap().password_reset_required());

    // Mary cannot list users: AWS's AccessDenied text on the page.
    let users = mary.get("/console/iam/users").await;
    assert_eq!(users.status, 200);
    assert!(users.body.contains("AccessDenied"), "{}", users.body);
    assert!(
        users.body.contains(&format!(
            "User: arn:aws:iam::123456789012:user/{MARY} is not authorized to perform: iam:ListUsers"
        )),
        "{}",
        users.body
    );
    // ListRoles is one of the IAM actions PowerUserAccess allows.
    let roles = mary.get("/console/iam/roles").await;
    assert!(!roles.body.contains("AccessDenied"), "{}", roles.body);

    // Root sees Mary's use in the group's Access Advisor tab.
    let advisor = root.get("/console/iam/group?name=PowerUsers&tab=access_advisor").await;
    assert!(advisor.body.contains(MARY), "{}", advisor.body);
    assert!(advisor.body.contains("ListRoles"), "{}", advisor.body);

    // A new version, then a rollback and the new version deleted.
    let smaller = r#"{"Version":"2012-10-17","Statement":[{"Sid":"FullAccessToSomeServices","Effect":"Allow","Action":["ec2:*","s3:*"],"Resource":"*"}]}"#;
    let edit_page = format!("/console/iam/policy/edit?arn={}", url_encode(arn));
    let r = root
        .submit(
            &edit_page,
            "/console/iam/policy/edit",
            &[("arn", arn), ("document", smaller), ("set_default", "true")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = s.iam().get_policy().policy_arn(arn).send().await.unwrap();
    assert_eq!(p.policy().unwrap().default_version_id(), Some("v2"));
    let versions = format!("/console/iam/policy?arn={}&tab=versions", url_encode(arn));
    let r = root
        .submit(
            &versions,
            "/console/iam/policy/set-default",
            &[("arn", arn), ("version", "v1")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = root
        .submit(
            &versions,
            "/console/iam/policy/delete-version",
            &[("arn", arn), ("version", "v2")],
        )
        .await;
    assert_eq!(r.status, 303);
    let listed = s.iam().list_policy_versions().policy_arn(arn).send().await.unwrap();
    assert_eq!(listed.versions().len(), 1);
    assert_eq!(listed.versions()[0].version_id(), Some("v1"));
}

#[tokio::test]
async fn mfa_code_is_asked_and_checked() {
    let s = Server::start().await;
    user_with_password(&s, "bob", false).await;
    let iam = s.iam();
    let d = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("bob")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let seed = String::from_utf8(d.base32_string_seed().unwrap().as_ref().to_vec()).unwrap();
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, Secret::Encoded(seed).to_bytes().unwrap());
    let step = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() / 30;
    iam.enable_mfa_device()
        .user_name("bob")
        .serial_number(d.serial_number())
        .authentication_code1(totp.generate((step - 1) * 30))
        .authentication_code2(totp.generate(step * 30))
        .send()
        .await
        .unwrap();
    let mut b = Browser::new(&s);
    let r = b
        .submit(
            "/console/123456789012",
            "/console/123456789012",
            &[("username", "bob"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.header("location"), Some("/console/mfa"));
    assert_eq!(b.get("/console/iam/").await.header("location"), Some("/console/mfa"));
    let wrong = b
        .submit("/console/mfa", "/console/mfa", &[("mfa_code", "000000")])
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains(INCORRECT));
    // The code of the next step: the device's last accepted step is the current one.
    let r = b
        .submit(
            "/console/mfa",
            "/console/mfa",
            &[("mfa_code", &totp.generate((step + 1) * 30))],
        )
        .await;
    assert_eq!(r.header("location"), Some("/console/iam/"), "{}", r.body);
    assert_eq!(b.get("/console/iam/").await.status, 200);
}

#[tokio::test]
async fn sessions_expire_after_twelve_hours() {
    let (s, app) = Server::start_app().await;
    let mut b = Browser::root_sign_in(&s).await;
    assert_eq!(b.get("/console/iam/").await.status, 200);
    app.advance_clock(12 * 3600 + 1);
    let r = b.get("/console/iam/").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/console/"));
}

#[tokio::test]
async fn bad_input_is_answered_without_failures() {
    let s = Server::start().await;
    let mut b = Browser::root_sign_in(&s).await;
    let long = "x".repeat(5000);
    for path in [
        "/console/iam/user?name=%FF%FE",
        "/console/iam/user?name=nobody",
        "/console/iam/group?name=",
        "/console/iam/policy?arn=nonsense",
        "/console/iam/policy?arn=arn:aws:iam::aws:policy/PowerUserAccess&tab=versions",
        "/console/iam/policy/edit?arn=arn:aws:iam::aws:policy/PowerUserAccess",
        "/console/iam/nope",
        "/console/a/b/c",
        "/console/%ZZ",
        "/console/assets/missing.js",
        &format!("/console/iam/user?name={long}"),
    ] {
        let r = b.get(path).await;
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    let token = b.get("/console/iam/").await.csrf();
    for (action, fields) in [
        ("/console/iam/users/create", vec![("user_name", "bad name!")]),
        ("/console/iam/users/create", vec![("user_name", long.as_str())]),
        ("/console/iam/policies/create", vec![("name", "p"), ("document", "{")]),
        ("/console/iam/policy/set-default", vec![("arn", "x"), ("version", "v9")]),
        ("/console/iam/account-settings", vec![("MinimumPasswordLength", "abc")]),
        ("/console/iam/validate", vec![("document", "[[[[[[")]),
    ] {
        let mut all = vec![("_csrf", token.as_str())];
        all.extend(fields);
        let r = b.post(action, &all).await;
        assert!(r.status < 500, "{action}: {} {}", r.status, r.body);
    }
    let bad_user = b
        .post(
            "/console/iam/users/create",
            &[("_csrf", &token), ("user_name", "bad name!")],
        )
        .await;
    assert!(bad_user.body.contains("ValidationError"), "{}", bad_user.body);
}

#[tokio::test]
async fn console_can_be_turned_off() {
    let s = Server::start_with(Config {
        console: false,
        ..Config::default()
    })
    .await;
    let mut b = Browser::new(&s);
    let r = b.get("/console/").await;
    assert!(!r.body.contains("<html"), "{}", r.body);
}

#[tokio::test]
async fn event_history_page_shows_a_denied_call() {
    let s = Server::start().await;
    let (key, secret) = s.user_with_key("mary.major@examplecorp.com").await;
    let denied = s.iam_as(&key, &secret).list_users().send().await.unwrap_err();
    assert_eq!(code(&denied), "AccessDenied");
    let mut b = Browser::root_sign_in(&s).await;
    let page = b
        .get("/console/iam/events?attribute=Username&value=mary.major%40examplecorp.com")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ListUsers"), "{}", page.body);
    assert!(page.body.contains("AccessDenied"), "{}", page.body);
    // The lookup itself is a call: it is in the history too.
    let again = b
        .get("/console/iam/events?attribute=EventName&value=LookupEvents")
        .await;
    assert!(again.body.contains("cloudtrail.amazonaws.com"), "{}", again.body);
}
