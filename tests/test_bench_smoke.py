"""The live-session benchmark, run small: a real gunicorn server with gunicorn.conf.py, several processes,
attendees joining and sending (with double taps and retries) while the facilitator moves. It checks what must
hold at any size, never a timing: every acknowledged response is stored exactly once, no request failed, no
anonymous response is linked to a person. The figures come from `make bench` (bench/README.md).

It runs the script as a person would (a process of its own: the browser tests' event loop may be running in
this one)."""

from __future__ import annotations

import json
import subprocess
import sys

from app.config import PROJECT_ROOT

from .support import postgres_url


def test_a_small_live_session_on_a_real_server_loses_and_duplicates_nothing(tmp_path):
    figures = tmp_path / "figures.json"
    command = [sys.executable, "bench/live_session.py", "--attendees", "8", "--seconds", "12", "--seed", "3",
               "--workers", "2", "--threads", "2", "--quiet", "--json", str(figures),
               "--database", postgres_url() or "sqlite"]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert results["attendees_joined"] == 8
    assert results["submissions_acknowledged"] > 0
    assert results["failures"] == {}
    assert results["lost"] == 0 and results["duplicated"] == 0 and results["duplicate_keys"] == 0
    assert results["anonymous_linked"] == 0
    assert results["not_seen_on_presenter"] == 0  # every acknowledged response reached the presenter view
    assert "RESULT" in finished.stdout  # the figures are printed


def test_the_export_benchmark_produces_and_reopens_every_export_of_a_full_session(tmp_path):
    # bench/exports.py --only session: the 100-response, 10-action session made through the real service, each
    # format in a process of its own. Timings are printed, never asserted.
    figures = tmp_path / "exports.json"
    command = [sys.executable, "bench/exports.py", "--only", "session", "--runs", "1", "--json", str(figures)]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert results["failed"] == []
    assert {(figure["format"], figure["responses"]) for figure in results["results"]} == {("pptx", 100), ("pdf", 100)}
    assert all(figure["parts"] > 1 and figure["median_s"] > 0 for figure in results["results"])
    assert "RESULT" in finished.stdout


def test_while_a_script_floods_join_with_wrong_codes_a_neighbour_on_its_address_still_joins(tmp_path):
    # bench/join_guessing.py, briefly: every wrong code is checked (the address's count only changes the answer),
    # and a fresh browser on the same address joins with the right code at the end. Rates are printed, never
    # asserted.
    figures = tmp_path / "guessing.json"
    command = [sys.executable, "bench/join_guessing.py", "--seconds", "3", "--clients", "2", "--workers", "2",
               "--threads", "2", "--json", str(figures), "--database", postgres_url() or "sqlite"]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert results["checked"] > 0 and results["errors"] == 0
    assert results["neighbour_status"] == 303
    assert "RESULT" in finished.stdout


def test_the_privacy_benchmark_scores_every_labelled_set_and_only_the_unseen_sets_named(tmp_path):
    # bench/privacy.py in a process of its own, so the figures it measures (import, first call, RSS) are its own.
    # "--blind 3" scores that unseen set and opens no other: the newest pairs stay unseen until the lead's run.
    figures = tmp_path / "privacy.json"
    command = [sys.executable, "bench/privacy.py", "--quiet", "--blind", "3", "--json", str(figures)]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert {"labelled", "held-out", "held-out 2"} <= results.keys()
    assert results["labelled"]["items"] >= 200 and results["held-out"]["items"] >= 60
    assert results["per_call_ms_2000_chars"] > 0 and results["first_call_s"] > 0
    assert "RESULT labelled" in finished.stdout
    assert list(results["unseen"]) == ["unseen blind3"] and results["unseen"]["unseen blind3"]["items"] == 100
    assert "RESULT unseen blind3" in finished.stdout and "blind4" not in finished.stdout


def test_the_flood_benchmark_checks_every_response_is_in_both_exports(tmp_path):
    # bench/flood_exports.py, run small: the flooded session made through the real service and the database, each
    # export in a process of its own and checked for every response. Timings are printed, never asserted.
    figures = tmp_path / "flood.json"
    command = [sys.executable, "bench/flood_exports.py", "--responses", "20", "--length", "400", "--runs", "1",
               "--json", str(figures)]
    finished = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert results["failed"] == []
    for file_format in ("pdf", "pptx"):
        run = results["results"][file_format]["runs"][0]
        assert run["responses"] == 20 and run["missing"] == 0 and run["parts"] > 1
    assert "RESULT" in finished.stdout
