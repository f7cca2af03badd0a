// Lesson page entry point: start Python as the page opens, wire every block,
// and keep the status line honest about what the interpreter is doing.
import { assignmentOnPage } from "./assigned-exercise.js";
import { ExerciseCell, RunCell } from "./cell.js";
import { ensureIsolation, withoutIsolation } from "./isolation.js";
import { openProgress, PAGE } from "./progress.js";
import { Runtime } from "./runtime.js";
import { RuntimeBar, runInOrder } from "./runtime-bar.js";

// Before Python starts: on a first visit the page reloads once to become isolated.
const isolated = await ensureIsolation();
const help = isolated ? null : await withoutIsolation();
const config = JSON.parse(document.getElementById("lesson-config").textContent);
// A lesson with a simulated board (front matter `board:`) gives its worker the `machine` module.
const board = config.board && new (await import("./board.js")).Board(document.querySelector("[data-board]"), config.board);
const runtime = new Runtime({
  interpreter: config.interpreter,
  packages: config.packages,
  files: config.files,
  inputHelp: help?.input,
  ...(board && { modules: board.modules, setup: (worker) => board.attach(worker) }),
});
board?.listen(runtime);
const cells = [];
const bar = new RuntimeBar(document.querySelector(".runtime-bar"), { help, runAll: () => runInOrder(cells) });
bar.attach(runtime);
runtime.start().catch(() => {}); // as early as possible; the status line reports failures

const progress = await openProgress();
const context = { runtime, progress, lesson: config.lesson, rules: {} };
cells.push(...[...document.querySelectorAll("[data-block=run]")].map((section) => new RunCell(section, context)));
// Opened from an assignment (#a=... in the address): its rules hold for its exercises here.
const assignment = await assignmentOnPage();
const exercises = [...document.querySelectorAll("[data-block=exercise]")].map(
  (section) => assignment?.cell(section, context) ?? new ExerciseCell(section, context),
);
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

bar.runAll.hidden = cells.length === 0;
