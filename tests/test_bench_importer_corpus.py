"""The corpus benchmark's scoring (bench/importer_corpus.py) counts what it says it counts: a faithful import
scores full marks, and each kind of miss (a lost line, a wrong kind, a missing section, a wrong title, a kind
invented on a thematic briefing, a next item merged in) shows. The scores of the real importer are figures the
script prints, not asserted anywhere."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
import yaml

from app.briefings.model import Block, Briefing, Item, Section
from bench import importer_corpus as bench

SOURCE = """Skip to content

Thematic review: injuries to babies

1. What did we find?

Fathers were not seen.

2. What can we learn?

  • Ask who lives in the home
"""

ENTRY = {
    "file": "example.txt",
    "title": "Thematic review: injuries to babies",
    "thematic": False,
    "layouts": ["boilerplate"],
    "sections": [
        {"kind": "concerns", "heading": "1. What did we find?"},
        {"kind": "learning", "heading": "2. What can we learn?"},
    ],
}


@dataclass
class SetAside:
    text: str
    reason: str = "navigation"


@dataclass
class Report:
    set_aside: list = field(default_factory=list)


@dataclass
class Imported:
    briefing: Briefing
    report: Report


def faithful() -> Imported:
    sections = [
        Section(kind="concerns", heading="What did we find?", number=1,
                blocks=[Block(type="paragraph", text="Fathers were not seen.")]),
        Section(kind="learning", heading="What can we learn?", number=2,
                blocks=[Block(type="list", items=[Item(text="Ask who lives in the home")])]),
    ]
    briefing = Briefing(id="thematic-review-injuries-to-babies", title="Thematic review: injuries to babies",
                        sections=sections)
    return Imported(briefing, Report(set_aside=[SetAside("Skip to content")]))


class FakeImporter:
    __name__ = "fake"

    def __init__(self, imported):
        self.imported = imported

    def import_file(self, path):
        return self.imported


@pytest.fixture
def corpus_file(tmp_path, monkeypatch):
    (tmp_path / "example.txt").write_text(SOURCE, encoding="utf-8")
    monkeypatch.setattr(bench, "CORPUS", tmp_path)


def test_a_faithful_import_keeps_every_word_and_finds_every_section_and_the_title(corpus_file):
    result = bench.run_entry(FakeImporter(faithful()), ENTRY)
    assert result.words_kept == result.words_total > 0
    assert [s.right for s in result.sections] == [True, True]
    assert result.title_right and not result.short_of()


def test_a_line_neither_kept_nor_set_aside_counts_as_lost(corpus_file):
    imported = faithful()
    imported.report.set_aside = []
    result = bench.run_entry(FakeImporter(imported), ENTRY)
    assert result.words_total - result.words_kept == 3  # "Skip to content"
    assert "text kept" in result.short_of()


def test_a_wrong_kind_and_a_missing_section_count_against_sections(corpus_file):
    imported = faithful()
    imported.briefing.sections[0].kind = "background"
    del imported.briefing.sections[1]
    result = bench.run_entry(FakeImporter(imported), ENTRY)
    assert [(s.found_kind, s.right) for s in result.sections] == [("background", False), (None, False)]


def test_sections_are_matched_in_order_and_by_first_words_when_they_have_no_heading(corpus_file):
    entry = dict(ENTRY, sections=[{"kind": "learning", "heading": "What can we learn?"},
                                  {"kind": "concerns", "starts": "Fathers were not"}])
    imported = faithful()
    imported.briefing.sections[0].heading = ""
    result = bench.run_entry(FakeImporter(imported), entry)
    # the learning section comes second in the import, so the section expected after it is not found
    assert [s.found_kind for s in result.sections] == ["learning", None]


def test_a_masthead_for_a_title_and_invented_learning_on_a_thematic_briefing_show(corpus_file):
    imported = faithful()
    imported.briefing.title = "Skip to content"
    entry = dict(ENTRY, thematic=True, sections=[{"kind": "concerns", "heading": "What did we find?"}])
    result = bench.run_entry(FakeImporter(imported), entry)
    assert not result.title_right
    assert result.invented == ["learning"]


def test_a_next_item_inside_the_briefing_is_reported_as_merged(corpus_file):
    entry = dict(ENTRY, next_item="Ask who lives")
    assert bench.run_entry(FakeImporter(faithful()), entry).next_item_merged is True
    imported = faithful()
    imported.report.set_aside.append(SetAside("Ask who lives in the home", "next item"))
    del imported.briefing.sections[1]
    assert bench.run_entry(FakeImporter(imported), entry).next_item_merged is False


def test_a_refused_file_counts_as_nothing_kept_and_ids_given_twice_are_listed(corpus_file):
    class Refusing:
        __name__ = "refusing"

        def import_file(self, path):
            raise ValueError("does not start with a title")

    refused = bench.run_entry(Refusing(), ENTRY)
    assert refused.error and refused.words_kept == 0 and refused.short_of() == ["import failed"]
    totals = bench.summarise([bench.run_entry(FakeImporter(faithful()), ENTRY)] * 2)
    assert totals["duplicate_ids"] == ["thematic-review-injuries-to-babies"]


def test_corpus_option_scores_the_folder_it_names(tmp_path, monkeypatch):
    # the held-out set is scored with --corpus: the entries and files come from that folder, not the corpus
    other = tmp_path / "heldout"
    other.mkdir()
    (other / "example.txt").write_text(SOURCE, encoding="utf-8")
    (other / "corpus.yaml").write_text(yaml.safe_dump({"entries": [ENTRY]}), encoding="utf-8")
    monkeypatch.setattr(bench, "CORPUS", tmp_path / "no-such-corpus")
    monkeypatch.setattr(bench, "load_importer", lambda: FakeImporter(faithful()))
    out = tmp_path / "figures.json"
    assert bench.main(["--corpus", str(other), "--quiet", "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert [entry["file"] for entry in figures["files"]] == ["example.txt"]
    assert figures["totals"]["sections_right"] == figures["totals"]["sections_total"] == 2
    assert figures["corpus"] == str(other)
