"""Inline Markdown for briefing text: rendering and link extraction.

Raw HTML is switched off, so a briefing file can never put markup or script into a page: ``<script>`` in a
file is shown as text. markdown-it also refuses ``javascript:``, ``vbscript:`` and most ``data:`` addresses
in links. Bare addresses are turned into links (linkify), as published briefings often print them.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from .model import Link


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": True}).enable("linkify")


@lru_cache(maxsize=1)
def _html_parser() -> MarkdownIt:
    """The parser for pages: a link the publisher gave no address for ("#") is shown as text, not a dead link."""
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable("linkify")
    default_open = parser.renderer.rules.get("link_open") or _render_token
    default_close = parser.renderer.rules.get("link_close") or _render_token

    def link_open(renderer, tokens, idx, options, env):
        if tokens[idx].attrGet("href") == "#":
            return '<span class="link-unavailable">'
        return default_open(renderer, tokens, idx, options, env)

    def link_close(renderer, tokens, idx, options, env):
        # Links do not nest: the nearest link_open before this token is the one being closed.
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "link_open")
        if opening.attrGet("href") == "#":
            return "</span>"
        return default_close(renderer, tokens, idx, options, env)

    parser.add_render_rule("link_open", link_open)
    parser.add_render_rule("link_close", link_close)
    return parser


def _render_token(renderer, tokens, idx, options, env):
    return renderer.renderToken(tokens, idx, options, env)


def inline_html(text: str) -> str:
    """HTML for one paragraph, item or note (no surrounding <p>); safe to mark as such in a template."""
    return _html_parser().renderInline(text)


def links_in(text: str) -> list[Link]:
    """The links in one piece of inline text, each with its text and address (a ``#`` address stays ``#``)."""
    found: list[Link] = []
    for token in _parser().parseInline(text):
        href: str | None = None
        words: list[str] = []
        for child in token.children or []:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                words = []
            elif child.type == "link_close" and href is not None:
                found.append(Link(text="".join(words), href=href))
                href = None
            elif href is not None and child.type in ("text", "code_inline"):
                words.append(child.content)
    return found


def plain_text(text: str) -> str:
    """The words of inline Markdown without its syntax, for searching and for exports."""
    words: list[str] = []
    for token in _parser().parseInline(text):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return "".join(words)
