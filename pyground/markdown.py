"""The one Markdown configuration the whole site uses.

CommonMark with tables, raw HTML off (lesson text can never inject markup),
heading anchors, and a `::: hint` container. markdown-it's own link
validation already refuses `javascript:`, `vbscript:` and `file:` URLs.
Each fence token says whether its closing marker was found (`meta["closed"]`).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import fence
from markdown_it.rules_block.state_block import StateBlock
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

CONTAINERS = ("hint",)


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    # The fence rule's own options, as markdown-it registers it: a fence may interrupt these.
    md.block.ruler.at("fence", _fence_noting_its_end, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    return md


def _fence_noting_its_end(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's own fence rule, which also notes on the token whether the fence was closed. An
    unclosed fence runs to the end of its container: CommonMark accepts that, but for a lesson it means
    the prose after it became code."""
    if not fence(state, start, end, silent):
        return False
    if not silent:
        token = state.tokens[-1]
        # A closed fence spans its opening line, its code and its closing line; an unclosed one has no last.
        token.meta["closed"] = token.map[1] - token.map[0] == token.content.count("\n") + 2
    return True
