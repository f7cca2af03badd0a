"""The simulated board behind `machine`, `neopixel` and `time` on board lessons.

A lesson's front matter declares its parts (`board:`); the runner calls
`setup(parts, ...)` once per interpreter. Learner code only ever sees
MicroPython's own API (machine.Pin, ADC, PWM, neopixel.NeoPixel, time.*);
this module is for the runner and for exercise checks:

    import sim
    sim.press("Button", at=1200, hold=300)   # scripted inputs, in setup
    sim.set("Light", 20000, at=500)
    sim.run_for(5000)                        # the program is stopped after 5 s
    sim.start_ticks(2**30 - 1000)            # ticks_ms() starts there (it wraps to 0 after 1 s)
    sim.changes("LED")                       # [(t_ms, value), ...] in checks
    sim.at("LED", 1300)                      # its value at 1300 ms
    sim.timeline("LED")                      # "on at 0 ms, off at 500 ms, ..." for messages
    sim.asleep_ms()                          # how long the run spent in machine.lightsleep

Two clocks: live (real time, inputs from the page's widgets) for run cells,
and virtual (sleep_ms advances the clock at once; every machine call takes
0.1 ms, so a busy loop also moves on) during a Check, where every
output change is recorded with its virtual time in `trace`.
"""

import sys
import time as _time

TICKS_PERIOD = 1 << 30  # MicroPython's ticks wrap here
CALL_COST_US = 100  # virtual time one machine/time call takes, so a loop that never sleeps still moves on
DEFAULT_RUN_MS = 10000  # how long a checked program runs unless the setup says otherwise
MAX_TRACE = 2000  # a checked program that changes the board more often than this is stopped
# A checked program that calls the board (sleep, pins, ticks...) more often than this is stopped too: each
# call costs real time, and a loop that sleeps 1 ms through a minute of board time would run for longer than
# the page waits. Counting calls, not seconds, keeps the verdict the same on a fast or a busy machine.
MAX_CALLS = 150000
ANALOGUE_KINDS = ("potentiometer", "light", "temperature")
CELSIUS_KINDS = ("temperature", "tmp102")  # their value is in degrees (centi-degrees in the page's slots)


class TimeUp(BaseException):
    """The checked program's virtual time ran out: the normal end of a board exercise."""


class BoardError(ValueError):
    pass


_parts = []  # [{"part", "name", "pin", "count"?, "slot"?}]
_slots = None  # the page's Int32Array of input values (isolated pages), else None
_values = {}  # input values the page sent without shared memory (seen from the next run on)
_sink = None  # callable(events, replay): sends output changes to the page
board = None  # the current Board: the live one, or a fresh virtual one during a Check
_live = None


def setup(parts, slots=None, sink=None):
    """Called by the runner: the lesson's parts, the page's shared input slots, where changes go."""
    global _parts, _slots, _sink, board, _live
    _parts = list(parts)
    _slots = slots
    _sink = sink
    _live = board = Board(virtual=False)
    sys.modules["time"] = sys.modules["utime"] = _TimeModule()  # `import time` gets the board's clock
    import broker

    broker.install()  # `from umqtt.simple import MQTTClient` reaches the board's MQTT broker


def set_input(name, value):
    """An input changed on the page (also used without shared memory)."""
    _values[name] = int(value)
    return True


def part(name):
    for p in _parts:
        if p["name"] == name:
            return p
    raise BoardError("this board has no part named " + repr(name) + "; it has " + _names())


def _names():
    return ", ".join(p["name"] for p in _parts) or "no parts"


def _describe_parts():
    return "; ".join(p["name"] + " on pin " + str(p["pin"]) for p in _parts)


def part_on_pin(pin):
    for p in _parts:
        if str(p["pin"]) == str(pin) or ("scl" in p and str(p["scl"]) == str(pin)):
            return p
    raise BoardError(
        "this board has nothing connected to pin " + repr(pin) + "; it has " + (_describe_parts() or "no parts")
    )


def begin_check():
    """A fresh board on virtual time for one exercise attempt."""
    global board
    board = Board(virtual=True)
    return board


def end_check():
    """Back to the live board; returns the check's trace (for the replay on the page)."""
    global board
    done = board
    board = _live
    return done.trace if done is not None and done.virtual else []


def begin_virtual_cell():
    """`build.py check`: a run cell on virtual time, on the live board's state."""
    global board
    import broker

    if _live.mqtt is None:
        _live.mqtt = broker.Broker()  # shared by the cells, as the live board's is on the page
    board = Board(virtual=True, like=_live)


# ---- for exercise setups and checks


def _script(name, value, at):
    b = _checked_board()
    b.script.append((int(at * 1000), len(b.script), name, value))
    b.script.sort()


