// Lesson page entry point: start Python as the page opens, wire every block,
// and keep the status line honest about what the interpreter is doing. Links to
// other lessons swap the next lesson in (navigation.js), and its blocks are wired
// the same way, to the same interpreter when it can serve that lesson.
import { assignmentOnPage } from "./assigned-exercise.js";
import { ExerciseCell, RunCell } from "./cell.js";
import { installServiceWorkerAfter, reloadIfInputCannotWait, withoutIsolation } from "./isolation.js";
import { enableInstantNavigation } from "./navigation.js";
import { openProgress, PAGE } from "./progress.js";
import { showCompletion } from "./progress-view.js";
import { Runtime } from "./runtime.js";
import { RuntimeBar, runInOrder } from "./runtime-bar.js";

await reloadIfInputCannotWait(); // before Python starts
let lesson = await openLesson(null);
enableInstantNavigation({
  leave: () => lesson.leave(),
  enter: async () => {
    lesson = await openLesson(lesson.runtime);
  },
});

/** Wire the lesson on the page; `kept` is the last lesson's runtime, which goes on to this one when it can. */
async function openLesson(kept) {
  const config = JSON.parse(document.getElementById("lesson-config").textContent);
  const lifetime = new AbortController(); // ends this lesson's listeners on long-lived things when it is left
  const { signal } = lifetime;
  // Known once Python has started (the answer needs the service worker, installed after it).
  const isolationHelp = withoutIsolation(config.interpreter); // null on an isolated page
  // A lesson with a simulated board (front matter `board:`) gives its worker the `machine` module.
  const boardReady = config.board
    ? import("./board.js").then(({ Board }) => new Board(document.querySelector("[data-board]"), config.board))
    : null;
  const options = {
    interpreter: config.interpreter,
    packages: config.packages,
    files: config.files,
    inputHelp: isolationHelp.then((help) => help?.input ?? ""),
    ...(config.board && { modules: config.board.modules, setup: async (worker) => (await boardReady).attach(worker) }),
  };
  // Chosen at once, so the page never says the last lesson's interpreter is ready for this one.
  let runtime = kept;
  if (!kept?.continueWith(options)) {
    kept?.close();
    runtime = new Runtime(options);
  }
  // As early as possible (the status line reports failures); the service worker installs after it.
  installServiceWorkerAfter(runtime.start().catch(() => {}));
  (await boardReady)?.listen(runtime);
  const cells = [];
  const bar = new RuntimeBar(document.querySelector(".runtime-bar"), { help: isolationHelp, runAll: () => runInOrder(cells) });
  bar.attach(runtime, { signal });

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
  progress.addEventListener(
    "change",
    ({ detail: record }) => {
      for (const block of blocks) if (block.owns(record)) block.restore(block.saved());
    },
    { signal },
  );
  progress.update(config.lesson, PAGE, { visitedAt: Date.now() });
  showCompletion(progress);
  // Keystrokes are saved after a short pause; leaving the page saves at once.
  const saveAll = () => Promise.all(blocks.map((block) => block.save()));
  addEventListener("pagehide", saveAll, { signal });
  progress.addEventListener("closing", saveAll, { signal }); // another tab is upgrading the database: save first
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && saveAll(), { signal });

  bar.runAll.hidden = cells.length === 0;
  return {
    runtime,
    /** Going to another lesson in this page: save everything now and stop what runs. */
    async leave() {
      lifetime.abort();
      for (const block of blocks) block.close();
      await saveAll();
      await runtime.stop();
    },
  };
}
