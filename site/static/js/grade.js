// The grading page: submission files in, a class table out. Each file is read strictly
// (submission.js) and skipped, by name, when it is not a proper submission; every exercise's
// checks then run again on the submitted code (grading.js), so a grade never rests on the
// file's own claims, and the table flags where they disagree. `python build.py grade` drives
// this same page (pyground/grade.py), so the command line gives the same results.
//
// <article data-grading> says "idle", "grading" or "done" (every file read, every exercise checked).
import { assignedExercises } from "./assignment-link.js";
import { loadCatalog } from "./catalog.js";
import { Grader } from "./grading.js";
import {
  columnsOf,
  disagreement,
  MAX_FILE_BYTES,
  readSubmission,
  SubmissionError,
  sortRows,
  status,
  toCsv,
  tooLarge,
} from "./submission.js";

const $ = (selector) => document.querySelector(selector);
const page = $("[data-grading]");
const statusLine = $("[data-grading-status]");
const progressBar = $("[data-grading-progress]");
const csvButton = $("[data-action=export-csv]");

let catalog;
try {
  catalog = await loadCatalog();
} catch (error) {
  statusLine.textContent = error.message;
  throw error;
}
let grader = null;
let graded = []; // {file, submission, verdicts: Map(exercise id -> verdict), notes: [text]}
let skipped = []; // {file, reason}
let pending = 0; // exercises still being checked
let total = 0;
let generation = 0; // Clear starts a new one: verdicts for cleared files are ignored
const REDRAW_MS = 300;
let drawing = false;

async function addFiles(files) {
  page.dataset.grading = "grading";
  csvButton.disabled = true;
  const added = [];
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const entry = await read(file);
    if (entry) added.push(entry);
  }
  graded.push(...added);
  markDuplicates();
  showSkipped();
  showTable();
  grader ??= new Grader(catalog);
  const current = generation;
  await Promise.all(added.map(grade));
  if (pending === 0 && current === generation) finish();
}

/** A file as an entry of the table, or null (then it is listed as skipped, with the reason). */
async function read(file) {
  const skip = (reason) => {
    skipped.push({ file: file.name, reason });
    return null;
  };
  if (file.size > MAX_FILE_BYTES) return skip(tooLarge());
  let text;
  try {
    text = await file.text();
  } catch {
    return skip("it could not be read.");
  }
  try {
    const submission = readSubmission(text, catalog);
    const notes = [];
    if (submission.build !== catalog.build) {
      notes.push(`Made on another version of the site (${submission.build}).`);
    }
    return { file: file.name, submission, verdicts: new Map(), notes };
  } catch (error) {
    if (!(error instanceof SubmissionError)) throw error;
    return skip(error.message);
  }
}

function markDuplicates() {
  const count = new Map();
  for (const { submission } of graded) count.set(submission.student, (count.get(submission.student) ?? 0) + 1);
  for (const entry of graded) {
    const note = "Another file has the same student name.";
    if (count.get(entry.submission.student) > 1 && !entry.notes.includes(note)) entry.notes.push(note);
  }
}

/** Check every exercise of one file that has code; the cells fill in as verdicts come. */
async function grade(entry) {
  const items = assignedExercises(entry.submission.assignment, catalog)
    .map((id) => ({ exercise: id, code: entry.submission.exercises.get(id)?.code }))
    .filter(({ code }) => typeof code === "string");
  const current = generation;
  pending += items.length;
  total += items.length;
  showProgress();
  await grader.check(items, {
    onVerdict: (index, verdict) => {
      if (current !== generation) return;
      entry.verdicts.set(items[index].exercise, verdict);
      pending -= 1;
      showProgress();
      redraw();
    },
  });
}

/** Redraw the table a few times a second at most, however fast verdicts come (the page's own work
 * takes time from the workers that check). */
function redraw() {
  if (drawing) return;
  drawing = true;
  setTimeout(() => {
    drawing = false;
    showTable();
  }, REDRAW_MS);
}

function showProgress() {
  progressBar.hidden = pending === 0;
  progressBar.value = total ? (total - pending) / total : 0;
  const files = `${graded.length} file${graded.length === 1 ? "" : "s"}`;
  statusLine.textContent = pending ? `Checking ${files}: ${total - pending} of ${total} exercises done…` : "";
}

function finish() {
  showTable();
  page.dataset.grading = "done";
  csvButton.disabled = graded.length === 0;
  const skippedText = skipped.length ? `; ${skipped.length} file${skipped.length === 1 ? "" : "s"} skipped (see below)` : "";
  statusLine.textContent = `Done: ${graded.length} file${graded.length === 1 ? "" : "s"} graded${skippedText}.`;
}

function showSkipped() {
  $("[data-skipped]").hidden = skipped.length === 0;
  $("[data-skipped-list]").replaceChildren(
    ...skipped.map(({ file, reason }) => {
      const item = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = file; // a file name is text, whatever it holds
      item.append(name, `: ${reason}`);
      return item;
    }),
  );
}

