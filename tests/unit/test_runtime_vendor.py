"""Vendoring: pinned files are checked against their hashes and downloaded only once."""

from __future__ import annotations

import base64
import hashlib

import pytest

from pyground import runtime
from pyground.builder import BuildConfig, build

from ..helpers import GOOD, write_course


def test_vendor_refuses_a_file_whose_hash_differs(tmp_path, monkeypatch):
    monkeypatch.setenv("PYGROUND_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "thing.whl"
    source.write_bytes(b"tampered")
    with pytest.raises(runtime.IntegrityError, match="refusing to ship it"):
        runtime.fetch_verified(source.as_uri(), "sha256", "0" * 64, lambda d: d.hex())
    assert not any((tmp_path / "cache").rglob("*.whl"))


def test_vendor_verifies_npm_style_integrity_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("PYGROUND_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "pkg.tgz"
    source.write_bytes(b"package bytes")
    integrity = base64.b64encode(hashlib.sha512(b"package bytes").digest()).decode()
    encode = lambda d: base64.b64encode(d).decode()  # noqa: E731
    first = runtime.fetch_verified(source.as_uri(), "sha512", integrity, encode)
    source.unlink()  # a second call must not need the network (here: the file) again
    assert runtime.fetch_verified(source.as_uri(), "sha512", integrity, encode) == first


def test_build_with_a_warm_cache_downloads_nothing(tmp_path, monkeypatch):
    lessons = write_course(tmp_path, {"basics/01-a.md": GOOD.format(id="a")})
    build(BuildConfig(lessons=lessons, out=tmp_path / "one"))  # warms the cache (already warm in CI)

    def no_network(*args, **kwargs):
        raise AssertionError("a rebuild tried to download")

    monkeypatch.setattr(runtime.urllib.request, "urlopen", no_network)
    build(BuildConfig(lessons=lessons, out=tmp_path / "two"))
    lock = (tmp_path / "two" / "runtime" / "pyodide" / "pyodide-lock.json").read_text()
    assert '"micropip"' in lock and '"tabulate"' in lock and '"numpy"' not in lock
