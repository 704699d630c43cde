"""Configuration: the only place the app reads environment variables.

Every setting has a working default, so `make run` needs none of them. SECRET_KEY, when not given, is
generated once and kept in the instance folder (never a constant in the code), so sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _folder(environ: os._Environ | dict, name: str, default: Path) -> Path:
    value = environ.get(name)
    return Path(value).resolve() if value else default


def _database_url(url: str) -> str:
    # "postgresql://" alone means psycopg2 to SQLAlchemy; this project installs psycopg 3.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _instance_secret(instance_path: Path) -> str:
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with owner-only permissions; a key other users can read could forge sessions.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Config:
    """Settings for one app, read from the environment with defaults relative to the project folder."""

    def __init__(self, instance_path: Path | str, environ: os._Environ | dict | None = None):
        environ = os.environ if environ is None else environ
        instance_path = Path(instance_path)
        self.SECRET_KEY = environ.get("SECRET_KEY") or _instance_secret(instance_path)
        self.SQLALCHEMY_DATABASE_URI = _database_url(
            environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'briefing-room.db'}"
        )
        # Database errors would otherwise quote the values being written (a response's text) into the logs.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
        self.BRIEFINGS_DIR = _folder(environ, "BRIEFINGS_DIR", PROJECT_ROOT / "briefings")
        self.SESSION_TEMPLATES_DIR = _folder(environ, "SESSION_TEMPLATES_DIR", PROJECT_ROOT / "session_templates")
        self.EXPORTS_DIR = _folder(environ, "EXPORTS_DIR", PROJECT_ROOT / "exports")
        self.PUBLIC_URL = environ.get("PUBLIC_URL", "")
        # How many reverse proxies (nginx, Caddy) stand in front of the app and add X-Forwarded-For. Without this
        # behind a proxy every visitor has the proxy's address, and the per-client limits on wrong passwords and
        # join codes would count everyone together. Leave 0 when gunicorn faces the network itself.
        self.PROXY_HOPS = int(environ.get("PROXY_HOPS", "0") or 0)
        # CSRF tokens last as long as the signed-in session, so a console left open in a meeting still works.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = environ.get("SESSION_COOKIE_SECURE", "") == "1"
        # Every request body is refused past 2 MB before it is read, except adding a briefing from a file
        # (guards.takes_upload): the importer takes files up to 25 MB, plus room for the form's other fields.
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024
        self.MAX_UPLOAD_BYTES = 25 * 1024 * 1024 + 64 * 1024
        # Email (invitation and reset links): plain SMTP. Without SMTP_HOST links are shown to copy (app/mail.py).
        self.SMTP_HOST = environ.get("SMTP_HOST", "")
        self.SMTP_PORT = int(environ.get("SMTP_PORT", "587") or 587)
        self.SMTP_STARTTLS = environ.get("SMTP_STARTTLS", "1") != "0"
        self.SMTP_USER = environ.get("SMTP_USER", "")
        self.SMTP_PASSWORD = environ.get("SMTP_PASSWORD", "")
        self.SMTP_FROM = environ.get("SMTP_FROM", "")
        # Single sign-on with one OpenID Connect provider (Microsoft Entra ID, Google, Okta, ...): its issuer URL
        # (the address before /.well-known/openid-configuration), this app's client id and secret there, and the
        # name on the "Sign in with ..." button. Off when OIDC_ISSUER is empty.
        self.OIDC_ISSUER = environ.get("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = environ.get("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = environ.get("OIDC_CLIENT_SECRET", "")
        self.OIDC_NAME = environ.get("OIDC_NAME", "") or "single sign-on"

    def as_dict(self) -> dict:
        return {name: value for name, value in vars(self).items() if name.isupper()}
