"""Single sign-on with OpenID Connect (Microsoft Entra ID, or any other OpenID Connect provider).

Authlib's Flask client does the protocol: the authorization-code flow with PKCE (S256), the state and the nonce
kept in the Flask session, the ID token's signature checked against the provider's published keys (JWKS) and its
issuer, audience, expiry and nonce checked. This module only decides who that person is here:
app.people.service.account_for_sign_on links a verified email that an admin invited, or finds an account
linked before by (issuer, subject). Nobody is ever given an account by signing on: a stranger is told to ask
for an invitation.

Configured by OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_NAME (docs/sign-on.md). The routes are
always registered, so the route tests see them, and answer 404 while OIDC_ISSUER is empty.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError

from ..extensions import db
from ..people import audit, service
from .auth import DEACTIVATED, actor_of, home_of, safe_next

bp = Blueprint("sign_on", __name__)

CLIENT = "sso"  # the name Authlib keeps the client under (its keys in the session start with it)
NEXT_KEY = "sign_on_next"  # where to go after signing in, kept in the session across the provider's pages
SCOPE = "openid email profile"

# Said on the sign-in page; {provider} is OIDC_NAME.
PROVIDER_PROBLEM = (
    "{provider} did not sign you in ({reason}). Nobody has been signed in. Try again, or sign in with your "
    "name and password."
)
STRANGER = (
    "No account here is linked to {who}. If you should have one, ask your partnership admin to invite {email}."
)
NOT_VERIFIED = (
    "{provider} has not verified the email address {email}, so it cannot be linked to an account here. "
    "Ask your partnership admin for an invitation, or verify the address with {provider} first."
)


def register(app: Flask) -> None:
    """Set up the OpenID Connect client when a provider is configured, and the routes in any case."""
    issuer = app.config.get("OIDC_ISSUER", "").rstrip("/")
    if issuer:
        # One OAuth registry per app: a module-level one would keep the first app's client (and its cached keys).
        oauth = OAuth(app)
        oauth.register(
            CLIENT,
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=issuer + "/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
        )
    app.register_blueprint(bp)


def _client():
    oauth = current_app.extensions.get("authlib.integrations.flask_client")
    if oauth is None:
        abort(404)  # single sign-on is not configured here
    return oauth.create_client(CLIENT)


def _provider_name() -> str:
    return current_app.config.get("OIDC_NAME") or "single sign-on"


def _callback_address() -> str:
    """The redirect URI registered at the provider: under PUBLIC_URL when set (behind a proxy the app cannot
    always tell its own public address), else the address this request came to."""
    path = url_for("sign_on.callback")
    base = current_app.config.get("PUBLIC_URL")
    return base.rstrip("/") + path if base else url_for("sign_on.callback", _external=True)


@bp.get("/login/sso")
def start():
    client = _client()
    next_path = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or home_of(current_user))
    session[NEXT_KEY] = next_path
    try:
        # The first sign-in after a start fetches the provider's discovery document.
        return client.authorize_redirect(_callback_address())
    except (requests.RequestException, AuthlibBaseError):
        message = PROVIDER_PROBLEM.format(provider=_provider_name(), reason="it could not be reached")
        return render_template("auth/login.html", name="", error=message, next_path=next_path), 502


@bp.get("/login/sso/callback")
def callback():
    client = _client()
    now = datetime.now(timezone.utc)
    provider = _provider_name()
    try:
        # Raises for error= from the provider, a state this browser did not start, a code the provider refuses,
        # and an ID token whose signature, issuer, audience, expiry or nonce is wrong.
        token = client.authorize_access_token()
    except (AuthlibBaseError, JoseError) as error:
        return _refuse(now, PROVIDER_PROBLEM.format(provider=provider, reason=_reason(error)), 400,
                       detail=_detail(error))
    except requests.RequestException:
        return _refuse(now, PROVIDER_PROBLEM.format(provider=provider, reason="it could not be reached"), 502,
                       detail="provider unreachable")
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refuse(now, PROVIDER_PROBLEM.format(provider=provider, reason="it sent no ID token"), 400,
                       detail="no ID token")
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    verified = _email_verified(claims)
    try:
        account = service.account_for_sign_on(
            db.session, claims["iss"], claims["sub"], email, verified, now, actor_of(None).address
        )
    except service.PeopleError as problem:  # the invitation was used, or its name taken, a moment ago
        return _refuse(now, str(problem), 409, subject=email or "", detail=str(problem))
    who = email or f"this {provider} account"
    if account is None:
        if email and not verified:
            return _refuse(now, NOT_VERIFIED.format(provider=provider, email=email), 403, subject=who,
                           detail="email not verified")
        message = STRANGER.format(who=who, email=email or "the email address you sign in with")
        return _refuse(now, message, 403, subject=who, detail="no account linked")
    if not account.active:
        return _refuse(now, DEACTIVATED, 403, subject=account.name, detail="account deactivated")
    next_path = safe_next(session.get(NEXT_KEY))
    audit.record(db.session, "sign-in-sso", actor_of(account), now, subject=account.name, detail=provider)
    db.session.commit()
    # A fresh cookie: nothing from before signing in (an old CSRF token, the provider's state) carries over.
    session.clear()
    login_user(account)
    return redirect(next_path or home_of(account), 303)


def _email_verified(claims) -> bool:
    """Whether the provider vouches for the email: the standard email_verified claim, or, from a provider that
    does not send it (Microsoft Entra ID), Entra's optional claim xms_edov ("email domain owner verified": the
    tenant has verified the email's domain). Anything else is unverified, and links nothing."""
    if "email_verified" in claims:
        return claims["email_verified"] is True
    return claims.get("xms_edov") is True


def _reason(error: Exception) -> str:
    """A short reason for the page. Never the provider's error_description: anyone can put a link with any
    text in it in front of a person, and the page would show it in this app's name."""
    if isinstance(error, AuthlibBaseError) and error.error == "mismatching_state":
        return "the sign-in was not started from this browser, or it took too long"
    if isinstance(error, AuthlibBaseError) and error.error == "access_denied":
        return "signing in was cancelled or not allowed"
    if isinstance(error, AuthlibBaseError) and re.fullmatch(r"[a-z_]{1,40}", error.error or ""):
        return f"it answered {error.error}"
    if isinstance(error, AuthlibBaseError):
        return "it answered with an error"
    return "its ID token did not pass the checks"


def _detail(error: Exception) -> str:
    """What the audit trail keeps: the error and the provider's description, bounded."""
    if isinstance(error, AuthlibBaseError):
        return f"{error.error}: {error.description}"[:300] if error.description else str(error.error)[:300]
    return f"ID token: {error}"[:300]


def _refuse(now: datetime, message: str, status: int, *, subject: str = "", detail: str = ""):
    audit.record(db.session, "sign-in-sso-refused", actor_of(None), now, subject=subject, detail=detail)
    db.session.commit()
    session.pop(NEXT_KEY, None)
    return render_template("auth/login.html", name="", error=message, next_path=None), status
