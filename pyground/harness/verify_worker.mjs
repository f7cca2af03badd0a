// One lesson's check, in a fresh interpreter: the page starts one of these
// module workers per lesson and ends it afterwards (or when its time runs out).
//
// The lesson runs through the site's own runner (runner.py for Pyodide,
// runner_mp.py for MicroPython) and, through it, the site's checker.py: the
// code a learner's page runs. The two PyScript modules the runners import are
// replaced by small stand-ins that collect what the runner sends to the page.
//
// Page -> worker: {job, snapshot} checks a lesson; {makeSnapshot: true} starts
// Pyodide once and answers with a memory snapshot of the fresh interpreter,
// which later workers restore much faster than a cold start.
//
// Worker -> page:
//   {type: "snapshot", snapshot}   the snapshot (a Uint8Array), or null if it could not be made
//   {type: "loaded"}               the interpreter is up; the lesson's time starts now
//   {type: "step", kind, index}    exercise case `index` / run cell `index` starts
//   {type: "done", result}         {exercises: [verdict...], cells: [null | "ErrorName: text"...],
//                                  consoleErrors: [{text, step}...]}
//   {type: "failed", message}      the lesson could not be checked at all
//
// Everything comes from this server: the vendored runtime under runtime/, the
// site's Python files beside this file.

const HERE = new URL("./", import.meta.url);
const PYODIDE = new URL("runtime/pyodide/", HERE).href;
const MICROPYTHON = new URL("runtime/micropython/", HERE).href;

// Console errors (from the runtime or a lesson) belong to the lesson's result, at the case
// that logged them, rather than in the browser's console.
let current = null;
const consoleErrors = [];
console.error = (...args) => consoleErrors.push({ text: args.map(String).join(" "), step: current });

const step = (kind, index) => {
  current = { kind, index };
  postMessage({ type: "step", kind, index });
};

self.addEventListener("message", async ({ data }) => {
  if (data.makeSnapshot) {
    postMessage({ type: "snapshot", snapshot: await makeSnapshot().catch(() => null) });
    return;
  }
  try {
    const check = data.job.interpreter === "micropython" ? checkInMicroPython : checkInPyodide;
    const result = await check(data.job, data.snapshot);
    postMessage({ type: "done", result: { ...result, consoleErrors } });
  } catch (error) {
    postMessage({ type: "failed", message: String(error?.message ?? error).trim() });
  }
});

