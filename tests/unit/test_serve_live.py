"""Live reload for `build.py serve`: pages get a script that reloads them after a rebuild; built files never do."""

from __future__ import annotations

import threading
import urllib.request

from pyground.serve import LiveReload, make_server


def serve(tmp_path, live):
    (tmp_path / "index.html").write_text("<html><head><title>x</title></head><body>hi</body></html>")
    (tmp_path / "app.js").write_text("console.log(1)")
    server = make_server(tmp_path, port=0, prefix="/sub/", quiet=True, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/sub/"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_serve_live_reload_adds_its_script_to_pages_and_changes_its_stamp_on_rebuild(tmp_path):
    live = LiveReload()
    server, base = serve(tmp_path, live)
    try:
        page = get(base)
        assert '<script type="module" src="/sub/__live.js"></script></head>' in page
        assert get(base + "index.html") == page
        assert "location.reload()" in get(base + "__live.js")
        assert get(base + "app.js") == "console.log(1)"  # only pages change
        before = get(base + "__live")
        live.bump()
        assert get(base + "__live") != before
    finally:
        server.shutdown()
        server.server_close()
    assert "__live" not in (tmp_path / "index.html").read_text()


def test_serve_without_live_reload_serves_pages_as_built(tmp_path):
    server, base = serve(tmp_path, None)
    try:
        assert "__live" not in get(base)
    finally:
        server.shutdown()
        server.server_close()
