// The assignment builder: the form (assign.html) becomes an assignment link as the teacher
// types, checked exactly as a student's page will check it (assignment-link.js). A link to this
// page with an assignment in its fragment (assign.html#a=...) opens that assignment for editing.
import {
  assignmentUrl,
  checkAssignment,
  DEFAULT_RULES,
  decodeAssignment,
  encodeAssignment,
  LinkError,
  MAX_COUNT,
} from "./assignment-link.js";
import { loadCatalog } from "./catalog.js";

const $ = (selector) => document.querySelector(selector);
const form = $("[data-assign-form]");
const problem = $("[data-assign-problem]");
const linkField = $("[data-assign-link]");
const copyButton = $("[data-action=copy-assignment]");
const preview = $("[data-assign-preview]");
const status = $("[data-assign-status]");
const boxes = (kind) => [...form.querySelectorAll(`[data-item=${kind}]`)];

let catalog;
try {
  catalog = await loadCatalog();
} catch (error) {
  show(error.message);
  throw error;
}

/** The assignment the form describes (not yet checked). */
function fromForm() {
  const items = [];
  for (const lessonBox of boxes("lesson")) {
    if (lessonBox.checked) items.push({ lesson: lessonBox.value });
  }
  for (const box of boxes("exercise")) {
    if (box.checked && !form.querySelector(`[data-item=lesson][value="${box.dataset.lesson}"]`).checked) items.push({ exercise: box.value });
  }
  const number = (name) => Number.parseInt(form.elements[name].value, 10);
  return {
    title: form.elements.title.value,
    text: form.elements.text.value,
    due: form.elements.due.value,
    items,
    rules: {
      hints: form.elements.hints.checked,
      solution: form.elements.solution.value,
      after: number("after"),
      attempts: number("attempts"),
    },
  };
}

/** Fill the form from an assignment (when this page is opened to edit one). */
function toForm(assignment) {
  form.elements.title.value = assignment.title;
  form.elements.text.value = assignment.text;
  form.elements.due.value = assignment.due;
  form.elements.hints.checked = assignment.rules.hints;
  form.elements.solution.value = assignment.rules.solution;
  form.elements.after.value = assignment.rules.after;
  form.elements.attempts.value = assignment.rules.attempts;
  const wanted = new Set(assignment.items.map((item) => ("lesson" in item ? `lesson:${item.lesson}` : `exercise:${item.exercise}`)));
  for (const box of [...boxes("lesson"), ...boxes("exercise")]) box.checked = wanted.has(`${box.dataset.item}:${box.value}`);
  for (const box of boxes("exercise")) if (box.checked) box.closest("details").open = true;
}

/** A whole lesson ticked stands for its exercises: they show as ticked, and cannot be unticked alone. */
function syncLessons() {
  for (const lessonBox of boxes("lesson")) {
    for (const box of form.querySelectorAll(`[data-item=exercise][data-lesson="${lessonBox.value}"]`)) {
      if (lessonBox.checked) box.checked = true;
      box.disabled = lessonBox.checked;
    }
  }
}

function show(message) {
  problem.textContent = message;
  problem.hidden = !message;
}

const whole = (value, least) => Number.isInteger(value) && value >= least && value <= MAX_COUNT;

/** What the teacher should change in the form, in words, or "" (the link's own checks come after). */
function formProblem(draft) {
  if (!draft.title.trim()) return "Give the assignment a title; the link appears here.";
  if (draft.items.length === 0) return "Tick at least one lesson or exercise; the link appears here.";
  if (draft.rules.solution === "after" && !whole(draft.rules.after, 1)) {
    return `The number of failed attempts before the solution shows must be a whole number from 1 to ${MAX_COUNT}.`;
  }
  if (!whole(draft.rules.attempts, 0)) return `Attempts per exercise must be a whole number from 0 (no limit) to ${MAX_COUNT}.`;
  return "";
}

function update() {
  syncLessons();
  const draft = fromForm();
  // The number of attempts before a solution only matters with "after"; otherwise any entry will do.
  if (draft.rules.solution !== "after" && !whole(draft.rules.after, 1)) draft.rules.after = DEFAULT_RULES.after;
  const missing = formProblem(draft);
  let link = "";
  try {
    if (missing) throw new LinkError(missing);
    checkAssignment(draft, catalog);
    link = assignmentUrl(encodeAssignment(draft, catalog));
    show("");
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    show(error.message);
  }
  linkField.value = link;
  copyButton.disabled = !link;
  preview.hidden = !link;
  if (link) preview.href = link;
  status.textContent = "";
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(linkField.value);
  } catch {
    linkField.select(); // the browser refused the clipboard: the link is selected for Ctrl+C
    document.execCommand?.("copy");
  }
  status.textContent = "Link copied. Paste it into your learning platform or an e-mail.";
}

/** Open the assignment in this page's address, if any; returns why it could not be opened, or "". */
function openFromAddress() {
  try {
    const existing = decodeAssignment(location.hash, catalog);
    if (existing) toForm(existing);
    return "";
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return `The assignment in this page's address could not be opened: ${error.message}`;
  }
}

const opened = openFromAddress();
form.addEventListener("input", update);
form.addEventListener("change", update);
form.addEventListener("submit", (event) => event.preventDefault());
copyButton.addEventListener("click", copyLink);
update();
show(opened); // at first, no "give it a title": only what went wrong with a link
form.dataset.ready = "true";
