//! The request journal: every IAM, STS and CloudTrail call, recorded once, the one source of
//! CloudTrail's event history (`crate::cloudtrail`), of Access Advisor's last-accessed data and of
//! `localiam events`.
//!
//! The request path moves what it already owns (principal, form, ids) into a [`Record`],
//! serializes it at once into its account's waiting row (borrowing, [`Stored`]; a short lock),
//! and a background task appends the waiting rows to each account's `store::journal::Rows`
//! (segment files for a file store) and updates the Access Advisor aggregate; everything
//! CloudTrail derives (ARNs, event ids, camelCase parameters) is made when an event is read.
//! Readers flush first, so a call is visible as soon as it returned. docs/architecture.md
//! ("Request journal") explains the cost this keeps off the request path. Console sign-ins, the one
//! non-API event recorded ([`SignIn`], CloudTrail's `ConsoleLogin`), are recorded the same way.

mod convert;
pub mod event;
pub mod lines;
pub mod redact;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::app::App;
use crate::context::Call;
use crate::identity::Principal;
use crate::store::journal as rows;

pub use event::{Event, Stored};

/// Records waiting beyond this many are dropped (and counted) instead of blocking a request or
/// growing memory without bound.
const CAPACITY: usize = 65_536;
/// A queue this long wakes the writer before its next tick.
const WAKE_AT: usize = 8_192;
/// Emptied row buffers kept for reuse (a 50 ms batch at 40,000 calls a second fills two rows).
const SPARE_ROWS: usize = 4;
/// How often the background writer drains the queue.
pub const DRAIN_EVERY: Duration = Duration::from_millis(50);
/// Old events are pruned every this many batches (quiet servers)…
const PRUNE_EVERY: u64 = 256;
/// …or after this many events (busy ones), so the caps hold within a few seconds of load.
const PRUNE_AFTER_EVENTS: usize = 20_000;

/// What a request asked for, as it came: secrets are left out as it is written
/// (`redact::recorded`), never stored.
#[derive(Debug)]
pub enum Params {
    /// A Query-protocol form.
    Form(BTreeMap<String, String>),
    /// A JSON-protocol body.
    Json(Vec<u8>),
}

/// How a request ended.
#[derive(Debug)]
pub enum Outcome {
    /// Success, with the XML response when its elements are recorded (`records_response`).
    Ok(Option<String>),
    /// An error's code and message.
    Err(String, String),
}

/// One call as the pipeline captured it: owned values moved out of the request, nothing rendered.
#[derive(Debug)]
pub struct Record {
    /// The caller's account: its store keeps the event.
    pub account: std::sync::Arc<crate::accounts::Account>,
    /// When the request arrived.
    pub time: time::OffsetDateTime,
    /// The operation.
    pub call: Call,
    /// The signing region.
    pub region: String,
    /// Its partition.
    pub partition: &'static str,
    /// Who called.
    pub principal: Principal,
    /// The access key that signed it.
    pub access_key_id: Option<String>,
    /// The request id returned to the caller.
    pub request_id: String,
    /// The client's address.
    pub source_ip: IpAddr,
    /// `User-Agent`, at most 1 KB.
    pub user_agent: String,
    /// The parameters.
    pub params: Params,
    /// The result.
    pub outcome: Outcome,
}

impl Record {
    /// The record of a call served with `ctx` (the context is consumed: its parts move here).
    pub fn of(ctx: crate::context::Ctx, user_agent: &str, params: Params, outcome: Outcome) -> Record {
        let crate::context::Ctx {
            op,
            principal,
            account,
            access_key_id,
            region,
            partition,
            request_id,
            source_ip,
            now,
            ..
        } = ctx;
        Record {
            account,
            time: now,
            call: op,
            region,
            partition,
            principal,
            access_key_id,
            request_id,
            source_ip,
            user_agent: truncate(user_agent),
            params,
            outcome,
        }
    }
}

