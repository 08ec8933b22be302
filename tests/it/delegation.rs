//! IAM temporary delegation requests and STS GetDelegatedAccessToken.

use std::time::{Duration, SystemTime};

use aws_sdk_iam::types::{DelegationPermission, PolicyParameter, PolicyParameterTypeEnum};

use crate::common::{allow, code, error_code, send, sign_custom, url_encode, xml_field, Server};

const ACCOUNT: &str = "123456789012";
const CHANNEL: &str = "arn:aws:sns:us-east-1:123456789012:partner-topic";
/// A template with a `string` and a `stringList` placeholder.
const TEMPLATE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:{{ExtraActions}}"],"Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{BucketName}}/*"}]}"#;

/// Creates the template policy; returns its ARN.
async fn template(s: &Server) -> String {
    s.iam()
        .create_policy()
        .policy_name("partner-template")
        .policy_document(TEMPLATE)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap()
}

/// Creates a delegation request (as root, the "partner"); returns its id.
async fn create(s: &Server, template_arn: &str, workflow: &str, duration: i32) -> String {
    s.iam()
        .create_delegation_request()
        .description("Deploy the partner agent")
        .request_message("Needed for onboarding")
        .requestor_workflow_id(workflow)
        .notification_channel(CHANNEL)
        .session_duration(duration)
        .redirect_url("https://partner.example.com/done")
        .permissions(
            DelegationPermission::builder()
                .policy_template_arn(template_arn)
                .parameters(
                    PolicyParameter::builder()
                        .name("ExtraActions")
                        .values("GetUser")
                        .values("ListGroups")
                        .r#type(PolicyParameterTypeEnum::StringList)
                        .build(),
                )
                .parameters(
                    PolicyParameter::builder()
                        .name("BucketName")
                        .values("partner-bucket")
                        .r#type(PolicyParameterTypeEnum::String)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .delegation_request_id
        .unwrap()
}

/// A user with AdministratorAccess and a key: the customer's administrator.
async fn admin(s: &Server, name: &str) -> (aws_sdk_iam::Client, String, String) {
    let (k, sk) = s.user_with_key(name).await;
    s.iam()
        .attach_user_policy()
        .user_name(name)
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    (s.iam_as(&k, &sk), k, sk)
}

async fn request(iam: &aws_sdk_iam::Client, id: &str) -> aws_sdk_iam::types::DelegationRequest {
    let out = iam.get_delegation_request().delegation_request_id(id).send().await;
    out.unwrap().delegation_request.unwrap()
}

async fn state(iam: &aws_sdk_iam::Client, id: &str) -> String {
    request(iam, id).await.state.unwrap().as_str().to_string()
}

async fn associate(iam: &aws_sdk_iam::Client, id: &str) {
    iam.associate_delegation_request()
        .delegation_request_id(id)
        .send()
        .await
        .unwrap();
}

async fn accept(iam: &aws_sdk_iam::Client, id: &str) {
    iam.accept_delegation_request()
        .delegation_request_id(id)
        .send()
        .await
        .unwrap();
}

async fn send_token(iam: &aws_sdk_iam::Client, id: &str) {
    iam.send_delegation_token()
        .delegation_request_id(id)
        .send()
        .await
        .unwrap();
}

/// The token the admin endpoint hands out, signed by root at `at`.
async fn fetch_token(s: &Server, id: &str, at: SystemTime) -> (u16, String) {
    fetch_token_as(s, id, "test", "test", at).await
}

async fn fetch_token_as(s: &Server, id: &str, key: &str, secret: &str, at: SystemTime) -> (u16, String) {
    let path = format!("/_localiam/delegation-tokens/{id}");
    send(
        s.addr,
        sign_custom(&s.url(), "GET", &path, "iam", "us-east-1", key, secret, b"", at),
    )
    .await
}

fn token_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["TradeInToken"].as_str().unwrap().to_string()
}

/// A Query request signed as root at `at` (tests that move the server clock sign in its time).
async fn root_query(s: &Server, service: &str, body: &str, at: SystemTime) -> (u16, String) {
    let req = sign_custom(
        &s.url(),
        "POST",
        "/",
        service,
        "us-east-1",
        "test",
        "test",
        body.as_bytes(),
        at,
    );
    send(s.addr, req).await
}

async fn trade_in(s: &Server, token: &str, at: SystemTime) -> (u16, String) {
    let body = format!(
        "Action=GetDelegatedAccessToken&Version=2011-06-15&TradeInToken={}",
        url_encode(token)
    );
    root_query(s, "sts", &body, at).await
}

#[tokio::test]
async fn full_lifecycle_issues_scoped_credentials_once() {
    let s = Server::start().await;
    let tpl = template(&s).await;
    let (admin, admin_key, admin_secret) = admin(&s, "admin").await;
    let admin_arn = format!("arn:aws:iam::{ACCOUNT}:user/admin");
    let id = create(&s, &tpl, "workflow-0001", 3600).await;

    let got = s
        .iam()
        .get_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap();
    let req = got.delegation_request.unwrap();
    assert_eq!(req.state.unwrap().as_str(), "UNASSIGNED");
    assert_eq!(req.owner_id, None);
    assert_eq!(req.requestor_id.as_deref(), Some(ACCOUNT));
    assert_eq!(req.session_duration, Some(3600));
    assert_eq!(
        req.permissions.unwrap().policy_template_arn.as_deref(),
        Some(tpl.as_str())
    );
    let policy: serde_json::Value = serde_json::from_str(req.permission_policy.as_deref().unwrap()).unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        serde_json::json!(["iam:ListUsers", "iam:GetUser", "iam:ListGroups"])
    );
    assert_eq!(policy["Statement"][1]["Resource"], "arn:aws:s3:::partner-bucket/*");
    let created = req.create_date.unwrap().secs();
    assert_eq!(req.expiration_time.unwrap().secs() - created, 86_400);

    // Unclaimed requests are never listed.
    let listed = s.iam().list_delegation_requests().send().await.unwrap();
    assert!(listed.delegation_requests().is_empty());

    associate(&admin, &id).await;
    assert_eq!(state(&admin, &id).await, "ASSIGNED");
    let listed = s.iam().list_delegation_requests().send().await.unwrap();
    assert_eq!(listed.delegation_requests().len(), 1);
    assert_eq!(listed.delegation_requests()[0].owner_id(), Some(admin_arn.as_str()));
    assert_eq!(listed.delegation_requests()[0].owner_account_id(), Some(ACCOUNT));
    let by_owner = |owner: String| s.iam().list_delegation_requests().owner_id(owner).send();
    assert_eq!(
        by_owner(admin_arn.clone()).await.unwrap().delegation_requests().len(),
        1
    );
    let nobody = format!("arn:aws:iam::{ACCOUNT}:user/nobody");
    assert!(by_owner(nobody).await.unwrap().delegation_requests().is_empty());

    admin
        .update_delegation_request()
        .delegation_request_id(&id)
        .notes("Please approve")
        .send()
        .await
        .unwrap();
    let got = admin
        .get_delegation_request()
        .delegation_request_id(&id)
        .delegation_permission_check(true)
        .send()
        .await
        .unwrap();
    assert_eq!(got.permission_check_status.unwrap().as_str(), "COMPLETE");
    assert_eq!(got.permission_check_result.unwrap().as_str(), "ALLOWED");
    let req = got.delegation_request.unwrap();
    assert_eq!(req.state.unwrap().as_str(), "PENDING_APPROVAL");
    assert_eq!(req.notes.as_deref(), Some("Please approve"));

    let summary = admin
        .get_human_readable_summary()
        .entity_arn(format!("arn:aws:iam::{ACCOUNT}:delegation-request/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(summary.summary_state.unwrap().as_str(), "AVAILABLE");
    let content = summary.summary_content.unwrap();
    assert!(
        content.contains("iam:ListUsers, iam:GetUser, iam:ListGroups"),
        "{content}"
    );
    assert!(content.contains("for 1 hour"), "{content}");

    accept(&admin, &id).await;
    let req = request(&admin, &id).await;
    assert_eq!(req.state.unwrap().as_str(), "ACCEPTED");
    assert_eq!(req.approver_id.as_deref(), Some(admin_arn.as_str()));

    // No token before SendDelegationToken.
    let (st, body) = fetch_token(&s, &id, SystemTime::now()).await;
    assert_eq!(st, 404, "{body}");
    send_token(&admin, &id).await;
    assert_eq!(state(&admin, &id).await, "FINALIZED");

    // The admin endpoint is root-only.
    let path = format!("/_localiam/delegation-tokens/{id}");
    let (st, _) = s.raw_unsigned("GET", &path, b"").await;
    assert_eq!(st, 403);
    let (st, _) = fetch_token_as(&s, &id, &admin_key, &admin_secret, SystemTime::now()).await;
    assert_eq!(st, 403);
    let (st, body) = fetch_token(&s, &id, SystemTime::now()).await;
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["DelegationRequestId"], id.as_str());
    assert_eq!(v["NotificationChannel"], CHANNEL);
    let token = token_of(&body);

    let (st, body) = trade_in(&s, &token, SystemTime::now()).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(xml_field(&body, "AssumedPrincipal"), admin_arn);
    let (key, secret, session) = (
        xml_field(&body, "AccessKeyId").to_string(),
        xml_field(&body, "SecretAccessKey").to_string(),
        xml_field(&body, "SessionToken").to_string(),
    );
    assert!(key.starts_with("ASIA"), "{key}");
    let exp = xml_field(&body, "Expiration");
    let exp = time::OffsetDateTime::parse(exp, &time::format_description::well_known::Rfc3339).unwrap();
    let left = exp.unix_timestamp() - time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((3590..=3600).contains(&left), "{left}");

    let me = s
        .sts_as(&key, &secret, Some(&session))
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(admin_arn.as_str()));

    // Inside the delegated policy (and the admin's own permissions): allowed, even without MFA.
    let delegated = s.iam_as_session(&key, &secret, &session);
    delegated.list_users().send().await.unwrap();
    delegated.get_user().user_name("admin").send().await.unwrap();
    // The admin may create users, but the delegation does not allow it.
    let err = delegated.create_user().user_name("intruder").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    // Single use.
    let (st, body) = trade_in(&s, &token, SystemTime::now()).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "ExpiredTradeInTokenException");
    // Still FINALIZED, and no longer rejectable.
    let err = admin
        .reject_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");
}

#[tokio::test]
async fn reject_path_and_invalid_transitions() {
    let s = Server::start().await;
    let tpl = template(&s).await;
    let iam = s.iam();
    let id = create(&s, &tpl, "workflow-0002", 900).await;

    // Accepting or updating an unclaimed request is a state conflict.
    let err = iam
        .accept_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");
    assert_eq!(crate::common::status(&err), 409);
    let err = iam
        .update_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");
    let err = iam
        .reject_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");

    associate(&iam, &id).await;
    let err = iam
        .associate_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");
    let err = iam
        .send_delegation_token()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");

    iam.reject_delegation_request()
        .delegation_request_id(&id)
        .notes("Not now")
        .send()
        .await
        .unwrap();
    let req = request(&iam, &id).await;
    assert_eq!(req.state.unwrap().as_str(), "REJECTED");
    assert_eq!(req.rejection_reason.as_deref(), Some("Not now"));
    let updated = req.updated_time.unwrap().secs();
    assert_eq!(req.expiration_time.unwrap().secs() - updated, 7 * 86_400);
    let err = iam
        .accept_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");
    let err = iam
        .update_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");

    // An accepted request can still be rejected before its token is sent.
    let id2 = create(&s, &tpl, "workflow-0003", 900).await;
    associate(&iam, &id2).await;
    accept(&iam, &id2).await;
    iam.reject_delegation_request()
        .delegation_request_id(&id2)
        .send()
        .await
        .unwrap();
    assert_eq!(state(&iam, &id2).await, "REJECTED");
    let err = iam
        .send_delegation_token()
        .delegation_request_id(&id2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ConcurrentModification");

    // Unknown ids.
    let unknown = "0123456789abcdef0123456789abcdef";
    let err = iam
        .get_delegation_request()
        .delegation_request_id(unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    assert_eq!(crate::common::status(&err), 404);
    let err = iam
        .accept_delegation_request()
        .delegation_request_id(unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let err = iam
        .get_human_readable_summary()
        .entity_arn(format!("arn:aws:iam::{ACCOUNT}:delegation-request/{unknown}"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NoSuchEntity");
    let (st, body) = fetch_token(&s, unknown, SystemTime::now()).await;
    assert_eq!(st, 404, "{body}");
    let (st, body) = trade_in(&s, "not-a-token", SystemTime::now()).await;
    assert_eq!(st, 400, "{body}");
}

#[tokio::test]
async fn create_validates_its_input() {
    let s = Server::start().await;
    let tpl = template(&s).await;
    create(&s, &tpl, "workflow-dup", 900).await;
    let base = || {
        s.iam()
            .create_delegation_request()
            .description("d")
            .requestor_workflow_id("workflow-new")
            .notification_channel(CHANNEL)
            .session_duration(900)
            .permissions(
                DelegationPermission::builder()
                    .policy_template_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                    .build(),
            )
    };
    let err = base().requestor_workflow_id("workflow-dup").send().await.unwrap_err();
    assert_eq!(code(&err), "EntityAlreadyExists");
    let err = base().notification_channel("not-a-topic").send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    let err = base().session_duration(299).send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = base().session_duration(43_201).send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = base().description("x".repeat(1001)).send().await.unwrap_err();
    assert_eq!(code(&err), "ValidationError");
    let err = base()
        .permissions(
            DelegationPermission::builder()
                .policy_template_arn(format!("arn:aws:iam::{ACCOUNT}:policy/missing"))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    // The template's placeholders need values.
    let err = base()
        .permissions(DelegationPermission::builder().policy_template_arn(&tpl).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    // An AWS managed policy works as a template without parameters.
    let id = base().send().await.unwrap().delegation_request_id.unwrap();
    assert!(id.len() >= 16);
}

#[tokio::test]
async fn owners_have_default_permissions_and_others_need_policies() {
    let s = Server::start().await;
    let (admin, _, _) = admin(&s, "admin").await;
    let (bk, bs) = s.user_with_key("bob").await;
    s.iam()
        .put_user_policy()
        .user_name("bob")
        .policy_name("claim")
        .policy_document(allow("iam:AssociateDelegationRequest", "*"))
        .send()
        .await
        .unwrap();
    let bob = s.iam_as(&bk, &bs);
    let (ek, es) = s.user_with_key("eve").await;
    let eve = s.iam_as(&ek, &es);

    let id = s
        .iam()
        .create_delegation_request()
        .description("d")
        .requestor_workflow_id("workflow-owner")
        .notification_channel(CHANNEL)
        .session_duration(900)
        .only_send_by_owner(true)
        .permissions(
            DelegationPermission::builder()
                .policy_template_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .delegation_request_id
        .unwrap();
    let err = eve
        .associate_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    associate(&bob, &id).await;
    // The owner may read, summarize and update its request without any policy for it.
    assert_eq!(state(&bob, &id).await, "ASSIGNED");
    bob.get_human_readable_summary()
        .entity_arn(format!("arn:aws:iam::{ACCOUNT}:delegation-request/{id}"))
        .send()
        .await
        .unwrap();
    bob.update_delegation_request()
        .delegation_request_id(&id)
        .notes("for the admin")
        .send()
        .await
        .unwrap();
    // Accepting is not an owner default.
    let err = bob
        .accept_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = eve
        .get_delegation_request()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    accept(&admin, &id).await;
    // OnlySendByOwner: the admin may not release the token, the owner (with permission) may.
    let err = admin
        .send_delegation_token()
        .delegation_request_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    s.iam()
        .put_user_policy()
        .user_name("bob")
        .policy_name("send")
        .policy_document(allow("iam:SendDelegationToken", "*"))
        .send()
        .await
        .unwrap();
    send_token(&bob, &id).await;
    assert_eq!(state(&bob, &id).await, "FINALIZED");

    // Summary errors.
    let err = admin
        .get_human_readable_summary()
        .entity_arn(format!("arn:aws:iam::{ACCOUNT}:role/some-role"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidInput");
    let other = admin
        .get_human_readable_summary()
        .entity_arn(format!("arn:aws:iam::{ACCOUNT}:delegation-request/{id}"))
        .locale("ja-JP")
        .send()
        .await
        .unwrap();
    assert_eq!(other.summary_state.unwrap().as_str(), "NOT_SUPPORTED");
    assert_eq!(other.locale.as_deref(), Some("ja-JP"));
}

#[tokio::test]
async fn root_acceptance_is_limited_to_four_hours_and_scoped() {
    let s = Server::start().await;
    let tpl = template(&s).await;
    let iam = s.iam();
    let long = create(&s, &tpl, "workflow-long", 14_401).await;
    associate(&iam, &long).await;
    let err = iam
        .accept_delegation_request()
        .delegation_request_id(&long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    let id = create(&s, &tpl, "workflow-root", 14_400).await;
    associate(&iam, &id).await;
    accept(&iam, &id).await;
    send_token(&iam, &id).await;
    let (_, body) = fetch_token(&s, &id, SystemTime::now()).await;
    let (st, body) = trade_in(&s, &token_of(&body), SystemTime::now()).await;
    assert_eq!(st, 200, "{body}");
    let root_arn = format!("arn:aws:iam::{ACCOUNT}:root");
    assert_eq!(xml_field(&body, "AssumedPrincipal"), root_arn);
    let (key, secret, session) = (
        xml_field(&body, "AccessKeyId").to_string(),
        xml_field(&body, "SecretAccessKey").to_string(),
        xml_field(&body, "SessionToken").to_string(),
    );
    let me = s
        .sts_as(&key, &secret, Some(&session))
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.arn(), Some(root_arn.as_str()));
    let delegated = s.iam_as_session(&key, &secret, &session);
    delegated.list_users().send().await.unwrap();
    // Root could, but the delegated policy does not allow it.
    let err = delegated.create_user().user_name("intruder").send().await.unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

#[tokio::test]
async fn list_pages_through_owned_requests() {
    let s = Server::start().await;
    let iam = s.iam();
    let tpl = template(&s).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = create(&s, &tpl, &format!("workflow-page-{i}"), 900).await;
        associate(&iam, &id).await;
        ids.push(id);
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_delegation_requests()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        seen.extend(
            out.delegation_requests()
                .iter()
                .map(|r| r.delegation_request_id().unwrap().to_string()),
        );
        if out.is_truncated() {
            marker = out.marker().map(str::to_string);
        } else {
            break;
        }
    }
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn requests_tokens_and_credentials_expire() {
    let (s, app) = Server::start_app().await;
    let tpl = template(&s).await;
    let iam = s.iam();
    let unclaimed = create(&s, &tpl, "workflow-exp-1", 900).await;
    let rejected = create(&s, &tpl, "workflow-exp-2", 900).await;
    associate(&iam, &rejected).await;
    iam.reject_delegation_request()
        .delegation_request_id(&rejected)
        .send()
        .await
        .unwrap();
    let sent = create(&s, &tpl, "workflow-exp-3", 900).await;
    let traded = create(&s, &tpl, "workflow-exp-4", 900).await;
    for id in [&sent, &traded] {
        associate(&iam, id).await;
        accept(&iam, id).await;
        send_token(&iam, id).await;
    }
    let (_, body) = fetch_token(&s, &sent, SystemTime::now()).await;
    let sent_token = token_of(&body);
    let (_, body) = fetch_token(&s, &traded, SystemTime::now()).await;
    let (st, body) = trade_in(&s, &token_of(&body), SystemTime::now()).await;
    assert_eq!(st, 200, "{body}");
    let sts = s.sts_as(
        xml_field(&body, "AccessKeyId"),
        xml_field(&body, "SecretAccessKey"),
        Some(xml_field(&body, "SessionToken")),
    );
    sts.get_caller_identity().send().await.unwrap();

    // The delegation period (SessionDuration from SendDelegationToken) ends: the unused token and
    // the credentials bought with the other one are both expired.
    app.advance_clock(901);
    let mut offset = 901u64;
    let at = |offset: u64| SystemTime::now() + Duration::from_secs(offset);
    let (st, body) = trade_in(&s, &sent_token, at(offset)).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(error_code(&body), "ExpiredTradeInTokenException");
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert_eq!(crate::common::code(&err), "ExpiredToken");

    let get = |id: &str| format!("Action=GetDelegationRequest&Version=2010-05-08&DelegationRequestId={id}");
    // An unclaimed request lives one day.
    let (st, body) = root_query(&s, "iam", &get(&unclaimed), at(offset)).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(xml_field(&body, "State"), "UNASSIGNED");
    app.advance_clock(86_400 - 901);
    offset = 86_400;
    let (_, body) = root_query(&s, "iam", &get(&unclaimed), at(offset)).await;
    assert_eq!(xml_field(&body, "State"), "EXPIRED");
    let associate = format!("Action=AssociateDelegationRequest&Version=2010-05-08&DelegationRequestId={unclaimed}");
    let (st, body) = root_query(&s, "iam", &associate, at(offset)).await;
    assert_eq!(st, 409, "{body}");
    assert_eq!(error_code(&body), "ConcurrentModification");

    // A rejected request expires seven days after the rejection.
    let (_, body) = root_query(&s, "iam", &get(&rejected), at(offset)).await;
    assert_eq!(xml_field(&body, "State"), "REJECTED");
    app.advance_clock(6 * 86_400);
    offset += 6 * 86_400;
    let (_, body) = root_query(&s, "iam", &get(&rejected), at(offset)).await;
    assert_eq!(xml_field(&body, "State"), "EXPIRED");
    let (_, body) = root_query(&s, "iam", &get(&sent), at(offset)).await;
    assert_eq!(xml_field(&body, "State"), "EXPIRED");
}
