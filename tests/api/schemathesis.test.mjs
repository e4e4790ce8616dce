// Schemathesis over the served OpenAPI document, every operation, as three callers — nobody, a
// signed-in citizen and an operator at an enrolled workstation — against the real kabinet-server
// (dev mode, fresh SQLite). It fails on any server error, any answer that does not match the
// document's schemas or content type, and any request outside the schemas that is accepted.
// Bounded: a few examples per operation (the bench may run more: KABINET_SCHEMATHESIS_EXAMPLES).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { openDesk } from "../support/desk.mjs";
import { registerViaApi, startServer } from "../support/kabinet-server.mjs";
import { artifactDir, ROOT } from "../support/paths.mjs";

const SCHEMATHESIS = process.env.KABINET_SCHEMATHESIS ?? join(ROOT, "target", "tools", "schemathesis", "bin", "schemathesis");
const EXAMPLES = process.env.KABINET_SCHEMATHESIS_EXAMPLES ?? "8";
const CHECKS = "not_a_server_error,response_schema_conformance,negative_data_rejection,content_type_conformance";
const logs = artifactDir("api");
let server;
let callers;

before(async () => {
  server = await startServer();
  const citizen = await registerViaApi(server, { surname: "Проверкина", firstName: "Ольга", phone: "+79160000777", password: "Kabinet-2026!", device: "schemathesis" });
  const desk = await openDesk(server);
  callers = {
    nobody: {},
    citizen: { authorization: `Bearer ${citizen.token}` },
    operator: desk.headers,
  };
});
after(() => server?.close());

for (const who of ["nobody", "citizen", "operator"]) {
  test(`schemathesis finds nothing as ${who}`, { timeout: 300_000 }, async () => {
    const headers = Object.entries({ "x-kabinet-client": "schemathesis", ...callers[who] }).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
    // Operations that end the caller's session would leave the rest of the run unauthenticated.
    const ending = who === "nobody" ? [] : ["--exclude-operation-id-regex", "^(sign_out|sessions_revoke_all|security_event_not_me|staff_sign_out)$"];
    const args = ["run", `${server.apiUrl}/api/openapi.json`, ...headers, ...ending, "--checks", CHECKS, "--max-examples", EXAMPLES, "--workers", "1", "--seed", "2026"];
    let output;
    try {
      const { stdout } = await promisify(execFile)(SCHEMATHESIS, args, { timeout: 280_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
      output = stdout;
    } catch (failed) {
      output = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
      writeFileSync(join(logs, `schemathesis-${who}.txt`), output);
      assert.fail(`schemathesis found problems as ${who} (tests/artifacts/api/schemathesis-${who}.txt):\n${output.slice(-4000)}`);
    }
    writeFileSync(join(logs, `schemathesis-${who}.txt`), output);
    assert.match(output, /Fuzzing/);
  });
}
