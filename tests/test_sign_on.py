"""Single sign-on against a real OpenID Connect provider (panva's oidc-provider, started by the tests): the app
runs on a live server, and an HTTP client plays the browser, following the redirects and filling in the
provider's sign-in form. On SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.extensions import db
from app.people import audit, service
from app.people.models import AuditEvent, Invitation, SignOnIdentity
from app.sessions.models import Facilitator

from .browser.conftest import LiveServer, start_live_server
from .oidc_support import Provider, TestAccount, app_settings_for, free_port, start_provider

PASSWORD = "plum-kettle-harbour-42"

SAM = TestAccount("sam-0001", "sam.social@council.example", name="Sam Social")
STRANGER = TestAccount("stranger-0002", "someone@elsewhere.example", name="Someone Else")
UNVERIFIED = TestAccount("una-0003", "una@council.example", email_verified=False, name="Una Verified")
DEACTIVATED = TestAccount("dee-0004", "dee@council.example", name="Dee Parted")
# As Entra ID signs people in: no email_verified; the optional claim xms_edov says whether the domain is verified.
ENTRA_VERIFIED = TestAccount("ed-0005", "ed@council.example", email_verified=None, xms_edov=True, name="Ed V")
ENTRA_UNVERIFIED = TestAccount("eu-0006", "eu@council.example", email_verified=None, xms_edov=False, name="Eu U")
ENTRA_SILENT = TestAccount("es-0007", "es@council.example", email_verified=None, name="Es S")
ACCOUNTS = [SAM, STRANGER, UNVERIFIED, DEACTIVATED, ENTRA_VERIFIED, ENTRA_UNVERIFIED, ENTRA_SILENT]


@dataclass
class SignOn:
    server: LiveServer
    provider: Provider

    def admin(self) -> audit.Actor:
        admin = service.account_named(db.session, "Ada Admin")
        return audit.Actor(admin.id, admin.name, "192.0.2.1")


def _start(tmp_path_factory, request, *, advertised_jwks_uri: str = "") -> SignOn:
    port = free_port()
    # The provider's address is the app's setting, and the app's address is the provider's redirect URI.
    server = start_live_server(
        tmp_path_factory.mktemp("sign-on"), **app_settings_for(f"http://127.0.0.1:{port}")
    )
    request.addfinalizer(server.stop)
    provider = start_provider(
        server.url + "/login/sso/callback", ACCOUNTS, port=port, log_dir=tmp_path_factory.mktemp("provider"),
        advertised_jwks_uri=advertised_jwks_uri,
    )
    request.addfinalizer(provider.stop)
    with server.app.app_context():
        service.create_account(db.session, audit.Actor(None, "terminal"), "Ada Admin", PASSWORD, ["admin"], now())
    return SignOn(server, provider)


@pytest.fixture
def sign_on(tmp_path_factory, request) -> SignOn:
    yield (started := _start(tmp_path_factory, request))
    assert not started.server.errors, "\n".join(started.server.errors)


def now() -> datetime:
    return datetime.now(timezone.utc)


def browser() -> httpx.Client:
    """A fresh browser: its own cookies, for the app and the provider alike."""
    return httpx.Client(follow_redirects=True, timeout=20)


def to_provider_form(client: httpx.Client, server: LiveServer, start: str = "/login/sso") -> httpx.Response:
    page = client.get(server.url + start)
    assert page.status_code == 200 and page.url.path.startswith("/interaction/"), page.text[:500]
    return page


def submit_provider_form(client: httpx.Client, page: httpx.Response, action: str, account: str = "") -> httpx.Request:
    """Press a button on the provider's sign-in form; returns the request that would go back to the app, not sent."""
    form = BeautifulSoup(page.text, "html.parser").find("form")
    response = client.post(urljoin(str(page.url), form["action"]), data={"account": account, "action": action},
                           follow_redirects=False)
    # Follow the provider's own redirects, stopping at the one that leads back to the app.
    while response.is_redirect:
        target = urljoin(str(response.url), response.headers["location"])
        if urlsplit(target).path == "/login/sso/callback":
            return client.build_request("GET", target)
        response = client.get(target, follow_redirects=False)
    raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text[:500]}")


def sign_in(client: httpx.Client, server: LiveServer, account: str, start: str = "/login/sso") -> httpx.Response:
    callback = submit_provider_form(client, to_provider_form(client, server, start), "sign-in", account)
    return client.send(callback, follow_redirects=True)


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.text, "html.parser").get_text(" ").split())


