// One submission's exercises, checked again in a Python of a worker of their own: grading.js
// starts a worker of this module for each submission and ends it after the last verdict. A fresh
// interpreter alone would not be enough: code that runs in Pyodide reaches this worker's
// JavaScript (`import js`), so it could change what the worker does next (its postMessage,
// WebAssembly, fetch). In a worker of its own, whatever a file's code does ends with that file:
// it can change its own verdicts, never another student's. Pyodide is restored from a memory
// snapshot of a freshly started one (a few hundred milliseconds, against seconds for a cold start),
// and the worker does that, and loads the runner, before its first exercise arrives, while the
// submission before is being checked. MicroPython starts in a fraction of a second.
//
// The exercise runs through the site's own runner (runner.py, runner_mp.py) and, through it,
// checker.py: what a lesson page runs when a learner presses Check. The two PyScript modules the
// runners import are replaced by small stand-ins, as `build.py check` does
// (pyground/harness/lesson_check.mjs).
//
// Page -> worker:
//   {init: {snapshot, wasm, interpreter, modules: {name: text}, runners: {interpreter: text}, site, inputHelp}}
//       `wasm`: pyodide.asm.wasm compiled by the page (a WebAssembly.Module), or null
//       `interpreter`: the one to start at once ("pyodide" or "micropython"), a guess at the next exercise's
//       with `snapshot` null, the worker starts Pyodide cold once, imports the checker, makes the
//       snapshot itself and sends a copy to the page: {type: "snapshot", snapshot} (or null)
//   {case: {id, interpreter, packages, code, check, setup, files: {name: Uint8Array},
//           modules: {name: text} (a board lesson's), board: its parts or null}}: checked in turn
// Worker -> page:
//   {type: "loaded", id}              its Python is ready for it; its time limit starts now
//   {type: "verdict", id, verdict}    {passed, message, output, error, stopped?}
//   {type: "failed", id, message}     it could not be checked at all

import { SETTINGS } from "./settings.js";

const RUNTIME = new URL("../../runtime/", import.meta.url);
const PYODIDE = new URL("pyodide/", RUNTIME).href;
const MICROPYTHON = new URL("micropython/", RUNTIME).href;
const MAX_TEXT = 20_000; // characters of output or traceback kept in a verdict

console.error = () => {}; // a console error from the runtime or a submission is not the page's
let outOfMemory = () => {};
// When a new interpreter cannot get its memory, Pyodide only warns, and its start never ends:
// say so at once, so that the page goes on in a fresh worker.
console.warn = (...args) => {
  if (String(args[0]).includes("wasm instantiation failed")) outOfMemory();
};

// Every Pyodide compiles pyodide.asm.wasm (10 MB) again: the page compiles it once and sends the module
// to each worker, which instantiates it, making a fresh interpreter about three times quicker. Pyodide
// offers no option for this; it calls instantiateStreaming, so that is where the compiled module is used
// (a module holds no state: every instance still gets its own memory).
const compiled = new Map(); // url -> promise of a WebAssembly.Module
// The runtime's files (its lock file, the standard library) are fetched once per worker, not once per
// interpreter (the snapshot maker starts two): they never change under one URL.
const fetched = new Map(); // url -> promise of [status, headers, bytes]
const fetchFromNetwork = self.fetch;
self.fetch = async (input, init) => {
  const url = String(input?.url ?? input);
  if (!url.startsWith(RUNTIME.href)) return fetchFromNetwork(input, init);
  if (!fetched.has(url)) {
    const load = fetchFromNetwork(input, init).then(async (r) => [r.status, [...r.headers], await r.arrayBuffer()]);
    load.catch(() => fetched.delete(url));
    fetched.set(url, load);
  }
  const [status, headers, bytes] = await fetched.get(url);
  const response = new Response(bytes, { status, headers });
  Object.defineProperty(response, "url", { value: url }); // as a fetched response has it
  return response;
};
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async (source, imports) => {
  const response = await source;
  if (!response?.url) return instantiateStreaming(response, imports);
  if (!compiled.has(response.url)) compiled.set(response.url, WebAssembly.compileStreaming(response));
  else response.body?.cancel();
  const module = await compiled.get(response.url);
  return { module, instance: await WebAssembly.instantiate(module, imports) };
};

let setup = null;
let ready = null; // settles once the snapshot is there (or known to be missing)
let python = null; // promise of this worker's interpreter: started at init, before the first exercise
let queue = Promise.resolve(); // exercises are checked one after another, in the order they came

self.addEventListener("message", ({ data }) => {
  if (data.init) {
    setup = data.init;
    if (setup.wasm) compiled.set(new URL("pyodide.asm.wasm", PYODIDE).href, Promise.resolve(setup.wasm));
    ready = setup.snapshot ? Promise.resolve() : makeSnapshot(setup.modules);
    python = ready.then(() => start(setup.interpreter));
    python.catch(() => {}); // the first exercise starts another then
  } else if (data.case) {
    queue = queue.then(() => checkCase(data.case));
  }
});

async function checkCase(item) {
  const { id } = item;
  try {
    await ready;
    const current = await python.catch(() => null);
    if (current?.interpreter !== item.interpreter) {
      python = start(item.interpreter); // the first exercise was a guess, or a file mixes interpreters
      python.catch(() => {});
    }
    const stuck = new Promise((_, reject) => (outOfMemory = () => reject(new Error("no memory left for a new Python"))));
    stuck.catch(() => {}); // handled by the race below, or never rejected
    const prepared = await Promise.race([python.then((started) => started.prepare(item)), stuck]);
    postMessage({ type: "loaded", id });
    postMessage({ type: "verdict", id, verdict: trim(prepared.check(item)) });
  } catch (error) {
    postMessage({ type: "failed", id, message: String(error?.message ?? error).trim() });
  }
}

