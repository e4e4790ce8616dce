//! Administration from the command line, for whoever runs the server and holds its database:
//! `kabinet-server admin bootstrap` makes the first service centre and its administrator once
//! (refused when any staff member exists) and prints the two one-time codes that enrol the
//! first workstation and set the administrator up at it; everything else a centre does is
//! done by staff in the desktop app. `kabinet-server demo-people` lists people the simulated
//! registries know, so a demo or a browser test can fill in a profile that passes
//! verification. `kabinet-server --dev admin seed --accounts N` (what `cargo xtask seed` runs)
//! fills a database with seeded accounts to measure Kabinet at a portal's size.

use kabinet_service::ports::registry::population;
use kabinet_service::{Bootstrap, SIMULATED_POPULATION_SEED, Service};

/// `count` people of the simulated population, one JSON object per line.
pub fn demo_people(count: usize) -> String {
    population(SIMULATED_POPULATION_SEED, count.min(1_000))
        .iter()
        .map(|p| serde_json::to_string(p).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Makes the first centre and administrator; returns the lines to print (the centre's id and
/// the two codes, each shown this once).
pub async fn bootstrap(service: &Service, request: Bootstrap) -> Result<String, String> {
    let done = service.bootstrap(request).await.map_err(|e| {
        let fields: Vec<String> = e.fields.iter().map(|f| f.field.clone()).collect();
        if fields.is_empty() {
            format!("{}: {}", e.code.as_str(), e.message)
        } else {
            format!("{}: {} ({})", e.code.as_str(), e.message, fields.join(", "))
        }
    })?;
    Ok(format!(
        "centre: {}\nworkstation enrolment code: {}\nadministrator set-up code: {}",
        done.centre_id, done.workstation_code, done.setup_code
    ))
}

/// How many seeded accounts one transaction writes, and how many transactions run at once.
const SEED_BATCH: u64 = 500;
const SEED_WRITERS: usize = 2;

/// Writes seeded accounts `first .. first + count` (see
/// [`kabinet_service::Service::seed_accounts`]), all with `password` hashed once with the
/// service's parameters, in batches of one transaction, two at a time; `progress` is told the
/// number written after each batch. Returns the summary line.
pub async fn seed(
    service: &Service,
    first: u64,
    count: u64,
    password: &str,
    progress: impl Fn(u64) + Send + Sync,
) -> Result<String, String> {
    let started = std::time::Instant::now();
    let phc = service
        .seed_password(password)
        .await
        .map_err(|e| e.message.clone())?;
    let written = std::sync::atomic::AtomicU64::new(0);
    let batches: Vec<(u64, u64)> = (first..first + count)
        .step_by(SEED_BATCH as usize)
        .map(|start| (start, SEED_BATCH.min(first + count - start)))
        .collect();
    // Two writers, each taking every other batch, side by side in this task.
    let lane = |lane: usize| {
        let (phc, written, progress, batches) = (&phc, &written, &progress, &batches);
        async move {
            for (start, n) in batches.iter().skip(lane).step_by(SEED_WRITERS) {
                service
                    .seed_accounts(*start, *n, phc)
                    .await
                    .map_err(|e| format!("seeding {start}..{}: {}", start + n, e.message))?;
                let total = written.fetch_add(*n, std::sync::atomic::Ordering::Relaxed) + n;
                progress(total);
            }
            Ok::<(), String>(())
        }
    };
    let (a, b) = tokio::join!(lane(0), lane(1));
    a.and(b)?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(format!(
        "seeded {count} accounts (numbers {first}..{}) in {seconds:.1} s, {:.0} accounts/s",
        first + count,
        count as f64 / seconds.max(f64::EPSILON)
    ))
}
