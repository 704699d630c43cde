"""Facilitator accounts and signing in and out, through the CLI and Flask's test client.

CSRF protection is on in these apps (TESTING does not turn Flask-WTF's CSRFProtect off), so every POST here
carries the token a page gave, as a browser's would.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.extensions import db
from app.sessions.models import Facilitator

PASSWORD = "correct horse battery"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page carries in its forms (and in the hx-headers every htmx request sends)."""
    field = soup_of(client.get(path)).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"{path} has no CSRF token field"
    return field["value"]


def create_facilitator(app, name: str = "alice", password: str = PASSWORD) -> None:
    with app.app_context():
        facilitator = Facilitator(name=name)
        facilitator.set_password(password)
        db.session.add(facilitator)
        db.session.commit()


def sign_in(client, name: str = "alice", password: str = PASSWORD, **extra):
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_token(client), **extra})


def sign_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/sessions")})


@pytest.fixture
def alice(app):
    create_facilitator(app)
    return "alice"


# --- accounts from the command line ------------------------------------------------------------------------


def test_users_create_reads_the_password_from_a_pipe_and_stores_only_a_scrypt_hash(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "Sam Patel"], input="a long password\n")

    assert result.exit_code == 0, result.output
    assert "Created facilitator 'Sam Patel'" in result.output
    with app.app_context():
        stored = db.session.execute(select(Facilitator).filter_by(name="Sam Patel")).scalar_one()
        assert stored.password_hash.startswith("scrypt:")
        assert "a long password" not in stored.password_hash
    client = app.test_client()
    assert sign_in(client, "Sam Patel", "a long password").status_code == 303


def test_users_create_refuses_a_short_password_and_creates_nothing(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "sam"], input="short\n")

    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Facilitator)) == 0


@pytest.mark.parametrize("name, password", [("admin", "admin"), ("admin", "password"), ("facilitator", "")])
def test_there_is_no_default_account(app, client, name, password):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Facilitator)) == 0
    response = sign_in(client, name, password)
    assert response.status_code == 200
    assert "not right" in soup_of(response).find(attrs={"role": "alert"}).get_text()
    assert client.get("/sessions").status_code == 302


# --- signing in ---------------------------------------------------------------------------------------------


def test_the_login_form_has_labelled_fields_and_a_csrf_token(client):
    soup = soup_of(client.get("/login"))
    form = soup.find("form", attrs={"action": "/login"})
    assert form["method"] == "post"
    for field_id, autocomplete in (("login-name", "username"), ("login-password", "current-password")):
        field = form.find("input", id=field_id)
        assert soup.find("label", attrs={"for": field_id}) is not None
        assert field["autocomplete"] == autocomplete
    assert form.find("input", attrs={"name": "csrf_token"})["value"]


def test_signing_in_leads_to_the_sessions_page(client, alice):
    response = sign_in(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sessions"
    page = client.get("/sessions")
    assert page.status_code == 200
    assert "Signed in as alice" in " ".join(soup_of(page).find("header").get_text(" ").split())


@pytest.mark.parametrize("name, password", [("alice", "not the password"), ("alicia", PASSWORD), ("ALICE", PASSWORD)])
def test_a_wrong_name_or_password_gets_one_message_that_does_not_say_which_and_keeps_the_name(client, alice, name, password):
    response = sign_in(client, name, password)

    assert response.status_code == 200
    soup = soup_of(response)
    alert = soup.find(attrs={"role": "alert"})
    assert "The name or the password is not right" in alert.get_text()
    assert soup.find("input", id="login-name")["value"] == name
    assert soup.find("input", id="login-name")["aria-invalid"] == "true"
    assert not soup.find("input", id="login-password").get("value")
    assert soup.title.get_text().startswith("Error:")
    assert client.get("/sessions").status_code == 302


@pytest.mark.parametrize("path", ["/sessions", "/sessions/new", "/sessions/abc", "/sessions/abc/delete"])
def test_facilitator_pages_send_a_signed_out_visitor_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_after_signing_in_the_login_page_returns_to_the_page_that_asked(client, alice):
    response = client.get("/sessions/new?briefing=westborough-child-3")
    login_page = soup_of(client.get(response.headers["Location"]))
    assert login_page.find("input", attrs={"name": "next"})["value"] == "/sessions/new?briefing=westborough-child-3"
    assert "Please sign in" in login_page.find(attrs={"role": "status"}).get_text()

    signed_in = sign_in(client, next=login_page.find("input", attrs={"name": "next"})["value"])
    assert signed_in.headers["Location"] == "/sessions/new?briefing=westborough-child-3"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil.example", "javascript:alert(1)",
     "sessions", "/\tevil"],
)
def test_signing_in_never_redirects_to_another_site(client, alice, target):
    response = sign_in(client, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sessions"


# --- signing out --------------------------------------------------------------------------------------------


def test_signing_out_ends_every_copy_of_the_session_cookie(app, client, alice):
    sign_in(client)
    old_cookie = client.get_cookie("session").value

    response = sign_out(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/briefings"
    assert "You have signed out" in soup_of(client.get("/briefings")).find(attrs={"role": "status"}).get_text()
    assert client.get("/sessions").status_code == 302

    copy = app.test_client()
    copy.set_cookie("session", old_cookie)
    replayed = copy.get("/sessions")
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/login")


def test_signing_in_again_after_signing_out_works(client, alice):
    sign_in(client)
    sign_out(client)
    assert sign_in(client).status_code == 303
    assert client.get("/sessions").status_code == 200


def test_the_header_shows_sign_in_when_signed_out_and_a_sign_out_button_when_signed_in(client, alice):
    header = soup_of(client.get("/briefings")).find("header")
    assert header.find("a", string="Sign in")["href"] == "/login"
    assert header.find("a", string="Sessions") is None

    sign_in(client)
    header = soup_of(client.get("/briefings")).find("header")
    assert header.find("a", string="Sessions")["href"] == "/sessions"
    form = header.find("form", attrs={"action": "/logout"})
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert form.find("button").get_text(strip=True) == "Sign out"


def test_sign_out_is_not_a_get(client, alice):
    sign_in(client)
    assert client.get("/logout").status_code == 405
    assert client.get("/sessions").status_code == 200


# --- CSRF, cookies and headers ------------------------------------------------------------------------------


def test_csrf_protection_is_on_in_these_apps(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_post_without_a_valid_csrf_token_is_refused(client, alice, token):
    data = {"name": "alice", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "form has expired" in soup_of(response).find("h1").get_text()
    assert client.get("/sessions").status_code == 302


def test_signing_out_without_a_csrf_token_is_refused_and_keeps_the_facilitator_signed_in(client, alice):
    sign_in(client)
    assert client.post("/logout").status_code == 400
    assert client.get("/sessions").status_code == 200


def test_starting_a_session_without_a_csrf_token_is_refused(client, alice):
    sign_in(client)
    response = client.post("/sessions", data={"briefing": "westborough-child-3", "template": "seven-minute"})
    assert response.status_code == 400


def test_the_session_cookie_is_http_only_and_same_site_lax(client, alice):
    response = sign_in(client)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_login_page_sends_the_security_headers(client):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_login_page_has_no_inline_script_or_style(client):
    soup = soup_of(client.get("/login"))
    assert all(script.get("src") for script in soup.find_all("script"))
    assert soup.find("style") is None
    assert soup.find(attrs={"style": True}) is None
    assert not soup.find_all(lambda tag: any(name.startswith("on") for name in tag.attrs))
