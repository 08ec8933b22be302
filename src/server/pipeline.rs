//! One request: route → authenticate → decode → authorize → handle → render.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use rand::Rng as _;

use crate::api::{Operation, Service};
use crate::app::App;
use crate::config::AuthMode;
use crate::context::{Call, Ctx};
use crate::error::{ApiError, ApiResult};
use crate::identity::Principal;
use crate::journal;
use crate::services;
use crate::sigv4::{self, RequestParts};
use crate::wire::form::Form;

use super::errors;

/// The whole body must arrive within this time.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// An answer before it becomes an HTTP response.
pub(super) struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    /// restJson1 names an error's type in a header too.
    error_type: Option<String>,
    /// Any other headers (the console's cookies, redirects and security headers).
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(super) fn xml(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "text/xml",
            body,
            error_type: None,
            headers: Vec::new(),
        }
    }

    pub(super) fn json(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body,
            error_type: None,
            headers: Vec::new(),
        }
    }
}

/// A random (version 4) UUID for the request, drawn from the thread's userspace CSPRNG:
/// `Uuid::new_v4` asks the kernel (one `getrandom` syscall) for every request.
fn new_request_id() -> String {
    let id = uuid::Builder::from_random_bytes(rand::thread_rng().gen()).into_uuid();
    id.hyphenated()
        .encode_lower(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

/// Serves one HTTP request; never fails, every problem becomes an AWS error response.
pub(super) async fn handle(app: Arc<App>, req: Request<Incoming>, remote: SocketAddr) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let request_id = new_request_id();
    let Some(_place) = app.enter() else {
        return respond(
            error_reply(&errors::throttled(), Service::Iam, &request_id),
            &request_id,
        );
    };
    let (parts, body) = req.into_parts();
    let limit = app.config.max_body_bytes;
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let body = if declared.is_some_and(|n| n > limit) {
        Err(errors::too_large(limit))
    } else {
        read_body(body, limit).await
    };
    let head = Head::from_parts(&parts, remote);
    let reply = if app.config.console && (head.path == "/console" || head.path.starts_with("/console/")) {
        console(&app, &head, body, &request_id, started)
    } else if head.path.starts_with("/_localiam/") {
        match body {
            Ok(body) => super::admin::handle(&app, &head, &body),
            Err(e) => error_reply(&e, Service::Iam, &request_id),
        }
    } else if let Some(reply) = super::admin::well_known(&app, &head) {
        reply
    } else if let Some(route) = services::route(&head.method, &head.path, head.header("x-amz-target")) {
        let (op, result) = match (route, body) {
            (Ok(op), Ok(body)) => (Some(op), process_json(&app, &head, &body, op, &request_id)),
            (Ok(op), Err(e)) => (Some(op), Err(e)),
            (Err(e), _) => (None, Err(e)),
        };
        let protocol = op.map_or(services::Protocol::AwsJson11, services::JsonOp::protocol);
        let code = result
            .as_ref()
            .err()
            .map(|e| crate::wire::json::json_code(&e.code).to_string());
        let reply = match result {
            Ok(json) => Reply {
                content_type: op.map_or("application/json", services::JsonOp::content_type),
                ..Reply::json(200, json)
            },
            Err(ref e) => json_error_reply(e, protocol),
        };
        tracing::info!(
            op = op.map(services::JsonOp::name).unwrap_or("-"),
            status = reply.status,
            code = code.as_deref().unwrap_or(""),
            micros = started.elapsed().as_micros() as u64,
            "request"
        );
        reply
    } else {
        // Handled in place on the runtime's worker threads, for a file as in memory: reads use a
        // read-only WAL connection and never wait on the writer, and a commit appends to the WAL
        // without fsync (the checkpoint every 10,000 WAL pages is the exception: milliseconds), so
        // no query waits on a disk long enough to be worth a thread of its own
        // (docs/architecture.md, "Store").
        let mut outcome = match body {
            Ok(body) => crate::store::group::deferring(|| process(&app, &head, &body, &request_id)),
            Err(e) => Outcome::failed(e, Service::Iam),
        };
        // The answer waits for the commit of what the request wrote (group commit, `store::group`).
        if let Err(e) = crate::store::group::settle().await {
            outcome.result = Err(e);
        }
        let code = outcome
            .result
            .as_ref()
            .err()
            .map(|e| e.code.to_string())
            .unwrap_or_default();
        let reply = match outcome.result {
            Ok(xml) => Reply::xml(200, xml),
            Err(ref e) => error_reply(e, outcome.service, &request_id),
        };
        tracing::info!(
            op = outcome.op.map(Operation::name).unwrap_or("-"),
            principal = outcome.principal.as_deref().unwrap_or("-"),
            status = reply.status,
            code = code.as_str(),
            micros = started.elapsed().as_micros() as u64,
            "request"
        );
        reply
    };
    respond(reply, &request_id)
}

/// A console page: bodies too large or too slow become an error page; one log line without the
/// query string (it may name users) or any form field.
fn console(app: &Arc<App>, head: &Head, body: ApiResult<Bytes>, request_id: &str, started: Instant) -> Reply {
    let page = match body {
        Ok(body) => crate::console::handle(
            app,
            &crate::console::Request {
                method: &head.method,
                path: &head.path,
                query: &head.query,
                cookie: head.header("cookie"),
                host: head.header("host"),
                body: &body,
                source_ip: head.remote.ip(),
                user_agent: head.header("user-agent"),
                request_id,
            },
        ),
        Err(e) => crate::console::error_page(&e),
    };
    tracing::info!(
        method = head.method.as_str(),
        path = head.path.as_str(),
        status = page.status,
        micros = started.elapsed().as_micros() as u64,
        "console"
    );
    Reply {
        status: page.status,
        content_type: page.content_type,
        body: page.body,
        error_type: None,
        headers: page.headers,
    }
}

fn error_reply(err: &ApiError, service: Service, request_id: &str) -> Reply {
    let (status, body) = errors::render(err, service, request_id);
    Reply::xml(status, body)
}

/// A JSON service's error: awsJson1_1 answers every client error with 400, restJson1 with the
/// error's own status and an `x-amzn-ErrorType` header.
fn json_error_reply(err: &ApiError, protocol: services::Protocol) -> Reply {
    let code = crate::wire::json::json_code(&err.code);
    let status = match protocol {
        services::Protocol::AwsJson11 if err.status < 500 => 400,
        _ => err.status,
    };
    Reply {
        error_type: (protocol == services::Protocol::RestJson).then(|| code.to_string()),
        ..Reply::json(
            status,
            crate::wire::json::error_body(code, &err.message, err.extra.as_deref()),
        )
    }
}

fn respond(reply: Reply, request_id: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    if let Some(v) = reply.error_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert("x-amzn-errortype", v);
    }
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    resp
}

