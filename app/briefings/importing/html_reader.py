"""Saved web pages (.html/.htm): the article's headings, paragraphs, lists and links as source lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import SourceLine
from .limits import ImportLimits
from .report import SetAside


@dataclass
class HtmlPage:
    lines: list[SourceLine]
    source_lines: list[str]
    set_aside: list[SetAside] = field(default_factory=list)


def html_lines(text: str, name: str, limits: ImportLimits) -> HtmlPage:
    raise NotImplementedError
