// One Python interpreter per page, in a PyScript worker, so learner code never
// blocks the page. Runs are queued one at a time. Stop interrupts the running
// code when the page is cross-origin isolated (KeyboardInterrupt, variables
// kept). Without isolation Stop ends a run waiting in input() or time.sleep()
// the same way (the worker suspends Python on a promise there); code that
// computes, or ignores the interrupt (long C-level work), ends with the worker,
// and a fresh interpreter is started. A Pyodide worker goes on to
// the next lesson when the page swaps one in (navigation.js): `continueWith`
// starts that lesson in a fresh interpreter state, without the seconds a new
// interpreter takes.
//
// The page's <html data-runtime> mirrors the state: loading, ready, running, error.
import { MPWorker, PyWorker } from "../../runtime/pyscript/core.js";
import { afterFirstPaint } from "./dom.js";
import { SETTINGS } from "./settings.js";

const RUNTIME = new URL("../../runtime/", import.meta.url);
const PY = new URL("../py/", import.meta.url);
const DOWNLOADER = new URL("./download-worker.js", import.meta.url);
const SITE = new URL("../../", import.meta.url); // the site's root, also under a sub-path: what `cloud.SITE` is
// Each interpreter's runner, start module and runtime files come from the build (settings.js).
const INTERPRETERS = {
  pyodide: { factory: PyWorker, element: "py-script", ...SETTINGS.interpreters.pyodide },
  micropython: { factory: MPWorker, element: "mpy-script", ...SETTINGS.interpreters.micropython },
};
const STOP_GRACE_MS = 1500; // after this, an interrupt that did not land ends the worker
const BUSY_MS = 200; // without isolation: a waiting run's worker that does not take Stop's call by then is computing
const LOAD_RETRIES = 2;
const PROGRESS_STEP = 10; // percent of the runtime's download between two progress events
const START_TIMEOUT_MS = 60_000; // for the worker to start once its files are here

export class RunStopped extends Error {}

export class Runtime extends EventTarget {
  /** `files`: {name: url relative to the page}, put in Python's working folder (lesson data files). */
  /** `inputHelp`: what input() says when the page cannot wait for an answer (not isolated), or a promise of it. */
  /** `modules`: more of site/static/py for the worker (a board's `machine`); `setup(worker)` runs
   * before each new worker is ready; "board" events carry the worker's board messages. */
  constructor({ interpreter = "pyodide", packages = [], files = {}, inputHelp = "", modules = [], setup = null } = {}) {
    super();
    this.inputHelp = inputHelp;
    this.modules = modules;
    this.setup = setup;
    this.dataFiles = dataFileUrls(files);
    this.kind = INTERPRETERS[interpreter] ?? INTERPRETERS.pyodide;
    this.interpreter = interpreter;
    this.packages = packages;
    this.isolated = globalThis.crossOriginIsolated === true;
    this.interruptBuffer = this.isolated && interpreter === "pyodide" ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.worker = null;
    this.ready = null;
    this.current = null; // the run in progress: {id, onOutput, onInput, reject, settled}
    this.queue = Promise.resolve();
    this.runCount = 0;
    this.lessons = 1; // how many lessons this interpreter has served: runs queued by an earlier one are dropped
    this.setState("loading");
  }

