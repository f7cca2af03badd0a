// Behaviour of the blocks the templates render: run cells and exercises.
// The markup (buttons, output areas, data-state) comes from the templates;
// this module wires it to the runtime and to the learner's saved progress.
// Each block's data-saved says whether its code is "saved" or "pending".
import { makeButton } from "./dom.js";
import { createEditor } from "./editor.js";
import { OutputView } from "./output.js";
import { RunStopped } from "./runtime.js";
import { SETTINGS } from "./settings.js";
import { encodeNotebook } from "./share.js";

const CHECK_TIME_LIMIT = SETTINGS.checkSeconds; // a check that runs longer is stopped
const SAVE_DELAY_MS = 400; // code is saved this long after the last keystroke

const RESTART_NOTE = {
  stopped: "Stopped. Python was restarted to stop it, so variables from earlier cells are gone: run those cells again.",
  restart: "Python was restarted; variables from earlier cells are gone.",
  crashed:
    "Python crashed (it ran out of memory or stack, or the program ended the interpreter) and was restarted by itself. " +
    "Your code is still here; variables from earlier cells are gone.",
};

class Block {
  /** `context`: {runtime, progress, lesson, rules} shared by every block on the page. */
  constructor(section, context) {
    this.section = section;
    this.runtime = context.runtime;
    this.progress = context.progress;
    this.lesson = context.lesson;
    this.id = section.dataset.cell ?? section.dataset.exercise;
    this.output = new OutputView(section.querySelector("[data-output]"));
    this.original = section.querySelector("[data-source]").value;
    this.editor = createEditor(section.querySelector("[data-editor]"), {
      onRun: () => this.run(),
      onChange: () => this.codeChanged(),
    });
    this.runButton = section.querySelector("[data-action=run], [data-action=check]");
    this.runButton.disabled = false; // runs queue until Python is ready
    this.runButton.addEventListener("click", () => this.run());
    this.resetButton = this.addButton("Reset code", "reset", () => this.resetCode());
    this.resetButton.setAttribute("aria-label", "Reset code to the lesson's original"); // begins with what it shows
    this.stopButton = this.addButton("Stop", "stop", () => this.stop());
    this.stopButton.hidden = true;
  }

  stop() {
    this.cancelInput?.(); // a program waiting in input() gets KeyboardInterrupt
    return this.runtime.stop();
  }

  /** The learner has gone on to another lesson in this page: this block runs and saves nothing more
   * by itself (leaving saves pending code at once). */
  close() {
    this.closed = true;
    this.editor.close();
    clearTimeout(this.saveTimer);
    this.cancelInput?.();
  }

  resetCode() {
    this.editor.setCode(this.original);
    this.editor.focus();
  }

  codeChanged() {
    if (this.applying) return; // code we put in the editor ourselves is already saved
    this.section.dataset.saved = "pending";
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  /** Save the code now if it changed (also called when the page is hidden or closed),
   * together with `facts` about an attempt, in one write. */
  async save(facts = null) {
    if (this.section.dataset.saved !== "pending" && !facts) return;
    clearTimeout(this.saveTimer);
    this.section.dataset.saved = "pending";
    await this.progress.update(this.lesson, this.id, { code: this.code, codeAt: Date.now(), ...facts });
    this.section.dataset.saved = "saved";
  }

  /** This block's saved record, if any. */
  saved() {
    return this.progress.get(this.lesson, this.id);
  }

  /** Whether a changed record (from another tab or an import) is this block's. */
  owns(record) {
    return record.lesson === this.lesson && record.block === this.id;
  }

  /** Show a saved record: the learner's code (from this visit, another tab or an import). */
  restore(record) {
    if (record?.code === undefined || record.code === this.code || this.section.dataset.saved === "pending") return;
    this.applying = true;
    this.editor.setCode(record.code);
    this.applying = false;
  }

  addButton(label, action, onClick) {
    const button = makeButton(label, action, onClick);
    this.runButton.after(button);
    return button;
  }

  get code() {
    return this.editor.getCode();
  }

  set state(value) {
    this.section.dataset.state = value;
  }

  /** Run `task` with this block's output wiring; returns its result, or null when stopped.
   * With `timeLimit` (seconds) the run is stopped when it takes longer. */
  async execute(task, { timeLimit = 0 } = {}) {
    if (this.busy || this.closed) return null;
    this.busy = true;
    this.output.clear();
    this.state = "running";
    this.stopButton.hidden = false;
    const callbacks = {
      onOutput: (text, stream, alt) => this.output.append(text, stream, alt),
      onInput: (prompt) => this.askInput(prompt),
    };
    const timer = timeLimit && setTimeout(() => {
      this.timedOut = true;
      this.stop();
    }, timeLimit * 1000);
    this.timedOut = false;
    try {
      return await task(callbacks);
    } catch (error) {
      if (this.closed) return null; // stopped because the learner left the lesson
      this.output.note(error instanceof RunStopped ? RESTART_NOTE[error.message] : `Could not run: ${error.message ?? error}`);
      this.state = "stopped";
      return null;
    } finally {
      clearTimeout(timer);
      this.busy = false;
      this.stopButton.hidden = true;
      this.cancelInput?.();
    }
  }

  /** An inline input line in the output area, as in a terminal. Resolves to the text, or null on Stop. */
  askInput(prompt) {
    return new Promise((resolve) => {
      const field = document.createElement("input");
      field.type = "text";
      field.className = "program-input";
      field.setAttribute("aria-label", prompt ? `Input for the program: ${prompt}` : "Input for the program");
      field.autocomplete = "off";
      field.spellcheck = false;
      this.output.element.hidden = false;
      this.output.element.append(field);
      field.focus();
      const finish = (value) => {
        field.remove();
        this.cancelInput = null;
        resolve(value);
      };
      field.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          finish(field.value);
        }
      });
      this.cancelInput = () => finish(null);
    });
  }
}

