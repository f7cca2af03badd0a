"""Small SVG charts in pure Python for lessons: scatter(), line() and bar().

Standard library only, so it runs in the browser's Pyodide, where matplotlib
cannot. Each function returns a Chart: the page shows it as an image, and
chart.svg (or str(chart)) is the SVG text.

    scatter([(7.1, 7.3, "apple"), (6.0, 9.2, "pear")], x_label="width (cm)", y_label="height (cm)")
    line([1, 2, 3], {"train": [0.9, 0.5, 0.3], "test": [1.0, 0.7, 0.6]}, title="Loss")
    bar(["200", "404", "500"], [120, 7, 2], title="Responses by status code")

Values that are None, NaN or infinite are skipped. The colours are the
Okabe-Ito palette (told apart with common colour blindness), and groups also
get different marker shapes and line dashes. Charts are drawn on a white card,
so they stay readable on light and dark pages.
"""

import math
import numbers
import re
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Chart", "bar", "line", "nice_ticks", "scatter"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
SHAPES = ("circle", "square", "triangle", "diamond", "down")
DASHES = ("", "7 4", "2 3", "10 3 2 3")
INK, MUTED, GRID = "#222222", "#595959", "#e3e3e3"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_SCALES = ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))  # (from, divide by, suffix)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def nice_ticks(lo, hi, count=5):
    """About `count` steps of round tick values from <= lo to >= hi, spaced 1, 2 or 5 x 10^n."""
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    if not math.isfinite(hi - lo):
        raise ValueError(f"nice_ticks() needs finite numbers, not {lo} and {hi}")
    if lo == hi:
        lo, hi = lo - (abs(lo) / 10 or 1), hi + (abs(hi) / 10 or 1)
    raw = (hi - lo) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, digits or None) for k in range(first, last + 1)]


def _tick_format(ticks):
    """A function writing these ticks compactly and all alike: 0.5, 20, 1500, 25k, 3M."""
    step, big = abs(ticks[1] - ticks[0]), max(abs(t) for t in ticks)
    if big < 1e-3:
        return lambda v: "0" if v == 0 else f"{v:.3g}"
    div, suffix = next(((d, s) for start, d, s in _SCALES if big >= start), (1, ""))
    digits = max(0, -math.floor(math.log10(step / div) + 1e-9))
    return lambda v: "0" if v == 0 else f"{v / div:.{digits}f}{suffix}"


def _axis(lo, hi, count, pad):
    """(ticks, their labels, axis start, axis end, pixels-per-step factor) for data from lo to hi.

    The axis ends on the outer ticks or, with pad (for scatter charts, so no marker sits on the frame),
    5% beyond the data, with the ticks inside if at least two are.
    """
    ticks = nice_ticks(lo, hi, count)
    labels, step = list(map(_tick_format(ticks), ticks)), ticks[1] - ticks[0]
    if pad and lo < hi:
        lo, hi = lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05
        kept = [i for i, t in enumerate(ticks) if lo <= t <= hi]
        if len(kept) > 1:
            return [ticks[i] for i in kept], [labels[i] for i in kept], lo, hi, step / (hi - lo)
    return ticks, labels, ticks[0], ticks[-1], step / (ticks[-1] - ticks[0])


def _num(v):
    """One value written compactly: 7, 0.25, 1234, 45.6k, 1.2M."""
    v += 0.0  # no "-0"
    return next((f"{v / d:.3g}{s}" for start, d, s in _SCALES if abs(v) >= start), f"{v:.4g}")


def _clean(s, limit=40):
    """str(s) on one line, without characters XML forbids, shortened to `limit` characters."""
    s = _NOT_XML.sub("", " ".join(str(s).split()))
    return s if len(s) <= limit else s[: max(1, limit - 1)] + "…"


def _width(s, size=11):
    return len(s) * size * 0.6  # an estimate: there are no font metrics here


def _f(v):
    return f"{round(v, 1):g}" if isinstance(v, (int, float)) else str(v)


