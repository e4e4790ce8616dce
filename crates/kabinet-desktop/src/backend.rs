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
}

macro_rules! backend_api {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Api for Backend {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    match self {
                        Backend::Embedded(service) => service.$name(context, request).await,
                        Backend::Remote(client) => client.$name(context, request).await,
                    }
                }
            )*
        }
    };
}

with_operations!(backend_api);

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
