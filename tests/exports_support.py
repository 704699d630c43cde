"""Sessions built by hand for the export tests: a `Record` needs no database (record.py says so).

`sample_record()` is a finished Wigan Child 3 session whose reflection questions have every kind of response an
export must treat differently: shown named, shown anonymous, scribed, hidden, and waiting for approval.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from app.briefings.library import load_library
from app.sessions.record import (
    Record,
    RecordedAction,
    RecordedAttendee,
    RecordedQuestion,
    RecordedResponse,
    RecordedStep,
)
from app.sessions.templates import load_templates, plan

ROOT = Path(__file__).resolve().parents[1]
STARTED = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)

# What an attendee might type to make the server read a file or call out, with characters XML cannot hold.
HOSTILE_TEXT = (
    'We must check <img src="file:///etc/passwd"> and <link rel="attachment" href="file:///etc/passwd"> '
    "before\x00 the\x07 next\x1b visit \ufffe\uffff today"
)
HOSTILE_KEPT = "before the next visit today"  # what must survive of it, in order, once spaces are collapsed

# Bidirectional controls, as a row stored before clean_text took them out may hold them.
BIDI_TYPED = "Call \u202eevil\u202c now \u2067and\u2069 \u200fthen\u200e \u202aagain\u202c\u2066!\u2069"
BIDI_KEPT = "Call evil now and then again!"
BIDI_NAME = "Bea \u202eJones\u202c"
BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

SHOWN_NAMED = "Ask the health visitor to join the next core group meeting."
SHOWN_ANONYMOUS = "I did not know what to do when a father refused entry."
SCRIBED = "We rely on one professional's view too often."
HIDDEN = "This one was hidden by the facilitator and must never be exported."
WAITING = "This one was never approved and must never be exported."
ATTENDEE_NAME = "Priya Shah"
ANONYMOUS_ATTENDEE_NAME = "Secret Sam"  # gave a name on the register but wrote anonymously: never beside it


def briefing(briefing_id: str = "wigan-child-3"):
    return load_library(ROOT / "briefings").get(briefing_id)


def template(template_id: str = "seven-minute"):
    return load_templates(ROOT / "session_templates").get(template_id)


def _response(number: int, text: str, **fields) -> RecordedResponse:
    return RecordedResponse(id=number, text=text, created_at=STARTED + timedelta(minutes=4, seconds=number), **fields)


def sample_record(
    briefing_id: str = "wigan-child-3",
    *,
    extra_responses: int = 0,
    extra_actions: int = 0,
    hostile: bool = False,
    bidi: bool = False,
    status: str = "ended",
) -> Record:
    """A session of `briefing_id` on the seven-minute template, 7:40 long, with responses on its first question.

    `extra_responses` are spread over every question; `hostile` adds a response and an action with HOSTILE_TEXT.
    """
    planned = plan(briefing(briefing_id), template())
    steps = []
    number = 0
    for index, step in enumerate(planned.steps):
        questions = []
        for question_index, question in enumerate(step.questions):
            responses = []
            if not questions and step.collects_responses:
                responses = [
                    _response(1, SHOWN_NAMED, source="attendee", author=ATTENDEE_NAME, author_details="Social worker, Children's Services"),
                    _response(2, SHOWN_ANONYMOUS, source="attendee", anonymous=True),
                    _response(3, SCRIBED),
                    _response(4, HIDDEN, hidden=True),
                    _response(5, WAITING, source="attendee", pending=True, author=ATTENDEE_NAME),
                ]
                if hostile:
                    responses.append(_response(6, HOSTILE_TEXT, source="attendee", anonymous=True))
                if bidi:
                    responses.append(_response(7, BIDI_TYPED, source="attendee", author=BIDI_NAME, author_details=BIDI_NAME))
            questions.append(RecordedQuestion(text=question.text, source=question.source, responses=responses))
        steps.append(
            RecordedStep(
                index=index,
                title=step.title,
                planned_seconds=step.planned_seconds,
                allowed_seconds=step.planned_seconds + (60 if index == 1 else 0),
                # A running session is on its second step: the ones after it are not reached yet.
                spent_seconds=0 if status == "running" and index > 1
                else step.planned_seconds + (40 if index == 1 else -5 if index == 0 else 0),
                prompt=step.prompt,
                sections=step.sections,
                questions=questions,
                collects_responses=step.collects_responses,
                records_actions=step.records_actions,
            )
        )
    every_question = [question for step in steps for question in step.questions]
    for extra in range(extra_responses):
        number = 100 + extra
        every_question[extra % len(every_question)].responses.append(
            _response(number, f"Extra reflection number {extra + 1}: the team talked about escalation and "
                              f"how to keep the child's voice at the centre of every plan.")
        )
    actions = [
        RecordedAction(1, "Add the escalation policy to the next team meeting agenda", "Jo Bloggs", date(2026, 12, 10)),
        RecordedAction(2, "Review open cases where a parent refused access", "Sam Patel", date(2027, 1, 15)),
        RecordedAction(3, "Share the briefing with the evening duty team", "", None),
    ]
    for extra in range(extra_actions):
        actions.append(RecordedAction(10 + extra, f"Extra action {extra + 1}: check the learning is in supervision",
                                      f"Owner {extra + 1}", date(2027, 2, 1) + timedelta(days=extra)))
    if hostile:
        actions.append(RecordedAction(99, HOSTILE_TEXT, "Owner <b>bold</b>", date(2027, 3, 1)))
    if bidi:
        actions.append(RecordedAction(98, BIDI_TYPED, BIDI_NAME, date(2027, 3, 1)))
    return Record(
        session_id="s3ss10nAbCdEf",
        briefing=planned.briefing,
        template=planned.template,
        facilitator="Alex Facilitator",
        team=BIDI_NAME if bidi else "Early Help East" if not hostile else "Team <script>alert(1)</script>",
        status=status,
        started_at=STARTED,
        ended_at=None if status == "running" else STARTED + timedelta(minutes=7, seconds=40),
        steps=steps,
        actions=actions,
        attendees=[
            RecordedAttendee(1, ATTENDEE_NAME, "Social worker", "Children's Services"),
            RecordedAttendee(2, ANONYMOUS_ATTENDEE_NAME, "", ""),
            *([RecordedAttendee(3, BIDI_NAME, BIDI_NAME, BIDI_NAME)] if bidi else []),
        ],
        head_count=None,
        current_step=len(steps) - 1 if status == "ended" else 1,
        joined=3,
        anonymous_joined=1,
        outline=planned.outline,
        unshown=planned.unshown,
    )
