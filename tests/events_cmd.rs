//! `localiam events` against the real binary: a served state file read while the server runs,
//! `--limit`, `--follow`, and the answers when there is nothing to read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "support/serve_child.rs"]
mod serve_child;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serve_child::BIN;

/// A `localiam serve` child on a state file, killed on drop.
struct Served {
    child: Child,
    addr: SocketAddr,
    state: String,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start() -> Served {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("iam.db").to_string_lossy().into_owned();
        let (child, url) = serve_child::spawn(&["--state", &state]);
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Served {
            child,
            addr,
            state,
            _dir: dir,
        }
    }

    /// Sends an IAM Query call signed with `key`/`secret`; returns (status, body).
    async fn call(&self, key: &str, secret: &str, form: &str) -> (u16, String) {
        let body = format!("{form}&Version=2010-05-08");
        let req = common::sign_request(
            &format!("http://{}", self.addr),
            "iam",
            key,
            secret,
            body.as_bytes(),
            None,
        );
        common::send(self.addr, req).await
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn events(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("events")
        .args(args)
        .env_remove("LOCALIAM_STATE")
        .output()
        .unwrap()
}

/// `localiam events` output once `want` appears in it (the server writes within 50 ms).
fn events_with(args: &[&str], want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let out = events(args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        if text.contains(want) || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn prints_recent_calls_of_a_running_server_newest_last() {
    let s = Served::start();
    let (status, body) = s.call("test", "test", "Action=CreateUser&UserName=mary").await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = s.call("test", "test", "Action=CreateAccessKey&UserName=mary").await;
    let (key, secret) = (
        common::xml_field(&body, "AccessKeyId").to_string(),
        common::xml_field(&body, "SecretAccessKey").to_string(),
    );
    let (status, _) = s.call(&key, &secret, "Action=ListUsers").await;
    assert_eq!(status, 403);

    let text = events_with(&["--state", &s.state], "ListUsers");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].ends_with("  root  iam:CreateUser  ok"), "{text}");
    assert!(lines[1].ends_with("  root  iam:CreateAccessKey  ok"), "{text}");
    assert!(
        lines[2].contains(
            "  user/mary  iam:ListUsers  denied  AccessDenied: User: arn:aws:iam::123456789012:user/mary is not authorized to perform: iam:ListUsers"
        ),
        "{text}"
    );
    assert!(!text.contains(&secret));

    let last = events(&["--state", &s.state, "--limit", "1"]);
    let text = String::from_utf8(last.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("iam:ListUsers"));

    // --follow prints calls as they are recorded.
    let mut follower = Command::new(BIN)
        .args(["events", "--state", &s.state, "--limit", "0", "--follow"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(follower.stdout.take().unwrap()).lines();
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = s.call("test", "test", "Action=GetUser&UserName=mary").await;
    assert_eq!(status, 200);
    let line = lines.next().unwrap().unwrap();
    assert!(line.ends_with("  root  iam:GetUser  ok"), "{line}");
    let _ = follower.kill();
    let _ = follower.wait();
}

/// A graceful stop writes the calls still queued: the last one answered is in the file.
#[tokio::test]
async fn a_stopped_server_has_written_every_answered_call() {
    let mut s = Served::start();
    let (status, _) = s.call("test", "test", "Action=CreateUser&UserName=last").await;
    assert_eq!(status, 200);
    let term = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(s.child.wait().unwrap().success());
    let out = events(&["--state", &s.state]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.trim_end().ends_with("  root  iam:CreateUser  ok"), "{text}");
}

/// The journal's segment files survive `kill -9`: a restarted server keeps what was written and
/// appends after it.
#[tokio::test]
async fn written_events_survive_kill_9_and_a_restart() {
    let mut s = Served::start();
    let (status, _) = s.call("test", "test", "Action=CreateUser&UserName=before").await;
    assert_eq!(status, 200);
    events_with(&["--state", &s.state], "iam:CreateUser");
    s.child.kill().unwrap();
    s.child.wait().unwrap();

    let (child, url) = serve_child::spawn(&["--state", &s.state]);
    s.child = child;
    s.addr = url.trim_start_matches("http://").parse().unwrap();
    let (status, _) = s.call("test", "test", "Action=GetUser&UserName=before").await;
    assert_eq!(status, 200);
    let text = events_with(&["--state", &s.state], "iam:GetUser");
    let ops: Vec<&str> = text.lines().filter_map(|l| l.split("  ").nth(2)).collect();
    assert_eq!(ops, ["iam:CreateUser", "iam:GetUser"], "{text}");
}

#[test]
fn says_why_when_there_is_nothing_to_read() {
    let out = events(&["--state", "/nonexistent/dir/iam.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no state file at /nonexistent/dir/iam.db"));
    let out = events(&["--state", ":memory:"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--state FILE"));
    let out = events(&[]);
    assert_eq!(out.status.code(), Some(2), "--state is required");
}
