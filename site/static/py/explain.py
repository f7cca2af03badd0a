"""Plain-language explanations of the errors beginners meet most, shown under the learner's traceback.

Standard library only: CPython 3.11+ and Pyodide (not MicroPython). Each error class maps to a small
function; those for SyntaxError, TypeError and ValueError look up CPython's own message in a table.
"""

import builtins
import os
import re
import reprlib
import sys
import traceback

MAX_LISTED_KEYS = 10
_KINDS = {"int": "a whole number (int)", "float": "a decimal number (float)", "str": "text (str)", "bool": "True/False"}
_KINDS |= {"NoneType": "None", "list": "a list", "dict": "a dictionary", "tuple": "a tuple", "function": "a function"}


def _kind(type_name):
    return _KINDS.get(type_name, f"a {type_name}")


def _close(word, candidates, cutoff=0.75):
    """The candidate nearest to word (the same name in other capitals first), or None."""
    options = sorted({c for c in candidates if isinstance(c, str) and c != word and not c.startswith("_")})
    same = [c for c in options if c.lower() == word.lower()]
    if same:
        return same[0]
    import difflib  # here, not at the top: in Pyodide it adds ~30 ms to every start of Python

    found = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return found[0] if found else None


def _lookup(table, message):
    """The advice for the first pattern found in message: a function of the match, or a format string
    for its groups ({kind} is the first group described as a type, e.g. "a whole number (int)")."""
    for pattern, advice in table.items():
        match = re.search(pattern, message)
        if match:
            if callable(advice):
                return advice(match)
            return advice.format(*match.groups(), kind=_kind(match.group(1)) if match.groups() else "")
    return None


class _Context:
    """The error, its message, and the learner's line it points at."""

    def __init__(self, error, filename, source, namespace):
        self.error, self.message, self.namespace = error, str(error), namespace or {}
        self.frame = self.lineno = self.caret = None
        for frame, lineno in traceback.walk_tb(getattr(error, "__traceback__", None)):
            if frame.f_code.co_filename == filename:
                self.frame, self.lineno = frame, lineno
        own = isinstance(error, SyntaxError) and error.filename == filename and bool(error.lineno)
        text = error.text if own else None
        if own:
            self.lineno = error.lineno
        lines = source.splitlines() if isinstance(source, str) else []
        if not text and self.lineno and 0 < self.lineno <= len(lines):
            text = lines[self.lineno - 1]
        text = (text or "").rstrip("\r\n").replace("\t", " ")
        self.line, indent = text.strip(), len(text) - len(text.lstrip())
        if own and isinstance(error, IndentationError):
            self.caret = 0  # where the indentation ends; its offset means little
        elif own and error.offset:
            self.caret = max(0, min(error.offset - 1 - indent, len(self.line)))

    def names(self):
        """Every name the code could see: builtins, then the namespace, then the failing frame's."""
        scopes = [vars(builtins), self.namespace]
        if self.frame:
            scopes += [self.frame.f_globals, self.frame.f_locals]
        return {name: value for scope in scopes for name, value in dict(scope).items()}

    def subscripted(self, test):
        """(name, value) for the first `name[...]` on the line (not `name[...][...]`) whose value passes test."""
        names = self.names()
        for name in re.findall(r"(?<![\w.])([A-Za-z_]\w*)\s*\[[^\[\]]*\](?!\s*\[)", self.line):
            if name in names and test(names[name]):
                return name, names[name]
        return None

    def where(self):
        if not self.lineno:
            return ""
        head = f"Line {self.lineno}: "
        caret = "" if self.caret is None else " " * (len(head) + self.caret) + "^\n"
        return head + self.line + "\n" + caret


def _name_error(ctx):
    name = getattr(ctx.error, "name", None)
    if not name:
        return None
    text = f"Python doesn't know anything called '{name}' at this point."
    suggestion = _close(name, ctx.names())
    if suggestion:
        text += f" Did you mean '{suggestion}'?"
    elif name in sys.stdlib_module_names:
        return text + f" If you meant the module {name}, write 'import {name}' before using it."
    return text + f' A name needs a value (like {name} = 0) before you use it, and text needs quotes: "{name}".'


def _unbound_local_error(ctx):
    match = re.search(r"'(\w+)'", ctx.message)
    name = match.group(1) if match else "this name"
    return (
        f"This function uses '{name}' before giving it a value. Because the function sets '{name}' somewhere, Python "
        f"treats it as the function's own, separate from any '{name}' outside; give it a value first, or pass it in."
    )


