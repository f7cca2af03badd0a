"""A local static server for the built site, with a rebuild when sources change.

It serves what a static host serves, with the two MIME types Python's
http.server gets wrong on some systems (.mjs, .wasm), optionally under a
sub-path (to try a GitHub Pages project site) and optionally with the
cross-origin isolation headers a static host cannot send. With live reload
(`build.py serve`), every page it serves gets a small script that reloads it
when a rebuild finishes; the built files themselves never contain it.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


LIVE_SCRIPT = """// Live reload, added by `build.py serve` only: reload this page when a rebuild has finished.
const stamp = new URL("__live", import.meta.url);
let seen = null;
async function poll() {
  try {
    const now = await (await fetch(stamp, { cache: "no-store" })).text();
    if (seen !== null && now !== seen) return location.reload();
    seen = now;
    document.documentElement.dataset.liveReload = "on";
  } catch {
    // the server is restarting: try again
  }
  setTimeout(poll, 1000);
}
poll();
"""


class LiveReload:
    """The stamp pages poll: it changes whenever a rebuild finishes."""

    def __init__(self) -> None:
        self.bump()

    def bump(self) -> None:
        self.stamp = str(time.time_ns())


class SiteHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    prefix = "/"
    isolate = False
    # Always revalidate by default, so an edit shows on reload; "max-age=600" is what GitHub Pages sends.
    cache_control = "no-cache"
    log: list[tuple[str, int]] | None = None  # when a list: (path, status) of every answer (benchmarks count downloads)
    live: LiveReload | None = None
    quiet = False  # True: log nothing (a check whose lessons request missing pages on purpose)
    # Headers and body go out in separate writes: without TCP_NODELAY each small answer
    # waits ~40 ms for the client's delayed ACK (Nagle's algorithm).
    disable_nagle_algorithm = True

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix) :])

    def do_GET(self) -> None:
        if self.live is None or not self._live_reload():
            super().do_GET()

    def _live_reload(self) -> bool:
        """Answer the stamp, the script, or a page with the script added; False for anything else."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        rest = path[len(self.prefix) :] if path.startswith(self.prefix) else None
        if rest == "__live":
            body, kind = self.live.stamp, "text/plain"
        elif rest == "__live.js":
            body, kind = LIVE_SCRIPT, "text/javascript"
        elif rest is not None and (rest == "" or rest.endswith(("/", ".html"))):
            page = Path(self.translate_path(path))
            page = page / "index.html" if page.is_dir() else page
            if not page.is_file():
                return False
            tag = f'<script type="module" src="{self.prefix}__live.js"></script>'
            body, kind = page.read_text(encoding="utf-8").replace("</head>", f"{tag}</head>", 1), "text/html"
        else:
            return False
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return True

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        if self.isolate:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.log is not None:
            self.log.append((self.path, int(code)))
        super().log_request(code, size)

    def log_message(self, format: str, *args) -> None:
        if not self.quiet and args and str(args[1]).startswith(("4", "5")):
            super().log_message(format, *args)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a page mid-download is normal, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def normalise_prefix(prefix: str) -> str:
    """'pyground' -> '/pyground/'; '' or '/' -> '/'."""
    return "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


def make_server(
    directory: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    prefix: str = "/",
    isolate: bool = False,
    quiet: bool = False,
    live: LiveReload | None = None,
    cache_control: str = SiteHandler.cache_control,
    log: list[tuple[str, int]] | None = None,
) -> SiteServer:
    prefix = normalise_prefix(prefix)
    settings = {
        "prefix": prefix,
        "isolate": isolate,
        "quiet": quiet,
        "live": live,
        "cache_control": cache_control,
        "log": log,
    }
    handler = type("Handler", (SiteHandler,), settings)
    return SiteServer((host, port), functools.partial(handler, directory=str(directory)))


@contextmanager
def serving(
    directory: Path,
    prefix: str = "/",
    isolate: bool = False,
    quiet: bool = False,
    cache_control: str = SiteHandler.cache_control,
    log: list[tuple[str, int]] | None = None,
) -> Iterator[str]:
    """Serve `directory` on a free loopback port in a thread; yields the base URL."""
    server = make_server(
        directory, port=0, prefix=prefix, isolate=isolate, quiet=quiet, cache_control=cache_control, log=log
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}{normalise_prefix(prefix)}"
    finally:
        server.shutdown()
        server.server_close()


def watch_and_rebuild(paths: Iterable[Path], rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call `rebuild` after each batch of changes under `paths` (until `stop` is set)."""
    from watchfiles import watch

    for _changes in watch(*paths, stop_event=stop, debounce=200):
        rebuild()
