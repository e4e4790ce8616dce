// A citizen's signature token for the end-to-end tests: `kabinet-sim token` makes a test
// certification authority and a SoftHSM2 token with a key and a qualified certificate naming
// the person by SNILS; the server trusts the authority, the desktop loads the token's library.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.mjs";

export const TOKEN_PIN = "12345678";

function simBinary() {
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  return process.env.KABINET_SIM ?? join(target, "debug", "kabinet-sim");
}

/** A token for `person` (of the demo people); answers what `kabinet-sim token` printed. */
export async function tokenFor(person, { label = "Рутокен ЭЦП 3.0" } = {}) {
  const out = mkdtempSync(join(tmpdir(), "kabinet-authority-"));
  const [given, ...rest] = [person.first_name, person.patronymic];
  const { stdout } = await promisify(execFile)(
    simBinary(),
    ["token", "--out", out, "--snils", person.snils, "--surname", person.surname, "--given-name", [given, ...rest].join(" "), "--label", label, "--pin", TOKEN_PIN],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout.trim());
}

/** The server's settings that trust the authorities of `tokens`. */
export function trusting(tokens) {
  return {
    KABINET_SIGNATURE_AUTHORITIES: JSON.stringify(tokens.map((t) => t.authority)),
    KABINET_SIGNATURE_CRLS: JSON.stringify(tokens.map((t) => t.crl)),
  };
}

/** The app's environment that loads the token's library and store. */
export function withToken(token) {
  return { KABINET_PKCS11_MODULE: token.module, SOFTHSM2_CONF: token.softhsm_conf };
}
