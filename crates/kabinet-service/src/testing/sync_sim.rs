//! A deterministic simulation of workstation sync with faults: one centre, several
//! workstations with replicas of their own, and a seeded schedule of desk work on both sides,
//! syncs through a link that loses requests and answers, delivers twice, delivers an old push
//! again out of order, and has the centre die half-way through a batch; workstations restart
//! (their service is dropped and opened again on the same database file); operators at the
//! centre block and confirm citizens, run the registry checks and resolve conflicts meanwhile.
//!
//! After the links heal and everyone has synced, [`check`] states the invariants: every change
//! made at a desk was received by the centre exactly once, in order, and none is still waiting;
//! no SNILS or passport is held by two accounts; every projection equals the replay of its
//! log; every replica holds exactly the centre's copy of every account in its centre's scope,
//! and nothing else but its own registrations still waiting in an open conflict.
//!
//! The same seed makes the same schedule and the same faults (ids and hashes are random, and
//! never decide anything). The CI runs a fixed handful of seeds; `cargo xtask bench` runs
//! hundreds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};
use kabinet_api::*;
use kabinet_core::secret::HashParams;
use kabinet_store::testing::TestDb;
use kabinet_store::{Store, accounts, event_log, events, sync as store};
use uuid::Uuid;

use super::{Desk, open_centre};
use crate::ports::clock::ManualClock;
use crate::ports::registry::{Person, population};
use crate::sync::{SyncLink, Through};
use crate::{Ports, SIMULATED_POPULATION_SEED, Service, ServiceConfig};

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct SimConfig {
    /// The schedule's seed.
    pub seed: u64,
    /// How many workstations.
    pub workstations: usize,
    /// How many steps of work before the links heal.
    pub steps: usize,
    /// How many different citizens come (few, so that two desks register the same person).
    pub people: usize,
}

impl SimConfig {
    /// Three workstations, 80 steps, six citizens.
    pub fn seed(seed: u64) -> Self {
        Self {
            seed,
            workstations: 3,
            steps: 80,
            people: 6,
        }
    }
}

/// What a run did, and every invariant it found broken.
#[derive(Debug, Clone, Default)]
pub struct SimReport {
    /// Changes made at the desks (each one an outbox entry).
    pub desk_changes: usize,
    /// Changes the centre applied as they were.
    pub applied: usize,
    /// Conflicts opened.
    pub conflicts: usize,
    /// Conflicts resolved by an operator.
    pub resolved: usize,
    /// Faults the link injected.
    pub faults: usize,
    /// Workstation restarts.
    pub restarts: usize,
    /// Syncs that ended in an error (and were simply run again later).
    pub failed_syncs: usize,
    /// Activation blanks handed out offline and bound at the centre.
    pub blanks_bound: usize,
    /// Broken invariants, in words; empty when all hold.
    pub violations: Vec<String>,
}

/// splitmix64: small, seedable, good enough to pick actions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The link with faults in it.
struct FaultyLink {
    central: Service,
    context: Context,
    rng: Mutex<Rng>,
    sent: Mutex<Vec<SyncPush>>,
    faults: Arc<AtomicUsize>,
}

impl FaultyLink {
    fn roll(&self) -> usize {
        self.rng.lock().map(|mut r| r.below(100)).unwrap_or(99)
    }

    fn fault(&self) {
        self.faults.fetch_add(1, Ordering::SeqCst);
    }

    fn lost() -> ApiError {
        ApiError::new(ErrorCode::Unavailable).with_message("the link is down")
    }
}

