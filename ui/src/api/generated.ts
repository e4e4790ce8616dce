// Generated from crates/kabinet-api by `cargo xtask codegen`. Do not edit by hand:
// a test fails when this file differs from what the Rust types produce.

export type ErrorCode = "invalid_input" | "contact_in_use" | "code_wrong" | "code_expired" | "code_spent" | "code_attempts_exhausted" | "resend_too_soon" | "send_limit_reached" | "flow_expired" | "wrong_step" | "credentials_invalid" | "account_locked" | "too_many_requests" | "account_blocked" | "unauthenticated" | "password_wrong" | "not_found" | "conflict" | "not_allowed" | "forbidden" | "workstation_required" | "reverification_needed" | "unavailable" | "not_available" | "too_large" | "method_not_allowed" | "csrf_failed" | "update_refused" | "update_failed" | "internal";

export type RuleViolation = { 
/**
 * The rule's code, e.g. `too_short`.
 */
rule: string, 
/**
 * Named parameters of the message.
 */
params: { [key in string]: string }, };

export type FieldError = { 
/**
 * The field, as the request names it (`password`, `contact`, `passport.series`).
 */
field: string, 
/**
 * Every rule it broke.
 */
rules: Array<RuleViolation>, };

export type ApiError = { 
/**
 * What went wrong, from a closed set.
 */
code: ErrorCode, 
/**
 * A sentence for people (Russian by default); the UI uses `code` instead where it can.
 */
message: string, 
/**
 * For `invalid_input`: every wrong field.
 */
fields?: Array<FieldError>, 
/**
 * When to try again (locks, cooldowns, caps).
 */
retry_at?: string, 
/**
 * Attempts left (wrong codes).
 */
remaining?: number, };

export type Empty = Record<symbol, never>;

export type ContactKind = "phone" | "email";

export type Level = "simplified" | "standard" | "confirmed";

export type AccountStatus = "pending" | "active" | "locked" | "blocked" | "deleted";

export type SecondFactor = "sms" | "email" | "totp";

export type AppInfo = { 
/**
 * The version of the user agreement and personal-data consent shown on the form.
 */
consent_version: string, 
/**
 * Digits in a confirmation code.
 */
code_length: number, 
/**
 * How long an SMS code is valid.
 */
sms_code_ttl_seconds: number, 
/**
 * The shortest time between two sends of a code.
 */
resend_cooldown_seconds: number, 
/**
 * Session idle timeout.
 */
session_idle_seconds: number, 
/**
 * The portal's page of a service, `{code}` standing for its catalogue code; absent when
 * the portal's address is not configured.
 */
portal_services_url?: string, 
/**
 * Where the desktop app is downloaded (the web's e-signature page links to it).
 */
desktop_app_url?: string, 
/**
 * Simulators are on: the dev inbox shows the messages "sent".
 */
simulators: boolean, 
/**
 * The banks an identity can be confirmed through.
 */
banks: Array<BankChoice>, };

export type PasswordCheckRequest = { 
/**
 * The password as typed.
 */
password: string, 
/**
 * The login(s) it must not equal or contain (phone, e-mail), as typed.
 */
logins: Array<string>, };

export type PasswordCheck = { 
/**
 * Every rule of the policy, in order, with whether it is met.
 */
rules: Array<PasswordRule>, 
/**
 * zxcvbn's score 0…4.
 */
score: number, 
/**
 * All rules met.
 */
acceptable: boolean, };

export type PasswordRule = { 
/**
 * The rule's code, as in field errors.
 */
rule: string, 
/**
 * Parameters (e.g. `min`).
 */
params: { [key in string]: string }, 
/**
 * Met by the password.
 */
met: boolean, };

export type RegistrationStart = { 
/**
 * Surname.
 */
surname: string, 
/**
 * First name.
 */
first_name: string, 
/**
 * Phone, or e-mail for "I have no mobile phone".
 */
contact_kind: ContactKind, 
/**
 * The phone or e-mail as typed.
 */
contact: string, 
/**
 * The consent checkbox.
 */
consent: boolean, 
/**
 * The version of the documents the citizen was shown.
 */
consent_version: string, };

export type RegistrationStep = "confirm_contact" | "set_password";

export type Registration = { 
/**
 * The secret that continues this registration.
 */
ticket: string, 
/**
 * The next step.
 */
step: RegistrationStep, 
/**
 * The names kept from the form.
 */
surname: string, 
/**
 * The names kept from the form.
 */
first_name: string, 
/**
 * Phone or e-mail.
 */
contact_kind: ContactKind, 
/**
 * The contact, masked (`+7 912 ***-**-89`).
 */
contact_masked: string, 
/**
 * When the current code stops working.
 */
code_expires_at?: string, 
/**
 * The earliest moment for "send again".
 */
resend_at?: string, };

export type Ticket = { 
/**
 * The flow's ticket.
 */
ticket: string, };

export type CodeEntry = { 
/**
 * The flow's ticket.
 */
ticket: string, 
/**
 * The code as typed.
 */
code: string, };

export type LinkToken = { 
/**
 * From the link.
 */
token: string, };

export type NewPassword = { 
/**
 * The flow's ticket.
 */
ticket: string, 
/**
 * The password.
 */
password: string, 
/**
 * The same again.
 */
password_repeat: string, };

export type SignInRequest = { 
/**
 * The login as typed.
 */
login: string, 
/**
 * The password.
 */
password: string, };

export type SignInOutcome = { "step": "signed_in" } & SignedIn | { "step": "second_factor" } & SecondFactorChallenge | { "step": "change_password" } & Ticket;

export type SecondFactorChallenge = { 
/**
 * The flow's ticket.
 */
ticket: string, 
/**
 * The methods accepted, preferred first.
 */
methods: Array<SecondFactor>, 
/**
 * Why: the citizen enabled it, or the device is new.
 */
new_device: boolean, 
/**
 * Where the code went, masked (SMS or e-mail methods).
 */
sent_to?: string, 
/**
 * When the sent code expires.
 */
code_expires_at?: string, 
/**
 * The earliest moment for "send again".
 */
resend_at?: string, };

export type SecondFactorEntry = { 
/**
 * The flow's ticket.
 */
ticket: string, 
/**
 * Which factor.
 */
method: SecondFactor, 
/**
 * The code.
 */
code: string, };

