// Site search in the header: lessons and their sections, found by their prose (the build
// indexes prose and headings only, never code, checks or solutions: pyground/search.py).
// The index is lunr.js's, made at build time; the service worker keeps it for offline use.
// Each typed word is searched as a prefix and every word must match. Results are a listbox
// under the field: arrow keys move, Enter opens, Escape closes; "/" focuses the field.
// Text from the index is inserted as text only.
import { SITE_ROOT } from "./site-path.js";

const INDEX_URL = new URL("search-index.json", SITE_ROOT);
const LUNR_URL = new URL("runtime/lunr/lunr.min.js", SITE_ROOT);
const MAX_RESULTS = 10;
const MIN_WORD = 2;
const EXCERPT_BEFORE = 60; // characters of context before the first match
const EXCERPT_LENGTH = 180;

let loading = null;

/** lunr.js (a classic script, not a module) and the index; loaded once, on first use. */
function loadSearch() {
  loading ??= Promise.all([
    new Promise((resolve, reject) => {
      if (globalThis.lunr) return resolve();
      const script = document.createElement("script");
      script.src = LUNR_URL.href;
      script.onload = resolve;
      script.onerror = () => reject(new Error("the search library could not be loaded"));
      document.head.append(script);
    }),
    fetch(INDEX_URL).then((response) => {
      if (!response.ok) throw new Error(`the search index could not be loaded (${response.status})`);
      return response.json();
    }),
  ]).then(([, data]) => new Search(data));
  loading.catch(() => (loading = null)); // try again next time
  return loading;
}

export class Search {
  constructor({ word, docs, index }) {
    this.word = new RegExp(word, "gu");
    this.docs = docs;
    this.index = globalThis.lunr.Index.load(index);
  }

  /** The words of `query` to search for: lowercased, of two letters or more (one letter, as a prefix,
   * matches nearly everything), stop words left out except the word being typed. */
  terms(query) {
    const words = (query.toLowerCase().match(this.word) ?? []).filter((word) => word.length >= MIN_WORD);
    const typing = !/\s$/.test(query);
    return words.filter(
      (word, i) => (typing && i === words.length - 1) || globalThis.lunr.stopWordFilter(new globalThis.lunr.Token(word)),
    );
  }

  /** Up to MAX_RESULTS {doc, matched: Set of index words} for `query`, best first. */
  search(query) {
    const terms = this.terms(query);
    if (!terms.length) return [];
    const { Query } = globalThis.lunr;
    const hits = this.index.query((q) => {
      for (const term of terms) {
        q.term(term, { wildcard: Query.wildcard.TRAILING, presence: Query.presence.REQUIRED, usePipeline: false });
      }
    });
    return hits.slice(0, MAX_RESULTS).map((hit) => ({
      doc: this.docs[Number(hit.ref)],
      matched: new Set(Object.keys(hit.matchData.metadata)),
    }));
  }

  /** Pieces of `text` around its first matched word: [{text, mark}], marks for every matched word. */
  excerpt(text, matched) {
    const found = [...text.matchAll(this.word)].filter((m) => matched.has(m[0].toLowerCase()));
    const first = found[0]?.index ?? 0;
    let start = Math.max(0, first - EXCERPT_BEFORE);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    let end = Math.min(text.length, start + EXCERPT_LENGTH);
    if (end < text.length) end = text.lastIndexOf(" ", end) > first ? text.lastIndexOf(" ", end) : end;
    const pieces = start > 0 ? [{ text: "…" }] : [];
    let at = start;
    for (const m of found) {
      if (m.index < start || m.index + m[0].length > end) continue;
      pieces.push({ text: text.slice(at, m.index) }, { text: m[0], mark: true });
      at = m.index + m[0].length;
    }
    pieces.push({ text: text.slice(at, end) });
    if (end < text.length) pieces.push({ text: "…" });
    return pieces;
  }
}

function highlighted(pieces) {
  const span = document.createElement("span");
  for (const piece of pieces) {
    if (piece.mark) {
      const mark = document.createElement("mark");
      mark.textContent = piece.text;
      span.append(mark);
    } else {
      span.append(piece.text);
    }
  }
  return span;
}

class SearchBox {
  constructor(root) {
    this.root = root;
    this.input = root.querySelector("[data-search-input]");
    this.list = root.querySelector("[data-search-results]");
    this.status = root.querySelector("[data-search-status]");
    this.active = -1;
    this.results = [];
    root.hidden = false;
    this.input.addEventListener("focus", () => loadSearch().catch(() => {}), { once: true });
    this.input.addEventListener("input", () => this.update());
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("blur", () => setTimeout(() => !root.contains(document.activeElement) && this.close(), 150));
    this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the field
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.open(Number(option.dataset.index));
    });
  }

  async update() {
    const query = this.input.value;
    let search;
    try {
      search = await loadSearch();
    } catch (error) {
      this.status.textContent = `Search is unavailable: ${error.message}.`;
      return;
    }
    if (query !== this.input.value) return; // a newer keystroke is on its way
    this.results = search.search(query);
    this.render(search, query, search.terms(query).length > 0);
  }

  render(search, query, searched) {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const options = this.results.map(({ doc, matched }, index) => {
      const option = document.createElement("li");
      option.id = `search-result-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = index;
      const title = document.createElement("span");
      title.className = "search-title";
      title.textContent = doc.heading ? `${doc.lesson} › ${doc.heading}` : doc.lesson;
      const excerpt = highlighted(search.excerpt(doc.text, matched));
      excerpt.className = "search-excerpt";
      option.append(title, excerpt);
      return option;
    });
    this.list.replaceChildren(...options);
    const show = query.trim() !== "";
    this.list.hidden = !show;
    this.input.setAttribute("aria-expanded", String(show));
    const none = searched ? "No lesson matches." : "Keep typing: words of two letters or more are searched (not common ones like “the”).";
    if (show && !options.length) {
      const item = document.createElement("li");
      item.className = "search-none";
      item.textContent = none;
      this.list.append(item);
    }
    this.status.textContent = !show ? "" : options.length ? `${options.length} result${options.length === 1 ? "" : "s"}.` : none;
    this.root.dataset.searched = query;
  }

  key(event) {
    const count = this.results.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!count) return;
      event.preventDefault();
      const down = event.key === "ArrowDown";
      // Past the last result (or above the first) the focus is back in the field, nothing chosen.
      this.select(down ? (this.active + 1 < count ? this.active + 1 : -1) : this.active === -1 ? count - 1 : this.active - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (count) this.open(Math.max(this.active, 0));
    } else if (event.key === "Escape") {
      if (this.list.hidden) this.input.value = "";
      this.close();
    }
  }

  /** Make option `index` the active one (-1: none). */
  select(index) {
    const options = this.list.querySelectorAll("[role=option]");
    this.active = index;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    if (this.active < 0) return this.input.removeAttribute("aria-activedescendant");
    this.input.setAttribute("aria-activedescendant", options[this.active].id);
    options[this.active].scrollIntoView({ block: "nearest" });
  }

  open(index) {
    const result = this.results[index];
    if (result) location.assign(new URL(result.doc.url, SITE_ROOT).href);
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}

/** "/" focuses the search field, unless the learner is typing somewhere (an editor, a field). */
function focusOnSlash(input) {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest?.("input, textarea, select, [contenteditable=''], [contenteditable=true], .cm-editor")) return;
    event.preventDefault();
    input.focus();
  });
}

const root = document.querySelector("[data-search]");
if (root) focusOnSlash(new SearchBox(root).input);
