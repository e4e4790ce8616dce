// A clock for countdowns: the current time, ticking once a second while anything shows it.
import { readable } from "svelte/store";

export const now = readable(Date.now(), (set) => {
  const timer = setInterval(() => set(Date.now()), 1000);
  return () => clearInterval(timer);
});
