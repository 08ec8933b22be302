//! stsload: load generator for STS temporary-credential paths, measured the way
//! `shared/tools/iamload` measures IAM ops so the figures are comparable.
//!
//! ```sh
//! cargo run --release --example stsload -- --endpoint http://127.0.0.1:21300 --op assume-role \
//!     --concurrency 16 --duration 10 --warmup 2 --server-pid PID
//! ```
//!
//! Ops: `assume-role` (a user trusted by `bench-sts-role` assumes it, one new RoleSessionName per
//! request) and `caller-identity-temp` (GetCallerIdentity signed with the ASIA key, secret and
//! session token of one AssumeRole made during setup). Exit status: 0 when errors == 0 and
//! requests > 0, 1 otherwise, 2 bad arguments, 3 setup failure.

use std::error::Error;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::json;

type BoxError = Box<dyn Error + Send + Sync>;
type Sender = SendRequest<Full<Bytes>>;

const CT: &str = "application/x-www-form-urlencoded; charset=utf-8";
const IAM_VERSION: &str = "2010-05-08";
const STS_VERSION: &str = "2011-06-15";
const REGION: &str = "us-east-1";
const USER: &str = "bench-sts-user";
const ROLE: &str = "bench-sts-role";
const MAX_ERROR_BODIES: usize = 5;
static ERRORS_PRINTED: AtomicUsize = AtomicUsize::new(0);

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Op {
    /// AssumeRole signed by a user the role trusts
    AssumeRole,
    /// GetCallerIdentity signed with temporary credentials from one AssumeRole
    CallerIdentityTemp,
}

impl Op {
    /// Name in the JSON line; distinct from iamload's `GetCallerIdentity` (long-term keys).
    fn label(self) -> &'static str {
        match self {
            Op::AssumeRole => "AssumeRole",
            Op::CallerIdentityTemp => "GetCallerIdentityTemp",
        }
    }
}

#[derive(Parser)]
#[command(name = "stsload", about = "Benchmark AssumeRole and temporary-credential STS calls")]
struct Args {
    /// Base URL, e.g. http://127.0.0.1:21300
    #[arg(long)]
    endpoint: String,
    #[arg(long, value_enum)]
    op: Op,
    /// Concurrent workers; each owns one keep-alive HTTP/1.1 connection
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Measured phase length in seconds
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Warmup seconds before the measured phase (not recorded)
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Root access key id (localiam's default root credentials are test/test)
    #[arg(long, default_value = "test")]
    root_key: String,
    #[arg(long, default_value = "test")]
    root_secret: String,
    /// Report this server pid's VmRSS after the run and its CPU% over warmup+run
    #[arg(long)]
    server_pid: Option<u32>,
    /// Client runtime threads (1 = current_thread runtime; matches a one-core pin)
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

/// Where to send and how to sign; shared read-only by all workers.
struct Target {
    addr: String,
    url: String,
    identity: Identity,
}

impl Target {
    fn new(addr: &str, key: &str, secret: &str, token: Option<String>) -> Target {
        Target {
            url: format!("http://{addr}/"),
            addr: addr.to_string(),
            identity: Credentials::new(key, secret, token, None, "stsload").into(),
        }
    }

    /// A freshly SigV4-signed POST; signing cost is client CPU, as in iamload.
    fn signed(&self, service: &str, body: String) -> Result<http::Request<Full<Bytes>>, BoxError> {
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(REGION)
            .name(service)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()?
            .into();
        let headers = [("host", self.addr.as_str()), ("content-type", CT)];
        let signable = SignableRequest::new(
            "POST",
            self.url.as_str(),
            headers.into_iter(),
            SignableBody::Bytes(body.as_bytes()),
        )?;
        let (instructions, _sig) = sign(signable, &params)?.into_parts();
        let mut req = http::Request::builder()
            .method("POST")
            .uri("/")
            .header("host", &self.addr)
            .header("content-type", CT)
            .header("user-agent", "stsload/0.1")
            .body(Full::new(Bytes::from(body)))?;
        instructions.apply_to_request_http1x(&mut req);
        Ok(req)
    }
}

/// Percent-encode a form value (RFC 3986 unreserved characters kept).
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form(action: &str, version: &str, params: &[(&str, &str)]) -> String {
    let mut body = format!("Action={action}&Version={version}");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", enc(v)));
    }
    body
}

/// Text of the first `<tag>...</tag>` in an XML answer, entity-decoded.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let rest = xml.get(start..)?;
    let raw = rest.get(..rest.find(&format!("</{tag}>"))?)?;
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

async fn connect(addr: &str) -> Result<Sender, BoxError> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// Sends one request; returns (status, body, keep_alive).
async fn send(sender: &mut Sender, req: http::Request<Full<Bytes>>) -> Result<(u16, Bytes, bool), BoxError> {
    sender.ready().await?;
    let resp = sender.send_request(req).await?;
    let status = resp.status().as_u16();
    let close = resp.version() == http::Version::HTTP_10
        || resp
            .headers()
            .get(http::header::CONNECTION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("close"));
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body, !close))
}

