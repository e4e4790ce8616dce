//! The service in this process, or a server through the remote client: one [`Api`] either way.

use std::sync::Arc;

use kabinet_api::*;
use kabinet_client::Client;
use kabinet_service::ports::clock::SystemClock;
use kabinet_service::{Ports, Service, ServiceConfig};
use kabinet_store::Store;

use crate::keyring::Keyring;

/// Where the desktop's operations go.
pub enum Backend {
    /// The service in-process (SQLite in the app-data folder, simulators on).
    Embedded(Service),
    /// A Kabinet server.
    Remote(Client),
    /// A service-centre workstation: the server, and a replica for when it cannot be reached.
    Workstation(Box<crate::workstation::Workstation>),
}

macro_rules! backend_api {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Api for Backend {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    match self {
                        Backend::Embedded(service) => service.$name(context, request).await,
                        Backend::Remote(client) => client.$name(context, request).await,
                        Backend::Workstation(w) => {
                            let name = stringify!($name);
                            if !crate::workstation::offline(name) {
                                let outcome = w.remote.$name(context, request).await;
                                w.answered(!outcome.as_ref().is_err_and(crate::workstation::no_link));
                                return outcome;
                            }
                            let again = request.clone();
                            match w.remote.$name(context, request).await {
                                Err(e) if crate::workstation::no_link(&e) => {
                                    w.answered(false);
                                    w.local.$name(context, again).await
                                }
                                Ok(answer) => {
                                    w.answered(true);
                                    w.after_remote(context, &again, &answer).await;
                                    Ok(answer)
                                }
                                other => other,
                            }
                        }
                    }
                }
            )*
        }
    };
}

with_operations!(backend_api);

/// A workstation: kabinet-client against `server_url` and a replica on `database_url` (a SQLite
/// file of its own), its keys from `keyring`. No job worker runs on a replica: the registry
/// checks are the centre's.
pub async fn open_workstation(
    server_url: &str,
    database_url: &str,
    keyring: &Keyring,
) -> Result<Backend, String> {
    let remote = Client::new(server_url.trim(), kabinet_client::ClientOptions::default())
        .map_err(|e| e.message)?;
    let pepper = keyring.key("pepper").map_err(|e| e.to_string())?;
    let seal_key = keyring.key("seal-key").map_err(|e| e.to_string())?;
    let mut config = ServiceConfig::new(pepper, seal_key);
    config.origin = "workstation".into();
    let store = Store::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    // Nothing leaves a replica by SMS or mail (those operations need the centre), so no
    // simulator's inbox is shown either.
    let mut ports = Ports::simulated(Arc::new(SystemClock));
    ports.inbox = None;
    let local = Service::new(store, config, ports).map_err(|e| e.to_string())?;
    Ok(Backend::Workstation(Box::new(
        crate::workstation::Workstation::new(local, remote).await?,
    )))
}

/// The remote backend: kabinet-client against `server_url`.
pub fn open_remote(server_url: &str) -> Result<Backend, String> {
    Client::new(server_url.trim(), kabinet_client::ClientOptions::default())
        .map(Backend::Remote)
        .map_err(|e| e.message)
}

/// Opens the embedded service on `database_url` with simulated outside parties; its pepper and
/// sealing key come from `keyring` (made on first start). Starts the job worker.
pub async fn open_embedded(database_url: &str, keyring: &Keyring) -> Result<Service, String> {
    let pepper = keyring.key("pepper").map_err(|e| e.to_string())?;
    let seal_key = keyring.key("seal-key").map_err(|e| e.to_string())?;
    let mut config = ServiceConfig::new(pepper, seal_key);
    config.origin = "desktop".into();
    let store = Store::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    let service = Service::new(store, config, Ports::simulated(Arc::new(SystemClock)))
        .map_err(|e| e.to_string())?;
    // The worker runs registry checks and letters for as long as the process lives. It starts two
    // seconds after the backend opens, so the first screen does not share the database with it.
    let worker = service.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        // Dropping the handle detaches it.
        drop(worker.spawn_worker("desktop".into(), std::time::Duration::from_secs(1)));
    });
    Ok(service)
}
