"""Import a published seven-minute briefing (plain text, .docx or text-based .pdf) as a Briefing, with a report.

The importer reads the text line by line and decides what each line is: the title, a heading (matched to a
section kind through the phrase table in ``heading_phrases.py``), a list item, a note on an item, or a
paragraph. It never drops or rewrites a line: every non-blank line of the source ends up, whitespace-normalised,
as the title (or in ``source``), a heading, a sub-heading, a paragraph, an item (marker removed, number kept)
or a note. What it had to guess is listed in the report for a person to check. docs/importing.md describes
every rule; the tests in tests/test_importer*.py hold them.

Word documents contribute their heading and list styles; PDFs are read in a child process with a time limit,
because a broken or hostile PDF can make a parser loop or eat memory.
"""

from __future__ import annotations

import copy as copy_module
import io
import multiprocessing
import os
import re
import struct
import threading
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .heading_phrases import kind_of_heading
from .markup import links_in, plain_text
from .model import Block, Briefing, Item, Section

# --- the public API --------------------------------------------------------------------------------------


class ImportFailed(Exception):
    """The source cannot be imported. The message says what is wrong and what to do, for the person importing."""


@dataclass
class ImportReport:
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, heading, how it was recognised)
    unclassified_headings: list[str] = field(default_factory=list)  # headings that became kind "other"
    checks: list[str] = field(default_factory=list)  # what a person should check before committing the file

    def to_dict(self) -> dict:
        return {
            "sections": [{"kind": kind, "heading": heading, "how": how} for kind, heading, how in self.sections],
            "unclassified_headings": list(self.unclassified_headings),
            "checks": list(self.checks),
        }


@dataclass
class ImportResult:
    briefing: Briefing
    report: ImportReport


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

# Section "how" values in the report.
HOW_PHRASE = "phrase table"
HOW_NUMBERED = "numbered segment"
HOW_STYLE = "document heading style"
HOW_TITLE_STYLE = "document title style"
HOW_OUTLINE = "pdf outline"
HOW_MARKDOWN = "markdown heading"
HOW_UNRECOGNISED = "unrecognised"
HOW_PREAMBLE = "text before the first heading"


