//! Test harness: a localiam server on port 0 per test, SDK clients and a raw signed HTTP client.

use std::net::SocketAddr;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_iam::config::Region;
use localiam::config::Config;
use tokio::sync::oneshot;

/// A running server; dropping it shuts the server down.
pub struct Server {
    /// Its address.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
    /// The directory of the state file this harness made (LOCALIAM_IT_STATE=file); dropping it
    /// removes the file with its WAL.
    _state_dir: Option<tempfile::TempDir>,
}

/// With `LOCALIAM_IT_STATE=file` every in-memory test server keeps its state in a fresh file
/// instead, so the whole suite also runs on the file store (readers, writer, checkpointer).
fn test_state_dir(config: &mut Config) -> Option<tempfile::TempDir> {
    if config.state != ":memory:" || std::env::var("LOCALIAM_IT_STATE").as_deref() != Ok("file") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    config.state = dir.path().join("iam.db").to_string_lossy().into_owned();
    Some(dir)
}

impl Server {
    /// Starts a fresh in-memory server with default settings.
    pub async fn start() -> Server {
        Self::start_with(Config::default()).await
    }

    /// Starts a server with a custom config (listen address is always 127.0.0.1:0).
    pub async fn start_with(config: Config) -> Server {
        Self::start_app_with(config).await.0
    }

    /// Starts a server and keeps a handle on its `App` (to move its clock in expiry tests).
    pub async fn start_app() -> (Server, std::sync::Arc<localiam::App>) {
        Self::start_app_with(Config::default()).await
    }

    /// Starts a server with a custom config and returns its `App` too.
    pub async fn start_app_with(mut config: Config) -> (Server, std::sync::Arc<localiam::App>) {
        config.listen = "127.0.0.1:0".parse().unwrap();
        let state_dir = test_state_dir(&mut config);
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = localiam::App::open(config).unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let served = app.clone();
        let handle = tokio::spawn(async move {
            localiam::run_app(listener, served, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        (
            Server {
                addr,
                stop: Some(tx),
                handle: Some(handle),
                _state_dir: state_dir,
            },
            app,
        )
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// An IAM client signing with the given keys.
    pub fn iam_as(&self, key: &str, secret: &str) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .endpoint_url(self.url())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, None, None, "test"))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    /// An IAM client with the root credentials test/test.
    pub fn iam(&self) -> aws_sdk_iam::Client {
        self.iam_as("test", "test")
    }

    /// An STS client signing with the given keys (and optional session token).
    pub fn sts_as(&self, key: &str, secret: &str, token: Option<&str>) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .endpoint_url(self.url())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, token.map(str::to_string), None, "test"))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    /// An STS client with the root credentials.
    pub fn sts(&self) -> aws_sdk_sts::Client {
        self.sts_as("test", "test", None)
    }

    /// Creates a user with an access key; returns (key id, secret).
    pub async fn user_with_key(&self, name: &str) -> (String, String) {
        self.user_with_key_in("test", name).await
    }

    /// Creates a user with an access key in the account whose root signs with `root_key` (the
    /// configured root key, or an account id); returns (key id, secret).
    pub async fn user_with_key_in(&self, root_key: &str, name: &str) -> (String, String) {
        let iam = self.iam_as(root_key, "test");
        iam.create_user().user_name(name).send().await.unwrap();
        let k = iam.create_access_key().user_name(name).send().await.unwrap();
        let k = k.access_key.unwrap();
        (k.access_key_id, k.secret_access_key)
    }

    /// Creates a user with an access key and, when given, one inline policy; returns (key id, secret).
    pub async fn user_with_policy(&self, name: &str, policy: Option<&str>) -> (String, String) {
        self.user_with_policy_in("test", name, policy).await
    }

    /// Like [`Self::user_with_policy`], in the account whose root signs with `root_key`.
    pub async fn user_with_policy_in(&self, root_key: &str, name: &str, policy: Option<&str>) -> (String, String) {
        let keys = self.user_with_key_in(root_key, name).await;
        if let Some(doc) = policy {
            let put = self
                .iam_as(root_key, "test")
                .put_user_policy()
                .user_name(name)
                .policy_name("p")
                .policy_document(doc);
            put.send().await.unwrap();
        }
        keys
    }

    /// Sends a form body signed with `key`/`secret` for `service`; returns (status, body).
    pub async fn raw_signed(&self, service: &str, key: &str, secret: &str, body: &str) -> (u16, String) {
        let req = sign_request(&self.url(), service, key, secret, body.as_bytes(), None);
        send(self.addr, req).await
    }

    /// Sends a request with no signature; returns (status, body).
    /// `POST /_localiam/reset` signed by the configured root.
    pub async fn reset(&self) -> (u16, String) {
        let req = sign_custom(
            &self.url(),
            "POST",
            "/_localiam/reset",
            "iam",
            "us-east-1",
            "test",
            "test",
            b"",
            std::time::SystemTime::now(),
        );
        send(self.addr, req).await
    }

    pub async fn raw_unsigned(&self, method: &str, path_and_query: &str, body: &[u8]) -> (u16, String) {
        let req = http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.url(), path_and_query))
            .header("host", self.addr.to_string())
            .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
            .body(body.to_vec())
            .unwrap();
        send(self.addr, req).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}

/// The form content type every Query-protocol request carries.
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded; charset=utf-8");

/// Signs a POST form request with aws-sigv4 (the official signer).
pub fn sign_request(
    base: &str,
    service: &str,
    key: &str,
    secret: &str,
    body: &[u8],
    token: Option<&str>,
) -> http::Request<Vec<u8>> {
    let creds = (key, secret, token);
    sign_raw(
        base,
        ("POST", "/"),
        &[FORM],
        (service, "us-east-1"),
        creds,
        body,
        SystemTime::now(),
    )
}

