"""Run a learner's exercise code, then the lesson's checks, and return a verdict.

The same file runs in CPython (`python build.py check`) and in Pyodide in the
browser, so what CI verifies is what learners get.

The learner's code runs in a fresh namespace (after the exercise's setup); the
checks then run in a copy of that namespace with `output` (everything the code
printed) added. The first failing assert's message is the feedback. Every
reference the verdict depends on is taken here, at import, before any learner
code runs; builtins the learner replaces are put back afterwards.
"""

import builtins
import linecache
import sys
import traceback

from explain import explain

_AssertionError = AssertionError
_BaseException = BaseException
_Exception = Exception
_SystemExit = SystemExit
_KeyboardInterrupt = KeyboardInterrupt
_dict = dict
_str = str
_compile = compile
_exec = exec
_builtins_snapshot = _dict(builtins.__dict__)


class _Capture:
    """A stdout/stderr that keeps what was written and passes it on."""

    def __init__(self, forward=None):
        self.parts = []
        self.forward = forward

    def write(self, text):
        text = _str(text)
        self.parts.append(text)
        if self.forward is not None:
            self.forward(text)
        return len(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)


def remember_builtins():
    """Take the builtins as they are now (after the host added its own, like input) as the ones to restore."""
    global _builtins_snapshot
    _builtins_snapshot = _PRISTINE["_builtins_snapshot"] = _dict(builtins.__dict__)


def restore_builtins():
    """Undo anything learner code did to builtins (`builtins.len = ...`, `del print`)."""
    current = builtins.__dict__
    for name in [n for n in current if n not in _builtins_snapshot]:
        del current[name]
    current.update(_builtins_snapshot)


def remember_source(filename, code):
    """Let tracebacks quote the learner's lines: code run with exec has no file to read them from."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)


def format_learner_traceback(error, filename):
    """The traceback without our own frames: only lines from the learner's code."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


def _verdict(passed, message, output, error=None):
    return {"passed": passed, "message": message, "output": output, "error": error}


def run_exercise(code, check, setup="", write_out=None, write_err=None, write_advice=None, filename="<exercise>"):
    """Return {"passed", "message", "output", "error"} for one attempt.

    write_out / write_err, when given, receive output as it is printed (the
    browser streams it to the page); it is captured for the checks either way.
    write_advice receives a plain-language explanation when the code raises.
    """
    pristine, module = _PRISTINE, _MODULE  # looked up before learner code can patch this module
    out, err = _Capture(write_out), _Capture(write_err)
    saved = sys.stdout, sys.stderr
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    failure = None
    remember_source(filename, code)
    sys.stdout, sys.stderr = out, err
    try:
        if setup:
            _exec(_compile(setup, "<setup>", "exec"), namespace)
        _exec(_compile(code, filename, "exec"), namespace)
    except _BaseException as error:  # learner code may raise anything, even BaseException subclasses
        failure = error
    finally:
        module.update(pristine)  # undo `import checker; checker._verdict = ...`
        sys.stdout, sys.stderr = saved
        restore_builtins()
    if failure is not None:
        return _learner_failed(failure, code, namespace, filename, out.getvalue(), err, write_advice)
    try:
        return _run_checks(check, namespace, out.getvalue(), filename, err)
    finally:  # the checks call learner code, which may patch things again
        sys.stdout, sys.stderr = saved
        restore_builtins()


def _learner_failed(error, code, namespace, filename, output, err, write_advice):
    if isinstance(error, _SystemExit):
        code_text = error.code if error.code is not None else ""
        return _verdict(False, f"Your code called exit({code_text}) before the checks could run.", output)
    text = format_learner_traceback(error, filename)
    err.write(text)
    if write_advice is not None and (advice := explain(error, filename, code, namespace)):
        write_advice(advice + "\n")
    name = type(error).__name__
    return _verdict(False, f"Your code raised {name}; read the error below, fix it and check again.", output, text)


def _run_checks(check, namespace, output, filename, err):
    check_namespace = _dict(namespace)
    check_namespace["output"] = output
    check_namespace["__builtins__"] = builtins
    try:
        _exec(_compile(check, "<check>", "exec"), check_namespace)
    except _AssertionError as error:
        message = _str(error) or "A check failed (it gave no message)."
        return _verdict(False, message, output)
    except _BaseException as error:
        frames = traceback.extract_tb(error.__traceback__)
        if isinstance(error, NameError) and frames and frames[-1].filename == "<check>":
            return _verdict(False, f"Your code does not define `{error.name}`; the checks need it.", output)
        text = format_learner_traceback(error, filename)
        err.write(text)
        message = f"Calling your code from the checks raised {type(error).__name__}: {error}"
        return _verdict(False, message, output, text)
    return _verdict(True, "All checks passed.", output)


_MODULE = globals()
_PRISTINE = _dict(_MODULE)
