// Filling the profile form in the real window, as the citizen or an operator does it from the
// passport: shared by the desktop tests.

/** `YYYY-MM-DD` → the digits typed into a `DD.MM.YYYY` mask. */
const ddmmyyyy = (iso) => iso.split("-").reverse().join("");

/** Types `text` into the field `selector` once it shows. */
export async function type(browser, selector, text) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10_000 });
  await el.setValue(text);
}

/** Types a person of the simulated registries from the patronymic to the house number. */
export async function typeProfile(browser, person) {
  await type(browser, "#patronymic", person.patronymic);
  await browser.$(`input[name="sex"][value="${person.sex}"]`).click();
  await type(browser, "#birth_date", ddmmyyyy(person.birth_date));
  await type(browser, "#birth_place", "Москва");
  await type(browser, "#passport-series", person.passport.slice(0, 4));
  await type(browser, "#passport-number", person.passport.slice(4));
  await type(browser, "#passport-issued_on", ddmmyyyy(person.passport_issued_on));
  await type(browser, "#passport-issuer", "ГУ МВД России по г. Москве");
  await type(browser, "#passport-department_code", "770001");
  await type(browser, "#snils", person.snils);
  await type(browser, "#address-postcode", "101000");
  await type(browser, "#address-region", "Москва");
  await type(browser, "#address-city", "Москва");
  await type(browser, "#address-street", "Тверская");
  await type(browser, "#address-house", "1");
}
