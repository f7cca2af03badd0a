"""One lesson's wrong answers, in a child process of `build.py check --mutants` (pyground/mutants.py).

Reads a job as JSON on stdin: for each exercise its solution, setup, checks and mutants (the
solution with one change each). For every mutant it prints, in one JSON line at the end:

    {"verdict": "caught"}                      the checks fail it (or it runs out of time)
    {"verdict": "equivalent"}                  it passes, but behaves like the solution on all we tried
    {"verdict": "accepted", "difference": ..}  it passes, and here is where it behaves differently

A mutant is judged by the site's own checker.py, as the page would judge a learner's answer.
Behaving differently: it prints something else, ends with another value in a variable, or one of
its functions gives another result (or raises) for an input: the inputs the checks called the
solution's functions with, each argument nudged (numbers by one, and the solution's own
constants, which are where boundaries are), with `random` seeded the same way on both sides.
Every mutant has a time limit (SIGALRM), so a mutant that loops forever only costs that limit.
"""

import asyncio
import contextlib
import copy
import functools
import io
import itertools
import json
import os
import random
import re
import signal
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # python -P leaves this folder out
from cpython_host import checker, fresh_folder, job  # reads the job

MAX_CALLS = 40  # calls recorded per exercise
MAX_PROBES = 120  # inputs tried per function
SEED = 1
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class TimeUp(BaseException):
    """Raised by the alarm when a mutant's time is up."""


def _alarm(signum, frame):
    raise TimeUp()


signal.signal(signal.SIGALRM, _alarm)


