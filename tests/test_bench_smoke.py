"""The live-session benchmark, run small: a real gunicorn server with gunicorn.conf.py, several processes,
attendees joining and sending (with double taps and retries) while the facilitator moves. It checks what must
hold at any size, never a timing: every acknowledged response is stored exactly once, no request failed, no
anonymous response is linked to a person. The figures come from `make bench` (bench/README.md)."""

from __future__ import annotations

from bench.live_session import Options, run

from .support import postgres_url


def test_a_small_live_session_on_a_real_server_loses_and_duplicates_nothing():
    database = postgres_url() or "sqlite"
    results = run(Options(attendees=8, seconds=12, seed=3, quiet=True, database=database, workers=2, threads=2))
    assert results.attendees_joined == 8
    assert results.submissions_acknowledged > 0
    assert results.failures == {}
    assert results.lost == 0 and results.duplicated == 0 and results.duplicate_keys == 0
    assert results.anonymous_linked == 0
    assert results.not_seen_on_presenter == 0  # every acknowledged response reached the presenter view
    assert results.correct