export type SignedIn = { 
/**
 * The bearer token for programs (the desktop's remote mode). A transport that keeps
 * sessions itself (a browser's `HttpOnly` cookie, the desktop's keyring) takes it out, and
 * the answer then has no token.
 */
token?: string, 
/**
 * The absolute end of the session.
 */
expires_at: string, 
/**
 * The account.
 */
account: AccountSummary, };

export type AccountSummary = { 
/**
 * The account's id.
 */
id: string, 
/**
 * Surname.
 */
surname: string, 
/**
 * First name.
 */
first_name: string, 
/**
 * Level.
 */
level: Level, 
/**
 * Status.
 */
status: AccountStatus, 
/**
 * The phone, masked, if the account has one.
 */
phone?: string, 
/**
 * The e-mail, masked, if the account has one.
 */
email?: string, };

export type SessionInfo = { 
/**
 * Id for revoking it.
 */
id: string, 
/**
 * The device's name.
 */
device: string, 
/**
 * The address it signed in from.
 */
address: string, 
/**
 * Sign-in time.
 */
created_at: string, 
/**
 * Last activity.
 */
last_seen_at: string, 
/**
 * The session making this request.
 */
current: boolean, };

export type Sessions = { 
/**
 * The sessions.
 */
sessions: Array<SessionInfo>, };

export type ById = { 
/**
 * The id.
 */
id: string, };

export type RecoveryStart = { 
/**
 * Phone, e-mail, SNILS or INN as typed.
 */
login: string, };

export type RecoveryStep = "code" | "secret_question" | "new_password" | "done";

export type Recovery = { 
/**
 * The secret that continues this recovery.
 */
ticket: string, 
/**
 * The next step.
 */
step: RecoveryStep, 
/**
 * The secret question, at that step.
 */
question?: string, 
/**
 * When the code expires.
 */
code_expires_at?: string, 
/**
 * The earliest moment for "send again".
 */
resend_at?: string, };

export type SecretAnswer = { 
/**
 * The flow's ticket.
 */
ticket: string, 
/**
 * The answer.
 */
answer: string, };

export type PasswordChange = { 
/**
 * The current password.
 */
current_password: string, 
/**
 * The new password.
 */
password: string, 
/**
 * The same again.
 */
password_repeat: string, };

export type Reauth = { 
/**
 * The current password.
 */
password: string, };

export type SecuritySettings = { 
/**
 * SMS codes at every sign-in.
 */
sms_second_factor: boolean, 
/**
 * An authenticator app at every sign-in.
 */
totp_second_factor: boolean, 
/**
 * The secret question, if set.
 */
secret_question?: string, 
/**
 * When the password was last set.
 */
password_changed_at?: string, };

export type TotpSetup = { 
/**
 * The set-up's ticket.
 */
ticket: string, 
/**
 * The secret, base32, for typing in by hand.
 */
secret: string, 
/**
 * The `otpauth://` URL for the QR code.
 */
otpauth_url: string, };

export type SecondFactorOff = { 
/**
 * The current password.
 */
password: string, 
/**
 * `sms` or `totp`.
 */
method: SecondFactor, };

export type SecretQuestionSet = { 
/**
 * The current password.
 */
password: string, 
/**
 * The question.
 */
question: string, 
/**
 * The answer (compared ignoring case and extra spaces).
 */
answer: string, };

export type ContactChangeStart = { 
/**
 * The current password.
 */
password: string, 
/**
 * Which contact.
 */
contact_kind: ContactKind, 
/**
 * The new phone or e-mail as typed.
 */
contact: string, };

export type ContactChange = { 
/**
 * The change's ticket.
 */
ticket: string, 
/**
 * Which contact.
 */
contact_kind: ContactKind, 
/**
 * The new contact, masked.
 */
contact_masked: string, 
/**
 * When the code expires.
 */
code_expires_at: string, 
/**
 * The earliest moment for "send again".
 */
resend_at: string, };

export type PhoneConfirmed = { 
/**
 * The phone, masked (`+7 ••• •••-••-67`).
 */
phone: string, };

export type Page = { 
/**
 * 0-based page.
 */
page: number, 
/**
 * Items per page (1…100, default 20).
 */
per_page: number, };

export type SecurityEvent = { 
/**
 * Id for "this wasn't me".
 */
id: string, 
/**
 * What happened (`signed_in`, `sign_in_failed`, `password_set`, …).
 */
kind: string, 
/**
 * When.
 */
at: string, 
/**
 * From which device.
 */
device: string, 
/**
 * From which address.
 */
address: string, 
/**
 * Who: `citizen`, `operator`, `administrator`, `system`.
 */
actor: string, 
/**
 * A service centre's action: where and by whom.
 */
by_staff?: StaffMark, };

export type SecurityEvents = { 
/**
 * Newest first.
 */
events: Array<SecurityEvent>, 
/**
 * More pages follow.
 */
has_more: boolean, };

export type NotificationCategory = "applications" | "payments" | "events";

export type Channel = "sms" | "email" | "push";

export type NotificationPreference = { 
/**
 * Category.
 */
category: NotificationCategory, 
/**
 * Channel.
 */
channel: Channel, 
/**
 * On.
 */
enabled: boolean, };

export type NotificationPreferences = { 
/**
 * Every switch.
 */
preferences: Array<NotificationPreference>, };

export type NotificationRecord = { 
/**
 * Id.
 */
id: string, 
/**
 * Category.
 */
category: NotificationCategory, 
/**
 * Channel.
 */
channel: Channel, 
/**
 * Recipient, masked.
 */
recipient: string, 
/**
 * Subject (e-mail).
 */
subject: string, 
/**
 * Text, with codes masked.
 */
body: string, 
/**
 * `queued`, `sent`, `failed`.
 */
status: string, 
/**
 * When.
 */
created_at: string, };

export type NotificationHistory = { 
/**
 * Newest first.
 */
notifications: Array<NotificationRecord>, 
/**
 * More pages follow.
 */
has_more: boolean, };

export type InboxMessage = { 
/**
 * `sms` or `email`.
 */
channel: Channel, 
/**
 * Phone or address.
 */
to: string, 
/**
 * Subject (e-mail).
 */
subject: string, 
/**
 * The whole text, codes included.
 */
body: string, 
/**
 * When.
 */
at: string, };

export type Inbox = { 
/**
 * Messages.
 */
messages: Array<InboxMessage>, };

