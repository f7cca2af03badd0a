"""The site's search index, made at build time from the lesson model with lunr (lunr.py).

One search document per lesson section (the part before the first heading, then each
`##`/`###` heading): the lesson title, the section heading and the section's prose. Only
prose and headings are indexed, never code, checks, solutions, setup or hints, so a search
cannot reveal an answer. The index is lunr.js's own format (the browser loads it with
`lunr.Index.load`), published with the text of every section (for excerpts) as one file.

Words are split here, by WORD, and the page splits the query with the same pattern (it is
in the file), so both sides agree on what a word is. Words are not stemmed: the page
searches each typed word as a prefix, which suits search as you type ("neigh" finds
"neighbours").
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

from lunr.builder import Builder
from lunr.stop_word_filter import stop_word_filter

from .model import Course, Lesson, Prose

INDEX_FILE = "search-index.json"  # at the site root
# A word: letters (Latin with accents, Greek, Cyrillic), digits and underscores. Read by
# Python's re and by JavaScript's RegExp alike (the page gets it from the index file).
WORD = r"[0-9A-Za-z_\u00c0-\u024f\u0370-\u04ff]+"
FIELDS = {"lesson": 10, "heading": 5, "text": 1}  # field of Section: boost


@dataclass(frozen=True)
class Section:
    url: str  # relative to the site root, with #anchor for a heading
    lesson: str  # the lesson's title
    track: str  # the track's title
    heading: str  # "" for the lesson's opening
    text: str  # the section's prose as plain text


def sections(course: Course) -> list[Section]:
    found = []
    for track in course.tracks:
        for lesson in track.lessons:
            found += _lesson_sections(lesson, track.title)
    return found


def _lesson_sections(lesson: Lesson, track: str) -> list[Section]:
    reader = _ProseReader()
    reader.parts.append(["", [], [lesson.summary]])
    for block in lesson.blocks:
        if isinstance(block, Prose):
            reader.feed(block.html)
    reader.close()
    return [
        Section(
            url=f"{lesson.url}#{anchor}" if anchor else lesson.url,
            lesson=lesson.title,
            track=track,
            heading=_plain(heading),
            text=_plain(text),
        )
        for anchor, heading, text in reader.parts
    ]


def _plain(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


class _ProseReader(HTMLParser):
    """Splits the site's own rendered prose into (anchor, heading, text) at its h2/h3 headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[list] = []  # [anchor, [heading pieces], [text pieces]]
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3") and (anchor := dict(attrs).get("id")):
            self.parts.append([anchor, [], []])
            self.in_heading = True
        elif tag in ("p", "li", "td", "th", "br", "h4", "h5", "h6", "pre", "blockquote"):
            self.parts[-1][2].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3"):
            self.in_heading = False

    def handle_data(self, data: str) -> None:
        self.parts[-1][1 if self.in_heading else 2].append(data)


def words(text: str) -> list[str]:
    return re.findall(WORD, text.lower())


def search_index(course: Course) -> str:
    """The published search file: {"word": WORD, "docs": [section...], "index": lunr index}."""
    found = sections(course)
    builder = Builder()
    builder.pipeline.add(stop_word_filter)  # the search pipeline stays empty: no stemming
    builder.ref("ref")
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    for ref, section in enumerate(found):
        # Already split into words (lunr then splits at the spaces only).
        builder.add({"ref": str(ref), **{name: " ".join(words(getattr(section, name))) for name in FIELDS}})
    index = builder.build().serialize()
    return json.dumps(
        {"word": WORD, "docs": [asdict(section) for section in found], "index": index},
        ensure_ascii=False,
        separators=(",", ":"),
    )