impl SyncLink for FaultyLink {
    async fn push(&self, request: SyncPush) -> Result<SyncPushed, ApiError> {
        // An old push delivered again, before this one (reordered and duplicated).
        if self.roll() < 15 {
            let old = self.sent.lock().ok().and_then(|sent| {
                (!sent.is_empty()).then(|| sent[self.roll() % sent.len()].clone())
            });
            if let Some(old) = old {
                self.fault();
                let _ = Api::sync_push(&self.central, &self.context, old).await;
            }
        }
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(request.clone());
            if sent.len() > 20 {
                sent.remove(0);
            }
        }
        match self.roll() {
            0..10 => {
                self.fault();
                Err(Self::lost())
            }
            10..20 => {
                // The centre dies half-way through the batch.
                self.fault();
                let keep = request.changes.len() / 2;
                let half = SyncPush {
                    changes: request.changes[..keep].to_vec(),
                };
                let _ = Api::sync_push(&self.central, &self.context, half).await;
                Err(Self::lost())
            }
            20..30 => {
                // Delivered; the answer is lost.
                self.fault();
                let _ = Api::sync_push(&self.central, &self.context, request).await;
                Err(Self::lost())
            }
            30..40 => {
                self.fault();
                let _ = Api::sync_push(&self.central, &self.context, request.clone()).await;
                Api::sync_push(&self.central, &self.context, request).await
            }
            _ => Api::sync_push(&self.central, &self.context, request).await,
        }
    }

    async fn pull(&self, request: SyncPull) -> Result<SyncPulled, ApiError> {
        match self.roll() {
            0..10 => {
                self.fault();
                Err(Self::lost())
            }
            10..20 => {
                self.fault();
                let _ = Api::sync_pull(&self.central, &self.context, request).await;
                Err(Self::lost())
            }
            _ => Api::sync_pull(&self.central, &self.context, request).await,
        }
    }
}

/// A workstation with its replica.
pub struct Replica {
    /// The workstation's own service, on its replica.
    pub service: Service,
    /// An operator signed in at it (personnel number 101).
    pub desk: Desk,
    /// The workstation's context at the centre (its key there).
    pub link: Context,
    /// Its id at the centre.
    pub central_id: Uuid,
    /// Its database, for another process to open.
    pub url: String,
    config: ServiceConfig,
    db: Option<TestDb>,
}

impl Replica {
    /// The healthy link to the centre.
    pub fn link_to(&self, central: &Service) -> Through<Service> {
        Through {
            api: central.clone(),
            context: self.link.clone(),
        }
    }

    /// Drops the service and opens it again on the same database, as after a crash.
    pub async fn restart(&mut self, clock: &ManualClock) -> Result<(), ApiError> {
        let store = Store::connect(&self.url)
            .await
            .map_err(crate::error::store)?;
        self.service = service(store, self.config.clone(), clock)?;
        Ok(())
    }
}

/// A centre and its workstations, set up as an administrator would.
pub struct Network {
    /// The one clock of everyone.
    pub clock: ManualClock,
    /// The centre's service.
    pub central: Service,
    /// The centre, its administrator signed in.
    pub centre: super::Centre,
    /// An operator at the centre (personnel number 101 too), with every desk scope, blocks
    /// and conflicts.
    pub operator: Desk,
    /// The workstations.
    pub replicas: Vec<Replica>,
    central_db: Option<TestDb>,
}

impl Network {
    /// A centre on `central_db` with `workstations` workstations, each with a replica on a
    /// SQLite file of its own and operator 101 signed in there.
    pub async fn new(central_db: TestDb, workstations: usize) -> Result<Self, ApiError> {
        let clock = ManualClock::at(
            Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
                .single()
                .unwrap_or_default(),
        );
        let central = service(central_db.store.clone(), config(1), &clock)?;
        let centre = open_centre(&central, &central, "Центр обслуживания").await?;
        let mut scopes = DESK_SCOPES.to_vec();
        scopes.extend([
            Scope::AccountBlock,
            Scope::ConflictResolve,
            Scope::ActivationCodeIssue,
        ]);
        let operator = centre.staff(&central, &central, "101", &scopes).await?;
        let mut replicas = Vec::new();
        for i in 0..workstations {
            let code = Api::workstation_code(
                &central,
                &centre.admin,
                ForCentre {
                    centre_id: centre.id,
                },
            )
            .await?;
            let link = super::enrol(&central, &code.code, &format!("Окно {}", i + 2)).await?;
            let central_id = Api::workstation_info(&central, &link, Empty {})
                .await?
                .workstation_id;
            let db = TestDb::sqlite().await;
            let replica_config = config(10 + i as u8);
            let local = service(db.store.clone(), replica_config.clone(), &clock)?;
            // The replica's own centre and staff (the same personnel number as at the centre),
            // set up before it becomes a replica, which refuses administration.
            let local_centre = open_centre(&local, &local, "Центр обслуживания").await?;
            // Blocks and activation codes too, so that a test sees the replica refuse them.
            let mut local_scopes = DESK_SCOPES.to_vec();
            local_scopes.extend([Scope::AccountBlock, Scope::ActivationCodeIssue]);
            let desk = local_centre
                .staff(&local, &local, "101", &local_scopes)
                .await?;
            local.become_replica().await?;
            replicas.push(Replica {
                service: local,
                url: db.url.clone(),
                config: replica_config,
                desk,
                link,
                central_id,
                db: Some(db),
            });
        }
        Ok(Self {
            clock,
            central,
            centre,
            operator,
            replicas,
            central_db: Some(central_db),
        })
    }

