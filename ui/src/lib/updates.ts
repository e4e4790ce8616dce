// The desktop's update state, shared by the prompt on every screen and the settings screen.
import { writable } from "svelte/store";
import { checkForUpdate, isDesktop, type UpdateStatus } from "../api/backend";

/** The last check's answer; `undefined` before the first one or outside the desktop. */
export const updateStatus = writable<UpdateStatus | undefined>(undefined);

/** Whether the citizen put the offered update off for this run («Позже»). */
export const updateDeferred = writable(false);

/** Checks once at start, so a fresh install offers the newest version at once. */
export async function checkAtStart(): Promise<void> {
  if (!isDesktop()) return;
  try {
    updateStatus.set(await checkForUpdate());
  } catch {
    // No network or no update server: the app works on; the settings screen can check again.
  }
}
