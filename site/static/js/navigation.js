// Instant navigation between lessons, as Material for MkDocs does it: a click on a link to
// another lesson of this site fetches that page and swaps its lesson into this one, so the
// Python worker this page started goes on to the next lesson (lesson.js) instead of a new
// one taking seconds to start. What a page load gives is kept: an address per lesson
// (history.pushState), Back and Forward with their scroll positions, #anchors, the title,
// and the focus on the new lesson's heading, which screen readers then announce.
// Anything else (another kind of page, another build of the site, a failed fetch or
// swap) becomes a normal page load, so nothing is ever worse than without this. So does a
// lesson that needs an interpreter of its own when a load makes it cross-origin isolated
// (isolation.js): it starts a new interpreter either way, and its board and Stop work better.
import { isolated, serviceWorkerActive } from "./isolation.js";
import { SITE_ROOT } from "./site-path.js";

// What differs between two lesson pages of one build; the rest (header, search, footer) stays.
const SWAPPED = ['meta[name="description"]', "#lesson-config", ".site-nav", "main"];
const ALIGN_FRAMES = 10; // a restored position is kept for at most this many frames while the page renders
const SCROLL_SAVE_MS = 150; // the scroll position is saved in the history entry this long after scrolling

/** Swap lessons in on link clicks and Back/Forward. `leave()` ends the lesson on the page (saves
 * the learner's work, stops what runs); `enter()` wires the lesson just swapped in. */
