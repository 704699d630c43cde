"""The people pages through Flask's test client: who may open them, the invite form (refusals at their fields,
escaping), the one-time link (shown, emailed to a real SMTP server the test starts, used once), password
reset and change, deactivation, agencies and teams. HTML is parsed with BeautifulSoup and asserted by
structure. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import email
import logging
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.extensions import db
from app.people import service
from app.people.models import Agency, Invitation, Team
from app.sessions.models import Facilitator
from app.web import now as real_now

from .routes_support import routes

PASSWORD = "a long enough password"
NEW_PASSWORD = "copper kettle under stairs"
HOSTILE = "<script>alert(1)</script>"


def soup_of(response) -> BeautifulSoup:
    assert response.mimetype == "text/html", response.mimetype
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def make_account(app, name: str, *, admin=False, facilitator=True, email=None) -> int:
    with app.app_context():
        account = Facilitator(name=name, is_admin=admin, is_facilitator=facilitator, email=email)
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
        return account.id


def token_of(client, path: str) -> str:
    field = soup_of(client.get(path)).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"{path} has no form with a CSRF token"
    return field["value"]


def signed_in(app, name: str, password: str = PASSWORD):
    client = app.test_client()
    answer = client.post("/login", data={"name": name, "password": password, "csrf_token": token_of(client, "/login")})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return client


def post(client, path: str, data: dict, *, token_from: str = "/account/password"):
    return client.post(path, data={**data, "csrf_token": token_of(client, token_from)})


def add_team(app, name="Duty and assessment", agency="Police", area="") -> int:
    with app.app_context():
        agency_id = db.session.execute(select(Agency.id).where(Agency.name == agency)).scalar_one()
        team = Team(name=name, agency_id=agency_id, area=area, active=True)
        db.session.add(team)
        db.session.commit()
        return team.id


def shown_link(response) -> str:
    field = soup_of(response).find("input", id="one-time-link")
    assert field is not None and field.has_attr("readonly"), "the page shows no read-only link"
    return field["value"]


def link_starting(page, text: str):
    """The first link whose words start with `text` (its accessible name may go on in a hidden span)."""
    found = [link for link in page.find_all("a") if words(link).startswith(text)]
    assert found, f"no link starting {text!r}"
    return found[0]


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def admin(app):
    make_account(app, "Ada Admin", admin=True)
    return signed_in(app, "Ada Admin")


def invite(client, name="Sam Patel", email="", roles=("facilitator",), teams=()):
    return post(client, "/people/invitations", {"name": name, "email": email, "roles": list(roles), "teams": list(teams)})


# --- who may open the pages --------------------------------------------------------------------------------------


def admin_routes(app):
    public = {"people.accept", "people.reset", "people.password"}
    found = [route for route in routes(app) if route.endpoint.startswith("people.") and route.endpoint not in public]
    assert len(found) >= 10, [route.endpoint for route in found]
    return found


def test_every_people_page_answers_403_with_a_message_to_a_signed_in_account_that_is_not_an_admin(app):
    make_account(app, "Ada Admin", admin=True)
    make_account(app, "Fay Facilitator")
    client = signed_in(app, "Fay Facilitator")
    token = token_of(client, "/account/password")
    for route in admin_routes(app):
        path = route.path({})
        for method in sorted(route.methods):
            if method == "GET":
                answer = client.get(path)
            else:
                answer = client.post(path, data={"csrf_token": token, "name": "Mallory", "roles": "admin"})
            assert answer.status_code == 403, f"{method} {path}: {answer.status_code}"
            assert "partnership admin" in words(soup_of(answer).find("main"))
    with app.app_context():
        assert service.pending_invitations(db.session, real_now()) == []
        assert db.session.execute(select(Agency).where(Agency.name == "Mallory")).first() is None


def test_signed_out_visitors_are_sent_to_sign_in_from_every_people_page(app):
    client = app.test_client()
    for route in admin_routes(app) + [r for r in routes(app) if r.endpoint == "people.password"]:
        if "GET" in route.methods:
            answer = client.get(route.path({}))
            assert answer.status_code == 302 and "/login" in answer.headers["Location"], route.rule


def test_the_nav_offers_people_to_admins_only_and_change_password_to_everyone_signed_in(app, admin):
    make_account(app, "Fay Facilitator")
    nav = soup_of(admin.get("/people")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="People")["aria-current"] == "page"
    assert nav.find("a", string="Change password")
    other = soup_of(signed_in(app, "Fay Facilitator").get("/sessions")).find("nav", attrs={"aria-label": "Main"})
    assert other.find("a", string="People") is None
    assert other.find("a", string="Change password")["href"] == "/account/password"


# --- the People page and inviting ------------------------------------------------------------------------------------


def test_the_people_page_lists_accounts_and_offers_roles_with_hints_and_teams_grouped_by_agency(app, admin):
    add_team(app, "Duty and assessment", "Police", "North")
    add_team(app, "Health visitors", "Health visiting")
    make_account(app, "Dee Gone")
    with app.app_context():
        service.deactivate(db.session, service.audit.Actor(None, "terminal", ""),
                           db.session.execute(select(Facilitator.id).filter_by(name="Dee Gone")).scalar_one(), real_now())
    page = soup_of(admin.get("/people"))
    rows = {words(row.find("th")): words(row) for row in page.find("section", attrs={"aria-labelledby": "accounts-heading"}).select("tbody tr")}
    assert "Partnership admin" in rows["Ada Admin"] and "Active" in rows["Ada Admin"]
    assert "Deactivated" in rows["Dee Gone"]

    form = page.find("form", action="/people/invitations")
    assert form.find("label", string=re.compile("Name")).get("for") == "invite-name"
    legends = [words(fieldset.find("legend")) for fieldset in form.find_all("fieldset", recursive=True)]
    assert legends[0] == "Roles" and legends[1].startswith("Teams")
    for box in form.find_all("input", attrs={"name": "roles"}):
        hint = form.find(id=box["aria-describedby"])
        assert hint is not None and words(hint), f"role {box['value']} has no hint"
    groups = {words(group.find("legend")): [words(label) for label in group.find_all("label")]
              for group in form.select("fieldset fieldset")}
    assert groups == {"Health visiting": ["Health visitors"], "Police": ["Duty and assessment"]}
    north = form.find("label", string="Duty and assessment").find_previous("input")
    assert words(form.find(id=north["aria-describedby"])) == "North"


def test_names_of_people_agencies_and_teams_are_shown_as_text_never_as_markup(app, admin):
    with app.app_context():
        db.session.add(Agency(name=f"Agency {HOSTILE}", active=True))
        db.session.commit()
    add_team(app, f"Team {HOSTILE}", f"Agency {HOSTILE}", area=f"Area {HOSTILE}")
    make_account(app, f"Person {HOSTILE}", email="person@example.org")
    invite(admin, name=f"Invitee {HOSTILE}")
    for path in ("/people", "/people/teams", "/people/agencies/9", "/people/2"):
        answer = admin.get(path)
        if answer.status_code == 404:
            continue
        page = soup_of(answer)
        assert page.find("script", string=re.compile("alert")) is None, path
        assert HOSTILE in page.get_text(), path
    page = soup_of(admin.get("/people"))
    assert f"Person {HOSTILE}" in page.get_text() and f"Invitee {HOSTILE}" in page.get_text()
    assert f"Team {HOSTILE}" in page.get_text() and f"Area {HOSTILE}" in page.get_text()


def test_an_invitation_shows_its_link_to_copy_once_with_its_expiry_and_is_listed_as_waiting(app, admin):
    team_id = add_team(app)
    answer = invite(admin, roles=("facilitator", "manager"), teams=(str(team_id),))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    page = soup_of(answer)
    link = shown_link(answer)
    assert re.fullmatch(r"http://localhost/invitations/[A-Za-z0-9_-]{40,}", link)
    copy = page.find("button", attrs={"data-copy": "one-time-link"})
    assert copy is not None and copy.has_attr("hidden"), "the Copy button appears only with JavaScript"
    assert page.find("script", src=re.compile(r"/static/js/copy\.js$"))
    hint = words(page.find(id="one-time-link-hint"))
    expected = (real_now() + timedelta(days=7)).astimezone(service_local()).strftime("%-d")
    assert "works once" in hint and f"{expected} " in hint
    assert "Send it to them yourself" in words(page.find("main"))

    waiting = soup_of(admin.get("/people")).find("section", attrs={"aria-labelledby": "invitations-heading"})
    row = waiting.find("th", string="Sam Patel").find_parent("tr")
    assert "Facilitator, Team manager" in words(row)
    assert words(row.find("button")) == "Withdraw the invitation for Sam Patel"
    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        assert invitation.team_ids == [team_id] and invitation.token_hash not in link


def service_local():
    from app.formatting import LOCAL_TIME

    return LOCAL_TIME


def test_a_refused_invitation_comes_back_with_what_was_typed_and_each_message_at_its_field(app, admin):
    team_id = add_team(app)
    answer = invite(admin, name="Sam Patel", email="not an address", roles=("manager",), teams=(str(team_id),))
    assert answer.status_code == 400
    page = soup_of(answer)
    summary = page.find(class_="error-summary")
    assert summary["role"] == "alert" and summary.has_attr("autofocus")
    link = summary.find("a")
    assert link["href"] == "#invite-email" and "email address" in words(link)
    field = page.find(id="invite-email")
    assert field["value"] == "not an address" and field["aria-invalid"] == "true"
    assert "email address" in " ".join(words(page.find(id=i)) for i in field["aria-describedby"].split())
    assert page.find(id="invite-name")["value"] == "Sam Patel"
    assert page.find(id="invite-role-manager").has_attr("checked")
    assert not page.find(id="invite-role-facilitator").has_attr("checked")
    assert page.find(id=f"invite-team-{team_id}").has_attr("checked")
    assert page.title.string.startswith("Error:")

    no_roles = soup_of(invite(admin, roles=()))
    group = no_roles.find("input", attrs={"name": "roles"}).find_parent("fieldset")
    assert "Choose at least one role" in words(no_roles.find(id=group["aria-describedby"]))
    assert no_roles.find(class_="error-summary").find("a")["href"] == "#invite-role-facilitator"
    with app.app_context():
        assert service.pending_invitations(db.session, real_now()) == []


def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(app, admin):
    answer = admin.post("/people/invitations", data={"name": "Sam Patel", "roles": "facilitator"})
    assert answer.status_code == 400
    assert "form" in words(soup_of(answer).find("main")).lower()
    answer = admin.post("/people/agencies", data={"name": "Probation"})
    assert answer.status_code == 400
    with app.app_context():
        assert service.pending_invitations(db.session, real_now()) == []
        assert db.session.execute(select(Agency).where(Agency.name == "Probation")).first() is None


def test_a_withdrawn_invitation_no_longer_works(app, admin):
    link = shown_link(invite(admin))
    with app.app_context():
        invitation_id = db.session.execute(select(Invitation.id)).scalar_one()
    answer = post(admin, f"/people/invitations/{invitation_id}/withdraw", {}, token_from="/people")
    assert answer.status_code == 303
    assert "withdrawn" in words(soup_of(admin.get("/people")).find(class_="flash"))
    gone = app.test_client().get(path_of(link))
    assert gone.status_code == 410
    assert "withdrawn" in words(soup_of(gone).find("main")) and soup_of(gone).find("form", method="post", action=path_of(link)) is None


# --- accepting ---------------------------------------------------------------------------------------------------------


def test_the_invitation_link_works_once_and_signs_the_new_person_in_with_their_roles_and_teams(app, admin):
    team_id = add_team(app)
    link = path_of(shown_link(invite(admin, roles=("facilitator", "manager"), teams=(str(team_id),))))
    newcomer = app.test_client()
    page = soup_of(newcomer.get(link))
    assert "Sam Patel" in words(page.find("h1"))
    assert "facilitator and team manager" in words(page.find(class_="lede"))
    form = page.find("form", method="post")
    assert [field["autocomplete"] for field in form.find_all("input", type="password")] == ["new-password"] * 2

    mismatch = post(newcomer, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}, token_from=link)
    assert mismatch.status_code == 400
    again = soup_of(mismatch).find(id="new-password-again")
    assert again["aria-invalid"] == "true" and "not the same" in words(soup_of(mismatch).find(id=again["aria-describedby"].split()[-1]))
    short = soup_of(post(newcomer, link, {"password": "short", "password_again": "short"}, token_from=link))
    assert "at least 12 characters" in words(short.find(id="new-password-error"))
    common = soup_of(post(newcomer, link, {"password": "password1234", "password_again": "password1234"}, token_from=link))
    assert "common passwords" in words(common.find(id="new-password-error"))

    accepted = post(newcomer, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, token_from=link)
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/sessions"
    home = soup_of(newcomer.get("/sessions"))
    assert "Welcome, Sam Patel" in words(home.find(class_="flash"))
    assert "Sam Patel" in words(home.find(class_="site-account__who"))
    with app.app_context():
        account = service.account_named(db.session, "Sam Patel")
        assert account.is_facilitator and account.is_manager and not account.is_admin
        assert service.team_ids_of(db.session, account.id) == [team_id]

    used = app.test_client().get(link)
    assert used.status_code == 410
    assert "already been used" in words(soup_of(used).find("main"))
    assert soup_of(used).find("input", type="password") is None
    signed_in(app, "Sam Patel", NEW_PASSWORD)  # the chosen password signs in


def test_an_unknown_or_expired_link_says_so_without_a_form(app, admin, monkeypatch):
    unknown = app.test_client().get("/invitations/not-a-real-token")
    assert unknown.status_code == 404 and "not one we know" in words(soup_of(unknown).find("main"))
    assert soup_of(unknown).find("input", type="password") is None
    assert app.test_client().get("/reset/" + "x" * 5000).status_code == 404

    link = path_of(shown_link(invite(admin)))
    import app.web.people as views

    monkeypatch.setattr(views, "now", lambda: real_now() + timedelta(days=8))
    expired = app.test_client().get(link)
    assert expired.status_code == 410 and "expired" in words(soup_of(expired).find("main"))


# --- email ---------------------------------------------------------------------------------------------------------------


class Inbox:
    """What the SMTP server received (aiosmtpd handler)."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_settings(port: int) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False, "SMTP_FROM": "briefings@partnership.example"}


