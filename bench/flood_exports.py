"""A flooded session's exports: how long the PDF record and the deck take, and how much memory, with 1,000
responses of 1,900 characters each.

    .venv/bin/python bench/flood_exports.py [--responses 1000] [--length 1900] [--runs 3] [--json out.json]

The issue this answers: one join once posted 1,000 reflections of 1,900 characters in 31 s, and that session's
PDF then took 212 s and 570 MB, its deck 71 s. Rate limits now slow such a flood down, but whatever gets in must
still export in bounded time and memory, and completely (the PDF is the record: every shown response is in it).

The session: wigan-child-3 on the seven-minute template, started and moved through the real service on a
temporary SQLite database, one attendee joined; then RESPONSES rows are written straight into its first
reflection question, all by that one attendee (half anonymously), as a flood leaves them in the database (the
front door's rate limits would refuse a script that sent them, which is the point: this measures what happens
*if* they got in). Each is about LENGTH characters of ordinary sentences (varied, numbered, so none repeats).

Each run of each format is a fresh process that reads the session from the database (`record_of`) and exports it
once, as a download does, including the first-use imports and fonts (a cold export: the slowest case).
Reported: wall time of that export (from before `record_of` to the bytes), the process's peak resident size
(ru_maxrss), and a check that the export holds every response (PDF: every response's opening words found in
the extracted text; deck: every response's words on the slides). PASS/FAIL against the issue's targets (PDF
under 15 s and 400 MB, deck under 10 s) uses the median of `--runs` runs, and the spread (min-max) is printed with
the machine's load average (`uptime`): the machine may be shared.

Exit status: 0 when every export was produced, complete and reopened; 1 otherwise. Timings never fail it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {"pdf": {"seconds": 15.0, "rss_mb": 400.0}, "pptx": {"seconds": 10.0}}
BRIEFING = "wigan-child-3"
RESPONSES, LENGTH = 1000, 1900
START = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)

WORDS = (
    "the child voice school nurse health visitor social worker referral strategy meeting escalation chronology "
    "assessment neglect home visit mother father carer family support plan review conference threshold "
    "supervision manager agency information sharing consent concern disguised compliance professional curiosity "
    "police housing attendance missed appointment weight growth dental hygiene bruising explanation records "
    "we should have asked who else knew what happened next and why it took so long to act on it together"
).split()


def reflection(number: int, length: int, rng: random.Random) -> str:
    """About `length` characters of sentences, opening with its number so each response can be found again."""
    sentences = [f"Reflection {number}:"]
    size = len(sentences[0])
    while size < length:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        sentence = " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)[:length].rstrip() + "."


def make_app(folder: Path):
    from app import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'flood.db'}", "SECRET_KEY": "bench", "EXPORTS_DIR": folder},
        instance_path=folder / "instance",
    )


def build_session(folder: Path, responses: int, length: int) -> str:
    """The flooded session in `folder`'s database; returns its public id."""
    from flask_migrate import upgrade

    from app import get_library
    from app.extensions import db
    from app.sessions import participation, service
    from app.sessions.models import Attendee, Facilitator, Response
    from app.sessions.templates import load_templates

    app = make_app(folder)
    with app.app_context():
        upgrade()
        facilitator = Facilitator(name="Bench Facilitator")
        facilitator.set_password("bench-password-123")
        db.session.add(facilitator)
        db.session.commit()
        template = load_templates(app.config["SESSION_TEMPLATES_DIR"]).get("seven-minute")
        row = service.start_session(db.session, facilitator, get_library().get(BRIEFING), template, "Early Help East",
                                    START)
        public_id = row.public_id
        steps = row.plan["steps"]
        step = next(index for index, planned in enumerate(steps) if planned["collects_responses"])
        service.move(db.session, public_id, facilitator, 0, step, START + timedelta(seconds=70))
        participation.join_session(db.session, row.join_code, "Flood Script", "Attacker", "Nowhere",
                                   START + timedelta(seconds=71))
        row = service.find_session(db.session, public_id)
        attendee = db.session.query(Attendee).filter_by(session_id=row.id).one()
        rng = random.Random(10)
        moment = START + timedelta(seconds=80)
        for number in range(1, responses + 1):
            moment += timedelta(milliseconds=31)
            anonymous = number % 2 == 0
            db.session.add(Response(
                session_id=row.id, step=step, question=0, text=reflection(number, length, rng), source="attendee",
                anonymous=anonymous, attendee_id=None if anonymous else attendee.id,
                author_key="0" * 64 if anonymous else None, idempotency_key=f"flood-{number:06d}",
                created_at=moment, updated_at=moment, shown_at=moment,
            ))
        row.version += 1
        db.session.commit()
        service.end_session(db.session, public_id, facilitator, moment + timedelta(minutes=1))
        return public_id


