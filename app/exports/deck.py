"""The editable PowerPoint deck: an offline session pack for a briefing, or a session's record.

`build_deck(content, created=...)` turns an `ExportContent` into .pptx bytes with python-pptx. Plain Python, no
Flask. What goes in is decided by `content.py`; this module decides how it looks and how it fits:

- 16:9 slides from python-pptx's default template, its master and layouts widened once (the template is 4:3) so
  a slide a person adds later looks like ours; layouts are found by name, placeholders by idx.
- A navy title band with white text and near-black text on white (both well above 7:1), Arial throughout, body
  text at 20 pt or more, titles at 28-40 pt. Every string is real, editable text in a placeholder.
- Text is measured, not guessed: words are measured with Liberation Sans (metrically identical to Arial) and
  wrapped to the width of their box; whole paragraphs go onto continuation slides titled "... (continued)",
  and a paragraph too long for a slide is cut between sentences (then between words). `measure_shape` is the
  same measurement applied to a saved text box, so a test can check that nothing overflows.
- Every string passes through `xml_safe`, and is set as text, never parsed as markup. Links become real
  hyperlinks only for http, https and mailto addresses; nothing else is referenced from outside the package.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from io import BytesIO
from math import ceil
from typing import NamedTuple

from lxml import etree
from PIL import ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.oxml.ns import qn as _qn
from pptx.util import Emu, Inches

from ..briefings.markup import links_in, plain_text
from ..briefings.model import Section
from ..formatting import local_date, long_date, long_datetime, long_day, m_ss, plural
from .content import ActionContent, ExportContent, QuestionContent, StepContent, xml_safe

qn = lru_cache(maxsize=None)(_qn)  # a tag's Clark name, worked out once

# --- the look ------------------------------------------------------------------------------------------------

SLIDE_WIDTH = Emu(12192000)  # 13.333 in
SLIDE_HEIGHT = Emu(6858000)  # 7.5 in
MARGIN = Inches(0.6)
TITLE_BAND = Inches(1.25)
BODY_TOP = Inches(1.5)
BODY_HEIGHT = Inches(5.65)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
COLUMN_GAP = Inches(0.4)
COLUMN_WIDTH = (BODY_WIDTH - COLUMN_GAP) // 2
INSET_X = Inches(0.1)
INSET_Y = Inches(0.05)
TITLE_INSET_X = MARGIN + INSET_X  # title text lines up with the body text
TITLE_INSETS = (TITLE_INSET_X, INSET_Y, TITLE_INSET_X, INSET_Y)  # left, top, right, bottom
COVER_TITLE = Inches(3.2)
COVER_TITLE_INSETS = (TITLE_INSET_X, Inches(0.3), TITLE_INSET_X, Inches(0.35))

FONT = "Arial"
FONT_FILES = {
    (False, False): "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    (True, False): "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    (False, True): "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf",
    (True, True): "/usr/share/fonts/truetype/liberation/LiberationSans-BoldItalic.ttf",
}
LANGUAGE = "en-GB"

INK = "1A1A1A"  # body text on white: 17:1
NAVY = "1B2A4A"  # title band (white on it: 14:1) and headings on white
MUTED = "333333"  # response authors, action details: 12.6:1
LINK = "0B3D91"  # hyperlinks: 10:1
WHITE = "FFFFFF"

TITLE_SIZES = (34, 32, 30, 28)
COVER_TITLE_SIZES = (40, 36, 32, 28)
HEADING = 24
BODY = 22
SMALL = 20  # the smallest text on any slide
LINE_HEIGHT = 1.2  # × font size; PowerPoint's single spacing for Arial is about 1.15
WIDTH_SAFETY = 0.97  # measured lines are kept a little shorter than the box, for kerning and rounding

BULLET_INDENT = {0: (0, 0), 1: (Inches(0.45), -Inches(0.45)), 2: (Inches(0.95), -Inches(0.35))}

EMU_PER_PT = 12700
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
NUMBERED = "#"  # a list item whose number is its first word


# --- text as tokens ------------------------------------------------------------------------------------------


class Style(NamedTuple):
    bold: bool = False
    italic: bool = False
    href: str | None = None
    color: str = INK


class Token(NamedTuple):
    """One word. `sep` is what comes before it (" ", "" or a tab); `brk` says whether a line may break before it."""

    text: str
    sep: str
    brk: bool
    style: Style


_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def clean(text: str) -> str:
    """A string as the deck shows it: XML-safe, whitespace collapsed."""
    return " ".join(xml_safe(text).split())


def tokens_of(segments: list[tuple[str, Style]]) -> tuple[Token, ...]:
    """Words of consecutive pieces of text, each piece in its own style; runs of whitespace become one space."""
    out: list[Token] = []
    pending_space = False
    for text, style in segments:
        previous_end = 0
        found = False
        for match in _WORD.finditer(text):
            space = match.start() > previous_end or (not found and pending_space)
            if not out:
                sep, brk = "", True
            elif space:
                sep, brk = " ", True
            else:
                sep, brk = "", False
            out.append(Token(match.group(), sep, brk, style))
            previous_end = match.end()
            found = True
        if found:
            pending_space = previous_end < len(text)
        else:
            pending_space = pending_space or bool(text)
    return tuple(out)


def plain(text: str, style: Style = Style()) -> tuple[Token, ...]:
    return tokens_of([(xml_safe(text), style)])


def inline(text: str, style: Style = Style()) -> tuple[Token, ...]:
    """Inline Markdown as words: its plain text, with http(s) and mailto links kept as hyperlinks."""
    source = xml_safe(text)
    words = xml_safe(plain_text(source))
    segments: list[tuple[str, Style]] = []
    cursor = 0
    for link in links_in(source):
        label = xml_safe(link.text)
        at = words.find(label, cursor) if label else -1
        if at < 0:
            continue
        href = xml_safe(link.href).strip()
        linked = style._replace(href=href, color=LINK) if href.lower().startswith(ALLOWED_SCHEMES) else style
        segments += [(words[cursor:at], style), (label, linked)]
        cursor = at + len(label)
    segments.append((words[cursor:], style))
    return tokens_of(segments)


def with_addresses(text: str, style: Style = Style()) -> tuple[Token, ...]:
    """Plain text (a source, a citation) whose bare http(s) addresses become hyperlinks."""
    tokens = plain(text, style)
    return tuple(
        token._replace(style=token.style._replace(href=token.text, color=LINK))
        if token.text.lower().startswith(("http://", "https://"))
        else token
        for token in tokens
    )


# --- measuring -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _font(bold: bool, italic: bool):
    try:
        return ImageFont.truetype(FONT_FILES[bold, italic], 100, layout_engine=ImageFont.Layout.BASIC)
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=65536)
def em_width(text: str, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` in ems of Arial (Liberation Sans); 0.6 em a character when the font is missing.
    Characters shown full width (CJK, most emoji) count one em each, as a fallback font would show them."""
    font = _font(bold, italic)
    if font is None:
        return 0.6 * len(text)
    wide = 0
    if not text.isascii():
        narrow = "".join(ch for ch in text if unicodedata.east_asian_width(ch) not in "WF")
        wide = len(text) - len(narrow)
        text = narrow
    try:
        return font.getlength(text) / 100 + wide
    except Exception:  # pragma: no cover - a character FreeType cannot lay out
        return 0.6 * len(text) + wide


