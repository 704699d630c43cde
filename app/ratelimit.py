"""Slowing down guessing (join codes, passwords), with counts every server process shares.

Only failures are counted, so people who type the right code or password are never slowed, however many of
them share one office network. The counts live in the app's own database (a row per failure, kept for the
longest window), so every gunicorn worker and every machine behind a load balancer sees the same numbers and
`make run` needs no extra service. Flask-Limiter was considered: its storages are memory (one process only),
Redis, Memcached and MongoDB, none of which the embedded-SQLite set-up has.

A caller asks `retry_after` first and calls `record_failure` only after the guess turned out wrong, so requests
in flight at the same moment each pass the check before any of them is counted: a burst can get past a limit
by at most the number of requests the server handles at once (WORKERS x THREADS), then waits a whole window.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, String, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as DbSession

from .extensions import db
from .sessions import service as _service  # the module, not its names: service may one day import this one
from .sessions.models import UTCDateTime


class FailedAttempt(db.Model):
    """One wrong guess, under each key it counts against (client, network, code, account)."""

    __tablename__ = "failed_attempts"
    __table_args__ = (Index("ix_failed_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# No limit may look further back than this: each failure also sweeps away every key's rows older than it, so
# keys that never fail again (a name tried once, an address seen once) do not stay in the table for ever.
FORGET_AFTER = timedelta(days=1)
KEY_LIMIT = 200  # FailedAttempt.key


@dataclass(frozen=True)
class Limit:
    """At most `limit` failures under `key` within `window`; the next try waits until one leaves the window."""

    key: str
    limit: int
    window: timedelta

    def __post_init__(self):
        # Checked here rather than left to the database: SQLite would store a longer key, PostgreSQL would not.
        if not self.key or len(self.key) > KEY_LIMIT:
            raise ValueError(f"a limit's key has 1 to {KEY_LIMIT} characters, not {len(self.key)}")
        if self.limit < 1:
            raise ValueError("a limit allows at least one failure")
        if not timedelta(0) < self.window <= FORGET_AFTER:
            raise ValueError(f"a limit's window is longer than nothing and at most {FORGET_AFTER}")


def retry_after(dbs: DbSession, limits: Iterable[Limit], now: datetime) -> int:
    """Whole seconds until every limit allows another try: 0 when none is reached.

    A limit is reached when `limit` failures lie within the window; it lifts when the `limit`-th newest of them
    leaves it. That is the oldest one unless concurrent requests got more in than the limit (each checks before
    the others record), and asking for it directly keeps the answer right then too, in one SELECT per limit.
    """
    wait = 0.0
    for limit in limits:
        query = (
            select(FailedAttempt.at)
            .where(FailedAttempt.key == limit.key, FailedAttempt.at > now - limit.window)
            .order_by(FailedAttempt.at.desc())
            .offset(limit.limit - 1)
            .limit(1)
        )
        lifting = dbs.execute(query).scalar_one_or_none()
        if lifting is not None:
            wait = max(wait, (lifting + limit.window - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def record_failure(dbs: DbSession, limits: Iterable[Limit], now: datetime) -> None:
    """Count one failure against each limit's key, then forget the failures no limit looks at any more.

    The failure is committed first and on its own: it is what slows guessing, and it must not be lost because
    the tidying after it failed. Tidying is best-effort; the next failure tries again.
    """
    limits = list(limits)
    keys = sorted({limit.key for limit in limits})  # two limits on one key (two windows) count one failure
    if not keys:
        return
    _service.begin_write(dbs)
    dbs.add_all(FailedAttempt(key=key, at=now) for key in keys)
    dbs.commit()

    longest = max(limit.window for limit in limits)
    try:
        _service.begin_write(dbs)
        dbs.execute(delete(FailedAttempt).where(FailedAttempt.key.in_(keys), FailedAttempt.at <= now - longest))
        dbs.execute(delete(FailedAttempt).where(FailedAttempt.at <= now - FORGET_AFTER))
        dbs.commit()
    except OperationalError:
        # Two PostgreSQL writers sweeping the same old rows in different orders can deadlock, and SQLite can
        # time out waiting for the write lock; either way the rows are still there for the next sweep.
        dbs.rollback()


def clear(dbs: DbSession, keys: Iterable[str]) -> None:
    """Forget every failure under `keys`: a success that proves who is asking (the right password for the
    account) pardons that client's earlier typos for it. Never clear a key a success does not vouch for, such
    as a whole network's, or a guesser with an account of their own could reset it by signing in between
    guesses at other accounts.
    """
    keys = sorted(set(keys))
    if not keys:
        return
    _service.begin_write(dbs)
    dbs.execute(delete(FailedAttempt).where(FailedAttempt.key.in_(keys)))
    dbs.commit()


def record_event(
    dbs: DbSession, limits: Iterable[Limit], now: datetime, *, family: str = "", commit: bool = True
) -> None:
    """Count one success (a response stored, an edit saved, a join) against each limit's key, for limits on how
    much anyone may do rather than on guessing. `retry_after` reads these counts like failures.

    With `commit=False` the rows join the caller's transaction, so they are counted exactly when what they
    count is stored (a retried submission that stores nothing counts nothing). Rows of keys starting with
    `family` that no limit looks at any more are forgotten at once, not after FORGET_AFTER: when they were
    written is all they hold, and kept, the times could be matched against responses' times.
    """
    limits = list(limits)
    keys = sorted({limit.key for limit in limits})
    if not keys:
        return
    if commit:
        _service.begin_write(dbs)
    dbs.add_all(FailedAttempt(key=key, at=now) for key in keys)
    longest = max(limit.window for limit in limits)
    if family:
        stale = FailedAttempt.key.startswith(family, autoescape=True)
    else:
        stale = FailedAttempt.key.in_(keys)
    dbs.execute(delete(FailedAttempt).where(stale, FailedAttempt.at <= now - longest))
    if commit:
        dbs.commit()
