"""The library editors' pages through Flask's test client: who may use them, adding a briefing (paste, upload,
bad uploads), the edit page (its structure, put back, add a question, kinds, moves), publish, retire, history
and restore, preview. HTML is parsed with BeautifulSoup and asserted by structure, never byte-matched."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app import get_library
from app.briefings.importing import Check, ImportReport, SetAside
from app.briefings.model import Block, Briefing, Item, Section
from app.extensions import db
from app.library_store import service as store
from app.sessions.models import Facilitator

from .test_auth import create_facilitator, csrf_token, sign_in

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
HOSTILE = "<script>alert(1)</script>"
PASTED = """Child D: a seven minute briefing

Background
Child D was five and lived with his mother and her partner.

Learning
Agencies did not share what they knew about the partner.

Questions to consider
- How do we find out who lives in the home?
"""


def soup_of(response) -> BeautifulSoup:
    assert response.mimetype == "text/html", response.mimetype
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def field_messages(soup: BeautifulSoup, field_id: str) -> str:
    """The words of everything the field's aria-describedby points at (hints, errors, problems, checks)."""
    field = soup.find(id=field_id)
    assert field is not None, f"no field #{field_id}"
    ids = (field.get("aria-describedby") or "").split()
    return " ".join(words(soup.find(id=name)) for name in ids)


def make_editor(app, name="erin", *, facilitator=True):
    create_facilitator(app, name)
    with app.app_context():
        row = db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()
        row.is_editor = True
        row.is_facilitator = facilitator
        db.session.commit()


def editor_row(name="erin") -> Facilitator:
    return db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()


def form_fields(soup: BeautifulSoup, form) -> dict[str, str]:
    """What the browser would send for `form` (text fields, selects, textareas), without any button."""
    data = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "file"):
            continue
        if element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            data[name] = chosen.get("value", "")
        elif element.name == "textarea":
            data[name] = element.get_text()
        else:
            data[name] = element.get("value", "")
    return data


def edit_form(client, briefing_id: str):
    soup = soup_of(client.get(f"/library/{briefing_id}/edit"))
    form = soup.find("form", class_="editor__form")
    return soup, form_fields(soup, form)


def press(client, briefing_id: str, action: str = "save", **changes):
    """Send the edit form as it stands, with `changes`, by the button whose value is `action`."""
    _, data = edit_form(client, briefing_id)
    data.update({name.replace("__", "-"): value for name, value in changes.items()}, action=action)
    return client.post(f"/library/{briefing_id}/edit", data=data)


def draft(app, briefing: Briefing | None = None, report=None) -> str:
    briefing = briefing or Briefing(
        id="child-d",
        title="Child D",
        publisher="Eastshire Safeguarding Partnership",
        sections=[
            Section("background", "Background", [Block("paragraph", text="Child D was five.")]),
            Section("other", "What we found", [Block("paragraph", text="Agencies did not share what they knew.")]),
        ],
    )
    with app.app_context():
        return store.create_draft(briefing, by=editor_row(), now=NOW, source_name="child-d.pdf", report=report).id


def import_report() -> ImportReport:
    return ImportReport(
        sections=[("background", "Background", 'phrase "background"'), ("other", "What we found", "no phrase matched")],
        unclassified_headings=["What we found"],
        checks=["The publisher was guessed.", "Check the kind of 'What we found'."],
        located_checks=[
            Check("The publisher was guessed from the masthead.", None, "publisher"),
            Check("No phrase matched this heading: choose its kind.", 1, "kind"),
        ],
        set_aside=[
            SetAside("Download the briefing (PDF)", "download link", 2, None),
            SetAside("The partner had convictions for violence.", "page furniture", 6, 1),
        ],
        source_lines=[
            "Eastshire Safeguarding Partnership",
            "Download the briefing (PDF)",
            "Child D",
            "Background",
            "Child D was five.",
            "The partner had convictions for violence.",
            "What we found",
            "Agencies did not share what they knew.",
        ],
    )


@pytest.fixture
def editor(app, client):
    make_editor(app)
    sign_in(client, "erin")
    return "erin"


# --- who may use the pages ----------------------------------------------------------------------------------


EDITOR_PAGES = ["/library", "/library/new", "/library/westborough-child-3/edit", "/library/westborough-child-3/history",
                "/library/westborough-child-3/preview"]
