//! Signing in as on AWS: the root user at `/console/` (locally the root credentials are the
//! configured root access key id and secret), IAM users at `/console/ACCOUNT-ID-OR-ALIAS` with
//! their console password (argon2), then their MFA code when they have a device, then a new
//! password when one is required (through the ChangePassword handler, so the account's password
//! policy applies). Every step ends with a fresh session id.

use std::sync::Arc;

use subtle::ConstantTimeEq;

use crate::api::handler::Handler;
use crate::api::{iam as i, Operation};
use crate::app::App;
use crate::identity::Principal;
use crate::journal::Signer;
use crate::store::{account as account_store, login, mfa as mfa_store, users};
use crate::wire::form::Form;

use super::caller::Caller;
use super::html::{self, esc};
use super::session::{self, ConsoleSession, Stage, Who};
use super::{events, Request, Response};

/// AWS's sign-in page answer for a wrong name, password, key or code: it never says which.
pub const INCORRECT: &str = "Your authentication information is incorrect. Please try again.";

/// What CloudTrail records as the user name of a failed sign-in by a name that is no user.
const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// The sign-in forms' CSRF token: the double-submit cookie's value, made on first visit.
fn signin_token(req: &Request<'_>) -> (String, Option<String>) {
    match session::cookie(req.cookie, session::SIGNIN_COOKIE) {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => (t.to_string(), None),
        _ => {
            let t = session::random_token();
            let set = session::set_cookie(session::SIGNIN_COOKIE, &t);
            (t, Some(set))
        }
    }
}

fn signin_csrf_ok(req: &Request<'_>, form: &Form) -> bool {
    session::cookie(req.cookie, session::SIGNIN_COOKIE).is_some_and(|t| session::csrf_ok(t, form.get("_csrf")))
}

/// A sign-in card page with its CSRF cookie.
fn card(req: &Request<'_>, status: u16, title: &str, message: Option<&str>, fields: &str, action: &str) -> Response {
    let (token, set) = signin_token(req);
    let alert = message.map(|m| html::alert("error", m)).unwrap_or_default();
    let body = format!(
        "<main class=\"narrow card\"><h1>{}</h1>{alert}<form method=\"post\" action=\"{}\">{}{fields}</form></main>",
        esc(title),
        esc(action),
        html::csrf_field(&token)
    );
    let resp = Response::html(status, html::document(title, &token, &body));
    match set {
        Some(c) => resp.with_cookie(c),
        None => resp,
    }
}

fn field(label: &str, name: &str, kind: &str, value: &str, autocomplete: &str) -> String {
    format!(
        "<label>{}<input type=\"{kind}\" name=\"{name}\" id=\"{name}\" value=\"{}\" autocomplete=\"{autocomplete}\" required></label>",
        esc(label),
        esc(value)
    )
}

/// Starts a session at `stage` and sends the browser on.
fn begin(app: &App, s: ConsoleSession, old: Option<&str>) -> Response {
    if let Some(old) = old {
        app.console.remove(old);
    }
    let next = match s.stage {
        Stage::Mfa => "/console/mfa",
        Stage::NewPassword => "/console/change-password",
        Stage::Active => "/console/iam/",
    };
    let id = app.console.insert(s, app.now().unix_timestamp());
    Response::redirect(next)
        .with_cookie(session::set_cookie(session::SESSION_COOKIE, &id))
        .with_cookie(session::clear_cookie(session::SIGNIN_COOKIE))
}

fn new_session(app: &App, account: &str, who: Who, stage: Stage) -> ConsoleSession {
    let now = app.now().unix_timestamp();
    ConsoleSession {
        account: account.to_string(),
        who,
        stage,
        mfa: false,
        issued: now,
        expires: now
            + if stage == Stage::Active {
                session::SESSION_SECONDS
            } else {
                session::PENDING_SECONDS
            },
        csrf: session::random_token(),
    }
}