async fn read_body(body: Incoming, limit: usize) -> ApiResult<Bytes> {
    match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, limit).collect()).await {
        Err(_) => Err(errors::incomplete_body()),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(errors::too_large(limit)),
        Ok(Err(_)) => Err(errors::incomplete_body()),
        Ok(Ok(c)) => Ok(c.to_bytes()),
    }
}

/// The parts of the request the pipeline needs, owned so they can move to a blocking thread.
pub(super) struct Head {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) remote: SocketAddr,
}

impl Head {
    fn from_parts(parts: &hyper::http::request::Parts, remote: SocketAddr) -> Head {
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                // Values are nearly always valid UTF-8; checking first skips the slower lossy
                // decoder (same result either way).
                let value = match std::str::from_utf8(v.as_bytes()) {
                    Ok(v) => v.to_owned(),
                    Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
                };
                (k.as_str().to_ascii_lowercase(), value)
            })
            .collect();
        Head {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers,
            remote,
        }
    }

    /// The first value of a header (names are stored lowercase).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(super) fn sig_parts<'a>(&'a self, body: &'a [u8]) -> RequestParts<'a> {
        RequestParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body,
        }
    }
}

/// What happened to a request, for the response and the log line.
struct Outcome {
    service: Service,
    op: Option<Operation>,
    principal: Option<String>,
    result: ApiResult<String>,
}

impl Outcome {
    fn failed(e: ApiError, service: Service) -> Outcome {
        Outcome {
            service,
            op: None,
            principal: None,
            result: Err(e),
        }
    }
}