EDITOR_POSTS = ["/library/new/text", "/library/new/file", "/library/westborough-child-3/edit",
                "/library/westborough-child-3/retire", "/library/westborough-child-3/reinstate",
                "/library/westborough-child-3/history/1/restore"]


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in_and_brought_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert path in response.headers["Location"].replace("%2F", "/")


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_a_facilitator_who_is_not_an_editor_gets_403_with_a_page_that_says_why(app, client, path):
    create_facilitator(app, "alice")
    sign_in(client, "alice")
    response = client.get(path)
    assert response.status_code == 403
    assert words(soup_of(response).find("h1")) == "This page is not for this account"
    # The access table's refusal names who the page is for and the role to ask for.
    message = words(soup_of(response).find(attrs={"role": "alert"}))
    assert message.startswith("This page is for library editors")
    assert "give it the editor role" in message


@pytest.mark.parametrize("path", EDITOR_POSTS)
def test_a_non_editor_can_change_nothing(app, client, path):
    create_facilitator(app, "alice")
    sign_in(client, "alice")
    with app.app_context():
        before = [(s.id, s.version, s.status) for s in store.all_briefings()]
    response = client.post(path, data={"csrf_token": csrf_token(client, "/sessions"), "title": "Changed", "text": PASTED})
    assert response.status_code == 403
    with app.app_context():
        assert [(s.id, s.version, s.status) for s in store.all_briefings()] == before


def test_only_editors_see_the_navigation_link_and_the_editors_panel_on_the_library(app, client):
    make_editor(app)
    create_facilitator(app, "alice")
    draft(app)
    sign_in(client, "alice")
    soup = soup_of(client.get("/briefings"))
    assert "Edit the library" not in [words(a) for a in soup.find("nav", attrs={"aria-label": "Main"}).find_all("a")]
    assert soup.find(id="for-editors-heading") is None
    assert "Child D" not in words(soup.find(id="results"))
    assert client.get("/briefings/child-d").status_code == 404  # a draft is invisible to facilitators

    client.post("/logout", data={"csrf_token": csrf_token(client, "/sessions")})
    sign_in(client, "erin")
    soup = soup_of(client.get("/briefings"))
    nav_links = {words(a): a["href"] for a in soup.find("nav", attrs={"aria-label": "Main"}).find_all("a")}
    assert nav_links["Edit the library"] == "/library"
    panel = soup.find("section", attrs={"aria-labelledby": "for-editors-heading"})
    assert panel.find("a", string="Add a briefing")["href"] == "/library/new"
    drafts = panel.find("ul", attrs={"aria-labelledby": "drafts-heading"})
    assert [words(a) for a in drafts.find_all("a")] == ["Child D"]
    assert "Child D" not in words(soup.find(id="results"))  # the list itself stays what facilitators see


def test_the_library_shows_editors_which_briefings_are_due_for_review(app, client, editor):
    with app.app_context():
        store.set_review_by("westborough-child-3", date(2020, 1, 31), by=editor_row(), now=NOW)
    panel = soup_of(client.get("/briefings")).find("section", attrs={"aria-labelledby": "for-editors-heading"})
    due = panel.find("ul", attrs={"aria-labelledby": "due-heading"})
    assert "review by 31 January 2020" in words(due)
    overview = soup_of(client.get("/library"))
    assert "Due for review" in words(overview.find("table", id="due").caption)


def test_every_editor_post_needs_the_csrf_token(app, client, editor):
    response = client.post("/library/new/text", data={"text": PASTED})
    assert response.status_code == 400
    assert "expired" in words(soup_of(response).find("h1"))
    response = client.post("/library/westborough-child-3/retire", data={})
    assert response.status_code == 400
    with app.app_context():
        assert len(store.all_briefings()) == len(get_library().briefings)
        assert store.get("westborough-child-3").status == "published"


# --- adding a briefing --------------------------------------------------------------------------------------


def test_the_add_page_offers_a_labelled_file_field_and_a_paste_box(client, editor):
    soup = soup_of(client.get("/library/new"))
    upload = soup.find("form", action="/library/new/file")
    assert upload["enctype"] == "multipart/form-data"
    assert upload.find("input", attrs={"name": "csrf_token"})
    file_field = upload.find("input", type="file")
    assert soup.find("label", attrs={"for": file_field["id"]}).get_text(strip=True) == "Briefing file"
    assert ".docx" in file_field["accept"] and ".html" in file_field["accept"]
    paste = soup.find("form", action="/library/new/text")
    assert soup.find("label", attrs={"for": paste.find("textarea")["id"]}).get_text(strip=True) == "The briefing's text"


