//! SQLite persistence: one writer connection behind a mutex and, for a file, a small pool of
//! read-only WAL connections so reads never wait behind a write; numbered migrations, and typed
//! queries in one file per resource family. docs/architecture.md explains why requests run these
//! queries on the runtime's own (fixed) worker threads instead of a blocking pool.

pub mod access_keys;
pub mod account;
pub mod activity;
pub mod certificates;
pub mod credentials;
pub mod delegation;
pub mod group;
pub mod groups;
pub mod ids;
pub mod instance_profiles;
pub mod journal;
pub mod login;
pub mod mfa;
mod migrations;
pub mod page;
pub mod policies;
pub mod providers;
mod readers;
pub mod roles;
mod segments;
pub mod sessions;
pub mod tags;
pub mod users;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};

pub use rusqlite::Connection as Conn;

/// The state of one account.
pub struct Store {
    inner: Arc<Inner>,
}

/// What a store's commits need; shared with the requests waiting for a group commit
/// (`group::Ticket`).
struct Inner {
    conn: Mutex<Writer>,
    /// Read-only connections to the same file; `None` in memory.
    readers: Option<readers::Readers>,
    /// The background checkpointer's own connection, opened on first use.
    checkpointer: Mutex<Option<Connection>>,
    /// Bumped by every committed write; caches compare it to stay fresh.
    generation: AtomicU64,
    /// Bumped by every write, bookkeeping included: what the checkpointer watches.
    appended: AtomicU64,
    /// The request journal's rows (kept outside SQLite, see `journal`).
    journal: journal::Rows,
}

/// The writer connection and its group commit (`group`): the open transaction's number, if one
/// is open, and the numbers of recent groups whose commit failed.
struct Writer {
    conn: Connection,
    open: Option<u64>,
    next: u64,
    failed: VecDeque<u64>,
}

/// Failed group commits remembered for their waiters.
const FAILED_KEPT: usize = 64;

thread_local! {
    /// The generation a read snapshot on this thread started from, with its store's address.
    static SNAPSHOT: std::cell::Cell<Option<(usize, u64)>> = const { std::cell::Cell::new(None) };
}

/// WAL pages after which a commit checkpoints (see `Store::open`).
const AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// Read-only connections beyond the cores: a request holds one only for its queries, and the
/// runtime runs one request per worker thread at a time, so this is headroom, not a queue.
const EXTRA_READERS: usize = 2;