def press(name, at=0, hold=None):
    """Press button `name` at `at` ms (virtual), and release it `hold` ms later if given."""
    if part(name)["part"] != "button":
        raise BoardError(name + " is not a button")
    _script(name, 1, at)
    if hold is not None:
        _script(name, 0, at + hold)


def release(name, at=0):
    _script(name, 0, at)


def set(name, value, at=0):
    """Set an analogue input at `at` ms: raw 0-65535 (temperature: degrees Celsius)."""
    kind = part(name)["part"]
    if kind not in ANALOGUE_KINDS + CELSIUS_KINDS:
        raise BoardError(name + " is not an analogue input or a sensor")
    _script(name, _to_slot(kind, value), at)


def run_for(ms):
    """Stop the checked program after `ms` of virtual time (default 10 s)."""
    _checked_board().limit_us = int(ms * 1000)


def start_ticks(ms):
    """Make ticks_ms() read `ms` when the checked run starts (say just before it wraps at 2**30), not 0.

    The trace's times still count from 0 ms, the start of the run."""
    _checked_board().ticks_start_us = (int(ms) % TICKS_PERIOD) * 1000


def _checked_board():
    if board is None or not board.virtual:
        raise BoardError("scripted inputs only work while an exercise is checked")
    return board


def _last():
    return board if board is not None and board.virtual else _last_check


_last_check = None


def changes(name, what=None):
    """[(t_ms, value), ...]: every change of part `name` in the last checked run."""
    times, values = _series(name, what)
    return [(times[i], values[i]) for i in range(len(times))]  # not zip(): ruff wants strict=, MicroPython lacks it


def trace():
    """Every change in the last checked run: [(t_ms, part name, what, value), ...]."""
    b = _last()
    return list(b.trace) if b is not None else []


_series_cache = {}  # (name, what) -> (board, trace length, times, values): checks ask for the same part often


def _series(name, what):
    b = _last()
    if b is None:
        return [], []
    key = (name, what)
    cached = _series_cache.get(key)
    if cached is not None and cached[0] is b and cached[1] == len(b.trace):
        return cached[2], cached[3]
    found = [(t, v) for t, n, w, v in b.trace if n == name and (what is None or w == what)]
    times, values = [t for t, _ in found], [v for _, v in found]
    _series_cache[key] = (b, len(b.trace), times, values)
    return times, values


def at(name, t, what=None):
    """The value part `name` had at `t` ms of the checked run (None before its first change)."""
    times, values = _series(name, what)
    low, high = 0, len(times)  # the first change later than t (MicroPython has no bisect module)
    while low < high:
        middle = (low + high) // 2
        if times[middle] > t:
            high = middle
        else:
            low = middle + 1
    return values[low - 1] if low else None


def now():
    return _last().us // 1000


def asleep_ms():
    """How long the last checked run spent in machine.lightsleep, in ms (up to where it was stopped)."""
    b = _last()
    return b.asleep_us // 1000 if b is not None else 0


def value(name):
    """The last value part `name` was set to in the checked run (None if never)."""
    found = changes(name)
    return found[-1][1] if found else None


def _word(what, value):
    if what == "value":
        return "on" if value else "off"
    if what == "pressed":
        return "pressed" if value else "released"
    if what == "duty":
        return str(round(value * 100 / 65535)) + "%"
    if what == "angle":
        return str(value) + " degrees"
    if what == "pixels":
        lit = sum(1 for c in value if any(c))
        return str(lit) + " of " + str(len(value)) + " lit"
    return str(value)


def timeline(name, what=None, limit=8):
    """What part `name` did, in words, for a check's message: "on at 0 ms, off at 500 ms, ..."."""
    found = [(t, w, v) for t, n, w, v in trace() if n == name and (what is None or w == what)]
    if not found:
        return name + " never changed" + _stop_note()
    words = [_word(w, v) + " at " + str(t) + " ms" for t, w, v in found[:limit]]
    more = len(found) - limit
    text = name + ": " + ", ".join(words)
    if more > 0:
        text += ", and " + str(more) + " more change" + ("s" if more > 1 else "")
    return text + _stop_note()


