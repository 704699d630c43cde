"""The database: migrations bring an empty database to the current schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, migrate

from .support import database_url


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
