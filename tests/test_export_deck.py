"""The PowerPoint deck: an offline session pack for a briefing, and a session's record, as a person opening it
in PowerPoint would find it. Every deck is reopened with python-pptx and read back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from app.briefings.library import load_library
from app.briefings.markup import plain_text
from app.exports import deck as deck_module
from app.exports.content import SpokenResponse, briefing_content, session_content, xml_safe
from app.exports.deck import Para, build_deck, measure_shape, paginate, plain
from app.formatting import long_datetime, long_day, m_ss
from app.sessions.record import RecordedResponse
from app.sessions.templates import load_templates

from .exports_support import (
    BIDI_CONTROL,
    BIDI_KEPT,
    ANONYMOUS_ATTENDEE_NAME,
    ATTENDEE_NAME,
    HIDDEN,
    HOSTILE_KEPT,
    SCRIBED,
    SHOWN_ANONYMOUS,
    SHOWN_NAMED,
    STARTED,
    WAITING,
    sample_record,
)

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = load_library(ROOT / "briefings")
TEMPLATES = load_templates(ROOT / "session_templates")
BRIEFING_IDS = sorted(path.stem for path in (ROOT / "briefings").glob("*.md"))
TEMPLATE_IDS = ["seven-minute", "seven-segments", "extended"]
CREATED = datetime(2026, 11, 25, 14, 5, 30, tzinfo=timezone.utc)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def collapse(text: str) -> str:
    return " ".join(text.split())


def reopen(data: bytes):
    return Presentation(BytesIO(data))


_DECKS: dict[tuple[str, str], object] = {}


def briefing_deck(briefing_id: str, template_id: str = "seven-minute"):
    """A briefing's deck, built once per test run."""
    key = (briefing_id, template_id)
    if key not in _DECKS:
        content = briefing_content(LIBRARY.get(briefing_id), TEMPLATES.get(template_id))
        _DECKS[key] = reopen(build_deck(content, created=CREATED))
    return _DECKS[key]


def session_deck(record=None, created=CREATED):
    return reopen(build_deck(session_content(record or sample_record()), created=created))


def title_of(slide) -> str:
    return slide.placeholders[0].text_frame.text


def bodies(slide) -> list:
    """The slide's text boxes other than its title."""
    return [shape for shape in slide.shapes if shape.has_text_frame and not _is_title(shape)]


def _is_title(shape) -> bool:
    return shape.is_placeholder and shape.placeholder_format.idx == 0


def paragraphs(prs) -> list[str]:
    """Every paragraph on every slide (titles and bodies), in order."""
    return [collapse(p.text) for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs]


def deck_text(prs) -> str:
    return " ".join(paragraphs(prs))


def notes_of(slide) -> str:
    return collapse(slide.notes_slide.notes_text_frame.text) if slide.has_notes_slide else ""


def sentences(text: str) -> list[str]:
    """Sentences as the deck may cut a paragraph between slides: after a word ending . ! ? or …"""
    out, current = [], []
    for word in text.split():
        current.append(word)
        if re.search(r"[.!?…][\"'”’)\]]*$", word):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


every_briefing = pytest.mark.parametrize("briefing_id", BRIEFING_IDS)
every_template = pytest.mark.parametrize("template_id", TEMPLATE_IDS)


# --- shape of the deck ---------------------------------------------------------------------------------------


def test_there_are_five_shipped_briefings_to_check():
    assert len(BRIEFING_IDS) == 5
    assert all(LIBRARY.get(briefing_id) for briefing_id in BRIEFING_IDS)


@every_briefing
@every_template
def test_every_slide_is_widescreen_and_has_a_title_in_its_title_placeholder(briefing_id, template_id):
    prs = briefing_deck(briefing_id, template_id)
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 13.333 × 7.5 in: 16:9
    assert prs.slide_width * 9 == prs.slide_height * 16
    for slide in prs.slides:
        assert slide.shapes.title is not None
        assert slide.shapes.title.placeholder_format.idx == 0
        assert title_of(slide).strip()


