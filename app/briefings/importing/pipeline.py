"""Putting it together: a source (a file, an upload's bytes or pasted text) becomes a Briefing and a report."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..markup import plain_text
from ..model import Briefing
from .blocks import SourceLine, Token, classify, normalise
from .docx_reader import docx_lines
from .html_reader import html_lines
from .limits import DEFAULT_LIMITS, ImportLimits, checked_lines, checked_text, megabytes
from .pdf_reader import pdf_lines, pdf_text, with_segment_numbers_apart
from .report import (
    HOW_FIRST_LINE,
    HOW_HTML,
    HOW_PREAMBLE,
    HOW_TITLE_LINE,
    HOW_TITLE_STYLE,
    ImportFailed,
    ImportReport,
    ImportResult,
    SetAside,
)
from .furniture import generic_title, iso_date, names_a_case, set_aside_furniture
from .sections import (
    build_sections,
    in_numbered_order,
    kinds_from_content,
    missing_reflection_check,
    trailing_links,
)
from .text_reader import decode_text, text_lines
from .meaning import case_only_kinds
from .themes import suggest_themes
from .titles import BRIEFING_MENTION, REVIEW_TYPES, place_of, review_type_of, slugify, split_title_line, take_title



def import_text(
    text: str,
    *,
    source_name: str = "",
    title: str | None = None,
    briefing_id: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import the plain text of a briefing (pasted, as in the seeds, or Markdown-ish text)."""
    text = checked_text(text, limits, source_name)
    return _import_lines(
        text_lines(text),
        source_lines=text.splitlines(),
        source_name=source_name,
        title=title,
        briefing_id=briefing_id,
        limits=limits,
    )


