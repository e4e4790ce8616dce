//! Randomness comes from the caller: the service passes the OS generator, tests a seeded one.

/// A source of random bytes. Implementations for production must be cryptographically secure.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);

    /// A uniformly distributed number below `bound` (rejection sampling, no modulo bias).
    fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "bound must be positive");
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let mut bytes = [0u8; 8];
            self.fill(&mut bytes);
            let n = u64::from_le_bytes(bytes);
            if n < zone {
                return n % bound;
            }
        }
    }
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn fill(&mut self, buf: &mut [u8]) {
        (**self).fill(buf)
    }
}
