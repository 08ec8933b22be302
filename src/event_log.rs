//! `localiam events`: the recent calls of a (running) server's state file, one line each, so a
//! developer whose test was denied can see which call it was and why.
//!
//! It reads the journal's segment files beside the state file (`FILE.journal/`) while the server
//! appends to them; the server writes queued calls every 50 ms, so a call shows up at most that
//! long after it returned.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::journal::Event;
use crate::store::journal::{self as rows, Batch, Rows};

/// How often `--follow` looks for new calls.
pub const POLL: Duration = Duration::from_millis(250);

/// The journal directory of a state file, checked to exist.
pub fn open(state: &str) -> Result<PathBuf, String> {
    if state == ":memory:" {
        return Err("an in-memory server keeps no file to read: start it with --state FILE".to_string());
    }
    if !std::path::Path::new(state).exists() {
        return Err(format!("no state file at {state}"));
    }
    let dir = crate::store::journal_dir(state);
    if !dir.is_dir() {
        return Err(format!(
            "{state} has no event journal yet ({} is missing): a current localiam creates it on start",
            dir.display()
        ));
    }
    Ok(dir)
}

/// The rows in a journal directory as they are now.
fn read(dir: &std::path::Path) -> Result<Rows, String> {
    Rows::read_only(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))
}

/// One line: time, principal, service:operation, outcome, error code and message.
pub fn line(e: &Event) -> String {
    let (service, op) = (&e.svc, &e.op);
    let time = crate::store::format_unix(e.seconds());
    let who = e.label();
    match &e.err {
        // A failed console sign-in has a message and no code.
        None if e.msg.is_some() => format!(
            "{time}  {who}  {service}:{op}  failed  {}",
            e.msg.as_deref().unwrap_or("")
        ),
        None => format!("{time}  {who}  {service}:{op}  ok"),
        Some(code) => {
            let outcome = if code.starts_with("AccessDenied") {
                "denied"
            } else {
                "failed"
            };
            let message = e.msg.as_deref().unwrap_or("");
            format!("{time}  {who}  {service}:{op}  {outcome}  {code}: {message}")
        }
    }
}

/// The newest `limit` events, oldest first, and the last row read (where `--follow` goes on).
pub fn recent(rows: &Rows, limit: usize) -> Result<(Vec<Event>, i64), String> {
    let mut newest_first: Vec<Event> = Vec::new();
    let mut last_row = 0;
    rows.scan_newest_first(i64::MAX, i64::MIN, i64::MAX, |batch: Batch| {
        last_row = last_row.max(batch.id);
        newest_first.extend(rows::events(&batch).into_iter().rev().take(limit - newest_first.len()));
        newest_first.len() < limit
    })
    .map_err(|e| e.to_string())?;
    newest_first.reverse();
    Ok((newest_first, last_row))
}

/// Prints the newest `limit` events; with `follow`, then every new one as it is written, until the
/// output closes.
pub fn run(state: &str, limit: usize, follow: bool, out: &mut impl Write) -> Result<(), String> {
    let dir = open(state)?;
    let (events, mut last_row) = recent(&read(&dir)?, limit)?;
    let mut print = |e: &Event| writeln!(out, "{}", line(e)).and_then(|()| out.flush());
    for e in &events {
        print(e).map_err(|e| e.to_string())?;
    }
    if !follow {
        return Ok(());
    }
    loop {
        std::thread::sleep(POLL);
        for batch in read(&dir)?.after(last_row).map_err(|e| e.to_string())? {
            last_row = batch.id;
            for e in rows::events(&batch) {
                // A closed pipe (`| head`) ends the follow quietly.
                if print(&e).is_err() {
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::{Entity, Who};

    #[test]
    fn lines_say_who_did_what_and_why_it_failed() {
        let mut e = Event {
            t: 1_700_000_000_500,
            rid: "r".into(),
            svc: "iam".into(),
            op: "ListUsers".into(),
            region: "us-east-1".into(),
            part: "aws".into(),
            ip: std::net::IpAddr::from([127, 0, 0, 1]),
            ua: "".into(),
            who: Who::User {
                u: Entity {
                    id: "AIDAMARY".into(),
                    name: "mary".into(),
                    path: "/".into(),
                },
                key: None,
                s: None,
            },
            err: Some("AccessDenied".into()),
            msg: Some("User: arn:aws:iam::123456789012:user/mary is not authorized".into()),
            form: None,
            json: serde_json::Value::Null,
            resp: serde_json::Value::Null,
            rx: None,
            add: serde_json::Value::Null,
        };
        assert_eq!(
            line(&e),
            "2023-11-14T22:13:20Z  user/mary  iam:ListUsers  denied  AccessDenied: User: arn:aws:iam::123456789012:user/mary is not authorized"
        );
        e.err = None;
        e.msg = Some("Failed authentication".into());
        e.svc = "signin".into();
        e.op = "ConsoleLogin".into();
        assert_eq!(
            line(&e),
            "2023-11-14T22:13:20Z  user/mary  signin:ConsoleLogin  failed  Failed authentication"
        );
        e.msg = None;
        assert_eq!(line(&e), "2023-11-14T22:13:20Z  user/mary  signin:ConsoleLogin  ok");
        assert!(open(":memory:").is_err());
        assert!(open("/nonexistent/state.db").is_err());
    }
}