def import_text(
    text: str,
    *,
    source_name: str = "",
    title: str | None = None,
    briefing_id: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import the plain text of a briefing (as in the seeds, or Markdown-ish text)."""
    text = _checked_text(text, limits, source_name)
    return _import_lines(
        _text_lines(text), source_name=source_name, title=title, briefing_id=briefing_id, limits=limits
    )


def import_file(
    path: str | os.PathLike,
    *,
    title: str | None = None,
    briefing_id: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import a .txt/.md (or any UTF-8 text), .docx or .pdf file; the format is told by its first bytes."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFailed(f"'{name}' is not a file: give the path of a .txt, .docx or .pdf file.")
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise ImportFailed(f"There is no file '{path}': check the path.") from None
    except OSError as error:
        raise ImportFailed(f"'{name}' cannot be read ({error.strerror or error}): check its permissions.") from None
    if size == 0:
        raise ImportFailed(f"'{name}' is empty: there is no text to import.")

    suffix = path.suffix.lower()
    kind = _format_of(head, suffix, name)
    if kind == "text":
        text = _decode(_read_limited(path, limits.max_text_bytes, "text"), name)
        lines = _text_lines(_checked_text(text, limits, name))
        return _import_lines(lines, source_name=name, title=title, briefing_id=briefing_id, limits=limits)
    if size > limits.max_file_bytes:
        raise ImportFailed(
            f"'{name}' is {_megabytes(size)}, more than the {_megabytes(limits.max_file_bytes)} a briefing "
            "needs: check it is the right file, or copy its text into a .txt file and import that."
        )
    if kind == "docx":
        lines = _docx_lines(path, limits)
        return _import_lines(lines, source_name=name, title=title, briefing_id=briefing_id, limits=limits)
    pages, outline = _pdf_text(path, limits)
    lines = _pdf_lines(pages, outline, limits)
    result = _import_lines(lines, source_name=name, title=title, briefing_id=briefing_id, limits=limits)
    result.report.checks.append(
        "The text was extracted from a PDF: check that lines were joined into the right paragraphs, and remove "
        "page numbers or repeated page headers that came through as paragraphs."
    )
    return result


def slugify(text: str) -> str:
    """An id made of lowercase ASCII letters, digits and hyphens: "Wigan Child 1&2" -> "wigan-child-1-and-2"."""
    text = text.replace("&", " and ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] if "-" in slug[:60] else slug[:60]
    return slug


# --- reading the source ----------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .doc (and .xls, .ppt)


def _format_of(head: bytes, suffix: str, name: str) -> str:
    if b"%PDF-" in head:
        return "pdf"
    if suffix == ".pdf":
        raise ImportFailed(f"'{name}' is not a PDF (it does not start with '%PDF'): check it is the right file.")
    if head.startswith(_ZIP_MAGIC):
        return "docx"
    if suffix == ".docx":
        raise ImportFailed(
            f"'{name}' is not a valid Word .docx file (it is not a zip archive): open it in Word and save it "
            "again as .docx, or copy its text into a .txt file."
        )
    if head.startswith(_OLE_MAGIC):
        raise ImportFailed(
            f"'{name}' is an old-style Word .doc (or other Office) file: open it in Word and save it as .docx, "
            "then import that."
        )
    if head.lstrip().startswith(b"{\\rtf"):
        raise ImportFailed(f"'{name}' is an RTF file: save it as .docx or as plain text (.txt), then import that.")
    return "text"


def _read_limited(path: Path, limit: int, what: str) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ImportFailed(
            f"'{path.name}' is larger than {_megabytes(limit)} of {what}, far more than a briefing: check it is "
            "the right file."
        )
    return data


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows Notepad's "Unicode" is UTF-16 with a byte order mark; read it rather than call it binary.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise ImportFailed(
            f"'{name}' looks like a binary file, not text (it contains NUL bytes): import a .txt, .md, .docx or "
            ".pdf file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(
            f"'{name}' is not UTF-8 text (byte 0x{data[error.start]:02X} on line {line} is not valid UTF-8; it "
            "may be Latin-1 or Windows-1252): save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8) "
            "and import it again."
        ) from None


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1b\x7f]")


# A briefing file already: "---", then (before any closing "---") an "id:" or "title:" line.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(?!---)[^\n]*\n){0,30}?(?:id|title)[ \t]*:")


def _checked_text(text: str, limits: ImportLimits, source_name: str = "") -> str:
    named = f"'{source_name}'" if source_name else "The text"
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ImportFailed(f"{named} is not valid Unicode (it has unpaired surrogates): save it as UTF-8.") from None
    if size > limits.max_text_bytes:
        raise ImportFailed(
            f"{named} is {_megabytes(size)}, more than the {_megabytes(limits.max_text_bytes)} limit; a briefing "
            "is a few pages: check it is the right file."
        )
    _check_characters(len(text), limits, named)
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


def _check_characters(count: int, limits: ImportLimits, named: str) -> None:
    if count > limits.max_characters:
        raise ImportFailed(
            f"{named} has {count:,} characters of text, more than the {limits.max_characters:,} characters a "
            "briefing could need (a seven-minute briefing has about 6,000): check it is the right file, or import "
            "only the briefing's part of it."
        )


def _too_many_lines(limits: ImportLimits, named: str) -> ImportFailed:
    return ImportFailed(
        f"{named} has more than {limits.max_lines:,} lines of text, and a seven-minute briefing has about 100: "
        "check it is the right file, or import only the briefing's part of it."
    )


def _line_too_long(length: int, where: str, limits: ImportLimits, named: str) -> ImportFailed:
    return ImportFailed(
        f"{named} has a line of {length:,} characters{where}, more than the {limits.max_line_characters:,} "
        "characters a paragraph of a briefing could need: check it is the right file, or break the line into "
        "paragraphs."
    )


def _checked_lines(lines: list[_Line], limits: ImportLimits, named: str) -> None:
    """Refuse more lines, or longer ones, than a briefing has, before the per-line rules do any work."""
    if len(lines) > limits.max_lines:
        raise _too_many_lines(limits, named)
    for line in lines:
        if len(line.text) > limits.max_line_characters:
            where = f" (line {line.source_line})" if line.source_line else ""
            raise _line_too_long(len(line.text), where, limits, named)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size < 10 * 1024 * 1024 else f"{size // (1024 * 1024)} MB"


# --- source lines ----------------------------------------------------------------------------------------


@dataclass
class _Line:
    """One non-blank line of the source, whitespace-normalised, with what its document said about it."""

    text: str
    blank_before: bool = True  # a blank line (or the start of the text) comes before it
    blank_after: bool = True
    style: str | None = None  # from the document itself: "title", "heading", "bullet", "numbered"
    how: str = ""  # for a styled heading: which structure said so
    number: int | None = None  # a Word list's own number
    source_line: int | None = None  # the line's number in a text file, for messages


def _normalise(line: str) -> str:
    return " ".join(line.split())


_ATX_HEADING = re.compile(r"^#{1,6}\s+(\S.*)$")


def _text_lines(text: str) -> list[_Line]:
    raw = [_normalise(line) for line in text.splitlines()]
    lines: list[_Line] = []
    for index, line in enumerate(raw):
        if not line:
            continue
        entry = _Line(
            text=line,
            blank_before=index == 0 or not raw[index - 1],
            blank_after=index == len(raw) - 1 or not raw[index + 1],
            source_line=index + 1,
        )
        if match := _ATX_HEADING.match(line):
            # A Markdown heading ("## Background") is a heading whatever its words; the "#"s are markup.
            entry.text, entry.style, entry.how = match.group(1), "heading", HOW_MARKDOWN
        lines.append(entry)
    return lines


# A bullet is "- ", "* ", "+ ", "• " or one of the glyphs Word and PDFs use (U+F0B7 is Symbol-font's bullet).
_BULLET = re.compile(r"^[-*+•●▪◦‣·–\uf0b7\uf0a7]\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
_URL = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
# "Learning for Practice: ..." — a short label and a colon that starts a note on the item above.
_LABELLED = re.compile(r"^(?P<label>[^\s:][^:]{0,40}):\s+\S")
_SENTENCE_END = tuple(".!?;:,")


def _has_link(text: str) -> bool:
    return "](" in text or bool(_URL.search(text)) or bool(links_in(text))


def _heading_shaped(text: str) -> bool:
    """Short, not a sentence, no link: how an unlisted heading looks ("The Deal", "Local offer")."""
    words = text.split()
    return (
        0 < len(words) <= 8
        and len(text) <= 70
        and (text[0].isupper() or text[0].isdigit())
        and any(char.isalpha() for char in text)
        and not text.endswith(_SENTENCE_END)
        and ". " not in text
        and not _has_link(text)
    )


def _title_shaped(text: str) -> bool:
    """A line that can be a title: not a sentence, not too long, no link."""
    words = text.split()
    ends_as_sentence = text.endswith(tuple("!?;:,")) or (text.endswith(".") and not text.endswith(".."))
    return (
        0 < len(words) <= 20
        and len(text) <= 150
        and any(char.isalpha() for char in text)
        and not text[0].islower()
        and not ends_as_sentence
        and ". " not in text
        and not _has_link(text)
    )


# No phrase in the table is longer than this; longer lines are never looked up (nor parsed for links).
_LONGEST_TABLE_HEADING = 200


def _table_kind(text: str) -> str | None:
    if len(text) > _LONGEST_TABLE_HEADING or len(text.split()) > 12 or _has_link(text):
        return None
    return kind_of_heading(text)


# --- deciding what each line is --------------------------------------------------------------------------


@dataclass
class _Token:
    role: str  # "heading", "item", "note" or "paragraph"
    text: str  # what the briefing keeps: the line without its bullet or number
    source: str  # the whole line (with its number), used when a heading has to be kept as plain text
    kind: str = "other"
    how: str = ""
    number: int | None = None
    ordered: bool = False


def _classify(lines: list[_Line]) -> list[_Token]:
    tokens: list[_Token] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index > 0 else None
        following = lines[index + 1] if index + 1 < len(lines) else None
        last = tokens[-1] if tokens else None
        text = line.text

        if line.style in ("heading", "title"):
            tokens.append(_styled_heading(line))
            continue
        if line.style in ("bullet", "numbered"):
            tokens.append(_Token("item", text, text, number=line.number, ordered=line.style == "numbered"))
            continue
        if match := _BULLET.match(text):
            tokens.append(_Token("item", match.group(1), text))
            continue
        if match := _NUMBERED.match(text):
            number, rest = int(match.group(1)), match.group(2)
            continues_list = (
                last is not None and last.role == "item" and last.ordered and last.number == number - 1
            ) or (following is not None and _number_of(following) == number + 1)
            kind = _table_kind(rest)
            segment = not continues_list and (
                kind is not None
                or (line.blank_before and line.blank_after and _heading_shaped(rest) and following is not None)
            )
            if segment:
                tokens.append(_Token("heading", rest, text, kind=kind or "other", how=HOW_NUMBERED, number=number))
            else:
                tokens.append(_Token("item", rest, text, number=number, ordered=True))
            continue
        if (kind := _table_kind(text)) is not None:
            tokens.append(_Token("heading", text, text, kind=kind, how=HOW_PHRASE))
            continue
        if last is not None and last.role in ("item", "note") and not line.blank_before:
            tokens.append(_Token("note", text, text))
            continue
        if (
            line.blank_before
            and line.blank_after
            and _heading_shaped(text)
            and following is not None
            and not _could_be_heading(following)
            and not _in_run(text, previous, following)
        ):
            tokens.append(_Token("heading", text, text, how=HOW_UNRECOGNISED))
            continue
        tokens.append(_Token("paragraph", text, text))
    return tokens


def _styled_heading(line: _Line) -> _Token:
    text, number = line.text, None
    if match := _NUMBERED.match(text):
        number, text = int(match.group(1)), match.group(2)
    how = HOW_TITLE_STYLE if line.style == "title" else line.how
    return _Token("heading", text, line.text, kind=_table_kind(text) or "other", how=how, number=number)


def _number_of(line: _Line) -> int | None:
    if line.style == "numbered":
        return line.number
    match = _NUMBERED.match(line.text) if line.style is None else None
    return int(match.group(1)) if match else None


def _could_be_heading(line: _Line) -> bool:
    """Whether a line may itself be a heading; an unlisted heading must have content, not a heading, after it."""
    if line.style in ("heading", "title"):
        return True
    if line.style is not None or _BULLET.match(line.text):
        return False
    if match := _NUMBERED.match(line.text):
        return _table_kind(match.group(2)) is not None or _heading_shaped(match.group(2))
    return _table_kind(line.text) is not None or _heading_shaped(line.text)


def _opening_words(text: str) -> list[str]:
    return re.findall(r"\w+", plain_text(text).casefold())[:2]


def _in_run(text: str, previous: _Line | None, following: _Line | None) -> bool:
    """Whether a line is one of a run of similar lines ("Information about ..."), which are content."""
    words = _opening_words(text)
    if len(words) < 2:
        return False
    # A neighbour that is a sentence ("The Deal is our promise.") is the text under a heading, not a run.
    return any(
        neighbour is not None
        and neighbour.style is None
        and not neighbour.text.endswith((".", "!", "?"))
        and _opening_words(neighbour.text) == words
        for neighbour in (previous, following)
    )


# --- the title -------------------------------------------------------------------------------------------

# "Wigan Safeguarding Partnership 7 Minute Briefing – Child 1&2": publisher, the words, then the briefing's name.
_BRIEFING_WORDS = re.compile(r"\b(?:7|seven)[\s-]*minute[\s-]*briefings?\b", re.IGNORECASE)
_SEPARATOR_CHARS = " -–—:|,"
# Words that make the text before "7 Minute Briefing" an organisation rather than part of the title.
# ("Children" alone is not enough: "Children missing education 7 Minute Briefing" names a topic.)
_ORGANISATION_WORDS = {
    "safeguarding", "partnership", "partnerships", "partners", "board", "council", "trust", "nhs", "police",
    "borough", "county", "city", "committee", "authority", "lscp", "lscb", "scp", "sab", "lsab",
}


@dataclass
class _TitleLine:
    line: str  # the whole first line, as the source had it
    title: str  # the briefing's name taken from it
    publisher: str = ""


def _split_title_line(line: str) -> _TitleLine:
    split = _split_at_briefing_words(line)
    # "Child Safeguarding Practice Review: Baby C" or "Child E Serious Case Review": the name is the title.
    for pattern in REVIEW_TYPES.values():
        named = re.fullmatch(rf"(?:the\s+)?{pattern}\s*[-–—:|,]+\s*(.+)", split.title, re.IGNORECASE)
        named = named or re.fullmatch(rf"(.+?)(?:\s*[-–—:|,]+\s*|\s+){pattern}", split.title, re.IGNORECASE)
        name = named.group(1).strip(_SEPARATOR_CHARS) if named else ""
        if name and name.casefold() not in _NOT_A_NAME:
            split.title = name
            break
    return split


_NOT_A_NAME = {"a", "an", "the", "local", "our", "this", "national"}


def _split_at_briefing_words(line: str) -> _TitleLine:
    match = _BRIEFING_WORDS.search(line)
    if not match:
        return _TitleLine(line, line)
    before = line[: match.start()].strip(_SEPARATOR_CHARS)
    after = line[match.end() :].strip(_SEPARATOR_CHARS)
    is_organisation = bool({word.casefold().strip(".,'’") for word in before.split()} & _ORGANISATION_WORDS)
    if not after:  # "Neglect 7 Minute Briefing", or only the publisher's name before the words
        return _TitleLine(line, line, publisher=before) if is_organisation else _TitleLine(line, before or line)
    if not before:
        return _TitleLine(line, after)
    if is_organisation:
        return _TitleLine(line, after, publisher=before)
    return _TitleLine(line, line)


def _place_of(publisher: str) -> str:
    """'Wigan Safeguarding Partnership' -> 'Wigan': the words before the first organisation word."""
    words = []
    for word in publisher.split():
        if word.casefold().strip(".,'’") in _ORGANISATION_WORDS:
            break
        words.append(word)
    return " ".join(words)


def _take_title(tokens: list[_Token], title_given: bool) -> _Token | None:
    """The first token when it is the title line, else None. Removes it from `tokens`."""
    if not tokens or (title_given and len(tokens) == 1):
        return None  # with a title given, a lone line is the briefing's text, not a title line
    first = tokens[0]
    following = tokens[1] if len(tokens) > 1 else None
    if first.how == HOW_TITLE_STYLE:
        return tokens.pop(0)
    if first.role not in ("heading", "paragraph") or first.number is not None:
        return None
    if first.role == "heading" and first.kind != "other" and (following is None or following.role != "heading"):
        return None  # a real section heading ("Background") with its content under it
    if not _title_shaped(first.text):
        return None
    return tokens.pop(0)


# --- sections --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    section: Section
    how: str
    heading_source: str = ""
    has_content: bool = False
    gathering: bool = False  # an empty heading taking the headings after it as its sub-headings
    gathered: list[str] = field(default_factory=list)

    def takes_as_subheading(self, token: _Token) -> bool:
        if not self.section.heading or token.number is not None:
            return False
        if self.has_content and not self.gathering:
            return False
        return token.kind in (self.section.kind, "other")


def _build_sections(tokens: list[_Token], report: ImportReport) -> tuple[list[Section], dict[int, str]]:
    """Sections in the order the text gives them, and how each one's heading was recognised (by id())."""
    drafts: list[_Draft] = []
    for token in tokens:
        current = drafts[-1] if drafts else None
        if token.role == "heading":
            if current is not None and current.takes_as_subheading(token):
                current.section.blocks.append(Block("subheading", text=token.text, links=links_in(token.text)))
                current.gathering = True
                current.gathered.append(token.text)
                continue
            section = Section(kind=token.kind, heading=token.text, number=token.number)
            drafts.append(_Draft(section, token.how, heading_source=token.source))
            continue
        if current is None:
            current = _Draft(Section(kind="about", heading=""), HOW_PREAMBLE)
            drafts.append(current)
        _add_content(current.section, token)
        current.has_content = True

    for draft in drafts:
        if draft.gathered and draft.has_content:
            shown = ", ".join(f"'{text}'" for text in draft.gathered)
            report.checks.append(
                f"'{draft.section.heading}' had nothing under it but more headings: {shown} became its "
                "sub-headings; check they belong to it."
            )
    return _without_empty_sections(drafts, report)


def _add_content(section: Section, token: _Token) -> None:
    blocks = section.blocks
    if token.role == "note" and blocks and blocks[-1].type == "list" and blocks[-1].items:
        item = blocks[-1].items[-1]
        item.notes.append(token.text)
        item.note_links.append(links_in(token.text))
    elif token.role in ("item", "note"):
        item = Item(text=token.text, number=token.number, links=links_in(token.text))
        if blocks and blocks[-1].type == "list" and blocks[-1].ordered == token.ordered:
            blocks[-1].items.append(item)
        else:
            blocks.append(Block("list", items=[item], ordered=token.ordered))
    else:
        blocks.append(Block("paragraph", text=token.text, links=links_in(token.text)))


def _without_empty_sections(drafts: list[_Draft], report: ImportReport) -> tuple[list[Section], dict[int, str]]:
    """Keep a heading with nothing under it as text, so no section is empty and no line is lost.

    It becomes a sub-heading at the end of the section before it; at the very start it becomes a paragraph of
    the opening "about" section.
    """
    kept: list[_Draft] = []
    leading: list[str] = []
    for draft in drafts:
        if draft.has_content:
            kept.append(draft)
            continue
        texts = [draft.heading_source] + draft.gathered
        if kept:
            kept[-1].section.blocks.extend(Block("subheading", text=text, links=links_in(text)) for text in texts)
            where = f"a sub-heading at the end of '{kept[-1].section.label}'"
        else:
            leading.extend(texts)
            where = "a paragraph at the start"
        report.checks.append(f"The heading '{draft.heading_source}' had nothing under it; it was kept as {where}.")
    if leading:
        if kept and kept[0].how == HOW_PREAMBLE:
            preamble = kept[0].section
        else:
            preamble = Section(kind="about", heading="")
            kept.insert(0, _Draft(preamble, HOW_PREAMBLE, has_content=True))
        preamble.blocks[:0] = [Block("paragraph", text=text, links=links_in(text)) for text in leading]
    return [draft.section for draft in kept], {id(draft.section): draft.how for draft in kept}


def _in_numbered_order(sections: list[Section], report: ImportReport) -> list[Section]:
    """Put numbered segments (a clock-face briefing prints them out of order) in their numbered order.

    Sections before the first numbered segment stay first; the numbered segments follow in number order; the
    unnumbered sections that came among or after them ("How to use this briefing") go last, in their order.
    """
    numbers = [section.number for section in sections if section.number is not None]
    if len(numbers) < 2 or numbers == sorted(numbers):
        return sections
    first = next(index for index, section in enumerate(sections) if section.number is not None)
    leading = sections[:first]
    numbered = sorted((s for s in sections[first:] if s.number is not None), key=lambda s: s.number)
    trailing = [s for s in sections[first:] if s.number is None]
    arrived = ", ".join(str(number) for number in numbers)
    in_order = ", ".join(str(section.number) for section in numbered)
    message = (
        f"The numbered segments came in the order {arrived} (a clock-face layout reads out of order); they are "
        f"now in numbered order {in_order}."
    )
    if trailing:
        moved = ", ".join(f"'{section.label}'" for section in trailing)
        message += f" The unnumbered {moved} now come{'s' if len(trailing) == 1 else ''} after them."
    report.checks.append(message)
    return leading + numbered + trailing


# --- themes and review type ------------------------------------------------------------------------------

# theme -> words that suggest it. A theme is suggested when its words occur at least twice in the briefing.
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "neglect": ("neglect", "neglected", "neglectful"),
    "domestic abuse": ("domestic abuse", "domestic violence", "marac", "intimate partner violence"),
    "coercive control": ("coercive control", "coercion and control", "coercive behaviour", "controlling behaviour"),
    "criminal exploitation": (
        "criminal exploitation", "county lines", "cce", "criminal activity", "criminal behaviour", "criminality",
    ),
    "child sexual exploitation": ("sexual exploitation", "cse"),
    "emotional abuse": ("emotional abuse", "emotional harm", "emotionally abused"),
    "physical abuse": ("physical abuse", "physically abused", "physical harm"),
    "sexual abuse": ("sexual abuse", "sexually abused", "sexual assault", "sexual assaults"),
    "non-accidental injury": (
        "non-accidental injury", "non accidental injury", "nai", "significant injuries", "head injury", "bruising",
    ),
    "professional curiosity": ("professional curiosity", "professionally curious", "respectful uncertainty"),
    "information sharing": (
        "information sharing", "share information", "sharing information", "information was not shared",
        "consent to share",
    ),
    "disguised compliance": ("disguised compliance", "non-engagement", "resistant parent", "avoiding services"),
    "voice of the child": ("voice of the child", "child's voice", "children's voices", "lived experience"),
    "trauma": ("trauma", "traumatic", "adverse childhood experiences", "aces"),
    "mental health": ("mental health", "mental ill-health", "depression", "self-harm", "suicide"),
    "substance misuse": ("substance misuse", "drug use", "drug misuse", "alcohol", "substance use"),
    "school attendance": (
        "school attendance", "attended school", "attend school", "excluded from school", "exclusion",
        "missing education", "elective home education",
    ),
    "housing": ("housing", "rehoused", "re-housing", "homeless", "homelessness"),
    "missing from home": ("missing from home", "missing episodes", "went missing", "reported missing"),
    "management oversight": ("management oversight", "managerial oversight", "supervision"),
    "contextual safeguarding": ("contextual safeguarding", "risk outside the home", "risk from outside the home"),
    "cross-boundary moves": ("across local authority boundaries", "moving across", "moved across", "cross-border"),
    "safe sleep": ("safe sleep", "co-sleeping", "sudden unexpected death in infancy", "sudi"),
    "self-neglect": ("self-neglect", "self neglect", "hoarding"),
    "mental capacity": ("mental capacity", "capacity assessment", "capacity assessments", "unwise decisions"),
    "online safety": ("online safety", "online abuse", "social media"),
}
MAX_SUGGESTED_THEMES = 6

