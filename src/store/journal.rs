//! The journal's rows: each a batch the journal writer drained (its events as JSON lines, oldest
//! first), so recording a call costs no write of its own. A file store keeps them in segment
//! files beside its state file (`segments`), memory in memory. Access Advisor's aggregate is in
//! the `activity` table (`activity`), derived from each batch by the writer.

use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::journal::Event;

use super::segments;

/// Events older than this are pruned: Access Advisor reports 400 days ("IAM reports activity for
/// at least the last 400 days", GenerateServiceLastAccessedDetails), lookups read 90.
pub const RETENTION: time::Duration = time::Duration::days(400);
/// The most events a state keeps, in memory or in a file, oldest dropped first. A file used to keep
/// 5,000,000: under constant load it grew by hundreds of MB, the server's memory kept growing with
/// it and requests slowed (BENCHMARKS.md, "Soak again, with the request journal"); at 100,000 both
/// stay flat.
pub const MAX_EVENTS: usize = 100_000;
/// Events per row: a lookup skips whole rows by their time bounds.
pub const ROW_EVENTS: usize = 1024;

/// What to prune with a batch.
pub struct Prune {
    /// Rows whose newest event is older than this (Unix ms) go.
    pub before_ms: i64,
    /// Oldest rows go while more events than this remain.
    pub max_events: usize,
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

/// A row of events as read back.
pub struct Batch {
    /// Row id: rows are in write order.
    pub id: i64,
    /// The events, oldest first.
    pub events: String,
}

/// Where a row's lines are.
#[derive(Clone)]
enum Body {
    /// The lines as written (UTF-8: the journal wrote them; checked only when read).
    Memory(Arc<[u8]>),
    Disk(segments::Place),
}

/// One row in the index.
#[derive(Clone)]
struct Meta {
    id: i64,
    first_ms: i64,
    last_ms: i64,
    count: usize,
    /// What pruning drops together: a segment file, or in memory the row itself.
    seg: i64,
    body: Body,
}

impl Meta {
    fn batch(&self) -> io::Result<Batch> {
        let events = match &self.body {
            Body::Memory(text) => String::from_utf8_lossy(text).into_owned(),
            Body::Disk(place) => place.read()?,
        };
        Ok(Batch { id: self.id, events })
    }

    fn from_record(r: segments::Record) -> Meta {
        Meta {
            id: r.id,
            first_ms: r.first_ms,
            last_ms: r.last_ms,
            count: r.count,
            seg: r.seg,
            body: Body::Disk(r.place),
        }
    }
}

/// An account's journal rows: in memory, or in segment files beside its state file
/// (`segments`). Not in the state's SQLite database: appending there cost a file store a B-tree
/// insert, WAL frames and a checkpoint copy of every byte.
pub struct Rows {
    inner: Mutex<Index>,
}

/// The rows, oldest first, and where new ones go.
struct Index {
    rows: VecDeque<Meta>,
    events: usize,
    next_id: i64,
    /// `None` in memory.
    dir: Option<segments::Dir>,
}

impl Rows {
    /// Rows kept in memory.
    pub fn memory() -> Rows {
        Rows::with(Vec::new(), None)
    }

    /// The rows of the journal directory `path` (made if missing), appended to from now on.
    pub fn open(path: &Path) -> io::Result<Rows> {
        let (dir, records) = segments::Dir::open(path)?;
        Ok(Rows::with(records, Some(dir)))
    }

    /// The rows another process keeps in `path`, to read (`localiam events`).
    pub fn read_only(path: &Path) -> io::Result<Rows> {
        Ok(Rows::with(segments::Dir::read_only(path)?, None))
    }