fn report_error(what: &str, detail: &str) {
    if ERRORS_PRINTED.fetch_add(1, Ordering::Relaxed) < MAX_ERROR_BODIES {
        let d: String = detail.chars().take(600).collect();
        eprintln!("stsload: error ({what}): {d}");
    }
}

/// One setup call on a shared connection; EntityAlreadyExists counts as success so setup re-runs.
async fn call(t: &Target, c: &mut Sender, action: &str, params: &[(&str, &str)]) -> Result<String, BoxError> {
    let (service, version) = if action == "AssumeRole" {
        ("sts", STS_VERSION)
    } else {
        ("iam", IAM_VERSION)
    };
    if c.is_closed() {
        *c = connect(&t.addr).await?;
    }
    let (status, resp, keep) = send(c, t.signed(service, form(action, version, params))?).await?;
    if !keep {
        *c = connect(&t.addr).await?;
    }
    let text = String::from_utf8_lossy(&resp).into_owned();
    if (200..300).contains(&status) || text.contains("EntityAlreadyExists") {
        Ok(text)
    } else {
        Err(format!("setup {action} -> HTTP {status}: {text}").into())
    }
}

fn need(xml: &str, tag: &str) -> Result<String, BoxError> {
    xml_text(xml, tag).ok_or_else(|| format!("no <{tag}> in answer: {xml}").into())
}

/// Builds user, key, role and policy; returns (role ARN, credentials the workers sign with).
async fn setup(root: &Target, op: Op) -> Result<(String, Target), BoxError> {
    let c = &mut connect(&root.addr).await?;
    let user = [("UserName", USER)];
    call(root, c, "CreateUser", &user).await?;
    let user_arn = need(&call(root, c, "GetUser", &user).await?, "Arn")?;
    // A user holds at most two keys and secrets are shown only once, so re-runs start over.
    let keys = call(root, c, "ListAccessKeys", &user).await?;
    for chunk in keys.split("<AccessKeyId>").skip(1) {
        if let Some((id, _)) = chunk.split_once("</AccessKeyId>") {
            call(root, c, "DeleteAccessKey", &[("UserName", USER), ("AccessKeyId", id)]).await?;
        }
    }
    let key = call(root, c, "CreateAccessKey", &user).await?;
    let (key_id, secret) = (need(&key, "AccessKeyId")?, need(&key, "SecretAccessKey")?);
    let user_target = Target::new(&root.addr, &key_id, &secret, None);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}]})
    .to_string();
    let role = [("RoleName", ROLE), ("AssumeRolePolicyDocument", &trust)];
    call(root, c, "CreateRole", &role).await?;
    // The role may predate this user (e.g. a persisted state file), so its trust is restated.
    let role = [("RoleName", ROLE), ("PolicyDocument", &trust)];
    call(root, c, "UpdateAssumeRolePolicy", &role).await?;
    let role_arn = need(&call(root, c, "GetRole", &[("RoleName", ROLE)]).await?, "Arn")?;
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": role_arn}]})
    .to_string();
    let put = [
        ("UserName", USER),
        ("PolicyName", "bench-sts-assume"),
        ("PolicyDocument", &allow),
    ];
    call(root, c, "PutUserPolicy", &put).await?;
    if op == Op::AssumeRole {
        return Ok((role_arn, user_target));
    }
    let session = [("RoleArn", role_arn.as_str()), ("RoleSessionName", "bench-sts-setup")];
    let creds = call(&user_target, c, "AssumeRole", &session).await?;
    let (k, s, token) = (
        need(&creds, "AccessKeyId")?,
        need(&creds, "SecretAccessKey")?,
        need(&creds, "SessionToken")?,
    );
    Ok((role_arn, Target::new(&root.addr, &k, &s, Some(token))))
}

