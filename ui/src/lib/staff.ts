// The service-centre workstation's state: which workstation this installation is (none on a
// citizen's install), who of the staff is signed in, and the slip waiting to be printed.
import { writable } from "svelte/store";
import type { StaffView, WorkstationInfo } from "../api/generated";
import { asApiError, backend, isDesktop, type SyncStatus } from "../api/backend";

/** This installation's workstation: `undefined` while asked, `null` when it is none. */
export const workstation = writable<WorkstationInfo | null | undefined>(undefined);
/** The signed-in staff member: `undefined` while asked, `null` when nobody is signed in. */
export const staff = writable<StaffView | null | undefined>(undefined);

/** A workstation with a replica: where its sync stands (null on any other installation). */
export const sync = writable<SyncStatus | null>(null);

/** What a printed slip carries; the secret lives only as long as the slip is on screen. */
export interface Slip {
  kind: "activation_code" | "temporary_password" | "setup_code" | "workstation_code" | "receipt";
  secret: string;
  citizen?: string;
  expiresAt?: string;
  lines?: string[];
}
export const slip = writable<Slip | null>(null);

/** Asks whether this installation is an enrolled workstation (only the desktop can be one). */
export async function loadWorkstation(): Promise<WorkstationInfo | null> {
  if (!isDesktop()) {
    workstation.set(null);
    return null;
  }
  try {
    const info = await backend.workstation_info({});
    workstation.set(info);
    return info;
  } catch {
    workstation.set(null);
    return null;
  }
}

/** Who is signed in at the workstation, if anyone. */
export async function refreshStaff(): Promise<StaffView | null> {
  try {
    const me = await backend.staff_me({});
    staff.set(me);
    return me;
  } catch (thrown) {
    const code = asApiError(thrown).code;
    if (code === "unauthenticated" || code === "workstation_required") staff.set(null);
    return null;
  }
}

export async function staffSignOut(): Promise<void> {
  try {
    await backend.staff_sign_out({});
  } finally {
    slip.set(null);
    staff.set(null);
  }
}

/** Whether the signed-in member holds a scope. */
export function holds(member: StaffView | null | undefined, scope: string): boolean {
  return member?.scopes.includes(scope as StaffView["scopes"][number]) ?? false;
}
