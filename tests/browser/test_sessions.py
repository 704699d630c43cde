"""Signing in, starting a session from a briefing, the sessions list, a summary, and deleting a session, in a
real browser on the shipped briefings and templates. axe checks every page visited."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import BriefingSession, Facilitator
from app.sessions.templates import load_templates

from .conftest import PHONE, SMALL_PHONE, assert_accessible, has_horizontal_scroll, visit, watch_of

pytestmark = pytest.mark.browser

NAME = "Sam Patel"
PASSWORD = "a long enough password"
CONSOLE = re.compile(r"/sessions/([A-Za-z0-9_-]+)/console$")


def create_facilitator(server, name: str = NAME, password: str = PASSWORD) -> None:
    with server.app.app_context():
        facilitator = Facilitator(name=name)
        facilitator.set_password(password)
        db.session.add(facilitator)
        db.session.commit()


def sign_in_through_the_form(page: Page, name: str = NAME, password: str = PASSWORD) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def add_to_session(server, public_id: str) -> None:
    """What the console would record: a response, a removed one, an action and an attendee."""
    now = datetime.now(timezone.utc)
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        row = service.find_session(db.session, public_id)
        step = next(index for index, planned in enumerate(row.plan["steps"]) if planned["collects_responses"])
        service.add_response(db.session, public_id, facilitator, step, 0, "We rely on phone calls", now)
        removed = service.add_response(db.session, public_id, facilitator, step, 0, "Named the family", now)
        service.set_response_hidden(db.session, public_id, facilitator, removed.id, True, now)
        service.add_action(db.session, public_id, facilitator, "Book a home visit audit", "Jo", "2027-01-31", now)
        service.add_attendee(db.session, public_id, facilitator, "Jo Bloggs", "Social worker", "Early Help", now)


@pytest.fixture
def server(live_server):
    create_facilitator(live_server)
    return live_server


def test_a_facilitator_signs_in_starts_a_session_reads_its_summary_and_deletes_it(page, server):
    visit(page, "/briefings/wigan-child-3")

    # Signed out, "Run this briefing" asks for a sign-in first, then returns to the start form.
    page.get_by_role("link", name="Run this briefing").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert_accessible(page)
    expect(page.get_by_role("status")).to_have_text("Please sign in to run a session.")
    sign_in_through_the_form(page)

    expect(page).to_have_url(re.compile(r"/sessions/new\?briefing=wigan-child-3$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    expect(page.get_by_label("Briefing", exact=True)).to_have_value("wigan-child-3")
    expect(page.get_by_role("radio", name=re.compile("Seven-minute briefing"))).to_be_checked()
    expect(page.get_by_role("banner")).to_contain_text(f"Signed in as {NAME}")
    page.get_by_label("Team name").fill("Early Help <East>")
    page.get_by_role("button", name="Start the session").click()

    expect(page).to_have_url(CONSOLE)
    assert_accessible(page)
    public_id = CONSOLE.search(page.url).group(1)
    with server.app.app_context():
        row = service.find_session(db.session, public_id)
        assert (row.briefing_id, row.template_id, row.team) == ("wigan-child-3", "seven-minute", "Early Help <East>")
    add_to_session(server, public_id)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    expect(page).to_have_url(re.compile(r"/sessions$"))
    assert_accessible(page)
    running = page.get_by_role("list", name="Running now")
    expect(running.get_by_role("heading", level=3)).to_have_text(["Child 3"])
    expect(running).to_contain_text("Early Help <East>")
    expect(running.get_by_role("link", name="Open the console for Child 3")).to_have_attribute(
        "href", f"/sessions/{public_id}/console"
    )

    running.get_by_role("link", name="Summary so far of Child 3").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{public_id}$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Session summary Child 3")
    expect(page.get_by_role("link", name="Back to the console")).to_be_visible()
    expect(page.get_by_role("list", name="Responses").first).to_contain_text("We rely on phone calls")
    expect(page.get_by_role("list", name="Hidden responses")).to_contain_text("Hidden Named the family")
    expect(page.get_by_role("table", name=re.compile("Attendance register"))).to_contain_text("Jo Bloggs")
    actions = page.get_by_role("table", name=re.compile("What the team agreed"))
    expect(actions.get_by_role("row").nth(1)).to_have_text(re.compile(r"Book a home visit audit\s*Jo\s*31 January 2027"))
    expect(page.get_by_role("table", name=re.compile("against the plan")).get_by_role("row")).to_have_count(7)

    page.get_by_role("link", name="Delete this session…").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{public_id}/delete$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this session?")
    expect(page.get_by_role("main")).to_contain_text("2 responses (1 of them hidden from the screens)")
    page.get_by_role("button", name="Delete the session").click()

    expect(page).to_have_url(re.compile(r"/sessions$"))
    assert_accessible(page)
    expect(page.get_by_role("status")).to_contain_text("Session deleted: Child 3")
    expect(page.get_by_role("list", name="Running now")).to_have_count(0)
    with server.app.app_context():
        assert db.session.execute(select(BriefingSession)).first() is None

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/briefings$"))
    assert_accessible(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    visit(page, "/sessions")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fsessions$"))


def test_cancelling_the_delete_keeps_the_session(page, server):
    visit(page, "/login")
    sign_in_through_the_form(page)
    watch_of(page).allow(r"status of 422")  # the form comes back with its error as a 422 page
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the briefing to deliver.")
    assert_accessible(page)
    page.get_by_label("Briefing", exact=True).select_option("warwickshire-child-a")
    page.get_by_role("button", name="Start the session").click()
    expect(page).to_have_url(CONSOLE)
    assert_accessible(page)
    public_id = CONSOLE.search(page.url).group(1)

    visit(page, f"/sessions/{public_id}/delete")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{public_id}$"))
    assert_accessible(page)
    with server.app.app_context():
        assert service.find_session(db.session, public_id) is not None


def test_a_wrong_password_is_announced_and_the_name_is_kept(page, server):
    visit(page, "/login")
    sign_in_through_the_form(page, password="not the password at all")

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("The name or the password is not right")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value(NAME)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page).to_have_title(re.compile(r"^Error:"))


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["phone", "small-phone"])
def test_the_session_pages_fit_a_phone(open_page, server, viewport):
    page = open_page(server, viewport=viewport)
    visit(page, "/login")
    sign_in_through_the_form(page)
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        briefing = get_library().get("wandsworth-mark-and-lloyd")
        template = load_templates(server.app.config["SESSION_TEMPLATES_DIR"]).get("extended")
        public_id = service.start_session(
            db.session, facilitator, briefing, template, "A team with a long name: Integrated Front Door",
            datetime.now(timezone.utc),
        ).public_id
    add_to_session(server, public_id)

    for path in ("/sessions", "/sessions/new", f"/sessions/{public_id}", f"/sessions/{public_id}/delete"):
        visit(page, path)
        assert not has_horizontal_scroll(page), f"{path} scrolls sideways at {viewport['width']} px"
