"""What the CPython children of `build.py check` share (verify_child.py, mutants_child.py): the job
they read, the site's own checker.py on the path (and the lesson's wheels), and the page's ways
that an attempt starts: a fresh working folder with the lesson's data files, and display().

Each child imports this first: `import cpython_host` reads the job from stdin.
"""

import atexit
import builtins
import json
import os
import shutil
import sys
import tempfile

job = json.loads(sys.stdin.read())
sys.path[:0] = [sys.argv[1], *job["wheels"]]  # site/static/py: the site's own checker, as pages run it
import checker  # noqa: E402, F401  (for the children: `from cpython_host import checker`)

_scratch = tempfile.mkdtemp(prefix="pyground-check-")


def fresh_folder():
    """As in the browser: the lesson's data files, and nothing an earlier run wrote."""
    folder = tempfile.mkdtemp(dir=_scratch)
    for name, source in job["data"].items():
        shutil.copyfile(source, os.path.join(folder, name))
    os.chdir(folder)


def display(*objects):
    """The browser shows charts; here they are rendered, to catch errors."""
    for obj in objects:
        if callable(getattr(obj, "_repr_svg_", None)):
            obj._repr_svg_()
        else:
            print(obj)


@atexit.register
def _clean_up():
    os.chdir(os.path.dirname(_scratch))
    shutil.rmtree(_scratch, ignore_errors=True)


builtins.display = display
