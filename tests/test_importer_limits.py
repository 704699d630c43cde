"""The importer's work is bounded whatever it is given: a .docx whose zip lies about its sizes is stopped while it
inflates, and a text with far more in it than a briefing (characters, lines, headings) is refused before the
slow steps, each with a message that names the limit."""

from __future__ import annotations

import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from app.briefings.importing import DEFAULT_LIMITS, ImportFailed, ImportLimits, import_file, import_text

from .test_importer import PDF_LINES, failure, fpdf_document, word_document, write

MB = 1024 * 1024


def peak_memory_of(action) -> int:
    """The most memory Python objects took while `action` ran (what a zip bomb would inflate into)."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def refused(action) -> str:
    with pytest.raises(ImportFailed) as failed:
        action()
    return str(failed.value)


# --- zips that lie about their sizes ---------------------------------------------------------------------


def declare_size(path: Path, member: str, size: int) -> None:
    """Overwrite the uncompressed size `member` declares, in its local header and in the central directory."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        directory_start = archive.start_dir
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, size)
    position = directory_start
    while data[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, position + 24, size)
        position += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(data))


def lying_docx(tmp_path: Path, member: str, inflated_mb: int, declared: int = 1000) -> Path:
    """A real Word document whose `member` inflates to `inflated_mb` MB while its zip says `declared` bytes."""
    source = word_document(tmp_path / "honest.docx")
    path = tmp_path / "lying.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            if info.filename != member:
                archive.writestr(info.filename, original.read(info.filename))
        with archive.open(member, "w") as part:
            chunk = b"\x00" * MB
            for _ in range(inflated_mb):
                part.write(chunk)
    declare_size(path, member, declared)
    return path


# Every part python-docx reads: the document itself, its styles and numbering, and a binary part (the
# thumbnail python-docx's template carries; a picture in a real briefing is the same).
@pytest.mark.parametrize(
    ("member", "limit"),
    [
        ("word/document.xml", "10 MB"),
        ("word/styles.xml", "10 MB"),
        ("word/numbering.xml", "10 MB"),
        ("docProps/thumbnail.jpeg", "50 MB"),
    ],
)
def test_a_docx_part_that_inflates_far_past_its_declared_size_is_stopped_at_the_limit(tmp_path, member, limit):
    path = lying_docx(tmp_path, member, inflated_mb=200)
    assert path.stat().st_size < MB  # 200 MB squeezed into a few hundred KB, declared as 1,000 bytes
    messages: list[str] = []
    peak = peak_memory_of(lambda: messages.append(refused(lambda: import_file(path))))
    assert f"'{member}' inflates to more than {limit}" in messages[0]
    assert "lying.docx" in messages[0] and "zip bomb" in messages[0]
    # What was unpacked stays within the limit it names (and far from the 200 MB the part holds).
    assert peak < 32 * MB


def test_a_docx_whose_zip_misstates_a_part_size_within_the_limits_is_refused_as_damaged(tmp_path):
    path = lying_docx(tmp_path, "word/document.xml", inflated_mb=1)
    message = failure(path)
    assert "damaged" in message and "'word/document.xml' is 1,048,576 bytes, not the 1,000" in message


def test_a_docx_with_an_honest_zip_is_still_read_after_its_parts_are_counted(tmp_path):
    briefing = import_file(word_document(tmp_path / "child-n.docx")).briefing
    assert briefing.title == "Child N" and len(briefing.sections) == 4


def test_a_docx_listing_more_parts_than_the_limit_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(30):
            archive.writestr(f"word/media/{number}.bin", b"")
    message = failure(path, limits=ImportLimits(max_docx_parts=20))
    assert "31 parts" in message and "20" in message


def test_a_docx_packed_with_something_other_than_deflate_is_refused(tmp_path):
    # bzip2 and LZMA inflate a whole read in one go, without the running count; Word only ever uses deflate.
    path = tmp_path / "bzip2.docx"
    source = word_document(tmp_path / "honest.docx")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for info in original.infolist():
            archive.writestr(info.filename, original.read(info.filename))
    assert "compression" in failure(path)


# --- far more text than a briefing -----------------------------------------------------------------------


def test_a_4_mb_text_of_200000_heading_like_lines_is_refused_at_the_character_limit_without_the_work(tmp_path):
    text = "Child Z\n\n" + "".join(f"## Heading {number}\n\n" for number in range(200_000))
    path = write(tmp_path, "headings.txt", text.encode())
    assert path.stat().st_size > 3 * MB
    messages: list[str] = []
    peak = peak_memory_of(lambda: messages.append(refused(lambda: import_file(path))))
    limit = f"{DEFAULT_LIMITS.max_characters:,}"
    assert f"more than the {limit} characters" in messages[0] and "headings.txt" in messages[0]
    # Reading and decoding the file is all that happens: no lines, tokens or sections are built.
    assert peak < 8 * path.stat().st_size


def test_more_lines_than_the_line_limit_are_refused_naming_the_limit():
    lines = [f"Part {number}" for number in range(DEFAULT_LIMITS.max_lines + 1)]
    text = "Child Z\n\n" + "\n\n".join(lines)
    assert len(text) < DEFAULT_LIMITS.max_characters
    message = refused(lambda: import_text(text))
    assert f"more than {DEFAULT_LIMITS.max_lines:,} lines" in message


def test_more_headings_than_the_heading_limit_are_refused_naming_the_limit():
    sections = [
        f"## Part {number}\n\nWhat happened in part {number}." for number in range(DEFAULT_LIMITS.max_headings + 1)
    ]
    text = "Child Z\n\n" + "\n\n".join(sections)
    assert text.count("\n") < DEFAULT_LIMITS.max_lines
    message = refused(lambda: import_text(text))
    assert f"more than {DEFAULT_LIMITS.max_headings:,} headings" in message


def test_a_line_longer_than_the_line_length_limit_is_refused_naming_the_limit():
    text = "Child Z\n\nBackground\n\n" + "[" * (DEFAULT_LIMITS.max_line_characters + 1) + "\n"
    message = refused(lambda: import_text(text))
    assert f"more than the {DEFAULT_LIMITS.max_line_characters:,} characters" in message and "line 5" in message


def test_a_briefing_well_inside_every_limit_is_imported_as_before():
    sections = [f"## Part {number}\n\nWhat happened in part {number}." for number in range(50)]
    briefing = import_text("Child Z\n\n" + "\n\n".join(sections)).briefing
    assert len(briefing.sections) == 50


def test_a_word_document_with_more_paragraphs_than_the_line_limit_is_refused(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Child Z", style="Title")
    for number in range(30):
        document.add_paragraph(f"Paragraph {number}.")
    path = tmp_path / "long.docx"
    document.save(path)
    assert "more than 20 lines" in failure(path, limits=ImportLimits(max_lines=20))


def test_a_pdf_with_more_text_than_the_character_limit_is_refused(tmp_path):
    path = write(tmp_path, "child-m.pdf", fpdf_document(PDF_LINES))
    message = failure(path, limits=ImportLimits(max_characters=100))
    assert "more than the 100 characters" in message and "child-m.pdf" in message
