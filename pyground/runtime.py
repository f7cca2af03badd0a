"""Vendor the browser runtime so the site never needs a CDN.

Pins live in pyproject.toml under [tool.pyground]: npm tarballs (PyScript,
the Pyodide core, MicroPython for PyScript) checked against their npm
`integrity` hash, and pure-Python wheels from PyPI checked against sha256.
Downloads are cached by hash, so a rebuild never downloads again. The Pyodide
lock file is regenerated (pyodide-lock) to list exactly the wheels we ship,
which is what `loadPackage` and micropip consult.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import re
import shutil
import tarfile
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec

NPM_REGISTRY = "https://registry.npmjs.org"
RUNTIME_DIR = "runtime"  # inside the built site


@dataclass(frozen=True)
class NpmPin:
    name: str  # folder name in the site, e.g. "pyodide"
    package: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def url(self) -> str:
        basename = self.package.rsplit("/", 1)[-1]
        return f"{NPM_REGISTRY}/{self.package}/-/{basename}-{self.version}.tgz"


@dataclass(frozen=True)
class WheelPin:
    name: str
    url: str
    sha256: str

    @property
    def file_name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Pins:
    npm: tuple[NpmPin, ...]
    wheels: tuple[WheelPin, ...]

    def npm_pin(self, name: str) -> NpmPin:
        return next(pin for pin in self.npm if pin.name == name)

    @property
    def wheel_names(self) -> frozenset[str]:
        return frozenset(pin.name for pin in self.wheels)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any shipped runtime file changes (names the service worker's cache)."""
        hashes = [pin.integrity for pin in self.npm] + [pin.sha256 for pin in self.wheels]
        return hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:12]


def load_pins(pyproject: Path) -> Pins:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["pyground"]
    npm = tuple(
        NpmPin(name=name, package=p["package"], version=p["version"], integrity=p["integrity"], files=tuple(p["files"]))
        for name, p in config["npm"].items()
    )
    wheels = tuple(WheelPin(name=name, url=w["url"], sha256=w["sha256"]) for name, w in config["wheels"].items())
    return Pins(npm=npm, wheels=wheels)


def cache_dir() -> Path:
    base = os.environ.get("PYGROUND_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "pyground"
    )
    return Path(base)


class IntegrityError(Exception):
    pass


def fetch_verified(url: str, algorithm: str, expected: str, encode) -> Path:
    """Return the cached file for `url`, downloading it once. Never trusts a file whose hash differs."""
    cached = (
        cache_dir() / "downloads" / f"{hashlib.sha256(expected.encode()).hexdigest()[:16]}-{url.rsplit('/', 1)[-1]}"
    )
    if cached.is_file():
        if encode(hashlib.new(algorithm, cached.read_bytes()).digest()) == expected:
            return cached
        cached.unlink()  # corrupt cache entry: fetch again
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    actual = encode(hashlib.new(algorithm, data).digest())
    if actual != expected:
        raise IntegrityError(f"{url}: {algorithm} is {actual}, pinned {expected}; refusing to ship it")
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(cached)
    return cached


def _npm_tarball(pin: NpmPin) -> Path:
    algorithm, expected = pin.integrity.split("-", 1)
    return fetch_verified(pin.url, algorithm, expected, lambda digest: base64.b64encode(digest).decode())


def wheel(pin: WheelPin) -> Path:
    """The pinned wheel, from the cache (a pure-Python wheel is also importable from CPython)."""
    return fetch_verified(pin.url, "sha256", pin.sha256, lambda digest: digest.hex())


def with_dependencies(names: list[str] | tuple[str, ...], wheels: dict[str, Path]) -> list[str]:
    """`names` and every pinned wheel they need (from each wheel's Requires-Dist, extras left out),
    in a stable order: what `packages: [requests]` brings along, as the lock file lists it for Pyodide."""
    by_name = {canonicalize_name(name): name for name in wheels}
    found: list[str] = []
    todo = list(names)
    while todo:
        name = by_name.get(canonicalize_name(todo.pop(0)))
        if name is None or name in found:
            continue  # not shipped (the build's lock file reports a missing dependency)
        found.append(name)
        todo += _requirements(wheels[name])
    return found


