"""Each lesson as files to take away: a Jupyter notebook (.ipynb) and a Python script (.py).

Both are made at build time from the lesson model and published beside the lesson's page.
Prose becomes Markdown cells (its own Markdown source); run cells, and each exercise's setup
and starter code, become code cells. Checks, solutions and hints are never included.

The notebook runs top to bottom in Jupyter where the lesson's packages are installed and its
data files, and the site's helper modules it imports (`charts`, `cloud`), sit beside it (the
lesson page offers them for download). Cells that may raise are tagged `raises-exception`,
the convention Jupyter tools (nbclient, nbconvert) follow to carry on past them: a run cell
that fails on purpose, and every exercise's starter code, which is unfinished on purpose.

The script is the same in the "percent" format (`# %%` starts a code cell, `# %% [markdown]`
a Markdown one, written as comments) that VS Code, Spyder and Jupytext open as a notebook.
"""

from __future__ import annotations

import ast
import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .model import Course, Exercise, Lesson, Prose, RunCell

HELPER_MODULES = ("charts", "cloud")  # site/static/py modules a lesson may import
RAISES = {"tags": ["raises-exception"]}


def lesson_files(course: Course) -> dict[str, str]:
    """{path in the site: text} for every lesson's notebook and script."""
    files = {}
    for lesson in course.lessons:
        base = lesson.url.removesuffix(".html")
        files[f"{base}.ipynb"] = nbformat.writes(notebook(lesson, course.title))
        files[f"{base}.py"] = script(lesson, course.title)
    return files


def _cells(lesson: Lesson, course_title: str) -> list[tuple[str, str, dict]]:
    """(kind, source, metadata) for each cell, kind "markdown" or "code"."""
    cells = [("markdown", _introduction(lesson, course_title), {})]
    for block in lesson.blocks:
        if isinstance(block, Prose) and block.markdown.strip():
            cells.append(("markdown", block.markdown, {}))
        elif isinstance(block, RunCell):
            cells.append(("code", block.code.rstrip("\n"), RAISES if block.expect_error else {}))
        elif isinstance(block, Exercise):
            cells.append(("markdown", f"**Exercise `{block.id}`**: write your code in the cell below.", {}))
            if block.setup.strip():
                cells.append(("code", "# Setup for the exercise below\n" + block.setup.rstrip("\n"), {}))
            cells.append(("code", block.starter.rstrip("\n"), RAISES))
    return cells


def _introduction(lesson: Lesson, course_title: str) -> str:
    lines = [f"# {lesson.title}", ""]
    if lesson.summary:
        lines += [lesson.summary, ""]
    lines.append(f"A lesson from *{course_title}*. Run the cells from top to bottom.")
    needed = [data.name for data in lesson.files] + [f"{name}.py" for name in helper_modules(lesson)]
    if needed:
        names = ", ".join(f"`{name}`" for name in needed)
        lines.append(f"Download {names} from the lesson page and put them in the same folder as this notebook.")
    if lesson.packages:
        lines.append(f"It needs these packages installed: {', '.join(lesson.packages)}.")
    if any("asyncio.run(" in code for code in _code(lesson)):
        lines.append(
            "Jupyter already runs an event loop: where a cell calls `asyncio.run(main())`, write `await main()`."
        )
    if lesson.interpreter == "micropython":
        lines.append("On the site this lesson runs in MicroPython; here it runs in the Python of your Jupyter kernel.")
    return "\n".join(lines)


def notebook(lesson: Lesson, course_title: str) -> nbformat.NotebookNode:
    make = {"markdown": new_markdown_cell, "code": new_code_cell}
    nb = new_notebook(
        cells=[make[kind](source, metadata=dict(metadata)) for kind, source, metadata in _cells(lesson, course_title)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for index, cell in enumerate(nb.cells):
        cell.id = f"{lesson.id}-{index}"  # stable ids: the same lesson gives the same file
    nbformat.validate(nb)
    return nb


def script(lesson: Lesson, course_title: str) -> str:
    parts = []
    for kind, source, metadata in _cells(lesson, course_title):
        if kind == "markdown":
            parts.append("# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in source.split("\n")))
        else:
            tags = f" tags={json.dumps(metadata['tags'])}" if metadata.get("tags") else ""
            parts.append(f"# %%{tags}\n{source}")
    return "\n\n".join(parts) + "\n"


def _code(lesson: Lesson) -> list[str]:
    """The code that goes into the notebook: run cells, exercises' setup and starters."""
    code = []
    for block in lesson.blocks:
        if isinstance(block, RunCell):
            code.append(block.code)
        elif isinstance(block, Exercise):
            code += [block.setup, block.starter]
    return code


def helper_modules(lesson: Lesson) -> list[str]:
    """The site's helper modules (charts, cloud) the lesson's code imports."""
    imported: set[str] = set()
    for source in _code(lesson):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # a cell that shows a syntax error on purpose
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    return [name for name in HELPER_MODULES if name in imported]
