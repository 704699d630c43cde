"""Guarded shortcuts in WeasyPrint's line breaking and text drawing that give the same PDF with less work.

A session record's cost is per line of text: a flooded session (1,000 responses of 1,900 characters) has about
24,000 lines, and WeasyPrint spends most of its time breaking and drawing each of them. Two places do work whose
result is known in the common case; each shortcut recognises that case and hands everything else to WeasyPrint's
own code, so what is laid out and drawn does not change (tests/test_export_pdf.py renders text both ways and
compares every page's drawing, and breaks texts line by line at many widths both ways).

- `split_first_line` (weasyprint.text.line_break) is asked for one line at a time. For each it lays out the first
  ~4 em-widths of the remaining text with Pango to find the break, lays the line out again with the next line's
  first word added (in case Pango broke early because of the space after that word), and once more to measure
  the line: three layouts of about 170, 105 and 100 characters per line. Here the whole text (a response) is laid
  out once at that width and each line's break read from it; the word is tried only when the glyphs show it could
  fit (within `KERNING_MARGIN_EM`), and a line where it does fit, or any other case (preserved line breaks, soft
  hyphens, letter spacing, automatic hyphenation, a word wider than the line, a text of two lines or less), goes
  through WeasyPrint's code. The line is still laid out on its own to measure it, as WeasyPrint does.
- `draw_first_line` (weasyprint.draw.text) walks every glyph in Python through cffi structures and writes a
  kerning adjustment after each one whose width differs from its rounded width in the font: with fractional
  glyph positions nearly all of them, most rounding to 0 (`>0<` in the content stream), which moves nothing but
  is written, compressed and stored. For a line of plain glyphs (no ellipsis, no emoji font, no missing, empty or
  raised glyph) the glyphs are read in one block, the same glyphs, positions and text mapping are written, and
  adjustments of 0 are left out; any other line is drawn by WeasyPrint's function.

Both are installed only on the WeasyPrint version they were written against (`WEASYPRINT_VERSION`) and only if the
source of every function they replace or imitate is the one read (`SOURCES`); otherwise WeasyPrint runs
unchanged, and `applied` says which are in place.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
import struct
import threading
import weakref
from math import inf

import weasyprint
from weasyprint.text import line_break
from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description

LOGGER = logging.getLogger(__name__)

WEASYPRINT_VERSION = "70.0"
# The functions replaced or relied on, as read for that version (SHA-256 of their source, first 16 digits): any
# other source and that shortcut is not installed.
SOURCES = {
    "split_first_line": "39ad1016863ca34d",
    "first_line_metrics": "55ec5d0b58b29a8b",
    "set_text": "fe23ca9937dbf520",
    "create_layout": "6587192cc0ab3ffa",
    "draw_first_line": "1bb8eae6d88e71b1",
    "setup": "fb227a55094f41d4",
    "strut": "b57885b70dd08efe",
}
# How far (in font sizes) the next word must overshoot the line for the shortcut to trust its own estimate: glyphs
# measured at the start of the second line may kern differently at the end of the first (well under 0.3 em in
# any Latin font).
KERNING_MARGIN_EM = 0.3
SOFT_HYPHEN = "\xad"
# Text with any of these is left to WeasyPrint: preserved line breaks and tabs change how Pango lays out a line.
SPECIAL = re.compile("[\t\n\r\f\v\x85\u2028\u2029\xad]")

applied: dict[str, bool] = {"split_first_line": False, "draw_first_line": False, "setup": False, "strut": False}


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


def forget() -> None:
    """Let go of the texts and styles kept for line breaking (call when a document is done)."""
    _paragraphs.clear()
    _layout_parts.clear()
    _struts.clear()


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
        paragraph = _paragraphs.find(text, style, max_width, justification_spacing)
        if paragraph is None:
            # A text of two lines or less costs WeasyPrint as little as laying it out whole.
            if len(text) <= short_length or SPECIAL.search(text):
                return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
            paragraph = _Paragraph(text, style, context, max_width, justification_spacing)
            _paragraphs.add(paragraph)
        result = _line_from(paragraph, text, style, context, max_width, short_length)
        if result is None:
            return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        return result

    split_first_line.wrapped = original
    return split_first_line


def _line_from(paragraph, text, style, context, max_width, short_length):
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
    log_attrs = paragraph.log_attrs[offset + first_chars + 1:offset + min(short_length, len(text))]
    break_point = line_break.get_next_break_point(log_attrs)
    if break_point is None:
        return None
    second_line_text = text[first_chars:]
    next_word = second_line_text[:break_point].rstrip(" ")
    if not next_word or second_line_text[break_point] != " ":
        return None
    word_end = next_start + len(next_word.encode())
    needed = first_line_width + _width_up_to(paragraph.line(index + 1), word_end)
    resume_index = next_start - start
    if needed <= max_width + KERNING_MARGIN_EM * style["font_size"]:
        # It might fit without its space: try it as WeasyPrint does, and leave the rest to WeasyPrint if it does
        # (or if the line breaks anywhere else).
        trial = line_break.create_layout(
            text[:first_chars] + next_word, style, context, max_width, paragraph.justification_spacing)
        trial_line, trial_resume = trial.get_first_line()
        if trial_resume != resume_index or trial_line.length != line.length:
            return None
    # WeasyPrint would lay out the first ~4 em-widths of text, break them where the paragraph breaks, try the
    # word and find the same break; then lay out the line's own text to measure it. Only that last step is left.
    layout = line_break.Layout(style, paragraph.justification_spacing, max_width)
    return line_break.first_line_metrics(line, text, layout, resume_index, True, style)


_GLYPH_INFO = struct.Struct("=IiiiI")  # PangoGlyphInfo: glyph, geometry (width, x offset, y offset), attributes


def _plain_runs(first_line, stream):
    """The line's runs as (Pango font, its font in the PDF, glyph item, glyphs as tuples), or None if any glyph
    needs WeasyPrint's other cases: an empty or missing glyph, a raised one, or a colour (emoji) font."""
    runs = []
    run = first_line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        glyphs = list(_GLYPH_INFO.iter_unpack(ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO.size)))
        for glyph_id, _, _, y_offset, _ in glyphs:
            if glyph_id == pango.PANGO_GLYPH_EMPTY or glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG or y_offset:
                return None
        pango_font = glyph_item.item.analysis.font
        font, _ = stream.add_font(pango_font)
        if font.svg or font.png or font.colr:
            return None
        runs.append((pango_font, glyph_item, glyphs))
    return runs