/// `/console/`: the root user's sign-in (or the dashboard when already signed in), and the way
/// to an account's IAM user sign-in page.
pub fn root(app: &Arc<App>, req: &Request<'_>, form: &Form) -> Response {
    let query = Form::parse(req.query.as_bytes()).unwrap_or_default();
    if let Some(account) = query.get("account").filter(|a| !a.is_empty()) {
        return Response::redirect(&format!("/console/{}", html::enc(account)));
    }
    if req.method != "POST" {
        let now = app.now().unix_timestamp();
        let id = session::cookie(req.cookie, session::SESSION_COOKIE).unwrap_or("");
        if app.console.get(id, now).is_some_and(|s| s.stage == Stage::Active) {
            return Response::redirect("/console/iam/");
        }
        return root_form(req, 200, None);
    }
    if !signin_csrf_ok(req, form) {
        return super::forbidden_csrf();
    }
    let key = form.get("access_key_id").unwrap_or("");
    let secret = form.get("secret_access_key").unwrap_or("");
    let root = crate::signers::lookup(app, key)
        .ok()
        .flatten()
        .filter(|(_, cred)| matches!(cred.principal, Principal::Root) && cred.token.is_none());
    let account = match root {
        Some((account, cred)) if bool::from(cred.secret.as_bytes().ct_eq(secret.as_bytes())) => account,
        // A root key with the wrong secret: a failed sign-in of that account's root user.
        Some((account, _)) => {
            events::console_login(app, req, Some(&account), Signer::Root, false, false);
            return root_form(req, 401, Some(INCORRECT));
        }
        None => {
            events::console_login(app, req, None, Signer::Root, false, false);
            return root_form(req, 401, Some(INCORRECT));
        }
    };
    events::console_login(app, req, Some(&account), Signer::Root, true, false);
    begin(
        app,
        new_session(app, &account.id, Who::Root, Stage::Active),
        current_id(req),
    )
}

fn root_form(req: &Request<'_>, status: u16, message: Option<&str>) -> Response {
    let fields = format!(
        "<p class=\"hint\">Root user: locally, the root user's credentials are the server's root access key id and secret (<code>--root-access-key-id</code>, <code>--root-secret-access-key</code>).</p>\
         {}{}<button type=\"submit\" class=\"primary\">Sign in</button></form>\
         <form method=\"get\" action=\"/console/\" class=\"iam-user\"><h2>Sign in as IAM user</h2>\
         <label>Account ID (12 digits) or account alias<input type=\"text\" name=\"account\" id=\"account\" required></label>\
         <button type=\"submit\">Next</button>",
        field("Root access key ID", "access_key_id", "text", "", "username"),
        field("Root secret access key", "secret_access_key", "password", "", "current-password"),
    );
    card(req, status, "Sign in as root user", message, &fields, "/console/")
}

/// The account a sign-in link names: its 12-digit id or its alias.
fn find_account(app: &App, id_or_alias: &str) -> Option<Arc<crate::accounts::Account>> {
    if crate::accounts::is_account_id(id_or_alias) {
        return app.accounts.get(id_or_alias);
    }
    app.accounts.all().into_iter().find(|a| {
        a.store
            .read(|c| Ok(account_store::aliases(c)?))
            .is_ok_and(|aliases| aliases.iter().any(|x| x == id_or_alias))
    })
}

/// `/console/ACCOUNT-ID-OR-ALIAS`: an IAM user's sign-in with name and console password.
pub fn user(app: &Arc<App>, req: &Request<'_>, form: &Form, id_or_alias: &str) -> Response {
    let id_or_alias = percent_encoding::percent_decode_str(id_or_alias)
        .decode_utf8_lossy()
        .into_owned();
    if req.method != "POST" {
        return user_form(req, &id_or_alias, "", 200, None);
    }
    if !signin_csrf_ok(req, form) {
        return super::forbidden_csrf();
    }
    let name = form.get("username").unwrap_or("");
    let password = form.get("password").unwrap_or("");
    let Some(account) = find_account(app, &id_or_alias) else {
        events::console_login(app, req, None, Signer::Unknown(HIDDEN.to_string()), false, false);
        return user_form(req, &id_or_alias, name, 401, Some(INCORRECT));
    };
    // Err(Some(user)): the user exists but the password is wrong (or it has none).
    let checked = account.store.write(|c| {
        let Some(u) = users::by_name(c, name)? else {
            return Ok(Err(None));
        };
        let Some(profile) = login::get(c, &u.id)? else {
            return Ok(Err(Some(u)));
        };
        if !crate::iam::login_profiles::verify(password, &profile.hash) {
            return Ok(Err(Some(u)));
        }
        users::set_password_last_used(c, &u.id, &crate::store::format_time(app.now()))?;
        let has_mfa = crate::iam::mfa::has_enabled_device(c, &u.id)?;
        Ok(Ok((u, profile.reset_required, has_mfa)))
    });
    let (u, reset, has_mfa) = match checked {
        Ok(Ok(found)) => found,
        Ok(Err(known)) => {
            // CloudTrail hides a name that is no user: it may be a password typed in the wrong field.
            let signer = known.map_or_else(|| Signer::Unknown(HIDDEN.to_string()), Signer::User);
            events::console_login(app, req, Some(&account), signer, false, false);
            return user_form(req, &id_or_alias, name, 401, Some(INCORRECT));
        }
        Err(e) => return super::failure(&e),
    };
    let who = Who::User {
        id: u.id.clone(),
        name: u.name.clone(),
    };
    let stage = if has_mfa {
        Stage::Mfa
    } else if reset {
        Stage::NewPassword
    } else {
        events::console_login(app, req, Some(&account), Signer::User(u), true, false);
        Stage::Active
    };
    begin(app, new_session(app, &account.id, who, stage), current_id(req))
}

