//! `kabinet-server [--config FILE] [--dev]`: glue that reads the configuration, opens the
//! database (running migrations), starts the job worker and serves until SIGTERM or Ctrl-C,
//! finishing the requests in flight.
//!
//! `kabinet-server [--config FILE] [--dev] staff activation-code --snils S | temporary-password
//! --login L [--operator ID] [--centre ID]` and `kabinet-server demo-people [--count N]`: see [`kabinet_server::admin`].

use std::path::PathBuf;
use std::process::ExitCode;

use kabinet_server::config::ServerConfig;
use kabinet_service::Service;
use kabinet_store::Store;

#[tokio::main]
async fn main() -> ExitCode {
    let mut file = std::env::var_os("KABINET_CONFIG").map(PathBuf::from);
    let mut dev = false;
    let mut command = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => file = args.next().map(PathBuf::from),
            "--dev" => dev = true,
            _ => command.push(arg),
        }
    }
    let outcome = match command.first().map(String::as_str) {
        None => run(file, dev).await,
        Some("demo-people") => {
            let count = option(&command, "--count").and_then(|c| c.parse().ok());
            println!("{}", kabinet_server::admin::demo_people(count.unwrap_or(5)));
            Ok(())
        }
        Some("staff") => staff(file, dev, &command).await,
        Some(_) => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
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

const USAGE: &str = "usage: kabinet-server [--config FILE] [--dev]
       kabinet-server [--config FILE] [--dev] staff activation-code --snils SNILS [--operator ID] [--centre ID]
       kabinet-server [--config FILE] [--dev] staff temporary-password --login LOGIN [--operator ID] [--centre ID]
       kabinet-server demo-people [--count N]";

fn option(args: &[String], name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
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

async fn staff(file: Option<PathBuf>, dev: bool, args: &[String]) -> Result<(), String> {
    use kabinet_server::admin;
    let operator = option(args, "--operator").unwrap_or_else(|| "command-line".into());
    let centre = option(args, "--centre").unwrap_or_else(|| "command-line".into());
    let printed = match args.get(1).map(String::as_str) {
        Some("activation-code") => {
            let snils = option(args, "--snils").ok_or("--snils is required")?;
            let service = open(&load(file, dev)?).await?;
            admin::issue_activation_code(&service, &snils, &operator, &centre).await?
        }
        Some("temporary-password") => {
            let login = option(args, "--login").ok_or("--login is required")?;
            let service = open(&load(file, dev)?).await?;
            admin::issue_temporary_password(&service, &login, &operator, &centre).await?
        }
        _ => return Err(USAGE.to_owned()),
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