    fn with(records: Vec<segments::Record>, dir: Option<segments::Dir>) -> Rows {
        let rows: VecDeque<Meta> = records.into_iter().map(Meta::from_record).collect();
        let index = Index {
            events: rows.iter().map(|r| r.count).sum(),
            next_id: rows.back().map_or(1, |r| r.id + 1),
            rows,
            dir,
        };
        Rows {
            inner: Mutex::new(index),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Index> {
        // Nothing is left half-done under the lock, so a poisoned one is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends rows, then prunes when asked.
    pub fn append(&self, rows: &[Row<'_>], prune: Option<&Prune>) -> io::Result<()> {
        let mut index = self.lock();
        for r in rows {
            let id = index.next_id;
            let meta = match index.dir.as_mut() {
                Some(dir) => Meta::from_record(dir.append(id, r.first_ms, r.last_ms, r.count, r.lines)?),
                None => Meta {
                    id,
                    first_ms: r.first_ms,
                    last_ms: r.last_ms,
                    count: r.count,
                    seg: id,
                    body: Body::Memory(Arc::from(r.lines)),
                },
            };
            index.next_id = id + 1;
            index.events += r.count;
            index.rows.push_back(meta);
        }
        if let Some(p) = prune {
            index.prune(p)?;
        }
        Ok(())
    }

    /// Drops every row (row ids go on from where they were, so no paging token finds a new row
    /// under an old id).
    pub fn clear(&self) -> io::Result<()> {
        self.lock().prune(&Prune {
            before_ms: i64::MAX,
            max_events: 0,
        })
    }

    /// Visits rows newest first, from row `before` down (inclusive; `i64::MAX` for the newest),
    /// that may hold events between `from_ms` and `to_ms`; `visit` returns false to stop.
    pub fn scan_newest_first(
        &self,
        before: i64,
        from_ms: i64,
        to_ms: i64,
        mut visit: impl FnMut(Batch) -> bool,
    ) -> io::Result<()> {
        // Read outside the lock: a pruned segment's open file still reads.
        let wanted: Vec<Meta> = self
            .lock()
            .rows
            .iter()
            .rev()
            .filter(|r| r.id <= before && r.last_ms >= from_ms && r.first_ms <= to_ms)
            .cloned()
            .collect();
        for meta in wanted {
            if !visit(meta.batch()?) {
                break;
            }
        }
        Ok(())
    }

    /// Rows written after row `after`, oldest first (for `localiam events --follow`).
    pub fn after(&self, after: i64) -> io::Result<Vec<Batch>> {
        let wanted: Vec<Meta> = self.lock().rows.iter().filter(|r| r.id > after).cloned().collect();
        wanted.iter().map(Meta::batch).collect()
    }

    /// Events kept.
    pub fn len(&self) -> usize {
        self.lock().events
    }

    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Index {
    /// Drops the oldest rows (in a file store, segment by segment) whose events are all older
    /// than `before_ms`, and then while more than `max_events` remain.
    fn prune(&mut self, p: &Prune) -> io::Result<()> {
        while let Some(seg) = self.rows.front().map(|r| r.seg) {
            let group = self.rows.iter().take_while(|r| r.seg == seg);
            let newest = group.clone().map(|r| r.last_ms).max().unwrap_or(i64::MIN);
            if newest >= p.before_ms && self.events <= p.max_events {
                break;
            }
            if let Some(dir) = self.dir.as_mut() {
                dir.remove(seg)?;
            }
            while self.rows.front().is_some_and(|r| r.seg == seg) {
                if let Some(r) = self.rows.pop_front() {
                    self.events -= r.count;
                }
            }
        }
        Ok(())
    }
}

/// Moves the rows of the `journal` table, where earlier versions kept them, into `rows`, and
/// empties the table.
pub fn adopt_table(c: &Connection, rows: &Rows) -> rusqlite::Result<()> {
    let mut st = c.prepare("SELECT first_ms, last_ms, count, events FROM journal ORDER BY id")?;
    let old: Vec<(i64, i64, i64, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    if old.is_empty() {
        return Ok(());
    }
    let moved: Vec<Row<'_>> = old
        .iter()
        .map(|(first_ms, last_ms, count, events)| Row {
            first_ms: *first_ms,
            last_ms: *last_ms,
            count: usize::try_from(*count).unwrap_or(0),
            lines: events.as_bytes(),
        })
        .collect();
    rows.append(&moved, None)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    c.execute("DELETE FROM journal", [])?;
    Ok(())
}

/// The events of a row, oldest first (lines that do not parse are skipped).
pub fn events(batch: &Batch) -> Vec<Event> {
    crate::journal::lines::events(&batch.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(first_ms: i64, last_ms: i64, count: usize) -> Row<'static> {
        Row {
            first_ms,
            last_ms,
            count,
            lines: b"",
        }
    }

    fn counts(rows: &Rows) -> Vec<usize> {
        rows.lock().rows.iter().map(|r| r.count).collect()
    }

    #[test]
    fn pruning_drops_the_oldest_rows() {
        let rows = Rows::memory();
        let batch = [row(1_000, 2_023, 1024), row(2_024, 3_047, 1024), row(3_048, 3_999, 952)];
        rows.append(&batch, None).expect("append");
        let p = Prune {
            before_ms: 0,
            max_events: 2000,
        };
        rows.append(&[], Some(&p)).expect("prune");
        assert_eq!(counts(&rows), [1024, 952], "over the cap: the oldest row goes");
        let p = Prune {
            before_ms: 3_100,
            max_events: usize::MAX,
        };
        rows.append(&[], Some(&p)).expect("prune");
        assert_eq!(counts(&rows), [952], "rows whose newest event is too old go");
        rows.clear().expect("clear");
        assert!(rows.is_empty());
        rows.append(&[row(5, 5, 1)], None).expect("append");
        assert_eq!(
            rows.after(0).expect("after").first().map(|b| b.id),
            Some(4),
            "ids go on"
        );
    }

    /// A state file of an earlier version kept its rows in the `journal` table: opening it moves
    /// them into segment files and empties the table.
    #[test]
    fn rows_of_the_old_table_move_to_segment_files() {
        let tmp = tempfile::tempdir().expect("dir");
        let state = tmp.path().join("iam.db").to_string_lossy().into_owned();
        let store = crate::store::Store::open(&state).expect("open");
        store
            .touch(|c| {
                c.execute(
                    "INSERT INTO journal (first_ms, last_ms, count, events) VALUES (1, 2, 2, 'a\nb\n')",
                    [],
                )
                .map(drop)
            })
            .expect("old row");
        drop(store);
        let store = crate::store::Store::open(&state).expect("reopen");
        let moved = store.journal().after(0).expect("rows");
        assert_eq!(moved.iter().map(|b| b.events.as_str()).collect::<Vec<_>>(), ["a\nb\n"]);
        let left: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))?))
            .expect("count");
        assert_eq!(left, 0);
        assert!(crate::store::journal_dir(&state).is_dir());
    }

    #[test]
    fn a_file_store_prunes_whole_segments_and_reopens_with_what_is_left() {
        let tmp = tempfile::tempdir().expect("dir");
        let path = tmp.path().join("iam.db.journal");
        let rows = Rows::open(&path).expect("open");
        let n = segments::SEGMENT_ROWS * 2 + 1;
        let batch: Vec<Row<'_>> = (0..n as i64).map(|i| row(i, i, 100)).collect();
        rows.append(&batch, None).expect("append");
        let p = Prune {
            before_ms: 0,
            max_events: (n - 2) * 100,
        };
        rows.append(&[], Some(&p)).expect("prune");
        assert_eq!(
            rows.len(),
            (n - segments::SEGMENT_ROWS) * 100,
            "the oldest segment went"
        );
        let again = Rows::open(&path).expect("reopen");
        assert_eq!(again.len(), rows.len());
        let mut ids = Vec::new();
        again
            .scan_newest_first(i64::MAX, i64::MIN, i64::MAX, |b| {
                ids.push(b.id);
                true
            })
            .expect("scan");
        assert_eq!(ids.first(), Some(&(n as i64)));
        assert_eq!(ids.last(), Some(&(segments::SEGMENT_ROWS as i64 + 1)));
    }
}
