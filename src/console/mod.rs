//! The local IAM console under `/console/` (docs/architecture.md, "Console"): server-rendered
//! pages whose every action is an API operation called as the signed-in principal
//! ([`caller::Caller`]), sign-in as on AWS (`signin`), sessions in HttpOnly cookies
//! (`session`), and embedded assets only.

mod advisor;
mod caller;
mod dashboard;
mod editor;
mod events;
mod groups;
mod html;
mod mfa;
mod policies;
mod providers;
mod report;
mod role_create;
mod roles;
pub mod session;
mod signin;
mod simulator;
mod summary;
mod users;

use std::net::IpAddr;
use std::sync::Arc;

use crate::app::App;
use crate::wire::form::Form;

pub use session::Sessions;

use caller::Caller;
use session::{ConsoleSession, Stage};

/// What the console needs of an HTTP request.
pub struct Request<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path, starting with `/console`.
    pub path: &'a str,
    /// The raw query string.
    pub query: &'a str,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The `Host` header (for the sign-in link shown on the dashboard).
    pub host: Option<&'a str>,
    /// The form body of a POST.
    pub body: &'a [u8],
    /// The client's address (`aws:SourceIp`).
    pub source_ip: IpAddr,
    /// The `User-Agent` header (a sign-in event's `userAgent`).
    pub user_agent: Option<&'a str>,
    /// The request id.
    pub request_id: &'a str,
}

/// The console's answer.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
    /// More headers (`Set-Cookie`, `Location`, …).
    pub headers: Vec<(&'static str, String)>,
}

const HTML: &str = "text/html; charset=utf-8";

/// The content security policy of every console response: only the console's own files, no
/// inline scripts or styles, no framing, forms posting only back to the console.
pub const CSP: &str =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

impl Response {
    /// An HTML page.
    pub fn html(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: HTML,
            body,
            headers: Vec::new(),
        }
    }

    /// A 303 redirect to a console path (after every successful POST, so reloading repeats nothing).
    pub fn redirect(location: &str) -> Response {
        Response {
            headers: vec![("location", location.to_string())],
            ..Response::html(303, String::new())
        }
    }

    /// The same response setting a cookie.
    pub fn with_cookie(mut self, cookie: String) -> Response {
        self.headers.push(("set-cookie", cookie));
        self
    }

    fn secured(mut self) -> Response {
        self.headers.push(("content-security-policy", CSP.to_string()));
        self.headers.push(("x-content-type-options", "nosniff".to_string()));
        self.headers.push(("x-frame-options", "DENY".to_string()));
        self.headers.push(("referrer-policy", "same-origin".to_string()));
        // Pages show secrets once (new passwords and keys); nothing is worth caching.
        self.headers.push(("cache-control", "no-store".to_string()));
        self
    }
}

/// A signed-in request to a page under `/console/iam/`.
pub struct Page<'a> {
    /// The principal, ready to call operations.
    pub caller: Caller,
    /// Its session.
    pub session: ConsoleSession,
    /// The query string's parameters.
    pub query: Form,
    /// The POST body's parameters (empty for GET).
    pub form: Form,
    /// The request.
    pub req: &'a Request<'a>,
}