/** A fresh interpreter with the site's runner loaded: everything but what one exercise brings. */
function start(interpreter) {
  return interpreter === "micropython" ? microPython() : pyodide();
}

function trim(verdict) {
  const cut = (text) => (typeof text === "string" && text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n… (cut here)` : text);
  return {
    passed: verdict.passed === true,
    message: cut(String(verdict.message ?? "")),
    output: cut(verdict.output ?? ""),
    error: cut(verdict.error ?? null),
    ...(verdict.stopped && { stopped: true }),
  };
}

/** Stand-ins for `polyscript.xworker` and `pyscript.sync`: output is dropped (the verdict carries it),
 * input() gets end of file. */
function standIns() {
  return { xworker: { postMessage() {} }, sync: { read_line: () => null } };
}

async function startPyodide(options = {}) {
  const { loadPyodide } = await import(`${PYODIDE}pyodide.mjs`);
  return loadPyodide({
    indexURL: PYODIDE,
    packageBaseUrl: PYODIDE, // where Pyodide looks for packages: the site itself, never a CDN
    stdout: () => {},
    stderr: () => {},
    ...options,
  });
}

/** A fresh Pyodide that has imported the checker (a module of plain Python, which a snapshot keeps:
 * the runner then finds it imported, as on a lesson page, without compiling it again each time). */
async function makeSnapshot(modules) {
  try {
    const python = await startPyodide({ _makeSnapshot: true });
    for (const [name, text] of Object.entries(modules)) python.FS.writeFile(name, text);
    python.runPython("import checker");
    setup.snapshot = python.makeMemorySnapshot();
  } catch {
    setup.snapshot = null; // then each exercise's Python starts cold
  }
  postMessage({ type: "snapshot", snapshot: setup.snapshot });
}

async function pyodide() {
  let python;
  try {
    python = setup.snapshot ? await startPyodide({ _loadSnapshot: setup.snapshot }) : await startPyodide();
  } catch (error) {
    if (!setup.snapshot) throw error;
    python = await startPyodide(); // the snapshot is only a speed-up
  }
  python.setStdin({ stdin: () => null });
  for (const [name, text] of Object.entries(setup.modules)) python.FS.writeFile(name, text);
  const page = standIns();
  python.registerJsModule("polyscript", { xworker: page.xworker });
  python.registerJsModule("pyscript", { sync: page.sync });
  python.runPython(setup.runners.pyodide, { filename: SETTINGS.interpreters.pyodide.runner });
  const call = (name, ...args) => python.globals.get(name)?.(...args);
  call("set_site", setup.site); // the practice API is on the site itself (`cloud.SITE`)
  call("set_input_help", setup.inputHelp);
  return {
    interpreter: "pyodide",
    async prepare(item) {
      if (item.packages.length) {
        const errors = [];
        await python.loadPackage(item.packages, { messageCallback: () => {}, errorCallback: (message) => errors.push(message) });
        if (errors.length) throw new Error(`loading ${item.packages.join(", ")} failed: ${errors.join("; ")}`);
      }
      for (const [name, text] of Object.entries(item.modules)) python.FS.writeFile(name, text);
      for (const [name, bytes] of Object.entries(item.files)) python.FS.writeFile(name, bytes); // the lesson's data files
      call("set_data_files", python.toPy(Object.keys(item.files)));
      call("import_packages", python.toPy(item.packages));
      return this;
    },
    check({ code, check, setup: before }) {
      const proxy = python.globals.get("check_exercise")(code, check, before, "grade", SETTINGS.exerciseFilename);
      const verdict = proxy.toJs({ dict_converter: Object.fromEntries });
      proxy.destroy();
      return verdict;
    },
  };
}

async function microPython() {
  const { loadMicroPython } = await import(`${MICROPYTHON}micropython.mjs`);
  const python = await loadMicroPython({ url: `${MICROPYTHON}micropython.wasm`, stdout: () => {}, stderr: () => {} });
  for (const [name, text] of Object.entries(setup.modules)) python.FS.writeFile(name, text);
  const page = standIns();
  python.registerJsModule("polyscript", { xworker: page.xworker });
  python.registerJsModule("pyscript", { sync: page.sync });
  python.runPython(setup.runners.micropython);
  python.globals.get("set_input_help")(setup.inputHelp);
  // MicroPython's proxies of dicts are awkward in JS: its json module hands the verdict over.
  python.runPython("import json\n_grade = lambda *a: json.dumps(check_exercise(*a))");
  return {
    interpreter: "micropython",
    prepare(item) {
      for (const [name, text] of Object.entries(item.modules)) python.FS.writeFile(name, text);
      for (const [name, bytes] of Object.entries(item.files)) python.FS.writeFile(name, bytes);
      // A board lesson: its simulated parts, on virtual time, as `build.py check` runs it.
      if (item.board) python.globals.get("board_setup")(JSON.stringify(item.board), null, true);
      return this;
    },
    check({ code, check, setup: before }) {
      return JSON.parse(python.globals.get("_grade")(code, check, before, "grade", SETTINGS.exerciseFilename));
    },
  };
}