def signed_in_as(client: httpx.Client, server: LiveServer) -> str | None:
    """Whose name the page header shows, or None when signed out."""
    header = BeautifulSoup(client.get(server.url + "/briefings").text, "html.parser").select_one(".site-account__who")
    return header.strong.get_text(strip=True) if header else None


def events(server: LiveServer, *actions: str) -> list[AuditEvent]:
    with server.app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if actions:
            query = query.where(AuditEvent.action.in_(actions))
        found = db.session.execute(query).scalars().all()
        db.session.expunge_all()
        return found


def account_count(server: LiveServer) -> int:
    with server.app.app_context():
        return db.session.execute(select(func.count()).select_from(Facilitator)).scalar_one()


def invite(sign_on: SignOn, name: str, email: str, roles=("facilitator",)) -> None:
    with sign_on.server.app.app_context():
        service.invite(db.session, sign_on.admin(), name, email, list(roles), [], now())


# --- the sign-in page -----------------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_provider_only_when_one_is_configured(make_app, sign_on):
    without = make_app().test_client()
    assert "Sign in with" not in page_text(without.get("/login"))
    assert without.get("/login/sso").status_code == 404
    assert without.get("/login/sso/callback?code=x&state=y").status_code == 404

    with browser() as client:
        link = BeautifulSoup(client.get(sign_on.server.url + "/login").text, "html.parser").find(
            "a", string=lambda text: text and "Sign in with" in text
        )
        assert " ".join(link.get_text().split()) == "Sign in with Test ID"
        assert link["href"] == "/login/sso"


def test_a_provider_that_cannot_be_reached_is_named_on_the_sign_in_page(make_app):
    client = make_app(**app_settings_for(f"http://127.0.0.1:{free_port()}")).test_client()
    response = client.get("/login/sso")
    assert response.status_code == 502
    text = page_text(response)
    assert "Test ID did not sign you in (it could not be reached)" in text and "Nobody has been signed in" in text
    assert "Sign in with Test ID" in text  # the page to try again from


@pytest.mark.parametrize("query", [
    "", "code=abc", "state=", "state=%00%ff&code=%00", "state=" + "s" * 5000, "error=", "error=%00&state=x",
    "error_description=only", "state[]=x&code[]=y",
])
def test_a_callback_nobody_started_is_refused_and_never_a_server_error(make_app, query):
    client = make_app(**app_settings_for(f"http://127.0.0.1:{free_port()}")).test_client()
    response = client.get("/login/sso/callback?" + query)
    # Refused by the view, or before it by the app's request guards (a NUL byte): either way a 400 page.
    assert response.status_code == 400 and "Signed in as" not in page_text(response)
    assert "Nobody has been signed in" in page_text(response) or "That was not sent" in page_text(response)


def test_the_app_asks_for_the_code_flow_with_pkce_state_and_nonce(sign_on):
    with browser() as client:
        response = client.get(sign_on.server.url + "/login/sso", follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == sign_on.provider.issuer
    asked = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert asked["response_type"] == "code" and asked["code_challenge_method"] == "S256"
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}
    assert len(asked["code_challenge"]) >= 43 and asked["state"] and asked["nonce"]
    assert asked["redirect_uri"] == sign_on.server.url + "/login/sso/callback"


# --- linking and signing in -----------------------------------------------------------------------------


def test_an_invited_email_links_the_account_at_first_and_is_found_by_subject_afterwards(sign_on):
    server = sign_on.server
    invite(sign_on, "Sam Social", "Sam.Social@council.example")

    with browser() as client:
        home = sign_in(client, server, SAM.sub)
        assert home.status_code == 200 and home.url.path == "/sessions"  # a facilitator's home
        assert signed_in_as(client, server) == "Sam Social"

    with server.app.app_context():
        sam = service.account_named(db.session, "Sam Social")
        assert sam.is_facilitator and sam.email == "sam.social@council.example"
        identity = db.session.execute(select(SignOnIdentity)).scalar_one()
        assert (identity.account_id, identity.issuer, identity.subject) == (sam.id, sign_on.provider.issuer, SAM.sub)
        invitation = db.session.execute(select(Invitation)).scalar_one()
        assert invitation.used_at is not None
        # The account's email changes here; the provider still sends the old one. The link is the subject.
        service.set_email(db.session, sign_on.admin(), sam.id, "sam@new-address.example", now())

    with browser() as client:
        again = sign_in(client, server, SAM.sub)
        assert again.url.path == "/sessions" and signed_in_as(client, server) == "Sam Social"

    signed = events(server, "invitation-accepted", "sign-in-sso")
    assert [(event.action, event.subject) for event in signed] == [
        ("invitation-accepted", "Sam Social"), ("sign-in-sso", "Sam Social"), ("sign-in-sso", "Sam Social")
    ]
    assert signed[-1].actor_name == "Sam Social" and signed[-1].address == "127.0.0.1"
    assert account_count(server) == 2


