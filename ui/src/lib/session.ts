// What the UI knows about the backend and the signed-in citizen. The session itself never lives
// here: the browser keeps it in an HttpOnly cookie, the desktop in the OS keyring.
import { writable } from "svelte/store";
import type { AccountSummary, AppInfo } from "../api/generated";
import { backend, desktopStart, isDesktop, type FirstScreen } from "../api/backend";
import { loadWorkstation, workstation } from "./staff";

/** `undefined` while unknown, `null` when nobody is signed in. */
export const account = writable<AccountSummary | null | undefined>(undefined);
export const appInfo = writable<AppInfo | undefined>(undefined);

export async function loadAppInfo(): Promise<void> {
  try {
    appInfo.set(await backend.app_info({}));
  } catch {
    appInfo.set(undefined);
  }
}

/** Asks the backend who is signed in. */
export async function refreshAccount(): Promise<AccountSummary | null> {
  try {
    const me = await backend.me({});
    account.set(me);
    return me;
  } catch {
    // Signed out, expired or unreachable: the public screens are what is left to show.
    account.set(null);
    return null;
  }
}

/**
 * The desktop's first-screen answer, asked as soon as this module runs — before the strings are
 * set up — and `null` when the app has none ready (it answers a page's first ask only). Taken once.
 */
let prepared: Promise<FirstScreen | null> | undefined = isDesktop()
  ? desktopStart().catch(() => null)
  : undefined;
/** When the page asked for its first screen's state (milliseconds since it began loading). */
export const stateAskedAt = performance.now();
let firstScreenKnown = false;

function applyFirstScreen(first: FirstScreen): void {
  appInfo.set("ok" in first.app_info ? first.app_info.ok : undefined);
  // Signed out, expired or unreachable: the public screens are what is left to show.
  account.set("ok" in first.me ? first.me.ok : null);
  workstation.set("ok" in first.workstation_info ? first.workstation_info.ok : null);
  firstScreenKnown = true;
}

/**
 * Desktop: applies the answer the app prepared while the page loaded, before the app mounts, so
 * the first frame drawn is the first screen itself rather than a "loading" card and then the
 * screen (each frame costs tens of milliseconds in a software-rendered window). The app answers
 * at once, with the answer or with nothing; nothing is awaited beyond that. At once in a browser.
 */
export async function takePreparedFirstScreen(): Promise<void> {
  const first = await prepared;
  prepared = undefined;
  if (first) applyFirstScreen(first);
}

/**
 * What the first screen needs: the installation, who is signed in, whether this is a
 * workstation. The desktop has them ready in one answer (usually taken before the app mounted);
 * otherwise, and in a browser, the three are asked at once.
 */
export async function loadFirstScreen(): Promise<void> {
  if (firstScreenKnown) return;
  const first = await prepared; // the app answers its first ask only
  prepared = undefined;
  if (first) return applyFirstScreen(first);
  // A browser; or the desktop's answer was not ready when the page asked, the page was loaded
  // again, or the backend did not open: the operations themselves are asked (each screen shows
  // why when they fail).
  await Promise.allSettled([loadAppInfo(), refreshAccount(), loadWorkstation()]);
}

export async function signOut(): Promise<void> {
  try {
    await backend.sign_out({});
  } finally {
    account.set(null);
  }
}
