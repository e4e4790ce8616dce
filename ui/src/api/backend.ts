// The one backend the screens talk to. Every operation of the generated `Api` goes through a
// transport: Tauri `invoke` inside the desktop window, HTTP `fetch` in a browser. Both fail the
// same way, with an `ApiFailure` carrying the server's `{code, message, fields}`.
import { writable } from "svelte/store";
import { operations, type AccountSummary, type Api, type ApiError, type AppInfo, type WorkstationInfo } from "./generated";

export type OperationName = keyof typeof operations;

/** Sends one operation's request and resolves with its answer, or rejects with `ApiFailure`. */
export type Transport = (operation: OperationName, request: unknown) => Promise<unknown>;

/** A refused call: the API's error as the server sent it. */
export class ApiFailure extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message || error.code);
    this.name = "ApiFailure";
    this.error = error;
  }
}

/** The error of anything a call threw: network failures become `unavailable`. */
export function asApiError(thrown: unknown): ApiError {
  if (thrown instanceof ApiFailure) return thrown.error;
  if (isApiError(thrown)) return thrown;
  return { code: "unavailable", message: String((thrown as Error)?.message ?? thrown) };
}

function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && typeof (value as ApiError).code === "string";
}

/** An `Api` whose every method is a call through `transport`, waiting out a busy backend. */
export function makeBackend(transport: Transport): Api {
  const patient = waitingOutBusy(transport);
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(operations) as OperationName[]) {
    api[name] = (request: unknown) => patient(name, request ?? {});
  }
  return api as unknown as Api;
}

/** How often a call waits out a busy backend that said when to come back. */
export const BUSY_RETRIES = 3;
/** The longest such wait; a later time (a lock, a spent daily cap) is the citizen's to see. */
export const LONGEST_WAIT_MS = 10_000;

/** When the backend is busy and the page waits to send again: the time it sends, else null. */
export const busyUntil = writable<Date | null>(null);

/** How long to wait before sending again: only after a busy refusal (`unavailable`,
 * `too_many_requests`) that says when to come back soon. Such a refusal comes before the
 * backend does anything, so any operation may be sent again. */
export function honouredWait(thrown: unknown, now: number): number | undefined {
  if (!(thrown instanceof ApiFailure)) return undefined;
  const { code, retry_at } = thrown.error;
  if ((code !== "unavailable" && code !== "too_many_requests") || !retry_at) return undefined;
  const wait = Date.parse(retry_at) - now;
  if (Number.isNaN(wait) || wait > LONGEST_WAIT_MS) return undefined;
  return Math.max(wait, 50);
}

/** `transport`, sending again (at most `BUSY_RETRIES` times) when a busy backend says when. */
export function waitingOutBusy(
  transport: Transport,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
  now: () => number = () => Date.now(),
): Transport {
  return async (operation, request) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await transport(operation, request);
      } catch (thrown) {
        const wait = honouredWait(thrown, now());
        if (wait === undefined || attempt >= BUSY_RETRIES) throw thrown;
        busyUntil.set(new Date(now() + wait));
        try {
          await sleep(wait);
        } finally {
          busyUntil.set(null);
        }
      }
    }
  };
}

export const CSRF_COOKIE = "kabinet_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const OPERATIONS_PREFIX = "/api/v1/";

/** Reads one cookie from a `document.cookie` string. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/**
 * The browser transport: `POST /api/v1/<operation>` with JSON, the session in an `HttpOnly`
 * cookie the script never sees, and the anti-forgery token copied from its cookie to a header.
 */
export function httpTransport(
  base = "",
  fetcher: typeof fetch = (...args) => fetch(...args),
  cookies: () => string = () => globalThis.document?.cookie ?? "",
): Transport {
  return async (operation, request) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const csrf = readCookie(cookies(), CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
    let response: Response;
    try {
      response = await fetcher(`${base}${OPERATIONS_PREFIX}${operation}`, {
        method: "POST",
        headers,
        body: JSON.stringify(request),
        credentials: "same-origin",
      });
    } catch (error) {
      throw new ApiFailure({ code: "unavailable", message: String(error) });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = undefined;
    }
    if (response.ok) return body;
    throw new ApiFailure(
      isApiError(body) ? body : { code: response.status >= 500 ? "unavailable" : "internal", message: text.slice(0, 200) },
    );
  };
}