struct Phase {
    measure_start: Instant,
    end: Instant,
}

#[derive(Default)]
struct WorkerOut {
    lat_us: Vec<u32>,
    requests: u64,
    errors: u64,
    warmup_requests: u64,
    warmup_errors: u64,
    connections: u64,
}

impl WorkerOut {
    fn record(&mut self, measuring: bool, ok: bool, us: Option<u32>) {
        if measuring {
            self.requests += 1;
            self.errors += u64::from(!ok);
            self.lat_us.extend(us);
        } else {
            self.warmup_requests += u64::from(us.is_some());
            self.warmup_errors += u64::from(!ok);
        }
    }

    fn merge(mut self, o: WorkerOut) -> WorkerOut {
        self.lat_us.extend_from_slice(&o.lat_us);
        self.requests += o.requests;
        self.errors += o.errors;
        self.warmup_requests += o.warmup_requests;
        self.warmup_errors += o.warmup_errors;
        self.connections += o.connections;
        self
    }
}

struct Job {
    target: Target,
    op: Op,
    role_arn: String,
    run_id: String,
}

impl Job {
    fn body(&self, wid: usize, seq: u64) -> String {
        match self.op {
            Op::AssumeRole => {
                // Every session is new, as with many distinct callers; none repeats an earlier one.
                let name = format!("b-{}-{wid}-{seq}", self.run_id);
                let params = [("RoleArn", self.role_arn.as_str()), ("RoleSessionName", &name)];
                form("AssumeRole", STS_VERSION, &params)
            }
            Op::CallerIdentityTemp => form("GetCallerIdentity", STS_VERSION, &[]),
        }
    }
}

