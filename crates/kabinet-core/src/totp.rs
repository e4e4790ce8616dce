//! TOTP (RFC 6238) second factor: 30-second steps, 6 digits, SHA-1 (what authenticator apps
//! support), one step of skew either way, and each step accepted only once.

use totp_rs::{Algorithm, Builder, Totp};

use crate::random::RandomSource;

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;

/// A TOTP secret: 160 random bits.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(pub Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

/// Why a TOTP code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpRejection {
    /// Not the code of this or a neighbouring step.
    Wrong,
    /// The code of a step already used (a replay).
    Reused,
}

impl TotpSecret {
    /// A fresh secret.
    pub fn generate(random: &mut impl RandomSource) -> Self {
        let mut bytes = vec![0u8; 20];
        random.fill(&mut bytes);
        Self(bytes)
    }

    fn totp(&self, account: &str, issuer: &str) -> Option<Totp> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(STEP_SECONDS)
            .with_secret(self.0.clone())
            .with_account_name(account.replace(':', " "))
            .with_issuer(Some(issuer.replace(':', " ")))
            .build()
            .ok()
    }

    /// The secret from its base32 form (what an authenticator app is given).
    pub fn from_base32(text: &str) -> Option<Self> {
        totp_rs::Secret::try_from_base32(text.trim())
            .ok()
            .map(|secret| Self(secret.as_ref().to_vec()))
    }

    /// The `otpauth://` URL an authenticator app reads from a QR code.
    pub fn otpauth_url(&self, account: &str, issuer: &str) -> Option<String> {
        self.totp(account, issuer).and_then(|t| t.to_url().ok())
    }

    /// The secret in base32, for typing into an app by hand.
    pub fn base32(&self) -> Option<String> {
        let url = self.otpauth_url("k", "k")?;
        let query = url.split_once('?')?.1;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("secret="))
            .map(str::to_owned)
    }

    /// The code for a moment (for tests and the simulator's "authenticator").
    pub fn code_at(&self, unix_seconds: u64) -> Option<String> {
        self.totp("k", "k")
            .map(|t| t.generate(unix_seconds).to_string())
    }

    /// Checks `code` at `unix_seconds`; returns the step it belongs to, which the caller stores
    /// as the last used step. A step at or before `last_used_step` is refused as a replay.
    pub fn verify(
        &self,
        code: &str,
        unix_seconds: u64,
        last_used_step: Option<u64>,
    ) -> Result<u64, TotpRejection> {
        let totp = self.totp("k", "k").ok_or(TotpRejection::Wrong)?;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = totp
            .check(&code, unix_seconds)
            .ok_or(TotpRejection::Wrong)?;
        match last_used_step {
            Some(last) if step <= last => Err(TotpRejection::Reused),
            _ => Ok(step),
        }
    }
}
