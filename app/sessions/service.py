"""Use cases for running a session: one transaction each, `now` passed in.

Every change takes the database's write lock up front (BEGIN IMMEDIATE on SQLite, a row lock on PostgreSQL),
so two requests for the same session are applied one after the other and concurrent writers never see
"database is locked". A move names the step it moves from, so a double click or a retried request never skips
two steps. Messages in SessionError are meant for the person at the screen.
"""

from __future__ import annotations

import random
import re
import secrets
import sqlite3
import time
import unicodedata
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from ..briefings.model import Briefing
from ..extensions import SQLITE_BUSY_TIMEOUT_MS
from ..numbers import NotANumber, parse_count
from ..people import audit
from ..people.models import Team, TeamMembership
from . import join
from .clock import Clock, ClockError
from .models import (
    RESPONSE_LIMIT,
    SHORT_TEXT_LIMIT,
    Action,
    Attendee,
    BriefingSession,
    Facilitator,
    Response,
)
from .templates import Plan, SessionTemplate, plan


HEAD_COUNT_LIMIT = 1000  # more people than any meeting room holds


class SessionError(ValueError):
    """Something the person asked for cannot be done; the message says why."""


class SessionNotFound(SessionError):
    pass


# --- transactions ------------------------------------------------------------------------------------------


WRITE_WAIT_SECONDS = 15.0  # the longest a write waits for its turn on SQLite before giving up


def begin_write(dbs: DbSession) -> None:
    """Start a write transaction holding the write lock from its first statement.

    On SQLite a deferred transaction that reads first and writes later can fail at once with "database is
    locked" when another writer got in between; taking the lock up front (BEGIN IMMEDIATE) makes it wait its
    turn. SQLite's own busy handler waits in growing sleeps (1, 2, 5, 10, 15, 20, 25, ... 100 ms), so a writer
    that found the lock taken often sleeps long after it was freed: with hundreds of attendees sending at once,
    that sleeping, not the writing, made the slowest submissions slow. So the wait is done here, in short
    sleeps (0.5 to 4 ms), and the lock is taken within a few milliseconds of being freed.
    """
    if dbs.get_bind().dialect.name != "sqlite":
        return
    raw = dbs.connection().connection.dbapi_connection
    if raw.in_transaction:
        return
    raw.execute("PRAGMA busy_timeout=0")
    try:
        pause = 0.0005
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause * random.uniform(0.5, 1.5))  # jitter: waiting writers do not retry in step
            pause = min(pause * 1.5, 0.004)
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def load_for_update(dbs: DbSession, public_id: str, facilitator: Facilitator | None = None) -> BriefingSession:
    begin_write(dbs)
    query = select(BriefingSession).where(BriefingSession.public_id == public_id)
    if facilitator is not None:
        query = query.where(BriefingSession.facilitator_id == facilitator.id)
    row = dbs.execute(query.with_for_update()).scalar_one_or_none()
    if row is None:
        raise SessionNotFound("There is no such session, or it is not yours.")
    return row


def find_session(dbs: DbSession, public_id: str, facilitator: Facilitator | None = None) -> BriefingSession:
    query = select(BriefingSession).where(BriefingSession.public_id == public_id)
    if facilitator is not None:
        query = query.where(BriefingSession.facilitator_id == facilitator.id)
    row = dbs.execute(query).scalar_one_or_none()
    if row is None:
        raise SessionNotFound("There is no such session, or it is not yours.")
    return row


def managed_team_ids(dbs: DbSession, account: Facilitator) -> list[int]:
    """The teams whose sessions an account reads as their manager: its teams, when it holds the manager role."""
    if not account.is_manager:
        return []
    query = select(TeamMembership.team_id).where(TeamMembership.account_id == account.id)
    return list(dbs.execute(query).scalars())


def find_readable_session(dbs: DbSession, public_id: str, account: Facilitator) -> BriefingSession:
    """A session to read (its summary, its exports): the account's own, or one run for a team it manages.
    Every change still goes through find_session / load_for_update, which find only the account's own."""
    row = dbs.execute(select(BriefingSession).where(BriefingSession.public_id == public_id)).scalar_one_or_none()
    if row is not None and (row.facilitator_id == account.id or is_managed_by(dbs, row, account)):
        return row
    raise SessionNotFound("There is no such session, or it is not yours.")


