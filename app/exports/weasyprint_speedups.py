"""Guarded shortcuts in WeasyPrint's line breaking and text drawing that give the same PDF with less work.

A session record's cost is per line of text: a flooded session (1,000 responses of 1,900 characters) has about
24,000 lines, and WeasyPrint spends most of its time breaking and drawing each of them. Two places do work whose
result is already known in the common case; each shortcut recognises that case exactly and hands everything else
to WeasyPrint's own code, so what is laid out and drawn does not change (tests/test_export_pdf.py renders text
both ways and compares the pages' content).

- `split_first_line` (weasyprint.text.line_break) lays out up to ~4 em-widths of characters to find where the
  line breaks, then lays out the line again with the next line's first word added, in case Pango broke early
  because of the space after that word. When the glyphs it already has show that the word cannot fit (the
  line's width plus the word's, with a margin for kerning, is over the limit), the second layout is skipped:
  it could only confirm the break. On a record's text the word fits in about 1 line in 1,600, and a line whose
  word comes within the margin of fitting still goes through WeasyPrint's code.
- `draw_first_line` (weasyprint.draw.text) writes a kerning adjustment after every glyph whose width differs from
  its rounded width in the font, which with fractional glyph positions is nearly all of them, and most round to
  an adjustment of 0 (`>0<` in the content stream): nothing moves, but the stream is written, compressed and
  stored. The same function is compiled with a test that skips the adjustments that round to 0.

Both are applied only to the WeasyPrint version they were written against (`WEASYPRINT_VERSION`), and only if the
source they replace is what was read; otherwise WeasyPrint runs unchanged (and `applied` says so).
"""

from __future__ import annotations

import inspect
import logging
import re
import threading
from math import inf

import weasyprint
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, pango

LOGGER = logging.getLogger(__name__)

WEASYPRINT_VERSION = "70.0"
# How far (in font sizes) the next word must overshoot the line for the shortcut to trust its own estimate: glyphs
# measured at the start of the second line may kern differently at the end of the first (well under 0.3 em in
# any Latin font).
KERNING_MARGIN_EM = 0.3
SOFT_HYPHEN = "\xad"
# Text with any of these is left to WeasyPrint: preserved line breaks and tabs change how Pango lays out a line.
SPECIAL = re.compile("[\t\n\r\f\v\x85\u2028\u2029\xad]")

applied: dict[str, bool] = {"split_first_line": False, "draw_first_line": False}


def _width_up_to(line, end: int) -> float:
    """The width (CSS px) of the glyphs of a Pango line whose text starts before byte `end`."""
    width = 0
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        offset = glyph_item.item.offset
        if offset >= end:
            continue
        glyphs = glyph_item.glyphs
        infos, clusters = glyphs.glyphs, glyphs.log_clusters
        for index in range(glyphs.num_glyphs):
            if offset + clusters[index] < end:
                width += infos[index].geometry.width
    return width * line_break.FROM_UNITS


class _Paragraph:
    """A text laid out whole at one width by Pango, kept while WeasyPrint asks for its lines one at a time."""

    def __init__(self, text, style, context, max_width, justification_spacing):
        self.text, self.style, self.max_width = text, style, max_width
        self.justification_spacing = justification_spacing
        self.layout = line_break.create_layout(text, style, context, max_width, justification_spacing)
        self.log_attrs = pango.pango_layout_get_log_attrs_readonly(self.layout.layout, ffi.NULL)
        encoded = text.encode()
        self.byte_length = len(encoded)
        self.byte_starts: list[int] = []
        while (line := pango.pango_layout_get_line_readonly(self.layout.layout, len(self.byte_starts))) != ffi.NULL:
            self.byte_starts.append(line.start_index)
        self.line_of_byte = {start: index for index, start in enumerate(self.byte_starts)}
        self.char_starts = [len(encoded[:start].decode()) for start in self.byte_starts]

    def matches(self, text, style, max_width, justification_spacing) -> bool:
        return (style is self.style and max_width == self.max_width
                and justification_spacing == self.justification_spacing and self.text.endswith(text))

    def line(self, index):
        return pango.pango_layout_get_line_readonly(self.layout.layout, index)


class _Paragraphs(threading.local):
    """The last few texts laid out whole, per thread (two exports may render at once in one process)."""

    KEEP = 4

    def __init__(self):
        self.recent: list[_Paragraph] = []

    def find(self, text, style, max_width, justification_spacing):
        for paragraph in self.recent:
            if paragraph.matches(text, style, max_width, justification_spacing):
                return paragraph
        return None

    def add(self, paragraph):
        self.recent.insert(0, paragraph)
        del self.recent[self.KEEP:]

    def clear(self):
        self.recent.clear()