type Invoke = (command: string, args: Record<string, unknown>) => Promise<unknown>;

/** The desktop transport: one Tauri command per operation, its error already `{code, message}`. */
export function tauriTransport(invoke: Invoke): Transport {
  return async (operation, request) => {
    try {
      return await invoke(operation, { request });
    } catch (error) {
      throw new ApiFailure(isApiError(error) ? error : { code: "internal", message: String(error) });
    }
  };
}

interface TauriWindow {
  __TAURI_INTERNALS__?: { invoke: Invoke };
}

/** Whether the UI runs inside the desktop window. */
export function isDesktop(): boolean {
  return Boolean((globalThis as unknown as TauriWindow).__TAURI_INTERNALS__);
}

/** One desktop-only command (not an API operation), failing like the Tauri transport. */
async function desktopCommand<T>(command: string, args: Record<string, unknown>): Promise<T> {
  const tauri = (globalThis as unknown as TauriWindow).__TAURI_INTERNALS__;
  if (!tauri) throw new ApiFailure({ code: "not_available", message: "desktop only" });
  try {
    return (await tauri.invoke(command, args)) as T;
  } catch (error) {
    throw new ApiFailure(isApiError(error) ? error : { code: "internal", message: String(error) });
  }
}

/** An operation's answer inside `FirstScreen`: its value or its error. */
export type Answer<T> = { ok: T } | { err: ApiError };

/** What the first screen asks before it is drawn (mirrors kabinet-desktop's `FirstScreen`). */
export interface FirstScreen {
  app_info: Answer<AppInfo>;
  me: Answer<AccountSummary>;
  workstation_info: Answer<WorkstationInfo>;
}

/**
 * Desktop only: `app_info`, `me` and `workstation_info` in one round trip, asked by the app
 * while the window was still starting; `null` once taken or when not ready yet.
 */
export function desktopStart(): Promise<FirstScreen | null> {
  return desktopCommand("desktop_start", {});
}

/**
 * Desktop only: whether the next sign-in is remembered across restarts (the token then goes to
 * the OS keyring; the page never sees it). Browsers keep the session cookie for its lifetime.
 */
export async function rememberOnThisDevice(remember: boolean): Promise<void> {
  // A keyring that refuses leaves the session for this run only.
  await desktopCommand("desktop_remember", { remember }).catch(() => {});
}

/**
 * Desktop only: opens the bank's page in a window of its own and resolves with the address the
 * bank sent the citizen back to (the bank window's navigation there is caught and never
 * loaded; the window closes), or `null` when the citizen closed the window.
 */
export function openBankWindow(url: string, returnUrl: string): Promise<string | null> {
  return desktopCommand("desktop_bank_open", { url, returnUrl });
}

/** A certificate on a token (mirrors kabinet-token's `TokenCertificate`). */
export interface TokenCertificate {
  id: string;
  holder: string;
  snils: string | null;
  issuer: string;
  /** Unix seconds. */
  not_before: number;
  not_after: number;
}

/** A token the PKCS#11 library sees (mirrors kabinet-token's `Token`). */
export interface Token {
  serial: string;
  label: string;
  model: string;
  pin: "ok" | "count_low" | "final_try" | "locked";
  certificates: TokenCertificate[];
}

/** The library used and its tokens (mirrors kabinet-desktop's `TokenList`). */
export interface TokenList {
  module: string;
  module_fixed: boolean;
  tokens: Token[];
}

/** Desktop only: the tokens plugged in and their certificates. */
export function signatureTokens(): Promise<TokenList> {
  return desktopCommand("desktop_tokens", {});
}

/**
 * Desktop only: signs a challenge's statement with the chosen certificate's key, the PIN going
 * straight to the token. Answers the certificate and signature (base64) for the API.
 */
