"""The importer: published briefings (text, Word, PDF) become Briefings, with nothing lost and a report to check.

The seeds are the copies in tests/fixtures/seeds (SEEDS_DIR overrides it).
"""

from __future__ import annotations

import io
import os
import re
import threading
import zipfile
from pathlib import Path

import pytest

from app.briefings import files
from app.briefings.importing import ImportFailed, ImportLimits, import_file, import_text, slugify
from app.briefings.importing.phrases import (
    DOCS_END,
    DOCS_START,
    HEADING_PHRASES,
    duplicate_phrases,
    kind_of_heading,
    phrase_table_markdown,
)
from app.briefings.importing.themes import THEME_DOCS_END, THEME_DOCS_START, theme_table_markdown
from app.briefings.model import SECTION_KINDS, Briefing, Link

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR") or REPO / "tests" / "fixtures" / "seeds")
SEED_TITLES = {"004": "Mark and Lloyd"}  # Wandsworth's text starts with a sentence, not a title

# --- helpers (test_importer_properties.py uses them too) --------------------------------------------------

# How a source line may appear in the briefing: as it is, or without its bullet, number or Markdown heading
# marks (the number is kept in Item.number or Section.number).
_MARKERS = (
    re.compile(r"^[-*+•●▪◦‣·–\uf0b7\uf0a7]\s+(\S.*)$"),
    re.compile(r"^\d{1,3}[.)]\s+(\S.*)$"),
    re.compile(r"^#{1,6}\s+(\S.*)$"),
)


def normalise(line: str) -> str:
    return " ".join(line.split())


def forms_of(line: str) -> set[str]:
    return {line} | {match.group(1) for marker in _MARKERS if (match := marker.match(line))}


def lost_lines(source_text: str, briefing: Briefing, report=None) -> list[str]:
    """The non-blank source lines that appear nowhere in the briefing nor in the report's lines set aside, each
    text accounting for one line. A bare segment number ("3") is kept as its section's number.

    A line may match its text with or without its marker, so lines are matched to texts as a bipartite
    matching (augmenting paths): a greedy choice could wrongly report "1. x" lost when "x" is also a line.
    """
    texts = briefing.texts() + ([briefing.source] if briefing.source else [])
    texts += [str(section.number) for section in briefing.sections if section.number is not None]
    texts += [entry.text for entry in report.set_aside] if report is not None else []
    slots: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        slots.setdefault(text, []).append(index)
    lines = [line for line in map(normalise, source_text.splitlines()) if line]
    candidates = [[index for form in forms_of(line) for index in slots.get(form, [])] for line in lines]
    owner: dict[int, int] = {}  # text index -> line index

    def place(line_index: int, seen: set[int]) -> bool:
        for text_index in candidates[line_index]:
            if text_index not in seen:
                seen.add(text_index)
                if text_index not in owner or place(owner[text_index], seen):
                    owner[text_index] = line_index
                    return True
        return False

    return [line for index, line in enumerate(lines) if not place(index, set())]


def empty_sections(briefing: Briefing) -> list[str]:
    """Sections with no paragraph and no list item (a sub-heading alone is not content)."""
    return [
        section.label
        for section in briefing.sections
        if not any(
            (block.type == "paragraph" and block.text.strip()) or (block.type == "list" and block.items)
            for block in section.blocks
        )
    ]


def seed_path(prefix: str) -> Path:
    found = sorted(SEEDS_DIR.glob(f"{prefix}_*"))
    assert found, f"no seed {prefix}_* in {SEEDS_DIR}; set SEEDS_DIR to the seeds folder"
    return found[0]


def import_seed(prefix: str):
    return import_file(seed_path(prefix), title=SEED_TITLES.get(prefix))


def kinds_and_headings(briefing: Briefing) -> list[tuple[str, str]]:
    return [(section.kind, section.heading) for section in briefing.sections]


def section(briefing: Briefing, heading: str):
    return next(s for s in briefing.sections if s.heading == heading)


SEEDS = ["000", "001", "002", "003", "004"]


# --- the five seeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", SEEDS)
def test_every_non_blank_line_of_a_seed_is_kept_somewhere_in_the_briefing(prefix):
    result = import_seed(prefix)
    assert lost_lines(seed_path(prefix).read_text(encoding="utf-8"), result.briefing, result.report) == []


@pytest.mark.parametrize("prefix", SEEDS)
def test_no_seed_produces_an_empty_section(prefix):
    assert empty_sections(import_seed(prefix).briefing) == []