def _number(v, where):
    """v as a float, or None if it is missing (None, NaN, infinite); TypeError if it is not a number."""
    if v is None:
        return None
    if isinstance(v, numbers.Real):
        v = float(v)
        return v if math.isfinite(v) else None
    hint = " (it is text: float() turns text into a number)" if isinstance(v, str) else ""
    raise TypeError(f"{where} should be a number, not {_clean(repr(v))}{hint}")


def _as_list(obj, expected):
    if isinstance(obj, (str, bytes, dict)) or not hasattr(obj, "__iter__"):
        raise TypeError(f"{expected}, not {_clean(repr(obj))}")
    return list(obj)


class Chart:
    """An SVG chart: chart.svg (or str(chart)) is the SVG text; the page shows a Chart as an image."""

    def __init__(self, kind, series, desc, options, categories=None):
        title, x_label, y_label, width, height = options
        for name, v in (("width", width), ("height", height)):
            if not isinstance(v, numbers.Real) or not 160 <= v <= 4000:
                raise ValueError(f"{kind}(): {name} should be a number of pixels from 160 to 4000, not {v!r}")
        self.kind, self.series, self.categories, self._desc = kind, series, categories, desc
        self.title, self.x_label, self.y_label = (
            "" if s is None else _clean(s, 200) for s in (title, x_label, y_label)
        )
        self.width, self.height, self.lines = float(width), float(height), []

    def add_line(self, w, b, *, label=None):
        """Draw the straight line y = w*x + b across the chart (a fitted line, say); returns the chart."""
        if self.categories is not None:
            raise TypeError(f"add_line() needs numbers along the x axis; this {self.kind} chart has labels there")
        w, b = _number(w, "add_line(): w (the slope)"), _number(b, "add_line(): b (the intercept)")
        if w is None or b is None:
            raise ValueError("add_line() needs finite numbers for w and b")
        auto = f"y = {_num(w)}x {'-' if b < 0 else '+'} {_num(abs(b))}"
        self.lines.append((w, b, _clean(auto if label is None else label, 30)))
        return self

    @property
    def description(self):
        return self._desc + "".join(f", with the line {label}" for _, _, label in self.lines)

    @property
    def svg(self):
        return _render(self)

    def __str__(self):
        return self.svg

    def _repr_svg_(self):
        return self.svg

    def __repr__(self):
        return f"<Chart: {self.description}>"


def _described(kind, n, names, groups="groups"):
    if not n:
        return f"{kind} chart with no data"
    named = f" in {len(names)} {groups} ({', '.join(names)})" if len(names) > 1 else ""
    return f"{kind} chart of {n} point{'s' * (n != 1)}{named}"


def scatter(points, *, title="", x_label="", y_label="", groups=None, width=480, height=320):
    """A scatter chart of (x, y) or (x, y, label) points; each label gets its own colour, marker and legend entry.

    groups is the other way to give labels: a list with one label per point.
    """
    expected = "scatter() needs a list of (x, y) pairs or (x, y, label) triples"
    points = _as_list(points, expected)
    if groups is not None:
        groups = _as_list(groups, "scatter(groups=...) needs a list with one label per point")
        if len(groups) != len(points):
            raise ValueError(f"scatter() got {len(points)} points but {len(groups)} groups; give one label per point")
    series = {}
    for i, p in enumerate(points):
        if not isinstance(p, (tuple, list)) or len(p) not in (2, 3):
            raise TypeError(f"{expected}; points[{i}] is {_clean(repr(p))}")
        if groups is not None and len(p) == 3:
            raise ValueError("scatter(): give labels either inside the points or with groups=, not both")
        label = groups[i] if groups is not None else p[2] if len(p) == 3 else None
        x, y = _number(p[0], f"scatter(): the x of points[{i}]"), _number(p[1], f"scatter(): the y of points[{i}]")
        xy = series.setdefault("" if label is None else _clean(label, 30), [])
        if x is not None and y is not None:
            xy.append((x, y))
    desc = _described("Scatter", sum(map(len, series.values())), list(series))
    return Chart("scatter", list(series.items()), desc, (title, x_label, y_label, width, height))


