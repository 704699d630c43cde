"""The PDFs: a briefing's handout and a session's record, as a reader (and a screen reader) finds them.

Text is read back with pypdf, keeping only what is inside the page margins (the running header and the page
numbers sit outside them, and would otherwise land in the middle of a paragraph that runs over a page), then
normalised (NFKC, list bullets dropped, whitespace collapsed).
"""

from __future__ import annotations

import http.server
import re
import threading
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from app.briefings.library import load_library
from app.briefings.markup import links_in, plain_text
from app.briefings.model import Block, Briefing, Item, Section
from app.exports import pdf
from app.exports.content import ActionContent, briefing_content, session_content
from app.formatting import long_date, m_ss

from .exports_support import (
    BIDI_CONTROL,
    BIDI_KEPT,
    ANONYMOUS_ATTENDEE_NAME,
    ATTENDEE_NAME,
    HIDDEN,
    HOSTILE_KEPT,
    ROOT,
    SCRIBED,
    SHOWN_ANONYMOUS,
    SHOWN_NAMED,
    WAITING,
    sample_record,
    template,
)

CREATED = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
SEED_IDS = sorted(path.stem for path in (ROOT / "briefings").glob("*.md"))
STATIC = (Path(pdf.__file__).resolve().parents[1] / "static").resolve()
MM = 72 / 25.4


# --- reading a PDF back -------------------------------------------------------------------------------------------


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("•", " ")
    return re.sub(r"\s+", " ", text).strip()


MARKER = re.compile(r"[•◦–]|\d+\.")  # list markers: pypdf reads them after the page's text


def page_body(page, margin: float = 19 * MM) -> str:
    """A page's text without what lies in its top and bottom margins (running header, page numbers; the page
    margin is 20 mm) and without list markers."""
    height = float(page.mediabox.height)
    parts: list[str] = []

    def keep(text, cm, tm, font, size):
        if not text.strip():
            parts.append(text)
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if margin < y < height - margin and not MARKER.fullmatch(text.strip()):
            parts.append(text)
        else:
            parts.append(" ")

    page.extract_text(visitor_text=keep)
    return "".join(parts)


def body_text(data: bytes) -> str:
    return normalised(" ".join(page_body(page) for page in PdfReader(BytesIO(data)).pages))


