"""Facilitator accounts and signing in and out, through the CLI and Flask's test client.

CSRF protection is on in these apps (TESTING does not turn Flask-WTF's CSRFProtect off), so every POST here
carries the token a page gave, as a browser's would.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app import create_app, ratelimit
from app.extensions import db
from app.ratelimit import FailedAttempt
from app.sessions.models import Facilitator
from app.web import auth

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


# --- slowing down password guessing --------------------------------------------------------------------------


def wrong_guesses(client, times: int, name: str = "alice") -> None:
    for _ in range(times):
        assert sign_in(client, name, "not the password").status_code == 200


def from_address(app, address: str):
    """A test client whose requests come from `address`, as another device would."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def age_every_failure(app, by: timedelta) -> None:
    """Move every counted failure `by` into the past, as if that much time had gone by."""
    with app.app_context():
        for row in db.session.execute(select(FailedAttempt)).scalars():
            row.at -= by
        db.session.commit()


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, alice):
    wrong_guesses(client, 5)

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert 9 * 60 < int(response.headers["Retry-After"]) <= 10 * 60
    soup = soup_of(response)
    assert soup.find(attrs={"role": "alert"}).get_text(" ", strip=True).endswith(
        "Too many wrong passwords from this device for this account. Wait 10 minutes, then try again."
    )
    assert soup.find("input", id="login-name")["value"] == "alice"
    assert not soup.find("input", id="login-password").get("value")
    assert PASSWORD not in response.get_data(as_text=True)
    assert client.get("/sessions").status_code == 302


def test_the_message_says_how_many_minutes_are_left_rounded_up(app, client, alice):
    wrong_guesses(client, 5)
    age_every_failure(app, timedelta(minutes=6, seconds=30))

    response = sign_in(client)

    assert response.status_code == 429
    assert 3 * 60 < int(response.headers["Retry-After"]) <= 3 * 60 + 30
    assert "Wait 4 minutes, then try again." in soup_of(response).find(attrs={"role": "alert"}).get_text()

    age_every_failure(app, timedelta(minutes=3))
    assert "Wait 1 minute, then try again." in soup_of(sign_in(client)).find(attrs={"role": "alert"}).get_text()


def test_while_blocked_the_password_is_not_even_checked(client, alice, monkeypatch):
    wrong_guesses(client, 5)
    checked = []
    monkeypatch.setattr(Facilitator, "check_password", lambda self, password: checked.append(password) or True)
    monkeypatch.setattr(auth, "_spend_a_password_check", lambda password: checked.append(password))

    assert sign_in(client, "alice", PASSWORD).status_code == 429
    assert sign_in(client, "alice", "another guess").status_code == 429
    assert checked == []


def test_blocked_tries_do_not_make_the_wait_longer(app, client, alice):
    wrong_guesses(client, 5)
    age_every_failure(app, timedelta(minutes=9))
    for _ in range(3):
        assert sign_in(client, "alice", "still guessing").status_code == 429

    age_every_failure(app, timedelta(minutes=1))

    assert sign_in(client).status_code == 303


def test_signing_in_works_again_once_the_ten_minutes_have_passed(app, client, alice):
    wrong_guesses(client, 5)
    assert sign_in(client).status_code == 429

    age_every_failure(app, timedelta(minutes=10))

    assert sign_in(client).status_code == 303
    assert client.get("/sessions").status_code == 200


def test_the_block_is_for_that_account_only_so_another_account_on_the_same_device_still_signs_in(app, client, alice):
    create_facilitator(app, "bob", "bobs own password")
    wrong_guesses(client, 5)

    assert sign_in(client, "bob", "bobs own password").status_code == 303


def test_the_block_is_for_that_device_only_so_the_account_still_signs_in_from_elsewhere(app, alice):
    guesser = from_address(app, "198.51.100.66")
    wrong_guesses(guesser, 5)
    assert sign_in(guesser).status_code == 429

    assert sign_in(from_address(app, "192.0.2.10")).status_code == 303


def test_an_ipv6_guesser_cannot_dodge_the_block_by_changing_address_within_its_network(app, alice):
    wrong_guesses(from_address(app, "2001:db8:1:2::1"), 5)

    assert sign_in(from_address(app, "2001:db8:1:2:ffff::9")).status_code == 429
    assert sign_in(from_address(app, "2001:db8:1:3::1")).status_code == 303


def test_names_count_whatever_their_case_and_whether_or_not_they_exist(client, alice):
    wrong_guesses(client, 3, "Alice")
    wrong_guesses(client, 2, "ALICE")
    assert sign_in(client, "alice", PASSWORD).status_code == 429

    wrong_guesses(client, 5, "nobody-of-that-name")
    assert sign_in(client, "nobody-of-that-name", "anything").status_code == 429


def test_many_wrong_passwords_from_one_network_block_every_account_from_it(app, client, alice):
    now = datetime.now(timezone.utc)
    with app.app_context():
        for n in range(auth.NETWORK_LIMIT):
            ratelimit.record_failure(db.session, auth.login_limits("127.0.0.1", f"name-{n}"), now)

    response = sign_in(client)

    assert response.status_code == 429
    assert "Too many wrong passwords from this network. Wait 10 minutes" in soup_of(response).get_text()
    assert sign_in(from_address(app, "192.0.2.10")).status_code == 303


def test_a_right_password_under_the_limit_signs_in_and_forgives_the_typos_before_it(client, alice):
    wrong_guesses(client, 4)
    assert sign_in(client).status_code == 303
    sign_out(client)

    wrong_guesses(client, 4)
    assert sign_in(client).status_code == 303


def test_successful_sign_ins_never_count(app, client, alice):
    for _ in range(auth.ACCOUNT_LIMIT + 2):
        assert sign_in(client).status_code == 303
        sign_out(client)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FailedAttempt)) == 0


def test_two_servers_on_one_database_share_the_count_of_wrong_passwords(app, alice, tmp_path):
    other_server = create_app(
        {key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "BRIEFINGS_DIR")},
        instance_path=tmp_path / "other-server",
    )
    wrong_guesses(app.test_client(), 3)
    wrong_guesses(other_server.test_client(), 2)

    assert sign_in(app.test_client()).status_code == 429
    assert sign_in(other_server.test_client()).status_code == 429


@pytest.mark.parametrize(
    "address, same_as",
    [("::ffff:192.0.2.1", "192.0.2.1"), ("2001:db8::1", "2001:db8::abcd"), ("fe80::1%eth0", "fe80::2")],
)
def test_one_device_seen_under_two_spellings_of_its_address_is_counted_once(address, same_as):
    assert auth.login_limits(address, "alice") == auth.login_limits(same_as, "alice")


@pytest.mark.parametrize("address", ["unknown", "not an address " * 40, ""])
def test_any_address_the_server_reports_gives_limits_that_can_be_stored(address):
    assert all(len(limit.key) <= 200 for limit in auth.login_limits(address, "x" * 5000))


def test_a_request_without_an_address_still_has_a_client_address(app):
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": None}):
        assert auth.client_address() == "unknown"