    /// Every invariant of a healed network that does not hold, in words.
    pub async fn violations(&self) -> Result<Vec<String>, ApiError> {
        check(&self.central, self.centre.id, &self.replicas).await
    }

    /// Drops every database made for it.
    pub async fn finish(mut self) {
        for replica in &mut self.replicas {
            if let Some(db) = replica.db.take() {
                db.finish().await;
            }
        }
        if let Some(db) = self.central_db.take() {
            db.finish().await;
        }
    }
}

/// Cheap hashing: the simulation is about sync, not argon2.
fn config(pepper: u8) -> ServiceConfig {
    let mut config = ServiceConfig::new([pepper; 32], [pepper.wrapping_add(1); 32]);
    config.hash_params = HashParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
    config.origin = format!("sim-{pepper}");
    config
}

fn service(store: Store, config: ServiceConfig, clock: &ManualClock) -> Result<Service, ApiError> {
    Service::new(store, config, Ports::simulated(Arc::new(clock.clone())))
        .map_err(|e| crate::error::internal(&e))
}

pub use super::form_of;

const DESK_SCOPES: [Scope; 4] = [
    Scope::CitizenSearch,
    Scope::CitizenRegister,
    Scope::IdentityConfirm,
    Scope::AccessRestore,
];

/// Runs one simulation with the centre on `central_db`; the replicas get SQLite files of
/// their own. Errors only when the set-up itself fails.
pub async fn run(sim: SimConfig, central_db: TestDb) -> Result<SimReport, ApiError> {
    let net = Network::new(central_db, sim.workstations.max(1)).await?;
    let mut net = net;
    let report = simulate(sim, &mut net).await;
    net.finish().await;
    report
}

