// The learner's progress, kept in this browser and never lost quietly.
//
// One record per block (run cell or exercise), keyed "lessonId/blockId":
//   {schema, lesson, block, code, codeAt, attempts, passed, passedAt, hints, solution, updatedAt}
// plus one per visited lesson (block PAGE) with visitedAt.
// Stored in IndexedDB, else localStorage, else memory (with a visible warning).
// Every name is prefixed with the site's path: all project sites on one
// github.io origin share storage. Writes merge with what is stored (a pass is
// never lost, newer code wins), other tabs hear of every change, and a record
// that cannot be read is set aside under a backup key instead of breaking the page.
import { SITE_ROOT, siteKey } from "./site-path.js";

export const SCHEMA = 1;
export const PAGE = "_page";
const DB_NAME = siteKey("progress");
const STORE = "records";
const EXPORT_FORMAT = "pyground-progress";
const MAX_IMPORT_BYTES = 5_000_000;

/** Combine two versions of a record: newer code wins, a pass is never lost, counts only grow. */
export function merge(a, b) {
  if (!a) return b;
  if (!b) return a;
  const newerCode = (b.codeAt ?? 0) >= (a.codeAt ?? 0) ? b : a;
  return {
    ...a,
    ...b,
    schema: SCHEMA,
    code: newerCode.code,
    codeAt: newerCode.codeAt,
    attempts: Math.max(a.attempts ?? 0, b.attempts ?? 0),
    passed: Boolean(a.passed || b.passed),
    passedAt: a.passedAt && b.passedAt ? Math.min(a.passedAt, b.passedAt) : (a.passedAt ?? b.passedAt),
    hints: Math.max(a.hints ?? 0, b.hints ?? 0),
    solution: Boolean(a.solution || b.solution),
    visitedAt: Math.max(a.visitedAt ?? 0, b.visitedAt ?? 0),
    updatedAt: Math.max(a.updatedAt ?? 0, b.updatedAt ?? 0),
  };
}

/** A stored value made safe to use, or null when it is not a record. Old schemas are migrated here;
 * a newer schema is read only when `newer` allows it (a newer deploy's database, shown read-only). */
export function normalise(value, newer = false) {
  if (!value || typeof value !== "object" || typeof value.lesson !== "string" || typeof value.block !== "string") return null;
  if (typeof value.schema !== "number" || (value.schema > SCHEMA && !newer)) return null;
  const record = {
    schema: SCHEMA,
    lesson: value.lesson,
    block: value.block,
    code: typeof value.code === "string" ? value.code : undefined,
    codeAt: Number(value.codeAt) || 0,
    attempts: Math.max(0, Number(value.attempts) || 0),
    passed: value.passed === true,
    passedAt: Number(value.passedAt) || undefined,
    hints: Math.max(0, Number(value.hints) || 0),
    solution: value.solution === true,
    visitedAt: Number(value.visitedAt) || 0,
    updatedAt: Number(value.updatedAt) || 0,
  };
  return record;
}

const keyOf = (lesson, block) => `${lesson}/${block}`;

class MemoryBackend {
  name = "memory";
  records = new Map();
  async all() {
    return [...this.records.values()];
  }
  async update(key, change) {
    const record = change(this.records.get(key));
    this.records.set(key, record);
    return record;
  }
}

const NEWER_SITE =
  "A newer version of this site, open in another tab, has upgraded your saved progress. " +
  "Reload this page to keep saving: your work is safe, and what you do here is kept on this page until then.";

const DELETED =
  "Something deleted this site's saved progress in this browser (code from a link, or clearing site data). " +
  "Reload the page to keep saving; what you do here is kept on this page until then.";

/** Thrown instead of writing when this page's copy of the site is older than the database. */
class ReloadNeeded extends Error {
  name = "ReloadNeeded";
}

class IndexedDbBackend {
  name = "indexeddb";
  constructor(db, progress, { readOnly = false } = {}) {
    this.db = db;
    this.readOnly = readOnly;
    // A newer deploy in another tab wants to upgrade: save what is pending, let it go ahead, ask to reload.
    db.onversionchange = (event) => {
      progress.dispatchEvent(new Event("closing")); // listeners save synchronously, before the close
      db.close();
      this.readOnly = true;
      progress.warn(event.newVersion === null ? DELETED : NEWER_SITE); // null: the database is being deleted
    };
  }