async function bytes(name) {
  const response = await fetch(new URL(name, HERE));
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function text(name) {
  const response = await fetch(new URL(name, HERE));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.text();
}

/** Stand-ins for `polyscript.xworker` and `pyscript.sync`; keeps what the runner writes to stderr. */
class PageStandIn {
  constructor() {
    this.stderr = [];
    this.answers = []; // what the cell's `input=` option types, line by line
    this.sync = { read_line: () => this.answers.shift() ?? null };
    this.xworker = { postMessage: (message) => this.receive(message) };
  }

  receive(message) {
    const data = JSON.parse(message);
    const chunks = data.chunks ?? [[data.stream, data.text]];
    for (const [stream, text] of chunks) if (stream === "stderr") this.stderr.push(text);
  }

  /** Run `call` and return its result with the last line the runner wrote to stderr (the error). */
  capture(call) {
    this.stderr = [];
    const result = call();
    const lines = this.stderr.join("").split("\n").map((line) => line.trim());
    return { result, errorLine: lines.filter(Boolean).pop() ?? null };
  }
}

/** The site's cell outcome ({ok, error?, exit?}) as the check reports it: null or "ErrorName: text". */
function cellError({ result, errorLine }) {
  if (result.ok) return null;
  if ("exit" in result) return `SystemExit: ${result.exit}`;
  return errorLine ?? result.error ?? "an error";
}

async function startPyodide(options = {}) {
  const { loadPyodide } = await import(`${PYODIDE}pyodide.mjs`);
  return loadPyodide({
    indexURL: PYODIDE,
    packageBaseUrl: PYODIDE, // also where Pyodide would look for a package it lacks: never a CDN
    stdout: () => {},
    stderr: () => {},
    ...options,
  });
}

async function makeSnapshot() {
  const pyodide = await startPyodide({ _makeSnapshot: true });
  return pyodide.makeMemorySnapshot();
}

async function checkInPyodide(job, snapshot) {
  let pyodide;
  try {
    pyodide = await startPyodide(snapshot ? { _loadSnapshot: snapshot } : {});
  } catch (error) {
    if (!snapshot) throw error;
    pyodide = await startPyodide(); // the snapshot is only a speed-up
  }
  pyodide.setStdin({ stdin: () => null }); // end of file, not a prompt() that does not exist in a worker
  postMessage({ type: "loaded" });
  if (job.packages.length) {
    const errors = [];
    await pyodide.loadPackage(job.packages, {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
    if (errors.length) throw new Error(`loading ${job.packages.join(", ")} failed: ${errors.join("; ")}`);
  }
  for (const name of job.files) pyodide.FS.writeFile(name, await text(name)); // beside the runner, as on the site
  for (const [name, url] of Object.entries(job.dataFiles)) pyodide.FS.writeFile(name, await bytes(url)); // the lesson's data
  const page = new PageStandIn();
  pyodide.registerJsModule("polyscript", { xworker: page.xworker });
  pyodide.registerJsModule("pyscript", { sync: page.sync });
  pyodide.runPython(await text(job.runner), { filename: job.runner });
  pyodide.globals.get("set_data_files")(pyodide.toPy(Object.keys(job.dataFiles)));
  pyodide.globals.get("set_site")(HERE.href); // the practice API is served beside this file, at api/
  pyodide.globals.get("import_packages")(pyodide.toPy(job.packages)); // as the page does while it loads
  const plain = (proxy) => {
    const value = proxy.toJs({ dict_converter: Object.fromEntries });
    proxy.destroy();
    return value;
  };
  const checkExercise = pyodide.globals.get("check_exercise");
  const runCell = pyodide.globals.get("run_cell");
  const exercises = job.exercises.map((c, index) => {
    step("exercise", index);
    return plain(checkExercise(c.code, c.check, c.setup, "check", "<exercise>"));
  });
  pyodide.globals.set("_isolated", true); // input() reads from the stand-in, as from an isolated page
  const cells = job.cells.map(({ code, inputs }, index) => {
    step("cell", index);
    page.answers = [...inputs];
    return cellError(page.capture(() => plain(runCell(code, "check", `<cell ${index + 1}>`))));
  });
  return { exercises, cells };
}

async function checkInMicroPython(job) {
  const { loadMicroPython } = await import(`${MICROPYTHON}micropython.mjs`);
  const mp = await loadMicroPython({ url: `${MICROPYTHON}micropython.wasm`, stdout: () => {}, stderr: () => {} });
  postMessage({ type: "loaded" });
  for (const name of job.files) mp.FS.writeFile(name, await text(name));
  const page = new PageStandIn();
  mp.registerJsModule("polyscript", { xworker: page.xworker });
  mp.registerJsModule("pyscript", { sync: page.sync });
  mp.runPython(await text(job.runner));
  // A board lesson: its `machine` module, with run cells on virtual time (they may loop forever).
  if (job.board) mp.globals.get("board_setup")(JSON.stringify(job.board), null, true);
  // MicroPython's proxies of dicts are awkward in JS: let its json module hand them over.
  mp.runPython("import json\n_check_ex = lambda *a: json.dumps(check_exercise(*a))\n_run = lambda *a: json.dumps(run_cell(*a))");
  const checkExercise = mp.globals.get("_check_ex");
  const runCell = mp.globals.get("_run");
  const exercises = job.exercises.map((c, index) => {
    step("exercise", index);
    const { result, errorLine } = page.capture(() =>
      JSON.parse(checkExercise(c.code, c.check, c.setup, "check", "<exercise>")),
    );
    // runner_mp.py shows the traceback on stderr rather than in the verdict: add its last line.
    if (!result.passed && result.error == null && result.message.startsWith("Your code raised")) result.error = errorLine;
    return result;
  });
  mp.globals.set("_isolated", true);
  const cells = job.cells.map(({ code, inputs }, index) => {
    step("cell", index);
    page.answers = [...inputs];
    return cellError(page.capture(() => JSON.parse(runCell(code, "check", `<cell ${index + 1}>`))));
  });
  return { exercises, cells };
}
