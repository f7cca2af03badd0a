// One lesson's cases, run in a fresh interpreter through the site's own runner (runner.py
// for Pyodide, runner_mp.py for MicroPython) and, through it, the site's checker.py: the
// code a learner's page runs. The two PyScript modules the runners import are replaced by
// a small stand-in for the page. Used by the browser check (verify_worker.mjs, in a Web
// Worker of headless Chromium) and by Node (check_node.mjs), which differ only in how they
// read files and load the runtime, given as `host`:
//
//   host.text(name), host.bytes(name)   the site's Python files and the lesson's data files
//   host.loadPyodide / host.loadMicroPython and host.runtime: the runtime's folder (a URL or path)
//   host.site                           where the practice API is served (`cloud.SITE`)
//   host.step(kind, index)              called as each case starts ("exercise" / "cell")
//
// A job: {interpreter, runner, files: [module names], board, packages, dataFiles: {name: path},
// exercises: [{code, check, setup, filename}], cells: [{code, filename, inputs}]}.
// The result: {exercises: [verdict...], cells: [checker.run_cell's outcome...]}.

const RUN_ID = "check";

/** The page, as the runner sees it: output is dropped, input() reads the cell's `input=` lines. */
class PageStandIn {
  constructor() {
    this.answers = [];
    this.sync = { read_line: () => this.answers.shift() ?? null };
    this.xworker = { postMessage: () => {} };
  }
}

export function startPyodide(host, options = {}) {
  return host.loadPyodide({
    indexURL: host.runtime,
    packageBaseUrl: host.runtime, // also where Pyodide would look for a package it lacks: never a CDN
    stdout: () => {},
    stderr: () => {},
    ...options,
  });
}

export async function checkInPyodide(job, host, snapshot = null) {
  let pyodide;
  try {
    pyodide = await startPyodide(host, snapshot ? { _loadSnapshot: snapshot } : {});
  } catch (error) {
    if (!snapshot) throw error;
    pyodide = await startPyodide(host); // the snapshot is only a speed-up
  }
  pyodide.setStdin({ stdin: () => null }); // end of file, not a prompt() that does not exist in a worker
  host.loaded?.();
  if (job.packages.length) {
    const errors = [];
    await pyodide.loadPackage(job.packages, {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
    if (errors.length) throw new Error(`loading ${job.packages.join(", ")} failed: ${errors.join("; ")}`);
  }
  for (const name of job.files) pyodide.FS.writeFile(name, await host.text(name)); // beside the runner, as on the site
  for (const [name, path] of Object.entries(job.dataFiles)) pyodide.FS.writeFile(name, await host.bytes(path));
  const page = new PageStandIn();
  pyodide.registerJsModule("polyscript", { xworker: page.xworker });
  pyodide.registerJsModule("pyscript", { sync: page.sync });
  pyodide.runPython(await host.text(job.runner), { filename: job.runner });
  pyodide.globals.get("set_data_files")(pyodide.toPy(Object.keys(job.dataFiles)));
  pyodide.globals.get("set_site")(host.site);
  pyodide.globals.get("import_packages")(pyodide.toPy(job.packages)); // as the page does while it loads
  const plain = (proxy) => {
    const value = proxy.toJs({ dict_converter: Object.fromEntries });
    proxy.destroy();
    return value;
  };
  const checkExercise = pyodide.globals.get("check_exercise");
  const runCell = pyodide.globals.get("run_cell");
  return runCases(job, host, page, {
    exercise: (c) => plain(checkExercise(c.code, c.check, c.setup, RUN_ID, c.filename)),
    // Cells' input() reads their `input=` lines from the stand-in, as on an isolated page.
    beforeCells: () => pyodide.globals.set("_isolated", true),
    cell: (c) => plain(runCell(c.code, RUN_ID, c.filename)),
  });
}

export async function checkInMicroPython(job, host) {
  const mp = await host.loadMicroPython({ url: `${host.runtime}micropython.wasm`, stdout: () => {}, stderr: () => {} });
  host.loaded?.();
  for (const name of job.files) mp.FS.writeFile(name, await host.text(name));
  const page = new PageStandIn();
  mp.registerJsModule("polyscript", { xworker: page.xworker });
  mp.registerJsModule("pyscript", { sync: page.sync });
  mp.runPython(await host.text(job.runner));
  // A board lesson: its `machine` module, with run cells on virtual time (they may loop forever).
  if (job.board) mp.globals.get("board_setup")(JSON.stringify(job.board), null, true);
  // MicroPython's proxies of dicts are awkward in JS: let its json module hand them over.
  mp.runPython("import json\n_check_ex = lambda *a: json.dumps(check_exercise(*a))\n_run = lambda *a: json.dumps(run_cell(*a))");
  const checkExercise = mp.globals.get("_check_ex");
  const runCell = mp.globals.get("_run");
  return runCases(job, host, page, {
    exercise: (c) => JSON.parse(checkExercise(c.code, c.check, c.setup, RUN_ID, c.filename)),
    beforeCells: () => mp.globals.set("_isolated", true),
    cell: (c) => JSON.parse(runCell(c.code, RUN_ID, c.filename)),
  });
}

function runCases(job, host, page, run) {
  const exercises = job.exercises.map((c, index) => {
    host.step?.("exercise", index);
    return run.exercise(c);
  });
  run.beforeCells();
  const cells = job.cells.map((c, index) => {
    host.step?.("cell", index);
    page.answers = [...c.inputs];
    return run.cell(c);
  });
  return { exercises, cells };
}
