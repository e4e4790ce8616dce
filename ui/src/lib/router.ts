// A hash router: the same build works from Tauri's custom protocol and from any HTTP path.
// `#/register`, `#/recovery?ticket=…`: a route name and optional query parameters. A bank sends
// the citizen back to `#/bank-return?state=…&assertion=…`: in the fragment, which browsers never
// send to a server, so the assertion reaches no access log.
import { derived, readable } from "svelte/store";

export const ROUTES = [
  "home",
  "sign-in",
  "register",
  "recovery",
  "account",
  "profile",
  "confirm",
  "bank-return",
  "security",
  "notifications",
  "help",
  "email-link",
  "phone-link",
  "settings",
  "workstation-enrol",
  "ws",
  "ws-setup",
  "ws-card",
  "ws-register",
  "ws-approvals",
  "ws-conflicts",
  "ws-admin",
] as const;
export type Route = (typeof ROUTES)[number];

export interface Location {
  route: Route;
  params: Record<string, string>;
}

/** The route and parameters a location hash names; anything unknown is the home screen. */
export function parseLocation(hash: string): Location {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  // The e-mail confirmation link the service sends: `#/register/confirm/<token>`.
  const link = /^register\/confirm\/([^/]+)$/.exec(path);
  if (link) return { route: "email-link", params: { token: decodeURIComponent(link[1]) } };
  // The SMS link that proves a phone noted at a service centre's desk: `#/phone/confirm/<token>`.
  const phoneLink = /^phone\/confirm\/([^/]+)$/.exec(path);
  if (phoneLink) return { route: "phone-link", params: { token: decodeURIComponent(phoneLink[1]) } };
  const route = ROUTES.find((r) => r === path) ?? "home";
  return { route, params: Object.fromEntries(new URLSearchParams(query)) };
}

/** The route a location hash names. */
export function parseRoute(hash: string): Route {
  return parseLocation(hash).route;
}

export function href(route: Route, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  const path = route === "home" ? "#/" : `#/${route}`;
  return query ? `${path}?${query}` : path;
}

/** Moves to a route, as a link would. */
export function go(route: Route, params: Record<string, string> = {}): void {
  location.hash = href(route, params);
}

export const currentLocation = readable<Location>(parseLocation(globalThis.location?.hash ?? ""), (set) => {
  const update = () => set(parseLocation(location.hash));
  addEventListener("hashchange", update);
  return () => removeEventListener("hashchange", update);
});

export const route = derived(currentLocation, (l) => l.route);
