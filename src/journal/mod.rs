//! The request journal: every IAM, STS and CloudTrail call, recorded once, the one source of
//! CloudTrail's event history (`crate::cloudtrail`), of Access Advisor's last-accessed data and of
//! `localiam events`.
//!
//! The request path only moves what it already owns (principal, form, ids) into a [`Record`] and
//! pushes it onto a bounded in-process queue; a background task drains the queue in batches,
//! serializes each record as it is (borrowing, [`Stored`]) and appends the batch as one row of the
//! `journal` table, updating the Access Advisor aggregate in the same transaction; everything
//! CloudTrail derives (ARNs, event ids, camelCase parameters) is made when an event is read.
//! Readers flush first, so a call is visible as soon as it returned. docs/architecture.md
//! ("Request journal") explains the cost this keeps off the request path. Console sign-ins, the one
//! non-API event recorded ([`SignIn`], CloudTrail's `ConsoleLogin`), share the queue.

mod convert;
pub mod event;
pub mod redact;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
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
/// How often the background writer drains the queue.
pub const DRAIN_EVERY: Duration = Duration::from_millis(50);
/// Old events are pruned every this many batches (quiet servers)…
const PRUNE_EVERY: u64 = 256;
/// …or after this many events (busy ones), so the caps hold within a few seconds of load.
const PRUNE_AFTER_EVENTS: usize = 20_000;
/// The spare queue keeps at most this capacity after a burst.
const SPARE_MAX: usize = 16_384;

/// What a request asked for, already redacted (`redact::form`).
#[derive(Debug)]
pub enum Params {
    /// A Query-protocol form without `Action`, `Version` and secrets.
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
    pub account: std::sync::Arc<crate::accounts::Account>,
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

/// What the queue holds: an API call or a sign-in.
#[derive(Debug)]
enum Entry {
    Call(Record),
    SignIn(SignIn),
}

impl Entry {
    fn account(&self) -> &std::sync::Arc<crate::accounts::Account> {
        match self {
            Entry::Call(r) => &r.account,
            Entry::SignIn(s) => &s.account,
        }
    }

    fn stored(&self) -> Stored<'_> {
        match self {
            Entry::Call(r) => Stored::of(r),
            Entry::SignIn(s) => Stored::sign_in(s),
        }
    }
}

/// An in-memory account for the unit tests' records.
#[cfg(test)]
pub(crate) fn test_account() -> std::sync::Arc<crate::accounts::Account> {
    let accounts = crate::accounts::Accounts::open(":memory:", "123456789012").expect("open");
    accounts.configured().clone()
}

/// The in-process queue between requests and the background writer.
#[derive(Default)]
pub struct Journal {
    queue: Mutex<Vec<Entry>>,
    /// Held while a batch is drained and written (so a flush also waits for a batch another thread
    /// drained just before).
    writing: Mutex<Writer>,
    dropped: AtomicU64,
    /// Wakes the background writer early when the queue grows long.
    pub(crate) wake: tokio::sync::Notify,
}

/// The writer's state, kept between batches so that writing allocates little.
#[derive(Default)]
struct Writer {
    /// Batches written (pruning runs every `PRUNE_EVERY`).
    batches: u64,
    /// Events written since the last pruning.
    since_prune: usize,
    /// An empty vector with capacity, swapped in as the next queue.
    spare: Vec<Entry>,
    /// The JSON lines of the batch being written.
    lines: Vec<u8>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing is left half-done under these locks, so a poisoned one is still consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Journal {
    /// Queues a record; when `CAPACITY` records already wait, drops it and counts it.
    pub fn push(&self, record: Record) {
        self.enqueue(Entry::Call(record));
    }

    /// Queues a console sign-in event, as [`Journal::push`] queues a call.
    pub fn push_sign_in(&self, sign_in: SignIn) {
        self.enqueue(Entry::SignIn(sign_in));
    }

    fn enqueue(&self, record: Entry) {
        let mut queue = lock(&self.queue);
        if queue.len() >= CAPACITY {
            drop(queue);
            let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(dropped = n, "journal queue full: events dropped");
            }
            return;
        }
        queue.push(record);
        let len = queue.len();
        drop(queue);
        if len == WAKE_AT {
            self.wake.notify_one();
        }
    }

    /// Whether records wait to be written.
    pub fn pending(&self) -> bool {
        !lock(&self.queue).is_empty()
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes every queued record now (readers call it first, so a call that returned is visible).
    pub fn flush(&self, app: &App) {
        let mut w = lock(&self.writing);
        // The queue gets the spare vector (with its capacity), so pushes rarely reallocate.
        let mut batch = std::mem::take(&mut w.spare);
        std::mem::swap(&mut batch, &mut *lock(&self.queue));
        if batch.is_empty() {
            w.spare = batch;
            return;
        }
        w.batches += 1;
        w.since_prune += batch.len();
        let due = w.batches % PRUNE_EVERY == 1 || w.since_prune >= PRUNE_AFTER_EVENTS;
        if due {
            w.since_prune = 0;
        }
        let prune = due.then(|| rows::Prune {
            before_ms: (app.now() - rows::RETENTION).unix_timestamp() * 1000,
            max_events: if app.store().is_in_memory() {
                rows::MAX_EVENTS_IN_MEMORY
            } else {
                rows::MAX_EVENTS_ON_FILE
            },
        });
        // Each account's events go to its own store (a batch is usually one account's).
        let mut accounts: Vec<&std::sync::Arc<crate::accounts::Account>> = batch.iter().map(Entry::account).collect();
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
        accounts.dedup_by(|a, b| a.id == b.id);
        for account in accounts {
            let events: Vec<Stored<'_>> = batch
                .iter()
                .filter(|r| r.account().id == account.id)
                .map(Entry::stored)
                .collect();
            // Serialized before the store's lock is taken: in memory, reads share that lock.
            let Writer { lines, .. } = &mut *w;
            let batch_rows = rows::serialize(&events, lines);
            let uses = rows::last_uses(&events);
            // A bookkeeping write: recording history changes nothing a cache holds.
            if let Err(e) = account
                .store
                .touch(|c| rows::append(c, &batch_rows, &uses, prune.as_ref()))
            {
                tracing::warn!(error = %e, events = events.len(), "could not write the journal");
            }
        }
        batch.clear();
        if batch.capacity() > SPARE_MAX {
            batch.shrink_to(SPARE_MAX);
        }
        w.spare = batch;
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

    #[test]
    fn text_is_cut_at_1_kb_on_a_char_boundary() {
        let long = "é".repeat(600);
        let ua = truncate(&long);
        assert!(ua.len() <= 1024 && ua.chars().all(|c| c == 'é'));
        assert_eq!(truncate("aws-cli/1"), "aws-cli/1");
    }
}
