//! The `journal` table: one row per batch the journal writer drained (its events as JSON lines,
//! oldest first), so recording a call costs no row insert of its own; and the Access Advisor
//! aggregate (`activity`), derived from each batch in the same transaction.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection};

use crate::journal::Event;

use super::activity::{self, ActivityRow};

/// Events older than this are pruned: Access Advisor reports 400 days ("IAM reports activity for
/// at least the last 400 days", GenerateServiceLastAccessedDetails), lookups read 90.
pub const RETENTION: time::Duration = time::Duration::days(400);
/// The most events a state keeps, in memory or in a file, oldest dropped first. A file used to keep
/// 5,000,000: under constant load it grew by hundreds of MB, the server's memory kept growing with
/// it and requests slowed (BENCHMARKS.md, "Soak again, with the request journal"); at 100,000 both
/// stay flat.
pub const MAX_EVENTS: i64 = 100_000;
/// Events per row: a lookup skips whole rows by their time bounds.
pub const ROW_EVENTS: usize = 1024;

/// What to prune with a batch.
pub struct Prune {
    /// Rows whose newest event is older than this (Unix ms) go.
    pub before_ms: i64,
    /// Oldest rows go while more events than this remain.
    pub max_events: i64,
}

/// One row to append: its events' first and last times, their number, their lines
/// (`crate::journal::lines`).
pub struct Row<'a> {
    /// The oldest event's time, Unix ms.
    pub first_ms: i64,
    /// The newest event's time, Unix ms.
    pub last_ms: i64,
    /// Events in the row.
    pub count: usize,
    /// The lines, UTF-8 (serde_json's output).
    pub lines: &'a [u8],
}

/// Appends a batch's rows and Access Advisor uses in one transaction, pruning when asked.
pub fn append(c: &Connection, rows: &[Row<'_>], uses: &[ActivityRow], prune: Option<&Prune>) -> rusqlite::Result<()> {
    let tx = c.unchecked_transaction()?;
    for r in rows {
        tx.prepare_cached("INSERT INTO journal (first_ms, last_ms, count, events) VALUES (?1, ?2, ?3, ?4)")?
            // Bound as text without a second UTF-8 check: serde_json wrote it.
            .execute(params![
                r.first_ms,
                r.last_ms,
                r.count as i64,
                ToSqlOutput::Borrowed(ValueRef::Text(r.lines))
            ])?;
    }
    for row in uses {
        activity::record(&tx, row)?;
    }
    if let Some(p) = prune {
        tx.prepare_cached("DELETE FROM journal WHERE last_ms < ?1")?
            .execute([p.before_ms])?;
        let mut total: i64 = tx.query_row("SELECT COALESCE(SUM(count), 0) FROM journal", [], |r| r.get(0))?;
        while total > p.max_events {
            let gone: i64 = tx.query_row(
                "DELETE FROM journal WHERE id = (SELECT MIN(id) FROM journal) RETURNING count",
                [],
                |r| r.get(0),
            )?;
            total -= gone;
        }
    }
    tx.commit()
}

/// A row of events as read back.
pub struct Batch {
    /// Row id: rows are in write order.
    pub id: i64,
    /// The events, oldest first.
    pub events: String,
}

/// Visits rows newest first, from row `before` down (inclusive; `i64::MAX` for the newest), that
/// may hold events between `from_ms` and `to_ms`; `visit` returns false to stop.
pub fn scan_newest_first(
    c: &Connection,
    before: i64,
    from_ms: i64,
    to_ms: i64,
    mut visit: impl FnMut(Batch) -> bool,
) -> rusqlite::Result<()> {
    let mut st = c.prepare_cached(
        "SELECT id, events FROM journal WHERE id <= ?1 AND last_ms >= ?2 AND first_ms <= ?3 ORDER BY id DESC",
    )?;
    let mut rows = st.query(params![before, from_ms, to_ms])?;
    while let Some(r) = rows.next()? {
        if !visit(Batch {
            id: r.get(0)?,
            events: r.get(1)?,
        }) {
            break;
        }
    }
    Ok(())
}

/// Rows written after row `after`, oldest first (for `localiam events --follow`).
pub fn after(c: &Connection, after: i64) -> rusqlite::Result<Vec<Batch>> {
    let mut st = c.prepare_cached("SELECT id, events FROM journal WHERE id > ?1 ORDER BY id")?;
    let rows = st.query_map([after], |r| {
        Ok(Batch {
            id: r.get(0)?,
            events: r.get(1)?,
        })
    })?;
    rows.collect()
}

/// The events of a row, oldest first (lines that do not parse are skipped).
pub fn events(batch: &Batch) -> Vec<Event> {
    crate::journal::lines::events(&batch.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(c: &Connection) -> Vec<i64> {
        let mut st = c.prepare("SELECT count FROM journal ORDER BY id").expect("prepare");
        let rows = st.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    #[test]
    fn pruning_drops_the_oldest_rows() {
        let store = crate::store::Store::open(":memory:").expect("open");
        let rows: Vec<Row<'_>> = [(1_000, 2_023, 1024), (2_024, 3_047, 1024), (3_048, 3_999, 952)]
            .into_iter()
            .map(|(first_ms, last_ms, count)| Row {
                first_ms,
                last_ms,
                count,
                lines: b"",
            })
            .collect();
        store.touch(|c| append(c, &rows, &[], None)).expect("append");
        store
            .touch(|c| {
                let p = Prune {
                    before_ms: 0,
                    max_events: 2000,
                };
                append(c, &[], &[], Some(&p))?;
                assert_eq!(counts(c), [1024, 952], "over the cap: the oldest row goes");
                let p = Prune {
                    before_ms: 3_100,
                    max_events: i64::MAX,
                };
                append(c, &[], &[], Some(&p))?;
                assert_eq!(counts(c), [952], "rows whose newest event is too old go");
                Ok(())
            })
            .expect("prune");
    }
}
