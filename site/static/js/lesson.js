// Lesson page entry point: start Python as the page opens, wire every block,
// and keep the status line honest about what the interpreter is doing.
import { ExerciseCell, RunCell } from "./cell.js";
import { makeButton } from "./dom.js";
import { ensureIsolation, withoutIsolation } from "./isolation.js";
import { openProgress, PAGE } from "./progress.js";
import { Runtime } from "./runtime.js";

// Before Python starts: on a first visit the page reloads once to become isolated.
const isolated = await ensureIsolation();
const help = isolated ? null : await withoutIsolation();
const config = JSON.parse(document.getElementById("lesson-config").textContent);
const runtime = new Runtime({
  interpreter: config.interpreter,
  packages: config.packages,
  files: config.files,
  inputHelp: help?.input,
});
const name = config.interpreter === "micropython" ? "MicroPython" : "Python";
const status = document.querySelector("[data-runtime-status]");
const cells = [];

const bar = document.querySelector(".runtime-bar");
const runAll = toolbarButton("Run all", "run-all", async () => {
  for (const cell of cells) {
    await cell.run();
    // Like a notebook: stop at the first error, except in a cell that is meant to show one.
    const expected = "expectError" in cell.section.dataset ? "error" : "done";
    if (cell.section.dataset.state !== expected) break;
  }
});
const restart = toolbarButton(`Restart ${name}`, "restart", () => runtime.restart("restart"));
const retry = toolbarButton("Retry", "retry", () => runtime.start().catch(() => {}));
retry.hidden = true;

function toolbarButton(label, action, onClick) {
  return bar.appendChild(makeButton(label, action, onClick));
}

const STATUS = {
  loading: () => `Loading ${name}…`,
  ready: (message) =>
    `${message === "stopped" ? "Stopped. " : ""}${name} is ready.` +
    (help ? ` (${help.status})` : ""),
  running: () => "Running… (Stop is next to the cell)",
  error: (message) => `${message} Check your connection and press Retry.`,
};

runtime.addEventListener("state", ({ detail: { state, message } }) => {
  status.textContent = STATUS[state](message);
  retry.hidden = state !== "error";
  runAll.disabled = restart.disabled = state === "loading";
});

runtime.addEventListener("progress", ({ detail: share }) => {
  if (runtime.state === "loading") status.textContent = `Loading ${name}… ${Math.round(share * 100)}%`;
});
status.textContent = STATUS[runtime.state]();
runtime.start().catch(() => {}); // as early as possible; the status line reports failures

const progress = await openProgress();
const context = { runtime, progress, lesson: config.lesson, rules: {} };
cells.push(...[...document.querySelectorAll("[data-block=run]")].map((section) => new RunCell(section, context)));
const exercises = [...document.querySelectorAll("[data-block=exercise]")].map((section) => new ExerciseCell(section, context));
const blocks = [...cells, ...exercises];

// Saved work comes back (also from this lesson's earlier ids); changes from another tab
// or an import show up as they happen.
await progress.carryOver(config.lesson, config.aliases);
for (const block of blocks) block.restore(block.saved());
progress.addEventListener("change", ({ detail: record }) => {
  for (const block of blocks) if (block.owns(record)) block.restore(block.saved());
});
progress.update(config.lesson, PAGE, { visitedAt: Date.now() });
// Keystrokes are saved after a short pause; leaving the page saves at once.
const saveAll = () => blocks.forEach((block) => block.save());
addEventListener("pagehide", saveAll);
progress.addEventListener("closing", saveAll); // another tab is upgrading the database: save first
document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && saveAll());

runAll.hidden = cells.length === 0;
