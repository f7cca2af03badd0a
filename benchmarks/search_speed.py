"""Site search per keystroke on a generated 40-lesson site, in Chromium.

    python benchmarks/search_speed.py [--lessons 40] [--queries 30]

Types queries into the header's search field one character at a time and times each
keystroke from the input event to the results being shown (lunr query, excerpts,
highlighting, the list; a query's first letter alone is not searched, so it is not counted).
Target: under 50 ms per keystroke (95th percentile). The baseline,
measured in the same page, is a plain substring scan of every section's text per keystroke
(what searching without an index costs, before any ranking or display). The first keystroke
also loads the index and lunr.js; it is reported on its own.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import launch_options
from pyground.builder import BuildConfig, build
from pyground.serve import serving

TRACKS = ("basics", "ai", "cloud", "iot")
SYLLABLES = ["ka", "lo", "mi", "ne", "ro", "ta", "vi", "su", "pe", "dor", "lin", "mar", "tes", "qua", "ber", "son"]

TYPE = """async (query) => {
    const input = document.querySelector("[data-search-input]");
    const root = document.querySelector("[data-search]");
    const times = [];
    for (let end = 1; end <= query.length; end++) {
        const text = query.slice(0, end);
        const shown = new Promise((resolve) => {
            const seen = new MutationObserver(() => root.dataset.searched === text && (seen.disconnect(), resolve()));
            seen.observe(root, { attributes: true, attributeFilter: ["data-searched"] });
        });
        const started = performance.now();
        input.value = text;
        input.dispatchEvent(new Event("input"));
        await shown;
        times.push(performance.now() - started);
    }
    return times;
}"""

SCAN = """async (queries) => {
    const docs = (await (await fetch("search-index.json")).json()).docs;
    const times = [];
    let matches = 0; // used, so the scan cannot be optimised away
    for (const query of queries) {
        for (let end = 1; end <= query.length; end++) {
            const text = query.slice(0, end).toLowerCase();
            const started = performance.now();
            const found = docs.filter((doc) => `${doc.lesson} ${doc.heading} ${doc.text}`.toLowerCase().includes(text));
            times.push(performance.now() - started);
            matches += found.length;
        }
    }
    return matches >= 0 ? times : [];
}"""


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    return sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size)})


def generate(root: Path, count: int, rng: random.Random, words: list[str]) -> Path:
    """`count` lessons of 8 sections each, about 2,000 words of prose per lesson."""
    lessons = root / "lessons"
    lessons.mkdir()
    (lessons / "course.yml").write_text(
        "title: Bench\ntracks:\n" + "".join(f"  - id: {t}\n    title: {t}\n" for t in TRACKS)
    )
    weights = [1 / (rank + 1) for rank in range(len(words))]  # a few common words, many rare ones

    def paragraph() -> str:
        return " ".join(rng.choices(words, weights, k=60)) + "."

    for index in range(count):
        track = lessons / TRACKS[index % len(TRACKS)]
        track.mkdir(exist_ok=True)
        body = [f"---\nid: lesson-{index:03d}\ntitle: Lesson {' '.join(rng.sample(words, 2))}\n---\n", paragraph()]
        for section in range(8):
            body += [f"## Section {section} {rng.choice(words)}", paragraph(), paragraph(), paragraph(), paragraph()]
            body += ["```python run\nprint(1)\n```"]
        (track / f"{index:02d}-lesson-{index:03d}.md").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    return lessons


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(1)
    words = vocabulary(rng)
    queries = [rng.choice(words) for _ in range(args.queries)]
    queries += [f"{rng.choice(words[:50])} {rng.choice(words)}" for _ in range(args.queries // 3)]  # two words
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        build(BuildConfig(lessons=generate(Path(tmp), args.lessons, rng, words), out=out))
        size = (out / "search-index.json").stat().st_size
        with serving(out) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch_options(playwright))
            page = browser.new_page()
            page.goto(base)
            page.locator("[data-search-input]").click()
            [first] = page.evaluate(TYPE, queries[0][:1])  # loads lunr.js and the index
            page.evaluate(TYPE, queries[0])  # warm-up
            # Each query typed three times: a keystroke's cost is its fastest time (the machine may be
            # busy with other work), the raw times are reported too. One letter alone is not searched.
            tries = [[page.evaluate(TYPE, query)[1:] for _ in range(3)] for query in queries]
            keystrokes = [min(times) for query in tries for times in zip(*query, strict=True)]
            raw = [t for query in tries for times in query for t in times]
            scans = page.evaluate(SCAN, queries)
            browser.close()
    median, p95 = statistics.median(keystrokes), percentile(keystrokes, 0.95)
    baseline = statistics.median(scans)
    print(f"site: {args.lessons} lessons, search index {size / 1024:.0f} KiB; {len(keystrokes)} keystrokes")
    print(f"first keystroke after the field got focus (which starts loading lunr.js and the index): {first:.1f} ms")
    print(f"search per keystroke: median {median:.2f} ms, p95 {p95:.2f} ms, max {max(keystrokes):.2f} ms (best of 3)")
    print(f"  every try: median {statistics.median(raw):.2f} ms, p95 {percentile(raw, 0.95):.2f} ms")
    print(f"baseline (substring scan of every section, no display): median {baseline:.2f} ms")
    print(f"ratio: search / baseline = {median / baseline:.2f} (median)")
    print(f"target p95 < 50 ms: {'met' if p95 < 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
