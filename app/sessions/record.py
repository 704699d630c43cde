"""A session as plain data: the one read model the summary page, the exports and the CLI all use.

Nothing here touches the database after `record_of` returns, so exporters and tests can build a Record by
hand. Hidden responses stay in the record, marked hidden, until the session is deleted; what screens and
exports show is `shown_responses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime

from ..briefings.model import Section
from .clock import Clock
from .privacy import names_in_plan
from .templates import Plan, Question


@dataclass
class RecordedResponse:
    id: int
    text: str
    created_at: datetime
    hidden: bool = False
    source: str = "scribe"  # scribe | attendee
    pending: bool = False  # waiting for the facilitator's approval (review before showing)
    anonymous: bool = False
    author: str = ""  # the attendee's name; always empty for anonymous and scribed responses
    author_details: str = ""  # role and team, as they gave them
    flagged: tuple[str, ...] = ()  # kinds of personal data its author was warned of and confirmed
    redacted: bool = False

    @property
    def on_screen(self) -> bool:
        return not self.hidden and not self.pending


@dataclass
class RecordedQuestion:
    text: str
    source: str  # "briefing" or "template"
    responses: list[RecordedResponse] = field(default_factory=list)

    @property
    def shown_responses(self) -> list[RecordedResponse]:
        return [response for response in self.responses if response.on_screen]

    @property
    def waiting_responses(self) -> list[RecordedResponse]:
        return [response for response in self.responses if response.pending and not response.hidden]


@dataclass
class RecordedStep:
    index: int
    title: str
    planned_seconds: int
    allowed_seconds: int  # planned plus minutes added
    spent_seconds: float
    prompt: str
    sections: list[Section]
    questions: list[RecordedQuestion]
    collects_responses: bool
    records_actions: bool


@dataclass
class RecordedAction:
    id: int
    what: str
    owner: str
    due: date | None


@dataclass
class RecordedAttendee:
    id: int
    name: str
    role: str
    organisation: str


@dataclass
class Record:
    session_id: str
    briefing: dict  # front matter of the briefing as it was when the session started
    template: dict
    facilitator: str
    team: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    steps: list[RecordedStep]
    actions: list[RecordedAction]
    attendees: list[RecordedAttendee]
    head_count: int | None
    current_step: int
    joined: int = 0  # people who joined from their own devices, named or anonymous
    anonymous_joined: int = 0  # of those, the ones who gave no name (not in `attendees`, the register)
    review_first: bool = False
    join_code: str | None = None
    outline: list[str] = field(default_factory=list)  # every section's label, from the plan snapshot
    unshown: list[Section] = field(default_factory=list)  # sections of the briefing no step showed
    plan: dict = field(default_factory=dict, repr=False)  # the snapshot itself, for briefing_names

    @cached_property
    def briefing_names(self) -> frozenset[str]:
        """The names the briefing uses: the console does not offer to redact them (privacy.names_in_plan)."""
        return names_in_plan(self.plan)

    @property
    def attendance(self) -> int:
        """How many attended: the head count when one was given, else everyone known (the register plus
        those who joined anonymously)."""
        if self.head_count is not None:
            return self.head_count
        return len(self.attendees) + self.anonymous_joined

    @property
    def planned_seconds(self) -> int:
        return sum(step.planned_seconds for step in self.steps)

    @property
    def spent_seconds(self) -> float:
        return sum(step.spent_seconds for step in self.steps)

    @property
    def questions(self) -> list[tuple[RecordedStep, RecordedQuestion]]:
        return [(step, question) for step in self.steps for question in step.questions]


def record_of(row, now: datetime) -> Record:
    """Read a BriefingSession row (with its responses, actions and attendees) into a Record."""
    from .service import clock_of  # the service owns the row <-> clock mapping

    plan = Plan.from_dict(row.plan)
    clock: Clock = clock_of(row)
    # Loading the attendees first lets each response find its author in the session's identity map (one query
    # for all of them, not one per response).
    attendees = list(row.attendees)
    responses_by_question: dict[tuple[int, int], list[RecordedResponse]] = {}
    # The order they reached the screens (approval, in review mode), the same for named and anonymous ones;
    # those still waiting come after, in the order they arrived.
    in_order = sorted(
        row.responses,
        key=lambda r: (r.shown_at is None, r.shown_at or r.created_at, r.created_at, r.id),
    )
    for response in in_order:
        person = response.attendee if not response.anonymous else None
        responses_by_question.setdefault((response.step, response.question), []).append(
            RecordedResponse(
                id=response.id,
                text=response.text,
                created_at=response.created_at,
                hidden=response.hidden,
                source=response.source,
                pending=response.pending,
                anonymous=response.anonymous,
                author=person.name if person else "",
                author_details=", ".join(part for part in (person.role, person.organisation) if part) if person else "",
                flagged=tuple(kind for kind in response.flagged.split(",") if kind),
                redacted=response.redacted,
            )
        )
    steps = []
    for index, planned in enumerate(plan.steps):
        questions = [
            _recorded_question(question, responses_by_question.get((index, number), []))
            for number, question in enumerate(planned.questions)
        ]
        steps.append(
            RecordedStep(
                index=index,
                title=planned.title,
                planned_seconds=planned.planned_seconds,
                allowed_seconds=clock.step_allowed(index),
                spent_seconds=clock.step_spent(now, index),
                prompt=planned.prompt,
                sections=planned.sections,
                questions=questions,
                collects_responses=planned.collects_responses,
                records_actions=planned.records_actions,
            )
        )
    return Record(
        session_id=row.public_id,
        briefing=plan.briefing,
        template=plan.template,
        facilitator=row.facilitator.name,
        team=row.team,
        status=row.status,
        started_at=row.started_at,
        ended_at=row.ended_at,
        steps=steps,
        actions=[RecordedAction(a.id, a.what, a.owner, a.due) for a in row.actions],
        attendees=[RecordedAttendee(a.id, a.name, a.role, a.organisation) for a in attendees if a.name],
        head_count=row.head_count,
        current_step=row.step,
        joined=sum(1 for a in attendees if a.token_hash is not None),
        anonymous_joined=sum(1 for a in attendees if not a.name),
        review_first=row.review_first,
        join_code=row.join_code,
        outline=plan.outline,
        unshown=plan.unshown,
        plan=row.plan,
    )


def _recorded_question(question: Question, responses: list[RecordedResponse]) -> RecordedQuestion:
    return RecordedQuestion(text=question.text, source=question.source, responses=responses)
