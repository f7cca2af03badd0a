"""The course as data: what the parser produces and the templates consume.

Every object is frozen so rendering cannot change the model it is given.
Line numbers are 1-based and refer to the lesson file, so any later check can
report `path:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Interpreter = Literal["pyodide", "micropython"]
INTERPRETERS: tuple[Interpreter, ...] = ("pyodide", "micropython")


@dataclass(frozen=True)
class Image:
    """An image in lesson text: its address, and the file line it is on."""

    src: str
    line: int


@dataclass(frozen=True)
class Prose:
    """Rendered, sanitised Markdown between code blocks, and its Markdown source (for notebooks)."""

    html: str
    markdown: str = ""
    images: tuple[Image, ...] = ()
    kind: Literal["prose"] = "prose"


@dataclass(frozen=True)
class Listing:
    """A code block shown but not run (any fence without a Pyground kind)."""

    code: str
    language: str
    kind: Literal["listing"] = "listing"


@dataclass(frozen=True)
class RunCell:
    """An editable cell. Cells on a page share one namespace, in page order."""

    id: str
    number: int  # 1-based position among the page's run cells, for labels
    code: str
    line: int
    expect_error: bool = False
    inputs: tuple[str, ...] = ()  # what `build.py check` answers when the cell calls input()
    kind: Literal["run"] = "run"

    @property
    def filename(self) -> str:
        """What tracebacks call this cell, on the page and in `build.py check`."""
        return f"<cell {self.number}>"


@dataclass(frozen=True)
class Hint:
    html: str
    line: int
    images: tuple[Image, ...] = ()


@dataclass(frozen=True)
class Exercise:
    """Starter code plus the parts that check it. Checks run against the
    learner's namespace; the first failing check's message is the feedback."""

    id: str
    starter: str
    line: int
    setup: str = ""
    checks: tuple[str, ...] = ()
    hints: tuple[Hint, ...] = ()
    solution: str | None = None
    aliases: tuple[str, ...] = ()  # earlier ids, so saved work follows a rename
    solution_line: int = 0  # file line of the solution's opening fence (its code starts on the next line)
    kind: Literal["exercise"] = "exercise"

    @property
    def check_code(self) -> str:
        return "\n\n".join(self.checks)


Block = Prose | Listing | RunCell | Exercise


@dataclass(frozen=True)
class DataFile:
    """A file the lesson's code opens by `name` from its working folder (`open("penguins.csv")`)."""

    name: str  # in the working folder
    path: str  # relative to the track folder, and to the track's pages on the site
    source: Path


@dataclass(frozen=True)
class BoardPart:
    """One part of a lesson's simulated board (see board.py), shown as a widget beside the code."""

    part: str  # led, button, potentiometer, light, temperature, pixels, servo, tmp102
    name: str  # labels the widget; checks name the part by it
    pin: int | str
    count: int = 0  # pixels in a strip
    value: float | None = None  # an analogue input's starting level
    slot: int | None = None  # input parts: index of its value in the memory the page shares
    scl: int | None = None  # an I2C part's clock pin (`pin` is its data pin, SDA)
    wired: str = "gnd"  # a button's other side: gnd (pressed reads 0, needs PULL_UP) or 3v3 (reads 1, PULL_DOWN)
    colour: str = "red"  # an LED's colour when lit

    @property
    def is_input(self) -> bool:
        return self.slot is not None


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    track: str
    path: Path
    interpreter: Interpreter = "pyodide"
    packages: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minutes: int | None = None  # estimated time to work through it
    files: tuple[DataFile, ...] = ()
    board: tuple[BoardPart, ...] = ()  # a simulated board, shown beside the code
    blocks: tuple[Block, ...] = ()
    # File line of each front matter key, for problems found after parsing (e.g. `aliases`).
    meta_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def line_of(self, key: str) -> int:
        """The file line of front matter key `key` (of the front matter's first line if it is absent)."""
        return self.meta_lines.get(key, 2)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Exercise))

    @property
    def run_cells(self) -> tuple[RunCell, ...]:
        return tuple(b for b in self.blocks if isinstance(b, RunCell))

    @property
    def url(self) -> str:
        """Path of the lesson page, relative to the site root."""
        return f"{self.track}/{self.id}.html"


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    summary: str
    lessons: tuple[Lesson, ...] = ()

    @property
    def url(self) -> str:
        return f"{self.id}/index.html"


@dataclass(frozen=True)
class Course:
    title: str
    tagline: str
    tracks: tuple[Track, ...] = field(default_factory=tuple)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(lesson for track in self.tracks for lesson in track.lessons)
