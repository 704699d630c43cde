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
