"""Facilitator forms that add something (the scribe's response, an action, a person in the register, starting a
session) are idempotent like the attendees' forms: each drawing carries a fresh key, the server stores each key
once, and the same form sent again, one after another or five at once, adds one row and answers as the first.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from app.sessions.models import Action, Attendee, BriefingSession, Response

from .test_run_views import (  # noqa: F401  (fixtures)
    HTMX,
    PASSWORD,
    REFLECTION,
    ACTIONS,
    alice,
    app,
    client,
    console_url,
    create_facilitator,
    go_to,
    session_id,
    soup_of,
    stored,
    words,
)

TIMES = 5


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def form_fields(form) -> dict:
    """What a browser sends for a form: its named inputs (hidden ones included)."""
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


def drawn_form(client, path: str, form_id: str | None = None, action: str | None = None):
    soup = soup_of(client.get(path))
    form = soup.find("form", id=form_id) if form_id else soup.find("form", action=action)
    assert form is not None, (path, form_id, action)
    return form


# What each form sends besides its drawn fields, and the row it adds.
def scribe(session_id):
    return console_url(session_id), f"respond-{REFLECTION}-0", {"text": "The chronology was missing"}, Response


def action(session_id):
    return console_url(session_id), "action-form", {"what": "Share the learning", "owner": "Sam"}, Action


def register(session_id):
    return console_url(session_id), "attendee-form", {"name": "Priya Shah", "role": "Social worker"}, Attendee


FORMS = {"scribe": scribe, "action": action, "register": register}


def prepare(app, session_id, which):
    go_to(app, session_id, ACTIONS if which == "action" else REFLECTION)
    return FORMS[which](session_id)


@pytest.mark.parametrize("which", sorted(FORMS))
@pytest.mark.parametrize("htmx", [False, True])
def test_the_same_console_form_sent_five_times_adds_one_row_and_answers_each_time_as_the_first(app, client, session_id, which, htmx):
    page, form_id, typed, model = prepare(app, session_id, which)
    form = drawn_form(client, page, form_id)
    fields = {**form_fields(form), **typed}
    assert len(fields["idempotency_key"]) >= 16
    before = count(app, model)
    answers = [client.post(form["hx-post"], data=fields, headers=HTMX if htmx else {}) for _ in range(TIMES)]
    assert count(app, model) == before + 1
    assert {answer.status_code for answer in answers} == {200 if htmx else 303}
    if htmx:
        said = {words(soup_of(answer).find(id="run-announcer")) for answer in answers}
        assert len(said) == 1 and said.pop().lower().startswith(("response added", "action added", "added to"))
    else:
        assert len({answer.headers["Location"] for answer in answers}) == 1


@pytest.mark.parametrize("which", sorted(FORMS))
def test_each_drawing_of_a_console_form_carries_a_fresh_key_so_the_next_one_is_added_too(app, client, session_id, which):
    page, form_id, typed, model = prepare(app, session_id, which)
    first = form_fields(drawn_form(client, page, form_id))
    after = client.post(drawn_form(client, page, form_id)["hx-post"], data={**first, **typed}, headers=HTMX)
    again = form_fields(soup_of(after).find("form", id=form_id))
    assert again["idempotency_key"] != first["idempotency_key"]
    before = count(app, model)
    client.post(drawn_form(client, page, form_id)["hx-post"], data={**again, **typed}, headers=HTMX)
    assert count(app, model) == before + 1


def test_the_start_form_sent_five_times_starts_one_session_and_every_answer_goes_to_its_console(app, client, alice):
    form = drawn_form(client, "/sessions/new", action="/sessions")
    fields = {**form_fields(form), "briefing": "wigan-child-3", "template": "seven-minute"}
    answers = [client.post("/sessions", data=fields) for _ in range(TIMES)]
    assert count(app, BriefingSession) == 1
    with app.app_context():
        public_id = db.session.scalar(select(BriefingSession.public_id))
    assert {answer.headers["Location"] for answer in answers} == {console_url(public_id)}
    # The next drawing of the form starts another.
    fresh = form_fields(drawn_form(client, "/sessions/new", action="/sessions"))
    assert fresh["idempotency_key"] != fields["idempotency_key"]
    client.post("/sessions", data={**fresh, "briefing": "wigan-child-3", "template": "seven-minute"})
    assert count(app, BriefingSession) == 2


@pytest.mark.parametrize("key", ["short", "x" * 65, "not a key!", "٣" * 20])
def test_a_form_key_that_no_drawn_form_carries_is_refused_and_adds_nothing(app, client, session_id, key):
    page, form_id, typed, model = prepare(app, session_id, "scribe")
    fields = {**form_fields(drawn_form(client, page, form_id)), **typed, "idempotency_key": key}
    answer = client.post(f"/sessions/{session_id}/responses", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "This form is out of date" in words(soup_of(answer).find(attrs={"role": "alert"}))
    assert count(app, model) == 0


def test_the_buttons_of_forms_that_add_are_disabled_by_htmx_while_sending(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    console = soup_of(client.get(console_url(session_id)))
    for form_id in (f"respond-{REFLECTION}-0", "attendee-form"):
        form = console.find("form", id=form_id)
        assert form["hx-disabled-elt"] == "find button" and form.find("button")["type"] == "submit"
    scripts = {script["src"] for script in console.find_all("script")}
    assert "/static/js/forms.js" in scripts


# --- at once, against a real server ----------------------------------------------------------------------------


@pytest.fixture
def server(app):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    http.server_close()
    thread.join(timeout=10)


def signed_in(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=30)
    token = soup_of_text(browser.get("/login").text).find("input", attrs={"name": "csrf_token"})["value"]
    answer = browser.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303
    return browser


def soup_of_text(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


def at_once(browser: httpx.Client, path: str, fields: dict, *, htmx: bool) -> list[int]:
    barrier = threading.Barrier(TIMES)

    def send(_):
        barrier.wait()
        return browser.post(path, data=fields, headers=HTMX if htmx else {}).status_code

    with ThreadPoolExecutor(TIMES) as pool:
        return list(pool.map(send, range(TIMES)))


@pytest.mark.parametrize("which", sorted(FORMS))
def test_five_identical_console_forms_sent_at_once_add_one_row(app, session_id, server, which):
    page, form_id, typed, model = prepare(app, session_id, which)
    browser = signed_in(server)
    form = soup_of_text(browser.get(page).text).find("form", id=form_id)
    before = count(app, model)
    statuses = at_once(browser, form["hx-post"], {**form_fields(form), **typed}, htmx=True)
    assert statuses == [200] * TIMES
    assert count(app, model) == before + 1


def test_five_identical_start_forms_sent_at_once_start_one_session(app, server):
    create_facilitator(app, "alice")
    browser = signed_in(server)
    form = soup_of_text(browser.get("/sessions/new").text).find("form", action="/sessions")
    fields = {**form_fields(form), "briefing": "wigan-child-3", "template": "seven-minute"}
    assert at_once(browser, "/sessions", fields, htmx=False) == [303] * TIMES
    assert count(app, BriefingSession) == 1
