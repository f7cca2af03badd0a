"""explain() turns the errors beginners meet into a short plain-language hint pointing at their line.

Every case raises a real error from real code compiled as "<cell 1>", as the browser runner does. The
assertions hold on CPython 3.11 (this venv) and 3.14 (Pyodide), whose messages differ slightly. No pytest
features are used, so the file also runs as plain functions inside Pyodide.
"""

import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "site" / "static" / "py"))

from explain import explain

CELL = "<cell 1>"


def raised(code, filename=CELL, namespace=None):
    """Run code as the runner does and return (error, namespace)."""
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    try:
        exec(compile(code, filename, "exec"), namespace)
    except BaseException as error:
        return error, namespace
    raise AssertionError(f"the snippet did not raise: {code!r}")


def hint(code):
    error, namespace = raised(code)
    text = explain(error, CELL, code, namespace)
    assert text is not None, f"no explanation for {type(error).__name__}: {error}"
    return text


def caret_under(text):
    """The code line shown (without the "Line N: " head) and the column the ^ points at in it."""
    first, second = text.splitlines()[:2]
    head = first.index(": ") + 2
    return first[head:], second.index("^") - head


def test_explain_nameerror_suggests_close_name():
    text = hint("total = 10\nprint(totl)")
    assert text.startswith("Line 2: print(totl)\n")
    assert "'totl'" in text and "Did you mean 'total'?" in text
    assert "quotes" in text


def test_explain_nameerror_suggests_builtin():
    text = hint("Print('hello')")
    assert text.startswith("Line 1: ")
    assert "Did you mean 'print'?" in text


def test_explain_nameerror_no_match_advises_defining_or_quoting():
    text = hint("greeting = hello")
    assert text.startswith("Line 1: ")
    assert "Did you mean" not in text
    assert "hello = 0" in text and '"hello"' in text


def test_explain_nameerror_uses_namespace_argument():
    text = explain(NameError("name 'scroe' is not defined", name="scroe"), CELL, "", {"score": 3})
    assert "Did you mean 'score'?" in text


def test_explain_nameerror_missing_import():
    text = hint("print(math.sqrt(2))")
    assert "import math" in text


def test_explain_nameerror_points_at_last_frame_in_this_cell():
    namespace = {"__name__": "__main__", "height": 2}
    exec(compile("def area(w):\n    return w * heigth\n", "<cell 1>", "exec"), namespace)
    error, _ = raised("x = 1\narea(3)", "<cell 2>", namespace)
    text = explain(error, "<cell 2>", "x = 1\narea(3)", namespace)
    assert text.startswith("Line 2: area(3)\n")
    assert "Did you mean 'height'?" in text
    assert explain(error, "<cell 1>", "def area(w):\n    return w * heigth\n", namespace).startswith("Line 2: return")


def test_explain_unboundlocalerror_function_assigns_name():
    text = hint("count = 0\ndef add():\n    count += 1\nadd()")
    assert text.startswith("Line 3: count += 1\n")
    assert "'count'" in text and "before giving it a value" in text


def test_explain_syntaxerror_missing_colon():
    text = hint("x = 5\nif x > 3\n    print(x)")
    assert text.startswith("Line 2: if x > 3\n")
    assert "colon ':'" in text
    assert caret_under(text) == ("if x > 3", len("if x > 3"))


def test_explain_syntaxerror_caret_ignores_indentation():
    text = hint("def f():\n    while True\n        pass")
    line, column = caret_under(text)
    assert line == "while True" and column == len(line)


def test_explain_syntaxerror_unclosed_bracket():
    text = hint("print('hi'\nx = 1")
    assert text.startswith("Line 1: ")
    assert "'(' is opened but never closed" in text
    line, column = caret_under(text)
    assert line[column] == "("


def test_explain_syntaxerror_mismatched_bracket():
    text = hint("xs = [1, 2)")
    assert "')' doesn't match the '['" in text
    line, column = caret_under(text)
    assert line[column] == ")"


def test_explain_syntaxerror_unclosed_quote():
    text = hint("x = 1\nname = 'Ann\nprint(name)")
    assert text.startswith("Line 2: name = 'Ann\n")
    assert "quote mark" in text


def test_explain_syntaxerror_assign_in_condition():
    text = hint("x = 1\nif x = 1:\n    print(x)")
    assert text.startswith("Line 2: ")
    assert "use ==" in text


def test_explain_syntaxerror_print_without_parentheses():
    text = hint("print 'hi'")
    assert "print(...)" in text


