//! Log set-up: one line per request on stderr (stdout carries only the listening line).
//!
//! When stderr is a terminal every line is written at once. Otherwise (a pipe, a file: CI logs)
//! lines are gathered and written together at least every 50 ms, at once for warnings and
//! errors, and on exit (`flush`): one `write` a request to a log file cost CreateUser ~10% on a
//! file store, where each checkpoint's fsync also had to flush the log's new blocks
//! (BENCHMARKS.md). A process killed with `kill -9` may lose its last 50 ms of request lines.

use std::io::Write;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use tracing_subscriber::fmt::writer::{BoxMakeWriter, MakeWriter};

use crate::config::LogFormat;

/// How long a line may wait in the buffer.
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// A buffer this full is written at once.
const FLUSH_AT: usize = 32 * 1024;

/// Lines waiting for stderr.
static PENDING: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` level.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let writer = if terminal {
        BoxMakeWriter::new(std::io::stderr)
    } else {
        start_flusher();
        BoxMakeWriter::new(Gathered)
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false)
        .with_ansi(terminal);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Writes the lines still waiting (the server calls it before it exits).
pub fn flush() {
    let Some(pending) = PENDING.get() else {
        return;
    };
    let lines = std::mem::take(&mut *lock(pending));
    if !lines.is_empty() {
        // Nowhere to report a failed write to stderr.
        let _ = std::io::stderr().lock().write_all(&lines);
    }
}

fn lock(m: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    // Only bytes are appended under the lock: a poisoned buffer is still whole lines.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn start_flusher() {
    if PENDING.set(Mutex::new(Vec::with_capacity(FLUSH_AT))).is_err() {
        return;
    }
    let started = std::thread::Builder::new().name("log-flush".into()).spawn(|| loop {
        std::thread::sleep(FLUSH_EVERY);
        flush();
    });
    if started.is_err() {
        eprintln!("localiam: cannot start the log writer thread: log lines wait for exit");
    }
}

/// The buffered stderr's `MakeWriter`.
struct Gathered;

/// One event's writer: appends to the buffer, and on drop writes it out when it is urgent.
struct Line {
    urgent: bool,
}

impl<'a> MakeWriter<'a> for Gathered {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line { urgent: false }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Line {
        Line {
            urgent: *meta.level() <= tracing::Level::WARN,
        }
    }
}

impl Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match PENDING.get() {
            Some(pending) => {
                let mut buf = lock(pending);
                buf.extend_from_slice(bytes);
                self.urgent |= buf.len() >= FLUSH_AT;
                Ok(bytes.len())
            }
            None => std::io::stderr().write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.urgent {
            flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines gather until a flush; a warning's writer flushes on drop.
    #[test]
    fn lines_wait_for_a_flush_and_warnings_do_not() {
        let _ = PENDING.set(Mutex::new(Vec::new()));
        let Some(pending) = PENDING.get() else {
            return;
        };
        flush();
        let mut line = Gathered.make_writer();
        line.write_all(b"info line\n").expect("write");
        drop(line);
        assert!(lock(pending).ends_with(b"info line\n"));
        let mut urgent = Line { urgent: true };
        urgent.write_all(b"warn line\n").expect("write");
        drop(urgent);
        assert!(lock(pending).is_empty(), "written out at once");
    }
}
