"""charts.py draws safe, self-contained, readable SVG charts from plain Python data, and explains bad input."""

from __future__ import annotations

import itertools
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "site" / "static" / "py"))

import charts

SVG = "{http://www.w3.org/2000/svg}"
FRUIT = [(7.1, 7.3, "apple"), (6.0, 9.2, "pear"), (7.4, 7.0, "apple"), (5.6, 7.9, "lemon")]


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(chart: charts.Chart) -> list[str]:
    return [el.text or "" for el in parse(chart).iter(f"{SVG}text")]


def every_kind() -> dict[str, charts.Chart]:
    return {
        "scatter": charts.scatter(FRUIT, title="Fruit", x_label="width", y_label="height"),
        "scatter_fit": charts.scatter([(1, 2), (2, 4.1), (3, 5.9)]).add_line(2, 0),
        "line": charts.line([1, 2, 3], [0.9, 0.5, 0.3], title="Loss"),
        "line_series": charts.line([1, 2, 3], {"train": [0.9, 0.5, 0.3], "test": [1.0, 0.7, 0.6]}),
        "line_text_x": charts.line(["Mon", "Tue", "Wed"], [12, 14, 9]),
        "bar": charts.bar(["200", "404", "500"], [120, 7, 2], title="Status codes"),
        "bar_long_labels": charts.bar(["Compute Engine", "Cloud Storage", "BigQuery"] * 3, list(range(9))),
    }


@pytest.mark.parametrize("kind", every_kind())
def test_charts_every_kind_parses_as_xml(kind):
    chart = every_kind()[kind]
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root.find(f"{SVG}title").text
    assert root.get("viewBox") == "0 0 480 320"


@pytest.mark.parametrize("kind", every_kind())
def test_charts_every_kind_is_self_contained_and_script_free(kind):
    svg = every_kind()[kind].svg
    for el in ET.fromstring(svg).iter():
        assert el.tag.removeprefix(SVG) not in {"script", "foreignObject", "image", "style", "a", "use"}
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
            assert "url(" not in value and "javascript:" not in value.lower()
    assert "<script" not in svg.lower() and "url(" not in svg and "@import" not in svg


def test_charts_labels_are_escaped():
    evil = '<script>alert("x")</script> & <b onload="alert(1)">'
    chart = charts.scatter([(1, 2, evil), (2, 3, "fine")], title=evil, x_label=evil, y_label="a & b")
    chart.add_line(1, 0, label=evil)
    bars = charts.bar([evil, "ok"], [1, 2], title="Tom & Jerry")
    for c in (chart, bars, charts.line([1, 2], {evil: [1, 2]})):
        assert "<script" not in c.svg and "<b " not in c.svg
        root = parse(c)
        assert not any(a.startswith("on") for el in root.iter() for a in el.attrib)
    assert evil in texts(chart)  # the legend shows the label as text, unchanged
    assert "a &amp; b" in chart.svg and "Tom &amp; Jerry" in bars.svg
    assert parse(bars).find(f"{SVG}title").text == "Tom & Jerry"


def test_charts_control_characters_in_labels_are_dropped():
    chart = charts.bar(["a\x00b", "tab\there", "new\nline"], [1, 2, 3], title="bell\x07")
    assert {"ab", "tab here", "new line"} <= set(texts(chart))
    assert "bell" in texts(chart)


def test_charts_legend_has_an_entry_for_each_group():
    chart = charts.scatter(FRUIT)
    assert {"apple", "pear", "lemon"} <= set(texts(chart))
    markers = [el for el in parse(chart).iter() if el.tag.removeprefix(SVG) in {"circle", "rect", "polygon"}]
    fills = {el.get("fill") for el in markers} - {"#ffffff"}
    assert len(fills) == 3  # one colour per group
    assert "3 groups (apple, pear, lemon)" in chart.description


def test_charts_groups_argument_labels_the_points():
    chart = charts.scatter([(1, 2), (2, 3), (3, 1)], groups=["cat", "dog", "cat"])
    assert {"cat", "dog"} <= set(texts(chart))


def test_charts_unlabelled_scatter_has_no_legend():
    labels = texts(charts.scatter([(1, 2), (2, 3)]))
    assert labels and all(float(label) == float(label) for label in labels)  # tick labels only


