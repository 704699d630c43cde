"""Attendees taking part from their own phones: join with a code, add, edit and withdraw their own responses.

No accounts and no email: joining gives the phone a secret token (kept in its cookie); the database keeps only
the token's SHA-256, so a copy of the database cannot be used to act as an attendee.

Anonymity is real. An anonymous response has no attendee id; its `author_key` is an HMAC, under the app's
secret key, of the phone's token and the response's own idempotency key. Nothing stored links it to a person, or
to that person's other responses. The phone that wrote it keeps its id (in its cookie, next to the token) and
proves authorship with the token: the id alone is not enough.

Submissions are idempotent: each form carries a fresh random key, and a retry with the same key (a network blip,
a double tap) finds the response already stored and answers as if it had just been added.

Like service.py, every change is one transaction that takes the write lock first, and `now` is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from .. import ratelimit
from ..formatting import wait_text
from . import join
from .models import RESPONSE_LIMIT, SHORT_TEXT_LIMIT, Attendee, BriefingSession, Response
from .privacy import Finding, find_personal_data, names_in_plan
from .service import (
    SessionError,
    SessionNotFound,
    _question_step,
    _require_running,
    begin_write,
    clean_text,
    find_by_join_code,
    find_session,
    load_for_update,
)

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
NOT_JOINED = "Join the session with its code first."
OUT_OF_DATE = "This form is out of date: reload the page and send your response again."
EDITS_TOO_FAST = "You have changed your responses a great many times. Wait {wait}, then save it again: your change is kept."
MOST_ANONYMOUS = 200  # anonymous responses a phone keeps track of in one session
# A redaction is final. The facilitator's redaction keeps no copy of the words it took out, so an edit could not
# be checked for them: the author could simply type them back (and did, in the attack run). Edits that "keep
# the redactions" cannot be enforced, so a redacted response cannot be edited at all; it can still be withdrawn.
REDACTED_IS_FINAL = (
    "The facilitator redacted part of this response, so it can no longer be changed. You can withdraw it, "
    "or send a new response."
)


class WrongCode(SessionError):
    """The code typed is not the code of an open session."""


class NotJoined(SessionError):
    """This phone has not joined that session (or its token is unknown)."""


class TooFast(SessionError):
    """More than a real room ever does, too quickly: try again in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


# --- flooding ---------------------------------------------------------------------------------------------------
# Limits no real room meets, so only a script (or a stuck key) is ever slowed. A seven-minute briefing has one
# or two steps that collect responses; people send one to three reflections each and correct a typo or two: a
# room of 50 sends a few hundred in all. The benchmark's room of 300 phones (bench/live_session.py) joins within
# ten seconds and sends about 1,200 reflections in its one minute (25 a second at the busiest); it stays under
# every limit here.
#
# Per attendee (one join: a phone, or a script with one join's token):
ATTENDEE_RESPONSES = 10, timedelta(minutes=1)  # ten reflections a minute is faster than anyone types
ATTENDEE_EDITS = 60, timedelta(minutes=10)  # edits (and resent forms with new words) of their own responses
DEVICE_JOINS = 10, timedelta(minutes=10)  # new joins from one browser (people join once, or again if removed)
# Per session (many joins: a script that joins again and again):
SESSION_JOINS = 500, timedelta(minutes=1)
SESSION_RESPONSES_PER_MINUTE = 2000  # many joins, each under its own limit
MOST_ATTENDEES = 1000  # people joined from phones; the head count goes up to 1,000 too
MOST_RESPONSES = 3000  # a session's responses in all, so its PDF record and deck stay within reach


def _flood_key(kind: str, public_id: str, token: str, secret: bytes) -> str:
    """The per-attendee key: a keyed hash of the phone's token, not the attendee's id nor the stored token hash,
    so a copy of the database cannot tell whose counts they are. Keys of one session share a prefix (the
    family swept as one, under the session's lock)."""
    mark = hmac.new(secret, f"flood\n{kind}\n{token}".encode(), hashlib.sha256).hexdigest()
    return f"{_flood_family(kind, public_id)}{mark}"