@every_briefing
def test_slides_use_the_named_layouts_and_their_boxes_span_the_wide_slide(briefing_id):
    prs = briefing_deck(briefing_id)
    layouts = [slide.slide_layout.name for slide in prs.slides]
    assert layouts[0] == "Title Slide"
    assert layouts[1] == "Two Content"
    assert set(layouts[2:]) == {"Title and Content"}
    for slide in prs.slides:
        for shape in slide.placeholders:
            assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height
        assert slide.shapes.title.width == prs.slide_width  # the title band runs edge to edge
        if slide.slide_layout.name == "Title and Content":
            (body,) = bodies(slide)
            assert body.width > Inches(12)  # not squeezed into the left of the slide


@every_briefing
@every_template
def test_every_slide_after_the_title_has_speaker_notes_and_step_slides_carry_the_prompt_and_planned_time(
    briefing_id, template_id
):
    prs = briefing_deck(briefing_id, template_id)
    content = briefing_content(LIBRARY.get(briefing_id), TEMPLATES.get(template_id))
    steps = {step.number: step for step in content.steps}
    seen = set()
    for slide in list(prs.slides)[1:]:
        notes = notes_of(slide)
        assert notes, title_of(slide)
        match = re.match(r"Step (\d+): ", title_of(slide))
        if match:
            step = steps[int(match.group(1))]
            seen.add(step.number)
            assert collapse(step.prompt) in notes
            assert f"Planned time: {m_ss(step.planned_seconds)}" in notes
    assert seen == set(steps)


@every_briefing
@every_template
def test_the_deck_holds_every_sentence_of_the_briefing(briefing_id, template_id):
    briefing = LIBRARY.get(briefing_id)
    text = deck_text(briefing_deck(briefing_id, template_id))
    for piece in briefing.texts():
        for sentence in sentences(plain_text(piece)):
            assert sentence in text, sentence


@every_briefing
def test_the_title_slide_names_the_briefing_its_publisher_its_source_and_the_session_plan(briefing_id):
    briefing = LIBRARY.get(briefing_id)
    cover = briefing_deck(briefing_id).slides[0]
    assert title_of(cover) == briefing.title
    words = " ".join(collapse(shape.text_frame.text) for shape in bodies(cover))
    assert briefing.publisher in words
    assert collapse(briefing.source) in words
    steps = len(briefing_content(briefing, TEMPLATES.get("seven-minute")).steps)
    assert f"Session pack: Seven-minute briefing, 7 minutes in {steps} steps" in words


@every_briefing
def test_the_overview_shows_the_segments_and_the_steps_with_their_planned_times(briefing_id):
    content = briefing_content(LIBRARY.get(briefing_id), TEMPLATES.get("seven-minute"))
    overview = briefing_deck(briefing_id).slides[1]
    assert title_of(overview) == "At a glance"
    words = " ".join(collapse(shape.text_frame.text) for shape in bodies(overview))
    for label in content.outline:
        assert collapse(label) in words
    for step in content.steps:
        assert f"{step.number}. {step.title}: {m_ss(step.planned_seconds)}" in words


def test_sections_no_step_shows_are_on_also_in_this_briefing_slides():
    content = briefing_content(LIBRARY.get("wandsworth-mark-and-lloyd"), TEMPLATES.get("seven-minute"))
    unshown = [section for section in content.unshown if section.kind != "resources"]
    assert unshown
    prs = briefing_deck("wandsworth-mark-and-lloyd")
    also = " ".join(" ".join(collapse(s.text_frame.text) for s in bodies(slide)) for slide in prs.slides
                    if title_of(slide).startswith("Also in this briefing"))
    for section in unshown:
        for piece in section.texts():
            for sentence in sentences(plain_text(piece)):
                assert sentence in also


@every_briefing
def test_the_closing_slide_lists_the_resources_or_at_least_says_where_the_briefing_came_from(briefing_id):
    briefing = LIBRARY.get(briefing_id)
    prs = briefing_deck(briefing_id)
    closing = [slide for slide in prs.slides
               if title_of(slide).startswith(("Where to learn more", "Where this briefing came from"))]
    assert closing and closing[-1] == prs.slides[-1]
    words = " ".join(" ".join(collapse(s.text_frame.text) for s in bodies(slide)) for slide in closing)
    if briefing.sections_of("resources"):
        assert title_of(closing[0]) == "Where to learn more"
        for section in briefing.sections_of("resources"):
            for piece in section.texts():
                for sentence in sentences(plain_text(piece)):
                    assert sentence in words
    else:
        assert title_of(closing[0]) == "Where this briefing came from"
    if briefing.source:
        assert f"Source: {collapse(briefing.source)}" in words
    else:
        assert "Source: not recorded with this briefing" in words
    assert f"Published by {briefing.publisher}" in words