@pytest.mark.parametrize("prefix", SEEDS)
def test_a_seed_survives_writing_and_reading_the_briefing_file(prefix):
    briefing = import_seed(prefix).briefing
    again = files.parse_text(files.dump(briefing), "imported.md")
    assert again.texts() == briefing.texts()
    assert again.source == briefing.source  # the title line, when the title was taken out of it
    assert [(s.kind, s.heading, s.number) for s in again.sections] == [
        (s.kind, s.heading, s.number) for s in briefing.sections
    ]
    assert (again.id, again.publisher, again.themes) == (briefing.id, briefing.publisher, briefing.themes)


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_wigan_briefings_have_the_six_wigan_sections_with_the_right_kinds(prefix):
    kinds = [kind for kind, _ in kinds_and_headings(import_seed(prefix).briefing)]
    expected = ["background", "learning", "why_it_matters", "reflection", "resources"]
    if prefix == "001":
        expected.insert(4, "what_to_do")
    assert kinds == expected


def test_the_wigan_title_line_gives_title_publisher_and_id_and_is_kept_whole_in_source():
    result = import_seed("000")
    briefing = result.briefing
    assert briefing.title == "Child 1&2"
    assert briefing.publisher == "Wigan Safeguarding Partnership"
    assert briefing.id == "wigan-child-1-and-2"
    assert briefing.source == "Wigan Safeguarding Partnership 7 Minute Briefing – Child 1&2"
    assert any("publisher" in check and "guessed" in check for check in result.report.checks)


def test_wigan_headings_are_recognised_from_the_phrase_table():
    result = import_seed("001")
    # The report names the phrase of the table that decided each kind.
    assert result.report.sections[2] == (
        "why_it_matters", "Why is this important to Wigan?", 'phrase table "Why is this important to <place>?"'
    )
    assert (
        "what_to_do", "What can you do right now?", 'phrase table "What can you do right now?"'
    ) in result.report.sections
    assert result.report.unclassified_headings == []


def test_wigans_information_about_criminal_exploitation_is_a_paragraph_not_a_heading():
    briefing = import_seed("000").briefing
    resources = section(briefing, "Want to learn more?")
    assert "Information about criminal exploitation" in resources.paragraphs
    assert all(s.heading != "Information about criminal exploitation" for s in briefing.sections)


def test_links_are_found_and_text_keeps_its_markdown_and_bare_addresses():
    resources = section(import_seed("000").briefing, "Want to learn more?")
    assert "Information about [Working Together to Safeguard Children](#)" in resources.paragraphs
    assert Link("Working Together to Safeguard Children", "#") in resources.links
    address = "https://greatermanchesterscb.proceduresonline.com/chapters/p_dom_abu.html?zoom_highlight=domestic+abuse"
    assert address in resources.paragraphs
    assert Link(address, address) in resources.links


def test_blank_lines_inside_wigans_learning_list_do_not_split_it():
    learning = section(import_seed("002").briefing, "What was the Learning?")
    assert [block.type for block in learning.blocks] == ["list"]
    assert len(learning.items) == 8


def test_warwickshire_learning_for_practice_lines_are_notes_on_the_point_above_them():
    briefing = import_seed("003").briefing
    first = section(briefing, "What we have learned...")
    assert [len(item.notes) for item in first.items] == [1, 1, 0]
    assert first.items[1].text.startswith("Neglect can have damaging long-term effects")
    assert first.items[1].notes[0].startswith("Learning for Practice: Place yourself in the child's shoes")
    continued = section(briefing, "Lessons Learned (cont.)")
    assert [len(item.notes) for item in continued.items] == [1, 1, 1, 1]
    assert continued.items[3].text.startswith("Cases of neglect can be especially challenging")
    assert continued.items[3].notes[0].startswith("Learning for practice: The importance of chronologies")


def test_warwickshire_headings_with_nothing_under_them_take_the_next_headings_as_sub_headings():
    result = import_seed("003")
    briefing = result.briefing
    assert kinds_and_headings(briefing) == [
        ("background", "Child A's Story...."),
        ("learning", "What we have learned..."),
        ("learning", "Lessons Learned (cont.)"),
        ("what_to_do", "What do I need to do..."),
    ]
    continued = section(briefing, "Lessons Learned (cont.)")
    assert continued.blocks[0].type == "subheading" and continued.blocks[0].text == "What we have learned (contd.)..."
    advice = section(briefing, "What do I need to do...")
    assert [(b.type, b.text) for b in advice.blocks if b.type == "subheading"] == [
        ("subheading", "Advice for professionals"),
        ("subheading", "Advice for communities"),
    ]
    assert any("What do I need to do..." in check and "sub-headings" in check for check in result.report.checks)


