//! The only module that knows hyper: accept loop, keep-alive, timeouts, graceful shutdown.

mod admin;
pub mod errors;
mod pipeline;

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::app::App;

/// A client that sends headers slower than this is disconnected.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// In-flight requests get this long to finish after shutdown starts.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a file store's WAL is copied back into the main file when something was written.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let checkpointer = (!app.store().is_in_memory()).then(|| tokio::spawn(checkpoint_loop(app.clone())));
    let journal = tokio::spawn(crate::journal::writer_loop(app.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // Out of file descriptors and similar: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let svc = service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, Infallible>(pipeline::handle(app, req, remote).await) }
                });
                let conn = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), svc);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => tracing::warn!("in-flight requests did not finish in time"),
    }
    if let Some(task) = checkpointer {
        task.abort();
    }
    journal.abort();
    // The calls answered last are still queued: write them before the final checkpoint.
    let flushing = app.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || flushing.journal.flush(&flushing)).await {
        tracing::warn!(error = %e, "final journal flush failed");
    }
    for account in app.accounts.all() {
        account.store.checkpoint();
    }
    Ok(())
}

/// Checkpoints file stores in the background after writes, so that no commit ever waits for
/// one and the WALs stay small; the blocking pool runs it, one pass at a time.
async fn checkpoint_loop(app: Arc<App>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    // Appended-write counts already checkpointed, per account.
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    loop {
        tick.tick().await;
        let due: Vec<_> = app
            .accounts
            .all()
            .into_iter()
            .filter(|a| {
                let now = a.store.appended();
                seen.insert(a.id.clone(), now).is_some_and(|before| before != now)
            })
            .collect();
        if due.is_empty() {
            continue;
        }
        let pass = move || due.iter().for_each(|a| a.store.checkpoint_passive());
        if let Err(e) = tokio::task::spawn_blocking(pass).await {
            tracing::warn!(error = %e, "background checkpoint task failed");
        }
    }
}

/// Resolves when `signal` arrives; never when its handler could not be installed.
#[cfg(unix)]
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled: the server's loop may accept and answer a request before it first
/// polls it, and a SIGTERM sent then (right after that answer) must stop the server gracefully
/// rather than kill it with the signal's default action.
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (interrupt, terminate) = (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        );
        async move {
            tokio::select! {
                () = received(interrupt) => {}
                () = received(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