async fn simulate(sim: SimConfig, net: &mut Network) -> Result<SimReport, ApiError> {
    let Network {
        clock,
        central,
        centre,
        operator,
        replicas,
        ..
    } = net;
    let central: &Service = central;
    let clock: &ManualClock = clock;
    let people: Vec<Person> = population(SIMULATED_POPULATION_SEED, sim.people.max(1));
    let faults = Arc::new(AtomicUsize::new(0));
    let mut rng = Rng(sim.seed);
    let link_of = |r: &Replica, rng: &mut Rng| FaultyLink {
        central: central.clone(),
        context: r.link.clone(),
        rng: Mutex::new(Rng(rng.next())),
        sent: Mutex::new(Vec::new()),
        faults: faults.clone(),
    };
    let mut report = SimReport::default();
    for _ in 0..sim.steps {
        clock.advance(Duration::seconds(1 + rng.below(20) as i64));
        let person = &people[rng.below(people.len())];
        let r = rng.below(replicas.len());
        let roll = rng.below(100);
        // Every workstation's screen keeps asking who is signed in (the real one every minute),
        // which keeps an operator's session at an open desk from going idle.
        for replica in replicas.iter() {
            let _ = Api::staff_me(&replica.service, &replica.desk.context, Empty {}).await;
        }
        match roll {
            0..30 => {
                let replica = &mut replicas[r];
                replica
                    .desk
                    .keep_signed_in(&replica.service, &replica.service)
                    .await?;
                let done = Api::citizen_register(
                    &replica.service,
                    &replica.desk.context,
                    InPersonRegistration {
                        profile: form_of(person),
                        phone_ticket: String::new(),
                        phone_code: String::new(),
                        phone_later: String::new(),
                    },
                )
                .await;
                report.desk_changes += usize::from(done.is_ok());
            }
            30..58 => {
                // A desk change of a citizen the replica holds: a confirmation, a restore, or an
                // activation code from a blank (each refused, as online, when the account's
                // state does not allow it).
                let replica = &mut replicas[r];
                replica
                    .desk
                    .keep_signed_in(&replica.service, &replica.service)
                    .await?;
                let Ok(account_id) = replica
                    .desk
                    .find(&replica.service, SearchBy::Snils, &person.snils)
                    .await
                else {
                    continue;
                };
                let (service, desk) = (&replica.service, &replica.desk.context);
                let documents = vec!["passport".to_owned()];
                let done = match roll {
                    30..50 => Api::identity_confirm_in_person(
                        service,
                        desk,
                        InPersonConfirmation {
                            account_id,
                            documents,
                        },
                    )
                    .await
                    .is_ok(),
                    50..54 => Api::access_restore(
                        service,
                        desk,
                        AccessRestore {
                            account_id,
                            documents,
                        },
                    )
                    .await
                    .is_ok_and(|d| d.approval.is_none()),
                    _ => Api::activation_code_issue(service, desk, ForAccount { account_id })
                        .await
                        .is_ok(),
                };
                report.desk_changes += usize::from(done);
            }
            58..66 => {
                // The centre's own desk: a block, or a confirmation, meanwhile.
                operator.keep_signed_in(central, central).await?;
                if let Ok(id) = operator.find(central, SearchBy::Snils, &person.snils).await {
                    if rng.below(2) == 0 {
                        let _ = Api::account_block(
                            central,
                            &operator.context,
                            AccountBlockRequest {
                                account_id: id,
                                reason: "Проверка документов".into(),
                            },
                        )
                        .await;
                    } else {
                        let _ = Api::identity_confirm_in_person(
                            central,
                            &operator.context,
                            InPersonConfirmation {
                                account_id: id,
                                documents: vec!["passport".into()],
                            },
                        )
                        .await;
                    }
                }
            }
            66..70 => {
                let _ = central.run_due_jobs("sim").await;
            }
            70..74 => {
                operator.keep_signed_in(central, central).await?;
                let queue = Api::sync_conflicts(central, &operator.context, Empty {}).await?;
                if let Some(open) = queue
                    .conflicts
                    .iter()
                    .find(|c| c.status == ConflictStatus::Open)
                {
                    let resolution = if open.existing.is_some() && rng.below(2) == 0 {
                        ConflictResolution::Merge {
                            checked_in_person: true,
                        }
                    } else {
                        ConflictResolution::Reject {
                            reason: "Документы не совпали с записью".into(),
                        }
                    };
                    if Api::sync_conflict_resolve(
                        central,
                        &operator.context,
                        SyncConflictResolve {
                            id: open.id,
                            resolution,
                        },
                    )
                    .await
                    .is_ok()
                    {
                        report.resolved += 1;
                    }
                }
            }
            74..80 => {
                // The workstation restarts: nothing it held in memory survives.
                replicas[r].restart(clock).await?;
                report.restarts += 1;
            }
            _ => {
                let link = link_of(&replicas[r], &mut rng);
                if replicas[r].service.sync_once(&link).await.is_err() {
                    report.failed_syncs += 1;
                }
            }
        }
    }
    // The links heal: everyone syncs, all at once (so the centre's transactions run side by
    // side), until a round in which nobody had anything to send.
    for _ in 0..20 {
        let mut round = tokio::task::JoinSet::new();
        for replica in replicas.iter() {
            let link = replica.link_to(central);
            let local = replica.service.clone();
            round.spawn(async move { local.sync_once(&link).await });
        }
        let mut quiet = true;
        while let Some(done) = round.join_next().await {
            // A sync the centre turned away (busy after its retries) is simply run again in
            // the next round; what never arrives shows as waiting in the check.
            match done.map_err(|e| crate::error::internal(&e))? {
                Ok(done) => quiet &= done.pushed == 0 && done.waiting == 0,
                Err(_) => quiet = false,
            }
        }
        if quiet {
            // One more pull each, after the last push anywhere.
            let mut settled = true;
            for replica in replicas.iter() {
                settled &= replica
                    .service
                    .sync_once(&replica.link_to(central))
                    .await
                    .is_ok();
            }
            if settled {
                break;
            }
        }
    }
    report.faults = faults.load(Ordering::SeqCst);
    let inbox = store::inbox_all(central.store())
        .await
        .map_err(crate::error::store)?;
    report.applied = inbox.iter().filter(|e| e.outcome == "applied").count();
    report.conflicts = inbox.iter().filter(|e| e.outcome == "conflict").count();
    report.blanks_bound = kabinet_store::blanks::bound(central.store())
        .await
        .map_err(crate::error::store)?
        .len();
    report.violations = check(central, centre.id, replicas).await?;
    Ok(report)
}

