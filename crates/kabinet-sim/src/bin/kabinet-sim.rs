//! `kabinet-sim sms|registries|post|bank [--listen ADDR] [--key KEY] …`: runs one simulator of an
//! outside party over HTTP until Ctrl-C. `kabinet-sim token --out DIR --snils …` makes a test
//! certification authority and a SoftHSM2 token with a citizen's key and certificate, and exits;
//! `kabinet-sim ocsp --authority DIR` then answers for that authority.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use kabinet_sim::sms::SmsGatewaySimulator;
use tokio::net::TcpListener;

/// Simulators of the parties Kabinet talks to, for the real adapters to be tested against.
#[derive(Parser)]
#[command(name = "kabinet-sim", version)]
struct Cli {
    #[command(subcommand)]
    party: Party,
}

#[derive(Subcommand)]
enum Party {
    /// The SMS gateway (default 127.0.0.1:8025).
    Sms(#[command(flatten)] Endpoint),
    /// The pension fund, interior ministry and tax registries (default 127.0.0.1:8026).
    Registries {
        #[command(flatten)]
        endpoint: Endpoint,
        /// The seed of the simulated population.
        #[arg(long, default_value_t = kabinet_service::SIMULATED_POPULATION_SEED)]
        seed: u64,
        /// How long each answer takes.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// The share of requests answered as unavailable, in percent.
        #[arg(long, default_value_t = 0)]
        failure_rate: u32,
    },
    /// The post (registered letters; default 127.0.0.1:8027).
    Post(#[command(flatten)] Endpoint),
    /// An online bank that confirms identities by redirect (default 127.0.0.1:8028): the demo
    /// bank, with the demo people as customers (login: the SNILS digits, password
    /// `demo-bank`).
    Bank {
        #[command(flatten)]
        endpoint: Endpoint,
        /// Kabinet's client id at the bank.
        #[arg(long, default_value = "kabinet")]
        client_id: String,
        /// Kabinet's return address, the only one the bank sends customers back to.
        #[arg(long, default_value = "http://localhost:8080/#/bank-return")]
        redirect_uri: String,
        /// How many demo people become customers.
        #[arg(long, default_value_t = 20)]
        customers: usize,
    },
    /// A certification authority and a SoftHSM2 token holding a key and a qualified
    /// certificate for a person: writes the authority's certificate and revocation list to
    /// `--out`, prints what to point Kabinet at as one JSON line, and exits.
    Token {
        /// Where the authority's files go.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The holder's SNILS.
        #[arg(long)]
        snils: String,
        /// The holder's surname.
        #[arg(long, default_value = "Иванов")]
        surname: String,
        /// The holder's given names.
        #[arg(long, default_value = "Иван Иванович")]
        given_name: String,
        /// The token's label.
        #[arg(long, default_value = "Рутокен ЭЦП 3.0")]
        label: String,
        /// The token's user PIN.
        #[arg(long, default_value = "12345678")]
        pin: String,
        /// The OCSP responder the certificate names (`kabinet-sim ocsp` for this authority).
        #[arg(long)]
        ocsp_url: Option<String>,
    },
    /// The OCSP responder of an authority made by `kabinet-sim token` (default
    /// 127.0.0.1:8029): every certificate of that authority is good.
    Ocsp {
        /// The address to listen on.
        #[arg(long)]
        listen: Option<String>,
        /// The folder `kabinet-sim token --out` wrote.
        #[arg(long)]
        authority: std::path::PathBuf,
    },
}

/// Where a simulator listens and the key it expects.
#[derive(Args)]
struct Endpoint {
    /// The address to listen on (the party's default port when not given).
    #[arg(long)]
    listen: Option<String>,
    /// The bearer key clients must send.
    #[arg(long, default_value = "dev-key")]
    key: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let party = Cli::parse().party;
    if let Party::Token {
        out,
        snils,
        surname,
        given_name,
        label,
        pin,
        ocsp_url,
    } = &party
    {
        let holder = kabinet_sim::authority::Holder {
            snils: snils.clone(),
            surname: surname.clone(),
            given_name: given_name.clone(),
        };
        return match kabinet_sim::authority::issue_on_token(
            out,
            &holder,
            label,
            pin,
            ocsp_url.as_deref(),
        ) {
            Ok(issued) => {
                println!("{}", serde_json::to_string(&issued).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("kabinet-sim: {message}");
                ExitCode::FAILURE
            }
        };
    }
    match start(party).await {
        Ok(()) => {
            tokio::signal::ctrl_c().await.ok();
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("kabinet-sim: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn bind(endpoint: &Endpoint, default: &str) -> Result<TcpListener, String> {
    let listen = endpoint.listen.as_deref().unwrap_or(default);
    TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))
}

/// Starts the simulator and says where it is.
async fn start(party: Party) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot start: {e}");
    match party {
        Party::Sms(endpoint) => {
            let listener = bind(&endpoint, "127.0.0.1:8025").await?;
            let sim = SmsGatewaySimulator::start(listener, &endpoint.key)
                .await
                .map_err(cannot)?;
            println!(
                "SMS gateway simulator at {} (key {})",
                sim.url(),
                endpoint.key
            );
        }
        Party::Registries {
            endpoint,
            seed,
            latency_ms,
            failure_rate,
        } => {
            use kabinet_service::ports::registry::{RegistrySimulator, population};
            let listener = bind(&endpoint, "127.0.0.1:8026").await?;
            let simulator = RegistrySimulator::new(
                population(seed, 1_000),
                std::time::Duration::from_millis(latency_ms),
            );
            simulator.set_failure_rate(failure_rate);
            let server =
                kabinet_sim::registry::RegistryServer::start(listener, simulator, &endpoint.key)
                    .await
                    .map_err(cannot)?;
            println!(
                "registry simulator at {} (key {}, seed {seed})",
                server.url(),
                endpoint.key
            );
            for p in server.simulator.people().iter().take(3) {
                println!(
                    "  e.g. {} {} {}, born {}, SNILS {}, passport {}",
                    p.surname, p.first_name, p.patronymic, p.birth_date, p.snils, p.passport
                );
            }
        }
        Party::Post(endpoint) => {
            let listener = bind(&endpoint, "127.0.0.1:8027").await?;
            let clock = std::sync::Arc::new(kabinet_service::ports::clock::SystemClock);
            let simulator = kabinet_service::ports::post::PostSimulator::new(clock);
            let server = kabinet_sim::post::PostServer::start(listener, simulator, &endpoint.key)
                .await
                .map_err(cannot)?;
            println!("post simulator at {} (key {})", server.url(), endpoint.key);
        }
        Party::Bank {
            endpoint,
            client_id,
            redirect_uri,
            customers,
        } => {
            use kabinet_sim::bank::{BankClient, BankServer, DEMO_PASSWORD, demo_customers};
            let listener = bind(&endpoint, "127.0.0.1:8028").await?;
            let clock = std::sync::Arc::new(kabinet_service::ports::clock::SystemClock);
            let simulator = kabinet_service::ports::bank::BankSimulator::demo();
            let server = BankServer::start(listener, simulator, clock, &endpoint.key)
                .await
                .map_err(cannot)?;
            server.register_client(BankClient {
                client_id,
                redirect_uri,
            });
            for customer in demo_customers(customers) {
                server.add_customer(customer);
            }
            println!(
                "bank simulator at {} (key {}; demo customers: SNILS digits, password {DEMO_PASSWORD})",
                server.authorize_url(),
                endpoint.key
            );
        }
        // Made and exited in `main`: it serves nothing.
        Party::Token { .. } => return Err("the token is made without a server".into()),
        Party::Ocsp { listen, authority } => {
            let listen = listen.as_deref().unwrap_or("127.0.0.1:8029");
            let listener = TcpListener::bind(listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            let pem = std::fs::read(authority.join("authority.pem"))
                .map_err(|e| format!("authority.pem: {e}"))?;
            let certificate = kabinet_signature::Certificate::from_pem(&pem)
                .map_err(|e| format!("authority.pem: {e}"))?;
            let key = std::fs::read(authority.join("authority.key"))
                .map_err(|e| format!("authority.key: {e}"))?;
            let server =
                kabinet_sim::ocsp::OcspServer::start(listener, &certificate.to_der(), &key).await?;
            println!("OCSP responder at {}", server.url());
        }
    }
    Ok(())
}
