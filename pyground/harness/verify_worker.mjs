// One lesson's check, in a fresh interpreter: the page starts one of these
// module workers per lesson and ends it afterwards (or when its time runs out).
// The lesson runs through the site's own runner and checker (lesson_check.mjs).
//
// Page -> worker: {job, snapshot} checks a lesson; {makeSnapshot: true} starts
// Pyodide once and answers with a memory snapshot of the fresh interpreter,
// which later workers restore much faster than a cold start.
//
// Worker -> page:
//   {type: "snapshot", snapshot}   the snapshot (a Uint8Array), or null if it could not be made
//   {type: "loaded"}               the interpreter is up; the lesson's time starts now
//   {type: "step", kind, index}    exercise case `index` / run cell `index` starts
//   {type: "done", result}         {exercises: [verdict...], cells: [outcome...], consoleErrors: [{text, step}...]}
//   {type: "failed", message}      the lesson could not be checked at all
//
// Everything comes from this server: the vendored runtime under runtime/, the
// site's Python files beside this file.
import { checkInMicroPython, checkInPyodide, startPyodide } from "./lesson_check.mjs";

const HERE = new URL("./", import.meta.url);
const PYODIDE = new URL("runtime/pyodide/", HERE).href;
const MICROPYTHON = new URL("runtime/micropython/", HERE).href;

// Console errors (from the runtime or a lesson) belong to the lesson's result, at the case
// that logged them, rather than in the browser's console.
let current = null;
const consoleErrors = [];
console.error = (...args) => consoleErrors.push({ text: args.map(String).join(" "), step: current });

async function fetched(name) {
  const response = await fetch(new URL(name, HERE));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response;
}

const host = (runtime, loader) => ({
  runtime,
  site: HERE.href, // the practice API is served beside this file, at api/
  text: async (name) => (await fetched(name)).text(),
  bytes: async (name) => new Uint8Array(await (await fetched(name)).arrayBuffer()),
  loaded: () => postMessage({ type: "loaded" }),
  step: (kind, index) => {
    current = { kind, index };
    postMessage({ type: "step", kind, index });
  },
  ...loader,
});

const pyodideHost = async () => host(PYODIDE, { loadPyodide: (await import(`${PYODIDE}pyodide.mjs`)).loadPyodide });
const microPythonHost = async () =>
  host(MICROPYTHON, { loadMicroPython: (await import(`${MICROPYTHON}micropython.mjs`)).loadMicroPython });

self.addEventListener("message", async ({ data }) => {
  if (data.makeSnapshot) {
    postMessage({ type: "snapshot", snapshot: await makeSnapshot().catch(() => null) });
    return;
  }
  try {
    const result =
      data.job.interpreter === "micropython"
        ? await checkInMicroPython(data.job, await microPythonHost())
        : await checkInPyodide(data.job, await pyodideHost(), data.snapshot);
    postMessage({ type: "done", result: { ...result, consoleErrors } });
  } catch (error) {
    postMessage({ type: "failed", message: String(error?.message ?? error).trim() });
  }
});

async function makeSnapshot() {
  const pyodide = await startPyodide(await pyodideHost(), { _makeSnapshot: true });
  return pyodide.makeMemorySnapshot();
}
