"""The audit trail: who did what, when, from where. Recorded in the same transaction as what it describes
(an event for a change that was rolled back would be a false record), except failed sign-ins, which change
nothing else.

Attendees' words never go in: a subject names a session by its title and a response by its number."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Iterator

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session as DbSession

from ..formatting import LOCAL_TIME
from .models import AuditEvent

# What is recorded, with how the Audit page names it. A test fails if a name used anywhere is not here.
ACTIONS = {
    "sign-in": "Signed in",
    "sign-in-failed": "Sign-in failed",
    "sign-out": "Signed out",
    "sign-in-sso": "Signed in with single sign-on",
    "sign-in-sso-refused": "Single sign-on refused",
    "invitation": "Invited someone",
    "invitation-withdrawn": "Withdrew an invitation",
    "invitation-accepted": "Accepted an invitation",
    "password-reset-link": "Issued a password reset link",
    "password-reset": "Reset their password with a link",
    "password-changed": "Changed their password",
    "roles-changed": "Changed roles",
    "teams-changed": "Changed teams",
    "deactivated": "Deactivated an account",
    "reactivated": "Reactivated an account",
    "agency-added": "Added an agency",
    "agency-changed": "Changed an agency",
    "team-added": "Added a team",
    "team-changed": "Changed a team",
    "briefing-added": "Added a briefing",
    "briefing-edited": "Edited a briefing",
    "briefing-published": "Published a briefing",
    "briefing-retired": "Retired a briefing",
    "briefing-reinstated": "Reinstated a briefing",
    "briefing-restored": "Restored a briefing version",
    "session-started": "Started a session",
    "session-ended": "Ended a session",
    "session-deleted": "Deleted a session",
    "export-downloaded": "Downloaded an export",
    "response-redacted": "Redacted a response",
    "account-created": "Created an account at the terminal",
}

SUBJECT_LIMIT = 300
DETAIL_LIMIT = 2000


@dataclass(frozen=True)
class Actor:
    """Who did it, as the audit trail keeps them: the account (None when nobody is signed in) and its name."""

    account_id: int | None
    name: str
    address: str = ""

    @classmethod
    def of(cls, account, address: str = "") -> Actor:
        if account is None or not getattr(account, "is_authenticated", True) or getattr(account, "id", None) is None:
            return cls(None, "", address)
        return cls(account.id, account.name, address)


def record(dbs: DbSession, action: str, actor: Actor, now: datetime, *, subject: str = "", detail: str = "") -> None:
    """Add an event to the caller's transaction (the caller commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ACTIONS")
    dbs.add(
        AuditEvent(
            at=now,
            actor_id=actor.account_id,
            actor_name=actor.name[:80],
            address=actor.address[:64],
            action=action,
            subject=subject[:SUBJECT_LIMIT],
            detail=detail[:DETAIL_LIMIT],
        )
    )


# --- reading the trail: the Audit page and its CSV download ------------------------------------------------

PAGE = 100  # events a page of the Audit page lists; "Older events" shows the next hundred
CSV_BATCH = 1000  # events read per query while a CSV download is written (memory stays bounded)
CSV_HEADER = ("when (UTC)", "who", "address", "action", "subject", "detail")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"): a subject or
# detail is partly typed by people (a briefing's title, a name tried at sign-in), so such a cell is written with
# a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UTF8_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with this