impl Store {
    /// Opens `:memory:` or a file (WAL) and brings its schema up to date.
    pub fn open(state: &str) -> Result<Store, rusqlite::Error> {
        let conn = if state == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(state)?
        };
        if state != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // NORMAL in WAL mode survives a killed process; only an OS crash can lose the last commits.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // SQLite's own checkpoint after a commit stays on: only a checkpoint made while no
            // commit can slip in completes, and only a complete one lets the next write start
            // the WAL over, so it cannot grow without bound under constant writes. It runs inside
            // a request's commit (two fsyncs on the worker's thread), so it comes every 10,000
            // pages (a WAL of at most ~40 MB) rather than SQLite's 1,000: CreateUser at c=16
            // made one every ~25 ms, and spacing them out gained 3-7% (BENCHMARKS.md). The
            // server's background checkpointer copies pages in between and covers quiet periods.
            conn.pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_PAGES)?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(256);
        migrations::apply(&conn)?;
        let journal = if state == ":memory:" {
            journal::Rows::memory()
        } else {
            let dir = journal_dir(state);
            let rows = journal::Rows::open(&dir).map_err(|e| cannot_open(&dir, &e))?;
            journal::adopt_table(&conn, &rows)?;
            rows
        };
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let writer = Writer {
            conn,
            open: None,
            next: 1,
            failed: VecDeque::new(),
        };
        let inner = Inner {
            conn: Mutex::new(writer),
            readers: (state != ":memory:").then(|| readers::Readers::new(state, cores + EXTRA_READERS)),
            checkpointer: Mutex::new(None),
            generation: AtomicU64::new(1),
            appended: AtomicU64::new(0),
            journal,
        };
        Ok(Store { inner: Arc::new(inner) })
    }

    /// The request journal's rows.
    pub fn journal(&self) -> &journal::Rows {
        &self.inner.journal
    }

    /// Whether state lives only in memory (no disk I/O ever blocks a query).
    pub fn is_in_memory(&self) -> bool {
        self.inner.readers.is_none()
    }

    fn lock(&self) -> MutexGuard<'_, Writer> {
        self.inner.lock()
    }

    /// Runs read-only queries on one snapshot: on a read-only WAL connection for a file (never
    /// waiting for the writer, see `readers`), on the one connection in memory, and on the
    /// writer's connection for a request that wrote into a group not committed yet (so it reads
    /// its own writes, `group`).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        // `f` stays here until a reader takes it: with every reader busy it runs on the writer's
        // connection instead.
        let mut f = Some(f);
        if let Some(pool) = self.inner.readers.as_ref().filter(|_| !group::holds(&self.inner)) {
            let counters = || readers::Counters {
                appended: self.inner.appended.load(Ordering::Acquire),
                generation: self.inner.generation.load(Ordering::Acquire),
            };
            let pooled = pool.read(counters, |conn, generation| {
                let f = f.take().ok_or_else(ApiError::internal)?;
                // Whatever `f` caches is tagged with the generation its snapshot started from,
                // never a later one (see `generation`).
                let outer = SNAPSHOT.replace(Some((self.address(), generation)));
                let out = f(conn);
                SNAPSHOT.set(outer);
                out
            });
            if let Some(out) = pooled {
                return out;
            }
        }
        let f = f.take().ok_or_else(ApiError::internal)?;
        let w = self.lock();
        f(&w.conn)
    }

    /// Runs `f` in one transaction: kept when it returns Ok, rolled back otherwise. On a file,
    /// inside a request that waits for its writes (`group::deferring`), the commit is left to
    /// `group::settle`, so the writes of requests that arrive together share one commit; anywhere
    /// else it commits before returning. BEGIN, COMMIT, ROLLBACK and the savepoints are cached
    /// statements (parsing them anew cost a fifth of a small write).
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let inner = &self.inner;
        let mut w = inner.lock();
        let defer = inner.readers.is_some() && group::deferring_now();
        if !defer && w.open.is_none() {
            return inner.write_alone(&mut w, f);
        }
        let epoch = match w.open {
            Some(epoch) => epoch,
            None => {
                if !w.conn.is_autocommit() {
                    w.conn.execute_batch("ROLLBACK")?;
                }
                w.conn.prepare_cached("BEGIN")?.execute([])?;
                let epoch = w.next;
                (w.open, w.next) = (Some(epoch), epoch + 1);
                epoch
            }
        };
        w.conn.prepare_cached("SAVEPOINT w")?.execute([])?;
        let out = f(&w.conn);
        let end = if out.is_ok() { "RELEASE w" } else { "ROLLBACK TO w" };
        let ended = w.conn.prepare_cached(end).and_then(|mut s| s.execute([]));
        let ended = ended.and_then(|_| match out {
            Ok(_) => Ok(0),
            Err(_) => w.conn.prepare_cached("RELEASE w").and_then(|mut s| s.execute([])),
        });
        if let Err(e) = ended {
            // The group cannot go on: roll it all back and fail its waiters.
            inner.abandon(&mut w);
            return Err(e.into());
        }
        if !defer {
            inner.end_group(&mut w)?;
        } else if out.is_ok() {
            group::hold(group::Ticket::new(inner, epoch));
            // So the background checkpointer looks at this store and commits the group should
            // nobody wait for it.
            inner.appended.fetch_add(1, Ordering::Release);
        }
        out
    }

    /// Runs a bookkeeping write (last-used times) that does not change what callers can see,
    /// so caches keep their generation. A group waiting for its commit is committed first.
    pub fn touch(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<()>) -> rusqlite::Result<()> {
        let mut w = self.lock();
        if w.open.is_some() {
            // Its waiters learn the outcome from the group itself.
            let _ = self.inner.end_group(&mut w);
        }
        self.inner.release_reader_snapshots();
        let out = f(&w.conn);
        // After the write, so a reader that sees the count also sees the row.
        self.inner.appended.fetch_add(1, Ordering::Release);
        out
    }

    /// Counts every write, bookkeeping included; it changes whenever the WAL may have grown.
    pub fn appended(&self) -> u64 {
        self.inner.appended.load(Ordering::Acquire)
    }

    /// The write generation; it changes after every committed write. Inside `read` on a file it
    /// is the generation the read's snapshot started from: a write may commit while the read
    /// runs, and what the read computes must not be cached as if it saw that write.
    pub fn generation(&self) -> u64 {
        match SNAPSHOT.get() {
            Some((store, g)) if store == self.address() => g,
            _ => self.inner.generation.load(Ordering::Acquire),
        }
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Empties every table and the journal.
    pub fn reset(&self) -> ApiResult<()> {
        self.write(|tx| {
            migrations::clear(tx)?;
            Ok(())
        })?;
        self.inner.journal.clear().map_err(|e| {
            tracing::error!(error = %e, "could not empty the journal");
            ApiError::internal()
        })
    }

    /// Copies committed WAL frames into the main file without blocking readers or the writer
    /// (`PRAGMA wal_checkpoint(PASSIVE)` on a connection of its own); the server calls it in the
    /// background after writes. A group nobody committed (its request ended without waiting, as
    /// a panic would) is committed first, so no write stays unseen for long.
    pub fn checkpoint_passive(&self) {
        let Some(path) = self.inner.readers.as_ref().map(readers::Readers::path) else {
            return;
        };
        if let Ok(mut w) = self.inner.conn.try_lock() {
            if w.open.is_some() {
                let _ = self.inner.end_group(&mut w);
            }
        }
        let mut slot = self.inner.checkpointer.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            match Connection::open(path) {
                Ok(c) => *slot = Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "could not open the checkpoint connection");
                    return;
                }
            }
        }
        // Idle readers' snapshots predate the writes being checkpointed; ending them lets the
        // checkpoint copy every frame (they would begin anew on their next read anyway).
        self.inner.release_reader_snapshots();
        if let Some(c) = slot.as_ref() {
            if let Err(e) = c.execute_batch("PRAGMA wal_checkpoint(PASSIVE);") {
                tracing::warn!(error = %e, "background checkpoint failed");
            }
        }
    }

    /// Writes the WAL back into the main file (on shutdown), after committing any open group.
    pub fn checkpoint(&self) {
        // Closing the idle readers ends their snapshots, which lets TRUNCATE finish.
        if let Some(pool) = &self.inner.readers {
            pool.close_idle();
        }
        *self.inner.checkpointer.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let mut w = self.lock();
        if w.open.is_some() {
            let _ = self.inner.end_group(&mut w);
        }
        if let Err(e) = w.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
            tracing::warn!(error = %e, "checkpoint failed");
        }
    }
}

