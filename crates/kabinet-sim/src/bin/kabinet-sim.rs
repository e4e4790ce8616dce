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
        Some("registries") => {
            use kabinet_service::ports::registry::{RegistrySimulator, population};
            let listen = option("--listen", "127.0.0.1:8026");
            let key = option("--key", "dev-key");
            let seed = option(
                "--seed",
                &kabinet_service::SIMULATED_POPULATION_SEED.to_string(),
            )
            .parse()
            .unwrap_or(kabinet_service::SIMULATED_POPULATION_SEED);
            let latency_ms: u64 = option("--latency-ms", "0").parse().unwrap_or(0);
            let failure_rate: u32 = option("--failure-rate", "0").parse().unwrap_or(0);
            let listener = match tokio::net::TcpListener::bind(&listen).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("cannot listen on {listen}: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let simulator = RegistrySimulator::new(
                population(seed, 1_000),
                std::time::Duration::from_millis(latency_ms),
            );
            simulator.set_failure_rate(failure_rate);
            match kabinet_sim::registry::RegistryServer::start(listener, simulator, &key).await {
                Ok(server) => {
                    println!(
                        "registry simulator at {} (key {key}, seed {seed})",
                        server.url()
                    );
                    for p in server.simulator.people().iter().take(3) {
                        println!(
                            "  e.g. {} {} {}, born {}, SNILS {}, passport {}",
                            p.surname,
                            p.first_name,
                            p.patronymic,
                            p.birth_date,
                            p.snils,
                            p.passport
                        );
                    }
                }
                Err(e) => {
                    eprintln!("cannot start: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            }
            tokio::signal::ctrl_c().await.ok();
            std::process::ExitCode::SUCCESS
        }
        Some("post") => {
            let listen = option("--listen", "127.0.0.1:8027");
            let key = option("--key", "dev-key");
            let listener = match tokio::net::TcpListener::bind(&listen).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("cannot listen on {listen}: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let clock = std::sync::Arc::new(kabinet_service::ports::clock::SystemClock);
            let simulator = kabinet_service::ports::post::PostSimulator::new(clock);
            match kabinet_sim::post::PostServer::start(listener, simulator, &key).await {
                Ok(server) => println!("post simulator at {} (key {key})", server.url()),
                Err(e) => {
                    eprintln!("cannot start: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            }
            tokio::signal::ctrl_c().await.ok();
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: kabinet-sim sms|registries|post [--listen ADDR] [--key KEY] [--seed N] [--latency-ms N] [--failure-rate PERCENT]"
            );
            std::process::ExitCode::FAILURE
        }
    }
}
