"""Two controls a facilitator only meets on a bad day, driven in Chromium and checked by axe:

- a question with more responses than the console lists at once shows the newest page and "Show older
  responses (N more)", which grows the list in place (htmx) or, without JavaScript, opens the console with the
  larger list;
- a form whose body the server cannot read (bytes that are not UTF-8, as a broken proxy or a hostile script
  sends) answers with a page that says it was not sent and why, and changes nothing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.extensions import db
from app.sessions import service
from app.sessions.models import Response
from app.sessions.paging import PAGE as CONSOLE_PAGE
from app.web import now

from .conftest import assert_accessible, visit, watch_of
from .test_running_session import server, sign_in, start_session  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

REFLECTION = 3
EXTRA = 12  # responses beyond the console's first page


def session_with_many_responses(server, count: int) -> str:
    public_id = start_session(server)
    with server.app.app_context():
        facilitator = service.find_session(db.session, public_id).facilitator
        service.move(db.session, public_id, facilitator, 0, REFLECTION, now())
        for number in range(1, count + 1):
            service.add_response(db.session, public_id, facilitator, REFLECTION, 0, f"Reflection number {number}", now())
    return public_id


def response_count(server) -> int:
    with server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_show_older_responses_grows_the_list_in_place_and_the_page_stays_accessible(page: Page, server):
    total = CONSOLE_PAGE + EXTRA
    public_id = session_with_many_responses(server, total)
    sign_in(page)
    visit(page, f"/sessions/{public_id}/console")

    responses = page.get_by_role("list", name="Responses to question 1").get_by_role("listitem")
    expect(responses).to_have_count(CONSOLE_PAGE)
    expect(responses.last).to_contain_text(f"Reflection number {total}")
    older = page.get_by_role("link", name=f"Show older responses ({EXTRA} more)")
    expect(older).to_be_visible()

    older.focus()
    page.keyboard.press("Enter")  # by keyboard, as a facilitator at a laptop would

    expect(responses).to_have_count(total)
    expect(page.get_by_role("link", name=re.compile(r"Show older responses"))).to_have_count(0)
    expect(responses.filter(has=page.get_by_text("Reflection number 1", exact=True))).to_have_count(1)
    assert_accessible(page)


def test_without_javascript_show_older_responses_opens_the_console_with_the_larger_list(open_page, server):
    total = CONSOLE_PAGE + EXTRA
    public_id = session_with_many_responses(server, total)
    page = open_page(javascript=False)
    sign_in(page)
    visit(page, f"/sessions/{public_id}/console")

    page.get_by_role("link", name=f"Show older responses ({EXTRA} more)").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("list", name="Responses to question 1").get_by_role("listitem")).to_have_count(total)


def test_a_form_body_that_is_not_utf8_gets_a_page_saying_it_was_not_sent_and_nothing_changes(open_page, server):
    public_id = session_with_many_responses(server, 1)
    page = open_page(javascript=False)  # a plain form post, answered with a whole page
    watch_of(page).allow(r"status of 400")  # the refusal this test expects
    sign_in(page)
    visit(page, f"/sessions/{public_id}/console")

    def spoil(route):
        # The bytes a Latin-1 client sends for "café": not UTF-8, so the server cannot know what was typed.
        body = route.request.post_data_buffer.replace(b"caf%C3%A9", b"caf\xe9")
        route.continue_(post_data=body)

    page.route(re.compile(r"/responses$"), spoil)
    form = page.locator(f"#respond-{REFLECTION}-0")
    form.get_by_label("Response to question 1").fill("Met at the café")
    form.get_by_role("button", name="Add response").click()
    page.wait_for_load_state("load")
    assert_accessible(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("That was not sent")
    expect(page.get_by_role("alert")).to_contain_text("UTF-8")
    expect(page.get_by_role("link", name="Go to the briefing library")).to_be_visible()
    assert response_count(server) == 1