/// A console sign-in attempt: CloudTrail's `ConsoleLogin`, a non-API event (`AwsConsoleSignIn`,
/// "AWS Management Console sign-in events"), kept in the account's journal like a call.
#[derive(Debug)]
pub struct SignIn {
    /// The account signed in to: its store keeps the event.
    pub account: Arc<crate::accounts::Account>,
    /// When the attempt was made.
    pub time: time::OffsetDateTime,
    /// The partition of the ARNs (and of the region the event is recorded in).
    pub partition: &'static str,
    /// Who tried.
    pub signer: Signer,
    /// The console request's id (the event id is derived from it).
    pub request_id: String,
    /// The browser's address.
    pub source_ip: IpAddr,
    /// The browser's `User-Agent`, at most 1 KB.
    pub user_agent: String,
    /// Whether the sign-in succeeded.
    pub success: bool,
    /// Whether an MFA code was presented (`MFAUsed`).
    pub mfa_used: bool,
    /// `LoginTo`: the console address the user is sent to.
    pub login_to: String,
}

/// Who a sign-in names.
#[derive(Debug)]
pub enum Signer {
    /// The root user.
    Root,
    /// An IAM user.
    User(crate::store::users::UserRow),
    /// A name that is no user (CloudTrail records only the name, hidden).
    Unknown(String),
}

/// An in-memory account for the unit tests' records.
#[cfg(test)]
pub(crate) fn test_account() -> std::sync::Arc<crate::accounts::Account> {
    let accounts = crate::accounts::Accounts::open(":memory:", "123456789012").expect("open");
    accounts.configured().clone()
}

/// The journal: events serialized as they are pushed, waiting per account for the background
/// writer.
#[derive(Default)]
pub struct Journal {
    pending: Mutex<Pending>,
    /// Held while a batch is written (so a flush also waits for a batch another thread took just
    /// before).
    writing: Mutex<Writer>,
    dropped: AtomicU64,
    /// Wakes the background writer early when many events wait.
    pub(crate) wake: tokio::sync::Notify,
}

/// What waits to be written.
#[derive(Default)]
struct Pending {
    accounts: Vec<AccountBatch>,
    events: usize,
    /// Row buffers written and emptied, kept with their capacity: a fresh 100 KB buffer per row
    /// would be mapped and faulted in page by page on the request path.
    spare: Vec<Vec<u8>>,
}

/// One account's waiting events: rows of lines, and the uses Access Advisor counts.
struct AccountBatch {
    account: Arc<crate::accounts::Account>,
    rows: Vec<RowBuf>,
    uses: Vec<Use>,
}

/// A row being filled: its lines, time bounds, number of events, and the context its last event
/// was written with.
#[derive(Default)]
struct RowBuf {
    text: Vec<u8>,
    first_ms: i64,
    last_ms: i64,
    count: usize,
    context: Option<lines::Shared<'static>>,
}

/// A user's or role's use of an action (Access Advisor).
struct Use {
    kind: &'static str,
    id: String,
    svc: String,
    op: String,
    region: String,
    ms: i64,
}

impl RowBuf {
    fn append(&mut self, e: &Stored<'_>, line: &[u8]) {
        if !self.context.as_ref().is_some_and(|c| lines::is_context_of(c, e)) {
            let shared = lines::shared(e);
            lines::write_shared(&shared, &mut self.text);
            self.context = Some(shared.into_owned());
        }
        self.text.extend_from_slice(line);
        if self.count == 0 {
            (self.first_ms, self.last_ms) = (e.t, e.t);
        }
        // Records arrive in the order requests finish, not quite the order they began.
        self.first_ms = self.first_ms.min(e.t);
        self.last_ms = self.last_ms.max(e.t);
        self.count += 1;
    }
}

impl AccountBatch {
    fn append(&mut self, e: &Stored<'_>, line: &[u8], spare: &mut Vec<Vec<u8>>) {
        let row = match self.rows.last_mut() {
            Some(row) if row.count < rows::ROW_EVENTS => row,
            _ => {
                self.rows.push(RowBuf {
                    text: spare.pop().unwrap_or_default(),
                    ..RowBuf::default()
                });
                let Some(row) = self.rows.last_mut() else {
                    return;
                };
                row
            }
        };
        row.append(e, line);
        // Console sign-ins are not a use of a service's permissions.
        let Some((kind, id)) = e.who.entity().filter(|_| !e.is_sign_in()) else {
            return;
        };
        // A client repeats the same call: the last use usually only moves on.
        if let Some(last) = self.uses.last_mut() {
            if last.kind == kind && last.id == id && last.svc == e.svc && last.op == e.op && last.region == e.region {
                last.ms = last.ms.max(e.t);
                return;
            }
        }
        self.uses.push(Use {
            kind,
            id: id.to_string(),
            svc: e.svc.to_string(),
            op: e.op.to_string(),
            region: e.region.to_string(),
            ms: e.t,
        });
    }