def _units(tokens: tuple[Token, ...], size: float) -> list[tuple[float, float]]:
    """Unbreakable stretches of words as (space before, width) in points."""
    units: list[tuple[float, float]] = []
    for token in tokens:
        width = em_width(token.text, token.style.bold, token.style.italic) * size
        if token.brk or not units:
            space = em_width(" ", token.style.bold, token.style.italic) * size if token.sep else 0.0
            units.append((space, width))
        else:
            lead, sofar = units[-1]
            units[-1] = (lead, sofar + width)
    return units


def _line_ends(units: list[tuple[float, float]], width: float) -> list[int]:
    """Wrap the units greedily in a box `width` points wide: the line (from 1) each unit ends on. A word wider
    than the box breaks inside. Greedy wrapping never looks ahead, so the first k units of a paragraph wrap the
    same on their own: one pass tells how many lines every head of the paragraph takes."""
    ends: list[int] = []
    lines, x = 1, 0.0
    for index, (space, width_of) in enumerate(units):
        if index and x + space + width_of <= width:
            x += space + width_of
        else:
            if index:
                lines += 1
            pieces = max(1, ceil(width_of / width)) if width > 0 else 1
            lines += pieces - 1
            x = width_of - (pieces - 1) * width
        ends.append(lines)
    return ends


def line_count(tokens: tuple[Token, ...], size: float, width: float) -> int:
    """How many lines the words take in a box `width` points wide (a word wider than the box breaks inside)."""
    ends = _line_ends(_units(tokens, size), width)
    return ends[-1] if ends else 1


def _usable(width: float, indent: int) -> float:
    return (width - indent / EMU_PER_PT) * WIDTH_SAFETY


def paragraph_height(tokens: tuple[Token, ...], size: float, indent: int, space_before: float, width: float) -> float:
    """Points a paragraph takes: the space before it, and its lines at LINE_HEIGHT × size."""
    return space_before + line_count(tokens, size, _usable(width, indent)) * size * LINE_HEIGHT


# --- paragraphs and pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph as the deck lays it out."""

    tokens: tuple[Token, ...]
    size: int = BODY
    level: int = 0  # 0: a paragraph; 1: a list item; 2: a note under an item
    bullet: str | None = None  # "•", "–", NUMBERED (the number is in the text), or None
    space_before: float = 8
    keep_with_next: bool = False  # a heading: never the last thing on a slide
    context: Para | None = None  # the heading repeated, "(continued)", when a slide starts inside what it heads
    splittable: bool = True

    @property
    def indent(self) -> int:
        return BULLET_INDENT[self.level][0]

    def height(self, width: float) -> float:
        return self.space_before + self.lines(width) * self.size * LINE_HEIGHT

    # A paragraph is measured once: its words' widths once, and its lines once per box width (pagination asks
    # again and again, and a split asks about every head). Cached in the instance (frozen, but not slotted).
    @cached_property
    def units(self) -> list[tuple[float, float]]:
        return _units(self.tokens, self.size)

    @cached_property
    def unit_starts(self) -> dict[int, int]:
        """{index of a token that starts a unit: index of that unit}."""
        starts: dict[int, int] = {}
        for index, token in enumerate(self.tokens):
            if token.brk or not starts:
                starts[index] = len(starts)
        return starts

    @cached_property
    def _wrapped(self) -> dict[float, list[int]]:
        return {}

    def line_ends(self, width: float) -> list[int]:
        """The line each unit ends on, in a box `width` points wide (see `_line_ends`)."""
        ends = self._wrapped.get(width)
        if ends is None:
            ends = self._wrapped[width] = _line_ends(self.units, _usable(width, self.indent))
        return ends

    def lines(self, width: float) -> int:
        ends = self.line_ends(width)
        return ends[-1] if ends else 1

    def head_height(self, at: int, width: float) -> float:
        """The height of tokens[:at] on their own, `at` being a token that starts a unit (a place to break)."""
        return self.space_before + self.line_ends(width)[self.unit_starts[at] - 1] * self.size * LINE_HEIGHT

    def continued(self) -> Para:
        marker = Token("(continued)", " ", True, self.tokens[-1].style._replace(href=None) if self.tokens else Style())
        return replace(self, tokens=self.tokens + (marker,), keep_with_next=True, context=None, splittable=False)


def para(tokens, size=BODY, **fields) -> Para:
    return Para(tuple(tokens), size, **fields)


def heading(text_tokens, *, size=HEADING, color=NAVY, space_before=14, context=None) -> Para:
    tokens = tuple(t._replace(style=t.style._replace(bold=True, color=t.style.color if t.style.href else color))
                   for t in text_tokens)
    return Para(tokens, size, space_before=space_before, keep_with_next=True, context=context, splittable=False)


