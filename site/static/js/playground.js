// The playground: a notebook of the learner's own, made of the lesson page's run cells
// (cell.js) on the lesson page's runtime (runtime.js). Cells can be added, deleted and
// moved; the whole notebook is saved as one progress record ("_playground"), and shared as a
// link that carries the code itself (share.js). Code from a link is shown, never run by
// itself, and never replaces the learner's own cells without asking.
import { RunCell } from "./cell.js";
import { makeButton } from "./dom.js";
import { installServiceWorkerAfter, reloadIfInputCannotWait, withoutIsolation } from "./isolation.js";
import { openProgress } from "./progress.js";
import { Runtime } from "./runtime.js";
import { RuntimeBar, runInOrder } from "./runtime-bar.js";
import { checkNotebook, decodeFragment, encodeNotebook, LinkError, MAX_CELLS, notebookJson } from "./share.js";
import { siteKey } from "./site-path.js";

export const PLAYGROUND = "_playground"; // its "lesson" in progress records (lesson ids never start with _)
const RECORD = "notebook";
const BACKUP_KEY = siteKey("backup-before-link-code"); // localStorage: out of reach of code in the worker
const SAVE_DELAY_MS = 400;

await reloadIfInputCannotWait(); // before Python starts
// What each interpreter's input() and the status line say on a page without isolation (null when isolated):
// known once the service worker is installed, after Python has started.
const help = { pyodide: withoutIsolation("pyodide"), micropython: withoutIsolation("micropython") };
const config = JSON.parse(document.getElementById("playground-config").textContent);
const $ = (selector) => document.querySelector(selector);

class PlaygroundCell extends RunCell {
  async run() {
    await notebook.beforeRun();
    return super.run();
  }
}

class Notebook {
  constructor() {
    this.element = $("[data-notebook]");
    this.template = $("[data-cell-template]");
    this.cells = [];
    this.count = 0; // cells made so far: each gets its own id
    this.interpreter = "pyodide";
    this.lesson = null; // a lesson id: its data files and packages come along
    this.fromLink = false; // holds code from a link that has not run yet
    // Cells save through the notebook: one record for all of them, in their order.
    this.context = { progress: { update: () => this.save(), get: () => undefined }, lesson: PLAYGROUND, rules: {} };
    this.bar = new RuntimeBar($(".runtime-bar"), { help: help.pyodide, runAll: () => runInOrder(this.cells) });
    this.stopAll = this.bar.button("stop-all", () => this.cells.find((cell) => cell.busy)?.stop());
  }

  get data() {
    return { interpreter: this.interpreter, lesson: this.lesson, cells: this.cells.map((cell) => ({ code: cell.code })) };
  }

  /** Show `data` ({interpreter, lesson, cells}) and start its interpreter. */
  load({ interpreter, lesson, cells }) {
    for (const cell of this.cells) cell.section.remove();
    this.cells = [];
    this.lesson = lesson && config.lessons[lesson] ? lesson : null;
    for (const { code } of cells.length ? cells : [{ code: "" }]) this.add(code);
    this.useInterpreter(interpreter);
    this.renumber();
  }

  /** Start `interpreter` with the selected lesson's packages and files (unless it already runs). */
  useInterpreter(interpreter) {
    const key = `${interpreter} ${this.lesson}`;
    if (this.runtimeKey === key) return;
    this.runtimeKey = key;
    this.interpreter = interpreter;
    for (const radio of document.querySelectorAll("[name=interpreter]")) radio.checked = radio.value === interpreter;
    const lesson = config.lessons[this.lesson];
    this.runtime?.close();
    this.runtime = new Runtime({
      interpreter,
      packages: interpreter === "pyodide" ? (lesson?.packages ?? []) : [],
      files: lesson?.files ?? {},
      inputHelp: help[interpreter].then((known) => known?.input ?? ""),
    });
    this.runtime.addEventListener("state", ({ detail: { state } }) => (this.stopAll.hidden = state !== "running"));
    this.context.runtime = this.runtime;
    for (const cell of this.cells) cell.runtime = this.runtime;
    this.bar.attach(this.runtime);
    installServiceWorkerAfter(this.runtime.start().catch(() => {}));
    this.showLessonFiles(lesson);
  }