def test_warwickshire_numbered_advice_lines_are_numbered_items_not_segments():
    advice = section(import_seed("003").briefing, "What do I need to do...")
    lists = [block for block in advice.blocks if block.type == "list"]
    assert [[item.number for item in block.items] for block in lists] == [[1, 2, 3], [1, 2]]
    assert all(block.ordered for block in lists)
    assert lists[0].items[0].text.startswith("Make use of the [Neglect Toolkit](#) if you think")
    assert Link("Neglect Toolkit", "#") in lists[0].items[0].links


def test_warwickshire_banner_line_becomes_the_title_and_is_flagged_for_a_person():
    result = import_seed("003")
    assert result.briefing.title == "Lessons Learned"
    assert any("reads like a section heading" in check for check in result.report.checks)
    assert any("reflection" in check for check in result.report.checks)  # it has no questions for the team


def test_warwickshire_with_a_given_title_keeps_the_banner_line_in_source():
    briefing = import_file(seed_path("003"), title="Child A").briefing
    assert briefing.title == "Child A" and briefing.source == "Lessons Learned"
    assert briefing.id == "child-a"


@pytest.mark.parametrize(
    "title_line, title, publisher",
    [
        ("Wigan Safeguarding Partnership 7 Minute Briefing- Child 3", "Child 3", "Wigan Safeguarding Partnership"),
        ("Seven-minute briefing: Child P", "Child P", ""),
        ("Neglect 7 Minute Briefing", "Neglect", ""),
        ("Child Safeguarding Practice Review: Baby C", "Baby C", ""),
        ("Child E Serious Case Review", "Child E", ""),
        ("Safeguarding Adults Review – Mr B", "Mr B", ""),
        ("Learning from Child S", "Learning from Child S", ""),
    ],
)
def test_the_title_line_gives_the_briefings_name_and_the_whole_line_stays_in_source(title_line, title, publisher):
    briefing = import_text(f"{title_line}\n\nBackground\n\nText.\n").briefing
    assert (briefing.title, briefing.publisher) == (title, publisher)
    assert briefing.source == ("" if title == title_line else title_line)


def test_wandsworth_without_a_title_comes_in_under_its_file_name_with_a_check_asking_for_the_title():
    result = import_file(seed_path("004"))
    assert result.briefing.title == "004 09ef85a9fdeaeed4"  # the file's name as words, until a person gives one
    title_checks = [check.message for check in result.report.located_checks if check.field == "title"]
    assert any("does not start with a title" in m and "Title box" in m and "--title" in m for m in title_checks)
    assert any("This 7-minute briefing" in m for m in title_checks)  # the first line is quoted, not dropped
    assert "This 7-minute briefing" in " ".join(result.briefing.texts())


def test_wandsworth_clock_face_segments_are_put_in_numbered_order_and_the_report_says_so():
    result = import_seed("004")
    briefing = result.briefing
    numbered = [s for s in briefing.sections if s.number is not None]
    assert [s.number for s in numbered] == [1, 2, 3, 4, 5, 6]
    assert [(s.kind, s.heading) for s in numbered] == [
        ("background", "Introduction Mark and Lloyd"),
        ("concerns", "Areas of concern"),
        ("missed_opportunities", "Missed opportunities"),
        ("actions_taken", "Actions taken"),
        ("learning", "Key areas for learning"),
        ("good_practice", "Key areas of good practice"),
    ]
    assert any("1, 2, 3, 6, 5, 4" in check for check in result.report.checks)


def test_wandsworth_preamble_comes_first_and_the_unnumbered_panel_after_the_segments():
    briefing = import_seed("004").briefing
    first, last = briefing.sections[0], briefing.sections[-1]
    assert (first.kind, first.heading, first.number) == ("about", "", None)
    assert first.paragraphs[0].startswith("This 7-minute briefing is information taken from")
    assert (last.kind, last.heading) == ("about", "How to use this briefing:")
    assert "What are your key thoughts and reflections?" in last.paragraphs  # a question, not a heading
    assert briefing.review_type == "Child Safeguarding Practice Review"


def test_themes_are_suggested_from_the_words_and_reported_as_suggestions():
    result = import_seed("000")
    assert {"neglect", "domestic abuse", "school attendance"} <= set(result.briefing.themes)
    assert any("suggest" in check for check in result.report.checks)


