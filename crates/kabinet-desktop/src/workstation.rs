//! A service-centre workstation with a replica: the centre's server is asked first; when it
//! cannot be reached, what a desk can do without it (find a citizen the replica holds, register,
//! confirm in person, restore access, and staff sign-in within the offline window) is done on
//! the replica, a SQLite file of its own in the app-data folder, whose outbox the sync pushes
//! when the server answers again. The workstation authenticates to the server with its
//! enrolment key only; it never holds the centre's database credentials.

use std::any::Any;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use kabinet_api::*;
use kabinet_client::Client;
use kabinet_service::Service;
use kabinet_service::sync::{SyncLink, SyncReport};
use serde::Serialize;

/// Whether a workstation does `operation` on its replica when the server cannot be reached:
/// the staff operations a replica allows (the service's list, so the two cannot drift apart),
/// and what it takes to get there — the app's and the workstation's description, staff sign-in.
pub fn offline(operation: &str) -> bool {
    kabinet_service::sync::OFFLINE_OPERATIONS.contains(&operation)
        || ["app_info", "workstation_info", "staff_sign_in"].contains(&operation)
}

/// The replica's database: `workstation.db` in the app-data folder, apart from the demo's.
pub fn replica_url(data_dir: &std::path::Path) -> String {
    kabinet_store::connect::sqlite_url_in(data_dir, "workstation")
}

/// Whether an answer means the server could not be reached (no answer, or a gateway's): not a
/// refusal of the server's own, which always says when to come back.
pub fn no_link(error: &ApiError) -> bool {
    error.code == ErrorCode::Unavailable && error.retry_at.is_none()
}

/// Where the workstation's sync stands, for the screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// Whether the server answered last time.
    pub online: bool,
    /// When a sync last completed.
    pub last_success: Option<DateTime<Utc>>,
    /// Changes made here still waiting for the centre.
    pub waiting: u64,
    /// Conflicts open at the centre.
    pub conflicts_open: u64,
    /// Activation codes this workstation can still hand out without the link.
    pub blanks_held: u64,
}

/// The server and the replica.
pub struct Workstation {
    /// The replica.
    pub local: Service,
    /// The centre's server.
    pub remote: Client,
    online: AtomicBool,
    adopted: AtomicBool,
    status: Mutex<SyncStatus>,
}

/// The link to the centre with this workstation's key.
struct Link<'a> {
    remote: &'a Client,
    context: Context,
}

impl SyncLink for Link<'_> {
    async fn push(&self, request: SyncPush) -> Result<SyncPushed, ApiError> {
        self.remote.sync_push(&self.context, request).await
    }

    async fn pull(&self, request: SyncPull) -> Result<SyncPulled, ApiError> {
        self.remote.sync_pull(&self.context, request).await
    }
}

impl Workstation {
    /// A workstation over `local` (a replica: marked so here) and the server `remote`.
    pub async fn new(local: Service, remote: Client) -> Result<Self, String> {
        local.become_replica().await.map_err(|e| e.message)?;
        Ok(Self {
            local,
            remote,
            online: AtomicBool::new(true),
            adopted: AtomicBool::new(false),
            status: Mutex::new(SyncStatus {
                online: true,
                ..SyncStatus::default()
            }),
        })
    }

    /// Records whether the server answered.
    pub fn answered(&self, answered: bool) {
        self.online.store(answered, Ordering::SeqCst);
        if let Ok(mut status) = self.status.lock() {
            status.online = answered;
        }
    }

    /// After the server did an operation: a staff member who signed in here is kept on the
    /// replica (record, password verifier, session) for the offline window.
    pub async fn after_remote(
        &self,
        context: &Context,
        request: &(dyn Any + Send + Sync),
        answer: &(dyn Any + Send + Sync),
    ) {
        let (Some(sign_in), Some(signed)) = (
            request.downcast_ref::<StaffSignIn>(),
            answer.downcast_ref::<StaffSignedIn>(),
        ) else {
            return;
        };
        let Some(key) = context.workstation.clone() else {
            return;
        };
        let outcome = async {
            let info = self.adopt(&key).await?;
            self.local
                .adopt_staff_session(signed, &sign_in.password, info.workstation_id)
                .await
        }
        .await;
        if let Err(e) = outcome {
            eprintln!(
                "kabinet: the staff member is not kept for offline work ({})",
                e.message
            );
        }
    }

    /// The workstation as the server describes it, recorded on the replica.
    async fn adopt(&self, key: &str) -> Result<WorkstationInfo, ApiError> {
        let context = Context {
            session: None,
            address: String::new(),
            device_id: "workstation".into(),
            device_name: "workstation".into(),
            workstation: Some(key.to_owned()),
        };
        let info = self.remote.workstation_info(&context, Empty {}).await?;
        self.local.adopt_workstation(&info, key).await?;
        self.adopted.store(true, Ordering::SeqCst);
        Ok(info)
    }

    /// One sync with the workstation's key: the outbox pushed, the centre's accounts pulled.
    pub async fn sync(&self, key: &str) -> SyncStatus {
        let outcome: Result<SyncReport, ApiError> = async {
            if !self.adopted.load(Ordering::SeqCst) {
                self.adopt(key).await?;
            }
            let link = Link {
                remote: &self.remote,
                context: Context {
                    session: None,
                    address: String::new(),
                    device_id: "workstation".into(),
                    device_name: "workstation".into(),
                    workstation: Some(key.to_owned()),
                },
            };
            self.local.sync_once(&link).await
        }
        .await;
        let waiting = kabinet_store::sync::outbox_waiting_count(self.local.store())
            .await
            .unwrap_or_default();
        let mut status = self.status();
        match outcome {
            Ok(report) => {
                status.online = true;
                status.last_success = Some(self.local.now());
                status.conflicts_open = report.conflicts_open;
            }
            Err(e) => status.online = !no_link(&e),
        }
        status.waiting = waiting;
        status.blanks_held = self.local.blanks_held().await.unwrap_or_default();
        self.online.store(status.online, Ordering::SeqCst);
        if let Ok(mut kept) = self.status.lock() {
            *kept = status.clone();
        }
        status
    }

    /// Where the sync stands.
    pub fn status(&self) -> SyncStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
