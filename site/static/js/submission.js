// Submission files: what a student downloads from an assignment and a teacher drops on the
// grading page. A file is a claim, never trusted: the grading page reads it as strictly as a
// link (size, JSON, exact shape, plain-text names, ids this site has) and runs every exercise's
// checks again on the code in it. Files that fail are reported by name and skipped.
//
//   {"format": "pyground-submission", "version": 1,
//    "site": {"build": "<build id>", "title": "..."}, "student": "Ada Lovelace",
//    "assignment": {title, text, due, items, rules},          (as in an assignment link)
//    "submittedAt": "<ISO time>",
//    "exercises": [{"id", "code": text or null (never started), "verdict": {"passed", "message"} or null,
//                   "attempts", "hints", "solution": shown or not, "codeAt", "passedAt": ISO time or null}]}
import { assignedExercises, checkAssignment, LinkError, textProblem } from "./assignment-link.js";

export const FORMAT = "pyground-submission";
export const VERSION = 1;
export const MAX_FILE_BYTES = 1_000_000;
export const MAX_NAME = 100;
const MAX_CODE = 100_000; // characters per exercise
const MAX_MESSAGE = 5_000;
const MAX_COUNT = 1_000_000;
const KEYS = ["format", "version", "site", "student", "assignment", "submittedAt", "exercises"];
const EXERCISE_KEYS = ["id", "code", "verdict", "attempts", "hints", "solution", "codeAt", "passedAt"];

/** Why a file cannot be graded, or a name cannot be used; `message` is for the reader, as text. */
export class SubmissionError extends Error {}

/** A student's name as it may go in a file: trimmed, or SubmissionError saying what to change. */
export function checkName(name) {
  const text = typeof name === "string" ? name.trim() : "";
  if (!text) throw new SubmissionError("Type your name first: your teacher needs it to know whose work this is.");
  if (text.length > MAX_NAME) throw new SubmissionError(`That name is too long (at most ${MAX_NAME} characters).`);
  if (textProblem(text)) throw new SubmissionError("Use letters, spaces and punctuation only in your name (no < or line breaks).");
  return text;
}

/** The submission for `assignment` from this browser's progress, with `verdicts` (a fresh run of the
 * checks on each exercise's current code; null where there is no code). */
export function makeSubmission({ student, assignment, catalog, progress, verdicts }) {
  const ids = assignedExercises(assignment, catalog);
  return {
    format: FORMAT,
    version: VERSION,
    site: { build: catalog.build, title: catalog.title },
    student: checkName(student),
    assignment,
    submittedAt: new Date().toISOString(),
    exercises: ids.map((id, index) => {
      const record = savedWork(progress, catalog, id) ?? {};
      const verdict = verdicts[index];
      return {
        id,
        code: typeof record.code === "string" ? record.code : null,
        verdict: verdict ? { passed: verdict.passed === true, message: String(verdict.message ?? "") } : null,
        attempts: record.attempts ?? 0,
        hints: record.hints ?? 0,
        solution: record.solution === true,
        codeAt: isoTime(record.codeAt),
        passedAt: record.passed ? isoTime(record.passedAt) : null,
      };
    }),
  };
}

/** An exercise's saved work in this browser, under its id or an earlier one. */
export function savedWork(progress, catalog, id) {
  return progress.exercise(id, catalog.exercise(id)?.aliases ?? []);
}

const isoTime = (ms) => (Number(ms) > 0 ? new Date(Number(ms)).toISOString() : null);

/** A file name for a submission: "<assignment>-<student>.json", in letters, digits and dashes. */
export function fileName(submission) {
  const slug = (text) =>
    text
      .normalize("NFKD")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .replace(/[\s_]+/g, "-")
      .toLowerCase()
      .slice(0, 40) || "work";
  return `${slug(submission.assignment.title)}-${slug(submission.student)}.json`;
}

/** A file's text as a submission to grade, or SubmissionError saying why it cannot be. */
export function readSubmission(text, catalog) {
  if (text.length > MAX_FILE_BYTES) throw new SubmissionError(tooLarge());
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SubmissionError("it is not a Pyground submission (not valid JSON; it may be cut short or another kind of file).");
  }
  if (!isObject(data) || data.format !== FORMAT) throw new SubmissionError("it is not a Pyground submission file.");
  if (data.version !== VERSION) {
    throw new SubmissionError(`it was made by ${data.version > VERSION ? "a newer" : "another"} version of the site, which this page cannot read.`);
  }
  if (Object.keys(data).some((key) => !KEYS.includes(key)) || KEYS.some((key) => !(key in data))) throw shape("it has other parts than a submission");
  let student;
  try {
    student = checkName(data.student);
  } catch {
    throw new SubmissionError("the student's name is missing, too long, or holds markup or control characters.");
  }
  if (!isObject(data.site) || typeof data.site.build !== "string" || data.site.build.length > 64) throw shape("its site version is not one");
  let assignment;
  try {
    assignment = checkAssignment(data.assignment, catalog);
  } catch (error) {
    if (error instanceof LinkError) throw new SubmissionError(`its assignment cannot be used: ${error.message}`);
    throw error;
  }
  if (!validTime(data.submittedAt)) throw shape("its time of submission is not a time");
  if (!Array.isArray(data.exercises) || data.exercises.length > 500) throw shape("its exercises are not a list");
  const exercises = new Map();
  for (const entry of data.exercises) {
    const item = checkExercise(entry);
    const id = catalog.exercise(item.id)?.id ?? item.id; // an earlier id counts as the current one
    if (exercises.has(id)) throw shape(`it lists the exercise ${item.id} twice`);
    exercises.set(id, item);
  }
  return { student, build: data.site.build, assignment, submittedAt: data.submittedAt, exercises };
}

