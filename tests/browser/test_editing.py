"""Library editors in a real browser: add briefings from a Word document, a PDF and a saved web page, correct a
kind, put back a line the importer set aside, add a reflection question, publish; a facilitator then runs a
session on it; an editor restores an older version; a bad upload shows its message; the whole flow by keyboard
alone; mistakes, problems, retiring and the page a non-editor gets; real briefings from the importer's corpus.
Found by roles and labels; axe checks every state (the harness fails a page left unchecked)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.library_store import service as store
from app.sessions.models import Facilitator

from .conftest import SMALL_PHONE, assert_accessible, has_horizontal_scroll, visit, watch_of

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
EDITOR = "Erin Editor"
FACILITATOR = "Sam Patel"
EDIT_PAGE = re.compile(r"/library/([a-z0-9-]+)/edit(#[\w-]+)?$")

WEB_PAGE = """<!doctype html><html lang="en"><head><title>Child E – Northshire Safeguarding Partnership</title></head>
<body>
<a href="#main">Skip to content</a>
<div class="cookie-banner"><p>We use cookies to make this site work.</p><button>Accept cookies</button></div>
<header><p>Northshire Safeguarding Partnership</p>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li></ul></nav>
</header>
<main id="main"><article>
<h1>Child E: seven minute briefing</h1>
<p>Published 4 March 2025</p>
<h2>Background</h2>
<p>Child E was four and lived with her father, who had been unwell for some months. The family moved house three
times in one year.</p>
<h2>What did we learn?</h2>
<ul><li>Agencies did not share what they knew about the moves.</li><li>Nobody asked Child E about her day.</li></ul>
<h2>Questions to consider</h2>
<ul><li>How do we hear the voice of a young child?</li></ul>
<p><a href="/files/child-e.pdf">Download the briefing (PDF)</a></p>
</article></main>
<footer><p>© Northshire Safeguarding Partnership 2025</p><p><a href="/privacy">Privacy</a></p></footer>
</body></html>
"""


def word_document(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Adult F: seven minute briefing", 0)
    document.add_paragraph("Southdale Safeguarding Adults Board")
    document.add_heading("Background", 1)
    document.add_paragraph("Adult F was 78 and lived alone. Her son visited once a week.")
    document.add_heading("What happened next", 1)
    document.add_paragraph("Professionals did not join up their concerns about self-neglect.")
    document.add_heading("Reflective questions", 1)
    document.add_paragraph("How do we share concerns about self-neglect?", style="List Bullet")
    document.save(path)
    return path


def pdf_document(path: Path) -> Path:
    from weasyprint import HTML

    HTML(string="""<html lang="en"><body><h1>Child G: seven minute briefing</h1>
      <p>Westvale Safeguarding Children Partnership</p>
      <h2>Background</h2><p>Child G was fourteen and often missed school.</p>
      <h2>Learning points</h2><p>Schools and health did not talk about the missed appointments.</p>
      <h2>Questions for reflection</h2><p>Who notices when a child stops coming to school?</p>
      </body></html>""").write_pdf(path)
    return path


def create_account(server, name: str, *, editor: bool) -> None:
    with server.app.app_context():
        account = Facilitator(name=name)
        account.set_password(PASSWORD)
        account.is_editor = editor
        db.session.add(account)
        db.session.commit()


def sign_in(page: Page, name: str) -> None:
    visit(page, "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def add_file(page: Page, path: Path) -> str:
    """Upload one file from the Add a briefing page; the new draft's id."""
    visit(page, "/library/new")
    page.get_by_label("Briefing file").set_input_files(path)
    page.get_by_role("button", name="Import the file").click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_contain_text("The briefing is a draft")
    return EDIT_PAGE.search(page.url).group(1)


def section(page: Page, heading: str):
    """A section's fieldset on the edit page, by the words of its legend."""
    return page.get_by_role("group", name=re.compile(rf"^Section \d+\s*: {re.escape(heading)}"))


@pytest.fixture
def server(live_server):
    create_account(live_server, EDITOR, editor=True)
    create_account(live_server, FACILITATOR, editor=False)
    return live_server


