"""The simulated board: widgets driven by a running MicroPython program, inputs seen
live, board exercises checked on virtual time and replayed, and the keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from pyground.builder import BuildConfig, build
from pyground.serve import serving

from ..helpers import output, run, set_code, solution, start

pytestmark = pytest.mark.e2e

BOARD_COURSE = Path(__file__).resolve().parents[1] / "fixtures" / "board"
LESSON = "iot/fixture-board.html"
LOOP_FOREVER = """from machine import Pin
import time

led = Pin(25, Pin.OUT)
button = Pin(14, Pin.IN, Pin.PULL_UP)
while True:
    led.value(button.value() == 0)
    time.sleep_ms(10)
"""


@pytest.fixture(scope="module")
def board_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("board-site")
    build(BuildConfig(lessons=BOARD_COURSE, out=out))
    with serving(out) as base:
        yield base


def part(page, name):
    return page.locator(f"[data-board] [data-part][data-name='{name}']")


def test_board_blink_program_turns_led_on_and_off(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    led = part(page, "LED")
    expect(led).to_have_attribute("data-on", "false")
    block = page.locator("[data-block=run]").first
    set_code(
        page,
        block,
        "from machine import Pin\nimport time\nled = Pin(25, Pin.OUT)\nfor _ in range(3):\n    led.on()\n    time.sleep_ms(400)\n    led.off()\n    time.sleep_ms(400)\nprint('blinked')",
    )
    block.locator("[data-action=run]").click()
    expect(led).to_have_attribute("data-on", "true")
    expect(led.locator("[data-state-text]")).to_have_text("on")
    expect(led).to_have_attribute("data-on", "false")
    expect(output(block)).to_contain_text("blinked")
    expect(block).to_have_attribute("data-state", "done")


def test_board_button_click_is_seen_by_running_loop(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    assert page.evaluate("crossOriginIsolated") is True
    block = page.locator("[data-block=run]").first
    set_code(page, block, LOOP_FOREVER)
    start(block)
    led = part(page, "LED")
    expect(led).to_have_attribute("data-on", "false")
    button = page.get_by_role("button", name=re.compile("^Button"))
    button.hover()
    page.mouse.down()  # held: the loop sees it while it runs (benchmarks/board_reaction.py times it)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(led).to_have_attribute("data-on", "true", timeout=2000)
    page.mouse.up()
    expect(led).to_have_attribute("data-on", "false", timeout=2000)
    block.locator("[data-action=stop]").click()
    expect(block).to_have_attribute("data-state", "stopped")


def test_board_slider_shows_in_next_read(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    block = page.locator("[data-block=run]").first
    set_code(
        page,
        block,
        "from machine import ADC\nimport time\nknob = ADC(26)\nlast = None\nwhile True:\n    v = knob.read_u16()\n    if v != last:\n        print('knob', v)\n        last = v\n    time.sleep_ms(20)",
    )
    start(block)
    expect(output(block)).to_contain_text("knob 1000")
    page.get_by_label(re.compile("^Knob")).fill("40000")
    expect(output(block)).to_contain_text("knob 40000")
    block.locator("[data-action=stop]").click()


def test_board_exercise_passes_with_solution_fails_with_starter_and_replays(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    block = page.locator("[data-exercise=fixture-board-blink]")
    board = page.locator("[data-board]")
    run(block)  # the starter: the LED goes on once and stays on
    expect(block).to_have_attribute("data-state", "failed")
    expect(block.locator("[data-feedback]")).to_have_text(
        "The LED should blink on and off every 500 ms, but LED: on at 0 ms"
    )
    expect(board).to_have_attribute("data-replay", "done", timeout=10_000)
    set_code(page, block, solution(block))
    run(block)
    expect(block).to_have_attribute("data-state", "passed")
    expect(block.locator("[data-feedback]")).to_have_text("All checks passed.")
    # The check's 2 s of virtual time are replayed on the LED, then the live board comes back.
    expect(board).to_have_attribute("data-replay", "running")
    expect(board.locator("[data-board-replay]")).to_contain_text("Replaying what your program did")
    led = part(page, "LED")
    expect(led).to_have_attribute("data-on", "true")
    expect(led).to_have_attribute("data-on", "false")
    expect(board).to_have_attribute("data-replay", "done", timeout=10_000)


def test_board_usable_by_keyboard_alone(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    block = page.locator("[data-block=run]").first
    set_code(page, block, LOOP_FOREVER)
    page.keyboard.press("Shift+Enter")  # runs the cell from the editor
    expect(block).to_have_attribute("data-state", "running")
    page.locator("[data-board] summary").focus()
    page.keyboard.press("Tab")  # the board's first control: the button
    button = page.get_by_role("button", name=re.compile("^Button"))
    expect(button).to_be_focused()
    page.keyboard.down("Space")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(part(page, "LED")).to_have_attribute("data-on", "true", timeout=2000)
    page.keyboard.up("Space")
    expect(part(page, "LED")).to_have_attribute("data-on", "false", timeout=2000)
    expect(page.locator("[data-board-live]")).to_contain_text("LED off")
    page.keyboard.press("Tab")
    knob = page.get_by_label(re.compile("^Knob"))
    expect(knob).to_be_focused()
    page.keyboard.press("End")
    expect(knob).to_have_attribute("aria-valuetext", "100% (65535)")
    block.locator("[data-action=stop]").focus()
    page.keyboard.press("Enter")
    expect(block).to_have_attribute("data-state", "stopped")


def test_board_pixels_servo_sensors_and_missing_pin(board_site, lesson_page):
    page = lesson_page(board_site + LESSON)
    block = page.locator("[data-block=run]").first
    set_code(
        page,
        block,
        "from machine import Pin, PWM, ADC\nfrom neopixel import NeoPixel\n"
        "np = NeoPixel(Pin(16), 4)\nnp[0] = (255, 0, 0)\nnp[3] = (0, 0, 255)\nnp.write()\n"
        "servo = PWM(Pin(15), freq=50)\nservo.duty_ns(1500000)\n"
        "print(round(ADC(27).read_u16() * 3.3 / 65535, 2))\n"
        "from machine import I2C\nimport struct\ni2c = I2C(0, sda=Pin(4), scl=Pin(5))\n"
        "print('i2c', i2c.scan(), struct.unpack('>h', i2c.readfrom_mem(0x48, 0, 2))[0] >> 4)\nPin(3, Pin.OUT)",
    )
    page.get_by_label(re.compile("^Thermometer")).fill("-5.5")
    run(block)
    expect(output(block)).to_contain_text("i2c [72] -88")  # a TMP102 at -5.5 degrees: -88 sixteenths
    expect(part(page, "Strip").locator("[data-state-text]")).to_have_text("2 of 4 lit")
    expect(part(page, "Servo")).to_have_attribute("data-angle", "90")
    expect(output(block)).to_contain_text("0.75")  # a TMP36 at 25 degrees: 0.75 V
    expect(output(block)).to_contain_text("this board has nothing connected to pin 3")


def test_board_without_isolation_explains_and_reads_inputs_at_next_run(board_site, unisolated_page):
    page = unisolated_page(board_site + LESSON)
    expect(page.locator("[data-board-note]")).to_be_visible()
    page.get_by_label(re.compile("^Knob")).fill("50000")
    block = page.locator("[data-block=run]").first
    set_code(page, block, "from machine import ADC, Pin\nPin(25, Pin.OUT).on()\nprint('knob', ADC(26).read_u16())")
    run(block)
    expect(output(block)).to_contain_text("knob 50000")
    expect(part(page, "LED")).to_have_attribute("data-on", "true")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_board_has_no_serious_accessibility_problem(board_site, lesson_page, page, scheme):
    page.emulate_media(color_scheme=scheme)
    lesson_page(board_site + LESSON)
    block = page.locator("[data-block=run]").first
    set_code(page, block, "from machine import Pin\nPin(25, Pin.OUT).on()")
    run(block)  # a lit LED and the live region's announcement are checked too
    expect(part(page, "LED")).to_have_attribute("data-on", "true")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_board_fits_a_small_screen(board_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(board_site + LESSON)
    expect(page.locator("[data-board] [data-part]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for control in page.locator("[data-board] button:visible, [data-board] input:visible").all():
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, control.get_attribute("aria-label")
    context.close()


def test_lesson_without_board_has_no_board(site, lesson_page):
    page = lesson_page(site.url("iot/fixture-micro.html"))
    expect(page.locator("[data-board]")).to_have_count(0)
    block = page.locator("[data-block=run]").first
    set_code(
        page, block, "try:\n    import machine\n    print('has machine')\nexcept ImportError:\n    print('no machine')"
    )
    run(block)
    expect(output(block)).to_contain_text("no machine")
