"""The practice HTTP API: lessons/api/ is checked, published at api/, served during `check`; requests ships
with its dependencies; errors from HTTP code are explained."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from pyground import runtime
from pyground.builder import BuildConfig, build
from pyground.problems import BuildError

from ..helpers import GOOD, run_cli, write_course

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "lessons" / "api"
PINS = runtime.load_pins(BuildConfig().pyproject)

sys.path.insert(0, str(ROOT / "site" / "static" / "py"))

import explain  # noqa: E402


def course_with_api(tmp_path: Path, files: dict[str, str], lessons: dict[str, str] | None = None) -> Path:
    lessons_dir = write_course(tmp_path, lessons or {"basics/01-a.md": GOOD.format(id="a")})
    for name, text in files.items():
        path = lessons_dir / "api" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return lessons_dir


def test_api_files_are_published_at_the_same_paths_and_stale_ones_removed(tmp_path):
    lessons = course_with_api(tmp_path, {"index.json": "{}", "things/a.json": '{"id": "a"}'})
    out = tmp_path / "out"
    build(BuildConfig(lessons=lessons, out=out))
    assert json.loads((out / "api" / "things" / "a.json").read_text()) == {"id": "a"}
    (lessons / "api" / "things" / "a.json").unlink()
    build(BuildConfig(lessons=lessons, out=out))
    assert not (out / "api" / "things" / "a.json").exists()
    assert (out / "api" / "index.json").is_file()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"bad.json": '{\n  "a": 1,\n}'}, "lessons/api/bad.json:3: invalid JSON"),
        ({"notes.txt": "hello"}, "lessons/api/notes.txt:1: lessons/api/ publishes JSON files only"),
        ({"big.json": "[" + "1," * 200_000 + "1]"}, "over the 256 KiB limit"),
    ],
)
def test_api_broken_files_fail_the_build_at_their_line(tmp_path, files, expected):
    lessons = course_with_api(tmp_path, files)
    with pytest.raises(BuildError) as caught:
        build(BuildConfig(lessons=lessons, out=tmp_path / "out"))
    assert any(expected in str(problem) for problem in caught.value.problems), caught.value.problems
    assert not (tmp_path / "out").exists()


def test_api_the_practice_servers_are_consistent():
    """Every page links to the next by a relative URL, every summary to its server, the last page to None."""
    url, seen, pages = "http://site/api/servers/page-1.json", [], 0
    while url:
        page = json.loads((API / url.removeprefix("http://site/api/")).read_text())
        pages += 1
        assert page["page"] == pages
        for summary in page["servers"]:
            server = json.loads((API / "servers" / summary["url"]).read_text())
            assert server["id"] == summary["id"] and server["state"] == summary["state"]
            assert server["region"] == summary["region"]
            seen.append(summary["id"])
        url = urljoin(url, page["next"]) if page["next"] else None
    assert len(seen) == len(set(seen)) == page["total"] == 10 and pages == 3
    assert not (API / "servers" / "web-99.json").exists()  # the lesson's 404


def test_api_requests_ships_with_its_dependencies_in_the_lock(tmp_path):
    wheels = {pin.name: runtime.wheel(pin) for pin in PINS.wheels}
    assert runtime.with_dependencies(["requests"], wheels) == [
        "requests",
        "charset-normalizer",
        "idna",
        "urllib3",
        "certifi",
    ]
    assert runtime.with_dependencies(["tabulate", "tabulate"], wheels) == ["tabulate"]
    runtime.vendor(PINS, tmp_path)
    lock = json.loads((tmp_path / "runtime" / "pyodide" / "pyodide-lock.json").read_text())["packages"]
    assert sorted(lock["requests"]["depends"]) == ["certifi", "charset-normalizer", "idna", "urllib3"]
    for name in ("urllib3", "idna", "certifi", "charset-normalizer"):
        assert (tmp_path / "runtime" / "pyodide" / lock[name]["file_name"]).is_file()
    assert str(runtime.unpacked_wheel(wheels["idna"])).startswith(str(runtime.cache_dir()))
    assert (runtime.unpacked_wheel(wheels["idna"]) / "idna" / "__init__.py").is_file()


HTTP_LESSON = """\
---
id: calls
title: Calls
summary: Short.
packages: [requests]
---

