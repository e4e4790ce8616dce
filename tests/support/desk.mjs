// A service centre the way a deployment sets one up, over the server's HTTP API: `kabinet-server
// admin bootstrap` (once per database) → the first workstation enrolled with its code → the
// administrator set up with an authenticator and signed in → an operator created, set up and
// signed in. Tests use the operator's desk for what a citizen gets at a centre (activation
// codes, temporary passwords).
import { call } from "./kabinet-server.mjs";
import { totp } from "./totp.mjs";

export const STAFF_PASSWORD = "Okno-Priema42!";
const DESK_SCOPES = ["citizen:search", "citizen:register", "identity:confirm", "access:restore", "activation_code:issue", "account:block"];

/** Parses `name: value` lines the bootstrap prints. */
function field(text, name) {
  const line = text.split("\n").find((l) => l.startsWith(`${name}: `));
  if (!line) throw new Error(`no ${name} in ${text}`);
  return line.slice(name.length + 2).trim();
}

/** Uses a set-up code at the workstation and signs the member in; returns their token. */
export async function setUpAndSignIn(server, workstation, code) {
  const as = { workstation, device: "desk" };
  const setup = await call(server, "staff_setup_start", { code }, as);
  await call(server, "staff_setup_finish", { ticket: setup.ticket, password: STAFF_PASSWORD, totp_code: totp(setup.totp_secret) }, as);
  // The set-up used this step's code; the next step's is within the allowed skew.
  const signed = await call(server, "staff_sign_in", {
    personnel_number: setup.personnel_number,
    password: STAFF_PASSWORD,
    totp_code: totp(setup.totp_secret, Date.now() + 30_000),
  }, as);
  return signed.token;
}

/**
 * Bootstraps the centre (once per database) and signs its administrator in at a back-office
 * workstation; `admin(op, request)` acts as the administrator.
 */
export async function openCentre(server, { centre = "МФЦ района Тверской", address = "Москва, Тверская ул., 8" } = {}) {
  const printed = await server.admin("admin", "bootstrap", "--personnel-number", "1", "--full-name", "Администратор Центра", "--centre-name", centre, "--centre-address", address);
  const centreId = field(printed, "centre");
  const enrolled = await call(server, "workstation_enrol", { code: field(printed, "workstation enrolment code"), name: "Бэк-офис" }, { device: "desk" });
  const workstation = enrolled.key;
  const token = await setUpAndSignIn(server, workstation, field(printed, "administrator set-up code"));
  return {
    centreId,
    workstation,
    admin: (operation, request) => call(server, operation, request, { workstation, token, device: "desk" }),
  };
}

/** Bootstraps the centre and signs an operator in; `desk.call(op, request)` acts as them. */
export async function openDesk(server, { number = "4512", ...where } = {}) {
  const centre = await openCentre(server, where);
  const created = await centre.admin("staff_create", {
    personnel_number: number,
    full_name: "Смирнова Ольга Петровна",
    centre_id: centre.centreId,
    scopes: DESK_SCOPES,
  });
  const { workstation } = centre;
  const token = await setUpAndSignIn(server, workstation, created.setup.code);
  return {
    centreId: centre.centreId,
    number,
    /** The operator's credentials as HTTP headers (for tools that speak HTTP themselves). */
    headers: { "x-kabinet-workstation": workstation, authorization: `Bearer ${token}` },
    call: (operation, request) => call(server, operation, request, { workstation, token, device: "desk" }),
    /** The account found by `by` (snils, phone, email, passport). */
    async find(by, value) {
      const found = await call(server, "citizen_search", { by, value }, { workstation, token, device: "desk" });
      if (!found.citizen) throw new Error(`no citizen with ${by} ${value}`);
      return found.citizen.account_id;
    },
  };
}

export { DESK_SCOPES };
