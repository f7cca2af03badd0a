"""Runs learner code inside the MicroPython worker that PyScript starts.

The same calls as runner.py for Pyodide (run_cell, check_exercise), over the same
core (checker.py), in what MicroPython offers: `print` and `input` are the
runner's own builtins, and Stop always ends the worker (MicroPython has no
interrupt buffer; a fresh one starts in a fraction of a second).
"""

import builtins
import json
import sys

import js
from polyscript import xworker
from pyscript import sync

import checker

_isolated = bool(getattr(js, "crossOriginIsolated", False))
_run_id = ""
_input_help = "input() cannot wait for an answer on this page; give your program its data in the code instead."
_sent = 0
_sent_chars = float("inf")  # output sent per run; the page sets the limit (set_output_limit)
_sim = None  # the simulated board (sim.py), on lessons that declare one
_TimeUp = ()  # sim.TimeUp once a board is set up: a board program's virtual time ran out
_virtual_cells = False  # build.py check: run cells on virtual time too


def _post(stream, text):
    global _sent
    if _sent >= _sent_chars or not text:
        return
    _sent += len(text)
    xworker.postMessage(json.dumps({"run": _run_id, "chunks": [[stream, text]]}))


def _print(*args, sep=" ", end="\n", file=None, flush=False):
    text = (" " if sep is None else sep).join(str(a) for a in args) + ("\n" if end is None else end)
    if file is None or file is sys.stdout:
        _post("stdout", text)
    elif file is sys.stderr:
        _post("stderr", text)
    else:
        file.write(text)


def _input(prompt=""):
    _post("stdout", str(prompt))
    if not _isolated:
        raise OSError(_input_help)
    line = sync.read_line(_run_id, str(prompt))
    if line is None:
        raise KeyboardInterrupt
    _post("stdout", line + "\n")
    return line


namespace = {"__name__": "__main__"}


def _begin(run_id):
    global _run_id, _sent
    _run_id = run_id
    _sent = 0


def run_cell(code, run_id, filename):
    _begin(run_id)
    if _virtual_cells:
        _sim.begin_virtual_cell()
    return checker.run_cell(code, namespace, filename, write_err=lambda text: _post("stderr", text), ending=_TimeUp)


def check_exercise(code, check, setup, run_id, filename):
    _begin(run_id)
    if _sim is not None:
        _sim.begin_check()  # a fresh board on virtual time; its trace is replayed on the page afterwards
    try:
        return checker.run_exercise(
            code,
            check,
            setup,
            write_out=lambda text: _post("stdout", text),
            write_err=lambda text: _post("stderr", text),
            filename=filename,
            ending=_TimeUp,  # a board program runs until its virtual time is up
        )
    finally:
        if _sim is not None:
            _post_board(_sim.end_check(), True)


def set_output_limit(chars):
    global _sent_chars
    _sent_chars = int(chars)
    return True


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
sync.set_output_limit = set_output_limit
builtins.print, builtins.input = _print, _input
_seal_off_the_page()
checker.remember_builtins()  # what every run starts from: the runner's print, input and import