export type PassportForm = { 
/**
 * 4 digits.
 */
series: string, 
/**
 * 6 digits.
 */
number: string, 
/**
 * `DD.MM.YYYY`.
 */
issued_on: string, 
/**
 * Кем выдан.
 */
issuer: string, 
/**
 * `NNN-NNN`.
 */
department_code: string, };

export type ForeignPassportForm = { 
/**
 * ISO 3166 alpha-2.
 */
country: string, 
/**
 * Number.
 */
number: string, 
/**
 * `DD.MM.YYYY`.
 */
issued_on: string, 
/**
 * `DD.MM.YYYY`, empty if it does not expire.
 */
expires_on: string, };

export type AddressForm = { 
/**
 * 6 digits.
 */
postcode: string, 
/**
 * Регион.
 */
region: string, 
/**
 * Город.
 */
city: string, 
/**
 * Улица.
 */
street: string, 
/**
 * Дом.
 */
house: string, 
/**
 * Корпус/строение.
 */
building: string, 
/**
 * Квартира.
 */
flat: string, };

export type ProfileForm = { 
/**
 * Фамилия.
 */
surname: string, 
/**
 * Имя.
 */
first_name: string, 
/**
 * Отчество.
 */
patronymic: string, 
/**
 * `male` / `female`.
 */
sex: string, 
/**
 * `DD.MM.YYYY`.
 */
birth_date: string, 
/**
 * Место рождения.
 */
birth_place: string, 
/**
 * ISO 3166 alpha-2 (`RU`).
 */
citizenship: string, 
/**
 * Citizens of Russia.
 */
passport: PassportForm, 
/**
 * Foreign citizens.
 */
foreign_passport: ForeignPassportForm, 
/**
 * СНИЛС.
 */
snils: string, 
/**
 * ИНН (optional).
 */
inn: string, 
/**
 * Адрес регистрации.
 */
address: AddressForm, };

export type ProfileSubmit = { 
/**
 * The profile.
 */
profile: ProfileForm, 
/**
 * The citizen saw the warning that editing verified data sends the account back to
 * verification (needed only then).
 */
confirm_reverification: boolean, };

export type RegistryCheck = "snils" | "passport";

export type CheckState = "not_started" | "queued" | "checking" | "passed" | "mismatch" | "unavailable";

export type CheckView = { 
/**
 * Which.
 */
check: RegistryCheck, 
/**
 * Where it stands.
 */
state: CheckState, 
/**
 * For a mismatch: the fields to correct.
 */
fields: Array<string>, 
/**
 * For an unavailable registry: the next attempt.
 */
retry_at?: string, };

export type ProfileView = { 
/**
 * The draft being edited, if any.
 */
draft?: ProfileForm, 
/**
 * When the draft was saved.
 */
draft_saved_at?: string, 
/**
 * The profile sent for verification, if any.
 */
submitted?: ProfileForm, 
/**
 * The account's level.
 */
level: Level, 
/**
 * Both checks.
 */
checks: Array<CheckView>, 
/**
 * Saving changes now sends the account back to verification (warn first).
 */
edit_needs_reverification: boolean, };

export type CatalogueEntry = { 
/**
 * Stable code (the UI's translation key).
 */
code: string, 
/**
 * The Russian title.
 */
title: string, 
/**
 * The level it needs.
 */
level: Level, 
/**
 * Open to this account now.
 */
available: boolean, };

export type Catalogue = { 
/**
 * The account's level.
 */
level: Level, 
/**
 * The next level, if any.
 */
next_level?: Level, 
/**
 * Every service.
 */
services: Array<CatalogueEntry>, 
/**
 * Codes of the services the next level would open.
 */
next_level_adds: Array<string>, };

export type ActivationCodeEntry = { 
/**
 * СНИЛС, any writing.
 */
snils: string, 
/**
 * The 16 digits (spaces allowed).
 */
code: string, };

export type BankAssertion = { 
/**
 * The `state` Kabinet gave the bank.
 */
state: string, 
/**
 * The compact JWT.
 */
assertion: string, };

export type BankChoice = { 
/**
 * Its id.
 */
id: string, 
/**
 * Its name for people.
 */
name: string, };

export type BankStart = { 
/**
 * The bank's id (one of `app_info.banks`).
 */
bank: string, };

export type BankRedirect = { 
/**
 * The bank's page, with Kabinet's client id, return address, state and nonce.
 */
url: string, 
/**
 * Where the bank sends the citizen back (the answer is in its fragment).
 */
return_url: string, };

export type SignatureChallenge = { 
/**
 * Sent back with the signature.
 */
ticket: string, 
/**
 * What is signed, as its UTF-8 bytes; shown to the citizen before the PIN.
 */
statement: string, 
/**
 * When it stops being accepted (five minutes, once).
 */
expires_at: string, };

export type SignedChallenge = { 
/**
 * The challenge's ticket.
 */
ticket: string, 
/**
 * The signer's certificate: DER, in base64.
 */
certificate: string, 
/**
 * The signature over the statement, in base64: ECDSA as r‖s (or DER), GOST R 34.10-2012
 * as s‖r, as PKCS#11 tokens make them.
 */
signature: string, };

export type LetterOrderRequest = { 
/**
 * Where to send it; the profile's registration address when absent.
 */
address?: AddressForm, };

export type LetterState = "accepted" | "in_transit" | "arrived" | "handed_over" | "lost";

export type LetterView = { 
/**
 * The post's tracking number.
 */
tracking: string, 
/**
 * Where it is.
 */
state: LetterState, 
/**
 * When it was ordered.
 */
ordered_at: string, 
/**
 * When its state last changed (as far as Kabinet knows).
 */
state_at: string, 
/**
 * The last day the code in it is accepted.
 */
code_expires_at: string, 
/**
 * The earliest moment a new letter may be ordered.
 */
next_order_at: string, };

export type LetterCode = { 
/**
 * As typed.
 */
code: string, };

export type ScanDocument = "passport_main" | "snils" | "selfie_with_passport";

export type ScanUpload = { 
/**
 * Which document.
 */
document: ScanDocument, 
/**
 * The file's name as chosen (shown only; not trusted).
 */
file_name: string, 
/**
 * The bytes, base64 (standard alphabet); at most 5 MB decoded.
 */
content_base64: string, };