fn process(app: &Arc<App>, head: &Head, body: &[u8], request_id: &str) -> Outcome {
    let mut form = match Form::parse(head.query.as_bytes()) {
        Ok(f) => f,
        Err(e) => return Outcome::failed(errors::malformed_input(&e.0), Service::Iam),
    };
    if head.method == "POST" && !body.is_empty() {
        match Form::parse(body) {
            Ok(b) => form.merge(b),
            Err(e) => return Outcome::failed(errors::malformed_input(&e.0), Service::Iam),
        }
    }
    let parts = head.sig_parts(body);
    let signature = sigv4::parse(&parts);
    let service = route_service(signature.as_ref().ok().and_then(Option::as_ref), &form);
    let mut out = Outcome {
        service,
        op: None,
        principal: None,
        result: Ok(String::new()),
    };
    let op = resolve_op(service, &form);
    out.op = op.as_ref().ok().copied();
    let unsigned_ok = op.as_ref().is_ok_and(|op| !op.requires_signature());
    let auth = authenticate(app, &parts, signature, service.signing_name(), unsigned_ok);
    let auth = match auth {
        Ok(a) => a,
        Err(e) => {
            out.result = Err(e);
            return out;
        }
    };
    out.principal = Some(auth.principal.label());
    let op = match op {
        Ok(op) => op,
        Err(e) => {
            out.result = Err(e);
            return out;
        }
    };
    let ctx = request_ctx(app, head, Call::Query(op), auth, request_id);
    out.result = crate::api::handler::dispatch(&crate::handlers::Handlers, &ctx, op, &form, request_id);
    let params = journal::Params::Form(form.into_fields());
    record(head, ctx, params, &out.result);
    out
}

/// Queues the journal record of an authenticated call (or of an unsigned STS federation call,
/// which AWS records too: IAM User Guide, "Logging IAM and AWS STS API calls with AWS
/// CloudTrail"); requests that fail authentication never get this far and are not recorded.
fn record(head: &Head, ctx: Ctx, params: journal::Params, result: &ApiResult<String>) {
    let outcome = match result {
        Ok(body) => journal::Outcome::Ok(journal::records_response(ctx.op).then(|| body.clone())),
        Err(e) => {
            let code = match ctx.op {
                Call::Json(_) => crate::wire::json::json_code(&e.code),
                Call::Query(_) => &e.code,
            };
            journal::Outcome::Err(code.to_string(), journal::truncate(&e.message))
        }
    };
    let app = ctx.app.clone();
    let user_agent = head.header("user-agent").unwrap_or("");
    app.journal.push(journal::Record::of(ctx, user_agent, params, outcome));
}

/// Builds the handlers' context for an authenticated caller, noting a user key's use.
fn request_ctx(app: &Arc<App>, head: &Head, op: Call, auth: Authenticated, request_id: &str) -> Ctx {
    let Authenticated {
        account,
        principal,
        key_id,
        region,
    } = auth;
    if let Some(k) = &key_id {
        if matches!(principal, Principal::User(_)) {
            let service = op.action().split_once(':').map_or("", |(s, _)| s);
            crate::signers::touch_key(&account.store, app, k, service, &region);
        }
    }
    Ctx {
        app: app.clone(),
        op,
        principal,
        account,
        access_key_id: key_id,
        partition: crate::config::partition_for_region(&region),
        region,
        request_id: request_id.to_string(),
        source_ip: head.remote.ip(),
        now: app.now(),
    }
}

/// A JSON service's request: authenticated like any other (with the service's signing name),
/// then handed to `services::dispatch`.
fn process_json(app: &Arc<App>, head: &Head, body: &[u8], op: services::JsonOp, request_id: &str) -> ApiResult<String> {
    let parts = head.sig_parts(body);
    let signature = sigv4::parse(&parts);
    let auth = authenticate(app, &parts, signature, op.signing_name(), false)?;
    let ctx = request_ctx(app, head, Call::Json(op), auth, request_id);
    let result = services::dispatch(
        &ctx,
        op,
        &services::JsonRequest {
            query: &head.query,
            body,
        },
    );
    record(head, ctx, journal::Params::Json(body.to_vec()), &result);
    result
}