```python run
import cloud
import requests

assert cloud.SITE.endswith("/pyground/"), cloud.SITE
answer = requests.get(cloud.API + "things/a.json", timeout=5)
assert answer.status_code == 200 and answer.json() == {"id": "a"}, answer.status_code
assert requests.get(cloud.API + "things/b.json", timeout=5).status_code == 404
```

```python run fails
import requests

requests.get(cloud.SITE.removesuffix("pyground/") + "api/things/a.json", timeout=5).raise_for_status()
```

```python exercise id=calls-get
import cloud
import requests


def thing(name):
    return None
```

```python check
assert thing("a") == {"id": "a"}, "thing('a') should be the JSON of api/things/a.json"
```

```python solution
import cloud
import requests


def thing(name):
    return requests.get(cloud.API + f"things/{name}.json", timeout=5).json()
```
"""


def test_api_check_serves_the_api_under_a_sub_path_for_requests_in_cpython(tmp_path):
    lessons = course_with_api(tmp_path, {"things/a.json": '{"id": "a"}'}, {"cloud/01-calls.md": HTTP_LESSON})
    result = run_cli("check", "--cpython-only", "--lessons", str(lessons))
    assert result.returncode == 0, result.stderr
    assert "ok: 1 lessons" in result.stdout


def test_api_check_the_real_api_is_what_the_build_publishes(tmp_path):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    shutil.copytree(API, lessons / "api")
    build(BuildConfig(lessons=lessons, out=tmp_path / "out"))
    published = sorted(p.relative_to(tmp_path / "out" / "api") for p in (tmp_path / "out" / "api").rglob("*.json"))
    assert published == sorted(p.relative_to(API) for p in API.rglob("*.json"))


def fake_error(module: str, name: str, base: type = OSError, **attributes):
    error_type = type(name, (base,), {"__module__": module})
    error = error_type("('Connection aborted.', HTTPException('Exception thrown in fetch: Failed to fetch'))")
    for key, value in attributes.items():
        setattr(error, key, value)
    return error


class _Request:
    def __init__(self, url):
        self.url = url


def explained(error) -> str:
    try:
        raise error
    except OSError as caught:
        return explain.explain(caught, "<cell 1>", "requests.get(url)") or ""


def test_api_explains_a_request_to_another_site(monkeypatch):
    monkeypatch.setenv("PYGROUND_SITE", "http://127.0.0.1:8000/pyground/")
    other = fake_error("requests.exceptions", "ConnectionError", request=_Request("https://example.com/data.json"))
    text = explained(other)
    assert "https://example.com never left the browser" in text and "http://127.0.0.1:8000" in text
    assert "cloud.API" in text
    own = fake_error("requests.exceptions", "ConnectionError", request=_Request("http://127.0.0.1:8000/x"))
    assert "no answer at all" in explained(own)


def test_api_explains_timeouts_and_error_statuses():
    class Response:
        status_code, reason = 404, "Not Found"

    assert "time limit" in explained(fake_error("requests.exceptions", "ReadTimeout"))
    timed_out = fake_error("requests.exceptions", "ConnectionError")
    timed_out.args = ("Max retries exceeded (Caused by TimeoutError('Timeout connecting'))",)
    assert "time limit" in explained(timed_out)
    status = explained(fake_error("requests.exceptions", "HTTPError", response=Response()))
    assert "404 Not Found" in status and "raise_for_status()" in status
    assert "urljoin" in explained(fake_error("requests.exceptions", "MissingSchema"))
    assert explained(FileNotFoundError(2, "No such file")) == ""  # other OSErrors are not HTTP errors


def test_api_explains_json_that_is_a_web_page():
    try:
        json.loads("<!DOCTYPE html><html>")
    except ValueError as error:
        text = explain.explain(error, "<cell 1>", "response.json()")
    assert "status_code" in text and "HTML" in text
