//! The one list of operations. [`with_operations!`] hands it to any macro: this crate makes the
//! [`Api`] trait and [`OPERATIONS`] from it; the Tauri shell, the HTTP server and the remote
//! client make their commands, routes and calls from it too.

use std::future::Future;

use crate::error::ApiError;
use crate::types::*;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (registration, sign-in, recovery).
    Public,
    /// A signed-in citizen (the context carries the session).
    Session,
}

/// One operation as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Its name: the Tauri command, the last segment of the HTTP route, the TS method.
    pub name: &'static str,
    /// The request type's name.
    pub request: &'static str,
    /// The response type's name.
    pub response: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Safe to repeat after a timeout (reads): the remote client retries only these.
    pub idempotent: bool,
}

/// Calls `$callback! { name(Request) -> Response, access, idempotent; … }` with every operation.
#[macro_export]
macro_rules! with_operations {
    ($callback:ident) => {
        $callback! {
            /// The installation's public settings.
            app_info(Empty) -> AppInfo, Public, true;
            /// Checks a typed password against the policy (live checklist and meter).
            password_check(PasswordCheckRequest) -> PasswordCheck, Public, true;

            /// Starts (or resumes) a registration and sends the code.
            registration_start(RegistrationStart) -> Registration, Public, false;
            /// Where a registration stands (resume after an interruption).
            registration_status(Ticket) -> Registration, Public, true;
            /// Sends a new code, invalidating the previous one.
            registration_resend(Ticket) -> Registration, Public, false;
            /// Confirms the contact with the code.
            registration_confirm(CodeEntry) -> Registration, Public, false;
            /// Confirms the e-mail with the link's token.
            registration_confirm_link(LinkToken) -> Registration, Public, false;
            /// Sets the password and signs in.
            registration_set_password(NewPassword) -> SignedIn, Public, false;

            /// Signs in with a login and password.
            sign_in(SignInRequest) -> SignInOutcome, Public, false;
            /// Completes a sign-in with the second factor.
            sign_in_second_factor(SecondFactorEntry) -> SignInOutcome, Public, false;
            /// Sends the second-factor code again.
            sign_in_resend(Ticket) -> SignInOutcome, Public, false;
            /// Replaces a temporary password and signs in.
            sign_in_change_password(NewPassword) -> SignedIn, Public, false;
            /// Ends the current session.
            sign_out(Empty) -> Empty, Session, false;

            /// The signed-in account.
            me(Empty) -> AccountSummary, Session, true;
            /// Active sessions.
            sessions_list(Empty) -> Sessions, Session, true;
            /// Ends one session.
            session_revoke(ById) -> Empty, Session, false;
            /// Ends every session, this one included.
            sessions_revoke_all(Empty) -> Empty, Session, false;

            /// Starts a recovery ("I don't know my password").
            recovery_start(RecoveryStart) -> Recovery, Public, false;
            /// Sends the recovery code again.
            recovery_resend(Ticket) -> Recovery, Public, false;
            /// Enters the recovery code.
            recovery_confirm(CodeEntry) -> Recovery, Public, false;
            /// Answers the secret question.
            recovery_answer(SecretAnswer) -> Recovery, Public, false;
            /// Sets the new password.
            recovery_set_password(NewPassword) -> Recovery, Public, false;

            /// The security settings.
            security_settings(Empty) -> SecuritySettings, Session, true;
            /// Changes the password; ends the other sessions.
            password_change(PasswordChange) -> Empty, Session, false;
            /// Turns on SMS codes at sign-in.
            sms_second_factor_enable(Reauth) -> SecuritySettings, Session, false;
            /// Begins an authenticator set-up.
            totp_setup_begin(Reauth) -> TotpSetup, Session, false;
            /// Finishes it with a first code.
            totp_setup_confirm(CodeEntry) -> SecuritySettings, Session, false;
            /// Turns a second factor off.
            second_factor_disable(SecondFactorOff) -> SecuritySettings, Session, false;
            /// Sets the secret question.
            secret_question_set(SecretQuestionSet) -> SecuritySettings, Session, false;
            /// Removes the secret question.
            secret_question_remove(Reauth) -> SecuritySettings, Session, false;

            /// Starts adding or replacing the phone or e-mail: a code goes to the new contact.
            contact_change_start(ContactChangeStart) -> ContactChange, Session, false;
            /// Sends the code to the new contact again.
            contact_change_resend(Ticket) -> ContactChange, Session, false;
            /// Proves the new contact with the code; the old one is told.
            contact_change_confirm(CodeEntry) -> AccountSummary, Session, false;

            /// The profile: draft, submitted data and both registry checks.
            profile_get(Empty) -> ProfileView, Session, true;
            /// Saves a draft, complete or not.
            profile_save_draft(ProfileForm) -> ProfileView, Session, false;
            /// Submits the profile for registry verification.
            profile_submit(ProfileSubmit) -> ProfileView, Session, false;

            /// Attaches a document scan (replacing one of the same document).
            profile_scan_upload(ScanUpload) -> ScanInfo, Session, false;
            /// The attached scans.
            profile_scans(Empty) -> Scans, Session, true;
            /// Removes a scan.
            profile_scan_delete(ById) -> Empty, Session, false;
            /// Asks the tax registry for the citizen's INN.
            profile_find_inn(Empty) -> InnLookup, Session, false;

            /// What the account's level opens and what the next level would add.
            service_catalogue(Empty) -> Catalogue, Session, true;
            /// Confirms the identity with an activation code from a service centre.
            identity_confirm_activation_code(ActivationCodeEntry) -> AccountSummary, Session, false;
            /// Orders a registered letter carrying a confirmation code.
            letter_order(LetterOrderRequest) -> LetterView, Session, false;
            /// Tracks the latest letter.
            letter_status(Empty) -> LetterView, Session, true;
            /// Confirms the identity with the letter's code (the tax-office account stays closed).
            identity_confirm_letter(LetterCode) -> AccountSummary, Session, false;
            /// Confirms the identity with an online bank's signed assertion.
            identity_confirm_bank(BankAssertion) -> AccountSummary, Session, false;

            /// The account's security events, newest first.
            security_events(Page) -> SecurityEvents, Session, true;
            /// "This wasn't me": ends every session and starts a recovery.
            security_event_not_me(ById) -> Recovery, Session, false;

            /// The notification preferences.
            notification_preferences(Empty) -> NotificationPreferences, Session, true;
            /// Replaces the notification preferences.
            notification_preferences_set(NotificationPreferences) -> NotificationPreferences, Session, false;
            /// Notifications sent to the citizen.
            notification_history(Page) -> NotificationHistory, Session, true;

            /// Messages the simulators delivered (only when they are on).
            dev_inbox(Empty) -> Inbox, Public, true;
        }
    };
}

macro_rules! define_api {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident, $idempotent:literal;)*) => {
        /// Kabinet's API: implemented by the service in-process and by the remote client.
        pub trait Api: Send + Sync {
            $(
                $(#[$doc])*
                fn $name(
                    &self,
                    context: &Context,
                    request: $request,
                ) -> impl Future<Output = Result<$response, ApiError>> + Send;
            )*
        }

        /// Every operation, in the list's order.
        pub const OPERATIONS: &[Operation] = &[
            $(Operation {
                name: stringify!($name),
                request: stringify!($request),
                response: stringify!($response),
                access: Access::$access,
                idempotent: $idempotent,
            },)*
        ];
    };
}

with_operations!(define_api);
