"""`build.py new`: start a lesson with every block kind as a worked example."""

from __future__ import annotations

import json
from pathlib import Path

from .content import LESSON_FILE
from .validate import ID_PATTERN

TEMPLATE = """---
id: {slug}
title: {title}
summary: One sentence that says what the learner will be able to do.
packages: []
interpreter: pyodide
---

Explain the idea in a few short paragraphs. Code in a `run` cell can be edited
and run; all cells on this page share their variables, in order.

```python run
greeting = "Hello"
print(greeting, "world")
```

## Try it

Write `shout(text)` that returns the text in capitals followed by `!`.

```python exercise id={slug}-shout
def shout(text):
    ...
```

```python check
assert shout("hi") == "HI!", "shout('hi') should return 'HI!'"
```

::: hint
Strings have an `.upper()` method.
:::

```python solution
def shout(text):
    return text.upper() + "!"
```
"""


def new_lesson(lessons: Path, track: str, slug: str, title: str) -> Path:
    folder = lessons / track
    if not folder.is_dir():
        raise SystemExit(f"error: no track folder {folder}; create it and list it in {lessons / 'course.yml'}")
    if not ID_PATTERN.match(slug):
        raise SystemExit(f"error: slug '{slug}' must be lowercase letters, digits and dashes")
    numbers = [int(m.group(1)) for p in folder.glob("*.md") if (m := LESSON_FILE.match(p.name))]
    path = folder / f"{max(numbers, default=0) + 1:02d}-{slug}.md"
    if any(p.name.endswith(f"-{slug}.md") for p in folder.glob("*.md")):
        raise SystemExit(f"error: a lesson named {slug} already exists in {folder}")
    # A JSON string is valid YAML, so any title (colons, quotes) stays one value.
    path.write_text(TEMPLATE.format(slug=slug, title=json.dumps(title)), encoding="utf-8")
    return path
