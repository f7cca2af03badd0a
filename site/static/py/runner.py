"""Runs learner code inside the Pyodide worker that PyScript starts.

The page calls the functions registered on `sync` (run_cell, check_exercise,
...). Output streams back as small JSON messages tagged with the run id, so
the page can show it while the program runs and ignore a stopped run's tail.
With cross-origin isolation the page shares an interrupt buffer: Stop raises
KeyboardInterrupt, and input() and time.sleep() block on Atomics so Stop can
end them too. Without isolation the page stops a run by ending this worker.
"""

import builtins
import json
import sys
import time

import js
import pyodide_js
from polyscript import xworker
from pyscript import sync

from checker import format_learner_traceback, restore_builtins, run_exercise

RECURSION_LIMIT = 400  # deep enough for learners, far from the wasm stack limit
MAX_CHARS_PER_RUN = 250_000  # the page caps too; this spares the message channel
FLUSH_SECONDS = 0.04

sys.setrecursionlimit(RECURSION_LIMIT)
_isolated = bool(getattr(js, "crossOriginIsolated", False))
_interrupt = None  # Int32Array over a SharedArrayBuffer, when isolated
_real_sleep = time.sleep
_run_id = ""
namespace = {"__name__": "__main__"}


class _Stream:
    """A stdout/stderr that batches writes into messages to the page."""

    def __init__(self, name):
        self.name = name
        self.parts = []
        self.size = 0
        self.sent = 0
        self.last_flush = time.monotonic()

    def write(self, text):
        text = str(text)
        if self.sent + self.size >= MAX_CHARS_PER_RUN:
            return len(text)
        self.parts.append(text)
        self.size += len(text)
        if self.size > 8192 or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return len(text)

    def flush(self):
        if self.parts:
            text = "".join(self.parts)
            self.parts, self.size = [], 0
            self.sent += len(text)
            xworker.postMessage(json.dumps({"run": _run_id, "stream": self.name, "text": text}))
        self.last_flush = time.monotonic()

    def reset(self):
        self.parts, self.size, self.sent = [], 0, 0

    def isatty(self):
        return False


stdout, stderr = _Stream("stdout"), _Stream("stderr")
sys.stdout, sys.stderr = stdout, stderr


def _flush_all():
    stdout.flush()
    stderr.flush()


def _input(prompt=""):
    """input() as in a terminal: the page shows a field in the output area."""
    stdout.write(str(prompt))
    _flush_all()
    if not _isolated:
        raise RuntimeError(
            "input() needs this page to be cross-origin isolated, and it is not right now "
            "(for example after a hard reload). Reload the page normally, or give your program its data in the code."
        )
    line = sync.read_line(_run_id, str(prompt))
    pyodide_js.checkInterrupt()
    if line is None:
        raise KeyboardInterrupt
    stdout.write(line + "\n")
    return line


def _sleep(seconds):
    """time.sleep that Stop can cut short (Pyodide's own sleep ignores interrupts)."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _flush_all()
    if _interrupt is None:
        _real_sleep(seconds)
        return
    js.Atomics.wait(_interrupt, 0, 0, seconds * 1000)
    pyodide_js.checkInterrupt()


builtins.input = _input
time.sleep = _sleep


def _begin(run_id):
    global _run_id
    _run_id = run_id
    sys.setrecursionlimit(RECURSION_LIMIT)  # a limit raised by the last run must not carry over
    stdout.reset()
    stderr.reset()
    if _interrupt is not None:
        _interrupt[0] = 0  # a Stop that arrived after the last run ended must not hit this one


def _end():
    _flush_all()
    restore_builtins()
    builtins.input = _input
    time.sleep = _sleep
    sys.stdout, sys.stderr = stdout, stderr


def run_cell(code, run_id, filename):
    """Run one notebook cell in the page's shared namespace."""
    _begin(run_id)
    try:
        exec(compile(code, filename, "exec"), namespace)
        return {"ok": True}
    except SystemExit as error:
        return {"ok": False, "exit": _exit_code(error)}
    except KeyboardInterrupt:
        return {"ok": False, "stopped": True}
    except BaseException as error:  # learner code may raise anything, even BaseException subclasses
        stderr.write(format_learner_traceback(error, filename))
        return {"ok": False, "error": type(error).__name__}
    finally:
        _end()


def check_exercise(code, check, setup, run_id, filename):
    """Run an attempt in a fresh namespace, then the checks; return the verdict."""
    _begin(run_id)
    try:
        return run_exercise(code, check, setup, write_out=stdout.write, write_err=stderr.write, filename=filename)
    except KeyboardInterrupt:
        return {
            "passed": False,
            "message": "Stopped before the checks finished.",
            "output": "",
            "error": None,
            "stopped": True,
        }
    finally:
        _end()


def set_interrupt_buffer(buffer):
    global _interrupt
    _interrupt = buffer
    pyodide_js.setInterruptBuffer(buffer)
    return True


def _exit_code(error):
    code = error.code
    return 0 if code is None else code if isinstance(code, int) else str(code)


sync.run_cell = run_cell
sync.check_exercise = check_exercise
sync.set_interrupt_buffer = set_interrupt_buffer