def line(xs, ys=None, *, title="", x_label="", y_label="", width=480, height=320):
    """A line chart: line(xs, ys) draws one line, line(xs, {"name": ys, ...}) one per name with a legend,
    and line(ys) numbers the values 1, 2, 3, ... Text in xs (such as "Mon") is spaced evenly.
    """
    if ys is None:
        xs, ys = None, xs
    given = ys.items() if isinstance(ys, dict) else [("", ys)]
    named = {_clean(k, 30): _as_list(v, "line() needs a list of numbers for each line") for k, v in given}
    if xs is None:
        xs = range(1, max(map(len, named.values()), default=0) + 1)
    xs = _as_list(xs, "line() needs a list of x values (numbers or text)")
    categories = [_clean(x, 20) for x in xs] if any(isinstance(x, str) for x in xs) else None
    xs = range(len(xs)) if categories else [_number(x, f"line(): xs[{i}]") for i, x in enumerate(xs)]
    series = []
    for name, values in named.items():
        of = f" of {name!r}" if name else ""
        if len(values) != len(xs):
            raise ValueError(f"line() got {len(xs)} x values but {len(values)} y values{of}; they need the same length")
        values = [_number(y, f"line(): value {i}{of}") for i, y in enumerate(values)]
        series.append((name, list(zip(xs, values, strict=True))))
    n = sum(x is not None and y is not None for _, xy in series for x, y in xy)
    desc = _described("Line", n, list(named), "lines")
    return Chart("line", series, desc, (title, x_label, y_label, width, height), categories)


def bar(labels, values=None, *, title="", x_label="", y_label="", width=480, height=320):
    """A bar chart of one value per label; bar(counts) takes a dict such as {"200": 120, "404": 7}."""
    if values is None and isinstance(labels, dict):
        labels, values = list(labels.keys()), list(labels.values())
    labels = [_clean(s, 20) for s in _as_list(labels, "bar() needs a list of labels")]
    values = _as_list(values, "bar() needs a list of numbers, one per label")
    if len(labels) != len(values):
        raise ValueError(f"bar() got {len(labels)} labels but {len(values)} values; give one value per label")
    values = [_number(v, f"bar(): values[{i}]") for i, v in enumerate(values)]
    shown = [f"{s} {_num(v)}" for s, v in zip(labels, values, strict=True) if v is not None]
    desc = f"Bar chart of {len(shown)} value{'s' * (len(shown) != 1)}" if shown else "Bar chart with no data"
    desc += f": {', '.join(shown)}" if 0 < len(shown) <= 12 else ""
    return Chart("bar", [("", list(enumerate(values)))], desc, (title, x_label, y_label, width, height), labels)


def _el(tag, text=None, **attrs):
    """One SVG element, everything escaped; stroke_width=2 is written stroke-width="2"."""
    attrs = "".join(f" {k.replace('_', '-')}={quoteattr(_f(v))}" for k, v in attrs.items() if v not in (None, ""))
    return f"<{tag}{attrs}/>" if text is None else f"<{tag}{attrs}>{escape(text)}</{tag}>"


def _text(x, y, s, size=11, anchor="middle", fill=INK, **more):
    return _el("text", s, x=x, y=y, font_size=size, text_anchor=anchor, fill=fill, **more)


def _marker(shape, x, y, colour, r=4.5):
    paint = {"fill": colour, "stroke": "#ffffff", "stroke_width": 1}
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=r, **paint)
    if shape == "square":
        return _el("rect", x=x - r * 0.9, y=y - r * 0.9, width=r * 1.8, height=r * 1.8, **paint)
    corners = {"triangle": ((0, -1.3), (1.15, 0.75), (-1.15, 0.75)), "down": ((0, 1.3), (1.15, -0.75), (-1.15, -0.75))}
    corners = corners.get(shape, ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)))  # diamond
    return _el("polygon", points=" ".join(f"{_f(x + dx * r)},{_f(y + dy * r)}" for dx, dy in corners), **paint)


def _stroke(colour, dash=""):
    return {"fill": "none", "stroke": colour, "stroke_width": 2.5, "stroke_linejoin": "round", "stroke_dasharray": dash}


