"""The lesson format: what parses, and the path:line error for each way it can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyground.builder import BuildConfig, load_and_validate
from pyground.model import Exercise, Listing, Prose, RunCell
from pyground.problems import BuildError

from ..helpers import GOOD, PINS, load, problems, write_course


def test_lesson_good_file_parses_into_blocks(tmp_path):
    course = load(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    lesson = course.lessons[0]
    kinds = [type(b) for b in lesson.blocks]
    assert kinds == [Prose, RunCell, Exercise]
    exercise = lesson.exercises[0]
    assert exercise.id == "a-ex"
    assert exercise.solution.startswith("def f():")
    assert "assert f() == 1" in exercise.check_code
    assert len(exercise.hints) == 1 and "Return one." in exercise.hints[0].html
    assert lesson.url == "basics/a.html"


def test_lesson_plain_fences_become_listings(tmp_path):
    text = GOOD.format(id="a") + "\n```python\nshown()\n```\n\n```bash\nls\n```\n"
    lesson = load(tmp_path, {"basics/01-a.md": text}).lessons[0]
    assert [b.language for b in lesson.blocks if isinstance(b, Listing)] == ["python", "bash"]


def test_lesson_raw_html_and_jinja_are_text(tmp_path):
    text = GOOD.format(id="a").replace("Intro.", "<script>alert(1)</script> {{ config }} [x](javascript:alert(1))")
    prose = load(tmp_path, {"basics/01-a.md": text}).lessons[0].blocks[0]
    assert "<script>" not in prose.html and "&lt;script&gt;" in prose.html
    assert "{{ config }}" in prose.html
    assert 'href="javascript:' not in prose.html


def test_lesson_crlf_and_bom_are_accepted(tmp_path):
    text = ("\ufeff" + GOOD.format(id="a")).replace("\n", "\r\n").encode("utf-8")
    assert load(tmp_path, {"basics/01-a.md": text}).lessons[0].title == "A lesson"


def test_lesson_bad_yaml_reports_its_line(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", 'summary: "unclosed')
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:4:") or error.startswith("lessons/basics/01-a.md:5:")
    assert "invalid YAML" in error


def test_lesson_tab_indented_yaml_fails(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "packages:\n\t- tabulate")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert "invalid YAML" in error and "tabs" in error


def test_lesson_python_yaml_tag_is_refused(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "summary: !!python/object/apply:os.system ['touch pwned']")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert "invalid YAML" in error
    assert not Path("pwned").exists()


def test_lesson_missing_front_matter_fails(tmp_path):
    [error] = problems(tmp_path, {"basics/01-a.md": "# No front matter\n"})
    assert error.startswith("lessons/basics/01-a.md:1:") and "front matter" in error


def test_lesson_unknown_front_matter_key_suggests_one(tmp_path):
    text = GOOD.format(id="a").replace("summary:", "sumary:")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:4:") and "did you mean `summary`" in error


def test_lesson_unclosed_fence_reports_its_line(tmp_path):
    text = GOOD.format(id="a") + "\n```python run\nprint(1)\n"
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any(e.startswith("lessons/basics/01-a.md:31:") and "never closed" in e for e in errors), errors


def test_lesson_closed_fence_in_a_quote_or_a_nested_list_is_prose(tmp_path):
    quoted = "> A quote with code:\n>\n> ```python\n> shown(1)\n> ```\n\n- a list\n  - nested\n\n    ```text\n    listed\n    ```\n"
    lesson = load(tmp_path, {"basics/01-a.md": GOOD.format(id="a").replace("Intro.", quoted)}).lessons[0]
    intro = lesson.blocks[0]
    assert isinstance(intro, Prose) and "<blockquote>" in intro.html and "shown(1)" in intro.html
    assert "listed" in intro.html and "</blockquote>" in intro.html


def test_lesson_unclosed_fence_is_not_closed_by_a_tilde_line(tmp_path):
    text = GOOD.format(id="a") + "\n```python\nshown()\n\nProse that must not become code.\n~~~\n"
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any(e.startswith("lessons/basics/01-a.md:31:") and "never closed" in e for e in errors), errors


def test_lesson_cell_inside_a_quote_is_refused(tmp_path):
    text = GOOD.format(id="a").replace("Intro.", "> ```python run\n> x = 2\n> ```")
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any(e.startswith("lessons/basics/01-a.md:7:") and "inside a quote or a list" in e for e in errors), errors


def test_lesson_image_from_another_site_is_a_warning_at_its_line(tmp_path):
    prose = "Intro.\n\nA picture\nof a cat: ![cat](https://example.com/cat.png) and ![local](cat.png)."
    hint = "::: hint\nReturn one.\n:::"
    text = (
        GOOD.format(id="a")
        .replace("Intro.", prose)
        .replace(hint, hint.replace("Return one.", "![dog](//example.com/d.png)"))
    )
    config = BuildConfig(lessons=write_course(tmp_path, {"basics/01-a.md": text}))
    _, warnings = load_and_validate(config, PINS)
    assert [(w.line, "example.com/cat.png" in w.message or "example.com/d.png" in w.message) for w in warnings] == [
        (10, True),
        (26, True),
    ]


def test_lesson_unknown_block_kind_suggests_one(tmp_path):
    text = GOOD.format(id="a").replace("```python run", "```python rnu")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert (
        error.startswith("lessons/basics/01-a.md:9:") and "unknown block kind `rnu`" in error and "python run" in error
    )


def test_lesson_unknown_container_fails(tmp_path):
    text = GOOD.format(id="a") + "\n::: warning\nCareful\n:::\n"
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any("unknown block `::: warning`" in e and ":31:" in e for e in errors), errors


def test_exercise_without_check_fails(tmp_path):
    text = GOOD.format(id="a").replace('```python check\nassert f() == 1, "f() should be 1"\n```\n', "")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:13:") and "no ```python check block" in error


def test_exercise_without_solution_fails(tmp_path):
    text = GOOD.format(id="a").split("```python solution")[0]
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:13:") and "no ```python solution block" in error


def test_exercise_without_id_fails(tmp_path):
    text = GOOD.format(id="a").replace("exercise id=a-ex", "exercise")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:13:") and "stable id" in error


@pytest.mark.parametrize("part", ["check", "solution", "setup"])
def test_exercise_part_without_exercise_fails(tmp_path, part):
    text = GOOD.format(id="a").replace("Intro.", f"```python {part}\nx = 1\n```")
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any(e.startswith("lessons/basics/01-a.md:7:") and "must follow an exercise" in e for e in errors), errors


def test_hint_without_exercise_fails(tmp_path):
    text = GOOD.format(id="a").replace("Intro.", "::: hint\nToo early\n:::")
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any(e.startswith("lessons/basics/01-a.md:7:") and "hint must follow an exercise" in e for e in errors), (
        errors
    )


def test_check_after_run_cell_does_not_attach_to_earlier_exercise(tmp_path):
    text = GOOD.format(id="a") + "\n```python run\ny = 2\n```\n\n```python check\nassert y\n```\n"
    errors = problems(tmp_path, {"basics/01-a.md": text})
    assert any("must follow an exercise" in e for e in errors), errors


def test_course_duplicate_lesson_id_names_both_files(tmp_path):
    errors = problems(
        tmp_path,
        {
            "basics/01-a.md": GOOD.format(id="same"),
            "basics/02-b.md": GOOD.format(id="same").replace("same-ex", "other-ex"),
        },
    )
    assert any("lesson id 'same'" in e and "01-a.md" in e and e.startswith("lessons/basics/02-b.md") for e in errors), (
        errors
    )


def test_course_duplicate_exercise_id_names_both_files(tmp_path):
    second = GOOD.format(id="b").replace("b-ex", "a-ex")
    [error] = problems(tmp_path, {"basics/01-a.md": GOOD.format(id="a"), "basics/02-b.md": second})
    assert error.startswith("lessons/basics/02-b.md:13:") and "lessons/basics/01-a.md:13" in error


def test_lesson_unknown_package_fails(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "summary: Short.\npackages: [numpy]")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert "unknown package 'numpy'" in error and "tabulate" in error


def test_lesson_known_package_is_accepted(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "summary: Short.\npackages: [tabulate]")
    assert load(tmp_path, {"basics/01-a.md": text}).lessons[0].packages == ("tabulate",)


def test_lesson_not_utf8_reports_line(tmp_path):
    data = GOOD.format(id="a").replace("Intro.", "Caf\xe9").encode("latin-1")
    [error] = problems(tmp_path, {"basics/01-a.md": data})
    assert error.startswith("lessons/basics/01-a.md:7:") and "UTF-8" in error


def test_lesson_nul_byte_fails(tmp_path):
    data = GOOD.format(id="a").replace("Intro.", "a\x00b").encode()
    [error] = problems(tmp_path, {"basics/01-a.md": data})
    assert error.startswith("lessons/basics/01-a.md:7:") and "NUL" in error


def test_lesson_too_large_fails(tmp_path):
    text = GOOD.format(id="a") + "x" * (600 * 1024)
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert "limit" in error


def test_lesson_hostile_markdown_renders_in_linear_time(tmp_path):
    """Unclosed emphasis and markup (a catastrophic case for some parsers) cost time in proportion to
    their length: four times the text takes about four times as long, not sixteen (compared with
    each other in the same run, so a busy machine does not make the test fail)."""
    import time

    def seconds(n: int) -> float:
        folder = tmp_path / str(n)
        folder.mkdir()
        text = GOOD.format(id="a").replace("Intro.", "**_" + "*_" * n + " <![")
        started = time.perf_counter()
        load(folder, {"basics/01-a.md": text})
        return time.perf_counter() - started

    short, long = seconds(4000), seconds(16000)
    assert long < 8 * short + 0.2, f"4x the text took {long / short:.1f}x the time ({short:.2f} s, {long:.2f} s)"


def test_lesson_symlink_out_of_tree_is_refused(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(GOOD.format(id="s"))
    lessons_dir = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    (lessons_dir / "basics" / "02-link.md").symlink_to(secret)
    with pytest.raises(BuildError) as caught:
        load_and_validate(BuildConfig(lessons=lessons_dir), PINS)
    assert "outside the lessons folder" in str(caught.value)


def test_lesson_bad_file_name_fails(tmp_path):
    [error] = problems(tmp_path, {"basics/Intro.md": GOOD.format(id="a")})
    assert "01-first-steps.md" in error


def test_course_reports_every_problem_at_once(tmp_path):
    bad_yaml = GOOD.format(id="a").replace("summary: Short.", 'summary: "x')
    bad_kind = GOOD.format(id="b").replace("```python run", "```python runn")
    errors = problems(tmp_path, {"basics/01-a.md": bad_yaml, "basics/02-b.md": bad_kind})
    assert len(errors) == 2 and "01-a.md" in errors[0] and "02-b.md" in errors[1]


def test_course_unlisted_track_folder_fails(tmp_path):
    lessons_dir = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    (lessons_dir / "extra").mkdir()
    (lessons_dir / "extra" / "01-b.md").write_text(GOOD.format(id="b"))
    with pytest.raises(BuildError) as caught:
        load_and_validate(BuildConfig(lessons=lessons_dir), PINS)
    assert "folder extra/ has lessons but is not listed" in str(caught.value)


def test_course_exercise_alias_equal_to_a_live_exercise_id_names_both(tmp_path):
    second = GOOD.format(id="b").replace("id=b-ex", "id=b-ex aliases=a-ex")
    [error] = problems(tmp_path, {"basics/01-a.md": GOOD.format(id="a"), "basics/02-b.md": second})
    assert error.startswith("lessons/basics/02-b.md:13:") and "exercise alias 'a-ex'" in error
    assert "the id at lessons/basics/01-a.md:13" in error


def test_course_exercise_alias_claimed_twice_names_both(tmp_path):
    first = GOOD.format(id="a").replace("id=a-ex", "id=a-ex aliases=old-ex")
    second = GOOD.format(id="b").replace("id=b-ex", "id=b-ex aliases=old-ex")
    [error] = problems(tmp_path, {"basics/01-a.md": first, "basics/02-b.md": second})
    assert error.startswith("lessons/basics/02-b.md:13:") and "exercise alias 'old-ex'" in error
    assert "the alias at lessons/basics/01-a.md:13" in error


def test_course_lesson_alias_equal_to_a_live_lesson_id_names_both(tmp_path):
    second = GOOD.format(id="b").replace("summary: Short.", "summary: Short.\naliases: [a]")
    [error] = problems(tmp_path, {"basics/01-a.md": GOOD.format(id="a"), "basics/02-b.md": second})
    assert error.startswith("lessons/basics/02-b.md:5:") and "lesson alias 'a'" in error
    assert "the id at lessons/basics/01-a.md:2" in error


def test_lesson_data_file_is_loaded_with_its_name(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "summary: Short.\nminutes: 15\nfiles: [data/points.csv]")
    lessons = write_course(tmp_path, {"basics/01-a.md": text})
    (lessons / "basics" / "data").mkdir()
    (lessons / "basics" / "data" / "points.csv").write_text("x,y\n1,2\n")
    [lesson] = load_and_validate(BuildConfig(lessons=lessons), PINS)[0].lessons
    assert lesson.minutes == 15
    assert [(f.name, f.path) for f in lesson.files] == [("points.csv", "data/points.csv")]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ("[data/missing.csv]", "does not exist next to the lesson"),
        ("[../../secret.txt]", "must be inside this track's folder"),
        ("[big.csv]", "over the 2048 KiB limit"),
        ("data.csv", "files must be a list"),
    ],
)
def test_lesson_bad_data_file_fails_at_the_files_line(tmp_path, files, expected):
    text = GOOD.format(id="a").replace("summary: Short.", f"summary: Short.\nfiles: {files}")
    lessons = write_course(tmp_path, {"basics/01-a.md": text})
    (lessons / "basics" / "big.csv").write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    (tmp_path / "secret.txt").write_text("no")
    with pytest.raises(BuildError) as caught:
        load_and_validate(BuildConfig(lessons=lessons), PINS)
    [error] = [str(p) for p in caught.value.problems]
    assert error.startswith("lessons/basics/01-a.md:5:") and expected in error, error


def test_lesson_minutes_must_be_a_whole_number(tmp_path):
    text = GOOD.format(id="a").replace("summary: Short.", "summary: Short.\nminutes: soon")
    [error] = problems(tmp_path, {"basics/01-a.md": text})
    assert error.startswith("lessons/basics/01-a.md:5:") and "whole minutes" in error


def test_run_cell_input_option_gives_the_lines_check_types(tmp_path):
    text = GOOD.format(id="a").replace("```python run\n", "```python run input=Ada|17\n")
    cell = load(tmp_path, {"basics/01-a.md": text}).lessons[0].run_cells[0]
    assert cell.inputs == ("Ada", "17")