THEME_DOCS_START = "<!-- themes:start (generated from app/briefings/importer.py) -->"
THEME_DOCS_END = "<!-- themes:end -->"


def theme_table_markdown() -> str:
    rows = ["| theme | words that suggest it |", "|---|---|"]
    rows += [f"| {theme} | {', '.join(words)} |" for theme, words in THEME_KEYWORDS.items()]
    return "\n".join(rows)


def _theme_patterns() -> dict[str, re.Pattern[str]]:
    return {
        # Not after a hyphen, so "self-neglect" does not count as "neglect".
        theme: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in words) + r")\b", re.IGNORECASE)
        for theme, words in THEME_KEYWORDS.items()
    }


_THEME_PATTERNS = _theme_patterns()


def suggest_themes(text: str) -> list[str]:
    counts = {theme: len(pattern.findall(text)) for theme, pattern in _THEME_PATTERNS.items()}
    found = [theme for theme, count in counts.items() if count >= 2]
    found.sort(key=lambda theme: -counts[theme])  # stable: ties keep the table's order
    return found[:MAX_SUGGESTED_THEMES]


# The kinds of review a briefing comes from, as the front matter names them, and how texts write them.
REVIEW_TYPES: dict[str, str] = {
    "Local Child Safeguarding Practice Review": r"local child safeguarding practice review",
    "Child Safeguarding Practice Review": r"child safeguarding practice review",
    "Serious Case Review": r"serious case review",
    "Safeguarding Adults Review": r"safeguarding adults? review",
    "Domestic Homicide Review": r"domestic homicide review",
    "Domestic Abuse Related Death Review": r"domestic abuse related death review",
    "Multi-Agency Learning Review": r"multi-agency learning review",
    "Rapid Review": r"rapid review",
    "Learning Review": r"learning review",
}


