"""A partnership admin in a real browser: adds an agency and a team, invites a facilitator and a team manager,
each accepts in a browser of their own and is signed in; a deactivated account cannot sign in; the invite and
accept flow by keyboard alone; refused forms and dead links. Found by roles and labels; axe checks every page
(the harness fails a page left unchecked)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.people import service
from app.sessions.models import Facilitator

from .conftest import SMALL_PHONE, assert_accessible, has_horizontal_scroll, visit, watch_of
from .test_editing import tab_to

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
ADMIN = "Ada Admin"


@pytest.fixture
def server(live_server):
    with live_server.app.app_context():
        account = Facilitator(name=ADMIN, is_admin=True, is_facilitator=True)
        account.set_password(PASSWORD)
        db.session.add(account)
        db.session.commit()
    return live_server


def sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    visit(page, "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def follow(page: Page, locator) -> None:
    """Click something that loads a page, and check the page it loads."""
    with page.expect_navigation():
        locator.click()
    assert_accessible(page)


def invite(page: Page, name: str, *, roles: dict[str, bool], team: tuple[str, str]) -> str:
    """Fill the Invite someone form and send it; the link shown (after copying it with the button)."""
    follow(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="People"))
    form = page.get_by_role("region", name="Invite someone")
    form.get_by_label("Name", exact=True).fill(name)
    for role, wanted in roles.items():
        form.get_by_role("group", name="Roles").get_by_label(role, exact=True).set_checked(wanted)
    agency, team_name = team
    form.get_by_role("group", name=agency).get_by_label(team_name).check()
    follow(page, form.get_by_role("button", name="Make the invitation link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invitation link for {name}")
    link = page.get_by_label("Invitation link").input_value()
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    return link


def accept(page: Page, link: str, password: str) -> None:
    visit(page, link)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("The new password again").fill(password)
    follow(page, page.get_by_role("button", name="Make my account and sign in"))


def test_an_admin_adds_an_agency_and_a_team_invites_two_people_who_accept_and_a_deactivated_one_cannot_sign_in(
    open_page, server
):
    admin = open_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(admin, ADMIN)
    follow(admin, admin.get_by_role("link", name="People"))
    follow(admin, admin.get_by_role("link", name="Agencies and teams"))

    admin.get_by_label("New agency").fill("Probation")
    follow(admin, admin.get_by_role("button", name="Add the agency"))
    expect(admin.get_by_role("status")).to_contain_text("Added the agency Probation")
    admin.get_by_label("Team name").fill("Resettlement")
    admin.get_by_label("Agency", exact=True).select_option(label="Probation")
    admin.get_by_label("Area").fill("East")
    follow(admin, admin.get_by_role("button", name="Add the team"))
    expect(admin.get_by_role("status")).to_contain_text("Added the team Resettlement (Probation)")
    expect(admin.get_by_role("row", name=re.compile("Resettlement"))).to_contain_text("East")

    sams_link = invite(admin, "Sam Patel", roles={"Facilitator": True}, team=("Probation", "Resettlement"))
    mos_link = invite(admin, "Mo Manager", roles={"Facilitator": False, "Team manager": True},
                      team=("Probation", "Resettlement"))
    follow(admin, admin.get_by_role("link", name="Back to People"))
    waiting = admin.get_by_role("region", name="Invitations not yet accepted")
    expect(waiting.get_by_role("row", name=re.compile("Sam Patel"))).to_contain_text("Facilitator")
    expect(waiting.get_by_role("row", name=re.compile("Mo Manager"))).to_contain_text("Team manager")

    sam = open_page()
    accept(sam, sams_link, "copper kettle under stairs")
    expect(sam.get_by_role("status")).to_contain_text("Welcome, Sam Patel")
    expect(sam.get_by_role("heading", level=1)).to_have_text(re.compile("session", re.I))
    expect(sam.get_by_text("Signed in as Sam Patel")).to_be_visible()

    mo = open_page()
    accept(mo, mos_link, "seven lamps by the harbour")
    expect(mo.get_by_text("Signed in as Mo Manager")).to_be_visible()
    # A team manager lands on the sessions page, where their teams' sessions are listed (read-only).
    expect(mo.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions")).to_be_visible()
    expect(mo.get_by_role("heading", level=1)).to_have_text(re.compile("session", re.I))

    # The link is used up: opened again it says so, with no form.
    again = open_page()
    visit(again, sams_link.replace(server.url, ""), status=410)
    expect(again.get_by_role("alert")).to_contain_text("already been used")
    expect(again.get_by_label("New password", exact=True)).to_have_count(0)

    admin.reload()
    assert_accessible(admin)
    accounts = admin.get_by_role("region", name="Accounts")
    expect(accounts.get_by_role("row", name=re.compile("Mo Manager"))).to_contain_text("Resettlement (Probation)")
    follow(admin, accounts.get_by_role("link", name="Sam Patel"))
    follow(admin, admin.get_by_role("button", name="Deactivate Sam Patel"))
    expect(admin.get_by_role("status")).to_contain_text("Sam Patel is deactivated")

    elsewhere = open_page()
    watch_of(elsewhere).allow(r"status of 403\b")
    visit(elsewhere, "/login")
    elsewhere.get_by_label("Name").fill("Sam Patel")
    elsewhere.get_by_label("Password").fill("copper kettle under stairs")
    follow(elsewhere, elsewhere.get_by_role("button", name="Sign in"))
    expect(elsewhere.get_by_role("alert")).to_contain_text("This account has been deactivated")
    # Sam's own browser is signed out at its next request.
    sam.reload()
    assert_accessible(sam)
    expect(sam.get_by_role("link", name="Sign in")).to_be_visible()


def test_the_invite_and_accept_flow_works_with_the_keyboard_alone(open_page, server):
    with server.app.app_context():
        service.add_team(db.session, service.audit.Actor(None, "terminal", ""), "Front door", 1, "", service_now())
    admin = open_page()
    sign_in(admin, ADMIN)
    visit(admin, "/people")
    tab_to(admin, "Name")
    admin.keyboard.type("Kit Keyboard")
    tab_to(admin, "Facilitator")
    admin.keyboard.press("Space")  # untick: Kit manages, does not facilitate
    tab_to(admin, "Team manager")
    admin.keyboard.press("Space")
    tab_to(admin, "Front door")
    admin.keyboard.press("Space")
    tab_to(admin, "Make the invitation link")
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert_accessible(admin)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Invitation link for Kit Keyboard")
    link = admin.get_by_label("Invitation link").input_value()

    kit = open_page()
    visit(kit, link)
    tab_to(kit, "New password")
    kit.keyboard.type("marble stairs in autumn")
    tab_to(kit, "The new password again")
    kit.keyboard.type("marble stairs in autumn")
    with kit.expect_navigation():
        kit.keyboard.press("Enter")
    assert_accessible(kit)
    expect(kit.get_by_text("Signed in as Kit Keyboard")).to_be_visible()
    with server.app.app_context():
        account = service.account_named(db.session, "Kit Keyboard")
        assert account.is_manager and not account.is_facilitator
        assert [team.name for team in account.teams] == ["Front door"]


def service_now():
    from app.web import now

    return now()


def test_refused_forms_dead_links_and_the_password_page_are_clear_and_accessible(open_page, server):
    page = open_page()
    watch_of(page).allow(r"status of 400\b")  # a refused form answers 400 Bad Request, with the form again
    sign_in(page, ADMIN)
    visit(page, "/people")
    follow(page, page.get_by_role("button", name="Make the invitation link"))
    expect(page.get_by_role("alert")).to_contain_text("Give the person's name")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Name", exact=True).fill("Sam Patel")
    page.get_by_label("Email").fill("not an address")
    follow(page, page.get_by_role("button", name="Make the invitation link"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("email address")).click()
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_accessible_description(re.compile("email address such as"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Sam Patel")

    visit(page, "/account/password")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("copper kettle under stairs")
    page.get_by_label("The new password again").fill("copper kettle under stairs")
    follow(page, page.get_by_role("button", name="Change my password"))
    expect(page.get_by_label("Current password")).to_have_accessible_description(re.compile("not right"))

    stranger = open_page()
    visit(stranger, "/invitations/not-a-real-token", status=404)
    expect(stranger.get_by_role("alert")).to_contain_text("not one we know")
    visit(stranger, "/reset/not-a-real-token", status=404)
    visit(stranger, "/people")  # signed out: the sign-in page
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_every_people_page_fits_a_small_phone_without_sideways_scrolling(open_page, server):
    with server.app.app_context():
        actor = service.audit.Actor(None, "terminal", "")
        service.add_team(db.session, actor, "Multi-agency safeguarding hub", 1, "City centre and the northern villages", service_now())
        token = service.invite(db.session, actor, "Priya Shah-Robinson", "priya.shah-robinson@northshire-council.example",
                               ["facilitator", "manager"], [1], service_now())[1]
        ada = service.account_named(db.session, ADMIN).id
        reset_token = service.reset_link(db.session, actor, ada, service_now())[1]
    page = open_page(viewport=SMALL_PHONE)
    sign_in(page, ADMIN)
    for path in ("/people", "/people/1", "/people/teams", "/people/agencies/1", "/people/teams/1", "/account/password"):
        visit(page, path)
        assert not has_horizontal_scroll(page), path
    stranger = open_page(viewport=SMALL_PHONE)
    for path in (f"/invitations/{token}", f"/reset/{reset_token}"):
        visit(stranger, path)
        assert not has_horizontal_scroll(stranger), path
    expect(stranger.get_by_role("heading", level=1)).to_have_text(f"Choose a new password, {ADMIN}")
