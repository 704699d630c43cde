"""Briefing files: reading, validation with file and line, writing, and the library built from a folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.briefings import files
from app.briefings.library import load_library
from app.briefings.markup import inline_html, links_in, plain_text
from app.briefings.model import Block, Briefing, Item, Section

GOOD = textwrap.dedent(
    """\
    ---
    id: example-child-x
    title: Child X
    publisher: Example Safeguarding Partnership
    review_type: Child Safeguarding Practice Review
    themes: [neglect, domestic abuse]
    date: 2022-03-14
    ---

    ## Background {kind=background}

    Child X lived with her mother.

    ## What we have learned... {kind=learning}

    - Neglect can have damaging long-term effects.

      Learning for Practice: Place yourself in the child's shoes.

    - Consent to share information is not needed if there are concerns.

    ### Advice for professionals

    1. Make use of the [Neglect Toolkit](#) if you think a child is at risk.
    2. Read the [guidance](https://example.org/guidance).

    ## Introduction Mark and Lloyd {kind=background number=1}

    Ms A had a troubled history.
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(text: str, name: str = "broken.md") -> list[str]:
    with pytest.raises(files.BriefingFileError) as caught:
        files.parse_text(text, name)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_file_reads_into_sections_in_order_with_kinds_headings_items_notes_and_links():
    briefing = files.parse_text(GOOD, "example.md")

    assert briefing.id == "example-child-x"
    assert briefing.themes == ["neglect", "domestic abuse"]
    assert briefing.date == "2022-03-14"
    assert [(s.kind, s.heading) for s in briefing.sections] == [
        ("background", "Background"),
        ("learning", "What we have learned..."),
        ("background", "Introduction Mark and Lloyd"),
    ]
    learning = briefing.sections[1]
    assert learning.items[0].notes == ["Learning for Practice: Place yourself in the child's shoes."]
    assert learning.items[1].notes == []
    assert [b.type for b in learning.blocks] == ["list", "subheading", "list"]
    assert [item.number for item in learning.blocks[2].items] == [1, 2]
    assert [(link.text, link.href) for link in learning.links] == [
        ("Neglect Toolkit", "#"),
        ("guidance", "https://example.org/guidance"),
    ]
    assert briefing.sections[2].number == 1


def test_writing_a_briefing_and_reading_it_back_keeps_every_text():
    briefing = Briefing(
        id="tricky",
        title="Tricky text",
        sections=[
            Section("about", "", [Block("paragraph", text="1. This starts like a numbered list")]),
            Section(
                "learning",
                "# Not a heading",
                [
                    Block("paragraph", text="- not a bullet"),
                    Block("paragraph", text="> not a quote"),
                    Block("paragraph", text="---"),
                    Block("list", items=[Item("* a point", notes=["2) a note", "[x]: not a link definition"])]),
                    Block("list", ordered=True, items=[Item("first", number=7), Item("second", number=8)]),
                ],
            ),
        ],
    )
    again = files.parse_text(files.dump(briefing), "tricky.md")
    assert again.texts() == briefing.texts()
    assert [i.number for i in again.sections[1].blocks[-1].items] == [7, 8]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("---\ntitle: [unclosed\n---\n\n## A {kind=other}\n\ntext\n", "broken.md:2: broken front matter"),
        ("# Child X\n\nSome text\n", "broken.md:1: no front matter"),
        ("---\nid: x\n---\n\n## A {kind=other}\n\ntext\n", "broken.md:1: the briefing has no title"),
        ("---\ntitle: X\n---\n\n## A {kind=lerning}\n\ntext\n", "broken.md:5: unknown section kind 'lerning'"),
        ("---\ntitle: X\n---\n\n## A {kind=learning}\n\n## B {kind=other}\n\ntext\n", "broken.md:5: the section 'A' is empty"),
        ("---\ntitle: X\n---\n\n## Heading without a kind\n\ntext\n", "broken.md:5: the heading 'Heading without a kind' has no kind"),
        ("---\ntitle: X\ntitel: Y\n---\n\n## A {kind=other}\n\ntext\n", "broken.md:3: unknown front matter field 'titel': did you mean 'title'?"),
        ("---\ntitle: X\n---\n\nStray text\n\n## A {kind=other}\n\ntext\n", "broken.md:5: text before the first section"),
        ("---\ntitle: X\nid: Not An Id\n---\n\n## A {kind=other}\n\ntext\n", "broken.md:3: the id 'Not An Id' must be"),
        ("---\ntitle: X\n---\n", "broken.md:4: the briefing has no sections"),
    ],
)
def test_a_malformed_file_is_reported_with_its_file_line_and_a_fix(text, expected):
    assert any(problem.startswith(expected) for problem in problems_of(text)), problems_of(text)


