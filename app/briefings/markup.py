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


def inline_html(text: str) -> str:
    """HTML for one paragraph, item or note (no surrounding <p>); safe to mark as such in a template."""
    return _parser().renderInline(text)


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
