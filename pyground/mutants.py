"""Weak checks: find the common wrong answers an exercise's checks would accept.

`build.py check --mutants` makes small changes to each exercise's own solution, the
way learners get things wrong (a comparison off by one, an operator swapped, a
constant or a range's end nudged, a returned value dropped, `and` for `or`), and runs
the exercise's checks on each changed program (a *mutant*) in CPython, in a child
process (harness/mutants_child.py) with a time limit per mutant.

A mutant that passes the checks is only reported when it is shown to behave
differently from the solution: it prints something else, leaves a variable with
another value, or one of its functions returns something else for some input (the
inputs the checks used, nudged by one, and the solution's own constants). A mutant
that behaves like the solution on everything tried is probably equivalent to it
(`<` for `<=` in a `max` loop gives the same answer), and no check could tell them
apart, so it is not reported. The warning shows the changed line and the input that
tells the two apart, so the author can write the missing check.
"""

from __future__ import annotations

import ast
import copy
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .model import Course, Exercise, Lesson
from .problems import Problem
from .runtime import unpacked_wheel, with_dependencies
from .verify import LOOPBACK, _display, practice_site, run_child

CHILD = Path(__file__).resolve().parent / "harness" / "mutants_child.py"
MAX_MUTANTS = 40  # per exercise; the kinds learners get wrong most come first
MUTANT_TIME_LIMIT = 2.0  # seconds for one mutant's checks and probes, in the child
LESSON_TIME_LIMIT = 120.0  # seconds for a whole lesson's child process

SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.And: ast.Or,
    ast.Or: ast.And,
}
SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.And: "and",
    ast.Or: "or",
}
# Kinds in the order they are tried, most telling first (MAX_MUTANTS keeps the first ones).
KINDS = ("compare", "return", "range", "operator", "boolean", "constant")


@dataclass(frozen=True)
class Mutant:
    code: str  # the whole solution with one change
    line: int  # 1-based line of the change in the solution
    change: str  # "`<` changed to `<=`"
    shown: str  # the changed line, as the author wrote it but for the change
    kind: str = field(default="", compare=False)