def _legend(c):
    """(name, colour, marker shape or None for a line, dash) for each legend entry."""
    entries = []
    if c.kind != "bar" and any(name for name, _ in c.series):
        for i, (name, _) in enumerate(c.series):
            shape, dash = (SHAPES[i % len(SHAPES)], "") if c.kind == "scatter" else (None, DASHES[i % len(DASHES)])
            entries.append((name or "(no label)", PALETTE[i % len(PALETTE)], shape, dash))
    n = len(c.series)
    return entries + [(label, PALETTE[(n + i) % len(PALETTE)], None, "") for i, (_, _, label) in enumerate(c.lines)]


def _render(c):
    W, H, cats, body = c.width, c.height, c.categories, []
    pts = [(x, y) for _, xy in c.series for x, y in xy if x is not None and y is not None]
    y_lo, y_hi = min(y for _, y in pts) if pts else 0.0, max(y for _, y in pts) if pts else 1.0
    if c.kind == "bar":  # bars start at 0, with room beyond their ends for their values
        pad = (max(y_hi, 0) - min(y_lo, 0)) * 0.08 or 1
        y_lo, y_hi = min(y_lo, 0) - pad * (y_lo < 0), max(y_hi, 0) + pad * (y_hi > 0 or y_lo >= 0)

    top = 10  # the title, then rows of legend entries, then the plot
    if c.title:
        body.append(_text(W / 2, top + 15, _clean(c.title, int((W - 20) / 9)), size=15, font_weight="bold"))
        top += 24
    entries, x = _legend(c), 12
    for name, colour, shape, dash in entries:
        name = _clean(name, min(30, int((W - 60) / 7.2)))
        if x > 12 and x + 22 + _width(name, 12) > W - 12:
            x, top = 12, top + 18
        swatch = _el("line", x1=x, y1=top + 9, x2=x + 16, y2=top + 9, **_stroke(colour, dash))
        body += [
            _marker(shape, x + 8, top + 9, colour) if shape else swatch,
            _text(x + 20, top + 13, name, 12, "start"),
        ]
        x += 36 + _width(name, 12)
    top += (18 if entries else 0) + 12
    H = max(H, top + 0.5 * c.height + 46)  # a big legend makes the chart taller, not the plot tiny

    pad = c.kind == "scatter"
    yt, y_labels, y0, y1, _ = _axis(y_lo, y_hi, max(2, min(10, round((H - top - 50) / 36))), pad)
    left, right = (34 if c.y_label else 12) + max(map(_width, y_labels)) + 6, 24 if cats is None else 14
    plot_w, rotate, every, widest = W - left - right, False, 1, 0
    if cats is None:  # numbers along x: as many nice ticks as fit side by side
        xs = [x for x, _ in pts] or [0.0, 1.0]
        for count in range(max(2, min(10, int(plot_w // 60))), 0, -1):
            xt, x_labels, x0, x1, per_step = _axis(min(xs), max(xs), count, pad)
            if plot_w * per_step >= max(map(_width, x_labels), default=0) + 12:
                break
    else:  # one slot per label; labels too wide to sit side by side are slanted, and thinned out if need be
        n = max(len(cats), 1)
        x0, x1, xt, x_labels = -0.5, n - 0.5, range(len(cats)), cats
        if max(map(_width, cats), default=0) > plot_w / n - 6:
            rotate, x_labels = True, [_clean(s, 14) for s in cats]
            widest = max(map(_width, x_labels))
            left = max(left, widest * 0.77 - plot_w / n / 2 + 8)
            plot_w = W - left - right
            every = math.ceil(16 / (plot_w / n))
    bottom = (24 + widest * 0.64 if rotate else 26) + (20 if c.x_label else 0)  # slanted labels need more room
    plot_h = max(20, H - top - bottom)
    base = top + plot_h

    def sx(x):
        return left + (x - x0) / ((x1 - x0) or 1) * plot_w

    def sy(y):
        return base - (y - y0) / ((y1 - y0) or 1) * plot_h

    for t, s in zip(yt, y_labels, strict=True):
        body += [_el("line", x1=left, y1=sy(t), x2=left + plot_w, y2=sy(t), stroke=GRID)]
        body += [_text(left - 6, sy(t) + 4, s, anchor="end", fill=MUTED)]
    for i, (t, s) in enumerate(zip(xt, x_labels, strict=True)):
        if cats is None:
            body.append(_el("line", x1=sx(t), y1=top, x2=sx(t), y2=base, stroke=GRID))
        if not rotate:
            body.append(_text(sx(t), base + 15, s, fill=MUTED))
        elif i % every == 0:
            spin = f"rotate(-40 {_f(sx(t))} {_f(base + 12)})"
            body.append(_text(sx(t), base + 12, s, anchor="end", fill=MUTED, transform=spin))
    if y0 < 0 < y1:
        body.append(_el("line", x1=left, y1=sy(0), x2=left + plot_w, y2=sy(0), stroke="#999999"))
    body.append(_el("path", d=f"M{_f(left)},{_f(top)}V{_f(base)}H{_f(left + plot_w)}", fill="none", stroke=MUTED))

    if c.kind == "bar":
        bars, band = [(i, v) for i, v in c.series[0][1] if v is not None], plot_w / max(len(cats), 1)
        labelled = all(_width(_num(v)) <= band for _, v in bars)
        for i, v in bars:
            high, low = sy(max(v, 0)), sy(min(v, 0))
            body.append(
                _el("rect", x=sx(i) - band * 0.35, y=high, width=band * 0.7, height=low - high, fill=PALETTE[0])
            )
            if labelled:
                body.append(_text(sx(i), high - 4 if v >= 0 else low + 13, _num(v)))
    for k, (_, xy) in enumerate(c.series if c.kind != "bar" else []):
        colour, shape = PALETTE[k % len(PALETTE)], SHAPES[k % len(SHAPES)]
        if c.kind == "scatter":
            body += [_marker(shape, sx(x), sy(y), colour) for x, y in xy]
            continue
        runs = [[]]  # a missing value breaks the line
        for x, y in xy:
            if x is None or y is None:
                runs.append([])
            else:
                runs[-1].append((sx(x), sy(y)))
        for run in filter(None, runs):
            if len(run) > 1:
                path = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
                body.append(_el("polyline", points=path, **_stroke(colour, DASHES[k % len(DASHES)])))
            if len(run) == 1 or len(xy) <= 25:
                body += [_marker(shape, x, y, colour, r=3.5) for x, y in run]
    for i, (w, b, _) in enumerate(c.lines):  # y = w*x + b, clipped to the plot
        lo, hi = sorted(((y0 - b) / w, (y1 - b) / w)) if w else (x0, x1) if y0 <= b <= y1 else (1, 0)
        a, z = max(x0, lo), min(x1, hi)
        if a <= z:
            colour = PALETTE[(len(c.series) + i) % len(PALETTE)]
            body.append(_el("line", x1=sx(a), y1=sy(w * a + b), x2=sx(z), y2=sy(w * z + b), **_stroke(colour)))
    if not pts:
        body.append(_text(left + plot_w / 2, top + plot_h / 2 + 5, "No data", size=14, fill=MUTED))
    if c.x_label:
        body.append(_text(left + plot_w / 2, H - 10, _clean(c.x_label, int(plot_w / 7.2)), size=12))
    if c.y_label:
        mid, label = top + plot_h / 2, _clean(c.y_label, int(plot_h / 7.2))
        body.append(_text(16, mid, label, size=12, transform=f"rotate(-90 16 {_f(mid)})"))

    desc = c.description
    label = f"{c.title}. {desc}" if c.title else desc
    size = {"width": W, "height": H, "viewBox": f"0 0 {_f(W)} {_f(H)}"}
    head = (
        _el("svg", xmlns="http://www.w3.org/2000/svg", **size, role="img", aria_label=label, font_family=FONT)[:-2]
        + ">"
    )
    card = _el("rect", x=0.5, y=0.5, width=W - 1, height=H - 1, rx=8, fill="#ffffff", stroke="#cccccc")
    return "\n".join([head, _el("title", c.title or desc), _el("desc", desc), card, *body, "</svg>"])
