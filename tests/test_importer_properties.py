"""Properties of the importer on any text: it never crashes, never loses a line, never makes an empty section."""

from __future__ import annotations

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
