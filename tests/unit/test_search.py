"""The search index: made at build time from prose and headings only, in lunr.js's format."""

from __future__ import annotations

import json
import re

import lunr
from lunr.index import Index

from pyground.builder import BuildConfig
from pyground.runtime import load_pins
from pyground.search import WORD, search_index, sections, words

from ..helpers import HIDDEN_LESSON as LESSON
from ..helpers import HIDDEN_WORDS as HIDDEN
from ..helpers import load


def index_of(tmp_path) -> dict:
    return json.loads(search_index(load(tmp_path, {"basics/01-a.md": LESSON})))


def test_search_sections_follow_the_headings_with_their_anchors(tmp_path):
    found = sections(load(tmp_path, {"basics/01-a.md": LESSON}))
    assert [(s.url, s.heading) for s in found] == [
        ("basics/a.html", ""),
        ("basics/a.html#distances-and-labels", "Distances and labels"),
        ("basics/a.html#a-smaller-heading", "A smaller heading"),
    ]
    assert found[0].text == "Classify by the closest points. Opening prose about zebrafinch."
    assert found[0].lesson == "Nearest neighbours" and found[0].track == "basics"


def test_search_index_never_holds_code_checks_solutions_setup_or_hints(tmp_path):
    data = index_of(tmp_path)
    terms = {term for term, _ in data["index"]["invertedIndex"]}
    assert {"zebrafinch", "pythagoras", "neighbours", "distances"} <= terms
    published = json.dumps(data).lower()
    for word in HIDDEN:
        assert word not in published, word


def test_search_index_loads_in_lunr_and_finds_a_section(tmp_path):
    index = Index.load(index_of(tmp_path)["index"])
    [hit] = index.search("pythag*")
    assert hit["ref"] == "1"


def test_search_index_is_the_format_of_the_pinned_lunr_js():
    pin = load_pins(BuildConfig().pyproject).npm_pin("lunr")
    assert pin.version == lunr.__TARGET_JS_VERSION__


def test_search_words_are_what_the_page_splits_queries_into():
    assert words("csv.DictReader(f) — naïve Ελλάδα, x_1") == ["csv", "dictreader", "f", "naïve", "ελλάδα", "x_1"]
    assert re.compile(WORD).pattern == json.loads(json.dumps(WORD))  # survives the trip to the page
