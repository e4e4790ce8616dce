//! kabinet-core's benchmarks (criterion), run by `cargo xtask bench`, which prints each result
//! as a ratio against the baseline of its group measured in the same run:
//! - `parsers`: each parser against `baseline`, a scan that only counts the input's digits;
//! - `argon2id`: hashing and verifying at the default parameters (m = 19 MiB, t = 2, p = 1) on one
//!   core, the raw bound the server's sign-in rate is later compared with.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kabinet_core::RandomSource;
use kabinet_core::email::Email;
use kabinet_core::inn::Inn;
use kabinet_core::password::PasswordPolicy;
use kabinet_core::phone::Phone;
use kabinet_core::secret::{HashParams, hash_password, verify_password};
use kabinet_core::snils::Snils;

struct Counter(u64);

impl RandomSource for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (self.0 >> 33) as u8;
        }
    }
}

fn parsers(c: &mut Criterion) {
    let mut group = c.benchmark_group("parsers");
    let inputs = [
        "112-233-445 95",
        "+7 (912) 345-67-89",
        "Ivan.Petrov@Mail.RU",
        "770708389324",
    ];
    group.bench_function("baseline", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|s| black_box(s).bytes().filter(u8::is_ascii_digit).count())
                .sum::<usize>()
        })
    });
    group.bench_function("snils", |b| b.iter(|| Snils::parse(black_box(inputs[0]))));
    group.bench_function("phone", |b| b.iter(|| Phone::parse(black_box(inputs[1]))));
    group.bench_function("email", |b| b.iter(|| Email::parse(black_box(inputs[2]))));
    group.bench_function("inn", |b| b.iter(|| Inn::parse(black_box(inputs[3]))));
    let policy = PasswordPolicy::default();
    group.bench_function("password_policy", |b| {
        b.iter(|| {
            policy.check(
                black_box("Kabinet-2026!"),
                &["+79123456789", "ivan@mail.ru"],
            )
        })
    });
    group.finish();
}

fn argon2id(c: &mut Criterion) {
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(10);
    let params = HashParams::default();
    let mut random = Counter(1);
    let phc = hash_password("Kabinet-2026!", params, &mut random).expect("hash");
    group.bench_function("baseline", |b| {
        b.iter(|| verify_password(black_box(&phc), "Kabinet-2026!"))
    });
    group.bench_function("hash", |b| {
        b.iter(|| hash_password(black_box("Kabinet-2026!"), params, &mut random))
    });
    group.finish();
}

criterion_group!(benches, parsers, argon2id);
criterion_main!(benches);
