//! Randomness for codes, tokens, salts and tickets: the operating system's CSPRNG.

use kabinet_core::RandomSource;

/// A source of secure random bytes shared by every request.
pub trait Entropy: Send + Sync {
    /// Fills `buf`.
    fn fill(&self, buf: &mut [u8]);
}

/// The OS generator (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // The OS generator failing means the machine cannot do cryptography at all.
        getrandom::fill(buf).expect("the operating system's random generator failed");
    }
}

/// The simulator: a deterministic generator (SplitMix64) for demos and tests that need to know
/// codes in advance. Not secure — never use it where a real citizen signs in.
#[derive(Debug)]
pub struct SeededEntropy(std::sync::Mutex<u64>);

impl SeededEntropy {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(std::sync::Mutex::new(seed))
    }
}

impl Entropy for SeededEntropy {
    fn fill(&self, buf: &mut [u8]) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for chunk in buf.chunks_mut(8) {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// Lends an [`Entropy`] to the core's `RandomSource` API.
pub struct Random<'a>(pub &'a dyn Entropy);

impl RandomSource for Random<'_> {
    fn fill(&mut self, buf: &mut [u8]) {
        self.0.fill(buf)
    }
}
