"""Signing facilitators in and out.

There is no default account: `flask --app app users create NAME` makes one. A wrong name or a wrong password
gets the same message and costs the same time (an unknown name is checked against a dummy scrypt hash), so the
form never tells which was wrong.

Guessing is limited by counting wrong sign-ins in the database (app/ratelimit.py), so every server process
sees the same counts: 5 in 10 minutes from one address for one name, and 50 in 10 minutes from one address for
any names. Past either, the form answers 429 with how long to wait and does not check the password at all, so
a guess made then tells nothing. Only failures count; a right password clears that address's count for that
name (never the address's count as a whole, which a guesser with an account of their own could otherwise reset).
An unknown name counts like a known one, so the limit never tells which names exist. The names in the keys are
hashed: people sometimes type their password into the name field, and it should not land in the database.

Signing out changes the facilitator's login token, which is part of the id Flask-Login keeps in the cookie:
every copy of the old cookie stops working, in this browser and any other.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import ratelimit
from ..extensions import db
from ..ratelimit import Limit
from ..sessions.models import Facilitator

bp = Blueprint("auth", __name__)

NAME_LIMIT = 80  # Facilitator.name
PASSWORD_LIMIT = 1024  # longer than any real password; hashing megabytes would be a cheap way to load the server
LOGIN_FAILED = "The name or the password is not right. Check both and try again."
LOGIN_WINDOW = timedelta(minutes=10)
ACCOUNT_LIMIT = 5  # wrong passwords from one address for one name within LOGIN_WINDOW
NETWORK_LIMIT = 50  # wrong passwords from one address for any names: a whole office shares one address
TOO_MANY_FOR_ACCOUNT = "Too many wrong passwords from this device for this account. Wait {wait}, then try again."
TOO_MANY_FROM_NETWORK = "Too many wrong passwords from this network. Wait {wait}, then try again."

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


def client_address() -> str:
    """The address the request came from, as the server saw it; "unknown" when it gives none.

    Behind a reverse proxy that is the proxy's address, and every visitor would share one count, unless the app
    trusts the proxy's X-Forwarded-For (werkzeug's ProxyFix, applied where the app is built).
    """
    return request.remote_addr or "unknown"


def address_key(address: str) -> str:
    """The part of an address that names one client: all of an IPv4 address, the /64 network of an IPv6 one.

    One IPv6 household or phone is given a whole /64 and can use any address in it, as an IPv4 household uses
    its one address; counting each IPv6 address apart would let a guesser step to a fresh one every few tries.
    """
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]  # not an address (a misconfigured proxy header); bounded, so the key fits
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1, seen through a dual-stack socket
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def login_limits(address: str, name: str) -> tuple[Limit, Limit]:
    """The limits a sign-in from `address` as `name` counts against: (this address and name, this address)."""
    client = address_key(address)
    # Any name counts, known or not (the limit must not tell which exist); hashed, since a name field sometimes
    # receives a password by mistake, and any length fits the key.
    name_digest = hashlib.sha256(name.lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return (
        Limit(f"login:client:{client}:{name_digest}", ACCOUNT_LIMIT, LOGIN_WINDOW),
        Limit(f"login:network:{client}", NETWORK_LIMIT, LOGIN_WINDOW),
    )


def _minutes(seconds: int) -> str:
    count = max(1, math.ceil(seconds / 60))
    return "1 minute" if count == 1 else f"{count} minutes"


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
        now = datetime.now(timezone.utc)
        account_limit, network_limit = limits = login_limits(client_address(), name)
        wait, message = max(
            (ratelimit.retry_after(db.session, [account_limit], now), TOO_MANY_FOR_ACCOUNT),
            (ratelimit.retry_after(db.session, [network_limit], now), TOO_MANY_FROM_NETWORK),
        )
        if wait:
            # The password is not even checked: while blocked, a guess learns nothing and costs no scrypt.
            page = render_template(
                "auth/login.html", name=name, error=message.format(wait=_minutes(wait)), next_path=next_path
            )
            response = make_response(page, 429)
            response.headers["Retry-After"] = str(wait)
            return response
        facilitator = _find_facilitator(name) if len(password) <= PASSWORD_LIMIT else None
        if facilitator is not None and facilitator.check_password(password):
            # A fresh cookie: nothing from before signing in (an old CSRF token, say) carries over.
            session.clear()
            login_user(facilitator)
            ratelimit.clear(db.session, [account_limit.key])
            return redirect(next_path or url_for("sessions.index"), 303)
        if facilitator is None:
            _spend_a_password_check(password[:PASSWORD_LIMIT])
        ratelimit.record_failure(db.session, limits, now)
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
