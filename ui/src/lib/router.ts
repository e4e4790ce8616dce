// A hash router: the same build works from Tauri's custom protocol and from any HTTP path.
import { readable } from "svelte/store";

export const ROUTES = ["home", "sign-in", "register"] as const;
export type Route = (typeof ROUTES)[number];

/** The route a location hash names; anything unknown is the home screen. */
export function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, "");
  return ROUTES.find((r) => r === name) ?? "home";
}

export function href(route: Route): string {
  return route === "home" ? "#/" : `#/${route}`;
}

export const route = readable<Route>(parseRoute(globalThis.location?.hash ?? ""), (set) => {
  const update = () => set(parseRoute(location.hash));
  addEventListener("hashchange", update);
  return () => removeEventListener("hashchange", update);
});
