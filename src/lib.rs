//! localiam: a local, AWS-compatible IAM + STS endpoint.
//!
//! Tests start a server on port 0 with [`run`]; the binary adds flags and signals.

pub mod accounts;
pub mod analyzer;
pub mod api;
pub mod app;
pub mod authz;
pub mod cache;
pub mod catalog;
pub mod cloudtrail;
pub mod config;
pub mod console;
pub mod context;
pub mod coverage;
pub mod error;
pub mod event_log;
pub mod handlers;
pub mod health_check;
pub mod iam;
pub mod identity;
pub mod journal;
pub mod logging;
pub mod organizations;
pub mod params;
pub mod policy;
pub mod server;
pub mod services;
pub mod signers;
pub mod sigv4;
pub mod store;
pub mod sts;
pub mod throttle;
pub mod wire;
pub mod xmldsig;

use std::future::Future;
use std::sync::Arc;

pub use app::App;
pub use server::shutdown_signal;

/// Opens the state named by `config` and serves on `listener` until `shutdown` resolves.
pub async fn run(
    listener: tokio::net::TcpListener,
    config: config::Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let app = App::open(config)?;
    run_app(listener, app, shutdown).await?;
    Ok(())
}

/// Serves an already opened [`App`].
pub async fn run_app(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    server::serve(listener, app, shutdown).await
}