def _review_type(text: str) -> str:
    """The first kind of review the text names; at the same place the longer, more specific name wins."""
    best: tuple[int, int, str] | None = None
    for review_type, pattern in REVIEW_TYPES.items():
        match = re.search(r"\b" + pattern + r"\b", text, re.IGNORECASE)
        if match and (best is None or (match.start(), -len(match.group())) < best[:2]):
            best = (match.start(), -len(match.group()), review_type)
    return best[2] if best else ""


# --- putting it together ---------------------------------------------------------------------------------

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _import_lines(
    lines: list[_Line],
    *,
    source_name: str,
    title: str | None,
    briefing_id: str | None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    named = f"'{source_name}'" if source_name else "The text"
    if not lines:
        raise ImportFailed(f"{named} has no text to import.")
    _checked_lines(lines, limits, named)
    title = _normalise(title) if title is not None else None
    if title is not None and not title:
        raise ImportFailed("The title given is empty: pass the briefing's title, e.g. --title \"Child A\".")
    if briefing_id is not None and not _ID_PATTERN.match(briefing_id):
        suggestion = slugify(briefing_id) or "child-a"
        raise ImportFailed(
            f"The id '{briefing_id}' must be lowercase letters, digits and hyphens, e.g. '{suggestion}'."
        )

    report = ImportReport()
    tokens = _classify(lines)
    if sum(token.role == "heading" for token in tokens) > limits.max_headings:
        raise ImportFailed(
            f"{named} has more than {limits.max_headings:,} headings, and a seven-minute briefing has about 15: "
            "check it is the right file; a text in which most lines read as headings cannot be imported."
        )
    title_token = _take_title(tokens, title_given=title is not None)
    if title_token is None and title is None:
        first = lines[0].text
        shown = first if len(first) <= 80 else first[:77] + "..."
        raise ImportFailed(
            f"{named} does not start with a title (its first line, '{shown}', is not title-shaped: it reads as a "
            "sentence, an item or a section heading): give the briefing's title, e.g. --title \"Child A\"."
        )
    if not tokens:
        raise ImportFailed(
            f"{named} has a title ('{title_token.text}') but no briefing text under it: check it is the whole "
            "briefing."
        )

    briefing = Briefing(id="", title="")
    if title_token is not None:
        title_line = _split_title_line(title_token.text)
        briefing.title = title if title is not None else title_line.title
        briefing.publisher = title_line.publisher
        if briefing.title != title_line.line:
            # The title line carries more than the title (the publisher, "7 Minute Briefing"); keep all of it.
            briefing.source = title_line.line
            report.checks.append(
                f"The first line '{title_line.line}' is kept in 'source'; the title is '{briefing.title}'."
            )
        elif title is None:
            where = "the document's Title style" if title_token.how == HOW_TITLE_STYLE else "the first line"
            report.checks.append(f"The title '{briefing.title}' was taken from {where}.")
        if title_line.publisher:
            report.checks.append(f"The publisher '{title_line.publisher}' was guessed from the first line.")
        if title is None and title_token.role == "heading" and title_token.kind != "other":
            report.checks.append(
                f"The title '{briefing.title}' reads like a section heading, not the briefing's name: give the "
                "real title (e.g. the child's name) with --title."
            )
    else:
        briefing.title = title or ""

    sections, hows = _build_sections(tokens, report)
    sections = _in_numbered_order(sections, report)
    briefing.sections = sections

    place, name = slugify(_place_of(briefing.publisher)), slugify(briefing.title)
    prefixed = f"{place}-{name}".strip("-") if place and not name.startswith(place) else name
    briefing.id = briefing_id or slugify(prefixed) or "briefing"
    if briefing_id is None and briefing.id == "briefing":
        report.checks.append("No id could be made from the title; it is 'briefing': pass one with --id.")

    all_text = " ".join(plain_text(text) for text in briefing.texts() + [briefing.source])
    briefing.themes = suggest_themes(all_text)
    if briefing.themes:
        report.checks.append(
            f"Themes suggested from the words used: {', '.join(briefing.themes)}. They are suggestions: keep the "
            "ones that fit, add any missing."
        )
    else:
        report.checks.append("No themes were suggested: add the briefing's themes by hand.")
    briefing.review_type = _review_type(all_text)
    if briefing.review_type:
        report.checks.append(f"The review type '{briefing.review_type}' was guessed from the text.")

    report.sections = [(s.kind, s.heading, hows.get(id(s), "")) for s in sections]
    report.unclassified_headings = [s.heading for s in sections if s.kind == "other" and s.heading]
    if any(hows.get(id(s)) == HOW_PREAMBLE for s in sections):
        report.checks.append(
            "The text before the first heading became an 'about' section without a heading: check it is a note "
            "on the briefing, not part of its story."
        )
    if not briefing.sections_of("reflection"):
        report.checks.append(_missing_reflection_check(sections))
    return ImportResult(briefing=briefing, report=report)


def _missing_reflection_check(sections: list[Section]) -> str:
    """What to say when no section holds questions for the team; they may sit in another section."""
    for section in sections:
        questions = [text for text in section.texts()[1 if section.heading else 0 :] if text.endswith("?")]
        if questions:
            return (
                f"No 'reflection' section was found, but '{section.label}' holds questions (such as "
                f"'{questions[0]}'): if they are for the team to discuss, give them a section of kind 'reflection'."
            )
    return (
        "No questions for the team were found (no 'reflection' section): consider adding the partnership's "
        "standard questions."
    )


# --- Word documents --------------------------------------------------------------------------------------


def _docx_package(path: Path, limits: ImportLimits) -> io.BytesIO:
    """The .docx rebuilt in memory from its parts as they really inflate, for python-docx to read.

    A zip's listing declares each part's size, and python-docx (through zipfile) would inflate a part in
    one go, up to a gigabyte at a time, whatever the listing says. So the listing is checked first (cheap
    refusals), then every part is inflated here in small chunks with a running count that stops at the limit,
    and python-docx only ever sees the counted bytes. Parts that are not XML (pictures, fonts, embedded
    files) are counted and then left out: nothing in the import needs their bytes.
    """
    name = path.name
    _check_zip_listing_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _broken_docx(name) from None
    with archive:
        members = archive.infolist()
        _check_declared_sizes(name, members, limits)
        rebuilt = io.BytesIO()
        total = xml_total = 0
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_STORED) as copy:
            for member in members:
                if member.flag_bits & 0x1:
                    raise ImportFailed(
                        f"'{name}' has encrypted parts: save an unprotected copy from Word and import that."
                    )
                if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    # bzip2 and LZMA streams are inflated a whole read at a time, past any running count.
                    raise ImportFailed(
                        f"'{name}' uses a compression Word never uses for its part '{member.filename}': save a "
                        "fresh copy from Word and import that."
                    )
                is_xml = _is_xml_part(member.filename)
                # The declared size is only what the zip claims: read past it, and count what comes.
                counted = copy_module.copy(member)
                counted.file_size = limits.max_docx_unpacked_bytes + _DOCX_CHUNK + 1
                inflated = 0
                try:
                    with archive.open(counted) as stream, copy.open(member.filename, "w") as kept:
                        while chunk := stream.read(_DOCX_CHUNK):
                            inflated += len(chunk)
                            total += len(chunk)
                            if is_xml:
                                xml_total += len(chunk)
                                if xml_total > limits.max_docx_xml_bytes:
                                    raise _inflates_too_far(name, member.filename, limits.max_docx_xml_bytes,
                                                            "of XML (counting the XML parts before it)")
                                kept.write(chunk)
                            if total > limits.max_docx_unpacked_bytes:
                                raise _inflates_too_far(name, member.filename, limits.max_docx_unpacked_bytes,
                                                        "(counting the parts before it)")
                except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError,
                        RuntimeError):
                    raise _broken_docx(name) from None
                if inflated != member.file_size:
                    raise ImportFailed(
                        f"'{name}' is damaged: its part '{member.filename}' is {inflated:,} bytes, not the "
                        f"{member.file_size:,} its zip listing declares. Save a fresh copy from Word, or copy the "
                        "text into a .txt file, and import that."
                    )
    rebuilt.seek(0)
    return rebuilt


