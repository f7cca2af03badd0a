"""Build speed: 50 generated lessons, runtime already cached. Prints seconds.

    python benchmarks/build_speed.py [--lessons 50] [--repeat 5]

Target: under 2 s per build once the runtime is cached.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pyground.builder import BuildConfig, build
from pyground.scaffold import TEMPLATE

TRACKS = ("basics", "ai", "cloud", "iot")


def generate(root: Path, count: int) -> Path:
    lessons = root / "lessons"
    lessons.mkdir()
    (lessons / "course.yml").write_text(
        "title: Bench\ntracks:\n" + "".join(f"  - id: {t}\n    title: {t}\n" for t in TRACKS)
    )
    for index in range(count):
        track = lessons / TRACKS[index % len(TRACKS)]
        track.mkdir(exist_ok=True)
        slug = f"lesson-{index:03d}"
        body = TEMPLATE.format(slug=slug, title=f'"Lesson {index}"')
        body += "\n## More\n\n" + "A paragraph with *emphasis*, `code` and a [link](#more).\n\n" * 20
        (track / f"{index:02d}-{slug}.md").write_text(body, encoding="utf-8")
    return lessons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = BuildConfig(lessons=generate(root, args.lessons), out=root / "out")
        build(config)  # warm: downloads (first time only) and unpacks the runtime
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            build(config)
            times.append(time.perf_counter() - started)
    print(
        f"build of {args.lessons} lessons (runtime cached): median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over {args.repeat} builds"
    )
    print(f"target < 2 s: {'met' if statistics.median(times) < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
