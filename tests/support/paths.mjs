// Paths shared by the end-to-end tests.
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const UI_DIST = join(ROOT, "ui", "dist");
export const CHROMIUM = process.env.KABINET_CHROMIUM ?? "/usr/bin/chromium";

/** tests/artifacts/<kind>: screenshots and logs kept after a run. */
export function artifactDir(kind) {
  const dir = join(ROOT, "tests", "artifacts", kind);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The built desktop binary: KABINET_APP, else the workspace's debug build. */
export function appBinary() {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  return process.env.KABINET_APP ?? join(target, "debug", "kabinet");
}
