"""Inline Markdown for briefing text: rendering and link extraction.

Raw HTML is switched off, so a briefing file can never put markup or script into a page: ``<script>`` in a
file is shown as text. markdown-it also refuses ``javascript:``, ``vbscript:`` and most ``data:`` addresses
in links. Bare addresses are turned into links (linkify), as published briefings often print them.

Images are not part of the format (``flask briefings check`` reports them, see files.py): wherever one gets
through, it is shown as its words (its alt text), never as an ``<img>``. A picture loaded from another site would
tell that site who is reading which briefing, and the room may well be offline.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

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

    def image(renderer, tokens, idx, options, env):
        return escape(image_words(tokens[idx]), quote=False)

    parser.add_render_rule("link_open", link_open)
    parser.add_render_rule("link_close", link_close)
    parser.add_render_rule("image", image)
    return parser


def image_words(token: Token) -> str:
    """What an image shows in place of the picture: its alt text, as plain words."""
    return "".join(_words(token.children or []))


def _words(children: list[Token]) -> list[str]:
    words: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.type == "image":
            words.extend(_words(child.children or []))
    return words


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
            elif href is not None and child.type in ("text", "code_inline", "image"):
                words.extend(_words([child]))
    return found


def plain_text(text: str) -> str:
    """The words of inline Markdown without its syntax, for searching and for exports."""
    words: list[str] = []
    for token in _parser().parseInline(text):
        words.extend(_words(token.children or []))
    return "".join(words)
