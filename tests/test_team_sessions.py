"""Sessions run for a team: the start form offers the facilitator's teams, the team's managers read its sessions
(list, summary, exports) and cannot run or delete them, and what facilitators do is in the audit trail."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.extensions import db
from app.people.models import AuditEvent
from app.sessions import service
from app.sessions.models import BriefingSession
from app.web import now

from .support import make_app
from .team_support import PASSWORD, account, add_account, add_team, start_for_team

REFLECTION = 3  # the step of 'seven-minute' on 'wigan-child-3' that collects responses
DUTY = "Duty and assessment (Early help)"


def soup_of(answer) -> BeautifulSoup:
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def signed_in(app, name: str):
    client = app.test_client()
    token = soup_of(client.get("/login")).find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token}).status_code == 303
    return client


def token_of(client, path: str = "/briefings") -> str:
    return soup_of(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def team(tmp_path):
    """Fran runs sessions for two teams; Mona manages the first; Otto manages another team; Cole is in the
    first team as a facilitator only; Max manages the first team and runs sessions too."""
    app = make_app(tmp_path)
    duty, youth, other = add_team(app, "Duty and assessment"), add_team(app, "Youth offending", "Youth justice"), add_team(app, "Housing options", "Housing")
    add_account(app, "fran", ["facilitator"], [duty, youth])
    add_account(app, "mona", ["manager"], [duty])
    add_account(app, "otto", ["manager"], [other])
    add_account(app, "cole", ["facilitator"], [duty])
    add_account(app, "max", ["facilitator", "manager"], [duty])
    return {"app": app, "duty": duty, "youth": youth, "other": other}


def stored_sessions(app) -> list[tuple]:
    with app.app_context():
        return [(row.team_id, row.team) for row in db.session.execute(select(BriefingSession)).scalars()]


# --- the start form -------------------------------------------------------------------------------------------


def test_the_start_form_offers_the_facilitators_teams_with_their_agencies_and_another_team(team):
    client = signed_in(team["app"], "fran")
    form = soup_of(client.get("/sessions/new")).find("form", class_="start-form")
    choices = form.find("fieldset", id="start-team-choice")
    assert words(choices.find("legend")) == "Team"
    labels = [words(form.find("label", attrs={"for": radio["id"]})) for radio in choices.find_all("input", type="radio")]
    assert labels == ["Duty and assessment (Early help)", "Youth offending (Youth justice)", "Another team"]
    assert choices.find("input", checked=True)["value"] == str(team["duty"])  # their first team, chosen already
    assert words(form.find("label", attrs={"for": "start-team"})).startswith("Another team’s name")


def test_a_facilitator_in_no_team_gets_the_team_name_field_alone(team):
    add_account(team["app"], "nell", ["facilitator"])
    form = soup_of(signed_in(team["app"], "nell").get("/sessions/new")).find("form", class_="start-form")
    assert form.find("input", attrs={"name": "team_id"}) is None
    assert words(form.find("label", attrs={"for": "start-team"})) == "Team name (optional)"


def start(client, **fields):
    data = {"briefing": "wigan-child-3", "template": "seven-minute", "csrf_token": token_of(client, "/sessions/new")}
    return client.post("/sessions", data={**data, **fields})


def test_a_session_started_for_a_team_shows_the_team_on_the_list_and_the_summary(team):
    client = signed_in(team["app"], "fran")
    answer = start(client, team_id=str(team["duty"]), team="")
    assert answer.status_code == 303
    assert stored_sessions(team["app"]) == [(team["duty"], DUTY)]
    card = soup_of(client.get("/sessions")).find("section", attrs={"aria-labelledby": "running-heading"}).find("li")
    assert DUTY in words(card)
    public_id = answer.headers["Location"].split("/")[2]
    facts = soup_of(client.get(f"/sessions/{public_id}")).find("dl", class_="facts")
    assert {words(row.find("dt")): words(row.find("dd")) for row in facts.find_all("div")}["Team"] == DUTY


def test_another_team_keeps_the_one_off_name_as_typed(team):
    client = signed_in(team["app"], "fran")
    assert start(client, team_id="", team="Visiting social workers").status_code == 303
    assert stored_sessions(team["app"]) == [(None, "Visiting social workers")]


@pytest.mark.parametrize("chosen", ["other", "999999", "x1", "٣"])
def test_a_team_that_is_not_the_facilitators_is_refused_and_nothing_starts(team, chosen):
    client = signed_in(team["app"], "fran")
    team_id = str(team["other"]) if chosen == "other" else chosen
    answer = start(client, team_id=team_id, team="")
    assert answer.status_code == 422
    assert "not one of yours" in words(soup_of(answer).find(class_="error-summary"))
    assert stored_sessions(team["app"]) == []


# --- a team manager's view -----------------------------------------------------------------------------------------


@pytest.fixture
def session_for_team(team):
    public_id = start_for_team(team["app"], "fran", team["duty"])
    with team["app"].app_context():
        fran = account("fran")
        service.move(db.session, public_id, fran, 0, REFLECTION, now())
        service.add_response(db.session, public_id, fran, REFLECTION, 0, "We missed the chronology", now())
    return public_id


def test_the_manager_lists_their_teams_sessions_and_reads_the_summary_without_run_or_delete(team, session_for_team):
    client = signed_in(team["app"], "mona")
    page = soup_of(client.get("/sessions"))
    assert words(page.find("h1")) == "Your teams’ sessions"
    assert page.find("form", class_="start-form") is None  # a manager only starts nothing
    listed = page.find("section", attrs={"aria-labelledby": "teams-sessions-heading"}).find_all("li")
    assert len(listed) == 1 and "run by fran" in words(listed[0]) and DUTY in words(listed[0])
    assert [words(a) for a in listed[0].find_all("a")] == ["Child 3", "Summary so far of Child 3"]

    summary = client.get(f"/sessions/{session_for_team}")
    assert summary.status_code == 200
    soup = soup_of(summary)
    assert "We missed the chronology" in words(soup.find("main"))
    link_texts = [words(a) for a in soup.find("main").find_all("a")]
    assert "Back to the console" not in link_texts and "Delete this session…" not in link_texts
    assert "Only its facilitator, fran, can run or delete it." in words(soup.find("main"))
    record = client.get(f"/sessions/{session_for_team}/export.pptx")
    assert record.status_code == 200 and record.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/console"), ("GET", "/present"), ("GET", "/delete"), ("POST", "/delete"), ("POST", "/end"),
        ("POST", "/pause"), ("POST", "/responses"),
    ],
)
def test_a_manager_who_also_facilitates_is_refused_the_console_and_controls_of_a_teams_session(
    team, session_for_team, method, path
):
    client = signed_in(team["app"], "max")
    address = f"/sessions/{session_for_team}{path}"
    answer = client.get(address) if method == "GET" else client.post(address, data={"csrf_token": token_of(client)})
    assert answer.status_code == 403
    assert "only its facilitator can run, change or delete it" in words(soup_of(answer).find(attrs={"role": "alert"}))
    with team["app"].app_context():
        row = service.find_session(db.session, session_for_team)
        assert (row.status, row.paused_at, len(row.responses)) == ("running", None, 1)
    # ...and reads it, in their teams' list beside their own.
    assert client.get(f"/sessions/{session_for_team}").status_code == 200
    teams_list = soup_of(client.get("/sessions")).find("section", attrs={"aria-labelledby": "teams-sessions-heading"})
    assert "Child 3" in words(teams_list)


@pytest.mark.parametrize("name", ["otto", "cole"])
def test_another_teams_manager_and_a_colleague_who_is_not_a_manager_see_nothing(team, session_for_team, name):
    client = signed_in(team["app"], name)
    for path in ("", "/export.pptx"):
        assert client.get(f"/sessions/{session_for_team}{path}").status_code == 404
    assert soup_of(client.get("/sessions")).find_all("li", class_="session-card") == []


# --- the audit trail ---------------------------------------------------------------------------------------------


def test_starting_redacting_ending_and_deleting_from_the_pages_are_recorded_with_who_and_from_where(team):
    app = team["app"]
    client = signed_in(app, "fran")
    public_id = start(client, team_id=str(team["duty"]), team="").headers["Location"].split("/")[2]
    with app.app_context():
        fran = account("fran")
        service.move(db.session, public_id, fran, 0, REFLECTION, now())
        response_id = service.add_response(db.session, public_id, fran, REFLECTION, 0, "Ring 07700 900123", now()).id
    token = token_of(client)
    base = f"/sessions/{public_id}"
    assert client.post(f"{base}/responses/{response_id}/redact", data={"csrf_token": token, "part": "07700 900123"}).status_code == 303
    assert client.post(f"{base}/end", data={"csrf_token": token}).status_code == 303
    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        mine = [(e.action, e.subject, e.actor_name, e.address) for e in events if e.action.startswith(("session", "response"))]
    named = f"Child 3 ({DUTY})"
    assert mine == [
        ("session-started", named, "fran", "127.0.0.1"),
        ("response-redacted", f"{named}, response {response_id}", "fran", "127.0.0.1"),
        ("session-ended", named, "fran", "127.0.0.1"),
        ("session-deleted", named, "fran", "127.0.0.1"),
    ]
