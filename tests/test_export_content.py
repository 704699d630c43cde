"""What goes into an export, whatever its format: the rules made once in app/exports/content.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.briefings.library import load_library
from app.exports.content import briefing_content, session_content, xml_safe
from app.sessions.templates import Plan, load_templates, plan

from .exports_support import (
    BIDI_CONTROL,
    BIDI_KEPT,
    ATTENDEE_NAME,
    HIDDEN,
    ROOT,
    SCRIBED,
    SHOWN_ANONYMOUS,
    SHOWN_NAMED,
    WAITING,
    sample_record,
)

LIBRARY = load_library(ROOT / "briefings")
TEMPLATES = load_templates(ROOT / "session_templates")
XML_CHARACTER = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@pytest.mark.parametrize("template_id", sorted(TEMPLATES.templates))
@pytest.mark.parametrize("briefing_id", sorted(LIBRARY.briefings))
def test_every_section_of_a_briefing_is_in_its_export_once_shown_by_a_step_or_carried_after(briefing_id, template_id):
    briefing = LIBRARY.get(briefing_id)
    content = briefing_content(briefing, TEMPLATES.get(template_id))

    shown = {id(section) for step in content.steps for section in step.sections}
    carried = [id(section) for section in content.unshown]
    assert shown.isdisjoint(carried)
    assert shown | set(carried) == {id(section) for section in briefing.sections}
    assert len(content.outline) == len(briefing.sections)
    assert content.sections == briefing.sections


def test_a_briefing_with_no_questions_of_its_own_asks_the_templates_standard_questions():
    content = briefing_content(LIBRARY.get("warwickshire-child-a"), TEMPLATES.get("seven-minute"))

    asked = [question.text for _, question in content.questions]
    assert asked == TEMPLATES.get("seven-minute").standard_questions
    assert all(question.responses == [] for _, question in content.questions)


def test_a_session_export_shows_only_what_reached_the_screen_and_names_only_those_who_gave_a_name():
    content = session_content(sample_record())

    first = content.questions[0][1]
    assert [(response.text, response.author) for response in first.responses] == [
        (SHOWN_NAMED, f"{ATTENDEE_NAME} (Social worker, Children's Services)"),
        (SHOWN_ANONYMOUS, ""),
        (SCRIBED, ""),
    ]
    every_text = [response.text for _, question in content.questions for response in question.responses]
    assert HIDDEN not in every_text and WAITING not in every_text


def test_a_running_session_marks_the_steps_it_has_not_reached():
    content = session_content(sample_record(status="running"))

    assert content.session.running
    assert [step.reached for step in content.steps] == [True, True] + [False] * (len(content.steps) - 2)


def test_a_session_started_before_exports_existed_still_exports_with_an_outline_from_its_steps():
    record = sample_record("wigan-child-3")
    record.outline, record.unshown = [], []

    content = session_content(record)

    assert content.outline[:2] == ["Background", "What was the Learning?"]
    assert content.unshown == [] and content.resources == []


def test_the_plan_snapshot_keeps_the_outline_and_unshown_sections_through_its_json():
    planned = plan(LIBRARY.get("wandsworth-mark-and-lloyd"), TEMPLATES.get("seven-minute"))

    again = Plan.from_dict(planned.to_dict())

    assert again.outline == planned.outline
    assert [section.texts() for section in again.unshown] == [section.texts() for section in planned.unshown]
    assert [section.kind for section in again.unshown] == ["about", "about"]
    # A plan stored before exports existed reads back with neither.
    old = {key: value for key, value in planned.to_dict().items() if key not in ("outline", "unshown")}
    assert (Plan.from_dict(old).outline, Plan.from_dict(old).unshown) == ([], [])


@given(st.text())
def test_xml_safe_removes_only_what_xml_cannot_hold_and_bidirectional_controls(text):
    cleaned = xml_safe(text)

    assert cleaned == "".join(
        character for character in text if XML_CHARACTER.fullmatch(character) and not BIDI_CONTROL.match(character)
    )


def test_every_typed_string_in_a_session_export_loses_bidirectional_controls():
    content = session_content(sample_record(bidi=True))
    responses = [response for _, question in content.questions for response in question.responses]
    assert BIDI_KEPT in [response.text for response in responses]
    typed = [content.session.team, *content.session.attendees]
    typed += [part for action in content.session.actions for part in (action.what, action.owner)]
    typed += [part for response in responses for part in (response.text, response.author)]
    assert "Bea Jones" in content.session.team and not [t for t in typed if BIDI_CONTROL.search(t)]


def test_user_strings_in_a_session_export_lose_control_characters_and_keep_the_rest():
    record = sample_record()
    record.team = "Early\x00 Help\x1b East\ufffe"
    record.actions[0].owner = "Jo\x07 Bloggs"

    content = session_content(record)

    assert content.session.team == "Early Help East"
    assert content.session.actions[0].owner == "Jo Bloggs"
