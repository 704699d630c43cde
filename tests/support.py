"""Helpers shared by tests: each app under test gets its own fresh, migrated database.

SQLite by default, in the test's own folder. With TEST_DATABASE_URL (PostgreSQL) each app gets its own schema
in that database, so tests, and several servers within one test, never see each other's rows.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.config import _database_url

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PREFIX = "brtest_"
_created_schemas: list[str] = []


def _created_at(schema: str) -> float:
    stamp = schema[len(SCHEMA_PREFIX) :].split("_", 1)[0]
    return float(stamp) if stamp.isdigit() else 0.0  # schemas named before the time was added: drop them


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return _database_url(url) if url else None


def database_url(folder: Path) -> str:
    url = postgres_url()
    if url is None:
        return f"sqlite:///{folder / 'test.db'}"
    # The creation time in the name lets a later run drop what a crashed run left, without touching the
    # schemas of a run still in progress.
    schema = f"{SCHEMA_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}"
    _created_schemas.append(schema)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_test_schemas(*, only_this_run: bool = False, older_than_seconds: int = 3 * 3600) -> None:
    """Remove test schemas from the PostgreSQL test database: this run's own, or those runs left long ago."""
    url = postgres_url()
    if url is None:
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        existing = connection.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"), {"prefix": SCHEMA_PREFIX + "%"}
        ).scalars().all()
    if only_this_run:
        schemas = [schema for schema in existing if schema in _created_schemas]
    else:
        cutoff = time.time() - older_than_seconds
        schemas = [schema for schema in existing if _created_at(schema) < cutoff]
    for schema in schemas:
        # One transaction per schema: dropping hundreds at once runs out of locks (max_locks_per_transaction).
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def migrated_app(settings: dict, instance_path: Path):
    app = create_app(settings, instance_path=instance_path)
    with app.app_context():
        upgrade()
    return app


def make_app(folder: Path, **config):
    """An app on the shipped briefings and templates, with its own migrated database."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        "BRIEFINGS_DIR": ROOT / "briefings",
        "SESSION_TEMPLATES_DIR": ROOT / "session_templates",
        "EXPORTS_DIR": folder / "exports",
        **config,
    }
    return migrated_app(settings, folder / "instance")
