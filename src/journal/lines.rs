//! The journal's row format: JSON lines, oldest first. A context line (`{"ctx":{…}}`) holds what
//! consecutive events of a row share (service, region, partition, address, user agent, caller)
//! and each event line after it only what is the event's own (time, request id, operation,
//! parameters, outcome), so a busy client's events cost a few dozen bytes to write instead of a
//! few hundred. Rows written before this format hold whole events on every line; both read the
//! same ([`event_lines`], [`Reader`]).

use std::borrow::Cow;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::event::{Event, Stored, Who};

/// What consecutive events share: one context line for a run of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared<'a> {
    /// `Stored::svc`.
    pub svc: Cow<'a, str>,
    /// `Stored::region`.
    pub region: Cow<'a, str>,
    /// `Stored::part`.
    pub part: Cow<'a, str>,
    /// `Stored::ip`.
    pub ip: IpAddr,
    /// `Stored::ua`.
    pub ua: Cow<'a, str>,
    /// `Stored::who`.
    pub who: Who<'a>,
}

impl Shared<'_> {
    /// The same context owning its text (kept to compare the next event's with).
    pub fn into_owned(self) -> Shared<'static> {
        Shared {
            svc: own(self.svc),
            region: own(self.region),
            part: own(self.part),
            ip: self.ip,
            ua: own(self.ua),
            who: self.who.into_owned(),
        }
    }
}

/// A borrowed string made owned.
pub fn own(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// A context line, written.
#[derive(Serialize)]
struct CtxOut<'s, 'a> {
    ctx: &'s Shared<'a>,
}

/// A context line, read.
#[derive(Deserialize)]
struct CtxIn {
    ctx: Shared<'static>,
}

/// The event's context.
pub fn shared<'s>(e: &'s Stored<'_>) -> Shared<'s> {
    Shared {
        svc: Cow::Borrowed(&e.svc),
        region: Cow::Borrowed(&e.region),
        part: Cow::Borrowed(&e.part),
        ip: e.ip,
        ua: Cow::Borrowed(&e.ua),
        who: e.who.clone(),
    }
}

/// Whether `c` is the event's context (compared in place: no copy of the caller's parts).
pub fn is_context_of(c: &Shared<'_>, e: &Stored<'_>) -> bool {
    c.ip == e.ip && c.svc == e.svc && c.region == e.region && c.part == e.part && c.ua == e.ua && c.who == e.who
}

/// Appends the event's own line (with its newline) to `out`: `Stored`'s member names, so a whole
/// old line reads the same. Written by hand rather than through serde, as it runs once per
/// request: most of its strings need no escaping and go in as they are.
pub fn write_event(e: &Stored<'_>, out: &mut Vec<u8>) {
    out.reserve(256);
    out.extend_from_slice(b"{\"t\":");
    push_int(out, e.t);
    out.extend_from_slice(b",\"rid\":");
    push_str(out, &e.rid);
    out.extend_from_slice(b",\"op\":");
    push_str(out, &e.op);
    if let Some(err) = &e.err {
        out.extend_from_slice(b",\"err\":");
        push_str(out, err);
    }
    if let Some(msg) = &e.msg {
        out.extend_from_slice(b",\"msg\":");
        push_str(out, msg);
    }
    if let Some(form) = &e.form {
        out.extend_from_slice(b",\"form\":{");
        let mut first = true;
        for (k, v) in form.iter().filter(|(k, _)| super::redact::recorded(k)) {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            push_str(out, k);
            out.push(b':');
            push_str(out, v);
        }
        out.push(b'}');
    }
    if let Some(rx) = &e.rx {
        out.extend_from_slice(b",\"rx\":");
        push_str(out, rx);
    }
    for (name, value) in [
        (&b",\"json\":"[..], &e.json),
        (&b",\"resp\":"[..], &e.resp),
        (&b",\"add\":"[..], &e.add),
    ] {
        if !value.is_null() {
            out.extend_from_slice(name);
            // Writing a Value into a Vec cannot fail; on the impossible error the member is null.
            if serde_json::to_writer(&mut *out, value).is_err() {
                out.extend_from_slice(b"null");
            }
        }
    }
    out.extend_from_slice(b"}\n");
}

/// A JSON string: copied as it is when nothing in it needs escaping, else through serde_json.
fn push_str(out: &mut Vec<u8>, s: &str) {
    // A fold without an early exit compiles to a vector loop: most strings (ids, names, the
    // request id) need no escaping, and a byte-at-a-time search cost ~200 instructions a string.
    let special = s
        .bytes()
        .fold(false, |found, b| found | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if !special {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// A JSON integer.
fn push_int(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits.get(at..).unwrap_or(&[]));
}

/// Appends a context line (with its newline) to `out`.
pub fn write_shared(s: &Shared<'_>, out: &mut Vec<u8>) {
    if serde_json::to_writer(&mut *out, &CtxOut { ctx: s }).is_ok() {
        out.push(b'\n');
    }
}

/// One stored event line and the context line it reads with (none in old rows).
#[derive(Debug, Clone, Copy)]
pub struct EventLine<'r> {
    /// The event's own line.
    pub text: &'r str,
    /// The context line above it.
    pub ctx: Option<&'r str>,
}

impl EventLine<'_> {
    /// Whether `needle` is in the event's text or its context's.
    pub fn contains(&self, needle: &str) -> bool {
        self.text.contains(needle) || self.ctx.is_some_and(|c| c.contains(needle))
    }
}

const CTX_PREFIX: &str = "{\"ctx\":";

/// A row's event lines, oldest first, each with its context line.
pub fn event_lines(row: &str) -> Vec<EventLine<'_>> {
    let mut ctx = None;
    let mut out = Vec::new();
    for line in row.lines() {
        if line.starts_with(CTX_PREFIX) {
            ctx = Some(line);
        } else if !line.is_empty() {
            out.push(EventLine { text: line, ctx });
        }
    }
    out
}