_DOCX_CHUNK = 64 * 1024
_ZIP_END = b"PK\x05\x06"  # the end-of-central-directory record, at most 64 KB of comment from the end


def _is_xml_part(filename: str) -> bool:
    """The parts python-docx may parse; the others (pictures, fonts) are only counted."""
    return filename.lower().endswith((".xml", ".rels"))


def _broken_docx(name: str) -> ImportFailed:
    return ImportFailed(
        f"'{name}' is not a valid Word .docx file (its zip structure is broken): open it in Word and save it "
        "again as .docx, or copy its text into a .txt file."
    )


def _inflates_too_far(name: str, member: str, limit: int, what: str) -> ImportFailed:
    return ImportFailed(
        f"'{name}' cannot be imported: its part '{member}' inflates to more than {_megabytes(limit)} {what}, "
        "and a briefing is far smaller. It may be a 'zip bomb' (its zip listing understates the sizes): save a "
        "fresh copy from Word, or copy the text into a .txt file, and import that."
    )


def _check_zip_listing_size(path: Path, limits: ImportLimits) -> None:
    """Refuse a zip that lists more parts than a Word document has, from its last record, before zipfile
    builds an object for every entry of the listing (hundreds of thousands fit in 25 MB)."""
    name = path.name
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - (22 + 65535)))
            tail = handle.read()
    except OSError as error:
        raise ImportFailed(f"'{name}' cannot be read ({error.strerror or error}): check its permissions.") from None
    at = tail.rfind(_ZIP_END)
    if at < 0 or len(tail) - at < 22:
        raise _broken_docx(name)
    entries, listing_bytes = struct.unpack_from("<HI", tail, at + 10)
    if entries > limits.max_docx_parts or listing_bytes > limits.max_docx_parts * 1024:
        shown = f"{entries:,} parts" if entries != 0xFFFF else "over 65,000 parts"
        raise ImportFailed(
            f"'{name}' lists {shown} inside ({_megabytes(listing_bytes)} of listing), more than the "
            f"{limits.max_docx_parts:,} a Word document could have: it may be a 'zip bomb'. Save a fresh copy from "
            "Word and import that."
        )


