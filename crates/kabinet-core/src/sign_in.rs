//! Who may sign in and what they must show besides the password: the sign-in rules of
//! DOMAIN §4 as functions of the account's state.

use crate::account::{Account, Status};

/// The outcome of a password check for an account (or for a login nobody has).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// Go on to the second factor, the password change or the session.
    Proceed,
    /// A failed attempt: counted against the lock, answered like a wrong password. A wrong
    /// password, a login nobody has and an unfinished registration look the same.
    Failed,
    /// The right password of a blocked account: said so (the citizen must go to a centre).
    Blocked,
    /// The right password of a deleted account: answered like wrong credentials.
    Gone,
}

/// Whether a sign-in goes on, given the account the login names and whether the password
/// matched.
pub fn eligibility(account: Option<&Account>, password_ok: bool) -> Eligibility {
    match account {
        Some(a) if password_ok => match a.status {
            Status::Pending => Eligibility::Failed,
            Status::Blocked { .. } => Eligibility::Blocked,
            Status::Deleted => Eligibility::Gone,
            Status::Active | Status::Locked { .. } => Eligibility::Proceed,
        },
        _ => Eligibility::Failed,
    }
}

/// A second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecondFactor {
    /// A code by SMS.
    Sms,
    /// A code by e-mail (a new device of an account without a phone).
    Email,
    /// An authenticator app.
    Totp,
}

/// What the citizen has set up and where codes can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protection {
    /// An authenticator is set up.
    pub totp: bool,
    /// SMS codes at every sign-in are on.
    pub sms_always: bool,
    /// The account has a phone.
    pub has_phone: bool,
    /// The account has an e-mail.
    pub has_email: bool,
    /// This device has not proved itself for the account before.
    pub new_device: bool,
    /// The password is a temporary one a service centre printed after checking the passport.
    pub issued_in_person: bool,
}

/// The second factors a sign-in accepts, preferred first (empty: none is needed). The factors
/// the citizen enabled, and for a new device a code to the confirmed contact — SMS when there
/// is a phone, else e-mail — unless SMS is already asked. A temporary password printed at a
/// service centre stands for the new device's code: it was handed to the holder after a
/// passport check (often because the phone was lost), and it must be replaced at once. An
/// account with no phone and no e-mail (registered in person without them) has nowhere to send
/// a code to.
pub fn second_factors(p: Protection) -> Vec<SecondFactor> {
    let mut methods = Vec::new();
    if p.totp {
        methods.push(SecondFactor::Totp);
    }
    if p.sms_always && p.has_phone {
        methods.push(SecondFactor::Sms);
    }
    if p.new_device && !p.issued_in_person && !methods.contains(&SecondFactor::Sms) {
        if p.has_phone {
            methods.push(SecondFactor::Sms);
        } else if p.has_email {
            methods.push(SecondFactor::Email);
        }
    }
    methods
}