def test_an_invitation_is_emailed_through_the_smtp_server_with_who_sent_it_the_link_and_its_expiry(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(**smtp_settings(controller.port), PUBLIC_URL="https://briefings.partnership.example/")
    make_account(app, "Ada Admin", admin=True)
    admin = signed_in(app, "Ada Admin")
    answer = invite(admin, email="Sam.Patel@Council.example", roles=("facilitator",))
    link = shown_link(answer)
    assert link.startswith("https://briefings.partnership.example/invitations/")
    status = soup_of(answer).find(class_="flash")
    assert "Sent by email to sam.patel@council.example" in words(status)

    [(recipients, message)] = inbox.messages
    assert recipients == ["sam.patel@council.example"]
    assert message["From"] == "briefings@partnership.example"
    assert message["Subject"] == "You are invited to Briefing Room"
    body = message.get_payload(decode=True).decode()
    assert link in body.split()
    assert "Ada Admin has invited you" in body and "works once" in body
    with app.app_context():
        expires = db.session.execute(select(Invitation.expires_at)).scalar_one()
    assert str((expires.astimezone(service_local())).day) in body

    # The emailed link works.
    newcomer = app.test_client()
    answer = post(newcomer, path_of(link), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, token_from=path_of(link))
    assert answer.status_code == 303


def test_a_reset_link_is_emailed_and_sets_a_new_password_that_signs_in(make_app, smtp_server):
    controller, inbox = smtp_server
    app = make_app(**smtp_settings(controller.port))
    make_account(app, "Ada Admin", admin=True)
    sam = make_account(app, "Sam Patel", email="sam@council.example")
    admin = signed_in(app, "Ada Admin")
    page = soup_of(admin.get(f"/people/{sam}"))
    assert page.find("button", string="Issue a password reset link")
    answer = post(admin, f"/people/{sam}/reset-link", {}, token_from=f"/people/{sam}")
    link = shown_link(answer)
    assert "/reset/" in link and answer.headers["Cache-Control"] == "no-store"
    [(recipients, message)] = inbox.messages
    assert recipients == ["sam@council.example"] and link in message.get_payload(decode=True).decode()

    person = app.test_client()
    form = soup_of(person.get(path_of(link)))
    assert "Choose a new password" in words(form.find("h1"))
    done = post(person, path_of(link), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, token_from=path_of(link))
    assert done.status_code == 303
    assert "new password is set" in words(soup_of(person.get(done.headers["Location"])).find(class_="flash"))
    signed_in(app, "Sam Patel", NEW_PASSWORD)
    old = app.test_client()
    assert old.post("/login", data={"name": "Sam Patel", "password": PASSWORD, "csrf_token": token_of(old, "/login")}).status_code == 200
    assert app.test_client().get(path_of(link)).status_code == 410


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_when_the_mail_server_cannot_be_reached_the_link_is_still_shown_and_the_page_says_it_was_not_sent(make_app):
    app = make_app(**smtp_settings(free_port()))  # nothing listens there
    make_account(app, "Ada Admin", admin=True)
    admin = signed_in(app, "Ada Admin")
    # Straight on the root logger: the migration's logging.config.fileConfig replaced pytest's caplog handler.
    records = Records()
    logging.getLogger().addHandler(records)
    try:
        answer = invite(admin, email="sam@council.example")
    finally:
        logging.getLogger().removeHandler(records)
    assert answer.status_code == 200
    link = shown_link(answer)
    alert = soup_of(answer).find(class_="notice--danger")
    assert alert["role"] == "alert"
    assert "was not sent to sam@council.example" in words(alert) and "127.0.0.1" in words(alert)
    token = link.rsplit("/", 1)[1]
    assert any("not sent" in message for message in records.messages), records.messages
    assert all(token not in message for message in records.messages), "a link's token was logged"
    assert app.test_client().get(path_of(link)).status_code == 200


def test_without_smtp_settings_an_invitation_with_an_email_says_to_send_the_link_yourself(app, admin):
    page = soup_of(invite(admin, email="sam@council.example"))
    assert "This server does not send email" in words(page.find(class_="lede"))
    assert page.find(class_="notice--danger") is None and page.find(class_="flash") is None


# --- an account -------------------------------------------------------------------------------------------------------


def test_an_admin_changes_roles_teams_and_email_and_the_last_admin_cannot_lose_the_role(app, admin):
    team_id = add_team(app)
    sam = make_account(app, "Sam Patel")
    answer = post(admin, f"/people/{sam}", {"email": "sam@council.example", "roles": ["manager", "editor"], "teams": [str(team_id)]},
                  token_from=f"/people/{sam}")
    assert answer.status_code == 303
    page = soup_of(admin.get(answer.headers["Location"]))
    assert "Saved the changes" in words(page.find(class_="flash"))
    assert page.find(id="account-email")["value"] == "sam@council.example"
    assert page.find(id="account-role-manager").has_attr("checked") and page.find(id="account-role-editor").has_attr("checked")
    assert not page.find(id="account-role-facilitator").has_attr("checked")
    assert page.find(id=f"account-team-{team_id}").has_attr("checked")

    with app.app_context():
        ada = service.account_named(db.session, "Ada Admin").id
    refused = post(admin, f"/people/{ada}", {"roles": ["facilitator"]}, token_from=f"/people/{ada}")
    assert refused.status_code == 400
    page = soup_of(refused)
    assert "only partnership admin" in words(page.find(class_="error-summary"))
    assert not page.find(id="account-role-admin").has_attr("checked")  # what was typed, to correct
    with app.app_context():
        assert service.account_named(db.session, "Ada Admin").is_admin
    assert admin.get("/people/99999").status_code == 404


def test_a_deactivated_account_cannot_sign_in_and_is_signed_out_until_reactivated(app, admin):
    sam = make_account(app, "Sam Patel")
    sams_browser = signed_in(app, "Sam Patel")
    assert post(admin, f"/people/{sam}/deactivate", {}, token_from=f"/people/{sam}").status_code == 303
    page = soup_of(admin.get(f"/people/{sam}"))
    assert "Deactivated" in words(page.find(class_="lede"))
    assert page.find("button", string="Reactivate Sam Patel")
    assert sams_browser.get("/sessions").status_code == 302  # signed out at the next request
    refused = app.test_client()
    answer = refused.post("/login", data={"name": "Sam Patel", "password": PASSWORD, "csrf_token": token_of(refused, "/login")})
    assert answer.status_code == 403 and "deactivated" in words(soup_of(answer).find(class_="error-summary"))

    with app.app_context():
        ada = service.account_named(db.session, "Ada Admin").id
    own = post(admin, f"/people/{ada}/deactivate", {}, token_from=f"/people/{ada}")
    assert "cannot deactivate your own account" in words(soup_of(admin.get(own.headers["Location"])).find(class_="flash"))

    assert post(admin, f"/people/{sam}/reactivate", {}, token_from=f"/people/{sam}").status_code == 303
    signed_in(app, "Sam Patel")


# --- one's own password --------------------------------------------------------------------------------------------------


def test_changing_your_own_password_needs_the_current_one_and_keeps_you_signed_in(app):
    make_account(app, "Fay Facilitator")
    client = signed_in(app, "Fay Facilitator")
    elsewhere = signed_in(app, "Fay Facilitator")
    wrong = post(client, "/account/password", {"current_password": "not it at all", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert wrong.status_code == 400
    field = soup_of(wrong).find(id="current-password")
    assert field["aria-invalid"] == "true" and field["autocomplete"] == "current-password"
    assert "not right" in words(soup_of(wrong).find(id="current-password-error"))
    assert soup_of(wrong).find(class_="error-summary").find("a")["href"] == "#current-password"

    done = post(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert done.status_code == 303
    assert client.get("/sessions").status_code == 200  # still signed in here
    assert elsewhere.get("/sessions").status_code == 302  # signed out everywhere else
    signed_in(app, "Fay Facilitator", NEW_PASSWORD)


# --- agencies and teams ------------------------------------------------------------------------------------------------------


def test_an_admin_adds_renames_and_takes_out_agencies_and_adds_and_retires_teams(app, admin):
    assert post(admin, "/people/agencies", {"name": "Probation"}, token_from="/people/teams").status_code == 303
    page = soup_of(admin.get("/people/teams"))
    assert "Added the agency Probation" in words(page.find(class_="flash"))
    probation = link_starting(page, "Probation")["href"]

    duplicate = post(admin, "/people/agencies", {"name": "probation"}, token_from="/people/teams")
    assert duplicate.status_code == 400
    field = soup_of(duplicate).find(id="agency-name")
    assert field["value"] == "probation" and field["aria-invalid"] == "true"

    no_agency = post(admin, "/people/teams", {"name": "Resettlement", "agency": "", "area": ""}, token_from="/people/teams")
    assert no_agency.status_code == 400
    assert soup_of(no_agency).find(id="team-agency")["aria-invalid"] == "true"
    assert soup_of(no_agency).find(id="team-name")["value"] == "Resettlement"

    agency_id = probation.rsplit("/", 1)[1]
    assert post(admin, "/people/teams", {"name": "Resettlement", "agency": agency_id, "area": "East"}, token_from="/people/teams").status_code == 303
    assert post(admin, probation, {"name": "Probation service", "active": "no"}, token_from=probation).status_code == 303
    page = soup_of(admin.get("/people/teams"))
    row = link_starting(page, "Probation service").find_parent("tr")
    assert "Taken out of the list" in words(row)
    add_form = page.find("form", action="/people/teams")
    assert "Probation service" not in [words(option) for option in add_form.find_all("option")]
    team_link = link_starting(page, "Resettlement")["href"]
    team_page = soup_of(admin.get(team_link))
    assert team_page.find(id="team-area")["value"] == "East" and team_page.find(id="team-active").has_attr("checked")
    assert post(admin, team_link, {"name": "Resettlement", "agency": agency_id, "area": "East"}, token_from=team_link).status_code == 303
    assert "No longer in use" in words(link_starting(soup_of(admin.get("/people/teams")), "Resettlement").find_parent("tr"))
    # A team no longer in use is not offered to new people.
    assert soup_of(admin.get("/people")).find("label", string=re.compile("Resettlement")) is None