export class RunCell extends Block {
  constructor(section, context) {
    super(section, context);
    this.filename = section.dataset.filename; // as tracebacks name it here and in `build.py check`
    const link = section.querySelector("[data-open-playground]");
    if (link) this.wirePlaygroundLink(link);
  }

  /** "Open in playground" carries the cell's current code (and the lesson, for its data files) in the link. */
  wirePlaygroundLink(link) {
    const refresh = async () => {
      link.hash = await encodeNotebook({ interpreter: this.runtime.interpreter, lesson: this.lesson, cells: [{ code: this.code }] });
    };
    const quietly = () => refresh().catch(() => {}); // ready for "open in a new tab"; a click says what is wrong
    link.addEventListener("pointerenter", quietly);
    link.addEventListener("focus", quietly);
    link.addEventListener("click", async (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      try {
        await refresh();
        location.assign(link.href);
      } catch (error) {
        this.output.note(error.message);
      }
    });
  }

  async run() {
    const result = await this.execute((callbacks) =>
      this.runtime.run(this.code, { filename: this.filename, ...callbacks }),
    );
    if (!result) return;
    if (result.stopped) {
      this.output.note("Stopped (KeyboardInterrupt). Your variables are kept.");
      this.state = "stopped";
    } else if ("exit" in result) {
      this.output.note(`Program exited (${result.exit}).`);
      this.state = "done";
    } else {
      this.state = result.ok ? "done" : "error";
    }
  }
}

export class ExerciseCell extends Block {
  constructor(section, context) {
    super(section, context);
    this.data = JSON.parse(section.querySelector("[data-exercise-data]").textContent);
    this.feedback = section.querySelector("[data-feedback]");
    this.stateLabel = section.querySelector("[data-exercise-state]");
    this.hintButton = section.querySelector("[data-action=hint]");
    this.hintButton?.addEventListener("click", () => this.showHint());
    this.solutionButton = section.querySelector("[data-action=solution]");
    this.solutionButton.addEventListener("click", () => this.showSolution());
    // Assignments may switch hints or the solution off; the page only reads the rule.
    if (context.rules?.hints === false && this.hintButton) this.hintButton.hidden = true;
    if (context.rules?.solution === false) this.solutionButton.hidden = true;
  }

  saved() {
    return this.progress.exercise(this.id, this.data.aliases);
  }

  owns(record) {
    return record.block === this.id || this.data.aliases.includes(record.block);
  }

  get record() {
    return this.saved() ?? {};
  }

  restore(record) {
    super.restore(record);
    if (!record) return;
    if (record.attempts) this.showState(record.passed ? "passed" : "failed", record.attempts);
    while (this.hintsShown < (record.hints ?? 0) && this.revealNextHint());
    if (record.solution) this.revealSolution();
  }

  showState(state, attempts, passedBefore = false) {
    this.state = state;
    const count = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    const label = state === "passed" ? "passed" : passedBefore ? "not passed this time (passed before)" : "not passed yet";
    this.stateLabel.textContent = `${label} · ${count}`;
  }

  async run() {
    const verdict = await this.execute(
      (callbacks) => this.runtime.check(this.code, this.data, { filename: SETTINGS.exerciseFilename, ...callbacks }),
      { timeLimit: CHECK_TIME_LIMIT },
    );
    if (this.timedOut) {
      this.state = "failed";
      this.feedback.textContent = `Your code ran for more than ${CHECK_TIME_LIMIT} seconds, so it was stopped. Look for a loop that never ends.`;
      return;
    }
    if (!verdict) return;
    const attempts = (this.record.attempts ?? 0) + 1;
    const passed = Boolean(verdict.passed);
    // The page shows this attempt's result; the saved record keeps any earlier pass.
    this.showState(passed ? "passed" : "failed", attempts, this.record.passed);
    this.feedback.textContent = verdict.stopped ? "Stopped before the checks finished." : verdict.message;
    await this.save({ attempts, passed: passed || Boolean(this.record.passed), ...(passed && { passedAt: Date.now() }) });
  }

  get hintsShown() {
    return this.section.querySelectorAll("[data-hint]:not([hidden])").length;
  }

  showHint() {
    if (this.revealNextHint()) this.save({ hints: this.hintsShown });
  }

  /** Reveal the next hint; false when all are shown. */
  revealNextHint() {
    const next = this.section.querySelector("[data-hint][hidden]");
    if (!next) return false;
    next.hidden = false;
    const total = this.section.querySelectorAll("[data-hint]").length;
    const count = this.hintButton.querySelector("[data-hint-count]");
    count.textContent = `(${Math.min(this.hintsShown + 1, total)} of ${total})`;
    this.hintButton.disabled = this.hintsShown === total;
    return true;
  }

  showSolution() {
    // Two steps, so the answer is never revealed by a stray click.
    if (this.solutionButton.dataset.confirm !== "yes") {
      this.solutionButton.dataset.confirm = "yes";
      this.solutionButton.textContent = "Really show the solution?";
      return;
    }
    this.revealSolution();
    this.save({ solution: true });
  }

  revealSolution() {
    const box = this.section.querySelector("[data-solution]");
    const pre = document.createElement("pre");
    pre.className = "listing";
    pre.textContent = this.data.solution;
    box.replaceChildren(pre);
    box.hidden = false;
    this.solutionButton.disabled = true;
    this.solutionButton.textContent = "Solution shown";
  }
}