export function enableInstantNavigation({ leave, enter }) {
  history.scrollRestoration = "manual"; // restored here, once the lesson it belongs to is in place
  if (history.state?.scroll) scrollToSaved(history.state.scroll); // a reload of a lesson reached by a swap
  let shown = new URL(location.href);
  let queue = Promise.resolve(); // one navigation at a time, in the order asked
  let saving;
  const pages = new Map(); // url -> its page, fetched when the pointer or the focus reached its link

  const saveScroll = () => {
    clearTimeout(saving);
    history.replaceState({ ...history.state, scroll: scrollPlace() }, "");
  };
  const saveScrollSoon = () => {
    clearTimeout(saving);
    saving = setTimeout(saveScroll, SCROLL_SAVE_MS);
  };
  addEventListener("scroll", saveScrollSoon, { passive: true });

  async function go(url, { push, scroll }) {
    let committed = !push; // once the address is the new lesson's, only a reload can fall back
    const load = () => (committed ? location.reload() : location.assign(url));
    try {
      const page = (await pages.get(url.href)) ?? (await fetchPage(url));
      pages.clear();
      if (!swappable(page, url) || (await isolatedByLoading(page))) return load();
      await leave();
      if (push) {
        history.pushState({}, "", url); // first: the new lesson's relative links resolve from here
        committed = true;
      }
      await swap(page, url);
      shown = new URL(location.href);
      await enter();
      show(url, scroll);
    } catch (error) {
      console.warn(`Loading ${url.href} as a new page:`, error);
      load();
    }
  }
  const navigate = (url, options) => (queue = queue.then(() => go(url, options)));

  document.addEventListener("click", (event) => {
    const url = lessonLink(event.target);
    if (!url || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    saveScroll();
    navigate(url, { push: true });
  });
  // The page is likely wanted when the pointer or the focus reaches its link: start fetching it.
  const prefetch = (event) => {
    const url = lessonLink(event.target);
    if (url && !pages.has(url.href)) pages.set(url.href, fetchPage(url).catch(() => null));
  };
  document.addEventListener("pointerover", prefetch);
  document.addEventListener("focusin", prefetch);

  addEventListener("popstate", (event) => {
    clearTimeout(saving); // the entry is already the new one: it must not get the last one's position
    const url = new URL(location.href);
    if (samePage(url, shown)) scrollToPlace(url, event.state?.scroll); // another #anchor of the same lesson
    else navigate(url, { push: false, scroll: event.state?.scroll });
  });
}

/** The URL of a link to another page of this site that may be a lesson, or null. */
function lessonLink(target) {
  const link = target instanceof Element && target.closest("main a[href]");
  if (!link || link.target || link.hasAttribute("download")) return null;
  const url = new URL(link.href);
  const ours = url.origin === location.origin && url.pathname.startsWith(SITE_ROOT.pathname) && url.pathname.endsWith(".html");
  return ours && !samePage(url, new URL(location.href)) ? url : null;
}

const samePage = (a, b) => a.pathname === b.pathname && a.search === b.search;

async function fetchPage(url) {
  const response = await fetch(url, { headers: { Accept: "text/html" } });
  const type = response.headers.get("Content-Type") ?? "";
  if (!response.ok || response.redirected || !type.startsWith("text/html")) {
    throw new Error(`not a page (${response.status} ${type})`);
  }
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

const buildOf = (page) => page.querySelector('meta[name="build-id"]')?.content;
const resolved = (page, selector, attribute, base) =>
  [...page.querySelectorAll(selector)].map((element) => new URL(element.getAttribute(attribute), base).href);

/** Whether `page` (at `url`) is a lesson this page can show: the same build, the same scripts. */
function swappable(page, url) {
  const scripts = (doc, base) => resolved(doc, "script[src]", "src", base).join(" ");
  return (
    buildOf(document) !== undefined &&
    buildOf(page) === buildOf(document) &&
    scripts(page, url) === scripts(document, location.href) &&
    SWAPPED.every((selector) => page.querySelector(selector) && document.querySelector(selector))
  );
}

/** Whether `page` is a lesson with an interpreter of its own (another kind, a board) that a page load
 * would make isolated: this page is not, and the service worker that isolates pages is active. */
async function isolatedByLoading(page) {
  if (isolated || !(await serviceWorkerActive())) return false;
  const config = (doc) => JSON.parse(doc.getElementById("lesson-config").textContent);
  const [shown, next] = [config(document), config(page)];
  return next.interpreter !== shown.interpreter || Boolean(next.board || shown.board);
}

/** Put `page`'s lesson in place of the one shown; its style sheets first, so it never shows unstyled. */
async function swap(page, url) {
  const sheet = 'link[rel="stylesheet"]';
  const wanted = resolved(page, sheet, "href", url);
  const present = [...document.querySelectorAll(sheet)];
  const loads = wanted
    .filter((href) => !present.some((link) => link.href === href))
    .map((href) => {
      const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
      document.head.append(link);
      return new Promise((resolve, reject) => {
        link.onload = resolve;
        link.onerror = () => reject(new Error(`${href} did not load`));
      });
    });
  await Promise.all(loads);
  for (const link of present) if (!wanted.includes(link.href)) link.remove();
  // The fetched page was parsed without scripting, so its <noscript> text would show.
  for (const element of page.querySelectorAll("main noscript")) element.remove();
  document.title = page.title;
  for (const selector of SWAPPED) document.querySelector(selector).replaceWith(document.adoptNode(page.querySelector(selector)));
}

/** Scroll where the learner expects: a saved position, else the #anchor, else the top. */
function scrollToPlace(url, scroll) {
  const anchor = url.hash ? document.getElementById(decodeURIComponent(url.hash.slice(1))) : null;
  if (scroll !== undefined) scrollToSaved(scroll);
  else if (anchor) anchor.scrollIntoView();
  else scrollTo(0, 0);
  return anchor;
}

// The lesson's elements a saved position is counted from: its prose and the parts of its blocks, but
// not what stays on the screen (the sticky runtime bar) or is not shown (<noscript>, gone after a swap).
const PLACES = "main article > :not([data-block], noscript), main [data-block] > *";
const places = () =>
  [...document.querySelectorAll(PLACES)].filter((element) => !["sticky", "fixed"].includes(getComputedStyle(element).position));

/** Where the page is scrolled: the first of the lesson's elements still on the screen and how far above
 * the screen's top it starts. Unlike scrollY, this survives heights that change above it: a code editor
 * is a textarea until it nears the screen (editor.js), and the two may wrap lines differently. */
function scrollPlace() {
  const elements = places();
  const index = elements.findIndex((element) => element.getBoundingClientRect().bottom > 0);
  return index < 0 ? { y: scrollY } : { y: scrollY, index, top: elements[index].getBoundingClientRect().top };
}

function scrollToSaved(place) {
  const { y, index, top } = typeof place === "number" ? { y: place } : place; // a number: an entry of an older build
  const element = index === undefined ? null : places()[index];
  if (!element) return scrollTo(0, y ?? 0);
  // What lies above it has its real height only once the page has rendered it (content-visibility in
  // site.css): aligned again at the next frames, until it stays where it was.
  let frames = 0;
  const align = () => {
    const off = element.getBoundingClientRect().top - top;
    if (Math.abs(off) < 1 && frames > 1) return;
    scrollBy(0, off);
    if (++frames < ALIGN_FRAMES) requestAnimationFrame(align);
  };
  align();
}

/** Show the lesson just swapped in: scrolled into place, with the focus on the anchor's element or the
 * lesson's heading, so a screen reader reads out where the learner now is. */
function show(url, scroll) {
  const target = scrollToPlace(url, scroll) ?? document.querySelector("main h1");
  if (!target) return;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}
