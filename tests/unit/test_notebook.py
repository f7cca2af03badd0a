"""Each lesson as a Jupyter notebook and a percent-format script, made at build time."""

from __future__ import annotations

import json
import re

import nbformat

from pyground.builder import BuildConfig, build
from pyground.notebook import helper_modules, notebook, script

from ..helpers import HIDDEN_LESSON as LESSON
from ..helpers import HIDDEN_WORDS as HIDDEN
from ..helpers import load, write_course

CHARTS = LESSON.replace("quokka = 1", "import charts\nquokka = 1").replace(
    "```python run\n", "```python run fails\n", 1
)


def test_notebook_has_prose_as_markdown_and_code_cells_without_answers(tmp_path):
    lesson = load(tmp_path, {"basics/01-a.md": LESSON}).lessons[0]
    nb = notebook(lesson, "Course")
    nbformat.validate(nb)
    kinds = [cell.cell_type for cell in nb.cells]
    assert kinds == ["markdown", "markdown", "code", "markdown", "markdown", "code", "code", "markdown"]
    assert nb.cells[0].source.startswith("# Nearest neighbours\n\nClassify by the closest points.")
    assert nb.cells[3].source.startswith("## Distances *and* labels")  # the Markdown source, not HTML
    assert nb.cells[5].source == "# Setup for the exercise below\nwombat = 2"
    assert nb.cells[6].source == "marmoset = ..." and nb.cells[6].metadata.tags == ["raises-exception"]
    text = json.dumps(nb)
    for word in ("pangolin", "capybara", "axolotl"):  # checks, hints, solution
        assert word not in text


def test_notebook_tags_a_cell_that_fails_on_purpose_and_names_the_files_it_needs(tmp_path):
    lesson = load(tmp_path, {"basics/01-a.md": CHARTS}).lessons[0]
    assert helper_modules(lesson) == ["charts"]
    nb = notebook(lesson, "Course")
    assert nb.cells[2].metadata.tags == ["raises-exception"]
    assert "`charts.py`" in nb.cells[0].source and "same folder" in nb.cells[0].source


def test_notebook_script_is_python_in_percent_format(tmp_path):
    lesson = load(tmp_path, {"basics/01-a.md": LESSON}).lessons[0]
    text = script(lesson, "Course")
    compile(text, "a.py", "exec")
    assert text.startswith("# %% [markdown]\n# # Nearest neighbours\n")
    assert '# %% tags=["raises-exception"]\nmarmoset = ...' in text
    assert not any(word in text for word in ("pangolin", "capybara", "axolotl"))


def test_notebook_files_are_published_beside_the_lesson_and_linked(tmp_path):
    out = tmp_path / "out"
    build(BuildConfig(lessons=write_course(tmp_path, {"basics/01-a.md": CHARTS}), out=out))
    assert nbformat.reads((out / "basics" / "a.ipynb").read_text(), as_version=4).cells
    assert (out / "basics" / "a.py").is_file()
    page = (out / "basics" / "a.html").read_text()
    assert 'href="a.ipynb" download' in page and 'href="a.py" download' in page
    helper = re.search(r'href="\.\./(static-[0-9a-f]+/py/charts\.py)" download', page)
    assert helper and (out / helper.group(1)).is_file()
    search = json.loads((out / "search-index.json").read_text())
    assert search["docs"][0]["url"] == "basics/a.html"
    assert not any(word in json.dumps(search) for word in HIDDEN)


def test_notebook_of_a_deleted_lesson_is_removed(tmp_path):
    out = tmp_path / "out"
    (out / "basics").mkdir(parents=True)
    (out / "basics" / "gone.ipynb").write_text("{}")
    (out / "basics" / "gone.py").write_text("")
    build(BuildConfig(lessons=write_course(tmp_path, {"basics/01-a.md": LESSON}), out=out))
    assert not (out / "basics" / "gone.ipynb").exists() and not (out / "basics" / "gone.py").exists()
