"""Shared fixtures: a built fixture course, local servers, and a guarded browser page.

End-to-end tests drive a real Chromium (Playwright's own when installed,
otherwise the system's /usr/bin/chromium) against the real vendored Pyodide.
Every page fails its test if it requests anything outside the local server or
logs a console error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pyground.browser import launch_options
from pyground.builder import BuildConfig, build
from pyground.serve import serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = ROOT / "tests" / "fixtures" / "course"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """Use Playwright's Chromium if it was installed, else the system one."""
    try:
        return launch_options(playwright, **browser_type_launch_args)
    except RuntimeError as error:
        pytest.exit(str(error), returncode=3)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build(BuildConfig(lessons=FIXTURE_COURSE, out=out))
    return out


@pytest.fixture(scope="session")
def course_build(tmp_path_factory) -> Path:
    """The real course in lessons/, built as CI deploys it."""
    out = tmp_path_factory.mktemp("course")
    build(BuildConfig(out=out, strict=True))
    return out


@dataclass
class Server:
    base: str  # e.g. http://127.0.0.1:40123/ or http://127.0.0.1:40123/pyground/

    def url(self, page: str = "") -> str:
        return self.base + page


@pytest.fixture(scope="session")
def site(fixture_site) -> Iterator[Server]:
    """The fixture course at the server root, as a plain static host serves it."""
    with serving(fixture_site) as base:
        yield Server(base)


@pytest.fixture(scope="session")
def course_site(course_build) -> Iterator[Server]:
    """The real course at the server root."""
    with serving(course_build) as base:
        yield Server(base)


@pytest.fixture(scope="session")
def subpath_site(fixture_site) -> Iterator[Server]:
    """The same site under /pyground/, as a GitHub Pages project site."""
    with serving(fixture_site, prefix="/pyground/") as base:
        yield Server(base)


@dataclass
class PageGuard:
    """What a page did that a test must not allow: foreign requests, console errors."""

    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed_errors: list[str] = field(default_factory=list)

    def allow_console_error(self, fragment: str) -> None:
        self.allowed_errors.append(fragment)

    def problems(self) -> list[str]:
        errors = [e for e in self.console_errors if not any(f in e for f in self.allowed_errors)]
        return [f"request outside the local server: {u}" for u in self.foreign_requests] + [
            f"console error: {e}" for e in errors
        ]


def install_guard(page, block_foreign: bool = True) -> PageGuard:
    """Block and record requests that leave the local server; record console errors.
    `block_foreign=False` records console errors only: routing requests turns the browser's
    HTTP cache off, and a test of what that cache does needs it on."""
    guard = PageGuard()

    def route(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "blob:", "data:")):
            route.continue_()
        else:
            guard.foreign_requests.append(url)
            route.abort()

    if block_foreign:
        page.context.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and guard.console_errors.append(message.text))
    page.on("pageerror", lambda error: guard.console_errors.append(f"uncaught: {error}"))
    return guard


@pytest.fixture
def guard(page) -> Iterator[PageGuard]:
    guard = install_guard(page)
    yield guard
    assert not guard.problems(), "\n".join(guard.problems())


def static_url(page, path: str) -> str:
    """The address of one of our own files (`js/progress.js`) for the open page: the build
    publishes them in a folder named by their content hash, beside the page's site.js."""
    return page.evaluate(
        "(path) => new URL(`../${path}`, document.querySelector('script[src$=\"/js/site.js\"]').src).href", path
    )


def wait_until_ready(page) -> None:
    """Wait for Python; survives the one reload a first visit makes to become isolated."""
    expect(page.locator("html")).to_have_attribute("data-runtime", re.compile("ready|error"), timeout=60_000)
    assert page.locator("html").get_attribute("data-runtime") == "ready", page.inner_text("[data-runtime-status]")


@pytest.fixture
def lesson_page(page, guard):
    """Open a lesson as a first-time visitor (the service worker makes the page isolated)."""

    def open_lesson(url: str):
        page.goto(url)
        wait_until_ready(page)
        return page

    return open_lesson


@pytest.fixture
def unisolated_page(browser) -> Iterator:
    """A page where service workers are unavailable, so nothing makes it cross-origin isolated."""
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    guard = install_guard(page)

    def open_lesson(url: str):
        page.goto(url)
        wait_until_ready(page)
        assert page.evaluate("crossOriginIsolated") is False
        return page

    yield open_lesson
    context.close()
    assert not guard.problems(), "\n".join(guard.problems())