def _plain_text_drawing(original):
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        """WeasyPrint's `draw_first_line` for a line of plain glyphs (no ellipsis, no emoji, no missing or raised
        glyph), writing the same glyphs, positions and text mapping, without the kerning adjustments of 0."""
        if (text_overflow == "ellipsis" or block_ellipsis != "none" or not textbox.text.strip()
                or textbox.style["font_size"] < 1e-6):
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
        first_line, _ = textbox.pango_layout.get_first_line()
        runs = _plain_runs(first_line, stream)
        if runs is None:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)

        stream.set_text_matrix(*matrix.values)
        previous_pango_font = None
        string = ""
        parts: list[str] = []
        utf8_text = None
        for pango_font, glyph_item, glyphs in runs:
            if pango_font != previous_pango_font:
                previous_pango_font = pango_font
                font, font_size = stream.add_font(pango_font)
                if pango.pango_version() < 14802 or font.png:
                    font_size = textbox.style["font_size"]
                string = "".join(parts)
                if string:
                    stream.show_text(string)
                parts = []
                stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
                hex_format = "02x" if font.bitmap else "04x"
                to_unicode, widths = font.to_unicode, font.widths
            parts.append("<")
            item = glyph_item.item
            count = len(glyphs)
            for index, (glyph_id, width, x_offset, _, _) in enumerate(glyphs):
                if glyph_id not in to_unicode:
                    clusters = glyph_item.glyphs.log_clusters
                    t1 = clusters[index]
                    if item.analysis.level % 2:  # right to left
                        t2 = item.length if index == 0 else clusters[index - 1]
                    else:
                        t2 = item.length if index == count - 1 else clusters[index + 1]
                    utf8_text = utf8_text or textbox.pango_layout.text.encode()
                    to_unicode[glyph_id] = utf8_text[item.offset + t1:item.offset + t2].decode()
                offset = x_offset / font_size
                if offset:
                    parts.append(f">{-offset}<")
                parts.append(format(glyph_id, hex_format))
                if glyph_id in widths:
                    logical_width = widths[glyph_id]
                else:
                    pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                    logical_width = widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
                # The same sum as WeasyPrint's, so the same whole number; a 0 moves nothing and is not written.
                kerning = int(logical_width + offset - width * 1000 * FROM_UNITS / font_size)
                if kerning:
                    parts.append(f">{kerning}<")
            if parts[-1].endswith("<"):  # close the run's glyphs, dropping an empty "<"
                parts[-1] = parts[-1][:-1]
            else:
                parts.append(">")
        stream.show_text("".join(parts))
        return []

    draw_first_line.wrapped = original
    return draw_first_line