/// The directory of a state file's journal segments.
pub fn journal_dir(state: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{state}.journal"))
}

/// A journal directory that cannot be opened, as the error opening a store gives.
fn cannot_open(dir: &std::path::Path, e: &std::io::Error) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
        Some(format!("cannot open the event journal at {}: {e}", dir.display())),
    )
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Writer> {
        // A panic while holding the lock cannot leave a half-applied transaction (SQLite rolls back),
        // so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends the snapshots idle readers keep, just before a commit: they are about to be stale,
    /// and their WAL read marks would keep the checkpoint SQLite makes during the commit (every
    /// `AUTOCHECKPOINT_PAGES`) from completing, and so the WAL from ever starting over.
    fn release_reader_snapshots(&self) {
        if let Some(pool) = &self.readers {
            pool.release_snapshots();
        }
    }

    /// A write with no group to join and none to start: its own transaction, as in memory.
    fn write_alone<T>(&self, w: &mut Writer, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        if !w.conn.is_autocommit() {
            // Only an earlier failure to end a transaction leaves one open; never build on it.
            w.conn.execute_batch("ROLLBACK")?;
        }
        w.conn.prepare_cached("BEGIN")?.execute([])?;
        let out = f(&w.conn);
        let end = if out.is_ok() {
            self.release_reader_snapshots();
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        if let Err(e) = w.conn.prepare_cached(end).and_then(|mut s| s.execute([])) {
            if !w.conn.is_autocommit() {
                let _ = w.conn.execute_batch("ROLLBACK");
            }
            return Err(e.into());
        }
        let out = out?;
        self.generation.fetch_add(1, Ordering::Release);
        self.appended.fetch_add(1, Ordering::Release);
        Ok(out)
    }

    /// Commits the open group, if any; when the commit fails its writes are rolled back and the
    /// group is remembered as failed for its waiters.
    fn end_group(&self, w: &mut Writer) -> ApiResult<()> {
        if w.open.is_none() {
            return Ok(());
        }
        self.release_reader_snapshots();
        let committed = w.conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
        match committed {
            Ok(_) => {
                w.open = None;
                self.generation.fetch_add(1, Ordering::Release);
                self.appended.fetch_add(1, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                self.abandon(w);
                Err(e.into())
            }
        }
    }

    /// Rolls the open group back and remembers it as failed.
    fn abandon(&self, w: &mut Writer) {
        if !w.conn.is_autocommit() {
            let _ = w.conn.execute_batch("ROLLBACK");
        }
        if let Some(epoch) = w.open.take() {
            w.failed.push_back(epoch);
            if w.failed.len() > FAILED_KEPT {
                w.failed.pop_front();
            }
        }
        // Writers' caches may have seen the rolled-back rows through the writer's connection.
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// Waits for group `epoch`: commits it if it is still open, else says how its commit ended.
    fn commit_through(&self, epoch: u64) -> ApiResult<()> {
        let mut w = self.lock();
        if w.open == Some(epoch) {
            return self.end_group(&mut w);
        }
        if w.failed.contains(&epoch) {
            return Err(ApiError::internal());
        }
        Ok(())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "store error");
        ApiError::internal()
    }
}

/// The current time as IAM writes it: ISO 8601 UTC to the second.
pub fn now_iso() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// Formats Unix seconds as `2026-11-25T14:44:24Z` (the epoch for a time out of range).
pub fn format_unix(seconds: i64) -> String {
    format_time(time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH))
}

/// Formats a time as `2026-11-25T14:44:24Z`.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = t.year();
    let Some(year) = u16::try_from(year).ok().filter(|y| *y <= 9999) else {
        // Negative years (the only ones outside 0..=9999 `time` has) keep `format!`'s
        // sign-aware padding (`-005`); no request gets here.
        return format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            year,
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
    };
    // By hand rather than `format!`: every created entity needs one. Every field other than
    // the year is below 100, as `time` guarantees.
    let mut out = String::with_capacity(20);
    push_two_digits(&mut out, u8::try_from(year / 100).unwrap_or(0));
    push_two_digits(&mut out, u8::try_from(year % 100).unwrap_or(0));
    out.push('-');
    push_two_digits(&mut out, u8::from(t.month()));
    out.push('-');
    push_two_digits(&mut out, t.day());
    out.push('T');
    push_two_digits(&mut out, t.hour());
    out.push(':');
    push_two_digits(&mut out, t.minute());
    out.push(':');
    push_two_digits(&mut out, t.second());
    out.push('Z');
    out
}

