// Behaviour of the blocks the templates render: run cells and exercises.
// The markup (buttons, output areas, data-state) comes from the templates;
// this module only wires it to the runtime.
import { createEditor } from "./editor.js";
import { OutputView } from "./output.js";
import { RunStopped } from "./runtime.js";

const CHECK_TIME_LIMIT = 10; // seconds; a check that runs longer is stopped

const RESTART_NOTE = {
  stopped: "Stopped. Python was restarted to stop it, so variables from earlier cells are gone: run those cells again.",
  restart: "Python was restarted; variables from earlier cells are gone.",
  crashed:
    "Python crashed (it ran out of memory or stack, or the program ended the interpreter) and was restarted by itself. " +
    "Your code is still here; variables from earlier cells are gone.",
};

class Block {
  constructor(section, runtime) {
    this.section = section;
    this.runtime = runtime;
    this.output = new OutputView(section.querySelector("[data-output]"));
    this.original = section.querySelector("[data-source]").value;
    this.editorReady = createEditor(section.querySelector("[data-editor]"), {
      onRun: () => this.run(),
      onChange: () => this.section.dispatchEvent(new CustomEvent("code-change", { bubbles: true })),
    }).then((editor) => (this.editor = editor));
    this.runButton = section.querySelector("[data-action=run], [data-action=check]");
    this.runButton.disabled = false; // runs queue until Python is ready
    this.runButton.addEventListener("click", () => this.run());
    this.resetButton = this.addButton("Reset code", "reset", () => this.resetCode());
    this.resetButton.setAttribute("aria-label", "Reset this code to the lesson's original");
    this.stopButton = this.addButton("Stop", "stop", () => this.stop());
    this.stopButton.hidden = true;
  }

  stop() {
    this.cancelInput?.(); // a program waiting in input() gets KeyboardInterrupt
    return this.runtime.stop();
  }

  resetCode() {
    this.editor?.setCode(this.original);
    this.editor?.focus();
  }

  addButton(label, action, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.dataset.action = action;
    button.textContent = label;
    button.addEventListener("click", onClick);
    this.runButton.after(button);
    return button;
  }

  get code() {
    return this.editor ? this.editor.getCode() : this.section.querySelector("[data-source]").value;
  }

  set state(value) {
    this.section.dataset.state = value;
  }

  /** Run `task` with this block's output wiring; returns its result, or null when stopped.
   * With `timeLimit` (seconds) the run is stopped when it takes longer. */
  async execute(task, { timeLimit = 0 } = {}) {
    if (this.busy) return null;
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
  constructor(section, runtime) {
    super(section, runtime);
    this.filename = `<cell ${section.dataset.cell.replace(/^cell-/, "")}>`;
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
  constructor(section, runtime) {
    super(section, runtime);
    this.data = JSON.parse(section.querySelector("[data-exercise-data]").textContent);
    this.feedback = section.querySelector("[data-feedback]");
    this.stateLabel = section.querySelector("[data-exercise-state]");
    this.attempts = 0;
    this.hintButton = section.querySelector("[data-action=hint]");
    this.hintButton?.addEventListener("click", () => this.showHint());
    this.solutionButton = section.querySelector("[data-action=solution]");
    this.solutionButton.addEventListener("click", () => this.showSolution());
  }

  async run() {
    const verdict = await this.execute(
      (callbacks) => this.runtime.check(this.code, this.data, { filename: "<exercise>", ...callbacks }),
      { timeLimit: CHECK_TIME_LIMIT },
    );
    if (this.timedOut) {
      this.state = "failed";
      this.feedback.textContent = `Your code ran for more than ${CHECK_TIME_LIMIT} seconds, so it was stopped. Look for a loop that never ends.`;
      return;
    }
    if (!verdict) return;
    this.attempts += 1;
    this.state = verdict.passed ? "passed" : "failed";
    this.feedback.textContent = verdict.stopped ? "Stopped before the checks finished." : verdict.message;
    const attempts = `${this.attempts} attempt${this.attempts === 1 ? "" : "s"}`;
    this.stateLabel.textContent = `${verdict.passed ? "passed" : "not passed yet"} · ${attempts}`;
  }

  showHint() {
    const hidden = this.section.querySelectorAll("[data-hint][hidden]");
    if (!hidden.length) return;
    hidden[0].hidden = false;
    const total = this.section.querySelectorAll("[data-hint]").length;
    const shown = total - hidden.length + 1;
    const count = this.hintButton.querySelector("[data-hint-count]");
    if (shown === total) {
      count.textContent = `(${total} of ${total})`;
      this.hintButton.disabled = true;
    } else {
      count.textContent = `(${shown + 1} of ${total})`;
    }
  }

  showSolution() {
    // Two steps, so the answer is never revealed by a stray click.
    if (this.solutionButton.dataset.confirm !== "yes") {
      this.solutionButton.dataset.confirm = "yes";
      this.solutionButton.textContent = "Really show the solution?";
      return;
    }
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
