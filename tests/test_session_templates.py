"""Session templates: the shipped ones, the plans they make for a briefing, and how bad files are reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.briefings.model import Block, Briefing, Item, Section
from app.sessions.templates import (
    STANDARD_QUESTIONS,
    Plan,
    TemplateFileError,
    load_templates,
    parse_duration,
    parse_template,
    plan,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def templates():
    return load_templates(ROOT / "session_templates")


def section(kind, heading, *items, number=None):
    return Section(kind, heading, [Block("list", items=[Item(text) for text in items])], number=number)


WITH_QUESTIONS = Briefing(
    id="with-questions",
    title="Child Q",
    sections=[
        section("background", "Background", "Child Q lived with her father."),
        section("learning", "What was the Learning?", "Learning one.", "Learning two."),
        section("why_it_matters", "Why is this important to Wigan?", "The Deal."),
        section("reflection", "What can we consider?", "Question one?", "Question two?", "Question three?"),
        section("what_to_do", "What can you do right now?", "Practise active listening"),
    ],
)
WITHOUT_QUESTIONS = Briefing(
    id="without-questions",
    title="Child A",
    sections=[
        section("background", "Child A's Story....", "Child A was born outside of Warwickshire."),
        section("learning", "What we have learned...", "Neglect can have damaging long-term effects."),
        section("what_to_do", "What do I need to do...", "Make use of the Neglect Toolkit."),
    ],
)


def test_the_shipped_templates_load_without_problems(templates):
    assert templates.problems == []
    assert {"seven-minute", "seven-segments", "extended"} <= set(templates.templates)


def test_the_seven_minute_template_plans_exactly_seven_minutes(templates):
    template = templates.get("seven-minute")
    assert template.total_seconds == 7 * 60
    assert [s.title for s in template.steps] == [
        "Background", "What was learned", "Why it matters here", "Reflection", "Agreed actions"
    ]
    assert all(step.prompt for step in template.steps)


def test_the_extended_template_runs_about_twenty_minutes(templates):
    assert 18 * 60 <= templates.get("extended").total_seconds <= 22 * 60


def test_a_plan_shows_the_briefings_own_questions_as_the_publishers(templates):
    steps = plan(WITH_QUESTIONS, templates.get("seven-minute")).steps
    reflection = next(step for step in steps if step.collects_responses)
    assert [q.text for q in reflection.questions] == ["Question one?", "Question two?", "Question three?"]
    assert {q.source for q in reflection.questions} == {"briefing"}


def test_a_briefing_without_questions_gets_the_standard_team_questions_as_the_templates(templates):
    steps = plan(WITHOUT_QUESTIONS, templates.get("seven-minute")).steps
    reflection = next(step for step in steps if step.collects_responses)
    assert [q.text for q in reflection.questions] == list(STANDARD_QUESTIONS)
    assert {q.source for q in reflection.questions} == {"template"}
    assert reflection.sections == []


def test_a_step_the_briefing_has_nothing_for_is_left_out_and_the_session_keeps_its_length(templates):
    result = plan(WITHOUT_QUESTIONS, templates.get("seven-minute"))
    assert [s.title for s in result.steps] == ["Background", "What was learned", "Reflection", "Agreed actions"]
    assert result.total_seconds == 7 * 60


def test_the_extended_plan_has_one_discussion_step_per_question(templates):
    result = plan(WITH_QUESTIONS, templates.get("extended"))
    discussion = [s for s in result.steps if s.collects_responses]
    assert [s.title for s in discussion] == ["Question 1 of 3", "Question 2 of 3", "Question 3 of 3"]
    assert [[q.text for q in s.questions] for s in discussion] == [["Question one?"], ["Question two?"], ["Question three?"]]
    assert result.total_seconds == templates.get("extended").total_seconds


def test_the_seven_segments_plan_has_one_step_per_numbered_segment_in_order(templates):
    segmented = Briefing(
        id="segments",
        title="Mark and Lloyd",
        sections=[
            section("background", "Introduction Mark and Lloyd", "Ms A had a troubled history.", number=1),
            section("concerns", "Areas of concern", "Children not brought to appointments", number=2),
            section("missed_opportunities", "Missed opportunities", "Review of family history", number=3),
            section("actions_taken", "Actions taken", "MASH triages all referrals", number=4),
            section("learning", "Key areas for learning", "Key agencies to be represented", number=5),
            section("good_practice", "Key areas of good practice", "Nursery staff concerned", number=6),
        ],
    )
    result = plan(segmented, templates.get("seven-segments"))
    assert [s.title for s in result.steps][:6] == [
        "1. Introduction Mark and Lloyd", "2. Areas of concern", "3. Missed opportunities",
        "4. Actions taken", "5. Key areas for learning", "6. Key areas of good practice",
    ]
    assert result.total_seconds == 7 * 60


def test_a_plan_survives_being_stored_and_read_back(templates):
    original = plan(WITH_QUESTIONS, templates.get("seven-minute"))
    again = Plan.from_dict(original.to_dict())
    assert again.to_dict() == original.to_dict()


@pytest.mark.parametrize("text, seconds", [("7:00", 420), ("1:30", 90), ("90s", 90), ("0:05", 5), ("7", None), ("1:75", None)])
def test_durations_are_minutes_and_seconds_or_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: X\nsteps:\n  - title: A\n    duration: 1 minute\n", "t.yaml:4: the step 'A' needs a duration"),
        ("name: X\nsteps:\n  - title: A\n    duration: '1:00'\n    shows: [lerning]\n", "t.yaml:5: unknown section kind 'lerning': did you mean 'learning'?"),
        ("name: X\nsteps:\n  - title: A\n    duration: '1:00'\n    colects_responses: true\n", "t.yaml:5: unknown step field 'colects_responses'"),
        ("name: X\nsteps: [\n", "t.yaml:3: broken YAML"),
        ("name: X\n", "t.yaml:1: the template has no steps"),
        ("steps:\n  - title: A\n    duration: '1:00'\n", "t.yaml:1: the template has no name"),
    ],
)
def test_an_invalid_template_is_reported_with_its_file_line_and_a_fix(text, expected):
    with pytest.raises(TemplateFileError) as caught:
        parse_template(text, "t.yaml", "t")
    messages = [str(problem) for problem in caught.value.problems]
    assert any(message.startswith(expected) for message in messages), messages


def test_a_broken_template_file_leaves_the_others_usable(tmp_path):
    (tmp_path / "good.yaml").write_text("name: Good\nsteps:\n  - title: A\n    duration: '1:00'\n")
    (tmp_path / "bad.yaml").write_text(textwrap.dedent("name: Bad\nsteps: nothing\n"))
    library = load_templates(tmp_path)
    assert list(library.templates) == ["good"]
    assert [Path(p.file).name for p in library.problems] == ["bad.yaml"]
