"""Properties of the importer on any text: it never crashes, never loses a line, never makes an empty section."""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.briefings.importing import ImportFailed, import_text
from app.briefings.model import SECTION_KINDS

from .test_importer import empty_sections, lost_lines

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Lines shaped like the ones that drive the importer's decisions, mixed with arbitrary text.
heading_like = st.sampled_from(
    [
        "Background", "What was the Learning?", "Lessons Learned (cont.)", "What we have learned (contd.)...",
        "Why is this important to Wigan?", "What do I need to do...", "Advice for professionals",
        "How to use this briefing:", "Want to learn more?", "Key findings", "The Deal", "Local offer",
        "Information about criminal exploitation", "Information about [x](#)", "Child A's Story....",
        "Wigan Safeguarding Partnership 7 Minute Briefing – Child 1&2", "Learning for Practice: look again.",
        "What are your key thoughts and reflections?", "## Our offer", "# Child Z", "https://example.org/x",
    ]
)
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
marker = st.sampled_from(["", "", "", "- ", "• ", "* ", "1. ", "2) ", "12. ", "  ", "\t"])
line = st.one_of(
    heading_like,
    words,
    st.builds(lambda m, w: m + w, marker, st.one_of(heading_like, words)),
    st.just(""),
)
briefing_text = st.lists(line, max_size=30).map("\n".join)
any_text = st.one_of(briefing_text, st.text(max_size=300))

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def imported_or_refused(text: str, title: str | None):
    try:
        return import_text(text, title=title)
    except ImportFailed as failed:
        message = str(failed)
        assert message and "Traceback" not in message
        return None


@PROPERTY_SETTINGS
@given(text=any_text, title=st.one_of(st.none(), st.just("Child Q")))
def test_any_text_is_either_imported_or_refused_with_a_message_and_no_line_is_lost(text, title):
    result = imported_or_refused(text, title)
    if result is None:
        return
    briefing = result.briefing
    assert lost_lines(text, briefing, result.report) == []
    assert empty_sections(briefing) == []
    assert briefing.title.strip()
    assert ID_PATTERN.match(briefing.id)
    assert all(section.kind in SECTION_KINDS for section in briefing.sections)
    assert len(result.report.sections) == len(briefing.sections)


@PROPERTY_SETTINGS
@given(body=briefing_text)
def test_with_a_title_given_any_non_blank_text_imports(body):
    if not body.strip():
        return
    result = imported_or_refused(body, "Child R")
    if result is None:  # only refused for control characters or size, which this text cannot have much of
        assert re.search(r"[\x00-\x08\x0e-\x1b\x7f]", body)
        return
    assert lost_lines(body, result.briefing, result.report) == []
    numbers = [s.number for s in result.briefing.sections if s.number is not None]
    assert numbers == sorted(numbers)  # numbered segments always end up in numbered order


# Saved web pages: any page is imported or refused with a message, and every line of it is in the briefing or
# listed as set aside.
_words_for_pages = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), max_size=30)
_block = st.one_of(
    st.builds(lambda tag, text: f"<{tag}>{html.escape(text)}</{tag}>", st.sampled_from(["h2", "h3", "p", "li"]),
              st.one_of(heading_like, _words_for_pages)),
    st.builds(lambda text: f"<nav><a href='/'>{html.escape(text)}</a></nav>", _words_for_pages),
    st.builds(lambda text: f"<footer><p>{html.escape(text)}</p></footer>", _words_for_pages),
    st.builds(lambda text: f"<img alt='{html.escape(text)}'>", _words_for_pages),
)
saved_page = st.builds(
    lambda title, blocks: f"<!doctype html><html><body><main><h1>{html.escape(title)}</h1>{''.join(blocks)}"
    "</main></body></html>",
    st.one_of(heading_like, _words_for_pages),
    st.lists(_block, max_size=12),
)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)", r"\1", text).replace("\\[", "[").replace("\\]", "]").split())


@PROPERTY_SETTINGS
@given(page=saved_page)
def test_any_saved_page_is_imported_or_refused_and_every_line_is_kept_or_set_aside(page):
    from app.briefings.importing import import_bytes

    try:
        result = import_bytes(page.encode("utf-8"), "page.html")
    except ImportFailed as failed:
        assert str(failed) and "Traceback" not in str(failed)
        return
    briefing, report = result.briefing, result.report
    kept = " \n ".join(_plain(text) for text in briefing.texts() + [briefing.source])
    aside = {entry.line for entry in report.set_aside}
    for number, line in enumerate(report.source_lines, start=1):
        assert number in aside or _plain(line) in kept, line
    assert empty_sections(briefing) == []
