"""The audit trail: who did what, when, from where. Recorded in the same transaction as what it describes
(an event for a change that was rolled back would be a false record), except failed sign-ins, which change
nothing else.

Attendees' words never go in: a subject names a session by its title and a response by its number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

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