def mutants(solution: str, check: str = "", starter: str = "", limit: int = MAX_MUTANTS) -> list[Mutant]:
    """Every single-change mutant of `solution` (none when it does not parse), at most `limit`.

    Only what the learner writes is changed: not the lines the starter code already gives them
    (data, a demonstration), and only the parts the checks can depend on (`answer_statements`)."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return []
    lines = solution.splitlines()
    given = {line.strip() for line in starter.splitlines() if line.strip()}
    found: dict[str, Mutant] = {}
    original = ast.unparse(tree)
    keep = answer_statements(tree, check)
    sites = sorted(_sites(tree), key=lambda site: (KINDS.index(site[0]), site[1]))
    for kind, _order, path, change, replace in sites:
        node = _follow(tree, path)[3]
        if not path or path[0][1] not in keep or lines[node.lineno - 1].strip() in given:
            continue
        mutated = copy.deepcopy(tree)
        parent, attribute, index, node = _follow(mutated, path)
        new = replace(node)
        _put(parent, attribute, index, new)
        code = ast.unparse(ast.fix_missing_locations(mutated))
        if code == original or code in found:
            continue
        shown = _shown_line(lines, node, new)
        found[code] = Mutant(code=code + "\n", line=node.lineno, change=change, shown=shown, kind=kind)
        if len(found) >= limit:
            break
    return list(found.values())


Site = tuple[str, int, tuple, str, object]


def answer_statements(tree: ast.Module, check: str) -> set[int]:
    """The top-level statements of a solution that its checks can depend on, by index.

    A solution often ends with a demonstration (`rows = [...]`, `print(split(rows))`) that the
    checks never look at; changing it is not a wrong answer. Kept: the statements that bind a
    name the checks read, then, going back up, those that bind a name a kept one reads. When
    the checks read `output`, whatever the code prints is the answer: everything is kept."""
    everything = set(range(len(tree.body)))
    try:
        needed = names_read(ast.parse(check))
    except SyntaxError:
        return everything
    if "output" in needed:
        return everything
    keep = set()
    for index in reversed(range(len(tree.body))):
        statement = tree.body[index]
        if _names_bound(statement) & needed:
            keep.add(index)
            needed |= names_read(statement)
    return keep


def names_read(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _names_bound(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {statement.name}
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _sites(tree: ast.AST) -> Iterator[Site]:
    """(kind, position, path to the node, what changes, node -> replacement node) for each mutation."""
    for order, (path, node) in enumerate(_walk(tree)):
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in SWAPS:
                    yield "compare", order, path, _swap_text(op), _with_op(i)
        elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in SWAPS:
            yield "operator", order, path, _swap_text(node.op), _with_binop
        elif isinstance(node, ast.BoolOp):
            yield "boolean", order, path, _swap_text(node.op), _with_boolop
        elif isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
            yield "return", order, path, "`return ...` changed to `return None`", _return_none
        elif _is_range(node):
            stop = 0 if len(node.args) == 1 else 1
            if not isinstance(node.args[stop], ast.Constant):  # a constant stop is nudged as a constant
                yield "range", order, path, "the range stops one later", _range_stop(stop, ast.Add)
                yield "range", order, path, "the range stops one earlier", _range_stop(stop, ast.Sub)
        elif _is_int(node) and not _in_format_spec(path):
            for step in (1, -1):
                yield "constant", order, path, f"`{node.value}` changed to `{node.value + step}`", _nudge(step)


def _walk(tree: ast.AST, path: tuple = ()) -> Iterator[tuple[tuple, ast.AST]]:
    """Every node with its path from the root: ((field, index or None), ...)."""
    yield path, tree
    for name, value in ast.iter_fields(tree):
        if isinstance(value, ast.AST):
            yield from _walk(value, (*path, (name, None)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield from _walk(item, (*path, (name, index)))


def _follow(tree: ast.AST, path: tuple) -> tuple[ast.AST | None, str, int | None, ast.AST]:
    parent, attribute, index, node = None, "", None, tree
    for attribute, index in path:
        parent = node
        node = getattr(node, attribute) if index is None else getattr(node, attribute)[index]
    return parent, attribute, index, node


def _put(parent: ast.AST | None, attribute: str, index: int | None, new: ast.AST) -> None:
    if parent is None:
        return
    if index is None:
        setattr(parent, attribute, new)
    else:
        getattr(parent, attribute)[index] = new


def _swap_text(op: ast.AST) -> str:
    return f"`{SYMBOLS[type(op)]}` changed to `{SYMBOLS[SWAPS[type(op)]]}`"


def _with_op(i: int):
    def replace(node: ast.Compare) -> ast.Compare:
        new = copy.deepcopy(node)
        new.ops[i] = SWAPS[type(node.ops[i])]()
        return new

    return replace


def _with_binop(node: ast.BinOp | ast.AugAssign) -> ast.AST:
    new = copy.deepcopy(node)
    new.op = SWAPS[type(node.op)]()
    return new


def _with_boolop(node: ast.BoolOp) -> ast.BoolOp:
    new = copy.deepcopy(node)
    new.op = SWAPS[type(node.op)]()
    return new


def _return_none(node: ast.Return) -> ast.Return:
    return ast.copy_location(ast.Return(value=ast.Constant(value=None)), node)


def _range_stop(stop: int, op: type):
    def replace(node: ast.Call) -> ast.Call:
        new = copy.deepcopy(node)
        new.args[stop] = ast.BinOp(left=new.args[stop], op=op(), right=ast.Constant(value=1))
        return new

    return replace


def _nudge(step: int):
    def replace(node: ast.Constant) -> ast.Constant:
        return ast.copy_location(ast.Constant(value=node.value + step), node)

    return replace


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_int(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _is_range(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and 1 <= len(node.args) <= 3
        and not node.keywords
    )


def _in_format_spec(path: tuple) -> bool:
    return any(attribute == "format_spec" for attribute, _ in path)


def _shown_line(lines: list[str], node: ast.AST, new: ast.AST) -> str:
    """The changed line as the author wrote it, with the changed part put in (when it fits on one line)."""
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    end = getattr(node, "end_lineno", node.lineno)
    if end != node.lineno or isinstance(node, ast.Return | ast.AugAssign):
        text = ast.unparse(new)
        return text.splitlines()[0] if text else line.strip()
    raw = line.encode()  # ast's column offsets count UTF-8 bytes
    before, after = raw[: node.col_offset].decode(errors="replace"), raw[node.end_col_offset :].decode(errors="replace")
    return (before + ast.unparse(new) + after).strip()


# --- running them -------------------------------------------------------------------------------


def weak_checks(course: Course, root: Path, wheels: dict[str, Path]) -> tuple[list[Problem], dict[str, int]]:
    """A warning for each exercise whose checks accept a mutant that behaves differently from its
    solution, and counts of what happened to the mutants. Pyodide lessons only (CPython is not MicroPython)."""
    lessons = [lesson for lesson in course.lessons if lesson.interpreter == "pyodide" and lesson.exercises]
    counts = {"mutants": 0, "caught": 0, "equivalent": 0, "accepted": 0}
    problems: list[Problem] = []
    if not lessons:
        return problems, counts
    with practice_site(lessons[0].path.parent.parent) as site:
        env = {"PYGROUND_SITE": site, "NO_PROXY": LOOPBACK, "no_proxy": LOOPBACK}

        # Unpacked here, one at a time, before the lessons run side by side.
        paths = {
            lesson.id: [str(unpacked_wheel(wheels[name])) for name in with_dependencies(lesson.packages, wheels)]
            for lesson in lessons
        }

        def one(lesson: Lesson) -> tuple[list[Problem], dict[str, int]]:
            return weak_checks_in_lesson(lesson, root, paths[lesson.id], env)

        # One child process per lesson, one lesson per CPU at a time.
        with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
            for found, lesson_counts in pool.map(one, lessons):
                problems += found
                for key, value in lesson_counts.items():
                    counts[key] += value
    return sorted(problems), counts


def weak_checks_in_lesson(
    lesson: Lesson, root: Path, wheels: list[str], env: dict[str, str] | None = None
) -> tuple[list[Problem], dict[str, int]]:
    where = _display(lesson.path, root)
    exercises = [e for e in lesson.exercises if e.solution]
    made = {e.id: mutants(e.solution or "", e.check_code, e.starter) for e in exercises}
    job = {
        "exercises": [
            {
                "code": e.solution,
                "check": e.check_code,
                "setup": e.setup,
                "mutants": [m.code for m in made[e.id]],
                "checked": sorted(_checked_names(e.check_code)),
            }
            for e in exercises
        ],
        "wheels": wheels,
        "data": {data.name: str(data.source) for data in lesson.files},
        "time_limit": MUTANT_TIME_LIMIT,
    }
    counts = {"mutants": sum(len(m) for m in made.values()), "caught": 0, "equivalent": 0, "accepted": 0}
    try:
        results = run_child(CHILD, job, env or {}, hash_seed="1", timeout=LESSON_TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return [_problem(where, 1, f"trying wrong answers on this lesson took over {LESSON_TIME_LIMIT:.0f} s")], counts
    except RuntimeError as error:
        return [_problem(where, 1, f"trying wrong answers on this lesson failed: {error}")], counts
    problems = []
    for exercise, outcomes in zip(exercises, results, strict=True):
        accepted = []
        for mutant, outcome in zip(made[exercise.id], outcomes, strict=True):
            counts[outcome["verdict"]] += 1
            if outcome["verdict"] == "accepted":
                accepted.append((mutant, outcome["difference"]))
        if accepted:
            problems.append(_warning(where, exercise, accepted))
    return problems, counts


def _checked_names(check: str) -> set[str]:
    """The names the checks read (`output` among them when they look at what was printed)."""
    try:
        return names_read(ast.parse(check))
    except SyntaxError:
        return set()


def _warning(where: str, exercise: Exercise, accepted: list[tuple[Mutant, str]]) -> Problem:
    """One warning per exercise: the most telling wrong answer its checks accept, and how many more."""
    mutant, difference = accepted[0]
    line = (exercise.solution_line or exercise.line) + mutant.line
    message = (
        f"the checks of '{exercise.id}' accept a wrong answer: the solution with {mutant.change} "
        f"(`{mutant.shown}`) passes them, yet {difference}; add a check that tells the two apart"
    )
    if others := accepted[1:]:
        more = "another wrong answer passes" if len(others) == 1 else f"{len(others)} more wrong answers pass"
        message += f" ({more} too, e.g. `{others[0][0].shown}`)"
    return _problem(where, line, message)


def _problem(where: str, line: int, message: str) -> Problem:
    return Problem(where, line, message, warning=True)
