// Every rule the Rust core and service can name has a message in both languages: the rule codes
// are read from the Rust sources themselves (violations and single-field errors), so a new rule
// without a message fails here.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ru from "./locales/ru.json";
import en from "./locales/en.json";

const crates = fileURLToPath(new URL("../../../crates", import.meta.url));

function rustFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? rustFiles(path) : path.endsWith(".rs") ? [path] : [];
  });
}

function ruleCodes(): Set<string> {
  const codes = new Set<string>();
  for (const crate of ["kabinet-core", "kabinet-service", "kabinet-api"]) {
    for (const file of rustFiles(join(crates, crate, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/Violation::new\(\s*"([a-z_]+)"/g)) codes.add(m[1]);
      for (const m of text.matchAll(/ApiError::field\(\s*"[a-z_.]+",\s*"([a-z_]+)"/g)) codes.add(m[1]);
    }
  }
  return codes;
}

describe("rule messages", () => {
  const codes = ruleCodes();
  it("find the rules in the Rust sources", () => {
    expect(codes.size).toBeGreaterThan(30);
    expect(codes).toContain("password_needs_upper");
  });
  for (const [lng, locale] of [["ru", ru], ["en", en]] as const) {
    it(`cover every rule in ${lng}`, () => {
      const missing = [...codes].filter((c) => !(c in locale.rules));
      expect(missing).toEqual([]);
    });
  }
});