def _check_declared_sizes(name: str, members: list[zipfile.ZipInfo], limits: ImportLimits) -> None:
    """Refuse a .docx whose zip says it would unpack to far more than a document needs (cheap, and a clearer
    message than stopping half-way); the real sizes are counted again as the parts inflate."""
    if len(members) > limits.max_docx_parts:
        raise ImportFailed(
            f"'{name}' has {len(members)} parts inside, more than the {limits.max_docx_parts:,} a Word document "
            "could have: it may be a 'zip bomb'. Save a fresh copy from Word and import that."
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_docx_unpacked_bytes:
        raise ImportFailed(
            f"'{name}' would unpack to {_megabytes(total)}, more than the {_megabytes(limits.max_docx_unpacked_bytes)}"
            " a briefing needs: it may be a 'zip bomb'. Save a fresh copy from Word, or copy the text into a .txt "
            "file, and import that."
        )
    xml_total = sum(member.file_size for member in members if _is_xml_part(member.filename))
    if xml_total > limits.max_docx_xml_bytes:
        raise ImportFailed(
            f"'{name}' has {_megabytes(xml_total)} of document XML, more than the "
            f"{_megabytes(limits.max_docx_xml_bytes)} a briefing needs: check it is the right file, or copy the "
            "text into a .txt file and import that."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_docx_compression_ratio:
            raise ImportFailed(
                f"'{name}' contains a part ('{member.filename}') compressed {int(ratio)} to 1, far more than a "
                "Word document: it may be a 'zip bomb'. Save a fresh copy from Word and import that."
            )
    names = [member.filename for member in members]
    if len(set(names)) != len(names):
        raise ImportFailed(
            f"'{name}' is damaged: its zip lists a part twice. Save a fresh copy from Word and import that."
        )
    if "word/document.xml" not in names:
        what = "an OpenDocument file: save it as .docx" if "mimetype" in names else "not a Word document"
        raise ImportFailed(f"'{name}' is a zip archive but {what}; import a .docx, .pdf or .txt file.")


def _docx_lines(path: Path, limits: ImportLimits) -> list[_Line]:
    package = _docx_package(path, limits)
    try:
        import docx  # python-docx; imported here so text and PDF imports do not pay for it
        from docx.oxml.ns import qn

        document = docx.Document(package)
        del package  # python-docx holds the parts it read; the rebuilt zip can go
        lines = _WordReader(document, qn).lines(limits, f"'{path.name}'")
    except ImportFailed:
        raise
    except Exception as error:  # python-docx raises many kinds (KeyError, XMLSyntaxError, ...) on broken files
        raise ImportFailed(
            f"'{path.name}' could not be read as a Word document ({type(error).__name__}): open it in Word and "
            "save it again as .docx, or copy its text into a .txt file."
        ) from None
    if not lines:
        raise ImportFailed(f"'{path.name}' has no text: check it is the right document.")
    return lines


class _WordReader:
    """Paragraphs of a Word document in reading order (body, tables, text boxes) as source lines."""

    _HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)

    def __init__(self, document, qn):
        self.document = document
        self.qn = qn
        self.style_names = {style.style_id: (style.name or "") for style in document.styles}
        self.style_numbering = self._style_numbering()
        self.formats = self._numbering_formats()
        self.counters: dict[str, dict[str, int]] = {}  # numId -> level -> items counted so far

    def lines(self, limits: ImportLimits = DEFAULT_LIMITS, named: str = "The document") -> list[_Line]:
        """The document's lines; stops at the first limit passed (characters, lines, paragraph length)."""
        qn = self.qn
        fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
        lines: list[_Line] = []
        characters = 0
        body = self.document.element.body
        for paragraph in body.iter(qn("w:p")):
            text = _normalise(self._text_of(paragraph))
            if not text:
                continue
            # Word stores each text box twice (DrawingML and an old VML copy under mc:Fallback); read it once.
            if any(ancestor.tag == fallback for ancestor in paragraph.iterancestors()):
                continue
            if len(text) > limits.max_line_characters:
                raise _line_too_long(len(text), f" (paragraph {len(lines) + 1})", limits, named)
            characters += len(text) + 1
            _check_characters(characters, limits, named)
            if len(lines) == limits.max_lines:
                raise _too_many_lines(limits, named)
            line = _Line(text=text)
            self._apply_style(paragraph, line)
            lines.append(line)
        # A plain paragraph right under a list item that starts with a label ("Learning for Practice: ...") is a
        # note on that item; every other paragraph stands on its own, as if blank lines separated them.
        for previous, line in zip(lines, lines[1:]):
            if previous.style in ("bullet", "numbered") and line.style is None and _is_labelled_note(line.text):
                previous.blank_after = line.blank_before = False
        return lines

    def _apply_style(self, paragraph, line: _Line) -> None:
        qn = self.qn
        properties = paragraph.find(qn("w:pPr"))
        style_id = ""
        numbering = None
        outline_level = None
        if properties is not None:
            style = properties.find(qn("w:pStyle"))
            style_id = style.get(qn("w:val")) if style is not None else ""
            numbering = properties.find(qn("w:numPr"))
            level = properties.find(qn("w:outlineLvl"))
            if level is not None and (level.get(qn("w:val")) or "9").isdigit():
                outline_level = int(level.get(qn("w:val")))
        name = self.style_names.get(style_id, style_id)
        if name.casefold() == "title" or style_id.casefold() == "title":
            line.style, line.how = "title", HOW_TITLE_STYLE
            return
        if self._HEADING_STYLE.match(name) or self._HEADING_STYLE.match(style_id) or (
            outline_level is not None and outline_level < 9
        ):
            line.style, line.how = "heading", HOW_STYLE
            return
        if numbering is None:
            numbering = self.style_numbering.get(style_id)
        if numbering is not None:
            num_id = self._value(numbering, "w:numId") or "0"
            level_id = self._value(numbering, "w:ilvl") or "0"
            if num_id != "0":
                self._list_item(line, num_id, level_id)
                return
        lowered = name.casefold()
        if lowered.startswith("list number"):
            self._list_item(line, "style:" + lowered, "0", default_format="decimal")
        elif lowered.startswith(("list bullet", "list paragraph")):
            line.style = "bullet"

    def _list_item(self, line: _Line, num_id: str, level_id: str, default_format: str = "bullet") -> None:
        number_format, start = self._list_format(num_id, level_id, default_format)
        if number_format in ("bullet", "none", ""):
            line.style = "bullet"
            return
        # Word numbers a list by counting its items; deeper levels restart when a shallower item comes.
        counters = self.counters.setdefault(num_id, {})
        counters[level_id] = counters.get(level_id, start - 1) + 1
        for deeper in [level for level in counters if level > level_id]:
            del counters[deeper]
        line.style, line.number = "numbered", counters[level_id]

    def _list_format(self, num_id: str, level_id: str, default_format: str) -> tuple[str, int]:
        abstract_levels, num_abstract = self.formats
        if num_id not in num_abstract:
            return default_format, 1
        levels = abstract_levels.get(num_abstract[num_id], {})
        return levels.get(level_id, (default_format, 1))

    def _value(self, element, tag: str) -> str | None:
        child = element.find(self.qn(tag))
        return child.get(self.qn("w:val")) if child is not None else None

    def _style_numbering(self) -> dict:
        qn = self.qn
        found = {}
        for style in self.document.styles.element.findall(qn("w:style")):
            properties = style.find(qn("w:pPr"))
            numbering = properties.find(qn("w:numPr")) if properties is not None else None
            if numbering is not None:
                found[style.get(qn("w:styleId"))] = numbering
        return found

    def _numbering_formats(self) -> tuple[dict[str | None, dict], dict[str | None, str | None]]:
        """Each abstract list's levels (format, start) and the abstract list each numId uses.

        Kept as two lookups rather than one table per (numId, level): matching every numId against every
        level made a hostile numbering.xml take time (and memory) that grew with the product of the two."""
        qn = self.qn
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}, {}
        levels: dict[str | None, dict[str | None, tuple[str, int]]] = {}
        for abstract in numbering.findall(qn("w:abstractNum")):
            abstract_levels = levels.setdefault(abstract.get(qn("w:abstractNumId")), {})
            for level in abstract.findall(qn("w:lvl")):
                number_format = self._value(level, "w:numFmt") or "bullet"
                start = self._value(level, "w:start") or "1"
                abstract_levels[level.get(qn("w:ilvl"))] = (
                    number_format,
                    int(start) if start.isascii() and start.isdigit() and len(start) < 10 else 1,
                )
        num_abstract = {
            num.get(qn("w:numId")): self._value(num, "w:abstractNumId")
            for num in numbering.findall(qn("w:num"))
        }
        return levels, num_abstract

    def _text_of(self, paragraph) -> str:
        """The paragraph's own text, with hyperlinks written as Markdown links; text boxes inside are skipped."""
        qn = self.qn
        parts: list[str] = []

        def walk(element) -> None:
            for child in element:
                tag = child.tag
                if tag == qn("w:r"):
                    parts.append(self._run_text(child))
                elif tag == qn("w:hyperlink"):
                    inner: list[str] = []
                    for run in child.iter(qn("w:r")):
                        inner.append(self._run_text(run))
                    words = "".join(inner)
                    address = self._hyperlink_address(child)
                    if address and words.strip():
                        label = words.replace("[", "\\[").replace("]", "\\]")
                        parts.append(f"[{label}]({address.replace(' ', '%20').replace(')', '%29')})")
                    else:
                        parts.append(words)
                elif tag in (qn("w:ins"), qn("w:smartTag"), qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"),
                             qn("w:fldSimple")):
                    walk(child)
                # w:del (deleted tracked changes) and w:pPr hold no visible text.

        walk(paragraph)
        return "".join(parts)

    def _run_text(self, run) -> str:
        qn = self.qn
        out = []
        for child in run:
            if child.tag == qn("w:t"):
                out.append(child.text or "")
            elif child.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                out.append(" ")
            elif child.tag == qn("w:noBreakHyphen"):
                out.append("-")
        return "".join(out)

    def _hyperlink_address(self, hyperlink) -> str:
        qn = self.qn
        relationship = hyperlink.get(qn("r:id"))
        address = ""
        if relationship:
            try:
                address = self.document.part.rels[relationship].target_ref
            except KeyError:
                address = ""
        anchor = hyperlink.get(qn("w:anchor"))
        if anchor:
            address += "#" + anchor
        return address


