//! Starts the real `localiam serve` binary on a free loopback port for the command tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_localiam");

/// Spawns `localiam serve --listen 127.0.0.1:0 EXTRA…` (no `LOCALIAM_*` listen/state from the
/// environment) and waits for its first line; returns the child and its `http://…` base URL.
pub fn spawn(extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("LOCALIAM_LISTEN")
        .env_remove("LOCALIAM_STATE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("localiam listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    (child, url)
}
