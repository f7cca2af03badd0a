// Pyground's service worker (rendered by the build; do not edit the copy in _site/).
// 1. Cross-origin isolation on hosts that cannot send headers (GitHub Pages): pages and
//    worker scripts it serves get COOP/COEP, so the page can share memory with the Python
//    worker (Stop that interrupts, input() that blocks). Everything else passes through as
//    the network or the cache gave it: a response rebuilt here would lose the browser's
//    compiled-code cache (the runtime's wasm and JavaScript compile again on every page).
// 2. Offline: files that never change under their URL (the pinned runtime; our own files,
//    in a folder named by their content hash) are served cache-first, each downloaded once
//    even when the page and its worker ask at the same time; pages and data network-first,
//    falling back to the cache, so visited lessons work offline.
// No skipWaiting(): a new version waits until the open tabs are closed; they offer a reload
// meanwhile (updates.js), and until then keep their own version's files.
const RUNTIME_CACHE = "pyground-runtime-{{ runtime_id }}";
const STATIC_CACHE = "pyground-{{ static_dir }}";
const SITE_CACHE = "pyground-site-{{ build_id }}";
const SCOPE = new URL(self.registration.scope);
const RUNTIME_PATH = new URL("{{ runtime_dir }}/", SCOPE).pathname;
const STATIC_PATH = new URL("{{ static_dir }}/", SCOPE).pathname;
const CURRENT = [RUNTIME_CACHE, STATIC_CACHE, SITE_CACHE];
// What each page is, so the offline notice can name what was asked for.
const PAGE_NAMES = {{ page_names|tojson }};

// Fetched once this worker is active, so they work offline from the first visit: search's index
// and library, and all our own files (a tab of this build then keeps finding them after a redeploy
// removed them from the host). Not waited for: they must not hold up the first page's own requests (and,
// in a browser that reloads a first visit for isolation, that reload). Best effort: a file that cannot be
// fetched now is cached when it is first used.
const PRECACHE = {{ precache|tojson }};

self.addEventListener("install", (event) => {
  // Where the browser can (static routing), our files come from the cache, else the network,
  // without this worker in the way: a first visit's page loads them as fast as without one.
  // Not a worker's scripts: they need the isolation headers that only this worker adds (an isolated
  // page's worker whose script has none fails to start).
  const ours = new URLPattern({ pathname: `${STATIC_PATH}*` });
  const routes = ["script", "style", "image", "font", "empty"].map((requestDestination) => ({
    condition: { urlPattern: ours, requestMethod: "get", requestDestination },
    source: { cacheName: cacheName(STATIC_CACHE) },
  }));
  event.waitUntil(Promise.resolve(event.addRoutes?.(routes)).catch(() => {}));
});

self.addEventListener("activate", (event) => {
  // Drop this site's caches from older deploys; never touch other sites' caches on the same origin.
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith(`${SCOPE.pathname}:`) && !CURRENT.some((current) => name === cacheName(current)))
          .map((name) => caches.delete(name)),
      ),
    ),
  );
  for (const path of PRECACHE) {
    const url = new URL(path, SCOPE);
    cacheFirst(new Request(url), cacheFor(url)).then((response) => response.body?.cancel(), () => {});
  }
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  const name = cacheFor(url);
  const response = name === SITE_CACHE ? networkFirst(event.request) : cacheFirst(event.request, name);
  event.respondWith(needsIsolation(event.request) ? response.then(isolate) : response);
});

const cacheName = (name) => `${SCOPE.pathname}:${name}`;

function cacheFor(url) {
  if (url.pathname.startsWith(RUNTIME_PATH)) return RUNTIME_CACHE;
  return url.pathname.startsWith(STATIC_PATH) ? STATIC_CACHE : SITE_CACHE;
}

// Downloads under way, by URL: a second request for the same file (the page's pre-download
// and its worker's) waits for the first to be stored, instead of downloading it again.
const downloads = new Map();

async function cacheFirst(request, name) {
  const cache = await caches.open(cacheName(name));
  const hit = await cache.match(request);
  if (hit) return hit;
  const other = downloads.get(request.url);
  if (other) return other.then(async () => (await cache.match(request)) ?? fetch(request));
  const response = fetch(request);
  // Cloned before the page reads the body: this reaction is attached first.
  const stored = response.then((r) => r.ok && cache.put(request, r.clone())).catch(() => {});
  downloads.set(request.url, stored);
  stored.finally(() => downloads.delete(request.url));
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(cacheName(SITE_CACHE));
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (hit) return hit;
    if (request.mode === "navigate") return offlinePage(request.url);
    throw error;
  }
}

// A document or a worker's script: what decides whether the page (or worker) is isolated.
// Its subresources, all from this origin, need no headers (COEP only restricts other origins).
const needsIsolation = (request) => ["document", "iframe", "worker", "sharedworker"].includes(request.destination);

function isolate(response) {
  if (response.status === 0) return response; // opaque: cannot be rewrapped
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function offlinePage(url) {
  let path = new URL(url).pathname.slice(SCOPE.pathname.length);
  if (path === "" || path.endsWith("/")) path += "index.html";
  const what = PAGE_NAMES[path] ?? "This page";
  const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html =
    '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<link rel="icon" href="${STATIC_PATH}favicon.svg">` + // cached with our files (else the browser asks for /favicon.ico)
    "<title>Offline</title><main style=\"font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem\">" +
    `<h1>You are offline</h1><p>${escape(what)} has not been opened on this device before, so it is not saved for offline use. ` +
    "Pages you have opened before still work. Connect to the internet and reload to open this one.</p></main>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
