// Small remembered values (an unfinished registration's ticket); storage may be disabled.
export function remember(key: string, value: string | undefined): void {
  try {
    if (value === undefined) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // storage disabled: the flow still works, it just cannot be resumed after a reload
  }
}

export function recall(key: string): string | undefined {
  try {
    return globalThis.localStorage?.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}
