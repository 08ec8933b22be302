//! The `journal` table: one row per batch the journal writer drained (its events as JSON lines,
//! oldest first), so recording a call costs no row insert of its own; and the Access Advisor
//! aggregate (`activity`), derived from each batch in the same transaction.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use crate::journal::{Event, Stored};

use super::activity::{self, ActivityRow};

/// Events older than this are pruned: Access Advisor reports 400 days ("IAM reports activity for
/// at least the last 400 days", GenerateServiceLastAccessedDetails), lookups read 90.
pub const RETENTION: time::Duration = time::Duration::days(400);
/// The most events an in-memory state keeps (some 40 MB with SQLite's pages), oldest dropped first.
pub const MAX_EVENTS_IN_MEMORY: i64 = 100_000;
/// The most events a state file keeps, oldest dropped first.
pub const MAX_EVENTS_ON_FILE: i64 = 5_000_000;
/// Events per row: a lookup skips whole rows by their time bounds.
const ROW_EVENTS: usize = 1024;

/// What to prune with a batch.
pub struct Prune {
    /// Rows whose newest event is older than this (Unix ms) go.
    pub before_ms: i64,
    /// Oldest rows go while more events than this remain.
    pub max_events: i64,
}

/// One row to append: its events' first and last times, their number, their JSON lines.
pub struct Row<'a> {
    first_ms: i64,
    last_ms: i64,
    count: usize,
    lines: &'a str,
}

/// Serializes a batch as rows of at most `ROW_EVENTS` JSON lines into `buf` (reused between
/// batches); the rows borrow from it.
pub fn serialize<'b>(events: &[Stored<'_>], buf: &'b mut Vec<u8>) -> Vec<Row<'b>> {
    buf.clear();
    let mut bounds = Vec::new();
    for chunk in events.chunks(ROW_EVENTS) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let start = buf.len();
        for e in chunk {
            if serde_json::to_writer(&mut *buf, e).is_ok() {
                buf.push(b'\n');
            }
        }
        bounds.push((first.t, last.t, chunk.len(), start, buf.len()));
    }
    let buf: &'b [u8] = buf;
    bounds
        .into_iter()
        .map(|(first_ms, last_ms, count, start, end)| Row {
            first_ms,
            last_ms,
            count,
            // serde_json writes UTF-8; checked once per row instead of a String per event.
            lines: buf
                .get(start..end)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
        })
        .collect()
}

/// Appends a batch's rows and Access Advisor uses in one transaction, pruning when asked.
pub fn append(c: &Connection, rows: &[Row<'_>], uses: &[ActivityRow], prune: Option<&Prune>) -> rusqlite::Result<()> {
    let tx = c.unchecked_transaction()?;
    for r in rows {
        tx.prepare_cached("INSERT INTO journal (first_ms, last_ms, count, events) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![r.first_ms, r.last_ms, r.count as i64, r.lines])?;
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

/// The newest use per user or role and action in a batch. Every authenticated attempt counts,
/// denied ones included ("The service last accessed data includes all attempts to access an AWS
/// API, not just the successful ones", GenerateServiceLastAccessedDetails); root, federated users
/// and unauthenticated calls are not IAM entities and are not reported.
pub fn last_uses(events: &[Stored<'_>]) -> Vec<ActivityRow> {
    // Few distinct keys per batch: a BTreeMap compares a handful of short strings instead of
    // hashing four per event.
    let mut newest: BTreeMap<(&str, &str, &str, &str), &Stored<'_>> = BTreeMap::new();
    // Console sign-ins are not a use of a service's permissions.
    for e in events.iter().filter(|e| !e.is_sign_in()) {
        if let Some((kind, id)) = e.who.entity() {
            newest.insert((kind, id, &e.svc, &e.op), e);
        }
    }
    newest
        .into_iter()
        .map(|((kind, id, service, action), e)| ActivityRow {
            principal_kind: kind.to_string(),
            principal_id: id.to_string(),
            service: service.to_string(),
            action: action.to_string(),
            region: e.region.to_string(),
            last: crate::store::format_unix(e.seconds()),
        })
        .collect()
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
pub fn events(batch: &Batch) -> impl DoubleEndedIterator<Item = Event> + '_ {
    batch
        .events
        .lines()
        .filter_map(|line| serde_json::from_str::<Event>(line).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Outcome, Params, Record};

    fn record(ms: i64) -> Record {
        Record {
            account: crate::journal::test_account(),
            time: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            call: crate::context::Call::Query(crate::api::Operation::GetUser),
            region: "us-east-1".into(),
            partition: "aws",
            principal: crate::identity::Principal::Root,
            access_key_id: None,
            request_id: format!("r{ms}"),
            source_ip: std::net::IpAddr::from([127, 0, 0, 1]),
            user_agent: String::new(),
            params: Params::Form(Default::default()),
            outcome: Outcome::Ok(None),
        }
    }

    fn counts(c: &Connection) -> Vec<i64> {
        let mut st = c.prepare("SELECT count FROM journal ORDER BY id").expect("prepare");
        let rows = st.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    #[test]
    fn rows_hold_1024_events_and_pruning_drops_the_oldest() {
        let store = crate::store::Store::open(":memory:").expect("open");
        let records: Vec<Record> = (0..3000).map(|i| record(1_000 + i)).collect();
        let events: Vec<Stored<'_>> = records.iter().map(Stored::of).collect();
        let mut buf = Vec::new();
        let rows = serialize(&events, &mut buf);
        assert_eq!(rows.iter().map(|r| r.count).collect::<Vec<_>>(), [1024, 1024, 952]);
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
