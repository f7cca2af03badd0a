// Cross-origin isolation from our service worker (sw.js), which static hosts
// such as GitHub Pages cannot give with headers. It makes Stop interrupt the
// running code and lets input() block. Without it (service workers blocked,
// private windows, a hard reload) everything still works: Stop restarts Python.
import { SITE_ROOT, siteKey } from "./site-path.js";

const RELOADED = siteKey("isolation-reload");
let registration = null;

/** Install the service worker (every page does, so visited pages also work offline). */
export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return Promise.resolve(null);
  registration ??= navigator.serviceWorker
    .register(new URL("sw.js", SITE_ROOT), { scope: SITE_ROOT.pathname })
    .catch((error) => {
      console.warn("Service worker unavailable: no offline use, and Stop will restart Python.", error);
      return null;
    });
  return registration;
}

let isolation = null;

/**
 * Resolves to true when the page is isolated, false when it will run without.
 * On the first visit the page reloads once to come under the new service
 * worker (then the promise never resolves); a per-session flag rules out loops.
 * Called again (isolate.js first, then the page's own script), it answers the same.
 */
export function ensureIsolation() {
  isolation ??= isolate();
  return isolation;
}

async function isolate() {
  if (globalThis.crossOriginIsolated) {
    session("removeItem", RELOADED);
    return true;
  }
  if (!(await registerServiceWorker()) || session("getItem", RELOADED)) return false;
  await navigator.serviceWorker.ready;
  session("setItem", RELOADED, "1");
  location.reload();
  return new Promise(() => {});
}

/** Why this page is not isolated, and what the learner can do about it (shown by input() and the status line). */
export async function withoutIsolation() {
  if (await registerServiceWorker()) {
    return {
      status: "Stop restarts it; for input(), reload the page normally (not a hard reload).",
      input:
        "input() cannot wait for your answer on this page right now, because it was opened with a hard reload. " +
        "Reload it normally and input() will work; or give your program its data in the code, e.g. name = \"Ada\".",
    };
  }
  return {
    status: "This browser window blocks the site's service worker, so Stop restarts Python and input() cannot wait for an answer.",
    input:
      "input() cannot wait for your answer in this browser window, because the window blocks the site's service worker " +
      "(private windows often do). Give your program its data in the code instead, e.g. name = \"Ada\" in place of " +
      "name = input(), or open the site in a normal window.",
  };
}

function session(method, ...args) {
  try {
    return sessionStorage[method](...args);
  } catch {
    return "unavailable"; // storage disabled: never risk a reload we cannot remember
  }
}
