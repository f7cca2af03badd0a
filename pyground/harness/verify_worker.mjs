// One lesson's check, in a fresh interpreter: the page starts one of these
// module workers per lesson and ends it afterwards (or when time runs out).
//
// Message protocol (worker -> page):
//   {type: "loaded"}                       the interpreter is up; the lesson's time starts now
//   {type: "step", kind, index}            exercise case `index` / run cell `index` starts
//   {type: "done", result}                 {exercises: [verdict...], cells: [null | "Error: text"...]}
//   {type: "failed", message}              the harness itself could not run the lesson
//
// Everything is loaded from this server: the vendored runtime under runtime/,
// checker.py (Pyodide) or runner_mp.py (MicroPython) beside this file.

const HERE = new URL("./", import.meta.url);
const PYODIDE = new URL("runtime/pyodide/", HERE).href;
const MICROPYTHON = new URL("runtime/micropython/", HERE).href;

self.addEventListener("message", async ({ data: { job } }) => {
  try {
    const run = job.interpreter === "micropython" ? runMicroPython : runPyodide;
    postMessage({ type: "done", result: await run(job) });
  } catch (error) {
    postMessage({ type: "failed", message: String(error?.message ?? error) });
  }
});

async function text(name) {
  const response = await fetch(new URL(name, HERE));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.text();
}

const step = (kind, index) => postMessage({ type: "step", kind, index });

async function runPyodide(job) {
  const { loadPyodide } = await import(`${PYODIDE}pyodide.mjs`);
  const pyodide = await loadPyodide({
    indexURL: PYODIDE,
    packageBaseUrl: PYODIDE, // also Pyodide's fallback "CDN": nothing may leave this server
    stdout: () => {},
    stderr: () => {},
    stdin: () => null, // input() sees end of file, as in the CPython check
  });
  postMessage({ type: "loaded" });
  if (job.packages.length) {
    const errors = [];
    await pyodide.loadPackage(job.packages, {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
    if (errors.length) throw new Error(`loading ${job.packages.join(", ")} failed: ${errors.join("; ")}`);
  }
  pyodide.FS.mkdirTree("/pyground");
  pyodide.FS.writeFile("/pyground/checker.py", await text("checker.py"));
  pyodide.FS.writeFile("/pyground/verify_pyodide.py", await text("verify_pyodide.py"));
  pyodide.runPython("import sys; sys.path.insert(0, '/pyground')");
  const verify = pyodide.pyimport("verify_pyodide");
  verify.prepare(job.recursion_limit ?? null);
  const exercises = job.exercises.map((c, index) => {
    step("exercise", index);
    return JSON.parse(verify.exercise(c.code, c.check, c.setup));
  });
  const cells = job.cells.map((code, index) => {
    step("cell", index);
    return verify.cell(code) ?? null;
  });
  return { exercises, cells };
}

async function runMicroPython(job) {
  const { loadMicroPython } = await import(`${MICROPYTHON}micropython.mjs`);
  let errorText = [];
  const mp = await loadMicroPython({
    url: `${MICROPYTHON}micropython.wasm`,
    stdout: () => {},
    stderr: (line) => errorText.push(line),
  });
  postMessage({ type: "loaded" });
  // runner_mp.py is the file the site runs; give it the two PyScript modules it imports.
  mp.registerJsModule("polyscript", {
    xworker: {
      postMessage(message) {
        const { stream, text } = JSON.parse(message);
        if (stream === "stderr") errorText.push(text);
      },
    },
  });
  mp.registerJsModule("pyscript", { sync: {} });
  mp.runPython(await text("runner_mp.py"));
  mp.runPython("import json\n_verify_cell = lambda *a: json.dumps(run_cell(*a))\n_verify_ex = lambda *a: json.dumps(check_exercise(*a))");
  const lastLine = () =>
    errorText
      .join("")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .pop();
  const exercises = job.exercises.map((c, index) => {
    step("exercise", index);
    errorText = [];
    const verdict = JSON.parse(mp.globals.get("_verify_ex")(c.code, c.check, c.setup, "verify", "<exercise>"));
    if (verdict.message.startsWith("Your code raised")) verdict.error = lastLine() ?? null;
    return verdict;
  });
  const cells = job.cells.map((code, index) => {
    step("cell", index);
    errorText = [];
    const outcome = JSON.parse(mp.globals.get("_verify_cell")(code, "verify", "<cell>"));
    if (outcome.ok) return null;
    if ("exit" in outcome) return `SystemExit: ${outcome.exit}`;
    return lastLine() ?? outcome.error ?? "an error";
  });
  return { exercises, cells };
}