def _flood_family(kind: str, public_id: str) -> str:
    return f"flood:{kind}:{public_id}:"


def _attendee_limit(kind: str, public_id: str, token: str, secret: bytes, rule) -> ratelimit.Limit:
    most, window = rule
    return ratelimit.Limit(_flood_key(kind, public_id, token, secret), most, window)


def _check(dbs: DbSession, limits: list[ratelimit.Limit], now: datetime, message: str) -> None:
    wait = ratelimit.retry_after(dbs, limits, now)
    if wait:
        dbs.rollback()
        raise TooFast(message.format(wait=wait_text(wait)), wait)


def _check_session_responses(dbs: DbSession, session_id: int, now: datetime) -> None:
    """The session's own caps, counted from its responses (two indexed counts, no extra rows)."""
    count = func.count(Response.id)
    total = dbs.execute(select(count).where(Response.session_id == session_id)).scalar_one()
    if total >= MOST_RESPONSES:
        dbs.rollback()
        raise SessionError(
            f"This session already holds {MOST_RESPONSES:,} responses, the most one session takes, so it takes "
            "no more. Tell the facilitator."
        )
    minute_ago = now - timedelta(minutes=1)
    recent = dbs.execute(
        select(count, func.min(Response.created_at)).where(
            Response.session_id == session_id, Response.created_at > minute_ago
        )
    ).one()
    if recent[0] >= SESSION_RESPONSES_PER_MINUTE:
        wait = max(1, math.ceil((recent[1] + timedelta(minutes=1) - now).total_seconds()))
        dbs.rollback()
        raise TooFast(
            f"This session is taking a great many responses at once. Wait {wait_text(wait)}, then send yours "
            "again: what you typed is kept.",
            wait,
        )


@dataclass(frozen=True)
class NeedsCheck:
    """A response that looks like it holds personal data: not stored; its author is asked to edit or confirm."""

    text: str
    findings: list[Finding]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(18)


def author_key(secret: bytes, token: str, idempotency_key: str) -> str:
    return hmac.new(secret, f"{token}\n{idempotency_key}".encode(), hashlib.sha256).hexdigest()


def join_session(
    dbs: DbSession, code_typed: str, name: str, role: str, organisation: str, now: datetime, *, device: str = ""
) -> tuple[BriefingSession, str]:
    """Join the open session whose code was typed. Returns the session and the new attendee's secret token.

    An empty name joins anonymously: counted as joined, not in the register. `device` is the browser's random
    id: one browser joining again and again is slowed, and so is a session joined by far more people than a room
    holds.
    """
    name = clean_text(name, what="name", limit=SHORT_TEXT_LIMIT, required=False)
    role = clean_text(role, what="role", limit=SHORT_TEXT_LIMIT, required=False)
    organisation = clean_text(organisation, what="team or agency", limit=SHORT_TEXT_LIMIT, required=False)
    code = join.normalise(code_typed)
    if code is None:
        raise WrongCode(
            f"A join code has {join.LENGTH} letters and numbers, like {join.display('K7P3XWQH9')}. "
            "Check the code on the screen and type it again."
        )
    found = find_by_join_code(dbs, code)
    if found is None:
        raise WrongCode("No session is open with that code. Check the code on the screen: it ends with the session.")
    row = load_for_update(dbs, found.public_id)
    if row.status != "running" or row.join_code != code:
        dbs.rollback()
        raise WrongCode("That session has just ended, so it takes no one new.")
    joined = dbs.execute(
        select(func.count(Attendee.id)).where(Attendee.session_id == row.id, Attendee.token_hash.is_not(None))
    ).scalar_one()
    if joined >= MOST_ATTENDEES:
        dbs.rollback()
        raise SessionError(f"This session already has {MOST_ATTENDEES:,} people taking part, the most it takes.")
    joining = [ratelimit.Limit(f"flood:join:{row.public_id}", SESSION_JOINS[0], SESSION_JOINS[1])]
    if device:
        joining.append(ratelimit.Limit(f"flood:join-device:{device}"[: ratelimit.KEY_LIMIT], *DEVICE_JOINS))
    _check(dbs, joining, now, "This session is taking new joins too quickly. Wait {wait}, then join again.")
    token = new_token()
    dbs.add(
        Attendee(
            session_id=row.id,
            name=name,
            role=role if name else "",
            organisation=organisation if name else "",
            token_hash=token_hash(token),
            created_at=now,
        )
    )
    row.version += 1  # the count of people joined, on the facilitator's screens
    ratelimit.record_event(dbs, joining, now, commit=False)
    dbs.commit()
    return row, token