def test_explain_syntaxerror_unknown_form_gets_general_advice():
    text = hint("x = 1\ny = = 2")
    assert text.startswith("Line 2: y = = 2\n")
    assert "couldn't understand this line" in text


def test_explain_indentationerror_expected_block():
    text = hint("for i in range(3):\nprint(i)")
    assert text.startswith("Line 2: print(i)\n")
    assert "indented" in text
    assert caret_under(text)[1] == 0


def test_explain_indentationerror_unexpected_indent():
    text = hint("x = 1\n    y = 2")
    assert text.startswith("Line 2: y = 2\n")
    assert "indented further" in text


def test_explain_taberror_mixed_tabs_and_spaces():
    text = hint("if True:\n\tx = 1\n        y = 2")
    assert text.startswith("Line 3: ")
    assert "tabs and spaces" in text


def test_explain_typeerror_str_plus_int():
    text = hint("age = 12\nprint('Age: ' + age)")
    assert text.startswith("Line 2: print('Age: ' + age)\n")
    assert "str(...)" in text and "f-string" in text and "whole number" in text


def test_explain_typeerror_int_plus_str():
    text = hint("answer = input\nprint(1 + '2')")
    assert text.startswith("Line 2: ")
    assert "int(...)" in text


def test_explain_typeerror_not_callable():
    text = hint("total = 5\nprint(total(2))")
    assert text.startswith("Line 2: ")
    assert "only functions can be called" in text and "whole number" in text


def test_explain_typeerror_too_many_arguments():
    text = hint("def greet(name):\n    return name\ngreet('Ann', 'Bob')")
    assert text.startswith("Line 3: greet('Ann', 'Bob')\n")
    assert "greet() a different number of values" in text


def test_explain_typeerror_method_without_self():
    text = hint("class Dog:\n    def bark():\n        return 'woof'\nDog().bark()")
    assert text.startswith("Line 4: ")
    assert "self" in text


def test_explain_typeerror_missing_argument():
    text = hint("def area(width, height):\n    return width * height\narea(3)")
    assert text.startswith("Line 3: area(3)\n")
    assert "area() needs a value for 'height'" in text


def test_explain_typeerror_uncommon_form_returns_none():
    error, namespace = raised("[1] * 'a' * 2.5")
    assert explain(error, CELL, "[1] * 'a' * 2.5", namespace) is None


def test_explain_indexerror_list_out_of_range():
    text = hint("scores = [90, 75, 60]\nprint(scores[3])")
    assert text.startswith("Line 2: print(scores[3])\n")
    assert "start at 0" in text and "len(...) - 1" in text
    assert "scores has positions 0 to 2" in text


def test_explain_indexerror_empty_list():
    text = hint("items = []\nfirst = items[0]")
    assert "items is empty" in text


def test_explain_keyerror_lists_keys_and_suggests_get():
    text = hint("ages = {'ann': 12, 'bob': 13}\nprint(ages['cat'])")
    assert text.startswith("Line 2: print(ages['cat'])\n")
    assert "ages has no key 'cat'" in text and "'ann', 'bob'" in text
    assert "ages.get('cat')" in text and "'cat' in ages" in text


def test_explain_keyerror_nested_lookup_skips_listing():
    text = hint("data = {'a': {}}\nprint(data['a']['b'])")
    assert "no key 'b'" in text and ".get('b')" in text
    assert "keys:" not in text


def test_explain_keyerror_big_dict_skips_listing():
    text = hint("squares = {n: n * n for n in range(50)}\nsquares[99]")
    assert "squares has no key 99." in text
    assert "keys:" not in text


def test_explain_zerodivisionerror_divide_by_zero():
    text = hint("count = 0\ntotal = 10\nprint(total / count)")
    assert text.startswith("Line 3: print(total / count)\n")
    assert "divided by zero" in text


def test_explain_recursionerror_no_stopping_case():
    text = hint("def countdown(n):\n    return countdown(n - 1)\ncountdown(3)")
    assert text.startswith("Line 2: return countdown(n - 1)\n")
    assert "countdown() kept calling itself" in text and "stopping case" in text


def test_explain_attributeerror_suggests_method():
    code = "names = []\nnames.apend('Ann')"
    error, namespace = raised(code)
    text = explain(error, CELL, code, namespace)
    assert text.startswith("Line 2: names.apend('Ann')\n")
    assert "A list has nothing called .apend." in text
    python_said = "".join(traceback.format_exception_only(type(error), error))
    if "Did you mean" in python_said:  # 3.12+ suggests in the traceback itself
        assert "the 'Did you mean' above" in text
    else:
        assert "Did you mean .append?" in text


