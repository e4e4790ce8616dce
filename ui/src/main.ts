import { mount } from "svelte";
import App from "./App.svelte";
import { startLanguage } from "./i18n";
import { takePreparedFirstScreen } from "./lib/session";
import "./styles.css";

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
// The first screen is drawn in the remembered language, never in Russian first, and on the
// desktop with the state the app prepared for it.
void Promise.all([startLanguage(), takePreparedFirstScreen()]).then(() => mount(App, { target }));
