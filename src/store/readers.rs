//! Read-only WAL connections to a state file, pooled. A reader keeps its read transaction (its
//! snapshot) open between requests for as long as nothing has been written since it began: a
//! read-mostly load then pays for no BEGIN, ROLLBACK or shared-memory lock per request. The first
//! read after a write ends the stale snapshot and begins a new one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::error::ApiResult;

/// One pooled connection and the snapshot it holds open, if any.
struct Reader {
    conn: Connection,
    /// (the store's write count, its generation) read just before the snapshot began.
    snapshot: Option<(u64, u64)>,
}

/// The pool: idle readers, and how many exist (at most `max`).
pub struct Readers {
    path: String,
    idle: Mutex<Vec<Reader>>,
    open: AtomicUsize,
    max: usize,
}

/// The store's counters at the moment a read starts: `appended` counts every write, bookkeeping
/// included; `generation` counts the writes caches care about.
#[derive(Clone, Copy)]
pub struct Counters {
    /// Writes of any kind so far.
    pub appended: u64,
    /// The cache generation.
    pub generation: u64,
}

impl Readers {
    /// A pool for the WAL file at `path`, opening at most `max` connections.
    pub fn new(path: &str, max: usize) -> Readers {
        Readers {
            path: path.to_string(),
            idle: Mutex::new(Vec::new()),
            open: AtomicUsize::new(0),
            max,
        }
    }

    /// The file the readers open.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Runs `f` on a snapshot at least as new as `now` (`counters` is read just before, so every
    /// write it counts is visible). Returns `f`'s result and the generation of the snapshot used,
    /// or `None` (nothing run) when every reader is busy and no more may be opened.
    pub fn read<T>(
        &self,
        counters: impl Fn() -> Counters,
        f: impl FnOnce(&Connection, u64) -> ApiResult<T>,
    ) -> Option<ApiResult<T>> {
        let mut reader = self.checkout()?;
        let now = counters();
        let generation = match reader.snapshot {
            Some((appended, generation)) if appended == now.appended => generation,
            _ => {
                end(&mut reader);
                if let Err(e) = reader.conn.prepare_cached("BEGIN").and_then(|mut s| s.execute([])) {
                    self.discard();
                    return Some(Err(e.into()));
                }
                // The snapshot itself starts at the first query, after `now` was read.
                reader.snapshot = Some((now.appended, now.generation));
                now.generation
            }
        };
        let out = f(&reader.conn, generation);
        if out.is_err() {
            end(&mut reader);
        }
        self.checkin(reader);
        Some(out)
    }

    /// Ends the snapshots idle readers hold, so a checkpoint can copy every committed frame and
    /// the WAL can start over.
    pub fn release_snapshots(&self) {
        for reader in self.idle.lock().unwrap_or_else(|p| p.into_inner()).iter_mut() {
            end(reader);
        }
    }

    /// Closes every idle reader (shutdown).
    pub fn close_idle(&self) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        self.open.fetch_sub(idle.len(), Ordering::AcqRel);
        idle.clear();
    }

    fn checkout(&self) -> Option<Reader> {
        if let Some(r) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Some(r);
        }
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.max {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        match open(&self.path) {
            Ok(conn) => Some(Reader { conn, snapshot: None }),
            Err(e) => {
                self.discard();
                tracing::warn!(error = %e, "could not open a read connection");
                None
            }
        }
    }

    fn checkin(&self, reader: Reader) {
        // Inside a transaction without a snapshot on record (a failed ROLLBACK): not reused.
        if reader.snapshot.is_none() && !reader.conn.is_autocommit() {
            self.discard();
            return;
        }
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(reader);
    }

    fn discard(&self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Ends the reader's snapshot, if it holds one.
fn end(reader: &mut Reader) {
    if reader.snapshot.take().is_some() || !reader.conn.is_autocommit() {
        if let Err(e) = reader.conn.prepare_cached("ROLLBACK").and_then(|mut s| s.execute([])) {
            tracing::warn!(error = %e, "ending a read transaction failed");
        }
    }
}

/// A read-only connection to a WAL file that the writer has already set up.
fn open(path: &str) -> rusqlite::Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    c.set_prepared_statement_cache_capacity(256);
    Ok(c)
}
