//! `kabinet-sim sms [--listen 127.0.0.1:8025] [--key dev-key]`: runs a simulator until Ctrl-C.

use kabinet_sim::sms::SmsGatewaySimulator;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    match args.first().map(String::as_str) {
        Some("sms") => {
            let listen = option("--listen", "127.0.0.1:8025");
            let key = option("--key", "dev-key");
            let listener = match tokio::net::TcpListener::bind(&listen).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("cannot listen on {listen}: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            match SmsGatewaySimulator::start(listener, &key).await {
                Ok(sim) => println!("SMS gateway simulator at {} (key {key})", sim.url()),
                Err(e) => {
                    eprintln!("cannot start: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            }
            tokio::signal::ctrl_c().await.ok();
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: kabinet-sim sms [--listen ADDR] [--key KEY]");
            std::process::ExitCode::FAILURE
        }
    }
}
