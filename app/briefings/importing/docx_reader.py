"""Word documents (.docx): paragraphs in reading order, with their heading and list styles, as source lines.

The zip is opened in memory and every part is counted as it inflates, so a "zip bomb" is stopped before
python-docx parses anything.
"""

from __future__ import annotations

import copy as copy_module
import io
import re
import struct
import zipfile
import zlib

from .blocks import SourceLine, is_labelled_note, normalise
from .limits import DEFAULT_LIMITS, ImportLimits, check_characters, line_too_long, megabytes, too_many_lines
from .report import HOW_STYLE, HOW_TITLE_STYLE, ImportFailed

# --- Word documents --------------------------------------------------------------------------------------


def _docx_package(data: bytes, name: str, limits: ImportLimits) -> io.BytesIO:
    """The .docx rebuilt in memory from its parts as they really inflate, for python-docx to read.

    A zip's listing declares each part's size, and python-docx (through zipfile) would inflate a part in
    one go, up to a gigabyte at a time, whatever the listing says. So the listing is checked first (cheap
    refusals), then every part is inflated here in small chunks with a running count that stops at the limit,
    and python-docx only ever sees the counted bytes. Parts that are not XML (pictures, fonts, embedded
    files) are counted and then left out: nothing in the import needs their bytes.
    """
    _check_zip_listing_size(data, name, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
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
        f"'{name}' cannot be imported: its part '{member}' inflates to more than {megabytes(limit)} {what}, "
        "and a briefing is far smaller. It may be a 'zip bomb' (its zip listing understates the sizes): save a "
        "fresh copy from Word, or copy the text into a .txt file, and import that."
    )


def _check_zip_listing_size(data: bytes, name: str, limits: ImportLimits) -> None:
    """Refuse a zip that lists more parts than a Word document has, from its last record, before zipfile
    builds an object for every entry of the listing (hundreds of thousands fit in 25 MB)."""
    tail = data[-(22 + 65535) :]
    at = tail.rfind(_ZIP_END)
    if at < 0 or len(tail) - at < 22:
        raise _broken_docx(name)
    entries, listing_bytes = struct.unpack_from("<HI", tail, at + 10)
    if entries > limits.max_docx_parts or listing_bytes > limits.max_docx_parts * 1024:
        shown = f"{entries:,} parts" if entries != 0xFFFF else "over 65,000 parts"
        raise ImportFailed(
            f"'{name}' lists {shown} inside ({megabytes(listing_bytes)} of listing), more than the "
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
            f"'{name}' would unpack to {megabytes(total)}, more than the {megabytes(limits.max_docx_unpacked_bytes)}"
            " a briefing needs: it may be a 'zip bomb'. Save a fresh copy from Word, or copy the text into a .txt "
            "file, and import that."
        )
    xml_total = sum(member.file_size for member in members if _is_xml_part(member.filename))
    if xml_total > limits.max_docx_xml_bytes:
        raise ImportFailed(
            f"'{name}' has {megabytes(xml_total)} of document XML, more than the "
            f"{megabytes(limits.max_docx_xml_bytes)} a briefing needs: check it is the right file, or copy the "
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


def docx_lines(data: bytes, name: str, limits: ImportLimits) -> list[SourceLine]:
    """The lines of a .docx given as its bytes; `name` is the file's name, for messages."""
    package = _docx_package(data, name, limits)
    try:
        import docx  # python-docx; imported here so text and PDF imports do not pay for it
        from docx.oxml.ns import qn

        document = docx.Document(package)
        del package  # python-docx holds the parts it read; the rebuilt zip can go
        lines = _WordReader(document, qn).lines(limits, f"'{name}'")
    except ImportFailed:
        raise
    except Exception as error:  # python-docx raises many kinds (KeyError, XMLSyntaxError, ...) on broken files
        raise ImportFailed(
            f"'{name}' could not be read as a Word document ({type(error).__name__}): open it in Word and "
            "save it again as .docx, or copy its text into a .txt file."
        ) from None
    if not lines:
        raise ImportFailed(f"'{name}' has no text: check it is the right document.")
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

    def lines(self, limits: ImportLimits = DEFAULT_LIMITS, named: str = "The document") -> list[SourceLine]:
        """The document's lines; stops at the first limit passed (characters, lines, paragraph length)."""
        qn = self.qn
        fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
        lines: list[SourceLine] = []
        characters = 0
        body = self.document.element.body
        for paragraph in body.iter(qn("w:p")):
            text = normalise(self._text_of(paragraph))
            if not text:
                continue
            # Word stores each text box twice (DrawingML and an old VML copy under mc:Fallback); read it once.
            if any(ancestor.tag == fallback for ancestor in paragraph.iterancestors()):
                continue
            if len(text) > limits.max_line_characters:
                raise line_too_long(len(text), f" (paragraph {len(lines) + 1})", limits, named)
            characters += len(text) + 1
            check_characters(characters, limits, named)
            if len(lines) == limits.max_lines:
                raise too_many_lines(limits, named)
            line = SourceLine(text=text)
            self._apply_style(paragraph, line)
            lines.append(line)
        # A plain paragraph right under a list item that starts with a label ("Learning for Practice: ...") is a
        # note on that item; every other paragraph stands on its own, as if blank lines separated them.
        for previous, line in zip(lines, lines[1:]):
            if previous.style in ("bullet", "numbered") and line.style is None and is_labelled_note(line.text):
                previous.blank_after = line.blank_before = False
        return lines

    def _apply_style(self, paragraph, line: SourceLine) -> None:
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

    def _list_item(self, line: SourceLine, num_id: str, level_id: str, default_format: str = "bullet") -> None:
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


