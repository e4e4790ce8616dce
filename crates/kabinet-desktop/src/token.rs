//! The citizen's signature token, for the window: which PKCS#11 library to load, the tokens and
//! certificates it offers, and a statement signed with a PIN. Errors come back as the API's
//! field errors, so the screens word them like any other (`module`, `token`, `certificate`,
//! `pin`). The PIN is passed through to the token and dropped; it is never logged or kept.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use kabinet_api::{ApiError, FieldError, RuleViolation};
use kabinet_token::{Module, PinState, Token, TokenError};
use serde::Serialize;

/// Where the vendors install their PKCS#11 libraries, tried in order when nothing is set:
/// Rutoken (Aktiv), JaCarta (Aladdin), then SoftHSM2.
pub fn known_modules() -> &'static [&'static str] {
    if cfg!(target_os = "windows") {
        &[
            r"C:\Windows\System32\rtPKCS11ECP.dll",
            r"C:\Windows\System32\jcPKCS11-2.dll",
            r"C:\SoftHSM2\lib\softhsm2-x64.dll",
        ]
    } else if cfg!(target_os = "macos") {
        &[
            "/Library/Frameworks/rtpkcs11ecp.framework/rtpkcs11ecp",
            "/Library/Aladdin/JaCarta/lib/libjcPKCS11-2.dylib",
            "/usr/local/lib/softhsm/libsofthsm2.so",
        ]
    } else {
        &[
            "/usr/lib/librtpkcs11ecp.so",
            "/opt/aktivco/rutokenecp/x86_64/librtpkcs11ecp.so",
            "/usr/lib/libjcPKCS11-2.so",
            "/usr/lib/x86_64-linux-gnu/libjcPKCS11-2.so",
            "/usr/lib/softhsm/libsofthsm2.so",
        ]
    }
}

/// The library to load: the workstation policy's, else the citizen's setting, else
/// `KABINET_PKCS11_MODULE` (tests, packagers), else the first known one on this computer.
pub fn module_path(policy: Option<&Path>, setting: &str) -> Option<PathBuf> {
    if let Some(fixed) = policy {
        return Some(fixed.to_owned());
    }
    if !setting.trim().is_empty() {
        return Some(PathBuf::from(setting.trim()));
    }
    if let Some(env) = std::env::var_os("KABINET_PKCS11_MODULE").filter(|v| !v.is_empty()) {
        return Some(env.into());
    }
    known_modules()
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// What the window shows: the library used and the tokens in it.
#[derive(Debug, Clone, Serialize)]
pub struct TokenList {
    /// The PKCS#11 library.
    pub module: String,
    /// Whether the workstation policy fixed it.
    pub module_fixed: bool,
    /// Tokens present, each with its certificates.
    pub tokens: Vec<Token>,
}

/// A statement signed on the token, ready for the API (`SignedChallenge` without its ticket).
#[derive(Debug, Clone, Serialize)]
pub struct TokenSignature {
    /// The signer's certificate, DER in base64.
    pub certificate: String,
    /// The signature, base64.
    pub signature: String,
}

fn field_error(field: &str, rule: &str) -> ApiError {
    ApiError::fields(vec![FieldError {
        field: field.to_owned(),
        rules: vec![RuleViolation {
            rule: rule.to_owned(),
            params: Default::default(),
        }],
    }])
}

/// The API's error for a token's, on the field the window shows it at.
pub fn api_error(error: &TokenError) -> ApiError {
    let rule = match error {
        TokenError::PinIncorrect(PinState::FinalTry) => "token_pin_final_try",
        TokenError::PinIncorrect(PinState::CountLow) => "token_pin_count_low",
        other => other.code(),
    };
    let field = match error {
        TokenError::NotAModule(_) => "module",
        TokenError::NoToken => "token",
        TokenError::NoCertificate | TokenError::MechanismUnsupported => "certificate",
        TokenError::PinIncorrect(_) | TokenError::PinLocked => "pin",
        TokenError::Device(_) => "token",
    };
    field_error(field, rule)
}

fn open(policy: Option<&Path>, setting: &str) -> Result<(Module, PathBuf), ApiError> {
    let path = module_path(policy, setting)
        .ok_or_else(|| field_error("module", "token_module_missing"))?;
    let module = Module::open(&path).map_err(|e| api_error(&e))?;
    Ok((module, path))
}

/// The tokens of the library the settings name.
pub fn list(policy: Option<&Path>, setting: &str) -> Result<TokenList, ApiError> {
    let (module, path) = open(policy, setting)?;
    let tokens = module.tokens().map_err(|e| api_error(&e))?;
    Ok(TokenList {
        module: path.display().to_string(),
        module_fixed: policy.is_some(),
        tokens,
    })
}

/// Signs `statement` with the key of certificate `certificate_id` on token `token_serial`.
pub fn sign(
    policy: Option<&Path>,
    setting: &str,
    token_serial: &str,
    certificate_id: &str,
    pin: &str,
    statement: &str,
) -> Result<TokenSignature, ApiError> {
    if pin.is_empty() {
        return Err(field_error("pin", "required"));
    }
    // Only a challenge of Kabinet's is signed: a page made to ask for more (a document, a
    // payment) gets no qualified signature out of the citizen's token.
    if kabinet_core::signature::parse_statement(statement).is_none() {
        return Err(field_error("statement", "token_statement_foreign"));
    }
    let (module, _) = open(policy, setting)?;
    let signed = module
        .sign(token_serial, certificate_id, pin, statement.as_bytes())
        .map_err(|e| api_error(&e))?;
    Ok(TokenSignature {
        certificate: BASE64.encode(&signed.certificate),
        signature: BASE64.encode(&signed.signature),
    })
}
