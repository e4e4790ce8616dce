// The dev server's simulated bank and a citizen ready for it: a Standard account made through
// the API (registration, profile, registry checks) and the same person as a bank customer,
// added through the bank's control API.
import { call, registerViaApi } from "./kabinet-server.mjs";

const dotted = (iso) => iso.split("-").reverse().join(".");

/** The profile form of a person of the simulated registries. */
export function profileOf(person) {
  return {
    surname: person.surname,
    first_name: person.first_name,
    patronymic: person.patronymic,
    sex: person.sex,
    birth_date: dotted(person.birth_date),
    birth_place: "г. Москва",
    citizenship: "RU",
    passport: {
      series: person.passport.slice(0, 4),
      number: person.passport.slice(4),
      issued_on: dotted(person.passport_issued_on),
      issuer: "ОВД района Хамовники г. Москвы",
      department_code: "772-001",
    },
    foreign_passport: { country: "", number: "", issued_on: "", expires_on: "" },
    snils: person.snils,
    inn: "",
    address: { postcode: "119021", region: "Москва", city: "Москва", street: "Льва Толстого", house: "16", building: "", flat: "5" },
  };
}

/** Registers `person` with `phone` through the API and waits until the registries made the
 * account Standard; answers the API session (`{ token, device }`) for `call`. */
export async function standardCitizen(server, person, { phone, password, device }) {
  const signedIn = await registerViaApi(server, { surname: person.surname, firstName: person.first_name, phone, password, device });
  const as = { token: signedIn.token, device };
  await call(server, "profile_submit", { profile: profileOf(person), confirm_reverification: false }, as);
  for (let i = 0; i < 100; i++) {
    if ((await call(server, "me", {}, as)).level === "standard") return as;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`${person.surname} did not reach the standard level`);
}

/** Makes `person` a customer of the server's simulated bank; answers the bank login. */
export async function bankCustomer(server, person, { login, password }) {
  const { url } = await server.bank();
  const res = await fetch(`${url}/control/customers`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer dev-key" },
    body: JSON.stringify({
      login,
      password,
      snils: person.snils,
      surname: person.surname,
      first_name: person.first_name,
      patronymic: person.patronymic,
      birth_date: person.birth_date,
    }),
  });
  if (res.status !== 201) throw new Error(`the bank refused the customer: ${res.status}`);
  return login;
}
