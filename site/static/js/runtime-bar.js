// The bar above a page's cells (lesson pages and the playground): a status line that says
// in words what Python is doing, and the Run all, Restart and Retry buttons.
/** Run `cells` in order, like a notebook: stop at the first that does not finish as it should
 * (an error, or Stop), except a cell that is meant to show an error. */
export async function runInOrder(cells) {
  for (const cell of cells) {
    await cell.run();
    const expected = "expectError" in cell.section.dataset ? "error" : "done";
    if (cell.section.dataset.state !== expected) break;
  }
}

export class RuntimeBar {
  /** `help`: why the page is not isolated (from withoutIsolation), or null, or a promise of it (the status
   * line adds it once known). `runAll`: what Run all does.
   * The buttons are in the template, so the bar keeps its size when this script starts. */
  constructor(bar, { help = null, runAll }) {
    this.bar = bar;
    this.help = null;
    this.shown = null; // [state, message] on the status line
    Promise.resolve(help).then((known) => {
      this.help = known;
      if (this.shown?.[0] === "ready") this.show(...this.shown); // the only state that says it
    });
    this.status = bar.querySelector("[data-runtime-status]");
    this.runAll = this.button("run-all", runAll);
    this.restart = this.button("restart", () => this.runtime.restart("restart"));
    this.retry = this.button("retry", () => this.runtime.start().catch(() => {}));
  }

  button(action, onClick) {
    const button = this.bar.querySelector(`[data-action=${action}]`);
    button.addEventListener("click", onClick);
    return button;
  }

  /** Follow `runtime` (again when the page switches to another interpreter) until `signal` aborts
   * (a runtime that goes on to the next lesson outlives this bar). */
  attach(runtime, { signal } = {}) {
    this.runtime = runtime;
    this.name = runtime.interpreter === "micropython" ? "MicroPython" : "Python";
    this.restart.textContent = `Restart ${this.name}`;
    runtime.addEventListener("state", ({ detail: { state, message } }) => this.show(state, message), { signal });
    const progress = ({ detail: share }) => {
      if (runtime.state === "loading") this.status.textContent = `Loading ${this.name}… ${Math.round(share * 100)}%`;
    };
    runtime.addEventListener("progress", progress, { signal });
    this.show(runtime.state);
  }

  show(state, message = "") {
    this.shown = [state, message];
    const name = this.name;
    const text = {
      loading: () => `Loading ${name}…`,
      ready: () => `${message === "stopped" ? "Stopped. " : ""}${name} is ready.` + (this.help ? ` (${this.help.status})` : ""),
      running: () => "Running… (Stop is next to the cell)",
      error: () => `${message} Check your connection and press Retry.`,
    };
    this.status.textContent = text[state]();
    this.bar.dataset.runtime = state;
    this.retry.hidden = state !== "error";
    this.runAll.disabled = this.restart.disabled = state === "loading";
  }
}
