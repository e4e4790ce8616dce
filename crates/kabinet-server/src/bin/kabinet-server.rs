//! `kabinet-server [--config FILE] [--dev]`: glue that reads the configuration, opens the
//! database (running migrations), starts the job worker and serves until SIGTERM or Ctrl-C,
//! finishing the requests in flight.

use std::path::PathBuf;
use std::process::ExitCode;

use kabinet_server::config::ServerConfig;
use kabinet_service::Service;
use kabinet_store::Store;

#[tokio::main]
async fn main() -> ExitCode {
    let mut file = std::env::var_os("KABINET_CONFIG").map(PathBuf::from);
    let mut dev = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => file = args.next().map(PathBuf::from),
            "--dev" => dev = true,
            _ => {
                eprintln!("usage: kabinet-server [--config FILE] [--dev]");
                return ExitCode::from(2);
            }
        }
    }
    match run(file, dev).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(%message, "the server stopped");
            eprintln!("kabinet-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(file: Option<PathBuf>, dev: bool) -> Result<(), String> {
    let mut config = ServerConfig::load(file.as_deref())?;
    config.dev |= dev;
    kabinet_server::logging::init(&config.log_format);
    let service_config = config.service()?;
    let ports = config.ports()?;
    let store = Store::connect(&config.database_url()?)
        .await
        .map_err(|e| e.to_string())?;
    let service = Service::new(store, service_config, ports).map_err(|e| e.to_string())?;
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