    /// The newest use per user or role and action.
    fn activity(&self) -> Vec<crate::store::activity::ActivityRow> {
        let mut newest: BTreeMap<(&str, &str, &str, &str), &Use> = BTreeMap::new();
        for u in &self.uses {
            let key = (u.kind, u.id.as_str(), u.svc.as_str(), u.op.as_str());
            match newest.get(&key) {
                Some(seen) if seen.ms >= u.ms => {}
                _ => {
                    newest.insert(key, u);
                }
            }
        }
        newest
            .into_values()
            .map(|u| crate::store::activity::ActivityRow {
                principal_kind: u.kind.to_string(),
                principal_id: u.id.clone(),
                service: u.svc.clone(),
                action: u.op.clone(),
                region: u.region.clone(),
                last: crate::store::format_unix(u.ms.div_euclid(1000)),
            })
            .collect()
    }
}

/// The writer's state, kept between batches.
#[derive(Default)]
struct Writer {
    /// Batches written (pruning runs every `PRUNE_EVERY`).
    batches: u64,
    /// Events written since the last pruning.
    since_prune: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing is left half-done under these locks, so a poisoned one is still consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

thread_local! {
    /// The event line being serialized, reused by each request on this thread.
    static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Journal {
    /// Records a call: serializes it on the calling thread (where its parts are still in cache,
    /// and are freed) and appends it to its account's waiting row; when `CAPACITY` events already
    /// wait, drops it and counts it.
    pub fn push(&self, record: Record) {
        self.record(&record.account, &Stored::of(&record));
    }

    /// Records a console sign-in, as [`Journal::push`] records a call.
    pub fn push_sign_in(&self, sign_in: SignIn) {
        self.record(&sign_in.account, &Stored::sign_in(&sign_in));
    }

    fn record(&self, account: &Arc<crate::accounts::Account>, event: &Stored<'_>) {
        LINE.with(|line| {
            let mut line = line.borrow_mut();
            line.clear();
            lines::write_event(event, &mut line);
            self.append(account, event, &line);
        });
    }

    fn append(&self, account: &Arc<crate::accounts::Account>, event: &Stored<'_>, line: &[u8]) {
        let mut pending = lock(&self.pending);
        if pending.events >= CAPACITY {
            drop(pending);
            let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(dropped = n, "journal queue full: events dropped");
            }
            return;
        }
        let Pending {
            accounts,
            events,
            spare,
        } = &mut *pending;
        *events += 1;
        let waiting = *events;
        let batch = match accounts.iter().position(|b| Arc::ptr_eq(&b.account, account)) {
            Some(i) => accounts.get_mut(i),
            None => {
                accounts.push(AccountBatch {
                    account: account.clone(),
                    rows: Vec::new(),
                    uses: Vec::new(),
                });
                accounts.last_mut()
            }
        };
        if let Some(batch) = batch {
            batch.append(event, line, spare);
        }
        drop(pending);
        if waiting == WAKE_AT {
            self.wake.notify_one();
        }
    }

    /// Whether events wait to be written.
    pub fn pending(&self) -> bool {
        lock(&self.pending).events > 0
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes every waiting event now (readers call it first, so a call that returned is visible).
    pub fn flush(&self, app: &App) {
        let mut w = lock(&self.writing);
        let (accounts, events) = {
            let mut pending = lock(&self.pending);
            let events = std::mem::take(&mut pending.events);
            (std::mem::take(&mut pending.accounts), events)
        };
        if events == 0 {
            return;
        }
        w.batches += 1;
        w.since_prune += events;
        let due = w.batches % PRUNE_EVERY == 1 || w.since_prune >= PRUNE_AFTER_EVENTS;
        if due {
            w.since_prune = 0;
        }
        let prune = due.then(|| rows::Prune {
            before_ms: (app.now() - rows::RETENTION).unix_timestamp() * 1000,
            max_events: rows::MAX_EVENTS,
        });
        for batch in accounts {
            let batch_rows: Vec<rows::Row<'_>> = batch
                .rows
                .iter()
                .map(|r| rows::Row {
                    first_ms: r.first_ms,
                    last_ms: r.last_ms,
                    count: r.count,
                    lines: &r.text,
                })
                .collect();
            let store = &batch.account.store;
            if let Err(e) = store.journal().append(&batch_rows, prune.as_ref()) {
                tracing::warn!(error = %e, events, "could not write the journal");
            }
            let uses = batch.activity();
            // A bookkeeping write: recording history changes nothing a cache holds.
            if !uses.is_empty() {
                if let Err(e) = store.touch(|c| uses.iter().try_for_each(|u| crate::store::activity::record(c, u))) {
                    tracing::warn!(error = %e, "could not write Access Advisor's activity");
                }
            }
            let mut pending = lock(&self.pending);
            for row in batch.rows {
                if pending.spare.len() < SPARE_ROWS {
                    let mut text = row.text;
                    text.clear();
                    pending.spare.push(text);
                }
            }
        }
    }
}

/// Drains the queue in the background until the task is aborted (the server flushes once more on
/// shutdown); the blocking pool runs each batch, one at a time.
pub async fn writer_loop(app: std::sync::Arc<App>) {
    let mut tick = tokio::time::interval(DRAIN_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = app.journal.wake.notified() => {}
        }
        if !app.journal.pending() {
            continue;
        }
        let app = app.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || app.journal.flush(&app)).await {
            tracing::warn!(error = %e, "journal writer task failed");
        }
    }
}

