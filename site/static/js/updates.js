// A redeploy while this page is open. The page goes on with its own version: everything it
// loads comes from its build's folder (static-<hash>/), so old and new files never mix. When
// the site has a newer build, a notice offers a reload, which saves the learner's work first.
// A new service worker meanwhile waits (no skipWaiting): it takes over once the old tabs are
// gone, and its arrival is one of the moments this page checks.
import { openProgress } from "./progress.js";
import { SITE_ROOT } from "./site-path.js";

const VERSION_URL = new URL("version.json", SITE_ROOT);
const BUILD = document.querySelector('meta[name="build-id"]')?.content;
const CHECK_EVERY_MS = 15 * 60_000; // while the page is in view

let offered = false;

/** Watch for a newer build: now (the page itself may have come from the browser's cache), when a new
 * service worker arrives, when the page comes back into view, and now and then. */
export function watchForUpdates(registration) {
  if (!BUILD) return;
  const check = () => !offered && newerBuild().then((newer) => newer && offerReload(), () => {}); // offline: try later
  registration?.addEventListener("updatefound", () => {
    if (!navigator.serviceWorker.controller) return; // the first install, not an update
    const worker = registration.installing;
    check();
    worker?.addEventListener("statechange", () => worker.state === "installed" && check()); // and once it waits
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    registration?.update().catch(() => {}); // the browser only looks for a new service worker on navigation
    check();
  });
  setInterval(() => document.visibilityState === "visible" && check(), CHECK_EVERY_MS);
  check();
}

async function newerBuild() {
  const response = await fetch(VERSION_URL, { cache: "no-store" });
  if (!response.ok) return false;
  const { build } = await response.json();
  return typeof build === "string" && build !== BUILD;
}

function offerReload() {
  offered = true;
  const notice = document.querySelector("[data-update-notice] > .update-notice");
  const button = notice.querySelector("[data-update-reload]");
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = "Saving your work…";
    await (await openProgress()).flush();
    location.reload();
  });
  notice.hidden = false;
}
