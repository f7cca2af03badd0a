"""Find and start a Chromium for Playwright: its own build when installed, else the system's.

Shared by the tests, the benchmarks and anything else that drives the real
browser. On machines with a closed network Chromium must not try to phone home
(--disable-background-networking, --disable-component-update).
"""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]


def system_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def launch_options(playwright, **extra) -> dict:
    """Keyword arguments for `playwright.chromium.launch`."""
    options = {"args": [*CHROMIUM_ARGS, *extra.pop("args", [])], **extra}
    if not os.path.exists(playwright.chromium.executable_path):
        chromium = system_chromium()
        if chromium is None:
            raise RuntimeError("No Chromium found: run `playwright install chromium` or `apt-get install chromium`")
        options["executable_path"] = chromium
    return options