/// The session id the browser sends, if any: a new sign-in ends that session.
fn current_id<'a>(req: &Request<'a>) -> Option<&'a str> {
    session::cookie(req.cookie, session::SESSION_COOKIE)
}

fn user_form(req: &Request<'_>, account: &str, name: &str, status: u16, message: Option<&str>) -> Response {
    let fields = format!(
        "<label>Account ID (12 digits) or account alias<input type=\"text\" value=\"{}\" readonly></label>{}{}\
         <button type=\"submit\" class=\"primary\">Sign in</button>\
         <p class=\"hint\"><a href=\"/console/\">Sign in using root user email</a></p>",
        esc(account),
        field("IAM username", "username", "text", name, "username"),
        field("Password", "password", "password", "", "current-password"),
    );
    let action = format!("/console/{}", html::enc(account));
    card(req, status, "Sign in as IAM user", message, &fields, &action)
}

/// The pending session of a sign-in at `stage`, with its id.
fn pending(app: &App, req: &Request<'_>, stage: Stage) -> Option<(String, ConsoleSession)> {
    let id = session::cookie(req.cookie, session::SESSION_COOKIE)?;
    let s = app.console.get(id, app.now().unix_timestamp())?;
    (s.stage == stage).then(|| (id.to_string(), s))
}

/// Checks a POST of a pending step against that session's token.
fn pending_csrf_ok(s: &ConsoleSession, form: &Form) -> bool {
    session::csrf_ok(&s.csrf, form.get("_csrf"))
}

fn step_page(
    s: &ConsoleSession,
    status: u16,
    title: &str,
    message: Option<&str>,
    fields: &str,
    action: &str,
) -> Response {
    let alert = message.map(|m| html::alert("error", m)).unwrap_or_default();
    let body = format!(
        "<main class=\"narrow card\"><h1>{}</h1>{alert}<form method=\"post\" action=\"{}\">{}{fields}</form></main>",
        esc(title),
        esc(action),
        html::csrf_field(&s.csrf)
    );
    Response::html(status, html::document(title, &s.csrf, &body))
}

