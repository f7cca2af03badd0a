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
        "  - {part: led, pin: 1, color: red}": "unknown key `color`",
        "  - {part: led, pin: 1, colour: purple}": "`colour:` is for an LED: red, yellow, green, blue, white",
        "  - {part: button, pin: 1, colour: green}": "`colour:` is for an LED",
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
    assert '"modules": ["sim.py", "machine.py", "neopixel.py", "broker.py"]' in page
    plain = (out / "iot" / "b.html").read_text()
    assert "data-board" not in plain and "board.css" not in plain and '"board"' not in plain


def test_board_led_colour_is_shown_and_named(tmp_path):
    from .test_content import write_course

    board = "board:\n  - {part: led, pin: 15, name: Stop}\n  - {part: led, pin: 16, name: Go, colour: green}"
    out = tmp_path / "site"
    build(BuildConfig(lessons=write_course(tmp_path, {"iot/01-a.md": lesson_with(board)}), out=out))
    page = (out / "iot" / "a.html").read_text()
    assert 'class="board-led board-led-red"' in page and '>Stop <span class="board-pin">pin 15</span>' in page
    assert 'class="board-led board-led-green"' in page and '>Go <span class="board-pin">pin 16</span>' in page


def test_board_button_wired_to_3v3_is_parsed_and_checked(tmp_path):
    board = "board:\n  - {part: button, pin: 13, name: B, wired: 3v3}"
    lesson = load(tmp_path, {"iot/01-a.md": lesson_with(board)}).lessons[0]
    assert lesson.board == (BoardPart(part="button", name="B", pin=13, slot=0, wired="3v3"),)
    assert board_config(lesson.board)[0]["wired"] == "3v3"
    for number, parts in enumerate(("  - {part: led, pin: 1, wired: 3v3}", "  - {part: button, pin: 1, wired: 5v}")):
        (tmp_path / str(number)).mkdir()
        found = problems(tmp_path / str(number), {"iot/01-a.md": lesson_with("board:\n" + parts)})
        assert any("`wired:` is where a button connects its pin" in p for p in found), (parts, found)


def test_board_button_wired_to_3v3_says_so_on_the_page(tmp_path):
    from .test_content import write_course

    board = "board:\n  - {part: button, pin: 14, name: A}\n  - {part: button, pin: 13, name: B, wired: 3v3}"
    out = tmp_path / "site"
    build(BuildConfig(lessons=write_course(tmp_path, {"iot/01-a.md": lesson_with(board)}), out=out))
    page = (out / "iot" / "a.html").read_text()
    assert '>A <span class="board-pin">pin 14</span></button>' in page
    assert '>B <span class="board-pin">pin 13, to 3V3</span></button>' in page


def load_sim(monkeypatch, parts):
    """sim.py, machine.py and broker.py as the worker loads them, in CPython, on a virtual board (undone after the test)."""
    import importlib.util
    import sys
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "site" / "static" / "py"
    monkeypatch.setitem(sys.modules, "time", sys.modules["time"])  # sim.setup replaces `time`
    monkeypatch.setitem(sys.modules, "utime", None)
    modules = {}
    for name in ("sim", "machine", "broker", "neopixel"):  # sim.setup imports broker (umqtt.simple)
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        modules[name] = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, modules[name])
        spec.loader.exec_module(modules[name])
    modules["sim"].setup(parts)
    modules["sim"].begin_check()
    return modules["sim"], modules["machine"]


def test_sim_start_ticks_makes_the_counter_wrap_during_a_check(monkeypatch):
    sim, machine = load_sim(monkeypatch, [{"part": "led", "name": "LED", "pin": 15}])
    sim.start_ticks(2**30 - 3)
    import sys

    clock = sys.modules["time"]  # the board's `time`, as `import time` gets it in a board lesson
    assert clock.ticks_ms() == 2**30 - 3
    clock.sleep_ms(5)
    assert clock.ticks_ms() == 2  # wrapped past 2**30 - 1 to 0
    machine.Pin(15, machine.Pin.OUT).on()
    assert sim.changes("LED") == [(5, 1)]  # the trace still counts from the start of the run


def test_sim_button_wired_to_3v3_needs_pull_down_and_reads_1_while_held(monkeypatch):
    parts = [
        {"part": "button", "name": "A", "pin": 14, "slot": 0},
        {"part": "button", "name": "B", "pin": 13, "slot": 1, "wired": "3v3"},
    ]
    sim, machine = load_sim(monkeypatch, parts)
    Pin = machine.Pin
    a = Pin(14, Pin.IN, Pin.PULL_UP)
    b = Pin(13, Pin.IN, Pin.PULL_DOWN)
    assert (a.value(), b.value()) == (1, 0)
    sim.board.inputs.update(A=1, B=1)  # both held
    assert (a.value(), b.value()) == (0, 1)
    sim.board.inputs.update(A=0, B=0)
    Pin(13, Pin.IN, Pin.PULL_UP)  # the wrong pull: B reads 1 (as if held) whether held or not
    assert b.value() == 1
    Pin(13, Pin.IN, None)  # no pull: floating, reads as if held here
    Pin(14, Pin.IN, None)
    assert (a.value(), b.value()) == (0, 1)