def _stop_note():
    """Why the checked program was stopped early, if it was, for a check's message."""
    b = _last()
    if b is None or not b.stopped_early:
        return ""
    at = str(b.us // 1000) + " ms"
    if b.stopped_early == "changes":
        return " (the check stopped the program after " + str(MAX_TRACE) + " changes at " + at + ")"
    return (
        " (the check stopped the program at "
        + at
        + ": it had called the board "
        + str(MAX_CALLS)
        + " times, so its loop sleeps too little; a device loop usually waits with time.sleep_ms)"
    )


# ---- MQTT: the board's broker (broker.py), which umqtt.simple's MQTTClient connects to


def message(topic, payload, at=0, retain=False, qos=0):
    """Another client publishes `payload` to `topic` at `at` ms (a phone sending a command, say)."""
    import broker

    _checked_board()
    broker.script(topic, payload, at, retain, qos)


def published(filter="#"):
    """What the program published to topics matching `filter`: [(t_ms, topic, payload, retain, qos), ...]."""
    import broker

    return broker.published(_last(), filter)


def retained():
    """The broker's retained messages at the end of the run: {topic: payload}."""
    import broker

    return broker.retained(_last())


def mqtt_timeline(filter="#", limit=8):
    """What was published, in words, for a check's message: "published a/b b'1' retained at 0 ms, ..."."""
    import broker

    return broker.timeline(_last(), filter, limit)


# ---- the board itself


def _to_slot(kind, value):
    if kind in CELSIUS_KINDS:
        return round(float(value) * 100)  # centi-degrees, as the page's slider stores them
    return max(0, min(65535, int(value)))


def _raw_u16(kind, slot_value):
    if kind == "temperature":  # a TMP36: 0.5 V at 0 degrees, 10 mV per degree, on a 3.3 V ADC
        volts = 0.5 + slot_value / 100 / 100
        return max(0, min(65535, round(volts / 3.3 * 65535)))
    return max(0, min(65535, int(slot_value)))


class Board:
    def __init__(self, virtual, like=None):
        global _last_check
        self.virtual = virtual
        self.us = 0
        self.trace = []
        self.stopped_early = None  # "changes" or "calls" when a limit stopped the checked program (_stop_note)
        self.calls = 0
        self.in_handler = False
        self.script = []
        self.limit_us = DEFAULT_RUN_MS * 1000
        self.ticks_start_us = 0  # what the tick counters read at the start of a checked run (start_ticks)
        self.inputs = {}  # virtual input values by part name
        self.outputs = dict(like.outputs) if like else {}  # (name, what) -> last value
        self.pulls = dict(like.pulls) if like else {}  # pin -> pull
        self.irqs = dict(like.irqs) if like else {}  # part name -> (handler, trigger, pin object)
        self.levels = {}  # part name -> last digital level seen, for edges
        self.mqtt = like.mqtt if like else None  # the MQTT broker (broker.py), made when a client connects
        self.asleep_us = 0  # virtual time spent in machine.lightsleep (sim.asleep_ms)
        if virtual:
            _last_check = self

    # time
    def ticks_us(self):
        if not self.virtual:
            self.poll()
            return _time.ticks_us()
        self.advance(CALL_COST_US)
        return (self.us + self.ticks_start_us) % TICKS_PERIOD

    def ticks_ms(self):
        if not self.virtual:
            self.poll()
            return _time.ticks_ms()
        self.advance(CALL_COST_US)
        return ((self.us + self.ticks_start_us) // 1000) % TICKS_PERIOD

    def sleep_us(self, us):
        us = int(us)
        if us < 0:
            raise ValueError("sleep time must not be negative")
        if self.virtual:
            self.advance(us)
            return
        end = _time.ticks_add(_time.ticks_us(), us)
        while True:
            self.poll()
            left = _time.ticks_diff(end, _time.ticks_us())
            if left <= 0:
                return
            step_ms = min(left // 1000, 5 if self.irqs else 50)
            if step_ms <= 0 or _slots is None:
                _time.sleep_us(min(left, 5000))
            else:
                import js

                js.Atomics.wait(_slots, _slots.length - 1, 0, step_ms)  # sleeps without spinning

    def light_sleep(self, ms):
        """machine.lightsleep(ms): on this board a sleep_ms that is counted as time asleep."""
        before = self.us
        try:
            self.sleep_us(int(ms) * 1000)
        finally:
            if self.virtual:
                end = self.us if self.limit_us is None else min(self.us, self.limit_us)
                self.asleep_us += max(0, end - before)

    def advance(self, us):
        self.calls += 1
        if self.calls > MAX_CALLS:
            self.stopped_early = "calls"
            raise TimeUp()
        target = self.us + us
        while self.script and self.script[0][0] <= target:
            at, _, name, value = self.script.pop(0)
            self.us = max(self.us, at)
            self.inputs[name] = value
            self.record(name, "pressed" if part(name)["part"] == "button" else "level", value)
            self.poll()
        self.us = max(self.us, target)  # a handler run above may have slept past the target already
        if self.limit_us is not None and self.us >= self.limit_us:
            raise TimeUp()

    # inputs
    def input_value(self, p):
        name = p["name"]
        if self.virtual:
            return self.inputs.get(name, _default(p))
        if _slots is not None and "slot" in p:
            return int(_slots[p["slot"]])
        return _values.get(name, _default(p))

    def level(self, p):
        """The digital level on an input part's pin: a button connects its pin to ground (or 3V3, `wired: 3v3`)."""
        if p["part"] == "button":
            active = 1 if p.get("wired") == "3v3" else 0
            if self.input_value(p):
                return active
            pull = self.pulls.get(p["pin"])  # Pin.PULL_UP 1, Pin.PULL_DOWN 2
            if pull in (1, 2):
                return 1 if pull == 1 else 0
            return active  # floating without a pull: reads as if pressed here (on a real board: noise)
        return 1 if _raw_u16(p["part"], self.input_value(p)) > 32767 else 0

    def read_level(self, p):
        self.cost()
        return self.level(p)

    def read_u16(self, p):
        self.cost()
        return _raw_u16(p["part"], self.input_value(p))

    def cost(self):
        if self.virtual:
            self.advance(CALL_COST_US)
        else:
            self.poll()

    def poll(self):
        """Run the interrupt handlers of pins whose level changed (between calls, like a soft IRQ).

        A handler is never interrupted by another one (MicroPython runs scheduled handlers one at a time):
        edges while it runs are seen when it has returned, from the levels remembered here."""
        if self.in_handler:
            return
        for name, (handler, trigger, pin) in list(self.irqs.items()):
            p = part(name)
            now = self.level(p)
            before = self.levels.get(name, now)
            self.levels[name] = now
            if now != before and handler is not None:
                edge = 8 if now else 4  # Pin.IRQ_RISING, Pin.IRQ_FALLING (rp2 values)
                if trigger & edge:
                    self.in_handler = True
                    try:
                        handler(pin)
                    finally:
                        self.in_handler = False

    def set_irq(self, p, handler, trigger, pin):
        self.levels[p["name"]] = self.level(p)
        self.irqs[p["name"]] = (handler, trigger, pin)

    # outputs
    def record(self, name, what, value):
        key = (name, what)
        if key in self.outputs and self.outputs[key] == value:
            return
        self.outputs[key] = value
        event = (self.us // 1000, name, what, value)
        if self.virtual:
            self.trace.append(event)
            if len(self.trace) >= MAX_TRACE:
                self.stopped_early = "changes"
                raise TimeUp()
        elif _sink is not None:
            _sink([event], False)


def whole(value):
    """A whole number for sleep_ms, duty_u16 and the like: a float raises TypeError there on a real board too."""
    if not isinstance(value, int):
        raise TypeError("can't convert " + type(value).__name__ + " to int")
    return value


def _default(p):
    if p["part"] == "button":
        return 0
    return _to_slot(p["part"], p.get("value", 25 if p["part"] in CELSIUS_KINDS else 32768))


def i2c_device(sda, scl):
    """The I2C sensors on the bus with data pin `sda` and clock pin `scl`: {address: part}."""
    found = {}
    for p in _parts:
        if p["part"] == "tmp102" and str(p["pin"]) == str(sda) and str(p.get("scl")) == str(scl):
            found[0x48] = p
    if not found:
        raise BoardError(
            "this board has no I2C device on SDA "
            + str(sda)
            + ", SCL "
            + str(scl)
            + "; it has "
            + (_describe_parts() or "no parts")
        )
    return found


def tmp102_register(p, register):
    """A TMP102's registers as the chip has them: 0 temperature (12 bits, 1/16 degree, left-aligned), 1 config."""
    board.cost()
    if register == 0:
        sixteenths = int(board.input_value(p) * 16 // 100)  # the slot holds centi-degrees
        raw = (sixteenths & 0xFFF) << 4
        return bytes([raw >> 8, raw & 0xFF])
    if register == 1:
        return bytes([0x60, 0xA0])
    if register in (2, 3):  # T_LOW 75 degrees, T_HIGH 80 degrees
        raw = (75 if register == 2 else 80) * 16 << 4
        return bytes([raw >> 8, raw & 0xFF])
    raise OSError(5)  # EIO, as MicroPython raises for a register the chip does not have


class _TimeModule:
    """`time` on a board lesson: MicroPython's functions, on the board's clock."""

    def sleep(self, seconds):
        board.sleep_us(int(seconds * 1000000))

    def sleep_ms(self, ms):
        board.sleep_us(max(0, whole(ms)) * 1000)  # a negative time returns at once, as in MicroPython

    def sleep_us(self, us):
        board.sleep_us(max(0, whole(us)))

    def ticks_ms(self):
        return board.ticks_ms()

    def ticks_us(self):
        return board.ticks_us()

    def ticks_diff(self, end, start):
        return _time.ticks_diff(end, start)

    def ticks_add(self, ticks, delta):
        return _time.ticks_add(ticks, delta)

    def time(self):
        if board.virtual:
            board.cost()
            return board.us // 1000000
        return _time.time()

    def localtime(self, *args):
        return _time.localtime(*args)

    def gmtime(self, *args):
        return _time.gmtime(*args)

    def mktime(self, t):
        return _time.mktime(t)

    def time_ns(self):
        return self.ticks_us() * 1000 if board.virtual else _time.time_ns()