def export_once(folder: Path, public_id: str, file_format: str) -> dict:
    """In this (fresh) process: read the session and export it once, as a download does."""
    started = time.perf_counter()
    from app.exports.export import session_export
    from app.extensions import db
    from app.sessions import service
    from app.sessions.record import record_of

    app = make_app(folder)
    with app.app_context():
        record = record_of(service.find_session(db.session, public_id), START + timedelta(hours=1))
        texts = [response.text for _, question in record.questions for response in question.shown_responses]
        export = session_export(record, file_format, created=datetime.now(timezone.utc))
    seconds = time.perf_counter() - started
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = cpu.ru_utime + cpu.ru_stime  # the whole process: imports too
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parts, missing = check(file_format, export.data, texts)
    return {"format": file_format, "seconds": seconds, "cpu_s": cpu_s, "max_rss_mb": max_rss_mb, "bytes": len(export.data),
            "parts": parts, "responses": len(texts), "missing": missing}


def check(file_format: str, data: bytes, texts: list[str]) -> tuple[int, int]:
    """(pages or slides, responses whose text is not all in the export)."""
    if file_format == "pptx":
        from pptx import Presentation

        deck = Presentation(BytesIO(data))
        words = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                         if shape.has_text_frame)
        words = " ".join(words.replace("(continued)", " ").split())
        return len(deck.slides), sum(1 for text in texts if " ".join(text.split()[:3]) not in words)
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    extracted = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    # Every response opens "Reflection N:", and its number is found once: the numbers found are the responses.
    found = {int(word.rstrip(":")) for word in extracted.split("Reflection ")[1:] for word in [word.split()[0]]
             if word.rstrip(":").isdigit()}
    expected = {int(text.split()[1].rstrip(":")) for text in texts}
    return len(reader.pages), len(expected - found)


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=RESPONSES)
    parser.add_argument("--length", type=int, default=LENGTH, help="characters per response")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per format (median and spread)")
    parser.add_argument("--formats", default="pdf,pptx")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--one", nargs=3, metavar=("FOLDER", "SESSION", "FORMAT"), help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.one:  # a child process: one export, figures as JSON
        folder, public_id, file_format = options.one
        print(json.dumps(export_once(Path(folder), public_id, file_format)))
        return 0

    formats = [name.strip() for name in options.formats.split(",") if name.strip()]
    print(f"load before: {load()}")
    print(f"cores: {os.cpu_count()}; {options.responses} responses of {options.length} characters, one question")
    results, failed, verdicts = {}, [], []
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as folder:
        built = time.perf_counter()
        public_id = build_session(Path(folder), options.responses, options.length)
        print(f"session built in {time.perf_counter() - built:.1f} s")
        for file_format in formats:
            runs = []
            for run in range(options.runs):
                finished = subprocess.run(
                    [sys.executable, __file__, "--one", folder, public_id, file_format],
                    capture_output=True, text=True, cwd=REPO,
                )
                if finished.returncode != 0:
                    failed.append(f"{file_format} run {run + 1}: {finished.stderr.strip().splitlines()[-1:]}")
                    print(f"{file_format} run {run + 1}: FAILED")
                    continue
                figures = json.loads(finished.stdout.strip().splitlines()[-1])
                runs.append(figures)
                print(f"{file_format} run {run + 1}: {figures['seconds']:.2f} s (CPU {figures['cpu_s']:.2f} s), peak RSS {figures['max_rss_mb']:.0f} MB, "
                      f"{figures['parts']} {'pages' if file_format == 'pdf' else 'slides'}, "
                      f"{figures['bytes'] / 2**20:.1f} MB, {figures['responses'] - figures['missing']} of "
                      f"{figures['responses']} responses in it   ({load()})")
                if figures["missing"]:
                    failed.append(f"{file_format} run {run + 1}: {figures['missing']} responses missing")
            if not runs:
                continue
            seconds = [figures["seconds"] for figures in runs]
            rss = [figures["max_rss_mb"] for figures in runs]
            summary = {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
                       "median_rss_mb": statistics.median(rss), "max_rss_mb": max(rss), "runs": runs}
            results[file_format] = summary
            target = TARGETS.get(file_format, {})
            ok = summary["median_s"] < target.get("seconds", float("inf")) and \
                summary["max_rss_mb"] < target.get("rss_mb", float("inf"))
            verdicts.append(ok)
            limits = f"< {target['seconds']:.0f} s" + (f", < {target['rss_mb']:.0f} MB" if "rss_mb" in target else "")
            print(f"{file_format}: median {summary['median_s']:.2f} s (spread {summary['min_s']:.2f}-"
                  f"{summary['max_s']:.2f} s), peak RSS median {summary['median_rss_mb']:.0f} MB, max "
                  f"{summary['max_rss_mb']:.0f} MB; target {limits}: {'PASS' if ok else 'FAIL'}")
    print(f"load after: {load()}")
    print(f"RESULT: {'PASS' if verdicts and all(verdicts) and not failed else 'FAIL'} "
          f"(timings are this machine's, today)")
    if options.json:
        options.json.write_text(json.dumps({"results": results, "failed": failed, "responses": options.responses,
                                            "length": options.length}, indent=2))
    for problem in failed:
        print(f"failed: {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
