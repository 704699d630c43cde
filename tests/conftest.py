"""Fixtures shared by every test: an app built on a chosen briefings folder, and its test client.

- ``FIXTURE_BRIEFINGS``: three small valid briefing files (tests/fixtures/briefings/) whose content the page
  tests rely on: notes on list items, numbered segments, publisher-numbered lists, links, a section with no
  heading of its own.
- ``default_briefings_dir()``: the repository's ``briefings/`` folder once it holds briefings, otherwise the
  fixture folder. Tests that only need "some briefings" use it; tests about particular content use
  ``FIXTURE_BRIEFINGS`` (or a copy, ``briefings_folder``).
- ``briefings_folder``: a private copy of the fixture folder in tmp_path; add or break files freely
  (``write_briefing(folder, name, text)``).
- ``make_app(briefings_dir=None, **config)``: ``create_app`` with an instance folder in tmp_path and its own
  migrated database (SQLite in tmp_path, or a PostgreSQL schema of its own with TEST_DATABASE_URL); ``app`` and ``client`` are the app on the fixture briefings and its Flask test client.
"""

from __future__ import annotations

import shutil
import weakref
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import PROJECT_ROOT

from .support import database_url, drop_test_schemas, migrated_app

FIXTURE_BRIEFINGS = Path(__file__).resolve().parent / "fixtures" / "briefings"
REPO_BRIEFINGS = PROJECT_ROOT / "briefings"


def default_briefings_dir() -> Path:
    """The shipped briefings when there are any, else the fixture briefings."""
    if REPO_BRIEFINGS.is_dir() and any(REPO_BRIEFINGS.glob("*.md")):
        return REPO_BRIEFINGS
    return FIXTURE_BRIEFINGS


def write_briefing(folder: Path, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def app_settings(tmp_path: Path, briefings_dir: Path | str, **config) -> dict:
    """Settings for an app under test: its own database and briefings folder, nothing from the environment."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "BRIEFINGS_DIR": Path(briefings_dir),
        "EXPORTS_DIR": tmp_path / "exports",  # never the project's own exports/ folder
        **config,
    }


@pytest.fixture(scope="session", autouse=True)
def _clean_postgres_test_database():
    drop_test_schemas()
    yield
    drop_test_schemas(only_this_run=True)


# Every engine that has connected to PostgreSQL. Each test builds its own app (and so its own engine and pool);
# without closing their pooled connections after each test, a full run passes PostgreSQL's max_connections.
_postgres_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember_postgres_engine(connection):
    if connection.engine.dialect.name == "postgresql":
        _postgres_engines.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_idle_postgres_connections():
    yield
    # dispose() closes the connections waiting in the pool; an engine still in use (a module's live server)
    # simply opens new ones when it next needs them.
    for engine in list(_postgres_engines):
        engine.dispose()


@pytest.fixture
def briefings_folder(tmp_path) -> Path:
    """A copy of the fixture briefings that a test may change."""
    folder = tmp_path / "briefings"
    shutil.copytree(FIXTURE_BRIEFINGS, folder)
    return folder


@pytest.fixture
def make_app(tmp_path):
    """Build an app: ``make_app()`` on the fixture briefings, ``make_app(folder, SOME_SETTING=...)`` otherwise."""
    count = 0

    def build(briefings_dir: Path | str | None = None, **config):
        nonlocal count
        count += 1
        home = tmp_path / f"app-{count}"
        home.mkdir()
        settings = app_settings(home, briefings_dir or FIXTURE_BRIEFINGS, **config)
        return migrated_app(settings, home / "instance")

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