def test_a_bare_address_in_the_briefing_becomes_a_real_hyperlink():
    prs = briefing_deck("wigan-child-1-and-2")
    addresses = [shape.text_frame.paragraphs for slide in prs.slides for shape in bodies(slide)]
    links = {run.hyperlink.address for paragraphs_ in addresses for p in paragraphs_ for run in p.runs
             if run.hyperlink.address}
    assert any(link.startswith("https://greatermanchesterscb.proceduresonline.com/") for link in links)


def test_numbered_lists_keep_the_publishers_numbers():
    text = deck_text(briefing_deck("warwickshire-child-a"))
    assert "1. Make use of the Neglect Toolkit" in text
    assert "3. Familiarise yourself with Warwickshire's Escalation Process" in text


def test_links_without_an_address_stay_plain_text():
    prs = briefing_deck("wigan-child-o")
    assert "Its not okay" in deck_text(prs)
    for slide in prs.slides:
        for rel in slide.part.rels.values():
            assert not (rel.is_external and rel.target_ref == "#")


# --- fitting ----------------------------------------------------------------------------------------------------


def _assert_fits(prs):
    for slide in prs.slides:
        for shape in bodies(slide):
            needed, available = measure_shape(shape)
            assert needed <= available, (title_of(slide), needed, available)
            sizes = deck_module.font_sizes(shape)
            assert sizes and min(sizes) >= 20, title_of(slide)
        needed, available = measure_shape(slide.shapes.title)
        assert needed <= available, title_of(slide)
        title_sizes = deck_module.font_sizes(slide.shapes.title)
        assert title_sizes and 28 <= min(title_sizes) <= max(title_sizes) <= 40


@every_briefing
@every_template
def test_no_text_box_overflows_and_no_text_is_smaller_than_20_points(briefing_id, template_id):
    _assert_fits(briefing_deck(briefing_id, template_id))


def test_a_session_with_many_responses_and_actions_fits_too():
    _assert_fits(session_deck(sample_record(extra_responses=100, extra_actions=10)))


def _record_with_long_question(count=60):
    record = sample_record()
    step = next(step for step in record.steps if step.collects_responses)
    question = step.questions[0]
    for number in range(1, count + 1):
        question.responses.append(RecordedResponse(
            id=1000 + number, text=f"Long step response {number:03d}: we talked about how escalation works when "
                                   f"a parent refuses access and who we would call first.",
            created_at=STARTED + timedelta(minutes=5, seconds=number), source="attendee", anonymous=True))
    return record, question


def test_a_long_step_continues_on_slides_titled_continued_and_keeps_every_response_in_order():
    record, question = _record_with_long_question(60)
    prs = session_deck(record)
    titles = [title_of(slide) for slide in prs.slides]
    continued = [title for title in titles if title == "Step 4: Reflection (continued)"]
    assert len(continued) >= 5
    text = deck_text(prs)
    positions = [text.find(f"Long step response {number:03d}:") for number in range(1, 61)]
    assert all(position >= 0 for position in positions)
    assert positions == sorted(positions)
    # A slide that starts inside the question's responses repeats the question, marked "(continued)".
    question_text = collapse(plain_text(question.text))
    for slide in prs.slides:
        body = " ".join(shape.text_frame.text for shape in bodies(slide))
        if title_of(slide) == "Step 4: Reflection (continued)" and "Long step response" in body:
            assert collapse(bodies(slide)[0].text_frame.paragraphs[0].text) == f"{question_text} (continued)"
    _assert_fits(prs)


def test_a_paragraph_longer_than_a_slide_is_cut_between_sentences():
    sentence = "Professionals should share what they know with each other before a decision is made."
    text = " ".join(f"{sentence[:-1]} number {n}." for n in range(1, 41))
    pages = paginate([Para(plain(text))], 850, 390)
    assert len(pages) >= 3
    pieces = [" ".join(t.sep + t.text for t in p.tokens).strip() for page in pages for p in page]
    joined = " ".join("".join(t.sep + t.text for t in p.tokens) for page in pages for p in page)
    assert collapse(joined) == collapse(text)
    assert all(piece.endswith(".") for piece in pieces)
    for page in pages:
        assert sum(p.height(850) for p in page) <= 390