def test_a_file_that_is_not_utf8_is_named_with_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    with pytest.raises(files.BriefingFileError) as caught:
        files.read_file(path, "latin.md")
    assert str(caught.value.problems[0]).startswith("latin.md:2: the file is not UTF-8")


def test_raw_html_in_a_briefing_is_shown_as_text_and_script_links_are_refused():
    html = inline_html('<script>alert(1)</script> and [click](javascript:alert(1))')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert links_in("[click](javascript:alert(1))") == []


def test_bare_addresses_become_links_and_plain_text_drops_the_markdown():
    assert [(l.text, l.href) for l in links_in("See https://example.org/a for more")] == [
        ("https://example.org/a", "https://example.org/a")
    ]
    assert plain_text("Information about [Working Together](#)") == "Information about Working Together"


def test_the_library_keeps_the_good_briefings_and_names_each_broken_file(tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "broken.md", "---\ntitle: [\n---\n")
    write(tmp_path, "later-copy.md", GOOD)  # same id as good.md, read after it
    write(tmp_path, "notes.txt", "not a briefing file, ignored")

    library = load_library(tmp_path)

    assert list(library.briefings) == ["example-child-x"]
    files_named = {Path(problem.file).name for problem in library.problems}
    assert files_named == {"broken.md", "later-copy.md"}
    duplicate = next(p for p in library.problems if p.file.endswith("later-copy.md"))
    assert "duplicate id 'example-child-x'" in duplicate.message and "good.md" in duplicate.message


def test_library_search_matches_every_word_anywhere_in_the_text_and_filters_by_theme(tmp_path):
    write(tmp_path, "good.md", GOOD)
    other = GOOD.replace("example-child-x", "other").replace("[neglect, domestic abuse]", "[exploitation]")
    other = other.replace("Child X lived with her mother.", "Child Y was exploited.")
    write(tmp_path, "other.md", other)
    library = load_library(tmp_path)

    assert [b.id for b in library.search("mother")] == ["example-child-x"]
    assert [b.id for b in library.search("TOOLKIT exploited")] == ["other"]
    assert [b.id for b in library.search("", theme="Neglect")] == ["example-child-x"]
    assert library.search("mother", theme="exploitation") == []
    assert library.themes() == ["domestic abuse", "exploitation", "neglect"]


def test_a_missing_briefings_folder_is_a_problem_not_a_crash(tmp_path):
    library = load_library(tmp_path / "nowhere")
    assert library.briefings == {}
    assert "does not exist" in library.problems[0].message


def test_the_documented_kind_table_matches_the_vocabulary_the_code_uses():
    from app.briefings.model import SECTION_KINDS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "briefing-format.md").read_text()
    table = doc.split("### Section kinds", 1)[1].split("## Content of a section", 1)[0]
    rows = [line.split("|")[1:4] for line in table.splitlines() if line.startswith("| `")]
    documented = {kind.strip().strip("`"): (label.strip(), meaning.strip()) for kind, label, meaning in rows}
    assert documented == SECTION_KINDS


def test_the_documented_example_is_a_valid_briefing():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "briefing-format.md").read_text()
    example = doc.split("```markdown\n", 1)[1].split("\n```", 1)[0]
    briefing = files.parse_text(example, "example.md")
    assert [s.kind for s in briefing.sections] == [
        "about", "background", "learning", "what_to_do", "reflection", "concerns"
    ]


