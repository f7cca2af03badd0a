"""What the browser benchmarks share: the fixture course, built, served, and a Chromium."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import launch_options
from pyground.builder import ROOT, BuildConfig, build
from pyground.serve import serving


@contextmanager
def fixture_site_in_chromium(extra_files: dict[str, str] | None = None) -> Iterator[tuple[str, object]]:
    """Yield (base URL, browser) for the built fixture course plus `extra_files` (path: text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build(BuildConfig(lessons=ROOT / "tests" / "fixtures" / "course", out=out))
        for name, text in (extra_files or {}).items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(text, encoding="utf-8")
        with serving(out) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options(playwright))
            try:
                yield base, browser
            finally:
                browser.close()