def is_managed_by(dbs: DbSession, row: BriefingSession, account: Facilitator) -> bool:
    return row.team_id is not None and row.team_id in managed_team_ids(dbs, account)


def team_sessions(dbs: DbSession, manager: Facilitator) -> list[BriefingSession]:
    """Sessions run for the teams an account manages, by other facilitators (its own are listed as its own)."""
    team_ids = managed_team_ids(dbs, manager)
    if not team_ids:
        return []
    query = (
        select(BriefingSession)
        .where(BriefingSession.team_id.in_(team_ids), BriefingSession.facilitator_id != manager.id)
        .order_by(BriefingSession.started_at.desc(), BriefingSession.id.desc())
    )
    return list(dbs.execute(query).scalars())


def teams_to_run_for(dbs: DbSession, facilitator: Facilitator) -> list[Team]:
    """The teams a facilitator may run a session for: their own active teams, by name."""
    query = (
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.account_id == facilitator.id, Team.active.is_(True))
        .order_by(Team.name, Team.id)
    )
    return list(dbs.execute(query).scalars())


def sessions_of(dbs: DbSession, facilitator: Facilitator) -> list[BriefingSession]:
    query = (
        select(BriefingSession)
        .where(BriefingSession.facilitator_id == facilitator.id)
        .order_by(BriefingSession.started_at.desc(), BriefingSession.id.desc())
    )
    return list(dbs.execute(query).scalars())


# --- text from people ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the marks
# (U+200E, U+200F, U+061C). Typed into a reflection they reorder what the projector, the console and the exports
# show, and even the words around them ("lanigiro" reads as "original"); nobody needs them to write a sentence,
# since every screen isolates each person's text with dir="auto" and the browser orders its letters itself.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Letters and symbols that draw nothing, though Unicode does not class them as format characters: the Hangul
# fillers, the Braille blank, the combining grapheme joiner and the variation selectors.
_BLANK = set("\u115f\u1160\u3164\uffa0\u2800\u034f") | {chr(c) for c in range(0xFE00, 0xFE10)}


def has_visible_character(text: str) -> bool:
    """Whether anything in `text` draws on a screen: not only spaces, zero-width and other format or control
    characters (categories Z and C), combining marks on nothing, or the letters that draw nothing."""
    return any(
        char not in _BLANK and unicodedata.category(char)[0] not in "ZCM" for char in text
    )


def clean_text(value: str | None, *, what: str, limit: int, required: bool = True) -> str:
    """Text as a person typed it, minus control and bidirectional control characters; refused when it shows
    nothing or is too long. Every string a person types goes through here on its way into the database."""
    typed = unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n"))
    cleaned = _BIDI.sub("", _CONTROL.sub("", typed)).strip()
    if cleaned and not has_visible_character(cleaned):
        if required:
            raise SessionError(
                f"The {what} has nothing visible in it, only spaces or invisible characters: type some words."
            )
        cleaned = ""  # an invisible name is no name: the person is anonymous, not a blank line in the register
    if required and not cleaned:
        raise SessionError(f"The {what} is empty: type something first.")
    if len(cleaned) > limit:
        raise SessionError(f"The {what} is too long: {len(cleaned):,} characters; the limit is {limit:,}.")
    return cleaned


# --- forms sent twice ---------------------------------------------------------------------------------------

# Each facilitator form that adds something (a scribe response, an action, a person in the register, a new
# session) carries a fresh random key; the row stores it under a unique constraint, so the same form sent twice
# (a double click, a retry, five at once) adds one row and the repeat answers as the first did.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
FORM_OUT_OF_DATE = "This form is out of date: reload the page and send it again."


def new_form_key() -> str:
    return secrets.token_urlsafe(18)


def form_key(key: str | None) -> str | None:
    """The form's key, or None when the form sent none (a script: nothing to match a repeat against)."""
    if not key:
        return None
    if not FORM_KEY.fullmatch(key):
        raise SessionError(FORM_OUT_OF_DATE)
    return key


def _already_added(dbs: DbSession, model, owner_column, owner_id: int, key: str | None):
    if key is None:
        return None
    return dbs.execute(select(model).where(owner_column == owner_id, model.idempotency_key == key)).scalar_one_or_none()


