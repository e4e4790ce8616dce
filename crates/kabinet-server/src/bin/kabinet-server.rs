//! `kabinet-server [--config FILE] [--dev]`: glue that reads the configuration, opens the
//! database (running migrations), starts the job worker and serves until SIGTERM or Ctrl-C,
//! finishing the requests in flight.
//!
//! `kabinet-server [--config FILE] [--dev] staff activation-code --snils S | temporary-password
//! --login L [--operator ID] [--centre ID]` and `kabinet-server demo-people [--count N]`: see [`kabinet_server::admin`].

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
    /// What staff issue at a service centre, printed for the operator to hand over.
    Staff {
        #[command(subcommand)]
        issue: Issue,
        /// The operator recorded in the citizen's log.
        #[arg(long, default_value = "command-line", global = true)]
        operator: String,
        /// The service centre recorded in the citizen's log.
        #[arg(long, default_value = "command-line", global = true)]
        centre: String,
    },
    /// People of the simulated registries, to try the demo with.
    DemoPeople {
        /// How many.
        #[arg(long, default_value_t = 5)]
        count: usize,
    },
}

#[derive(Subcommand)]
enum Issue {
    /// A 16-digit activation code for the Standard account with this SNILS.
    ActivationCode {
        /// The SNILS, any writing.
        #[arg(long)]
        snils: String,
    },
    /// A temporary password for the account with this login.
    TemporaryPassword {
        /// Phone, e-mail, SNILS or INN.
        #[arg(long)]
        login: String,
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
        Some(Command::Staff {
            issue,
            operator,
            centre,
        }) => staff(cli.config, cli.dev, issue, &operator, &centre).await,
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
    let service_config = config.service()?;
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

async fn staff(
    file: Option<PathBuf>,
    dev: bool,
    issue: Issue,
    operator: &str,
    centre: &str,
) -> Result<(), String> {
    use kabinet_server::admin;
    let service = open(&load(file, dev)?).await?;
    let printed = match issue {
        Issue::ActivationCode { snils } => {
            admin::issue_activation_code(&service, &snils, operator, centre).await?
        }
        Issue::TemporaryPassword { login } => {
            admin::issue_temporary_password(&service, &login, operator, centre).await?
        }
    };
    println!("{printed}");
    Ok(())
}

async fn run(file: Option<PathBuf>, dev: bool) -> Result<(), String> {
    let config = load(file, dev)?;
    kabinet_server::logging::init(&config.log_format);
    let service = open(&config).await?;
    let worker = service.spawn_worker(
        format!("{}-{}", config.origin, std::process::id()),
        std::time::Duration::from_millis(config.job_period_ms.max(10)),
    );
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, dev = config.dev, "listening");
    // Scripts and tests starting the server on port 0 read the address from this line.
    println!("listening on http://{address}");
    let app = kabinet_server::app(service, config.http());
    kabinet_server::serve(listener, app, kabinet_server::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    worker.abort();
    tracing::info!("stopped");
    Ok(())
}
