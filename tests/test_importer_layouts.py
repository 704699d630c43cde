"""The layouts real published briefings use (issue 11), each tried on real examples from the corpus.

The files are in tests/fixtures/importer_corpus (their sources and what a person expects are in corpus.yaml);
bench/importer_corpus.py gives the figures over all of them. These tests hold the behaviour per layout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.briefings.importing import ImportReport, import_file, import_text

CORPUS = Path(__file__).resolve().parent / "fixtures" / "importer_corpus"


def imported(name: str):
    return import_file(CORPUS / name)


def kinds(result) -> list[tuple[str, str]]:
    return [(section.kind, section.heading) for section in result.briefing.sections]


def reasons(report: ImportReport) -> dict[str, str]:
    return {entry.text: entry.reason for entry in report.set_aside}


# --- boilerplate before the title and around the text --------------------------------------------------------


def test_page_furniture_before_the_title_is_set_aside_and_the_title_is_the_briefings_own():
    result = imported("dudley-roles-in-safeguarding.txt")
    briefing, report = result.briefing, result.report
    assert briefing.title == "Thematic Learning from Case Reviews – Our Roles in Safeguarding"
    aside = reasons(report)
    assert aside["Toggle Contrast"] == "accessibility toolbar"
    assert aside["Date: Monday, 27th Nov 2023 | Category: Adults, Children"] == "date line"
    assert briefing.date == "2023-11-27"  # the date line becomes the briefing's date
    assert any("set aside" in check for check in report.checks)


def test_a_banner_and_a_call_to_report_above_the_headline_are_set_aside_and_the_date_is_kept():
    result = imported("norfolk-sab-adult-p.txt")
    assert result.briefing.title == "Adult P"  # "Adult P - published February 2024"
    assert result.briefing.date == "2024-02"
    aside = reasons(result.report)
    assert aside["Skip to content"] == "navigation"
    assert aside["Are you worried about an adult? Please call 0344 800 8020"] == "banner"


def test_a_listing_pages_own_heading_and_introduction_are_set_aside_for_the_briefings_headline():
    result = imported("west-sussex-sab-clare.txt")
    assert result.briefing.title == "Safeguarding Adults Review in relation to Clare (February 2024)"
    aside = reasons(result.report)
    assert aside["Accessibility statementA-Z directory"] == "navigation"
    assert "Safeguarding Adult Reviews" in aside  # the page's heading, kept in the list to put back
    assert result.briefing.sections[0].kind == "background"  # "Clare is 43 years-old ..."


def test_every_line_set_aside_points_at_its_line_of_the_source_and_its_place_in_the_briefing():
    result = imported("devon-scp-six-step-baby-f.txt")
    report = result.report
    assert report.set_aside, "the page's furniture is listed"
    for entry in report.set_aside:
        assert report.source_lines[entry.line - 1].strip().endswith(entry.text.lstrip("-•* ").strip())
        assert entry.section is None or 0 <= entry.section < len(result.briefing.sections)


# --- headings phrased as partnerships phrase them -------------------------------------------------------------


@pytest.mark.parametrize(
    "heading, kind",
    [
        ("Learning Point", "learning"),
        ("Learning points", "learning"),
        ("What can we learn?", "learning"),
        ("What good practice did we find?", "good_practice"),
        ("Why is this important?", "why_it_matters"),
        ("Want to learn more?", "resources"),
        ("Key messages regarding safeguarding adults", "learning"),
        ("Helpful Resources", "resources"),
        ("How to enhance your practice", "what_to_do"),
        ("Signs someone may be a victim", "concerns"),
        ("What is cuckooing?", "background"),
    ],
)
def test_headings_are_matched_on_their_meaning_words_and_the_report_names_the_deciding_words(heading, kind):
    result = import_text(f"Child Q\n\n{heading}\n\nThe text under the heading, a full sentence of it.\n")
    section = result.briefing.sections[0]
    assert (section.kind, section.heading) == (kind, heading)
    how = result.report.sections[0][2]
    assert re.search(r'(phrase table|meaning words) "[^"]+"', how), how


def test_question_headings_of_a_real_briefing_get_their_kinds():
    result = imported("central-bedfordshire-cuckooing.html")
    assert kinds(result)[:5] == [
        ("background", "What is cuckooing?"),
        ("background", "What can happen in cuckooing?"),
        ("concerns", "What happens to the victim?"),
        ("concerns", "Who is most at risk?"),
        ("concerns", "Signs someone may be a victim"),
    ]


# --- numbered question headings, bare numbers, seven tiles ----------------------------------------------------


def test_numbered_question_headings_are_headings_not_list_items():
    result = imported("devon-scp-nai-learning-briefing.txt")
    numbered = [(s.number, s.kind, s.heading) for s in result.briefing.sections if s.number is not None]
    assert numbered[:4] == [
        (1, "about", "Learning Journey: What did we do?"),
        (2, "good_practice", "What good practice did we find?"),
        (3, "concerns", "What else did we find?"),
        (4, "learning", "What can we learn?"),
    ]


def test_bare_numbers_on_their_own_line_mark_segments_classified_by_their_content_never_a_paragraph():
    text = (
        "Child R\n\n1\n\nR was 14 and lived with her grandmother. She died in 2021.\n\n"
        "2\n\nThe review found that agencies did not share what they knew.\n\n"
        "3\n\nRead the full report on the partnership website.\n\n"
        "4\n\nWhat would you do differently?\n\nWho would you ask?\n"
    )
    result = import_text(text)
    sections = result.briefing.sections
    assert [(s.number, s.kind) for s in sections] == [
        (1, "background"), (2, "learning"), (3, "resources"), (4, "reflection")
    ]
    assert not any(text in ("1", "2", "3", "4") for s in sections for text in s.texts())
    located = [check for check in result.report.located_checks if check.field == "kind"]
    assert {check.section for check in located} >= {0, 1, 2}  # every guess from content is flagged


def test_a_seven_tile_pdf_read_out_of_order_gives_its_title_and_segments_in_number_order():
    result = imported("swindon-7mb-tiles.pdf")
    briefing = result.briefing
    assert briefing.title == "7-minute briefs and learning resources to improve practice"
    assert [s.number for s in briefing.sections] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.heading for s in briefing.sections[2:4]] == ["Why it matters", "What to do"]
    assert any("numbered order" in check for check in result.report.checks)


# --- headings without blank lines; a heading and its question; repeated pairs; a line leading into a list ---


def test_headings_without_blank_lines_around_them_are_found_between_paragraphs():
    result = imported("hfsab-role-of-safeguarding-processes.txt")
    assert ("what_to_do", "Think family") in kinds(result)
    assert ("what_to_do", "Do you need to raise a safeguarding concern?") in kinds(result)


def test_a_heading_followed_at_once_by_a_question_is_one_section_with_the_question_as_sub_heading():
    result = imported("lga-briefing-sar-authors.pdf")
    background = next(s for s in result.briefing.sections if s.heading == "Background")
    assert background.blocks[0].type == "subheading"
    assert background.blocks[0].text == "What is the mandate for a Safeguarding Adults Review (SAR)?"


def test_repeated_heading_pairs_stay_separate_sections_in_order():
    text = (
        "Child S\n\nLearning Point\n\nS was not seen alone.\n\nHow to enhance your practice\n\nSee the child alone.\n\n"
        "Learning Point\n\nThe school's concerns were not shared.\n\nHow to enhance your practice\n\nShare concerns.\n"
    )
    result = import_text(text)
    assert kinds(result) == [
        ("learning", "Learning Point"), ("what_to_do", "How to enhance your practice"),
        ("learning", "Learning Point"), ("what_to_do", "How to enhance your practice"),
    ]
    assert result.briefing.sections[1].paragraphs == ["See the child alone."]


def test_a_line_ending_in_a_colon_stays_with_the_list_it_leads_into():
    result = imported("bexley-cuckooing.txt")
    opening = result.briefing.sections[0]
    texts = opening.texts()
    lead = texts.index("In partnership with the Police we can:")
    assert texts[lead + 1] == "provide support to the cuckooed resident to get the help they need"


# --- no headings at all; thematic briefings ----------------------------------------------------------------------


def test_a_news_item_without_headings_is_split_by_content_and_every_guess_is_flagged():
    result = imported("research-in-practice-radical-shift.txt")
    assert [s.kind for s in result.briefing.sections][:3] == ["about", "background", "learning"]
    flagged = {check.section for check in result.report.located_checks if check.field == "kind"}
    assert flagged >= {0, 1, 2}
    assert all("content cue" in how for _, _, how in result.report.sections[:3])


@pytest.mark.parametrize(
    "name",
    ["bexley-cuckooing.txt", "merseyside-sab-sars.html", "plymouth-sar-learning-2022-23.html",
     "lambeth-scp-7mb-physical-abuse.txt", "saphna-panel-publications.txt"],
)
def test_a_thematic_briefing_gets_no_invented_learning_or_actions(name):
    found = {s.kind for s in imported(name).briefing.sections}
    assert not found & {"learning", "good_practice", "missed_opportunities", "actions_taken"}


# --- the next item; unique ids --------------------------------------------------------------------------------------


def test_an_unrelated_next_item_is_cut_off_and_reported():
    result = imported("lambeth-scp-7mb-physical-abuse.txt")
    assert "Safeguarding self-assessments" not in " ".join(result.briefing.texts())
    assert reasons(result.report)["Safeguarding self-assessments"] == "next item"
    page = imported("merseyside-sab-sars.html")
    assert "RiPfA and SCIE" not in " ".join(page.briefing.texts())
    assert any(entry.reason == "next item" and entry.text.startswith("RiPfA and SCIE")
               for entry in page.report.set_aside)


def test_two_briefings_from_one_publisher_or_with_one_title_get_different_ids():
    ids = {imported(name).briefing.id for name in (
        "devon-scp-nai-learning-briefing.txt", "devon-scp-six-step-baby-f.txt",
        "dudley-roles-in-safeguarding.txt", "dudley-nai-thematic-learning.html",
        "bexley-cuckooing.txt", "central-bedfordshire-cuckooing.html", "trafford-cuckooing-tiles.pdf",
    )}
    assert len(ids) == 7


def test_only_lines_that_are_furniture_as_a_whole_are_set_aside_never_the_briefings_own_sentences():
    text = (
        "Skip to content\n\nChild T\n\nPublished: 3 March 2024\n\nBackground\n\n"
        "Home visits were not made.\n\nBy the time she was 4 the family had moved three times.\n\n"
        "14 March 2021\n\nT was taken to hospital with a broken arm and the school was not told.\n\n"
        "Sweets and cookies were used to groom the children, the review found.\n\n"
        "Want to learn more?\n\nRead the full briefing on our website.\n\nDownload the briefing (PDF, 1MB)\n"
    )
    result = import_text(text)
    assert reasons(result.report) == {
        "Skip to content": "navigation",
        "Published: 3 March 2024": "date line",
        "Download the briefing (PDF, 1MB)": "download link",
    }
    assert result.briefing.title == "Child T" and result.briefing.date == "2024-03-03"
    kept = result.briefing.texts()
    for line in ("Home visits were not made.", "14 March 2021", "Read the full briefing on our website."):
        assert line in kept


def test_labelled_paragraphs_after_a_story_start_sections_of_the_kind_they_name():
    result = imported("nspcc-case-reviews-update.txt")
    labelled = [(s.kind, s.texts()[0].split(":")[0]) for s in result.briefing.sections if not s.heading]
    assert ("learning", "Learning themes include") in labelled
    assert ("what_to_do", "Recommendations include") in labelled
