"""Downloading exports in a real browser, the way a team lead would: the briefing page's "Take it offline" form
(by keyboard), and a running session's record and deck from the console and the summary. The downloaded files
are reopened; axe checks every page visited."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pypdf import PdfReader

from .conftest import assert_accessible, visit
from .test_sessions import add_to_session, create_facilitator, sign_in_through_the_form

pytestmark = pytest.mark.browser


@pytest.fixture
def server(live_server):
    create_facilitator(live_server)
    return live_server


def download(page: Page, control) -> tuple[str, bytes]:
    with page.expect_download() as started:
        control()
    finished = started.value
    path = finished.path()
    return finished.suggested_filename, open(path, "rb").read()


def pdf_words(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def test_a_team_lead_takes_a_briefing_offline_with_the_keyboard(page, server):
    visit(page, "/login")
    sign_in_through_the_form(page)
    visit(page, "/briefings/wigan-child-3")

    offline = page.get_by_role("region", name="Take it offline")
    expect(offline).to_be_visible()
    offline.get_by_label("Session template for the deck").select_option(value="extended")
    deck_button = offline.get_by_role("button", name="Download PowerPoint deck")
    deck_button.focus()
    name, data = download(page, lambda: page.keyboard.press("Enter"))

    assert re.fullmatch(r"wigan-child-3_\d{4}-\d{2}-\d{2}_extended\.pptx", name)
    deck = Presentation(BytesIO(data))
    assert deck.slides[0].shapes.title.text_frame.text.startswith("Child 3")
    assert (server.app.config["EXPORTS_DIR"] / name).read_bytes() == data

    page.keyboard.press("Tab")  # to the handout button, right after the deck's
    expect(offline.get_by_role("button", name="Download PDF handout")).to_be_focused()
    name, data = download(page, lambda: page.keyboard.press("Enter"))

    assert name.endswith("_extended.pdf")
    assert "Want to learn more?" in pdf_words(data)
    assert_accessible(page)


def test_a_running_sessions_record_and_deck_download_from_the_console_and_the_summary(page, server):
    visit(page, "/login")
    sign_in_through_the_form(page)
    visit(page, "/sessions/new?briefing=wigan-child-1-and-2")
    page.get_by_role("button", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/console$"))
    assert_accessible(page)
    public_id = page.url.rsplit("/", 2)[-2]
    add_to_session(server, public_id)

    exports = page.get_by_role("region", name="Export")
    expect(exports).to_contain_text("still running")
    name, data = download(page, exports.get_by_role("link", name="Discussion record (PDF)").click)

    assert name.endswith(f"_{public_id}.pdf")
    text = pdf_words(data)
    assert "We rely on phone calls" in text and "Book a home visit audit" in text
    assert "Named the family" not in text  # hidden from the screen: not in the record either

    visit(page, f"/sessions/{public_id}")
    exports = page.get_by_role("region", name="Export")
    name, data = download(page, exports.get_by_role("link", name="Session deck (PowerPoint)").click)

    assert name.endswith(f"_{public_id}.pptx")
    slides_text = " ".join(
        shape.text_frame.text for slide in Presentation(BytesIO(data)).slides for shape in slide.shapes if shape.has_text_frame
    )
    assert "We rely on phone calls" in slides_text
    assert "Named the family" not in slides_text