/// Every account the centre knows, from its change feed.
async fn all_accounts(store: &Store) -> Result<Vec<Uuid>, ApiError> {
    let mut ids: Vec<Uuid> = event_log::feed_after(store, 0, 1_000_000)
        .await
        .map_err(crate::error::store)?
        .into_iter()
        .map(|(_, e)| e.account_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

async fn check(
    central: &Service,
    centre: Uuid,
    replicas: &[Replica],
) -> Result<Vec<String>, ApiError> {
    let mut broken = Vec::new();
    let cs = central.store();
    let inbox = store::inbox_all(cs).await.map_err(crate::error::store)?;
    // Exactly once, in order, nothing waiting.
    for replica in replicas {
        let outbox = store::outbox_all(replica.service.store())
            .await
            .map_err(crate::error::store)?;
        let received: Vec<_> = inbox
            .iter()
            .filter(|e| e.workstation_id == replica.central_id)
            .collect();
        if outbox.iter().any(|c| c.acked_at.is_none()) {
            broken.push(format!(
                "workstation {}: changes still waiting after healing",
                replica.central_id
            ));
        }
        if received.len() != outbox.len() {
            broken.push(format!(
                "workstation {}: {} changes made, {} received",
                replica.central_id,
                outbox.len(),
                received.len()
            ));
        }
        for change in &outbox {
            let matching: Vec<_> = received
                .iter()
                .filter(|e| e.event_id == change.id)
                .collect();
            if matching.len() != 1 || matching[0].seq != change.seq {
                broken.push(format!(
                    "change {} (#{}) received {} times",
                    change.id,
                    change.seq,
                    matching.len()
                ));
            }
        }
        for (i, entry) in received.iter().enumerate() {
            if entry.seq != i as i64 + 1 {
                broken.push(format!(
                    "workstation {}: number {} out of order",
                    replica.central_id, entry.seq
                ));
            }
        }
    }
    // Every blank applied is bound to an account, once, and only blanks a change named.
    let mut named = std::collections::HashSet::new();
    for replica in replicas {
        for change in store::outbox_all(replica.service.store())
            .await
            .map_err(crate::error::store)?
        {
            if change.kind != "activation_code_issued" {
                continue;
            }
            let Some(blank) = change.payload["change"]["blank"]
                .as_str()
                .and_then(|b| b.parse::<Uuid>().ok())
            else {
                broken.push(format!("change {}: names no blank", change.id));
                continue;
            };
            named.insert(blank);
            let applied = inbox
                .iter()
                .any(|e| e.event_id == change.id && e.outcome == "applied");
            let row = kabinet_store::blanks::blank(cs, blank)
                .await
                .map_err(crate::error::store)?;
            if applied && row.as_ref().and_then(|b| b.account_id).is_none() {
                broken.push(format!("blank {blank}: applied but bound to nobody"));
            }
            if row.is_some_and(|b| b.workstation_id != replica.central_id) {
                broken.push(format!(
                    "blank {blank}: handed out by a workstation not its own"
                ));
            }
        }
    }
    for bound in kabinet_store::blanks::bound(cs)
        .await
        .map_err(crate::error::store)?
    {
        if !named.contains(&bound.id) {
            broken.push(format!(
                "blank {}: bound without a change naming it",
                bound.id
            ));
        }
    }
    // No document held by two accounts; projections are their logs.
    let ids = all_accounts(cs).await?;
    let mut documents = std::collections::HashMap::new();
    for id in &ids {
        let account = accounts::find_account(cs, *id)
            .await
            .map_err(crate::error::store)?;
        let replayed = events::replay(cs, *id).await.map_err(crate::error::store)?;
        if account.as_ref().map(|a| &a.state) != replayed.as_ref() {
            broken.push(format!(
                "account {id}: the centre's projection is not its log"
            ));
        }
        for (kind, value) in accounts::logins_of(cs, *id)
            .await
            .map_err(crate::error::store)?
        {
            if let Some(other) = documents.insert((kind.clone(), value), *id) {
                broken.push(format!("{kind} held by {other} and {id}"));
            }
        }
        let profile = kabinet_store::documents::profile(cs, *id)
            .await
            .map_err(crate::error::store)?;
        if let Some(snils) = profile
            .and_then(|p| p.submitted)
            .and_then(|s| s["snils"].as_str().map(str::to_owned))
        {
            let digits: String = snils.chars().filter(char::is_ascii_digit).collect();
            if let Some(other) = documents.insert(("profile-snils".into(), digits), *id) {
                broken.push(format!(
                    "two accounts ({other}, {id}) registered with one SNILS"
                ));
            }
        }
    }
    // Every replica holds the centre's copy of its scope, and only its own open conflicts besides.
    let scope = store::scope(cs, centre)
        .await
        .map_err(crate::error::store)?;
    let open = store::conflicts(cs, centre, true, 10_000)
        .await
        .map_err(crate::error::store)?;
    for replica in replicas {
        let rs = replica.service.store();
        for id in &scope {
            let theirs = accounts::account_copy(rs, *id)
                .await
                .map_err(crate::error::store)?;
            let ours = accounts::account_copy(cs, *id)
                .await
                .map_err(crate::error::store)?;
            let differs = match (&theirs, &ours) {
                (Some(t), Some(o)) => [
                    ("state", t.account != o.account),
                    ("log", t.events != o.events),
                    ("logins", sorted(&t.logins) != sorted(&o.logins)),
                    (
                        "profile",
                        t.profile.as_ref().and_then(|p| p.submitted.clone())
                            != o.profile.as_ref().and_then(|p| p.submitted.clone()),
                    ),
                ]
                .into_iter()
                .filter(|(_, d)| *d)
                .map(|(what, _)| what)
                .collect::<Vec<_>>()
                .join(", "),
                (None, _) => "missing".to_owned(),
                (_, None) => "not at the centre".to_owned(),
            };
            if !differs.is_empty() {
                broken.push(format!(
                    "workstation {}: account {id} differs from the centre's ({differs})",
                    replica.central_id
                ));
            }
        }
        for id in all_accounts_local(rs).await? {
            if scope.contains(&id) {
                continue;
            }
            let waits = open
                .iter()
                .any(|c| c.account_id == id && c.workstation_id == replica.central_id);
            if !waits {
                broken.push(format!(
                    "workstation {}: holds account {id} the centre neither has nor holds in a conflict",
                    replica.central_id
                ));
            }
        }
    }
    Ok(broken)
}

fn sorted(logins: &[(String, String)]) -> Vec<(String, String)> {
    let mut logins = logins.to_vec();
    logins.sort();
    logins
}

/// The accounts a replica holds (its own writes and the mirrored ones).
async fn all_accounts_local(store: &Store) -> Result<Vec<Uuid>, ApiError> {
    accounts::all_ids(store).await.map_err(crate::error::store)
}
