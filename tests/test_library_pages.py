"""The library pages through Flask's test client: structure of the HTML, fragments for htmx, JSON, 404s,
escaping of hostile briefing files and the security headers. Parsed with BeautifulSoup, never byte-matched."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from app.briefings.library import load_library

from .conftest import FIXTURE_BRIEFINGS, write_briefing

HTMX = {"HX-Request": "true"}
# Front matter that is not valid YAML (an unclosed list).
BROKEN = "---\nid: broken\ntitle: [unclosed\n---\n\n## A {kind=background}\n\nText.\n"


def html(response) -> BeautifulSoup:
    assert response.mimetype == "text/html", response.mimetype
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def listed_titles(soup: BeautifulSoup) -> list[str]:
    listing = soup.find("ul", attrs={"aria-labelledby": "results-heading"})
    return [words(heading) for heading in listing.find_all("h3")] if listing else []


def status_text(soup: BeautifulSoup) -> str:
    return words(soup.find(attrs={"role": "status"}))


# --- the library ----------------------------------------------------------------------------------------


def test_the_home_page_leads_to_the_library(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/briefings")


def test_the_library_lists_every_briefing_with_its_title_publisher_and_themes(client):
    soup = html(client.get("/briefings"))

    library = load_library(FIXTURE_BRIEFINGS)
    assert listed_titles(soup) == [briefing.title for briefing in library.all()]
    assert status_text(soup) == "3 briefings"
    for briefing, card in zip(library.all(), soup.select("ul[aria-labelledby=results-heading] > li")):
        assert card.find("a")["href"] == f"/briefings/{briefing.id}"
        assert briefing.publisher in words(card)
        assert all(theme in words(card) for theme in briefing.themes)


def test_the_filter_is_a_real_get_form_that_works_without_javascript(client):
    soup = html(client.get("/briefings"))

    form = soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/briefings"
    words_box = form.find("input", attrs={"name": "q"})
    theme = form.find("select", attrs={"name": "theme"})
    for control in (words_box, theme):
        assert soup.find("label", attrs={"for": control["id"]}), f"{control['name']} has no label"
    assert [option["value"] for option in theme.find_all("option")] == ["", *load_library(FIXTURE_BRIEFINGS).themes()]
    assert form.find("button", attrs={"type": "submit"})
    # With JavaScript, htmx updates the list region as you type and keeps the address in step.
    assert form["hx-get"] == "/briefings"
    assert "input changed delay:250ms" in form["hx-trigger"] and "search" in form["hx-trigger"]
    assert form["hx-target"] == "#results" and soup.find(id="results")
    assert form["hx-push-url"] == "true"


def test_the_theme_and_words_in_the_address_filter_the_list_and_stay_in_the_form(client):
    soup = html(client.get("/briefings?theme=Neglect&q=toolkit"))

    assert listed_titles(soup) == ["Child A"]
    assert status_text(soup) == "1 briefing found, of 3"
    assert soup.find("input", attrs={"name": "q"})["value"] == "toolkit"
    assert soup.find("select", attrs={"name": "theme"}).find("option", selected=True)["value"] == "neglect"


def test_an_htmx_request_gets_only_the_list_fragment_and_a_normal_request_the_whole_page(client):
    full = client.get("/briefings?theme=housing")
    fragment = client.get("/briefings?theme=housing&q=", headers=HTMX)

    assert html(full).find("html") and html(full).find("form")
    soup = html(fragment)
    assert soup.find("html") is None and soup.find("form") is None and soup.find("h1") is None
    assert listed_titles(soup) == ["Mark and Lloyd"]
    # The count is swapped into the page's existing live region, so screen readers announce it.
    count = soup.find(id="result-count")
    assert count["hx-swap-oob"] == "innerHTML" and words(count) == "1 briefing found, of 3"
    assert fragment.headers["HX-Push-Url"] == "/briefings?theme=housing"
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client):
    response = client.get("/briefings", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert html(response).find("html")


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_it(client):
    for headers in ({}, HTMX):
        soup = html(client.get("/briefings?q=giraffe", headers=headers))

        assert listed_titles(soup) == []
        assert "No briefing found containing “giraffe”" in words(soup)
        assert words(soup.find(id="result-count")) == "No briefings found"
        clear = soup.find("a", string=re.compile("Clear the filter"))
        assert clear["href"] == "/briefings"


def test_broken_files_are_named_without_server_paths_while_the_others_still_list(make_app, briefings_folder):
    write_briefing(briefings_folder, "broken.md", BROKEN)
    write_briefing(briefings_folder, "zz-duplicate.md", (FIXTURE_BRIEFINGS / "westborough-child-3.md").read_text())
    response = make_app(briefings_folder).test_client().get("/briefings")
    soup = html(response)

    notice = soup.find("section", attrs={"aria-labelledby": "broken-files-heading"})
    assert words(notice.find(id="broken-files-heading")) == "2 briefing files could not be loaded"
    assert [words(name) for name in notice.select(".file-name")] == ["broken.md", "zz-duplicate.md"]
    assert re.search(r"broken\.md Line 3: broken front matter", words(notice))
    assert "duplicate id 'westborough-child-3': westborough-child-3.md already uses it" in words(notice)
    assert str(briefings_folder) not in response.get_data(as_text=True)
    assert "tests/" not in words(notice)
    assert listed_titles(soup) == ["Child A", "Mark and Lloyd", "Child 3"]


def test_an_empty_library_says_so(make_app, tmp_path):
    (tmp_path / "empty").mkdir()
    soup = html(make_app(tmp_path / "empty").test_client().get("/briefings"))
    assert status_text(soup) == "0 briefings"
    assert "no briefings in the library yet" in words(soup)


# --- one briefing ---------------------------------------------------------------------------------------


def test_a_briefing_page_shows_every_section_in_reading_order_under_one_h1(client):
    soup = html(client.get("/briefings/riverside-mark-and-lloyd"))

    assert [words(h1) for h1 in soup.find_all("h1")] == ["Mark and Lloyd"]
    sections = soup.find("main").find_all("section", attrs={"aria-labelledby": re.compile("^section-")})
    assert [words(section.find("h2")) for section in sections] == [
        "1. Introduction",
        "2. Areas of concern",
        "3. Missed opportunities",
        "4. Actions taken",
    ]
    # The kind shows where the heading does not already say it.
    assert "Background" in words(sections[0].select_one(".section__kind"))
    assert sections[1].select_one(".section__kind") is None
    # Headings never skip a level.
    levels = [int(tag.name[1]) for tag in soup.find_all(re.compile("^h[1-6]$"))]
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:])), levels


def test_a_numbered_list_keeps_the_publishers_numbers(client):
    soup = html(client.get("/briefings/riverside-mark-and-lloyd"))

    missed = soup.find("section", attrs={"aria-labelledby": "section-3-heading"})
    assert [item["value"] for item in missed.find("ol").find_all("li")] == ["4", "5"]


def test_a_note_is_shown_inside_the_point_it_belongs_to_and_links_are_links(client):
    soup = html(client.get("/briefings/northshire-child-a"))

    learning = soup.find("section", attrs={"aria-labelledby": "section-2-heading"})
    point = learning.find("li", string=None)
    assert "When confronted with a resistant parent" in words(point)
    note = point.find(class_="item-note")
    assert words(note).startswith("Learning for Practice: Authoritative")
    advice = learning.find("ol")
    assert [a["href"] for a in advice.find_all("a")] == [
        "https://example.org/neglect-toolkit",
        "https://example.org/curiosity",
    ]
    # A section without its own heading is titled by its kind.
    questions = soup.find("section", attrs={"aria-labelledby": "section-3-heading"})
    assert words(questions.find("h2")) == "Questions to consider"


def test_the_front_matter_links_themes_to_the_filtered_library_and_web_sources_only(client):
    child_a = html(client.get("/briefings/northshire-child-a"))
    facts = {words(row.find("dt")): row.find("dd") for row in child_a.select("dl.facts > div")}

    assert words(facts["Publisher"]) == "Northshire Safeguarding Children Partnership"
    assert words(facts["Review type"]) == "Child Safeguarding Practice Review"
    assert facts["Date"].find("time")["datetime"] == "2023-05" and words(facts["Date"]) == "May 2023"
    assert [a["href"] for a in facts["Themes"].find_all("a")] == [
        "/briefings?theme=neglect",
        "/briefings?theme=information+sharing",
    ]
    assert facts["Source"].find("a")["href"] == "https://example.org/briefings/child-a"
    assert child_a.find("a", href="/briefings/northshire-child-a.json")

    riverside = html(client.get("/briefings/riverside-mark-and-lloyd"))
    source = {words(row.find("dt")): row.find("dd") for row in riverside.select("dl.facts > div")}["Source"]
    assert source.find("a") is None and words(source) == "Riverside Safeguarding Children Partnership, 2022"


HOSTILE = """---
id: hostile
title: "<script>alert('title')</script> Child Z"
publisher: <b>Bold</b> Partnership
themes: ["<img src=x onerror=alert(1)>"]
source: "javascript:alert(1)"
---

