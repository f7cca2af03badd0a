// Cross-origin isolation from our service worker (sw.js), which static hosts
// such as GitHub Pages cannot give with headers. An isolated page shares memory
// with the Python worker: Stop interrupts any running code and keeps the
// variables, input() blocks, a board's inputs reach a running loop at once.
// The first page a browser opens of the site is not isolated: the service
// worker only serves the pages loaded after it (a reload, a page opened
// later). No reload is forced for it: that would make every first visit wait
// for the page twice. Without isolation everything still works: input() and
// time.sleep() suspend Python on a promise (runner.py), and Stop restarts
// Python when the code is computing.
import { SITE_ROOT } from "./site-path.js";

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

export const isolated = globalThis.crossOriginIsolated === true;

// Pyodide suspends Python on a promise with JavaScript Promise Integration (WebAssembly.Suspending).
const canSuspend = typeof WebAssembly.Suspending === "function";

/** Why this page is not isolated, and what the learner can do about it (shown by input() and the status
 * line), or null when it is. `interpreter`: MicroPython cannot suspend, so its input() needs isolation. */
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
