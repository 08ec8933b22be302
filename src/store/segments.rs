//! The journal's rows of a file store, on disk: append-only segment files in a directory beside
//! the state file (`FILE.journal/`), each a run of records `header | lines`. Appending a row is
//! one write of its bytes; as a row of a SQLite table it cost a B-tree's overflow pages, their
//! WAL frames (checksummed, two writes a page) and the checkpoint's copy of each page
//! (BENCHMARKS.md, "The journal in segment files"). Pruning deletes whole segment files.
//!
//! A record cut short (the process killed mid-write) ends its segment: readers stop there, and
//! the server truncates it when it opens the directory. Like the state file's WAL with
//! `synchronous=NORMAL`, written rows survive a killed process; only an OS crash can lose the
//! newest.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Marks a record's start (and the format's version).
const MAGIC: [u8; 4] = *b"LJR1";
/// magic, body length (u32), event count (u32), reserved (u32), row id, first and last time
/// (i64 each), little-endian.
pub const HEADER: usize = 40;
/// Rows per segment file: pruning drops a file at a time, so this bounds how far below the cap
/// a pruned journal falls (8 × 1,024 events).
pub const SEGMENT_ROWS: usize = 8;
/// A segment's file name ends so.
const SUFFIX: &str = ".seg";

/// A row read from or appended to a segment: what it spans, and where its lines are.
pub struct Record {
    /// Row id, increasing in write order.
    pub id: i64,
    /// The oldest event's time, Unix ms.
    pub first_ms: i64,
    /// The newest event's time, Unix ms.
    pub last_ms: i64,
    /// Events in the row.
    pub count: usize,
    /// The segment (its first row's id).
    pub seg: i64,
    /// Its lines.
    pub place: Place,
}

/// Where a row's lines are in a segment file.
#[derive(Clone)]
pub struct Place {
    /// The segment's file (still readable after it is pruned and unlinked).
    file: Arc<File>,
    /// Where the lines start.
    offset: u64,
    /// Their length in bytes.
    len: usize,
}

impl Place {
    /// The row's lines.
    pub fn read(&self) -> io::Result<String> {
        let mut buf = vec![0u8; self.len];
        read_exact_at(&self.file, &mut buf, self.offset)?;
        Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

/// Reads `buf.len()` bytes at `offset` without moving a cursor that other readers share.
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        // No positional read here: one reader at a time moves the file's shared cursor (appends
        // go to the end whatever it points at).
        static CURSOR: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = CURSOR.lock().unwrap_or_else(|p| p.into_inner());
        let mut f: &File = file;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// The segment rows are appended to.
struct Current {
    seg: i64,
    file: Arc<File>,
    rows: usize,
    end: u64,
}

/// A journal directory: opened by the server to append, or by `localiam events` to read.
pub struct Dir {
    path: PathBuf,
    current: Option<Current>,
}

/// The path of segment `seg` in `dir`.
fn segment_path(dir: &Path, seg: i64) -> PathBuf {
    dir.join(format!("{seg:016}{SUFFIX}"))
}

/// The segments in `dir`, oldest first (none when it does not exist).
fn segments(dir: &Path) -> io::Result<Vec<i64>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found: Vec<i64> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(SUFFIX)?.parse().ok())
        .collect();
    found.sort_unstable();
    Ok(found)
}

/// Reads a little-endian field of a header.
fn field<const N: usize>(h: &[u8; HEADER], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = h.get(at..at + N) {
        out.copy_from_slice(src);
    }
    out
}

/// The whole records of one segment file, and where they end.
fn scan(seg: i64, file: &Arc<File>) -> io::Result<(Vec<Record>, u64)> {
    let size = file.metadata()?.len();
    let mut out = Vec::new();
    let mut at = 0u64;
    let mut h = [0u8; HEADER];
    while at + HEADER as u64 <= size {
        read_exact_at(file, &mut h, at)?;
        if field::<4>(&h, 0) != MAGIC {
            break;
        }
        let len = u32::from_le_bytes(field(&h, 4)) as usize;
        let body = at + HEADER as u64;
        if body + len as u64 > size {
            break;
        }
        out.push(Record {
            id: i64::from_le_bytes(field(&h, 16)),
            first_ms: i64::from_le_bytes(field(&h, 24)),
            last_ms: i64::from_le_bytes(field(&h, 32)),
            count: u32::from_le_bytes(field(&h, 8)) as usize,
            seg,
            place: Place {
                file: file.clone(),
                offset: body,
                len,
            },
        });
        at = body + len as u64;
    }
    Ok((out, at))
}

impl Dir {
    /// Opens (making it if need be) a journal directory to append to, and returns its whole
    /// records, oldest first; a record cut short is cut off its file.
    pub fn open(path: &Path) -> io::Result<(Dir, Vec<Record>)> {
        std::fs::create_dir_all(path)?;
        let mut records = Vec::new();
        let mut current = None;
        for seg in segments(path)? {
            let file = Arc::new(
                OpenOptions::new()
                    .read(true)
                    .append(true)
                    .open(segment_path(path, seg))?,
            );
            let (found, end) = scan(seg, &file)?;
            if file.metadata()?.len() != end {
                file.set_len(end)?;
            }
            current = Some(Current {
                seg,
                file,
                rows: found.len(),
                end,
            });
            records.extend(found);
        }
        Ok((
            Dir {
                path: path.to_path_buf(),
                current,
            },
            records,
        ))
    }

