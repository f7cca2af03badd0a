// The simulated board of a lesson (front matter `board:`): the widgets the template
// rendered, wired to the MicroPython worker's `machine` module (site/static/py/sim.py).
//
// Inputs (buttons, sliders) go to the worker through shared memory when the page is
// cross-origin isolated, so a running program sees them at once; otherwise they are
// sent as messages the worker reads between runs. Outputs (LEDs, pixels, servo) come
// back as "board" messages while the program runs. After a Check the worker sends the
// check's trace (virtual time), which is replayed on the widgets.
//
// <details data-board data-replay="running|done"> tells tests and styles what it does.

const ANNOUNCE_EVERY_MS = 1000; // polite announcements are throttled: a blinking LED must not flood
const REPLAY_MAX_MS = 8000; // a longer trace is replayed faster

export class Board {
  /** `element`: the template's [data-board]; `config`: {parts, modules} from the lesson config. */
  constructor(element, config) {
    this.element = element;
    this.parts = config.parts;
    this.modules = config.modules;
    this.isolated = globalThis.crossOriginIsolated === true;
    this.widgets = new Map(
      [...element.querySelectorAll("[data-part]")].map((li) => [li.dataset.name, new Widget(li)]),
    );
    this.live = element.querySelector("[data-board-live]");
    this.replayLine = element.querySelector("[data-board-replay]");
    element.querySelector("[data-board-note]").hidden = this.isolated;
    this.slots = null;
    this.worker = null;
    this.pending = new Map(); // what to announce next
    for (const widget of this.widgets.values()) widget.onInput = (value) => this.input(widget, value);
    const bar = document.querySelector(".runtime-bar"); // also sticky: the board stays just below it
    if (bar) new ResizeObserver(() => element.style.setProperty("--board-top", `${bar.offsetHeight + 4}px`)).observe(bar);
  }

  /** Runtime `setup`: a new worker gets the board (and the inputs as they are now). */
  async attach(worker) {
    this.worker = worker;
    const inputs = [...this.widgets.values()].filter((widget) => widget.slot !== null);
    // One slot per input, plus one that stays 0 so the worker can sleep on it (Atomics.wait).
    this.slots = this.isolated ? new Int32Array(new SharedArrayBuffer(4 * (inputs.length + 1))) : null;
    for (const widget of inputs) if (this.slots) Atomics.store(this.slots, widget.slot, widget.slotValue());
    await worker.sync.board_setup(JSON.stringify(this.parts), this.slots);
    if (!this.slots) for (const widget of inputs) await worker.sync.board_input(widget.name, widget.slotValue());
    this.reset();
  }

  /** Follow the runtime: board messages, and a restart (which resets a real board too). */
  listen(runtime) {
    runtime.addEventListener("board", ({ detail }) => (detail.replay ? this.replay(detail.board) : this.show(detail.board)));
    runtime.addEventListener("state", ({ detail }) => {
      if (detail.state === "loading") this.reset();
      if (detail.state === "running") this.stopReplay();
    });
  }

  input(widget, value) {
    this.announce(widget.name, widget.describe());
    if (this.slots) Atomics.store(this.slots, widget.slot, value);
    else this.worker?.sync.board_input(widget.name, value).catch(() => {}); // seen from the next run on
  }

  reset() {
    this.stopReplay();
    for (const widget of this.widgets.values()) widget.resetOutput();
  }

  show(events, { quiet = false } = {}) {
    for (const [, name, what, value] of events) {
      const widget = this.widgets.get(name);
      if (!widget) continue;
      widget.apply(what, value);
      if (!quiet) this.announce(name, widget.describe());
    }
  }

  /** Replays a Check's trace on the widgets (inputs shown, not changed), then shows the live board again. */
  replay(events) {
    this.stopReplay();
    const saved = [...this.widgets.values()].map((widget) => [widget, widget.snapshot()]);
    for (const widget of this.widgets.values()) widget.resetOutput();
    const end = events.length ? events[events.length - 1][0] : 0;
    const speed = Math.max(1, end / REPLAY_MAX_MS);
    this.element.dataset.replay = "running";
    this.replayLine.hidden = false;
    this.replayLine.textContent = `Replaying what your program did during the check (${(end / 1000).toFixed(1)} s of board time${speed > 1 ? `, ${speed.toFixed(1)}× faster` : ""}).`;
    this.live.textContent = "Replaying the check on the board.";
    const started = performance.now();
    let next = 0;
    const tick = () => {
      const now = (performance.now() - started) * speed;
      const due = [];
      while (next < events.length && events[next][0] <= now) due.push(events[next++]);
      this.show(due, { quiet: true });
      if (next < events.length) {
        this.timer = setTimeout(tick, Math.min(100, Math.max(0, (events[next][0] - now) / speed)));
        return;
      }
      this.timer = setTimeout(() => {
        this.timer = null;
        for (const [widget, state] of saved) widget.restore(state);
        this.element.dataset.replay = "done";
        this.replayLine.textContent = "Replay finished; the board shows its live state again.";
        this.live.textContent = "Replay finished.";
      }, 600);
    };
    this.restoreAfter = saved;
    tick();
  }