def _cut(tokens: tuple[Token, ...], at: int) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    head, tail = tokens[:at], tokens[at:]
    if tail:
        tail = (tail[0]._replace(sep="", brk=True),) + tail[1:]
    return head, tail


def _split(p: Para, room: float, width: float, fresh: bool) -> tuple[Para, Para] | None:
    """The longest head of `p` that fits in `room` points, cut between sentences (on a fresh slide, between
    words, then inside a word); None when nothing fits."""
    tokens = p.tokens

    def fits(at: int) -> bool:
        return p.head_height(at, width) <= room

    def best(cuts: list[int]) -> int | None:
        # Heights grow with the cut, so the last fitting cut is found by bisection.
        low, high, found = 0, len(cuts) - 1, None
        while low <= high:
            middle = (low + high) // 2
            if fits(cuts[middle]):
                found, low = cuts[middle], middle + 1
            else:
                high = middle - 1
        return found

    sentences = [i + 1 for i in range(len(tokens) - 1) if _SENTENCE_END.search(tokens[i].text) and tokens[i + 1].brk]
    at = best(sentences)
    if at is None and fresh:
        at = best([i for i in range(1, len(tokens)) if tokens[i].brk])
    if at is None and fresh:
        # One word longer than a slide: cut it between characters.
        first = tokens[0]
        lengths = list(range(1, len(first.text)))
        low, high, length = 0, len(lengths) - 1, 1
        while low <= high:
            middle = (low + high) // 2
            if replace(p, tokens=(first._replace(text=first.text[: lengths[middle]]),)).height(width) <= room:
                length, low = lengths[middle], middle + 1
            else:
                high = middle - 1
        head = replace(p, tokens=(first._replace(text=first.text[:length]),))
        rest = (first._replace(text=first.text[length:], sep="", brk=True),) + tokens[1:]
        return head, replace(p, tokens=rest, bullet=None, space_before=0)
    if at is None:
        return None
    head, tail = _cut(tokens, at)
    return replace(p, tokens=head), replace(p, tokens=tail, bullet=None, space_before=0)


def paginate(paras: list[Para], width: float, height: float) -> list[list[Para]]:
    """Pages of paragraphs for a text box `width` × `height` points (inside its insets), in order.

    Whole paragraphs move to the next page; a heading moves with what follows it; a page that starts inside a
    section or a question repeats its heading "(continued)"; only a paragraph too tall for a page of its own is
    cut, between sentences (or, when one sentence is too tall, between words).
    """
    pages: list[list[Para]] = []
    page: list[Para] = []
    used = 0.0
    header = 0  # 1 when the page starts with a repeated heading
    queue = list(reversed(paras))

    def flush():
        nonlocal page, used, header
        pages.append(page)
        page, used, header = [], 0.0, 0

    while queue:
        p = queue.pop()
        if not page and pages and p.context is not None:
            repeated = p.context.continued()
            page, used, header = [repeated], repeated.height(width), 1
        needed = p.height(width)
        if used + needed <= height:
            page.append(p)
            used += needed
            continue
        fresh = len(page) == header
        if not fresh:
            # A paragraph that would fit on a slide of its own moves whole; a longer one starts here.
            on_its_own = needed + (p.context.continued().height(width) if p.context is not None else 0.0)
            if p.splittable and on_its_own > height:
                parts = _split(p, height - used, width, fresh=False)
                if parts is not None:
                    page.append(parts[0])
                    flush()
                    queue.append(parts[1])
                    continue
            moved: list[Para] = []
            while len(page) > header and page[-1].keep_with_next:
                moved.insert(0, page.pop())
            if len(page) > header:
                flush()
                queue.append(p)
                queue.extend(reversed(moved))
                continue
            page.extend(moved)  # nothing but headings: they stay, and `p` is cut to fit under them
            used = sum(q.height(width) for q in page)
        parts = _split(p, height - used, width, fresh=True)
        if parts is None or not parts[0].tokens:  # pragma: no cover - not even one character fits
            if len(page) > header:
                flush()
                queue.append(p)
                continue
            raise ValueError("a text box too small for one character")
        page.append(parts[0])
        flush()
        queue.append(parts[1])
    if page or not pages:
        pages.append(page)
    return pages


def measure_shape(shape) -> tuple[float, float]:
    """(points the text of a saved text box needs, points it has), measured as the deck was laid out."""
    body = shape.text_frame._txBody
    body_pr = body.find(qn("a:bodyPr"))
    insets = {name: int(body_pr.get(name, default)) for name, default in
              (("lIns", 91440), ("rIns", 91440), ("tIns", 45720), ("bIns", 45720))}
    width = (shape.width - insets["lIns"] - insets["rIns"]) / EMU_PER_PT
    available = (shape.height - insets["tIns"] - insets["bIns"]) / EMU_PER_PT
    needed = 0.0
    for paragraph in body.iter(qn("a:p")):
        p_pr = paragraph.find(qn("a:pPr"))
        indent = int(p_pr.get("marL", 0)) if p_pr is not None else 0
        space = paragraph.find(f"{qn('a:pPr')}/{qn('a:spcBef')}/{qn('a:spcPts')}")
        space_before = int(space.get("val")) / 100 if space is not None else 0.0
        segments, sizes = [], []
        for run in paragraph.iter(qn("a:r")):
            r_pr = run.find(qn("a:rPr"))
            sizes.append(int(r_pr.get("sz", 1800)) / 100 if r_pr is not None else 18.0)
            style = Style(bold=r_pr is not None and r_pr.get("b") == "1",
                          italic=r_pr is not None and r_pr.get("i") == "1")
            segments.append((run.findtext(qn("a:t")) or "", style))
        size = max(sizes, default=18.0)
        needed += paragraph_height(tokens_of(segments), size, indent, space_before, width)
    return needed, available


