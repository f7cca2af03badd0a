// Assignment links: what a teacher sends, what a student opens. The link carries ids, text and
// rules only, never code or checks, in the URL's fragment (after #, which browsers never send to
// a server), as base64url-encoded JSON, so it survives being pasted into any learning platform
// or e-mail. Everything in it is data, checked strictly before any page uses it: its size, its
// exact shape, text without markup, and ids that this site's lessons and exercises (course.json)
// really have. Lesson pages opened from an assignment carry the same fragment, so its rules
// (hints, solution, attempts) hold there too.
//
//   assignment.html#a=<base64url(JSON)>, JSON:
//   {"v": 1, "title": "...", "text": "...", "due": "YYYY-MM-DD" or "",
//    "items": [{"lesson": "<id>"} or {"exercise": "<id>"}, ...],
//    "rules": {"hints": true|false, "solution": "never"|"always"|"after", "after": N, "attempts": N (0: no limit)}}

import { SITE_ROOT } from "./site-path.js";

export const FRAGMENT_KEY = "a";
export const MAX_LINK_CHARS = 6_000; // fits the address bar, e-mail and learning platforms, Safari's copy included
export const MAX_TITLE = 120;
export const MAX_TEXT = 2_000;
export const MAX_ITEMS = 60;
export const MAX_COUNT = 100; // for "after N failed attempts" and the attempt limit
export const SOLUTION_RULES = ["never", "always", "after"];
const VERSION = 1;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/; // the build's own id rule (pyground/content.py)
const MARKUP = /<\s*[a-z!/?]|javascript:/i; // a tag, a comment, a script link
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/; // not tab or newline
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KEYS = ["v", "title", "text", "due", "items", "rules"];
const RULE_KEYS = ["hints", "solution", "after", "attempts"];

/** Why an assignment link cannot be used; `message` is for the reader, as text. */
export class LinkError extends Error {}

export const DEFAULT_RULES = { hints: true, solution: "always", after: 3, attempts: 0 };

/** The fragment ("a=...") for an assignment, after checking it as any reader of the link will. */
export function encodeAssignment(assignment, catalog) {
  const checked = checkAssignment(assignment, catalog);
  const json = JSON.stringify({ v: VERSION, ...checked });
  const fragment = `${FRAGMENT_KEY}=${toBase64Url(new TextEncoder().encode(json))}`;
  if (fragment.length > MAX_LINK_CHARS) {
    throw new LinkError(
      `This assignment is too long for a link (${fragment.length.toLocaleString()} characters; at most ` +
        `${MAX_LINK_CHARS.toLocaleString()}). Shorten the instructions or pick whole lessons instead of many exercises.`,
    );
  }
  return fragment;
}

/** The assignment in a fragment ("#a=..." or "a=..."), or null when the fragment holds none.
 * Throws LinkError with a message for the reader when the link is damaged or not allowed. */
export function decodeAssignment(fragment, catalog) {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  if (!text.startsWith(`${FRAGMENT_KEY}=`)) return null;
  if (text.length > MAX_LINK_CHARS) {
    throw new LinkError(
      `This link is too long to be an assignment (${text.length.toLocaleString()} characters; at most ` +
        `${MAX_LINK_CHARS.toLocaleString()}), so it was not opened. Ask your teacher for the link again.`,
    );
  }
  const payload = text.slice(FRAGMENT_KEY.length + 1);
  if (!BASE64URL.test(payload) || payload.length % 4 === 1) throw new LinkError(damaged("it is not valid base64"));
  let json;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(payload));
  } catch {
    throw new LinkError(damaged("its text is not valid UTF-8"));
  }
  let data;
  try {
    data = JSON.parse(json);
  } catch {
    throw new LinkError(damaged("what it carries is not valid JSON"));
  }
  if (!isObject(data) || data.v !== VERSION) {
    throw new LinkError("This link was not made by this site's assignment builder (or by another version of it), so it was not opened.");
  }
  const { v, ...assignment } = data;
  return checkAssignment(assignment, catalog);
}

/** `data` as a clean assignment ({title, text, due, items, rules}) with current ids, or LinkError
 * naming what is wrong. The builder checks with this before it makes a link; every reader after. */
export function checkAssignment(data, catalog) {
  if (!isObject(data)) throw new LinkError(notAssignment("it is not an assignment"));
  const extra = Object.keys(data).filter((key) => !KEYS.includes(key));
  if (extra.length) {
    throw new LinkError(
      `This link carries more than an assignment (${extra.slice(0, 3).map(clip).join(", ")}), so it was not opened. ` +
        "Assignment links carry lesson and exercise ids, text and rules only, never code or checks.",
    );
  }
  const title = plainText(data.title, "title", MAX_TITLE, { lines: false, required: true });
  const text = plainText(data.text ?? "", "instructions", MAX_TEXT, { lines: true });
  const due = data.due ?? "";
  if (typeof due !== "string" || (due && !validDate(due))) throw new LinkError(notAssignment("its due date is not a date"));
  return { title, text, due, items: checkItems(data.items, catalog), rules: checkRules(data.rules) };
}