  showLessonFiles(lesson) {
    const line = $("[data-lesson-files]");
    line.hidden = !lesson;
    if (!lesson) return;
    const link = document.createElement("a");
    link.href = lesson.url;
    link.textContent = lesson.title;
    const names = Object.keys(lesson.files);
    line.replaceChildren(
      "This code comes from the lesson ",
      link,
      names.length ? `; its files are in Python’s working folder: ${names.join(", ")}.` : ".",
    );
  }

  /** A new cell at the end, holding `code`. */
  add(code = "") {
    const section = this.template.content.firstElementChild.cloneNode(true);
    section.querySelector("[data-source]").value = code; // text, never markup
    section.dataset.cell = `cell-${++this.count}`;
    this.element.append(section);
    const cell = new PlaygroundCell(section, this.context);
    cell.resetButton.hidden = true; // a playground cell has no lesson original to go back to
    const bar = section.querySelector(".cell-bar");
    cell.moveUp = bar.appendChild(makeButton("Move up", "move-up", () => this.move(cell, -1)));
    cell.moveDown = bar.appendChild(makeButton("Move down", "move-down", () => this.move(cell, 1)));
    cell.deleteButton = bar.appendChild(makeButton("Delete", "delete", () => this.remove(cell)));
    this.cells.push(cell);
    return cell;
  }

  move(cell, step) {
    const from = this.cells.indexOf(cell);
    const to = from + step;
    if (to < 0 || to >= this.cells.length) return;
    this.cells.splice(from, 1);
    this.cells.splice(to, 0, cell);
    this.element.insertBefore(cell.section, this.cells[to + 1]?.section ?? null);
    this.renumber();
    const [same, other] = step < 0 ? [cell.moveUp, cell.moveDown] : [cell.moveDown, cell.moveUp];
    (same.disabled ? other : same).focus(); // at the top or bottom, the other way is the one left
    this.announce(`Cell moved to position ${to + 1} of ${this.cells.length}.`);
    this.saveSoon();
  }

  remove(cell) {
    // Two steps for a cell with code in it, so work is never lost to a stray click.
    if (cell.code.trim() && cell.deleteButton.dataset.confirm !== "yes") {
      cell.deleteButton.dataset.confirm = "yes";
      cell.deleteButton.textContent = "Really delete?";
      this.renumber();
      return;
    }
    const at = this.cells.indexOf(cell);
    if (cell.busy) cell.stop();
    this.cells.splice(at, 1);
    cell.section.remove();
    if (!this.cells.length) this.add("");
    this.renumber();
    const next = this.cells[Math.min(at, this.cells.length - 1)];
    next.editor.focus();
    this.announce(`Cell deleted; ${this.cells.length} left.`);
    this.saveSoon();
  }

  /** Labels and tracebacks follow the cells' positions. */
  renumber() {
    this.cells.forEach((cell, index) => {
      const n = index + 1;
      cell.section.setAttribute("aria-label", `Code cell ${n}`);
      cell.section.querySelector("[data-output]").setAttribute("aria-label", `Output of cell ${n}`);
      for (const editor of cell.section.querySelectorAll("[data-source], .cm-content")) {
        editor.setAttribute("aria-label", `Python code, cell ${n}`);
      }
      cell.filename = `<cell ${n}>`;
      cell.moveUp.disabled = index === 0;
      cell.moveDown.disabled = index === this.cells.length - 1;
      cell.moveUp.setAttribute("aria-label", `Move cell ${n} up`);
      cell.moveDown.setAttribute("aria-label", `Move cell ${n} down`);
      cell.deleteButton.setAttribute("aria-label", cell.deleteButton.dataset.confirm ? `Really delete cell ${n}?` : `Delete cell ${n}`);
    });
  }