def font_sizes(shape) -> list[float]:
    """The size of every run in a text box, in points."""
    return [int(r.get("sz")) / 100 for r in shape.text_frame._txBody.iter(qn("a:rPr")) if r.get("sz")]


# --- what the slides say ---------------------------------------------------------------------------------------


def _section_key(section: Section) -> tuple:
    return section.kind, section.heading, section.number, tuple(section.texts())


def section_paras(section: Section, skip: frozenset[str] = frozenset()) -> list[Para]:
    """A section: its label as a heading, then its paragraphs, sub-headings and lists with their notes.
    Text in `skip` (questions, shown with their responses instead) is left out."""
    top = heading(inline(section.numbered_label))
    out = [top]
    for block in section.blocks:
        if block.type == "paragraph":
            if block.text not in skip and clean(block.text):
                out.append(para(inline(block.text), context=top))
        elif block.type == "subheading":
            out.append(heading(inline(block.text), size=BODY, color=INK, space_before=12, context=top))
        else:
            for position, item in enumerate(block.items, start=1):
                if item.text in skip:
                    continue
                if block.ordered:
                    number = item.number if item.number is not None else position
                    out.append(para(numbered(number, inline(item.text)), level=1, bullet=NUMBERED,
                                    space_before=6, context=top))
                else:
                    out.append(para(inline(item.text), level=1, bullet="•", space_before=6, context=top))
                out.extend(para(inline(note), SMALL, level=2, bullet="–", space_before=2, context=top)
                           for note in item.notes)
    return out


