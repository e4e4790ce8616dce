//! Who is told that an account's sign-in state changed — its row, its logins or its sessions —
//! so a per-process cache of session checks can drop what it holds of that account.
//!
//! In this process: every write of those rows names the account ([`crate::Conn::changed`]); a
//! write inside a [`crate::Tx`] is told after its commit (told before, a reader could cache the
//! old row again while the change is still invisible), a write on the pool at once. Across
//! processes, on PostgreSQL: triggers on `accounts`, `logins` and `sessions` send the account's
//! id on the channel `kabinet_account_changed` when their transaction commits (migration 0012),
//! and a listener of this store passes each on. While that listener is not connected — before
//! its first `LISTEN`, after a lost connection until it listens again — [`Watchers::complete`]
//! is false and every watcher has been told that anything may have changed (`None`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use uuid::Uuid;

/// The PostgreSQL channel the triggers notify.
pub const CHANNEL: &str = "kabinet_account_changed";

/// Told `Some(account)` when that account changed, `None` when anything may have.
pub type Watcher = Arc<dyn Fn(Option<Uuid>) + Send + Sync>;

/// The watchers of one store (shared by its clones).
#[derive(Clone)]
pub struct Watchers {
    watchers: Arc<RwLock<Vec<Watcher>>>,
    /// Whether changes made by other processes are heard too.
    listening: Arc<AtomicBool>,
    /// Whether the listener was started.
    started: Arc<AtomicBool>,
    /// True once the store closes: the listener gives its connection back and ends.
    stop: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Watchers {
    fn default() -> Self {
        Self {
            watchers: Arc::default(),
            listening: Arc::default(),
            started: Arc::default(),
            stop: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }
}

impl std::fmt::Debug for Watchers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchers")
            .field("listening", &self.listening.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Watchers {
    pub(crate) fn tell(&self, account: Option<Uuid>) {
        let watchers = self.watchers.read().unwrap_or_else(|e| e.into_inner());
        for watcher in watchers.iter() {
            watcher(account);
        }
    }

    pub(crate) fn add(&self, watcher: Watcher) {
        self.watchers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(watcher);
    }

    /// Whether every change is heard: always on SQLite (one process owns the file); on
    /// PostgreSQL while the listener is connected.
    pub fn complete(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    pub(crate) fn in_process_only(&self) {
        self.listening.store(true, Ordering::Release);
    }

    /// Starts the PostgreSQL listener once (on the current Tokio runtime).
    pub(crate) fn listen(&self, pool: sea_orm::sqlx::PgPool) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let watchers = self.clone();
        let mut stop = self.stop.subscribe();
        tokio::spawn(async move {
            while !*stop.borrow() && !pool.is_closed() {
                tokio::select! {
                    () = watchers.listen_once(&pool) => {}
                    _ = stop.wait_for(|stopped| *stopped) => break,
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.wait_for(|stopped| *stopped) => break,
                }
            }
            watchers.listening.store(false, Ordering::Release);
        });
    }

    /// Ends the listener (the store is closing: its connection must go back to the pool).
    pub(crate) fn stop(&self) {
        self.stop.send_replace(true);
        self.listening.store(false, Ordering::Release);
        self.tell(None);
    }

    /// One connection's worth of listening: ends when the connection is lost.
    async fn listen_once(&self, pool: &sea_orm::sqlx::PgPool) {
        use sea_orm::sqlx::postgres::PgListener;

        let Ok(mut listener) = PgListener::connect_with(pool).await else {
            return;
        };
        if listener.listen(CHANNEL).await.is_err() {
            return;
        }
        self.listening.store(true, Ordering::Release);
        // Whatever changed while no one listened is unknown.
        self.tell(None);
        // Until the connection is lost (`Ok(None)` or an error): sqlx would listen again, but
        // what was sent meanwhile is gone, so this stops trusting and starts over.
        while let Ok(Some(notification)) = listener.try_recv().await {
            if let Ok(id) = notification.payload().parse::<Uuid>() {
                self.tell(Some(id));
            }
        }
        self.listening.store(false, Ordering::Release);
        self.tell(None);
    }
}