def test_headings_are_never_left_alone_at_the_bottom_of_a_slide():
    filler = [Para(plain(f"Paragraph {n} fills the slide with enough words to take two lines of text at this "
                         f"size, and then some more words to be sure of it."))
              for n in range(1, 7)]
    heading = deck_module.heading(plain("A heading"))
    pages = paginate(filler + [heading, Para(plain("Under the heading. " * 30))], 850, 390)
    for page in pages:
        assert not page[-1].keep_with_next or page is pages[-1]


def test_without_the_font_file_words_are_estimated_and_the_deck_still_builds(monkeypatch):
    monkeypatch.setattr(deck_module, "FONT_FILES", {key: "/nonexistent/font.ttf" for key in deck_module.FONT_FILES})
    deck_module._font.cache_clear()
    deck_module.em_width.cache_clear()
    try:
        assert deck_module.em_width("abcde") == pytest.approx(3.0)
        prs = session_deck()
        assert SHOWN_NAMED in deck_text(prs)
        _assert_fits(prs)
    finally:
        monkeypatch.undo()
        deck_module._font.cache_clear()
        deck_module.em_width.cache_clear()


# --- a session ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session_prs():
    return session_deck()


def test_a_named_response_shows_its_author(session_prs):
    named = [p for p in paragraphs(session_prs) if SHOWN_NAMED in p]
    assert named and all(ATTENDEE_NAME in p for p in named)


def test_anonymous_and_scribed_responses_show_no_name_and_register_names_appear_nowhere(session_prs):
    for text in (SHOWN_ANONYMOUS, SCRIBED):
        found = [p for p in paragraphs(session_prs) if text in p]
        assert found
        for p in found:
            assert ATTENDEE_NAME not in p and ANONYMOUS_ATTENDEE_NAME not in p and " — " not in p
    assert ANONYMOUS_ATTENDEE_NAME not in deck_text(session_prs)
    for slide in session_prs.slides:
        assert ATTENDEE_NAME not in notes_of(slide) and ANONYMOUS_ATTENDEE_NAME not in notes_of(slide)


def test_hidden_and_unapproved_responses_are_nowhere_in_the_deck(session_prs):
    everything = deck_text(session_prs) + " ".join(notes_of(slide) for slide in session_prs.slides)
    assert HIDDEN not in everything
    assert WAITING not in everything


def test_questions_without_responses_say_so(session_prs):
    assert "No responses recorded." in paragraphs(session_prs)


def test_every_action_shows_what_who_and_when(session_prs):
    record = sample_record()
    text = deck_text(session_prs)
    for action in record.actions:
        assert action.what in text
        if action.owner:
            assert f"Owner: {action.owner}; due {long_day(action.due)}" in text
    assert "No owner recorded; no date set" in text


def test_the_session_title_slide_gives_team_date_and_attendance(session_prs):
    cover = " ".join(collapse(shape.text_frame.text) for shape in bodies(session_prs.slides[0]))
    record = sample_record()
    assert record.team in cover
    assert long_datetime(record.started_at) in cover
    assert "attendance: 3 people" in cover
    assert "as it stood" not in cover


def test_session_step_notes_give_the_time_spent(session_prs):
    notes = [notes_of(slide) for slide in session_prs.slides if title_of(slide).startswith("Step 2: ")]
    assert "Time spent: 2:40 (allowed 3:00 with minutes added)" in notes[0]
    assert "Planned time: 2:00" in notes[0]


def test_a_running_session_says_when_its_record_was_taken():
    prs = session_deck(sample_record(status="running"))
    cover = " ".join(collapse(shape.text_frame.text) for shape in bodies(prs.slides[0]))
    assert f"as it stood at {long_datetime(CREATED)}" in cover


def test_steps_a_running_session_has_not_reached_say_so():
    record = sample_record(status="running")
    for step in record.steps[3:]:
        step.spent_seconds = 0
    prs = session_deck(record)
    assert "No responses recorded: the session had not reached this step." in paragraphs(prs)
    notes = [notes_of(slide) for slide in prs.slides if title_of(slide).startswith("Step 5: ")]
    assert "had not reached this step" in notes[0]


# --- safety --------------------------------------------------------------------------------------------------


