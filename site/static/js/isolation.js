// Cross-origin isolation from our service worker (sw.js), which static hosts
// such as GitHub Pages cannot give with headers. An isolated page shares memory
// with the Python worker: Stop interrupts any running code and keeps the
// variables, input() blocks, a board's inputs reach a running loop at once.
// The first page a browser opens of the site is not isolated: the service
// worker only serves the pages loaded after it (a reload, a page opened
// later). Where the browser can suspend WebAssembly on a promise (JSPI), no
// reload is forced for it, since that would make the first visit wait for the
// page twice: input() and time.sleep() suspend Python instead (runner.py), and
// Stop restarts Python only when the code is computing. Elsewhere the first
// visit reloads once, so that input() can wait.
import { SITE_ROOT, siteKey } from "./site-path.js";

const RELOADED = siteKey("isolation-reload");

let registration = null;
// The service worker installs once the page has loaded and what it does first is done (a lesson's
// Python started): its installation downloads and stores our files, which on a first visit would
// share the network and the processor with Python's 13 MB and their compilation.
let firstWork = []; // null once the page has loaded: what it starts later holds nothing up
let startInstalling;
const installing = new Promise((resolve) => (startInstalling = resolve));
const afterFirstWork = () => {
  Promise.allSettled(firstWork).then(startInstalling);
  firstWork = null;
};
if (document.readyState === "complete") afterFirstWork();
else addEventListener("load", afterFirstWork, { once: true });

/** Hold the service worker's installation until `work` (a promise) has settled, if the page is still loading. */
export function installServiceWorkerAfter(work) {
  firstWork?.push(work);
}

/** Install the service worker (every page does, so visited pages also work offline): after the page's
 * first work, or at once (`now`: a first visit that reloads to come under it). */
export function registerServiceWorker({ now = false } = {}) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return Promise.resolve(null);
  if (now) startInstalling();
  registration ??= installing
    .then(() => navigator.serviceWorker.register(new URL("sw.js", SITE_ROOT), { scope: SITE_ROOT.pathname }))
    .catch((error) => {
      console.warn("Service worker unavailable: no offline use, and Stop will restart Python.", error);
      return null;
    });
  return registration;
}

/** Whether an active service worker would make a page loaded now isolated (without installing it). */
export async function serviceWorkerActive() {
  try {
    return Boolean((await navigator.serviceWorker?.getRegistration(SITE_ROOT.href))?.active);
  } catch {
    return false; // service workers blocked
  }
}

export const isolated = globalThis.crossOriginIsolated === true;

// Pyodide suspends Python on a promise with JavaScript Promise Integration (WebAssembly.Suspending).
const canSuspend = typeof WebAssembly.Suspending === "function";

/** On a first visit in a browser where input() cannot wait without isolation, reload once to come under
 * the service worker (then this never resolves); a per-session flag rules out loops. */
export async function reloadIfInputCannotWait() {
  if (isolated) return session("removeItem", RELOADED);
  if (canSuspend || !(await registerServiceWorker({ now: true })) || session("getItem", RELOADED)) return;
  await navigator.serviceWorker.ready;
  session("setItem", RELOADED, "1");
  location.reload();
  return new Promise(() => {});
}

function session(method, ...args) {
  try {
    return sessionStorage[method](...args);
  } catch {
    return "unavailable"; // storage disabled: never risk a reload we cannot remember
  }
}

/** Why this page is not isolated, and what the learner can do about it (shown by input() and the status
 * line), or null when it is. `interpreter`: MicroPython cannot suspend, so its input() needs isolation.
 * Known once the service worker has been installed, or could not be: after the page's first work. */
export async function withoutIsolation(interpreter = "pyodide") {
  if (isolated) return null;
  const inputWaits = canSuspend && interpreter === "pyodide";
  if (await registerServiceWorker()) {
    return {
      status: "Stop restarts Python if your code is busy; reload the page and Stop will keep your variables.",
      input: inputWaits
        ? ""
        : "input() cannot wait for your answer on this page yet. Reload it and input() will work " +
          '(the site has now set itself up in this browser); or give your program its data in the code, e.g. name = "Ada".',
    };
  }
  return {
    status: "This browser window blocks the site's service worker, so Stop restarts Python if your code is busy.",
    input: inputWaits
      ? ""
      : "input() cannot wait for your answer in this browser window, because the window blocks the site's service worker " +
        '(private windows often do). Give your program its data in the code instead, e.g. name = "Ada" in place of ' +
        "name = input(), or open the site in a normal window.",
  };
}
