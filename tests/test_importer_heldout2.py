"""The importer's second held-out set (tests/fixtures/importer_heldout2/) is well formed, in the corpus's format:
every file is there, every entry says what a person expects with the app's own section kinds, the expected title
and headings really are in the text, and it really is held out (no publisher, page or file of the corpus or of the
first held-out set). The importer's scores are figures printed by
bench/importer_corpus.py --corpus tests/fixtures/importer_heldout2, not asserted here."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from app.briefings.model import SECTION_KINDS
from tests.test_importer_corpus import FORMATS, ISSUE_LAYOUTS, OTHER_LAYOUTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HELDOUT2 = FIXTURES / "importer_heldout2"
OTHER_SETS = (FIXTURES / "importer_corpus", FIXTURES / "importer_heldout")


def _load(folder: Path) -> dict:
    return yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def heldout2() -> dict:
    return _load(HELDOUT2)


@pytest.fixture(scope="module")
def entries(heldout2) -> list[dict]:
    return heldout2["entries"]


def test_the_set_has_twelve_briefings_each_from_its_own_publisher(entries):
    assert len(entries) == 12
    assert len({entry["publisher"] for entry in entries}) == len(entries)


@pytest.mark.parametrize("other", OTHER_SETS, ids=lambda folder: folder.name)
def test_no_publisher_page_or_file_is_shared_with_the_other_sets(entries, other):
    theirs = _load(other)["entries"]
    # Compared without case or spacing so "Home  office" would still count as the same publisher.
    def publishers(items):
        return {" ".join(item["publisher"].casefold().split()) for item in items}

    def pages(items):
        return {urlparse(item["source"])._replace(scheme="").geturl().rstrip("/") for item in items}

    assert not publishers(entries) & publishers(theirs)
    assert not pages(entries) & pages(theirs)
    assert not {e["file"] for e in entries} & {e["file"] for e in theirs}


def test_every_entry_names_an_existing_text_file_and_every_file_is_listed(entries):
    files = [entry["file"] for entry in entries]
    assert len(files) == len(set(files))
    for entry in entries:
        path = HELDOUT2 / entry["file"]
        assert path.is_file() and path.stat().st_size > 0, entry["file"]
        assert path.suffix == FORMATS[entry["format"]], entry["file"]
        # The set is saved text exactly as retrieved: nothing in it is rebuilt around the publisher's words.
        assert entry["format"] == "txt" and "reconstructed" not in entry, entry["file"]
    assert {path.name for path in HELDOUT2.iterdir() if path.suffix in FORMATS.values()} == set(files)


def test_every_entry_says_where_it_was_published_and_what_a_person_expects(entries):
    for entry in entries:
        name = entry["file"]
        address = urlparse(entry["source"])
        assert address.scheme in ("http", "https") and address.netloc, name
        assert entry["publisher"].strip() and entry["title"].strip(), name
        assert isinstance(entry["thematic"], bool), name
        assert isinstance(entry.get("complete", True), bool), name
        assert entry["layouts"] and set(entry["layouts"]) <= ISSUE_LAYOUTS | OTHER_LAYOUTS, name
        if "thematic" in entry["layouts"]:
            assert entry["thematic"], name
        assert entry["sections"], name
        for section in entry["sections"]:
            assert section["kind"] in SECTION_KINDS, (name, section)
            assert ("heading" in section) != ("starts" in section), (name, section)
            assert (section.get("heading") or section.get("starts")).strip(), (name, section)


def test_expected_titles_headings_and_first_words_are_in_the_text_in_order(entries):
    for entry in entries:
        text = (HELDOUT2 / entry["file"]).read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines()]
        assert entry["title"] in lines, entry["file"]  # the title is a line of its own
        for title in entry.get("title_also", []):  # a shorter or longer form a person would accept
            assert title in text, (entry["file"], title)
        position = 0
        for section in entry["sections"]:
            if "heading" in section:  # a heading is a line of its own, not words inside a paragraph
                found = lines.index(section["heading"], position) if section["heading"] in lines[position:] else -1
            else:
                found = next((i for i in range(position, len(lines)) if lines[i].startswith(section["starts"])), -1)
            assert found >= 0, (entry["file"], section)
            position = found + 1


def test_layouts_of_the_issue_not_shown_are_named_as_gaps_with_a_reason(heldout2, entries):
    shown = {layout for entry in entries for layout in entry["layouts"]}
    gaps = heldout2.get("gaps") or {}
    assert all(str(reason).strip() for reason in gaps.values())
    assert not set(gaps) & shown
    assert ISSUE_LAYOUTS - shown == set(gaps)
