"""`machine` for the simulated board: a strict subset of MicroPython's own API
(as on a Raspberry Pi Pico, port rp2), so a program that works here runs
unchanged on a real board. The state lives in `sim` (live or virtual time)."""

import sim


def _pin_id(pin):
    return pin.id if isinstance(pin, Pin) else pin


class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        self.id = id
        self._part = sim.part_on_pin(id)
        self._mode = None
        self.init(mode, pull, value=value)

    def init(self, mode=-1, pull=-1, *, value=None):
        kind = self._part["part"]
        if mode != -1:
            if mode == Pin.OUT and kind not in ("led", "pixels", "servo"):
                raise ValueError(
                    "pin " + str(self.id) + " is connected to " + self._part["name"] + ", an input: use Pin.IN"
                )
            if mode == Pin.IN and kind in ("led", "pixels", "servo"):
                raise ValueError("pin " + str(self.id) + " drives " + self._part["name"] + ", an output: use Pin.OUT")
            self._mode = mode
        if pull != -1:
            sim.board.pulls[self._part["pin"]] = pull
        if value is not None:
            self.value(value)

    def value(self, x=None):
        p = self._part
        if x is None:
            if p["part"] in ("led", "pixels", "servo"):
                return sim.board.outputs.get((p["name"], "value"), 0)
            return sim.board.read_level(p)
        if self._mode != Pin.OUT:
            raise ValueError(
                "pin " + str(self.id) + " is not an output; create it with Pin(" + repr(self.id) + ", Pin.OUT)"
            )
        sim.board.cost()
        sim.board.record(p["name"], "value", 1 if x else 0)
        return None

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    def high(self):
        self.value(1)

    def low(self):
        self.value(0)

    def toggle(self):
        self.value(0 if self.value() else 1)

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, hard=False):
        if self._part["part"] != "button":
            raise ValueError("pin " + str(self.id) + " has no button on it; irq() watches an input")
        sim.board.set_irq(self._part, handler, trigger, self)

    def __repr__(self):
        return "Pin(" + repr(self.id) + ")"


class ADC:
    CORE_TEMP = 4

    def __init__(self, pin):
        self._part = sim.part_on_pin(_pin_id(pin))
        if self._part["part"] not in sim.ANALOGUE_KINDS:
            raise ValueError(
                "pin " + str(_pin_id(pin)) + " is connected to " + self._part["name"] + ", not to an analogue sensor"
            )

    def read_u16(self):
        return sim.board.read_u16(self._part)


class PWM:
    def __init__(self, dest, *, freq=None, duty_u16=None, duty_ns=None):
        self._part = sim.part_on_pin(_pin_id(dest))
        if self._part["part"] not in ("led", "servo"):
            raise ValueError(
                "PWM on pin " + str(_pin_id(dest)) + ": " + self._part["name"] + " is not an LED or a servo"
            )
        self._freq = 1000
        self._duty = 0
        if freq is not None:
            self.freq(freq)
        if duty_u16 is not None:
            self.duty_u16(duty_u16)
        if duty_ns is not None:
            self.duty_ns(duty_ns)

    def freq(self, value=None):
        if value is None:
            return self._freq
        if not 8 <= sim.whole(value) <= 62500000:
            raise ValueError("freq out of range")
        self._freq = int(value)
        self._show()

    def duty_u16(self, value=None):
        if value is None:
            return self._duty
        self._duty = max(0, min(65535, sim.whole(value)))
        self._show()

    def duty_ns(self, value=None):
        period_ns = 1000000000 // self._freq
        if value is None:
            return round(self._duty * period_ns / 65535)
        self.duty_u16(round(sim.whole(value) * 65535 / period_ns))

    def deinit(self):
        self._duty = 0
        self._show()

    def _show(self):
        sim.board.cost()
        p = self._part
        if p["part"] == "servo":
            pulse_us = round(self._duty * 1000000 / 65535 / self._freq)
            if pulse_us < 400:  # no pulses: the servo stays where it is
                return
            angle = round((pulse_us - 500) * 180 / 2000)  # 0.5 ms: 0 degrees, 2.5 ms: 180 degrees
            sim.board.record(p["name"], "angle", max(0, min(180, angle)))
        else:
            sim.board.record(p["name"], "duty", self._duty)


class I2C:
    """An I2C bus (I2C(0, sda=Pin(4), scl=Pin(5))) with the board's simulated sensors on it."""

    def __init__(self, id, *, scl=None, sda=None, freq=400000, timeout=50000):
        if scl is None or sda is None:
            raise ValueError("give the bus its pins, e.g. I2C(0, sda=Pin(4), scl=Pin(5))")
        self._devices = sim.i2c_device(_pin_id(sda), _pin_id(scl))
        self._pointer = {address: 0 for address in self._devices}

    def _device(self, addr):
        if addr not in self._devices:
            raise OSError(5)  # EIO: nothing answered at this address, as a Pico says (an ESP32 says ENODEV)
        return self._devices[addr]

    def scan(self):
        sim.board.cost()
        return sorted(self._devices)

    def readfrom_mem(self, addr, memaddr, nbytes, *, addrsize=8):
        data = sim.tmp102_register(self._device(addr), memaddr)
        return (data + bytes(nbytes))[:nbytes]

    def readfrom_mem_into(self, addr, memaddr, buf, *, addrsize=8):
        data = self.readfrom_mem(addr, memaddr, len(buf))
        for i in range(len(buf)):
            buf[i] = data[i]

    def writeto_mem(self, addr, memaddr, buf, *, addrsize=8):
        self._device(addr)
        sim.board.cost()
        if memaddr not in (1, 2, 3):
            raise OSError(5)

    def writeto(self, addr, buf, stop=True):
        self._device(addr)
        if len(buf):
            self._pointer[addr] = buf[0]  # the first byte sets the register pointer
        sim.board.cost()
        return 1

    def readfrom(self, addr, nbytes, stop=True):
        return self.readfrom_mem(addr, self._pointer[addr], nbytes)


SoftI2C = I2C


def freq(hz=None):
    return 125000000 if hz is None else None


def lightsleep(time_ms=None):
    """Sleep `time_ms` with the clocks stopped (RAM kept; the program goes on at the next line)."""
    if time_ms is None:
        raise ValueError(
            "lightsleep() without a time sleeps until a pin or timer wakes the board; "
            "give it a time in milliseconds, e.g. lightsleep(1000)"
        )
    sim.board.light_sleep(sim.whole(time_ms))  # a float raises TypeError, as on a real board


def reset():
    raise SystemExit("machine.reset(): the board restarts")
