"""Extension objects, created here and bound to an app in create_app() with init_app."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .private_files import make_owner_only, sqlite_files


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to run a session."
login_manager.session_protection = "strong"


# How long a statement waits for another connection's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers carry on while one writer writes; the busy timeout makes a writer wait for the lock
    # instead of failing with "database is locked".
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # Owner-only before WAL mode opens the -wal and -shm files: SQLite gives them the database file's
        # permissions. This holds for every engine, whichever way the database was first created.
        for _, name, filename in cursor.execute("PRAGMA database_list").fetchall():
            if name == "main" and filename:
                for path in sqlite_files(filename):
                    make_owner_only(path)
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten, not just unlinked: a deleted session leaves no text behind.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
