"""Signing facilitators in and out.

There is no default account: `flask --app app users create NAME` makes one. A wrong name or a wrong password
gets the same message and costs the same time (an unknown name is checked against a dummy scrypt hash), so the
form never tells which was wrong. Password guessing is slowed only by scrypt itself (tens of milliseconds a
try); a failure counter kept in one process's memory would not hold across gunicorn workers, and one kept in the
database needs a migration, so there is none yet.

Signing out changes the facilitator's login token, which is part of the id Flask-Login keeps in the cookie:
every copy of the old cookie stops working, in this browser and any other.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..sessions.models import Facilitator

bp = Blueprint("auth", __name__)

NAME_LIMIT = 80  # Facilitator.name
PASSWORD_LIMIT = 1024  # longer than any real password; hashing megabytes would be a cheap way to load the server
LOGIN_FAILED = "The name or the password is not right. Check both and try again."

_dummy_hash: str | None = None


def _spend_a_password_check(password: str) -> None:
    """Check a password against a throwaway hash, so an unknown name takes as long as a wrong password."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_hex(16))
    check_password_hash(_dummy_hash, password)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/sessions?x=1"), else None: never another site's address."""
    if not target or "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _find_facilitator(name: str) -> Facilitator | None:
    if not name or len(name) > NAME_LIMIT:
        return None
    return db.session.execute(select(Facilitator).where(Facilitator.name == name)).scalar_one_or_none()


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_path or url_for("sessions.index"))
    name, error = "", None
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        facilitator = _find_facilitator(name) if len(password) <= PASSWORD_LIMIT else None
        if facilitator is not None and facilitator.check_password(password):
            # A fresh cookie: nothing from before signing in (an old CSRF token, say) carries over.
            session.clear()
            login_user(facilitator)
            return redirect(next_path or url_for("sessions.index"), 303)
        if facilitator is None:
            _spend_a_password_check(password[:PASSWORD_LIMIT])
        error = LOGIN_FAILED
    return render_template("auth/login.html", name=name, error=error, next_path=next_path)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_user.login_token = secrets.token_hex(16)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("library.index"), 303)


def form_expired(error: CSRFError):
    """A form sent without its token, or with one from an older sign-in: say what to do, change nothing."""
    return render_template("auth/form_expired.html"), 400


bp.register_error_handler(CSRFError, form_expired)