export type ScanInfo = { 
/**
 * Id (for removing it).
 */
id: string, 
/**
 * Which document.
 */
document: ScanDocument, 
/**
 * `image/jpeg`, `image/png` or `application/pdf`, from the content.
 */
content_type: string, 
/**
 * Size in bytes.
 */
size_bytes: bigint, 
/**
 * When.
 */
uploaded_at: string, };

export type Scans = { 
/**
 * One per document at most.
 */
scans: Array<ScanInfo>, };

export type InnLookup = { 
/**
 * The INN found, if any (it is saved to the profile).
 */
inn?: string, };

export type StaffMark = { 
/**
 * The centre's name («МФЦ района Тверской»).
 */
centre: string, 
/**
 * The staff member's personnel number.
 */
staff_number: string, 
/**
 * The workstation's id (empty if not recorded).
 */
workstation: string, };

export type Scope = "citizen:search" | "citizen:register" | "identity:confirm" | "access:restore" | "activation_code:issue" | "account:block" | "approval:grant" | "centre:manage" | "staff:manage" | "conflict:resolve";

export type StaffStatus = "pending" | "active" | "suspended";

export type CentreRef = { 
/**
 * Its id.
 */
id: string, 
/**
 * Its name.
 */
name: string, };

export type StaffView = { 
/**
 * Id.
 */
id: string, 
/**
 * Табельный номер.
 */
personnel_number: string, 
/**
 * ФИО.
 */
full_name: string, 
/**
 * The centre.
 */
centre: CentreRef, 
/**
 * Permissions.
 */
scopes: Array<Scope>, 
/**
 * Status.
 */
status: StaffStatus, };

export type WorkstationEnrolment = { 
/**
 * The one-time enrolment code.
 */
code: string, 
/**
 * What the workstation is called (e.g. «Окно 3»).
 */
name: string, };

export type WorkstationEnrolled = { 
/**
 * Its id.
 */
workstation_id: string, 
/**
 * The secret key (empty once the transport has stored it).
 */
key?: string, 
/**
 * Its name.
 */
name: string, 
/**
 * The centre it belongs to.
 */
centre: CentreRef, };

export type WorkstationInfo = { 
/**
 * Its id.
 */
workstation_id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Its centre, with hours.
 */
centre: CentreView, };

export type StaffSetupStart = { 
/**
 * The one-time set-up code.
 */
code: string, };

export type StaffSetup = { 
/**
 * Carries the set-up to its second step.
 */
ticket: string, 
/**
 * Who is being set up.
 */
full_name: string, 
/**
 * Their number.
 */
personnel_number: string, 
/**
 * The authenticator secret, base32, to type in.
 */
totp_secret: string, 
/**
 * The `otpauth://` URL for a QR code.
 */
otpauth_url: string, };

export type StaffSetupFinish = { 
/**
 * From [`StaffSetup`].
 */
ticket: string, 
/**
 * The new password.
 */
password: string, 
/**
 * The authenticator's current code.
 */
totp_code: string, };

export type StaffSignIn = { 
/**
 * Табельный номер.
 */
personnel_number: string, 
/**
 * Password.
 */
password: string, 
/**
 * The authenticator's current code.
 */
totp_code: string, };

export type StaffSignedIn = { 
/**
 * The bearer token (empty once the transport has stored it).
 */
token?: string, 
/**
 * When it ends whatever happens.
 */
expires_at: string, 
/**
 * Who signed in.
 */
staff: StaffView, };

export type StaffForm = { 
/**
 * Табельный номер (digits).
 */
personnel_number: string, 
/**
 * ФИО.
 */
full_name: string, 
/**
 * The centre.
 */
centre_id: string, 
/**
 * Permissions.
 */
scopes: Array<Scope>, };

export type OneTimeCode = { 
/**
 * The code (shown once).
 */
code: string, 
/**
 * Until when it works.
 */
expires_at: string, };

export type StaffCreated = { 
/**
 * The member.
 */
staff: StaffView, 
/**
 * Their set-up code.
 */
setup: OneTimeCode, };

export type StaffList = { 
/**
 * Members by number.
 */
staff: Array<StaffView>, };

export type StaffScopes = { 
/**
 * The member.
 */
id: string, 
/**
 * Their permissions from now on.
 */
scopes: Array<Scope>, };

export type ForCentre = { 
/**
 * The centre.
 */
centre_id: string, };

export type StaffSessionInfo = { 
/**
 * Its id.
 */
id: string, 
/**
 * Whose.
 */
personnel_number: string, 
/**
 * At which workstation.
 */
workstation: string, 
/**
 * Opened.
 */
created_at: string, 
/**
 * Last request.
 */
last_seen_at: string, };

export type StaffSessions = { 
/**
 * Newest first.
 */
sessions: Array<StaffSessionInfo>, };

export type AuditSearch = { 
/**
 * Who.
 */
personnel_number: string, 
/**
 * What (an operation's name).
 */
action: string, 
/**
 * Whom.
 */
account_id?: string, 
/**
 * Where.
 */
centre_id?: string, 
/**
 * From (inclusive).
 */
from?: string, 
/**
 * To (exclusive).
 */
to?: string, 
/**
 * Which page.
 */
page: Page, };

export type AuditEntry = { 
/**
 * When.
 */
at: string, 
/**
 * Who.
 */
personnel_number: string, 
/**
 * Where.
 */
centre_id?: string, 
/**
 * At which workstation.
 */
workstation_id?: string, 
/**
 * What.
 */
action: string, 
/**
 * Whom.
 */
account_id?: string, 
/**
 * `ok` or the error code.
 */
outcome: string, 
/**
 * Details (documents checked, reasons).
 */
detail: Record<string, unknown>, };

export type AuditEntries = { 
/**
 * Newest first.
 */
entries: Array<AuditEntry>, 
/**
 * More on the next page.
 */
has_more: boolean, };

export type SearchBy = "snils" | "phone" | "email" | "passport";

export type CitizenSearch = { 
/**
 * By what.
 */
by: SearchBy, 
/**
 * The value, in any common writing.
 */
value: string, };

export type CitizenBrief = { 
/**
 * The account.
 */
account_id: string, 
/**
 * First name and the surname's initial («Иван П.»), or empty with no profile.
 */
name: string, 
/**
 * The phone, masked.
 */
phone: string, 
/**
 * The e-mail, masked.
 */
email: string, 
/**
 * Level.
 */
level: Level, 
/**
 * Status.
 */
status: AccountStatus, };

