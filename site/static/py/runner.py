"""Runs learner code inside the Pyodide worker that PyScript starts.

The page calls the functions registered on `sync` (run_cell, check_exercise,
...). Output streams back as small JSON messages tagged with the run id, so
the page can show it while the program runs and ignore a stopped run's tail.
With cross-origin isolation the page shares an interrupt buffer: Stop raises
KeyboardInterrupt, and input() and time.sleep() block on Atomics so Stop can
end them too. Without isolation (a first visit, before the service worker's
headers apply) input() and time.sleep() suspend Python on a promise instead
(JavaScript Promise Integration, when the browser has it): the page answers
input() and Stop ends a wait; Stop ends code that computes by ending this worker.
"""

import asyncio
import base64
import builtins
import contextlib
import gc
import importlib
import json
import linecache
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import types
import warnings

import js
import pyodide_js
from polyscript import xworker
from pyodide.ffi import can_run_sync, create_once_callable, create_proxy, run_sync
from pyscript import sync

import checker

RECURSION_LIMIT = 400  # deep enough for learners, far from the wasm stack limit
_sent_chars = float("inf")  # output sent per run; the page sets the limit (set_output_limit)
FLUSH_SECONDS = 0.04
MAX_IMAGE_BYTES = 4_000_000

sys.setrecursionlimit(RECURSION_LIMIT)
# The site's modules (charts, cloud) sit in the starting folder. Exercise attempts run in a fresh
# folder of their own, where the '' entry of sys.path no longer finds them: name the folder itself.
if os.getcwd() not in sys.path:
    sys.path.append(os.getcwd())
_isolated = bool(getattr(js, "crossOriginIsolated", False))
_interrupt = None  # Int32Array over a SharedArrayBuffer, when isolated
_real_sleep = time.sleep
_run_id = ""
_waiting = None  # (run id, resolve) of the promise a run without isolation is suspended on
_input_help = "input() cannot wait for an answer on this page; give your program its data in the code instead."
_data_files = []  # the lesson's data files, in the working folder; each attempt gets fresh copies
# Learner code's own __main__ (`import __main__` must not hand out this runner and its page channels).
_learner_main = types.ModuleType("__main__")
namespace = _learner_main.__dict__