def test_an_editor_adds_a_word_document_a_pdf_and_a_web_page_corrects_and_publishes_and_a_facilitator_runs_it(
    open_page, server, tmp_path
):
    page = open_page()
    sign_in(page, EDITOR)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Edit the library").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a briefing").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a briefing")

    # A Word document: correct the kind the importer could not tell, and save.
    adult_f = add_file(page, word_document(tmp_path / "adult-f.docx"))
    expect(page.get_by_role("region", name=re.compile("Source text"))).to_contain_text("Adult F was 78")
    happened = section(page, "What happened next")
    expect(happened.get_by_label("Kind")).not_to_have_value("learning")  # the importer cannot know
    happened.get_by_label("Kind").select_option(label="Learning")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_have_text("Saved.")
    expect(section(page, "What happened next").get_by_label("Kind")).to_have_value("learning")

    # A PDF: add a reflection question, then publish.
    child_g = add_file(page, pdf_document(tmp_path / "child-g.pdf"))
    page.get_by_label("New question").fill("What will we ask the school nurse?")
    page.get_by_role("button", name="Add a question").click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    questions = page.get_by_role("list", name="Reflection questions")
    expect(questions.get_by_role("listitem")).to_have_text(
        ["Who notices when a child stops coming to school?", "What will we ask the school nurse?"]
    )
    page.get_by_role("button", name="Save and publish").first.click()
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_have_text("Published: the briefing is in every facilitator's library.")

    # A saved web page: put back a line the importer set aside, preview it, publish.
    web_page = tmp_path / "child-e.html"
    web_page.write_text(WEB_PAGE, encoding="utf-8")
    child_e = add_file(page, web_page)
    set_aside = page.get_by_role("region", name="Lines set aside")
    first_line = set_aside.locator(".set-aside__text").first
    line_text = first_line.inner_text()
    before = set_aside.locator(".set-aside__line").count()
    set_aside.get_by_role("button", name=re.compile("^Put back")).first.click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_contain_text("The line is back")
    expect(page.locator("#set-aside .set-aside__line")).to_have_count(before - 1)
    with server.app.app_context():
        assert line_text in "\n".join(store.get(child_e).briefing.texts())
    page.get_by_role("link", name=re.compile("^Preview the steps")).click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview of")
    expect(page.get_by_role("heading", level=2, name="How do we hear the voice of a young child?")).to_be_visible()
    page.go_back()
    assert_accessible(page)
    page.get_by_role("button", name="Save and publish").first.click()
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_contain_text("Published")

    # The Word document is published too; all three are in the library now.
    visit(page, f"/library/{adult_f}/edit")
    page.get_by_role("button", name="Save and publish").first.click()
    assert_accessible(page)
    with server.app.app_context():
        assert {store.get(i).status for i in (adult_f, child_g, child_e)} == {"published"}
        title = store.get(child_g).briefing.title

    # A facilitator (not an editor) finds it in the library and runs a session on it.
    facilitator = open_page()
    sign_in(facilitator, FACILITATOR)
    expect(facilitator.get_by_role("link", name="Edit the library")).to_have_count(0)
    visit(facilitator, "/briefings")
    facilitator.get_by_role("link", name=title, exact=True).click()
    assert_accessible(facilitator)
    facilitator.get_by_role("link", name="Run this briefing").click()
    assert_accessible(facilitator)
    facilitator.get_by_role("button", name="Start the session").click()
    expect(facilitator).to_have_url(re.compile(r"/sessions/[A-Za-z0-9_-]+/console$"))
    assert_accessible(facilitator)
    expect(facilitator.get_by_role("heading", level=1)).to_contain_text(title)

    # The editor renames it, then restores the version before: facilitators see the old title again.
    visit(page, f"/library/{child_g}/edit")
    page.get_by_label("Title").fill("A title that was a mistake")
    page.get_by_role("button", name="Save", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^History and restore")).click()
    assert_accessible(page)
    versions = page.get_by_role("table", name="Versions, newest first")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("title changed")
    expect(versions.get_by_role("row").nth(1)).to_contain_text(EDITOR)
    page.get_by_role("button", name=re.compile(r"^Restore version \d+")).first.click()
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_contain_text("restored")
    expect(page.get_by_label("Title")).to_have_value(title)
    visit(facilitator, "/briefings")
    expect(facilitator.get_by_role("link", name=title, exact=True)).to_be_visible()


def test_a_bad_upload_shows_its_message_at_the_field_and_changes_nothing(open_page, server, tmp_path):
    page = open_page()
    sign_in(page, EDITOR)
    with server.app.app_context():
        before = len(store.all_briefings())
    fake = tmp_path / "briefing.pdf"
    fake.write_bytes(b"This is not a PDF at all, only text with a .pdf name.\n")
    visit(page, "/library/new")
    watch_of(page).allow(r"status of 422")  # the refusal's own status, as expected
    page.get_by_label("Briefing file").set_input_files(fake)
    page.get_by_role("button", name="Import the file").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The briefing has not been added")
    expect(summary).to_be_focused()
    file_field = page.get_by_label("Briefing file")
    expect(file_field).to_have_attribute("aria-invalid", "true")
    expect(file_field).to_have_accessible_description(re.compile("not a PDF"))
    summary.get_by_role("link").click()
    expect(file_field).to_be_focused()
    with server.app.app_context():
        assert len(store.all_briefings()) == before


PASTED = """Child H: seven minute briefing

Background
Child H was nine and cared for his younger sister.

What we found
Young carers were not asked what help they needed.
"""


def tab_to(page: Page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's label (or text) starts with `name`; fail if it never does, and
    check that it shows a visible focus indicator when it gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const label = element.labels && element.labels[0] ? element.labels[0].innerText : "";
                return (label || element.innerText || element.value || "").replace(/\\s+/g, " ").trim();
            }"""
        )
        if focused.startswith(name):
            shown = page.evaluate(
                """() => {
                    const style = getComputedStyle(document.activeElement);
                    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 3)
                        || style.boxShadow !== "none" || style.backgroundColor === "rgb(255, 221, 0)";
                }"""
            )
            assert shown, f"no visible focus indicator on {name!r}"
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_the_whole_flow_works_with_the_keyboard_alone(open_page, server):
    page = open_page()
    sign_in(page, EDITOR)
    visit(page, "/library/new")

    tab_to(page, "The briefing's text")
    page.keyboard.insert_text(PASTED)
    tab_to(page, "Import the text")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    briefing_id = EDIT_PAGE.search(page.url).group(1)

    # Change the second section's kind with the arrow keys, add a question with Enter (Enter saves).
    tab_to(page, "Kind")  # section 1
    tab_to(page, "Kind")  # section 2
    page.keyboard.press("Home")
    expect(page.locator(":focus")).to_have_value("background")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator(":focus")).to_have_value("learning")
    tab_to(page, "New question")
    page.keyboard.type("Who asks a young carer what they need?")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    expect(page.get_by_role("list", name="Reflection questions")).to_contain_text("Who asks a young carer what they need?")

    tab_to(page, "Save and publish")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    expect(page.get_by_role("status").first).to_contain_text("Published")
    with server.app.app_context():
        stored = store.get(briefing_id)
        assert stored.status == "published"
        assert [s.kind for s in stored.briefing.sections][1] == "learning"


def test_mistakes_problems_a_retired_briefing_and_a_non_editor_are_each_clear_and_accessible(open_page, server):
    from datetime import datetime, timezone

    from app.briefings.model import Block, Briefing, Section

    with server.app.app_context():
        editor = db.session.execute(select(Facilitator).filter_by(name=EDITOR)).scalar_one()
        store.create_draft(
            Briefing(id="child-j", title="Child J", sections=[
                Section("background", "Background", [Block("paragraph", text="Child J was six.")]),
                Section("learning", "Learning", []),
            ]),
            by=editor, now=datetime.now(timezone.utc),
        )
    page = open_page()
    sign_in(page, EDITOR)

    # The library page shows the editor the draft; a facilitator's list does not have it.
    visit(page, "/briefings")
    drafts = page.get_by_role("list", name=re.compile("^Drafts"))
    expect(drafts.get_by_role("link")).to_have_text(["Child J"])

    # A draft with a problem: it shows next to the section, and publishing is refused with a summary.
    drafts.get_by_role("link", name="Child J").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="1 problem to fix before publishing")).to_be_visible()
    body = section(page, "Learning").get_by_label("Text")
    expect(body).to_have_accessible_description(re.compile("is empty"))
    page.get_by_label("Date published").fill("the spring")
    watch_of(page).allow(r"status of 422")
    page.get_by_role("button", name="Save and publish").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text([re.compile("Write the date"), re.compile("no text")])
    expect(page.get_by_label("Date published")).to_have_value("the spring")  # what was typed is kept
    summary.get_by_role("link", name=re.compile("no text")).click()
    expect(body).to_be_focused()
    with server.app.app_context():
        assert store.get("child-j").status == "draft"

    # Retired, then reinstated.
    visit(page, "/library/wigan-child-3/edit")
    page.get_by_role("button", name="Retire this briefing").click()
    assert_accessible(page)
    expect(page.get_by_text("Retired", exact=True)).to_be_visible()
    page.get_by_role("button", name="Reinstate this briefing").click()
    assert_accessible(page)
    expect(page.get_by_role("button", name="Retire this briefing")).to_be_visible()

    # A facilitator who is not an editor is told the pages are for editors.
    facilitator = open_page()
    sign_in(facilitator, FACILITATOR)
    visit(facilitator, "/library/new", status=403)
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("This page is not for this account")
    expect(facilitator.get_by_role("alert")).to_contain_text("This page is for library editors")


CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "importer_corpus"


@pytest.mark.parametrize(
    "name", ["hampshire-sab-sasha.docx", "swindon-7mb-tiles.pdf", "central-bedfordshire-cuckooing.html"]
)
def test_a_real_published_briefing_opens_on_an_accessible_edit_page_and_publishes(open_page, server, name):
    """Real briefings from the importer's corpus (its README names where each was published): their edit page,
    with every check and set-aside line the importer reports, and their preview pass axe, and they publish."""
    page = open_page()
    sign_in(page, EDITOR)
    briefing_id = add_file(page, CORPUS / name)
    expect(page.get_by_role("region", name=re.compile("Source text"))).not_to_be_empty()
    page.get_by_role("link", name=re.compile("^Preview the steps")).click()
    assert_accessible(page)
    page.go_back()
    assert_accessible(page)
    page.get_by_role("button", name="Save and publish").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    with server.app.app_context():
        assert store.get(briefing_id).status == "published"


def test_every_editing_page_fits_a_small_phone_without_sideways_scrolling(open_page, server):
    page = open_page(viewport=SMALL_PHONE)
    sign_in(page, EDITOR)
    visit(page, "/library/new")
    page.get_by_label("The briefing's text").fill(PASTED)
    page.get_by_role("button", name="Import the text").click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    briefing_id = EDIT_PAGE.search(page.url).group(1)
    assert not has_horizontal_scroll(page)
    for path in ("/library", "/library/new", "/briefings", f"/library/{briefing_id}/history",
                 f"/library/{briefing_id}/preview"):
        visit(page, path)
        assert not has_horizontal_scroll(page), path


def test_a_file_dropped_on_the_box_is_chosen_and_imports(open_page, server):
    page = open_page()
    sign_in(page, EDITOR)
    visit(page, "/library/new")
    box = page.locator("[data-drop-zone]")
    # What the browser hands a page when a file is dragged in from the desktop: a DataTransfer with the file.
    drop = page.evaluate_handle(
        """(text) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], "child-h.txt", {type: "text/plain"}));
            return transfer;
        }""",
        PASTED,
    )
    box.dispatch_event("dragenter", {"dataTransfer": drop})
    expect(box).to_have_class(re.compile("is-dragging"))
    box.dispatch_event("drop", {"dataTransfer": drop})
    expect(box).not_to_have_class(re.compile("is-dragging"))
    expect(page.get_by_role("status").filter(has_text="Chosen")).to_have_text("Chosen: child-h.txt")
    expect(page.get_by_label("Briefing file")).to_be_focused()
    page.get_by_role("button", name="Import the file").click()
    expect(page).to_have_url(EDIT_PAGE)
    assert_accessible(page)
    expect(page.get_by_role("region", name=re.compile("Source text"))).to_contain_text("Child H was nine")