def _commit_once(dbs: DbSession, model, owner_column, owner_id: int, key: str | None, added):
    """Commit `added`; when the same form's key won a race to the unique constraint, answer with that row."""
    try:
        dbs.commit()
    except IntegrityError:
        dbs.rollback()
        first = _already_added(dbs, model, owner_column, owner_id, key)
        if first is None:
            raise
        return first
    return added


# --- the clock -------------------------------------------------------------------------------------------


def clock_of(row: BriefingSession) -> Clock:
    planned = tuple(step["planned_seconds"] for step in row.plan["steps"])
    return Clock(
        planned=planned,
        extra=tuple(row.extra_seconds),
        spent=tuple(row.spent_seconds),
        step=row.step,
        started_at=row.started_at,
        visit_started_at=row.visit_started_at,
        paused_at=row.paused_at,
        paused_in_visit=row.paused_in_visit,
        paused_total=row.paused_total,
        ended_at=row.ended_at,
    )


def _store_clock(row: BriefingSession, clock: Clock) -> None:
    row.step = clock.step
    row.extra_seconds = list(clock.extra)
    row.spent_seconds = list(clock.spent)
    row.visit_started_at = clock.visit_started_at
    row.paused_at = clock.paused_at
    row.paused_in_visit = clock.paused_in_visit
    row.paused_total = clock.paused_total
    row.ended_at = clock.ended_at
    row.version += 1
    row.stage_version += 1  # attendees' pages show the step and the countdown


def plan_of(row: BriefingSession) -> Plan:
    return Plan.from_dict(row.plan)


def _require_running(row: BriefingSession) -> None:
    if row.status != "running":
        raise SessionError("This session has ended; nothing more can be added or changed.")


def _change_clock(dbs: DbSession, row: BriefingSession, change) -> BriefingSession:
    _require_running(row)
    try:
        _store_clock(row, change(clock_of(row)))
    except ClockError as error:
        raise SessionError(str(error).capitalize() + ".") from None
    dbs.commit()
    return row


# --- use cases ---------------------------------------------------------------------------------------------


def start_session(
    dbs: DbSession,
    facilitator: Facilitator,
    briefing: Briefing,
    template: SessionTemplate,
    team: str,
    now: datetime,
    *,
    team_id: int | None = None,
    idempotency_key: str | None = None,
    actor: audit.Actor | None = None,
) -> BriefingSession:
    """Start a session; the same start form sent again (same key) answers with the session it started.

    `team_id` names one of the facilitator's own teams (its label becomes `team`, the name shown); without it,
    `team` is a one-off name as typed. `actor`, when given, is recorded in the audit trail with the session."""
    key = form_key(idempotency_key)
    if team_id is not None:
        chosen = next((found for found in teams_to_run_for(dbs, facilitator) if found.id == team_id), None)
        if chosen is None:
            raise SessionError("That team is not one of yours, so no session was started for it. Choose one of your teams.")
        team = chosen.label
    else:
        team = clean_text(team, what="team name", limit=SHORT_TEXT_LIMIT, required=False)
    the_plan = plan(briefing, template)
    if not the_plan.steps:
        raise SessionError(f"The template '{template.name}' has no step that this briefing can fill.")
    clock = Clock.start([step.planned_seconds for step in the_plan.steps], now)
    row = BriefingSession(
        facilitator_id=facilitator.id,
        briefing_id=briefing.id,
        template_id=template.id,
        title=briefing.title,
        team=team,
        team_id=team_id,
        plan=the_plan.to_dict(),
        status="running",
        started_at=now,
        visit_started_at=now,
        extra_seconds=list(clock.extra),
        spent_seconds=list(clock.spent),
        version=1,
        stage_version=1,
        idempotency_key=key,
    )
    begin_write(dbs)
    started = _already_added(dbs, BriefingSession, BriefingSession.facilitator_id, facilitator.id, key)
    if started is not None:
        dbs.rollback()
        return started
    row.join_code = _unused_join_code(dbs)
    dbs.add(row)
    if actor is not None:
        audit.record(dbs, "session-started", actor, now, subject=_named(row))
    return _commit_once(dbs, BriefingSession, BriefingSession.facilitator_id, facilitator.id, key, row)