export type CitizenMatch = { 
/**
 * The one match, if any.
 */
citizen?: CitizenBrief, };

export type ForAccount = { 
/**
 * The account.
 */
account_id: string, };

export type CardEvent = { 
/**
 * What (the same codes as the citizen's security events).
 */
kind: string, 
/**
 * When.
 */
at: string, 
/**
 * Who (`citizen`, `operator`, `system`).
 */
actor: string, };

export type CitizenCard = { 
/**
 * Masked identity.
 */
citizen: CitizenBrief, 
/**
 * Surname and initials («Петров И. С.»), to compare with the passport.
 */
name_with_initials: string, 
/**
 * The registry checks.
 */
checks: Array<CheckView>, 
/**
 * How the identity was confirmed (`in_person`, …), if it was.
 */
confirmation?: string, 
/**
 * Must change a temporary password at the next sign-in.
 */
temporary_password: boolean, 
/**
 * The latest registered letter.
 */
letter?: LetterState, 
/**
 * Recent events, newest first.
 */
events: Array<CardEvent>, };

export type InPersonPhone = { 
/**
 * The citizen's mobile.
 */
phone: string, };

export type InPersonRegistration = { 
/**
 * The profile as on the passport, with the SNILS.
 */
profile: ProfileForm, 
/**
 * The ticket of the SMS code sent to the phone (empty: the citizen has no phone).
 */
phone_ticket: string, 
/**
 * The code the citizen reads out.
 */
phone_code: string, 
/**
 * A phone that cannot be proved at the desk now (a workstation without the link to the
 * centre sends no SMS): once the registration reaches the centre, an SMS with a link goes
 * to it, and the phone becomes the citizen's when the link is opened. Empty: none, or the
 * phone was proved by the code above.
 */
phone_later: string, };

export type InPersonRegistered = { 
/**
 * The card (checks running).
 */
card: CitizenCard, 
/**
 * To print on the slip; changed at the first sign-in.
 */
temporary_password: string, };

export type InPersonConfirmation = { 
/**
 * The account.
 */
account_id: string, 
/**
 * The originals checked (`passport`, `snils`, `foreign_passport`).
 */
documents: Array<string>, };

export type AccessRestore = { 
/**
 * The account.
 */
account_id: string, 
/**
 * The originals checked.
 */
documents: Array<string>, };

export type IdentityDocumentsChange = { 
/**
 * The account.
 */
account_id: string, 
/**
 * The profile with the new document.
 */
profile: ProfileForm, 
/**
 * The originals checked.
 */
documents: Array<string>, };

export type IdentityDocumentsChanged = { 
/**
 * The card after the change (none while it waits).
 */
card?: CitizenCard, 
/**
 * The request waiting for approval.
 */
approval?: ApprovalView, };

export type ApprovalView = { 
/**
 * Id.
 */
id: string, 
/**
 * `unblock`, `restore_confirmed`, `identity_document_change`.
 */
kind: string, 
/**
 * The citizen, masked.
 */
citizen: CitizenBrief, 
/**
 * Who asked.
 */
maker: string, 
/**
 * Why.
 */
reason: string, 
/**
 * When.
 */
requested_at: string, 
/**
 * Until when it may be decided.
 */
expires_at: string, 
/**
 * `pending`, `approved`, `rejected`, `expired`.
 */
status: string, };

export type AccessRestored = { 
/**
 * The temporary password to print (when done at once).
 */
temporary_password?: string, 
/**
 * The request waiting for approval (a Confirmed account).
 */
approval?: ApprovalView, };

export type ActivationSlip = { 
/**
 * The 16 digits (shown once).
 */
code: string, 
/**
 * Until when it works.
 */
expires_at: string, 
/**
 * For whom, masked.
 */
citizen: CitizenBrief, };

export type AccountBlockRequest = { 
/**
 * The account.
 */
account_id: string, 
/**
 * Why (told to the citizen).
 */
reason: string, };

export type Approvals = { 
/**
 * Oldest first.
 */
approvals: Array<ApprovalView>, };

export type ApprovalDecision = { 
/**
 * The request.
 */
id: string, 
/**
 * Approve (or reject).
 */
approve: boolean, 
/**
 * Why (required to reject).
 */
reason: string, };

export type ApprovalOutcome = { 
/**
 * The request, decided.
 */
approval: ApprovalView, 
/**
 * A temporary password to print (an approved restore).
 */
temporary_password?: string, };

export type DayHours = { 
/**
 * Opens.
 */
opens: string, 
/**
 * Closes.
 */
closes: string, };

export type HoursException = { 
/**
 * `DD.MM.YYYY`.
 */
date: string, 
/**
 * Its hours (none: closed).
 */
hours?: DayHours, };

export type CentreForm = { 
/**
 * The centre to change; none adds one.
 */
id?: string, 
/**
 * Its name («МФЦ района Тверской»).
 */
name: string, 
/**
 * Its address.
 */
address: string, 
/**
 * Services offered (codes: `identity_confirmation`, `registration`, `access_restore`,
 * `activation_code`).
 */
services: Array<string>, 
/**
 * Monday first, seven entries; none is a day off.
 */
week: Array<DayHours | null>, 
/**
 * Holidays and shortened days.
 */
exceptions: Array<HoursException>, 
/**
 * Offset from UTC in minutes (Moscow: 180).
 */
utc_offset_minutes: number, };

export type CentreView = { 
/**
 * Id.
 */
id: string, 
/**
 * Name.
 */
name: string, 
/**
 * Address.
 */
address: string, 
/**
 * Services offered.
 */
services: Array<string>, 
/**
 * Monday first.
 */
week: Array<DayHours | null>, 
/**
 * Coming exceptions.
 */
exceptions: Array<HoursException>, 
/**
 * Offset from UTC in minutes.
 */
utc_offset_minutes: number, 
/**
 * Open right now.
 */
open_now: boolean, };

export type Centres = { 
/**
 * By name.
 */
centres: Array<CentreView>, };