def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(sign_on):
    invite(sign_on, "Sam Social", SAM.email, roles=("editor",))
    with browser() as client:
        assert sign_in(client, sign_on.server, SAM.sub, start="/login/sso?next=/library/new").url.path == (
            "/library/new"
        )
    with browser() as client:
        landed = sign_in(client, sign_on.server, SAM.sub, start="/login/sso?next=https://evil.example/")
        assert landed.url.host == "127.0.0.1" and landed.url.path == "/briefings"  # an editor's home


def test_a_stranger_is_refused_and_no_account_is_made(sign_on):
    server = sign_on.server
    with browser() as client:
        refused = sign_in(client, server, STRANGER.sub)
        assert refused.status_code == 403 and refused.url.path == "/login/sso/callback"
        text = page_text(refused)
        assert "You are not signed in" in text
        assert ("No account here is linked to someone@elsewhere.example. If you should have one, ask your "
                "partnership admin to invite someone@elsewhere.example.") in text
        assert signed_in_as(client, server) is None
    assert account_count(server) == 1
    with server.app.app_context():
        assert db.session.execute(select(SignOnIdentity)).first() is None
    [event] = events(server, "sign-in-sso-refused")
    assert (event.subject, event.detail, event.actor_id) == ("someone@elsewhere.example", "no account linked", None)
    assert not events(server, "sign-in-sso")


def test_an_unverified_email_links_nothing_even_when_it_was_invited(sign_on):
    server = sign_on.server
    invite(sign_on, "Una Verified", UNVERIFIED.email)
    with browser() as client:
        refused = sign_in(client, server, UNVERIFIED.sub)
        assert refused.status_code == 403
        assert "Test ID has not verified the email address una@council.example" in page_text(refused)
        assert signed_in_as(client, server) is None
    with server.app.app_context():
        assert service.account_named(db.session, "Una Verified") is None
        assert db.session.execute(select(Invitation)).scalar_one().used_at is None  # still there to accept
    assert [event.detail for event in events(server, "sign-in-sso-refused")] == ["email not verified"]


def test_without_email_verified_the_entra_domain_verified_claim_decides(sign_on):
    server = sign_on.server
    for person in (ENTRA_VERIFIED, ENTRA_UNVERIFIED, ENTRA_SILENT):
        invite(sign_on, person.name, person.email)
    with browser() as client:
        assert sign_in(client, server, ENTRA_VERIFIED.sub).url.path == "/sessions"
        assert signed_in_as(client, server) == "Ed V"
    for person in (ENTRA_UNVERIFIED, ENTRA_SILENT):
        with browser() as client:
            refused = sign_in(client, server, person.sub)
            assert refused.status_code == 403
            assert f"Test ID has not verified the email address {person.email}" in page_text(refused)
            assert signed_in_as(client, server) is None
    with server.app.app_context():
        assert service.account_named(db.session, "Ed V") is not None
        assert service.account_named(db.session, "Eu U") is None and service.account_named(db.session, "Es S") is None


def test_an_invitation_whose_name_was_taken_since_is_explained_not_a_server_error(sign_on):
    server = sign_on.server
    invite(sign_on, "Sam Social", SAM.email)
    with server.app.app_context():  # as if made at the terminal a moment after the invitation
        db.session.add(Facilitator(name="Sam Social", password_hash="x"))
        db.session.commit()
    with browser() as client:
        refused = sign_in(client, server, SAM.sub)
        assert refused.status_code == 409
        assert "An account called 'Sam Social' was made since this invitation." in page_text(refused)
        assert signed_in_as(client, server) is None
    with server.app.app_context():
        assert db.session.execute(select(SignOnIdentity)).first() is None


