"""The importer's held-out set (tests/fixtures/importer_heldout/) is well formed, in the corpus's format: every
file is there, every entry says what a person expects with the app's own section kinds, and it really is held
out (no publisher or page of the corpus). As for the corpus, the importer's scores are figures printed by
bench/importer_corpus.py --corpus tests/fixtures/importer_heldout, not asserted here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from app.briefings.model import SECTION_KINDS
from tests.test_importer_corpus import FORMATS, ISSUE_LAYOUTS, OTHER_LAYOUTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HELDOUT = FIXTURES / "importer_heldout"
CORPUS = FIXTURES / "importer_corpus"


def _load(folder: Path) -> dict:
    return yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def heldout() -> dict:
    return _load(HELDOUT)


@pytest.fixture(scope="module")
def entries(heldout) -> list[dict]:
    return heldout["entries"]


def test_the_set_has_ten_to_twelve_briefings_each_from_its_own_publisher(entries):
    assert 10 <= len(entries) <= 12
    assert len({entry["publisher"] for entry in entries}) == len(entries)


def test_it_is_held_out_no_publisher_or_page_of_the_corpus(entries):
    corpus = _load(CORPUS)["entries"]
    assert not {e["publisher"] for e in entries} & {e["publisher"] for e in corpus}
    assert not {e["source"] for e in entries} & {e["source"] for e in corpus}
    assert not {e["file"] for e in entries} & {e["file"] for e in corpus}


def test_every_entry_names_an_existing_file_of_its_format_and_every_file_is_listed(entries):
    files = [entry["file"] for entry in entries]
    assert len(files) == len(set(files))
    for entry in entries:
        path = HELDOUT / entry["file"]
        assert path.is_file() and path.stat().st_size > 0, entry["file"]
        assert path.suffix == FORMATS[entry["format"]], entry["file"]
    assert {path.name for path in HELDOUT.iterdir() if path.suffix in FORMATS.values()} == set(files)


def test_every_entry_says_where_it_was_published_and_what_a_person_expects(entries):
    for entry in entries:
        name = entry["file"]
        address = urlparse(entry["source"])
        assert address.scheme in ("http", "https") and address.netloc, name
        assert entry["publisher"].strip() and entry["title"].strip(), name
        assert isinstance(entry["thematic"], bool), name
        assert entry["layouts"] and set(entry["layouts"]) <= ISSUE_LAYOUTS | OTHER_LAYOUTS, name
        if "thematic" in entry["layouts"]:
            assert entry["thematic"], name
        assert entry["sections"], name
        for section in entry["sections"]:
            assert section["kind"] in SECTION_KINDS, (name, section)
            assert ("heading" in section) != ("starts" in section), (name, section)
            assert (section.get("heading") or section.get("starts")).strip(), (name, section)


def test_expected_title_headings_and_first_words_are_in_the_files_text(entries):
    for entry in entries:
        path = HELDOUT / entry["file"]
        if entry.get("reconstructed"):
            text = (HELDOUT / "sources" / f"{path.stem}.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        assert entry["title"] in text, entry["file"]
        for section in entry["sections"]:
            assert (section.get("heading") or section["starts"]) in text, (entry["file"], section)


def test_generated_pages_say_so_and_match_their_text_source(entries, tmp_path):
    spec = importlib.util.spec_from_file_location("importer_corpus_build", CORPUS / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for entry in entries:
        stem = Path(entry["file"]).stem
        if entry["format"] == "txt":
            assert "reconstructed" not in entry, entry["file"]
            continue
        assert entry.get("reconstructed") == ("markup" if entry["format"] == "html" else "layout"), entry["file"]
        source = yaml.safe_load((HELDOUT / "sources" / f"{stem}.yaml").read_text(encoding="utf-8"))
        if entry["format"] == "html":  # PDF and Word files carry build dates; a page rebuilds byte for byte
            rebuilt = build.BUILDERS["html"](stem, source, tmp_path)
            assert rebuilt.read_bytes() == (HELDOUT / entry["file"]).read_bytes(), entry["file"]


def test_layouts_of_the_issue_not_shown_are_named_as_gaps_with_a_reason(heldout, entries):
    shown = {layout for entry in entries for layout in entry["layouts"]}
    gaps = heldout.get("gaps") or {}
    assert all(str(reason).strip() for reason in gaps.values())
    assert not set(gaps) & shown
    assert ISSUE_LAYOUTS - shown == set(gaps)
