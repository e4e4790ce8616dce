// One request in flight at a time per form, its refusal kept for the form to show.
import type { ApiError } from "../api/generated";
import { asApiError } from "../api/backend";

export class Action {
  error = $state<ApiError | undefined>(undefined);
  busy = $state(false);

  /** Runs `call`, keeping its error; resolves with its answer or `undefined` when refused. */
  async run<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = undefined;
    try {
      return await call();
    } catch (thrown) {
      this.error = asApiError(thrown);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
