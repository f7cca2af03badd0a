"""Runs learner code inside the MicroPython worker that PyScript starts.

The same calls as runner.py for Pyodide (run_cell, check_exercise), in what
MicroPython offers: `print` and `input` are given to learner code through its
namespace, and Stop always ends the worker (MicroPython has no interrupt
buffer; a fresh one starts in a fraction of a second).
"""

import builtins
import io
import json
import sys

import js
from polyscript import xworker
from pyscript import sync

_isolated = bool(getattr(js, "crossOriginIsolated", False))
_run_id = ""
_input_help = "input() cannot wait for an answer on this page; give your program its data in the code instead."
_sent = 0
MAX_CHARS_PER_RUN = 250000
_sim = None  # the simulated board (sim.py), on lessons that declare one
_TimeUp = ()  # sim.TimeUp once a board is set up: a checked program's virtual time ran out
_virtual_cells = False  # build.py check: run cells on virtual time too


def _post(stream, text):
    global _sent
    if _sent >= MAX_CHARS_PER_RUN or not text:
        return
    _sent += len(text)
    xworker.postMessage(json.dumps({"run": _run_id, "chunks": [[stream, text]]}))


def _post_exception(error):
    buffer = io.StringIO()  # print_exception needs a native stream, not any object with write()
    sys.print_exception(error, buffer)
    _post("stderr", buffer.getvalue())


def _print(*args, sep=" ", end="\n", file=None):
    text = sep.join(str(a) for a in args) + end
    if file is not None and file is not sys.stdout:
        file.write(text)
    else:
        _post("stdout", text)


def _input(prompt=""):
    _post("stdout", str(prompt))
    if not _isolated:
        raise OSError(_input_help)
    line = sync.read_line(_run_id, str(prompt))
    if line is None:
        raise KeyboardInterrupt
    _post("stdout", line + "\n")
    return line


def _fresh_namespace():
    return {"__name__": "__main__", "print": _print, "input": _input}


namespace = _fresh_namespace()


def _begin(run_id):
    global _run_id, _sent
    _run_id = run_id
    _sent = 0
    namespace["print"] = _print
    namespace["input"] = _input


def run_cell(code, run_id, filename):
    _begin(run_id)
    if _virtual_cells:
        _sim.begin_virtual_cell()
    try:
        exec(code, namespace)
        return {"ok": True}
    except _TimeUp:
        return {"ok": True}
    except SystemExit as error:
        return {"ok": False, "exit": error.args[0] if error.args else 0}
    except BaseException as error:
        _post_exception(error)
        return {"ok": False, "error": type(error).__name__}


def check_exercise(code, check, setup, run_id, filename):
    if _sim is None:
        return _check_exercise(code, check, setup, run_id, filename)
    _sim.begin_check()  # a fresh board on virtual time; its trace is replayed on the page afterwards
    try:
        return _check_exercise(code, check, setup, run_id, filename)
    finally:
        _post_board(_sim.end_check(), True)


def _check_exercise(code, check, setup, run_id, filename):
    _begin(run_id)
    learner = _fresh_namespace()
    printed = []

    def capture(*args, sep=" ", end="\n", file=None):
        printed.append(sep.join(str(a) for a in args) + end)
        _print(*args, sep=sep, end=end, file=file)

    learner["print"] = capture
    try:
        if setup:
            exec(setup, learner)
        try:  # noqa: SIM105 (MicroPython has no contextlib.suppress)
            exec(code, learner)
        except _TimeUp:
            pass  # a board program runs until its virtual time is up
    except BaseException as error:
        _post_exception(error)
        return {
            "passed": False,
            "message": "Your code raised " + type(error).__name__ + "; read the error below, fix it and check again.",
            "output": "".join(printed),
            "error": None,
        }
    checks = dict(learner)
    checks["output"] = "".join(printed)
    try:
        exec(check, checks)
    except AssertionError as error:
        message = str(error) or "A check failed (it gave no message)."
        return {"passed": False, "message": message, "output": checks["output"], "error": None}
    except BaseException as error:
        return {
            "passed": False,
            "message": "Calling your code from the checks raised " + type(error).__name__ + ": " + str(error),
            "output": checks["output"],
            "error": None,
        }
    return {"passed": True, "message": "All checks passed.", "output": checks["output"], "error": None}


def set_input_help(text):
    global _input_help
    _input_help = str(text)
    return True


PAGE_MODULES = ("pyscript", "polyscript")  # they hand out the page's window and document
_builtin_import = builtins.__import__


def _import(name, *args):
    if name.split(".")[0] in PAGE_MODULES:
        raise ImportError(name + " is not available to lesson code: it would reach the page itself")
    return _builtin_import(name, *args)


def _seal_off_the_page():
    """As in runner.py: the runner keeps the channels it needs; lesson code gets no way to the page."""
    for name in ("document", "window"):
        if js.Reflect.has(js.globalThis, name):
            js.Reflect.deleteProperty(js.globalThis, name)
    for name in [m for m in sys.modules if m.split(".")[0] in PAGE_MODULES]:
        del sys.modules[name]
    builtins.__import__ = _import


def _post_board(events, replay):
    if events:
        xworker.postMessage(json.dumps({"run": _run_id, "board": events, "replay": replay}))


def board_setup(parts, slots=None, virtual_cells=False):
    """The lesson's board (a JSON list of parts), the page's shared input slots (isolated pages)."""
    global _sim, _TimeUp, _virtual_cells
    import sim

    sim.setup(json.loads(parts), slots, _post_board)
    _sim, _TimeUp, _virtual_cells = sim, sim.TimeUp, bool(virtual_cells)
    return True


def board_input(name, value):
    return _sim.set_input(name, value) if _sim else False


sync.run_cell = run_cell
sync.board_setup = board_setup
sync.board_input = board_input
sync.check_exercise = check_exercise
sync.set_input_help = set_input_help
_seal_off_the_page()