/// Reads event lines, parsing each context line once however many events share it.
#[derive(Default)]
pub struct Reader<'r> {
    last: Option<(&'r str, Shared<'static>)>,
}

impl<'r> Reader<'r> {
    /// The event of a line (`None` when it does not parse).
    pub fn event(&mut self, line: EventLine<'r>) -> Option<Event> {
        let mut e: Event = serde_json::from_str(line.text).ok()?;
        e.resolve();
        if !e.svc.is_empty() {
            return Some(e);
        }
        let ctx = line.ctx?;
        let shared = match &self.last {
            Some((text, s)) if std::ptr::eq(*text, ctx) => s,
            _ => {
                let parsed: CtxIn = serde_json::from_str(ctx).ok()?;
                &self.last.insert((ctx, parsed.ctx)).1
            }
        };
        e.svc = shared.svc.clone();
        e.region = shared.region.clone();
        e.part = shared.part.clone();
        e.ip = shared.ip;
        e.ua = shared.ua.clone();
        e.who = shared.who.clone();
        Some(e)
    }
}

/// A row's events, oldest first (lines that do not parse are skipped).
pub fn events(row: &str) -> Vec<Event> {
    let mut reader = Reader::default();
    event_lines(row).into_iter().filter_map(|l| reader.event(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn event(t: i64, text: &str) -> Event {
        let mut form = BTreeMap::new();
        form.insert("PolicyDocument".to_string(), text.to_string());
        form.insert("UserName".to_string(), "mary".to_string());
        Stored {
            t,
            rid: "r-1".into(),
            svc: "iam".into(),
            op: "PutUserPolicy".into(),
            region: "us-east-1".into(),
            part: "aws".into(),
            ip: IpAddr::from([10, 0, 0, 1]),
            ua: "ua \"quoted\"".into(),
            who: Who::Root { key: None, s: None },
            err: Some("MalformedPolicyDocument".into()),
            msg: Some(text.to_string().into()),
            form: Some(Cow::Owned(form)),
            json: serde_json::Value::Null,
            resp: serde_json::json!({"a": [1, "b\n"]}),
            rx: None,
            add: serde_json::json!({"MFAUsed": "No"}),
        }
    }

    #[test]
    fn hand_written_lines_are_the_json_serde_would_write() {
        for (t, text) in [
            (1_700_000_000_123, "plain"),
            (0, "{\n  \"Version\": \"2012-10-17\"\t\\ \u{1}"),
            (-5, "é ✓ \u{7f}"),
            (i64::MIN, ""),
            (i64::MAX, "</script>"),
        ] {
            let e = event(t, text);
            let mut ctx = Vec::new();
            write_shared(&shared(&e), &mut ctx);
            let mut line = Vec::new();
            write_event(&e, &mut line);
            let own: serde_json::Value = serde_json::from_slice(&line).expect("valid JSON");
            let mut whole = serde_json::to_value(&e).expect("serialize");
            if let Some(m) = whole.as_object_mut() {
                for shared in ["svc", "region", "part", "ip", "ua", "who"] {
                    m.remove(shared);
                }
            }
            assert_eq!(own, whole, "{text:?}");
            let row = format!(
                "{}{}",
                std::str::from_utf8(&ctx).unwrap_or(""),
                std::str::from_utf8(&line).unwrap_or("")
            );
            assert_eq!(events(&row), [e]);
        }
    }

    #[test]
    fn secrets_and_protocol_keys_are_never_written() {
        let mut e = event(1, "x");
        if let Some(form) = e.form.as_mut() {
            let form = form.to_mut();
            for (k, v) in [
                ("Action", "CreateLoginProfile"),
                ("Password", "hunter2!"),
                ("Version", "2010-05-08"),
            ] {
                form.insert(k.to_string(), v.to_string());
            }
        }
        let mut line = Vec::new();
        write_event(&e, &mut line);
        let text = std::str::from_utf8(&line).unwrap_or("");
        for gone in ["Action", "CreateLoginProfile", "Password", "hunter2!", "Version"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert!(text.contains("\"UserName\":\"mary\""));
    }
}