def unpacked_wheel(path: Path) -> Path:
    """A pure-Python wheel unpacked once into the cache, for CPython to import from. Importing from
    the zip itself works too, but compiles every module on every import (about 3 s for requests)."""
    folder = cache_dir() / "wheels" / f"{path.stem}-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
    if not (folder / ".complete").is_file():
        partial = folder.with_name(folder.name + ".part")
        shutil.rmtree(partial, ignore_errors=True)
        with zipfile.ZipFile(path) as archive:
            archive.extractall(partial)
        (partial / ".complete").write_text(path.name)
        shutil.rmtree(folder, ignore_errors=True)
        partial.replace(folder)
    return folder


def _requirements(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(archive.read(metadata).decode("utf-8"))
    needed = []
    for line in headers.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            needed.append(requirement.name)
    return needed


def vendor(pins: Pins, out: Path) -> Path:
    """Write the runtime into `out/runtime/` and return that folder.

    Unpacked packages are cached too, and only changed files are copied, so a
    rebuild with a warm cache costs a few stat calls.
    """
    target = out / RUNTIME_DIR
    for pin in pins.npm:
        _sync_tree(_unpacked(pin), target / pin.name)
    pyodide_dir = target / "pyodide"
    wheel_paths = []
    for pin in pins.wheels:
        path = pyodide_dir / pin.file_name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != pin.sha256:
            shutil.copyfile(wheel(pin), path)
        wheel_paths.append(path)
    _write_lock(_unpacked(pins.npm_pin("pyodide")) / "pyodide-lock.json", pyodide_dir, wheel_paths)
    return target


def pyscript_plugin_chunk(pins: Pins, plugin: str) -> str:
    """The file of runtime/pyscript/ that PyScript's core imports for `plugin` as a page starts.

    Its bundle maps each plugin to a chunk (`error:()=>import("./error-<hash>.js")`), imported only
    once the core has run: a page that preloads the chunk saves that round trip before its worker.
    """
    folder = _unpacked(pins.npm_pin("pyscript"))
    entry = re.compile(rf'[{{,]"?{re.escape(plugin)}"?:\(\)=>import\("\./([\w.-]+\.js)"\)')  # a key quoted or not
    for core in sorted(folder.glob("core-*.js")):
        if found := entry.search(core.read_text(encoding="utf-8")):
            return found.group(1)
    raise RuntimeError(f"PyScript {pins.npm_pin('pyscript').version}: no chunk found for its {plugin!r} plugin")


def _unpacked(pin: NpmPin) -> Path:
    """The pinned files of an npm package, unpacked once into the cache."""
    folder = (
        cache_dir() / "unpacked" / f"{pin.name}-{pin.version}-{hashlib.sha256(pin.integrity.encode()).hexdigest()[:12]}"
    )
    done = folder / ".complete"
    if done.is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    with tarfile.open(_npm_tarball(pin), mode="r:gz") as archive:
        for member in archive.getmembers():
            inner = member.name.removeprefix("package/")
            if member.isfile() and any(fnmatch.fnmatch(inner, pattern) for pattern in pin.files):
                path = folder / Path(inner).name  # flat: every pinned file sits beside its loader
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.extractfile(member).read())
    done.write_text(pin.integrity)
    return folder


def _sync_tree(source: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name.startswith("."):
            continue
        target = dest / path.name
        if (
            not target.is_file()
            or target.stat().st_size != path.stat().st_size
            or target.stat().st_mtime < path.stat().st_mtime
        ):
            shutil.copy2(path, target)


def _write_lock(original_lock: Path, pyodide_dir: Path, wheels: list[Path]) -> None:
    """Keep Pyodide's lock header, list only the wheels we ship.

    Packages we do not ship (numpy and other binary ones live only on the
    CDN) are dropped, so a missing one is a plain ImportError instead of a
    request to a host the site must not depend on.
    """
    info = json.loads(original_lock.read_text(encoding="utf-8"))["info"]
    # pyodide-lock 0.1 (the last for Python 3.11) requires info.version, which
    # Pyodide 314's lock dropped: lend it one and take it out again on the way out.
    spec = add_wheels_to_spec(
        PyodideLockSpec(info={"version": "0", **info}, packages={}), wheels, base_path=pyodide_dir
    )
    lock = json.loads(spec.model_dump_json())
    lock["info"] = info
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1), encoding="utf-8")
