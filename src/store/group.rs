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