def test_charts_line_series_each_get_a_legend_entry_and_a_line():
    chart = charts.line([1, 2, 3], {"train": [3, 2, 1], "validation": [3, 2.5, 2]})
    assert {"train", "validation"} <= set(texts(chart))
    assert len(list(parse(chart).iter(f"{SVG}polyline"))) == 2


def test_charts_line_with_only_values_numbers_them_from_one():
    chart = charts.line([5, 4, 3, 2])
    assert chart.series == [("", [(1, 5.0), (2, 4.0), (3, 3.0), (4, 2.0)])]


def test_charts_line_gap_splits_the_line():
    chart = charts.line([1, 2, 3, 4, 5], [1, 2, None, 4, float("nan")])
    root = parse(chart)
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # 1-2; 4 stands alone, as a marker
    assert "Line chart of 3 points" in chart.description


def test_charts_bar_accepts_a_dict_of_counts():
    chart = charts.bar({"200": 120, "404": 7})
    assert {"200", "404", "120", "7"} <= set(texts(chart))
    assert len(list(parse(chart).iter(f"{SVG}rect"))) == 1 + 2  # the card and two bars


def test_charts_bar_negative_values_hang_below_zero():
    chart = charts.bar(["gain", "loss"], [5, -3])
    rects = list(parse(chart).iter(f"{SVG}rect"))[1:]
    assert all(float(r.get("height")) > 0 for r in rects)
    assert "-3" in texts(chart)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 10, [0, 2, 4, 6, 8, 10]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (3, 97, [0, 20, 40, 60, 80, 100]),
        (-3, 7, [-4, -2, 0, 2, 4, 6, 8]),
        (0.3, 0.7, [0.3, 0.4, 0.5, 0.6, 0.7]),
        (1200, 5600, [1000, 2000, 3000, 4000, 5000, 6000]),
        (0.0012, 0.0049, [0.001, 0.002, 0.003, 0.004, 0.005]),
    ],
)
def test_charts_nice_ticks_are_round_numbers(lo, hi, expected):
    assert charts.nice_ticks(lo, hi) == pytest.approx(expected)


@pytest.mark.parametrize(
    "lo, hi", [(0, 1), (-7.3, 2.1), (1e-6, 3e-6), (12345, 98765), (0.1, 0.30000000000000004), (-1e9, 1e9)]
)
@pytest.mark.parametrize("count", [2, 5, 8])
def test_charts_nice_ticks_cover_the_range_in_1_2_5_steps(lo, hi, count):
    ticks = charts.nice_ticks(lo, hi, count)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    noise = steps[0] * 1e-9  # 0.30000000000000004 counts as 0.3 rather than adding a tick
    assert ticks[0] <= lo + noise and ticks[-1] >= hi - noise
    assert max(steps) == pytest.approx(min(steps))
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]) + 1e-9)
    assert round(mantissa, 6) in {1, 2, 5}
    assert 2 <= len(ticks) <= 2 * count + 2


@pytest.mark.parametrize("value", [0, 5, -5, 1e-9, 1e12])
def test_charts_nice_ticks_of_equal_values_surround_them(value):
    ticks = charts.nice_ticks(value, value)
    assert len(ticks) >= 2 and ticks[0] < value < ticks[-1]


