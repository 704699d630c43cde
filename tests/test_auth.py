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
from app.sessions import models
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
    assert "at least 12 characters" in result.output
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


def test_fifty_wrong_passwords_against_made_up_names_do_not_stop_a_real_user_on_that_address_signing_in(app, alice):
    guesser = app.test_client()
    for n in range(auth.NETWORK_LIMIT):
        assert sign_in(guesser, f"made-up-{n}", "password1").status_code in (200, 429)

    neighbour = app.test_client()  # the same address: an office or a phone carrier's NAT

    assert sign_in(neighbour).status_code == 303
    assert neighbour.get("/sessions").status_code == 200


def test_past_the_network_limit_a_wrong_password_is_refused_with_a_message_that_the_right_one_still_works(app, alice):
    now = datetime.now(timezone.utc)
    with app.app_context():
        for n in range(auth.NETWORK_LIMIT):
            ratelimit.record_failure(db.session, auth.login_limits("127.0.0.1", f"name-{n}").every, now)
    neighbour = app.test_client()

    response = sign_in(neighbour, "alice", "a typo")

    assert response.status_code == 429
    message = soup_of(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)
    assert auth.LOGIN_FAILED in message
    assert "Many wrong passwords have come from this network" in message
    assert "The right password still works." in message
    assert sign_in(neighbour).status_code == 303


def guess_from_fresh_devices(app, name: str, tries: int) -> list[int]:
    """Wrong passwords for `name`, each from a device and address never seen before (a botnet, say)."""
    answers = []
    for n in range(tries):
        answers.append(sign_in(from_address(app, f"198.51.100.{n + 1}"), name, f"guess {n}").status_code)
    return answers


def test_guessers_with_fresh_devices_and_addresses_get_no_more_than_the_account_wide_number_of_guesses(
    app, alice, monkeypatch
):
    checked = []
    real_check = Facilitator.check_password
    monkeypatch.setattr(
        Facilitator, "check_password", lambda self, password: checked.append(password) or real_check(self, password)
    )

    answers = guess_from_fresh_devices(app, "alice", auth.ACCOUNT_WIDE_LIMIT + 15)

    assert answers.count(200) == auth.ACCOUNT_WIDE_LIMIT
    assert set(answers[auth.ACCOUNT_WIDE_LIMIT:]) == {429}
    assert len(checked) == auth.ACCOUNT_WIDE_LIMIT
    # Even the right password, from a device the account has never used, waits with the rest.
    blocked = sign_in(from_address(app, "203.0.113.7"))
    assert blocked.status_code == 429
    assert "A device this account has signed in from before can still sign in." in soup_of(blocked).get_text()


def test_a_device_the_account_signed_in_from_before_still_signs_in_while_guessers_have_locked_the_account(app, alice):
    own_laptop = from_address(app, "192.0.2.10")
    assert sign_in(own_laptop).status_code == 303
    sign_out(own_laptop)

    guess_from_fresh_devices(app, "alice", auth.ACCOUNT_WIDE_LIMIT)
    assert sign_in(from_address(app, "203.0.113.7")).status_code == 429

    assert sign_in(own_laptop).status_code == 303
    assert own_laptop.get("/sessions").status_code == 200


def test_a_known_device_has_its_own_count_of_wrong_passwords(app, alice):
    own_laptop = app.test_client()
    assert sign_in(own_laptop).status_code == 303
    sign_out(own_laptop)

    wrong_guesses(own_laptop, auth.ACCOUNT_LIMIT)

    assert sign_in(own_laptop).status_code == 429
    assert sign_in(app.test_client()).status_code == 303  # another device on the same address is not held up


def test_a_device_known_to_one_account_is_a_stranger_to_another(app, alice):
    create_facilitator(app, "bob", "bobs own password")
    shared_pc = app.test_client()
    assert sign_in(shared_pc).status_code == 303
    sign_out(shared_pc)

    guess_from_fresh_devices(app, "bob", auth.ACCOUNT_WIDE_LIMIT)

    assert sign_in(shared_pc, "bob", "bobs own password").status_code == 429
    assert sign_in(shared_pc).status_code == 303


@pytest.mark.parametrize("cookie", ["not signed at all", "eyJpZCI6ICJ4In0.forged.signature", ""])
def test_a_forged_known_device_cookie_earns_no_exemption(app, alice, cookie):
    guess_from_fresh_devices(app, "alice", auth.ACCOUNT_WIDE_LIMIT)
    forger = from_address(app, "203.0.113.9")
    forger.set_cookie(auth.KNOWN_DEVICE_COOKIE, cookie, path="/login")

    assert sign_in(forger).status_code == 429


def test_the_known_device_cookie_is_only_sent_to_the_sign_in_page_and_hidden_from_scripts(app, alice):
    client = app.test_client()
    sign_in(client)

    cookie = client.get_cookie(auth.KNOWN_DEVICE_COOKIE, path="/login")

    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/login"
    assert "alice" not in cookie.value


def alert_text(response) -> str:
    return soup_of(response).find(attrs={"role": "alert"}).get_text(" ", strip=True)


def test_a_made_up_name_gets_the_same_answers_as_a_real_account_at_every_stage(app, alice):
    real, made_up = from_address(app, "192.0.2.1"), from_address(app, "192.0.2.2")
    for _ in range(auth.ACCOUNT_LIMIT):
        wrong_real, wrong_made_up = sign_in(real, "alice", "nope"), sign_in(made_up, "nobody-here", "nope")
        assert wrong_real.status_code == wrong_made_up.status_code
        assert alert_text(wrong_real) == alert_text(wrong_made_up)
    blocked_real, blocked_made_up = sign_in(real, "alice", "nope"), sign_in(made_up, "nobody-here", "nope")
    assert blocked_real.status_code == blocked_made_up.status_code == 429
    assert alert_text(blocked_real) == alert_text(blocked_made_up)

    guess_from_fresh_devices(app, "alice", auth.ACCOUNT_WIDE_LIMIT)
    guess_from_fresh_devices(app, "nobody-here", auth.ACCOUNT_WIDE_LIMIT)
    locked_real = sign_in(from_address(app, "203.0.113.1"), "alice", "nope")
    locked_made_up = sign_in(from_address(app, "203.0.113.2"), "nobody-here", "nope")
    assert locked_real.status_code == locked_made_up.status_code == 429
    assert alert_text(locked_real) == alert_text(locked_made_up)


def test_a_made_up_name_costs_one_password_hash_like_a_real_one(app, alice, monkeypatch):
    hashed = []
    for module in (auth, models):  # the dummy check for unknown names, and Facilitator.check_password
        real = module.check_password_hash
        counted = lambda stored, password, real=real: hashed.append(1) or real(stored, password)  # noqa: E731
        monkeypatch.setattr(module, "check_password_hash", counted)

    sign_in(from_address(app, "192.0.2.1"), "alice", "nope")
    real_account = len(hashed)
    sign_in(from_address(app, "192.0.2.2"), "nobody-here", "nope")

    assert real_account == 1 and len(hashed) - real_account == 1


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
    assert all(len(limit.key) <= 200 for limit in auth.login_limits(address, "x" * 5000).every)
    known = auth.login_limits(address, "x" * 5000, known_device="k" * 32)
    assert all(len(limit.key) <= 200 for limit in known.every)


def test_a_request_without_an_address_still_has_a_client_address(app):
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": None}):
        assert auth.client_address() == "unknown"