def _external_targets(prs):
    return [rel.target_ref for slide in prs.slides for part in (slide.part, slide.notes_slide.part)
            for rel in part.rels.values() if rel.is_external]


def test_hostile_text_is_kept_as_text_and_nothing_points_outside_the_deck():
    prs = session_deck(sample_record(hostile=True))
    text = deck_text(prs)
    assert HOSTILE_KEPT in text
    assert '<img src="file:///etc/passwd">' in text
    assert "Team <script>alert(1)</script>" in text
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        assert not CONTROL.search(run.text)
    for target in _external_targets(prs):
        assert target.startswith(("http://", "https://", "mailto:")), target
    package = prs.part.package
    for part in package.iter_parts():
        assert not part.content_type.startswith("image/"), part.partname
        for rel in part.rels.values():
            assert not (rel.is_external and "file:" in rel.target_ref)


def test_bidirectional_controls_in_stored_text_reach_no_slide_or_note():
    prs = session_deck(sample_record(bidi=True))
    text = deck_text(prs)
    assert BIDI_KEPT in text and "Bea Jones" in text
    notes = " ".join(slide.notes_slide.notes_text_frame.text for slide in prs.slides if slide.has_notes_slide)
    assert not BIDI_CONTROL.search(text) and not BIDI_CONTROL.search(notes)


TYPED = st.text(st.one_of(
    st.characters(exclude_categories=()),  # surrogates included
    st.sampled_from("\x00\x07\x0b\x0c\x1b\x7f\x85\u2028\ufffe\uffff\ud800\udfff\t\n\r <>&\"'"),
))


@given(TYPED)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_typed_text_builds_a_deck_that_keeps_its_xml_safe_characters(text):
    content = session_content(sample_record())
    question = next(question for _, question in content.questions)
    # Straight into the content, past content.py's own cleaning: the deck must not trust its input.
    question.responses.append(SpokenResponse(text))
    content.session.actions[0] = type(content.session.actions[0])(text or "x", text, None)
    prs = reopen(build_deck(content, created=CREATED))
    assert collapse(xml_safe(text)) in deck_text(prs)


@every_briefing
def test_text_is_real_text_never_pictures(briefing_id):
    for prs in (briefing_deck(briefing_id), ):
        for slide in prs.slides:
            for shape in slide.shapes:
                assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE
            assert not slide._element.findall(f".//{qn('p:pic')}")
        assert not [part for part in prs.part.package.iter_parts() if part.content_type.startswith("image/")]


def test_every_run_on_a_slide_is_marked_british_english(session_prs):
    for slide in session_prs.slides:
        for r_pr in slide._element.iter(qn("a:rPr")):
            assert r_pr.get("lang") == "en-GB"


# --- metadata --------------------------------------------------------------------------------------------------


def test_a_briefing_deck_carries_its_own_document_properties():
    props = briefing_deck("wigan-child-3").core_properties
    briefing = LIBRARY.get("wigan-child-3")
    assert props.title == briefing.title
    assert props.author == briefing.publisher
    assert props.language == "en-GB"
    assert props.last_modified_by == "Briefing Room"
    assert props.created == CREATED.replace(tzinfo=None)
    assert props.modified == CREATED.replace(tzinfo=None)
    assert props.revision == 1
    assert props.keywords == "; ".join(briefing.themes)
    assert props.subject and props.category and props.comments


def test_a_session_deck_is_titled_as_a_record_of_that_session(session_prs):
    props = session_prs.core_properties
    assert props.title == "Child 3: session record, Early Help East, 24 November 2026"
    assert props.author == "Alex Facilitator"


def test_nothing_is_left_over_from_the_python_pptx_template(session_prs):
    defaults = Presentation().core_properties
    for prs in (session_prs, briefing_deck("wigan-child-o")):
        props = prs.core_properties
        for name in ("title", "author", "subject", "keywords", "comments", "category", "last_modified_by",
                     "created", "modified", "language", "identifier", "content_status"):
            assert getattr(props, name), name
            assert getattr(props, name) != getattr(defaults, name), name
        app = next(part for part in prs.part.package.iter_parts() if part.partname == "/docProps/app.xml")
        assert b"Briefing Room" in app.blob and b"Macintosh" not in app.blob and b"4:3" not in app.blob
        assert not [part for part in prs.part.package.iter_parts() if "printerSettings" in part.partname]
