"""A facilitator's session pages through Flask's test client: the list, the start form and its mistakes, the
summary of one session, and deleting one. Sessions are filled through the service, as the console would fill
them. HTML is parsed with BeautifulSoup, never byte-matched."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import func, select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import Action, Attendee, BriefingSession, Facilitator, Response
from app.sessions.templates import load_templates

from .test_auth import PASSWORD, create_facilitator, csrf_token, sign_in

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc)  # 10:00 in London (GMT in November)
HOSTILE = "<script>alert(1)</script>"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def soup_of(response) -> BeautifulSoup:
    assert response.mimetype == "text/html", response.mimetype
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def table_rows(table) -> list[list[str]]:
    return [[words(cell) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def link(element, name: str):
    """The link whose text (visually hidden words included) is `name`."""
    found = [a for a in element.find_all("a") if words(a) == name]
    assert len(found) == 1, f"{len(found)} links named {name!r}"
    return found[0]


def section(soup: BeautifulSoup, heading_id: str):
    return soup.find(attrs={"aria-labelledby": heading_id})


@pytest.fixture
def alice(app, client):
    create_facilitator(app, "alice")
    sign_in(client, "alice")
    return "alice"


def start(app, owner="alice", briefing_id="westborough-child-3", template_id="seven-minute", team="Early Help East",
          when=T0) -> str:
    """Start a session through the service; its public id."""
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=owner)).scalar_one()
        briefing = get_library().get(briefing_id)
        template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get(template_id)
        return service.start_session(db.session, facilitator, briefing, template, team, when).public_id


def in_app(app, use_case, public_id, *args, owner="alice"):
    """Run one service use case on behalf of `owner`; the id of what it made (a response, say), or its answer."""
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=owner)).scalar_one()
        result = use_case(db.session, public_id, facilitator, *args)
        return getattr(result, "id", result)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def reflection_step(app, public_id) -> int:
    with app.app_context():
        row = service.find_session(db.session, public_id)
        return next(index for index, step in enumerate(row.plan["steps"]) if step["collects_responses"])


def start_form(client, **fields):
    data = {"briefing": "westborough-child-3", "template": "seven-minute", "team": "Early Help East", **fields}
    return client.post("/sessions", data={**data, "csrf_token": csrf_token(client, "/sessions/new")})


# --- starting a session ---------------------------------------------------------------------------------


def test_starting_a_session_stores_it_and_goes_to_its_console(app, client, alice):
    response = start_form(client)

    assert response.status_code == 303
    with app.app_context():
        row = db.session.execute(select(BriefingSession)).scalar_one()
        assert (row.briefing_id, row.template_id, row.team, row.status) == (
            "westborough-child-3", "seven-minute", "Early Help East", "running"
        )
        assert row.facilitator.name == "alice"
        assert response.headers["Location"] == f"/sessions/{row.public_id}/console"


def test_the_start_page_preselects_the_briefing_and_the_seven_minute_template(client, alice):
    soup = soup_of(client.get("/sessions/new?briefing=riverside-mark-and-lloyd"))

    select_ = soup.find("select", attrs={"name": "briefing"})
    options = select_.find_all("option")
    assert [option["value"] for option in options[1:]] == [b.id for b in get_library_of(client).all()]
    assert select_.find("option", selected=True)["value"] == "riverside-mark-and-lloyd"
    assert soup.find("label", attrs={"for": "start-briefing"}) is not None

    radios = soup.find("fieldset").find_all("input", attrs={"type": "radio", "name": "template"})
    assert {radio["value"] for radio in radios} >= {"seven-minute", "seven-segments", "extended"}
    checked = [radio["value"] for radio in radios if radio.has_attr("checked")]
    assert checked == ["seven-minute"]
    seven = soup.find("label", attrs={"for": "start-template-seven-minute"})
    assert words(seven) == "Seven-minute briefing"
    about = words(soup.find(id="start-template-seven-minute-about"))
    assert about.startswith("7 minutes.") and "classic seven minutes" in about
    assert soup.find("input", attrs={"name": "team"})["value"] == ""
    assert soup.find("legend").get_text(strip=True) == "Session template"


def get_library_of(client):
    with client.application.app_context():
        return get_library()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"briefing": "no-such-briefing"}, "briefing", "There is no briefing “no-such-briefing” in the library"),
        ({"briefing": ""}, "briefing", "Choose the briefing to deliver."),
        ({"template": "ten-hours"}, "template", "There is no session template “ten-hours”"),
        ({"template": ""}, "template", "Choose a session template."),
        ({"team": "T" * 201}, "team", "The team name is too long: 201 characters; the limit is 200."),
    ],
)
def test_a_mistake_on_the_start_form_is_explained_and_keeps_what_was_typed_and_stores_nothing(
    app, client, alice, fields, field, message
):
    typed = {"briefing": "riverside-mark-and-lloyd", "template": "extended", "team": "Team <b>Bold</b>", **fields}

    response = start_form(client, **typed)

    assert response.status_code == 422
    soup = soup_of(response)
    assert message in words(soup.find(attrs={"role": "alert"}))
    assert message in words(soup.find(id=f"start-{field}-error"))
    assert soup.title.get_text().startswith("Error:")
    assert soup.find("input", attrs={"name": "team"})["value"] == typed["team"]
    chosen = soup.find("select", attrs={"name": "briefing"}).find("option", selected=True)
    assert chosen["value"] == (typed["briefing"] if field != "briefing" else "")
    checked = [r["value"] for r in soup.find_all("input", attrs={"name": "template"}) if r.has_attr("checked")]
    assert checked == ([typed["template"]] if field != "template" else [])
    assert count(app, BriefingSession) == 0


def test_an_unknown_briefing_in_the_start_link_is_explained(client, alice):
    soup = soup_of(client.get("/sessions/new?briefing=%3Cscript%3Enope"))
    assert "There is no briefing “<script>nope”" in words(soup.find(id="start-briefing-error"))
    assert soup.find("script", string=True) is None


def test_the_briefing_page_has_a_run_this_briefing_link(client):
    soup = soup_of(client.get("/briefings/westborough-child-3"))
    link = soup.find("a", string="Run this briefing")
    assert link["href"] == "/sessions/new?briefing=westborough-child-3"


# --- the list of sessions -------------------------------------------------------------------------------


def test_the_sessions_page_lists_running_sessions_first_with_their_console_then_past_ones(app, client, alice):
    create_facilitator(app, "bob")
    ended = start(app, briefing_id="northshire-child-a", team="Health visitors", when=at(-86400))
    in_app(app, service.end_session, ended, at(-86000))
    running = start(app)
    start(app, owner="bob", briefing_id="riverside-mark-and-lloyd", team="Bob's team")

    soup = soup_of(client.get("/sessions"))

    assert soup.find("h1").get_text() == "Your sessions"
    running_list = section(soup, "running-heading").find("ul")
    assert words(running_list.find("h3")) == "Child 3"
    assert link(running_list, "Open the console for Child 3")["href"] == f"/sessions/{running}/console"
    assert "Early Help East" in words(running_list) and "25 November 2026 at 10:00" in words(running_list)
    assert "Running" in words(running_list) and "step 1 of 4" in words(running_list)
    past_list = section(soup, "past-heading").find("ul")
    assert words(past_list.find("h3")) == "Child A"
    assert past_list.find("h3").find("a")["href"] == f"/sessions/{ended}"
    assert "Health visitors" in words(past_list) and "Ended" in words(past_list)
    assert "Bob's team" not in words(soup) and "Mark and Lloyd" not in words(soup.find("main").find_all("ul")[-1])
    assert section(soup, "start-heading").find("form", attrs={"action": "/sessions"})["method"] == "post"


def test_the_sessions_page_without_sessions_says_so_and_offers_the_start_form(client, alice):
    soup = soup_of(client.get("/sessions"))
    assert section(soup, "running-heading") is None
    assert "No past sessions yet" in words(section(soup, "past-heading"))
    assert soup.find("button", string="Start the session")


# --- the summary ----------------------------------------------------------------------------------------


@pytest.fixture
def filled(app, alice):
    """An ended session with attendance, responses (one hostile, one removed) and actions."""
    public_id = start(app)
    step = reflection_step(app, public_id)
    in_app(app, service.add_attendee, public_id, "Jo Bloggs", "Social worker", "Children's Social Care", at(5))
    in_app(app, service.add_attendee, public_id, "Ade Okafor", "", "", at(6))
    in_app(app, service.move, public_id, 0, step, at(75))
    in_app(app, service.add_response, public_id, step, 0, "We rely on phone calls\nand never visit", at(100))
    in_app(app, service.add_response, public_id, step, 0, HOSTILE, at(110))
    wrong = in_app(app, service.add_response, public_id, step, 1, "Said about the wrong family", at(120))
    in_app(app, service.set_response_hidden, public_id, wrong, True, at(121))
    in_app(app, service.add_action, public_id, "Review our neglect toolkit use", "Sam Patel", "2027-01-31", at(200))
    in_app(app, service.add_action, public_id, "Share the briefing", "", "", at(210))
    in_app(app, service.move, public_id, step, step + 1, at(260))
    in_app(app, service.end_session, public_id, at(300))
    return public_id


def test_the_summary_shows_the_briefing_the_people_and_the_plan(client, filled):
    response = client.get(f"/sessions/{filled}")
    assert response.status_code == 200
    soup = soup_of(response)

    assert words(soup.find("h1")) == "Session summary Child 3"
    facts = words(soup.find("dl", class_="facts"))
    for expected in ("Publisher Westborough Safeguarding Partnership", "25 November 2026 at 10:00", "ended at 10:05",
                     "Facilitator alice", "Team Early Help East", "Session template Seven-minute briefing",
                     "Status Ended", "Time taken 5:00 of 7:00 planned", "Attendance 2 people"):
        assert expected in facts
    register = section(soup, "attendance-heading").find("table")
    assert table_rows(register) == [
        ["Name", "Role", "Team or agency"],
        ["Jo Bloggs", "Social worker", "Children's Social Care"],
        ["Ade Okafor", "–", "–"],
    ]
    assert register.find("caption") is not None
    assert all(th["scope"] == "col" for th in register.find("thead").find_all("th"))


def test_the_summary_shows_time_per_step_against_plan_in_a_real_table(client, filled):
    table = section(soup_of(client.get(f"/sessions/{filled}")), "timing-heading").find("table")

    assert "against the plan" in words(table.find("caption"))
    assert table_rows(table) == [
        ["Step", "Planned", "Spent", "Against plan"],
        ["1. Background", "1:00", "1:15", "0:15 over"],
        ["2. Why it matters here", "3:00", "0:00", "3:00 under"],
        ["3. Reflection", "2:00", "3:05", "1:05 over"],
        ["4. Agreed actions", "1:00", "0:40", "0:20 under"],
        ["Whole session", "7:00", "5:00", "2:00 under"],
    ]
    assert all(th["scope"] == "row" for th in table.select("tbody th, tfoot th"))


def test_the_summary_shows_every_question_with_its_source_and_its_responses(client, filled):
    part = section(soup_of(client.get(f"/sessions/{filled}")), "responses-heading")

    questions = part.find_all(class_="question")
    assert len(questions) == 2
    first, second = questions
    assert words(first.find("h4")).startswith("How do we capture the lived experience")
    assert words(first.find(class_="question__source")) == "From the briefing"
    assert [words(li) for li in first.find("ul", attrs={"aria-label": "Responses"}).find_all("li")] == [
        "We rely on phone calls and never visit", HOSTILE,
    ]
    assert "No responses recorded." in words(second)
    hidden = second.find("ul", attrs={"aria-label": "Hidden responses"})
    assert [words(li) for li in hidden.find_all("li")] == ["Hidden Said about the wrong family"]
    assert "Hidden from the screens" in words(second)


def test_template_questions_are_labelled_as_standard_team_questions(app, client, alice):
    public_id = start(app, briefing_id="riverside-mark-and-lloyd")
    part = section(soup_of(client.get(f"/sessions/{public_id}")), "responses-heading")
    sources = [words(p) for p in part.find_all(class_="question__source")]
    assert sources == ["Standard team question"] * 3


def test_the_summary_escapes_what_people_typed(client, filled):
    soup = soup_of(client.get(f"/sessions/{filled}"))
    assert all(script.get("src") for script in soup.find_all("script")), "an inline script reached the page"
    assert HOSTILE in words(soup.find("main"))


def test_the_summary_lists_the_agreed_actions_in_a_table(client, filled):
    table = section(soup_of(client.get(f"/sessions/{filled}")), "actions-heading").find("table")
    assert table.find("caption") is not None
    assert table_rows(table) == [
        ["Action", "Owner", "Due"],
        ["Review our neglect toolkit use", "Sam Patel", "31 January 2027"],
        ["Share the briefing", "Not given", "No date"],
    ]
    assert table.find("time")["datetime"] == "2027-01-31"


def test_pages_that_show_responses_are_never_stored(client, filled):
    for path in (f"/sessions/{filled}", "/sessions", f"/sessions/{filled}/delete", "/sessions/new"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_a_running_session_summary_says_so_and_leads_back_to_the_console(app, client, alice):
    public_id = start(app, when=datetime.now(timezone.utc) - timedelta(seconds=30))
    soup = soup_of(client.get(f"/sessions/{public_id}"))

    assert "Still running" in words(soup.find("dl", class_="facts"))
    assert soup.find("a", string="Back to the console")["href"] == f"/sessions/{public_id}/console"
    rows = table_rows(section(soup, "timing-heading").find("table"))
    assert rows[1][0] == "1. Background now"
    assert rows[2][2:] == ["not reached"]


def test_a_head_count_without_names_is_shown(app, client, alice):
    public_id = start(app)
    in_app(app, service.set_head_count, public_id, "12")
    part = section(soup_of(client.get(f"/sessions/{public_id}")), "attendance-heading")
    assert "Head count: 12" in words(part)
    assert part.find("table") is None


# --- other facilitators' sessions and ones that do not exist ----------------------------------------------


@pytest.mark.parametrize("path", ["/sessions/{id}", "/sessions/{id}/delete"])
def test_another_facilitators_session_is_not_found(app, client, alice, path):
    create_facilitator(app, "bob")
    bobs = start(app, owner="bob", team="Bob's team")

    response = client.get(path.format(id=bobs))

    assert response.status_code == 404
    assert "Session not found" in words(soup_of(response).find("h1"))
    assert "Bob's team" not in response.get_data(as_text=True)


def test_another_facilitators_session_cannot_be_deleted(app, client, alice):
    create_facilitator(app, "bob")
    bobs = start(app, owner="bob")
    response = client.post(f"/sessions/{bobs}/delete", data={"csrf_token": csrf_token(client, "/sessions")})
    assert response.status_code == 404
    assert count(app, BriefingSession) == 1


def test_an_unknown_session_is_not_found(client, alice):
    assert client.get("/sessions/no-such-session").status_code == 404


# --- deleting ---------------------------------------------------------------------------------------------


def test_the_delete_page_says_what_will_be_deleted_and_asks_first(client, filled):
    soup = soup_of(client.get(f"/sessions/{filled}/delete"))

    assert words(soup.find("h1")) == "Delete this session?"
    facts = words(soup.find("dl"))
    assert "Briefing Child 3" in facts and "25 November 2026 at 10:00" in facts
    assert "3 responses (1 of them hidden from the screens)" in facts
    assert "2 actions" in facts and "2 names in the attendance register" in facts
    form = soup.find("form", attrs={"action": f"/sessions/{filled}/delete"})
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert form.find("button", string="Delete the session")
    assert form.find("a", string="Cancel")["href"] == f"/sessions/{filled}"


def test_deleting_a_session_removes_it_and_everything_in_it(app, client, filled):
    assert count(app, BriefingSession) == 1
    token = csrf_token(client, f"/sessions/{filled}/delete")

    response = client.post(f"/sessions/{filled}/delete", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["Location"] == "/sessions"
    assert "Session deleted: Child 3, 25 November 2026 at 10:00." in words(
        soup_of(client.get("/sessions")).find(attrs={"role": "status"})
    )
    for model in (BriefingSession, Response, Action, Attendee):
        assert count(app, model) == 0, model.__name__
    assert client.get(f"/sessions/{filled}").status_code == 404
    assert client.post(f"/sessions/{filled}/delete", data={"csrf_token": token}).status_code == 404


def test_opening_the_delete_page_deletes_nothing(app, client, filled):
    client.get(f"/sessions/{filled}/delete")
    assert count(app, BriefingSession) == 1 and count(app, Response) == 3


def test_deleting_without_the_csrf_token_is_refused(app, client, filled):
    assert client.post(f"/sessions/{filled}/delete").status_code == 400
    assert count(app, BriefingSession) == 1


def test_signing_in_as_bob_shows_none_of_alices_sessions(app, client, filled):
    create_facilitator(app, "bob", PASSWORD)
    other = app.test_client()
    sign_in(other, "bob")
    soup = soup_of(other.get("/sessions"))
    assert "Child 3" not in words(soup.find("main").find_all("section")[-1])
    assert other.get(f"/sessions/{filled}").status_code == 404