_SYNTAX = {
    r"expected ':'": "Python expected a colon ':' here: a line starting with if, elif, else, for, while, def or class ends with ':'.",
    r"'(.)' was never closed": "This '{0}' is opened but never closed. Add the matching closing bracket where it should end.",
    r"closing parenthesis '(.)' does not match opening parenthesis '(.)'": "This '{0}' doesn't match the '{1}' that is still open. Brackets close in the reverse order they were opened, like ( [ ] ).",
    r"unmatched '(.)'": "This '{0}' has no opening bracket before it. Remove it, or add the missing opening bracket.",
    r"unterminated .*string": "This text starts with a quote mark but never ends. Finish it with the same quote mark it starts with.",
    r"meant '=='": "To compare two values, use ==. A single = stores a value in a name, and can't be used in a condition.",
    r"Missing parentheses in call to '(\w+)'": "In Python 3, {0} needs parentheses: {0}(...).",
    r"forgot a comma": "Python found two values side by side. Put a comma between the items of a list, or between the values in a call.",
    r"invalid character": "This line has a character Python can't read, often a curly quote or a dash copied from a document. Retype it on your keyboard.",
    r"invalid decimal literal": "A name can't start with a digit, and a number can't have letters stuck to it (write 2 * x, not 2x).",
    r"'return' outside function": "return only works inside a function. Check that this line is indented under its def.",
    r"": "Python couldn't understand this line, so none of the code ran. Look for a typo just before the ^, or at the end of the line above.",
}

_INDENTATION = {
    r"expected an indented block": "The lines that belong to the line ending in ':' above must be indented, usually by 4 more spaces.",
    r"unexpected indent": "This line is indented further than the line before it, but nothing there starts a new block. Line it up with the code above.",
    r"unindent does not match": "This line doesn't line up with any line above it. Use the same number of spaces as the other lines in its block.",
    r"tabs and spaces": "This line mixes tabs and spaces for indentation. Use spaces only, 4 for each level.",
    r"": "Python uses the spaces at the start of each line to group lines together, and the spacing here doesn't fit.",
}


def _text_and(op, left, right):
    if "NoneType" in (left, right):
        return f"One side of {op} is None, which usually means it came from a function that doesn't return anything."
    if "str" not in (left, right) or left == right:
        return None
    return (
        f"Python can't use {op} between text and {_kind(right if left == 'str' else left)}. To build text, use str(...) "
        f'or an f-string like f"Total: {{total}}"; to do maths with text, convert it first: int(...) for whole numbers like "3", float(...) for "2.50".'
    )


def _compare_text(op, left, right):
    if "str" not in (left, right) or left == right:
        return None
    return (
        f"Python can't tell whether text is {op} {_kind(right if left == 'str' else left)}: it compares like with like. "
        "Convert the text first, e.g. int(answer) > 3 when answer came from input(). (Two texts compare "
        'letter by letter, so "10" < "9" is True: compare numbers as numbers.)'
    )


def _wrong_count(match):
    name = match.group(1)
    method = " In a class, a method's first parameter must be self." if "." in name else ""
    return f"You gave {name}() a different number of values than it accepts. Compare the call with how {name}() is defined.{method}"


_TYPE = {
    r'can only concatenate str \(not "(\w+)"\) to str': lambda m: _text_and("+", "str", m.group(1)),
    r'can only concatenate list \(not "\w+"\) to list': "You can only add a list to another list. To add one item, use .append(item), or put it in brackets: [item].",
    r"unsupported operand type\(s\) for (\S+): '(\w+)' and '(\w+)'": lambda m: _text_and(*m.groups()),
    r"'([<>]=?)' not supported between instances of '(\w+)' and '(\w+)'": lambda m: _compare_text(*m.groups()),
    r"'(\w+)' object is not callable": "You put ( ) after {kind}, but only functions can be called. Check for a missing * (2(x + 1) should be 2 * (x + 1)), or a variable named like a function (sum = 0 hides sum()).",
    r"([\w.<>]+)\(\) takes .* given": _wrong_count,
    r"([\w.<>]+)\(\) missing \d+ required .*?: (.+)": "{0}() needs a value for {1}, but the call doesn't give one. Put it between the brackets, in the order {0}() lists them.",
    r"([\w.<>]+)\(\) got an unexpected keyword argument '(\w+)'": "{0}() has no parameter called '{1}'. Check the spelling against how {0}() is defined.",
    r"'(\w+)' object is not subscriptable": "You used [ ] on {kind}, but only things like lists, text and dictionaries have items to look up.",
    r"'(\w+)' object is not iterable": "A for loop needs something to go through, like a list or text, but this is {kind}. To repeat n times, use range(n).",
}


