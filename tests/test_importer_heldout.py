"""The importer's held-out sets (tests/fixtures/importer_heldout/, importer_heldout2/ and importer_heldout3/) are well formed, in the
corpus's format: every file is there, every entry says what a person expects with the app's own section kinds, the
expected title and headings really are in the text in that order, and each set really is held out (no publisher,
page or file of the corpus or of the other set). The importer's scores on them are figures printed by
bench/importer_corpus.py --corpus tests/fixtures/importer_heldout[2], never asserted here and never tuned on."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from app.briefings.model import SECTION_KINDS
from tests.test_importer_corpus import FORMATS, ISSUE_LAYOUTS, OTHER_LAYOUTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "importer_corpus"
HELD_OUT = (FIXTURES / "importer_heldout", FIXTURES / "importer_heldout2", FIXTURES / "importer_heldout3")
EVERY_SET = (CORPUS, *HELD_OUT)


def _load(folder: Path) -> dict:
    return yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=HELD_OUT, ids=lambda folder: folder.name)
def folder(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def manifest(folder) -> dict:
    return _load(folder)


@pytest.fixture(scope="module")
def entries(manifest) -> list[dict]:
    return manifest["entries"]


def _text_of(folder: Path, entry: dict) -> str:
    """The publisher's words: the file itself, or for a page rebuilt around them, its text source."""
    path = folder / entry["file"]
    if entry.get("reconstructed"):
        return (folder / "sources" / f"{path.stem}.yaml").read_text(encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_a_set_has_ten_to_twelve_briefings_each_from_its_own_publisher(entries):
    assert 10 <= len(entries) <= 12
    assert len({entry["publisher"] for entry in entries}) == len(entries)


def test_no_publisher_page_or_file_is_shared_with_any_other_set(folder, entries):
    # Compared without case or spacing so "Home  office" would still count as the same publisher.
    def publishers(items):
        return {" ".join(item["publisher"].casefold().split()) for item in items}

    def pages(items):
        return {urlparse(item["source"])._replace(scheme="").geturl().rstrip("/") for item in items}

    for other in EVERY_SET:
        if other == folder:
            continue
        theirs = _load(other)["entries"]
        assert not publishers(entries) & publishers(theirs), other.name
        assert not pages(entries) & pages(theirs), other.name
        assert not {e["file"] for e in entries} & {e["file"] for e in theirs}, other.name


def test_every_entry_names_an_existing_file_of_its_format_and_every_file_is_listed(folder, entries):
    files = [entry["file"] for entry in entries]
    assert len(files) == len(set(files))
    for entry in entries:
        path = folder / entry["file"]
        assert path.is_file() and path.stat().st_size > 0, entry["file"]
        assert path.suffix == FORMATS[entry["format"]], entry["file"]
    assert {path.name for path in folder.iterdir() if path.suffix in FORMATS.values()} == set(files)


def test_every_entry_says_where_it_was_published_and_what_a_person_expects(entries):
    for entry in entries:
        name = entry["file"]
        address = urlparse(entry["source"])
        assert address.scheme in ("http", "https") and address.netloc, name
        assert entry["publisher"].strip() and entry["title"].strip(), name
        assert isinstance(entry["thematic"], bool), name
        assert isinstance(entry.get("complete", True), bool), name
        # An empty list is a page with plain headings between blank lines: none of the issue's layouts.
        assert set(entry["layouts"]) <= ISSUE_LAYOUTS | OTHER_LAYOUTS, name
        if "thematic" in entry["layouts"]:
            assert entry["thematic"], name
        assert entry["sections"], name
        for section in entry["sections"]:
            assert section["kind"] in SECTION_KINDS, (name, section)
            assert ("heading" in section) != ("starts" in section), (name, section)
            assert (section.get("heading") or section.get("starts")).strip(), (name, section)


def test_expected_titles_headings_and_first_words_are_in_the_text_in_order(folder, entries):
    for entry in entries:
        text = _text_of(folder, entry)
        assert entry["title"] in text, entry["file"]
        for title in entry.get("title_also", []):  # a shorter or longer form a person would accept
            assert title in text, (entry["file"], title)
        position = 0
        for section in entry["sections"]:
            found = text.find(section.get("heading") or section["starts"], position)
            assert found >= 0, (entry["file"], section)
            position = found + 1


def test_generated_pages_say_so_and_match_their_text_source(folder, entries, tmp_path):
    spec = importlib.util.spec_from_file_location("importer_corpus_build", CORPUS / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for entry in entries:
        stem = Path(entry["file"]).stem
        if entry["format"] == "txt":
            assert "reconstructed" not in entry, entry["file"]
            continue
        assert entry.get("reconstructed") == ("markup" if entry["format"] == "html" else "layout"), entry["file"]
        source = yaml.safe_load((folder / "sources" / f"{stem}.yaml").read_text(encoding="utf-8"))
        if entry["format"] == "html":  # PDF and Word files carry build dates; a page rebuilds byte for byte
            rebuilt = build.BUILDERS["html"](stem, source, tmp_path)
            assert rebuilt.read_bytes() == (folder / entry["file"]).read_bytes(), entry["file"]


def test_layouts_of_the_issue_not_shown_are_named_as_gaps_with_a_reason(manifest, entries):
    shown = {layout for entry in entries for layout in entry["layouts"]}
    gaps = manifest.get("gaps") or {}
    assert all(str(reason).strip() for reason in gaps.values())
    assert not set(gaps) & shown
    assert ISSUE_LAYOUTS - shown == set(gaps)
