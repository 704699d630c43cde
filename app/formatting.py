"""Dates, times and durations as people in a UK meeting room read them: plain Python, no Flask.

The pages (as Jinja filters registered in `app/web/`) and the exports use these same functions, so a deck, a
PDF and the summary page never disagree about a time.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# English month names whatever the server's locale: the pages and exports are en-GB.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
try:
    # Meetings happen in the UK: times are shown as the room's clock shows them, summer time included.
    LOCAL_TIME = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without time zone data
    LOCAL_TIME = timezone.utc

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def m_ss(seconds: float | int | None) -> str:
    """Seconds as minutes:seconds ("1:05", "12:00"), rounded to the nearest second; never negative."""
    total = max(0, round(seconds or 0))
    minutes, rest = divmod(total, 60)
    return f"{minutes}:{rest:02d}"


def long_day(day: date | None) -> str:
    """A date as "31 January 2027"."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_datetime(moment: datetime | None) -> str:
    """ "25 November 2026 at 10:05", in UK time."""
    if moment is None:
        return ""
    local = moment.astimezone(LOCAL_TIME)
    return f"{long_day(local.date())} at {local:%H:%M}"


def exact_datetime(moment: datetime | None) -> str:
    """ "25 November 2026, 10:05:07", in UK time: to the second, for a record of who did what when."""
    if moment is None:
        return ""
    local = moment.astimezone(LOCAL_TIME)
    return f"{long_day(local.date())}, {local:%H:%M:%S}"


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(LOCAL_TIME):%H:%M}"


def local_date(moment: datetime) -> date:
    """The day a moment falls on in the UK (a session at 00:30 BST belongs to that day, not the day before)."""
    return moment.astimezone(LOCAL_TIME).date()


def iso_local(moment: datetime) -> str:
    """A machine-readable time for <time datetime>, with its offset."""
    return moment.astimezone(LOCAL_TIME).isoformat(timespec="minutes")


def iso_parts(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of "2022", "2022-03" or "2022-03-14" when it is a real date; None otherwise."""
    match = _ISO_DATE.fullmatch(text or "")
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def long_date(iso: str) -> str:
    """ "2022" -> "2022", "2022-03" -> "March 2022", "2022-03-14" -> "14 March 2022"; anything else unchanged."""
    parts = iso_parts(iso)
    if parts is None:
        return iso
    year, month, day = parts
    if month is None:
        return str(year)
    return " ".join(str(part) for part in (day, MONTHS[month - 1], year) if part is not None)


def file_size(size: int) -> str:
    """A size in bytes as people say it: "25 MB", "64 KB" (binary units, rounded down, as the limits are set)."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(size // 1024, 1)} KB"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def wait_in_minutes(seconds: int) -> str:
    """How long a person must wait, rounded up to whole minutes ("1 minute", "9 minutes"): for 10-minute limits."""
    minutes = max(1, -(-seconds // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def wait_text(seconds: int) -> str:
    """How long a person must wait, in seconds under a minute and a half ("42 seconds"), else whole minutes."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return wait_in_minutes(seconds)
