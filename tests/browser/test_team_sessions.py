"""A session run for a team, in a real browser: the facilitator chooses the team on the start form; the team's
manager signs in, finds it under their teams' sessions, reads its summary without Run or Delete buttons, and is
refused the console with a page that says who it is for. axe checks every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..team_support import PASSWORD, add_account, add_team
from .conftest import assert_accessible, visit

pytestmark = pytest.mark.browser

CONSOLE = re.compile(r"/sessions/([A-Za-z0-9_-]+)/console$")
TEAM = "Duty and assessment (Early help)"


def sign_in(page: Page, name: str) -> None:
    visit(page, "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # by keyboard: the form sends on Enter
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_a_facilitator_runs_a_session_for_their_team_and_its_manager_reads_it_but_cannot_run_it(live_server, open_page):
    duty = add_team(live_server.app, "Duty and assessment")
    youth = add_team(live_server.app, "Youth offending", "Youth justice")
    add_account(live_server.app, "Fran Okafor", ["facilitator"], [duty, youth])
    add_account(live_server.app, "Mona Reid", ["manager"], [duty])

    facilitator = open_page()
    sign_in(facilitator, "Fran Okafor")
    visit(facilitator, "/sessions/new?briefing=wigan-child-3")
    team = facilitator.get_by_role("group", name="Team")
    expect(team.get_by_role("radio", name=TEAM)).to_be_checked()  # their first team, chosen for them
    expect(team.get_by_role("radio", name="Youth offending (Youth justice)")).not_to_be_checked()
    expect(team.get_by_role("radio", name="Another team")).to_be_visible()
    facilitator.get_by_role("button", name="Start the session").click()
    expect(facilitator).to_have_url(CONSOLE)
    assert_accessible(facilitator)
    public_id = CONSOLE.search(facilitator.url).group(1)

    manager = open_page()
    sign_in(manager, "Mona Reid")
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Your teams’ sessions")
    assert_accessible(manager)
    listed = manager.get_by_role("list", name="Sessions run for the teams you manage").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(TEAM)
    expect(listed).to_contain_text("run by Fran Okafor")
    expect(listed.get_by_role("link", name="Open the console")).to_have_count(0)
    listed.get_by_role("link", name="Child 3", exact=True).click()
    expect(manager).to_have_url(re.compile(rf"/sessions/{public_id}$"))
    assert_accessible(manager)
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Child 3")
    main = manager.get_by_role("main")
    expect(main.get_by_role("link", name="Back to the console")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("Delete this session"))).to_have_count(0)
    expect(main.get_by_role("link", name="Discussion record (PDF)")).to_be_visible()
    expect(main).to_contain_text("Only its facilitator, Fran Okafor, can run or delete it.")

    visit(manager, f"/sessions/{public_id}/console", status=403)
    expect(manager.get_by_role("heading", level=1)).to_have_text("This page is not for this account")
    expect(manager.get_by_role("alert")).to_contain_text("This page is for facilitators, who run sessions")