def numbered(number: int, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """The publisher's own number as text, then a tab to the hanging indent: the number stays the publisher's
    wherever the list is cut between slides (automatic numbering would restart)."""
    mark = Token(f"{number}.", "", True, Style())
    if not tokens:
        return (mark,)
    return (mark, tokens[0]._replace(sep="\t", brk=False)) + tokens[1:]


def _notes_of(sections: list[Section]) -> dict[str, list[str]]:
    return {item.text: item.notes for section in sections for item in section.items if item.notes}


def question_paras(step: StepContent, session: bool, notes: dict[str, list[str]], headed: bool) -> list[Para]:
    out: list[Para] = []
    if not session:
        top = None
        if not headed:
            top = heading(plain("Question for the room" if len(step.questions) == 1 else "Questions for the room"))
            out.append(top)
        for question in step.questions:
            out.append(para(inline(question.text), level=1, bullet="•", space_before=6, context=top))
            out.extend(para(inline(note), SMALL, level=2, bullet="–", space_before=2, context=top)
                       for note in notes.get(question.text, []))
        return out
    for question in step.questions:
        top = heading(inline(question.text), size=BODY, color=NAVY, space_before=14)
        out.append(replace(top, splittable=True))
        out.extend(para(inline(note), SMALL, level=2, bullet="–", space_before=2, context=top)
                   for note in notes.get(question.text, []))
        out.extend(response_paras(step, question, top))
    return out


def response_paras(step: StepContent, question: QuestionContent, top: Para) -> list[Para]:
    if not question.responses:
        words = "No responses recorded."
        if not step.reached:
            words = "No responses recorded: the session had not reached this step."
        return [para(plain(words, Style(italic=True, color=MUTED)), SMALL, level=1, space_before=4, context=top)]
    out = []
    for response in question.responses:
        segments = [(response.text, Style())]
        if response.author:
            segments.append((f" — {response.author}", Style(italic=True, color=MUTED)))
        out.append(para(tokens_of([(xml_safe(text), style) for text, style in segments]), SMALL, level=1,
                        bullet="•", space_before=4, context=top))
    return out


def action_paras(actions: list[ActionContent]) -> list[Para]:
    top = heading(plain("Agreed actions"))
    if not actions:
        return [top, para(plain("No actions recorded.", Style(italic=True, color=MUTED)), SMALL, context=top)]
    out = [top]
    for action in actions:
        owner = f"Owner: {action.owner}" if clean(action.owner) else "No owner recorded"
        due = f"due {long_day(action.due)}" if action.due else "no date set"
        out.append(para(plain(action.what), level=1, bullet="•", space_before=6, context=top))
        out.append(para(plain(f"{owner}; {due}", Style(color=MUTED)), SMALL, level=2, bullet="–",
                        space_before=2, context=top))
    return out


def step_paras(content: ExportContent, step: StepContent, seen: set, questions: frozenset[str]) -> list[Para]:
    session = content.session is not None
    skip = questions if step.questions else frozenset()
    out: list[Para] = []
    headed = False
    for section in step.sections:
        key = _section_key(section)
        if key in seen:
            continue
        seen.add(key)
        paras = section_paras(section, skip)
        headed = headed or (bool(step.questions) and any(item.text in skip for item in section.items))
        out.extend(paras)
    if step.questions:
        out.extend(question_paras(step, session, _notes_of(step.sections), headed))
    if step.records_actions:
        if session:
            out.extend(action_paras(content.session.actions))
        else:
            top = heading(plain("Agreed actions"))
            out += [top, para(plain("Record what the team agrees to do: what, who owns it, and by when."),
                              context=top)]
    if not out:
        out.append(para(plain("This step has no briefing text: see the speaker notes.", Style(italic=True))))
    return out


def step_notes(content: ExportContent, step: StepContent) -> list[str]:
    lines = [f"Step {step.number} of {len(content.steps)}: {step.title}", f"Planned time: {m_ss(step.planned_seconds)}"]
    if content.session is not None:
        spent = f"Time spent: {m_ss(step.spent_seconds)}"
        if step.allowed_seconds is not None and step.allowed_seconds != step.planned_seconds:
            spent += f" (allowed {m_ss(step.allowed_seconds)} with minutes added)"
        lines.append(spent)
        if not step.reached:
            lines.append("The session had not reached this step when this record was made.")
    lines.append(f"Prompt: {step.prompt}" if clean(step.prompt) else "This step has no facilitator prompt.")
    return lines


def overview_columns(content: ExportContent) -> tuple[list[Para], list[Para]]:
    left_top = heading(plain("Segments of this briefing"))
    left = [left_top] + [para(plain(label), level=1, bullet="•", space_before=4, context=left_top)
                         for label in content.outline]
    if not content.outline:
        left.append(para(plain("No segments recorded."), context=left_top))
    planned = sum(step.planned_seconds for step in content.steps)
    right_top = heading(plain(f"Session steps ({content.template.get('name') or 'session template'})"))
    right = [right_top]
    for step in content.steps:
        timing = f"{m_ss(step.planned_seconds)}"
        if content.session is not None:
            timing = f"{m_ss(step.planned_seconds)} planned, {m_ss(step.spent_seconds)} spent"
        right.append(para(plain(f"{step.number}. {step.title}: {timing}"), level=1, space_before=4, context=right_top))
    total = f"In all: {m_ss(planned)} planned"
    if content.session is not None:
        total += f", {m_ss(content.session.spent_seconds)} spent"
    right.append(para(plain(total, Style(bold=True)), space_before=10, context=right_top))
    return left, right


def about_paras(content: ExportContent) -> list[Para]:
    b = content.briefing
    top = heading(plain("About this briefing"))
    out = [top]
    if clean(b.get("source", "")):
        out.append(para(with_addresses(f"Source: {b['source']}"), context=top))
    else:
        out.append(para(plain("Source: not recorded with this briefing"), context=top))
    if clean(b.get("publisher", "")):
        out.append(para(plain(f"Published by {b['publisher']}"), context=top))
    kind = ", ".join(part for part in (b.get("review_type", ""), long_date(b.get("date", ""))) if clean(part))
    if kind:
        out.append(para(plain(kind), context=top))
    if b.get("themes"):
        out.append(para(plain("Themes: " + ", ".join(b["themes"])), context=top))
    return out


def cover_lines(content: ExportContent, created: datetime) -> list[tuple[str, tuple[Token, ...]]]:
    """The title slide's lines under the title, most important first (the last are dropped if they cannot fit)."""
    b, s = content.briefing, content.session
    template = content.template.get("name") or "session template"
    planned = sum(step.planned_seconds for step in content.steps)
    minutes = plural(planned // 60, "minute") if planned % 60 == 0 else f"{m_ss(planned)} minutes"
    lines: list[tuple[str, tuple[Token, ...]]] = []
    if s is not None:
        lines.append(("record", plain("Session record" + (f": {s.team}" if clean(s.team) else ""), Style(bold=True))))
        lines.append(("date", plain(f"{long_datetime(s.started_at)}; attendance: "
                                    f"{plural(s.attendance, 'person', 'people')}")))
        if s.running:
            lines.append(("running", plain(f"Still running: as it stood at {long_datetime(created)}",
                                           Style(bold=True))))
        if clean(s.facilitator):
            lines.append(("facilitator", plain(f"Facilitated by {s.facilitator}")))
        lines.append(("template", plain(f"{template}: {m_ss(planned)} planned, {m_ss(s.spent_seconds)} spent")))
    else:
        lines.append(("template", plain(f"Session pack: {template}, {minutes} in {plural(len(content.steps), 'step')}",
                                        Style(bold=True))))
    if clean(b.get("publisher", "")):
        lines.append(("publisher", plain(f"Published by {b['publisher']}")))
    if clean(b.get("source", "")):
        lines.append(("source", with_addresses(f"Source: {b['source']}")))
    return lines


# --- the package -----------------------------------------------------------------------------------------------


def _rgb(value: str) -> RGBColor:
    return RGBColor.from_string(value)


def _solid_fill(parent: etree._Element, color: str) -> None:
    fill = etree.SubElement(parent, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=color)


def _body_pr(shape, *, left=INSET_X, right=INSET_X, top=INSET_Y, bottom=INSET_Y, anchor="t") -> None:
    body_pr = shape.text_frame._txBody.find(qn("a:bodyPr"))
    for child in list(body_pr):
        body_pr.remove(child)
    for name, value in (("lIns", left), ("tIns", top), ("rIns", right), ("bIns", bottom)):
        body_pr.set(name, str(int(value)))
    body_pr.set("wrap", "square")
    body_pr.set("anchor", anchor)
    body_pr.set("rtlCol", "0")
    etree.SubElement(body_pr, qn("a:noAutofit"))


def _clear(shape) -> etree._Element:
    body = shape.text_frame._txBody
    for p in body.findall(qn("a:p")):
        body.remove(p)
    return body


def _run(parent: etree._Element, text: str, size: float, style: Style, slide_part) -> None:
    run = etree.SubElement(parent, qn("a:r"))
    attributes = {"lang": LANGUAGE, "sz": str(int(size * 100)), "b": "1" if style.bold else "0",
                  "i": "1" if style.italic else "0", "dirty": "0"}
    if style.href:
        attributes["u"] = "sng"
    r_pr = etree.SubElement(run, qn("a:rPr"), attributes)
    _solid_fill(r_pr, style.color)
    etree.SubElement(r_pr, qn("a:latin"), typeface=FONT)
    etree.SubElement(r_pr, qn("a:cs"), typeface=FONT)
    if style.href and slide_part is not None:
        rid = slide_part.relate_to(style.href, RT.HYPERLINK, is_external=True)
        etree.SubElement(r_pr, qn("a:hlinkClick"), {qn("r:id"): rid})
    etree.SubElement(run, qn("a:t")).text = text


def write_para(body: etree._Element, p: Para, slide_part, *, align: str | None = None) -> None:
    paragraph = etree.SubElement(body, qn("a:p"))
    margin, hanging = BULLET_INDENT[p.level]
    attributes = {"marL": str(int(margin)), "indent": str(int(hanging if p.bullet else 0))}
    if align:
        attributes["algn"] = align
    p_pr = etree.SubElement(paragraph, qn("a:pPr"), attributes)
    etree.SubElement(etree.SubElement(p_pr, qn("a:lnSpc")), qn("a:spcPct"), val="100000")
    etree.SubElement(etree.SubElement(p_pr, qn("a:spcBef")), qn("a:spcPts"), val=str(int(p.space_before * 100)))
    if p.bullet is None or p.bullet == NUMBERED:
        etree.SubElement(p_pr, qn("a:buNone"))
    else:
        etree.SubElement(p_pr, qn("a:buClr")).append(etree.Element(qn("a:srgbClr"), val=INK))
        etree.SubElement(p_pr, qn("a:buFont"), typeface=FONT)
        etree.SubElement(p_pr, qn("a:buChar"), char=p.bullet)
    # Consecutive words in one style make one run.
    text, style = "", None
    for token in p.tokens:
        if style is not None and token.style != style:
            _run(paragraph, text, p.size, style, slide_part)
            text = ""
        style = token.style
        text += token.sep + token.text
    if style is not None:
        _run(paragraph, text, p.size, style, slide_part)
    etree.SubElement(paragraph, qn("a:endParaRPr"), lang=LANGUAGE, sz=str(int(p.size * 100)), dirty="0")


def _fit_size(tokens: tuple[Token, ...], sizes: tuple[int, ...], width: float, height: float) -> int:
    for size in sizes:
        if paragraph_height(tokens, size, 0, 0, width) <= height:
            return size
    return sizes[-1]


@lru_cache(maxsize=256)
def _title_size(tokens: tuple[Token, ...], cover: bool) -> int:
    """The largest title size that fits; a step's continuation slides share one title, measured once."""
    # The box is the layout's (see _prepare): known here, rather than looked up through the inheritance chain.
    height, sizes = (COVER_TITLE, COVER_TITLE_SIZES) if cover else (TITLE_BAND, TITLE_SIZES)
    insets = COVER_TITLE_INSETS if cover else TITLE_INSETS
    width_pt = (SLIDE_WIDTH - insets[0] - insets[2]) / EMU_PER_PT
    height_pt = (height - insets[1] - insets[3]) / EMU_PER_PT
    return _fit_size(tokens, sizes, width_pt, height_pt)


def _set_title(slide, text: str, cover: bool = False) -> None:
    shape = slide.placeholders[0]
    sp_pr = shape._element.spPr
    for child in list(sp_pr):
        sp_pr.remove(child)
    _solid_fill(sp_pr, NAVY)  # the band is on the layout too; said again for viewers that do not inherit fills
    body = _clear(shape)
    tokens = plain(text, Style(bold=True, color=WHITE))
    insets = COVER_TITLE_INSETS if cover else TITLE_INSETS
    size = _title_size(tokens, cover)
    _body_pr(shape, left=insets[0], top=insets[1], right=insets[2], bottom=insets[3], anchor="b" if cover else "ctr")
    write_para(body, Para(tokens, size, space_before=0), slide.part, align="l")


def _box(shape) -> tuple[float, float]:
    width = (shape.width - 2 * INSET_X) / EMU_PER_PT
    height = (shape.height - 2 * INSET_Y) / EMU_PER_PT
    return width, height


class _Deck:
    def __init__(self, prs):
        self.prs = prs
        self._notes_page = None  # a blank notes page, copied for every slide after the first
        self._notes_master_part = None
        self._notes_count = 1
        self._slides = len(prs.slides)
        self._slide_ids = prs.part._element.get_or_add_sldIdLst()
        self._blank_shapes: dict[str, etree._Element] = {}  # layout name: its slides' shape tree before any text
        self.layouts = {name: prs.slide_layouts.get_by_name(name) for name in
                        ("Title Slide", "Title and Content", "Two Content")}

    def add_slide(self, layout):
        """A new slide on `layout`, as python-pptx's `slides.add_slide` makes it, without its searches: that looks
        through every slide already made for the next free slide id and for an existing link to the new slide, so a
        deck of n slides took n² steps (1,700 slides, a flooded session's record: 12 of its 20 s). Here the id and
        the part's name are counted, and the link is added, since a new slide cannot have one yet."""
        self._slides += 1
        package = self.prs.part.package
        part = SlidePart.new(PackURI(f"/ppt/slides/slide{self._slides}.xml"), package, layout.part)
        rid = self.prs.part.rels._add_relationship(RT.SLIDE, part)
        self._slide_ids._add_sldId(id=255 + self._slides, rId=rid)  # slide ids start at 256
        # The layout's placeholders, cloned by python-pptx for its first slide and copied after that (cloning
        # looks every placeholder up by XPath: a few milliseconds a slide).
        tree = part.slide.shapes._spTree
        blank = self._blank_shapes.get(layout.name)
        if blank is None:
            part.slide.shapes.clone_layout_placeholders(layout)
            self._blank_shapes[layout.name] = copy.deepcopy(tree)
        else:
            tree.getparent().replace(tree, copy.deepcopy(blank))
        return part.slide

    def content_slides(self, title: str, columns: list[list[Para]], notes: list[str]) -> None:
        layout = self.layouts["Title and Content" if len(columns) == 1 else "Two Content"]
        # Every slide of a layout has the same boxes: measure them on the layout.
        boxes = [_box(layout.placeholders[idx]) for idx in range(1, len(columns) + 1)]
        pages = [paginate(column, *box) for column, box in zip(columns, boxes)]
        for number in range(max(len(column_pages) for column_pages in pages)):
            slide = self.add_slide(layout)
            _set_title(slide, title if number == 0 else f"{title} (continued)")
            for idx, column_pages in enumerate(pages, start=1):
                shape = slide.placeholders[idx]
                if number >= len(column_pages) or not column_pages[number]:
                    shape._element.getparent().remove(shape._element)
                    continue
                _body_pr(shape)
                body = _clear(shape)
                for p in column_pages[number]:
                    write_para(body, p, slide.part)
            self.notes(slide, notes if number == 0 else notes + ["(Continued from the previous slide.)"])

    def notes(self, slide, lines: list[str]) -> None:
        """Speaker notes. python-pptx makes the first notes page (and the notes master); the others are copies of
        that blank page, which is much quicker than cloning the master's placeholders for every slide."""
        if self._notes_page is None:
            notes = slide.notes_slide
            self._notes_page = copy.deepcopy(notes._element)
            self._notes_master_part = notes.part.part_related_by(RT.NOTES_MASTER)
            element = notes._element
        else:
            self._notes_count += 1
            element = copy.deepcopy(self._notes_page)
            part = NotesSlidePart(PackURI(f"/ppt/notesSlides/notesSlide{self._notes_count}.xml"),
                                  CT.PML_NOTES_SLIDE, slide.part.package, element)
            part.relate_to(self._notes_master_part, RT.NOTES_MASTER)
            part.relate_to(slide.part, RT.SLIDE)
            slide.part.relate_to(part, RT.NOTES_SLIDE)
        body = element.xpath("./p:cSld/p:spTree/p:sp[p:nvSpPr/p:nvPr/p:ph[@type='body']]/p:txBody")[0]
        for p in body.findall(qn("a:p")):
            body.remove(p)
        for line in lines:
            paragraph = etree.SubElement(body, qn("a:p"))
            run = etree.SubElement(paragraph, qn("a:r"))
            etree.SubElement(run, qn("a:rPr"), lang=LANGUAGE, dirty="0")
            etree.SubElement(run, qn("a:t")).text = clean(line)

    def cover(self, content: ExportContent, created: datetime, notes: list[str]) -> None:
        slide = self.add_slide(self.layouts["Title Slide"])
        _set_title(slide, content.title or "Briefing", cover=True)
        shape = slide.placeholders[1]
        _body_pr(shape)
        width, height = _box(shape)
        lines = cover_lines(content, created)
        paras = [Para(tokens, BODY, space_before=6) for _, tokens in lines]
        if sum(p.height(width) for p in paras) > height:
            paras = [Para(tokens, SMALL, space_before=6) for _, tokens in lines]
            while len(paras) > 1 and sum(p.height(width) for p in paras) > height:
                paras.pop()  # the last lines (publisher, source) are on the closing slide too
        body = _clear(shape)
        for p in paras:
            write_para(body, p, slide.part)
        self.notes(slide, notes)


# --- the template, made 16:9 -------------------------------------------------------------------------------------


def _prepare(prs) -> None:
    """Widen python-pptx's 4:3 template to 16:9, restyle its master, and drop what it carried that is not ours."""
    old_width = prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    factor = SLIDE_WIDTH / old_width
    master = prs.slide_master
    for shapes in [master.shapes] + [layout.shapes for layout in prs.slide_layouts]:
        for shape in shapes:
            xfrm = shape._element.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
            if xfrm is not None:
                shape.left, shape.width = round(shape.left * factor), round(shape.width * factor)

    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            shape.left, shape.top, shape.width, shape.height = 0, 0, SLIDE_WIDTH, TITLE_BAND
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb(NAVY)
            _body_pr(shape, left=TITLE_INSET_X, right=TITLE_INSET_X, anchor="ctr")
        elif kind == PP_PLACEHOLDER.BODY:
            shape.left, shape.top, shape.width, shape.height = MARGIN, BODY_TOP, BODY_WIDTH, BODY_HEIGHT
            _body_pr(shape)

    two = prs.slide_layouts.get_by_name("Two Content")
    for idx, left in ((1, MARGIN), (2, MARGIN + COLUMN_WIDTH + COLUMN_GAP)):
        shape = two.placeholders[idx]
        shape.left, shape.top, shape.width, shape.height = left, BODY_TOP, COLUMN_WIDTH, BODY_HEIGHT
    cover = prs.slide_layouts.get_by_name("Title Slide")
    title, subtitle = cover.placeholders[0], cover.placeholders[1]
    title.left, title.top, title.width, title.height = 0, 0, SLIDE_WIDTH, COVER_TITLE
    title.fill.solid()
    title.fill.fore_color.rgb = _rgb(NAVY)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.5), BODY_WIDTH, Inches(3.7)
    for element in subtitle._element.iter(qn("a:lvl1pPr"), qn("a:lvl2pPr"), qn("a:lvl3pPr")):
        element.set("algn", "l")
    for tint in list(subtitle._element.iter(qn("a:tint"))):
        tint.getparent().remove(tint)

    # Text styles: white bold titles on the band, near-black body text, nothing under 20 pt.
    styles = master._element.find(qn("p:txStyles"))
    title_level = styles.find(f"{qn('p:titleStyle')}/{qn('a:lvl1pPr')}")
    title_level.set("algn", "l")
    _restyle(title_level.find(qn("a:defRPr")), TITLE_SIZES[0], WHITE, bold=True)
    body_style = styles.find(qn("p:bodyStyle"))
    for level, element in enumerate(body_style, start=1):
        if element.tag.endswith("pPr"):
            _restyle(element.find(qn("a:defRPr")), BODY if level == 1 else SMALL, INK)

    part_of = {rel.reltype: rel for rel in prs.part.rels.values()}
    theme = part_of[RT.THEME].target_part
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'<a:latin typeface="[^"]*"/>', f'<a:latin typeface="{FONT}"/>', xml)
    xml = re.sub(r"<a:hlink>.*?</a:hlink>", f'<a:hlink><a:srgbClr val="{LINK}"/></a:hlink>', xml)
    xml = re.sub(r"<a:folHlink>.*?</a:folHlink>", '<a:folHlink><a:srgbClr val="5B2C83"/></a:folHlink>', xml)
    xml = re.sub(r"<a:dk2>.*?</a:dk2>", f'<a:dk2><a:srgbClr val="{NAVY}"/></a:dk2>', xml)
    xml = xml.replace('name="Office Theme"', 'name="Briefing Room"', 1)
    theme._blob = xml.encode("utf-8")
    # The template's printer settings and its thumbnail (a picture of a blank 4:3 slide) are not ours.
    if RT.PRINTER_SETTINGS in part_of:
        prs.part.drop_rel(part_of[RT.PRINTER_SETTINGS].rId)
    package = prs.part.package
    for rel in list(package._rels.values()):
        if rel.reltype == RT.THUMBNAIL:
            package._rels.pop(rel.rId)
    view = part_of.get(RT.VIEW_PROPS)
    if view is not None:
        view.target_part._blob = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<p:viewPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            b'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
            b'<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'
        )


