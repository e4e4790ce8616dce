//! The hashing threads: one per hashing slot, doing nothing but argon2.
//!
//! Why threads of their own rather than Tokio's blocking pool: each keeps its argon2 memory
//! between verifications (19 MiB not allocated, zeroed and faulted in again per sign-in), and on
//! Linux each runs at a lower CPU priority (nice 10) than the threads that answer requests. A
//! sign-in's own database and HTTP work then never waits behind someone else's hash: it is done
//! while the hashes pause, the next sign-in is queued before a slot frees, and the slots never
//! stand idle for want of a request that is still being read. Hashes lose no throughput (they
//! still get every cycle nothing else wants); what is not a hash — session checks above all —
//! stays quick while the server hashes flat out.
//!
//! The slots themselves (how many hash at once, admission by the expected wait) are the
//! service's semaphore and gauge; this pool only runs what a slot holder hands it, so it never
//! holds more than `slots` jobs.

use std::sync::{Arc, Mutex, mpsc};

use kabinet_core::secret::{HashParams, Verifier};

/// A hashing job: runs on a hashing thread with that thread's verifier.
type Job = Box<dyn FnOnce(&mut Verifier) + Send>;

/// The CPU priority of hashing threads on Linux (the threads that answer requests run at 0).
pub(crate) const HASHING_NICE: i32 = 10;

/// Threads that run argon2 jobs, each with its own verifier memory.
pub(crate) struct HashingPool {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl HashingPool {
    /// `threads` hashing threads for hashes made with `params`; their priority lowered when
    /// `lowered`. Their memory is allocated at each thread's first verification (a desktop that
    /// is never signed in to never holds it). The threads end when the pool is dropped.
    pub(crate) fn new(threads: usize, params: HashParams, lowered: bool) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("kabinet-hash-{n}"))
                .spawn(move || {
                    if lowered {
                        lower_priority();
                    }
                    let mut verifier: Option<Verifier> = None;
                    loop {
                        // The lock is held only while waiting: a job runs without it.
                        let job = match receiver.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let verifier = verifier.get_or_insert_with(|| Verifier::new(params));
                        // A job that panics loses its answer (its caller sees none), not the
                        // thread.
                        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job(verifier)
                        }));
                        if ran.is_err() {
                            tracing::error!("a hashing job panicked");
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a hashing thread could not start");
            }
        }
        Self {
            jobs: Mutex::new(sender),
        }
    }

    /// Runs `job` on a hashing thread and gives its result; `None` if the job could not run
    /// (no hashing thread, or it panicked).
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Verifier) -> T + Send + 'static,
    ) -> Option<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |verifier| {
            let _ = answer.send(job(verifier));
        });
        self.jobs.lock().ok()?.send(job).ok()?;
        answered.await.ok()
    }
}

/// Lowers the calling thread's CPU priority (Linux: `setpriority` on the thread's id changes
/// that thread only). Elsewhere nothing is changed: on macOS and Windows the same call would
/// reach the whole process.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(thread), HASHING_NICE) {
            tracing::warn!(error = %e, "the hashing threads keep the normal CPU priority");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Cheap parameters: these tests are about the threads, not the hash.
    const FAST: HashParams = HashParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    /// The nice value of the calling thread, from /proc.
    fn own_nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        // Fields after the command name (which may hold spaces): state is the first; nice is
        // the 19th field of the line, the 17th after the name.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        rest.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[tokio::test]
    async fn hashing_threads_run_below_the_request_threads_only_when_asked() {
        let lowered = HashingPool::new(2, FAST, true);
        assert_eq!(lowered.run(|_| own_nice()).await, Some(HASHING_NICE));
        assert_eq!(own_nice(), 0, "the caller's priority is untouched");
        let normal = HashingPool::new(1, FAST, false);
        assert_eq!(normal.run(|_| own_nice()).await, Some(0));
    }

    #[tokio::test]
    async fn a_job_runs_with_the_threads_verifier_and_a_panic_is_no_answer() {
        let pool = HashingPool::new(1, FAST, false);
        let entropy = crate::ports::entropy::OsEntropy;
        let mut rng = crate::ports::entropy::Random(&entropy);
        let phc = kabinet_core::secret::hash_password("Kabinet-2026!", FAST, &mut rng).unwrap();
        let (right, wrong) = (phc.clone(), phc);
        assert_eq!(
            pool.run(move |v| v.verify(&right, "Kabinet-2026!")).await,
            Some(true)
        );
        assert_eq!(
            pool.run(move |v| v.verify(&wrong, "Kabinet-2026?")).await,
            Some(false)
        );
        assert_eq!(pool.run(|_| -> bool { panic!("a broken job") }).await, None);
    }
}
