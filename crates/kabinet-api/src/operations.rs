//! The one list of operations. [`with_operations!`] hands it to any macro: this crate makes the
//! [`Api`] trait and [`OPERATIONS`] from it; the Tauri shell, the HTTP server and the remote
//! client make their commands, routes and calls from it too.

use std::future::Future;

use crate::error::ApiError;
use crate::types::*;

/// Who may call an operation. The service checks it before the use case runs and hands the
/// use case the principal it proved (the workstation adds operator and administrator kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (registration, sign-in, recovery).
    Public,
    /// A signed-in citizen: the context carries a live session of an account that is neither
    /// blocked nor deleted.
    Citizen,
    /// An enrolled workstation, no one signed in yet (staff set-up and sign-in): the context
    /// carries the key of a workstation that is not revoked.
    Workstation,
    /// A signed-in staff member, whatever their scopes, at an enrolled workstation of their own
    /// centre.
    AnyStaff,
    /// A signed-in staff member holding this scope, at an enrolled workstation of their own
    /// centre.
    Staff(Scope),
}

impl Access {
    /// The stable name (`public`, `citizen`, `workstation`, `staff`, `staff:citizen:search`).
    pub fn name(self) -> String {
        match self {
            Self::Public => "public".into(),
            Self::Citizen => "citizen".into(),
            Self::Workstation => "workstation".into(),
            Self::AnyStaff => "staff".into(),
            Self::Staff(scope) => format!("staff:{}", scope.as_str()),
        }
    }
}

/// What an operation does to the caller's session, so every transport keeps or drops the
/// token the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEffect {
    /// Nothing.
    Keeps,
    /// Its answer may carry a new session ([`OpensSession`]).
    Opens,
    /// It ends the caller's session (the transport forgets the token, success or not).
    Ends,
}

/// How large a request may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// An ordinary form (64 KiB by default).
    Small,
    /// A document scan (8 MiB by default: a 5 MB file, base64-encoded, in JSON).
    Upload,
}

/// A new session handed to the transport: the token and its absolute end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The bearer token.
    pub token: String,
    /// When it ends whatever happens.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// An answer that may carry a new session. The transport takes the token out (leaving the
/// field empty) and keeps it where its client keeps sessions: a browser's `HttpOnly` cookie,
/// the desktop's memory and keyring.
pub trait OpensSession {
    /// The session in the answer, if any, taken out of it.
    fn take_session(&mut self) -> Option<NewSession>;
}

impl OpensSession for SignedIn {
    fn take_session(&mut self) -> Option<NewSession> {
        Some(NewSession {
            token: std::mem::take(&mut self.token),
            expires_at: self.expires_at,
        })
    }
}

impl OpensSession for StaffSignedIn {
    fn take_session(&mut self) -> Option<NewSession> {
        Some(NewSession {
            token: std::mem::take(&mut self.token),
            expires_at: self.expires_at,
        })
    }
}

impl OpensSession for SignInOutcome {
    fn take_session(&mut self) -> Option<NewSession> {
        match self {
            Self::SignedIn(signed_in) => signed_in.take_session(),
            Self::SecondFactor(_) | Self::ChangePassword(_) => None,
        }
    }
}

/// The session-taking function of an operation's answer: `Some` for operations that open
/// sessions, `None` for the rest — chosen by the list's `SessionEffect`.
#[macro_export]
macro_rules! session_taker {
    (Opens, $response:ty) => {
        Some(
            <$response as $crate::OpensSession>::take_session
                as fn(&mut $response) -> Option<$crate::NewSession>,
        )
    };
    ($other:ident, $response:ty) => {
        None::<fn(&mut $response) -> Option<$crate::NewSession>>
    };
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
    /// What it does to the caller's session.
    pub session: SessionEffect,
    /// How large its request may be.
    pub body: BodyLimit,
}

