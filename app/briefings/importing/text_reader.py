"""Plain text and Markdown: decoding the bytes, and one source line per non-blank line."""

from __future__ import annotations

import re
from pathlib import Path

from .blocks import SourceLine, normalise
from .limits import megabytes
from .report import HOW_MARKDOWN, ImportFailed

def read_limited(path: Path, limit: int, what: str) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ImportFailed(
            f"'{path.name}' is larger than {megabytes(limit)} of {what}, far more than a briefing: check it is "
            "the right file."
        )
    return data


def decode_text(data: bytes, name: str) -> str:
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


_ATX_HEADING = re.compile(r"^#{1,6}\s+(\S.*)$")


def text_lines(text: str) -> list[SourceLine]:
    raw = [normalise(line) for line in text.splitlines()]
    lines: list[SourceLine] = []
    for index, line in enumerate(raw):
        if not line:
            continue
        entry = SourceLine(
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