/// Whether AWS records the operation's response elements: for calls that change something and
/// for STS calls that issue credentials (AWS's STS examples carry `credentials` and
/// `assumedRoleUser`), never for reads ("CloudTrail record contents": `responseElements`).
pub fn records_response(call: Call) -> bool {
    use crate::api::{Operation, Service};
    let Call::Query(op) = call else {
        return false;
    };
    if !op.has_output() {
        return false;
    }
    if op.service() == Service::Sts {
        return !matches!(
            op,
            Operation::GetCallerIdentity | Operation::GetAccessKeyInfo | Operation::DecodeAuthorizationMessage
        );
    }
    !read_only(call)
}

/// CloudTrail's `readOnly`: IAM's Get/List/Generate/Simulate calls and every STS call are reads
/// (AWS records `AssumeRole` with `readOnly: true`; the IAM prefixes are an inference from IAM's
/// access levels, docs/aws-messages.md), CloudTrail's `LookupEvents` is a read (a recorded
/// LookupEvents event, see docs/aws-messages.md), everything else a write.
pub fn read_only(call: Call) -> bool {
    match call {
        Call::Json(op) => op == crate::services::JsonOp::LookupEvents || op == crate::services::JsonOp::ValidatePolicy,
        Call::Query(op) => {
            if op.service() == crate::api::Service::Sts {
                return true;
            }
            let name = op.name();
            ["Get", "List", "Generate", "Simulate"]
                .iter()
                .any(|p| name.starts_with(p))
        }
    }
}