def attendee_in(dbs: DbSession, public_id: str, token: str | None) -> tuple[BriefingSession, Attendee]:
    """The session and the attendee this phone's token belongs to."""
    if not token:
        raise NotJoined(NOT_JOINED)
    row = find_session(dbs, public_id)
    return row, _attendee_of(dbs, row, token)


def stage_version(dbs: DbSession, public_id: str, token: str | None = None) -> int | None:
    """The one cheap query of an attendee's poll: what their page shows, as a number. With a token, None
    unless that token joined this session (an attendee sees only their own session)."""
    query = select(BriefingSession.stage_version).where(BriefingSession.public_id == public_id)
    if token is not None:
        query = query.join(Attendee, Attendee.session_id == BriefingSession.id).where(
            Attendee.token_hash == token_hash(token)
        )
    return dbs.execute(query).scalar_one_or_none()


def own_responses(
    dbs: DbSession, row: BriefingSession, attendee: Attendee, token: str, secret: bytes, anonymous_ids: Iterable[int]
) -> list[Response]:
    """This attendee's responses, named and anonymous, in the order they were added.

    `anonymous_ids` are the ids the phone says are its anonymous responses; only those whose author key its
    token proves are returned. Two indexed queries, however many responses the session holds.
    """
    named = select(Response).where(Response.session_id == row.id, Response.attendee_id == attendee.id)
    mine = list(dbs.execute(named).scalars())
    claimed = sorted({int(i) for i in anonymous_ids})[:MOST_ANONYMOUS]
    if claimed:
        anonymous = select(Response).where(
            Response.session_id == row.id, Response.id.in_(claimed), Response.anonymous.is_(True)
        )
        mine += [r for r in dbs.execute(anonymous).scalars() if _is_author(r, token, secret)]
    return sorted(mine, key=lambda response: (response.created_at, response.id))


def _is_author(response: Response, token: str, secret: bytes) -> bool:
    if not response.author_key or not response.idempotency_key:
        return False
    return hmac.compare_digest(response.author_key, author_key(secret, token, response.idempotency_key))


