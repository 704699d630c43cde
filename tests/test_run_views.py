"""The facilitator console, the presenter view and the changes the console makes, through Flask's test client.

Sessions run on the shipped briefings and templates ('wigan-child-3' on 'seven-minute': Background, What was
learned, Why it matters here, Reflection (five questions from the briefing), Agreed actions). Pages are parsed
with BeautifulSoup; what matters is the structure people and screen readers meet, not the bytes. CSRF
protection is on, as in production: every POST carries the token a page gave it.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import event, select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import BriefingSession, Facilitator
from app.sessions.templates import load_templates
from app.web import now

from .support import make_app

PASSWORD = "a long enough password"
HTMX = {"HX-Request": "true"}
HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
REFLECTION = 3  # the step of 'seven-minute' on 'wigan-child-3' that collects responses
ACTIONS = 4


# --- set-up ------------------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def create_facilitator(app, name: str) -> None:
    with app.app_context():
        facilitator = Facilitator(name=name)
        facilitator.set_password(PASSWORD)
        db.session.add(facilitator)
        db.session.commit()


def sign_in(client, name: str) -> None:
    token = page_token(client, "/login")
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.status_code


@pytest.fixture
def alice(app, client):
    create_facilitator(app, "alice")
    sign_in(client, "alice")
    return "alice"


def start(app, owner="alice", briefing_id="wigan-child-3", template_id="seven-minute") -> str:
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=owner)).scalar_one()
        briefing = get_library().get(briefing_id)
        template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get(template_id)
        return service.start_session(db.session, facilitator, briefing, template, "Early Help East", now()).public_id


@pytest.fixture
def session_id(app, alice) -> str:
    return start(app)


def stored(app, public_id: str) -> BriefingSession:
    with app.app_context():
        row = service.find_session(db.session, public_id)
        db.session.expunge(row)
        return row


def in_app(app, use_case, public_id, *args, owner="alice"):
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=owner)).scalar_one()
        result = use_case(db.session, public_id, facilitator, *args)
        return getattr(result, "id", result)


def go_to(app, public_id: str, step: int) -> None:
    current = stored(app, public_id).step
    if current != step:
        in_app(app, service.move, public_id, current, step, now())


def soup_of(answer) -> BeautifulSoup:
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def page_token(client, path: str) -> str:
    field = soup_of(client.get(path)).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"{path} has no CSRF token"
    return field["value"]


def console_url(public_id: str) -> str:
    return f"/sessions/{public_id}/console"


def present_url(public_id: str) -> str:
    return f"/sessions/{public_id}/present"


def post(client, public_id: str, path: str, data: dict | None = None, *, htmx: bool = False):
    token = page_token(client, console_url(public_id))
    return client.post(
        f"/sessions/{public_id}/{path}", data={"csrf_token": token, **(data or {})}, headers=HTMX if htmx else {}
    )


# --- the console -------------------------------------------------------------------------------------------


def test_the_console_shows_the_step_both_clocks_the_prompt_the_next_step_and_every_control(client, session_id):
    answer = client.get(console_url(session_id))
    assert answer.status_code == 200
    soup = soup_of(answer)

    assert words(soup.find("h1")) == "Running Child 3"
    status = soup.find(id="run-status")
    assert words(status.find("h2")) == "Step 1 of 5 : Background"
    assert [words(t) for t in status.select("[data-countdown]")] == ["1:00", "7:00"]
    assert status["data-phase"] == "running" and float(status["data-step-remaining"]) == pytest.approx(60, abs=2)
    assert "Tell the story in your own words" in words(status.find(class_="prompt"))
    assert words(status.find(class_="next-step")) == "Next: What was learned (2:00)"
    buttons = [words(button) for button in status.find_all("button")]
    assert buttons == ["← Previous step", "Next step →", "Pause", "Add a minute", "Go", "Yes, end the session"]
    assert status.find(id="run-previous")["aria-disabled"] == "true"
    options = status.find("select", id="run-goto").find_all("option")
    assert [words(o) for o in options][0] == "1. Background (1:00)" and len(options) == 5
    assert soup.find("label", attrs={"for": "run-goto"}) is not None
    assert words(status.find("details", class_="end-session").find("summary")) == "End session…"
    presenter = soup.find("a", href=present_url(session_id))
    assert presenter["target"] == "_blank" and words(presenter).startswith("Open presenter view")
    # Attendance on every step; no scribe forms on a step that collects no responses.
    assert soup.find(id="attendance-heading") is not None and soup.find(id="attendee-form") is not None
    assert soup.find("textarea", attrs={"name": "text"}) is None
    # Every form works without JavaScript: a method, an action and its CSRF token.
    for form in soup.find_all("form"):
        assert form["method"] == "post" and form["action"]
        assert form.find("input", attrs={"name": "csrf_token"}) is not None


def test_the_reflection_step_has_one_scribe_form_per_question_with_its_source(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    soup = soup_of(client.get(console_url(session_id)))

    questions = soup.select(".run-question")
    assert len(questions) == 5
    first = questions[0]
    assert "Are you able to have conversations which enhance assessments?" in words(first.find("h3"))
    assert words(first.find(class_="run-question__source")) == "From the briefing"
    textarea = first.find("textarea")
    assert textarea["maxlength"] == "2000"
    assert words(soup.find("label", attrs={"for": textarea["id"]})) == "Response to question 1"
    assert words(first.find(class_="run-char-count")) == "0 of 2,000 characters"


def test_a_briefing_without_questions_shows_the_standard_team_questions_as_the_templates(app, client, alice):
    public_id = start(app, briefing_id="warwickshire-child-a")
    step = next(i for i, s in enumerate(stored(app, public_id).plan["steps"]) if s["collects_responses"])
    go_to(app, public_id, step)

    console = soup_of(client.get(console_url(public_id)))
    assert {words(p) for p in console.select(".run-question__source")} == {"Standard team question"}
    presenter = soup_of(client.get(present_url(public_id)))
    assert len(presenter.select(".stage-question__source")) == 3
    assert "What are your key thoughts and reflections?" in words(presenter.find(id="stage"))


# --- moving ------------------------------------------------------------------------------------------------


def test_a_double_submitted_move_moves_once(app, client, session_id):
    first = post(client, session_id, "move", {"from_step": 0, "to_step": 1})
    second = post(client, session_id, "move", {"from_step": 0, "to_step": 1})

    assert first.status_code == second.status_code == 303
    assert stored(app, session_id).step == 1
    assert first.headers["Location"].endswith(f"{console_url(session_id)}?done=moved#run-status")


def test_a_move_from_a_stale_step_changes_nothing_and_shows_the_current_step(app, client, session_id):
    go_to(app, session_id, 2)
    answer = post(client, session_id, "move", {"from_step": 0, "to_step": 1}, htmx=True)

    assert answer.status_code == 200
    assert stored(app, session_id).step == 2
    soup = soup_of(answer)
    assert words(soup.find(id="run-status").find("h2")) == "Step 3 of 5 : Why it matters here"
    # The console was showing step 1: its step's work is redrawn too.
    assert soup.find(id="step-work")["hx-swap-oob"] == "true"


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_move_to_a_step_out_of_range_is_refused_with_a_message(app, client, session_id, htmx):
    answer = post(client, session_id, "move", {"from_step": 0, "to_step": 8}, htmx=htmx)

    assert answer.status_code == 422
    alert = soup_of(answer).find(id="run-status-error")
    assert alert["role"] == "alert"
    assert words(alert) == "Error: There is no step 9; the session has 5 steps."
    assert stored(app, session_id).step == 0


def test_moving_with_htmx_answers_the_status_with_an_announcement(app, client, session_id):
    answer = post(client, session_id, "move", {"from_step": 0, "to_step": 1, "step": 0}, htmx=True)

    soup = soup_of(answer)
    assert words(soup.find(id="run-status").find("h2")) == "Step 2 of 5 : What was learned"
    announcer = soup.find(id="run-announcer")
    assert announcer["hx-swap-oob"] == "innerHTML" and words(announcer) == "Moved to step 2: What was learned"
    assert answer.headers["Cache-Control"] == "no-store"


def test_pause_resume_and_add_a_minute(app, client, session_id):
    paused = soup_of(post(client, session_id, "pause", htmx=True))
    assert paused.find(id="run-status")["data-phase"] == "paused"
    assert words(paused.find(id="run-pause")) == "Resume"
    assert words(paused.find(class_="phase-badge")) == "Paused"

    post(client, session_id, "resume")
    minute = soup_of(post(client, session_id, "add-minute", htmx=True))
    assert words(minute.find(id="run-pause")) == "Pause"
    assert float(minute.find(id="run-status")["data-step-remaining"]) == pytest.approx(120, abs=3)
    assert words(minute.find(id="run-announcer")) == "Added a minute to this step."


# --- scribe mode -------------------------------------------------------------------------------------------


def test_a_response_added_with_a_plain_form_redirects_back_to_the_console(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    answer = post(client, session_id, "responses", {"step": REFLECTION, "question": 1, "text": "We rely on calls"})

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{console_url(session_id)}?done=response-added#respond-3-1")
    soup = soup_of(client.get(answer.headers["Location"]))
    assert words(soup.find(id="run-announcer")) == "Response added."
    assert [words(li.find(class_="run-response__text")) for li in soup.select("#responses-3-1 li")] == ["We rely on calls"]


def test_a_response_added_with_htmx_answers_a_fresh_form_and_the_questions_responses(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    answer = post(client, session_id, "responses", {"step": REFLECTION, "question": 0, "text": "Line one\nline two"}, htmx=True)

    assert answer.status_code == 200
    soup = soup_of(answer)
    form = soup.find("form", id="respond-3-0")
    assert form.find("textarea").get_text() == ""
    listing = soup.find(id="responses-3-0")
    assert listing["hx-swap-oob"] == "true"
    assert listing.find(class_="run-response__text").get_text() == "Line one\nline two"


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize(
    "typed, reason",
    [
        ("   ", "The response is empty: type something first."),
        ("x" * 2001, "The response is too long: 2,001 characters; the limit is 2,000."),
    ],
    ids=["empty", "2001-characters"],
)
def test_an_empty_or_over_long_response_is_refused_with_the_reason_and_the_text_kept(
    app, client, session_id, htmx, typed, reason
):
    go_to(app, session_id, REFLECTION)
    answer = post(client, session_id, "responses", {"step": REFLECTION, "question": 2, "text": typed}, htmx=htmx)

    assert answer.status_code == 422
    form = soup_of(answer).find("form", id="respond-3-2")
    alert = form.find(attrs={"role": "alert"})
    assert words(alert) == f"Error: {reason}"
    textarea = form.find("textarea")
    assert textarea.get_text() == typed
    assert textarea["aria-invalid"] == "true" and alert["id"] in textarea["aria-describedby"]
    with client.application.app_context():
        assert service.find_session(db.session, session_id).responses == []


def test_a_refused_response_typed_on_a_page_left_on_an_earlier_step_comes_back_on_its_own_form(app, client, session_id):
    go_to(app, session_id, ACTIONS)  # another screen moved on while this page still showed the reflection step
    typed = "z" * 2001
    answer = post(client, session_id, "responses", {"step": REFLECTION, "question": 4, "text": typed})

    assert answer.status_code == 422
    soup = soup_of(answer)
    assert words(soup.find(id="run-status").find("h2")) == "Step 5 of 5 : Agreed actions"
    form = soup.find("form", id="respond-3-4")
    assert form.find("textarea").get_text() == typed
    assert "too long" in words(form.find(attrs={"role": "alert"}))


def test_a_response_on_a_question_that_does_not_exist_is_refused(app, client, session_id):
    answer = post(client, session_id, "responses", {"step": 0, "question": 0, "text": "Hello"}, htmx=True)

    assert answer.status_code == 422
    assert "does not collect responses" in words(soup_of(answer).find(attrs={"role": "alert"}))


def test_hostile_text_is_shown_escaped_on_the_console_and_the_presenter(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    post(client, session_id, "responses", {"step": REFLECTION, "question": 0, "text": HOSTILE})

    for path in (console_url(session_id), present_url(session_id)):
        html = client.get(path).get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        # The only images are the join QR code, served by the app itself.
        assert [img["src"] for img in soup.find_all("img")] == [f"/sessions/{session_id}/join-qr.svg"], path
        assert [s for s in soup.find_all("script") if not s.get("src")] == [], path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert HOSTILE in soup.get_text(), path


def test_editing_removing_and_restoring_a_response(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    response_id = in_app(app, service.add_response, session_id, REFLECTION, 0, "Wrong words", now())

    edited = post(client, session_id, f"responses/{response_id}/edit", {"text": "Right words"}, htmx=True)
    assert edited.status_code == 200
    assert words(soup_of(edited).find(id="responses-3-0").find(class_="run-response__text")) == "Right words"

    refused = post(client, session_id, f"responses/{response_id}/edit", {"text": "y" * 2001}, htmx=True)
    assert refused.status_code == 422
    soup = soup_of(refused)
    assert soup.find("details", class_="run-response-edit").has_attr("open")
    assert soup.find("textarea", id=f"edit-{response_id}-text").get_text() == "y" * 2001
    assert "too long" in words(soup.find(id=f"edit-{response_id}-error"))

    hidden = soup_of(post(client, session_id, f"responses/{response_id}/hide", htmx=True))
    item = hidden.find(id=f"response-{response_id}")
    assert "run-response--hidden" in item["class"]
    assert words(item.find(class_="run-response__flag")) == "Hidden from the screens"
    assert words(item.find("button")) == "Show response 1 again"
    assert words(hidden.find(id="run-announcer")).startswith("Response hidden from the screens")
    assert "Right words" not in words(soup_of(client.get(present_url(session_id))).find(id="stage"))

    restored = soup_of(post(client, session_id, f"responses/{response_id}/show", htmx=True))
    assert "run-response--hidden" not in restored.find(id=f"response-{response_id}")["class"]
    assert "Right words" in words(soup_of(client.get(present_url(session_id))).find(id="stage"))


def test_a_response_of_another_session_cannot_be_changed(app, client, session_id):
    other = start(app)
    go_to(app, other, REFLECTION)
    response_id = in_app(app, service.add_response, other, REFLECTION, 0, "Not yours to change", now())

    answer = post(client, session_id, f"responses/{response_id}/remove")
    assert answer.status_code == 404


# --- actions and attendance --------------------------------------------------------------------------------


def test_actions_are_added_with_owner_and_date_refused_with_a_bad_date_and_removed(app, client, session_id):
    go_to(app, session_id, ACTIONS)
    soup = soup_of(client.get(console_url(session_id)))
    form = soup.find("form", id="action-form")
    assert form.find("input", attrs={"name": "due"})["type"] == "date"
    assert {words(label) for label in form.find_all("label")} == {"What will the team do?", "Who owns it", "By when"}

    added = soup_of(post(client, session_id, "actions", {"what": "Audit home visits", "owner": "Sam", "due": "2027-01-31"}, htmx=True))
    assert words(added.find(id="actions-list").find("li")).startswith("Audit home visits Owner: Sam · By: 31 January 2027")

    refused = post(client, session_id, "actions", {"what": "Later", "owner": "Jo", "due": "next week"}, htmx=True)
    assert refused.status_code == 422
    form = soup_of(refused).find("form", id="action-form")
    assert "'next week' is not a date" in words(form.find(attrs={"role": "alert"}))
    assert form.find("textarea", id="action-what").get_text() == "Later"
    assert form.find("input", id="action-owner")["value"] == "Jo"

    action_id = stored_actions(app, session_id)[0]
    removed = soup_of(post(client, session_id, f"actions/{action_id}/delete", htmx=True))
    assert words(removed.find(id="actions-list")) == "No actions yet."
    assert stored_actions(app, session_id) == []


def stored_actions(app, public_id):
    with app.app_context():
        return [action.id for action in service.find_session(db.session, public_id).actions]


def test_attendance_names_and_a_head_count(app, client, session_id):
    added = soup_of(
        post(client, session_id, "attendees", {"name": "Jo Bloggs", "role": "Social worker", "organisation": "CSC"}, htmx=True)
    )
    register = added.find(id="attendees-list")
    assert words(register).startswith("1 person in the register.")
    assert register.find("li").find("p").get_text().strip() == "Jo Bloggs, Social worker, CSC"

    refused = post(client, session_id, "head-count", {"head_count": "lots"}, htmx=True)
    assert refused.status_code == 422
    form = soup_of(refused).find("form", id="head-count-form")
    assert form.find("input", id="head-count")["value"] == "lots"
    assert "whole number between 1 and 1,000" in words(form.find(attrs={"role": "alert"}))

    saved = soup_of(post(client, session_id, "head-count", {"head_count": "12"}, htmx=True))
    assert saved.find("input", id="head-count")["value"] == "12"
    assert words(saved.find(id="attendees-list")).startswith("1 person in the register; head count 12.")

    nameless = post(client, session_id, "attendees", {"name": "", "role": "Nurse"})
    assert nameless.status_code == 422
    form = soup_of(nameless).find("form", id="attendee-form")
    assert form.find("input", id="attendee-role")["value"] == "Nurse"
    assert "The name is empty" in words(form.find(attrs={"role": "alert"}))


# --- ending ----------------------------------------------------------------------------------------------


def test_ending_leads_to_the_summary(app, client, session_id):
    answer = post(client, session_id, "end")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/sessions/{session_id}")

    again = post(client, session_id, "end", htmx=True)
    assert again.status_code == 200 and again.headers["HX-Redirect"].endswith(f"/sessions/{session_id}")


def test_an_ended_session_refuses_changes_with_a_message(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    post(client, session_id, "end")

    move = post(client, session_id, "move", {"from_step": REFLECTION, "to_step": ACTIONS})
    assert move.status_code == 422
    assert "This session has ended" in words(soup_of(move).find(id="run-status-error"))
    response = post(client, session_id, "responses", {"step": REFLECTION, "question": 0, "text": "Too late"}, htmx=True)
    assert response.status_code == 422
    assert "This session has ended; nothing more can be added or changed." in words(soup_of(response))
    assert soup_of(response).find("textarea").get_text() == "Too late"
    assert stored(app, session_id).step == REFLECTION

    console = soup_of(client.get(console_url(session_id)))
    assert words(console.find(id="run-status").find("h2")) == "Session ended"
    assert console.find("a", string="See the summary")["href"] == f"/sessions/{session_id}"
    assert console.find(id="run-status").get("hx-trigger") is None  # nothing left to poll for
    presenter = soup_of(client.get(present_url(session_id)))
    assert words(presenter.find("h1")) == "Session ended"


# --- who may see what -------------------------------------------------------------------------------------------


def test_another_facilitators_session_is_not_found(app, client, session_id):
    create_facilitator(app, "bob")
    other = app.test_client()
    sign_in(other, "bob")

    for path in (console_url(session_id), present_url(session_id), console_url(session_id) + "?version=1"):
        assert other.get(path, headers=HTMX).status_code == 404
    token = page_token(other, "/sessions")
    assert other.post(f"/sessions/{session_id}/move", data={"csrf_token": token, "from_step": 0, "to_step": 1}).status_code == 404
    assert other.post(f"/sessions/{session_id}/end", data={"csrf_token": token}).status_code == 404
    assert stored(app, session_id).step == 0 and stored(app, session_id).status == "running"


def test_signed_out_people_are_sent_to_sign_in(app, session_id):
    stranger = app.test_client()
    page = stranger.get(console_url(session_id))
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    assert stranger.get(present_url(session_id)).status_code == 302
    poll = stranger.get(console_url(session_id) + "?version=1", headers=HTMX)
    assert poll.status_code == 401 and "/login" in poll.headers["HX-Redirect"]
    assert stranger.post(f"/sessions/{session_id}/pause").status_code in (302, 400)
    assert stored(app, session_id).paused_at is None


def test_a_post_without_the_csrf_token_is_refused(app, client, session_id):
    refused = client.post(f"/sessions/{session_id}/move", data={"from_step": 0, "to_step": 1})
    assert refused.status_code == 400
    assert stored(app, session_id).step == 0

    # The token in the header every htmx request carries is enough.
    token = page_token(client, console_url(session_id))
    allowed = client.post(
        f"/sessions/{session_id}/move", data={"from_step": 0, "to_step": 1}, headers={**HTMX, "X-CSRFToken": token}
    )
    assert allowed.status_code == 200 and stored(app, session_id).step == 1


def test_the_screens_are_never_stored_by_the_browser(app, client, session_id):
    paths = [console_url(session_id), present_url(session_id)]
    for path in paths:
        assert client.get(path).headers["Cache-Control"] == "no-store"
        assert client.get(path + "?version=1", headers=HTMX).headers["Cache-Control"] == "no-store"
    assert post(client, session_id, "pause", htmx=True).headers["Cache-Control"] == "no-store"


# --- live updates ---------------------------------------------------------------------------------------------


@contextmanager
def statements(app):
    counted = []

    def count(conn, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("screen", ["console", "present"])
def test_a_poll_is_204_while_nothing_changed_and_the_fragment_once_something_did(app, client, session_id, screen):
    path = f"/sessions/{session_id}/{screen}"
    version = stored(app, session_id).version

    with statements(app) as counted:
        unchanged = client.get(f"{path}?version={version}&step=0", headers=HTMX)
    assert unchanged.status_code == 204 and unchanged.get_data() == b""
    # Cheap: the signed-in facilitator, then one small query for the version.
    assert len([s for s in counted if s.lstrip().upper().startswith("SELECT")]) <= 2, counted

    in_app(app, service.move, session_id, 0, 1, now())
    changed = client.get(f"{path}?version={version}&step=0", headers=HTMX)
    assert changed.status_code == 200
    soup = soup_of(changed)
    root = soup.find(id="run-status" if screen == "console" else "stage")
    assert int(root["data-version"]) == version + 1
    # The presenter asks twice a second, so a response is on the projector within a second of being sent.
    interval = "every 1s" if screen == "console" else "every 500ms"
    assert root["hx-trigger"] == interval and root["hx-swap"] == "outerHTML" and root["hx-target"] == "this"
    assert '"version": %d' % (version + 1) in root["hx-vals"]
    assert soup.find("html") is None  # a fragment, not a page
    if screen == "console":
        assert words(soup.find(id="run-announcer")) == "Moved to step 2: What was learned"
        assert soup.find(id="step-work")["hx-swap-oob"] == "true"


def test_a_console_poll_redraws_the_lists_but_not_the_forms_when_the_step_is_the_same(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    version = stored(app, session_id).version
    in_app(app, service.add_response, session_id, REFLECTION, 4, "Said in the room", now())

    soup = soup_of(client.get(f"{console_url(session_id)}?version={version}&step={REFLECTION}", headers=HTMX))
    assert soup.find(id="step-work") is None
    assert soup.find("form", id="respond-3-4") is None
    assert words(soup.find(id="responses-3-4").find("li")).startswith("Said in the room")
    assert soup.find(id="attendees-list")["hx-swap-oob"] == "true"


def test_the_presenter_shows_the_steps_content_the_clocks_and_the_keys(app, client, session_id):
    soup = soup_of(client.get(present_url(session_id)))
    stage = soup.find(id="stage")

    assert stage["data-step"] == "0" and stage["data-count"] == "5" and stage["data-phase"] == "running"
    assert words(stage.find(class_="stage__progress")) == "Step 1 of 5 · Child 3"
    assert words(stage.find("h1")) == "Background"
    assert words(stage.find("h2")) == "Background"
    assert "Child 3 had been known to Children's Social Care since birth." in words(stage)
    assert [words(t) for t in stage.select("[data-countdown]")] == ["1:00", "7:00"]
    assert [words(li) for li in stage.find("ul", class_="shortcuts").find_all("li")] == [
        "→ Space N next", "← P back", "K pause or resume"
    ]
    assert soup.find("body")["hx-headers"].startswith('{"X-CSRFToken": ')
    assert soup.find(id="stage-announcer")["role"] == "status"

    go_to(app, session_id, REFLECTION)
    in_app(app, service.add_response, session_id, REFLECTION, 1, "Shown on the projector", now())
    removed = in_app(app, service.add_response, session_id, REFLECTION, 1, "Hidden from the projector", now())
    in_app(app, service.set_response_hidden, session_id, removed, True, now())
    stage = soup_of(client.get(present_url(session_id))).find(id="stage")
    questions = stage.select(".stage-question")
    assert len(questions) == 5
    assert [words(li) for li in questions[1].find_all("li")] == ["Shown on the projector"]


def test_a_key_on_the_presenter_answers_with_the_stage(app, client, session_id):
    answer = post(client, session_id, "move", {"from_step": 0, "to_step": 1, "view": "present"}, htmx=True)

    assert answer.status_code == 200
    stage = soup_of(answer).find(id="stage")
    assert stage["data-step"] == "1" and words(stage.find("h1")) == "What was learned"