/// Calls `$callback! { name(Request) -> Response, access, idempotent, session, body; … }` with
/// every operation. `access` is an [`Access`] variant: `Public`, `Citizen`, `Workstation`,
/// `AnyStaff`, or `Staff(Scope)` with a [`Scope`] variant.
#[macro_export]
macro_rules! with_operations {
    ($callback:ident) => {
        $callback! {
            /// The installation's public settings.
            app_info(Empty) -> AppInfo, Public, true, Keeps, Small;
            /// Checks a typed password against the policy (live checklist and meter).
            password_check(PasswordCheckRequest) -> PasswordCheck, Public, true, Keeps, Small;

            /// Starts (or resumes) a registration and sends the code.
            registration_start(RegistrationStart) -> Registration, Public, false, Keeps, Small;
            /// Where a registration stands (resume after an interruption).
            registration_status(Ticket) -> Registration, Public, true, Keeps, Small;
            /// Sends a new code, invalidating the previous one.
            registration_resend(Ticket) -> Registration, Public, false, Keeps, Small;
            /// Confirms the contact with the code.
            registration_confirm(CodeEntry) -> Registration, Public, false, Keeps, Small;
            /// Confirms the e-mail with the link's token.
            registration_confirm_link(LinkToken) -> Registration, Public, false, Keeps, Small;
            /// Sets the password and signs in.
            registration_set_password(NewPassword) -> SignedIn, Public, false, Opens, Small;

            /// Signs in with a login and password.
            sign_in(SignInRequest) -> SignInOutcome, Public, false, Opens, Small;
            /// Completes a sign-in with the second factor.
            sign_in_second_factor(SecondFactorEntry) -> SignInOutcome, Public, false, Opens, Small;
            /// Sends the second-factor code again.
            sign_in_resend(Ticket) -> SignInOutcome, Public, false, Keeps, Small;
            /// Replaces a temporary password and signs in.
            sign_in_change_password(NewPassword) -> SignedIn, Public, false, Opens, Small;
            /// A statement to sign with a qualified e-signature, to sign in.
            sign_in_signature_start(Empty) -> SignatureChallenge, Public, false, Keeps, Small;
            /// Signs in with the signed statement: the certificate's SNILS names the account.
            sign_in_signature(SignedChallenge) -> SignInOutcome, Public, false, Opens, Small;
            /// Ends the current session.
            sign_out(Empty) -> Empty, Citizen, false, Ends, Small;

            /// The signed-in account.
            me(Empty) -> AccountSummary, Citizen, true, Keeps, Small;
            /// Active sessions.
            sessions_list(Empty) -> Sessions, Citizen, true, Keeps, Small;
            /// Ends one session.
            session_revoke(ById) -> Empty, Citizen, false, Keeps, Small;
            /// Ends every session, this one included.
            sessions_revoke_all(Empty) -> Empty, Citizen, false, Ends, Small;

            /// Starts a recovery ("I don't know my password").
            recovery_start(RecoveryStart) -> Recovery, Public, false, Keeps, Small;
            /// Sends the recovery code again.
            recovery_resend(Ticket) -> Recovery, Public, false, Keeps, Small;
            /// Enters the recovery code.
            recovery_confirm(CodeEntry) -> Recovery, Public, false, Keeps, Small;
            /// Answers the secret question.
            recovery_answer(SecretAnswer) -> Recovery, Public, false, Keeps, Small;
            /// Sets the new password.
            recovery_set_password(NewPassword) -> Recovery, Public, false, Keeps, Small;

            /// The security settings.
            security_settings(Empty) -> SecuritySettings, Citizen, true, Keeps, Small;
            /// Changes the password; ends the other sessions.
            password_change(PasswordChange) -> Empty, Citizen, false, Keeps, Small;
            /// Turns on SMS codes at sign-in.
            sms_second_factor_enable(Reauth) -> SecuritySettings, Citizen, false, Keeps, Small;
            /// Begins an authenticator set-up.
            totp_setup_begin(Reauth) -> TotpSetup, Citizen, false, Keeps, Small;
            /// Finishes it with a first code.
            totp_setup_confirm(CodeEntry) -> SecuritySettings, Citizen, false, Keeps, Small;
            /// Turns a second factor off.
            second_factor_disable(SecondFactorOff) -> SecuritySettings, Citizen, false, Keeps, Small;
            /// Sets the secret question.
            secret_question_set(SecretQuestionSet) -> SecuritySettings, Citizen, false, Keeps, Small;
            /// Removes the secret question.
            secret_question_remove(Reauth) -> SecuritySettings, Citizen, false, Keeps, Small;

            /// Starts adding or replacing the phone or e-mail: a code goes to the new contact.
            contact_change_start(ContactChangeStart) -> ContactChange, Citizen, false, Keeps, Small;
            /// Sends the code to the new contact again.
            contact_change_resend(Ticket) -> ContactChange, Citizen, false, Keeps, Small;
            /// Proves the new contact with the code; the old one is told.
            contact_change_confirm(CodeEntry) -> AccountSummary, Citizen, false, Keeps, Small;
            /// Proves a phone noted at a service centre's desk with the link an SMS carried to it;
            /// the phone becomes the account's.
            phone_confirm_link(LinkToken) -> PhoneConfirmed, Public, false, Keeps, Small;

            /// The profile: draft, submitted data and both registry checks.
            profile_get(Empty) -> ProfileView, Citizen, true, Keeps, Small;
            /// Saves a draft, complete or not.
            profile_save_draft(ProfileForm) -> ProfileView, Citizen, false, Keeps, Small;
            /// Submits the profile for registry verification.
            profile_submit(ProfileSubmit) -> ProfileView, Citizen, false, Keeps, Small;

            /// Attaches a document scan (replacing one of the same document).
            profile_scan_upload(ScanUpload) -> ScanInfo, Citizen, false, Keeps, Upload;
            /// The attached scans.
            profile_scans(Empty) -> Scans, Citizen, true, Keeps, Small;
            /// Removes a scan.
            profile_scan_delete(ById) -> Empty, Citizen, false, Keeps, Small;
            /// Asks the tax registry for the citizen's INN.
            profile_find_inn(Empty) -> InnLookup, Citizen, false, Keeps, Small;

            /// What the account's level opens and what the next level would add.
            service_catalogue(Empty) -> Catalogue, Citizen, true, Keeps, Small;
            /// Confirms the identity with an activation code from a service centre.
            identity_confirm_activation_code(ActivationCodeEntry) -> AccountSummary, Citizen, false, Keeps, Small;
            /// Orders a registered letter carrying a confirmation code.
            letter_order(LetterOrderRequest) -> LetterView, Citizen, false, Keeps, Small;
            /// Tracks the latest letter.
            letter_status(Empty) -> LetterView, Citizen, true, Keeps, Small;
            /// Confirms the identity with the letter's code (the tax-office account stays closed).
            identity_confirm_letter(LetterCode) -> AccountSummary, Citizen, false, Keeps, Small;
            /// Starts a confirmation at an online bank: where to send the citizen.
            identity_bank_start(BankStart) -> BankRedirect, Citizen, false, Keeps, Small;
            /// Confirms the identity with what the bank handed back: the flow's state and the
            /// bank's signed assertion.
            identity_confirm_bank(BankAssertion) -> AccountSummary, Citizen, false, Keeps, Small;
            /// The confirmation statement to sign with a qualified e-signature.
            identity_signature_start(Empty) -> SignatureChallenge, Citizen, false, Keeps, Small;
            /// Confirms the identity with the signed statement: the certificate's SNILS must be
            /// the account's.
            identity_confirm_signature(SignedChallenge) -> AccountSummary, Citizen, false, Keeps, Small;

            /// The account's security events, newest first.
            security_events(Page) -> SecurityEvents, Citizen, true, Keeps, Small;
            /// "This wasn't me": ends every session and starts a recovery.
            security_event_not_me(ById) -> Recovery, Citizen, false, Ends, Small;

            /// The notification preferences.
            notification_preferences(Empty) -> NotificationPreferences, Citizen, true, Keeps, Small;
            /// Replaces the notification preferences.
            notification_preferences_set(NotificationPreferences) -> NotificationPreferences, Citizen, false, Keeps, Small;
            /// Notifications sent to the citizen.
            notification_history(Page) -> NotificationHistory, Citizen, true, Keeps, Small;

            /// Messages the simulators delivered (only when they are on).
            dev_inbox(Empty) -> Inbox, Public, true, Keeps, Small;

            /// The service centres with their hours (the citizen's «Лично»).
            centres_list(Empty) -> Centres, Public, true, Keeps, Small;

            /// Enrols this installation as a workstation of a centre with an enrolment code.
            workstation_enrol(WorkstationEnrolment) -> WorkstationEnrolled, Public, false, Keeps, Small;
            /// The workstation the request comes from, with its centre.
            workstation_info(Empty) -> WorkstationInfo, Workstation, true, Keeps, Small;
            /// Begins a staff member's set-up with their one-time code: the authenticator secret.
            staff_setup_start(StaffSetupStart) -> StaffSetup, Workstation, false, Keeps, Small;
            /// Finishes the set-up: password and a first authenticator code.
            staff_setup_finish(StaffSetupFinish) -> Empty, Workstation, false, Keeps, Small;
            /// Signs a staff member in: personnel number, password and authenticator code.
            staff_sign_in(StaffSignIn) -> StaffSignedIn, Workstation, false, Opens, Small;
            /// The signed-in staff member.
            staff_me(Empty) -> StaffView, AnyStaff, true, Keeps, Small;
            /// Ends the staff session.
            staff_sign_out(Empty) -> Empty, AnyStaff, false, Ends, Small;

            /// Finds a citizen by SNILS, phone, e-mail or passport: one exact match, masked.
            citizen_search(CitizenSearch) -> CitizenMatch, Staff(CitizenSearch), false, Keeps, Small;
            /// The citizen's card: level, status, checks, letter, recent events.
            citizen_card(ForAccount) -> CitizenCard, Staff(CitizenSearch), true, Keeps, Small;
            /// Sends an SMS code to the phone of a citizen registering in person.
            citizen_register_phone(InPersonPhone) -> Ticket, Staff(CitizenRegister), false, Keeps, Small;
            /// Registers a citizen in person; the profile goes to the registries.
            citizen_register(InPersonRegistration) -> InPersonRegistered, Staff(CitizenRegister), false, Keeps, Small;
            /// Confirms an identity in person after checking the originals.
            identity_confirm_in_person(InPersonConfirmation) -> CitizenCard, Staff(IdentityConfirm), false, Keeps, Small;
            /// Changes the SNILS or passport after checking the originals; the registries check
            /// them again (a Confirmed account waits for a second staff member first).
            identity_documents_change(IdentityDocumentsChange) -> IdentityDocumentsChanged, Staff(IdentityConfirm), false, Keeps, Small;
            /// Restores access in person (a Confirmed account waits for a second staff member).
            access_restore(AccessRestore) -> AccessRestored, Staff(AccessRestore), false, Keeps, Small;
            /// Issues a 16-digit activation code, shown once to print.
            activation_code_issue(ForAccount) -> ActivationSlip, Staff(ActivationCodeIssue), false, Keeps, Small;
            /// Blocks an account.
            account_block(AccountBlockRequest) -> CitizenCard, Staff(AccountBlock), false, Keeps, Small;
            /// Asks for an account to be unblocked (a second staff member decides).
            account_unblock(AccountBlockRequest) -> ApprovalView, Staff(AccountBlock), false, Keeps, Small;
            /// The centre's pending four-eyes requests.
            approvals_list(Empty) -> Approvals, Staff(ApprovalGrant), true, Keeps, Small;
            /// Approves or rejects another staff member's request.
            approval_decide(ApprovalDecision) -> ApprovalOutcome, Staff(ApprovalGrant), false, Keeps, Small;

            /// Adds or changes a centre.
            centre_save(CentreForm) -> CentreView, Staff(CentreManage), false, Keeps, Small;
            /// Adds a staff member; returns their one-time set-up code.
            staff_create(StaffForm) -> StaffCreated, Staff(StaffManage), false, Keeps, Small;
            /// Every staff member.
            staff_list(Empty) -> StaffList, Staff(StaffManage), true, Keeps, Small;
            /// Replaces a staff member's scopes.
            staff_scopes_set(StaffScopes) -> StaffView, Staff(StaffManage), false, Keeps, Small;
            /// Suspends a staff member: their sessions end at once.
            staff_suspend(ById) -> StaffView, Staff(StaffManage), false, Keeps, Small;
            /// A new set-up code (a forgotten password or authenticator; reinstates a suspended member).
            staff_setup_code(ById) -> OneTimeCode, Staff(StaffManage), false, Keeps, Small;
            /// Live staff sessions.
            staff_sessions(Empty) -> StaffSessions, Staff(StaffManage), true, Keeps, Small;
            /// Ends a staff session.
            staff_session_end(ById) -> Empty, Staff(StaffManage), false, Keeps, Small;
            /// A one-time code that enrols a workstation to a centre.
            workstation_code(ForCentre) -> OneTimeCode, Staff(StaffManage), false, Keeps, Small;
            /// Searches the staff audit log.
            staff_audit(AuditSearch) -> AuditEntries, Staff(StaffManage), true, Keeps, Small;

            /// A workstation's replica sends the next changes of its outbox (in order; each is
            /// applied once however often it arrives).
            sync_push(SyncPush) -> SyncPushed, Workstation, true, Keeps, Upload;
            /// A workstation's replica reads what changed for its centre since its cursor.
            sync_pull(SyncPull) -> SyncPulled, Workstation, true, Keeps, Small;
            /// The conflicts of the centre's workstations' offline changes.
            sync_conflicts(Empty) -> SyncConflicts, Staff(ConflictResolve), true, Keeps, Small;
            /// Merges a conflict into the existing account or rejects it with a reason.
            sync_conflict_resolve(SyncConflictResolve) -> SyncConflictView, Staff(ConflictResolve), false, Keeps, Small;
        }
    };
}

macro_rules! define_api {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
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
                access: Access::$access $((Scope::$scope))?,
                idempotent: $idempotent,
                session: SessionEffect::$session,
                body: BodyLimit::$body,
            },)*
        ];
    };
}

with_operations!(define_api);