def add_own_response(
    dbs: DbSession,
    public_id: str,
    token: str,
    secret: bytes,
    *,
    step: int,
    question: int,
    text_typed: str,
    anonymous: bool,
    idempotency_key: str,
    confirmed: bool,
    now: datetime,
) -> Response | NeedsCheck:
    """Add an attendee's response, once however often the same submission arrives.

    A response that looks like it holds personal data is not stored unless its author `confirmed` it; it is
    then marked with what was found, so the facilitator can redact it.
    """
    cleaned = clean_text(text_typed, what="response", limit=RESPONSE_LIMIT)
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key or ""):
        raise SessionError(OUT_OF_DATE)
    # Everything but the insert is read before the write lock is taken: the lock is one at a time for the
    # whole database (SQLite) or session (PostgreSQL), so it is held only for the two statements that must be
    # atomic. The plan is a snapshot that never changes while the session runs; a session that ends meanwhile
    # is caught by the guarded UPDATE below, and the same key sent twice at once by the unique constraint.
    row = find_session(dbs, public_id)
    _question_step(row, step, question)
    attendee = _attendee_of(dbs, row, token)
    findings = find_personal_data(cleaned, now.date(), names_in_plan(row.plan))
    already = _by_key(dbs, row.id, idempotency_key)
    if already is not None:
        return _sent_again(dbs, public_id, already, attendee.id, token, secret, cleaned, findings, confirmed, now)
    _require_running(row)
    if findings and not confirmed:
        dbs.rollback()
        return NeedsCheck(cleaned, findings)
    # Counted only now, when a new response would be stored: a retry of a stored one (above) never counts, and
    # the event row below is written in the same transaction as the response, so it counts exactly once.
    sending = [_attendee_limit("respond", public_id, token, secret, ATTENDEE_RESPONSES)]
    _check(dbs, sending, now, "You have sent a lot very quickly. Wait {wait}, then send it again: what you typed is kept.")
    _check_session_responses(dbs, row.id, now)
    session_id, review_first, attendee_id = row.id, row.review_first, attendee.id
    dbs.rollback()  # end the reading transaction: the write below starts afresh with the lock

    begin_write(dbs)
    still_running = dbs.execute(
        update(BriefingSession)
        .where(BriefingSession.id == session_id, BriefingSession.status == "running")
        .values(version=BriefingSession.version + 1)
    )
    if still_running.rowcount != 1:
        dbs.rollback()
        raise SessionError("This session has ended; nothing more can be added or changed.")
    response = Response(
        session_id=session_id,
        step=step,
        question=question,
        text=cleaned,
        source="attendee",
        anonymous=anonymous,
        attendee_id=None if anonymous else attendee_id,
        author_key=author_key(secret, token, idempotency_key),
        idempotency_key=idempotency_key,
        flagged=_kinds(findings),
        # Sent as it is despite the privacy check: a person (the facilitator) decides before it is shown.
        pending=review_first or bool(findings),
        shown_at=None if review_first or findings else now,
        created_at=now,
        updated_at=now,
    )
    # Counted first (its DELETE would flush the response early); the same transaction's rollback uncounts it.
    ratelimit.record_event(dbs, sending, now, family=_flood_family("respond", public_id), commit=False)
    dbs.add(response)
    try:
        dbs.commit()
    except IntegrityError:
        # The same submission, sent twice at once: the other one was stored first.
        dbs.rollback()
        already = _by_key(dbs, session_id, idempotency_key)
        if already is None:
            raise
        return _sent_again(dbs, public_id, already, attendee_id, token, secret, cleaned, findings, confirmed, now)
    return response


def _by_key(dbs: DbSession, session_id: int, idempotency_key: str) -> Response | None:
    return dbs.execute(
        select(Response).where(Response.session_id == session_id, Response.idempotency_key == idempotency_key)
    ).scalar_one_or_none()


def _sent_again(
    dbs, public_id, already: Response, attendee_id: int, token: str, secret: bytes, cleaned: str, findings, confirmed, now
) -> Response | NeedsCheck:
    """A submission whose key is stored already: the same one again (a retry, a double tap) is answered with
    what was stored. With other words (its first answer never arrived and the author edited it), the latest
    words win, as an edit would."""
    if not (already.attendee_id == attendee_id or _is_author(already, token, secret)):
        dbs.rollback()
        raise SessionError(OUT_OF_DATE)
    if already.text == cleaned:
        return already
    if already.redacted:
        dbs.rollback()
        raise SessionError(REDACTED_IS_FINAL)
    if findings and not confirmed:
        dbs.rollback()
        return NeedsCheck(cleaned, findings)
    response_id = already.id
    editing = [_attendee_limit("edit", public_id, token, secret, ATTENDEE_EDITS)]
    _check(dbs, editing, now, EDITS_TOO_FAST)
    row = load_for_update(dbs, public_id)
    response = dbs.get(Response, response_id)
    if row.status == "running" and response is not None:
        if _apply_edit(row, response, cleaned, findings, now):
            ratelimit.record_event(dbs, editing, now, family=_flood_family("edit", public_id), commit=False)
        dbs.commit()
        return response
    dbs.rollback()
    return dbs.get(Response, response_id) or already