  static open(progress) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, SCHEMA);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => resolve(new IndexedDbBackend(request.result, progress));
      request.onerror = () => {
        if (request.error?.name !== "VersionError") return reject(request.error);
        // A newer deploy upgraded the database: show what it holds (never an empty page), write nothing.
        progress.warn(NEWER_SITE);
        IndexedDbBackend.openCurrent(progress).then(resolve, reject);
      };
      // An old tab still holds the database open; it is asked to close (onversionchange), so wait.
      request.onblocked = () => console.warn("Progress database upgrade waits for another tab of this site to close it.");
    });
  }

  static openCurrent(progress) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME); // whatever version it has now
      request.onsuccess = () => resolve(new IndexedDbBackend(request.result, progress, { readOnly: true }));
      request.onerror = () => reject(request.error);
    });
  }

  transaction(mode, work) {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(STORE, mode);
      let result;
      const fail = (error) => {
        reject(error);
        tx.abort();
      };
      work(tx.objectStore(STORE), (value) => (result = value), fail);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
    });
  }
  all() {
    if (!this.db.objectStoreNames.contains(STORE)) return Promise.resolve([]);
    return this.transaction("readonly", (store, done) => {
      const request = store.openCursor();
      const records = [];
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return done(records);
        records.push({ key: cursor.key, value: cursor.value });
        cursor.continue();
      };
    });
  }
  /** Read, change and write one record in a single transaction, so two tabs cannot interleave. */
  update(key, change) {
    if (this.readOnly) return Promise.reject(new ReloadNeeded(NEWER_SITE));
    return this.transaction("readwrite", (store, done, fail) => {
      const request = store.get(key);
      request.onsuccess = () => {
        try {
          const record = change(normalise(request.result) ?? undefined);
          store.put(record, key);
          done(record);
        } catch (error) {
          fail(error); // e.g. QuotaExceededError thrown by put()
        }
      };
    });
  }
  setAside(key, value) {
    if (this.readOnly) return Promise.resolve(); // a newer site's record: not ours to judge
    return this.transaction("readwrite", (store) => {
      store.put(value, `corrupt/${Date.now()}/${key}`);
      store.delete(key);
    });
  }
}

class LocalStorageBackend {
  name = "localstorage";
  prefix = siteKey("progress/");
  static open() {
    const probe = siteKey("probe");
    localStorage.setItem(probe, "1"); // throws when storage is disabled
    localStorage.removeItem(probe);
    return new LocalStorageBackend();
  }
  async all() {
    const entries = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(this.prefix)) continue; // never read, let alone touch, other keys
      let value;
      try {
        value = JSON.parse(localStorage.getItem(key));
      } catch {
        value = localStorage.getItem(key);
      }
      entries.push({ key: key.slice(this.prefix.length), value });
    }
    return entries;
  }
  async update(key, change) {
    let current;
    try {
      current = normalise(JSON.parse(localStorage.getItem(this.prefix + key))) ?? undefined;
    } catch {
      current = undefined;
    }
    const record = change(current);
    localStorage.setItem(this.prefix + key, JSON.stringify(record));
    return record;
  }
  async setAside(key, value) {
    localStorage.setItem(siteKey(`corrupt/${Date.now()}/${key}`), typeof value === "string" ? value : JSON.stringify(value));
    localStorage.removeItem(this.prefix + key);
  }
}

export class Progress extends EventTarget {
  constructor() {
    super();
    this.records = new Map(); // what this page knows, always complete even when storage fails
    this.writes = new Set(); // writes to storage under way
    this.backend = null;
    this.warning = "";
    this.channel = "BroadcastChannel" in globalThis ? new BroadcastChannel(DB_NAME) : null;
    this.channel?.addEventListener("message", ({ data }) => this.receive(data));
  }

  /** Open storage and load every record. Never throws: problems become `warning`. */
  async open() {
    for (const open of [() => IndexedDbBackend.open(this), () => LocalStorageBackend.open()]) {
      try {
        this.backend = await open();
        break;
      } catch (error) {
        console.warn("Progress storage unavailable:", error);
      }
    }
    if (!this.backend) {
      this.backend = new MemoryBackend();
      this.warn("This browser is not letting the site store anything, so your progress will not be saved. Use Export to keep a copy.");
    }
    try {
      for (const { key, value } of await this.backend.all()) {
        const record = normalise(value, this.backend.readOnly);
        if (record) this.records.set(key, record);
        else await this.backend.setAside?.(key, value); // kept aside, never deleted outright
      }
    } catch (error) {
      this.warn("Saved progress could not be read; it has been left as it is. Your new work is kept on this page.");
      console.warn(error);
    }
    return this;
  }

  warn(message) {
    this.warning = message;
    this.dispatchEvent(new CustomEvent("warning", { detail: message }));
  }

