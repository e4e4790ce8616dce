// What the UI knows about the backend and the signed-in citizen. The session itself never lives
// here: the browser keeps it in an HttpOnly cookie, the desktop in the OS keyring.
import { writable } from "svelte/store";
import type { AccountSummary, AppInfo } from "../api/generated";
import { backend } from "../api/backend";

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

export async function signOut(): Promise<void> {
  try {
    await backend.sign_out({});
  } finally {
    account.set(null);
  }
}