def test_the_report_lists_each_section_and_converts_to_plain_data():
    result = import_seed("004")
    data = result.report.to_dict()
    assert data["sections"][0] == {"kind": "about", "heading": "", "how": "text before the first heading"}
    assert data["sections"][1]["how"] == 'numbered segment, phrase table "Introduction <name>"'
    assert len(data["sections"]) == len(result.briefing.sections)
    assert isinstance(data["checks"], list) and data["unclassified_headings"] == []


# --- the text rules --------------------------------------------------------------------------------------


def briefing_of(text: str, **options) -> Briefing:
    return import_text(text, title=options.pop("title", "Example"), **options).briefing


@pytest.mark.parametrize(
    "heading, kind",
    [
        ("Background", "background"),
        ("BACKGROUND:", "background"),
        ("Summary of the case", "background"),
        ("What happened?", "background"),
        ("Child B’s story…", "background"),
        ("Key findings", "learning"),
        ("Lessons Learned (contd.)", "learning"),
        ("Learning points continued", "learning"),
        ("What went well?", "good_practice"),
        ("Recommendations", "learning"),
        ("Actions", "actions_taken"),
        ("Why does it matter?", "why_it_matters"),
        ("Why is this important to Tower Hamlets?", "why_it_matters"),
        ("Local context", "why_it_matters"),
        ("Reflective questions", "reflection"),
        ("Questions for your team", "reflection"),
        ("What should you do?", "what_to_do"),
        ("Practice points", "learning"),
        ("Further information", "resources"),
        ("Useful links", "resources"),
        ("How to use this 7-minute briefing", "about"),
        ("Information about criminal exploitation", None),
        ("What are your key thoughts and reflections?", None),
    ],
)
def test_headings_are_matched_to_kinds_ignoring_case_punctuation_and_continuation(heading, kind):
    assert kind_of_heading(heading) == kind


def test_the_phrase_table_uses_only_known_kinds_and_never_gives_a_phrase_two_kinds():
    assert set(HEADING_PHRASES) <= set(SECTION_KINDS) - {"other"}
    assert duplicate_phrases() == []


def test_the_docs_show_the_phrase_table_and_theme_table_exactly_as_the_code_has_them():
    docs = (REPO / "docs" / "importing.md").read_text(encoding="utf-8")
    fix = "run: .venv/bin/python -m app.briefings.importing docs/importing.md"
    assert f"{DOCS_START}\n{phrase_table_markdown()}\n{DOCS_END}" in docs, fix
    assert f"{THEME_DOCS_START}\n{theme_table_markdown()}\n{THEME_DOCS_END}" in docs, fix


def test_an_unknown_short_heading_becomes_an_other_section_and_is_reported():
    result = import_text("Child D\n\nBackground\n\nD lived with his aunt.\n\nThe Deal\n\nThe Deal is our promise.\n")
    assert kinds_and_headings(result.briefing) == [("background", "Background"), ("other", "The Deal")]
    assert result.report.unclassified_headings == ["The Deal"]
    assert result.report.sections[1] == ("other", "The Deal", "unrecognised")


@pytest.mark.parametrize(
    "line",
    [
        "What do you think happened next?",  # a question to the reader, not a heading
        "Information about neglect",  # one of a run of similar lines
        "See [the toolkit](#)",  # has a link
        "A long line that has far too many words in it to be any kind of heading",
    ],
)
def test_lines_that_are_not_heading_shaped_stay_paragraphs(line):
    text = f"Child D\n\nBackground\n\nD lived with his aunt.\n\n{line}\n\nInformation about [x](#)\n\nMore text.\n"
    briefing = import_text(text).briefing
    assert [s.heading for s in briefing.sections] == ["Background"]
    assert line in briefing.sections[0].paragraphs


def test_bullets_of_every_common_kind_become_items_and_numbers_are_kept():
    text = "Child E\n\nWhat was the Learning?\n\n- dash\n• dot\n* star\n\n1) one\n2. two\n"
    learning = briefing_of(text, title=None).sections[0]
    assert [(item.text, item.number) for item in learning.items] == [
        ("dash", None), ("dot", None), ("star", None), ("one", 1), ("two", 2)
    ]
    assert [block.ordered for block in learning.blocks] == [False, True]


def test_short_numbered_list_items_are_not_mistaken_for_numbered_segments():
    text = "Background\n\nText.\n\nWhat can you do?\n\n1. Listen well\n\n2. Ask again\n\n3. Write it down\n"
    briefing = briefing_of(text)
    assert [s.heading for s in briefing.sections] == ["Background", "What can you do?"]
    assert [item.number for item in briefing.sections[1].items] == [1, 2, 3]


