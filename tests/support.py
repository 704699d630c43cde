"""Helpers shared by tests: an app on a fresh, migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.config import _database_url
from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def database_url(folder: Path) -> str:
    # TEST_DATABASE_URL runs the suite against PostgreSQL; otherwise SQLite in the test's own folder.
    return _database_url(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'test.db'}")


def reset_database() -> None:
    """Drop every table (a PostgreSQL test database is shared by the whole run) and migrate from empty."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def make_app(folder: Path, **config):
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        "BRIEFINGS_DIR": ROOT / "briefings",
        "SESSION_TEMPLATES_DIR": ROOT / "session_templates",
        "EXPORTS_DIR": folder / "exports",
        **config,
    }
    app = create_app(settings, instance_path=folder / "instance")
    with app.app_context():
        reset_database()
    return app
