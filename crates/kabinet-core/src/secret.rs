//! Secrets: argon2id password hashing with the parameters in the PHC string, and a wrapper that
//! keeps secret text out of `Debug` output and logs.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::random::RandomSource;

/// Text that must not be printed: `Debug` shows `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted<T>(pub T);

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> Redacted<T> {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for HashParams {
    /// m = 19 MiB, t = 2, p = 1 (OWASP's recommendation for argon2id).
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// Why hashing failed: only for parameters out of argon2's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashError(pub String);

impl fmt::Display for HashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "argon2: {}", self.0)
    }
}

impl std::error::Error for HashError {}

impl HashParams {
    /// Whether argon2 accepts these parameters.
    pub fn check(&self) -> Result<(), HashError> {
        self.argon2().map(|_| ())
    }

    fn params(&self) -> Result<Params, HashError> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| HashError(e.to_string()))
    }

    fn argon2(&self) -> Result<Argon2<'static>, HashError> {
        Ok(Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            self.params()?,
        ))
    }
}

/// Hashes a password (or a secret answer) into a PHC string with a fresh 16-byte salt.
pub fn hash_password(
    secret: &str,
    params: HashParams,
    random: &mut impl RandomSource,
) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    random.fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    let hash = params
        .argon2()?
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `secret` matches the PHC string. A malformed PHC string never matches.
pub fn verify_password(phc: &str, secret: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    // Verification uses the parameters stored in the PHC string, not the current defaults.
    Argon2::default()
        .verify_password(secret.as_bytes(), &hash)
        .is_ok()
}

/// Verifies password hashes in argon2 memory of its own, kept from one verification to the
/// next: a server that verifies all day saves allocating, zeroing and faulting in 19 MiB per
/// sign-in. The memory holds the last verification's working state until the next overwrites
/// it (as freed heap memory would); it never leaves the process.
pub struct Verifier {
    blocks: Vec<argon2::Block>,
}

impl Verifier {
    /// A verifier with memory for hashes made with `params` (others are verified with memory
    /// of their own, as [`verify_password`] does).
    pub fn new(params: HashParams) -> Self {
        let blocks = params.params().map(|p| p.block_count()).unwrap_or(0);
        Self {
            blocks: vec![argon2::Block::default(); blocks],
        }
    }

    /// Hashes a secret as [`hash_password`] does (the same PHC string for the same salt), in
    /// this verifier's memory.
    pub fn hash(
        &mut self,
        secret: &str,
        params: HashParams,
        random: &mut impl RandomSource,
    ) -> Result<String, HashError> {
        let argon2_params = params.params()?;
        if argon2_params.block_count() > self.blocks.len() {
            return hash_password(secret, params, random);
        }
        let mut salt = [0u8; 16];
        random.fill(&mut salt);
        let salt_string = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params.clone())
            .hash_password_into_with_memory(secret.as_bytes(), &salt, &mut out, &mut self.blocks)
            .map_err(|e| HashError(e.to_string()))?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: argon2::password_hash::ParamsString::try_from(&argon2_params)
                .map_err(|e| HashError(e.to_string()))?,
            salt: Some(salt_string.as_salt()),
            hash: Some(
                argon2::password_hash::Output::new(&out).map_err(|e| HashError(e.to_string()))?,
            ),
        };
        Ok(hash.to_string())
    }

    /// Whether `secret` matches the PHC string, exactly as [`verify_password`] decides.
    pub fn verify(&mut self, phc: &str, secret: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return false;
        };
        let (Ok(algorithm), Ok(params), Some(expected), Some(salt)) = (
            Algorithm::try_from(hash.algorithm),
            Params::try_from(&hash),
            hash.hash,
            hash.salt,
        ) else {
            return false;
        };
        let version = match hash.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(version)) => version,
            Some(Err(_)) => return false,
        };
        if params.block_count() > self.blocks.len() {
            return verify_password(phc, secret);
        }
        let mut salt_bytes = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut out = [0u8; 64];
        let Some(out) = out.get_mut(..expected.len()) else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params);
        argon2
            .hash_password_into_with_memory(secret.as_bytes(), salt, out, &mut self.blocks)
            .is_ok()
            // Constant time, as the library's own comparison.
            && argon2::password_hash::Output::new(out).is_ok_and(|computed| computed == expected)
    }
}

/// Whether `phc` is an argon2id hash (version 0x13, a salt of at least 16 bytes) at least as
/// costly as `params` in memory and passes: what a password hash made elsewhere (a workstation's
/// replica) must be for this installation to keep it. A hash weaker than the policy is refused;
/// a stronger one is kept (and re-hashed at the next sign-in like any other).
pub fn at_least(phc: &str, params: HashParams) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(stored) = Params::try_from(&hash) else {
        return false;
    };
    hash.algorithm.as_str() == "argon2id"
        && hash.version == Some(0x13)
        && hash.salt.is_some_and(|s| s.len() >= 22)
        && hash.hash.is_some_and(|h| h.len() >= 16)
        && stored.m_cost() >= params.memory_kib
        && stored.t_cost() >= params.iterations
}

/// Whether a stored hash was made with other parameters (or another algorithm) than `params`,
/// so it should be re-hashed at the next successful sign-in.
pub fn needs_rehash(phc: &str, params: HashParams) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(stored) = Params::try_from(&hash) else {
        return true;
    };
    hash.algorithm.as_str() != "argon2id"
        || hash.version != Some(0x13)
        || stored.m_cost() != params.memory_kib
        || stored.t_cost() != params.iterations
        || stored.p_cost() != params.parallelism
}