  get(lesson, block) {
    return this.records.get(keyOf(lesson, block));
  }

  /** Apply `change` to a block's record, in memory at once and in storage (merged) after. */
  async update(lesson, block, change) {
    const key = keyOf(lesson, block);
    const now = Date.now();
    const local = { ...(this.records.get(key) ?? { schema: SCHEMA, lesson, block }), ...change, updatedAt: now };
    this.records.set(key, local);
    this.dispatchEvent(new CustomEvent("updated", { detail: local })); // shown at once, saved or not
    const write = this.backend.update(key, (current) => merge(current, local));
    this.writes.add(write);
    try {
      const stored = await write;
      this.records.set(key, stored);
      this.channel?.postMessage({ key, record: stored });
      this.askToPersist();
      return stored;
    } catch (error) {
      console.warn("Saving progress failed:", error);
      this.warn(
        error?.name === "ReloadNeeded"
          ? error.message
          : error?.name === "QuotaExceededError"
            ? "Storage is full, so your latest work is only kept on this page. Export your progress to keep a copy."
            : "Your latest work could not be saved in this browser; it is kept on this page. Export your progress to keep a copy.",
      );
      return local;
    } finally {
      this.writes.delete(write);
    }
  }

  /** Save everything now and wait until it is stored: before the page reloads itself.
   * "closing" asks the page's blocks to save what they have pending (as when the database closes). */
  async flush() {
    this.dispatchEvent(new Event("closing"));
    await Promise.allSettled([...this.writes]);
  }

  /** Carry a renamed lesson's saved cell code over to its current id (exercises need no
   * copying: they are found by id, see `exercise`). The old records stay: nothing saved is deleted. */
  async carryOver(lesson, aliases = []) {
    for (const record of [...this.records.values()]) {
      if (!aliases.includes(record.lesson) || this.get(lesson, record.block)) continue;
      await this.update(lesson, record.block, { ...record, lesson });
    }
  }

  /** An exercise's saved work, wherever it was saved: exercise ids are unique across the course,
   * so the record follows an exercise moved to another lesson, and `aliases` (its earlier ids)
   * fold a renamed exercise's records into one. */
  exercise(id, aliases = []) {
    const ids = new Set([id, ...aliases]);
    let found;
    for (const record of this.records.values()) if (ids.has(record.block)) found = merge(found, record);
    return found && { ...found, block: id };
  }

  /** How many of `exercises` ({id: [aliases]}) are passed: each current exercise counts once. */
  passedCount(exercises) {
    return Object.entries(exercises).filter(([id, aliases]) => this.exercise(id, aliases)?.passed).length;
  }

  receive({ key, record }) {
    const incoming = normalise(record);
    if (!incoming) return;
    const merged = merge(this.records.get(key), incoming);
    this.records.set(key, merged);
    this.dispatchEvent(new CustomEvent("change", { detail: merged }));
  }

  askToPersist() {
    if (this.persistAsked) return;
    this.persistAsked = true;
    navigator.storage?.persist?.().catch(() => {});
  }

  export() {
    return {
      format: EXPORT_FORMAT,
      schema: SCHEMA,
      site: SITE_ROOT.pathname,
      exportedAt: new Date().toISOString(),
      records: [...this.records.values()],
    };
  }

  /** Merge an exported file's records into this browser's; returns how many were read. */
  async import(text) {
    if (text.length > MAX_IMPORT_BYTES) throw new Error("That file is too large to be a Pyground progress file.");
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      throw new Error("That file is not a Pyground progress file (it is not valid JSON).");
    }
    if (data?.format !== EXPORT_FORMAT || !Array.isArray(data.records)) {
      throw new Error("That file is not a Pyground progress file.");
    }
    if (data.schema > SCHEMA) throw new Error("That file comes from a newer version of this site; reload the page and try again.");
    const records = data.records.map(normalise).filter(Boolean);
    for (const record of records) {
      const key = keyOf(record.lesson, record.block);
      const merged = merge(this.records.get(key), record);
      this.records.set(key, merged);
      try {
        this.records.set(key, await this.backend.update(key, (current) => merge(current, merged)));
      } catch (error) {
        this.warn("Some imported progress could not be saved in this browser; it is kept on this page.");
      }
      this.dispatchEvent(new CustomEvent("change", { detail: this.records.get(key) }));
    }
    return records.length;
  }
}

let shared = null;
/** The page's progress store, opened once. */
export function openProgress() {
  shared ??= new Progress().open();
  return shared;
}
