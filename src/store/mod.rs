//! SQLite persistence: one connection behind a mutex (one writer, short critical sections),
//! numbered migrations, and typed queries in one file per resource family.

pub mod access_keys;
pub mod account;
pub mod activity;
pub mod certificates;
pub mod credentials;
pub mod delegation;
pub mod groups;
pub mod ids;
pub mod instance_profiles;
pub mod login;
pub mod mfa;
mod migrations;
pub mod page;
pub mod policies;
pub mod providers;
pub mod roles;
pub mod sessions;
pub mod tags;
pub mod users;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::error::{ApiError, ApiResult};

pub use rusqlite::Connection as Conn;

/// The state of one account.
pub struct Store {
    conn: Mutex<Connection>,
    in_memory: bool,
    /// Bumped by every committed write; caches compare it to stay fresh.
    generation: AtomicU64,
}

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
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(256);
        migrations::apply(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            in_memory: state == ":memory:",
            generation: AtomicU64::new(1),
        })
    }

    /// Whether state lives only in memory (no disk I/O ever blocks a query).
    pub fn is_in_memory(&self) -> bool {
        self.in_memory
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-applied transaction (SQLite rolls back),
        // so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs read-only queries.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// Runs `f` in one transaction: committed when it returns Ok, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        self.generation.fetch_add(1, Ordering::Release);
        Ok(out)
    }

    /// Runs a bookkeeping write (last-used times) that does not change what callers can see,
    /// so caches keep their generation.
    pub fn touch(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<()>) -> rusqlite::Result<()> {
        let conn = self.lock();
        f(&conn)
    }

    /// The write generation; it changes after every committed write.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Empties every table.
    pub fn reset(&self) -> ApiResult<()> {
        self.write(|tx| {
            migrations::clear(tx)?;
            Ok(())
        })
    }

    /// Writes the WAL back into the main file (on shutdown).
    pub fn checkpoint(&self) {
        let conn = self.lock();
        if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
            tracing::warn!(error = %e, "checkpoint failed");
        }
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

/// Formats a time as `2026-11-25T14:44:24Z`.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_iam() {
        let t = time::macros::datetime!(2026-11-05 04:03:02 UTC);
        assert_eq!(format_time(t), "2026-11-05T04:03:02Z");
    }

    #[test]
    fn write_rolls_back_on_error() {
        let store = Store::open(":memory:").expect("open");
        let r: ApiResult<()> = store.write(|tx| {
            tx.execute("INSERT INTO account_aliases(alias) VALUES ('x')", [])?;
            Err(ApiError::validation("no"))
        });
        assert!(r.is_err());
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM account_aliases", [], |r| r.get(0))?))
            .expect("count");
        assert_eq!(n, 0);
    }
}
