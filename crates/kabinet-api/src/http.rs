//! The HTTP contract shared by the server and the remote client: where each operation lives,
//! which headers and cookies carry the caller, and which status each error code answers with.

use crate::error::ErrorCode;

/// Every operation is `POST {OPERATIONS_PREFIX}{name}` with its request as a JSON body (an empty
/// body stands for `{}`), answering its response as JSON or an [`crate::ApiError`].
pub const OPERATIONS_PREFIX: &str = "/api/v1/";
/// The OpenAPI document of the routes.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// Liveness: the process answers.
pub const HEALTH_PATH: &str = "/health";
/// Readiness: the database answers too.
pub const READY_PATH: &str = "/ready";

/// Marks a request from the desktop app or another program (bearer tokens, no cookies).
pub const CLIENT_HEADER: &str = "x-kabinet-client";
/// The desktop's device id (a browser's lives in [`DEVICE_COOKIE`]).
pub const DEVICE_HEADER: &str = "x-kabinet-device";
/// What the device calls itself (otherwise the `User-Agent`).
pub const DEVICE_NAME_HEADER: &str = "x-kabinet-device-name";
/// A service-centre workstation's enrolment key (kept in the desktop's OS keyring).
pub const WORKSTATION_HEADER: &str = "x-kabinet-workstation";
/// A browser request's copy of the [`CSRF_COOKIE`] (double-submit).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A browser's session token: `HttpOnly; Secure; SameSite=Strict`.
pub const SESSION_COOKIE: &str = "kabinet_session";
/// A browser's device id: `HttpOnly; Secure; SameSite=Strict`, kept a year.
pub const DEVICE_COOKIE: &str = "kabinet_device";
/// The anti-forgery token the page reads and echoes in [`CSRF_HEADER`]: `Secure;
/// SameSite=Strict`, readable by the page's script.
pub const CSRF_COOKIE: &str = "kabinet_csrf";

/// The HTTP status an error answers with. Only `internal` is a 5xx of Kabinet's own making;
/// `unavailable` (503) means an outside party or overload.
pub fn status(code: ErrorCode) -> u16 {
    use ErrorCode::*;
    match code {
        InvalidInput => 422,
        CodeWrong | CodeExpired | CodeSpent | CodeAttemptsExhausted => 400,
        // A workstation's key is a credential as a session's token is: without it, 401.
        CredentialsInvalid | Unauthenticated | WorkstationRequired => 401,
        PasswordWrong | AccountBlocked | NotAllowed | CsrfFailed | Forbidden => 403,
        // Desktop-only; never answered over HTTP.
        UpdateRefused | UpdateFailed => 422,
        NotFound | NotAvailable => 404,
        ContactInUse | Conflict | WrongStep | ReverificationNeeded => 409,
        FlowExpired => 410,
        TooLarge => 413,
        MethodNotAllowed => 405,
        AccountLocked => 423,
        ResendTooSoon | SendLimitReached | TooManyRequests => 429,
        Unavailable => 503,
        Internal => 500,
    }
}
