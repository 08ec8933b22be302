//! Event history: the place the request journal (branch `events`, CloudTrail-shaped) plugs into.
//! Until it is merged, sign-ins are only logged and the page says the history is not available.

use crate::app::App;

use super::html;
use super::{Page, Response};

/// EVENTS-HOOK: a console sign-in attempt, to be recorded as CloudTrail's `ConsoleLogin` event
/// (`responseElements.ConsoleLogin` = `Success`/`Failure`, `additionalEventData.MFAUsed`). Until
/// the journal is merged it is one log line, without the password or any secret.
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

/// `/console/iam/events`.
pub fn page(page: &Page<'_>) -> Response {
    page.render(
        "events",
        "Event history",
        &format!(
            "<h1>Event history</h1>{}",
            html::alert(
                "info",
                "Event history is not available yet in this build: the request journal is being added separately."
            )
        ),
    )
}
