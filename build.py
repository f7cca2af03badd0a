#!/usr/bin/env python3
"""Pyground's command line: build, serve, check and start lessons.

    python build.py build [--out DIR] [--strict]   build the static site
    python build.py serve [--port N]               build, serve on 127.0.0.1, rebuild on change
    python build.py check [LESSON...] [--cpython-only] [--mutants]  verify lessons in CPython, then in Pyodide
    python build.py grade FILE... --csv OUT         grade submission files with the site's grading page
    python build.py new TRACK SLUG --title TEXT    start a lesson from a template

Thin on purpose: it parses arguments and calls the engine in `pyground/`.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from pyground.builder import BuildConfig, build, load_and_validate
from pyground.model import Course
from pyground.problems import BuildError
from pyground.runtime import load_pins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build and serve the Pyground course site.")
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser(
        "build", help="build the static site", description="Build the site from lessons/ and site/."
    )
    _common(build_cmd)

    serve_cmd = commands.add_parser(
        "serve",
        help="build, serve locally and rebuild on change",
        description="Build the site, serve it and rebuild when a lesson or template changes.",
    )
    _common(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_cmd.add_argument("--prefix", default="/", help="serve under a sub-path, e.g. /pyground/, as on GitHub Pages")
    serve_cmd.add_argument("--isolate", action="store_true", help="send COOP/COEP headers (cross-origin isolation)")

    check_cmd = commands.add_parser(
        "check",
        help="validate every lesson and verify its exercises",
        description="Validate every lesson, then run each exercise's solution (must pass), starter (must fail) and every run cell, "
        "first in CPython, then in the Pyodide and MicroPython the site ships (headless Chromium, 40 s per lesson), "
        "reporting problems as path:line.",
    )
    check_cmd.add_argument(
        "only",
        nargs="*",
        type=Path,
        metavar="LESSON",
        help="lesson files to run (default: all; the whole course is validated either way)",
    )
    check_cmd.add_argument(
        "--lessons", type=Path, default=BuildConfig.lessons, help="lessons folder (default lessons/)"
    )
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument(
        "--cpython-only",
        action="store_true",
        help="skip the browser check (Pyodide and MicroPython in headless Chromium): quicker for local runs; CI runs both",
    )
    check_cmd.add_argument(
        "--mutants",
        action="store_true",
        help="also warn when an exercise's checks accept a common wrong answer: the solution with a comparison off by one, "
        "an operator swapped, a constant nudged or a returned value dropped (in CPython; warnings fail --strict)",
    )

    grade_cmd = commands.add_parser(
        "grade",
        help="grade submission files, as the site's grading page does",
        description="Grade students' submission files: the site's own grading page runs every exercise's checks again "
        "on the submitted code, in the shipped Pyodide in headless Chromium, and its CSV is written to OUT. "
        "Files that are not proper submissions are listed and skipped (the exit status is then 1).",
    )
    grade_cmd.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="submission files (.json), or folders holding them"
    )
    grade_cmd.add_argument(
        "--csv", type=Path, required=True, metavar="OUT", help="where to write the class table as CSV"
    )
    grade_cmd.add_argument(
        "--site", type=Path, help="a built site to grade with (default: build lessons/ into a temporary folder first)"
    )
    grade_cmd.add_argument(
        "--lessons", type=Path, default=BuildConfig.lessons, help="lessons folder (default lessons/)"
    )

    new_cmd = commands.add_parser(
        "new",
        help="start a new lesson from a template",
        description="Create lessons/TRACK/NN-SLUG.md with every block kind filled in as an example.",
    )
    new_cmd.add_argument("track", help="track folder, e.g. basics")
    new_cmd.add_argument("slug", help="lowercase-dashed name, also the lesson id, e.g. list-comprehensions")
    new_cmd.add_argument("--title", required=True, help="the lesson title")
    new_cmd.add_argument("--lessons", type=Path, default=BuildConfig.lessons, help="lessons folder (default lessons/)")

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(error.problems)} problem(s)", file=sys.stderr)
        return 1


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=Path, default=BuildConfig.out, help="output folder (default _site/)")
    command.add_argument("--lessons", type=Path, default=BuildConfig.lessons, help="lessons folder (default lessons/)")
    command.add_argument("--strict", action="store_true", help="treat warnings as errors (CI uses this)")


def _config(args: argparse.Namespace) -> BuildConfig:
    return replace(BuildConfig(), lessons=args.lessons.resolve(), out=args.out.resolve(), strict=args.strict)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    result = build(_config(args))
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    lessons = len(result.course.lessons)
    print(f"built {lessons} lessons into {args.out} in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pyground.serve import LiveReload, make_server, normalise_prefix, watch_and_rebuild

    config = _config(args)
    cmd_build(args)
    live = LiveReload()  # open pages reload themselves after each rebuild

    def rebuild() -> None:
        try:
            build(config)
            live.bump()
            print("rebuilt", flush=True)
        except BuildError as error:
            print(
                "\n".join(map(str, error.problems)),
                "\nrebuild failed; still serving the last good build",
                file=sys.stderr,
                flush=True,
            )

    stop = threading.Event()
    watched = [config.lessons, config.theme, config.pyproject]
    threading.Thread(target=watch_and_rebuild, args=(watched, rebuild, stop), daemon=True).start()
    server = make_server(config.out, args.host, args.port, args.prefix, args.isolate, live=live)
    print(f"serving on http://{args.host}:{args.port}{normalise_prefix(args.prefix)} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from pyground.runtime import wheel
    from pyground.verify import verify_course
    from pyground.verify_browser import BrowserUnavailable, runtimes_checked, verify_course_in_pyodide

    started = time.perf_counter()
    config = replace(BuildConfig(), lessons=args.lessons.resolve(), strict=args.strict)
    pins = load_pins(config.pyproject)
    course, warnings = load_and_validate(config, pins)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if args.only:
        course = _only(course, args.only)
    wheels = {pin.name: wheel(pin) for pin in pins.wheels}
    problems = verify_course(course, config.lessons.parent, wheels)
    if args.mutants:
        problems += _weak_checks(course, config.lessons.parent, wheels, strict=args.strict)
    if not args.cpython_only:
        try:
            problems += verify_course_in_pyodide(course, config.lessons.parent, pins)
        except BrowserUnavailable as error:
            print(f"error: {error}", file=sys.stderr)
            if problems:
                raise BuildError(problems) from None
            return 1
    if problems:
        raise BuildError(problems)
    exercises = sum(len(lesson.exercises) for lesson in course.lessons)
    print(
        f"ok: {len(course.lessons)} lessons, {exercises} exercises; every solution passes, every starter fails, "
        f"every cell runs: {runtimes_checked(course, pins, in_browser=not args.cpython_only)}; "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


def _weak_checks(course: Course, root: Path, wheels: dict[str, Path], *, strict: bool) -> list:
    """Warnings for checks that accept a mutant of the solution; errors when strict."""
    from pyground.mutants import weak_checks

    warnings, counts = weak_checks(course, root, wheels)
    for warning in warnings:
        print(warning, file=sys.stderr)
    print(
        f"wrong answers: {counts['mutants']} made from the solutions, {counts['caught']} caught by the checks, "
        f"{counts['equivalent']} behave like the solution on every input tried (not reported), "
        f"{counts['accepted']} accepted (warnings above, one per exercise)",
        flush=True,
    )
    return warnings if strict else []


def _only(course: Course, paths: list[Path]) -> Course:
    """The course with just the named lesson files, for checking one lesson while writing it."""
    wanted = {path.resolve() for path in paths}
    known = {lesson.path.resolve() for lesson in course.lessons}
    if missing := sorted(str(path) for path in wanted - known):
        raise SystemExit(f"error: not a lesson of the course: {', '.join(missing)}")
    tracks = tuple(
        replace(track, lessons=tuple(lesson for lesson in track.lessons if lesson.path.resolve() in wanted))
        for track in course.tracks
    )
    return replace(course, tracks=tracks)


def cmd_grade(args: argparse.Namespace) -> int:
    from pyground.grade import GradingUnavailable, grade_files, print_progress, submission_files, summary

    files = submission_files(args.files)
    site = args.site.resolve() if args.site else None
    try:
        report = grade_files(files, site=site, lessons=args.lessons.resolve(), progress=print_progress)
    except GradingUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.csv.write_text(report.csv, encoding="utf-8", newline="")
    if text := summary(report):
        print(text)
    print(f"graded {len(report.rows)} of {len(files)} files; wrote {args.csv}")
    return 1 if report.skipped else 0


def cmd_new(args: argparse.Namespace) -> int:
    from pyground.scaffold import new_lesson

    path = new_lesson(args.lessons.resolve(), args.track, args.slug, args.title)
    print(f"created {path}; build with `python build.py build`")
    return 0


COMMANDS = {"build": cmd_build, "serve": cmd_serve, "check": cmd_check, "grade": cmd_grade, "new": cmd_new}

if __name__ == "__main__":
    sys.exit(main())