function showTable() {
  const columns = columnsOf(graded, catalog);
  $("[data-results]").hidden = graded.length === 0;
  $("[data-grades-head]").replaceChildren(
    header("Student"),
    header("File"),
    ...columns.map((id) => {
      const cell = header(catalog.exercise(id)?.title ?? id);
      const code = document.createElement("code");
      code.textContent = id;
      cell.append(document.createElement("br"), code);
      return cell;
    }),
    header("Passed"),
  );
  const rows = sortRows(graded).map((entry) => row(entry, columns));
  $("[data-grades-body]").replaceChildren(...rows);
  const flagged = graded.filter((entry) => columns.some((id) => disagreement(entry.submission.exercises.get(id), entry.verdicts.get(id)))).length;
  $("[data-results-summary]").textContent =
    `${graded.length} student file${graded.length === 1 ? "" : "s"}, ${columns.length} exercise${columns.length === 1 ? "" : "s"}` +
    (flagged ? `; ${flagged} file${flagged === 1 ? "" : "s"} with claims the re-run does not confirm.` : ".");
}

function header(text) {
  const cell = document.createElement("th");
  cell.scope = "col";
  cell.textContent = text;
  return cell;
}

function row(entry, columns) {
  const { submission, verdicts, file } = entry;
  const assigned = new Set(assignedExercises(submission.assignment, catalog));
  const tr = document.createElement("tr");
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = submission.student;
  if (entry.notes.length) {
    const note = document.createElement("span");
    note.className = "grade-note";
    note.textContent = entry.notes.join(" ");
    name.append(note);
  }
  const fileCell = document.createElement("td");
  fileCell.textContent = file;
  tr.append(name, fileCell);
  let passed = 0;
  for (const id of columns) {
    const td = document.createElement("td");
    if (assigned.has(id)) {
      const exercise = submission.exercises.get(id);
      const verdict = verdicts.get(id);
      const state = status(exercise, verdict);
      if (state === "passed") passed += 1;
      const flag = disagreement(exercise, verdict);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "grade-cell";
      button.dataset.status = state.replace(/ /g, "-");
      button.dataset.exercise = id;
      button.textContent = state;
      if (flag) {
        button.dataset.flag = flag.replace(/ /g, "-");
        const mark = document.createElement("span");
        mark.className = "grade-flag";
        mark.textContent = ` ⚠ ${flag}`;
        button.append(mark);
      }
      button.setAttribute("aria-label", `${submission.student}, ${catalog.exercise(id)?.title ?? id}: ${state}${flag ? `; the file ${flag}` : ""}. Show code and output.`);
      button.addEventListener("click", () => showDetail(entry, id));
      td.append(button);
    } else {
      td.textContent = "–";
      td.className = "grade-none";
    }
    tr.append(td);
  }
  const score = document.createElement("td");
  score.className = "grade-score";
  score.textContent = `${passed} / ${assigned.size}`;
  tr.append(score);
  tr.dataset.student = submission.student;
  return tr;
}

function showDetail(entry, id) {
  const exercise = entry.submission.exercises.get(id);
  const verdict = entry.verdicts.get(id);
  const detail = $("[data-detail]");
  $("[data-detail-title]").textContent = `${entry.submission.student} · ${catalog.exercise(id)?.title ?? id}`;
  const facts = [
    ["Re-run", verdict ? `${status(exercise, verdict)}: ${verdict.message}` : status(exercise, verdict)],
    ["The file says", exercise?.claim ? `${exercise.claim.passed ? "passed" : "failed"}: ${exercise.claim.message}` : "nothing"],
    ["Attempts", String(exercise?.attempts ?? 0)],
    ["Hints seen", String(exercise?.hints ?? 0)],
    ["Solution shown", exercise?.solution ? "yes" : "no"],
    ["Code last changed", exercise?.codeAt ? new Date(exercise.codeAt).toLocaleString() : "–"],
    ["File", entry.file],
  ];
  $("[data-detail-facts]").replaceChildren(
    ...facts.flatMap(([term, value]) => [
      Object.assign(document.createElement("dt"), { textContent: term }),
      Object.assign(document.createElement("dd"), { textContent: value }),
    ]),
  );
  $("[data-detail-code]").textContent = exercise?.code ?? "(no code: this exercise was never started)";
  $("[data-detail-output]").textContent = [verdict?.output, verdict?.error].filter(Boolean).join("\n") || "(nothing printed)";
  detail.hidden = false;
  detail.focus();
}

function exportCsv() {
  const blob = new Blob([toCsv(graded, catalog)], { type: "text/csv" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `grades-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function clear() {
  generation += 1;
  graded = [];
  skipped = [];
  total = pending = 0;
  grader?.close();
  grader = null;
  $("[data-detail]").hidden = true;
  showSkipped();
  showTable();
  statusLine.textContent = "";
  page.dataset.grading = "idle";
}

const input = $("[data-submission-files]");
input.addEventListener("change", () => {
  const files = [...input.files];
  input.value = "";
  if (files.length) addFiles(files);
});
const zone = $("[data-drop-zone]");
zone.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.dataset.over = "true";
});
zone.addEventListener("dragleave", () => delete zone.dataset.over);
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  delete zone.dataset.over;
  if (event.dataTransfer?.files.length) addFiles(event.dataTransfer.files);
});
csvButton.addEventListener("click", exportCsv);
$("[data-action=clear-grades]").addEventListener("click", clear);
page.dataset.ready = "true";