def test_lightsleep_passes_virtual_time_and_counts_as_asleep(monkeypatch):
    import pytest

    sim, machine = load_sim(monkeypatch, [{"part": "led", "name": "LED", "pin": 15}])
    sim.run_for(5000)
    machine.lightsleep(1200)
    assert sim.now() == 1200
    machine.Pin(15, machine.Pin.OUT).on()  # every machine call takes 0.1 ms of board time
    assert sim.changes("LED") == [(1200, 1)]
    with pytest.raises(ValueError, match="give it a time in milliseconds"):
        machine.lightsleep()
    with pytest.raises(TypeError):
        machine.lightsleep(0.5)
    with pytest.raises(sim.TimeUp):
        machine.lightsleep(10000)  # the run is stopped at 5 s, in the middle of this sleep
    assert sim.asleep_ms() == 4999  # 1200 ms, then 5000 - 1200.1 ms up to the stop


def test_pwm_and_sleep_take_whole_numbers_as_on_a_real_board(monkeypatch):
    import sys

    import pytest

    parts = [{"part": "led", "name": "LED", "pin": 15}, {"part": "servo", "name": "Servo", "pin": 16}]
    sim, machine = load_sim(monkeypatch, parts)
    led = machine.PWM(machine.Pin(15), freq=1000)
    servo = machine.PWM(machine.Pin(16), freq=50)
    clock = sys.modules["time"]
    for call, arg in ((led.duty_u16, 32767.5), (servo.duty_ns, 1.5e6), (led.freq, 1000.0), (clock.sleep_ms, 2.5)):
        with pytest.raises(TypeError, match="can't convert float to int"):
            call(arg)
    with pytest.raises(TypeError, match="can't convert float to int"):
        machine.PWM(machine.Pin(16), freq=50.0)
    led.duty_u16(32768)
    servo.duty_ns(1_500_000)
    clock.sleep_ms(5)
    clock.sleep(0.5)  # time.sleep takes seconds and accepts a float
    servo.duty_u16(8192)
    assert sim.changes("LED") == [(0, 0), (0, 32768)]  # PWM() starts at duty 0
    assert sim.changes("Servo") == [(0, 90), (505, 180)]


def test_neopixel_takes_bytes_only_as_a_real_strip_does(monkeypatch):
    import sys

    import pytest

    sim, machine = load_sim(monkeypatch, [{"part": "pixels", "name": "Strip", "pin": 16, "count": 4}])
    strip = sys.modules["neopixel"].NeoPixel(machine.Pin(16), 4)
    strip[0] = (255, 0, 10)
    strip.write()
    with pytest.raises(TypeError, match="can't convert float to int"):
        strip[1] = (127.5, 0, 0)
    with pytest.raises(ValueError, match="0 to 255, not 300 \\(a real strip would show 44\\)"):
        strip[1] = (300, 0, 0)
    with pytest.raises(ValueError, match="a pixel is 3 numbers"):
        strip[1] = (1, 2)
    assert sim.changes("Strip", "pixels") == [(0, ((255, 0, 10), (0, 0, 0), (0, 0, 0), (0, 0, 0)))]


def test_sim_stops_a_checked_loop_that_calls_the_board_too_often_and_says_why(monkeypatch):
    import sys

    import pytest

    sim, machine = load_sim(monkeypatch, [{"part": "led", "name": "LED", "pin": 15}])
    sim.run_for(60000)
    clock = sys.modules["time"]
    led = machine.Pin(15, machine.Pin.OUT)
    with pytest.raises(sim.TimeUp):
        while True:  # sleeps far too little for a minute of board time: stopped by its number of calls
            led.on()
            clock.sleep_ms(0)
    assert sim.board.calls == sim.MAX_CALLS + 1
    assert "it had called the board 150000 times, so its loop sleeps too little" in sim.timeline("LED")
    assert sim.timeline("LED").startswith("LED: on at 0 ms (the check stopped the program at 7500 ms:")


def test_sim_interrupt_handlers_never_nest_and_the_clock_never_goes_back(monkeypatch):
    import sys

    parts = [{"part": "button", "name": "Button", "pin": 14, "slot": 0}, {"part": "led", "name": "LED", "pin": 15}]
    sim, machine = load_sim(monkeypatch, parts)
    clock = sys.modules["time"]
    Pin = machine.Pin
    led = Pin(15, Pin.OUT)
    running = []

    def handler(pin):  # sleeps inside the handler (a mistake, but learners make it): edges meanwhile must wait
        running.append(1)
        assert len(running) == 1, "a handler ran inside another"
        led.toggle()
        clock.sleep_ms(30)
        running.pop()

    button = Pin(14, Pin.IN, Pin.PULL_UP)
    button.irq(handler, Pin.IRQ_FALLING | Pin.IRQ_RISING)
    for at in (100, 110, 120, 130):
        sim.press("Button", at=at, hold=5)
    sim.run_for(1000)
    for _ in range(100):
        clock.sleep_ms(5)
    times = [t for t, _ in sim.changes("LED")]
    assert times == sorted(times), sim.timeline("LED")
    assert len(times) >= 2


def test_sim_at_and_changes_read_the_trace_and_negative_sleeps_return_at_once(monkeypatch):
    import sys

    sim, machine = load_sim(monkeypatch, [{"part": "led", "name": "LED", "pin": 15}])
    clock = sys.modules["time"]
    led = machine.Pin(15, machine.Pin.OUT)
    for _ in range(3):
        clock.sleep_ms(100)
        led.toggle()
    clock.sleep_ms(-5)  # MicroPython ignores a negative time
    clock.sleep_us(-5)
    assert sim.changes("LED") == [(100, 1), (200, 0), (300, 1)]
    assert [sim.at("LED", t) for t in (0, 99, 100, 150, 200, 299, 300, 10_000)] == [None, None, 1, 1, 0, 0, 1, 1]
    led.off()  # the trace grew: what at() reads grows with it
    assert sim.at("LED", 10_000) == 0
