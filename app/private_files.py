"""Files only the account running the app may read: the instance folder and a SQLite database with its companions.

The database holds every reflection a team wrote, so it gets the same owner-only permissions as the secret key
and the exports. SQLite creates its `-wal`, `-shm` and `-journal` files with the permissions of the database
file itself (whatever the umask), so a database file that is owner-only before the first write keeps all of
them owner-only; an older database left readable by others is tightened when the app next opens it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_owner_only(path: str | os.PathLike, mode: int = OWNER_ONLY_FILE) -> None:
    """Take away group and other permissions from `path` if it exists and belongs to us; never adds any."""
    path = Path(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid != os.getuid() or not stat.S_IMODE(status.st_mode) & 0o077:
        return  # someone else's (a shared folder we were pointed at), or already private
    path.chmod(stat.S_IMODE(status.st_mode) & mode)


def sqlite_files(database: str | os.PathLike) -> list[Path]:
    database = Path(database)
    return [database] + [database.with_name(database.name + suffix) for suffix in SQLITE_COMPANIONS]


def create_owner_only_sqlite(database: str | os.PathLike) -> None:
    """Create an empty database file with owner-only permissions (so SQLite's later files copy them), or
    tighten the files of an existing one."""
    database = Path(database)
    if database.parent.is_dir():
        try:
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
        except FileExistsError:
            pass
    for path in sqlite_files(database):
        make_owner_only(path)


def sqlite_database_path(url: str, instance_path: str | os.PathLike) -> Path | None:
    """The file of a `sqlite:///…` SQLAlchemy URL; None for other databases and in-memory ones.

    A relative path is relative to the instance folder, as Flask-SQLAlchemy reads it."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):
        return None  # a URI filename (sqlite:///file:…?uri=true): the connect hook still tightens it
    return Path(instance_path) / parsed.database  # an absolute path stays as it is