export function signOnToken(
  tokenSerial: string,
  certificateId: string,
  pin: string,
  statement: string,
): Promise<{ certificate: string; signature: string }> {
  return desktopCommand("desktop_token_sign", { tokenSerial, certificateId, pin, statement });
}

/** The embedded demo's service centre: the codes to enrol this installation and set up its
 * administrator (personnel number 1). Refused on a server backend. */
export function demoCentre(): Promise<{ workstation_code: string; setup_code: string }> {
  return desktopCommand("desktop_demo_centre", {}) as Promise<{ workstation_code: string; setup_code: string }>;
}

/** The desktop's settings (mirrors kabinet-desktop's `Settings`). */
export interface DesktopSettings {
  backend: "embedded" | "remote" | "workstation";
  server_url: string;
  /** The embedded service's PostgreSQL address without its password; empty for SQLite. */
  database_url: string;
  update_channel: UpdateChannel;
  /** The signature token's PKCS#11 library; empty: the first known one found. */
  pkcs11_module: string;
}

/** Where a workstation's sync with the centre stands (mirrors kabinet-desktop's `SyncStatus`). */
export interface SyncStatus {
  online: boolean;
  last_success: string | null;
  waiting: number;
  conflicts_open: number;
  /** Activation codes the workstation can still hand out without the link. */
  blanks_held: number;
}

/** A workstation's sync status; null on any other installation or in a browser. */
export async function syncStatus(): Promise<SyncStatus | null> {
  if (!isDesktop()) return null;
  return desktopCommand<SyncStatus | null>("desktop_sync_status", {}).catch(() => null);
}

/** The settings as the screen gets them: whether a database password is kept, never the password. */
export interface DesktopSettingsView extends DesktopSettings {
  database_password_saved: boolean;
}

export type UpdateChannel = "stable" | "beta";

/** What the desktop knows about updates (mirrors kabinet-desktop's `UpdateStatus`). */
export interface UpdateStatus {
  current_version: string;
  channel: UpdateChannel;
  channel_locked: boolean;
  disabled_by: "policy" | "broken_policy" | null;
  pinned_version: string | null;
  offered_version: string | null;
  notes: string | null;
  published: string | null;
}

/** When this module ran: the page's script had been fetched and parsed by then. */
const scriptAt = performance.now();

/** Desktop only: tells the app its first screen is up (logged with the start-up time). */
export function reportReady(marks: { askedMs: number; mountedMs: number; stateMs: number; shownMs: number }): void {
  // How long the page took since it began loading, when its script ran, when the app began to
  // mount, when the first screen's state came and when its screens' modules were in, so the log
  // can tell loading the script from the work after it.
  if (isDesktop()) void desktopCommand("desktop_ready", { page: { originMs: performance.timeOrigin, pageMs: performance.now(), scriptMs: scriptAt, ...marks } }).catch(() => {});
}

/** Desktop only: looks for a signed update the workstation allows. */
export function checkForUpdate(): Promise<UpdateStatus> {
  return desktopCommand("desktop_update_check", {});
}

/**
 * Desktop only: downloads the offered update — `version`, the one the citizen confirmed —
 * verifies its signature, installs it and restarts.
 * A bad signature fails with `update_refused` and nothing is installed.
 */
export async function installUpdate(version: string): Promise<void> {
  await desktopCommand("desktop_update_install", { version });
}

/** Desktop only: the saved settings. */
export function desktopSettings(): Promise<DesktopSettingsView> {
  return desktopCommand("desktop_settings", {});
}

/**
 * Desktop only: saves the settings; a database password goes to the OS keyring (empty keeps the
 * saved one). The app restarts on the chosen backend.
 */
export async function saveDesktopSettings(settings: DesktopSettings, databasePassword = ""): Promise<void> {
  await desktopCommand("desktop_settings_save", { settings, databasePassword: databasePassword || null });
}

/** Tauri's transport inside the desktop window, HTTP everywhere else. */
export function defaultTransport(): Transport {
  const tauri = (globalThis as unknown as TauriWindow).__TAURI_INTERNALS__;
  return tauri ? tauriTransport((cmd, args) => tauri.invoke(cmd, args)) : httpTransport();
}

export const backend: Api = makeBackend(defaultTransport());
