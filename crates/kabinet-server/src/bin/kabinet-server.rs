//! `kabinet-server [--config FILE] [--dev]`: glue that reads the configuration, opens the
//! database (running migrations), starts the job worker and serves until SIGTERM or Ctrl-C,
//! finishing the requests in flight.
//!
//! `kabinet-server [--config FILE] [--dev] admin bootstrap --personnel-number N --full-name F
//! [--centre-name C] [--centre-address A]`, `kabinet-server --dev admin seed --accounts N`
//! and `kabinet-server demo-people [--count N]`: see [`kabinet_server::admin`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kabinet_server::config::ServerConfig;
use kabinet_service::Service;
use kabinet_store::Store;

/// Kabinet's HTTP server and its administration commands.
#[derive(Parser)]
#[command(name = "kabinet-server", version)]
struct Cli {
    /// The configuration file (TOML); `KABINET_*` variables override it.
    #[arg(long, env = "KABINET_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Simulate every outside party that is not configured (development only).
    #[arg(long, global = true)]
    dev: bool,
    /// Without a command: serve until SIGTERM or Ctrl-C.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Setting a deployment up.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// People of the simulated registries, to try the demo with.
    DemoPeople {
        /// How many.
        #[arg(long, default_value_t = 5)]
        count: usize,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Makes the first service centre and its administrator (once: refused when any staff
    /// member exists) and prints the codes that enrol the first workstation and set the
    /// administrator up at it.
    Bootstrap {
        /// The administrator's personnel number (digits).
        #[arg(long)]
        personnel_number: String,
        /// The administrator's full name.
        #[arg(long)]
        full_name: String,
        /// The first centre's name.
        #[arg(long, default_value = "Центральный офис")]
        centre_name: String,
        /// The first centre's address.
        #[arg(long, default_value = "")]
        centre_address: String,
    },
    /// Fills the database with seeded accounts for load tests (only with `--dev`): finished
    /// phone registrations numbered from `--first`, phones +7 916 000-00-00 onwards, each
    /// known on its device `seed-<number>`, all with one password.
    Seed {
        /// How many accounts.
        #[arg(long)]
        accounts: u64,
        /// The number of the first (to add to an earlier seeding).
        #[arg(long, default_value_t = 0)]
        first: u64,
        /// Their password.
        #[arg(long, default_value = "Zelenyj-Sad7!")]
        password: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => run(cli.config, cli.dev).await,
        Some(Command::DemoPeople { count }) => {
            println!("{}", kabinet_server::admin::demo_people(count));
            Ok(())
        }
        Some(Command::Admin { task }) => admin(cli.config, cli.dev, task).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(%message, "the server stopped");
            eprintln!("kabinet-server: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the service the way the server does, without serving.
async fn open(config: &ServerConfig) -> Result<Service, String> {
    open_with(config, config.service()?).await
}

async fn open_with(
    config: &ServerConfig,
    service_config: kabinet_service::ServiceConfig,
) -> Result<Service, String> {
    let ports = config.ports()?;
    let store = Store::connect(&config.database_url()?)
        .await
        .map_err(|e| e.to_string())?;
    Service::new(store, service_config, ports).map_err(|e| e.to_string())
}

fn load(file: Option<PathBuf>, dev: bool) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::load(file.as_deref())?;
    config.dev |= dev;
    Ok(config)
}

async fn admin(file: Option<PathBuf>, dev: bool, task: AdminTask) -> Result<(), String> {
    let config = load(file, dev)?;
    if matches!(task, AdminTask::Seed { .. }) && !config.dev {
        return Err("seeded accounts are for load tests: run with --dev".into());
    }
    let service = open(&config).await?;
    let printed = match task {
        AdminTask::Bootstrap {
            personnel_number,
            full_name,
            centre_name,
            centre_address,
        } => {
            let request = kabinet_service::Bootstrap {
                centre_name,
                centre_address,
                personnel_number,
                full_name,
            };
            kabinet_server::admin::bootstrap(&service, request).await?
        }
        AdminTask::Seed {
            accounts,
            first,
            password,
        } => {
            let step = (accounts / 20).max(1);
            let progress = |done: u64| {
                if done % step < 500 {
                    eprintln!("{done} of {accounts}");
                }
            };
            kabinet_server::admin::seed(&service, first, accounts, &password, progress).await?
        }
    };
    println!("{printed}");
    Ok(())
}

async fn run(file: Option<PathBuf>, dev: bool) -> Result<(), String> {
    let config = load(file, dev)?;
    let telemetry =
        kabinet_server::logging::init(&config.log_format, config.otlp_endpoint.as_deref())?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let mut config = config;
    config.settle_dev_address(address);
    let mut service_config = config.service()?;
    let bank = config.start_dev_bank(&mut service_config).await?;
    let service = open_with(&config, service_config).await?;
    let worker = service.spawn_worker(
        format!("{}-{}", config.origin, std::process::id()),
        std::time::Duration::from_millis(config.job_period_ms.max(10)),
    );
    tracing::info!(%address, dev = config.dev, "listening");
    // Scripts and tests starting the server on port 0 read the address from this line.
    println!("listening on http://{address}");
    if let Some(bank) = &bank {
        tracing::info!(address = %bank.address, "simulated bank listening");
        println!(
            "bank simulator at {} (control key dev-key)",
            bank.authorize_url()
        );
    }
    let admin = match config.metrics_listen {
        Some(at) => {
            let listener = tokio::net::TcpListener::bind(at)
                .await
                .map_err(|e| format!("cannot listen for metrics on {at}: {e}"))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!(%address, "metrics listening");
            println!("metrics on http://{address}/metrics");
            Some(tokio::spawn(kabinet_server::serve(
                listener,
                kabinet_server::admin_app(),
                kabinet_server::shutdown_signal(),
            )))
        }
        None => None,
    };
    let app = kabinet_server::app(service, config.http());
    kabinet_server::serve(listener, app, kabinet_server::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    worker.abort();
    if let Some(admin) = admin {
        admin.abort();
    }
    tracing::info!("stopped");
    telemetry.shutdown();
    Ok(())
}
