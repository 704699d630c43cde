"""How fast can a script guess join codes? Wrong codes POSTed to /join on a real server, as fast as it answers.

    .venv/bin/python bench/join_guessing.py [--seconds 20] [--clients 8] [--sessions 1] [--json out.json]

A person behind the same address as a guesser must still join with the right code, so the count of wrong codes
per address no longer stops a code being checked (app/web/take_part.py); what keeps guessing out of reach is
the code space (29^9 codes) against the rate at which a server answers wrong codes at all. This measures that
rate, for the worst case: gunicorn with gunicorn.conf.py (bench/live_session.py's Server: a temporary instance
folder and SQLite database, or a PostgreSQL schema of its own), on 127.0.0.1 only, and a guesser that

- never keeps the cookie the server sets, so every guess is a fresh device and no per-device limit applies
  (it took one cookie with a CSRF token from /login, which has no device id yet, and sends it with every try);
- types a fresh, well-formed code every time, so the per-code limit never applies either;
- sends from --clients threads at once, each with its own kept-alive connection, for --seconds.

Every answer is sorted by what it tells the guesser: 422 (checked, wrong), 429 saying "the right code still
works" (checked, wrong, the address is past its limit), or any other answer (not checked: the guess learnt
nothing). Then a neighbour, a fresh browser on the same address, joins with the right code of the session that
is open: it must get in while the address is past its limit (the run fails if not).

It PRINTS checked guesses per second and, from it, the expected time to hit the code of any of 100 open
sessions and the chance of hitting one within an hour; `uptime` before and after says how busy the machine was
(the clients run on the same machine and take CPU the server would otherwise have). Because of that it also
prints the server's own CPU time per guess, and the rate that gives with every core of the machine serving
guesses and nothing else: an upper bound for a machine of this size, however busy it was during the run.
It never asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.sessions import join as join_codes  # noqa: E402
from bench.live_session import FACILITATOR_NAME, Options, Server, csrf_token  # noqa: E402

OPEN_SESSIONS = 100  # the figure docs/attendees.md works with
STILL_WORKS = "The right code still works"
SECONDS_PER_YEAR = 365.25 * 24 * 3600


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def start_sessions(server: Server, count: int) -> list[str]:
    """Sign the facilitator in and start `count` sessions; their join codes."""
    codes = []
    with httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30) as client:
        page = client.get("/login")
        answer = client.post("/login", data={"csrf_token": csrf_token(page.text), "name": FACILITATOR_NAME,
                                             "password": server.password})
        if answer.status_code != 303:
            raise SystemExit(f"could not sign in: {answer.status_code}")
        for n in range(count):
            page = client.get("/sessions/new")
            answer = client.post("/sessions", data={"csrf_token": csrf_token(page.text),
                                                    "briefing": Options.briefing, "template": Options.template,
                                                    "team": f"Bench team {n}"})
            if answer.status_code != 303:
                raise SystemExit(f"could not start a session: {answer.status_code}")
            console = client.get(urlsplit(answer.headers["location"]).path)
            found = re.search(r'data-join-code="([^"]+)"', console.text)
            if found is None:
                raise SystemExit("no data-join-code on the console")
            codes.append(join_codes.normalise(found.group(1)))
    return codes


def guesser(base_url: str, right_codes: set[str], seconds: float, tally: dict, lock: threading.Lock, seed: int):
    rng = random.Random(seed)
    counts = {"checked": 0, "checked_past_address_limit": 0, "not_checked": 0, "errors": 0}
    latencies: list[float] = []
    # No cookie jar: the one cookie taken from /login (a CSRF token, no device id) goes with every try, so the
    # server sees a new device each time.
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        page = client.get("/login")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        token = csrf_token(page.text)
        client.cookies.clear()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            code = "".join(rng.choice(join_codes.ALPHABET) for _ in range(join_codes.LENGTH))
            if code in right_codes:
                continue
            started = time.perf_counter()
            try:
                answer = client.post("/join", data={"csrf_token": token, "code": code}, headers={"Cookie": cookie})
            except httpx.HTTPError:
                counts["errors"] += 1
                continue
            finally:
                client.cookies.clear()
            latencies.append(time.perf_counter() - started)
            if answer.status_code == 422:
                counts["checked"] += 1
            elif answer.status_code == 429 and STILL_WORKS in answer.text:
                counts["checked"] += 1
                counts["checked_past_address_limit"] += 1
            else:
                counts["not_checked"] += 1
    with lock:
        for key, value in counts.items():
            tally[key] = tally.get(key, 0) + value
        tally.setdefault("latencies", []).extend(latencies)


def neighbour_joins(base_url: str, code: str) -> int:
    """A fresh browser on the guesser's address types the right code: the status it gets (303 = joined)."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        page = client.get("/join")
        return client.post("/join", data={"csrf_token": csrf_token(page.text), "code": code}).status_code


