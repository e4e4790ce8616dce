// What the UI knows about the backend and the signed-in citizen. The session itself never lives
// here: the browser keeps it in an HttpOnly cookie, the desktop in the OS keyring.
import { writable } from "svelte/store";
import type { AccountSummary, AppInfo } from "../api/generated";
import { backend, desktopStart, isDesktop } from "../api/backend";
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
 * What the first screen needs: the installation, who is signed in, whether this is a
 * workstation. The desktop has them ready in one answer; a browser asks the three at once.
 */
export async function loadFirstScreen(): Promise<void> {
  if (!isDesktop()) {
    await Promise.allSettled([loadAppInfo(), refreshAccount(), loadWorkstation()]);
    return;
  }
  try {
    const first = await desktopStart();
    appInfo.set("ok" in first.app_info ? first.app_info.ok : undefined);
    // Signed out, expired or unreachable: the public screens are what is left to show.
    account.set("ok" in first.me ? first.me.ok : null);
    workstation.set("ok" in first.workstation_info ? first.workstation_info.ok : null);
  } catch {
    // The backend did not open: each screen asks again and shows why.
    await Promise.allSettled([loadAppInfo(), refreshAccount(), loadWorkstation()]);
  }
}

export async function signOut(): Promise<void> {
  try {
    await backend.sign_out({});
  } finally {
    account.set(null);
  }
}