def test_text_before_the_first_heading_becomes_an_about_section_without_heading():
    briefing = briefing_of("Please share this with your team.\n\nBackground\n\nText.\n")
    assert kinds_and_headings(briefing) == [("about", ""), ("background", "Background")]


def test_a_heading_with_nothing_under_it_at_the_end_is_kept_as_a_sub_heading_not_an_empty_section():
    result = import_text("Background\n\nText.\n\nWant to learn more?\n", title="Child F")
    briefing = result.briefing
    assert kinds_and_headings(briefing) == [("background", "Background")]
    assert briefing.sections[0].blocks[-1].type == "subheading"
    assert briefing.sections[0].blocks[-1].text == "Want to learn more?"
    assert any("nothing under it" in check for check in result.report.checks)


def test_a_heading_with_nothing_under_it_before_a_different_kind_keeps_both_and_loses_no_kind():
    text = "Child G\n\nBackground\n\nText.\n\n3. Key learning\n\n5. Actions taken\n\n- New training\n"
    briefing = import_text(text).briefing
    assert kinds_and_headings(briefing) == [("background", "Background"), ("actions_taken", "Actions taken")]
    assert briefing.sections[0].blocks[-1].text == "3. Key learning"  # its number stays with it


def test_markdown_headings_are_headings_even_when_not_in_the_table():
    briefing = import_text("# Child H\n\n## Our offer\n\nWe help.\n\n## Background\n\nText.\n").briefing
    assert briefing.title == "Child H"
    assert kinds_and_headings(briefing) == [("other", "Our offer"), ("background", "Background")]


def test_a_given_id_is_used_and_a_bad_one_is_refused_with_a_suggestion():
    assert briefing_of("Background\n\nText.\n", briefing_id="my-briefing").id == "my-briefing"
    with pytest.raises(ImportFailed, match="lowercase letters, digits and hyphens.*'my-briefing'"):
        briefing_of("Background\n\nText.\n", briefing_id="My Briefing")


@pytest.mark.parametrize(
    "text, slug",
    [("Wigan Child 1&2", "wigan-child-1-and-2"), ("  Child Ö: a review!  ", "child-o-a-review"), ("—", "")],
)
def test_slugify_makes_lowercase_ascii_ids_with_hyphens(text, slug):
    assert slugify(text) == slug


# --- bad input -------------------------------------------------------------------------------------------


def failure(path: Path, **options) -> str:
    with pytest.raises(ImportFailed) as failed:
        import_file(path, **options)
    message = str(failed.value)
    assert "Traceback" not in message and message.endswith(".")
    return message


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_empty_file_is_refused_as_empty(tmp_path):
    assert "is empty" in failure(write(tmp_path, "empty.txt", b""))


def test_a_file_of_blank_space_is_refused(tmp_path):
    assert "blank space" in failure(write(tmp_path, "blank.txt", b" \n\t\r\n  \n"))


def test_a_binary_file_is_refused_as_not_text(tmp_path):
    message = failure(write(tmp_path, "binary.txt", b"\x00\x01\x02PK\x03\x04" * 100))
    assert "binary" in message and "binary.txt" in message


def test_a_latin_1_file_is_refused_with_advice_to_save_it_as_utf_8(tmp_path):
    message = failure(write(tmp_path, "latin.txt", "Child É\n\nBackground\n\nCafé.\n".encode("latin-1")))
    assert "not UTF-8" in message and "save it again as UTF-8" in message and "line 1" in message


def test_a_utf_8_byte_order_mark_is_fine(tmp_path):
    path = write(tmp_path, "bom.txt", "\ufeffChild I\n\nBackground\n\nText.\n".encode("utf-8"))
    assert import_file(path).briefing.title == "Child I"


def test_text_without_a_title_is_imported_under_a_stand_in_title_unless_a_title_is_given(tmp_path):
    path = write(tmp_path, "child-j-briefing.txt", b"Background\n\nChild J lived with her gran.\n")
    untitled = import_file(path)
    assert untitled.briefing.title == "Child j briefing"
    assert untitled.briefing.sections[0].kind == "background"
    assert any(check.field == "title" and "--title" in check.message for check in untitled.report.located_checks)
    titled = import_file(path, title="Child J")
    assert titled.briefing.title == "Child J" and titled.briefing.sections[0].kind == "background"
    assert not any("does not start with a title" in check for check in titled.report.checks)


