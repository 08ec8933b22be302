//! At-most-once-per-period bookkeeping writes (access-key last use), so
//! recording real use stays off the hot path.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before the map is cleared (a clear only costs a few extra writes).
const LIMIT: usize = 10_000;

/// Remembers, per key, when a write last happened and what it recorded.
pub struct Throttle {
    every: Duration,
    last: Mutex<HashMap<String, (Instant, String)>>,
}

impl Throttle {
    /// A throttle that lets one write per key through every `every`.
    pub fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `write` unless the same `value` was written for `key` within the period; the time is
    /// remembered only when `write` reports success.
    pub fn run(&self, key: &str, value: &str, write: impl FnOnce() -> bool) {
        let now = Instant::now();
        {
            let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((t, v)) = last.get(key) {
                if now.duration_since(*t) < self.every && v == value {
                    return;
                }
            }
        }
        if !write() {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.len() >= LIMIT {
            last.clear();
        }
        last.insert(key.to_string(), (now, value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_once_per_period_unless_the_value_changes() {
        let t = Throttle::new(Duration::from_secs(60));
        let mut n = 0;
        t.run("k", "iam", || {
            n += 1;
            true
        });
        t.run("k", "iam", || {
            n += 1;
            true
        });
        t.run("k", "sts", || {
            n += 1;
            true
        });
        assert_eq!(n, 2);
        let mut failed = 0;
        t.run("f", "x", || {
            failed += 1;
            false
        });
        t.run("f", "x", || {
            failed += 1;
            false
        });
        assert_eq!(failed, 2, "a failed write is retried");
    }
}
