"""What the library in the database costs: the first use (seeding from the shipped files), a request when
nothing changed (the generation query), reading the library again after a change, and a save.

    .venv/bin/python bench/library_store.py [--database-url postgresql://...] [--rounds 200]

Prints medians in milliseconds. Uses a database of its own (a temporary SQLite file unless a URL is given;
a PostgreSQL database given here gets a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from app import create_app, get_library
    from app.library_store import service

    folder = Path(tempfile.mkdtemp(prefix="library-bench-"))
    schema = None
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(args.database_url).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{args.database_url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BRIEFINGS_DIR": REPO / "briefings"}
    try:
        app = create_app(settings, instance_path=folder / "instance")
        with app.app_context():
            upgrade()
        with app.app_context():
            started = time.perf_counter()
            library = get_library()
            print(f"first use (seed {len(library.briefings)} shipped briefings, read them): "
                  f"{(time.perf_counter() - started) * 1000:.1f} ms")

        steady, reread, saves = [], [], []
        for round_number in range(args.rounds):
            with app.app_context():
                started = time.perf_counter()
                get_library()
                steady.append(time.perf_counter() - started)
        for round_number in range(max(args.rounds // 10, 5)):
            with app.app_context():
                briefing = service.get("wigan-child-3").briefing
                briefing.title = f"Child 3 ({round_number})"
                started = time.perf_counter()
                service.save("wigan-child-3", briefing, by=None, now=datetime.now(timezone.utc))
                saves.append(time.perf_counter() - started)
            with app.app_context():
                started = time.perf_counter()
                get_library()
                reread.append(time.perf_counter() - started)
        print(f"get_library(), nothing changed (one generation query): {median_ms(steady)}")
        print(f"get_library() after one briefing changed (texts read again, that one parsed): {median_ms(reread)}")
        print(f"save() of one briefing (a new version, generation bumped): {median_ms(saves)}")
    finally:
        if schema:
            with create_engine(args.database_url).begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