@contextlib.contextmanager
def time_limit(seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def load(code, setup):
    """Run setup and code in a fresh namespace, as the checker does: (namespace, printed output)."""
    fresh_folder()
    random.seed(SEED)
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            if setup:
                exec(compile(setup, "<setup>", "exec"), namespace)
            exec(compile(code, "<exercise>", "exec"), namespace)
    finally:
        checker.restore_builtins()
    return namespace, out.getvalue()


def learner_functions(namespace):
    return {
        name: value
        for name, value in namespace.items()
        if isinstance(value, types.FunctionType) and value.__code__.co_filename == "<exercise>"
    }


def recorded_calls(case):
    """The calls the checks make to the solution's functions: (name, args, kwargs), copied as they were."""
    namespace, output = load(case["code"], case["setup"])
    calls = []

    def recorder(name, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if len(calls) < MAX_CALLS:
                with contextlib.suppress(Exception):
                    calls.append((name, copy.deepcopy(args), copy.deepcopy(kwargs)))
            return function(*args, **kwargs)

        return wrapper

    for name, function in learner_functions(namespace).items():
        namespace[name] = recorder(name, function)
    checks = {**namespace, "output": output}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(case["check"], "<check>", "exec"), checks)
    except Exception:
        pass
    finally:
        checker.restore_builtins()
    return calls


def solution_constants(code):
    """The numbers written in the solution: boundaries live there (`age >= 18`)."""
    import ast

    numbers = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            numbers.add(node.value)
    return sorted(numbers)


def variants(value, constants, resize=False):
    """Inputs near `value`: what tells a boundary or an operator apart."""
    kind = type(value)
    if kind is bool:
        return [not value]
    if kind is int:
        near = {value - 1, value + 1, 0, -value}
        for c in constants:
            if type(c) is int:
                near |= {c - 1, c, c + 1}
        return sorted(near - {value})
    if kind is float:
        near = {value - 1, value + 1, value / 2, 0.0}
        for c in constants:
            near |= {float(c), c - 0.5, c + 0.5}
        return sorted(near - {value})
    if kind is str:
        return ["", value[:-1], value + value[-1:]] if value else ["a"]
    if kind in (list, tuple) and len(value) <= 50:
        found = [kind(reversed(value))]
        for index, item in enumerate(value[:6]):
            for near in variants(item, constants)[:6] if type(item) in (int, float) else []:
                found.append(kind([*value[:index], near, *value[index + 1 :]]))
        if resize:  # the only sequence argument: other lengths are fair inputs too
            found.append(kind())
            if value and all(type(item) in (int, float) for item in value):
                for c in constants:
                    found += [kind([c, *value]), kind([*value, c])]
        return found
    return []


def probes(calls, constants):
    """The recorded calls and each with one argument nudged, per function, without repeats."""
    found, seen = {}, set()
    for name, args, kwargs in calls:
        options = [(args, kwargs)]
        resize = sum(type(arg) in (list, tuple) for arg in [*args, *kwargs.values()]) == 1
        for index, arg in enumerate(args):
            nearby = variants(arg, constants, resize)
            options += [((*args[:index], near, *args[index + 1 :]), kwargs) for near in nearby]
        for key, arg in kwargs.items():
            options += [(args, {**kwargs, key: near}) for near in variants(arg, constants, resize)]
        for option in options:
            key = (name, _brief(option, 400))
            if key not in seen and len(found.setdefault(name, [])) < MAX_PROBES:
                seen.add(key)
                found[name].append(option)
    return found


def shape(value, depth=0):
    """What a value is, comparable across two runs (objects of the two runs' own classes included)."""
    if depth > 6:
        return "…"
    kind = type(value)
    if value is None or kind in (bool, int, str, bytes):
        return (kind.__name__, value)
    if kind is float:  # rounding noise is not a different answer
        return ("float", f"{0.0 if abs(value) < 1e-9 else value:.9g}")
    if kind is complex:
        return ("complex", shape(value.real), shape(value.imag))
    if kind in (list, tuple):
        return (kind.__name__, len(value), tuple(shape(item, depth + 1) for item in value[:200]))
    if kind in (set, frozenset):
        return (kind.__name__, tuple(sorted(repr(shape(item, depth + 1)) for item in itertools.islice(value, 200))))
    if isinstance(value, dict):
        items = itertools.islice(value.items(), 200)
        return ("dict", tuple(sorted((repr(shape(k, depth + 1)), shape(v, depth + 1)) for k, v in items)))
    if isinstance(value, types.GeneratorType):
        return ("generator", tuple(shape(item, depth + 1) for item in itertools.islice(value, 200)))
    if isinstance(value, types.CoroutineType):
        return ("awaited", shape(asyncio.run(value), depth + 1))
    if isinstance(value, types.FunctionType | types.BuiltinFunctionType | type | types.ModuleType):
        return (kind.__name__, getattr(value, "__qualname__", getattr(value, "__name__", "")))
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return (kind.__name__, shape(vars(value), depth + 1))
    return (kind.__name__, ADDRESS.sub("", repr(value))[:500])


def _brief(value, limit=60):
    text = ADDRESS.sub("", repr(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call_text(name, args, kwargs):
    parts = [_brief(arg, 40) for arg in args] + [f"{key}={_brief(arg, 40)}" for key, arg in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def outcome(function, args, kwargs):
    """("returns", result, arguments afterwards, printed output, the result in brief), or ("raises", name)."""
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    random.seed(SEED)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            result = function(*args, **kwargs)
            if isinstance(result, types.GeneratorType):
                result = list(itertools.islice(result, 200))
            elif isinstance(result, types.CoroutineType):
                result = asyncio.run(result)
            found = shape(result)
    except TimeUp:
        raise
    except BaseException as error:
        return ("raises", type(error).__name__)
    finally:
        checker.restore_builtins()
    return ("returns", found, shape((args, kwargs)), out.getvalue(), _brief(result))


def describe(call, expected, got):
    """How the mutant's call differs from the solution's, in words."""
    if got[0] == "raises":
        return f"{call} raises {got[1]} instead of returning {expected[4]}"
    if got[1] != expected[1]:
        return f"{call} returns {got[4]} instead of {expected[4]}"
    if got[2] != expected[2]:
        return f"after {call} its arguments are left in another state"
    return f"{call} prints {_brief(got[3])} instead of {_brief(expected[3])}"


def first_difference(case, mutant, calls, constants):
    """Where `mutant` behaves differently from the solution, in words, or None. Only what the solution
    does the same way twice counts (a fresh uuid or the time is not the solution's answer)."""
    solution_ns, solution_out = load(case["code"], case["setup"])
    again_ns, again_out = load(case["code"], case["setup"])
    mutant_ns, mutant_out = load(mutant, case["setup"])
    checked = set(case["checked"])
    if "output" in checked and solution_out == again_out and solution_out != mutant_out:
        for ours, theirs in itertools.zip_longest(solution_out.splitlines(), mutant_out.splitlines(), fillvalue=""):
            if ours != theirs:
                return f"it prints {_brief(theirs)} where the solution prints {_brief(ours)}"
    for name, value in solution_ns.items():
        if name not in checked or isinstance(value, types.ModuleType | types.FunctionType | type):
            continue
        if name not in again_ns or shape(value) != shape(again_ns[name]):
            continue
        if name not in mutant_ns:
            return f"it never sets `{name}`"
        if shape(value) != shape(mutant_ns[name]):
            return f"`{name}` ends up {_brief(mutant_ns[name])} instead of {_brief(value)}"
    theirs = learner_functions(mutant_ns)
    for name, options in probes(calls, constants).items():
        ours = learner_functions(solution_ns).get(name)
        if ours is None or name not in theirs:
            continue
        for args, kwargs in options:
            expected = outcome(ours, args, kwargs)
            if expected[0] == "raises" or outcome(ours, args, kwargs)[:4] != expected[:4]:
                continue  # outside what the solution accepts, or not the same twice: not a fair test
            got = outcome(theirs[name], args, kwargs)
            if got[:4] != expected[:4]:
                return describe(call_text(name, args, kwargs), expected, got)
    return None


def judge(case, mutant, calls, constants, seconds):
    fresh_folder()
    random.seed(SEED)
    try:
        with time_limit(seconds):
            verdict = checker.run_exercise(mutant, case["check"], case["setup"])
    except TimeUp:
        return {"verdict": "caught"}
    finally:
        checker.restore_builtins()
    if not verdict["passed"]:
        return {"verdict": "caught"}
    try:
        with time_limit(seconds):
            difference = first_difference(case, mutant, calls, constants)
    except TimeUp:
        difference = None  # no evidence either way: say nothing
    except BaseException:  # it fails outside the checks' namespace: no evidence either way
        difference = None
    finally:
        checker.restore_builtins()
    if difference is None:
        return {"verdict": "equivalent"}
    return {"verdict": "accepted", "difference": difference}


def exercise_results(case):
    fresh_folder()
    random.seed(SEED)
    started = time.perf_counter()
    if not checker.run_exercise(case["code"], case["check"], case["setup"])["passed"]:
        return [{"verdict": "caught"} for _ in case["mutants"]]  # `check` reports the failing solution itself
    # Generous for mutants of a slow solution; the mutants that loop forever cost this much each.
    seconds = max(job["time_limit"], 4 * (time.perf_counter() - started) + 0.5)
    try:
        with time_limit(seconds):
            calls = recorded_calls(case)
    except TimeUp:
        calls = []
    constants = solution_constants(case["code"])
    return [judge(case, mutant, calls, constants, seconds) for mutant in case["mutants"]]


checker.remember_builtins()
results = [exercise_results(case) for case in job["exercises"]]
print(json.dumps(results))