export type DeskChange = { "kind": "registered_in_person", 
/**
 * The surname as in the passport.
 */
surname: string, 
/**
 * The first name as in the passport.
 */
first_name: string, 
/**
 * The profile the operator took from the originals.
 */
profile: ProfileForm, 
/**
 * The argon2id hash of the temporary password printed for the citizen.
 */
password_phc: string, 
/**
 * A phone the citizen gave that the desk could not prove: the centre sends it a link.
 */
phone_later?: string | null, } | { "kind": "confirmed_in_person", 
/**
 * The originals checked (`passport`, `snils`, `foreign_passport`).
 */
documents: Array<string>, } | { "kind": "access_restored", 
/**
 * The argon2id hash of the temporary password printed for the citizen.
 */
password_phc: string, } | { "kind": "activation_code_issued", 
/**
 * The blank's id.
 */
blank: string, };

export type OutboxChange = { 
/**
 * UUIDv7, made at the workstation: the change's identity everywhere.
 */
id: string, 
/**
 * The workstation's number for it: 1, 2, 3… with no gaps.
 */
seq: bigint, 
/**
 * The account it concerns.
 */
account_id: string, 
/**
 * When it was made at the desk.
 */
at: string, 
/**
 * Who made it.
 */
personnel_number: string, 
/**
 * What it is.
 */
change: DeskChange, };

export type SyncPush = { 
/**
 * At most 200, numbered consecutively.
 */
changes: Array<OutboxChange>, };

export type SyncPushed = { 
/**
 * Every change up to this number has been received (applied, or held as a conflict): the
 * workstation may forget them. A change after it was refused as out of order and is sent
 * again from here.
 */
applied_through: bigint, 
/**
 * Conflicts open at the workstation's centre.
 */
conflicts_open: bigint, };

export type SyncHole = { 
/**
 * The number.
 */
seq: bigint, 
/**
 * Since when it is missing.
 */
since: string, };

export type SyncCursor = { 
/**
 * The last feed number read.
 */
after: bigint, 
/**
 * Numbers below it not read yet.
 */
holes: Array<SyncHole>, 
/**
 * When the centre answered the last pull (none at first): accounts that joined the
 * centre's scope since then are sent whole, even if they have not changed.
 */
scope_since?: string, };

export type SyncPull = { 
/**
 * The cursor the last pull returned (the default at first).
 */
cursor: SyncCursor, 
/**
 * Accounts to send whole whatever the cursor (at most 200): those the replica could not
 * take last time because a change of its own was still on the way.
 */
accounts: Array<string>, 
/**
 * How many more activation blanks the workstation wants (the centre makes at most a
 * block, and never lets a workstation hold more than its bound).
 */
blanks_wanted: number, };

export type SyncedEvent = { 
/**
 * Its id.
 */
id: string, 
/**
 * Its number in the account's log.
 */
seq: bigint, 
/**
 * Its kind.
 */
kind: string, 
/**
 * Its data.
 */
payload: Record<string, unknown>, 
/**
 * Who caused it.
 */
actor: Record<string, unknown>, 
/**
 * The installation that wrote it.
 */
origin: string, 
/**
 * When.
 */
recorded_at: string, };

export type SyncedLogin = { 
/**
 * `phone`, `email`, `snils`, `inn`, `passport`.
 */
kind: string, 
/**
 * Its normalised value.
 */
value: string, };

export type SyncedAccount = { 
/**
 * The account.
 */
id: string, 
/**
 * The surname given at registration.
 */
surname: string, 
/**
 * The first name given at registration.
 */
first_name: string, 
/**
 * When the consent was given.
 */
consent_at: string, 
/**
 * The installation that created it.
 */
origin: string, 
/**
 * When it was created.
 */
created_at: string, 
/**
 * When it last changed.
 */
updated_at: string, 
/**
 * The whole log, oldest first.
 */
events: Array<SyncedEvent>, 
/**
 * Its logins.
 */
logins: Array<SyncedLogin>, 
/**
 * The submitted profile, if any.
 */
profile?: Record<string, unknown>, 
/**
 * When it was submitted.
 */
profile_submitted_at?: string, };

export type ActivationBlank = { 
/**
 * Its id.
 */
id: string, 
/**
 * The 16-digit code (sent once; the centre keeps only its keyed hash).
 */
code: string, 
/**
 * The last moment it may be handed out.
 */
expires_at: string, };

export type SyncPulled = { 
/**
 * Where the next pull starts.
 */
cursor: SyncCursor, 
/**
 * The accounts that changed, whole.
 */
accounts: Array<SyncedAccount>, 
/**
 * Accounts this workstation made that the centre will never hold (their conflict was
 * merged into another account or rejected): the replica forgets them.
 */
dropped: Array<string>, 
/**
 * More changes wait: pull again.
 */
more: boolean, 
/**
 * Conflicts open at the centre.
 */
conflicts_open: bigint, 
/**
 * Activation blanks made for this workstation now (asked for by `blanks_wanted`).
 */
blanks: Array<ActivationBlank>, };

export type ConflictKind = "claim" | "refused";

export type ConflictStatus = "open" | "merged" | "rejected";

export type ConflictSide = { 
/**
 * The account.
 */
account_id: string, 
/**
 * Full name as given.
 */
full_name: string, 
/**
 * Birth date (`DD.MM.YYYY`), empty when unknown.
 */
birth_date: string, 
/**
 * SNILS, masked but for the last digits.
 */
snils: string, 
/**
 * The passport's series and number, masked but for the last digits.
 */
document: string, };

export type SyncConflictView = { 
/**
 * Its id.
 */
id: string, 
/**
 * Why.
 */
kind: ConflictKind, 
/**
 * The login claimed twice (`snils`, `passport`), or the refusal's error code.
 */
reason: string, 
/**
 * The workstation that sent it.
 */
workstation_id: string, 
/**
 * When it was opened.
 */
opened_at: string, 
/**
 * What the workstation recorded.
 */
local: ConflictSide, 
/**
 * The account already at the centre, when there is one.
 */
existing?: ConflictSide, 
/**
 * The changes held (the first and every later one for the same account).
 */
changes: Array<string>, 
/**
 * Its state.
 */
status: ConflictStatus, 
/**
 * The reason given when it was rejected.
 */
resolution_reason?: string, };

export type SyncConflicts = { 
/**
 * Open ones first, oldest first.
 */
conflicts: Array<SyncConflictView>, };

export type ConflictResolution = { "action": "merge", 
/**
 * The operator compared the originals with the existing account.
 */
checked_in_person: boolean, } | { "action": "reject", 
/**
 * What the citizen is told.
 */
reason: string, };

