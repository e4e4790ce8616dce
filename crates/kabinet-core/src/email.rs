//! E-mail addresses: syntax checked by the `email_address` crate, plus what a portal needs — a
//! domain with a dot, no IP literals, a sane length. The domain is lower-cased; logins compare
//! the whole address case-insensitively.

use std::str::FromStr;

use email_address::EmailAddress;

use crate::violation::{Violation, required};

/// The longest address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A validated e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address.
    pub fn parse(input: &str) -> Result<Self, Vec<Violation>> {
        let text = required(input)?;
        if text.chars().count() > MAX_EMAIL_CHARS {
            return Err(vec![
                Violation::new("too_long").with("max", MAX_EMAIL_CHARS),
            ]);
        }
        let parsed =
            EmailAddress::from_str(text).map_err(|_| vec![Violation::new("email_format")])?;
        let (local, domain) = (parsed.local_part(), parsed.domain());
        let domain_ok = domain.contains('.')
            && !domain.starts_with('[')
            && domain.split('.').all(|label| !label.is_empty())
            && !domain.ends_with('.');
        if !domain_ok || local.starts_with('"') || idna::domain_to_ascii(domain).is_err() {
            return Err(vec![Violation::new("email_format")]);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address with its domain lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key logins are matched by: the whole address lower-cased, its domain in its Unicode
    /// (IDNA) form, so `пример.рф` and `xn--e1afmkfd.xn--p1ai` are one mailbox.
    pub fn login_key(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let (domain, _) = idna::domain_to_unicode(domain);
        format!("{local}@{domain}").to_lowercase()
    }

    /// The part before `@`.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }

    /// A masked form for messages: `iv***@mail.ru`.
    pub fn masked(&self) -> String {
        let local = self.local_part();
        let shown: String = local.chars().take(2).collect();
        let domain = &self.0[local.len()..];
        format!("{shown}***{domain}")
    }
}
