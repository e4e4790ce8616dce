import { describe, expect, it } from "vitest";
import { href, parseRoute, ROUTES } from "./router";

describe("router", () => {
  it("round-trips every route through its link", () => {
    for (const r of ROUTES) expect(parseRoute(href(r))).toBe(r);
  });
  it("sends unknown and empty hashes home", () => {
    expect(parseRoute("")).toBe("home");
    expect(parseRoute("#/nowhere")).toBe("home");
  });
});
