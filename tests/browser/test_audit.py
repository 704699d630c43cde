"""An admin reads the audit trail in a real browser: from the Audit link, narrows it to one action by keyboard,
sees the rows in the table, and downloads them as CSV. axe checks every page."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.people import audit
from app.sessions.models import Facilitator

from .conftest import assert_accessible, visit
from .test_sessions import NAME, create_facilitator, sign_in_through_the_form

pytestmark = pytest.mark.browser


@pytest.fixture
def server(live_server):
    create_facilitator(live_server)
    now = datetime.now(timezone.utc)
    with live_server.app.app_context():
        account = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        account.is_admin = True
        bea = audit.Actor(None, "Bea Editor", "192.0.2.44")
        audit.record(db.session, "briefing-published", bea, now - timedelta(hours=2), subject="Child Q (child-q)",
                     detail="version 3")
        audit.record(db.session, "briefing-retired", bea, now - timedelta(hours=1), subject="Child R (child-r)")
        audit.record(db.session, "sign-in-failed", audit.Actor(None, "", "198.51.100.9"), now - timedelta(hours=3),
                     subject="=HYPERLINK(\"http://x\")", detail="no such account")
        db.session.commit()
    return live_server


def test_an_admin_filters_the_audit_trail_by_keyboard_and_downloads_it(page, server):
    visit(page, "/login")
    sign_in_through_the_form(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(5)  # the header, three events and this sign-in
    expect(table.get_by_role("row").nth(1)).to_contain_text("Signed in")

    what = page.get_by_label("What")
    what.focus()
    what.select_option(label="Published a briefing")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Account")).to_be_focused()
    page.get_by_label("Subject or detail contains").focus()
    page.keyboard.type("child")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/audit\?.*action=briefing-published"))
    assert_accessible(page)

    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)
    cells = rows.nth(1)
    expect(cells.get_by_role("rowheader")).to_have_text(re.compile(r"^\d{1,2} \w+ \d{4}, \d\d:\d\d:\d\d$"))
    for text in ("Bea Editor", "192.0.2.44", "Published a briefing", "Child Q (child-q)", "version 3"):
        expect(cells).to_contain_text(text)
    expect(page.get_by_label("What")).to_have_value("briefing-published")

    download_link = page.get_by_role("link", name="Download these events as CSV")
    download_link.focus()
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    finished = started.value
    assert re.fullmatch(r"audit-trail-\d{4}-\d{2}-\d{2}\.csv", finished.suggested_filename)
    data = open(finished.path(), "rb").read()
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["when (UTC)", "who", "address", "action", "subject", "detail"]
    assert [row[1:] for row in rows[1:]] == [["Bea Editor", "192.0.2.44", "briefing-published", "Child Q (child-q)", "version 3"]]

    visit(page, "/audit?action=sign-in-failed")
    expect(page.get_by_role("table")).to_contain_text("=HYPERLINK")  # shown as text on the page
    with page.expect_download() as started:
        page.get_by_role("link", name="Download these events as CSV").click()
    failed = list(csv.reader(io.StringIO(open(started.value.path(), "rb").read().decode("utf-8-sig"), newline="")))
    assert failed[1][4] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it, never runs it


def test_the_audit_trail_reads_on_a_phone_without_sideways_scrolling(open_page, server):
    from .conftest import PHONE, has_horizontal_scroll

    page = open_page(viewport=PHONE)
    visit(page, "/login")
    sign_in_through_the_form(page)
    visit(page, "/audit")
    expect(page.get_by_role("table")).to_contain_text("Child Q (child-q)")
    assert not has_horizontal_scroll(page)
    # The table scrolls inside its own region, which a keyboard reaches (from the last link before it) and scrolls.
    region = page.get_by_role("region", name=re.compile("newest first"))
    page.get_by_role("link", name="Download the audit trail as CSV").focus()
    page.keyboard.press("Tab")
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("region => region.scrollLeft > 0", arg=region.element_handle())
    assert_accessible(page)
