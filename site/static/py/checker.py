"""How learner code runs and how an exercise is judged: the one core every runtime shares.

The same file, unchanged, runs in CPython (`python build.py check`), in Pyodide
(runner.py) and in MicroPython (runner_mp.py); the runners only add what their
page needs (streaming output, Stop, input(), the board). Standard library only.

A cell runs in the page's shared namespace (`run_cell`). An exercise attempt runs
its setup and the learner's code in a fresh namespace, then the checks in a copy
of it with `output` (everything the code printed) added; the first failing
assert's message is the feedback (`run_exercise`). Every reference the verdict
depends on is taken here, at import, before any learner code runs; builtins and
this module are put back after learner code, and tracebacks show only the
learner's own frames.
"""

import builtins
import io
import sys

# MicroPython's sys.stdout cannot be replaced, and its builtins keep overrides apart from
# builtins.__dict__ (which stays as it was): output is caught through `print` there instead.
# It has no traceback module: frames are read from what sys.print_exception writes.
_MICROPYTHON = sys.implementation.name == "micropython"
if _MICROPYTHON:
    linecache = traceback = explain = None  # the explanations need CPython's difflib and frames
else:
    import linecache
    import traceback

    from explain import explain

_AssertionError = AssertionError
_BaseException = BaseException
_KeyboardInterrupt = KeyboardInterrupt
_NameError = NameError
_SyntaxError = SyntaxError
_SystemExit = SystemExit
_dict = dict
_str = str
_compile = compile
_exec = exec
_eval = eval
_getattr = getattr
_setattr = setattr

PASSED = "All checks passed."
NO_MESSAGE = "A check failed (it gave no message)."


def _raised(name):
    return "Your code raised " + name + "; read the error below, fix it and check again."


def _exited(code):
    return "Your code called exit(" + ("" if code is None else _str(code)) + ") before the checks could run."


def _undefined(name):
    return "Your code does not define `" + name + "`; the checks need it."


def _from_checks(name, error):
    return "Calling your code from the checks raised " + name + ": " + _str(error)


