"""The five shipped briefings are faithful to the published text they came from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.briefings.library import load_library

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

# Which shipped briefing each published text became.
SHIPPED = {
    "000_f32fb104d00acfb2.txt": "wigan-child-1-and-2",
    "001_400b6d4299628a91.txt": "wigan-child-3",
    "002_716fc44f89aa03b6.txt": "wigan-child-o",
    "003_14fd7c8ad7dc090c.txt": "warwickshire-child-a",
    "004_09ef85a9fdeaeed4.txt": "wandsworth-mark-and-lloyd",
}

MARKER = re.compile(r"^(?:[-•*]\s+|\d{1,2}[.)]\s+)")


def normalise(text: str) -> str:
    return " ".join(text.split())


def source_lines(seed: str) -> list[str]:
    """Every non-blank line of a published text, without its bullet or number marker."""
    lines = (SEEDS / seed).read_text(encoding="utf-8").splitlines()
    return [normalise(MARKER.sub("", line.strip())) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "briefings")


def test_every_shipped_briefing_file_is_valid(library):
    assert [str(problem) for problem in library.problems] == []
    assert set(SHIPPED.values()) <= set(library.briefings)


@pytest.mark.parametrize("seed, briefing_id", sorted(SHIPPED.items()))
def test_every_sentence_bullet_question_and_link_of_the_published_text_is_in_the_briefing(
    library, seed, briefing_id
):
    briefing = library.get(briefing_id)
    everything = "\n".join(normalise(t) for t in [briefing.source, *briefing.texts()])
    missing = [line for line in source_lines(seed) if line not in everything]
    assert missing == []


@pytest.mark.parametrize("seed, briefing_id", sorted(SHIPPED.items()))
def test_nothing_in_the_briefing_text_is_invented(library, seed, briefing_id):
    briefing = library.get(briefing_id)
    published = "\n".join(source_lines(seed))
    invented = [t for s in briefing.sections for t in s.texts() if normalise(t) not in published]
    assert invented == []


@pytest.mark.parametrize("briefing_id", sorted(SHIPPED.values()))
def test_every_shipped_briefing_has_a_publisher_and_themes_from_its_content(library, briefing_id):
    briefing = library.get(briefing_id)
    assert briefing.publisher
    assert len(briefing.themes) >= 2
    assert all(theme == theme.lower() for theme in briefing.themes)


def test_wandsworths_numbered_segments_come_in_numbered_order(library):
    numbers = [s.number for s in library.get("wandsworth-mark-and-lloyd").sections if s.number is not None]
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_warwickshires_learning_for_practice_notes_belong_to_the_point_above_them(library):
    briefing = library.get("warwickshire-child-a")
    items = [item for s in briefing.sections_of("learning") for item in s.items]
    bias = next(item for item in items if item.text.startswith("All professionals need to be alert to any form of bias"))
    assert [n.split(":")[0] for n in bias.notes] == ["Learning for Practice"]
    assert "discrepancy matrix" in bias.notes[0]
    consent = next(item for item in items if item.text.startswith("Consent to share information"))
    assert consent.notes == []


def test_each_wigan_briefing_has_its_reflection_questions_as_a_reflection_section(library):
    for briefing_id in ("wigan-child-1-and-2", "wigan-child-3", "wigan-child-o"):
        reflection = library.get(briefing_id).sections_of("reflection")
        assert len(reflection) == 1 and all("?" in item.text for item in reflection[0].items)


def test_wandsworths_three_questions_are_the_publishers_reflection_questions(library):
    reflection = library.get("wandsworth-mark-and-lloyd").sections_of("reflection")
    assert reflection[0].paragraphs == [
        "What are your key thoughts and reflections?",
        "How can we ensure the learning is embedded and how will we know this?",
        "How can we integrate the learning into team or service improvement plans?",
    ]
