"""`build.py serve`: serves the site with the right types and rebuilds when a lesson changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from ..helpers import GOOD, ROOT, write_course


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.headers.get("Content-Type"), response.read().decode("utf-8", "replace")


def wait_for(condition, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_rebuilds_when_a_lesson_changes(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--port",
            str(port),
            "--lessons",
            str(lessons),
            "--out",
            str(tmp_path / "out"),
            "--prefix",
            "/pyground/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/pyground/"
        wait_for(lambda: "A lesson" in fetch(base + "basics/a.html")[1])
        assert fetch(base + "runtime/pyodide/pyodide.mjs")[0] == "text/javascript"
        assert fetch(base + "runtime/pyodide/pyodide.asm.wasm")[0] == "application/wasm"
        lesson = lessons / "basics" / "01-a.md"
        edited = lesson.read_text().replace("title: A lesson", "title: Edited title")

        def saved_and_rebuilt() -> bool:
            lesson.write_text(edited)  # saved again each time: the watcher may start after the first save
            return "Edited title" in fetch(base + "basics/a.html")[1]

        wait_for(saved_and_rebuilt)
    finally:
        server.terminate()
        server.wait(timeout=10)