def test_explain_attributeerror_with_no_close_name_lists_what_there_is():
    text = hint("from datetime import timedelta\ngap = timedelta(minutes=90)\nprint(gap.minutes)")
    assert (
        "nothing called .minutes. What it has: .days, .max, .microseconds, .min, .resolution, .seconds, .total_seconds."
        in text
    )
    text = hint("'abc'.frobnicate()")  # text has dozens of methods: too many to list
    assert "print(dir(...)) to list what it has" in text


def test_explain_attributeerror_on_none():
    text = hint("xs = [3, 1, 2]\nxs = xs.sort()\nxs.append(4)")
    assert text.startswith("Line 3: ")
    assert "None" in text and "sort()" in text


def test_explain_valueerror_int_of_text():
    text = hint("age = int('twelve')")
    assert text.startswith("Line 1: ")
    assert "'twelve' isn't a whole number" in text


def test_explain_valueerror_int_of_decimal_text():
    text = hint("x = 1\nn = int('3.5')")
    assert text.startswith("Line 2: ")
    assert "float(...)" in text


def test_explain_valueerror_float_of_text():
    text = hint("price = float('3,50')")
    assert "'3,50' isn't one" in text and "dot" in text


def test_explain_valueerror_other_returns_none():
    error, namespace = raised("a, b = [1]")
    assert explain(error, CELL, "a, b = [1]", namespace) is None


def test_explain_modulenotfounderror_not_in_browser():
    text = hint("x = 1\nimport pyground_no_such_module")
    assert text.startswith("Line 2: import pyground_no_such_module\n")
    assert "in-browser Python" in text and "numpy" in text


def test_explain_modulenotfounderror_suggests_stdlib_module():
    text = hint("import maths")
    assert "Did you mean 'math'?" in text


def test_explain_assertionerror_returns_none():
    error, namespace = raised("x = 1\nassert x == 2, 'x should be 2'")
    assert explain(error, CELL, "x = 1\nassert x == 2, 'x should be 2'", namespace) is None


def test_explain_uncovered_error_returns_none():
    class GameOver(Exception):
        pass

    for code, namespace in [("raise GameOver('bye')", {"GameOver": GameOver}), ("raise ValueError('nope')", {})]:
        error, namespace = raised(code, namespace=namespace)
        assert explain(error, CELL, code, namespace) is None
    assert explain(StopIteration(), CELL, "") is None


def test_explain_never_raises_on_odd_input():
    class Broken(TypeError):
        def __str__(self):
            raise RuntimeError("no message")

    class Shy:
        def __dir__(self):
            raise RuntimeError("no dir")

    odd_syntax = SyntaxError("invalid syntax")
    far_syntax = SyntaxError("expected ':'", (CELL, 99, 50, "if x\n"))
    shy_error = AttributeError("no", name="nope", obj=Shy())
    cases = [
        (KeyError("missing"), CELL, "print(d['missing'])"),  # never raised: no traceback
        (odd_syntax, CELL, "x ="),  # lineno and offset are None
        (far_syntax, CELL, "x = 1"),  # line beyond the source
        (IndexError("list index out of range"), None, None),
        (Broken(), CELL, ""),
        (shy_error, CELL, ""),
        (None, CELL, ""),
        (KeyError(), CELL, ""),
        (RecursionError(), CELL, ""),
    ]
    for error, filename, source in cases:
        text = explain(error, filename, source)
        assert text is None or isinstance(text, str)
    assert not explain(KeyError("missing"), CELL, "").startswith("Line")
    assert "couldn't understand" in explain(odd_syntax, CELL, "x =")
    assert explain(far_syntax, CELL, "x = 1").startswith("Line 99: if x\n")


def test_explain_comparing_text_with_a_number_says_convert_first():
    text = hint('answer = "5"\nprint(answer > 3)')
    assert "Line 2: print(answer > 3)" in text
    assert "int(answer) > 3" in text and '"10" < "9"' in text


def test_explain_asyncio_run_in_the_browser_points_to_the_lessons_helper():
    error = RuntimeError("asyncio.run() cannot be called from a running event loop")
    text = explain(error, CELL, "asyncio.run(main())", {})
    assert text is not None and "run(...) helper" in text
    assert explain(RuntimeError("something else"), CELL, "x", {}) is None