    /// The whole records of a directory another process appends to, oldest first, without
    /// changing anything (a record being written is not whole yet).
    pub fn read_only(path: &Path) -> io::Result<Vec<Record>> {
        let mut records = Vec::new();
        for seg in segments(path)? {
            let file = match File::open(segment_path(path, seg)) {
                Ok(f) => Arc::new(f),
                // Pruned since the listing.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            records.extend(scan(seg, &file)?.0);
        }
        Ok(records)
    }

    /// Appends a row as record `id`, starting a new segment when the current one is full.
    pub fn append(&mut self, id: i64, first_ms: i64, last_ms: i64, count: usize, lines: &[u8]) -> io::Result<Record> {
        let full = self.current.as_ref().is_none_or(|c| c.rows >= SEGMENT_ROWS);
        if full {
            let file = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .truncate(false)
                .open(segment_path(&self.path, id))?;
            let end = file.metadata()?.len();
            self.current = Some(Current {
                seg: id,
                file: Arc::new(file),
                rows: 0,
                end,
            });
        }
        let Some(cur) = self.current.as_mut() else {
            return Err(io::Error::other("no segment to append to"));
        };
        let len = u32::try_from(lines.len()).map_err(|_| io::Error::other("journal row over 4 GiB"))?;
        let mut h = [0u8; HEADER];
        h[..4].copy_from_slice(&MAGIC);
        h[4..8].copy_from_slice(&len.to_le_bytes());
        h[8..12].copy_from_slice(&(count as u32).to_le_bytes());
        h[16..24].copy_from_slice(&id.to_le_bytes());
        h[24..32].copy_from_slice(&first_ms.to_le_bytes());
        h[32..40].copy_from_slice(&last_ms.to_le_bytes());
        let mut out: &File = &cur.file;
        if let Err(e) = out.write_all(&h).and_then(|()| out.write_all(lines)) {
            // Whatever part was written would end the segment for readers: cut it off.
            let _ = cur.file.set_len(cur.end);
            return Err(e);
        }
        let record = Record {
            id,
            first_ms,
            last_ms,
            count,
            seg: cur.seg,
            place: Place {
                file: cur.file.clone(),
                offset: cur.end + HEADER as u64,
                len: lines.len(),
            },
        };
        cur.end += (HEADER + lines.len()) as u64;
        cur.rows += 1;
        Ok(record)
    }

    /// Deletes segment `seg` (its rows were pruned).
    pub fn remove(&mut self, seg: i64) -> io::Result<()> {
        if self.current.as_ref().is_some_and(|c| c.seg == seg) {
            self.current = None;
        }
        match std::fs::remove_file(segment_path(&self.path, seg)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(records: &[Record]) -> Vec<String> {
        records.iter().map(|r| r.place.read().expect("read")).collect()
    }

    #[test]
    fn rows_come_back_in_order_across_segments_and_reopening() {
        let tmp = tempfile::tempdir().expect("dir");
        let path = tmp.path().join("iam.db.journal");
        let (mut dir, none) = Dir::open(&path).expect("open");
        assert!(none.is_empty());
        for id in 1..=(SEGMENT_ROWS as i64 + 2) {
            dir.append(id, id * 10, id * 10 + 5, 2, format!("row {id}\n").as_bytes())
                .expect("append");
        }
        assert_eq!(segments(&path).expect("list"), [1, SEGMENT_ROWS as i64 + 1]);
        let (_, again) = Dir::open(&path).expect("reopen");
        assert_eq!(again.len(), SEGMENT_ROWS + 2);
        assert_eq!(texts(&again).first().map(String::as_str), Some("row 1\n"));
        let last = again.last().expect("last");
        assert_eq!((last.id, last.first_ms, last.last_ms, last.count), (10, 100, 105, 2));
        assert_eq!(Dir::read_only(&path).expect("read").len(), SEGMENT_ROWS + 2);
    }

    #[test]
    fn a_record_cut_short_ends_its_segment_and_is_cut_off() {
        let tmp = tempfile::tempdir().expect("dir");
        let path = tmp.path().join("j");
        let (mut dir, _) = Dir::open(&path).expect("open");
        dir.append(1, 1, 1, 1, b"whole\n").expect("append");
        dir.append(2, 2, 2, 1, b"cut short\n").expect("append");
        let file = segment_path(&path, 1);
        let size = std::fs::metadata(&file).expect("meta").len();
        OpenOptions::new()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_len(size - 3))
            .expect("cut");
        assert_eq!(texts(&Dir::read_only(&path).expect("read")), ["whole\n"]);
        let (mut dir, records) = Dir::open(&path).expect("reopen");
        assert_eq!(texts(&records), ["whole\n"]);
        dir.append(3, 3, 3, 1, b"after\n").expect("append");
        assert_eq!(texts(&Dir::read_only(&path).expect("read")), ["whole\n", "after\n"]);
    }

    #[test]
    fn removed_segments_are_gone_from_the_directory() {
        let tmp = tempfile::tempdir().expect("dir");
        let path = tmp.path().join("j");
        let (mut dir, _) = Dir::open(&path).expect("open");
        let r = dir.append(1, 1, 1, 1, b"x\n").expect("append");
        dir.remove(r.seg).expect("remove");
        assert!(Dir::read_only(&path).expect("read").is_empty());
        assert_eq!(r.place.read().expect("an open file still reads"), "x\n");
        dir.append(2, 2, 2, 1, b"y\n").expect("append");
        assert_eq!(segments(&path).expect("list"), [2]);
    }
}