impl Page<'_> {
    /// A query parameter, empty when absent.
    pub fn q(&self, name: &str) -> &str {
        self.query.get(name).unwrap_or("")
    }

    /// A form field, empty when absent.
    pub fn f(&self, name: &str) -> &str {
        self.form.get(name).unwrap_or("")
    }

    /// The `Tags.member.N` parameters of a create form's three tag rows (`tag_key_K`,
    /// `tag_value_K`; rows without a key are skipped).
    pub fn tag_params(&self) -> Vec<(String, String)> {
        let mut params = Vec::new();
        for k in 1..=3 {
            let key = self.f(&format!("tag_key_{k}"));
            if key.is_empty() {
                continue;
            }
            let n = params.len() / 2 + 1;
            params.push((format!("Tags.member.{n}.Key"), key.to_string()));
            params.push((
                format!("Tags.member.{n}.Value"),
                self.f(&format!("tag_value_{k}")).to_string(),
            ));
        }
        params
    }

    /// Who is signed in, as the header shows it.
    pub fn principal_label(&self) -> String {
        match &self.session.who {
            session::Who::Root => "root".to_string(),
            session::Who::User { name, .. } => name.clone(),
        }
    }

    /// The answer to a form's action: back to the page it came from (`path` with `query`), or
    /// the action's error under `title` with a link back.
    pub fn after(
        &self,
        (nav, title): (&str, &str),
        path: &str,
        query: &[(&str, &str)],
        result: crate::error::ApiResult<()>,
    ) -> Response {
        match result {
            Ok(()) => Response::redirect(&html::url(path, query)),
            Err(e) => self.render(
                nav,
                title,
                &format!(
                    "<h1>{}</h1>{}<p>{}</p>",
                    html::esc(title),
                    html::error_box(&e),
                    html::link(path, query, "Back")
                ),
            ),
        }
    }

    /// A whole page in the console frame with `nav` marked.
    pub fn render(&self, nav: &str, title: &str, content: &str) -> Response {
        let principal = self.principal_label();
        let frame = html::Frame {
            account: &self.session.account,
            principal: &principal,
            csrf: &self.session.csrf,
            nav,
        };
        Response::html(200, html::page(&frame, title, content))
    }
}

/// Serves one request under `/console`; never fails (bad input is a 4xx page).
pub fn handle(app: &Arc<App>, req: &Request<'_>) -> Response {
    route(app, req).secured()
}

fn route(app: &Arc<App>, req: &Request<'_>) -> Response {
    let rest = req.path.strip_prefix("/console").unwrap_or("");
    let (Ok(query), Ok(form)) = (Form::parse(req.query.as_bytes()), Form::parse(req.body)) else {
        return not_found_or(400, "The request could not be read.");
    };
    match (req.method, rest) {
        ("GET", "/assets/console.css") => asset("text/css; charset=utf-8", include_str!("assets/console.css")),
        ("GET", "/assets/console.js") => asset("text/javascript; charset=utf-8", include_str!("assets/console.js")),
        (_, "" | "/") => signin::root(app, req, &form),
        ("POST", "/signout") => signin::sign_out(app, req, &form),
        (_, "/mfa") => signin::mfa(app, req, &form),
        (_, "/change-password") => signin::change_password(app, req, &form),
        (_, p) if p == "/iam" || p.starts_with("/iam/") => match signed_in(app, req, query, form) {
            Ok(page) => pages(&page, p.trim_start_matches("/iam")),
            Err(resp) => resp,
        },
        (_, p) => match p.strip_prefix('/') {
            Some(account) if !account.is_empty() && !account.contains('/') => signin::user(app, req, &form, account),
            _ => not_found_or(404, "This console page does not exist."),
        },
    }
}

/// The signed-in page request, or the response that sends the visitor to sign in (or refuses a
/// POST without the session's CSRF token).
fn signed_in<'a>(app: &Arc<App>, req: &'a Request<'a>, query: Form, form: Form) -> Result<Page<'a>, Response> {
    let now = app.now().unix_timestamp();
    let id = session::cookie(req.cookie, session::SESSION_COOKIE).unwrap_or("");
    let session = match app.console.get(id, now) {
        Some(s) if s.stage == Stage::Active => s,
        Some(s) if s.stage == Stage::Mfa => return Err(Response::redirect("/console/mfa")),
        Some(_) => return Err(Response::redirect("/console/change-password")),
        None => return Err(Response::redirect("/console/")),
    };
    if req.method == "POST" && !session::csrf_ok(&session.csrf, form.get("_csrf")) {
        return Err(forbidden_csrf());
    }
    match Caller::of(app, &session, req.source_ip, req.request_id) {
        Ok(Some(caller)) => Ok(Page {
            caller,
            session,
            query,
            form,
            req,
        }),
        Ok(None) => {
            app.console.remove(id);
            Err(Response::redirect("/console/"))
        }
        Err(e) => Err(failure(&e)),
    }
}

