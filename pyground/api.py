"""The site's practice HTTP API: static JSON files that lessons fetch with real HTTP requests.

The sources are in `lessons/api/` and are published at the same paths under the site's
`api/` (`lessons/api/servers/web-1.json` is `<site>/api/servers/web-1.json`), so the
repository shows exactly what a request gets. A path with no file gets a real 404 from
whatever serves the site. Links between files (a page's `next`) are relative URLs, so the
API works at a domain root and under a sub-path alike.

Every file must be a JSON document of at most 256 KiB; anything else fails the build at the
file (and line). `build.py check` serves the same folder on 127.0.0.1 while it runs the lessons.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .problems import Problems

API_DIR = "api"  # in lessons/ and in the built site
MAX_FILE_BYTES = 256 * 1024


def api_source(lessons_dir: Path) -> Path:
    return lessons_dir / API_DIR


def check_api(lessons_dir: Path, problems: Problems) -> list[Path]:
    """The API's files, each checked; problems go to `problems`."""
    folder = api_source(lessons_dir)
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if not path.resolve().is_relative_to(folder.resolve()):
            problems.add(path, 1, "this link points outside lessons/api/; copy the file in instead")
        elif path.suffix != ".json":
            problems.add(path, 1, "lessons/api/ publishes JSON files only; rename it to .json or move it out")
        elif (size := path.stat().st_size) > MAX_FILE_BYTES:
            problems.add(
                path,
                1,
                f"{size // 1024} KiB is over the {MAX_FILE_BYTES // 1024} KiB limit for an API file; split it into pages",
            )
        elif _valid_json(path, problems):
            files.append(path)
    return files


def _valid_json(path: Path, problems: Problems) -> bool:
    try:
        json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        problems.add(path, 1, "not valid UTF-8; save the file with UTF-8 encoding")
        return False
    except json.JSONDecodeError as error:
        problems.add(path, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})")
        return False
    return True


def publish_api(lessons_dir: Path, out: Path) -> None:
    """Copy the (checked) API files into `out/api/`, replacing what an earlier build left there."""
    folder, dest = api_source(lessons_dir), out / API_DIR
    if dest.exists():
        shutil.rmtree(dest)
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*.json")):
        if path.is_file():
            target = dest / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
