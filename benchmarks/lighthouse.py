"""Lighthouse scores of the home page and a lesson page: mobile, Lighthouse's default throttling.

    python benchmarks/lighthouse.py [--runs 3] [--pages home lesson] [--report DIR]

Targets on both pages: performance >= 95; accessibility, best practices and SEO = 100.
The real course is built and served as GitHub Pages serves it (plain files, max-age=600,
no isolation headers). Lighthouse audits each page as a first visit (it clears the cache
and the service worker), so a lesson page's run includes the reload that makes it
cross-origin isolated. Each score printed is the median of the runs.

Lighthouse 13 needs Node 22.19 or newer: it and a Node of its own are installed once, with
npm, into the runtime cache (~/.cache/pyground/lighthouse; PYGROUND_CACHE moves it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pyground.browser import CHROMIUM_ARGS, launch_options
from pyground.builder import BuildConfig, build
from pyground.runtime import cache_dir
from pyground.serve import serving

PACKAGES = ["lighthouse@13.5.0", "node@22.23.3"]  # pinned: Lighthouse, and the Node it runs on
PAGES = {"home": "index.html", "lesson": "basics/first-steps.html"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def lighthouse() -> list[str]:
    """The command that runs the pinned Lighthouse with its own Node, installed on first use."""
    folder = cache_dir() / "lighthouse"
    stamp = folder / "installed.json"
    if not stamp.is_file() or json.loads(stamp.read_text()) != PACKAGES:
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing {', '.join(PACKAGES)} into {folder} ...", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder), *PACKAGES], check=True)
        stamp.write_text(json.dumps(PACKAGES))
    modules = folder / "node_modules"
    return [str(modules / ".bin" / "node"), str(modules / "lighthouse" / "cli" / "index.js")]


def chromium_path() -> str:
    with sync_playwright() as playwright:
        return launch_options(playwright).get("executable_path") or playwright.chromium.executable_path


def audit(command: list[str], chromium: str, url: str, report: Path) -> dict[str, int]:
    options = {
        "output": "json",
        "output-path": report,
        "chrome-flags": " ".join(["--headless=new", "--no-sandbox", *CHROMIUM_ARGS]),
        "only-categories": ",".join(CATEGORIES),
    }
    subprocess.run(
        [*command, url, "--quiet", *(f"--{name}={value}" for name, value in options.items())],
        check=True,
        env={**os.environ, "CHROME_PATH": chromium},
    )
    result = json.loads(report.read_text())
    for name, audit in result["audits"].items():  # what cost points, to fix
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") != "informative":
            print(f"    {name}: {audit.get('displayValue') or audit['title']}")
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES), help="only these pages")
    parser.add_argument("--report", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    command, chromium = lighthouse(), chromium_path()
    scores: dict[str, list[dict[str, int]]] = {page: [] for page in args.pages}
    with tempfile.TemporaryDirectory() as tmp:
        site, reports = Path(tmp) / "site", args.report or Path(tmp) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        build(BuildConfig(out=site))
        with serving(site, quiet=True, cache_control="max-age=600") as base:
            for run in range(args.runs):
                for name in args.pages:
                    page = PAGES[name]
                    print(f"{name} page, run {run + 1}:", flush=True)
                    scores[name].append(audit(command, chromium, base + page, reports / f"{name}-{run + 1}.json"))
    print(f"Lighthouse {PACKAGES[0].split('@')[1]}, mobile, default throttling; medians of {args.runs}")
    for name, runs in scores.items():
        medians = {category: statistics.median(run[category] for run in runs) for category in CATEGORIES}
        shown = "  ".join(
            f"{category} {medians[category]:g}{'' if medians[category] >= TARGETS[category] else ' (below target)'}"
            for category in CATEGORIES
        )
        print(f"{name:>7}: {shown}")


if __name__ == "__main__":
    main()
