"""The one Markdown configuration the whole site uses.

CommonMark with tables, raw HTML off (lesson text can never inject markup),
heading anchors, and a `::: hint` container. markdown-it's own link
validation already refuses `javascript:`, `vbscript:` and `file:` URLs.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

CONTAINERS = ("hint",)


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    return md
