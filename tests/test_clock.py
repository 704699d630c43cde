"""The session timer, with `now` passed in: no sleeping, no clock mocking."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.sessions.clock import Clock, ClockError

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock.start([60, 120, 60, 120, 60], at(0))  # the seven-minute plan


def test_a_new_session_counts_down_the_first_step_and_the_whole_session(clock):
    assert clock.step_remaining(at(15)) == 45
    assert clock.session_remaining(at(15)) == 405
    assert clock.phase(at(15)) == "running"


def test_a_step_warns_near_its_end_and_says_when_it_runs_over(clock):
    assert clock.phase(at(44)) == "running"
    assert clock.phase(at(46)) == "warning"
    assert clock.phase(at(61)) == "over"
    assert clock.step_remaining(at(75)) == -15


def test_moving_on_starts_the_next_steps_countdown_and_keeps_the_time_spent(clock):
    moved = clock.move(1, at(70))
    assert moved.step_remaining(at(70)) == 120
    assert moved.step_spent(at(100), step=0) == 70
    assert moved.session_remaining(at(100)) == 320


def test_going_back_adds_to_the_time_already_spent_on_that_step(clock):
    back = clock.move(1, at(50)).move(0, at(80))
    assert back.step_spent(at(90)) == 60
    assert back.step_remaining(at(90)) == 0
    assert back.step_spent(at(90), step=1) == 30


def test_a_paused_clock_stands_still_and_resumes_where_it_stopped(clock):
    paused = clock.pause(at(20))
    assert paused.step_remaining(at(300)) == 40
    assert paused.session_remaining(at(300)) == 400
    assert paused.phase(at(300)) == "paused"
    resumed = paused.resume(at(300))
    assert resumed.step_remaining(at(310)) == 30
    assert resumed.session_remaining(at(310)) == 390


def test_pausing_or_resuming_twice_changes_nothing(clock):
    paused = clock.pause(at(20))
    assert paused.pause(at(40)) == paused
    assert clock.resume(at(40)) == clock


def test_moving_while_paused_keeps_the_clock_paused_on_the_new_step(clock):
    moved = clock.pause(at(20)).move(1, at(100))
    assert moved.paused and moved.step == 1
    assert moved.step_remaining(at(500)) == 120
    assert moved.step_spent(at(500), step=0) == 20
    resumed = moved.resume(at(500))
    assert resumed.step_remaining(at(530)) == 90
    assert resumed.session_remaining(at(530)) == 420 - 50


def test_adding_a_minute_gives_the_step_and_the_session_sixty_seconds_more(clock):
    longer = clock.add_time(at(50))
    assert longer.step_remaining(at(50)) == 70
    assert longer.session_remaining(at(50)) == 430
    assert longer.phase(at(65)) == "running"
    assert longer.move(1, at(70)).move(0, at(70)).step_allowed() == 120


def test_an_ended_session_stops_the_clock_and_refuses_changes(clock):
    ended = clock.move(1, at(60)).end(at(200))
    assert ended.phase(at(999)) == "ended"
    assert ended.session_elapsed(at(999)) == 200
    assert ended.step_spent(at(999), step=1) == 140
    for change in (lambda c: c.move(2, at(300)), lambda c: c.pause(at(300)), lambda c: c.add_time(at(300))):
        with pytest.raises(ClockError):
            change(ended)


def test_ending_while_paused_does_not_count_the_pause(clock):
    ended = clock.pause(at(30)).end(at(500))
    assert ended.session_elapsed(at(600)) == 30
    assert ended.step_spent(at(600), step=0) == 30


def test_a_step_out_of_range_is_refused_with_a_clear_message(clock):
    with pytest.raises(ClockError, match="there is no step 6; the session has 5 steps"):
        clock.move(5, at(10))
    with pytest.raises(ClockError):
        clock.move(-1, at(10))


def test_a_restarted_server_computes_the_same_time_from_the_stored_values(clock):
    # Everything the clock knows is in its fields; a copy rebuilt from them shows the same numbers.
    moved = clock.move(1, at(40)).pause(at(60)).resume(at(90)).add_time(at(95))
    rebuilt = Clock(**{name: getattr(moved, name) for name in moved.__dataclass_fields__})
    assert rebuilt.snapshot(at(130)) == moved.snapshot(at(130))
    assert moved.snapshot(at(130))["step_remaining"] == 120 + 60 - (130 - 40 - 30)