  announce(message) {
    $("[data-notebook-status]").textContent = message;
  }

  saveSoon() {
    clearTimeout(this.saveTimer);
    this.element.dataset.saved = "pending";
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  get pending() {
    return this.element.dataset.saved === "pending" || this.cells.some((cell) => cell.section.dataset.saved === "pending");
  }

  async save() {
    clearTimeout(this.saveTimer);
    this.element.dataset.saved = "pending";
    await progress.update(PLAYGROUND, RECORD, { code: notebookJson(this.data), codeAt: Date.now() });
    this.element.dataset.saved = "saved";
  }

  /** Code from a link runs only when the learner asks; before it first does, a copy of their
   * saved progress is put where code in the Python worker cannot reach it (localStorage). */
  async beforeRun() {
    if (!this.fromLink) return;
    this.fromLink = false;
    try {
      localStorage.setItem(BACKUP_KEY, JSON.stringify(progress.export()));
      showBackup();
    } catch (error) {
      console.warn("No copy of the progress could be kept before running code from a link:", error);
    }
  }
}

/** The saved notebook, or null. It is read as strictly as a link: it is data from storage. */
function savedNotebook() {
  const record = progress.get(PLAYGROUND, RECORD);
  if (!record?.code) return null;
  try {
    return checkNotebook(JSON.parse(record.code));
  } catch (error) {
    console.warn("The saved playground could not be read:", error);
    return null;
  }
}

const hasOwnWork = (data) => Boolean(data?.cells.some((cell) => cell.code.trim()));

/** What the link notice says, and what happens when the learner answers its question. */
function showLinkNotice({ message, title = "Code from a link: read it before you run it", preview = null, choices = null, alert = false }) {
  const notice = $("[data-link-notice]");
  notice.hidden = false;
  notice.setAttribute("role", alert ? "alert" : "region");
  $("[data-link-title]").textContent = title;
  $("[data-link-message]").textContent = message;
  const pre = $("[data-link-preview]");
  pre.hidden = !preview;
  pre.textContent = preview ?? "";
  const buttons = $("[data-link-choices]");
  buttons.hidden = !choices;
  if (!choices) return;
  for (const [action, choose] of Object.entries(choices)) {
    buttons.querySelector(`[data-action=link-${action}]`).onclick = () => {
      buttons.hidden = true;
      pre.hidden = true;
      choose();
    };
  }
}

function linkMessage(link, unknownLesson) {
  const count = `${link.cells.length} cell${link.cells.length === 1 ? "" : "s"}`;
  const lesson = config.lessons[link.lesson];
  return (
    `This link brings ${count} of code${lesson ? ` from the lesson “${lesson.title}”` : ""}. ` +
    "It has not run: nothing runs until you press Run." +
    (unknownLesson ? " The link names a lesson this site does not have, so it is shown without that lesson’s files." : "")
  );
}

/** The link in `fragment`: {link} (null when there is none), or {error} for a link that cannot be opened. */
async function readLink(fragment) {
  try {
    const link = await decodeFragment(fragment);
    if (link?.lesson && !config.lessons[link.lesson]) return { link: { ...link, lesson: null }, unknownLesson: true };
    return { link };
  } catch (error) {
    if (error instanceof LinkError) return { error };
    throw error;
  }
}

/** Open a link's code: straight in when the playground is empty, else only as the learner chooses. */
function openLink({ link, error, unknownLesson }, own) {
  if (error) {
    showLinkNotice({ title: "This link could not be opened", message: `${error.message} Your own playground is unchanged.`, alert: true });
  }
  if (!link) return;
  const message = linkMessage(link, unknownLesson);
  const adopt = (data) => {
    notebook.load(data);
    notebook.fromLink = true;
    notebook.save();
    history.replaceState(null, "", location.pathname + location.search); // a reload shows the saved notebook
  };
  if (!hasOwnWork(own)) {
    adopt(link);
    showLinkNotice({ message });
    return;
  }
  showLinkNotice({
    message: `${message} Your playground already has code of your own: what should happen to it?`,
    preview: link.cells.map((cell) => cell.code).join("\n\n# ----\n\n"),
    choices: {
      replace: () => {
        adopt(link);
        showLinkNotice({ message: `${message} It replaced your cells.` });
      },
      append: () => {
        const cells = [...notebook.data.cells, ...link.cells].slice(0, MAX_CELLS);
        adopt({ interpreter: notebook.interpreter, lesson: link.lesson ?? notebook.lesson, cells });
        showLinkNotice({ message: `${message} Its cells are after yours.` });
      },
      ignore: () => {
        history.replaceState(null, "", location.pathname + location.search);
        $("[data-link-notice]").hidden = true;
      },
    },
  });
}

async function copyLink() {
  const box = $("[data-share]");
  const field = $("[data-share-url]");
  const status = $("[data-share-status]");
  box.hidden = false;
  try {
    field.value = `${location.origin}${location.pathname}#${await encodeNotebook(notebook.data)}`;
  } catch (error) {
    field.value = "";
    status.textContent = error.message;
    return;
  }
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = "Link copied. Anyone who opens it sees this code, and it runs only when they press Run.";
  } catch {
    status.textContent = "Copy the link from the box above (this browser did not let the page copy it).";
  }
}

