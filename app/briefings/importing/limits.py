"""How much the importer will read: sizes past which a source is refused, with a message saying what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .report import ImportFailed

if TYPE_CHECKING:
    from .blocks import SourceLine

@dataclass(frozen=True)
class ImportLimits:
    """Sizes and times past which a source is refused. A seven-minute briefing is one to four pages.

    The limits on the text (characters, lines, line length, headings) keep every input's work bounded: the
    importer's per-line rules and Markdown parsing cost tens of microseconds a character at worst, so a text
    far larger than a briefing would take minutes. The shipped briefings have about 6,000 characters, 100
    lines and 15 headings; each limit leaves room for fifteen or more times that, and a text at the limits
    imports in a few seconds at worst.
    """

    max_text_bytes: int = 5 * 1024 * 1024  # a text file as it is read
    max_characters: int = 100_000  # the text itself, from any format
    max_lines: int = 3_000  # non-blank lines (a Word paragraph is a line)
    max_line_characters: int = 10_000  # one line or paragraph
    max_headings: int = 300  # lines read as headings or sub-headings
    max_file_bytes: int = 25 * 1024 * 1024  # a .docx or .pdf as it is on disk
    # All parts of a .docx, as the zip declares them and again as they really inflate (a zip can lie).
    max_docx_unpacked_bytes: int = 50 * 1024 * 1024
    # The XML parts of a .docx that python-docx parses (document, styles, numbering, ...), as they inflate;
    # parsed XML takes about eight times its size in memory.
    max_docx_xml_bytes: int = 10 * 1024 * 1024
    max_docx_compression_ratio: float = 100.0  # for parts over 1 MB; Word's XML compresses about 10:1
    max_docx_parts: int = 2000
    max_pdf_pages: int = 100
    pdf_seconds: float = 30.0  # reading a PDF in the child process, start-up included
    pdf_memory_bytes: int = 1024 * 1024 * 1024  # extra memory the PDF reader may use


DEFAULT_LIMITS = ImportLimits()

_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1b\x7f]")


# A briefing file already: "---", then (before any closing "---") an "id:" or "title:" line.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(?!---)[^\n]*\n){0,30}?(?:id|title)[ \t]*:")


def checked_text(text: str, limits: ImportLimits, source_name: str = "") -> str:
    named = f"'{source_name}'" if source_name else "The text"
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ImportFailed(f"{named} is not valid Unicode (it has unpaired surrogates): save it as UTF-8.") from None
    if size > limits.max_text_bytes:
        raise ImportFailed(
            f"{named} is {megabytes(size)}, more than the {megabytes(limits.max_text_bytes)} limit; a briefing "
            "is a few pages: check it is the right file."
        )
    check_characters(len(text), limits, named)
    if not text:
        raise ImportFailed(f"{named} is empty: there is nothing to import.")
    if not text.strip():
        raise ImportFailed(f"{named} is only blank space: there is nothing to import.")
    if "\x00" in text:
        raise ImportFailed(f"{named} looks binary (it contains NUL characters): import a text, .docx or .pdf file.")
    if len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        raise ImportFailed(
            f"{named} looks binary (it is full of control characters): import a text, .docx or .pdf file."
        )
    if _FRONT_MATTER.match(text):
        raise ImportFailed(
            f"{named} is already a briefing file (it starts with front matter): put it in the briefings folder "
            "and run 'flask --app app briefings check' instead of importing it."
        )
    return text


def check_characters(count: int, limits: ImportLimits, named: str) -> None:
    if count > limits.max_characters:
        raise ImportFailed(
            f"{named} has {count:,} characters of text, more than the {limits.max_characters:,} characters a "
            "briefing could need (a seven-minute briefing has about 6,000): check it is the right file, or import "
            "only the briefing's part of it."
        )


def too_many_lines(limits: ImportLimits, named: str) -> ImportFailed:
    return ImportFailed(
        f"{named} has more than {limits.max_lines:,} lines of text, and a seven-minute briefing has about 100: "
        "check it is the right file, or import only the briefing's part of it."
    )


def line_too_long(length: int, where: str, limits: ImportLimits, named: str) -> ImportFailed:
    return ImportFailed(
        f"{named} has a line of {length:,} characters{where}, more than the {limits.max_line_characters:,} "
        "characters a paragraph of a briefing could need: check it is the right file, or break the line into "
        "paragraphs."
    )


def checked_lines(lines: list[SourceLine], limits: ImportLimits, named: str) -> None:
    """Refuse more lines, or longer ones, than a briefing has, before the per-line rules do any work."""
    if len(lines) > limits.max_lines:
        raise too_many_lines(limits, named)
    for line in lines:
        if len(line.text) > limits.max_line_characters:
            where = f" (line {line.source_line})" if line.source_line else ""
            raise line_too_long(len(line.text), where, limits, named)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size < 10 * 1024 * 1024 else f"{size // (1024 * 1024)} MB"

