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
  for (const crate of ["kabinet-core", "kabinet-service", "kabinet-api", "kabinet-signature", "kabinet-token", "kabinet-desktop"]) {
    for (const file of rustFiles(join(crates, crate, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/Violation::new\(\s*"([a-z0-9_]+)"/g)) codes.add(m[1]);
      for (const m of text.matchAll(/ApiError::field\(\s*"[a-z0-9_.]+",\s*"([a-z0-9_]+)"/g)) codes.add(m[1]);
      for (const m of text.matchAll(/\bfield_error\(\s*"[a-z0-9_.]+",\s*"([a-z0-9_]+)"/g)) codes.add(m[1]);
      for (const m of text.matchAll(/\brefused\(\s*"[a-z0-9_.]+",\s*"([a-z0-9_]+)"/g)) codes.add(m[1]);
      for (const m of text.matchAll(/Refusal\("([a-z0-9_]+)"\)/g)) codes.add(m[1]);
      for (const m of text.matchAll(/=> "(token_[a-z0-9_]+)"/g)) codes.add(m[1]);
    }
  }
  return codes;
}

/** The parameters each rule is sent with, read from `Violation::new("rule").with("param", …)`. */
function ruleParams(): Map<string, Set<string>> {
  const params = new Map<string, Set<string>>();
  for (const crate of ["kabinet-core", "kabinet-service", "kabinet-api", "kabinet-signature", "kabinet-token", "kabinet-desktop"]) {
    for (const file of rustFiles(join(crates, crate, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/Violation::new\(\s*"([a-z0-9_]+)"\s*\)((?:\s*\.with\(\s*"[a-z_]+"[^;]*?\))*)/g)) {
        const names = params.get(m[1]) ?? new Set<string>();
        for (const w of m[2].matchAll(/\.with\(\s*"([a-z_]+)"/g)) names.add(w[1]);
        params.set(m[1], names);
      }
    }
  }
  return params;
}

describe("rule messages", () => {
  const codes = ruleCodes();
  it("find the rules in the Rust sources", () => {
    expect(codes.size).toBeGreaterThan(30);
    expect(codes).toContain("password_needs_upper");
  });
  const params = ruleParams();
  for (const [lng, locale] of [["ru", ru], ["en", en]] as const) {
    it(`use only the parameters the rule is sent with in ${lng}`, () => {
      const wrong: string[] = [];
      for (const [rule, message] of Object.entries(locale.rules as Record<string, string>)) {
        const sent = params.get(rule) ?? new Set<string>();
        for (const m of message.matchAll(/\{\{(\w+)\}\}/g)) if (!sent.has(m[1])) wrong.push(`${rule}: {{${m[1]}}}`);
      }
      expect(wrong).toEqual([]);
    });
    it(`cover every rule in ${lng}`, () => {
      const missing = [...codes].filter((c) => !(c in locale.rules));
      expect(missing).toEqual([]);
    });
  }
});
