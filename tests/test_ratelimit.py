"""The failure counter behind the sign-in limit: counts in the database, with `now` passed in (no clock to mock).

Each test runs on the app's own migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL), so these show
what every server process sees, not what one process remembers.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.ratelimit import FORGET_AFTER, FailedAttempt, Limit, clear, record_failure, retry_after

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)
TEN_MINUTES = timedelta(minutes=10)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def fail(times: int, limits: list[Limit], start: float = 0, every: float = 60) -> None:
    """`times` failures against `limits`, the first at T0 + `start` seconds, then one every `every` seconds."""
    for n in range(times):
        record_failure(db.session, limits, at(start + n * every))


def rows_under(key: str) -> int:
    return db.session.scalar(select(func.count()).select_from(FailedAttempt).where(FailedAttempt.key == key))


@pytest.fixture
def dbs(app):
    with app.app_context():
        yield db.session
        db.session.remove()


FIVE = Limit("login:client:192.0.2.1:alice", 5, TEN_MINUTES)


# --- retry_after -------------------------------------------------------------------------------------------


def test_nothing_is_blocked_before_any_failure(dbs):
    assert retry_after(dbs, [FIVE], T0) == 0
    assert retry_after(dbs, [], T0) == 0


def test_failures_under_the_limit_do_not_block(dbs):
    fail(4, [FIVE])
    assert retry_after(dbs, [FIVE], at(4 * 60)) == 0


def test_reaching_the_limit_blocks_until_the_oldest_failure_leaves_the_window(dbs):
    fail(5, [FIVE])  # at 0, 1, 2, 3 and 4 minutes

    assert retry_after(dbs, [FIVE], at(4 * 60)) == 6 * 60
    assert retry_after(dbs, [FIVE], at(10 * 60 - 1)) == 1
    assert retry_after(dbs, [FIVE], at(10 * 60)) == 0  # the first failure has just left the window


def test_the_wait_is_rounded_up_to_a_whole_second_and_is_never_zero_while_blocked(dbs):
    fail(5, [FIVE], every=0)
    assert retry_after(dbs, [FIVE], at(0.25)) == 600
    assert retry_after(dbs, [FIVE], at(599.999)) == 1


def test_when_more_failures_than_the_limit_got_in_the_block_lasts_until_enough_have_left(dbs):
    # Requests in flight together can each pass the check before any is counted: seven failures, limit five.
    fail(7, [FIVE])  # at 0 to 6 minutes

    # The oldest leaving (at 10 min) still leaves six in the window; the block lifts when the third leaves.
    assert retry_after(dbs, [FIVE], at(6 * 60)) == 6 * 60
    assert retry_after(dbs, [FIVE], at(10 * 60)) == 2 * 60
    assert retry_after(dbs, [FIVE], at(12 * 60)) == 0


def test_the_most_blocking_limit_decides_the_wait(dbs):
    short = Limit("short", 2, timedelta(minutes=1))
    long = Limit("long", 2, timedelta(hours=1))
    fail(2, [short, long], every=10)  # at 0 and 10 seconds

    assert retry_after(dbs, [short, long], at(20)) == 3600 - 20
    assert retry_after(dbs, [long, short], at(20)) == 3600 - 20
    assert retry_after(dbs, [short], at(20)) == 60 - 20


def test_a_limit_not_reached_does_not_block_however_others_stand(dbs):
    reached = Limit("reached", 1, TEN_MINUTES)
    roomy = Limit("roomy", 100, TEN_MINUTES)
    fail(1, [reached, roomy])

    assert retry_after(dbs, [roomy], at(1)) == 0
    assert retry_after(dbs, [roomy, reached], at(1)) == 599


def test_failures_under_one_key_do_not_count_against_another(dbs):
    fail(5, [FIVE])
    other_account = Limit("login:client:192.0.2.1:bob", 5, TEN_MINUTES)
    other_client = Limit("login:client:192.0.2.2:alice", 5, TEN_MINUTES)

    assert retry_after(dbs, [FIVE], at(5 * 60)) > 0
    assert retry_after(dbs, [other_account], at(5 * 60)) == 0
    assert retry_after(dbs, [other_client], at(5 * 60)) == 0


def test_two_limits_on_one_key_count_a_failure_once(dbs):
    per_minute = Limit("code:ABC", 3, timedelta(minutes=1))
    per_hour = Limit("code:ABC", 10, timedelta(hours=1))
    fail(2, [per_minute, per_hour], every=1)

    assert rows_under("code:ABC") == 2
    assert retry_after(dbs, [per_minute, per_hour], at(2)) == 0


# --- record_failure and clear ------------------------------------------------------------------------------


def test_recording_a_failure_forgets_that_keys_failures_older_than_the_longest_window(dbs):
    network = Limit("login:network:192.0.2.1", 50, timedelta(minutes=30))
    fail(3, [FIVE, network])  # at 0, 1 and 2 minutes
    assert rows_under(FIVE.key) == rows_under(network.key) == 3

    record_failure(dbs, [FIVE, network], at(31 * 60))

    # Kept for the longest window of the limits recorded together (30 minutes), for both keys.
    assert rows_under(FIVE.key) == rows_under(network.key) == 2
    record_failure(dbs, [FIVE, network], at(33 * 60))
    assert rows_under(FIVE.key) == rows_under(network.key) == 2


def test_recording_a_failure_leaves_other_keys_recent_failures_alone(dbs):
    other = Limit("login:client:192.0.2.9:carol", 5, TEN_MINUTES)
    fail(5, [other])

    record_failure(dbs, [FIVE], at(30 * 60))

    assert rows_under(other.key) == 5
    assert retry_after(dbs, [other], at(5 * 60)) > 0


def test_failures_nobody_repeats_are_swept_away_once_they_are_older_than_any_window(dbs):
    fail(1, [Limit("login:client:198.51.100.7:someone-tried-once", 5, TEN_MINUTES)])
    fail(1, [Limit("login:client:198.51.100.8:also-once", 5, TEN_MINUTES)], start=3600)

    record_failure(dbs, [FIVE], T0 + FORGET_AFTER + timedelta(seconds=1))

    assert rows_under("login:client:198.51.100.7:someone-tried-once") == 0
    assert rows_under("login:client:198.51.100.8:also-once") == 1  # younger than FORGET_AFTER
    assert rows_under(FIVE.key) == 1


def test_clearing_a_key_lifts_its_block_and_only_its_own(dbs):
    network = Limit("login:network:192.0.2.1", 5, TEN_MINUTES)
    fail(5, [FIVE, network])

    clear(dbs, [FIVE.key])

    assert retry_after(dbs, [FIVE], at(5 * 60)) == 0
    assert retry_after(dbs, [network], at(5 * 60)) > 0
    clear(dbs, [])  # nothing to clear is not an error


@pytest.mark.parametrize(
    "key, limit, window",
    [("", 5, TEN_MINUTES), ("x" * 201, 5, TEN_MINUTES), ("k", 0, TEN_MINUTES), ("k", 5, timedelta(0)),
     ("k", 5, FORGET_AFTER + timedelta(seconds=1))],
)
def test_a_limit_that_could_not_be_kept_is_refused_when_it_is_made(key, limit, window):
    with pytest.raises(ValueError):
        Limit(key, limit, window)


# --- shared by every server process ------------------------------------------------------------------------


def test_two_servers_on_one_database_share_their_counts(app, tmp_path):
    # Two create_app calls on one database, as two gunicorn workers (or two machines) would be.
    other_server = create_app(
        {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "BRIEFINGS_DIR")},
        instance_path=tmp_path / "other-server",
    )

    with app.app_context():
        fail(3, [FIVE])
    with other_server.app_context():
        fail(2, [FIVE], start=3 * 60)
        assert retry_after(db.session, [FIVE], at(5 * 60)) == 5 * 60
        db.session.remove()
    with app.app_context():
        assert retry_after(db.session, [FIVE], at(5 * 60)) == 5 * 60
        db.session.remove()


def test_concurrent_failures_are_all_counted_without_database_is_locked(app):
    network = Limit("login:network:203.0.113.5", 1000, TEN_MINUTES)
    errors: list[str] = []

    def guesser(n: int) -> None:
        with app.app_context():
            try:
                mine = Limit(f"login:client:203.0.113.5:account-{n}", 5, TEN_MINUTES)
                for i in range(10):
                    record_failure(db.session, [mine, network], at(i))
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with app.app_context():
        assert rows_under(network.key) == 60
        assert all(rows_under(f"login:client:203.0.113.5:account-{n}") == 10 for n in range(6))
        db.session.remove()