def test_charts_tick_labels_are_compact():
    fmt = charts._tick_format
    assert [fmt([0, 5000, 10000, 15000])(t) for t in (0, 5000, 15000)] == ["0", "5k", "15k"]
    assert fmt([0, 0.5, 1.0])(0.5) == "0.5"
    assert fmt([1000, 2000, 3000])(2000) == "2000"
    assert fmt([0, 2e6, 4e6])(2e6) == "2M"
    assert fmt([0, 0.00002, 0.00004])(0.00002) == "2e-05"
    assert fmt([-10, -5, 0])(-5) == "-5"


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.scatter([]),
        lambda: charts.line([], []),
        lambda: charts.bar([], []),
        lambda: charts.scatter([(None, 1), (float("nan"), 2), (3, float("inf"))]),
        lambda: charts.line([1, 2], {"a": [None, None]}),
        lambda: charts.bar(["a", "b"], [None, float("nan")]),
    ],
)
def test_charts_empty_data_draws_a_no_data_note(make):
    chart = make()
    assert "No data" in texts(chart)
    assert "with no data" in chart.description


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.scatter([(3, 4)]),
        lambda: charts.scatter([(3, 4, "only")]).add_line(1, 1),
        lambda: charts.line([7], [7]),
        lambda: charts.bar(["one"], [1]),
        lambda: charts.scatter([(2, 2), (2, 2), (2, 2)]),
        lambda: charts.line([1, 2, 3], [0, 0, 0]),
        lambda: charts.bar(["a", "b"], [0, 0]),
        lambda: charts.bar(["a", "b"], [5, 5]),
        lambda: charts.scatter([(-5, -3), (-1, -8)]).add_line(-1, -5),
        lambda: charts.line([-3, -2, -1], [-10, -20, -5]),
        lambda: charts.bar(["a", "b"], [-5, -1]),
        lambda: charts.scatter([(1, 1), (2, None), (float("nan"), 3), (4, 4)]),
        lambda: charts.line([1, 2, 3, 4], [1, float("nan"), None, 4]),
        lambda: charts.scatter([(1e-9, 1e12), (2e-9, 3e12)]),
        lambda: charts.scatter([(True, 1), (False, 0)]),
        lambda: charts.bar([f"label {i}" for i in range(60)], list(range(60))),
        lambda: charts.scatter([(i, i, f"group {i}") for i in range(12)], width=160, height=160),
        lambda: charts.line(range(500), [math.sin(i / 20) for i in range(500)]),
    ],
)
def test_charts_awkward_data_does_not_crash(make):
    chart = make()
    root = parse(chart)
    numbers = [
        float(v) for el in root.iter() for k, v in el.attrib.items() if k in {"x", "y", "width", "height", "cx", "cy"}
    ]
    assert all(math.isfinite(v) for v in numbers)
    assert all(float(r.get("height")) >= 0 for r in root.iter(f"{SVG}rect"))


def test_charts_fitted_line_is_drawn_and_labelled():
    chart = charts.scatter([(0, 1), (1, 3), (2, 5)]).add_line(2, 1)
    assert "y = 2x + 1" in texts(chart)
    assert "with the line y = 2x + 1" in chart.description
    assert charts.scatter([(0, 0)]).add_line(0.5, -1.25).lines[0][2] == "y = 0.5x - 1.25"
    assert "best fit" in texts(charts.scatter([(0, 0), (1, 1)]).add_line(1, 0, label="best fit"))


def test_charts_fitted_line_far_off_the_chart_is_clipped_away():
    chart = charts.scatter([(0, 0), (1, 1)]).add_line(0, 1000)
    lines = [el for el in parse(chart).iter(f"{SVG}line") if el.get("stroke-width") == "2.5"]
    assert len(lines) == 1  # only the legend swatch


def test_charts_add_line_returns_the_chart_and_refuses_bar_charts():
    chart = charts.scatter([(1, 1)])
    assert chart.add_line(1, 0) is chart
    with pytest.raises(TypeError, match="add_line\\(\\) needs numbers along the x axis"):
        charts.bar(["a"], [1]).add_line(1, 0)
    with pytest.raises(TypeError, match="w \\(the slope\\) should be a number"):
        chart.add_line("2", 0)


def test_charts_repr_svg_equals_svg_and_str():
    for chart in every_kind().values():
        assert chart._repr_svg_() == chart.svg == str(chart)
        assert repr(chart).startswith("<Chart: ")


def test_charts_title_element_is_the_title_or_a_description():
    assert parse(charts.bar(["a"], [1], title="Counts")).find(f"{SVG}title").text == "Counts"
    scatter = charts.scatter([(i, i) for i in range(12)])
    assert parse(scatter).find(f"{SVG}title").text == "Scatter chart of 12 points"
    assert parse(scatter).get("aria-label") == "Scatter chart of 12 points"
    assert parse(charts.bar(["a"], [1], title="T")).get("aria-label") == "T. Bar chart of 1 value: a 1"


def test_charts_none_title_means_no_title():
    chart = charts.line([1, 2], [3, 4], title=None, x_label=None, y_label=None)
    assert "None" not in texts(chart) and chart.title == ""


