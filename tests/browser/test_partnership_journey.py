"""The issue's whole journey in one browser session after another, as the people themselves would go through it:
a partnership admin adds an agency and a team and invites a facilitator and a team manager; both accept; the
facilitator runs a session for the team; the manager finds it, reads it, and can neither run nor delete it; the
admin deactivates the facilitator, who can then no longer sign in; and the Audit page lists each of those steps.
(Single sign-on through the local provider is tests/browser/test_sign_on.py.) axe checks every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.sessions.models import Facilitator

from .conftest import assert_accessible, visit, watch_of
from .test_people import accept, follow, invite, sign_in

pytestmark = pytest.mark.browser

ADMIN, ADMIN_PASSWORD = "Ada Admin", "a long enough password"
CONSOLE = re.compile(r"/sessions/([A-Za-z0-9_-]+)/console$")


@pytest.fixture
def live_server(live_server):
    """The app with its first partnership admin, made as `flask users create --admin` makes one, who runs nothing."""
    with live_server.app.app_context():
        first = Facilitator(name=ADMIN, is_admin=True, is_facilitator=False)
        first.set_password(ADMIN_PASSWORD)
        db.session.add(first)
        db.session.commit()
    return live_server


def test_an_admin_builds_a_team_whose_facilitator_runs_a_session_its_manager_reads_and_the_audit_shows_it_all(
    open_page, live_server
):

    admin = open_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(admin, ADMIN, ADMIN_PASSWORD)
    expect(admin.get_by_role("heading", level=1)).to_have_text("People")  # an admin who runs nothing lands here
    follow(admin, admin.get_by_role("link", name="Agencies and teams"))
    admin.get_by_label("New agency").fill("Probation")
    follow(admin, admin.get_by_role("button", name="Add the agency"))
    admin.get_by_label("Team name").fill("Resettlement")
    admin.get_by_label("Agency", exact=True).select_option(label="Probation")
    follow(admin, admin.get_by_role("button", name="Add the team"))
    sams_link = invite(admin, "Sam Patel", roles={"Facilitator": True}, team=("Probation", "Resettlement"))
    mos_link = invite(admin, "Mo Manager", roles={"Facilitator": False, "Team manager": True},
                      team=("Probation", "Resettlement"))

    sam = open_page()
    accept(sam, sams_link, "copper kettle under stairs")
    visit(sam, "/sessions/new?briefing=wigan-child-3")
    expect(sam.get_by_role("group", name="Team").get_by_role("radio", name="Resettlement (Probation)")).to_be_checked()
    sam.get_by_role("button", name="Start the session").click()
    expect(sam).to_have_url(CONSOLE)
    assert_accessible(sam)
    public_id = CONSOLE.search(sam.url).group(1)
    visit(sam, "/sessions")  # off the console, whose polls would race the sign-out below

    mo = open_page()
    accept(mo, mos_link, "seven lamps by the harbour")
    expect(mo.get_by_role("heading", level=1)).to_have_text("Your teams’ sessions")
    listed = mo.get_by_role("list", name="Sessions run for the teams you manage").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("run by Sam Patel")
    expect(listed.get_by_role("link", name="Open the console")).to_have_count(0)
    follow(mo, listed.get_by_role("link", name="Child 3", exact=True))
    expect(mo.get_by_role("main").get_by_role("link", name=re.compile("Delete this session"))).to_have_count(0)
    visit(mo, f"/sessions/{public_id}/console", status=403)
    visit(mo, f"/sessions/{public_id}/delete", status=403)

    follow(admin, admin.get_by_role("navigation", name="Main").get_by_role("link", name="People"))
    follow(admin, admin.get_by_role("region", name="Accounts").get_by_role("link", name="Sam Patel"))
    follow(admin, admin.get_by_role("button", name="Deactivate Sam Patel"))

    # Sam's open page is signed out at the next request, and the right password no longer signs in.
    sam.reload()
    expect(sam).to_have_url(re.compile(r"/login"))
    assert_accessible(sam)
    sam.get_by_label("Name").fill("Sam Patel")
    sam.get_by_label("Password").fill("copper kettle under stairs")
    watch_of(sam).allow(r"status of 403\b")  # the refusal is a 403 page, as it should be
    sam.get_by_role("button", name="Sign in").click()
    expect(sam.get_by_role("alert")).to_contain_text("deactivated")
    assert_accessible(sam)

    follow(admin, admin.get_by_role("navigation", name="Main").get_by_role("link", name="Audit"))
    table = admin.get_by_role("table")
    for what, subject in [
        ("Added an agency", "Probation"),
        ("Added a team", "Resettlement (Probation)"),
        ("Invited someone", "Sam Patel"),
        ("Invited someone", "Mo Manager"),
        ("Accepted an invitation", "Sam Patel"),
        ("Accepted an invitation", "Mo Manager"),
        ("Started a session", "Child 3"),
        ("Deactivated an account", "Sam Patel"),
        ("Sign-in failed", "Sam Patel"),
        ("Signed in", ADMIN),
    ]:
        expect(table.get_by_role("row").filter(has_text=what).filter(has_text=subject).first).to_be_visible()


def test_the_admins_agency_team_and_deactivate_forms_and_the_team_choice_work_with_the_keyboard_alone(
    open_page, live_server
):
    from .test_editing import tab_to

    admin = open_page()
    sign_in(admin, ADMIN, ADMIN_PASSWORD)
    visit(admin, "/people/teams")

    def press_enter_on(page, name: str) -> None:
        tab_to(page, name)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert_accessible(page)

    tab_to(admin, "New agency")
    admin.keyboard.type("Probation")
    press_enter_on(admin, "Add the agency")
    expect(admin.get_by_role("status")).to_contain_text("Added the agency Probation")
    tab_to(admin, "Team name")
    admin.keyboard.type("Resettlement")
    tab_to(admin, "Agency")
    admin.keyboard.type("Probation")  # a focused select chooses the option typed
    press_enter_on(admin, "Add the team")
    expect(admin.get_by_role("status")).to_contain_text("Added the team Resettlement (Probation)")

    from app.people import service as people
    from app.people.audit import Actor
    from app.web import now

    with live_server.app.app_context():
        team = next(team for team in people.teams(db.session) if team.name == "Resettlement")
        people.create_account(db.session, Actor(None, "terminal"), "Kim Keys", "a long enough password",
                              ["facilitator"], now(), team_ids=[team.id])

    kim = open_page()
    sign_in(kim, "Kim Keys", "a long enough password")
    visit(kim, "/sessions/new?briefing=wigan-child-3")
    tab_to(kim, "Resettlement (Probation)")  # the checked radio of the group takes the focus
    kim.keyboard.press("ArrowDown")  # radios change with the arrow keys
    expect(kim.get_by_role("radio", name="Another team")).to_be_checked()
    kim.keyboard.press("ArrowUp")
    expect(kim.get_by_role("radio", name="Resettlement (Probation)")).to_be_checked()
    press_enter_on(kim, "Start the session")
    expect(kim).to_have_url(CONSOLE)
    kim.close()  # its console polls, which a deactivation below answers with 401 (as it should)

    visit(admin, "/people")
    tab_to(admin, "Kim Keys")
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    assert_accessible(admin)
    press_enter_on(admin, "Deactivate Kim Keys")
    expect(admin.get_by_role("status")).to_contain_text("Kim Keys is deactivated")
