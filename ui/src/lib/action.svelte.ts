// One request in flight at a time per form, its refusal kept for the form to show, and which of
// the form's buttons started it (that one shows the busy state).
import type { ApiError } from "../api/generated";
import { asApiError } from "../api/backend";

export class Action {
  error = $state<ApiError | undefined>(undefined);
  busy = $state(false);
  /** The tag of the running request (`run`'s second argument). */
  running = $state<string | undefined>(undefined);

  /** Runs `call`, keeping its error; resolves with its answer or `undefined` when refused. */
  async run<T>(call: () => Promise<T>, tag = "submit"): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.running = tag;
    this.error = undefined;
    try {
      return await call();
    } catch (thrown) {
      this.error = asApiError(thrown);
      return undefined;
    } finally {
      this.busy = false;
      this.running = undefined;
    }
  }

  /** Whether the request started by the button tagged `tag` is running. */
  busyWith(tag = "submit"): boolean {
    return this.busy && this.running === tag;
  }
}