_paragraphs = _Paragraphs()


def _quick_split_first_line(original):
    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True,
                         minimum=False):
        """WeasyPrint's `split_first_line`, reading the line from the whole text laid out once when it can."""
        font_size = style["font_size"]
        if (
            max_width is None or max_width == inf or not font_size or font_size * 4 > max_width
            or style["white_space"] not in ("normal", "pre-line")
            or style["hyphens"] == "auto"
            or style["letter_spacing"] != "normal"
            or style["word_spacing"] != 0
        ):
            return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        short_length = int(max_width / font_size * 4)  # how much of the text WeasyPrint lays out for one line
        if len(text) <= short_length:  # the text's last line or two: WeasyPrint's own way costs as little
            return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        paragraph = _paragraphs.find(text, style, max_width, justification_spacing)
        if paragraph is None:
            if SPECIAL.search(text):
                return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
            paragraph = _Paragraph(text, style, context, max_width, justification_spacing)
            _paragraphs.add(paragraph)
        result = _line_from(paragraph, text, style, max_width, short_length)
        if result is None:
            return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        return result

    split_first_line.wrapped = original
    return split_first_line


def _line_from(paragraph, text, style, max_width, short_length):
    """What WeasyPrint's `split_first_line` returns for `text` (the end of the paragraph's text), or None when
    this is not the plain case: a line that fits, followed by a word that cannot join it."""
    start = paragraph.byte_length - len(text.encode())
    index = paragraph.line_of_byte.get(start)
    if index is None or index + 1 >= len(paragraph.byte_starts):
        return None
    next_start = paragraph.byte_starts[index + 1]
    first_chars = paragraph.char_starts[index + 1] - paragraph.char_starts[index]
    if first_chars + 1 >= short_length:  # WeasyPrint's first guess would hold one line at most: its own way
        return None
    line = paragraph.line(index)
    first_line_width, _ = line_break.line_size(line, style)
    if first_line_width > max_width:
        return None
    # The first word of the next line, found as WeasyPrint finds it (within its first guess of the text).
    offset = paragraph.char_starts[index]
    log_attrs = paragraph.log_attrs[offset + first_chars + 1:offset + short_length]
    break_point = line_break.get_next_break_point(log_attrs)
    if break_point is None:
        return None
    second_line_text = text[first_chars:]
    next_word = second_line_text[:break_point].rstrip(" ")
    if not next_word or second_line_text[break_point] != " ":
        return None
    word_end = next_start + len(next_word.encode())
    needed = first_line_width + _width_up_to(paragraph.line(index + 1), word_end)
    if needed <= max_width + KERNING_MARGIN_EM * style["font_size"]:
        return None  # it might fit without its space: WeasyPrint tries it
    # WeasyPrint would lay out the first ~4 em-widths of text, break them where the paragraph breaks, try the
    # word and find the same break; then lay out the line's own text to measure it. Only that last step is left.
    layout = line_break.Layout(style, paragraph.justification_spacing, max_width)
    return line_break.first_line_metrics(line, text, layout, next_start - start, True, style)


def _without_zero_kerning(original):
    """`draw_first_line` compiled again with `if kerning:` read as `if int(kerning):` (what it writes)."""
    source = inspect.getsource(original)
    old, new = "            if kerning:\n", "            if int(kerning):\n"
    if source.count(old) != 1 or "string += f'>{int(kerning)}<'" not in source:
        return None
    defined: dict = {}
    # Compiled in the module's own namespace, so it sees the same names (pango, LOGGER, ...) as the original.
    exec(compile(source.replace(old, new), original.__code__.co_filename, "exec"), original.__globals__, defined)  # noqa: S102
    replacement = defined[original.__name__]
    replacement.wrapped = original
    return replacement


def apply() -> dict[str, bool]:
    """Install the shortcuts once, on the WeasyPrint version they were checked against."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        LOGGER.info("WeasyPrint %s is not %s: PDFs render without the speed-ups", weasyprint.__version__,
                    WEASYPRINT_VERSION)
        return applied
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline, preferred

    if not applied["split_first_line"] and not hasattr(line_break.split_first_line, "wrapped"):
        quick = _quick_split_first_line(line_break.split_first_line)
        for module in (line_break, inline, preferred):
            if getattr(module, "split_first_line", None) is quick.wrapped:
                module.split_first_line = quick
        applied["split_first_line"] = True
    if not applied["draw_first_line"] and not hasattr(draw_text.draw_first_line, "wrapped"):
        replacement = _without_zero_kerning(draw_text.draw_first_line)
        if replacement is not None:
            draw_text.draw_first_line = replacement
            applied["draw_first_line"] = True
    return applied