def test_pasted_text_becomes_a_draft_and_opens_its_edit_page(app, client, editor):
    response = client.post("/library/new/text", data={"text": PASTED, "csrf_token": csrf_token(client, "/library/new")})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    soup = soup_of(page)
    assert words(soup.find(class_="flash")).startswith("The briefing is a draft")
    briefing_id = response.headers["Location"].split("/")[2]
    with app.app_context():
        stored = store.get(briefing_id)
        assert stored.status == "draft" and stored.updated_by == "erin"
        assert [section.kind for section in stored.briefing.sections] == ["background", "learning", "reflection"]
        assert briefing_id not in get_library().briefings
    # The source beside what was found: a scrollable, keyboard-reachable region with every line.
    source = soup.find(attrs={"role": "region", "aria-label": True})
    assert source["tabindex"] == "0"
    assert "Agencies did not share what they knew about the partner." in words(source)
    legends = [words(legend) for legend in soup.find_all("legend")]
    assert legends[0] == "About the briefing"
    assert legends[1:] == ["Section 1 : Background", "Section 2 : Learning", "Section 3 : Questions to consider"]
    kind = soup.find("select", id="section-1-kind")
    assert soup.find("label", attrs={"for": "section-1-kind"}).get_text(strip=True) == "Kind"
    assert kind.find("option", selected=True).get_text() == "Learning"
    assert [option.get_text() for option in kind.find_all("option")][:2] == ["Background", "Areas of concern"]
    assert soup.find("textarea", id="section-1-body").get_text() == "Agencies did not share what they knew about the partner."
    questions = soup.find("ol", attrs={"aria-labelledby": "questions-heading"})
    assert [words(li) for li in questions.find_all("li")] == ["How do we find out who lives in the home?"]


def test_an_empty_paste_is_refused_next_to_the_field(app, client, editor):
    response = client.post("/library/new/text", data={"text": "  ", "title": "Kept", "csrf_token": csrf_token(client, "/library/new")})
    assert response.status_code == 422
    soup = soup_of(response)
    assert soup.find(class_="error-summary").find("a")["href"] == "#add-text"
    assert "Paste the briefing's text" in field_messages(soup, "add-text")
    assert soup.find("input", id="add-title")["value"] == "Kept"


def upload(client, data: bytes, name: str, title: str = ""):
    return client.post(
        "/library/new/file",
        data={"file": (io.BytesIO(data), name), "title": title, "csrf_token": csrf_token(client, "/library/new")},
        content_type="multipart/form-data",
    )


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page with no text on it at all, as a scanner makes (an image of the page, here a blank one)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A .docx whose document part inflates from a few kilobytes to far past any briefing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        package.writestr("word/document.xml", "<w:document>" + " " * (60 * 1024 * 1024) + "</w:document>")
    return out.getvalue()


@pytest.mark.parametrize(
    "make, name, expected",
    [
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.png", "not a file Briefing Room can read"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "briefing.pdf", "is not a PDF"),
        (encrypted_pdf, "locked.pdf", "password-protected"),
        (scanned_pdf, "scanned.pdf", "probably a scanned image"),
        (zip_bomb_docx, "bomb.docx", "zip bomb"),
    ],
    ids=["wrong-type", "not-really-a-pdf", "encrypted-pdf", "scanned-pdf", "zip-bomb"],
)
def test_a_bad_upload_shows_its_message_at_the_file_field_and_adds_nothing(app, client, editor, make, name, expected):
    with app.app_context():
        before = len(store.all_briefings())
    response = upload(client, make(), name)
    assert response.status_code == 422
    soup = soup_of(response)
    message = field_messages(soup, "add-file")
    assert "Error:" in message and expected.lower() in message.lower()
    assert soup.find("input", id="add-file")["aria-invalid"] == "true"
    summary = soup.find(class_="error-summary")
    assert summary["role"] == "alert" and summary.find("a")["href"] == "#add-file"
    with app.app_context():
        assert len(store.all_briefings()) == before


