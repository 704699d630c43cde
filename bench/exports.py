"""How long each export takes, and how much memory, for every shipped briefing and for a full session.

    .venv/bin/python bench/exports.py [--runs 5] [--json out.json] [--only session]

Subjects: each briefing in briefings/ on the seven-minute template (its offline deck and its handout), and a
session of wigan-child-3 with 100 shown responses (named, anonymous and scribed) and 10 actions, made through the
real service on a temporary SQLite database and read back with `record_of`, as a download reads it.

Each (subject, format) is measured in a fresh process of its own, so one export's caches and high-water mark
never flatter the next: one warm-up export (imports, fonts, templates), then `--runs` timed exports of which
the median is reported. Memory: the process's peak resident size (ru_maxrss, what the machine must have, with
WeasyPrint's and Pango's C allocations) and the peak of Python's own allocations during one export
(tracemalloc).

It PRINTS the figures and a PASS/FAIL line against the issue's targets for the session (PowerPoint under
0.3 s, PDF under 1.5 s). It never fails on timing: the exit status is 0 when every export was produced and
reopened, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {"pptx": 0.3, "pdf": 1.5}  # seconds, for the session
SESSION = "session"
SESSION_BRIEFING = "wigan-child-3"
RESPONSES, ACTIONS = 100, 10


def session_record(folder: Path):
    """A finished session with RESPONSES shown responses and ACTIONS actions, through the real service."""
    from app import create_app, get_library
    from app.extensions import db
    from app.sessions import participation, service
    from app.sessions.models import Facilitator
    from app.sessions.record import record_of
    from app.sessions.templates import load_templates
    from flask_migrate import upgrade

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench", "EXPORTS_DIR": folder},
        instance_path=folder / "instance",
    )
    start = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    with app.app_context():
        upgrade()
        facilitator = Facilitator(name="Bench Facilitator")
        facilitator.set_password("bench-password-123")
        db.session.add(facilitator)
        db.session.commit()
        template = load_templates(app.config["SESSION_TEMPLATES_DIR"]).get("seven-minute")
        row = service.start_session(db.session, facilitator, get_library().get(SESSION_BRIEFING), template,
                                    "Early Help East", start)
        public_id = row.public_id
        steps = row.plan["steps"]
        reflection = next(index for index, step in enumerate(steps) if step["collects_responses"])
        service.move(db.session, public_id, facilitator, 0, reflection, start + timedelta(seconds=70))
        questions = len(steps[reflection]["questions"])
        code = service.find_session(db.session, public_id).join_code
        phones = []
        for number in range(12):  # named and anonymous attendees as well as the scribe
            name = f"Attendee {number}" if number % 3 else ""
            _, token = participation.join_session(db.session, code, name, "Social worker", "Children's Services",
                                                  start + timedelta(seconds=number))
            phones.append(token)
        moment = start + timedelta(seconds=80)
        for number in range(RESPONSES):
            words = (f"Reflection {number + 1}: we talked about how the child's voice gets lost when a parent "
                     f"refuses access, and what we would escalate, to whom, and by when.")
            moment += timedelta(seconds=1)
            if number % 4 == 0:
                service.add_response(db.session, public_id, facilitator, reflection, number % questions, words, moment)
            else:
                token = phones[number % len(phones)]
                participation.add_own_response(
                    db.session, public_id, token, b"bench-secret", step=reflection, question=number % questions,
                    text_typed=words, anonymous=number % 2 == 1, idempotency_key=f"bench-key-{number:06d}-{SESSION_BRIEFING}",
                    confirmed=True, now=moment,
                )
        for number in range(ACTIONS):
            service.add_action(db.session, public_id, facilitator, f"Action {number + 1}: add the learning to "
                               f"supervision and check it in three months", f"Owner {number + 1}",
                               (date(2027, 1, 10) + timedelta(days=7 * number)).isoformat(), moment)
        service.end_session(db.session, public_id, facilitator, moment + timedelta(minutes=2))
        return record_of(service.find_session(db.session, public_id), moment + timedelta(minutes=3))


def export_once(subject: str, file_format: str, record) -> bytes:
    from app.exports.content import briefing_content, session_content
    from app.exports.export import render

    created = datetime.now(timezone.utc)
    if subject == SESSION:
        return render(session_content(record), file_format, created=created)
    from app.briefings.library import load_library
    from app.sessions.templates import load_templates

    briefing = load_library(REPO / "briefings").get(subject)
    template = load_templates(REPO / "session_templates").get("seven-minute")
    return render(briefing_content(briefing, template), file_format, created=created)


def reopen(file_format: str, data: bytes) -> int:
    """Pages or slides in the export: it must open again."""
    if file_format == "pptx":
        from pptx import Presentation

        return len(Presentation(BytesIO(data)).slides)
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def measure_one(subject: str, file_format: str, runs: int) -> dict:
    """In this process: one warm-up, `runs` timed exports, then one under tracemalloc."""
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        record = session_record(Path(folder)) if subject == SESSION else None
        responses = None
        if record is not None:
            responses = sum(len(q.shown_responses) for _, q in record.questions)
        data = export_once(subject, file_format, record)  # warm-up: imports, fonts, templates
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            data = export_once(subject, file_format, record)
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        export_once(subject, file_format, record)
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "subject": subject,
            "format": file_format,
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "runs": runs,
            "bytes": len(data),
            "parts": reopen(file_format, data),
            "python_peak_mb": python_peak / 2**20,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "responses": responses,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed exports per subject and format (median)")
    parser.add_argument("--only", help="one subject: a briefing id, or 'session'")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--one", nargs=2, metavar=("SUBJECT", "FORMAT"), help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.one:  # a child process: measure one subject and format, print JSON
        print(json.dumps(measure_one(*options.one, options.runs)))
        return 0

    briefings = sorted(path.stem for path in (REPO / "briefings").glob("*.md"))
    subjects = [options.only] if options.only else briefings + [SESSION]
    results, failed = [], []
    print(f"{'subject':<28} {'format':<6} {'median':>8} {'min':>8} {'max':>8} {'size':>9} {'pages':>6} "
          f"{'py peak':>8} {'max RSS':>8}")
    for subject in subjects:
        for file_format in ("pptx", "pdf"):
            finished = subprocess.run(
                [sys.executable, __file__, "--one", subject, file_format, "--runs", str(options.runs)],
                capture_output=True, text=True, cwd=REPO,
            )
            if finished.returncode != 0:
                failed.append(f"{subject} {file_format}: {finished.stderr.strip().splitlines()[-1:]}")
                print(f"{subject:<28} {file_format:<6} FAILED")
                continue
            figures = json.loads(finished.stdout.strip().splitlines()[-1])
            results.append(figures)
            print(f"{subject:<28} {file_format:<6} {figures['median_s']*1000:>6.0f}ms {figures['min_s']*1000:>6.0f}ms "
                  f"{figures['max_s']*1000:>6.0f}ms {figures['bytes']/1024:>7.0f}kB {figures['parts']:>6} "
                  f"{figures['python_peak_mb']:>6.1f}MB {figures['max_rss_mb']:>6.0f}MB")

    verdicts = []
    for figures in results:
        if figures["subject"] == SESSION:
            target = TARGETS[figures["format"]]
            ok = figures["median_s"] < target
            verdicts.append(ok)
            print(f"session ({figures['responses']} responses, {ACTIONS} actions) {figures['format']}: "
                  f"median {figures['median_s']*1000:.0f} ms, target < {target*1000:.0f} ms: {'PASS' if ok else 'FAIL'}")
    if verdicts:
        print(f"RESULT: {'PASS' if all(verdicts) and not failed else 'FAIL'} (timings are this machine's, today)")
    if options.json:
        options.json.write_text(json.dumps({"results": results, "failed": failed}, indent=2))
    for problem in failed:
        print(f"failed: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