def test_pasted_text_without_a_title_is_an_untitled_briefing_not_a_refusal():
    result = import_text("Background\n\nChild K was seen twice.\n", source_name="pasted text")
    assert result.briefing.title == "Untitled briefing"
    assert result.briefing.sections[0].kind == "background"


def test_a_title_with_nothing_under_it_is_refused(tmp_path):
    assert "no briefing text under it" in failure(write(tmp_path, "title.txt", b"Child K\n\n\n"))


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = write(tmp_path, "big.txt", b"Child L\n\n" + b"Some text.\n" * 200)
    assert "larger than" in failure(path, limits=ImportLimits(max_text_bytes=1000))


def test_a_briefing_file_is_not_imported_again(tmp_path):
    path = write(tmp_path, "child-v.md", b"---\nid: child-v\ntitle: Child V\n---\n\n## Background {kind=background}\n")
    assert "already a briefing file" in failure(path)


def test_a_missing_file_is_refused_with_its_path(tmp_path):
    assert "There is no file" in failure(tmp_path / "nowhere.txt")


def test_an_old_word_doc_is_refused_with_advice_to_save_as_docx(tmp_path):
    path = write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "save it as .docx" in failure(path)


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path):
    assert "not a valid Word .docx file" in failure(write(tmp_path, "fake.docx", b"Just some text\n"))


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "not a Word document" in failure(write(tmp_path, "other.docx", buffer.getvalue()))


def test_a_zip_bomb_docx_is_refused_before_anything_unpacks_it(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(60):
                member.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    assert "zip bomb" in failure(path)


def test_a_tightly_compressed_docx_part_is_refused_even_under_the_size_limit(tmp_path):
    path = tmp_path / "dense.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (5 * 1024 * 1024))
    assert "compressed" in failure(path)


def test_a_damaged_word_document_is_refused(tmp_path):
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "this is not XML")
    assert "could not be read as a Word document" in failure(path)


def test_utf_16_text_with_a_byte_order_mark_is_read(tmp_path):
    path = write(tmp_path, "notepad.txt", "Child T\r\n\r\nBackground\r\n\r\nText.\r\n".encode("utf-16"))
    assert import_file(path).briefing.sections[0].paragraphs == ["Text."]


# --- PDFs ------------------------------------------------------------------------------------------------