def test_no_file_chosen_says_so(client, editor):
    response = client.post("/library/new/file", data={"csrf_token": csrf_token(client, "/library/new")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file" in field_messages(soup_of(response), "add-file")


def test_an_upload_past_the_limit_is_refused_before_it_is_read_with_a_message(make_app, client):
    app = make_app(MAX_UPLOAD_BYTES=64 * 1024)
    client = app.test_client()
    make_editor(app)
    sign_in(client, "erin")
    response = upload(client, b"x" * (128 * 1024), "long.txt")
    assert response.status_code == 413
    assert "The file is larger than 64 KB" in field_messages(soup_of(response), "add-file")


def test_other_forms_keep_the_two_megabyte_limit(client, editor):
    response = client.post("/library/new/text", data={"text": "x" * (3 * 1024 * 1024), "csrf_token": csrf_token(client, "/library/new")})
    assert response.status_code == 413
    assert "larger than any form here takes (2 MB)" in words(soup_of(response).find("main"))


def test_a_file_with_no_title_line_comes_in_with_a_check_at_the_title_or_under_the_title_typed_in_the_box(
    app, client, editor
):
    untitled = b"Background\n\nChild J lived with her gran.\n\nLearning\n\nAsk who else lives at home.\n"
    response = upload(client, untitled, "untitled.txt", title="  ")
    assert response.status_code == 303
    briefing_id = response.headers["Location"].split("/")[2]
    soup, _ = edit_form(client, briefing_id)
    message = field_messages(soup, "edit-title")
    assert "does not start with a title" in message and "Title box" in message

    response = upload(client, untitled, "untitled.txt", title="Child J")
    assert response.status_code == 303
    briefing_id = response.headers["Location"].split("/")[2]
    with app.app_context():
        assert store.get(briefing_id).briefing.title == "Child J"


def test_a_text_file_upload_becomes_a_draft(app, client, editor):
    response = upload(client, PASTED.encode("utf-8"), "child-d.txt")
    assert response.status_code == 303
    briefing_id = response.headers["Location"].split("/")[2]
    with app.app_context():
        assert store.get(briefing_id).source_name == "child-d.txt"


# --- the edit page --------------------------------------------------------------------------------------


def test_located_checks_and_set_aside_lines_show_next_to_what_they_concern(app, client, editor):
    briefing_id = draft(app, report=import_report())
    soup, _ = edit_form(client, briefing_id)
    assert "Check: The publisher was guessed from the masthead." in field_messages(soup, "edit-publisher")
    assert "No phrase matched this heading" in field_messages(soup, "section-1-kind")
    assert 'phrase "background"' in field_messages(soup, "section-0-kind")
    aside = soup.find("section", id="set-aside")
    lines = aside.find_all("li", class_="set-aside__line")
    assert [words(li.find("p")) for li in lines] == ["Download the briefing (PDF)", "The partner had convictions for violence."]
    assert lines[1].find("a")["href"] == "#source-line-6"
    assert soup.find(id="source-line-6") is not None
    buttons = [words(button) for button in aside.find_all("button")]
    assert buttons[1] == "Put back : The partner had convictions for violence."


def test_put_back_returns_the_line_to_the_end_of_its_section_and_off_the_list(app, client, editor):
    briefing_id = draft(app, report=import_report())
    response = press(client, briefing_id, "put-back-1")
    assert response.status_code == 303 and response.headers["Location"].endswith("#set-aside")
    with app.app_context():
        stored = store.get(briefing_id)
        assert stored.briefing.sections[1].paragraphs[-1] == "The partner had convictions for violence."
        assert [line.text for line in stored.report.set_aside] == ["Download the briefing (PDF)"]
        assert stored.version == 2
    soup = soup_of(client.get(f"/library/{briefing_id}/edit"))
    assert words(soup.find(class_="flash")).startswith("The line is back, at the end of section 2")
    assert soup.find("textarea", id="section-1-body").get_text().endswith("The partner had convictions for violence.")


def test_a_line_from_before_the_first_section_goes_back_at_its_start(app, client, editor):
    briefing_id = draft(app, report=import_report())
    press(client, briefing_id, "put-back-0")
    with app.app_context():
        assert store.get(briefing_id).briefing.sections[0].paragraphs[0] == "Download the briefing (PDF)"


def test_add_a_question_makes_a_reflection_section_when_there_is_none(app, client, editor):
    briefing_id = draft(app)
    soup, _ = edit_form(client, briefing_id)
    assert "standard team questions" in words(soup.find(id="questions"))
    press(client, briefing_id, new_question="Who  else lives in the home?")
    press(client, briefing_id, new_question="What would we do differently?")
    with app.app_context():
        sections = store.get(briefing_id).briefing.sections
        assert [section.kind for section in sections] == ["background", "other", "reflection"]
        assert [item.text for item in sections[2].items] == ["Who else lives in the home?", "What would we do differently?"]
    soup, _ = edit_form(client, briefing_id)
    questions = soup.find("ol", attrs={"aria-labelledby": "questions-heading"})
    assert [words(li) for li in questions.find_all("li")] == ["Who else lives in the home?", "What would we do differently?"]
    assert soup.find("input", id="edit-new_question")["value"] == ""


def test_correcting_a_kind_saves_a_version_that_says_so(app, client, editor):
    briefing_id = draft(app, report=import_report())
    response = press(client, briefing_id, section__1__kind="learning")
    assert response.status_code == 303
    history = soup_of(client.get(f"/library/{briefing_id}/history"))
    rows = history.find("table").find("tbody").find_all("tr")
    assert words(rows[0].find("th")) == "2"
    assert "erin" in words(rows[0]) and "kind: other -> learning" in words(rows[0])


def test_moving_and_removing_sections_keeps_the_reports_notes_with_their_sections(app, client, editor):
    briefing_id = draft(app, report=import_report())
    press(client, briefing_id, "up-1")
    with app.app_context():
        stored = store.get(briefing_id)
        assert [s.heading for s in stored.briefing.sections] == ["What we found", "Background"]
        assert stored.report.set_aside[1].section == 0
        assert stored.report.located_checks[1].section == 0
    soup, _ = edit_form(client, briefing_id)
    assert "No phrase matched this heading" in field_messages(soup, "section-0-kind")
    press(client, briefing_id, "remove-0")
    with app.app_context():
        assert [s.heading for s in store.get(briefing_id).briefing.sections] == ["Background"]


def test_mistakes_are_refused_with_a_summary_and_messages_tied_to_their_fields_and_nothing_saved(app, client, editor):
    briefing_id = draft(app)
    response = press(client, briefing_id, title="", date="March 2024", section__0__body="# Not a sub-heading")
    assert response.status_code == 422
    soup = soup_of(response)
    assert soup.title.get_text().startswith("Error:")
    summary = soup.find(class_="error-summary")
    assert summary.has_attr("autofocus") and summary["tabindex"] == "-1"
    assert [a["href"] for a in summary.find_all("a")] == ["#edit-title", "#edit-date", "#section-0-body"]
    assert "Write the briefing's title" in field_messages(soup, "edit-title")
    assert "2024-03" in field_messages(soup, "edit-date")
    assert "###" in field_messages(soup, "section-0-body")
    assert soup.find("textarea", id="section-0-body").get_text() == "# Not a sub-heading"  # what was typed is kept
    with app.app_context():
        assert store.get(briefing_id).version == 1


def test_a_save_on_top_of_someone_elses_is_refused_and_keeps_what_was_typed(app, client, editor):
    briefing_id = draft(app)
    _, data = edit_form(client, briefing_id)
    with app.app_context():
        changed = store.get(briefing_id).briefing
        changed.title = "Child D (their edit)"
        store.save(briefing_id, changed, by="sam", now=NOW)
    data.update(title="Child D (my edit)", action="save")
    response = client.post(f"/library/{briefing_id}/edit", data=data)
    assert response.status_code == 409
    soup = soup_of(response)
    assert "Someone else saved this briefing" in words(soup.find(class_="error-summary"))
    assert soup.find("input", id="edit-title")["value"] == "Child D (my edit)"
    with app.app_context():
        assert store.get(briefing_id).briefing.title == "Child D (their edit)"
    # Saving again from this page, having seen the message, replaces their version (the history keeps it).
    again = form_fields(soup, soup.find("form", class_="editor__form"))
    assert client.post(f"/library/{briefing_id}/edit", data={**again, "action": "save"}).status_code == 303
    with app.app_context():
        assert store.get(briefing_id).briefing.title == "Child D (my edit)"
        assert store.get(briefing_id).version == 3


def test_user_text_is_escaped_everywhere_on_the_edit_page(app, client, editor):
    briefing = Briefing(id="hostile", title=HOSTILE, publisher=HOSTILE,
                        sections=[Section("reflection", HOSTILE, [Block("list", items=[Item(HOSTILE)])])])
    report = import_report()
    report.set_aside[0].text = HOSTILE
    report.source_lines[0] = HOSTILE
    briefing_id = draft(app, briefing, report)
    for path in (f"/library/{briefing_id}/edit", f"/library/{briefing_id}/history", f"/library/{briefing_id}/preview", "/library"):
        soup = soup_of(client.get(path))
        assert all(script.get("src") for script in soup.find_all("script")), path
        assert HOSTILE in soup.get_text(), path


# --- publish, retire, history ------------------------------------------------------------------------------


def test_publishing_a_draft_puts_it_in_every_facilitators_library(app, client, editor):
    briefing_id = draft(app)
    response = press(client, briefing_id, "publish")
    assert response.status_code == 303
    with app.app_context():
        assert store.get(briefing_id).status == "published"
        assert briefing_id in get_library().briefings
    soup = soup_of(client.get(f"/library/{briefing_id}/edit"))
    assert "Published: the briefing is in every facilitator's library." in words(soup.find(class_="flash"))
    assert soup.find("button", string="Save and publish") is None
    assert soup.find("button", string="Retire this briefing") is not None


def test_a_draft_with_problems_shows_them_next_to_their_fields_and_cannot_be_published(app, client, editor):
    briefing = Briefing(id="child-e", title="Child E", sections=[
        Section("background", "Background", [Block("paragraph", text="Child E was two.")]),
        Section("learning", "Learning", []),
    ])
    briefing_id = draft(app, briefing)
    soup, _ = edit_form(client, briefing_id)
    assert "1 problem to fix before publishing" in words(soup.find(id="problems-notice"))
    assert "The section 'Learning' is empty" in field_messages(soup, "section-1-body")
    response = press(client, briefing_id, "publish")
    assert response.status_code == 422
    soup = soup_of(response)
    assert soup.find(class_="error-summary").find("a")["href"] == "#section-1-body"
    with app.app_context():
        assert store.get(briefing_id).status == "draft"
        assert briefing_id not in get_library().briefings


def test_retire_hides_a_briefing_from_facilitators_and_reinstate_brings_it_back(app, client, editor):
    token = csrf_token(client, "/library/westborough-child-3/edit")
    assert client.post("/library/westborough-child-3/retire", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert "westborough-child-3" not in get_library().briefings
    soup = soup_of(client.get("/library/westborough-child-3/edit"))
    assert words(soup.find(class_="status-tag")) == "Retired"
    assert client.post("/library/westborough-child-3/reinstate", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert store.get("westborough-child-3").status == "published"
        assert "westborough-child-3" in get_library().briefings


def test_history_lists_every_version_and_restore_brings_an_old_one_back_as_a_new_version(app, client, editor):
    press(client, "westborough-child-3", title="Child 3 (renamed)")
    history = soup_of(client.get("/library/westborough-child-3/history"))
    rows = history.find("table").find("tbody").find_all("tr")
    assert [words(row.find("th")) for row in rows] == ["2", "1"]
    assert "title changed" in words(rows[0]) and "Current version" in words(rows[0])
    assert "shipped file" in words(rows[1])
    restore = rows[1].find("form")
    assert restore["action"] == "/library/westborough-child-3/history/1/restore"
    assert words(restore.find("button")) == "Restore version 1"
    response = client.post(restore["action"], data={"csrf_token": restore.find("input", attrs={"name": "csrf_token"})["value"]})
    assert response.status_code == 303
    with app.app_context():
        stored = store.get("westborough-child-3")
        assert (stored.version, stored.briefing.title) == (3, "Child 3")
        assert get_library().get("westborough-child-3").title == "Child 3"


def test_restoring_a_version_that_does_not_exist_is_not_found(client, editor):
    response = client.post("/library/westborough-child-3/history/99/restore", data={"csrf_token": csrf_token(client, "/library")})
    assert response.status_code == 404


def test_preview_shows_each_step_with_its_sections_and_questions(app, client, editor):
    soup = soup_of(client.get("/library/westborough-child-3/preview"))
    steps = soup.find("ol", class_="preview-steps").find_all("li", class_="preview-step", recursive=False)
    titles = [words(step.find("h2", class_="stage__title")) for step in steps]
    assert titles[0] == "Background"
    assert "Agreed actions" in titles
    reflection = steps[titles.index(next(t for t in titles if t.startswith("Reflection")))]
    assert reflection.find("h2", class_="stage-question__text") is not None
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))  # steps side by side never share an id