function checkItems(items, catalog) {
  if (!Array.isArray(items) || items.length === 0) throw new LinkError(notAssignment("it names no lessons or exercises"));
  if (items.length > MAX_ITEMS) throw new LinkError(`This assignment names ${items.length} items; at most ${MAX_ITEMS} fit in one, so it was not opened.`);
  const unknown = [];
  const seen = new Set();
  const clean = [];
  for (const item of items) {
    const keys = isObject(item) ? Object.keys(item) : [];
    const kind = keys[0];
    if (keys.length !== 1 || !["lesson", "exercise"].includes(kind) || typeof item[kind] !== "string" || !ID.test(item[kind])) {
      throw new LinkError(notAssignment("an item is not a lesson or exercise id"));
    }
    const found = kind === "lesson" ? catalog.lesson(item[kind]) : catalog.exercise(item[kind]);
    if (!found) {
      unknown.push(item[kind]);
      continue;
    }
    const key = `${kind}:${found.id}`;
    if (!seen.has(key)) clean.push({ [kind]: found.id }); // an old id (an alias) becomes the current one
    seen.add(key);
  }
  if (unknown.length) {
    throw new LinkError(
      `This assignment names ${unknown.length === 1 ? "a lesson or exercise" : "lessons or exercises"} this site does not have ` +
        `(${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}). It may have been made for another version ` +
        "of the site. Ask your teacher for a new link.",
    );
  }
  return clean;
}

function checkRules(rules) {
  if (!isObject(rules) || Object.keys(rules).some((key) => !RULE_KEYS.includes(key))) throw new LinkError(notAssignment("its rules are not rules"));
  const { hints, solution, after, attempts } = { ...DEFAULT_RULES, ...rules };
  if (typeof hints !== "boolean" || !SOLUTION_RULES.includes(solution) || !count(after, 1) || !count(attempts, 0)) {
    throw new LinkError(notAssignment("its rules are not rules"));
  }
  return { hints, solution, after, attempts };
}

const count = (value, least) => Number.isInteger(value) && value >= least && value <= MAX_COUNT;

/** A string of plain text within `max` characters: no markup, no control characters. */
function plainText(value, what, max, { lines, required = false }) {
  if (typeof value !== "string") throw new LinkError(notAssignment(`its ${what} is not text`));
  const text = value.trim();
  if (required && !text) throw new LinkError(notAssignment(`it has no ${what}`));
  if (text.length > max) throw new LinkError(`This assignment's ${what} is too long (${text.length} characters; at most ${max}).`);
  const problem = textProblem(text, { lines });
  if (problem === "markup") {
    throw new LinkError(`This assignment's ${what} contains markup or a script (such as <b> or javascript:); plain text only, so it was not opened.`);
  }
  if (problem) throw new LinkError(notAssignment(`its ${what} holds control characters`));
  return text;
}

/** What is wrong with text a person typed for others to read: "markup", "control" or null.
 * Pages show such text as text anyway; markup in it is refused so that nobody is misled by it. */
export function textProblem(text, { lines = false } = {}) {
  if (MARKUP.test(text)) return "markup";
  if (CONTROL.test(text) || (!lines && /[\n\t]/.test(text))) return "control";
  return null;
}

function validDate(text) {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const clip = (text) => (text.length > 20 ? `${text.slice(0, 19)}…` : text);
const damaged = (why) => `This assignment link is damaged (${why}), so it was not opened. Copy the whole link again, or ask your teacher for it.`;
const notAssignment = (why) => `This link is not an assignment this site can open (${why}).`;

/** Every exercise id an assignment asks for, in order, each once: whole lessons stand for all their exercises. */
export function assignedExercises(assignment, catalog) {
  const ids = assignment.items.flatMap((item) => ("lesson" in item ? catalog.lesson(item.lesson).exercises : [item.exercise]));
  return [...new Set(ids)];
}

/** The lessons an assignment takes a student to, each once, with the assigned exercises on each. */
export function assignedLessons(assignment, catalog) {
  const lessons = new Map();
  for (const id of assignedExercises(assignment, catalog)) {
    const lesson = catalog.lesson(catalog.exercise(id).lesson);
    if (!lessons.has(lesson.id)) lessons.set(lesson.id, { lesson, exercises: [] });
    lessons.get(lesson.id).exercises.push(catalog.exercise(id));
  }
  for (const item of assignment.items) {
    if ("lesson" in item && !lessons.has(item.lesson)) lessons.set(item.lesson, { lesson: catalog.lesson(item.lesson), exercises: [] });
  }
  return [...lessons.values()];
}

/** The rules in words, one line each. */
export function rulesInWords(rules) {
  const solution = {
    never: "The solutions stay hidden.",
    always: "You may show a solution whenever you like.",
    after: `A solution can be shown after ${rules.after} failed attempt${rules.after === 1 ? "" : "s"} at its exercise, or once you pass it.`,
  }[rules.solution];
  return [
    rules.hints ? "Hints are allowed." : "Hints are switched off.",
    solution,
    rules.attempts ? `Check gives feedback at most ${rules.attempts} time${rules.attempts === 1 ? "" : "s"} per exercise.` : "There is no limit on attempts.",
  ];
}

/** A page's address with this assignment in its fragment. */
export const withAssignment = (url, fragment) => {
  const address = new URL(url, SITE_ROOT);
  address.hash = fragment;
  return address.href;
};

export const assignmentUrl = (fragment) => withAssignment("assignment.html", fragment);

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
