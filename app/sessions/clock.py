"""The session timer as pure functions of stored times and `now`.

The server keeps the clock: the database holds when the session started, when the current step's visit
started, pauses, minutes added and time already spent per step. Every screen asks the server for the same
numbers, so a reload, a second screen or a server restart shows the same time; browsers only count down
between updates. Nothing here reads the wall clock: `now` is passed in, so tests need no clock mocking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

# A step "nears its end" in its last 30 seconds, or its last quarter when that is shorter.
WARNING_SECONDS = 30
MINUTE = 60


class ClockError(ValueError):
    """A transition that cannot happen (a step out of range, resuming a clock that is not paused, ...)."""


@dataclass(frozen=True)
class Clock:
    planned: tuple[int, ...]  # planned seconds per step
    extra: tuple[int, ...]  # seconds added per step ("add a minute")
    spent: tuple[float, ...]  # seconds spent on each step in earlier visits
    step: int  # the current step, from 0
    started_at: datetime
    visit_started_at: datetime  # when the current visit to the step began
    paused_at: datetime | None = None  # set while paused
    paused_in_visit: float = 0.0  # paused seconds in the current visit, before the current pause
    paused_total: float = 0.0  # paused seconds in the whole session, before the current pause
    ended_at: datetime | None = None

    @classmethod
    def start(cls, planned: list[int] | tuple[int, ...], now: datetime) -> Clock:
        if not planned:
            raise ClockError("a session needs at least one step")
        count = len(planned)
        return cls(
            planned=tuple(planned),
            extra=(0,) * count,
            spent=(0.0,) * count,
            step=0,
            started_at=now,
            visit_started_at=now,
        )

    # --- reading ---------------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def _stopped_at(self, now: datetime) -> datetime:
        """The moment time stands still at: the end, the start of the current pause, or now."""
        return self.ended_at or self.paused_at or now

    def visit_seconds(self, now: datetime) -> float:
        running = (self._stopped_at(now) - self.visit_started_at).total_seconds()
        return max(0.0, running - self.paused_in_visit)

    def step_spent(self, now: datetime, step: int | None = None) -> float:
        """Seconds spent on a step so far, over every visit to it."""
        step = self.step if step is None else step
        earlier = self.spent[step]
        return earlier + self.visit_seconds(now) if step == self.step and not self.ended else earlier

    def step_allowed(self, step: int | None = None) -> int:
        step = self.step if step is None else step
        return self.planned[step] + self.extra[step]

    def step_remaining(self, now: datetime) -> float:
        """Seconds left on the current step; negative once it runs over."""
        return self.step_allowed() - self.step_spent(now)

    def session_elapsed(self, now: datetime) -> float:
        return max(0.0, (self._stopped_at(now) - self.started_at).total_seconds() - self.paused_total)

    def session_allowed(self) -> int:
        return sum(self.planned) + sum(self.extra)

    def session_remaining(self, now: datetime) -> float:
        return self.session_allowed() - self.session_elapsed(now)

    def phase(self, now: datetime) -> str:
        """"ended", "paused", "over" (past its time), "warning" (near its end) or "running"."""
        if self.ended:
            return "ended"
        remaining = self.step_remaining(now)
        if self.paused:
            return "paused"
        if remaining < 0:
            return "over"
        if remaining <= min(WARNING_SECONDS, self.step_allowed() / 4):
            return "warning"
        return "running"

    # --- transitions: each returns a new Clock ------------------------------------------------------------

    def _require_open(self) -> None:
        if self.ended:
            raise ClockError("the session has ended")

    def move(self, to_step: int, now: datetime) -> Clock:
        """Go to another step: the time of this visit is added to the step being left."""
        self._require_open()
        if not 0 <= to_step < len(self.planned):
            raise ClockError(f"there is no step {to_step + 1}; the session has {len(self.planned)} steps")
        if to_step == self.step:
            return self
        spent = list(self.spent)
        spent[self.step] += self.visit_seconds(now)
        # Moving while paused keeps the clock paused: the new step's visit starts at the pause.
        visit_start = self.paused_at if self.paused else now
        return replace(self, spent=tuple(spent), step=to_step, visit_started_at=visit_start, paused_in_visit=0.0)

    def pause(self, now: datetime) -> Clock:
        self._require_open()
        if self.paused:
            return self  # pausing twice is harmless: a repeated request changes nothing
        return replace(self, paused_at=now)

    def resume(self, now: datetime) -> Clock:
        self._require_open()
        if not self.paused:
            return self
        pause = max(0.0, (now - self.paused_at).total_seconds())
        return replace(
            self,
            paused_at=None,
            paused_in_visit=self.paused_in_visit + pause,
            paused_total=self.paused_total + pause,
        )

    def add_time(self, now: datetime, seconds: int = MINUTE) -> Clock:
        """Give the current step (and so the session) more time."""
        self._require_open()
        extra = list(self.extra)
        extra[self.step] += seconds
        return replace(self, extra=tuple(extra))

    def end(self, now: datetime) -> Clock:
        if self.ended:
            return self
        clock = self.resume(now) if self.paused else self
        spent = list(clock.spent)
        spent[clock.step] += clock.visit_seconds(now)
        return replace(clock, spent=tuple(spent), ended_at=now)

    # --- what screens show ------------------------------------------------------------------------------

    def snapshot(self, now: datetime) -> dict:
        """The numbers every screen shows, in whole seconds, with the server's `now`."""
        return {
            "step": self.step,
            "phase": self.phase(now),
            "paused": self.paused,
            "ended": self.ended,
            "step_allowed": self.step_allowed(),
            "step_remaining": round(self.step_remaining(now)),
            "session_allowed": self.session_allowed(),
            "session_remaining": round(self.session_remaining(now)),
        }