export type SyncConflictResolve = { 
/**
 * The conflict.
 */
id: string, 
/**
 * The decision.
 */
resolution: ConflictResolution, };

/** Every operation: its name, who may call it, and whether a retry is safe. */
export const operations = {
  app_info: { access: "public", idempotent: true },
  password_check: { access: "public", idempotent: true },
  registration_start: { access: "public", idempotent: false },
  registration_status: { access: "public", idempotent: true },
  registration_resend: { access: "public", idempotent: false },
  registration_confirm: { access: "public", idempotent: false },
  registration_confirm_link: { access: "public", idempotent: false },
  registration_set_password: { access: "public", idempotent: false },
  sign_in: { access: "public", idempotent: false },
  sign_in_second_factor: { access: "public", idempotent: false },
  sign_in_resend: { access: "public", idempotent: false },
  sign_in_change_password: { access: "public", idempotent: false },
  sign_in_signature_start: { access: "public", idempotent: false },
  sign_in_signature: { access: "public", idempotent: false },
  sign_out: { access: "session", idempotent: false },
  me: { access: "session", idempotent: true },
  sessions_list: { access: "session", idempotent: true },
  session_revoke: { access: "session", idempotent: false },
  sessions_revoke_all: { access: "session", idempotent: false },
  recovery_start: { access: "public", idempotent: false },
  recovery_resend: { access: "public", idempotent: false },
  recovery_confirm: { access: "public", idempotent: false },
  recovery_answer: { access: "public", idempotent: false },
  recovery_set_password: { access: "public", idempotent: false },
  security_settings: { access: "session", idempotent: true },
  password_change: { access: "session", idempotent: false },
  sms_second_factor_enable: { access: "session", idempotent: false },
  totp_setup_begin: { access: "session", idempotent: false },
  totp_setup_confirm: { access: "session", idempotent: false },
  second_factor_disable: { access: "session", idempotent: false },
  secret_question_set: { access: "session", idempotent: false },
  secret_question_remove: { access: "session", idempotent: false },
  contact_change_start: { access: "session", idempotent: false },
  contact_change_resend: { access: "session", idempotent: false },
  contact_change_confirm: { access: "session", idempotent: false },
  phone_confirm_link: { access: "public", idempotent: false },
  profile_get: { access: "session", idempotent: true },
  profile_save_draft: { access: "session", idempotent: false },
  profile_submit: { access: "session", idempotent: false },
  profile_scan_upload: { access: "session", idempotent: false },
  profile_scans: { access: "session", idempotent: true },
  profile_scan_delete: { access: "session", idempotent: false },
  profile_find_inn: { access: "session", idempotent: false },
  service_catalogue: { access: "session", idempotent: true },
  identity_confirm_activation_code: { access: "session", idempotent: false },
  letter_order: { access: "session", idempotent: false },
  letter_status: { access: "session", idempotent: true },
  identity_confirm_letter: { access: "session", idempotent: false },
  identity_bank_start: { access: "session", idempotent: false },
  identity_confirm_bank: { access: "session", idempotent: false },
  identity_signature_start: { access: "session", idempotent: false },
  identity_confirm_signature: { access: "session", idempotent: false },
  security_events: { access: "session", idempotent: true },
  security_event_not_me: { access: "session", idempotent: false },
  notification_preferences: { access: "session", idempotent: true },
  notification_preferences_set: { access: "session", idempotent: false },
  notification_history: { access: "session", idempotent: true },
  dev_inbox: { access: "public", idempotent: true },
  centres_list: { access: "public", idempotent: true },
  workstation_enrol: { access: "public", idempotent: false },
  workstation_info: { access: "workstation", idempotent: true },
  staff_setup_start: { access: "workstation", idempotent: false },
  staff_setup_finish: { access: "workstation", idempotent: false },
  staff_sign_in: { access: "workstation", idempotent: false },
  staff_me: { access: "staff", idempotent: true },
  staff_sign_out: { access: "staff", idempotent: false },
  citizen_search: { access: "staff:citizen:search", idempotent: false },
  citizen_card: { access: "staff:citizen:search", idempotent: true },
  citizen_register_phone: { access: "staff:citizen:register", idempotent: false },
  citizen_register: { access: "staff:citizen:register", idempotent: false },
  identity_confirm_in_person: { access: "staff:identity:confirm", idempotent: false },
  identity_documents_change: { access: "staff:identity:confirm", idempotent: false },
  access_restore: { access: "staff:access:restore", idempotent: false },
  activation_code_issue: { access: "staff:activation_code:issue", idempotent: false },
  account_block: { access: "staff:account:block", idempotent: false },
  account_unblock: { access: "staff:account:block", idempotent: false },
  approvals_list: { access: "staff:approval:grant", idempotent: true },
  approval_decide: { access: "staff:approval:grant", idempotent: false },
  centre_save: { access: "staff:centre:manage", idempotent: false },
  staff_create: { access: "staff:staff:manage", idempotent: false },
  staff_list: { access: "staff:staff:manage", idempotent: true },
  staff_scopes_set: { access: "staff:staff:manage", idempotent: false },
  staff_suspend: { access: "staff:staff:manage", idempotent: false },
  staff_setup_code: { access: "staff:staff:manage", idempotent: false },
  staff_sessions: { access: "staff:staff:manage", idempotent: true },
  staff_session_end: { access: "staff:staff:manage", idempotent: false },
  workstation_code: { access: "staff:staff:manage", idempotent: false },
  staff_audit: { access: "staff:staff:manage", idempotent: true },
  sync_push: { access: "workstation", idempotent: true },
  sync_pull: { access: "workstation", idempotent: true },
  sync_conflicts: { access: "staff:conflict:resolve", idempotent: true },
  sync_conflict_resolve: { access: "staff:conflict:resolve", idempotent: false },
} as const;