def _restyle(def_rpr: etree._Element | None, size: int, color: str, bold: bool = False) -> None:
    if def_rpr is None:
        return
    def_rpr.set("sz", str(size * 100))
    if bold:
        def_rpr.set("b", "1")
    def_rpr.set("lang", LANGUAGE)
    for fill in def_rpr.findall(qn("a:solidFill")):
        def_rpr.remove(fill)
    fill = etree.Element(qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=color)
    def_rpr.insert(0, fill)


def _finish(prs, content: ExportContent, created: datetime) -> None:
    """Document properties of our own, and the notes pages shaped for 16:9 slides."""
    notes_master = prs.notes_master
    for shape in notes_master.placeholders:
        if shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_IMAGE:
            middle = shape.top + shape.height // 2
            shape.height = round(shape.width * 9 / 16)
            shape.top = middle - shape.height // 2

    b, s = content.briefing, content.session
    when = created.astimezone(timezone.utc).replace(tzinfo=None) if created.tzinfo else created
    props = prs.core_properties
    title = clean(b.get("title", "")) or "Briefing"
    if s is None:
        props.title = title
        props.author = clean(b.get("publisher", "")) or "Briefing Room"
        props.subject = clean(f"Session pack: {title}, delivered with the {content.template.get('name', '')} template")
        props.category = "Safeguarding briefing: session pack"
        props.content_status = "Session pack"
        props.identifier = clean(b.get("id", ""))
        props.comments = clean(f"An offline session pack made by Briefing Room. Source: {b.get('source', '')}")
    else:
        team = f", {s.team}" if clean(s.team) else ""
        props.title = clean(f"{title}: session record{team}, {long_day(local_date(s.started_at))}")
        props.author = clean(s.facilitator) or "Briefing Room"
        props.subject = clean(f"What the room said in a briefing session on {title}")
        props.category = "Safeguarding briefing: session record"
        props.content_status = "Session record (in progress)" if s.running else "Session record"
        props.identifier = clean(s.session_id)
        props.comments = clean(
            f"A session record made by Briefing Room: responses as they reached the screen, and agreed actions. "
            f"Briefing source: {b.get('source', '')}")
    props.keywords = clean("; ".join(b.get("themes") or []))
    props.language = LANGUAGE
    props.last_modified_by = "Briefing Room"
    props.created = when
    props.modified = when
    props.revision = 1
    props.version = "1"

    slides = len(prs.slides)
    app = next(rel.target_part for rel in prs.part.package._rels.values() if rel.reltype == RT.EXTENDED_PROPERTIES)
    app._blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>Briefing Room</Application><PresentationFormat>Widescreen</PresentationFormat>"
        f"<Slides>{slides}</Slides><Notes>{slides}</Notes><HiddenSlides>0</HiddenSlides>"
        "</Properties>"
    ).encode("utf-8")


