// A lesson page opened from an assignment (its address ends in #a=..., as the assignment page
// links it): the assignment's rules hold for its exercises on this page. Hints may be switched
// off; the solution shown always, never, or after some failed attempts; Check limited to a
// number of attempts. The rules are kept by this page, in the student's browser: they guide, they
// cannot lock anything away (the submission reports attempts, hints and solutions seen honestly).
import { assignedExercises, assignmentUrl, decodeAssignment, rulesInWords } from "./assignment-link.js";
import { loadCatalog } from "./catalog.js";
import { ExerciseCell } from "./cell.js";

/** What the assignment in this page's address changes, or null when there is none:
 * `cell(section, context)` makes the exercise block for an assigned exercise (else null). */
export async function assignmentOnPage() {
  const notice = document.querySelector("[data-assignment-notice]");
  if (!notice || !location.hash.startsWith("#a=")) return null;
  let assignment, catalog;
  try {
    catalog = await loadCatalog();
    assignment = decodeAssignment(location.hash, catalog);
  } catch (error) {
    notice.textContent = `This page was opened from an assignment link that cannot be used, so the lesson works as usual. ${error.message}`;
    notice.hidden = false;
    return null;
  }
  const ids = new Set(assignedExercises(assignment, catalog));
  const link = document.createElement("a");
  link.href = assignmentUrl(location.hash.slice(1));
  link.textContent = assignment.title;
  notice.replaceChildren("Assignment: ", link, `. For its exercises on this page: ${rulesInWords(assignment.rules).join(" ")}`);
  notice.hidden = false;
  return {
    cell: (section, context) => (ids.has(section.dataset.exercise) ? new AssignedExercise(section, context, assignment.rules) : null),
  };
}

class AssignedExercise extends ExerciseCell {
  constructor(section, context, rules) {
    super(section, { ...context, rules: { hints: rules.hints, solution: rules.solution !== "never" } });
    this.assignment = rules;
    this.section.dataset.assigned = "true";
    this.note = document.createElement("p");
    this.note.className = "assignment-rule";
    this.note.dataset.assignmentRule = "";
    this.section.querySelector(".cell-bar").after(this.note);
    this.applyRules();
  }

  get attempts() {
    return this.record.attempts ?? 0;
  }

  solutionAllowed() {
    const { solution, after } = this.assignment;
    return solution === "always" || (solution === "after" && (Boolean(this.record.passed) || this.attempts >= after));
  }

  outOfAttempts() {
    return this.assignment.attempts > 0 && this.attempts >= this.assignment.attempts;
  }

  /** Show what the rules allow now, and say so next to the buttons. */
  applyRules() {
    const { attempts: limit, solution, after } = this.assignment;
    const notes = [];
    if (limit) {
      const left = Math.max(0, limit - this.attempts);
      notes.push(left ? `${left} of ${limit} checks left in this assignment.` : `You have used all ${limit} checks this assignment allows for this exercise.`);
    }
    if (solution === "after" && !this.solutionAllowed()) {
      notes.push(`The solution can be shown after ${after} failed attempt${after === 1 ? "" : "s"} (${this.attempts} so far).`);
    }
    this.runButton.disabled = this.outOfAttempts();
    this.solutionButton.hidden = !this.solutionAllowed();
    this.note.textContent = notes.join(" ");
    this.note.hidden = notes.length === 0;
  }

  async run() {
    if (this.outOfAttempts()) return this.applyRules();
    await super.run();
    this.applyRules();
  }

  revealNextHint() {
    return this.assignment.hints ? super.revealNextHint() : false;
  }

  revealSolution() {
    if (this.solutionAllowed()) super.revealSolution();
  }

  restore(record) {
    super.restore(record);
    this.applyRules();
  }
}
