//! Event history: the account's CloudTrail-shaped events (the request journal), and console sign-ins.

use crate::app::App;

use super::html;
use super::{Page, Response};

/// A console sign-in attempt. AWS records it as `ConsoleLogin` (signin.amazonaws.com,
/// `AwsConsoleSignIn`); the journal holds API calls only so far, so here it is one log line,
/// without the password or any secret.
pub fn console_login(app: &App, account: Option<&str>, user: &str, success: bool, mfa_used: bool) {
    let _ = app;
    tracing::info!(
        event = "ConsoleLogin",
        account = account.unwrap_or("-"),
        user,
        outcome = if success { "Success" } else { "Failure" },
        mfa_used,
        "console sign-in"
    );
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