/// A header or message as CloudTrail keeps it: at most 1 KB (`userAgent`), cut on a character
/// boundary.
pub fn truncate(text: &str) -> String {
    let mut end = text.len().min(1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Operation;

    #[test]
    fn reads_and_writes() {
        assert!(read_only(Call::Query(Operation::ListUsers)));
        assert!(read_only(Call::Query(Operation::AssumeRole)));
        assert!(!read_only(Call::Query(Operation::CreateAccessKey)));
        assert!(records_response(Call::Query(Operation::CreateAccessKey)));
        assert!(records_response(Call::Query(Operation::AssumeRole)));
        assert!(!records_response(Call::Query(Operation::GetUser)));
        assert!(!records_response(Call::Query(Operation::GetCallerIdentity)));
        assert!(!records_response(Call::Query(Operation::AddUserToGroup)));
    }

    fn record(
        account: &Arc<crate::accounts::Account>,
        ms: i64,
        principal: crate::identity::Principal,
        user_agent: &str,
    ) -> Record {
        let mut form = BTreeMap::new();
        form.insert("UserName".to_string(), format!("u{ms}"));
        Record {
            account: account.clone(),
            time: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            call: Call::Query(Operation::GetUser),
            region: "us-east-1".into(),
            partition: "aws",
            principal,
            access_key_id: Some("AKIAEXAMPLE".into()),
            request_id: format!("r{ms}"),
            source_ip: IpAddr::from([127, 0, 0, 1]),
            user_agent: user_agent.into(),
            params: Params::Form(form),
            outcome: Outcome::Ok(None),
        }
    }

    fn mary() -> crate::identity::Principal {
        crate::identity::Principal::User(crate::store::users::UserRow {
            id: "AIDAMARY".into(),
            name: "mary".into(),
            path: "/".into(),
            created: String::new(),
            password_last_used: None,
            boundary: None,
        })
    }

    fn batch(records: &[Record]) -> AccountBatch {
        let Some(first) = records.first() else {
            panic!("no records");
        };
        let mut b = AccountBatch {
            account: first.account.clone(),
            rows: Vec::new(),
            uses: Vec::new(),
        };
        for r in records {
            let e = Stored::of(r);
            let mut line = Vec::new();
            lines::write_event(&e, &mut line);
            b.append(&e, &line, &mut Vec::new());
        }
        b
    }

    fn text(row: &RowBuf) -> &str {
        std::str::from_utf8(&row.text).unwrap_or("")
    }

    #[test]
    fn rows_hold_1024_events_each_with_one_context_line_per_run() {
        let a = test_account();
        let records: Vec<Record> = (0..3000).map(|i| record(&a, 1_000 + i, mary(), "aws-cli/2")).collect();
        let b = batch(&records);
        assert_eq!(b.rows.iter().map(|r| r.count).collect::<Vec<_>>(), [1024, 1024, 952]);
        for row in &b.rows {
            assert_eq!(text(row).matches("{\"ctx\":").count(), 1, "one context per row");
            assert_eq!(text(row).matches("mary").count(), 1, "the caller is written once");
        }
        let read: Vec<Event> = b.rows.iter().flat_map(|r| lines::events(text(r))).collect();
        let written: Vec<Stored<'_>> = records.iter().map(Stored::of).collect();
        assert_eq!(read, written, "every event reads back whole, in order");
        assert_eq!((b.rows[1].first_ms, b.rows[1].last_ms), (2_024, 3_047));
        let uses = b.activity();
        assert_eq!(uses.len(), 1);
        assert_eq!(uses[0].last, crate::store::format_unix(3));
    }

    #[test]
    fn a_new_caller_or_agent_starts_a_new_context() {
        let a = test_account();
        let records = [
            record(&a, 1, mary(), "a"),
            record(&a, 2, crate::identity::Principal::Root, "a"),
            record(&a, 3, crate::identity::Principal::Root, "b"),
            record(&a, 4, crate::identity::Principal::Root, "b"),
            record(&a, 5, mary(), "b"),
        ];
        let b = batch(&records);
        let row = text(&b.rows[0]);
        assert_eq!(row.matches("{\"ctx\":").count(), 4);
        let lines = lines::event_lines(row);
        assert!(lines[0].contains("mary") && !lines[1].contains("mary") && lines[4].contains("mary"));
        let read = lines::events(row);
        let written: Vec<Stored<'_>> = records.iter().map(Stored::of).collect();
        assert_eq!(read, written);
    }

    #[test]
    fn rows_of_whole_lines_still_read() {
        let r = record(&test_account(), 7, mary(), "ua");
        let whole = serde_json::to_string(&Stored::of(&r)).unwrap_or_default();
        let row = format!("{whole}\n{whole}\n");
        let read = lines::events(&row);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], Stored::of(&r));
    }

    #[test]
    fn text_is_cut_at_1_kb_on_a_char_boundary() {
        let long = "é".repeat(600);
        let ua = truncate(&long);
        assert!(ua.len() <= 1024 && ua.chars().all(|c| c == 'é'));
        assert_eq!(truncate("aws-cli/1"), "aws-cli/1");
    }
}