def edit_own_response(
    dbs: DbSession,
    public_id: str,
    token: str,
    secret: bytes,
    response_id: int,
    text_typed: str,
    *,
    confirmed: bool,
    now: datetime,
) -> Response | NeedsCheck:
    """Change one's own response. It waits for approval again in review mode, and whenever the change adds
    something the privacy check flags. A response the facilitator redacted cannot be changed."""
    cleaned = clean_text(text_typed, what="response", limit=RESPONSE_LIMIT)
    row = load_for_update(dbs, public_id)
    response = _own_locked(dbs, row, token, secret, response_id)
    _require_running(row)
    if response.redacted:
        dbs.rollback()
        raise SessionError(REDACTED_IS_FINAL)
    findings = find_personal_data(cleaned, now.date(), names_in_plan(row.plan))
    if findings and not confirmed:
        dbs.rollback()
        return NeedsCheck(cleaned, findings)
    editing = [_attendee_limit("edit", public_id, token, secret, ATTENDEE_EDITS)]
    if cleaned != response.text:
        _check(dbs, editing, now, EDITS_TOO_FAST)
    if _apply_edit(row, response, cleaned, findings, now):
        ratelimit.record_event(dbs, editing, now, family=_flood_family("edit", public_id), commit=False)
    dbs.commit()
    return response


def _apply_edit(row: BriefingSession, response: Response, cleaned: str, findings: list[Finding], now: datetime) -> bool:
    """Change the words; False when they are the same (nothing changes, nothing counts)."""
    if cleaned == response.text:
        return False
    # What the facilitator saw (and approved, or let through) is what the response held before: anything the
    # check finds now that it did not find then has had nobody's look.
    seen = {
        (finding.kind, finding.text)
        for finding in find_personal_data(response.text, now.date(), names_in_plan(row.plan))
    }
    new_findings = [finding for finding in findings if (finding.kind, finding.text) not in seen]
    response.text = cleaned
    response.flagged = _kinds(findings)
    response.updated_at = now
    if row.review_first or new_findings:
        response.pending = True  # changed words are reviewed again
        row.stage_version += 1  # the author's phone shows it as waiting
    row.version += 1
    return True


def withdraw_own_response(dbs: DbSession, public_id: str, token: str, secret: bytes, response_id: int) -> None:
    """Take one's own response back: it is deleted, from the screens and from the record."""
    row = load_for_update(dbs, public_id)
    response = _own_locked(dbs, row, token, secret, response_id)
    _require_running(row)
    dbs.delete(response)
    row.version += 1
    dbs.commit()


def _attendee_of(dbs: DbSession, row: BriefingSession, token: str) -> Attendee:
    attendee = dbs.execute(
        select(Attendee).where(Attendee.session_id == row.id, Attendee.token_hash == token_hash(token or ""))
    ).scalar_one_or_none()
    if attendee is None:
        dbs.rollback()
        raise NotJoined(NOT_JOINED)
    return attendee


def _own_locked(dbs: DbSession, row: BriefingSession, token: str, secret: bytes, response_id: int) -> Response:
    attendee = _attendee_of(dbs, row, token)
    response = dbs.get(Response, response_id)
    if (
        response is None
        or response.session_id != row.id
        or not (response.attendee_id == attendee.id or _is_author(response, token, secret))
    ):
        dbs.rollback()
        raise SessionError("That response is not one of yours.")
    return response


def _kinds(findings: list[Finding]) -> str:
    kinds: list[str] = []
    for finding in findings:
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    return ",".join(kinds)


__all__ = [
    "NeedsCheck",
    "NotJoined",
    "SessionNotFound",
    "TooFast",
    "WrongCode",
    "add_own_response",
    "attendee_in",
    "edit_own_response",
    "join_session",
    "own_responses",
    "stage_version",
    "withdraw_own_response",
]