function checkExercise(entry) {
  if (!isObject(entry) || Object.keys(entry).some((key) => !EXERCISE_KEYS.includes(key))) throw shape("an exercise in it is not one");
  const { id, code = null, verdict = null, attempts = 0, hints = 0, solution = false, codeAt = null, passedAt = null } = entry;
  if (typeof id !== "string" || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw shape("an exercise in it has no proper id");
  if (code !== null && (typeof code !== "string" || code.length > MAX_CODE)) throw shape(`the code of ${id} is not text or is too long`);
  if (verdict !== null && !(isObject(verdict) && typeof verdict.passed === "boolean" && typeof verdict.message === "string")) {
    throw shape(`the result of ${id} is not a result`);
  }
  for (const [name, value] of [["attempts", attempts], ["hints", hints]]) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) throw shape(`the ${name} of ${id} are not a count`);
  }
  if (typeof solution !== "boolean") throw shape(`whether the solution of ${id} was shown is not yes or no`);
  for (const time of [codeAt, passedAt]) if (time !== null && !validTime(time)) throw shape(`a time in ${id} is not a time`);
  return {
    id,
    code,
    claim: verdict && { passed: verdict.passed, message: verdict.message.slice(0, MAX_MESSAGE) },
    attempts,
    hints,
    solution,
    codeAt,
    passedAt,
  };
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const validTime = (text) => typeof text === "string" && text.length <= 40 && !Number.isNaN(Date.parse(text));
const shape = (why) => new SubmissionError(`it is not a proper submission: ${why}.`);
export const tooLarge = () => `it is too large to be a submission (at most ${MAX_FILE_BYTES / 1_000_000} MB).`;

// --- The class table ------------------------------------------------------------------------

/** What a cell of the class table says about one exercise of one student. */
export function status(entry, verdict) {
  if (!entry) return "missing"; // the assignment asks for it, the file does not have it
  if (entry.code === null) return "not started";
  if (!verdict) return "checking";
  if (verdict.timedOut) return "timed out";
  if (verdict.notChecked) return "not checked";
  return verdict.passed ? "passed" : "failed";
}

/** Where a file's claim and the re-run disagree: "claims passed", "claims failed" or null. */
export function disagreement(entry, verdict) {
  if (!entry?.claim || !verdict || verdict.notChecked) return null;
  const passed = entry.code !== null && verdict.passed;
  if (entry.claim.passed === passed) return null;
  return entry.claim.passed ? "claims passed" : "claims failed";
}

/** The exercises across all graded files, in the order the assignments list them. */
export function columnsOf(graded, catalog) {
  const ids = new Set();
  for (const { submission } of graded) for (const id of assignedExercises(submission.assignment, catalog)) ids.add(id);
  return [...ids];
}

/** The class table as CSV (RFC 4180): one row per file, sorted by student, then file name. */
export function toCsv(graded, catalog) {
  const columns = columnsOf(graded, catalog);
  const header = ["student", "file", "assignment", "passed", "exercises", ...columns, "disagreements", "solutions seen", "hints seen", "notes"];
  const rows = sortRows(graded).map(({ file, submission, verdicts, notes }) => {
    const assigned = new Set(assignedExercises(submission.assignment, catalog));
    const cells = columns.map((id) => (assigned.has(id) ? status(submission.exercises.get(id), verdicts.get(id)) : ""));
    const disagreements = columns
      .map((id) => [id, assigned.has(id) && disagreement(submission.exercises.get(id), verdicts.get(id))])
      .filter(([, flag]) => flag)
      .map(([id, flag]) => `${id} (${flag})`);
    const entries = [...assigned].map((id) => submission.exercises.get(id)).filter(Boolean);
    return [
      submission.student,
      file,
      submission.assignment.title,
      String(cells.filter((cell) => cell === "passed").length),
      String(assigned.size),
      ...cells,
      disagreements.join("; "),
      entries.filter((entry) => entry.solution).map((entry) => entry.id).join("; "),
      String(entries.reduce((sum, entry) => sum + entry.hints, 0)),
      notes.join(" "),
    ];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function sortRows(graded) {
  return [...graded].sort((a, b) => a.submission.student.localeCompare(b.submission.student, "en") || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A CSV field, quoted when needed; text a spreadsheet would run as a formula is made plain text. */
export function csvField(value) {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