# --- the deck ------------------------------------------------------------------------------------------------------


def build_deck(content: ExportContent, *, created: datetime) -> bytes:
    """The .pptx of a briefing (an offline session pack) or of a session (the same, with what the room said)."""
    prs = Presentation()
    _prepare(prs)
    deck = _Deck(prs)
    s = content.session
    template = content.template.get("name") or "session template"
    planned = sum(step.planned_seconds for step in content.steps)

    if s is None:
        cover_notes = [f"Session pack for {content.title}, delivered with the {template} template "
                       f"({m_ss(planned)} planned).", clean(content.template.get("description", ""))]
    else:
        cover_notes = [f"Record of a session on {content.title} with {s.team or 'the team'}, "
                       f"{long_datetime(s.started_at)}.",
                       f"Attendance: {plural(s.attendance, 'person', 'people')}.",
                       f"Time: {m_ss(s.spent_seconds)} spent of {m_ss(planned)} planned."]
        if s.running:
            cover_notes.append(f"The session was still running: this is the record as it stood at "
                               f"{long_datetime(created)}.")
    deck.cover(content, created, [line for line in cover_notes if line])

    left, right = overview_columns(content)
    overview_notes = [f"The briefing's segments at a glance, and the {plural(len(content.steps), 'step')} of the "
                      f"{template} template: {m_ss(planned)} planned in all."]
    if s is not None:
        overview_notes.append(f"Time spent in all: {m_ss(s.spent_seconds)}.")
    deck.content_slides("At a glance", [left, right], overview_notes)

    seen: set = set()
    questions = frozenset(question.text for _, question in content.questions)
    for step in content.steps:
        deck.content_slides(f"Step {step.number}: {step.title}", [step_paras(content, step, seen, questions)],
                            step_notes(content, step))
    if s is not None and not any(step.records_actions for step in content.steps):
        deck.content_slides("Agreed actions", [action_paras(s.actions)],
                            [f"What the team agreed to do: {plural(len(s.actions), 'action')}."])

    also = [section for section in content.unshown if section.kind != "resources"]
    if also:
        paras = [p for section in also for p in section_paras(section)]
        deck.content_slides("Also in this briefing", [paras],
                            [f"These parts of the briefing are not shown by any step of the {template} template; "
                             "they are here so the pack holds the whole briefing."])

    closing: list[Para] = []
    for section in content.resources:
        closing.extend(section_paras(section))
    closing.extend(about_paras(content))
    deck.content_slides("Where to learn more" if content.resources else "Where this briefing came from", [closing],
                        ["Close the session: point the room to where to learn more and where the briefing came from."])

    _finish(prs, content, created)
    out = BytesIO()
    prs.save(out)
    return out.getvalue()