class _Capture:
    """A stdout/stderr that keeps what was written (when `keep`) and passes it on."""

    def __init__(self, forward=None, keep=True):
        self.parts = []
        self.forward = forward
        self.keep = keep

    def write(self, text):
        text = _str(text)
        if self.keep:
            self.parts.append(text)
        if self.forward is not None:
            self.forward(text)
        return len(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


# ---- builtins


def _builtins_now():
    if not _MICROPYTHON:
        return _dict(builtins.__dict__)
    # MicroPython's getattr(builtins, name) gives its own builtin even when overridden; a name looked
    # up in an empty namespace finds what code sees.
    names = [n for n in dir(builtins) if not n.startswith("__") or n in ("__import__", "__build_class__")]
    return {name: _eval(name, {}) for name in names}


_builtins_snapshot = _builtins_now()


def remember_builtins():
    """Take the builtins as they are now (after the host added its own, like input) as the ones to restore."""
    global _builtins_snapshot
    _builtins_snapshot = _PRISTINE["_builtins_snapshot"] = _builtins_now()


def restore_builtins():
    """Undo anything learner code did to builtins (`builtins.len = ...`, `del print`). MicroPython cannot
    list names added to builtins (its overrides are out of Python's sight), so only those it has come back."""
    if _MICROPYTHON:
        for name, value in _builtins_snapshot.items():
            _setattr(builtins, name, value)
        return
    current = builtins.__dict__
    for name in [n for n in current if n not in _builtins_snapshot]:
        del current[name]
    current.update(_builtins_snapshot)


# ---- output


def _redirect(out, err):
    """Send what the program prints to `out` and `err` until `_put_back(saved)`."""
    if not _MICROPYTHON:
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        return saved

    def captured_print(*args, sep=" ", end="\n", file=None, flush=False):
        text = (" " if sep is None else sep).join(_str(a) for a in args) + ("\n" if end is None else end)
        if file is None or file is sys.stdout:
            out.write(text)
        elif file is sys.stderr:
            err.write(text)
        else:
            file.write(text)

    builtins.print = captured_print
    return None


def _put_back(saved):
    if saved is not None:
        sys.stdout, sys.stderr = saved
    restore_builtins()


# ---- tracebacks

_sources = {}  # filename -> the code's lines, for MicroPython's tracebacks (CPython's linecache has them)


def remember_source(filename, code):
    """Let tracebacks quote the learner's lines: code run with exec has no file to read them from."""
    lines = code.splitlines(True)
    _sources[filename] = lines
    if linecache is not None:
        linecache.cache[filename] = (len(code), None, lines, filename)


def _printed(error):
    buffer = io.StringIO()  # print_exception needs a native stream
    sys.print_exception(error, buffer)
    return buffer.getvalue()


def _frames(error):
    """(filename, line, function) of each frame of error's traceback, innermost last."""
    if traceback is not None:
        return [(f.filename, f.lineno, f.name) for f in traceback.extract_tb(error.__traceback__)]
    frames = []
    for line in _printed(error).split("\n")[1:]:
        if not line.startswith('  File "'):
            break  # the message follows the frames
        filename, _, rest = line[8:].partition('", line ')
        number, _, function = rest.partition(", in ")
        frames.append((filename, int(number), function))
    return frames


def _exception_only(error):
    """The last line(s) of a traceback: `ZeroDivisionError: division by zero`."""
    if traceback is not None:
        return "".join(traceback.format_exception_only(type(error), error))
    text = _str(error)
    return type(error).__name__ + (": " + text if text else "") + "\n"


def summary(error):
    """The error in one line, as the last line of its traceback: `ZeroDivisionError: division by zero`."""
    lines = [line for line in _exception_only(error).split("\n") if line.strip()]
    return lines[-1].strip() if lines else type(error).__name__


def format_learner_traceback(error, filename):
    """The traceback without our own frames: only lines from the learner's code."""
    if traceback is not None:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
        lines = ["Traceback (most recent call last):\n"] if frames else []
        lines += traceback.format_list(frames)
        lines += traceback.format_exception_only(type(error), error)
        return "".join(lines)
    own = [f for f in _frames(error) if f[0] == filename]
    located = [f for f in own if not f[2]]  # MicroPython gives a SyntaxError a frame with no function
    frames = [f for f in own if f[2]]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    for name, number, function in frames + located:
        lines.append('  File "' + name + '", line ' + _str(number) + (", in " + function if function else "") + "\n")
        source = _sources.get(name, [])
        if 0 < number <= len(source) and source[number - 1].strip():
            lines.append("    " + source[number - 1].strip() + "\n")
    lines.append(_exception_only(error))
    return "".join(lines)


def _missing_name(error):
    """The name a NameError is about (MicroPython only says it in the message: name 'x' isn't defined)."""
    name = _getattr(error, "name", None)
    if name:
        return name
    parts = _str(error).split("'")
    return parts[1] if len(parts) > 2 else ""


def exit_code(error):
    """What a SystemExit carries, as `exit(...)` was given it (None for a bare exit())."""
    if hasattr(error, "code"):
        return error.code
    return error.args[0] if error.args else None


# ---- running code


def run_cell(code, namespace, filename="<cell>", write_err=None, write_advice=None, ending=()):
    """Run one notebook cell in `namespace` (the page's, shared by its cells). Returns
    {"ok": True}, {"ok": False, "exit": code}, {"ok": False, "stopped": True} (KeyboardInterrupt)
    or {"ok": False, "error": "ZeroDivisionError", "summary": "ZeroDivisionError: division by zero"}.

    What the cell prints goes where the host's output goes; write_err receives the learner's
    traceback, write_advice a plain-language explanation. An exception in `ending` is the
    normal end of a program (a board program's virtual time running out)."""
    pristine, module = _PRISTINE, _MODULE
    remember_source(filename, code)
    try:
        _exec(_compile(code, filename, "exec"), namespace)
        return {"ok": True}
    except _BaseException as error:  # learner code may raise anything, even BaseException subclasses
        restore_builtins()  # before anything of ours runs again
        if isinstance(error, ending):
            return {"ok": True}
        if isinstance(error, _SystemExit):
            status = exit_code(error)
            return {"ok": False, "exit": 0 if status is None else status if isinstance(status, int) else _str(status)}
        if isinstance(error, _KeyboardInterrupt):
            return {"ok": False, "stopped": True}
        _report(error, code, namespace, filename, write_err, write_advice)
        return {"ok": False, "error": type(error).__name__, "summary": summary(error)}
    finally:
        module.update(pristine)  # undo `import checker; checker.run_exercise = ...`
        restore_builtins()


def run_exercise(
    code, check, setup="", write_out=None, write_err=None, write_advice=None, filename="<exercise>", ending=()
):
    """Return {"passed", "message", "output", "error"} for one attempt.

    write_out / write_err, when given, receive output as it is printed (the
    browser streams it to the page); it is captured for the checks either way.
    write_advice receives a plain-language explanation when the code raises.
    An exception in `ending` raised by the learner's code is the normal end of
    their program (a board program's virtual time running out): the checks run.
    """
    pristine, module = _PRISTINE, _MODULE  # looked up before learner code can patch this module
    out, err = _Capture(write_out), _Capture(write_err)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    failure = None
    remember_source(filename, code)
    saved = _redirect(out, err)
    try:
        if setup:
            _exec(_compile(setup, "<setup>", "exec"), namespace)
        try:
            _exec(_compile(code, filename, "exec"), namespace)
        except _BaseException as error:
            if not isinstance(error, ending):
                raise
    except _BaseException as error:  # learner code may raise anything, even BaseException subclasses
        failure = error
    finally:
        module.update(pristine)  # undo `import checker; checker._verdict = ...`
        _put_back(saved)
    if failure is not None:
        return _learner_failed(failure, code, namespace, filename, out.getvalue(), err, write_advice)
    try:
        return _run_checks(check, namespace, out.getvalue(), filename, err)
    finally:  # the checks call learner code, which may patch things again
        _put_back(saved)


def _verdict(passed, message, output, error=None):
    return {"passed": passed, "message": message, "output": output, "error": error}


def _report(error, code, namespace, filename, write_err, write_advice):
    """Show the learner's traceback (and advice); returns the traceback."""
    text = format_learner_traceback(error, filename)
    if write_err is not None:
        write_err(text)
    if write_advice is not None and explain is not None:
        advice = explain(error, filename, code, namespace)
        if advice:
            write_advice(advice + "\n")
    return text


def _learner_failed(error, code, namespace, filename, output, err, write_advice):
    if isinstance(error, _SystemExit):
        return _verdict(False, _exited(exit_code(error)), output)
    text = _report(error, code, namespace, filename, err.write, write_advice)
    return _verdict(False, _raised(type(error).__name__), output, text)


def _run_checks(check, namespace, output, filename, err):
    check_namespace = _dict(namespace)
    check_namespace["output"] = output
    check_namespace["__builtins__"] = builtins
    try:
        _exec(_compile(check, "<check>", "exec"), check_namespace)
    except _AssertionError as error:
        return _verdict(False, _str(error) or NO_MESSAGE, output)
    except _BaseException as error:
        frames = _frames(error)
        if isinstance(error, _NameError) and frames and frames[-1][0] == "<check>":
            return _verdict(False, _undefined(_missing_name(error)), output)
        text = format_learner_traceback(error, filename)
        err.write(text)
        return _verdict(False, _from_checks(type(error).__name__, error), output, text)
    return _verdict(True, PASSED, output)


_MODULE = globals()
_PRISTINE = _dict(_MODULE)