def expected_years(rate: float, sessions: int = OPEN_SESSIONS) -> float:
    """Expected time, in years, for random guessing at `rate` a second to hit one of `sessions` open codes."""
    space = len(join_codes.ALPHABET) ** join_codes.LENGTH
    return space / (sessions + 1) / rate / SECONDS_PER_YEAR


def chance_within(rate: float, seconds: float, sessions: int = OPEN_SESSIONS) -> float:
    space = len(join_codes.ALPHABET) ** join_codes.LENGTH
    return min(1.0, rate * seconds * sessions / space)


def run(options: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="briefing-join-bench-"))
    server = Server(Options(database=options.database, workers=options.workers, threads=options.threads, quiet=True),
                    workdir, lambda *a, **k: None)
    try:
        server.prepare()
        server.start()
        codes = start_sessions(server, options.sessions)
        load_before = uptime()
        tally: dict = {}
        lock = threading.Lock()
        threads = [threading.Thread(target=guesser, args=(server.base_url, set(codes), options.seconds, tally, lock,
                                                          secrets.randbits(32)))
                   for _ in range(options.clients)]
        server.mark_cpu()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        server_cpu = server.cpu_since_mark()
        neighbour = neighbour_joins(server.base_url, codes[0])
        load_after = uptime()
    finally:
        server.stop()
        server.drop_schema()
        shutil.rmtree(workdir, ignore_errors=True)
    latencies = sorted(tally.pop("latencies", []))
    rate = tally.get("checked", 0) / wall
    # The machine is shared (the clients, other programs): the server's own CPU time per guess says how fast it
    # would answer with every core to itself, a rate no busier machine of this size can beat.
    cpu_per_guess = server_cpu / tally["checked"] if tally.get("checked") else None
    cores = os.cpu_count() or 1
    rate_all_cores = cores / cpu_per_guess if cpu_per_guess else 0.0
    return {
        "seconds": round(wall, 1),
        "clients": options.clients,
        "database": "sqlite" if options.database == "sqlite" else "postgresql",
        **tally,
        "checked_per_second": round(rate, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "server_cpu_ms_per_guess": round(cpu_per_guess * 1000, 2) if cpu_per_guess else None,
        "cores": cores,
        "checked_per_second_with_every_core": round(rate_all_cores, 1),
        "expected_years_with_every_core": round(expected_years(rate_all_cores), 1) if rate_all_cores else None,
        "neighbour_status": neighbour,
        "expected_years_to_hit_one_of_100_open_codes": round(expected_years(rate), 1) if rate else None,
        "chance_of_a_hit_within_an_hour": chance_within(rate, 3600),
        "uptime_before": load_before,
        "uptime_after": load_after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8, help="guessing threads, each with its own connection")
    parser.add_argument("--sessions", type=int, default=1, help="sessions open during the run")
    parser.add_argument("--database", default="sqlite", help="sqlite (a temporary file) or a postgresql:// URL")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--json", dest="json_path", default=None)
    options = parser.parse_args(argv)
    results = run(options)
    print(f"load before: {results['uptime_before']}")
    print(f"load after:  {results['uptime_after']}")
    print(f"{results['checked']} wrong codes checked in {results['seconds']} s from {results['clients']} clients "
          f"({results['checked_past_address_limit']} of them past the address's limit), "
          f"{results['not_checked']} not checked, {results['errors']} errors; p50 {results['latency_p50_ms']} ms")
    print(f"server CPU {results['server_cpu_ms_per_guess']} ms per guess: with all {results['cores']} cores to itself "
          f"{results['checked_per_second_with_every_core']} guesses/s, expected "
          f"{results['expected_years_with_every_core']} years")
    print(f"neighbour on the same address with the right code: HTTP {results['neighbour_status']}")
    print(f"RESULT {results['checked_per_second']} checked guesses/s -> expected "
          f"{results['expected_years_to_hit_one_of_100_open_codes']} years to hit one of {OPEN_SESSIONS} open "
          f"sessions' codes; chance within an hour {results['chance_of_a_hit_within_an_hour']:.1e}")
    if options.json_path:
        Path(options.json_path).write_text(json.dumps(results, indent=2))
    return 0 if results["neighbour_status"] == 303 and results["checked"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