class _Output:
    """Everything the program prints, batched into messages to the page.

    stdout and stderr share one buffer so the page shows them in the order
    they were written; each message is a list of [stream, text] chunks.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.chunks = []
        self.size = 0
        self.sent = 0
        self.last_flush = time.monotonic()

    def image(self, mime, data, description):
        """A picture for the page: sent as a data: URL, which the page shows in an <img>."""
        url = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        if self.sent + self.size + len(url) < _sent_chars + MAX_IMAGE_BYTES:
            self.chunks.append(["image", url, description])
            self.size += len(url)
            self.flush()

    def write(self, stream, text):
        if self.sent + self.size >= _sent_chars:
            return
        if self.chunks and self.chunks[-1][0] == stream:
            self.chunks[-1][1] += text
        else:
            self.chunks.append([stream, text])
        self.size += len(text)
        if self.size > 8192 or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()

    def flush(self):
        if self.chunks:
            xworker.postMessage(json.dumps({"run": _run_id, "chunks": self.chunks}))
            self.sent += self.size
            self.chunks, self.size = [], 0
        self.last_flush = time.monotonic()

    def send(self, message):
        """A message of another kind for the page (after the output before it)."""
        self.flush()
        xworker.postMessage(json.dumps({"run": _run_id, **message}))


class _Stream:
    """sys.stdout / sys.stderr for learner code."""

    def __init__(self, name):
        self.name = name

    def write(self, text):
        text = str(text)
        _output.write(self.name, text)
        return len(text)

    def flush(self):
        _output.flush()

    def isatty(self):
        return False


_output = _Output()
stdout, stderr = _Stream("stdout"), _Stream("stderr")
sys.stdout, sys.stderr = stdout, stderr


def _input(prompt=""):
    """input() as in a terminal: the page shows a field in the output area."""
    stdout.write(str(prompt))
    _output.flush()
    if _isolated:
        line = sync.read_line(_run_id, str(prompt))
        pyodide_js.checkInterrupt()
    elif can_run_sync():
        _output.send({"input": str(prompt)})  # the page answers with answer_input
        line = _wait_for_page(lambda resolve: None)
    else:
        raise RuntimeError(_input_help)
    if line is None:
        raise KeyboardInterrupt
    stdout.write(line + "\n")
    return line


def _sleep(seconds):
    """time.sleep that Stop can cut short (Pyodide's own sleep ignores interrupts)."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _output.flush()
    if _interrupt is not None:
        js.Atomics.wait(_interrupt, 0, 0, seconds * 1000)
        pyodide_js.checkInterrupt()
    elif can_run_sync():

        def wake_up_later(resolve):
            js.setTimeout(create_once_callable(lambda: resolve("slept")), seconds * 1000)

        if _wait_for_page(wake_up_later) is None:  # Stop ended the sleep
            raise KeyboardInterrupt
    else:
        _real_sleep(seconds)


def _wait_for_page(start):
    """Suspend this run until the page answers (answer_input), Stop ends the wait (stop_waiting, None),
    or `start(resolve)` resolves it. While suspended the worker takes the page's calls."""
    global _waiting

    def executor(resolve, reject):
        global _waiting
        _waiting = (_run_id, resolve)
        start(resolve)

    _output.send({"waiting": True})  # so Stop asks this worker to end the wait instead of ending the worker

    # run_sync waits through the running asyncio loop; a learner's own loop (one that waits for its timers
    # with time.sleep) is the running one here and is itself waiting: step it aside for Pyodide's.
    learners_loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return run_sync(js.Promise.new(create_once_callable(executor)))
    finally:
        asyncio._set_running_loop(learners_loop)
        _waiting = None


def answer_input(run_id, line):
    """The page's answer to input() on a page without isolation (None: Stop)."""
    return _resolve_wait(run_id, line)


def stop_waiting(run_id):
    """Stop, for a run suspended in input() or time.sleep(): it ends in KeyboardInterrupt. True if it was."""
    return _resolve_wait(run_id, None)


def _resolve_wait(run_id, value):
    if _waiting is None or _waiting[0] != run_id:
        return False
    _waiting[1](value)
    return True


def display(*objects):
    """Show charts and pictures under the cell (anything with _repr_svg_ or _repr_png_); print the rest."""
    for obj in objects:
        parts = (getattr(obj, "title", ""), getattr(obj, "description", ""))
        description = ": ".join(str(part) for part in parts if part) or type(obj).__name__
        if callable(svg := getattr(obj, "_repr_svg_", None)):
            _output.image("image/svg+xml", str(svg()).encode(), description)
        elif callable(png := getattr(obj, "_repr_png_", None)):
            _output.image("image/png", bytes(png()), description)
        else:
            print(obj)


PAGE_MODULES = ("pyscript", "polyscript")  # PyScript's modules hand out the page's window and document
RUNTIME_MODULES = ("pyodide_js",)  # its `globals` are this runner's, which hold the page channels


def _refuse(name):
    return ImportError(f"{name} is not available to lesson code: it would reach the page itself", name=name)


def _import(name, globals=None, locals=None, fromlist=(), level=0, _import=builtins.__import__):
    """`import` with the modules that reach the page left out (`pyodide_js` only for code that is not a
    library module: the libraries lesson code imports may need it)."""
    top = name.partition(".")[0] if level == 0 else ""
    importer = (globals or {}).get("__name__")
    from_library = importer in sys.modules and importer != "__main__"
    if top in PAGE_MODULES or (top in RUNTIME_MODULES and not from_library):
        raise _refuse(name)
    return _import(name, globals, locals, fromlist, level)


class _PageModuleFinder:
    """Also refuses them to importlib.import_module, which does not go through __import__."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in PAGE_MODULES:
            raise _refuse(name)
        return None


def _seal_off_the_page():
    """The page is the trust boundary: code pasted into a cell must not read saved progress, fake a pass or
    change the page. PyScript gives the worker proxies of the page's window and document (through its
    modules and, when isolated, the worker's own global scope); the runner keeps the channels it needs
    (sync, xworker.postMessage) and takes every other way to the page out of reach."""
    for name in ("document", "window"):
        if js.Reflect.has(js.globalThis, name):
            js.Reflect.deleteProperty(js.globalThis, name)
    for name in [m for m in sys.modules if m.partition(".")[0] in PAGE_MODULES]:
        del sys.modules[name]
    sys.modules["__main__"] = _learner_main
    sys.meta_path.insert(0, _PageModuleFinder())
    builtins.__import__ = _import


builtins.input = _input
builtins.display = display
_seal_off_the_page()
checker.remember_builtins()
time.sleep = _sleep


def _begin(run_id):
    global _run_id
    _run_id = run_id
    sys.setrecursionlimit(RECURSION_LIMIT)  # a limit raised by the last run must not carry over
    _output.reset()
    if _interrupt is not None:
        _interrupt[0] = 0  # a Stop that arrived after the last run ended must not hit this one


def _end():
    _output.flush()
    checker.restore_builtins()
    time.sleep = _sleep
    sys.stdout, sys.stderr = stdout, stderr


def run_cell(code, run_id, filename):
    """Run one notebook cell in the page's shared namespace."""
    _begin(run_id)
    try:
        return checker.run_cell(
            code, namespace, filename, write_err=stderr.write, write_advice=lambda text: _output.write("explain", text)
        )
    finally:
        _end()


def check_exercise(code, check, setup, run_id, filename):
    """Run an attempt in a fresh namespace and a fresh working folder, then the checks."""
    _begin(run_id)
    home, work = os.getcwd(), tempfile.mkdtemp()
    for name in _data_files:
        if os.path.isfile(os.path.join(home, name)):  # a cell may have deleted it
            shutil.copyfile(os.path.join(home, name), os.path.join(work, name))
    os.chdir(work)  # files an earlier attempt wrote are not there to find; the lesson's data files are
    try:
        return checker.run_exercise(
            code,
            check,
            setup,
            write_out=stdout.write,
            write_err=stderr.write,
            write_advice=lambda text: _output.write("explain", text),
            filename=filename,
        )
    except KeyboardInterrupt:
        return {
            "passed": False,
            "message": "Stopped before the checks finished.",
            "output": "",
            "error": None,
            "stopped": True,
        }
    finally:
        os.chdir(home)
        shutil.rmtree(work, ignore_errors=True)
        _end()


def set_interrupt_buffer(buffer):
    global _interrupt
    _interrupt = buffer
    pyodide_js.setInterruptBuffer(buffer)
    return True


def set_output_limit(chars):
    """How much of a run's output is sent to the page at most (the page shows less, and says it cut it)."""
    global _sent_chars
    _sent_chars = int(chars)
    return True


def set_input_help(text):
    """What input() says on a page that cannot wait for an answer; the page knows why."""
    global _input_help
    _input_help = str(text)
    return True


def set_data_files(names):
    global _data_files
    _data_files = [str(name) for name in names]
    return True


def import_packages(names):
    """Import the lesson's packages while the page is still loading: Pyodide compiles every module of a
    package on its first import (about 1.5 s for requests), which must not count against a run's time limit."""
    for name in names:
        with contextlib.suppress(Exception):  # the learner's own import shows the error, where it belongs
            importlib.import_module(str(name).replace("-", "_"))
    return True


class _FreshState:
    """The interpreter as a lesson finds it when its page opens, taken once the runner is set up (before
    the lesson's packages are imported). The page keeps this worker when the learner goes on to the next
    lesson, and `new_lesson` goes back to this state, so nothing of one lesson reaches the next: its
    variables, the modules it imported or wrote, what it changed in modules (builtins included), the files
    it wrote, the recursion limit and the other interpreter-wide settings a program can change."""

    def __init__(self):
        self.modules = {name: module for name, module in sys.modules.items() if name != "__main__"}
        # These modules are kept (the runner and Pyodide hold them); what a lesson changed in them is put back.
        self.attributes = {name: dict(vars(m)) for name, m in self.modules.items() if isinstance(m, types.ModuleType)}
        self.lists = [(items, list(items)) for items in (sys.path, sys.meta_path, sys.path_hooks, gc.callbacks)]
        self.environ = dict(os.environ)
        self.warning_filters = list(warnings.filters)
        self.int_digits = sys.get_int_max_str_digits()
        self.home = os.getcwd()
        lesson_files = {os.path.join(self.home, name) for name in _data_files}
        self.files = {path: _read(path) for path in _files_under(self.home) if path not in lesson_files}
        self.temp = set(os.listdir(tempfile.gettempdir()))
        self.loggers = _loggers()
        self.logger_names = set(logging.root.manager.loggerDict)

    def restore(self):
        for name in [name for name in sys.modules if name not in self.modules]:
            del sys.modules[name]  # a fresh interpreter has not imported them: the next import runs them anew
        sys.modules.update(self.modules)
        for name, saved in self.attributes.items():
            current = vars(self.modules[name])
            for key in current.keys() - saved.keys():
                del current[key]
            current.update(saved)
        for current, saved in self.lists:
            current[:] = saved
        # Its finders remember what files were there. (Not importlib.invalidate_caches(), which imports
        # importlib.metadata, a second on a busy machine, at every lesson since it is not kept.)
        sys.path_importer_cache.clear()
        os.environ.clear()
        os.environ.update(self.environ)
        warnings.resetwarnings()  # also forgets what was already warned about
        warnings.filters.extend(self.warning_filters)
        sys.set_int_max_str_digits(self.int_digits)
        sys.setrecursionlimit(RECURSION_LIMIT)
        sys.settrace(None)
        sys.setprofile(None)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Stop raises KeyboardInterrupt again
        gc.enable()
        random.seed()
        self.restore_logging()
        self.restore_files()

    def restore_logging(self):
        """Loggers are objects, not module attributes: `logging.basicConfig()` must work again."""
        logging.disable(logging.NOTSET)
        for name in set(logging.root.manager.loggerDict) - self.logger_names:
            del logging.root.manager.loggerDict[name]
        for logger, (level, handlers, filters, propagate, disabled) in self.loggers.values():
            logger.setLevel(level)
            logger.handlers[:], logger.filters[:] = handlers, filters
            logger.propagate, logger.disabled = propagate, disabled

    def restore_files(self):
        os.makedirs(self.home, exist_ok=True)
        os.chdir(self.home)
        for name in os.listdir(self.home):
            _remove(os.path.join(self.home, name))
        for path, data in self.files.items():
            _write(path, data)
        temp = tempfile.gettempdir()
        for name in set(os.listdir(temp)) - self.temp:
            _remove(os.path.join(temp, name))


def _loggers():
    loggers = {"": logging.root, **logging.root.manager.loggerDict}
    return {
        name: (logger, (logger.level, list(logger.handlers), list(logger.filters), logger.propagate, logger.disabled))
        for name, logger in loggers.items()
        if isinstance(logger, logging.Logger)  # not a PlaceHolder
    }


def _files_under(folder):
    for parent, _, names in os.walk(folder):
        yield from (os.path.join(parent, name) for name in names)


def _read(path):
    with open(path, "rb") as file:
        return file.read()


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(data)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        os.remove(path)


_fresh = None


def remember_fresh_state():
    """Called by the page once the worker is set up, before the lesson's packages are imported."""
    global _fresh
    _fresh = _FreshState()
    return True


async def new_lesson(names, contents, packages):
    """Start another lesson in this interpreter as if it were a fresh one: the state taken by
    `remember_fresh_state`, a new __main__, then the lesson's data files (`names`, and `contents` as
    Uint8Arrays) in the working folder and its packages loaded and imported."""
    global _learner_main, namespace, _data_files
    _begin("")  # also clears a Stop that came after the last run had ended
    _fresh.restore()
    _learner_main = types.ModuleType("__main__")
    namespace = _learner_main.__dict__
    sys.modules["__main__"] = _learner_main
    _data_files = [str(name) for name in names]
    for name, data in zip(_data_files, contents, strict=True):
        _write(os.path.join(_fresh.home, name), data.to_bytes())
    if len(packages):
        await pyodide_js.loadPackage(packages)  # from the site, as the page's first packages were
    import_packages(packages)
    linecache.clearcache()
    return True


def set_site(url):
    """The site's address (this worker runs from a blob: URL): `cloud.SITE`, for requests to the site itself."""
    os.environ["PYGROUND_SITE"] = str(url)
    return True


def _promising(function):
    """`function` for the page, called with stack switching (Pyodide's callPromising) where the browser has
    it: a run can then suspend on a promise (input() and time.sleep() without isolation). Errors, and a dying
    interpreter, still reach the page as the call's failure."""
    if not hasattr(js.WebAssembly, "Suspending"):
        return function
    return _PROMISING(create_proxy(function))


# The result is converted as PyScript converts what a sync function returns.
_PROMISING = js.Function.new(
    "f",
    """return async (...args) => {
  const result = await f.callPromising(...args);
  if (typeof result?.toJs !== "function") return result;
  try { return result.toJs({ dict_converter: Object.fromEntries }); } finally { result.destroy(); }
};""",
)


sync.run_cell = _promising(run_cell)
sync.check_exercise = _promising(check_exercise)
sync.answer_input = answer_input
sync.stop_waiting = stop_waiting
sync.set_interrupt_buffer = set_interrupt_buffer
sync.set_data_files = set_data_files
sync.set_site = set_site
sync.import_packages = import_packages
sync.set_input_help = set_input_help
sync.set_output_limit = set_output_limit
sync.remember_fresh_state = remember_fresh_state
sync.new_lesson = new_lesson