async fn worker(job: Arc<Job>, wid: usize, phase: Arc<Phase>) -> WorkerOut {
    let mut out = WorkerOut::default();
    let mut conn: Option<Sender> = None;
    let mut connect_failures = 0u32;
    for seq in 1u64.. {
        let now = Instant::now();
        if now >= phase.end {
            break;
        }
        let measuring = now >= phase.measure_start;
        let mut sender = match conn.take().filter(|c| !c.is_closed()) {
            Some(s) => s,
            None => match connect(&job.target.addr).await {
                Ok(s) => {
                    connect_failures = 0;
                    out.connections += u64::from(measuring);
                    s
                }
                Err(e) => {
                    report_error("connect", &e.to_string());
                    out.record(measuring, false, None);
                    connect_failures += 1;
                    if connect_failures >= 50 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let req = match job.target.signed("sts", job.body(wid, seq)) {
            Ok(r) => r,
            Err(e) => {
                report_error("sign", &e.to_string());
                out.record(measuring, false, None);
                conn = Some(sender);
                continue;
            }
        };
        let t0 = Instant::now();
        let res = send(&mut sender, req).await;
        let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
        let ok = match res {
            Ok((status, body, keep)) => {
                // A server that answers `Connection: close` costs a reconnect, counted in connections_opened.
                conn = keep.then_some(sender);
                let ok = (200..300).contains(&status);
                if !ok {
                    report_error(&format!("HTTP {status}"), &String::from_utf8_lossy(&body));
                }
                ok
            }
            Err(e) => {
                report_error("transport", &e.to_string());
                false
            }
        };
        out.record(measuring, ok, Some(us));
    }
    out
}

fn vm_rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime+stime of a process in clock ticks (USER_HZ, 100 on Linux).
fn cpu_ticks(pid: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// `host:port` of an `http://host:port` endpoint.
fn split_endpoint(endpoint: &str) -> Result<String, String> {
    let uri: http::Uri = endpoint.parse().map_err(|e| format!("bad endpoint: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("endpoint must be http://host:port".into());
    }
    let host = uri.host().ok_or("endpoint has no host")?;
    Ok(format!("{host}:{}", uri.port_u16().unwrap_or(80)))
}

async fn run(a: Args, addr: String) -> u8 {
    let root = Target::new(&addr, &a.root_key, &a.root_secret, None);
    let (role_arn, target) = match setup(&root, a.op).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("stsload: setup failed: {e}");
            return 3;
        }
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let job = Arc::new(Job {
        target,
        op: a.op,
        role_arn,
        run_id: format!("{:x}", nanos % 0xffff_ffff),
    });
    let server_pid = a.server_pid.map(|p| p.to_string());
    let cpu0 = (cpu_ticks("self"), server_pid.as_deref().and_then(cpu_ticks));
    let start = Instant::now();
    let measure_start = start + Duration::from_secs_f64(a.warmup.max(0.0));
    let end = measure_start + Duration::from_secs_f64(a.duration.max(0.0));
    let phase = Arc::new(Phase { measure_start, end });
    let concurrency = a.concurrency.max(1);
    let handles: Vec<_> = (0..concurrency)
        .map(|w| tokio::spawn(worker(job.clone(), w, phase.clone())))
        .collect();
    let mut total = WorkerOut::default();
    for h in handles {
        // A worker that died (it cannot panic by design) counts as one measured error.
        let lost = WorkerOut {
            requests: 1,
            errors: 1,
            ..WorkerOut::default()
        };
        total = total.merge(h.await.unwrap_or(lost));
    }
    let finished = Instant::now();
    let wall = finished.duration_since(start).as_secs_f64();
    // Ticks per second at USER_HZ=100 are percent of one core.
    let cpu_pct = |a: Option<u64>, b: Option<u64>| Some((b?.saturating_sub(a?) as f64 / wall).round());
    let client_cpu = cpu_pct(cpu0.0, cpu_ticks("self"));
    let server_cpu = cpu_pct(cpu0.1, server_pid.as_deref().and_then(cpu_ticks));
    let elapsed = finished
        .saturating_duration_since(measure_start)
        .as_secs_f64()
        .max(1e-9);
    let (requests, errors, mut lat) = (total.requests, total.errors, total.lat_us);
    lat.sort_unstable();
    let pct = |p: f64| -> u64 {
        let idx = ((p / 100.0) * lat.len() as f64).ceil() as usize;
        lat.get(idx.clamp(1, lat.len().max(1)) - 1).map_or(0, |&v| u64::from(v))
    };
    let mut o = json!({
        "op": a.op.label(),
        "concurrency": concurrency,
        "duration_s": (elapsed * 1000.0).round() / 1000.0,
        "requests": requests,
        "errors": errors,
        "rps": (requests as f64 / elapsed * 10.0).round() / 10.0,
        "p50_us": pct(50.0),
        "p90_us": pct(90.0),
        "p99_us": pct(99.0),
        "max_us": lat.last().copied().unwrap_or(0),
        "warmup_requests": total.warmup_requests,
        "warmup_errors": total.warmup_errors,
        "connections_opened": total.connections,
        "client_cpu_pct": client_cpu,
    });
    if let Some(m) = o.as_object_mut() {
        if let Some(pid) = a.server_pid {
            m.insert("server_cpu_pct".into(), json!(server_cpu));
            m.insert("server_rss_kb".into(), json!(vm_rss_kb(pid)));
        }
        m.insert("endpoint".into(), json!(a.endpoint));
    }
    println!("{o}");
    u8::from(errors > 0 || requests == 0)
}

fn main() -> ExitCode {
    let a = Args::parse();
    let addr = match split_endpoint(&a.endpoint) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("stsload: {e}");
            return ExitCode::from(2);
        }
    };
    if !(a.duration.is_finite() && a.warmup.is_finite() && a.duration <= 1e6 && a.warmup <= 1e6) {
        eprintln!("stsload: --duration and --warmup must be finite seconds (at most 1e6)");
        return ExitCode::from(2);
    }
    let rt = if a.threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(a.threads)
            .enable_all()
            .build()
    };
    match rt {
        Ok(rt) => ExitCode::from(rt.block_on(run(a, addr))),
        Err(e) => {
            eprintln!("stsload: runtime: {e}");
            ExitCode::from(2)
        }
    }
}
