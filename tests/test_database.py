"""The database: migrations bring an empty database to the current schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, migrate


def database_url(tmp_path) -> str:
    # TEST_DATABASE_URL runs the suite against PostgreSQL; SQLite in a temporary folder otherwise.
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


def test_migrations_bring_a_new_database_to_the_latest_revision(tmp_path):
    from app.config import _database_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": _database_url(database_url(tmp_path))}, instance_path=tmp_path)
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
