"""The `board:` front matter: parts become model data, mistakes are reported at the key's line."""

from __future__ import annotations

from pyground.board import board_config
from pyground.builder import BuildConfig, build
from pyground.model import BoardPart

from ..helpers import GOOD, load, problems, write_course


def lesson_with(board: str, interpreter: str = "micropython") -> str:
    text = GOOD.format(id="a").replace("summary: Short.\n", f"summary: Short.\ninterpreter: {interpreter}\n{board}\n")
    return text.replace("def f():\n    ...", "f = None")


BOARD = """board:
  - {part: led, pin: 25}
  - {part: button, pin: 14, name: Start}
  - {part: light, pin: 26, value: 1200}
  - {part: pixels, pin: 16, count: 3}"""


def test_board_parts_become_model_with_input_slots(tmp_path):
    lesson = load(tmp_path, {"iot/01-a.md": lesson_with(BOARD)}).lessons[0]
    assert lesson.board == (
        BoardPart(part="led", name="LED", pin=25),
        BoardPart(part="button", name="Start", pin=14, slot=0),
        BoardPart(part="light", name="Light", pin=26, value=1200, slot=1),
        BoardPart(part="pixels", name="Pixels", pin=16, count=3),
    )
    assert board_config(lesson.board)[1] == {"part": "button", "name": "Start", "pin": 14, "slot": 0}


def test_board_needs_micropython(tmp_path):
    found = problems(tmp_path, {"iot/01-a.md": lesson_with(BOARD, interpreter="pyodide")})
    assert any("01-a.md:6:" in p and "a board needs `interpreter: micropython`" in p for p in found), found


def test_board_mistakes_are_explained(tmp_path):
    cases = {
        "  - {part: lamp, pin: 3}": "`part:` must be one of led, button",
        "  - {part: led}": "needs `pin:`",
        "  - {part: led, pin: 25}\n  - {part: button, pin: 25}": "pin 25 is already used",
        "  - {part: led, pin: 1}\n  - {part: led, pin: 2}": "two parts are named 'LED'",
        "  - {part: pixels, pin: 1, count: 0}": "`count:` is the number of pixels",
        "  - {part: led, pin: 1, colour: red}": "unknown key `colour`",
        "  - {part: tmp102, pin: 4}": "`scl:` (a pin number) is for an I2C part",
        "  - {part: led, pin: 5}\n  - {part: tmp102, pin: 4, scl: 5}": "pin 5 is already used",
    }
    for number, (parts, message) in enumerate(cases.items()):
        (tmp_path / str(number)).mkdir()
        found = problems(tmp_path / str(number), {"iot/01-a.md": lesson_with("board:\n" + parts)})
        assert any(message in p for p in found), (parts, found)


def test_board_page_has_labelled_widgets_and_lesson_without_board_has_none(tmp_path):
    lessons = {"iot/01-a.md": lesson_with(BOARD), "iot/02-b.md": GOOD.format(id="b")}

    out = tmp_path / "site"
    build(BuildConfig(lessons=write_course(tmp_path, lessons), out=out))
    page = (out / "iot" / "a.html").read_text()
    assert "data-board open" in page and "board.css" in page
    assert 'aria-pressed="false"' in page and '>Start <span class="board-pin">pin 14</span></button>' in page
    assert '<label class="board-label" for="board-3">Light' in page and 'value="1200"' in page
    assert '"modules": ["sim.py", "machine.py", "neopixel.py"]' in page
    plain = (out / "iot" / "b.html").read_text()
    assert "data-board" not in plain and "board.css" not in plain and '"board"' not in plain