def _is_labelled_note(text: str) -> bool:
    match = _LABELLED.match(text)
    return bool(match) and len(match.group("label").split()) <= 5 and _table_kind(text) is None


# --- PDFs ------------------------------------------------------------------------------------------------


def _pdf_text(path: Path, limits: ImportLimits) -> tuple[list[str], list[str]]:
    """The text of each page and the outline titles, read in a child process that is killed if it is too slow."""
    name = path.name
    context = _process_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_pdf_worker,
        args=(str(path), limits.max_pdf_pages, limits.pdf_memory_bytes, limits.max_characters, sender),
        daemon=True,
    )
    try:
        process.start()
    except OSError as error:
        raise ImportFailed(
            f"'{name}' could not be read: the PDF reader could not be started ({error.strerror or error}). Try "
            "again, or copy the PDF's text into a .txt file and import that."
        ) from None
    finally:
        sender.close()
    try:
        if not receiver.poll(limits.pdf_seconds):
            raise ImportFailed(
                f"Reading '{name}' took longer than {limits.pdf_seconds:g} seconds, so it was stopped: the PDF may "
                "be damaged or built to loop. Save a fresh copy (Print to PDF) or copy its text into a .txt file."
            )
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            outcome = None  # the child ended without an answer: killed for memory, or crashed in the parser
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if outcome is None:
        outcome = ("error", "broken", f"the PDF reader stopped unexpectedly, exit code {process.exitcode}")

    status = outcome[0]
    if status == "ok":
        pages, outline = outcome[1], outcome[2]
        if sum(len(page.strip()) for page in pages) < 20:
            raise ImportFailed(
                f"'{name}' has no text that can be extracted: it is probably a scanned image. Ask the publisher "
                "for a text-based PDF or the Word document, or type the text into a .txt file."
            )
        return pages, outline
    problem, detail = outcome[1], outcome[2]
    if problem == "encrypted":
        raise ImportFailed(
            f"'{name}' is password-protected (encrypted): save an unprotected copy, or copy its text into a .txt "
            "file, and import that."
        )
    if problem == "characters":
        _check_characters(int(detail), limits, f"'{name}'")
    if problem == "pages":
        raise ImportFailed(
            f"'{name}' has {detail} pages, more than the {limits.max_pdf_pages} a briefing could need: check it "
            "is the right file."
        )
    explained = f" ({detail})" if detail else ""
    raise ImportFailed(
        f"'{name}' could not be read: the PDF is broken{explained}. Save a fresh copy (Print to PDF) or copy "
        "its text into a .txt file, and import that."
    )