/** The backend the UI talks to, over Tauri `invoke` or HTTP `fetch`. */
export interface Api {
  app_info(request: Empty): Promise<AppInfo>;
  password_check(request: PasswordCheckRequest): Promise<PasswordCheck>;
  registration_start(request: RegistrationStart): Promise<Registration>;
  registration_status(request: Ticket): Promise<Registration>;
  registration_resend(request: Ticket): Promise<Registration>;
  registration_confirm(request: CodeEntry): Promise<Registration>;
  registration_confirm_link(request: LinkToken): Promise<Registration>;
  registration_set_password(request: NewPassword): Promise<SignedIn>;
  sign_in(request: SignInRequest): Promise<SignInOutcome>;
  sign_in_second_factor(request: SecondFactorEntry): Promise<SignInOutcome>;
  sign_in_resend(request: Ticket): Promise<SignInOutcome>;
  sign_in_change_password(request: NewPassword): Promise<SignedIn>;
  sign_in_signature_start(request: Empty): Promise<SignatureChallenge>;
  sign_in_signature(request: SignedChallenge): Promise<SignInOutcome>;
  sign_out(request: Empty): Promise<Empty>;
  me(request: Empty): Promise<AccountSummary>;
  sessions_list(request: Empty): Promise<Sessions>;
  session_revoke(request: ById): Promise<Empty>;
  sessions_revoke_all(request: Empty): Promise<Empty>;
  recovery_start(request: RecoveryStart): Promise<Recovery>;
  recovery_resend(request: Ticket): Promise<Recovery>;
  recovery_confirm(request: CodeEntry): Promise<Recovery>;
  recovery_answer(request: SecretAnswer): Promise<Recovery>;
  recovery_set_password(request: NewPassword): Promise<Recovery>;
  security_settings(request: Empty): Promise<SecuritySettings>;
  password_change(request: PasswordChange): Promise<Empty>;
  sms_second_factor_enable(request: Reauth): Promise<SecuritySettings>;
  totp_setup_begin(request: Reauth): Promise<TotpSetup>;
  totp_setup_confirm(request: CodeEntry): Promise<SecuritySettings>;
  second_factor_disable(request: SecondFactorOff): Promise<SecuritySettings>;
  secret_question_set(request: SecretQuestionSet): Promise<SecuritySettings>;
  secret_question_remove(request: Reauth): Promise<SecuritySettings>;
  contact_change_start(request: ContactChangeStart): Promise<ContactChange>;
  contact_change_resend(request: Ticket): Promise<ContactChange>;
  contact_change_confirm(request: CodeEntry): Promise<AccountSummary>;
  phone_confirm_link(request: LinkToken): Promise<PhoneConfirmed>;
  profile_get(request: Empty): Promise<ProfileView>;
  profile_save_draft(request: ProfileForm): Promise<ProfileView>;
  profile_submit(request: ProfileSubmit): Promise<ProfileView>;
  profile_scan_upload(request: ScanUpload): Promise<ScanInfo>;
  profile_scans(request: Empty): Promise<Scans>;
  profile_scan_delete(request: ById): Promise<Empty>;
  profile_find_inn(request: Empty): Promise<InnLookup>;
  service_catalogue(request: Empty): Promise<Catalogue>;
  identity_confirm_activation_code(request: ActivationCodeEntry): Promise<AccountSummary>;
  letter_order(request: LetterOrderRequest): Promise<LetterView>;
  letter_status(request: Empty): Promise<LetterView>;
  identity_confirm_letter(request: LetterCode): Promise<AccountSummary>;
  identity_bank_start(request: BankStart): Promise<BankRedirect>;
  identity_confirm_bank(request: BankAssertion): Promise<AccountSummary>;
  identity_signature_start(request: Empty): Promise<SignatureChallenge>;
  identity_confirm_signature(request: SignedChallenge): Promise<AccountSummary>;
  security_events(request: Page): Promise<SecurityEvents>;
  security_event_not_me(request: ById): Promise<Recovery>;
  notification_preferences(request: Empty): Promise<NotificationPreferences>;
  notification_preferences_set(request: NotificationPreferences): Promise<NotificationPreferences>;
  notification_history(request: Page): Promise<NotificationHistory>;
  dev_inbox(request: Empty): Promise<Inbox>;
  centres_list(request: Empty): Promise<Centres>;
  workstation_enrol(request: WorkstationEnrolment): Promise<WorkstationEnrolled>;
  workstation_info(request: Empty): Promise<WorkstationInfo>;
  staff_setup_start(request: StaffSetupStart): Promise<StaffSetup>;
  staff_setup_finish(request: StaffSetupFinish): Promise<Empty>;
  staff_sign_in(request: StaffSignIn): Promise<StaffSignedIn>;
  staff_me(request: Empty): Promise<StaffView>;
  staff_sign_out(request: Empty): Promise<Empty>;
  citizen_search(request: CitizenSearch): Promise<CitizenMatch>;
  citizen_card(request: ForAccount): Promise<CitizenCard>;
  citizen_register_phone(request: InPersonPhone): Promise<Ticket>;
  citizen_register(request: InPersonRegistration): Promise<InPersonRegistered>;
  identity_confirm_in_person(request: InPersonConfirmation): Promise<CitizenCard>;
  identity_documents_change(request: IdentityDocumentsChange): Promise<IdentityDocumentsChanged>;
  access_restore(request: AccessRestore): Promise<AccessRestored>;
  activation_code_issue(request: ForAccount): Promise<ActivationSlip>;
  account_block(request: AccountBlockRequest): Promise<CitizenCard>;
  account_unblock(request: AccountBlockRequest): Promise<ApprovalView>;
  approvals_list(request: Empty): Promise<Approvals>;
  approval_decide(request: ApprovalDecision): Promise<ApprovalOutcome>;
  centre_save(request: CentreForm): Promise<CentreView>;
  staff_create(request: StaffForm): Promise<StaffCreated>;
  staff_list(request: Empty): Promise<StaffList>;
  staff_scopes_set(request: StaffScopes): Promise<StaffView>;
  staff_suspend(request: ById): Promise<StaffView>;
  staff_setup_code(request: ById): Promise<OneTimeCode>;
  staff_sessions(request: Empty): Promise<StaffSessions>;
  staff_session_end(request: ById): Promise<Empty>;
  workstation_code(request: ForCentre): Promise<OneTimeCode>;
  staff_audit(request: AuditSearch): Promise<AuditEntries>;
  sync_push(request: SyncPush): Promise<SyncPushed>;
  sync_pull(request: SyncPull): Promise<SyncPulled>;
  sync_conflicts(request: Empty): Promise<SyncConflicts>;
  sync_conflict_resolve(request: SyncConflictResolve): Promise<SyncConflictView>;
}