def test_a_deactivated_account_is_refused(sign_on):
    server = sign_on.server
    with server.app.app_context():
        dee = service.create_account(db.session, sign_on.admin(), "Dee Parted", PASSWORD, ["facilitator"], now(),
                                     email=DEACTIVATED.email)
        service.deactivate(db.session, sign_on.admin(), dee.id, now())
    with browser() as client:
        refused = sign_in(client, server, DEACTIVATED.sub)
        assert refused.status_code == 403
        assert "This account has been deactivated, so it cannot sign in." in page_text(refused)
        assert signed_in_as(client, server) is None
    [event] = events(server, "sign-in-sso-refused")
    assert (event.subject, event.detail) == ("Dee Parted", "account deactivated")


# --- what the protocol checks ----------------------------------------------------------------------------


def test_a_callback_with_another_state_or_in_another_browser_signs_nobody_in(sign_on):
    server = sign_on.server
    invite(sign_on, "Sam Social", SAM.email)
    with browser() as client:
        callback = submit_provider_form(client, to_provider_form(client, server), "sign-in", SAM.sub)
        parts = urlsplit(str(callback.url))
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert query["code"] and query["state"]
        forged = urlunsplit(parts._replace(query=urlencode({**query, "state": query["state"] + "x"})))
        refused = client.get(forged)
        assert refused.status_code == 400
        assert "Test ID did not sign you in (the sign-in was not started from this browser" in page_text(refused)
        assert signed_in_as(client, server) is None
    # The real callback, carried to a browser that never started signing in (a login-CSRF attempt).
    with browser() as other:
        assert other.send(other.build_request("GET", str(callback.url))).status_code == 400
        assert signed_in_as(other, server) is None
    assert account_count(server) == 1
    assert len(events(server, "sign-in-sso-refused")) == 2 and not events(server, "sign-in-sso")


def test_cancelling_at_the_provider_says_so_and_signs_nobody_in(sign_on):
    with browser() as client:
        callback = submit_provider_form(client, to_provider_form(client, sign_on.server), "cancel")
        assert parse_qs(urlsplit(str(callback.url)).query)["error"] == ["access_denied"]
        refused = client.send(callback)
        assert refused.status_code == 400
        assert "Test ID did not sign you in (signing in was cancelled or not allowed)" in page_text(refused)
        assert signed_in_as(client, sign_on.server) is None
    [event] = events(sign_on.server, "sign-in-sso-refused")
    assert event.detail == "access_denied: The person cancelled signing in"


def test_the_page_never_shows_text_from_the_callback_address(sign_on):
    """Anyone can send a person a link to the callback with words of their choosing in it."""
    with browser() as client:
        crafted = client.get(sign_on.server.url + "/login/sso/callback", params={
            "error": "Your account is locked. Call 0800 000 000", "error_description": "Call 0800 000 000 now",
        })
        assert crafted.status_code == 400
        text = page_text(crafted)
        assert "0800" not in text and "Test ID did not sign you in (it answered with an error)" in text


def test_an_id_token_signed_with_another_key_is_refused(tmp_path_factory, request):
    """The provider signs with its key, but the key set the app is told to trust is another provider's (with the
    same key id): the signature check alone must refuse the token."""
    other = start_provider("http://127.0.0.1:9/unused", [], log_dir=tmp_path_factory.mktemp("other"))
    request.addfinalizer(other.stop)
    started = _start(tmp_path_factory, request, advertised_jwks_uri=other.jwks_uri)
    assert httpx.get(started.provider.issuer + "/.well-known/openid-configuration").json()["jwks_uri"] == (
        other.jwks_uri
    )
    invite(started, "Sam Social", SAM.email)
    with browser() as client:
        refused = sign_in(client, started.server, SAM.sub)
        assert refused.status_code == 400
        assert "Test ID did not sign you in (its ID token did not pass the checks)" in page_text(refused)
        assert signed_in_as(client, started.server) is None
    with started.server.app.app_context():
        assert service.account_named(db.session, "Sam Social") is None
        assert db.session.execute(select(SignOnIdentity)).first() is None
    [event] = events(started.server, "sign-in-sso-refused")
    assert event.detail.startswith("ID token: bad_signature")  # the signature check, not another one, refused it
    assert not started.server.errors