def _process_context():
    # fork starts fast, but forking a process that runs other threads (a web server) can deadlock the child.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _pdf_worker(path: str, max_pages: int, memory_bytes: int, max_characters: int, connection) -> None:
    """Runs in the child process: read the PDF and send ("ok", pages, outline) or ("error", problem, detail)."""
    try:
        _limit_memory(memory_bytes)
        import logging

        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        from pypdf import PdfReader

        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" only against editing, with no password
            except Exception:
                opened = 0
            if not opened:
                connection.send(("error", "encrypted", ""))
                return
        count = len(reader.pages)
        if count > max_pages:
            connection.send(("error", "pages", str(count)))
            return
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            if characters > max_characters:
                # Stop at once: the text past the limit would only be refused, after a costly trip through the pipe.
                connection.send(("error", "characters", str(characters)))
                return
        connection.send(("ok", pages, _outline_titles(reader)))
    except RecursionError:
        connection.send(("error", "broken", "its structure refers to itself"))
    except MemoryError:
        connection.send(("error", "broken", "reading it needed too much memory"))
    except Exception as error:
        detail = str(error).splitlines()[0][:120].rstrip(".") if str(error).strip() else type(error).__name__
        connection.send(("error", "broken", detail))
    finally:
        connection.close()


def _limit_memory(extra_bytes: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = in_use + extra_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: the time limit still applies


def _outline_titles(reader, limit: int = 500) -> list[str]:
    titles: list[str] = []
    try:
        stack = [iter(reader.outline)]
        while stack and len(titles) < limit:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
            elif isinstance(entry, list):
                if len(stack) < 10:
                    stack.append(iter(entry))
            else:
                title = getattr(entry, "title", None)
                if isinstance(title, str) and title.strip():
                    titles.append(_normalise(title))
    except Exception:
        return titles  # a broken outline is no reason to refuse the text
    return titles


def _pdf_lines(pages: list[str], outline: list[str], limits: ImportLimits = DEFAULT_LIMITS) -> list[_Line]:
    """Source lines from PDF text: wrapped lines joined back, each paragraph standing alone.

    PDF text has a line break wherever a printed line ended and rarely a blank line between paragraphs. A line
    continues the one before when it starts in lower case, or when the line before ran to the full width of the
    page's text and has no closing punctuation; an address that ran to the full width continues without a space.
    Bullets, numbered lines and headings always start a new line, and a bullet glyph printed alone on a line joins
    the text after it. A paragraph that reaches the longest line allowed carries on as a new one.

    The line being joined is kept as a list of pieces and only looked at again while it is short enough to be a
    heading: rebuilding and re-reading it after every join made a long paragraph cost quadratic time (20,000
    printed lines of one paragraph took three minutes).
    """
    outline_keys = frozenset(key for title in outline if (key := _outline_key(title)) is not None)
    logical: list[list[str]] = []  # each logical line as the pieces it was joined from
    length = 0  # of the last logical line
    previous_line = ""  # the last printed line, as opposed to the joined-up logical line
    for page in pages:
        physical = [line for line in map(_normalise, page.splitlines()) if line]
        full_width = _full_width(physical)
        for line in physical:
            # The last logical line as text, only while it could still be a heading (or a lone bullet glyph).
            previous = "".join(logical[-1]) if logical and length <= _LONGEST_TABLE_HEADING else None
            fits = length + 1 + len(line) <= limits.max_line_characters
            if previous is not None and len(previous) == 1 and _BULLET.match(previous + " x"):
                logical[-1].append(" " + line)
                length += 1 + len(line)
            elif logical and fits and (
                joint := _joint(previous, previous_line, line, full_width, outline_keys)
            ) is not None:
                logical[-1].append(joint + line)
                length += len(joint) + len(line)
            else:
                logical.append([line])
                length = len(line)
            previous_line = line
    lines = [_Line(text="".join(pieces)) for pieces in logical]
    for line in lines:
        if _outline_key(line.text) in outline_keys:
            line.style, line.how = "heading", HOW_OUTLINE
    for previous, line in zip(lines, lines[1:]):
        if _is_list_line(previous.text) and line.style is None and _is_labelled_note(line.text):
            previous.blank_after = line.blank_before = False
    return lines


def _outline_key(text: str) -> str | None:
    """The lookup form of a line that could be an outline heading; None for a line too long to be one (the
    lookup form strips trailing words one at a time, so it is kept to short lines)."""
    from .heading_phrases import heading_key

    return heading_key(text) if len(text) <= _LONGEST_TABLE_HEADING else None


def _full_width(lines: list[str]) -> int:
    """How many characters a full printed line of the page holds: the longest lines, ignoring the odd outlier."""
    if not lines:
        return 0
    lengths = sorted(len(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))]


def _is_list_line(text: str) -> bool:
    return bool(_BULLET.match(text) or _NUMBERED.match(text))


def _joint(
    previous: str | None, previous_line: str, line: str, full_width: int, outline_keys: frozenset[str]
) -> str | None:
    """How `line` joins the logical line before it: " " (a wrapped line), "" (a wrapped address), or None.

    `previous` is the logical line so far, or None when it is too long to be a heading."""
    if _is_list_line(line) or _table_kind(line) is not None or _outline_key(line) in outline_keys:
        return None
    if previous is not None:
        if _table_kind(previous) is not None or _outline_key(previous) in outline_keys:
            return None
        if (numbered := _NUMBERED.match(previous)) and _table_kind(numbered.group(2)) is not None:
            return None
    ran_to_full_width = len(previous_line) >= 0.85 * full_width
    if _URL.search(previous_line.split()[-1]):
        # An address broken across lines continues without a space; after a whole address, a new line starts.
        return "" if ran_to_full_width and " " not in line and not _URL.match(line) else None
    if _URL.match(line):
        return None
    if line[0].islower():
        return " "
    return " " if ran_to_full_width and not previous_line.endswith(tuple(".!?:;")) else None