## <script>alert('heading')</script> Background {kind=background}

<script>alert(1)</script>

A [tempting link](javascript:alert(1)) and <img src=x onerror=alert(1)> inline.

- [x](javascript:alert(1))

  <script>alert('note')</script> [y](JAVASCRIPT:alert(2))

### <iframe src="https://example.org"></iframe>
"""


@pytest.mark.parametrize("path", ["/briefings/hostile", "/briefings", "/briefings?q=alert"])
def test_a_hostile_briefing_file_renders_no_script_and_no_script_link(make_app, briefings_folder, path):
    write_briefing(briefings_folder, "hostile.md", HOSTILE)
    client = make_app(briefings_folder).test_client()
    soup = html(client.get(path))

    assert "Child Z" in words(soup)
    assert [script.get("src") for script in soup.find_all("script")] == ["/static/vendor/htmx-2.0.11.min.js", "/static/js/forms.js"]
    assert soup.find_all(["img", "iframe", "b", "style", "object", "embed"]) == []
    for element in soup.find_all(True):
        assert not any(name.startswith("on") for name in element.attrs), element
        for name in ("href", "src", "action", "formaction"):
            assert not element.get(name, "").strip().lower().startswith("javascript:"), element


def test_the_json_route_returns_the_briefing_as_json(client):
    response = client.get("/briefings/northshire-child-a.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == load_library(FIXTURE_BRIEFINGS).get("northshire-child-a").to_dict()


def test_an_unknown_briefing_is_a_404_page_in_the_site_style_and_a_404_in_json(client):
    page = client.get("/briefings/no-such-briefing")
    assert page.status_code == 404
    soup = html(page)
    assert words(soup.find("h1")) == "Page not found"
    assert soup.find("nav", attrs={"aria-label": "Main"}) and soup.find("main")

    data = client.get("/briefings/no-such-briefing.json")
    assert data.status_code == 404 and data.mimetype == "application/json"
    assert "no-such-briefing" in data.get_json()["error"]


# --- every page: layout and headers ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/briefings", "/briefings/northshire-child-a", "/no-such-page"])
def test_every_page_has_the_shared_layout_with_nothing_inline(client, path):
    soup = html(client.get(path))

    assert soup.find("html")["lang"] == "en-GB"
    assert soup.find("meta", attrs={"name": "viewport"})["content"] == "width=device-width, initial-scale=1"
    config = json.loads(soup.find("meta", attrs={"name": "htmx-config"})["content"])
    assert config == {"includeIndicatorStyles": False, "historyCacheSize": 0, "refreshOnHistoryMiss": True}
    assert soup.find("link", rel="stylesheet")["href"].startswith("/static/")
    htmx = soup.find("script")
    assert htmx["src"] == "/static/vendor/htmx-2.0.11.min.js" and htmx.has_attr("defer")
    headers = json.loads(soup.find("body")["hx-headers"])
    assert list(headers) == ["X-CSRFToken"] and len(headers["X-CSRFToken"]) > 20
    # Nothing inline: the CSP would block it.
    assert all(script.get("src") for script in soup.find_all("script")) and not soup.find_all("style")
    assert not soup.find_all(style=True)
    # One h1, a skip link to the main landmark, a banner with the product name and the Library link.
    assert len(soup.find_all("h1")) == 1
    skip = soup.find("a")
    assert words(skip) == "Skip to main content" and skip["href"] == "#main"
    assert soup.find("main", id="main")
    header = soup.find("header")
    assert "Briefing Room" in words(header) and header.find("nav").find("a", string="Library")
    assert all(not link["href"].startswith(("http:", "https:", "//")) for link in soup.find_all("link"))


def test_the_library_link_is_marked_as_the_current_page_on_the_library(client):
    nav = html(client.get("/briefings")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Library")["aria-current"] == "page"


@pytest.mark.parametrize(
    "path", ["/briefings", "/briefings/northshire-child-a", "/briefings/northshire-child-a.json", "/nope"]
)
def test_security_headers_are_sent_on_every_response(client, path):
    headers = client.get(path).headers

    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in headers["Content-Security-Policy"].split(";"))
        if directive
    }
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_a_date_is_written_out_in_words_and_one_that_is_not_iso_is_shown_as_written(make_app, briefings_folder):
    text = (FIXTURE_BRIEFINGS / "westborough-child-3.md").read_text().replace("date: 2021", "date: Spring 2021")
    write_briefing(briefings_folder, "westborough-child-3.md", text)
    client = make_app(briefings_folder).test_client()

    riverside = html(client.get("/briefings/riverside-mark-and-lloyd")).find("time")
    assert riverside["datetime"] == "2022-11-03" and words(riverside) == "3 November 2022"
    westborough = html(client.get("/briefings/westborough-child-3"))
    assert westborough.find("time") is None
    assert "Spring 2021" in words(westborough.find("dl"))


def test_any_unknown_address_is_the_404_page_and_a_json_address_gets_json(client):
    assert words(html(client.get("/no/such/page")).find("h1")) == "Page not found"
    response = client.get("/no/such/data.json")
    assert response.status_code == 404 and response.get_json() == {"error": "not found"}
