"""The importer corpus (tests/fixtures/importer_corpus/) is well formed: every file is there, every entry says
what a person expects with the app's own section kinds, and together they cover what the issue asks for (25
briefings, 15 publishers, every layout, every format). The importer's scores are not asserted here: they are
figures, printed by bench/importer_corpus.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from app.briefings.model import SECTION_KINDS

CORPUS = Path(__file__).resolve().parent / "fixtures" / "importer_corpus"

# The layouts the issue lists, by the names corpus.yaml uses.
ISSUE_LAYOUTS = {
    "boilerplate",  # "Skip to content", "Toggle Contrast", mastheads, date lines, before the title and around the text
    "question_headings",  # headings phrased as questions and longer forms
    "numbered_question_headings",  # "1. Learning Journey: What did we do?"
    "bare_numbers",  # 1 ... 7 on lines of their own
    "headings_without_blank_lines",
    "heading_with_question_subheading",  # a heading followed at once by a question sub-heading: one section
    "repeated_heading_pairs",  # "Learning Point" + "How to enhance your practice", twice
    "colon_into_list",  # a line ending ":" leading into a list
    "no_headings",  # a news item of paragraphs
    "thematic",  # definitions, types, signs: no learning or actions to find
    "unrelated_next_item",  # the next story on a listing page
    "two_from_one_publisher",
}
OTHER_LAYOUTS = {"seven_tile", "bold_headings"}  # how a PDF or Word document is laid out
FORMATS = {"txt": ".txt", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
MINIMUM_PER_FORMAT = {"html": 6, "pdf": 4, "docx": 3}


@pytest.fixture(scope="module")
def corpus() -> dict:
    return yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries(corpus) -> list[dict]:
    return corpus["entries"]


def test_the_corpus_has_at_least_25_briefings_from_at_least_15_publishers(entries):
    assert len(entries) >= 25
    assert len({entry["publisher"] for entry in entries}) >= 15


def test_every_entry_names_an_existing_file_of_its_format_once(entries):
    files = [entry["file"] for entry in entries]
    assert len(files) == len(set(files))
    for entry in entries:
        path = CORPUS / entry["file"]
        assert path.is_file(), entry["file"]
        assert path.stat().st_size > 0, entry["file"]
        assert path.suffix == FORMATS[entry["format"]], entry["file"]


def test_every_file_in_the_folder_is_in_the_corpus(entries):
    listed = {entry["file"] for entry in entries}
    fixtures = {path.name for path in CORPUS.iterdir() if path.suffix in FORMATS.values()}
    assert fixtures == listed


def test_every_entry_says_where_it_was_published_and_what_a_person_expects(entries):
    for entry in entries:
        name = entry["file"]
        address = urlparse(entry["source"])
        assert address.scheme in ("http", "https") and address.netloc, name
        assert entry["publisher"].strip() and entry["title"].strip(), name
        assert isinstance(entry["thematic"], bool), name
        assert entry["sections"], name
        for section in entry["sections"]:
            assert section["kind"] in SECTION_KINDS, (name, section)
            assert ("heading" in section) != ("starts" in section), (name, section)
            assert (section.get("heading") or section.get("starts")).strip(), (name, section)


def test_expected_headings_and_first_words_are_in_the_files_text(entries):
    # A person wrote the expectations from the file: each heading and opening must be found in it (for the
    # generated formats, in the text source they were built from).
    for entry in entries:
        path = CORPUS / entry["file"]
        if entry.get("reconstructed"):
            text = (CORPUS / "sources" / f"{path.stem}.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        for section in entry["sections"]:
            assert (section.get("heading") or section["starts"]) in text, (entry["file"], section)
        assert entry["title"] in text, entry["file"]
        if entry.get("next_item"):
            assert entry["next_item"] in text, entry["file"]


def test_generated_files_say_so_and_have_their_text_source(entries):
    for entry in entries:
        if entry["format"] in ("html", "pdf", "docx"):
            expected = "markup" if entry["format"] == "html" else "layout"
            assert entry.get("reconstructed") == expected, entry["file"]
            assert (CORPUS / "sources" / f"{Path(entry['file']).stem}.yaml").is_file(), entry["file"]
        else:
            assert "reconstructed" not in entry, entry["file"]


def test_every_format_is_there_in_the_numbers_asked_for(entries):
    counts = Counter(entry["format"] for entry in entries)
    assert set(counts) == set(FORMATS)
    for fmt, minimum in MINIMUM_PER_FORMAT.items():
        assert counts[fmt] >= minimum, fmt
    tiles = [entry for entry in entries if "seven_tile" in entry["layouts"]]
    assert len(tiles) >= 2 and all(entry["format"] == "pdf" for entry in tiles)
    assert any("bold_headings" in entry["layouts"] and entry["format"] == "docx" for entry in entries)


def test_every_layout_of_the_issue_is_shown_or_named_as_a_gap_with_its_reason(corpus, entries):
    shown = {layout for entry in entries for layout in entry["layouts"]}
    assert shown <= ISSUE_LAYOUTS | OTHER_LAYOUTS, shown - ISSUE_LAYOUTS - OTHER_LAYOUTS
    gaps = corpus.get("gaps") or {}
    assert all(reason.strip() for reason in gaps.values())
    assert not set(gaps) & shown, "a layout named as a gap is shown by an entry: take it out of gaps"
    assert ISSUE_LAYOUTS - shown == set(gaps)


def test_layouts_that_need_more_than_one_file_have_it(entries):
    by_publisher = Counter(entry["publisher"] for entry in entries if "two_from_one_publisher" in entry["layouts"])
    assert by_publisher and all(count >= 2 for count in by_publisher.values())
    for entry in entries:
        if "unrelated_next_item" in entry["layouts"]:
            assert entry.get("next_item"), entry["file"]
        if "thematic" in entry["layouts"]:
            assert entry["thematic"], entry["file"]
        if "no_headings" in entry["layouts"]:
            assert any("starts" in section for section in entry["sections"]), entry["file"]


def _texts_of(path: Path) -> list[str]:
    """The text a reader gets from a generated file, line by line, for comparing two builds."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return [line for page in PdfReader(path).pages for line in (page.extract_text() or "").splitlines()]
    if path.suffix == ".docx":
        import docx

        return [(p.style.name, p.text, any(run.bold for run in p.runs)) for p in docx.Document(path).paragraphs]
    return path.read_text(encoding="utf-8").splitlines()


def test_the_committed_generated_files_are_what_build_py_makes_from_their_sources(tmp_path):
    # Editing a generated file by hand (or a source without rebuilding) would make the corpus say one thing and
    # the file another. HTML is compared byte for byte; PDF and Word files by the text and styles they hold
    # (their containers carry creation times).
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    rebuilt = build.build(out=tmp_path)
    assert {path.name for path in rebuilt} == {
        path.name for path in CORPUS.iterdir() if path.suffix in (".html", ".pdf", ".docx")
    }
    for path in rebuilt:
        assert _texts_of(path) == _texts_of(CORPUS / path.name), path.name