def whole_text(data: bytes) -> str:
    return normalised(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def squeezed(text: str) -> str:
    """Without any whitespace: for addresses, which may wrap anywhere."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def catalog(data: bytes):
    return PdfReader(BytesIO(data)).trailer["/Root"]


def has_embedded_files(data: bytes) -> bool:
    reader = PdfReader(BytesIO(data))
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                return True
    return bool(reader.attachments)


def image_count(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(BytesIO(data)).pages)


# --- what is rendered -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "briefings")


@pytest.fixture(scope="module")
def handouts(library):
    """Each seed briefing's content and handout PDF, rendered once for the module."""
    rendered = {}
    for briefing_id in SEED_IDS:
        content = briefing_content(library.get(briefing_id), template())
        rendered[briefing_id] = (content, pdf.handout_pdf(content, created=CREATED))
    return rendered


@pytest.fixture(scope="module")
def record():
    content = session_content(sample_record(extra_responses=20, extra_actions=5))
    return content, pdf.record_pdf(content, created=CREATED)


@pytest.fixture(scope="module")
def running_record():
    content = session_content(sample_record(status="running"))
    return content, pdf.record_pdf(content, created=CREATED)


@pytest.fixture
def listening_server():
    """A local HTTP server that counts every request it receives."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def hand_built_briefing(paragraph: str, **front) -> Briefing:
    return Briefing(
        id="hand-built",
        title=front.get("title", "A hand-built briefing"),
        publisher=front.get("publisher", "Test Partnership"),
        themes=front.get("themes", ["neglect"]),
        source=front.get("source", ""),
        date=front.get("date", ""),
        sections=[
            Section("background", "Background", [Block("paragraph", text=paragraph)]),
            Section("reflection", "What can we consider?", [Block("list", items=[Item("What would you do?")])]),
            *front.get("sections", []),
        ],
    )


# --- the handout ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("briefing_id", SEED_IDS)
def test_every_seed_briefing_s_text_appears_in_its_handout(library, handouts, briefing_id):
    briefing = library.get(briefing_id)
    content, data = handouts[briefing_id]
    text = body_text(data)
    squeezed_text = squeezed(text)
    missing = [
        t for t in briefing.texts()
        if normalised(plain_text(t)) not in text
        # a bare address may wrap anywhere on paper
        and not (" " not in plain_text(t).strip() and squeezed(plain_text(t)) in squeezed_text)
    ]
    assert missing == []
    assert briefing.publisher in text
    for theme in briefing.themes:
        assert theme in text
    if briefing.date:
        assert long_date(briefing.date) in text
    if briefing.source:
        assert normalised(plain_text(briefing.source)) in text


@pytest.mark.parametrize("briefing_id", SEED_IDS)
def test_a_handout_prints_the_address_of_every_link_in_where_to_learn_more(handouts, briefing_id):
    content, data = handouts[briefing_id]
    addresses = [
        link.href for section in content.resources for text in section.texts() for link in links_in(text)
        if link.href != "#"
    ]
    text = squeezed(whole_text(data))
    assert all(squeezed(address) in text for address in addresses)
    assert "(#)" not in text  # a link the publisher gave no address for prints no address


def test_a_link_with_its_own_words_prints_its_address_beside_them():
    address = "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2"
    resources = Section("resources", "Want to learn more?", [
        Block("paragraph", text=f"Read [Working Together to Safeguard Children]({address}) first."),
    ])
    content = briefing_content(hand_built_briefing("A story.", sections=[resources]), template())
    soup = BeautifulSoup(pdf.handout_html(content, CREATED), "html.parser")
    assert soup.find("span", class_="address").get_text() == f"({address})"
    text = whole_text(pdf.handout_pdf(content, created=CREATED))
    assert "Read Working Together to Safeguard Children" in text
    assert squeezed(f"({address})") in squeezed(text)


@pytest.mark.parametrize("briefing_id", ["wigan-child-3", "wandsworth-mark-and-lloyd"])
def test_every_reflection_question_in_the_handout_is_followed_by_space_to_write(library, briefing_id):
    content = briefing_content(library.get(briefing_id), template())
    soup = BeautifulSoup(pdf.handout_html(content, CREATED), "html.parser")
    questions = [question.text for _, question in content.questions]
    assert questions
    blocks = soup.select(".question")
    assert [normalised(block.select_one(".question__text").get_text()) for block in blocks] == [
        normalised(plain_text(question)) for question in questions
    ]
    for block in blocks:
        # The writing space sits inside the question's own block (kept together on a page) and after its text.
        space = block.select_one(".write-space")
        assert space is not None and len(space.select(".write-space__line")) >= 3
        assert block.select_one(".question__text").find_next(class_="write-space") is space
    # Each question is printed once, not once in the briefing and again in a list of questions.
    assert soup.get_text().count(plain_text(questions[0])) == 1


def test_a_briefing_without_questions_gets_the_template_s_questions_with_space_to_write():
    briefing = hand_built_briefing("A story.")
    briefing.sections = [section for section in briefing.sections if section.kind != "reflection"]
    content = briefing_content(briefing, template())
    soup = BeautifulSoup(pdf.handout_html(content, CREATED), "html.parser")
    blocks = soup.select(".section--questions .question")
    assert len(blocks) == len(content.questions) == 3
    assert all(block.select_one(".write-space") for block in blocks)
    assert "How can we ensure the learning is embedded" in body_text(pdf.handout_pdf(content, created=CREATED))


def test_characters_a_pdf_cannot_hold_are_dropped_from_briefing_text_too():
    briefing = hand_built_briefing("Odd\x01 \x07characters\x1b \ufffegone", title="Child\x01 B")
    data = pdf.handout_pdf(briefing_content(briefing, template()), created=CREATED)
    assert "Odd characters gone" in body_text(data)
    assert PdfReader(BytesIO(data)).metadata.title == "Child B: seven-minute briefing handout"


# --- the session record -----------------------------------------------------------------------------------------


def test_the_record_shows_every_shown_response_and_every_action(record):
    content, data = record
    text = body_text(data)
    responses = [response for _, question in content.questions for response in question.responses]
    assert len(responses) == 23
    assert [r.text for r in responses if r.text not in text] == []
    for name in (SHOWN_NAMED, SHOWN_ANONYMOUS, SCRIBED):
        assert name in text
    assert f"{SHOWN_NAMED} – {ATTENDEE_NAME} (Social worker, Children's Services)" in text
    for action in content.session.actions:
        assert action.what in text
        assert (action.owner or "No owner yet") in text
    assert "Jo Bloggs 10 December 2026" in text
    assert "Share the briefing with the evening duty team No owner yet No date yet" in text


def test_hidden_and_unapproved_responses_appear_nowhere_in_the_record(record):
    content, data = record
    html = pdf.record_html(content, CREATED)
    for text in (whole_text(data), html):
        assert HIDDEN not in text
        assert WAITING not in text


def test_an_anonymous_response_has_no_name_near_it(record):
    content, _ = record
    soup = BeautifulSoup(pdf.record_html(content, CREATED), "html.parser")
    entry = next(item for item in soup.select("li.response") if SHOWN_ANONYMOUS in item.get_text())
    assert ATTENDEE_NAME not in entry.get_text()
    assert ANONYMOUS_ATTENDEE_NAME not in entry.get_text()
    assert entry.select_one(".response__by") is None
    named = next(item for item in soup.select("li.response") if SHOWN_NAMED in item.get_text())
    assert ATTENDEE_NAME in named.select_one(".response__by").get_text()


def test_the_record_names_the_facilitator_team_date_attendance_and_time_per_step(record):
    content, data = record
    text = body_text(data)
    assert text.startswith("Session record Child 3")
    assert "Facilitator Alex Facilitator" in text
    assert "Team Early Help East" in text
    assert "Date 24 November 2026 at 09:30, ended at 09:37" in text
    assert "Attendance 3 people" in text
    assert f"{ATTENDEE_NAME} (Social worker, Children's Services)" in text and ANONYMOUS_ATTENDEE_NAME in text
    assert "1 person joined without a name" in text
    assert "Step Planned Spent Against plan" in text
    assert "1. Background 1:00 0:55 0:05 under" in text
    assert "2. What was learned 2:00 (+1:00 added) 2:40 0:40 over" in text
    assert "Whole session 7:00 (+1:00 added) 7:35 0:35 over" in text
    assert "still running" not in text.lower()


def test_a_running_session_s_record_says_so_at_the_top_and_when_it_was_made(running_record):
    content, data = running_record
    first_page = normalised(page_body(PdfReader(BytesIO(data)).pages[0]))
    assert "This session is still running. This record is as it stood at 24 November 2026 at 10:00" in first_page
    assert first_page.index("still running") < first_page.index("Facilitator")
    text = body_text(data)
    assert "3. Why it matters here 1:00 not reached" in text
    assert f"Whole session 7:00 (+1:00 added) {m_ss(content.session.spent_seconds)} so far" in text


def test_the_record_says_how_the_team_will_know_the_learning_is_embedded(record):
    _, data = record
    text = body_text(data)
    part = text[text.index("How we will know the learning is embedded"):]
    assert "By 10 December 2026, Jo Bloggs: Add the escalation policy" in part
    assert "By 15 January 2027, Sam Patel: Review open cases" in part
    assert "Review date: 5 February 2027." in part
    assert "Still to decide Share the briefing with the evening duty team – needs an owner and a date." in part


def test_embedding_checks_dated_actions_soonest_first_and_lists_what_is_still_to_decide():
    late = ActionContent("Audit", "Ann", date(2027, 3, 1))
    early = ActionContent("Train", "", date(2027, 1, 1))
    undated = ActionContent("Share", "Bob", None)
    plan = pdf.embedding([late, undated, early])
    assert plan.checks == [early, late]
    assert plan.review_date == date(2027, 3, 1)
    assert plan.to_decide == [(undated, "a date"), (early, "an owner")]
    assert pdf.embedding([]) == pdf.Embedding(checks=[], review_date=None, to_decide=[])


def test_a_record_with_no_actions_says_there_is_nothing_to_check_yet():
    record = sample_record()
    record.actions = []
    text = body_text(pdf.record_pdf(session_content(record), created=CREATED))
    assert "No actions were recorded." in text
    assert "No actions were agreed, so there is nothing to check yet." in text


# --- metadata and accessibility ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["handout", "record"])
def document(request, handouts, record):
    if request.param == "handout":
        content, data = handouts["wigan-child-3"]
        return request.param, content, data
    content, data = record
    return request.param, content, data


def test_the_pdf_carries_the_app_s_own_title_author_and_creator(document):
    kind, content, data = document
    metadata = PdfReader(BytesIO(data)).metadata
    assert metadata.title.startswith({"handout": "Child 3: seven-minute briefing handout",
                                      "record": "Session record: Child 3, Early Help East"}[kind])
    assert metadata.author == {"handout": "Wigan Safeguarding Partnership", "record": "Alex Facilitator"}[kind]
    assert metadata.creator == "Briefing Room"
    assert metadata.producer.startswith("WeasyPrint")
    assert metadata["/CreationDate"].startswith("D:20261124100000")
    assert "professional curiosity" in metadata["/Keywords"]
    assert "Child 3" in metadata.subject


def test_the_pdf_is_tagged_in_british_english(document):
    _, _, data = document
    root = catalog(data)
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")


def test_every_page_is_numbered_page_n_of_m_under_a_running_header(document):
    _, content, data = document
    pages = PdfReader(BytesIO(data)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in normalised(page.extract_text())
    assert normalised(pages[1].extract_text()).count(content.title) >= 1  # the running header
    assert f"Page 2 of {len(pages)}" not in body_text(data)  # outside the margins, not in the text flow


def test_every_font_in_the_pdf_is_embedded(document):
    _, _, data = document
    reader = PdfReader(BytesIO(data))
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            fonts.append(descendants[0].get_object() if descendants else font)
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.get("/BaseFont")


# --- hostile input and what the renderer may fetch ---------------------------------------------------------------


def test_bidirectional_controls_in_stored_text_reach_no_line_of_the_record():
    data = pdf.record_pdf(session_content(sample_record(bidi=True)), created=CREATED)
    text = whole_text(data)
    assert BIDI_KEPT in text and "Bea Jones" in text
    assert not BIDI_CONTROL.search(text)


def test_hostile_input_renders_as_text_and_fetches_nothing():
    content = session_content(sample_record(hostile=True))
    fetcher = pdf.StaticFilesOnly()
    data = pdf.record_pdf(content, created=CREATED, url_fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert not has_embedded_files(data)
    assert image_count(data) == 0
    text = whole_text(data)
    assert "root:x:0:0" not in text
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert HOSTILE_KEPT in text
    assert "Team <script>alert(1)</script>" in text
    assert "Owner <b>bold</b>" in text
    assert fetcher.requested == []
    html = pdf.record_html(content, CREATED)
    assert "<script>" not in html and "<img src=" not in html and "<b>bold" not in html


def test_addresses_in_responses_and_briefing_images_never_reach_the_network(listening_server):
    url, seen = listening_server
    record = sample_record()
    step = next(step for step in record.steps if step.questions)
    record.steps[step.index].questions[0].responses.append(
        replace(step.questions[0].responses[0], id=77, text=f'See <img src="{url}/x">', author="")
    )
    step.questions[0].text += f" ![question image]({url}/q)"
    record_fetcher = pdf.StaticFilesOnly()
    record_data = pdf.record_pdf(session_content(record), created=CREATED, url_fetcher=record_fetcher)

    briefing = hand_built_briefing(f"Look at this ![picture]({url}/y) closely.", source=f"{url}/source")
    handout_fetcher = pdf.StaticFilesOnly()
    handout_data = pdf.handout_pdf(briefing_content(briefing, template()), created=CREATED,
                                   url_fetcher=handout_fetcher)

    assert seen == []
    # A briefing's image is shown as its words: the renderer is never even asked for it.
    assert record_fetcher.requested == handout_fetcher.requested == []
    assert f'See <img src="{url}/x">' in whole_text(record_data)
    assert "question image" in whole_text(record_data) and "Look at this picture closely." in whole_text(handout_data)
    assert image_count(record_data) == image_count(handout_data) == 0


def test_a_briefing_s_markdown_images_cannot_read_local_files():
    paragraph = (
        "Look ![a](file:///etc/passwd) ![b](/etc/passwd) ![c](../../../../../../../../etc/passwd) "
        "![d](%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd) here."
    )
    content = briefing_content(hand_built_briefing(paragraph), template())
    fetcher = pdf.StaticFilesOnly()
    data = pdf.handout_pdf(content, created=CREATED, url_fetcher=fetcher)
    text = whole_text(data)
    assert "root:x:0:0" not in text
    assert not has_embedded_files(data)
    assert image_count(data) == 0
    # markdown-it leaves a file: image as text; the others are images, shown as their words and never fetched
    # (StaticFilesOnly would refuse them anyway; test_weasyprint_with_the_fetcher_... holds that).
    assert "Look ![a](file:///etc/passwd) b c d here." in " ".join(text.split())
    assert fetcher.requested == []


def test_a_normal_render_asks_for_nothing(handouts, record):
    fetcher = pdf.StaticFilesOnly()
    pdf.record_pdf(record[0], created=CREATED, url_fetcher=fetcher)
    pdf.handout_pdf(handouts["wandsworth-mark-and-lloyd"][0], created=CREATED, url_fetcher=fetcher)
    assert fetcher.requested == []


def test_weasyprint_with_the_fetcher_embeds_nothing_from_local_file_references():
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>Probe</title>
    <link rel="stylesheet" href="file:///etc/passwd">
    <link rel="attachment" href="file:///etc/passwd" title="passwd">
    <style>@import url("file:///etc/passwd"); p { background: url("file:///etc/passwd"); }</style>
    </head><body><p>Probe</p><img src="file:///etc/passwd" alt="passwd">
    <a rel="attachment" href="file:///etc/passwd">attached</a>
    <img src="img/favicon.svg" alt="The app's own icon"></body></html>"""
    fetcher = pdf.StaticFilesOnly()
    data = pdf.render_pdf(html, url_fetcher=fetcher)
    assert not has_embedded_files(data)
    assert "root:x:0:0" not in whole_text(data)
    assert b"root:x:0:0" not in data
    assert fetcher.refused and all(url == "file:///etc/passwd" for url in fetcher.refused)
    assert STATIC.joinpath("img", "favicon.svg").as_uri() in fetcher.requested  # the static folder still works
    assert fetcher.requested.count("file:///etc/passwd") == len(fetcher.refused)


# --- StaticFilesOnly on its own ---------------------------------------------------------------------------------


@pytest.fixture
def static_tree(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "print.css").write_text("p { color: black }")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("a secret")
    (static / "escape.txt").symlink_to(outside / "secret.txt")
    (static / "escape-folder").symlink_to(outside, target_is_directory=True)
    return static


def test_the_fetcher_serves_a_file_inside_the_static_folder(static_tree):
    fetcher = pdf.StaticFilesOnly(static_tree)
    response = fetcher.fetch(fetcher.base_url + "css/print.css")
    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"
    assert fetcher.refused == []
    default = pdf.StaticFilesOnly()
    assert default.base_url == STATIC.as_uri() + "/"
    app_css = STATIC / "css" / "app.css"
    assert default.fetch(app_css.as_uri()).read() == app_css.read_bytes()


@pytest.mark.parametrize("address", [
    "file:///etc/passwd",
    "{static}../private/secret.txt",
    "{static}%2e%2e/private/secret.txt",
    "{static}css/../../private/secret.txt",
    "{static}escape.txt",
    "{static}escape-folder/secret.txt",
    "{static}",
    "{static}css/missing.css",
    "file://otherhost{static_path}css/print.css",
    "{server}/",
    "https://example.invalid/x.png",
    "data:text/plain,hello",
    "data:image/png;base64,iVBORw0KGgo=",
    "ftp://127.0.0.1/x",
    "gopher://127.0.0.1/x",
    "javascript:alert(1)",
])
def test_the_fetcher_refuses_everything_outside_the_static_folder(static_tree, listening_server, address):
    url, seen = listening_server
    fetcher = pdf.StaticFilesOnly(static_tree)
    address = address.format(static=fetcher.base_url, static_path=static_tree.resolve().as_posix() + "/", server=url)
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(address)
    assert fetcher.refused == [address]
    assert seen == []


def test_the_fetcher_follows_no_redirects():
    fetcher = pdf.StaticFilesOnly()
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


# --- a flooded question's record ----------------------------------------------------------------------------------

FLOOD_WORDS = ("the child voice school nurse health visitor social worker referral strategy meeting escalation "
               "assessment neglect home visit family support plan review threshold supervision agency consent "
               "concern professional curiosity police housing attendance missed appointment records").split()


def long_reflection(number: int) -> str:
    """About 1,900 characters of ordinary words, opened with its number so a reader can find each one."""
    words, length = [f"Long reflection {number}."], 0
    for index in range(400):
        word = FLOOD_WORDS[(number * 7 + index * 13) % len(FLOOD_WORDS)]
        words.append(word + ("." if index % 11 == 10 else ""))
        length += len(word) + 1
        if length > 1880:
            break
    return " ".join(words)


@pytest.fixture(scope="module")
def flooded_record():
    record = sample_record()
    question = next(question for step in record.steps for question in step.questions if question.responses)
    question.responses.extend(
        replace(question.responses[1], id=1000 + number, text=long_reflection(number)) for number in range(1, 81)
    )
    content = session_content(record)
    return content, pdf.record_pdf(content, created=CREATED)


def test_a_flooded_question_s_record_holds_every_response_on_fewer_pages(flooded_record):
    _, data = flooded_record
    pages = PdfReader(BytesIO(data)).pages
    text = body_text(data)
    assert {int(n) for n in re.findall(r"Long reflection (\d+)\.", text)} == set(range(1, 81))
    # 80 responses of ~1,900 characters: 11 pt on a 1.35 line and a narrower indent take 38 pages (43 at 11.5 pt
    # on 1.45). Fewer lines and pages are less to lay out, draw and tag, and less paper.
    assert len(pages) <= 39


def test_response_text_in_the_record_is_at_least_11_point(flooded_record):
    _, data = flooded_record
    sizes = []

    def visit(text, cm, tm, font, font_size):
        if "reflection" in text or "escalation" in text:
            sizes.append(font_size * (tm[3] ** 2 + tm[2] ** 2) ** 0.5 * (cm[3] ** 2 + cm[2] ** 2) ** 0.5)

    for page in PdfReader(BytesIO(data)).pages[1:4]:
        page.extract_text(visitor_text=visit)
    assert sizes
    assert min(sizes) >= 11 - 0.01


def test_page_streams_are_compressed_at_zlib_s_default_level_not_its_slowest(flooded_record):
    # Level 9 took five times as long as level 6 on a flooded record's page streams, for a file 8% smaller.
    import zlib

    import pydyf

    page_text = b"".join(b"BT /F1 11 Tf <%04x0102030405> Tj ET\n" % number for number in range(5000))
    stream = pydyf.Stream([page_text], compress=True)
    compressed = stream.data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(compressed) == page_text
    assert compressed == zlib.compress(page_text, 6)
    # and the record's own pages are still compressed
    page = PdfReader(BytesIO(flooded_record[1])).pages[2]
    assert page["/Contents"].get_object().get("/Filter") in ("/FlateDecode", ["/FlateDecode"])


# --- the shortcuts in WeasyPrint's line breaking and text drawing ------------------------------------------------

# Texts that take every turn of WeasyPrint's line breaking: kerning pairs at line ends ("AVA", "To", "Ty"),
# punctuation and quotes, numbers, an address with no spaces (broken anywhere), a word longer than a line, a
# soft hyphen, several scripts (right to left, CJK, emoji: other fonts and line heights), combining accents,
# runs of spaces, and preserved line breaks and a tab.
AWKWARD_TEXTS = [
    "AVA WAY To Ty Yo Te LT AV. " + long_reflection(1),
    "“Why?” asked the nurse — Ellie’s mum’s (again); it’s 1,000 or 12.5% of 3/4… " * 14,
    "See https://example.org/a/very/long/path/that/has/no/spaces/at/all/and/keeps/going/" * 4 + " then words " * 20,
    "Supercalifragilisticexpialidocious" * 8 + " and then ordinary words follow it " * 12,
    "A soft\xadhyphen in a word, in\xadter\xadest\xading, in a long text of words " * 12,
    "The family spoke Arabic: مرحبا بكم في الاجتماع and Hebrew שלום עליכם with us " * 10,
    "会议记录 儿童 保护 学校 and English words between them in a sentence 🙂 👍 " * 12,
    "Crème brûlée, naïve façade, Llŷr and Siân, Zoë; e\u0301 combined accents here " * 14,
    "Spaces    between     words   and\nlines that\nbreak where\tthe author typed them " * 10,
]


def _plain_weasyprint(monkeypatch):
    """WeasyPrint's own line breaking and text drawing, for this test only."""
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    for module in (line_break, inline, preferred):
        monkeypatch.setattr(module, "split_first_line", module.split_first_line.wrapped)
    monkeypatch.setattr(draw_text, "draw_first_line", draw_text.draw_first_line.wrapped)
    monkeypatch.setattr(line_break.Layout, "setup", line_break.Layout.setup.wrapped)
    monkeypatch.setattr(inline, "strut", inline.strut.wrapped)


def _page_streams(data: bytes) -> list[bytes]:
    """Each page's drawing instructions, with the kerning adjustments of 0 (which move nothing) left out and
    strings of glyphs that follow each other joined (`<0044><0051>` shows what `<00440051>` shows)."""
    return [page.get_contents().get_data().replace(b">0<", b"").replace(b">0]", b">]").replace(b"><", b"")
            for page in PdfReader(BytesIO(data)).pages]


def test_the_speedups_are_in_place_on_the_weasyprint_version_they_were_checked_against():
    import weasyprint

    from app.exports import weasyprint_speedups

    assert weasyprint.__version__ == weasyprint_speedups.WEASYPRINT_VERSION, (
        "WeasyPrint changed: check weasyprint_speedups against the new version's line_break.split_first_line "
        "and draw.text.draw_first_line, then update WEASYPRINT_VERSION")
    assert weasyprint_speedups.applied == {"split_first_line": True, "draw_first_line": True, "setup": True,
                                           "strut": True}


def test_the_speedups_draw_every_line_of_every_kind_of_text_exactly_where_weasyprint_would(monkeypatch):
    from app.exports import weasyprint_speedups

    record = sample_record()
    question = next(question for step in record.steps for question in step.questions if question.responses)
    question.responses.extend(replace(question.responses[1], id=2000 + number, text=text)
                              for number, text in enumerate(AWKWARD_TEXTS))
    content = session_content(record)
    used = []
    line_from = weasyprint_speedups._line_from
    monkeypatch.setattr(weasyprint_speedups, "_line_from",
                        lambda *args: used.append(result := line_from(*args)) or result)
    quick = pdf.record_pdf(content, created=CREATED)
    assert sum(result is not None for result in used) > 30  # the shortcut did the work for many lines
    assert any(result is None for result in used)  # and handed some back to WeasyPrint

    with monkeypatch.context() as plain:
        _plain_weasyprint(plain)
        slow = pdf.record_pdf(content, created=CREATED)

    assert _page_streams(quick) == _page_streams(slow)
    # Kerning adjustments of 0 are left out of plain lines (lines with a missing glyph or an accent placed by
    # the font are drawn by WeasyPrint itself, which writes them).
    zeros = [b"".join(page.get_contents().get_data() for page in PdfReader(BytesIO(data)).pages).count(b">0<")
             for data in (quick, slow)]
    assert zeros[0] * 5 < zeros[1]
    assert body_text(quick) == body_text(slow)


def test_a_handout_is_drawn_the_same_with_and_without_the_speedups(monkeypatch, library):
    content = briefing_content(library.get("wandsworth-mark-and-lloyd"), template())
    quick = pdf.handout_pdf(content, created=CREATED)
    with monkeypatch.context() as plain:
        _plain_weasyprint(plain)
        slow = pdf.handout_pdf(content, created=CREATED)
    assert _page_streams(quick) == _page_streams(slow)


def test_on_another_weasyprint_version_nothing_is_replaced(monkeypatch):
    import weasyprint
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from app.exports import weasyprint_speedups

    none = {"split_first_line": False, "draw_first_line": False, "setup": False, "strut": False}
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    monkeypatch.setattr(weasyprint_speedups, "applied", dict(none))
    monkeypatch.setattr(line_break, "split_first_line", line_break.split_first_line.wrapped)
    monkeypatch.setattr(draw_text, "draw_first_line", draw_text.draw_first_line.wrapped)
    monkeypatch.setattr(line_break.Layout, "setup", line_break.Layout.setup.wrapped)
    monkeypatch.setattr(inline, "strut", inline.strut.wrapped)
    assert weasyprint_speedups.apply() == none
    assert not hasattr(line_break.split_first_line, "wrapped")
    assert not hasattr(draw_text.draw_first_line, "wrapped")
    assert not hasattr(line_break.Layout.setup, "wrapped")
    assert not hasattr(inline.strut, "wrapped")

    # nor on the same version number with other source (a patched or rebuilt WeasyPrint)
    monkeypatch.setattr(weasyprint, "__version__", weasyprint_speedups.WEASYPRINT_VERSION)
    monkeypatch.setitem(weasyprint_speedups.SOURCES, "draw_first_line", "0" * 16)
    monkeypatch.setitem(weasyprint_speedups.SOURCES, "set_text", "0" * 16)
    monkeypatch.setitem(weasyprint_speedups.SOURCES, "setup", "0" * 16)
    monkeypatch.setitem(weasyprint_speedups.SOURCES, "strut", "0" * 16)
    assert weasyprint_speedups.apply() == none
    assert not hasattr(line_break.split_first_line, "wrapped")
    assert not hasattr(draw_text.draw_first_line, "wrapped")
    assert not hasattr(line_break.Layout.setup, "wrapped")
    assert not hasattr(inline.strut, "wrapped")


def test_the_quick_line_break_is_weasyprint_s_line_break_line_by_line_at_many_widths(monkeypatch):
    """Every line of many texts at many widths: the same length, next line, width, height and baseline. 513 px
    gives a line where the next word fits once its space is not counted (Pango broke before it and WeasyPrint
    moves it up: a line of Hebrew and Arabic), the case the shortcut must hand back to WeasyPrint."""
    from weasyprint import HTML
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    from app.exports import weasyprint_speedups

    quick, original = line_break.split_first_line, line_break.split_first_line.wrapped
    seen = {}

    def keep_style(text, style, context, *args, **kwargs):
        seen.setdefault("style", (style, context))
        return original(text, style, context, *args, **kwargs)

    with monkeypatch.context() as spying:
        spying.setattr(inline, "split_first_line", keep_style)
        HTML(string='<html lang="en-GB"><p style="font: 11pt \'Liberation Sans\'; overflow-wrap: anywhere">'
                    "A few words</p>").render()
    style, context = seen["style"]
    texts = [long_reflection(number) for number in range(1, 9)] + AWKWARD_TEXTS[:4] + AWKWARD_TEXTS[5:8]
    lines = moved_up = 0
    for max_width in [*range(420, 700, 23), 513]:
        for text in texts:
            while text:
                expected = original(text, style, context, max_width, 0)
                got = quick(text, style, context, max_width, 0)
                assert got[0].text == expected[0].text
                assert got[1:] == expected[1:], (max_width, text[:80])
                paragraph = weasyprint_speedups._Paragraph(text, style, context, max_width, 0)
                if expected[2] is not None and len(paragraph.byte_starts) > 1:
                    moved_up += expected[2] > paragraph.byte_starts[1]
                lines += 1
                if expected[2] is None:
                    break
                text = text.encode()[expected[2]:].decode()
    assert lines > 1000
    assert moved_up > 0
