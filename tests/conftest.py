"""Shared fixtures: a built fixture course, local servers, and a guarded browser page.

End-to-end tests drive a real Chromium (Playwright's own when installed,
otherwise the system's /usr/bin/chromium) against the real vendored Pyodide.
Every page fails its test if it requests anything outside the local server or
logs a console error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyground.browser import launch_options
from pyground.builder import BuildConfig, build
from pyground.serve import serving

from .helpers import FIXTURE_COURSE, PageGuard, Server, install_guard, open_isolated, wait_until_ready


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


@pytest.fixture
def guard(page) -> Iterator[PageGuard]:
    guard = install_guard(page)
    yield guard
    assert not guard.problems(), "\n".join(guard.problems())


@pytest.fixture
def lesson_page(page, guard):
    """Open a lesson as a returning visitor: the service worker is installed and makes the page isolated."""

    def open_lesson(url: str):
        open_isolated(page, url)
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
