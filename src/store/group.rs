//! Group commit for file stores: the writes of API requests that arrive together share one
//! SQLite commit (one WAL append of the pages they touched, one round of locks) instead of
//! paying one each. A request's writes run at once, each in a savepoint of the writer's open
//! transaction (`Store::write`); the request then waits (`settle`) before it answers: it lets
//! the other requests ready on its worker run first, so they join the same transaction, then
//! commits it, unless one of them already has. An acknowledged write is committed exactly as
//! before (WAL, `synchronous=NORMAL`: it survives the process being killed); a write is never
//! visible to readers or other accounts' requests before its commit, and a request that wrote
//! reads its own writes on the writer's connection until it answers.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::error::ApiResult;

use super::Inner;

thread_local! {
    /// Set while this thread runs a request that waits for its writes before answering.
    static DEFERRING: Cell<bool> = const { Cell::new(false) };
    /// The open groups this thread's request wrote into.
    static HELD: RefCell<Vec<Ticket>> = const { RefCell::new(Vec::new()) };
}

/// A write waiting for the commit of its group.
pub struct Ticket {
    inner: Arc<Inner>,
    epoch: u64,
}

impl Ticket {
    pub(super) fn new(inner: &Arc<Inner>, epoch: u64) -> Ticket {
        Ticket {
            inner: inner.clone(),
            epoch,
        }
    }
}

/// Runs a request's handling (synchronous, on this thread) with its file-store writes left for
/// [`settle`] to commit; the caller must call `settle` before it answers.
pub fn deferring<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            DEFERRING.set(false);
        }
    }
    DEFERRING.set(true);
    let _reset = Reset;
    f()
}

/// Whether writes on this thread are left for [`settle`].
pub(super) fn deferring_now() -> bool {
    DEFERRING.get()
}

/// Notes a write's group for this thread's [`settle`].
pub(super) fn hold(ticket: Ticket) {
    HELD.with(|held| {
        let mut held = held.borrow_mut();
        let known = held
            .iter()
            .any(|t| Arc::ptr_eq(&t.inner, &ticket.inner) && t.epoch == ticket.epoch);
        if !known {
            held.push(ticket);
        }
    });
}

/// Whether this thread's request wrote into an open group of this store (and so must read on
/// the writer's connection to see its own writes).
pub(super) fn holds(inner: &Arc<Inner>) -> bool {
    HELD.with(|held| held.borrow().iter().any(|t| Arc::ptr_eq(&t.inner, inner)))
}

/// Waits until the writes of the request that just ran on this thread are committed: yields once
/// so that requests ready behind it add theirs to the same group, then commits the group (or
/// finds it committed). An error means the group's commit failed and its writes are gone.
pub async fn settle() -> ApiResult<()> {
    let held = HELD.with(|held| std::mem::take(&mut *held.borrow_mut()));
    if held.is_empty() {
        return Ok(());
    }
    tokio::task::yield_now().await;
    let mut out = Ok(());
    for ticket in held {
        if let Err(e) = ticket.inner.commit_through(ticket.epoch) {
            out = Err(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn aliases(s: &Store) -> Vec<String> {
        s.read(|c| {
            let mut st = c.prepare("SELECT alias FROM account_aliases ORDER BY alias")?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap_or_default()
    }

    fn add(s: &Store, alias: &str) -> ApiResult<usize> {
        s.write(|tx| Ok(tx.execute("INSERT INTO account_aliases(alias) VALUES (?1)", [alias])?))
    }

    /// Two requests' writes share one commit; until it, other requests do not see them, while
    /// the request that wrote reads its own; a failed write in the group leaves the others.
    #[tokio::test(flavor = "current_thread")]
    async fn requests_that_arrive_together_share_one_commit() {
        let dir = tempfile::tempdir().expect("dir");
        let s = Store::open(dir.path().join("g.db").to_str().unwrap_or_default()).expect("open");
        let before = s.generation();
        deferring(|| {
            add(&s, "a").expect("write a");
            assert_eq!(aliases(&s), ["a"], "a request reads its own writes");
        });
        let first = HELD.with(|h| std::mem::take(&mut *h.borrow_mut()));
        assert_eq!(aliases(&s), Vec::<String>::new(), "not committed: others do not see it");
        deferring(|| {
            add(&s, "b").expect("write b");
            let dup = add(&s, "a");
            assert!(dup.is_err(), "the second request sees the first's row in the group");
        });
        let second = HELD.with(|h| std::mem::take(&mut *h.borrow_mut()));
        assert_eq!(first.len(), 1);
        assert_eq!(second.len(), 1);
        assert_eq!(first[0].epoch, second[0].epoch, "one group");
        assert_eq!(s.generation(), before, "the generation moves at the commit");
        HELD.with(|h| h.borrow_mut().extend(first));
        settle().await.expect("commit");
        assert_eq!(aliases(&s), ["a", "b"]);
        assert_eq!(s.generation(), before + 1);
        HELD.with(|h| h.borrow_mut().extend(second));
        settle().await.expect("already committed");
        assert_eq!(s.generation(), before + 1, "one commit for both");
    }

    /// Outside a request (and in memory) a write commits before it returns, taking along a
    /// group still open; so does the background checkpoint for a group nobody waits for.
    #[tokio::test(flavor = "current_thread")]
    async fn writes_outside_requests_commit_at_once() {
        let dir = tempfile::tempdir().expect("dir");
        let s = Store::open(dir.path().join("g.db").to_str().unwrap_or_default()).expect("open");
        deferring(|| add(&s, "a")).expect("deferred");
        HELD.with(|h| h.borrow_mut().clear());
        assert!(aliases(&s).is_empty());
        s.checkpoint_passive();
        assert_eq!(aliases(&s), ["a"], "the checkpointer committed the abandoned group");
        deferring(|| add(&s, "b")).expect("deferred");
        HELD.with(|h| h.borrow_mut().clear());
        add(&s, "c").expect("at once");
        assert_eq!(
            aliases(&s),
            ["a", "b", "c"],
            "an immediate write commits the open group too"
        );
        let m = Store::open(":memory:").expect("memory");
        deferring(|| add(&m, "x")).expect("memory write");
        assert!(HELD.with(|h| h.borrow().is_empty()), "memory stores never defer");
        assert_eq!(aliases(&m), ["x"]);
    }
}
