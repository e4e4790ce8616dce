import { describe, expect, it } from "vitest";
import { href, parseLocation, parseRoute, ROUTES } from "./router";

describe("router", () => {
  it("round-trips every route through its link", () => {
    for (const r of ROUTES) expect(parseRoute(href(r))).toBe(r);
  });
  it("reads the token of the e-mail and SMS links", () => {
    expect(parseLocation("#/register/confirm/abc%2Bd")).toEqual({ route: "email-link", params: { token: "abc+d" } });
    expect(parseLocation("#/phone/confirm/Xy_z-1")).toEqual({ route: "phone-link", params: { token: "Xy_z-1" } });
    expect(parseRoute("#/phone/confirm/a/b")).toBe("home");
  });
  it("reads what a bank hands back in the return address's fragment", () => {
    expect(parseLocation("#/bank-return?state=s_1-A&assertion=eyJ.eyJ.sig")).toEqual({
      route: "bank-return",
      params: { state: "s_1-A", assertion: "eyJ.eyJ.sig" },
    });
    expect(parseLocation("#/bank-return?error=access_denied&state=s")).toEqual({
      route: "bank-return",
      params: { error: "access_denied", state: "s" },
    });
  });
  it("sends unknown and empty hashes home", () => {
    expect(parseRoute("")).toBe("home");
    expect(parseRoute("#/nowhere")).toBe("home");
  });
});
