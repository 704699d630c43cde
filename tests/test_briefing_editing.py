"""app/briefings/editing.py, the plain-Python side of the edit page: a section's text as Markdown and back, the
form's fields to a Briefing, what the buttons do to the briefing and to the import report's notes, and where
each problem shows."""

from __future__ import annotations

import pytest

from app.briefings.editing import (
    EditForm,
    add_question,
    move_section,
    place_checks,
    place_problems,
    put_back,
    remove_section,
    section_blocks,
    section_markdown,
)
from app.briefings.files import parse_text_and_problems
from app.briefings.importing import Check, ImportReport, SetAside
from app.briefings.library import load_library
from app.briefings.model import Block, Briefing, Section

from .conftest import FIXTURE_BRIEFINGS, REPO_BRIEFINGS

EVERY_BRIEFING = [*load_library(REPO_BRIEFINGS).all(), *load_library(FIXTURE_BRIEFINGS).all()]


def fields_of(form: EditForm) -> dict[str, str]:
    """What the page sends back for a form it drew, unchanged."""
    fields = {name: getattr(form, name) for name in ("title", "publisher", "date", "review_type", "themes", "source")}
    fields["section_count"] = str(len(form.sections))
    for index, section in enumerate(form.sections):
        fields.update({f"section-{index}-kind": section.kind, f"section-{index}-heading": section.heading,
                       f"section-{index}-number": section.number, f"section-{index}-body": section.body})
    return fields


@pytest.mark.parametrize("briefing", EVERY_BRIEFING, ids=lambda briefing: briefing.id)
def test_every_briefing_survives_the_edit_form_unchanged(briefing):
    form = EditForm.read(fields_of(EditForm.of(briefing)))
    assert form.errors == {}
    assert form.briefing(briefing.id, path=briefing.path).to_dict() == briefing.to_dict()


def test_a_sections_markdown_reads_back_with_browser_line_endings():
    section = Section("learning", "Learning", [Block("paragraph", text="- not a list, a dash"),
                                               Block("paragraph", text="1. not a number either")])
    text = section_markdown(section).replace("\n", "\r\n")
    blocks, problems = section_blocks(text)
    assert problems == []
    assert [block.text for block in blocks] == ["- not a list, a dash", "1. not a number either"]


@pytest.mark.parametrize(
    "text, expected",
    [("", "has no text"), ("## A new section", "would be a heading"), ("Fine\n\n> a quote", "Line 3: A blockquote"),
     ("![photo](https://example.org/p.jpg)", "loads from another site")],
)
def test_text_a_briefing_file_would_refuse_is_refused_with_its_line(text, expected):
    blocks, problems = section_blocks(text)
    assert blocks == [] and expected in " ".join(problems)


def report_for_three_sections() -> ImportReport:
    return ImportReport(
        sections=[("background", "A", "p"), ("learning", "B", "q"), ("what_to_do", "C", "r")],
        unclassified_headings=[], checks=[],
        located_checks=[Check("about B", 1, "kind"), Check("about C", 2, "text"), Check("whole", None, "")],
        set_aside=[SetAside("from B", "navigation", 4, 1), SetAside("from C", "page furniture", 7, 2),
                   SetAside("before", "masthead", 1, None)],
        source_lines=[],
    )


def three_sections() -> Briefing:
    return Briefing(id="x", title="X", sections=[
        Section("background", "A", [Block("paragraph", text="a")]),
        Section("learning", "B", [Block("paragraph", text="b")]),
        Section("what_to_do", "C", [Block("paragraph", text="c")]),
    ])


def test_a_new_question_makes_a_reflection_section_before_what_to_do_and_the_notes_follow_their_sections():
    briefing, report = three_sections(), report_for_three_sections()
    assert add_question(briefing, report, "Who else lives there?") == 2
    assert [s.kind for s in briefing.sections] == ["background", "learning", "reflection", "what_to_do"]
    assert [(c.message, c.section) for c in report.located_checks] == [("about B", 1), ("about C", 3), ("whole", None)]
    assert [line.section for line in report.set_aside] == [1, 3, None]
    assert [note[0] for note in report.sections] == ["background", "learning", "reflection", "what_to_do"]
    assert add_question(briefing, report, "And then?") == 2
    assert [item.text for item in briefing.sections[2].items] == ["Who else lives there?", "And then?"]


def test_moving_a_section_carries_its_notes_and_removing_one_drops_its_checks_and_rehomes_its_lines():
    briefing, report = three_sections(), report_for_three_sections()
    assert move_section(briefing, report, 2, -1) == 1
    assert [s.heading for s in briefing.sections] == ["A", "C", "B"]
    assert [c.section for c in report.located_checks] == [2, 1, None]
    assert [note[1] for note in report.sections] == ["A", "C", "B"]
    assert move_section(briefing, report, 0, -1) == 0  # the first cannot go up
    remove_section(briefing, report, 1)  # C
    assert [s.heading for s in briefing.sections] == ["A", "B"]
    assert [c.message for c in report.located_checks] == ["about B", "whole"]
    assert [line.section for line in report.set_aside] == [1, 0, None]  # C's line goes back into the section before


def test_put_back_appends_to_its_section_or_opens_the_first_and_leaves_the_list():
    briefing, report = three_sections(), report_for_three_sections()
    assert "end of section 2" in put_back(briefing, report, 0)
    assert briefing.sections[1].paragraphs == ["b", "from B"]
    assert "start of section 1" in put_back(briefing, report, 1)  # "before", now at position 1
    assert briefing.sections[0].paragraphs == ["before", "a"]
    assert [line.text for line in report.set_aside] == ["from C"]


def test_located_checks_go_next_to_their_field_or_section_and_unknown_places_to_the_top():
    checks = [Check("t", None, "title"), Check("k", 1, "kind"), Check("gone", 9, "kind"), Check("odd", None, "x")]
    notes = place_checks(checks, section_count=3)
    assert notes.at(None, "title") == ["t"] and notes.at(1, "kind") == ["k"]
    assert notes.at(None, "") == ["gone", "odd"]


def test_briefings_check_problems_are_placed_on_the_field_or_section_they_concern():
    briefing = Briefing(id="x", title="X", themes=["neglect"], sections=[
        Section("background", "A", [Block("paragraph", text="a")]),
        Section("learning", "Empty one", []),
    ])
    from app.briefings.files import dump

    _, problems = parse_text_and_problems(dump(briefing), "x.md", default_id="x")
    notes = place_problems(briefing, problems)
    assert notes.at(1, "text") == ["The section 'Empty one' is empty: add its text or remove it."]


def test_form_mistakes_are_named_by_field():
    form = EditForm.read({"title": " ", "date": "2024-13", "review_by": "next year", "section_count": "1",
                          "section-0-kind": "gossip", "section-0-number": "٣", "section-0-body": "text"})
    assert set(form.errors) == {"title", "date", "review_by", "section-0-kind", "section-0-number"}