def test_charts_draws_on_a_light_card_with_dark_text():
    root = parse(charts.scatter(FRUIT, title="Fruit"))
    card = root.find(f"{SVG}rect")
    assert card.get("fill") == "#ffffff" and card.get("width") == "479"
    assert {el.get("fill") for el in root.iter(f"{SVG}text")} <= {charts.INK, charts.MUTED}


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: charts.scatter("abc"),
            TypeError,
            "scatter() needs a list of (x, y) pairs or (x, y, label) triples, not 'abc'",
        ),
        (
            lambda: charts.scatter([(1, 2), (2, 3), (3, 4), "abc"]),
            TypeError,
            "scatter() needs a list of (x, y) pairs or (x, y, label) triples; points[3] is 'abc'",
        ),
        (lambda: charts.scatter([(1, 2, 3, 4)]), TypeError, "points[0] is (1, 2, 3, 4)"),
        (
            lambda: charts.scatter([(1, "2.5")]),
            TypeError,
            "scatter(): the y of points[0] should be a number, not '2.5' (it is text: float() turns text into a number)",
        ),
        (
            lambda: charts.scatter(5),
            TypeError,
            "scatter() needs a list of (x, y) pairs or (x, y, label) triples, not 5",
        ),
        (
            lambda: charts.scatter([(1, 2)], groups=["a", "b"]),
            ValueError,
            "scatter() got 1 points but 2 groups; give one label per point",
        ),
        (
            lambda: charts.scatter([(1, 2, "a")], groups=["a"]),
            ValueError,
            "either inside the points or with groups=, not both",
        ),
        (
            lambda: charts.line([1, 2, 3], [1, 2]),
            ValueError,
            "line() got 3 x values but 2 y values; they need the same length",
        ),
        (lambda: charts.line([1, 2], {"loss": [1]}), ValueError, "line() got 2 x values but 1 y values of 'loss'"),
        (lambda: charts.line([1, 2], [1, "x"]), TypeError, "line(): value 1 should be a number, not 'x'"),
        (lambda: charts.line([1, 2], 5), TypeError, "line() needs a list of numbers for each line, not 5"),
        (lambda: charts.line([1, [2]], [1, 2]), TypeError, "line(): xs[1] should be a number, not [2]"),
        (lambda: charts.bar(["a", "b"], [1]), ValueError, "bar() got 2 labels but 1 values; give one value per label"),
        (lambda: charts.bar(["a"], ["ten"]), TypeError, "bar(): values[0] should be a number, not 'ten'"),
        (lambda: charts.bar("abc", [1, 2, 3]), TypeError, "bar() needs a list of labels, not 'abc'"),
        (lambda: charts.bar(["a"], None), TypeError, "bar() needs a list of numbers, one per label, not None"),
        (
            lambda: charts.scatter([(1, 2)], width=10),
            ValueError,
            "scatter(): width should be a number of pixels from 160 to 4000, not 10",
        ),
        (
            lambda: charts.bar(["a"], [1], height="big"),
            ValueError,
            "bar(): height should be a number of pixels from 160 to 4000, not 'big'",
        ),
        (
            lambda: charts.scatter([(1, 2)]).add_line(float("nan"), 0),
            ValueError,
            "add_line() needs finite numbers for w and b",
        ),
    ],
)
def test_charts_bad_input_gives_a_clear_message(make, error, message):
    with pytest.raises(error) as info:
        make()
    assert message in str(info.value)


def test_charts_accepts_iterables_such_as_zip():
    chart = charts.scatter(zip([1, 2, 3], [4, 5, 6], strict=True), groups=iter(["a", "b", "a"]))
    assert chart.description == "Scatter chart of 3 points in 2 groups (a, b)"


def test_charts_long_category_labels_are_slanted_and_shortened():
    chart = charts.bar(["a rather long service name", "another long service name"] * 4, list(range(8)))
    slanted = [el for el in parse(chart).iter(f"{SVG}text") if "rotate(-40" in (el.get("transform") or "")]
    assert slanted and all(len(el.text) <= 14 for el in slanted)
    assert all(el.text.endswith("…") for el in slanted)
