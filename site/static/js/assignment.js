// The student view of an assignment link: what to do, under which rules, the student's own
// progress on each item (from this browser), links to the lessons that keep the rules, and
// "Download submission", which runs the checks again on the current code (grading.js, as the
// grading page will) and saves one file (submission.js).
//
// <article data-state> says "loading", "ready", "checking", "saved" or "error".
import { assignedExercises, assignedLessons, decodeAssignment, LinkError, rulesInWords, withAssignment } from "./assignment-link.js";
import { loadCatalog } from "./catalog.js";
import { Grader } from "./grading.js";
import { openProgress } from "./progress.js";
import { siteKey } from "./site-path.js";
import { checkName, fileName, makeSubmission, savedWork, SubmissionError } from "./submission.js";

const $ = (selector) => document.querySelector(selector);
const page = $("[data-assignment-page]");
const NAME_KEY = siteKey("student-name"); // remembered for the next submission, in this browser only

function fail(message) {
  const box = $("[data-assignment-error]");
  box.textContent = message;
  box.hidden = false;
  page.dataset.state = "error";
}

async function main() {
  let catalog, assignment;
  try {
    catalog = await loadCatalog();
    assignment = decodeAssignment(location.hash, catalog);
    if (!assignment) {
      throw new LinkError("This page shows an assignment from a link, and this address holds none. Open the link your teacher sent you.");
    }
  } catch (error) {
    return fail(error.message);
  }
  const fragment = location.hash.slice(1);
  const progress = await openProgress();
  showAssignment(assignment, catalog);
  const render = () => showItems(assignment, catalog, progress, fragment);
  render();
  progress.addEventListener("change", render);
  progress.addEventListener("updated", render);
  wireSubmission(assignment, catalog, progress);
  $("[data-assignment]").hidden = false;
  page.dataset.state = "ready";
}

function showAssignment(assignment, catalog) {
  document.title = `${assignment.title} · ${catalog.title}`;
  $("[data-assignment-title]").textContent = assignment.title;
  const text = $("[data-assignment-text]");
  text.textContent = assignment.text;
  text.hidden = !assignment.text;
  if (assignment.due) {
    const due = $("[data-assignment-due]");
    const date = new Date(`${assignment.due}T00:00:00Z`);
    const days = Math.round((date - Date.UTC(...today())) / 86_400_000);
    const when = days < 0 ? "past due" : days === 0 ? "due today" : days === 1 ? "due tomorrow" : `in ${days} days`;
    due.textContent = `Due ${date.toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "full" })} (${when})`;
    due.hidden = false;
  }
  $("[data-assignment-rules]").replaceChildren(
    ...rulesInWords(assignment.rules).map((line) => Object.assign(document.createElement("li"), { textContent: line })),
  );
}

const today = () => {
  const now = new Date();
  return [now.getFullYear(), now.getMonth(), now.getDate()];
};

function showItems(assignment, catalog, progress, fragment) {
  const template = $("[data-item-template]").content.firstElementChild;
  let passed = 0;
  let total = 0;
  const items = assignedLessons(assignment, catalog).map(({ lesson, exercises }) => {
    const item = template.cloneNode(true);
    const link = item.querySelector("[data-item-link]");
    link.textContent = lesson.title;
    link.href = withAssignment(lesson.url, fragment); // the lesson keeps the assignment's rules
    item.querySelector("[data-item-exercises]").replaceChildren(
      ...exercises.map((exercise) => {
        const record = savedWork(progress, catalog, exercise.id);
        total += 1;
        if (record?.passed) passed += 1;
        const line = document.createElement("li");
        line.dataset.exerciseStatus = record?.passed ? "passed" : record?.attempts ? "tried" : "not-started";
        line.textContent = `${exercise.title}: ${describe(record)}`;
        return line;
      }),
    );
    return item;
  });
  $("[data-assignment-items]").replaceChildren(...items);
  $("[data-assignment-summary]").textContent = `${passed} of ${total} exercise${total === 1 ? "" : "s"} passed.`;
}

function describe(record) {
  if (!record?.attempts && record?.code === undefined) return "not started";
  const attempts = record.attempts ?? 0;
  const parts = [record.passed ? "passed" : attempts ? "not passed yet" : "started"];
  if (attempts) parts.push(`${attempts} attempt${attempts === 1 ? "" : "s"}`);
  if (record.hints) parts.push(`${record.hints} hint${record.hints === 1 ? "" : "s"} seen`);
  if (record.solution) parts.push("solution seen");
  return parts.join(" · ");
}

function wireSubmission(assignment, catalog, progress) {
  const form = $("[data-submit-form]");
  const nameField = $("[data-student-name]");
  const button = $("[data-action=download-submission]");
  const status = $("[data-submit-status]");
  nameField.value = remembered();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let student;
    try {
      student = checkName(nameField.value);
    } catch (error) {
      if (!(error instanceof SubmissionError)) throw error;
      status.textContent = error.message;
      nameField.focus();
      return;
    }
    remember(student);
    button.disabled = true;
    page.dataset.state = "checking";
    try {
      const verdicts = await freshVerdicts(assignment, catalog, progress, (done, total) => {
        status.textContent = `Checking your code again (${done} of ${total})…`;
      });
      const submission = makeSubmission({ student, assignment, catalog, progress, verdicts });
      download(submission);
      const passed = verdicts.filter((verdict) => verdict?.passed).length;
      status.textContent = `Saved ${fileName(submission)}: ${passed} of ${verdicts.length} exercises pass their checks. Send this file to your teacher.`;
      page.dataset.state = "saved";
    } catch (error) {
      status.textContent = `The submission could not be made: ${error.message}`;
      page.dataset.state = "ready";
    } finally {
      button.disabled = false;
    }
  });
}

/** A fresh run of each exercise's checks on its saved code (null where there is none), as grading runs them. */
async function freshVerdicts(assignment, catalog, progress, onProgress) {
  const ids = assignedExercises(assignment, catalog);
  const items = ids
    .map((id, index) => ({ index, exercise: id, code: savedWork(progress, catalog, id)?.code }))
    .filter(({ code }) => typeof code === "string");
  const verdicts = new Array(ids.length).fill(null);
  let done = 0;
  onProgress(done, items.length);
  const grader = new Grader(catalog);
  try {
    const results = await grader.check(items, { onVerdict: () => onProgress(++done, items.length) });
    items.forEach(({ index }, i) => (verdicts[index] = results[i]));
  } finally {
    grader.close();
  }
  return verdicts;
}

function download(submission) {
  const blob = new Blob([JSON.stringify(submission, null, 1)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName(submission);
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function remembered() {
  try {
    return localStorage.getItem(NAME_KEY) ?? "";
  } catch {
    return "";
  }
}

function remember(name) {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // storage disabled: the name is asked for again next time
  }
}

main();
