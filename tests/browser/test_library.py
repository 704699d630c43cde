"""The briefing library and one briefing, in a real browser: browsing, filtering (with and without JavaScript),
reading, broken files, and the phone and projector screens the product is used on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.briefings.library import load_library

from ..conftest import FIXTURE_BRIEFINGS, write_briefing
from .conftest import PHONE, PROJECTOR, SMALL_PHONE, assert_accessible, has_horizontal_scroll, visit, watch_of

pytestmark = pytest.mark.browser

FIXTURE_PAGES = [f"/briefings/{briefing.id}" for briefing in load_library(FIXTURE_BRIEFINGS).all()]
# Front matter that is not valid YAML (an unclosed list).
BROKEN = "---\nid: broken\ntitle: [unclosed\n---\n\n## A {kind=background}\n\nText.\n"


def briefing_list(page: Page):
    return page.get_by_role("list", name="Briefings")


def listed_titles(page: Page):
    return briefing_list(page).get_by_role("heading", level=3)


@pytest.fixture
def fixture_server(serve):
    """The app on the three fixture briefings, whose titles, themes and words these tests name."""
    return serve(FIXTURE_BRIEFINGS)


def test_browsing_the_library_shows_every_briefing_with_its_publisher_and_themes(page, live_server):
    library = load_library(live_server.briefings_dir)
    visit(page, "/")

    expect(page).to_have_url(re.compile(r"/briefings$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefing library")
    expect(page.get_by_role("status")).to_have_text(f"{len(library.all())} briefings")
    expect(listed_titles(page)).to_have_text([briefing.title for briefing in library.all()])
    for briefing in library.all():
        card = briefing_list(page).get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=briefing.title, exact=True)
        )
        expect(card).to_contain_text(briefing.publisher)
        for theme in briefing.themes:
            expect(card).to_contain_text(theme)


def test_choosing_a_theme_shows_only_the_briefings_with_that_theme_without_reloading(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")

    page.get_by_label("Theme").select_option("housing")

    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])
    expect(page.get_by_role("status")).to_have_text("1 briefing found, of 3")
    expect(page).to_have_url(re.compile(r"/briefings\?theme=housing$"))
    assert len(watch_of(page).loads) == 1, "the page reloaded instead of updating the list"
    assert_accessible(page)


def test_without_javascript_the_filter_form_filters_by_theme_when_submitted(open_page, fixture_server):
    page = open_page(fixture_server, javascript=False)
    visit(page, "/briefings")

    page.get_by_label("Theme").select_option("neglect")
    page.get_by_role("button", name="Show briefings").click()

    expect(page).to_have_url(re.compile(r"theme=neglect"))
    expect(listed_titles(page)).to_have_text(["Child A", "Mark and Lloyd"])
    expect(page.get_by_label("Theme")).to_have_value("neglect")
    assert_accessible(page)


def test_typing_words_narrows_the_list_as_you_type_without_reloading(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")
    expect(listed_titles(page)).to_have_count(3)

    words = page.get_by_label("Words in the briefing")
    words.press_sequentially("neglect", delay=20)
    expect(listed_titles(page)).to_have_text(["Child A", "Mark and Lloyd"])

    words.press_sequentially(" toolkit", delay=20)
    expect(listed_titles(page)).to_have_text(["Child A"])
    expect(page.get_by_role("status")).to_have_text("1 briefing found, of 3")
    expect(page).to_have_url(re.compile(r"/briefings\?q=neglect\+toolkit$"))
    expect(words).to_be_focused()
    assert len(watch_of(page).loads) == 1, "the page reloaded instead of updating the list"
    assert_accessible(page)


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_it(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")

    page.get_by_label("Words in the briefing").fill("giraffe")

    expect(page.get_by_role("status")).to_have_text("No briefings found")
    expect(page.get_by_text("No briefing found containing “giraffe”")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clear the filter").click()
    expect(listed_titles(page)).to_have_count(3)
    expect(page.get_by_label("Words in the briefing")).to_have_value("")
    assert_accessible(page)


def test_going_back_after_filtering_shows_the_whole_filtered_page(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")
    page.get_by_label("Theme").select_option("housing")
    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])

    page.get_by_role("link", name="Mark and Lloyd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark and Lloyd")
    assert_accessible(page)
    page.go_back()

    expect(page.get_by_role("heading", level=1)).to_have_text("Briefing library")
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_label("Theme")).to_have_value("housing")
    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])
    assert_accessible(page)


def test_going_back_between_two_filters_restores_the_earlier_filter_as_a_whole_page(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")
    theme = page.get_by_label("Theme")
    theme.select_option("housing")
    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])
    theme.select_option("trauma")
    expect(listed_titles(page)).to_have_text(["Child 3"])

    page.go_back()

    expect(page).to_have_url(re.compile(r"/briefings\?theme=housing$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefing library")
    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])
    expect(page.get_by_label("Theme")).to_have_value("housing")
    assert_accessible(page)


def test_opening_a_briefing_shows_its_sections_in_reading_order(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings")
    page.get_by_role("link", name="Mark and Lloyd").click()
    assert_accessible(page)

    expect(page).to_have_url(re.compile(r"/briefings/riverside-mark-and-lloyd$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark and Lloyd")
    # "Take it offline" (the exports) comes first, then the briefing's own sections.
    sections = page.get_by_role("main").get_by_role("region")
    expect(sections).to_have_count(5)
    expect(sections.get_by_role("heading", level=2)).to_have_text(
        ["Take it offline", "1. Introduction", "2. Areas of concern", "3. Missed opportunities", "4. Actions taken"]
    )
    # The publisher's own numbers survive in a numbered list ("4." and "5." under segment 3).
    missed = page.get_by_role("region", name="3. Missed opportunities")
    expect(missed.get_by_role("listitem")).to_have_count(2)
    assert missed.get_by_role("listitem").evaluate_all("items => items.map(item => item.value)") == [4, 5]
    expect(page.get_by_role("link", name="This briefing as JSON data")).to_have_attribute(
        "href", "/briefings/riverside-mark-and-lloyd.json"
    )


def test_a_learning_point_shows_its_note_inside_the_point_and_links_work(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings/northshire-child-a")

    learning = page.get_by_role("region", name="What we have learned")
    point = learning.get_by_role("listitem").filter(has_text="When confronted with a resistant parent")
    expect(point).to_contain_text("Learning for Practice: Authoritative")
    expect(learning.get_by_role("link", name="Neglect Toolkit")).to_have_attribute(
        "href", "https://example.org/neglect-toolkit"
    )
    # A section without a heading of its own is titled by its kind.
    expect(page.get_by_role("heading", level=2, name="Questions to consider")).to_be_visible()
    expect(page.get_by_role("link", name="https://example.org/briefings/child-a")).to_be_visible()


def test_a_theme_on_a_briefing_leads_to_the_library_filtered_by_it(open_page, fixture_server):
    page = open_page(fixture_server)
    visit(page, "/briefings/riverside-mark-and-lloyd")

    page.get_by_role("link", name="Briefings about housing").click()

    assert_accessible(page)
    expect(page).to_have_url(re.compile(r"/briefings\?theme=housing$"))
    expect(page.get_by_label("Theme")).to_have_value("housing")
    expect(listed_titles(page)).to_have_text(["Mark and Lloyd"])


def test_the_library_names_a_broken_file_while_the_other_briefings_still_list(open_page, serve, briefings_folder):
    write_briefing(briefings_folder, "broken-briefing.md", BROKEN)
    page = open_page(serve(briefings_folder))
    visit(page, "/briefings")

    notice = page.get_by_role("region", name="1 briefing file could not be loaded")
    expect(notice).to_contain_text("broken-briefing.md")
    expect(notice).to_contain_text(re.compile(r"Line \d+: broken front matter"))
    expect(notice).not_to_contain_text(str(briefings_folder))
    expect(listed_titles(page)).to_have_text(["Child A", "Mark and Lloyd", "Child 3"])


def test_an_unknown_briefing_gets_a_not_found_page_in_the_site_style(page, live_server):
    visit(page, "/briefings/no-such-briefing", status=404)

    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Go to the briefing library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Briefing library")
    assert_accessible(page)


def test_the_skip_link_is_the_first_stop_and_moves_to_the_main_content(page, live_server):
    visit(page, "/briefings")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["375x667", "320x568"])
def test_on_a_phone_every_page_passes_axe_and_nothing_scrolls_sideways(open_page, fixture_server, viewport):
    page = open_page(fixture_server, viewport=viewport)
    for path in ("/briefings", "/briefings?q=giraffe", *FIXTURE_PAGES):
        visit(page, path)
        assert not has_horizontal_scroll(page), f"{path} scrolls sideways at {viewport['width']} px"
    visit(page, "/briefings/no-such-briefing", status=404)
    assert not has_horizontal_scroll(page)


def test_on_a_projector_every_page_passes_axe_in_large_type(open_page, fixture_server):
    page = open_page(fixture_server, viewport=PROJECTOR)
    for path in ("/briefings", "/briefings?theme=neglect", *FIXTURE_PAGES):
        visit(page, path)
        assert not has_horizontal_scroll(page)
    body_text = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert body_text >= 24, f"body text is {body_text}px on a 1920 px screen; a projector needs it larger"


def test_every_focusable_thing_shows_a_thick_focus_outline(page, live_server):
    visit(page, "/briefings")
    for _ in range(6):
        page.keyboard.press("Tab")
        shown = page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 3
                    && style.outlineColor !== "rgba(0, 0, 0, 0)";
                const highlighted = style.backgroundColor === "rgb(255, 221, 0)";  // the focus yellow
                return outline || highlighted;
            }"""
        )
        name = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        assert shown, f"no thick focus indicator on {name}"