function showBackup() {
  const box = $("[data-backup]");
  let saved;
  try {
    saved = JSON.parse(localStorage.getItem(BACKUP_KEY));
  } catch {
    saved = null;
  }
  box.hidden = !saved;
  if (!saved) return;
  const when = new Date(saved.exportedAt);
  $("[data-backup-message]").textContent =
    `Before code from a link first ran (${when.toLocaleString()}), a copy of your saved progress was kept here. ` +
    "If that code damaged your saved work, restore the copy: it is merged in, and newer work is kept.";
}

function wireBackup() {
  const status = $("[data-backup-status]");
  $("[data-action=backup-restore]").addEventListener("click", async () => {
    try {
      const count = await progress.import(localStorage.getItem(BACKUP_KEY));
      status.textContent = `Restored ${count} saved item${count === 1 ? "" : "s"}.`;
    } catch (error) {
      status.textContent = error.message;
    }
  });
  $("[data-action=backup-delete]").addEventListener("click", () => {
    localStorage.removeItem(BACKUP_KEY);
    $("[data-backup]").hidden = true;
  });
  try {
    showBackup();
  } catch {
    // storage disabled: there is no copy to show
  }
}

const EMPTY = { interpreter: "pyodide", lesson: null, cells: [] };
const notebook = new Notebook();
const [progress, opened] = await Promise.all([openProgress(), readLink(location.hash)]);
const own = savedNotebook();
if (!opened.link || hasOwnWork(own)) notebook.load(own ?? EMPTY);
openLink(opened, own); // a link's code goes straight into an empty playground; otherwise the learner chooses
addEventListener("hashchange", async () => openLink(await readLink(location.hash), notebook.data));

$("[data-action=add-cell]").addEventListener("click", () => {
  const cell = notebook.add("");
  notebook.renumber();
  cell.editor.focus();
  notebook.announce(`Cell ${notebook.cells.length} added.`);
  notebook.saveSoon();
});
$("[data-action=copy-link]").addEventListener("click", copyLink);
for (const radio of document.querySelectorAll("[name=interpreter]")) {
  radio.addEventListener("change", () => {
    notebook.useInterpreter(radio.value);
    notebook.announce(`Switched to ${radio.value === "micropython" ? "MicroPython" : "Python (Pyodide)"}; variables from earlier runs are gone.`);
    notebook.save();
  });
}
wireBackup();
const saveNow = () => notebook.pending && notebook.save();
addEventListener("pagehide", saveNow);
progress.addEventListener("closing", saveNow);
document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && saveNow());
document.documentElement.dataset.playground = "ready";