def _unused_join_code(dbs: DbSession) -> str:
    """A join code no open session has. With 29^9 codes a clash is all but impossible; the unique
    constraint is the last word, this loop only avoids a needless error."""
    for _ in range(10):
        code = join.new_join_code()
        if dbs.execute(select(BriefingSession.id).where(BriefingSession.join_code == code)).first() is None:
            return code
    raise SessionError("Could not find an unused join code; try again.")


def find_by_join_code(dbs: DbSession, code: str) -> BriefingSession | None:
    """The open session with this join code (codes of ended sessions are cleared, so they find nothing)."""
    return dbs.execute(select(BriefingSession).where(BriefingSession.join_code == code)).scalar_one_or_none()


def move(dbs: DbSession, public_id: str, facilitator: Facilitator, from_step: int, to_step: int, now: datetime) -> bool:
    """Go from one step to another. Returns False, changing nothing, when the session is no longer on
    `from_step` (the same click arrived twice, or another screen moved first)."""
    row = load_for_update(dbs, public_id, facilitator)
    if row.step != from_step:
        _require_running(row)
        dbs.rollback()
        return False
    _change_clock(dbs, row, lambda clock: clock.move(to_step, now))
    return True


def pause(dbs: DbSession, public_id: str, facilitator: Facilitator, now: datetime) -> BriefingSession:
    return _change_clock(dbs, load_for_update(dbs, public_id, facilitator), lambda clock: clock.pause(now))


def resume(dbs: DbSession, public_id: str, facilitator: Facilitator, now: datetime) -> BriefingSession:
    return _change_clock(dbs, load_for_update(dbs, public_id, facilitator), lambda clock: clock.resume(now))


def add_minute(dbs: DbSession, public_id: str, facilitator: Facilitator, now: datetime) -> BriefingSession:
    return _change_clock(dbs, load_for_update(dbs, public_id, facilitator), lambda clock: clock.add_time(now))


def _named(row: BriefingSession) -> str:
    """A session as the audit trail names it: its title and team, never anything the room said."""
    return f"{row.title} ({row.team})" if row.team else row.title


def end_session(
    dbs: DbSession, public_id: str, facilitator: Facilitator, now: datetime, *, actor: audit.Actor | None = None
) -> BriefingSession:
    row = load_for_update(dbs, public_id, facilitator)
    if row.status == "ended":
        dbs.rollback()
        return row  # ending twice is harmless (and recorded once)
    _store_clock(row, clock_of(row).end(now))
    row.status = "ended"
    row.join_code = None  # dead once the session ends
    if actor is not None:
        audit.record(dbs, "session-ended", actor, now, subject=_named(row))
    dbs.commit()
    return row


def _question_step(row: BriefingSession, step: int, question: int) -> None:
    """Refuse a response to a step or question that does not exist or collects none. Reads the stored plan's
    dictionaries directly: building the whole Plan would cost more than the rest of adding a response."""
    steps = row.plan["steps"]
    if not 0 <= step < len(steps):
        raise SessionError(f"There is no step {step + 1}; the session has {len(steps)} steps.")
    planned = steps[step]
    if not planned.get("collects_responses"):
        raise SessionError(f"Step {step + 1}, '{planned['title']}', does not collect responses.")
    if not 0 <= question < len(planned.get("questions", [])):
        raise SessionError(f"Step {step + 1} has no question {question + 1}.")