/// Signs a CloudTrail awsJson1_1 request (`X-Amz-Target: …CloudTrail_20131101.{op}`) for `region`
/// at `time`.
pub fn sign_cloudtrail(
    base: &str,
    (op, region): (&str, &str),
    creds: (&str, &str, Option<&str>),
    body: &str,
    time: SystemTime,
) -> http::Request<Vec<u8>> {
    let target = format!("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.{op}");
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target.as_str()),
    ];
    sign_raw(
        base,
        ("POST", "/"),
        &headers,
        ("cloudtrail", region),
        creds,
        body.as_bytes(),
        time,
    )
}

/// Signs any request with aws-sigv4: (method, path and query), headers, (service, region),
/// (key, secret, session token), body and signing time.
fn sign_raw(
    base: &str,
    (method, path_and_query): (&str, &str),
    headers: &[(&str, &str)],
    (service, region): (&str, &str),
    (key, secret, token): (&str, &str, Option<&str>),
    body: &[u8],
    time: SystemTime,
) -> http::Request<Vec<u8>> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_sigv4::sign::v4;
    let host = base.trim_start_matches("http://").to_string();
    let uri = format!("{base}{path_and_query}");
    let mut builder = http::Request::builder().method(method).uri(&uri).header("host", host);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let mut req = builder.body(body.to_vec()).unwrap();
    let identity = Credentials::new(key, secret, token.map(str::to_string), None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signed: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let signable = SignableRequest::new(
        method,
        uri.clone(),
        signed.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut req);
    req
}

/// Sends one request over a fresh HTTP/1.1 connection.
pub async fn send(addr: SocketAddr, req: http::Request<Vec<u8>>) -> (u16, String) {
    use http_body_util::BodyExt;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let (parts, body) = req.into_parts();
    let req = http::Request::from_parts(parts, http_body_util::Full::new(bytes::Bytes::from(body)));
    let resp = sender.send_request(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The text of the first `<tag>` element of an XML body (`""` when there is none).
pub fn xml_field<'a>(xml: &'a str, tag: &str) -> &'a str {
    xml.split(&format!("<{tag}>"))
        .nth(1)
        .and_then(|x| x.split(&format!("</{tag}>")).next())
        .unwrap_or("")
}

/// The `<Code>` of an error body.
pub fn error_code(body: &str) -> &str {
    xml_field(body, "Code")
}

/// The error code of an SDK error (`""` when the service sent none).
pub fn code<E: aws_sdk_iam::error::ProvideErrorMetadata, R>(
    err: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> String {
    use aws_sdk_iam::error::ProvideErrorMetadata;
    err.code().unwrap_or("").to_string()
}

/// The error message of an SDK error.
pub fn message<E: aws_sdk_iam::error::ProvideErrorMetadata, R>(
    err: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> String {
    use aws_sdk_iam::error::ProvideErrorMetadata;
    err.message().unwrap_or("").to_string()
}

/// The HTTP status of an SDK error's response (0 when there was none).
pub fn status<E>(
    err: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> u16 {
    err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0)
}

/// Signs any request with aws-sigv4: method, path and query, service, region, body and signing time.
#[allow(clippy::too_many_arguments)]
pub fn sign_custom(
    base: &str,
    method: &str,
    path_and_query: &str,
    service: &str,
    region: &str,
    key: &str,
    secret: &str,
    body: &[u8],
    time: SystemTime,
) -> http::Request<Vec<u8>> {
    let headers: &[(&str, &str)] = if body.is_empty() { &[] } else { &[FORM] };
    let place = (method, path_and_query);
    sign_raw(base, place, headers, (service, region), (key, secret, None), body, time)
}

/// Decodes a URL-encoded policy document as IAM returns it.
pub fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Parses a JSON document (for comparing policy documents).
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

/// A one-statement identity policy allowing `action` on `resource`.
pub fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

/// A one-statement identity policy allowing all of `actions` on `resource`.
pub fn allow_actions(actions: &[&str], resource: &str) -> String {
    let list = actions.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(",");
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{list}],"Resource":"{resource}"}}]}}"#
    )
}

/// Every user name in the account, following markers.
/// Access Advisor's service-level report for `arn` and its job id (GenerateServiceLastAccessedDetails,
/// then GetServiceLastAccessedDetails).
pub async fn last_accessed(
    iam: &aws_sdk_iam::Client,
    arn: &str,
) -> (
    String,
    aws_sdk_iam::operation::get_service_last_accessed_details::GetServiceLastAccessedDetailsOutput,
) {
    let job = iam
        .generate_service_last_accessed_details()
        .arn(arn)
        .send()
        .await
        .unwrap()
        .job_id
        .unwrap();
    let report = iam
        .get_service_last_accessed_details()
        .job_id(&job)
        .send()
        .await
        .unwrap();
    (job, report)
}

pub async fn all_user_names(iam: &aws_sdk_iam::Client, page_size: i32) -> Vec<String> {
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_users()
            .max_items(page_size)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        names.extend(out.users().iter().map(|u| u.user_name().to_string()));
        if out.is_truncated() {
            marker = Some(out.marker().unwrap().to_string());
        } else {
            assert!(out.marker().is_none());
            break;
        }
    }
    names
}

impl Server {
    /// An IAM client signing with temporary credentials.
    pub fn iam_as_session(&self, key: &str, secret: &str, token: &str) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .endpoint_url(self.url())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, Some(token.to_string()), None, "test"))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }
}

/// Percent-encodes a form value (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
