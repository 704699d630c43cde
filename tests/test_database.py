"""The database: migrations bring an empty database to the current schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, migrate

from .support import ROOT, database_url


def test_migrations_bring_a_new_database_to_the_latest_revision(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(tmp_path)}, instance_path=tmp_path)
    with app.app_context():
        upgrade()
        head = ScriptDirectory.from_config(migrate.get_config()).get_current_head()
        assert "alembic_version" in inspect(db.engine).get_table_names()
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert current == head


def test_sqlite_uses_write_ahead_logging_and_waits_for_a_busy_lock(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}"}, instance_path=tmp_path)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 5000


def test_the_models_and_the_migrations_describe_the_same_schema(tmp_path):
    from alembic import command

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(tmp_path)}, instance_path=tmp_path)
    with app.app_context():
        upgrade()
        command.check(migrate.get_config())  # raises when a model change has no migration


def test_the_attendee_migration_keeps_existing_sessions_working(tmp_path):
    """A database from before attendees could join: a running session gets a join code, an ended one none, a
    removed response becomes a hidden one, and every existing response keeps its place on the screens."""
    from flask_migrate import downgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(tmp_path)}, instance_path=tmp_path)
    with app.app_context():
        upgrade(revision="2fa5054bffc2")
        db.session.execute(text(
            "INSERT INTO facilitators (id, name, password_hash, login_token, created_at)"
            " VALUES (1, 'alice', 'x', 't', '2026-11-25 10:00:00')"
        ))
        for session_id, status in ((1, "running"), (2, "ended")):
            db.session.execute(text(
                "INSERT INTO briefing_sessions (id, public_id, facilitator_id, briefing_id, template_id, title, team,"
                " plan, status, version, step, started_at, visit_started_at, paused_in_visit, paused_total,"
                " extra_seconds, spent_seconds) VALUES (:id, :pid, 1, 'b', 't', 'Title', '', '{}', :status, 1, 0,"
                " '2026-11-25 10:00:00', '2026-11-25 10:00:00', 0, 0, '[]', '[]')"
            ), {"id": session_id, "pid": f"public-{session_id}", "status": status})
        db.session.execute(text(
            "INSERT INTO responses (id, session_id, step, question, text, removed, source, created_at, updated_at)"
            " VALUES (1, 1, 0, 0, 'Kept', false, 'scribe', '2026-11-25 10:01:00', '2026-11-25 10:01:00'),"
            " (2, 1, 0, 0, 'Taken off', true, 'scribe', '2026-11-25 10:02:00', '2026-11-25 10:02:00')"
        ))
        db.session.commit()

        upgrade()
        codes = dict(db.session.execute(text("SELECT status, join_code FROM briefing_sessions")).all())
        assert codes["ended"] is None and len(codes["running"]) == 9
        rows = db.session.execute(
            text("SELECT text, hidden, pending, anonymous, shown_at IS NOT NULL FROM responses ORDER BY id")
        ).all()
        assert [tuple(row) for row in rows] == [("Kept", False, False, False, True), ("Taken off", True, False, False, True)]

        db.session.rollback()  # PostgreSQL: our reads hold table locks that ALTER TABLE would wait on for ever
        downgrade(revision="2fa5054bffc2")  # and back, for a release that has to be rolled back
        assert db.session.execute(text("SELECT removed FROM responses ORDER BY id")).scalars().all() == [False, True]


# --- who can read the database's files ---------------------------------------------------------------------

# These build SQLite databases of their own whatever TEST_DATABASE_URL says: the embedded database is what `make
# run` gives every laptop, so its files are checked in the PostgreSQL pass too (nothing is skipped).


@contextmanager
def everyday_umask():
    """The usual umask (022), under which a file anyone may read is what a plain open() creates."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def sqlite_files(database: Path) -> list[Path]:
    return [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]


def test_a_new_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only(tmp_path):
    instance = tmp_path / "instance"
    database = instance / "briefing-room.db"
    with everyday_umask():
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}, instance_path=instance)
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:  # an open connection keeps the -wal and -shm files
                connection.execute(text(
                    "INSERT INTO facilitators (name, password_hash, login_token, created_at)"
                    " VALUES ('alice', 'x', 't', '2026-11-25 10:00:00')"
                ))
                connection.commit()
                assert [mode(path) for path in sqlite_files(database)] == ["0o600"] * 3
    assert mode(instance) == "0o700"


def test_a_database_left_readable_by_others_is_made_owner_only_when_the_app_starts(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    database = instance / "briefing-room.db"
    with everyday_umask():
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}, instance_path=instance)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        for path in sqlite_files(database):
            path.touch()
            path.chmod(0o644)
        instance.chmod(0o755)

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}, instance_path=instance)
        assert [mode(path) for path in sqlite_files(database)] == ["0o600"] * 3
        assert mode(instance) == "0o700"
        with app.app_context():
            assert db.session.execute(text("SELECT count(*) FROM facilitators")).scalar_one() == 0


def test_flask_db_upgrade_as_make_run_calls_it_creates_an_owner_only_database(tmp_path):
    database = tmp_path / "made-by-upgrade.db"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "test"}
    with everyday_umask():
        finished = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
        )
    assert finished.returncode == 0, finished.stderr
    assert mode(database) == "0o600"


def test_a_relative_sqlite_path_is_owner_only_in_the_instance_folder_where_flask_sqlalchemy_puts_it(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    instance = tmp_path / "instance"
    with everyday_umask():
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///relative.db"}, instance_path=instance)
        with app.app_context():
            upgrade()
    assert mode(instance / "relative.db") == "0o600"
    assert not (tmp_path / "relative.db").exists()
