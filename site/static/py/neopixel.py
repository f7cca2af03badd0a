"""`neopixel` for the simulated board: MicroPython's NeoPixel class (a subset)."""

import sim
from machine import Pin


class NeoPixel:
    ORDER = (1, 0, 2, 3)

    def __init__(self, pin, n, bpp=3, timing=1):
        pin_id = pin.id if isinstance(pin, Pin) else pin
        self._part = sim.part_on_pin(pin_id)
        if self._part["part"] != "pixels":
            raise ValueError("pin " + str(pin_id) + " is connected to " + self._part["name"] + ", not to a pixel strip")
        count = self._part.get("count", 8)
        if n > count:
            raise ValueError(self._part["name"] + " has " + str(count) + " pixels, not " + str(n))
        self.n = n
        self.bpp = bpp
        self._pixels = [(0,) * bpp for _ in range(n)]

    def __len__(self):
        return self.n

    def __setitem__(self, index, value):
        if len(value) != self.bpp:
            raise ValueError("a pixel is " + str(self.bpp) + " numbers, for example (255, 0, 0)")
        for c in value:
            if not 0 <= sim.whole(c) <= 255:  # a float raises TypeError, as on a real board
                # A real strip stores each number in a byte, so 300 silently becomes 44: say so instead.
                raise ValueError(
                    "each colour is 0 to 255, not " + str(c) + " (a real strip would show " + str(c & 255) + ")"
                )
        self._pixels[index] = tuple(value)

    def __getitem__(self, index):
        return self._pixels[index]

    def fill(self, value):
        for i in range(self.n):
            self[i] = value

    def write(self):
        sim.board.cost()
        sim.board.record(self._part["name"], "pixels", tuple(self._pixels))
