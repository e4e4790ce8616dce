//! Session checks from memory: what a session check read from the database (the session, its
//! account, the account's phone and e-mail) kept per token hash for at most
//! `session_cache_ttl`, so checking a session again costs no round trip.
//!
//! Coherence is the store's watchers' job ([`kabinet_store::watch`]): every write of an
//! account's row, logins or sessions — in this process after its commit, in any process on
//! PostgreSQL through `LISTEN` — drops the account's entries here before the writer's request
//! is answered or within the notice's delivery. While the store cannot promise to hear every
//! change (PostgreSQL's listener not connected), nothing is kept or served from here.
//!
//! A read that started before a change and ends after it must not store what it read: every
//! drop advances a generation, and a read stores its result only if the generation it saw
//! before reading is still current.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kabinet_store::accounts::SessionHolder;
use kabinet_store::watch::Watchers;
use uuid::Uuid;

/// More sessions than this at once and the cache starts afresh (a bound on memory).
const MAX_ENTRIES: usize = 200_000;

/// The cache of one service (one process).
pub(crate) struct SessionCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<Entries>,
    /// Set once the store's watchers report to this cache.
    watchers: std::sync::OnceLock<Watchers>,
}

#[derive(Default)]
struct Entries {
    by_token: HashMap<Vec<u8>, (SessionHolder, Instant)>,
    by_account: HashMap<Uuid, Vec<Vec<u8>>>,
}

impl SessionCache {
    /// A cache whose entries live `ttl` (zero: no cache).
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::default(),
            watchers: std::sync::OnceLock::new(),
        }
    }

    /// Starts hearing the store's changes (after which the cache may be used).
    pub(crate) fn watch(&self, watchers: Watchers) {
        let _ = self.watchers.set(watchers);
    }

    fn usable(&self) -> bool {
        !self.ttl.is_zero() && self.watchers.get().is_some_and(Watchers::complete)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What was read for this token hash, if it is still fresh.
    pub(crate) fn get(&self, token_hash: &[u8]) -> Option<SessionHolder> {
        if !self.usable() {
            return None;
        }
        let entries = self.lock();
        let (holder, at) = entries.by_token.get(token_hash)?;
        (at.elapsed() < self.ttl).then(|| holder.clone())
    }

    /// The generation to hand back to [`SessionCache::put`] with what is read next.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `holder`, read after [`SessionCache::generation`] said `seen`, unless a change
    /// was heard since.
    pub(crate) fn put(&self, token_hash: &[u8], holder: &SessionHolder, seen: u64) {
        if !self.usable() {
            return;
        }
        let mut entries = self.lock();
        // Checked under the lock that drops take too: no drop can slip in between.
        if self.generation.load(Ordering::Acquire) != seen {
            return;
        }
        if entries.by_token.len() >= MAX_ENTRIES {
            *entries = Entries::default();
        }
        let account = holder.account.id;
        entries
            .by_token
            .insert(token_hash.to_vec(), (holder.clone(), Instant::now()));
        let tokens = entries.by_account.entry(account).or_default();
        tokens.retain(|t| t != token_hash);
        tokens.push(token_hash.to_vec());
    }

    /// Drops what is kept of `account` (`None`: of everyone).
    pub(crate) fn drop_account(&self, account: Option<Uuid>) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        match account {
            Some(id) => {
                for token in entries.by_account.remove(&id).unwrap_or_default() {
                    entries.by_token.remove(&token);
                }
            }
            None => *entries = Entries::default(),
        }
    }
}
