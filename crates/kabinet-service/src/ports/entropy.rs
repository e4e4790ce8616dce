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

/// Lends an [`Entropy`] to the core's `RandomSource` API.
pub struct Random<'a>(pub &'a dyn Entropy);

impl RandomSource for Random<'_> {
    fn fill(&mut self, buf: &mut [u8]) {
        self.0.fill(buf)
    }
}
