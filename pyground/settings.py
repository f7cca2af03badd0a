"""Values Python and JavaScript share, written once.

The build writes them for the pages' JavaScript into one generated module,
`static/js/settings.js` (`settings_module`); the check harness gets them in its
jobs (verify.py, verify_browser.py). What belongs to one lesson or one cell (its
interpreter, its files, a cell's name) is in the page's own data instead.
"""

from __future__ import annotations

import json
from typing import Any

from .runtime import Pins

SETTINGS_MODULE = "js/settings.js"  # inside the site's static folder

RUNNERS = {"pyodide": "runner.py", "micropython": "runner_mp.py"}  # site/static/py: what each worker runs
ENTRY = {"pyodide": "pyodide.mjs", "micropython": "micropython.mjs"}  # the module that starts each interpreter
EXERCISE_FILENAME = "<exercise>"  # what tracebacks call a learner's exercise code
CHECK_SECONDS = 10  # a Check (on a lesson page, and when work is checked again) is stopped after this
OUTPUT_CHARS = 200_000  # a run's output the page shows, then says it is truncated...
OUTPUT_LINES = 5_000  # ...or after this many lines
# The runner stops sending a run's output after this: more than the page shows, so the page still
# sees that it was cut, while `while True: print(1)` cannot flood the channel.
SENT_CHARS = 250_000


def browser_settings(pins: Pins, modules: list[str]) -> dict[str, Any]:
    """What the pages' JavaScript reads. `modules`: the site's Python files every worker gets beside its
    runner (a board lesson adds its own)."""
    return {
        "interpreters": {
            name: {
                "runner": runner,
                "entry": f"{name}/{ENTRY[name]}",
                # Fetched before the worker starts, so a failed download shows (pyproject.toml pins them).
                "files": [f"{name}/{file}" for file in pins.npm_pin(name).files],
            }
            for name, runner in RUNNERS.items()
        },
        "modules": modules,
        "exerciseFilename": EXERCISE_FILENAME,
        "checkSeconds": CHECK_SECONDS,
        "output": {"chars": OUTPUT_CHARS, "lines": OUTPUT_LINES, "sentChars": SENT_CHARS},
    }


def settings_module(settings: dict[str, Any]) -> str:
    return (
        "// Written by the build (pyground/settings.py): the values Python and JavaScript share. Do not edit.\n"
        f"export const SETTINGS = Object.freeze({json.dumps(settings, indent=2)});\n"
    )
