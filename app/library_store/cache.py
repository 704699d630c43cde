"""Each app process's copy of the published library, read again when the library generation changes.

A request costs one small query (the generation number); the briefings are parsed again only after a change,
made by this server or any other one sharing the database. The first use in a process seeds the database
from the briefings folder (service.seed_from_folder): that is the first request after `flask db upgrade` under
`make run` and gunicorn, the first request of a test's app, and the first command that reads the library.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from ..briefings.files import Problem
from ..briefings.library import Library
from . import service


class PublishedLibraryCache:
    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._seeded = False
        self._problems: list[Problem] = []  # the briefing files the seed could not read, with file and line
        self._generation: int | None = None
        self._library: Library | None = None

    def seed_once(self, engine) -> None:
        """Add the briefing files whose ids are not in the database yet, once per process."""
        if self._seeded:
            return
        with self._lock:
            if self._seeded:
                return
            with Session(engine) as dbs:
                result = service.seed_from_folder(dbs, self.folder, now=datetime.now(timezone.utc))
            self._problems = result.problems
            self._seeded = True

    @property
    def seed_problems(self) -> list[Problem]:
        return list(self._problems)

    def get(self, engine) -> Library:
        self.seed_once(engine)
        # Its own short session: reading the library never commits or ends the request's own transaction.
        with Session(engine) as dbs:
            current = service.generation(dbs)
            if self._library is not None and current == self._generation:
                return self._library
            with self._lock:
                if self._library is None or current != self._generation:
                    # Read after the number: a change in between only makes the next request read again.
                    self._library = service.published_library(dbs, self.folder, self._problems, self._library)
                    self._generation = current
                return self._library
