"""The emails that carry an invitation or a password reset link: plain text, no Flask.

Each says who sent it, what the link does, when it stops working and that it works once, so a person who did
not expect it can tell what it is and ignore it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..formatting import long_datetime
from .roles import describe


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def invitation(name: str, invited_by: str, roles, link: str, expires_at: datetime) -> Letter:
    body = f"""Hello {name},

{invited_by} has invited you to Briefing Room, where your safeguarding partnership's seven-minute briefings
are run with teams. Your account will have the role{'s' if len(roles) > 1 else ''}: {describe(roles)}.

To accept, open this link and choose a password:

{link}

The link works once, until {long_datetime(expires_at)} (UK time). After that, ask {invited_by} for a new one.

If you were not expecting this, you can ignore this email: nothing is made until the link is used.
"""
    return Letter("You are invited to Briefing Room", body)


def password_reset(name: str, issued_by: str, link: str, expires_at: datetime) -> Letter:
    body = f"""Hello {name},

{issued_by} has issued a link for you to choose a new Briefing Room password:

{link}

The link works once, until {long_datetime(expires_at)} (UK time). Your current password keeps working until you
use it.

If you did not ask for this, you can ignore this email, and tell {issued_by}.
"""
    return Letter("Choose a new Briefing Room password", body)
