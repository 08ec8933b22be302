//! `localiam health` against the real binary: a served endpoint, a stopped one, and impostors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Output};

#[path = "support/serve_child.rs"]
mod serve_child;

use serve_child::BIN;

/// A `localiam serve` child process, killed on drop.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start() -> Served {
        let (child, url) = serve_child::spawn(&[]);
        Served { child, url }
    }

    fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}

fn health(args: &[&str], listen_env: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("health").args(args).env_remove("LOCALIAM_LISTEN");
    if let Some(listen) = listen_env {
        cmd.env("LOCALIAM_LISTEN", listen);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Serves one connection with `reply` (or holds it open without answering when `None`).
fn impostor(reply: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 1024];
        let _ = conn.read(&mut buf);
        match reply {
            Some(reply) => {
                let _ = conn.write_all(reply.as_bytes());
            }
            None => std::thread::sleep(std::time::Duration::from_secs(5)),
        }
    });
    format!("http://{addr}")
}

#[test]
fn healthy_server_exits_zero_and_stopped_server_exits_one() {
    let mut server = Served::start();

    let out = health(&["--url", &server.url], None);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("healthy: localiam "),
        "stdout: {}",
        text(&out.stdout)
    );

    // Inside the container only LOCALIAM_LISTEN=0.0.0.0:PORT is set; health must probe loopback.
    let out = health(&[], Some(&format!("0.0.0.0:{}", server.port())));
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));

    server.stop();
    let out = health(&["--url", &server.url], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot connect"),
        "stderr: {}",
        text(&out.stderr)
    );
}

#[test]
fn non_ok_answers_exit_one_with_the_reason() {
    let url = impostor(Some("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"));
    let out = health(&["--url", &url], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("HTTP 503"), "stderr: {}", text(&out.stderr));

    let url = impostor(Some(
        "HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{\"status\":\"failing\"}",
    ));
    let out = health(&["--url", &url], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("failing"), "stderr: {}", text(&out.stderr));
}

#[test]
fn silent_server_times_out_and_exits_one() {
    let url = impostor(None);
    let out = health(&["--url", &url], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no answer"), "stderr: {}", text(&out.stderr));
}

#[test]
fn bad_url_exits_one() {
    let out = health(&["--url", "https://127.0.0.1:4593"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("only http"), "stderr: {}", text(&out.stderr));
}
