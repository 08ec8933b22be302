//! `/_localiam/*`: health for anyone, everything else for root only.

use crate::api::Service;
use crate::app::App;
use crate::config::AuthMode;
use crate::error::ApiError;
use crate::identity::Principal;

use super::pipeline::{Head, Reply};

pub(super) fn handle(app: &App, head: &Head, body: &[u8]) -> Reply {
    match (head.method.as_str(), head.path.as_str()) {
        ("GET", "/_localiam/health") => Reply::json(
            200,
            format!("{{\"status\":\"ok\",\"version\":\"{}\"}}", env!("CARGO_PKG_VERSION")),
        ),
        ("POST", "/_localiam/reset") => match require_root(app, head, body).and_then(|()| reset(app)) {
            Ok(()) => Reply::json(200, "{\"reset\":true}".to_string()),
            Err(e) => error(&e),
        },
        ("GET", path) if path.starts_with("/_localiam/delegation-tokens/") => {
            let id = path.trim_start_matches("/_localiam/delegation-tokens/");
            match require_root(app, head, body).and_then(|()| crate::iam::delegation::admin_token(app, id)) {
                Ok(json) => Reply::json(200, json),
                Err(e) => error(&e),
            }
        }
        _ => error(&ApiError::new("NotFound", 404, true, "No such localiam endpoint.")),
    }
}

/// `GET /.well-known/…`: the outbound federation issuer's discovery documents, unsigned; `None` for
/// any other request.
pub(super) fn well_known(app: &App, head: &Head) -> Option<Reply> {
    if head.method != "GET" {
        return None;
    }
    let host = head.headers.iter().find(|(k, _)| k == "host").map(|(_, v)| v.as_str());
    crate::sts::web_identity_token::well_known(app, &head.path, host).map(|(status, body)| Reply::json(status, body))
}

/// Empties the state, journal included.
fn reset(app: &App) -> Result<(), ApiError> {
    // Queued calls belong to the state being reset: write them first, so none lands after it.
    app.journal.flush(app);
    app.accounts.reset()?;
    app.org.clear();
    Ok(())
}

fn error(e: &ApiError) -> Reply {
    let (status, body) = super::errors::render(e, Service::Iam, "localiam-admin");
    Reply::xml(status, body)
}

fn require_root(app: &App, head: &Head, body: &[u8]) -> Result<(), ApiError> {
    if app.config.auth == AuthMode::Off {
        return Ok(());
    }
    let parts = head.sig_parts(body);
    let denied = || {
        ApiError::new(
            "AccessDenied",
            403,
            true,
            "Only the account's root credentials may use this endpoint.",
        )
    };
    let sig = crate::sigv4::parse(&parts).ok().flatten().ok_or_else(denied)?;
    let (_, cred) = crate::signers::lookup(app, &sig.access_key_id)?.ok_or_else(denied)?;
    if !matches!(cred.principal, Principal::Root) {
        return Err(denied());
    }
    let now = app.now().unix_timestamp();
    crate::sigv4::verify(&parts, &sig, &cred.secret, &sig.service, now, Some(&app.signing_keys)).map_err(|_| denied())
}
