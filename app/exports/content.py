"""What an export shows, whatever its format: plain data built from a briefing or from a session's record.

Both exporters (`deck.py` for PowerPoint, `pdf.py` for the PDFs) read only an `ExportContent`, so the rules of
what goes in are made once, here:

- a briefing on its own is delivered as its session template plans it: every step with the sections it shows,
  its questions, the facilitator's prompt and planned time; sections no step shows are still carried
  (`unshown`), so an offline pack holds the whole briefing;
- a session adds what the room said: only responses that reached the screen (hidden ones and ones never
  approved are left out), the author's name only when they gave it and did not choose anonymity, actions,
  attendance and the time spent per step;
- every string a person typed has the characters XML cannot hold and bidirectional controls removed
  (`xml_safe`), and the rest kept.

Plain Python, no Flask: the web views and the CLI both call `briefing_content` / `session_content`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..briefings.model import Briefing, Section
from ..sessions.record import Record
from ..sessions.service import BIDI_CONTROLS
from ..sessions.templates import SessionTemplate, plan

# XML 1.0's characters (https://www.w3.org/TR/xml/#charsets): tab, newline, carriage return, and everything from
# space up except the surrogates and U+FFFE / U+FFFF. python-pptx (lxml) refuses the rest outright.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Also the bidirectional controls: clean_text keeps them out of the database since issue 10, but rows written
# before then may hold them, and in a slide or a PDF line one would reorder the words after it.
_UNWANTED = re.compile(f"{_NOT_XML.pattern}|[{BIDI_CONTROLS}]")


def xml_safe(text: str) -> str:
    """The text without the characters an XML document cannot hold, nor bidirectional controls; everything else
    is kept as it was."""
    return _UNWANTED.sub("", text or "")


@dataclass(frozen=True)
class SpokenResponse:
    """One response as an export shows it."""

    text: str
    author: str = ""  # "Name (role, team)" for a named attendee; "" for anonymous and scribed responses


@dataclass
class QuestionContent:
    text: str  # inline Markdown, as the briefing or template wrote it
    responses: list[SpokenResponse] = field(default_factory=list)  # empty for a briefing on its own


@dataclass
class StepContent:
    number: int  # 1-based, as the console shows it
    title: str
    planned_seconds: int
    prompt: str  # the facilitator's prompt from the session template ("" when it has none)
    sections: list[Section]  # the briefing's sections this step shows, text as inline Markdown
    questions: list[QuestionContent]
    collects_responses: bool
    records_actions: bool
    spent_seconds: float | None = None  # sessions only
    allowed_seconds: int | None = None  # sessions only: planned plus minutes added
    reached: bool = True  # False for steps a running session has not reached yet


@dataclass(frozen=True)
class ActionContent:
    what: str
    owner: str
    due: date | None


@dataclass
class SessionFacts:
    session_id: str
    started_at: datetime
    ended_at: datetime | None
    running: bool
    facilitator: str
    team: str
    attendance: int  # the head count when given, else everyone known
    attendees: list[str]  # names on the register, each "Name (role, team)" when they gave them
    head_count: int | None
    anonymous_joined: int  # people who joined from a phone without a name (counted, never named)
    actions: list[ActionContent]
    planned_seconds: int
    spent_seconds: float


@dataclass
class ExportContent:
    briefing: dict  # front matter: id, title, publisher, review_type, themes, source, date
    template: dict  # the session template's id, name and description
    outline: list[str]  # every section's label in reading order: the briefing's segments at a glance
    steps: list[StepContent]
    unshown: list[Section]  # sections no step shows, in reading order (resources among them when not shown)
    resources: list[Section]  # the "where to learn more" sections, wherever they are shown
    sections: list[Section] = field(default_factory=list)  # the whole briefing in reading order (briefings only)
    session: SessionFacts | None = None

    @property
    def title(self) -> str:
        return self.briefing.get("title", "")

    @property
    def questions(self) -> list[tuple[StepContent, QuestionContent]]:
        return [(step, question) for step in self.steps for question in step.questions]


def briefing_content(briefing: Briefing, template: SessionTemplate) -> ExportContent:
    """A briefing on its own, as `template` delivers it: the offline pack and the handout."""
    planned = plan(briefing, template)
    steps = [
        StepContent(
            number=index,
            title=step.title,
            planned_seconds=step.planned_seconds,
            prompt=step.prompt,
            sections=step.sections,
            questions=[QuestionContent(question.text) for question in step.questions],
            collects_responses=step.collects_responses,
            records_actions=step.records_actions,
        )
        for index, step in enumerate(planned.steps, start=1)
    ]
    return ExportContent(
        briefing=planned.briefing,
        template=planned.template,
        outline=planned.outline,
        steps=steps,
        unshown=planned.unshown,
        resources=briefing.sections_of("resources"),
        sections=list(briefing.sections),
    )


def session_content(record: Record) -> ExportContent:
    """A session: the briefing as its plan snapshot showed it, and what the room said (as it stands, while
    the session is still running)."""
    running = record.status == "running"
    steps = []
    for step in record.steps:
        steps.append(
            StepContent(
                number=step.index + 1,
                title=step.title,
                planned_seconds=step.planned_seconds,
                prompt=step.prompt,
                sections=step.sections,
                questions=[
                    QuestionContent(
                        question.text,
                        [
                            SpokenResponse(xml_safe(response.text), _author(response))
                            for response in question.shown_responses
                        ],
                    )
                    for question in step.questions
                ],
                collects_responses=step.collects_responses,
                records_actions=step.records_actions,
                spent_seconds=step.spent_seconds,
                allowed_seconds=step.allowed_seconds,
                reached=not (running and step.index > record.current_step and step.spent_seconds == 0),
            )
        )
    shown_sections = [section for step in record.steps for section in step.sections]
    resources = [s for s in shown_sections + record.unshown if s.kind == "resources"]
    outline = record.outline or _labels(shown_sections)
    facts = SessionFacts(
        session_id=record.session_id,
        started_at=record.started_at,
        ended_at=record.ended_at,
        running=running,
        facilitator=xml_safe(record.facilitator),
        team=xml_safe(record.team),
        attendance=record.attendance,
        attendees=[xml_safe(_with_details(a.name, a.role, a.organisation)) for a in record.attendees],
        head_count=record.head_count,
        anonymous_joined=record.anonymous_joined,
        actions=[ActionContent(xml_safe(a.what), xml_safe(a.owner), a.due) for a in record.actions],
        planned_seconds=record.planned_seconds,
        spent_seconds=record.spent_seconds,
    )
    return ExportContent(
        briefing=record.briefing,
        template=record.template,
        outline=outline,
        steps=steps,
        unshown=record.unshown,
        resources=resources,
        session=facts,
    )


def _author(response) -> str:
    # A name only when its author gave one and did not choose anonymity; scribed responses have none.
    if response.anonymous or response.source != "attendee" or not response.author:
        return ""
    details = f" ({response.author_details})" if response.author_details else ""
    return xml_safe(response.author + details)


def _with_details(name: str, role: str, organisation: str) -> str:
    details = ", ".join(part for part in (role, organisation) if part)
    return f"{name} ({details})" if details else name


def _labels(sections: list[Section]) -> list[str]:
    labels: list[str] = []
    for section in sections:
        if section.numbered_label not in labels:
            labels.append(section.numbered_label)
    return labels