/// A store failure while signing in or loading the principal (the cause is logged by the store).
fn failure(e: &crate::error::ApiError) -> Response {
    Response::html(e.status, html::document("Error", "", &html::error_box(e)))
}

/// A POST without the right CSRF token.
fn forbidden_csrf() -> Response {
    not_found_or(
        403,
        "The form was not sent from this console session. Reload the page and try again.",
    )
}

fn pages(page: &Page<'_>, path: &str) -> Response {
    let get = page.req.method == "GET";
    match (get, path) {
        (true, "" | "/") => dashboard::dashboard(page),
        (true, "/users") => users::list(page),
        (true, "/users/create") => users::create_form(page, None),
        (false, "/users/create") => users::create(page),
        (true, "/user") => users::detail(page),
        (false, "/user/groups") => users::add_to_group(page),
        (false, "/user/access-keys") => users::create_access_key(page),
        (true, "/user/mfa") => mfa::start(page),
        (false, "/user/mfa/create") => mfa::create(page),
        (false, "/user/mfa/enable") => mfa::enable(page),
        (false, "/user/mfa/remove") => mfa::remove(page),
        (true, "/groups") => groups::list(page),
        (true, "/groups/create") => groups::create_form(page, None),
        (false, "/groups/create") => groups::create(page),
        (true, "/group") => groups::detail(page),
        (false, "/group/users") => groups::add_users(page),
        (false, "/group/remove-user") => groups::remove_user(page),
        (false, "/group/policies") => groups::attach(page),
        (false, "/group/detach") => groups::detach(page),
        (true, "/policies") => policies::list(page),
        (true, "/policy") => policies::detail(page),
        (false, "/policy/set-default") => policies::set_default(page),
        (false, "/policy/delete-version") => policies::delete_version(page),
        (true, "/policies/create") => editor::create_form(page, None),
        (false, "/policies/create") => editor::create(page),
        (true, "/policy/edit") => editor::edit_form(page, None),
        (false, "/policy/edit") => editor::edit(page),
        (false, "/validate") => editor::validate(page),
        (true, "/roles") => roles::list(page),
        (true, "/roles/create") => role_create::create_form(page, None),
        (false, "/roles/create") => role_create::create(page),
        (true, "/role") => roles::detail(page),
        (false, "/role/policies") => roles::attach(page),
        (false, "/role/detach") => roles::detach(page),
        (false, "/role/delete-inline") => roles::delete_inline(page),
        (true, "/role/trust") => roles::trust_form(page, None),
        (false, "/role/trust") => roles::update_trust(page),
        (true, "/role/delete") => roles::delete_form(page, None),
        (false, "/role/delete") => roles::delete(page),
        (true, "/providers") => providers::list(page),
        (true, "/providers/create") => providers::create_form(page, None),
        (false, "/providers/create") => providers::create(page),
        (true, "/provider") => providers::detail(page),
        (true, "/provider/delete") => providers::delete_form(page, None),
        (false, "/provider/delete") => providers::delete(page),
        (true, "/credential-report") => report::show(page),
        (false, "/credential-report") => report::generate(page),
        (true, "/credential-report/download") => report::download(page),
        (true, "/account-settings") => dashboard::settings(page, None),
        (false, "/account-settings") => dashboard::update_settings(page),
        (true, "/events") => events::page(page),
        (true, "/simulator") => simulator::page(page),
        _ => page.render(
            "",
            "Not found",
            &html::alert("error", "This console page does not exist."),
        ),
    }
}

/// The page for a request that could not be read (too large, too slow).
pub fn error_page(e: &crate::error::ApiError) -> Response {
    not_found_or(e.status, &e.message).secured()
}

fn asset(content_type: &'static str, body: &str) -> Response {
    Response {
        content_type,
        ..Response::html(200, body.to_string())
    }
}

fn not_found_or(status: u16, message: &str) -> Response {
    Response::html(
        status,
        html::document(
            "Error",
            "",
            &format!(
                "<main class=\"narrow\">{}<p><a href=\"/console/\">Sign in</a></p></main>",
                html::alert("error", message)
            ),
        ),
    )
}