/// The credential scope names the service; unsigned requests are routed by their API version.
fn route_service(sig: Option<&sigv4::SignatureInfo>, form: &Form) -> Service {
    match sig.map(|s| s.service.as_str()) {
        Some("sts") => Service::Sts,
        Some("iam") => Service::Iam,
        _ if form.get("Version") == Some(Service::Sts.api_version()) => Service::Sts,
        _ => Service::Iam,
    }
}

fn resolve_op(service: Service, form: &Form) -> ApiResult<Operation> {
    let action = form
        .get("Action")
        .filter(|a| !a.is_empty())
        .ok_or_else(errors::missing_action)?;
    Operation::from_action(service, action)
        .ok_or_else(|| errors::invalid_action(action, form.get("Version").unwrap_or(service.api_version())))
}

/// Who signed a request, in which account, with which key, for which region.
struct Authenticated {
    account: Arc<crate::accounts::Account>,
    principal: Principal,
    key_id: Option<String>,
    region: String,
}

fn authenticate(
    app: &App,
    parts: &RequestParts<'_>,
    signature: Result<Option<sigv4::SignatureInfo>, sigv4::SigError>,
    signing_name: &str,
    unsigned_ok: bool,
) -> ApiResult<Authenticated> {
    // Cloned only when the signature names no region.
    let default_region = || app.config.region.clone();
    let strict = app.config.auth == AuthMode::Strict;
    let as_root = |account, key_id, region| Authenticated {
        account,
        principal: Principal::Root,
        key_id,
        region,
    };
    let configured = || app.accounts.configured().clone();
    let sig = match signature {
        Ok(s) => s,
        Err(e) if strict => return Err(sig_error(&e)),
        Err(_) => None,
    };
    let Some(sig) = sig else {
        return if unsigned_ok {
            Ok(Authenticated {
                principal: Principal::Anonymous,
                ..as_root(configured(), None, default_region())
            })
        } else if strict {
            Err(sig_error(&sigv4::SigError::missing()))
        } else {
            Ok(as_root(configured(), None, default_region()))
        };
    };
    let region = if sig.region.is_empty() {
        default_region()
    } else {
        sig.region.clone()
    };
    if !strict {
        // Every caller is root; a 12-digit key id still picks its account.
        let account = if crate::accounts::is_account_id(&sig.access_key_id) {
            app.accounts.get_or_create(&sig.access_key_id)?
        } else {
            configured()
        };
        return Ok(as_root(account, Some(sig.access_key_id), region));
    }
    let (account, cred) = crate::signers::lookup(app, &sig.access_key_id)?.ok_or_else(errors::invalid_client_token)?;
    if !cred.active || !token_matches(cred.token.as_deref(), sig.security_token.as_deref()) {
        return Err(errors::invalid_client_token());
    }
    let now = app.now().unix_timestamp();
    // The token carries its own expiry, so AWS rejects an expired one before looking at the signature.
    if let Principal::Session(s) = &cred.principal {
        if now >= s.expires {
            return Err(errors::expired_token());
        }
    }
    sigv4::verify(parts, &sig, &cred.secret, signing_name, now, Some(&app.signing_keys)).map_err(|e| sig_error(&e))?;
    Ok(Authenticated {
        account,
        principal: cred.principal.clone(),
        key_id: Some(sig.access_key_id),
        region,
    })
}

/// Temporary credentials need their exact token; long-term keys must not carry one.
fn token_matches(expected: Option<&str>, given: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match (expected, given) {
        (None, None) => true,
        (Some(e), Some(g)) => bool::from(e.as_bytes().ct_eq(g.as_bytes())),
        _ => false,
    }
}

fn sig_error(e: &sigv4::SigError) -> ApiError {
    ApiError::new(e.code(), e.status(), true, e.message())
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_lowercase_v4_uuids() {
        let a = super::new_request_id();
        let parsed = uuid::Uuid::parse_str(&a).expect("a UUID");
        assert_eq!(parsed.get_version(), Some(uuid::Version::Random));
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(a, parsed.to_string());
        assert_ne!(a, super::new_request_id());
    }
}