  stopReplay() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    for (const [widget, state] of this.restoreAfter ?? []) widget.restore(state);
    this.element.dataset.replay = "done";
    this.replayLine.hidden = true;
  }

  announce(name, text) {
    this.pending.set(name, text);
    if (this.announcing) return;
    const flush = () => {
      if (!this.pending.size) {
        this.announcing = null;
        return;
      }
      this.live.textContent = [...this.pending.values()].join(". ") + ".";
      this.pending.clear();
      this.announcing = setTimeout(flush, ANNOUNCE_EVERY_MS);
    };
    flush();
  }
}

/** One part's widget: shows outputs, reads inputs. */
class Widget {
  constructor(li) {
    this.li = li;
    this.kind = li.dataset.part;
    this.name = li.dataset.name;
    this.slot = li.dataset.slot === undefined ? null : Number(li.dataset.slot);
    this.celsius = li.querySelector("[data-unit='°C']") !== null;
    this.stateText = li.querySelector("[data-state-text]");
    this.control = li.querySelector("[data-input]");
    this.onInput = () => {};
    this.outputs = new Map(); // what -> last value shown
    if (this.kind === "button") this.wireButton();
    else if (this.control) this.wireSlider();
  }

  wireButton() {
    const button = this.control;
    const set = (pressed) => {
      if ((button.getAttribute("aria-pressed") === "true") === pressed) return;
      this.showPressed(pressed);
      this.onInput(pressed ? 1 : 0);
    };
    // Held while the pointer, a finger or Space/Enter is down.
    button.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      set(true);
      try {
        button.setPointerCapture(event.pointerId); // released where the pointer goes up, even off the button
      } catch {} // an event without an active pointer (a script's) cannot be captured
    });
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) button.addEventListener(type, () => set(false));
    button.addEventListener("keydown", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      if (!event.repeat) set(true);
    });
    button.addEventListener("keyup", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      set(false);
    });
    button.addEventListener("blur", () => set(false));
    button.addEventListener("contextmenu", (event) => event.preventDefault()); // a long touch holds, not a menu
  }

  wireSlider() {
    this.showLevel();
    this.control.addEventListener("input", () => {
      this.showLevel();
      this.onInput(this.slotValue());
    });
  }

  /** The value the worker reads for this input (sim.py: pressed 0/1, raw 0-65535, or centi-degrees). */
  slotValue() {
    if (this.kind === "button") return this.control.getAttribute("aria-pressed") === "true" ? 1 : 0;
    const value = Number(this.control.value);
    return this.celsius ? Math.round(value * 100) : value;
  }

  showPressed(pressed) {
    this.control.setAttribute("aria-pressed", String(pressed));
    this.stateText.textContent = pressed ? "pressed" : "released";
  }

  showLevel() {
    const value = Number(this.control.value);
    const text = this.celsius ? `${value} °C` : `${Math.round((value * 100) / 65535)}% (${value})`;
    this.stateText.textContent = text;
    this.control.setAttribute("aria-valuetext", text);
  }

  /** An output change (or, in a replay, an input change) from the worker. */
  apply(what, value) {
    const li = this.li;
    if (this.kind !== "button" && !this.control) this.outputs.set(what, value);
    if (what === "value" || what === "duty") {
      const level = what === "value" ? value : value / 65535;
      li.dataset.on = String(level > 0);
      li.style.setProperty("--level", String(level));
      this.stateText.textContent = what === "value" ? (value ? "on" : "off") : `${Math.round(level * 100)}% bright`;
    } else if (what === "pixels") {
      const cells = li.querySelectorAll(".board-pixel");
      value.forEach((rgb, index) => cells[index]?.style.setProperty("--pixel", `rgb(${rgb.join(",")})`));
      for (let index = value.length; index < cells.length; index++) cells[index].style.removeProperty("--pixel");
      const lit = value.filter((rgb) => rgb.some(Boolean)).length;
      this.stateText.textContent = lit ? `${lit} of ${cells.length} lit` : "all off";
      li.querySelector("[data-pixels]").dataset.colours = JSON.stringify(value);
    } else if (what === "angle") {
      li.style.setProperty("--angle", `${value}deg`);
      this.stateText.textContent = `${value}°`;
      li.dataset.angle = String(value);
    } else if (what === "pressed") {
      this.showPressed(Boolean(value));
    } else if (what === "level" && this.control) {
      this.control.value = this.celsius ? value / 100 : value;
      this.showLevel();
    }
  }

  describe() {
    return `${this.name} ${this.stateText.textContent}`;
  }

  resetOutput() {
    this.outputs.clear();
    if (this.kind === "led") this.apply("value", 0);
    else if (this.kind === "pixels") this.apply("pixels", []);
    else if (this.kind === "servo") {
      this.li.style.removeProperty("--angle");
      delete this.li.dataset.angle;
      this.stateText.textContent = "not moved";
    }
  }

  /** What the widget shows now, to come back to after a replay. */
  snapshot() {
    return { outputs: new Map(this.outputs), input: this.control && this.slotValue() };
  }

  restore({ outputs, input }) {
    this.resetOutput();
    for (const [what, value] of outputs) this.apply(what, value);
    if (this.kind === "button") this.showPressed(input === 1);
    else if (this.control) {
      this.control.value = this.celsius ? input / 100 : input;
      this.showLevel();
    }
  }
}