/// Appends `value` (below 100) as two decimal digits.
fn push_two_digits(out: &mut String, value: u8) {
    out.push(char::from(b'0' + value / 10 % 10));
    out.push(char::from(b'0' + value % 10));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store on a fresh file in `dir`.
    fn file_store(dir: &tempfile::TempDir) -> Store {
        Store::open(dir.path().join("s.db").to_str().expect("path")).expect("open")
    }

    /// How many account aliases `s` holds, read through `Store::read`.
    fn aliases(s: &Store) -> i64 {
        s.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM account_aliases", [], |r| r.get(0))?))
            .expect("count")
    }

    #[test]
    fn formats_like_iam() {
        let t = time::macros::datetime!(2026-11-05 04:03:02 UTC);
        assert_eq!(format_time(t), "2026-11-05T04:03:02Z");
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(253_402_300_799), "9999-12-31T23:59:59Z");
        let early = time::macros::datetime!(0009-01-02 03:04:05 UTC);
        assert_eq!(format_time(early), "0009-01-02T03:04:05Z");
        let negative = time::macros::datetime!(-0005-01-02 03:04:05 UTC);
        assert_eq!(format_time(negative), "-005-01-02T03:04:05Z");
    }

    #[test]
    fn write_rolls_back_on_error() {
        let store = Store::open(":memory:").expect("open");
        let r: ApiResult<()> = store.write(|tx| {
            tx.execute("INSERT INTO account_aliases(alias) VALUES ('x')", [])?;
            Err(ApiError::validation("no"))
        });
        assert!(r.is_err());
        assert_eq!(aliases(&store), 0);
    }

    /// A read on a file store answers from the last commit while a write transaction is open.
    #[test]
    fn file_reads_do_not_wait_for_the_writer() {
        let dir = tempfile::tempdir().expect("dir");
        let store = std::sync::Arc::new(file_store(&dir));
        let (inside, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let writer = {
            let store = store.clone();
            let (tell, wait) = (inside.0, release.1);
            std::thread::spawn(move || {
                store.write(|tx| {
                    tx.execute("INSERT INTO account_aliases(alias) VALUES ('x')", [])?;
                    let _ = tell.send(());
                    let _ = wait.recv();
                    Ok(())
                })
            })
        };
        inside.1.recv().expect("writer started");
        assert_eq!(aliases(&store), 0, "the read sees the last commit, without waiting");
        release.0.send(()).expect("release");
        writer.join().expect("join").expect("write");
        assert_eq!(aliases(&store), 1);
        store.checkpoint_passive();
        store.checkpoint();
    }

    /// A write that commits while a read runs is invisible to the read, and so is its generation.
    #[test]
    fn a_read_keeps_the_generation_of_its_snapshot() {
        let dir = tempfile::tempdir().expect("dir");
        let store = std::sync::Arc::new(file_store(&dir));
        let before = store.generation();
        let seen = store
            .read(|c| {
                let count = || -> rusqlite::Result<i64> {
                    c.query_row("SELECT COUNT(*) FROM account_aliases", [], |r| r.get(0))
                };
                let first = count()?;
                let other = store.clone();
                std::thread::spawn(move || {
                    other.write(|tx| Ok(tx.execute("INSERT INTO account_aliases(alias) VALUES ('x')", [])?))
                })
                .join()
                .expect("join")?;
                Ok((first, count()?, store.generation()))
            })
            .expect("read");
        assert_eq!(seen, (0, 0, before));
        assert_eq!(store.generation(), before + 1);
    }

    /// A reader that kept its snapshot open sees every write and bookkeeping write made since,
    /// and idle snapshots never hold a checkpoint back.
    #[test]
    fn kept_snapshots_see_later_writes_and_let_checkpoints_finish() {
        let dir = tempfile::tempdir().expect("dir");
        let store = file_store(&dir);
        assert_eq!(aliases(&store), 0);
        store
            .write(|tx| Ok(tx.execute("INSERT INTO account_aliases(alias) VALUES ('a')", [])?))
            .expect("write");
        assert_eq!(aliases(&store), 1, "a write ends the kept snapshot");
        store
            .touch(|c| {
                c.execute("INSERT INTO account_aliases(alias) VALUES ('b')", [])
                    .map(|_| ())
            })
            .expect("touch");
        assert_eq!(aliases(&store), 2, "so does a bookkeeping write");
        store.checkpoint_passive();
        let checkpointed: (i64, i64, i64) = store
            .lock()
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("checkpoint");
        assert_eq!(
            checkpointed.1, checkpointed.2,
            "every WAL frame checkpointed: {checkpointed:?}"
        );
    }

    /// Constant writes with reads in between keep the WAL bounded: checkpoints complete and the
    /// WAL starts over, whatever snapshots idle readers held.
    #[test]
    fn the_wal_stays_bounded_under_constant_writes() {
        let dir = tempfile::tempdir().expect("dir");
        let store = file_store(&dir);
        // The mechanism, at SQLite's default spacing so that a test run goes past it many times.
        store
            .lock()
            .conn
            .pragma_update(None, "wal_autocheckpoint", 1000)
            .expect("pragma");
        for i in 0..4000 {
            store
                .write(|tx| Ok(tx.execute("INSERT INTO account_aliases(alias) VALUES (?1)", [format!("a{i}")])?))
                .expect("write");
            aliases(&store);
        }
        let wal = std::fs::metadata(dir.path().join("s.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        // 4,000 commits of at least one 4 KiB page each would be over 16 MB without checkpoints;
        // a checkpoint every 1,000 pages lets it start over.
        assert!(wal < 8 << 20, "WAL is {wal} bytes");
    }
}