class _LayoutParts:
    """What `Layout.setup` makes from a style before it makes the layout itself: the same for every line."""

    def __init__(self, style):
        self.style = style
        font_map = style.font_config.font_map
        self.context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(self.context, False)
        pango.pango_context_set_base_dir(self.context, PANGO_DIRECTION[style["direction"]])
        if style["font_language_override"] != "normal":
            lang_p, lang = unicode_to_char_p(LST_TO_ISO.get(
                style["font_language_override"].lower(), style["font_language_override"]))
        elif style["lang"]:
            lang_p, lang = unicode_to_char_p(style["lang"])
        else:
            lang = None
            self.language = pango.pango_language_get_default()
        if lang:
            self.language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(self.context, self.language)
        assert not isinstance(style["font_family"], str), "font_family should be a list"
        self.font_description = get_font_description(style)
        self.metrics = {"ascent": None, "underline_position": None, "strikethrough_position": None}
        if style["text_decoration_line"] != "none":
            metrics = ffi.gc(
                pango.pango_context_get_metrics(self.context, self.font_description, self.language),
                pango.pango_font_metrics_unref)
            self.metrics = {
                "ascent": FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics),
                "underline_position": FROM_UNITS * pango.pango_font_metrics_get_underline_position(metrics),
                "strikethrough_position": FROM_UNITS * pango.pango_font_metrics_get_strikethrough_position(metrics),
                "underline_thickness": FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(metrics),
                "strikethrough_thickness": FROM_UNITS * pango.pango_font_metrics_get_strikethrough_thickness(
                    metrics),
            }
        features = font_features(
            style["font_kerning"], style["font_variant_ligatures"], style["font_variant_position"],
            style["font_variant_caps"], style["font_variant_numeric"], style["font_variant_alternates"],
            style["font_variant_east_asian"], style["font_feature_settings"])
        self.features = ",".join(f"{key} {value}" for key, value in features.items()).encode() if features else None


# Everything of a style that `Layout.setup` reads: styles that agree on all of it share one set of parts.
_SETUP_PROPERTIES = (
    "direction", "font_language_override", "lang", "font_family", "font_style", "font_stretch", "font_weight",
    "font_size", "font_variant_caps", "font_variation_settings", "font_kerning", "font_variant_ligatures",
    "font_variant_position", "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian",
    "font_feature_settings",
)


class _PerStyle:
    """A value remembered for each style object while it lives: held by a weak reference (keeping every style
    alive held ~27 MB more at a flooded record's peak). Styles are dicts, so they are found by id, and the entry
    goes when the style does."""

    def __init__(self):
        self.values: dict[int, tuple] = {}

    def get(self, style):
        known = self.values.get(id(style))
        return known[1] if known is not None and known[0]() is style else None

    def set(self, style, value):
        values, key = self.values, id(style)
        values[key] = (weakref.ref(style, lambda _, values=values, key=key: values.pop(key, None)), value)
        return value

    def clear(self):
        self.values.clear()