def test_a_link_without_an_address_is_shown_as_its_text_not_as_a_dead_link():
    html = inline_html("Information about [The Deal](#) and [guidance](https://example.org/g)")
    assert html == (
        'Information about <span class="link-unavailable">The Deal</span> and '
        '<a href="https://example.org/g">guidance</a>'
    )
    assert links_in("[The Deal](#)")[0].href == "#"  # the address stays '#' in the data


# --- images: briefings show none, and never load one from another site ----------------------------------

IMAGE_FORMS = {
    "http": "![the family tree](http://tracker.example/a.png)",
    "https": "![the family tree](https://tracker.example/a.png?who=reader)",
    "protocol-relative": "![the family tree](//tracker.example/a.png)",
    "another scheme": "![the family tree](ftp://tracker.example/a.png)",
    "a data address": "![the family tree](data:image/png;base64,iVBORw0KGgo=)",
    "a local path": "![the family tree](/static/a.png)",
    "inside a link": "[![the family tree](https://tracker.example/a.png)](https://example.org/report)",
    "with a title": '![the family tree](https://tracker.example/a.png "Family")',
}


def briefing_with(line_of_text: str, *, before: str = "", after: str = "") -> str:
    return (
        "---\ntitle: Child X\n---\n\n## Background {kind=background}\n\n"
        f"{before}Child X lived with her mother.\n{line_of_text}\n{after}"
    )


@pytest.mark.parametrize("form", IMAGE_FORMS)
def test_an_image_in_a_briefing_file_is_reported_with_its_file_and_line_and_the_fix(form):
    problems = problems_of(briefing_with(IMAGE_FORMS[form]))  # the image is on line 8, the paragraph's second
    assert len(problems) == 1, problems
    assert problems[0].startswith("broken.md:8: ")
    assert "the family tree" in problems[0] and "describe it in words" in problems[0]


@pytest.mark.parametrize("form", ["http", "https", "protocol-relative"])
def test_an_image_from_another_site_is_named_as_such_with_its_host(form):
    problems = problems_of(briefing_with(IMAGE_FORMS[form]))
    assert "from another site (tracker.example)" in problems[0]


def test_images_are_reported_in_headings_list_items_notes_and_by_reference():
    text = (
        "---\ntitle: Child X\n---\n\n"
        "## Background ![logo](https://a.example/logo.png) {kind=background}\n\n"  # line 5
        "- A point ![chart](https://b.example/c.png)\n"  # line 7
        "\n"
        "  A note on it ![photo](//c.example/p.jpg)\n"  # line 9
        "\n"
        "### A sub-heading ![icon][icon]\n"  # line 11
        "\n"
        "Text with a reference image ![map][map].\n"  # line 13
        "\n"
        "[icon]: https://d.example/i.png\n"
        "[map]: https://e.example/m.png\n"
    )
    problems = problems_of(text)
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        "broken.md:5", "broken.md:7", "broken.md:9", "broken.md:11", "broken.md:13"
    ]
    assert all("describe it in words" in problem for problem in problems)


@pytest.mark.parametrize("form", IMAGE_FORMS)
def test_an_image_is_rendered_as_its_words_never_as_an_img(form):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(inline_html(f"See {IMAGE_FORMS[form]} here."), "html.parser")
    assert soup.find_all(["img", "picture", "source", "image", "svg", "object", "embed", "iframe"]) == []
    assert not any(
        "tracker.example" in value or value.startswith(("data:", "/static/"))
        for element in soup.find_all(True)
        for name, value in element.attrs.items()
        if name in ("src", "srcset", "style", "data", "poster")
    )
    assert "the family tree" in soup.get_text()


def test_an_image_inside_a_link_keeps_the_link_and_shows_its_words():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(inline_html(IMAGE_FORMS["inside a link"]), "html.parser")
    assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == [
        ("the family tree", "https://example.org/report")
    ]
    assert links_in(IMAGE_FORMS["inside a link"])[0].text == "the family tree"


def test_the_deck_and_search_text_of_an_image_is_its_words():
    assert plain_text("See ![the family tree](https://tracker.example/a.png) here.") == "See the family tree here."