def hand_written_pdf(objects: list[bytes]) -> bytes:
    """A PDF file from its numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def fpdf_document(lines: list[str], *, sections: dict[str, int] | None = None, encrypt: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        if line == NEW_PAGE:
            pdf.add_page()
            continue
        if sections and line in sections:
            pdf.start_section(line, level=sections[line])
        if line:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(4)
    return bytes(pdf.output())


NEW_PAGE = "\f"
LONG_ADDRESS = "https://example.org/" + "procedures/" * 12 + "neglect.html"
STORY = (
    "Child M lived with her father, who was known to services. Professionals were worried about her school "
    "attendance and about neglect at home, and they shared information late."
)
PDF_LINES = [
    "Example Safeguarding Partnership 7 Minute Briefing - Child M",
    "Background",
    STORY,
    "What was the Learning?",
    "- Share information early.",
    "- Ask about the child's day.",
    "Our local offer",
    "The Early Help team works with families at home.",
    NEW_PAGE,
    "Want to learn more?",
    "Information about neglect:",
    LONG_ADDRESS,
]


def test_a_text_pdf_comes_through_with_title_headings_items_and_joined_paragraphs(tmp_path):
    path = write(tmp_path, "child-m.pdf", fpdf_document(PDF_LINES, sections={"Our local offer": 0}))
    result = import_file(path)
    briefing = result.briefing
    assert (briefing.title, briefing.publisher) == ("Child M", "Example Safeguarding Partnership")
    assert kinds_and_headings(briefing) == [
        ("background", "Background"),
        ("learning", "What was the Learning?"),
        ("other", "Our local offer"),
        ("resources", "Want to learn more?"),
    ]
    assert briefing.sections[0].paragraphs == [STORY]  # the wrapped lines are one paragraph again
    assert [item.text for item in briefing.sections[1].items] == [
        "Share information early.", "Ask about the child's day."
    ]
    assert briefing.sections[3].paragraphs == ["Information about neglect:", LONG_ADDRESS]  # the address, re-joined
    assert ("other", "Our local offer", "pdf outline") in result.report.sections
    assert any("extracted from a PDF" in check for check in result.report.checks)


def test_a_pdf_with_a_cyclic_page_tree_is_refused_as_broken(tmp_path):
    data = hand_written_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>",
    ])
    assert "broken" in failure(write(tmp_path, "cyclic.pdf", data))


def test_a_pdf_that_is_not_a_pdf_inside_is_refused(tmp_path):
    assert "not a PDF" in failure(write(tmp_path, "fake.pdf", b"hello, I am text\n"))


def test_a_damaged_pdf_is_refused_as_broken(tmp_path):
    assert "broken" in failure(write(tmp_path, "damaged.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF"))


def test_a_pdf_without_text_is_refused_as_probably_scanned(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # what a scan gives: marks, no text
    message = failure(write(tmp_path, "scan.pdf", bytes(pdf.output())))
    assert "no text" in message and "scanned" in message


def test_a_password_protected_pdf_is_refused(tmp_path):
    path = write(tmp_path, "locked.pdf", fpdf_document(PDF_LINES, encrypt=True))
    assert "password-protected" in failure(path)


def test_a_pdf_protected_only_against_editing_is_read(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner")  # no password is needed to open it
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ["Child U", "Background", "Child U lived with her grandparents."]:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    briefing = import_file(write(tmp_path, "owner.pdf", bytes(pdf.output()))).briefing
    assert kinds_and_headings(briefing) == [("background", "Background")]


def test_a_pdf_that_takes_too_long_is_stopped_and_refused(tmp_path):
    path = write(tmp_path, "slow.pdf", fpdf_document(PDF_LINES))
    assert "took longer than" in failure(path, limits=ImportLimits(pdf_seconds=0.001))


def test_a_pdf_with_too_many_pages_is_refused(tmp_path):
    path = write(tmp_path, "long.pdf", fpdf_document(PDF_LINES))
    assert "pages" in failure(path, limits=ImportLimits(max_pdf_pages=0))


# --- Word documents --------------------------------------------------------------------------------------


def add_hyperlink(paragraph, text: str, address: str) -> None:
    """python-docx has no hyperlink API; write the run the way Word does."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relationship = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    words = OxmlElement("w:t")
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def word_document(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Child N", style="Title")
    document.add_heading("The story so far", level=1)  # not in the phrase table: a heading all the same
    document.add_paragraph("Child N lived with his mother and two sisters.")
    document.add_heading("What we have learned", level=1)
    document.add_paragraph("Neglect is hard to see.", style="List Bullet")
    document.add_paragraph("Learning for Practice: look at the home.")
    document.add_paragraph("Ask about food.", style="List Bullet")
    document.add_heading("What do I need to do?", level=1)
    document.add_paragraph("Read the toolkit.", style="List Number")
    document.add_paragraph("Use the escalation policy.", style="List Number")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).paragraphs[0].add_run("Talk to your manager.")
    document.add_heading("Want to learn more?", level=2)
    paragraph = document.add_paragraph("Information about ")
    add_hyperlink(paragraph, "the Neglect Toolkit", "https://example.org/toolkit")
    document.save(path)
    return path


def test_a_word_document_uses_its_title_heading_and_list_styles(tmp_path):
    result = import_file(word_document(tmp_path / "child-n.docx"))
    briefing = result.briefing
    assert briefing.title == "Child N"
    assert kinds_and_headings(briefing) == [
        ("background", "The story so far"),  # not in the table: its meaning word "story" decides
        ("learning", "What we have learned"),
        ("what_to_do", "What do I need to do?"),
        ("resources", "Want to learn more?"),
    ]
    assert result.report.sections[0] == (
        "background", "The story so far", 'document heading style, meaning words "story"'
    )
    learning = briefing.sections[1]
    assert [item.text for item in learning.items] == ["Neglect is hard to see.", "Ask about food."]
    assert learning.items[0].notes == ["Learning for Practice: look at the home."]
    to_do = briefing.sections[2]
    assert [(item.text, item.number) for item in to_do.items] == [
        ("Read the toolkit.", 1), ("Use the escalation policy.", 2)
    ]
    assert "Talk to your manager." in to_do.paragraphs  # text in a table is kept, in reading order
    resources = briefing.sections[3]
    assert resources.paragraphs == ["Information about [the Neglect Toolkit](https://example.org/toolkit)"]
    assert resources.links == [Link("the Neglect Toolkit", "https://example.org/toolkit")]


def test_an_imported_word_document_survives_writing_and_reading_the_briefing_file(tmp_path):
    briefing = import_file(word_document(tmp_path / "child-n.docx")).briefing
    assert files.parse_text(files.dump(briefing), "child-n.md").texts() == briefing.texts()