def _index_error(ctx):
    match = re.match(r"(\w+) index out of range", ctx.message)
    if not match:
        return None
    text = f"You asked for a position this {match.group(1)} doesn't have. Positions start at 0, so the last one is len(...) - 1."
    found = ctx.subscripted(lambda value: isinstance(value, list | tuple | str))
    if found:
        name, value = found
        text += f" Right now {name} has positions 0 to {len(value) - 1}." if value else f" Right now {name} is empty."
    return text


def _key_error(ctx):
    if len(ctx.error.args) != 1:
        return None
    missing = ctx.error.args[0]
    key, found = reprlib.repr(missing), ctx.subscripted(lambda value: isinstance(value, dict) and missing not in value)
    name, known = found or ("your_dict", None)
    listing = ""
    if known is not None and len(known) <= MAX_LISTED_KEYS:
        listing = f" (its keys: {', '.join(map(reprlib.repr, known))})" if known else " (it is empty)"
    return f"{name if found else 'The dictionary'} has no key {key}{listing}. Check the spelling, use {name}.get({key}) to get None instead of an error, or check first with {key} in {name}."


def _zero_division_error(ctx):
    return "You divided by zero (with /, // or %), which has no answer. Check that the number you divide by isn't 0 first (for example: if count != 0:)."


def _recursion_error(ctx):
    if "recursion" not in ctx.message:
        return None
    code = ctx.frame.f_code.co_name if ctx.frame else "<"
    who = "A function" if code.startswith("<") else f"Your function {code}()"
    return f"{who} kept calling itself and never stopped. Give it a stopping case (an if that returns without calling itself again), and make sure each call gets closer to it."


def _attribute_error(ctx):
    name, obj = getattr(ctx.error, "name", None), getattr(ctx.error, "obj", ctx)
    if not name or obj is ctx:
        return None
    if obj is None:
        return f"This value is None, so it has no .{name}. None often comes from a function that gives nothing back, like xs = xs.sort() (sort() changes the list and returns None)."
    if isinstance(obj, type) or type(obj).__name__ == "module":
        what = f"{'The class' if isinstance(obj, type) else 'The module'} {obj.__name__}"
    else:
        what = _kind(type(obj).__name__)
        what = what[0].upper() + what[1:]
    python_said = "".join(traceback.format_exception_only(type(ctx.error), ctx.error))
    if "Did you mean" in python_said:
        return (
            f"{what} has nothing called .{name}. Check the spelling: the 'Did you mean' above shows the closest name."
        )
    suggestion = _close(name, dir(obj))
    if suggestion:
        return f"{what} has nothing called .{name}. Did you mean .{suggestion}?"
    public = [n for n in dir(obj) if not n.startswith("_")]
    if not public or len(public) > 15:
        return f"{what} has nothing called .{name}. Check the spelling, and print(dir(...)) to list what it has."
    # A short list is the quickest way to see that the name is simply not there (timedelta has no .minutes).
    return f"{what} has nothing called .{name}. What it has: {', '.join('.' + n for n in public)}."


def _int_advice(match):
    text = match.group(1)[1:-1]  # the message quotes the text int() could not read
    if not text.strip():
        return "int() got empty text, so there is no number to read. That happens when input() gets an empty answer."
    if re.fullmatch(r"\s*[-+]?\d*\.\d*\s*", text) and any(c.isdigit() for c in text):
        return f"int() only reads whole numbers, and '{text}' has a decimal point. Use float(...) instead, or int(float(...)) to drop the decimals."
    return f"int() can only turn text like '42' into a number, and '{text}' isn't a whole number. Print the value to see what it really holds."


_VALUE = {
    r"invalid literal for int\(\) with base \d+: (.*)": _int_advice,
    r"could not convert string to float: (.*)": "float() can only turn text like '3.5' into a number, and {0} isn't one. Decimals need a dot, not a comma.",
    r"^Expecting value: line 1 column 1 \(char 0\)": "This text isn't JSON: it is empty or starts with something else, such as an HTML page. If it came from a server, check response.status_code before calling .json(): error pages are usually HTML.",
}


def _module_not_found_error(ctx):
    name = getattr(ctx.error, "name", None)
    if not name:
        return None
    suggestion = _close(name.partition(".")[0], sys.stdlib_module_names, cutoff=0.8)
    hint = f" Did you mean '{suggestion}'?" if suggestion else ""
    return f"There's no module called '{name}' in this in-browser Python.{hint} It has the standard library (math, random, ...) and the packages a lesson lists; others, like numpy, aren't available here."


def _origin(url):
    """'https://example.com:8080/a/b' -> 'https://example.com:8080'."""
    scheme, _, rest = str(url).partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower() if rest else ""


