//! `localiam` command line: parse flags (each with a `LOCALIAM_*` env twin), bind, serve.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use localiam::config::{AuthMode, Config, LogFormat};

#[derive(Parser)]
#[command(name = "localiam", version, about = "A local, AWS-compatible IAM + STS endpoint")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the IAM + STS endpoint.
    Serve(ServeArgs),
    /// Print the operation coverage table (docs/coverage.md).
    Coverage,
    /// Check a running server's health endpoint: exit 0 when healthy, 1 otherwise.
    Health(HealthArgs),
    /// Print the recent calls recorded in a server's state file, one line each (newest last).
    Events(EventsArgs),
}

#[derive(clap::Args)]
struct EventsArgs {
    /// The server's state file (it may be running: the file is only read).
    #[arg(long, env = "LOCALIAM_STATE")]
    state: String,
    /// How many recent calls to print.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Keep printing calls as they are recorded, until interrupted.
    #[arg(long)]
    follow: bool,
}

#[derive(clap::Args)]
struct HealthArgs {
    /// The server to check: `http://HOST:PORT` or a listen address (`0.0.0.0` means loopback).
    #[arg(long, env = "LOCALIAM_LISTEN", default_value = "127.0.0.1:4593")]
    url: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuthArg {
    Strict,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogArg {
    Text,
    Json,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "LOCALIAM_LISTEN", default_value = "127.0.0.1:4593")]
    listen: SocketAddr,
    /// `:memory:` or a SQLite file that keeps state across restarts.
    #[arg(long, env = "LOCALIAM_STATE", default_value = ":memory:")]
    state: String,
    /// The 12-digit account id.
    #[arg(long, env = "LOCALIAM_ACCOUNT_ID", default_value = "123456789012")]
    account_id: String,
    /// Default region.
    #[arg(long, env = "LOCALIAM_REGION", default_value = "us-east-1")]
    region: String,
    /// Root user's access key id.
    #[arg(long, env = "LOCALIAM_ROOT_ACCESS_KEY_ID", default_value = "test")]
    root_access_key_id: String,
    /// Root user's secret access key.
    #[arg(
        long,
        env = "LOCALIAM_ROOT_SECRET_ACCESS_KEY",
        default_value = "test",
        hide_env_values = true
    )]
    root_secret_access_key: String,
    /// `strict` checks every SigV4 signature; `off` treats every caller as root.
    #[arg(long, env = "LOCALIAM_AUTH", value_enum, default_value = "strict")]
    auth: AuthArg,
    /// Authorize non-root calls against their policies.
    #[arg(long, env = "LOCALIAM_ENFORCE", value_enum, default_value = "on")]
    enforce: OnOff,
    /// Serve the local IAM console under `/console/`.
    #[arg(long, env = "LOCALIAM_CONSOLE", value_enum, default_value = "on")]
    console: OnOff,
    /// Log line format.
    #[arg(long, env = "LOCALIAM_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogArg,
}

impl From<ServeArgs> for Config {
    fn from(a: ServeArgs) -> Self {
        Config {
            listen: a.listen,
            state: a.state,
            account_id: a.account_id,
            region: a.region,
            root_access_key_id: a.root_access_key_id,
            root_secret_access_key: a.root_secret_access_key,
            auth: match a.auth {
                AuthArg::Strict => AuthMode::Strict,
                AuthArg::Off => AuthMode::Off,
            },
            enforce: matches!(a.enforce, OnOff::On),
            console: matches!(a.console, OnOff::On),
            log_format: match a.log_format {
                LogArg::Text => LogFormat::Text,
                LogArg::Json => LogFormat::Json,
            },
            ..Config::default()
        }
    }
}

fn main() -> ExitCode {
    let args = match Cli::parse().command {
        Command::Serve(args) => args,
        Command::Coverage => {
            return match localiam::coverage::markdown() {
                Ok(page) => {
                    print!("{page}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("localiam: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Health(args) => return health(&args),
        Command::Events(args) => return events(&args),
    };
    let config = Config::from(args);
    if let Err(e) = localiam::config::check(&config) {
        eprintln!("localiam: {e}");
        return ExitCode::from(2);
    }
    localiam::logging::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("localiam: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(serve(config));
    localiam::logging::flush();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("localiam: {e}");
            ExitCode::FAILURE
        }
    }
}

fn health(args: &HealthArgs) -> ExitCode {
    use localiam::health_check::{probe, target, DEFAULT_TIMEOUT, HEALTH_PATH};
    let result = target(&args.url).and_then(|addr| probe(addr, DEFAULT_TIMEOUT).map(|version| (addr, version)));
    match result {
        Ok((addr, version)) => {
            println!("healthy: localiam {version} at http://{addr}{HEALTH_PATH}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("unhealthy: {why}");
            ExitCode::FAILURE
        }
    }
}

fn events(args: &EventsArgs) -> ExitCode {
    match localiam::event_log::run(&args.state, args.limit, args.follow, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("localiam: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = localiam::App::open(config)?;
    // Before the listening line: a client may stop the server as soon as it has seen it.
    let shutdown = localiam::shutdown_signal();
    println!("localiam listening on http://{addr}");
    localiam::run_app(listener, app, shutdown).await?;
    Ok(())
}