def add_response(
    dbs: DbSession,
    public_id: str,
    facilitator: Facilitator,
    step: int,
    question: int,
    text_typed: str,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> Response:
    """The scribe adds a response; the same form sent again (same key) answers with the response it added."""
    key = form_key(idempotency_key)
    cleaned = clean_text(text_typed, what="response", limit=RESPONSE_LIMIT)
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    _question_step(row, step, question)
    added = _already_added(dbs, Response, Response.session_id, row.id, key)
    if added is not None:
        dbs.rollback()
        return added
    response = Response(
        session_id=row.id,
        step=step,
        question=question,
        text=cleaned,
        source="scribe",
        created_at=now,
        updated_at=now,
        shown_at=now,  # the facilitator typed it: no review needed
        idempotency_key=key,
    )
    dbs.add(response)
    row.version += 1
    return _commit_once(dbs, Response, Response.session_id, row.id, key, response)


def _part_of(dbs: DbSession, row: BriefingSession, model, part_id: int, message: str):
    """A response, action or attendee of this session; anything else is refused with `message`."""
    part = dbs.get(model, part_id)
    if part is None or part.session_id != row.id:
        raise SessionError(message)
    return part


def _response_of(dbs: DbSession, row: BriefingSession, response_id: int) -> Response:
    return _part_of(dbs, row, Response, response_id, "That response is not part of this session.")


def edit_response(
    dbs: DbSession, public_id: str, facilitator: Facilitator, response_id: int, text_typed: str, now: datetime
) -> Response:
    cleaned = clean_text(text_typed, what="response", limit=RESPONSE_LIMIT)
    return _change_response(dbs, public_id, facilitator, response_id, now, text=cleaned)


def set_response_hidden(
    dbs: DbSession, public_id: str, facilitator: Facilitator, response_id: int, hidden: bool, now: datetime
) -> Response:
    """Hide a response from the screens (or show it again); it stays in the record, marked hidden."""
    return _change_response(dbs, public_id, facilitator, response_id, now, hidden=hidden)


def approve_response(
    dbs: DbSession, public_id: str, facilitator: Facilitator, response_id: int, now: datetime
) -> Response:
    """Let a response that waits for review onto the screens. Approving twice is harmless."""
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    response = _response_of(dbs, row, response_id)
    _show(response, now)
    _moderated(row)
    dbs.commit()
    return response


def approve_all(dbs: DbSession, public_id: str, facilitator: Facilitator, now: datetime) -> int:
    """Show every response that waits for review, in the order they arrived. Returns how many."""
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    waiting = [response for response in row.responses if response.pending]
    for response in sorted(waiting, key=lambda response: (response.created_at, response.id)):
        _show(response, now)
    if waiting:
        _moderated(row)
    dbs.commit()
    return len(waiting)


def _show(response: Response, now: datetime) -> None:
    response.pending = False
    response.shown_at = response.shown_at or now
    response.updated_at = now


def _moderated(row: BriefingSession) -> None:
    # Authors see on their own phones whether a response is shown, waiting or hidden.
    row.version += 1
    row.stage_version += 1


def set_review_first(dbs: DbSession, public_id: str, facilitator: Facilitator, review_first: bool) -> BriefingSession:
    """Switch "review before showing" on or off. Responses already waiting keep waiting for approval."""
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    row.review_first = review_first
    _moderated(row)
    dbs.commit()
    return row


REDACTED = "[redacted]"


def redact_response(
    dbs: DbSession,
    public_id: str,
    facilitator: Facilitator,
    response_id: int,
    part: str,
    now: datetime,
    *,
    actor: audit.Actor | None = None,
) -> Response:
    """Replace every copy of `part` in a response with [redacted]. The words are gone from the record, not
    hidden: nothing keeps the text as it was."""
    part = clean_text(part, what="text to redact", limit=RESPONSE_LIMIT)
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    response = _response_of(dbs, row, response_id)
    if part not in response.text:
        raise SessionError(f"'{part}' is not in this response: copy the words exactly as they appear.")
    response.text = response.text.replace(part, REDACTED)
    response.redacted = True
    response.updated_at = now
    _moderated(row)
    if actor is not None:
        # The response by its number and place, never its words (neither before nor after redaction).
        audit.record(
            dbs, "response-redacted", actor, now, subject=f"{_named(row)}, response {response.id}",
            detail=f"step {response.step + 1}, question {response.question + 1}",
        )
    dbs.commit()
    return response


def _change_response(
    dbs: DbSession, public_id: str, facilitator: Facilitator, response_id: int, now: datetime, **changes
) -> Response:
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    response = _response_of(dbs, row, response_id)
    for name, value in changes.items():
        setattr(response, name, value)
    response.updated_at = now
    _moderated(row)
    dbs.commit()
    return response


def add_action(
    dbs: DbSession,
    public_id: str,
    facilitator: Facilitator,
    what: str,
    owner: str,
    due: str,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> Action:
    key = form_key(idempotency_key)
    what = clean_text(what, what="action", limit=RESPONSE_LIMIT)
    owner = clean_text(owner, what="owner's name", limit=SHORT_TEXT_LIMIT, required=False)
    due_date = parse_due(due)
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    added = _already_added(dbs, Action, Action.session_id, row.id, key)
    if added is not None:
        dbs.rollback()
        return added
    action = Action(session_id=row.id, what=what, owner=owner, due=due_date, created_at=now, idempotency_key=key)
    dbs.add(action)
    row.version += 1
    return _commit_once(dbs, Action, Action.session_id, row.id, key, action)


def parse_due(due: str | None) -> date | None:
    due = (due or "").strip()
    if not due:
        return None
    try:
        return date.fromisoformat(due)
    except ValueError:
        raise SessionError(f"'{due}' is not a date: use the date picker or write it as 2026-12-31.") from None


def remove_action(dbs: DbSession, public_id: str, facilitator: Facilitator, action_id: int) -> None:
    _delete_part(dbs, public_id, facilitator, Action, action_id, "That action is not part of this session.")


def _delete_part(dbs: DbSession, public_id: str, facilitator: Facilitator, model, part_id: int, message: str) -> None:
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    dbs.delete(_part_of(dbs, row, model, part_id, message))
    row.version += 1
    dbs.commit()


def add_attendee(
    dbs: DbSession,
    public_id: str,
    facilitator: Facilitator,
    name: str,
    role: str,
    organisation: str,
    now: datetime,
    *,
    idempotency_key: str | None = None,
) -> Attendee:
    key = form_key(idempotency_key)
    name = clean_text(name, what="name", limit=SHORT_TEXT_LIMIT)
    role = clean_text(role, what="role", limit=SHORT_TEXT_LIMIT, required=False)
    organisation = clean_text(organisation, what="team or agency", limit=SHORT_TEXT_LIMIT, required=False)
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    added = _already_added(dbs, Attendee, Attendee.session_id, row.id, key)
    if added is not None:
        dbs.rollback()
        return added
    attendee = Attendee(
        session_id=row.id, name=name, role=role, organisation=organisation, created_at=now, idempotency_key=key
    )
    dbs.add(attendee)
    row.version += 1
    return _commit_once(dbs, Attendee, Attendee.session_id, row.id, key, attendee)


def remove_attendee(dbs: DbSession, public_id: str, facilitator: Facilitator, attendee_id: int) -> None:
    _delete_part(dbs, public_id, facilitator, Attendee, attendee_id, "That person is not in this session's register.")


def set_head_count(dbs: DbSession, public_id: str, facilitator: Facilitator, count: str) -> BriefingSession:
    number = None
    if (count or "").strip():
        try:
            number = parse_count(count, what="head count", low=1, high=HEAD_COUNT_LIMIT)
        except NotANumber as error:
            raise SessionError(str(error)) from None
    row = load_for_update(dbs, public_id, facilitator)
    _require_running(row)
    row.head_count = number
    row.version += 1
    dbs.commit()
    return row


def delete_session(
    dbs: DbSession, public_id: str, facilitator: Facilitator, *, actor: audit.Actor | None = None, now: datetime | None = None
) -> None:
    """Delete a session with everything in it, so that none of its text lingers in the database files."""
    row = load_for_update(dbs, public_id, facilitator)
    if actor is not None:
        if now is None:
            raise ValueError("an audited deletion needs the time it happened")
        audit.record(dbs, "session-deleted", actor, now, subject=_named(row))
    dbs.delete(row)
    dbs.commit()
    scrub_deleted(dbs)


def scrub_deleted(dbs: DbSession) -> None:
    bind = dbs.get_bind()
    if bind.dialect.name == "sqlite":
        # secure_delete (set on every connection) zeroes freed pages in the database file; the write-ahead
        # log still holds older copies of those pages until it is checkpointed and truncated.
        with bind.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif bind.dialect.name == "postgresql":
        # Dead rows stay in PostgreSQL's pages until VACUUM reclaims them; it cannot run in a transaction.
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("responses", "actions", "attendees", "briefing_sessions"):
                connection.exec_driver_sql(f"VACUUM {table}")
