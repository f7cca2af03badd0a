// Checking submitted code again, in the browser: the one path that both the student view (the
// fresh verdict a submission file carries) and the grading page (which trusts no file's claims)
// use, and through the grading page `python build.py grade` too.
//
// Each submission is checked in a worker and a Python of its own (grade-worker.js: Pyodide restored
// from a memory snapshot of a freshly started one), a few side by side ("lanes"), so nothing in one
// student's file can change the verdict of another's. Its exercises run one after another, each in a
// fresh namespace and working folder, as Check runs them on the lesson page. (A worker per exercise
// would cost five times as much and protect nothing more: code written to fool the checks can fool
// them in its own exercise anyway, see teachers.html.) Each lane starts the worker for the next
// submission while the current one is checked. Each exercise has a time limit: past it the worker is
// ended, the exercise fails as timed out, and the file's other exercises go on in a new worker.
// The checks are the lesson page's own (setup and check, from course.json), judged by the same
// runner.py and checker.py.
import { SETTINGS } from "./settings.js";
import { SITE_ROOT } from "./site-path.js";

export const TIME_LIMIT_SECONDS = SETTINGS.checkSeconds; // per exercise, as a lesson page's Check
const LOAD_LIMIT_MS = 120_000; // for Python to start (the first time in a lane, that includes a cold start)
const WORKER = new URL("grade-worker.js", import.meta.url);
const PY = new URL("../py/", import.meta.url);
const PYODIDE_WASM = new URL("../../runtime/pyodide/pyodide.asm.wasm", import.meta.url);
const RUNNERS = Object.fromEntries(Object.entries(SETTINGS.interpreters).map(([name, { runner }]) => [name, runner]));
const INPUT_HELP = "input() gets no answer when work is checked again; give the program its data in the code instead.";

/** How many exercises are checked at once: one per core, at most 4 (each lane is a worker with its own Python). */
export function defaultParallel() {
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
}

export class Grader {
  constructor(catalog, { parallel = defaultParallel(), timeLimit = TIME_LIMIT_SECONDS } = {}) {
    this.catalog = catalog;
    this.parallel = parallel;
    this.timeLimitMs = timeLimit * 1000;
    this.queue = []; // submissions waiting for a lane: {cases: [{index, item}], give(index, verdict), resolve}
    this.lanes = [];
    this.cache = new Map(); // url -> promise of its text or bytes
  }

  /** Verdicts for `items` ([{exercise, code}], one submission's), in order: {passed, message, output,
   * error}, plus timedOut or notChecked when the checks gave no verdict. `onVerdict(index, verdict)` as
   * each comes. */
  async check(items, { onVerdict = () => {} } = {}) {
    const verdicts = new Array(items.length);
    const give = (index, verdict) => {
      verdicts[index] = verdict;
      onVerdict(index, verdict);
    };
    const built = await Promise.all(items.map(({ exercise, code }) => this.caseFor(exercise, code)));
    const cases = [];
    built.forEach(({ item, verdict }, index) => (item ? cases.push({ index, item }) : give(index, verdict))); // the file's order
    if (cases.length) {
      await new Promise((resolve) => {
        this.queue.push({ cases, give, resolve });
        this.pump();
      });
    }
    return verdicts;
  }

  /** What a worker needs to check `code` as exercise `id`: {item}, or {verdict} when it cannot be checked. */
  async caseFor(id, code) {
    const exercise = this.catalog.exercise(id);
    if (!exercise) return { verdict: notChecked("This exercise is not on this site.") };
    const lesson = this.catalog.lesson(exercise.lesson);
    try {
      await this.prepare();
      const files = await Promise.all(
        Object.entries(lesson.files).map(async ([name, path]) => [name, await this.fetch(new URL(path, SITE_ROOT), "bytes")]),
      );
      const modules = await Promise.all((lesson.modules ?? []).map(async (name) => [name, await this.fetch(new URL(name, PY), "text")]));
      return {
        item: {
          interpreter: lesson.interpreter,
          packages: lesson.interpreter === "pyodide" ? lesson.packages : [],
          code,
          check: exercise.check,
          setup: exercise.setup,
          files: Object.fromEntries(files),
          modules: Object.fromEntries(modules), // a board lesson's `machine` and friends
          board: lesson.board ?? null,
        },
      };
    } catch (error) {
      return { verdict: notChecked(`The checks could not be loaded: ${error.message}`) };
    }
  }

  /** What every lane's worker starts with (the runners, the site's modules and Pyodide's compiled
   * WebAssembly module, which a worker would otherwise compile again): made once. */
  prepare() {
    this.prepared ??= (async () => {
      const names = [...Object.values(RUNNERS), ...this.catalog.python];
      const texts = await Promise.all(names.map((name) => this.fetch(new URL(name, PY), "text")));
      const text = Object.fromEntries(names.map((name, i) => [name, texts[i]]));
      const wasm = await WebAssembly.compileStreaming(fetch(PYODIDE_WASM)).catch(() => null); // then each worker compiles it
      return {
        wasm,
        runners: Object.fromEntries(Object.entries(RUNNERS).map(([interpreter, name]) => [interpreter, text[name]])),
        modules: Object.fromEntries(this.catalog.python.map((name) => [name, text[name]])),
        site: SITE_ROOT.href,
        inputHelp: INPUT_HELP,
      };
    })().catch((error) => {
      this.prepared = null;
      throw error;
    });
    return this.prepared;
  }