def import_file(
    path: str | os.PathLike,
    *,
    title: str | None = None,
    briefing_id: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import a .txt/.md (or any UTF-8 text), .docx, .pdf or .html file; the format is told by its first bytes."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFailed(f"'{name}' is not a file: give the path of a .txt, .docx, .pdf or .html file.")
        with path.open("rb") as handle:
            head = handle.read(1024)
            kind = _format_of(head, path.suffix.lower(), name) if size else "text"
            # Read one byte past the limit, so that a file past it is refused without reading all of it.
            limit = limits.max_text_bytes if kind in ("text", "html") else limits.max_file_bytes
            handle.seek(0)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ImportFailed(f"There is no file '{path}': check the path.") from None
    except IsADirectoryError:
        raise ImportFailed(f"'{name}' is not a file: give the path of a .txt, .docx, .pdf or .html file.") from None
    except OSError as error:
        raise ImportFailed(f"'{name}' cannot be read ({error.strerror or error}): check its permissions.") from None
    return _import_data(data, name, title=title, briefing_id=briefing_id, limits=limits, size=size)


def import_bytes(
    data: bytes, filename: str, *, title: str | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> ImportResult:
    """Import an upload: the file's bytes and the name it had; the format is told by its first bytes and suffix."""
    # A browser may send the whole path the file had on a Windows machine; only its name is of use.
    name = re.split(r"[\\/]", filename or "")[-1].strip() or "upload"
    return _import_data(data, name, title=title, briefing_id=None, limits=limits, size=len(data))


def _import_data(
    data: bytes, name: str, *, title: str | None, briefing_id: str | None, limits: ImportLimits, size: int
) -> ImportResult:
    if size == 0:
        raise ImportFailed(f"'{name}' is empty: there is no text to import.")
    kind = _format_of(data[:1024], Path(name).suffix.lower(), name)
    common = {"source_name": name, "title": title, "briefing_id": briefing_id, "limits": limits}
    if kind in ("text", "html"):
        if size > limits.max_text_bytes:
            raise ImportFailed(
                f"'{name}' is larger than {megabytes(limits.max_text_bytes)} of text, far more than a briefing: "
                "check it is the right file."
            )
        text = _decoded_page(data, name) if kind == "html" else decode_text(data, name)
        if kind == "html":
            page = html_lines(text, name, limits)
            return _import_lines(
                page.lines,
                source_lines=page.source_lines,
                set_aside=page.set_aside,
                publisher=page.publisher,
                date=page.date,
                **common,
            )
        text = checked_text(text, limits, name)
        return _import_lines(text_lines(text), source_lines=text.splitlines(), **common)
    if size > limits.max_file_bytes:
        raise ImportFailed(
            f"'{name}' is {megabytes(size)}, more than the {megabytes(limits.max_file_bytes)} a briefing "
            "needs: check it is the right file, or copy its text into a .txt file and import that."
        )
    if kind == "docx":
        lines = docx_lines(data, name, limits)
        return _import_lines(lines, source_lines=[line.text for line in lines], **common)
    pages, outline = pdf_text(data, name, limits)
    lines = with_segment_numbers_apart(pdf_lines(pages, outline, limits))
    result = _import_lines(lines, source_lines=[line.text for line in lines], **common)
    result.report.check(
        "The text was extracted from a PDF: check that lines were joined into the right paragraphs, and remove "
        "page numbers or repeated page headers that came through as paragraphs."
    )
    return result


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _decoded_page(data: bytes, name: str) -> str:
    """A saved web page's text: UTF-8, or the character set its <meta> names (older pages: windows-1252)."""
    try:
        return decode_text(data, name)
    except ImportFailed:
        declared = _META_CHARSET.search(data[:4096])
        try:
            return data.decode(declared.group(1).decode("ascii") if declared else "windows-1252")
        except (LookupError, UnicodeDecodeError):
            raise ImportFailed(
                f"'{name}' is not UTF-8 text and names no character set it can be read in: save the page again "
                "from the browser (Save as: web page, HTML only) and import that."
            ) from None


# --- reading the source ----------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .doc (and .xls, .ppt)
# A saved web page: a doctype or <html> first (after a byte order mark, blank space or comments).
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)


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
    if suffix in (".html", ".htm", ".xhtml") or _HTML_START.match(head):
        return "html"
    if head.lstrip().startswith(b"{\\rtf"):
        raise ImportFailed(f"'{name}' is an RTF file: save it as .docx or as plain text (.txt), then import that.")
    return "text"



# --- putting it together ---------------------------------------------------------------------------------

def _stand_in_title(source_name: str) -> str:
    """A title until a person gives one: the file's name as words ("gwent-what-is-a-review.txt" -> "Gwent what is
    a review"), or "Untitled briefing" for pasted text or a name with no letters."""
    stem = Path(source_name).stem if "." in source_name else ""
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return words[:1].upper() + words[1:] if any(c.isalpha() for c in words) else "Untitled briefing"


# Import messages are read in the browser (the Title box on "Add a briefing") and at the terminal (--title).
GIVE_TITLE = 'in the Title box, or with --title "Child A" at the command line'
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _import_lines(
    lines: list[SourceLine],
    *,
    source_lines: list[str],
    set_aside: list[SetAside] | None = None,
    publisher: str = "",
    date: str = "",
    source_name: str,
    title: str | None,
    briefing_id: str | None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportResult:
    named = f"'{source_name}'" if source_name else "The text"
    if not lines:
        raise ImportFailed(f"{named} has no text to import.")
    checked_lines(lines, limits, named)
    title = normalise(title) if title is not None else None
    if title is not None and not title:
        raise ImportFailed(f"The title given is empty: give the briefing's title ({GIVE_TITLE}).")
    if briefing_id is not None and not _ID_PATTERN.match(briefing_id):
        suggestion = slugify(briefing_id) or "child-a"
        raise ImportFailed(
            f"The id '{briefing_id}' must be lowercase letters, digits and hyphens, e.g. '{suggestion}'."
        )
    for number, line in enumerate(lines, start=1):
        if line.source_line is None:
            line.source_line = number

    report = ImportReport(source_lines=list(source_lines), set_aside=list(set_aside or []))
    cleaned = set_aside_furniture(lines, title_given=title is not None)
    lines = cleaned.lines
    if cleaned.title_index is not None and lines[cleaned.title_index].style in (None, "heading"):
        title_line = lines[cleaned.title_index]
        after_furniture = any(entry.line < (title_line.source_line or 0) for entry in cleaned.set_aside)
        title_line.style, title_line.how = "title", HOW_TITLE_LINE if after_furniture else HOW_FIRST_LINE
    report.set_aside.extend(cleaned.set_aside)
    report.set_aside.sort(key=lambda entry: entry.line)
    tokens = classify(lines)
    if sum(token.role == "heading" for token in tokens) > limits.max_headings:
        raise ImportFailed(
            f"{named} has more than {limits.max_headings:,} headings, and a seven-minute briefing has about 15: "
            "check it is the right file; a text in which most lines read as headings cannot be imported."
        )
    title_token = take_title(tokens, title_given=title is not None)
    untitled = title_token is None and title is None
    if untitled:
        # Refusing would lose the whole import over one line: the briefing comes in under a stand-in title made
        # from the file's name, and the report says so where the title is edited.
        first = lines[0].text if lines else ""
        shown = first if len(first) <= 80 else first[:77] + "..."
        title = _stand_in_title(source_name)
        report.check(
            f"{named} does not start with a title (its first line, '{shown}', is not title-shaped: it reads as a "
            f"sentence, an item or a section heading), so it is called '{title}' for now: give the briefing's "
            f"title ({GIVE_TITLE}).",
            field="title",
        )
    if not tokens and title_token is None:
        raise ImportFailed(f"{named} has no briefing text: check it is the whole briefing.")
    if not tokens:
        raise ImportFailed(
            f"{named} has a title ('{title_token.text}') but no briefing text under it: check it is the whole "
            "briefing."
        )

    briefing = Briefing(id="", title="")
    if title_token is not None:
        _fill_in_title(briefing, report, title_token, title)
    else:
        briefing.title = title or ""
    if cleaned.subtitle and briefing.source:
        tokens.insert(0, Token("paragraph", cleaned.subtitle, cleaned.subtitle))  # 'source' holds the title line
    elif cleaned.subtitle:
        # "A local child safeguarding practice review" under the title: it qualifies the title, it is not a section.
        briefing.source = cleaned.subtitle
        report.check(
            f"The line '{cleaned.subtitle}' under the title was taken as its subtitle and kept in 'source'.",
            field="title",
        )
    if publisher and not briefing.publisher:
        briefing.publisher = publisher
        report.check(f"The publisher '{publisher}' was taken from the page's details.", field="publisher")
    if cleaned.publisher and not briefing.publisher:
        briefing.publisher = cleaned.publisher
        report.check(f"The publisher '{cleaned.publisher}' was taken from the masthead or a 'Source:' line.",
                     field="publisher")
    for found, where in ((date, "the page's details"), (cleaned.date, "a date line")):
        if found and not briefing.date:
            briefing.date = found
            report.check(f"The date {found} was taken from {where}: check it is the publication date.", field="date")

    built = build_sections(tokens, report)
    links_section = trailing_links(built)
    all_text = " ".join(plain_text(text) for text in [*briefing.texts(), briefing.source] + [
        text for section in built.sections for text in section.texts()
    ])
    briefing.review_type = review_type_of(all_text)
    listed = [section for section in built.sections if section.heading and _names_a_review(section.heading)]
    listing = len(listed) >= 3 and len({section.heading for section in listed}) == len(listed)
    linked = [
        block.text for section in built.sections for block in section.blocks
        if block.type == "paragraph" and (link := _WHOLE_LINK.match(block.text)) and _names_a_review(link.group(1))
    ]
    listing_by_links = len(set(linked)) >= 3  # "[Child D](…)", "[Baby G](…)": headlines that are links
    # A page listing several reviews with their summaries is about reviews in general: none of its learning or
    # actions is the briefing's own.
    # What a page only links to ("Adult M executive summary", "DHR Lessons Learnt 2018") names other documents,
    # not this page's own case.
    own_text = " ".join(plain_text(text) for text in [*briefing.texts(), briefing.source] + [
        text for section in built.sections
        if section.kind != "resources" and (links_section is None or section is not links_section[0])
        for text in section.texts()
    ])
    thematic = listing or listing_by_links or is_thematic(own_text, briefing.title)
    if listing:
        _labels_stay_in_their_summary(built)
    guesses = kinds_from_content(built, thematic=thematic, title=briefing.title)
    if listing or listing_by_links:
        for index, section in enumerate(built.sections):
            how = built.hows.get(id(section), "")
            guessed = "content cue" in how and section.kind in case_only_kinds()
            if (section in listed or guessed) and "phrase table" not in how and section.kind != "background":
                section.kind = "background"
                built.hows[id(section)] = f"{how}, a review's summary on a page listing reviews"
                guesses.append((index, f"'{section.label}' is one of the reviews this page lists: its summary was "
                                       "made 'background' (what happened), not learning or actions; check it."))
    hows = built.hows
    starts = {index: built.lines.get(id(section)) for index, section in enumerate(built.sections)}
    sections = in_numbered_order(built.sections, report)
    briefing.sections = sections
    position = {id(section): index for index, section in enumerate(sections)}
    for index, message in guesses:
        report.check(message, section=position[id(built.sections[index])], field="kind")
    if links_section is not None:
        report.check(links_section[1], section=position[id(links_section[0])], field="kind")
    _place_set_aside(report, sections, {id(built.sections[i]): line for i, line in starts.items()})

    briefing.id = briefing_id or _id_for(briefing, report, title_given=title is not None, source_name=source_name)
    if briefing_id is None and briefing.id == "briefing":
        report.check("No id could be made from the title; it is 'briefing': pass one with --id.", field="id")

    briefing.themes = suggest_themes(all_text)
    if briefing.themes:
        report.check(
            f"Themes suggested from the words used: {', '.join(briefing.themes)}. They are suggestions: keep the "
            "ones that fit, add any missing.",
            field="themes",
        )
    else:
        report.check("No themes were suggested: add the briefing's themes by hand.", field="themes")
    if briefing.review_type:
        report.check(f"The review type '{briefing.review_type}' was guessed from the text.", field="review_type")

    report.sections = [(s.kind, s.heading, hows.get(id(s), "")) for s in sections]
    report.unclassified_headings = [s.heading for s in sections if s.kind == "other" and s.heading]
    for index, section in enumerate(sections):
        if hows.get(id(section)) == HOW_PREAMBLE and section.kind == "about":
            report.check(
                "The text before the first heading became an 'about' section without a heading: check it is a "
                "note on the briefing, not part of its story.",
                section=index,
                field="kind",
            )
    if report.set_aside:
        reasons = sorted({entry.reason for entry in report.set_aside})
        report.check(
            f"{len(report.set_aside)} line(s) of the source were set aside as not part of the briefing "
            f"({', '.join(reasons)}): check none of them belongs in it; any can be put back."
        )
    if not briefing.sections_of("reflection"):
        message, index = missing_reflection_check(sections)
        report.check(message, section=index, field="kind" if index is not None else "")
    return ImportResult(briefing=briefing, report=report)


# File names that say nothing about the briefing (a browser's download, an upload without a name).
_BLAND_FILE_NAMES = re.compile(r"^(?:upload|download|index|page|file|document|briefing|untitled|text)?[-\d\s()]*$")


def _id_for(briefing: Briefing, report: ImportReport, *, title_given: bool, source_name: str) -> str:
    """An id from the publisher (its place, else its name) and the title: two partnerships' "7 minute briefings"
    pages, or two of one publisher's briefings, do not share one. A generic title with no publisher takes the
    date or the file's name. The library makes the id unique in the end (library_store.unique_id)."""
    name = slugify(briefing.title)
    publisher = slugify(place_of(briefing.publisher)) or slugify(briefing.publisher)
    if publisher and not name.startswith(publisher):
        return slugify(f"{publisher}-{name}") or "briefing"
    if publisher:
        return name
    if not title_given and BRIEFING_MENTION.search(briefing.source) and len(name.split("-")) <= 2:
        # No publisher to tell two "Cuckooing" briefings apart: the whole title line ("7 minute briefing:
        # Cuckooing") says more.
        return slugify(briefing.source) or name or "briefing"
    if generic_title(briefing.title):
        stem = slugify(Path(source_name).stem) if source_name else ""
        extra = briefing.date or ("" if not stem or stem == name or _BLAND_FILE_NAMES.match(stem) else stem)
        report.check(
            f"The title '{briefing.title}' names no briefing in particular and no publisher was found: give the "
            "publisher, and check the id" + (f" (it has '{extra}' added to tell it apart)." if extra else "."),
            field="id",
        )
        if extra:
            return slugify(f"{name}-{extra}" if extra == briefing.date else f"{extra}-{name}") or "briefing"
    return name or "briefing"


# "Adult P - published February 2024": the title, then when it was published.
_PUBLISHED_SUFFIX = re.compile(r"\s*[-–—|,:]\s*(?:published|updated|posted)\b[^-–—|]*$", re.IGNORECASE)


def _fill_in_title(briefing: Briefing, report: ImportReport, title_token, title: str | None) -> None:
    title_line = split_title_line(title_token.text)
    if (suffix := _PUBLISHED_SUFFIX.search(title_line.title)) and iso_date(suffix.group(0)):
        briefing.date = iso_date(suffix.group(0))
        title_line.title = title_line.title[: suffix.start()].strip()
    briefing.title = title if title is not None else title_line.title
    briefing.publisher = title_line.publisher
    if briefing.title != title_line.line:
        # The title line carries more than the title (the publisher, "7 Minute Briefing"); keep all of it.
        briefing.source = title_line.line
        report.check(
            f"The first line '{title_line.line}' is kept in 'source'; the title is '{briefing.title}'.",
            field="title",
        )
    elif title is None:
        where = {
            HOW_TITLE_STYLE: "the document's Title style",
            HOW_HTML: "the page's main heading",
            HOW_TITLE_LINE: "the first line after the page's furniture",
        }.get(title_token.how, "the first line")
        report.check(f"The title '{briefing.title}' was taken from {where}.", field="title")
    if title_line.publisher:
        report.check(f"The publisher '{title_line.publisher}' was guessed from the first line.", field="publisher")
    if title is None and title_token.role == "heading" and title_token.kind != "other":
        report.check(
            f"The title '{briefing.title}' reads like a section heading, not the briefing's name: give the "
            f"real title, e.g. the child's name ({GIVE_TITLE}).",
            field="title",
        )


def _place_set_aside(report: ImportReport, sections: list, starts: dict[int, int | None]) -> None:
    """Each line set aside is placed in (or next to) the section whose text it sat in, for a person to see."""
    begins = sorted(
        (line, index) for index, section in enumerate(sections) if (line := starts.get(id(section))) is not None
    )
    for entry in report.set_aside:
        before = [index for line, index in begins if line <= entry.line]
        entry.section = max(before, key=lambda index: starts[id(sections[index])]) if before else None


def _labels_stay_in_their_summary(built) -> None:
    """On a page listing reviews, "Key learning: ..." inside one review's summary is part of that summary, not a
    section of the page's own."""
    kept = []
    for section in built.sections:
        how = built.hows.get(id(section), "")
        if kept and not section.heading and how.startswith('label "') and kept[-1].heading:
            kept[-1].blocks.extend(section.blocks)
            continue
        kept.append(section)
    built.sections = kept


_WHOLE_LINK = re.compile(r"^\[([^\]]{1,150})\]\([^)]*\)$")


def _names_a_review(heading: str) -> bool:
    """A heading naming one reviewed case or briefing: "Adult A", "Child D – Rapid Review", "Tom's story"."""
    return names_a_case(heading) or bool(review_type_of(heading)) or bool(BRIEFING_MENTION.search(heading))


# A briefing about a reviewed case names the person the review was about or what the review found; one about
# a subject (definitions, types, signs, reviews in general) does neither, and must not be given learning or
# actions it does not state.
_CASE_WORDS = re.compile(
    r"\b(?:(?i:child|adult|baby|young person|mr|mrs|ms|miss)\s+[A-Z]\b"
    r"|(?i:the review (?:found|identified|highlighted)|this review|the review into|review was commissioned"
    r"|learning points))",
)


def is_thematic(text: str, title: str) -> bool:
    """A page about a subject: its title names no reviewed case (a kind of review in general, "Domestic Homicide
    Reviews (DHRs)", is a subject) and its text names no person reviewed nor what a review found."""
    return not _title_names_a_review(title) and not _CASE_WORDS.search(text)


def _title_names_a_review(title: str) -> bool:
    """"Child Safeguarding Practice Review: Baby C", "Safeguarding Adults Review in relation to Clare": a review
    of one case. A title naming only a kind of review ("Domestic homicide review (DHR)", "Safeguarding Adult
    Reviews") names none: nothing is left of it but words for reviews, their short forms and small words."""
    if not review_type_of(title):
        return False
    rest = re.sub(r"\([^)]*\)", " ", title)
    for pattern in (*REVIEW_TYPES.values(), r"\b(?:SAR|DHR|CSPR|LCSPR|SCR|LLR)s?\b", r"\breviews?\b"):
        rest = re.sub(pattern + r"s?", " ", rest, flags=re.IGNORECASE)
    return bool([word for word in re.findall(r"[^\W_]+", rest) if word.casefold() not in _SMALL_TITLE_WORDS])


_SMALL_TITLE_WORDS = frozenset("a an and the of for in on our to about local domestic homicide".split())