/// `/console/mfa`: the MFA code of a user with a virtual MFA device.
pub fn mfa(app: &Arc<App>, req: &Request<'_>, form: &Form) -> Response {
    let Some((id, s)) = pending(app, req, Stage::Mfa) else {
        return Response::redirect("/console/");
    };
    let fields = format!(
        "<p>Enter the code from the MFA application on your device.</p>{}<button type=\"submit\" class=\"primary\">Submit</button>",
        field("MFA code", "mfa_code", "text", "", "one-time-code")
    );
    let show = |status, message| {
        step_page(
            &s,
            status,
            "Multi-factor authentication",
            message,
            &fields,
            "/console/mfa",
        )
    };
    if req.method != "POST" {
        return show(200, None);
    }
    if !pending_csrf_ok(&s, form) {
        return super::forbidden_csrf();
    }
    let Who::User { id: user_id, name } = &s.who else {
        return Response::redirect("/console/");
    };
    let code = form.get("mfa_code").unwrap_or("").trim();
    let Some(account) = app.accounts.get(&s.account) else {
        return Response::redirect("/console/");
    };
    let now = app.now().unix_timestamp();
    let checked = account.store.write(|c| {
        for d in mfa_store::for_user(c, user_id, None, 8)? {
            if crate::iam::mfa::check_code(now, c, user_id, &d.serial, code)? {
                return Ok(Some(login::get(c, user_id)?.is_some_and(|p| p.reset_required)));
            }
        }
        Ok(None)
    });
    match checked {
        Ok(Some(reset)) => {
            let stage = if reset { Stage::NewPassword } else { Stage::Active };
            if stage == Stage::Active {
                let signer = events::user_signer(&account, user_id, name);
                events::console_login(app, req, Some(&account), signer, true, true);
            }
            let mut next = new_session(app, &s.account, s.who.clone(), stage);
            next.mfa = true;
            begin(app, next, Some(&id))
        }
        Ok(None) => {
            let signer = events::user_signer(&account, user_id, name);
            events::console_login(app, req, Some(&account), signer, false, true);
            show(401, Some(INCORRECT))
        }
        Err(e) => super::failure(&e),
    }
}

/// `/console/change-password`: the new password a user must set before using the console,
/// through the ChangePassword handler as that user.
pub fn change_password(app: &Arc<App>, req: &Request<'_>, form: &Form) -> Response {
    let Some((id, s)) = pending(app, req, Stage::NewPassword) else {
        return Response::redirect("/console/");
    };
    let Who::User { name, .. } = &s.who else {
        return Response::redirect("/console/");
    };
    let fields = format!(
        "<p>You must change your password to continue.</p>\
         <label>AWS account<input type=\"text\" value=\"{}\" readonly></label>\
         <label>IAM user name<input type=\"text\" value=\"{}\" readonly></label>{}{}{}\
         <button type=\"submit\" class=\"primary\">Confirm password change</button>",
        esc(&s.account),
        esc(name),
        field("Old password", "old_password", "password", "", "current-password"),
        field("New password", "new_password", "password", "", "new-password"),
        field(
            "Retype new password",
            "confirm_password",
            "password",
            "",
            "new-password"
        ),
    );
    let show = |status, message: Option<&str>| {
        step_page(
            &s,
            status,
            "Change password",
            message,
            &fields,
            "/console/change-password",
        )
    };
    if req.method != "POST" {
        return show(200, None);
    }
    if !pending_csrf_ok(&s, form) {
        return super::forbidden_csrf();
    }
    let old = form.get("old_password").unwrap_or("");
    let new = form.get("new_password").unwrap_or("");
    if new != form.get("confirm_password").unwrap_or("") {
        return show(400, Some("The new passwords don't match."));
    }
    let caller = match Caller::of(app, &s, req.source_ip, req.request_id) {
        Ok(Some(c)) => c,
        Ok(None) => return Response::redirect("/console/"),
        Err(e) => return show(500, Some(&e.message)),
    };
    let changed = caller.call(
        Operation::ChangePassword,
        &[("OldPassword", old), ("NewPassword", new)],
        i::ChangePasswordRequest::decode,
        crate::handlers::Handlers::change_password,
    );
    match changed {
        Ok(()) => {
            if let (Some(account), Who::User { id: user_id, .. }) = (app.accounts.get(&s.account), &s.who) {
                let signer = events::user_signer(&account, user_id, name);
                events::console_login(app, req, Some(&account), signer, true, s.mfa);
            }
            let mut next = new_session(app, &s.account, s.who.clone(), Stage::Active);
            next.mfa = s.mfa;
            begin(app, next, Some(&id))
        }
        Err(e) => show(e.status, Some(&e.message)),
    }
}

/// `POST /console/signout`: ends the session.
pub fn sign_out(app: &Arc<App>, req: &Request<'_>, form: &Form) -> Response {
    let now = app.now().unix_timestamp();
    if let Some(id) = session::cookie(req.cookie, session::SESSION_COOKIE) {
        match app.console.get(id, now) {
            Some(s) if !session::csrf_ok(&s.csrf, form.get("_csrf")) => return super::forbidden_csrf(),
            Some(_) => app.console.remove(id),
            None => {}
        }
    }
    Response::redirect("/console/").with_cookie(session::clear_cookie(session::SESSION_COOKIE))
}
