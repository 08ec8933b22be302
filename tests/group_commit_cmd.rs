//! Group commit against the real binary: every CreateUser a server on a state file answered with
//! 200, hundreds in flight at once, is there after `kill -9` and a restart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "support/serve_child.rs"]
mod serve_child;

use std::net::SocketAddr;

async fn call(addr: SocketAddr, form: &str) -> (u16, String) {
    let body = format!("{form}&Version=2010-05-08");
    let req = common::sign_request(&format!("http://{addr}"), "iam", "test", "test", body.as_bytes(), None);
    common::send(addr, req).await
}

fn start(state: &str) -> (std::process::Child, SocketAddr) {
    let (child, url) = serve_child::spawn(&["--state", state]);
    (child, url.trim_start_matches("http://").parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_under_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("iam.db").to_string_lossy().into_owned();
    let (mut child, addr) = start(&state);
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..300 {
        calls.spawn(async move { (i, call(addr, &format!("Action=CreateUser&UserName=u{i}")).await.0) });
    }
    let mut acknowledged = Vec::new();
    while let Some(done) = calls.join_next().await {
        let (i, status) = done.unwrap();
        if status == 200 {
            acknowledged.push(i);
        }
    }
    assert_eq!(acknowledged.len(), 300, "every create answered");
    // SIGKILL: no drain, no checkpoint.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, addr) = start(&state);
    let (status, body) = call(addr, "Action=ListUsers&MaxItems=1000").await;
    assert_eq!(status, 200, "{body}");
    for i in acknowledged {
        assert!(body.contains(&format!("<UserName>u{i}</UserName>")), "u{i} lost");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
