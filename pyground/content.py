"""Load the course: `lessons/course.yml` plus `lessons/<track>/NN-slug.md` files.

Each lesson is YAML front matter and a Markdown body. Fenced code blocks whose
info string is `python <kind>` become cells and exercise parts; `::: hint`
containers become hints. The parser reports what keeps it from making the model
(the file, its YAML, front matter of the wrong shape, fences and blocks out of
place), with its line, and carries on, so the author sees all of them in one
build; the model carries the lines of what it holds, and every rule about it is
checked in validate.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it.token import Token

from .board import parse_board
from .markdown import CONTAINERS, make_markdown
from .model import INTERPRETERS, Course, DataFile, Exercise, Hint, Image, Lesson, Listing, Prose, RunCell, Track
from .problems import Problems
from .validate import ID_PATTERN, LESSON_ALIASES, MINUTES

MAX_LESSON_BYTES = 512 * 1024
LESSON_FILE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
FRONT_MATTER_KEYS = {"id", "title", "summary", "packages", "interpreter", "aliases", "minutes", "files", "board"}
MAX_DATA_FILE_BYTES = 2 * 1024 * 1024  # a lesson's data file is downloaded by every learner who opens it
CELL_KINDS = ("run", "exercise", "setup", "check", "solution")
CONTAINER_LINE = re.compile(r"^ {0,3}:::\s*(\S*)")


def load_course(lessons_dir: Path, problems: Problems) -> Course:
    """Read `course.yml` and every lesson it names. Problems go to `problems`."""
    course_file = lessons_dir / "course.yml"
    text = read_text(course_file, problems) if course_file.is_file() else None
    if not course_file.is_file():
        problems.add(course_file, 1, "missing course file; create it with `title:` and a `tracks:` list")
    data = _parse_yaml_mapping(text, course_file, 1, problems) if text is not None else None
    if data is None:
        return Course(title="Pyground", tagline="")
    tracks_line = _key_lines(text.split("\n"), 1).get("tracks", 1)
    tracks = []
    for index, entry in enumerate(data.get("tracks") or []):
        line = tracks_line + 1 + index
        if not isinstance(entry, dict) or not ID_PATTERN.match(str(entry.get("id", ""))):
            problems.add(
                course_file, line, "each track needs an `id` (lowercase letters, digits, dashes) and a `title`"
            )
            continue
        folder = lessons_dir / entry["id"]
        if not folder.is_dir():
            problems.add(
                course_file,
                line,
                f"track '{entry['id']}' has no folder {folder.name}/ beside course.yml; create it or remove the track",
            )
            continue
        lessons = tuple(
            lesson
            for path in sorted(folder.glob("*.md"))
            if _inside(path, lessons_dir, problems) and (lesson := load_lesson(path, entry["id"], problems))
        )
        tracks.append(
            Track(
                id=entry["id"],
                title=str(entry.get("title", entry["id"])),
                summary=str(entry.get("summary", "")),
                lessons=lessons,
            )
        )
    listed = {t.id for t in tracks}
    for folder in sorted(p for p in lessons_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if folder.name not in listed and any(folder.glob("*.md")):
            problems.add(
                course_file,
                1,
                f"folder {folder.name}/ has lessons but is not listed under `tracks`; add it so its lessons are built",
            )
    return Course(title=str(data.get("title", "Pyground")), tagline=str(data.get("tagline", "")), tracks=tuple(tracks))


def _key_lines(lines: list[str], first_line: int) -> dict[str, int]:
    """The file line of each top-level YAML key in `lines` (the first time it appears)."""
    found: dict[str, int] = {}
    for number, line in enumerate(lines, first_line):
        if line[:1].isalpha() and ":" in line:
            found.setdefault(line.split(":", 1)[0], number)
    return found


def _inside(path: Path, root: Path, problems: Problems) -> bool:
    """A symlink may not lead out of the lessons folder (it could publish any file)."""
    if path.resolve().is_relative_to(root.resolve()):
        return True
    problems.add(path, 1, "this link points outside the lessons folder; copy the file in instead")
    return False


def read_text(path: Path, problems: Problems) -> str | None:
    """Strict UTF-8 (a BOM is allowed), newlines normalised, size capped."""
    raw = path.read_bytes()
    if len(raw) > MAX_LESSON_BYTES:
        problems.add(
            path,
            1,
            f"file is {len(raw) // 1024} KiB, over the {MAX_LESSON_BYTES // 1024} KiB limit; split it into several lessons",
        )
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in raw:
        problems.add(
            path, raw[: raw.index(b"\x00")].count(b"\n") + 1, "file contains a NUL byte; save it as plain UTF-8 text"
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(path, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file with UTF-8 encoding")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_yaml_mapping(text: str, path: Path, first_line: int, problems: Problems) -> dict[str, Any] | None:
    try:
        data = yaml.safe_load(text)  # safe_load: tags such as !!python/object are refused
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.add(path, line, f"invalid YAML: {problem}; check quotes, colons and use spaces (not tabs) to indent")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add(path, first_line, "YAML must be a mapping of `key: value` lines")
        return None
    return data


def load_lesson(path: Path, track: str, problems: Problems) -> Lesson | None:
    if not LESSON_FILE.match(path.name):
        problems.add(
            path, 1, "lesson file names look like `01-first-steps.md` (number, dash, lowercase slug); rename the file"
        )
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    split = _split_front_matter(text, path, problems)
    if split is None:
        return None
    meta_text, body, body_line = split
    meta = _parse_yaml_mapping(meta_text, path, 2, problems)
    if meta is None:
        return None
    # Each key's line; a key that is absent is reported at the front matter's closing `---`.
    meta_lines = _key_lines(meta_text.split("\n"), 2)

    def line_of(key: str) -> int:
        return meta_lines.get(key, body_line - 1)

    header = _check_front_matter(meta, path, problems, line_of)
    if header is not None:
        header["files"] = _data_files(meta.get("files") or [], path, problems, line_of("files"))
    blocks = BodyParser(path, body_line, problems).parse(body)
    if header is None:
        return None
    return Lesson(track=track, path=path, blocks=blocks, meta_lines=meta_lines, **header)


def _split_front_matter(text: str, path: Path, problems: Problems) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.add(
            path, 1, "a lesson starts with front matter: a `---` line, `title:`, `id:` and the other keys, then `---`"
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    problems.add(path, 1, "front matter is not closed; add a `---` line after the last key")
    return None


def _check_front_matter(
    meta: dict[str, Any], path: Path, problems: Problems, line_of: Callable[[str], int]
) -> dict[str, Any] | None:
    """The front matter as the model's fields, if it has the shape they need (its values' rules are
    validate.py's)."""
    ok = True

    def fail(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.add(path, line_of(key), message)

    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            guess = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            hint = f"; did you mean `{guess[0]}`?" if guess else f"; known keys: {', '.join(sorted(FRONT_MATTER_KEYS))}"
            fail(str(key), f"unknown front matter key `{key}`{hint}")
    for key in ("id", "title"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            fail(key, f"front matter needs `{key}:` (text)")
    interpreter = meta.get("interpreter", "pyodide")
    if interpreter not in INTERPRETERS:
        fail("interpreter", f"interpreter must be one of {', '.join(INTERPRETERS)}, not {interpreter!r}")
    packages = meta.get("packages") or []
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        fail("packages", "packages must be a list of package names, e.g. `packages: [pygal]`")
    minutes = meta.get("minutes")
    if minutes is not None and type(minutes) is not int:
        fail("minutes", MINUTES)
    files = meta.get("files") or []
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        fail("files", "files must be a list of paths next to the lesson, e.g. `files: [data/penguins.csv]`")
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        fail("aliases", LESSON_ALIASES)
    board = parse_board(meta.get("board"), interpreter, lambda message: fail("board", message))
    if not ok:
        return None
    return {
        "id": meta["id"],
        "title": meta["title"].strip(),
        "summary": str(meta.get("summary") or "").strip(),
        "interpreter": interpreter,
        "packages": tuple(packages),
        "aliases": tuple(aliases),
        "minutes": minutes,
        "board": board,
    }


def _data_files(names: list[str], path: Path, problems: Problems, line: int) -> tuple[DataFile, ...]:
    """The files a lesson's code opens by name: they must exist beside it, inside the lessons folder."""
    track_dir = path.parent
    files: dict[str, DataFile] = {}
    for name in names:
        source = (track_dir / name).resolve()
        if not source.is_relative_to(track_dir.resolve()) or name.startswith("/"):
            problems.add(
                path,
                line,
                f"data file '{name}' must be inside this track's folder; use a path like data/{Path(name).name}",
            )
        elif not source.is_file():
            problems.add(
                path,
                line,
                f"data file '{name}' does not exist next to the lesson (looked for {source.relative_to(track_dir.resolve().parent).as_posix()}); add it or fix the path",
            )
        elif source.suffix == ".md":
            problems.add(path, line, f"data file '{name}' is a lesson; data files are CSV, JSON or text")
        elif (size := source.stat().st_size) > MAX_DATA_FILE_BYTES:
            problems.add(
                path,
                line,
                f"data file '{name}' is {size // 1024} KiB, over the {MAX_DATA_FILE_BYTES // 1024} KiB limit; use a smaller sample of the data",
            )
        elif (other := files.get(source.name)) and other.source != source:
            problems.add(
                path,
                line,
                f"data files '{other.path}' and '{name}' would both be '{source.name}' in the working folder; rename one",
            )
        else:
            files[source.name] = DataFile(name=source.name, path=Path(name).as_posix(), source=source)
    return tuple(files.values())


@dataclass
class _OpenExercise:
    """An exercise while its parts (setup, check, hint, solution) are collected."""

    id: str
    starter: str
    line: int
    setup: str = ""
    checks: list[str] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    solution: str | None = None
    aliases: tuple[str, ...] = ()
    solution_line: int = 0


class BodyParser:
    """Turns a lesson body into blocks: prose, listings, run cells and exercises."""

    def __init__(self, path: Path, first_line: int, problems: Problems) -> None:
        self.path = path
        self.first_line = first_line  # file line of the body's first line
        self.problems = problems
        self.md = make_markdown()
        self.blocks: list = []
        self.prose: list[Token] = []
        self.exercise: _OpenExercise | None = None
        self.exercise_slot = 0  # index in `blocks` kept for the open exercise
        self.cell_count = 0

    def parse(self, body: str) -> tuple:
        self.lines = body.split("\n")
        tokens = self.md.parse(body)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "fence" and token.level == 0:
                self._fence(token)
            elif token.type == "fence":  # in a blockquote or a list: part of that prose
                self._nested_fence(token)
                self.prose.append(token)
            elif token.type.startswith("container_") and token.type.endswith("_open"):
                index = self._container(tokens, index)
            else:
                self._stray_container_marker(token)
                self.prose.append(token)
            index += 1
        self._close_exercise()
        self._flush_prose()
        return tuple(self.blocks)

    def _line(self, token: Token) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def _error(self, token: Token, message: str) -> None:
        self.problems.add(self.path, self._line(token), message)

    def _flush_prose(self) -> None:
        if self.prose:
            html = self.md.renderer.render(self.prose, self.md.options, {})
            if html.strip():
                self.blocks.append(Prose(html=html, markdown=self._source(self.prose), images=self._images(self.prose)))
            self.prose = []

    def _images(self, tokens: list[Token]) -> tuple[Image, ...]:
        """Every image in `tokens`, at the file line it is on."""
        images = []
        for token in tokens:
            if token.type != "inline":
                continue
            line = self._line(token)
            for child in token.children or []:
                line += child.type in ("softbreak", "hardbreak")
                if child.type == "image":
                    images.append(Image(src=str(child.attrs.get("src", "")), line=line))
        return tuple(images)

    def _source(self, tokens: list[Token]) -> str:
        """The Markdown lines of these tokens' top-level blocks (a hint between them is left out)."""
        spans = [token.map for token in tokens if token.map and token.level == 0 and token.nesting >= 0]
        return "\n\n".join("\n".join(self.lines[start:end]).strip("\n") for start, end in spans)

    def _unclosed(self, token: Token) -> None:
        if not token.meta.get("closed"):
            self._error(
                token,
                f"code fence {token.markup} is never closed; add a closing {token.markup} line (everything after it was swallowed)",
            )

    def _nested_fence(self, token: Token) -> None:
        self._unclosed(token)
        words = token.info.split()
        if words[:1] == ["python"] and len(words) > 1 and words[1] in CELL_KINDS:
            self._error(
                token,
                f"a ```python {words[1]} block inside a quote or a list is only shown; move it out, to the left margin",
            )

    def _fence(self, token: Token) -> None:
        self._unclosed(token)
        words = token.info.split()
        if not words or words[0] != "python" or len(words) == 1:
            self._flush_prose()
            self.blocks.append(Listing(code=token.content, language=words[0] if words else ""))
            return
        kind, options = words[1], _options(words[2:])
        if kind not in CELL_KINDS:
            guess = difflib.get_close_matches(kind, CELL_KINDS, n=1)
            hint = f"did you mean `python {guess[0]}`? " if guess else ""
            self._error(
                token,
                f"unknown block kind `{kind}`; {hint}use one of {', '.join(CELL_KINDS)} (or plain ```python for code that is only shown)",
            )
            return
        getattr(self, f"_{kind}")(token, options)

    def _run(self, token: Token, options: dict[str, str]) -> None:
        self._close_exercise()
        self._flush_prose()
        self.cell_count += 1
        cell_id = options.get("id", f"cell-{self.cell_count}")
        self.blocks.append(
            RunCell(
                id=cell_id,
                number=self.cell_count,
                code=token.content,
                line=self._line(token),
                expect_error="fails" in options,
                inputs=tuple(options["input"].split("|")) if "input" in options else (),
            )
        )

    def _exercise(self, token: Token, options: dict[str, str]) -> None:
        self._close_exercise()
        self._flush_prose()
        self.exercise_slot = len(self.blocks)
        self.blocks.append(None)  # filled in when the exercise's parts are all read
        aliases = tuple(a for a in options.get("aliases", "").split(",") if a)
        self.exercise = _OpenExercise(
            id=options.get("id", ""), starter=token.content, line=self._line(token), aliases=aliases
        )

    def _part_owner(self, token: Token, what: str) -> _OpenExercise | None:
        if self.exercise is None:
            self._error(
                token, f"a {what} must follow an exercise (```python exercise id=...); move it after one or remove it"
            )
        return self.exercise

    def _setup(self, token: Token, options: dict[str, str]) -> None:
        if exercise := self._part_owner(token, "setup block"):
            exercise.setup += token.content

    def _check(self, token: Token, options: dict[str, str]) -> None:
        if exercise := self._part_owner(token, "check block"):
            exercise.checks.append(token.content)

    def _solution(self, token: Token, options: dict[str, str]) -> None:
        if exercise := self._part_owner(token, "solution block"):
            if exercise.solution is not None:
                self._error(token, f"exercise '{exercise.id}' already has a solution; keep one solution block")
            exercise.solution = token.content
            exercise.solution_line = self._line(token)

    def _container(self, tokens: list[Token], index: int) -> int:
        """Handle `::: hint` ... `:::`; returns the index of the closing token."""
        open_token = tokens[index]
        name = open_token.type.removeprefix("container_").removesuffix("_open")
        depth, end = 0, index
        for end in range(index, len(tokens)):
            if tokens[end].type == open_token.type:
                depth += 1
            elif tokens[end].type == f"container_{name}_close":
                depth -= 1
                if depth == 0:
                    break
        if not tokens[end].markup:
            self._error(open_token, f"`::: {name}` is never closed; add a line with `:::` after it")
        inner = tokens[index + 1 : end]
        html = self.md.renderer.render(inner, self.md.options, {})
        if exercise := self._part_owner(open_token, "hint"):
            exercise.hints.append(Hint(html=html, line=self._line(open_token), images=self._images(inner)))
        for token in inner:
            words = token.info.split() if token.type == "fence" else []
            if words[:1] == ["python"] and len(words) > 1 and words[1] in CELL_KINDS:
                self._error(token, f"a ```python {words[1]} block inside a hint is only shown; move it out of the hint")
        return end

    def _stray_container_marker(self, token: Token) -> None:
        if token.type != "inline":
            return
        for offset, line in enumerate(token.content.split("\n")):
            if match := CONTAINER_LINE.match(line):
                name = match.group(1)
                message = (
                    f"unknown block `::: {name}`; the only container is `::: {CONTAINERS[0]}`"
                    if name
                    else "`:::` closes nothing; remove it or open a `::: hint` before it"
                )
                self.problems.add(self.path, self._line(token) + offset, message)
                return

    def _close_exercise(self) -> None:
        exercise, self.exercise = self.exercise, None
        if exercise is None:
            return
        self.blocks[self.exercise_slot] = Exercise(
            id=exercise.id,
            starter=exercise.starter,
            line=exercise.line,
            setup=exercise.setup,
            checks=tuple(exercise.checks),
            hints=tuple(exercise.hints),
            solution=exercise.solution,
            aliases=exercise.aliases,
            solution_line=exercise.solution_line,
        )


def _options(words: list[str]) -> dict[str, str]:
    """`id=knn fails` -> {"id": "knn", "fails": ""}."""
    return dict(word.split("=", 1) if "=" in word else (word, "") for word in words)
