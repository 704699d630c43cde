"""An install of the previous release upgrades in place: `flask db upgrade` with today's code turns its
facilitator into a partnership admin (keeping the facilitator and editor roles), keeps every session with its
responses, actions and attendees, adds the usual agencies, and the old password still signs in.

The database was made by the previous release's own code (commit 4babf75; tests/fixtures/previous_release/
README.md says how). On SQLite the test upgrades a copy of that release's database file, always (it needs no
server). The same rows as portable SQL (data.sql) are loaded into a database at that release's schema revision
and upgraded too: on PostgreSQL with TEST_DATABASE_URL, on SQLite otherwise.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.people.models import Agency
from app.people.roles import roles_of
from app.people.service import USUAL_AGENCIES
from app.sessions.models import Facilitator

from .support import ROOT, database_url

FIXTURE = ROOT / "tests" / "fixtures" / "previous_release"
PREVIOUS_HEAD = "9c4e6b2d8a17"  # the previous release's newest migration
NAME = "alice"
PASSWORD = "an old release passphrase"  # what make_fixture.py piped to that release's `users create`
# What the previous release stored, read from its database file (the SQL file holds the same rows).
KEPT = {
    "briefing_sessions": "SELECT public_id, title, team, status, facilitator_id FROM briefing_sessions ORDER BY id",
    "responses": "SELECT id, session_id, text, hidden FROM responses ORDER BY id",
    "actions": "SELECT id, session_id, what, owner FROM actions ORDER BY id",
    "attendees": "SELECT id, session_id, name FROM attendees ORDER BY id",
}


def previous_rows() -> dict[str, list[tuple]]:
    with sqlite3.connect(f"file:{FIXTURE / 'briefing-room.db'}?mode=ro", uri=True) as connection:
        return {table: [tuple(row) for row in connection.execute(query)] for table, query in KEPT.items()}


def settings(tmp_path: Path, url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "BRIEFINGS_DIR": ROOT / "briefings",
        "SESSION_TEMPLATES_DIR": ROOT / "session_templates",
        "EXPORTS_DIR": tmp_path / "exports",
    }


def test_the_fixture_is_what_the_previous_release_made():
    """A guard on the fixture itself: the release's schema revision, one facilitator, sessions worth keeping."""
    rows = previous_rows()
    with sqlite3.connect(f"file:{FIXTURE / 'briefing-room.db'}?mode=ro", uri=True) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(PREVIOUS_HEAD,)]
        assert connection.execute("SELECT name FROM facilitators").fetchall() == [(NAME,)]
    assert len(rows["briefing_sessions"]) == 2 and {row[3] for row in rows["briefing_sessions"]} == {"running", "ended"}
    assert len(rows["responses"]) >= 8 and len(rows["actions"]) >= 4 and len(rows["attendees"]) >= 4


def test_a_copy_of_the_previous_releases_sqlite_file_upgrades_in_place(tmp_path):
    database = tmp_path / "instance" / "briefing-room.db"
    database.parent.mkdir()
    shutil.copyfile(FIXTURE / "briefing-room.db", database)
    url = f"sqlite:///{database}"
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test"}
    environment.pop("TEST_DATABASE_URL", None)
    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180,
    )
    assert finished.returncode == 0, finished.stderr
    assert "4f8a2c7e1b93" in finished.stderr  # the people migration ran (Alembic logs to stderr)

    check_upgraded(create_app(settings(tmp_path, url), instance_path=tmp_path / "instance"))


def test_the_previous_releases_rows_as_sql_upgrade_in_place(tmp_path):
    """PostgreSQL with TEST_DATABASE_URL (SQLite otherwise): the schema as the previous release left it, its
    rows loaded from data.sql, then today's migrations."""
    app = create_app(settings(tmp_path, database_url(tmp_path)), instance_path=tmp_path / "instance")
    with app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        load_rows(FIXTURE / "data.sql")
        db.session.remove()
        upgrade()
    check_upgraded(app)


def load_rows(path: Path) -> None:
    """Run data.sql, then move PostgreSQL's id sequences past the ids it inserted (as a restore would)."""
    script = path.read_text(encoding="utf-8")
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.connection.driver_connection.executescript(script)
            return
        connection.exec_driver_sql(script)  # no parameters: psycopg sends the statements as they are
        serial = connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'"
        )).all()
        for table, column in serial:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)"
            ))


def check_upgraded(app) -> None:
    before = previous_rows()
    with app.app_context():
        alice = db.session.execute(db.select(Facilitator)).scalar_one()
        assert alice.name == NAME and alice.active
        assert set(roles_of(alice)) == {"admin", "facilitator", "editor"}
        after = {table: [tuple(row) for row in db.session.execute(text(query))] for table, query in KEPT.items()}
        assert after == before
        assert "[redacted]" in " ".join(row[2] for row in after["responses"])  # the redaction stayed made
        agencies = db.session.execute(db.select(Agency.name)).scalars().all()
        assert set(agencies) >= set(USUAL_AGENCIES)
        db.session.remove()

    client = app.test_client()
    login = BeautifulSoup(client.get("/login").text, "html.parser")
    token = login.find("input", attrs={"name": "csrf_token"})["value"]
    signed_in = client.post("/login", data={"name": NAME, "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/sessions", signed_in.text

    listing = client.get("/sessions").text
    for public_id, title, *_ in before["briefing_sessions"]:
        assert title in BeautifulSoup(listing, "html.parser").get_text()
        summary = client.get(f"/sessions/{public_id}")
        assert summary.status_code == 200
        page = " ".join(BeautifulSoup(summary.text, "html.parser").get_text().split())
        number = [row[0] for row in before["briefing_sessions"]].index(public_id) + 1
        for response in (f"Session {number}: the school nurse saw the bruising first", "[redacted] said too much",
                         f"An attendee's view {number}"):
            assert response in page
        assert f"Share the learning {number}" in page and "Tom" in page and "Priya" in page

    # and a new session can be started on the upgraded database (its ids carry on after the old ones).
    assert client.get("/sessions/new").status_code == 200