class _LayoutPartsByStyle(threading.local):
    """Per thread, the parts made for each kind of text (a handful in a document: the font settings differ far
    less often than the styles, one per element)."""

    def __init__(self):
        self.by_style = _PerStyle()
        self.by_settings: dict[str, _LayoutParts] = {}

    def get(self, style) -> _LayoutParts:
        parts = self.by_style.get(style)
        if parts is not None:
            return parts
        settings = repr((id(style.font_config), style["text_decoration_line"] != "none",
                         *(style[name] for name in _SETUP_PROPERTIES)))
        parts = self.by_settings.get(settings)
        if parts is None or parts.style.font_config is not style.font_config:
            parts = self.by_settings[settings] = _LayoutParts(style)
        return self.by_style.set(style, parts)

    def clear(self):
        self.by_style.clear()
        self.by_settings.clear()


_layout_parts = _LayoutPartsByStyle()


def _setup_from_parts(original):
    def setup(self, style):
        """WeasyPrint's `Layout.setup` with the Pango context, font description and features made once per
        style rather than once per line (twice: to measure it and to draw it)."""
        parts = _layout_parts.get(style)
        self.style = style
        self.first_line_direction = 0
        self.language = parts.language
        self.layout = ffi.gc(pango.pango_layout_new(parts.context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, parts.font_description)
        for name, value in parts.metrics.items():
            setattr(self, name, value)
        if parts.features:
            # As WeasyPrint does: one attribute per feature string, kept by the font configuration.
            attr = style.font_config.font_features.setdefault(
                parts.features, pango.pango_attr_font_features_new(parts.features))
            attr_list = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attr_list, attr)
            pango.pango_layout_set_attributes(self.layout, attr_list)

    setup.wrapped = original
    return setup


class _Struts(threading.local):
    def __init__(self):
        self.memo = _PerStyle()

    def clear(self):
        self.memo.clear()


_struts = _Struts()


def _strut_per_style(original):
    def strut(style):
        """WeasyPrint's `strut`, remembered for the style itself: WeasyPrint remembers it under a key it builds
        from fourteen of the style's values every time it is asked, twice for every line."""
        known = _struts.memo.get(style)
        return known if known is not None else _struts.memo.set(style, original(style))

    strut.wrapped = original
    return strut


def _source_is(function, expected: str) -> bool:
    """Whether `function`'s source is the one these shortcuts were written against (a SHA-256 prefix)."""
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16] == expected
    except (OSError, TypeError):
        return False


def apply() -> dict[str, bool]:
    """Install the shortcuts once, on the WeasyPrint version and source they were checked against."""
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        LOGGER.info("WeasyPrint %s is not %s: PDFs render without the speed-ups", weasyprint.__version__,
                    WEASYPRINT_VERSION)
        return applied
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline, preferred

    original = line_break.split_first_line
    if not applied["split_first_line"] and all(_source_is(function, digest) for function, digest in (
        (original, SOURCES["split_first_line"]), (line_break.first_line_metrics, SOURCES["first_line_metrics"]),
        (line_break.Layout.set_text, SOURCES["set_text"]), (line_break.create_layout, SOURCES["create_layout"]),
    )):
        quick = _quick_split_first_line(original)
        for module in (line_break, inline, preferred):
            if getattr(module, "split_first_line", None) is original:
                module.split_first_line = quick
        applied["split_first_line"] = True
    original = draw_text.draw_first_line
    if not applied["draw_first_line"] and _source_is(original, SOURCES["draw_first_line"]):
        draw_text.draw_first_line = _plain_text_drawing(original)
        applied["draw_first_line"] = True
    original = line_break.Layout.setup
    if not applied["setup"] and _source_is(original, SOURCES["setup"]):
        line_break.Layout.setup = _setup_from_parts(original)
        applied["setup"] = True
    original = inline.strut
    if not applied["strut"] and original is line_break.strut and _source_is(original, SOURCES["strut"]):
        inline.strut = _strut_per_style(original)  # the line-by-line callers; the CSS code keeps its own
        applied["strut"] = True
    return applied