class FilterProblem(ValueError):
    """A filter that cannot be used; `field` names the form field, the message is for the person."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AuditFilter:
    """What the Audit page narrows the trail to. Days are UK days (an event at 00:30 BST belongs to that day);
    `since` and `until` are both included. Empty means everything."""

    action: str = ""
    actor_id: int | None = None
    actor_name: str = ""  # part of the acting account's name (as it was then), any case
    since: date | None = None
    until: date | None = None
    text: str = ""  # part of the subject or the detail, any case

    def __post_init__(self):
        if self.action and self.action not in ACTIONS:
            raise FilterProblem("Choose an action from the list.", "action")
        if self.since and self.until and self.since > self.until:
            raise FilterProblem("The ‘from’ date is after the ‘to’ date: swap them or change one.", "since")

    @property
    def is_empty(self) -> bool:
        return self == AuditFilter()


def parse_day(text: str | None, *, what: str, field: str) -> date | None:
    """A day typed or picked: 2026-11-30 (what a date field sends) or 30/11/2026 (what people type in the UK);
    None when empty; FilterProblem naming `what` for anything else, including days that do not exist."""
    typed = (text or "").strip()
    if not typed:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", typed, re.ASCII)
    uk = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", typed, re.ASCII)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        raise FilterProblem(f"The {what} date {typed[:20]!r} is not a day on the calendar.", field) from None
    raise FilterProblem(f"The {what} date must be a date like 30/11/2026.", field)


def _conditions(filters: AuditFilter) -> list:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.actor_name.strip():
        conditions.append(AuditEvent.actor_name.icontains(filters.actor_name.strip(), autoescape=True))
    if filters.since is not None:
        conditions.append(AuditEvent.at >= _uk_midnight(filters.since))
    if filters.until is not None and filters.until < date.max:  # the day after 31/12/9999 is past Python's dates
        conditions.append(AuditEvent.at < _uk_midnight(filters.until + timedelta(days=1)))
    if filters.text.strip():
        words = filters.text.strip()
        conditions.append(or_(AuditEvent.subject.icontains(words, autoescape=True),
                              AuditEvent.detail.icontains(words, autoescape=True)))
    return conditions


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TIME).astimezone(timezone.utc)


@dataclass(frozen=True)
class EventsPage:
    """Newest first. `older` is the id to ask for the next page with (`before=`), None on the last page."""

    events: list[AuditEvent]
    older: int | None


def events(dbs: DbSession, filters: AuditFilter, *, before: int | None = None, size: int = PAGE) -> EventsPage:
    """The events that match, newest first (ties in time by the order they were recorded), `size` at most,
    starting after the event `before` (an id from a previous page; an unknown id starts from the newest)."""
    query = select(AuditEvent).where(*_conditions(filters))
    if before is not None:
        after = dbs.get(AuditEvent, before)
        if after is not None:
            query = query.where(or_(AuditEvent.at < after.at, and_(AuditEvent.at == after.at, AuditEvent.id < after.id)))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(size + 1)
    found = list(dbs.execute(query).scalars())
    shown = found[:size]
    return EventsPage(shown, shown[-1].id if len(found) > size else None)


def every_event(dbs: DbSession, filters: AuditFilter, *, batch: int = CSV_BATCH) -> Iterator[list[AuditEvent]]:
    """Every matching event, newest first, a batch at a time: each batch is one short query, so a download of
    a long trail neither holds a cursor open nor the whole trail in memory."""
    before = None
    while True:
        page = events(dbs, filters, before=before, size=batch)
        if page.events:
            yield page.events
        if page.older is None:
            return
        before = page.older
        for event in page.events:
            dbs.expunge(event)  # written out, not needed again: the session does not keep the whole trail


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(event: AuditEvent) -> list[str]:
    moment = event.at.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return [safe_cell(cell) for cell in (moment, event.actor_name, event.address, event.action, event.subject,
                                          event.detail)]


def csv_chunks(batches: Iterable[list[AuditEvent]]) -> Iterator[bytes]:
    """The CSV download as UTF-8 bytes with the byte-order mark Excel needs: the header, then a chunk per batch."""
    yield (_UTF8_BOM + _csv_text([list(CSV_HEADER)])).encode("utf-8")
    for batch in batches:
        yield _csv_text([csv_row(event) for event in batch]).encode("utf-8")


def to_csv(batches: Iterable[list[AuditEvent]]) -> bytes:
    return b"".join(csv_chunks(batches))


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # RFC 4180 line ends, as spreadsheets expect
    return out.getvalue()
