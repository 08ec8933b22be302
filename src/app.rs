//! The running service: configuration, store and caches shared by every request.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::config::Config;
use crate::throttle::Throttle;

/// How long a key's recorded last use may lag behind the real one.
const RECORD_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
use crate::accounts::Accounts;
use crate::identity::KeyCache;

/// Shared state of one server.
pub struct App {
    /// Settings it was started with.
    pub config: Config,
    /// Every account's state.
    pub accounts: Accounts,
    /// The AWS Organizations organization, if one was made.
    pub org: crate::organizations::state::OrgState,
    /// Derived SigV4 signing keys.
    pub signing_keys: crate::sigv4::KeyCache,
    /// Access key id → credential, checked against the store generation.
    pub(crate) credentials: KeyCache,
    /// Last time each key's use was written, to keep last-used tracking off the hot path.
    pub(crate) key_touches: Throttle,
    /// Calls waiting to be written to the journal.
    pub journal: crate::journal::Journal,
    /// Parsed policies per principal, checked against the store generation.
    pub(crate) policies: crate::authz::cache::PolicyCache,
    /// Signed-in console sessions.
    pub(crate) console: crate::console::session::Sessions,
    /// Seconds added to the system clock (tests move time forward to expire sessions).
    clock_offset: AtomicI64,
    /// Requests between arrival and answer, bounded by `MAX_IN_FLIGHT`.
    in_flight: AtomicUsize,
}

/// Requests past this many at once are answered `Throttling` at once instead of queueing, so
/// memory stays bounded whatever the load (AWS answers a request rate it will not serve the same way).
pub const MAX_IN_FLIGHT: usize = 4096;

/// A request's place among those in flight; dropping it frees the place.
pub struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl App {
    /// Opens the store named by the config.
    pub fn open(config: Config) -> Result<Arc<App>, rusqlite::Error> {
        let accounts = Accounts::open(&config.state, &config.account_id)?;
        let org = crate::organizations::state::OrgState::load(&accounts);
        Ok(Arc::new(App {
            config,
            accounts,
            org,
            signing_keys: crate::sigv4::KeyCache::default(),
            credentials: KeyCache::default(),
            key_touches: Throttle::new(RECORD_EVERY),
            journal: crate::journal::Journal::default(),
            policies: crate::authz::cache::PolicyCache::default(),
            console: crate::console::session::Sessions::default(),
            clock_offset: AtomicI64::new(0),
            in_flight: AtomicUsize::new(0),
        }))
    }

    /// Takes a place for one request, or `None` when `MAX_IN_FLIGHT` are already being served.
    pub fn enter(&self) -> Option<InFlight<'_>> {
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(InFlight(&self.in_flight))
    }

    /// The server's notion of now: the system clock plus any test offset.
    pub fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + time::Duration::seconds(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves the server's clock forward (tests of expiry).
    pub fn advance_clock(&self, seconds: i64) {
        self.clock_offset.fetch_add(seconds, Ordering::Relaxed);
    }

    /// The configured account's store (`--account-id`).
    pub fn store(&self) -> &crate::store::Store {
        &self.accounts.configured().store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_places_are_bounded_and_given_back() {
        let app = App::open(Config::default()).expect("open");
        let held: Vec<_> = (0..MAX_IN_FLIGHT).map(|_| app.enter().expect("a place")).collect();
        assert!(app.enter().is_none(), "one too many is refused");
        drop(held);
        assert!(app.enter().is_some());
    }
}
