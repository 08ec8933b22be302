//! Event history: the account's CloudTrail-shaped events (the request journal), and console
//! sign-ins recorded there as CloudTrail's `ConsoleLogin` events.

use std::sync::Arc;

use crate::accounts::Account;
use crate::app::App;
use crate::journal::{SignIn, Signer};

use super::html;
use super::{Page, Request, Response};

/// A console sign-in attempt: a `ConsoleLogin` event (signin.amazonaws.com, `AwsConsoleSignIn`)
/// in the account's journal, and a log line without the password or any secret. An attempt
/// naming no account (an unknown alias or root key) has no journal to go to: only the log line.
pub fn console_login(
    app: &App,
    req: &Request<'_>,
    account: Option<&Arc<Account>>,
    signer: Signer,
    success: bool,
    mfa_used: bool,
) {
    let user = match &signer {
        Signer::Root => "root",
        Signer::User(u) => u.name.as_str(),
        Signer::Unknown(name) => name.as_str(),
    };
    tracing::info!(
        event = "ConsoleLogin",
        account = account.map_or("-", |a| a.id.as_str()),
        user,
        outcome = if success { "Success" } else { "Failure" },
        mfa_used,
        "console sign-in"
    );
    let Some(account) = account else {
        return;
    };
    let host = req.host.unwrap_or("localhost");
    app.journal.push_sign_in(SignIn {
        account: account.clone(),
        time: app.now(),
        partition: crate::config::partition_for_region(&app.config.region),
        signer,
        request_id: req.request_id.to_string(),
        source_ip: req.source_ip,
        user_agent: crate::journal::truncate(req.user_agent.unwrap_or("")),
        success,
        mfa_used,
        login_to: format!("http://{host}/console/iam/"),
    });
}

/// The signer of a sign-in step after the password: the user as stored now (a user deleted
/// meanwhile is recorded by name only).
pub fn user_signer(account: &Account, id: &str, name: &str) -> Signer {
    match account.store.read(|c| Ok(crate::store::users::by_id(c, id)?)) {
        Ok(Some(u)) => Signer::User(u),
        _ => Signer::Unknown(name.to_string()),
    }
}

/// The lookup attributes CloudTrail's console offers, in its order.
const ATTRIBUTES: &[&str] = &[
    "EventName",
    "Username",
    "ResourceName",
    "ResourceType",
    "EventSource",
    "EventId",
    "AccessKeyId",
    "ReadOnly",
];

/// `/console/iam/events`: the account's event history (CloudTrail's LookupEvents, called as the
/// signed-in principal), newest first, filtered by one lookup attribute as in CloudTrail's console.
pub fn page(page: &Page<'_>) -> Response {
    let key = ATTRIBUTES
        .iter()
        .copied()
        .find(|a| *a == page.q("attribute"))
        .unwrap_or("EventName");
    let value = page.q("value");
    let body = if value.is_empty() {
        serde_json::json!({ "MaxResults": 50 })
    } else {
        serde_json::json!({
            "MaxResults": 50,
            "LookupAttributes": [{ "AttributeKey": key, "AttributeValue": value }],
        })
    };
    let options: String = ATTRIBUTES
        .iter()
        .map(|a| {
            let selected = if *a == key { " selected" } else { "" };
            format!("<option value=\"{a}\"{selected}>{a}</option>")
        })
        .collect();
    let filter = format!(
        "<form method=\"get\" action=\"/console/iam/events\" class=\"filter\"><select name=\"attribute\">{options}</select>\
         <input name=\"value\" value=\"{}\" placeholder=\"Enter a lookup value\"><button type=\"submit\">Filter</button></form>",
        html::esc(value)
    );
    let content = match page.caller.lookup_events(&body.to_string()) {
        Err(e) => html::error_box(&e),
        Ok(json) => {
            let found: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            let rows: Vec<Vec<String>> = found
                .get("Events")
                .and_then(serde_json::Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(row)
                .collect();
            html::table(
                &[
                    "Event time",
                    "User name",
                    "Event name",
                    "Event source",
                    "Error code",
                    "Error message",
                ],
                &rows,
                "No events match.",
            )
        }
    };
    page.render(
        "events",
        "Event history",
        &format!("<h1>Event history</h1>{filter}{content}"),
    )
}

/// One event's cells, every value escaped.
fn row(e: &serde_json::Value) -> Vec<String> {
    let record: serde_json::Value = e
        .get("CloudTrailEvent")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let text = |v: &serde_json::Value, k: &str| html::esc(v.get(k).and_then(serde_json::Value::as_str).unwrap_or(""));
    vec![
        text(&record, "eventTime"),
        text(e, "Username"),
        text(e, "EventName"),
        text(e, "EventSource"),
        text(&record, "errorCode"),
        text(&record, "errorMessage"),
    ]
}