  setState(state, detail = "") {
    if (this.closed) return; // the page has moved on to another interpreter
    this.state = state;
    document.documentElement.dataset.runtime = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message: detail } }));
  }

  /** Start the interpreter (idempotent); resolves when it can run code. */
  start() {
    this.ready ??= this.reportFailure(this.load());
    return this.ready;
  }

  reportFailure(starting) {
    return starting.catch((error) => {
      this.ready = null;
      this.setState("error", `Python could not start: ${error.message ?? error}`);
      throw error;
    });
  }

  /** Go on to another lesson in this worker, if it can serve it (the same Pyodide, no board, no code
   * running): the lesson gets a fresh interpreter state, its data files and packages. False when the
   * lesson needs an interpreter of its own (a new Runtime). */
  continueWith({ interpreter = "pyodide", packages = [], files = {}, modules = [] } = {}) {
    const same = interpreter === this.interpreter && this.kind === INTERPRETERS.pyodide;
    if (this.closed || this.current || !same || modules.length || this.modules.length) return false;
    this.lessons++;
    this.packages = packages;
    this.dataFiles = dataFileUrls(files);
    this.downloading = null; // the next lesson's data files
    const kept = this.ready; // null when it failed to start: then start() starts one for this lesson
    this.ready = kept && this.reportFailure(this.queue.then(() => this.nextLesson(kept)));
    if (this.ready) this.queue = this.ready.catch(() => {});
    this.setState("loading");
    return true;
  }

  async nextLesson(kept) {
    let worker = null;
    try {
      worker = await kept;
      const contents = await Promise.all(this.dataFiles.map(([name, url]) => downloadBytes(name, url)));
      const names = this.dataFiles.map(([name]) => name);
      await withTimeout(worker.sync.new_lesson(names, contents, this.packages), START_TIMEOUT_MS, "the next lesson did not start");
    } catch (error) {
      console.warn("Starting a fresh interpreter for this lesson:", error);
      worker?.terminate();
      this.worker = null;
      return this.load();
    }
    this.setState("ready");
    return worker;
  }

  async load() {
    let lastError;
    for (let attempt = 0; attempt <= LOAD_RETRIES; attempt++) {
      if (attempt) await sleep(500 * 2 ** attempt); // poor networks: back off, then try again
      try {
        // The worker never reports a failed download (PyScript waits forever), so the
        // page fetches the files too, at the same time: failures surface (and end the
        // worker) and progress shows. The worker's requests for the files join these
        // downloads in the HTTP cache (or the service worker), so nothing comes twice.
        this.downloading ??= this.download(); // once per page: a restart starts from the files here
        const received = this.downloading;
        received.catch(() => this.downloading === received && (this.downloading = null)); // tried again
        await afterFirstPaint(); // as the download: on a slow connection the learner sees the lesson first
        const starting = this.createWorker();
        starting.catch(() => {}); // reported below, once awaited
        try {
          await received;
          this.worker = await withTimeout(starting, START_TIMEOUT_MS, `${this.interpreter} did not start`);
        } catch (error) {
          starting.then((worker) => worker.terminate(), () => {}); // one that starts after all is not kept
          throw error;
        }
        if (this.closed) this.worker.terminate();
        this.setState("ready");
        return this.worker;
      } catch (error) {
        lastError = error;
        console.warn(`Starting ${this.interpreter} failed (attempt ${attempt + 1}):`, error);
      }
    }
    throw lastError;
  }

  /** Fetch the runtime's files, our Python modules and the lesson's data files (in a worker of their own):
   * settles once all of them are here, or at the first that cannot be downloaded. (PyScript fetches the
   * modules only once Python has started: from the browser's cache, that costs no round trip.) */
  download() {
    const urls = [
      ...this.kind.files.map((file) => new URL(file, RUNTIME)),
      ...this.moduleFiles().map(([, url]) => url),
      ...this.dataFiles.map(([, url]) => url),
    ];
    const received = settlement();
    afterFirstPaint().then(() => {
      const worker = new Worker(DOWNLOADER, { type: "module", name: "download" });
      worker.addEventListener("message", ({ data }) => {
        if (data.progress !== undefined) return this.dispatchEvent(new CustomEvent("progress", { detail: data.progress }));
        if (data.received) received.resolve();
        else received.reject(new Error(data.error));
        worker.terminate();
      });
      worker.addEventListener("error", () => received.reject(new Error("the runtime's download could not start")));
      worker.postMessage({ urls: urls.map(String), step: PROGRESS_STEP });
    });
    return received.promise;
  }

  /** [name, url] of each of the site's Python modules this worker gets beside its runner. */
  moduleFiles() {
    return [...SETTINGS.modules, ...this.modules].map((name) => [name, new URL(name, PY)]);
  }

  async createWorker() {
    // PyScript's worker factory is only fully set up once its elements are defined.
    await customElements.whenDefined(this.kind.element);
    const config = {
      sync_main_only: true,
      // Modules the runner imports, and those for learners (`import charts`, `import cloud`).
      files: Object.fromEntries([
        ...this.moduleFiles().map(([name, url]) => [url.href, `./${name}`]),
        ...this.dataFiles.map(([name, url]) => [url.href, `./${name}`]),
      ]),
    };
    if (this.packages.length) config.packages = this.packages;
    const worker = await this.kind.factory(new URL(this.kind.runner, PY).href, {
      version: new URL(this.kind.entry, RUNTIME).href, // PyScript ignores config.interpreter for workers
      config,
    });
    worker.addEventListener("message", (event) => this.onMessage(event, worker));
    worker.addEventListener("error", (event) => this.onWorkerError(event));
    worker.sync.read_line = (runId, prompt) => this.readLine(runId, prompt);
    await worker.sync.set_output_limit(SETTINGS.output.sentChars);
    if (this.interruptBuffer) await worker.sync.set_interrupt_buffer(this.interruptBuffer);
    if (this.dataFiles.length) await worker.sync.set_data_files(this.dataFiles.map(([name]) => name));
    // Given once known, without waiting: it waits for the service worker, which installs after Python starts.
    Promise.resolve(this.inputHelp)
      .then((help) => help && worker.sync.set_input_help(help))
      .catch(() => {}); // the worker has ended
    if (this.setup) await this.setup(worker);
    // The worker runs from a blob: URL, so Python cannot tell the site's address by itself.
    if (this.interpreter === "pyodide") await worker.sync.set_site(SITE.href);
    // What the next lesson in this worker goes back to (continueWith): the runner set up, no lesson yet.
    if (this.interpreter === "pyodide") await worker.sync.remember_fresh_state();
    // Imported now, while the page says Loading: a first `import requests` takes seconds in Pyodide.
    if (this.packages.length) await worker.sync.import_packages(this.packages);
    return worker;
  }

  onMessage(event, worker) {
    if (typeof event.data !== "string") return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!message.run || message.run !== this.current?.id) return; // late output of a stopped run
    // Without isolation the worker says when a run suspends (input(), time.sleep()); output means it goes on.
    this.current.waiting = message.waiting === true;
    if ("input" in message) return this.answerInput(worker, message);
    if (message.board) this.dispatchEvent(new CustomEvent("board", { detail: message }));
    for (const [stream, text, alt] of message.chunks ?? []) this.current.onOutput?.(text, stream, alt);
  }

  onWorkerError(event) {
    // After a fatal error Pyodide rejects everything; the run's own failure triggers the restart.
    console.warn("Python worker error:", event.message ?? event);
  }

  /** input() on a page without isolation: the run waits, suspended, for this answer (null: Stop). */
  async answerInput(worker, { run, input }) {
    const line = await this.readLine(run, input);
    worker.sync.answer_input(run, line ?? null).catch(() => {}); // a worker ended meanwhile has no run to answer
  }

  readLine(runId, prompt) {
    if (runId !== this.current?.id || !this.current.onInput) return null;
    return this.current.onInput(prompt);
  }

  /** Queue `task(worker, id)` as the next run; callbacks receive its output. */
  enqueue(task, { onOutput, onInput } = {}) {
    const lesson = this.lessons;
    const result = this.queue.then(async () => {
      if (lesson !== this.lessons) throw new RunStopped("left"); // queued on a lesson the learner has left
      const worker = await this.start();
      const id = `run-${++this.runCount}`;
      const stopped = new Promise((_, reject) => {
        this.current = { id, onOutput, onInput, reject };
      });
      this.setState("running");
      const call = task(worker, id);
      this.current.settled = call.then(
        () => true,
        () => true,
      );
      try {
        return await Promise.race([call, stopped]);
      } catch (error) {
        if (error instanceof RunStopped) throw error;
        // Our runner catches every Python exception, so a failed call means the
        // interpreter itself died (stack overflow, os._exit, out of memory).
        console.warn("Python crashed; starting a fresh interpreter.", error);
        this.current = null;
        this.restart("crashed").catch(() => {}); // the next run waits for the fresh interpreter
        throw new RunStopped("crashed");
      } finally {
        this.current = null;
        if (this.state === "running") this.setState("ready");
      }
    });
    this.queue = result.catch(() => {});
    return result;
  }

  /** Run a notebook cell in the shared namespace. */
  run(code, { filename, onOutput, onInput }) {
    return this.enqueue((worker, id) => worker.sync.run_cell(code, id, filename), { onOutput, onInput });
  }

  /** Check an exercise attempt in a fresh namespace; resolves to the verdict. */
  check(code, exercise, { filename, onOutput, onInput }) {
    return this.enqueue(
      (worker, id) => worker.sync.check_exercise(code, exercise.check, exercise.setup, id, filename),
      { onOutput, onInput },
    );
  }

  /** Stop the running code. Resolves once the interpreter can take the next run. */
  async stop() {
    const run = this.current;
    if (!run) return;
    if (this.interruptBuffer) {
      this.interruptBuffer[0] = 2; // SIGINT: Pyodide raises KeyboardInterrupt at the next bytecode
      Atomics.notify(this.interruptBuffer, 0); // wakes time.sleep()
      const ended = await Promise.race([run.settled, sleep(STOP_GRACE_MS).then(() => false)]);
      if (ended) return this.setState("ready", "stopped");
    } else if (run.waiting && this.worker) {
      // A worker suspended in input() or time.sleep() takes this call at once and ends the wait.
      const waiting = await Promise.race([this.worker.sync.stop_waiting(run.id).catch(() => false), sleep(BUSY_MS)]);
      const ended = waiting && (await Promise.race([run.settled, sleep(STOP_GRACE_MS).then(() => false)]));
      if (ended) return this.setState("ready", "stopped");
    }
    await this.restart("stopped");
    this.setState("ready", "stopped");
  }

  /** End this interpreter for good (the playground switches to another one). */
  close() {
    this.closed = true;
    this.worker?.terminate();
    this.current?.reject(new RunStopped("restart"));
  }

  /** End the worker and start a fresh interpreter; any running code is abandoned. */
  async restart(reason = "restart") {
    const run = this.current;
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
    run?.reject(new RunStopped(reason));
    this.setState("loading");
    await this.start();
  }
}

/** A promise with its resolve and reject at hand. */
function settlement() {
  const settled = {};
  settled.promise = new Promise((resolve, reject) => Object.assign(settled, { resolve, reject }));
  return settled;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lesson's data files, {name: url relative to the page}, as [name, URL] pairs. */
const dataFileUrls = (files) => Object.entries(files).map(([name, path]) => [name, new URL(path, document.baseURI)]);

async function downloadBytes(name, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name} could not be downloaded (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
