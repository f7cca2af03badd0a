"""A lesson's simulated board: the `board:` front matter key, checked and turned into parts.

```yaml
board:
  - {part: led, pin: 25, name: LED}
  - {part: led, pin: 16, name: Go, colour: green}   # red (the default), yellow, green, blue, white
  - {part: button, pin: 14, name: Button}
  - {part: button, pin: 13, name: B, wired: 3v3}   # to 3V3, not ground: reads 1 while held (Pin.PULL_DOWN)
  - {part: light, pin: 26}              # also potentiometer, temperature (analogue, ADC pins)
  - {part: pixels, pin: 16, count: 8}   # a NeoPixel strip
  - {part: servo, pin: 15}
```

The page shows each part as a widget; `machine`, `neopixel` and `time` in the
worker (site/static/py/machine.py, neopixel.py, sim.py; broker.py for umqtt.simple) drive them. Input parts
get a slot: their index in the shared memory the page writes widget values to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import BoardPart

PARTS = {  # part -> default name
    "led": "LED",
    "button": "Button",
    "potentiometer": "Knob",
    "light": "Light",
    "temperature": "Temperature",
    "pixels": "Pixels",
    "servo": "Servo",
    "tmp102": "Thermometer",  # an I2C temperature sensor (TI TMP102, address 0x48): `pin` is SDA, `scl` the clock
}
INPUTS = ("button", "potentiometer", "light", "temperature", "tmp102")
CELSIUS = ("temperature", "tmp102")  # inputs whose widget is in degrees Celsius
KEYS = {"part", "pin", "name", "count", "value", "scl", "wired", "colour"}
COLOURS = ("red", "yellow", "green", "blue", "white")  # an LED's colour when lit (board.css)
WIRINGS = ("gnd", "3v3")  # where a button connects its pin while it is held
MAX_PARTS = 12
MAX_PIXELS = 64
# Python modules the board lesson's worker gets (site/static/py); lessons without a board never see them.
MODULES = ("sim.py", "machine.py", "neopixel.py", "broker.py")


def parse_board(value: Any, interpreter: str, fail: Callable[[str], None]) -> tuple[BoardPart, ...]:
    """The parts of `board:`; every problem is reported through `fail(message)`."""
    if value is None:
        return ()
    example = "e.g. `board: [{part: led, pin: 25}, {part: button, pin: 14}]`"
    if interpreter != "micropython":
        fail("a board needs `interpreter: micropython` (its `machine` module is MicroPython's)")
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
        fail(f"board must be a list of parts, {example}")
        return ()
    if len(value) > MAX_PARTS:
        fail(f"a board has at most {MAX_PARTS} parts, not {len(value)}")
        return ()
    parts: list[BoardPart] = []
    names: set[str] = set()
    pins: set[str] = set()
    slot = 0
    for number, item in enumerate(value, 1):
        where = f"board part {number}"
        unknown = sorted(str(key) for key in item if key not in KEYS)
        if unknown:
            fail(f"{where}: unknown key `{unknown[0]}`; parts take {', '.join(sorted(KEYS))}")
            continue
        kind = item.get("part")
        if kind not in PARTS:
            fail(f"{where}: `part:` must be one of {', '.join(PARTS)}, not {kind!r}")
            continue
        pin = item.get("pin")
        if type(pin) is not int and not (isinstance(pin, str) and pin.strip()):
            fail(f"{where} ({kind}): needs `pin:`, a number like 25 (or a name like LED)")
            continue
        name = item.get("name", PARTS[kind])
        if not isinstance(name, str) or not name.strip() or len(name) > 40:
            fail(f"{where}: `name:` must be a short text (it labels the widget and names the part in checks)")
            continue
        name = name.strip()
        if name in names:
            fail(f"{where}: two parts are named {name!r}; give each a `name:` of its own")
            continue
        taken = [p for p in (pin, item.get("scl")) if p is not None and str(p) in pins]
        if taken:
            fail(f"{where}: pin {taken[0]} is already used by another part")
            continue
        count = item.get("count", 8 if kind == "pixels" else 0)
        if kind == "pixels" and (type(count) is not int or not 1 <= count <= MAX_PIXELS):
            fail(f"{where}: `count:` is the number of pixels, 1 to {MAX_PIXELS}")
            continue
        scl = item.get("scl")
        if (kind == "tmp102") != (type(scl) is int):
            fail(f"{where}: `scl:` (a pin number) is for an I2C part (tmp102) and it needs one, e.g. `pin: 4, scl: 5`")
            continue
        start = item.get("value")
        if start is not None and (kind not in INPUTS[1:] or type(start) not in (int, float)):
            fail(f"{where}: `value:` is the starting level of an analogue input (raw 0-65535; temperature in degrees)")
            continue
        wired = item.get("wired", "gnd")
        if wired != "gnd" and (kind != "button" or wired not in WIRINGS):
            fail(f"{where}: `wired:` is where a button connects its pin while held: gnd (the default) or 3v3")
            continue
        colour = item.get("colour", "red")
        if colour != "red" and (kind != "led" or colour not in COLOURS):
            fail(f"{where}: `colour:` is for an LED: {', '.join(COLOURS)} (red is the default)")
            continue
        names.add(name)
        pins.add(str(pin))
        if scl is not None:
            pins.add(str(scl))
        parts.append(
            BoardPart(
                part=kind,
                name=name,
                pin=pin,
                count=count if kind == "pixels" else 0,
                value=start,
                slot=slot if kind in INPUTS else None,
                scl=scl,
                wired=wired,
                colour=colour,
            )
        )
        slot += kind in INPUTS
    return tuple(parts)


def board_config(parts: tuple[BoardPart, ...]) -> list[dict[str, Any]]:
    """The parts as the worker's `sim.setup` and the page's board.js take them."""
    config = []
    for part in parts:
        entry: dict[str, Any] = {"part": part.part, "name": part.name, "pin": part.pin}
        if part.part == "pixels":
            entry["count"] = part.count
        if part.slot is not None:
            entry["slot"] = part.slot
        if part.value is not None:
            entry["value"] = part.value
        if part.scl is not None:
            entry["scl"] = part.scl
        if part.wired != "gnd":
            entry["wired"] = part.wired
        config.append(entry)
    return config