def _http_error(ctx):
    """requests' (and the cloud module's) errors: no answer, a timeout, or an error status."""
    module, name = type(ctx.error).__module__, type(ctx.error).__name__
    if module in ("http.client", "urllib.error") and sys.platform == "emscripten":
        return "urllib.request cannot open connections in this in-browser Python. Use the requests package (the lesson lists it under packages), which asks the browser to make the request."
    if not module.startswith(("requests", "urllib3", "cloud")):
        return None
    response = getattr(ctx.error, "response", None)
    request = getattr(ctx.error, "request", None) or getattr(response, "request", None)
    url = getattr(request, "url", None) or getattr(response, "url", None) or ""
    if name == "HTTPError" and response is not None:
        status, reason = getattr(response, "status_code", "?"), getattr(response, "reason", "") or ""
        return (
            f"The server answered with the error status {status} {reason}".rstrip()
            + ", and raise_for_status() turns 4xx and 5xx answers into this error. If that status can happen "
            "(404 for something that is not there, 429 or 5xx that a retry may cure), check response.status_code first."
        )
    if name in ("MissingSchema", "InvalidSchema", "InvalidURL"):
        return (
            "requests needs a full address that starts with http:// or https://. For this site's practice API start "
            'from cloud.API, as in requests.get(cloud.API + "servers/page-1.json"); to follow a relative link such as '
            '"page-2.json", join it to the address of the page it came from with urllib.parse.urljoin(url, link).'
        )
    # In Pyodide, requests reports a timeout as a ConnectionError "caused by TimeoutError".
    if "Timeout" in name or "TimeoutError" in ctx.message:
        return "No answer came within the time limit (timeout=...). The server may be slow or overloaded: try again later, a few times at most, waiting longer each time."
    if "ConnectionError" in name:
        site = os.environ.get("PYGROUND_SITE", "")
        if url and site and _origin(url) != _origin(site):
            return (
                f"The request to {_origin(url)} never left the browser: a page of this site may only connect to the "
                f"site itself ({_origin(site)}), so requests to other addresses are blocked at once. Use this site's "
                'practice API instead, for example requests.get(cloud.API + "servers/page-1.json").'
            )
        return "The request got no answer at all, not even an error status. Check the address (scheme, host and port); the server may also be down."
    return None


_RUNTIME = {
    r"Cannot stack switch|cannot be called from a running event loop": "In this page, Python shares the browser's own "
    "event loop, which never stops to wait, so asyncio.run() and run_until_complete() cannot work here. Use the "
    "lesson's run(...) helper where a program on your computer would say asyncio.run(...).",
}

_HANDLERS = {
    NameError: _name_error,
    UnboundLocalError: _unbound_local_error,
    SyntaxError: lambda ctx: _lookup(_SYNTAX, getattr(ctx.error, "msg", None) or ctx.message),
    IndentationError: lambda ctx: _lookup(_INDENTATION, getattr(ctx.error, "msg", None) or ctx.message),
    TypeError: lambda ctx: _lookup(_TYPE, ctx.message),
    IndexError: _index_error,
    KeyError: _key_error,
    ZeroDivisionError: _zero_division_error,
    RecursionError: _recursion_error,
    AttributeError: _attribute_error,
    ValueError: lambda ctx: _lookup(_VALUE, ctx.message),
    ModuleNotFoundError: _module_not_found_error,
    OSError: _http_error,  # requests' errors are OSErrors; others (FileNotFoundError...) get None
    TimeoutError: _http_error,  # cloud.Timeout
    RuntimeError: lambda ctx: _lookup(_RUNTIME, ctx.message),
}  # the most specific class in the error's MRO wins; AssertionError and anything else unlisted get None


def explain(error: BaseException, filename: str, source: str, namespace: dict | None = None) -> str | None:
    r"""A short plain-language explanation of error for a beginner, or None when there is nothing useful to add.

    Call it right after writing the learner's traceback, with the same filename:

        except BaseException as error:
            stderr.write(format_learner_traceback(error, filename))
            hint = explain(error, filename, code, namespace)
            if hint:
                stderr.write(hint + "\n")

    error: what the learner's code raised. filename: the name the code was compiled with ("<cell 3>",
    "<exercise>"). source: that code, to quote the line. namespace (optional): the globals dict it ran in,
    for more NameError suggestions. The text starts with "Line N: <code>" (plus a ^ line for syntax errors),
    pointing at the last traceback frame from filename, and has no trailing newline. AssertionError and
    errors not covered give None. Never raises; it may run the learner's __repr__/__dir__, so calling it
    after restore_builtins() is a little safer.
    """
    try:
        handler = next((_HANDLERS[cls] for cls in type(error).__mro__ if cls in _HANDLERS), None)
        if handler is None:
            return None
        context = _Context(error, filename, source, namespace)
        text = handler(context)
        return context.where() + text if text else None
    except BaseException:  # even a Stop arriving now: the run is over, only the hint is lost
        return None
