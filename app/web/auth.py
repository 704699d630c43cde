"""Signing facilitators in and out.

There is no default account: `flask --app app users create NAME` makes one. A wrong name or a wrong password
gets the same message and costs the same time (an unknown name is checked against a dummy scrypt hash), so the
form never tells which was wrong.

Guessing is limited by counting wrong sign-ins in the database (app/ratelimit.py), so every server process
sees the same counts. The limits are per account, never per address alone: one address is often a whole office
or a phone carrier's NAT, and a guesser there must not lock out the people behind it.

- 5 wrong passwords in 10 minutes for one name from one device: from an address (IPv6 by /64), or from a
  *known device* (below). Past it, that device's tries for that name are not checked.
- 20 wrong passwords in 10 minutes for one name from all devices the account has not signed in from before,
  whatever their addresses: the bound on a guesser who changes address and drops cookies. Past it, those tries
  are not checked; the 429 says how long to wait and that a known device still signs in.
- A known device is a browser that has signed in to the account before: it carries a signed cookie (OWASP's
  "device cookies"), sent only to /login, with a random id and the (hashed) names that signed in from it. It is
  exempt from the account-wide limit and has only its own count of 5, so guessers cannot lock a facilitator out
  of their own account from their own laptop. The cookie is signed with the app's secret key, so it cannot be
  made up, and it is only ever handed out for the right password.
- 50 wrong passwords in 10 minutes from one address for any names only changes how a wrong password is answered
  (429, saying that the right password still works); the password is still checked, so a right one signs in.

A wrong name and a wrong password get the same answers: an unknown name counts like a known one, under the same
limits, and costs the same scrypt check, so neither the form nor the limits tell which names exist. A right
password clears its device's count for that name (never the account-wide count, nor the address's as a whole,
which a guesser with an account of their own could otherwise reset). The names in the keys are hashed: people
sometimes type their password into the name field, and it should not land in the database.

Signing out changes the facilitator's login token, which is part of the id Flask-Login keeps in the cookie:
every copy of the old cookie stops working, in this browser and any other.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import ratelimit
from ..extensions import db
from ..formatting import wait_in_minutes
from ..people import audit
from ..ratelimit import Limit
from ..sessions.models import Facilitator

bp = Blueprint("auth", __name__)

NAME_LIMIT = 80  # Facilitator.name
PASSWORD_LIMIT = 1024  # longer than any real password; hashing megabytes would be a cheap way to load the server
LOGIN_FAILED = "The name or the password is not right. Check both and try again."
# Said only to someone who gave the right password, so it tells a guesser nothing.
DEACTIVATED = (
    "This account has been deactivated, so it cannot sign in. If you still need it, ask your partnership admin."
)
LOGIN_WINDOW = timedelta(minutes=10)
ACCOUNT_LIMIT = 5  # wrong passwords from one device (an address, or a known device) for one name in LOGIN_WINDOW
ACCOUNT_WIDE_LIMIT = 20  # wrong passwords for one name from every device it has not signed in from before
NETWORK_LIMIT = 50  # wrong passwords from one address for any names: past it, wrong ones get 429, right ones work
TOO_MANY_FOR_ACCOUNT = "Too many wrong passwords from this device for this account. Wait {wait}, then try again."
TOO_MANY_FOR_ACCOUNT_EVERYWHERE = (
    "Too many wrong passwords for this account from new devices. Wait {wait}, then try again. "
    "A device this account has signed in from before can still sign in."
)
BUSY_NETWORK = (
    " Many wrong passwords have come from this network (a shared office or phone network) in the last few "
    "minutes, so wrong ones from it are refused for {wait}. The right password still works."
)

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = 180  # how long a browser stays known without signing in again
KNOWN_DEVICE_NAMES = 10  # accounts one browser remembers (a shared PC); the oldest is forgotten first

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


def actor_of(account) -> audit.Actor:
    """Who is acting, for the audit trail: the account (or nobody) and the address the request came from."""
    return audit.Actor.of(account, client_address())


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


def name_digest(name: str) -> str:
    """A name as the limits and the known-device cookie hold it: any case, hashed (a name field sometimes
    receives a password by mistake), and any length fits a key."""
    return hashlib.sha256(name.lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class LoginLimits:
    """What a sign-in counts against. `device` and `account` (when there is one) stop a password being checked;
    `network` only changes how a wrong one is answered."""

    device: Limit
    account: Limit | None
    network: Limit

    @property
    def every(self) -> list[Limit]:
        return [limit for limit in (self.device, self.account, self.network) if limit is not None]


def login_limits(address: str, name: str, known_device: str | None = None) -> LoginLimits:
    """The limits a sign-in from `address` as `name` counts against; `known_device` is the id from a known-device
    cookie that this name signed in from before, and replaces the address and the account-wide count."""
    client = address_key(address)
    # Any name counts, known or not: the limits must not tell which exist.
    digest = name_digest(name)
    network = Limit(f"login:network:{client}", NETWORK_LIMIT, LOGIN_WINDOW)
    if known_device is not None:
        return LoginLimits(Limit(f"login:known:{known_device}:{digest}", ACCOUNT_LIMIT, LOGIN_WINDOW), None, network)
    return LoginLimits(
        device=Limit(f"login:client:{client}:{digest}", ACCOUNT_LIMIT, LOGIN_WINDOW),
        account=Limit(f"login:account:{digest}", ACCOUNT_WIDE_LIMIT, LOGIN_WINDOW),
        network=network,
    )


@dataclass(frozen=True)
class KnownDevice:
    id: str
    names: tuple[str, ...]  # name digests, oldest first


def _known_device_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="known-device")


def read_known_device(cookie: str | None, secret: str) -> KnownDevice | None:
    """The known device a cookie names, when its signature is right and it is not too old; else None."""
    if not cookie:
        return None
    try:
        data = _known_device_serializer(secret).loads(cookie, max_age=KNOWN_DEVICE_DAYS * 24 * 3600)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("names"), list):
        return None
    device_id, names = data["id"], tuple(name for name in data["names"] if isinstance(name, str))
    if not 8 <= len(device_id) <= 32:
        return None
    return KnownDevice(device_id, names[-KNOWN_DEVICE_NAMES:])


def known_device_cookie(device: KnownDevice | None, name: str, secret: str) -> str:
    """The cookie for a device that has just signed in as `name`: the same id when it had one, this name last."""
    device_id = device.id if device is not None else secrets.token_urlsafe(12)
    digest = name_digest(name)
    names = [known for known in (device.names if device else ()) if known != digest] + [digest]
    return _known_device_serializer(secret).dumps({"id": device_id, "names": names[-KNOWN_DEVICE_NAMES:]})


def _find_facilitator(name: str) -> Facilitator | None:
    if not name or len(name) > NAME_LIMIT:
        return None
    return db.session.execute(select(Facilitator).where(Facilitator.name == name)).scalar_one_or_none()


def _login_page(name: str, error: str, next_path: str | None, status: int, retry_after: int):
    response = make_response(render_template("auth/login.html", name=name, error=error, next_path=next_path), status)
    response.headers["Retry-After"] = str(retry_after)
    return response


def home_of(account) -> str:
    """Where signing in leads: the sessions for a facilitator or a team manager, the People page for an admin
    who does neither, else the library (an editor's shelf)."""
    if account.is_facilitator or account.is_manager:
        return url_for("sessions.index")
    return url_for("people.index") if account.is_admin else url_for("library.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_path or home_of(current_user))
    name, error = "", None
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        now = datetime.now(timezone.utc)
        secret = current_app.config["SECRET_KEY"]
        device = read_known_device(request.cookies.get(KNOWN_DEVICE_COOKIE), secret)
        known_here = device is not None and name_digest(name) in device.names
        limits = login_limits(client_address(), name, device.id if known_here else None)
        waits = [(ratelimit.retry_after(db.session, [limits.device], now), TOO_MANY_FOR_ACCOUNT)]
        if limits.account is not None:
            waits.append((ratelimit.retry_after(db.session, [limits.account], now), TOO_MANY_FOR_ACCOUNT_EVERYWHERE))
        wait, message = max(waits)
        if wait:
            # The password is not even checked: while blocked, a guess learns nothing and costs no scrypt.
            return _login_page(name, message.format(wait=wait_in_minutes(wait)), next_path, 429, wait)
        # Only how a wrong password is answered: a right one signs in whatever else came from this address.
        network_wait = ratelimit.retry_after(db.session, [limits.network], now)
        facilitator = _find_facilitator(name) if len(password) <= PASSWORD_LIMIT else None
        right_password = facilitator is not None and facilitator.check_password(password)
        if right_password and not facilitator.active:
            audit.record(db.session, "sign-in-failed", actor_of(facilitator), now, subject=facilitator.name,
                         detail="account deactivated")
            db.session.commit()
            return render_template("auth/login.html", name=name, error=DEACTIVATED, next_path=next_path), 403
        if right_password:
            audit.record(db.session, "sign-in", actor_of(facilitator), now, subject=facilitator.name)
            # A fresh cookie: nothing from before signing in (an old CSRF token, say) carries over.
            session.clear()
            login_user(facilitator)
            ratelimit.clear(db.session, [limits.device.key])
            response = redirect(next_path or home_of(facilitator), 303)
            response.set_cookie(
                KNOWN_DEVICE_COOKIE,
                known_device_cookie(device, name, secret),
                max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
                path=url_for("auth.login"),  # read only here; no other request carries it
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
                httponly=True,
                samesite="Lax",
            )
            return response
        if facilitator is None:
            _spend_a_password_check(password[:PASSWORD_LIMIT])
        # The name typed is kept only when it is an account's: people sometimes type a password into it.
        audit.record(db.session, "sign-in-failed", actor_of(None), now,
                     subject=facilitator.name if facilitator is not None else "(not an account's name)",
                     detail="wrong password" if facilitator is not None else "")
        ratelimit.record_failure(db.session, limits.every, now)
        if network_wait:
            message = LOGIN_FAILED + BUSY_NETWORK.format(wait=wait_in_minutes(network_wait))
            return _login_page(name, message, next_path, 429, network_wait)
        error = LOGIN_FAILED
    return render_template("auth/login.html", name=name, error=error, next_path=next_path)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_user.login_token = secrets.token_hex(16)
        audit.record(db.session, "sign-out", actor_of(current_user), datetime.now(timezone.utc), subject=current_user.name)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("library.index"), 303)


def form_expired(error: CSRFError):
    """A form sent without its token, or with one from an older sign-in: say what to do, change nothing."""
    return render_template("auth/form_expired.html"), 400


bp.register_error_handler(CSRFError, form_expired)
