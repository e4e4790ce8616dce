// Debian's Chromium, driven by playwright-core.
import { chromium } from "playwright-core";
import { CHROMIUM } from "./paths.mjs";

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