def test_a_file_is_read_as_what_it_is_not_what_its_name_says(tmp_path):
    path = write(tmp_path, "child-m.txt", fpdf_document(PDF_LINES))
    assert import_file(path).briefing.title == "Child M"


def test_a_pdf_can_be_imported_while_other_threads_run_as_in_a_web_server(tmp_path):
    path = write(tmp_path, "child-m.pdf", fpdf_document(PDF_LINES))
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()  # with another thread alive the reader is spawned, not forked
    try:
        assert import_file(path).briefing.title == "Child M"
    finally:
        release.set()
        other.join()


# --- the report an editor page keeps, and uploads ---------------------------------------------------------


def test_the_report_survives_a_round_trip_through_json_with_located_checks_and_the_source_as_read():
    import json

    from app.briefings.importing import Check, ImportReport, SetAside

    text = "Child Q\n\nBackground\nQ was seen at school.\n\nMy heading\nMore text here.\n"
    report = import_text(text).report
    report.set_aside.append(SetAside(text="Skip to content", reason="navigation", line=1, section=None))
    again = ImportReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report
    assert again.source_lines == text.splitlines()
    assert {check.message for check in again.located_checks} <= set(again.checks)
    assert Check("The title 'Child Q' was taken from the first line.", field="title") in again.located_checks


def test_an_upload_is_read_from_its_bytes_by_what_it_is_whatever_its_name(tmp_path):
    from app.briefings.importing import import_bytes

    from_pdf = import_bytes(fpdf_document(PDF_LINES), "child-m.txt")
    assert from_pdf.briefing.title == "Child M"
    docx_bytes = word_document(tmp_path / "child-n.docx").read_bytes()
    assert import_bytes(docx_bytes, "C:\\Users\\me\\child-n.docx").briefing.texts() == import_file(
        tmp_path / "child-n.docx"
    ).briefing.texts()
    with pytest.raises(ImportFailed, match="empty"):
        import_bytes(b"", "child.txt")
    with pytest.raises(ImportFailed, match="old-style Word"):
        import_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "child.doc")


# --- saved web pages -----------------------------------------------------------------------------------------

WEB_PAGES = REPO / "tests" / "fixtures" / "web_pages"


def test_a_saved_web_page_gives_the_article_and_sets_aside_the_page_furniture_with_reasons():
    result = import_file(WEB_PAGES / "council-child-q.html")
    briefing, report = result.briefing, result.report
    assert briefing.title == "Child Q"
    assert briefing.publisher == "Anytown Safeguarding Children Partnership"
    assert briefing.date == "2023-03-14"
    headings = [section.heading for section in briefing.sections]
    assert headings[:3] == ["Background", "What did the review find?", "Learning Point"]
    assert section(briefing, "Questions to consider").items[1].text == "Who would you tell?"
    resources = section(briefing, "Want to learn more?")
    assert Link("full report", "https://example.org/child-q-report") in resources.links
    reasons = {entry.text: entry.reason for entry in report.set_aside}
    assert reasons["Skip to content"] == "navigation"
    assert reasons["Accept all cookies"] == "cookie banner"
    assert reasons["Toggle Contrast"] == "accessibility toolbar"
    assert reasons["Anytown Safeguarding Children Partnership logo"] == "image text"
    assert reasons["Last updated: 20 March 2023"] == "date line"
    assert reasons["© 2023 Anytown Council. All rights reserved."] == "page footer"
    assert reasons["New multi-agency training dates"] == "page furniture"
    # Nothing is silently lost: every line of the page is in the briefing or set aside, at its place.
    kept = {normalise(text) for text in briefing.texts() + [briefing.source]}
    for number, line in enumerate(report.source_lines, start=1):
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        in_briefing = any(plain in re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text) for text in kept)
        assert in_briefing or any(entry.line == number for entry in report.set_aside), line
    for entry in report.set_aside:  # each at its line of the page (a link kept as Markdown, to put back)
        assert report.source_lines[entry.line - 1] == re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", entry.text)


def test_an_older_saved_page_in_windows_1252_is_read_in_the_character_set_it_names():
    from app.briefings.importing import import_bytes

    page = (
        '<html><head><meta charset="windows-1252"><title>Child W</title></head><body><main><h1>Child W</h1>'
        "<h2>Background</h2><p>W\u2019s mother asked for help twice.</p></main></body></html>"
    ).encode("windows-1252")
    briefing = import_bytes(page, "child-w.htm").briefing
    assert briefing.title == "Child W"
    assert briefing.sections[0].paragraphs == ["W\u2019s mother asked for help twice."]
