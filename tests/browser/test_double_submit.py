"""A form sent twice by an impatient double click adds one thing: the button is disabled while the form is on its
way (htmx's hx-disabled-elt on the console's forms; static/js/forms.js on plain forms such as "Start the session"),
and the server stores each drawn form's key once in any case. Requests are held at the browser while the test
looks, so "while sending" lasts as long as the test needs. axe checks every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.extensions import db
from app.sessions import service
from app.sessions.models import BriefingSession, Response
from app.web import now

from .conftest import assert_accessible, visit
from .test_running_session import CONSOLE, server, sign_in, start_session  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

REFLECTION = 3


def count(server, model) -> int:
    with server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def hold(page: Page, pattern: str) -> list:
    """Hold every POST to addresses matching `pattern` until the test lets them go (release)."""
    held = []

    def keep(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, keep)
    return held


def release(page: Page, held: list, pattern: str) -> None:
    page.unroute(pattern)
    for route in held:
        try:
            route.continue_()
        except Exception:  # noqa: BLE001  (the browser already dropped a request it replaced)
            pass


def test_a_double_clicked_add_response_adds_one_response_and_the_button_waits_while_sending(page: Page, server):
    public_id = start_session(server)
    with server.app.app_context():
        facilitator_row = service.find_session(db.session, public_id).facilitator
        service.move(db.session, public_id, facilitator_row, 0, REFLECTION, now())
    sign_in(page)
    visit(page, f"/sessions/{public_id}/console")
    form = page.locator(f"#respond-{REFLECTION}-0")
    form.get_by_label("Response to question 1").fill("Nobody asked the child")

    pattern = re.compile(r"/responses$")
    held = hold(page, pattern)
    form.get_by_role("button", name="Add response").dblclick()
    expect(form.get_by_role("button", name="Add response")).to_be_disabled()
    release(page, held, pattern)

    responses = page.get_by_role("list", name="Responses to question 1").get_by_role("listitem")
    expect(responses).to_have_count(1)
    expect(responses.first).to_contain_text("Nobody asked the child")
    expect(page.locator(f"#respond-{REFLECTION}-0").get_by_role("button", name="Add response")).to_be_enabled()
    assert_accessible(page)
    assert count(server, Response) == 1


def test_a_double_clicked_start_button_starts_one_session(page: Page, server):
    sign_in(page)  # lands on the sessions page, with the start form
    page.get_by_label("Briefing", exact=True).select_option("wigan-child-3")
    pattern = re.compile(r"/sessions$")
    held = hold(page, pattern)
    # Two clicks as an impatient person makes them, the second while the page waits for the first to be answered.
    button = page.get_by_role("button", name="Start the session")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    for _ in range(2):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
    page.wait_for_timeout(500)  # time for a second request, were the button still live
    assert len(held) == 1, f"the browser sent the start form {len(held)} times"
    release(page, held, pattern)

    expect(page).to_have_url(CONSOLE)
    assert_accessible(page)
    assert count(server, BriefingSession) == 1