  /** The Pyodide snapshot the lanes restore from: the first lane's worker makes it (one cold start
   * for the whole page), the others, and any worker started later, wait for it and get a copy. */
  snapshotFor(worker) {
    if (this.snapshot) return this.snapshot;
    worker.addEventListener("message", ({ data }) => data.type === "snapshot" && this.madeSnapshot(data.snapshot));
    this.snapshot = new Promise((resolve) => (this.madeSnapshot = resolve));
    this.snapshotMaker = worker;
    return null; // this worker makes it
  }

  /** A worker was ended: if it was still making the snapshot, the others go on without one. */
  ended(worker) {
    if (worker === this.snapshotMaker) this.madeSnapshot(null);
  }

  pump() {
    while (this.queue.length) {
      let lane = this.lanes.find((candidate) => !candidate.busy);
      if (!lane && this.lanes.length < this.parallel) this.lanes.push((lane = new Lane(this)));
      if (!lane) break;
      const submission = this.queue.shift();
      lane.run(submission).then(() => {
        submission.resolve();
        this.pump();
      });
    }
    if (!this.queue.length) for (const lane of this.lanes) if (!lane.busy) lane.end(); // nothing left for a spare
  }

  /** A file of the site, fetched once per page. */
  fetch(url, as) {
    const key = url.href;
    if (!this.cache.has(key)) {
      const load = fetch(url).then(async (response) => {
        if (!response.ok) throw new Error(`${url.pathname.split("/").pop()}: HTTP ${response.status}`);
        return as === "text" ? response.text() : new Uint8Array(await response.arrayBuffer());
      });
      load.catch(() => this.cache.delete(key)); // a later attempt may succeed
      this.cache.set(key, load);
    }
    return this.cache.get(key);
  }

  /** End every lane's worker (the page is done with grading). */
  close() {
    for (const lane of this.lanes) lane.end(true);
    this.lanes = [];
  }
}

/** Checks one submission at a time, in a worker of its own; the next one's worker starts early. */
class Lane {
  constructor(grader) {
    this.grader = grader;
    this.spare = null; // a worker already starting its Python, for the next submission
    this.worker = null; // the current submission's
    this.busy = false;
    this.count = 0;
  }

  async run({ cases, give }) {
    this.busy = true;
    const next = this.grader.queue[0]?.cases[0].item;
    if (next && !this.spare) this.spare = this.startWorker(next.interpreter); // likely this lane's next
    try {
      for (const { index, item } of cases) {
        const verdict = await this.attempt(item);
        // Python could not even start (out of memory, a stuck start): once more, in a fresh worker.
        give(index, verdict.notChecked ? await this.attempt(item) : verdict);
      }
    } finally {
      if (this.worker) this.retire(this.worker);
      this.busy = false;
    }
  }

  /** A worker whose Python is starting: for `interpreter`, the likely one of its first exercise. */
  async startWorker(interpreter) {
    const init = await this.grader.prepare();
    const worker = new Worker(WORKER, { type: "module" });
    const snapshot = this.grader.snapshotFor(worker);
    worker.postMessage({ init: { ...init, interpreter, snapshot: snapshot && (await snapshot) } });
    return worker;
  }

  async attempt(item) {
    if (!this.worker) {
      this.worker = await (this.spare ?? this.startWorker(item.interpreter));
      this.spare = null;
    }
    const worker = this.worker;
    const id = ++this.count;
    const limit = this.grader.timeLimitMs;
    let timer;
    let cleanup;
    const outcome = await new Promise((resolve) => {
      const arm = (ms, result) => {
        clearTimeout(timer);
        timer = setTimeout(() => resolve(result), ms);
      };
      arm(LOAD_LIMIT_MS, { failed: "Python did not start in time" });
      const onMessage = ({ data }) => {
        if (data.id !== id) return;
        if (data.type === "loaded") arm(limit, { timedOut: true });
        else if (data.type === "verdict") resolve({ verdict: data.verdict });
        else if (data.type === "failed") resolve({ failed: data.message });
      };
      const onError = (event) => {
        event.preventDefault();
        resolve({ failed: event.message || "its worker stopped" });
      };
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", onError);
      cleanup = () => {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
      };
      worker.postMessage({ case: { id, ...item } });
    });
    clearTimeout(timer);
    cleanup();
    if (outcome.verdict) return outcome.verdict;
    this.retire(worker); // timed out or broken: the file's next exercise gets a new worker
    if (outcome.timedOut) {
      return {
        passed: false,
        timedOut: true,
        message: `Stopped: the code ran for more than ${limit / 1000} seconds (a loop that never ends?).`,
        output: "",
        error: null,
      };
    }
    return notChecked(`Python could not check it: ${outcome.failed}`);
  }

  retire(worker) {
    worker.terminate();
    this.grader.ended(worker);
    if (worker === this.worker) this.worker = null;
  }

  /** End the spare worker (no exercise is waiting) and, with `all`, the running one too. */
  end(all = false) {
    this.spare?.then((worker) => this.retire(worker));
    this.spare = null;
    if (all && this.worker) this.retire(this.worker);
  }
}

const notChecked = (message) => ({ passed: false, notChecked: true, message, output: "", error: null });
