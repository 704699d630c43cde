"""Attendees' pages (/join, /take-part/<id>) and the facilitator's side of joining (code, QR code, review mode,
moderation), through Flask's test client with CSRF on. Each attendee is a client of their own (their own cookie).
"""

from __future__ import annotations

import io

import pytest
import segno
from sqlalchemy import func, select, text

from app.extensions import db
from app.ratelimit import FailedAttempt
from app.sessions import join, service
from app.sessions.models import Attendee, Response

from .support import make_app
from .test_run_views import (
    HOSTILE,
    HTMX,
    REFLECTION,
    create_facilitator,
    go_to,
    in_app,
    page_token,
    post,
    sign_in,
    soup_of,
    start,
    stored,
    words,
)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, PUBLIC_URL="http://192.168.1.20:5000")


@pytest.fixture
def facilitator(app):
    create_facilitator(app, "alice")
    client = app.test_client()
    sign_in(client, "alice")
    return client


@pytest.fixture
def session_id(app, facilitator) -> str:
    public_id = start(app)
    go_to(app, public_id, REFLECTION)
    return public_id


def read(element) -> str:
    """Text as a screen reader reads it: the pieces of a heading run together as written."""
    return " ".join(element.get_text("").split())


def code_of(app, public_id: str) -> str:
    return stored(app, public_id).join_code


def join_as(app, public_id: str, name: str = "", role: str = "", organisation: str = "", client=None):
    client = client or app.test_client()
    code = code_of(app, public_id)
    answer = client.post(
        "/join",
        data={"csrf_token": page_token(client, f"/join?code={code}"), "code": code, "name": name, "role": role,
              "organisation": organisation},
    )
    assert answer.status_code == 303 and answer.headers["Location"] == f"/take-part/{public_id}", answer.status_code
    return client


def form_fields(form) -> dict:
    """What a browser would send: every named input, checkboxes only when ticked."""
    return {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("name") and (field.get("type") != "checkbox" or field.has_attr("checked"))
    }


def send(client, public_id: str, text: str, *, question: int = 0, anonymous: bool = False, confirmed=False, key=None):
    page = soup_of(client.get(f"/take-part/{public_id}"))
    fields = form_fields(page.find("form", id=f"reflect-{REFLECTION}-{question}"))
    fields.update(text=text)
    if key:
        fields["idempotency_key"] = key
    if anonymous:
        fields["anonymous"] = "yes"
    if confirmed:
        fields["confirmed"] = "yes"
    return client.post(f"/take-part/{public_id}/responses", data=fields, headers=HTMX)


def count_responses(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Response)).scalar_one()


# --- joining -----------------------------------------------------------------------------------------------------


def test_the_console_and_presenter_show_the_join_code_and_a_qr_code_of_the_public_join_address(app, facilitator, session_id):
    code = code_of(app, session_id)
    address = f"http://192.168.1.20:5000/join?code={code}"
    console = soup_of(facilitator.get(f"/sessions/{session_id}/console"))
    panel = console.find(id="join-panel")
    assert words(panel.find(class_="join-code")) == join.display(code)
    assert panel.find("a")["href"] == address
    qr = panel.find("img")
    assert qr["alt"] == f"QR code that opens {address}"

    presenter = soup_of(facilitator.get(f"/sessions/{session_id}/present"))
    assert words(presenter.find(class_="stage-join")) == f"Join at http://192.168.1.20:5000/join with code {join.display(code)}"

    svg = facilitator.get(qr["src"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(address, error="m").save(expected, kind="svg", scale=8, border=4, dark="#000", light="#fff",
                                        xmldecl=False, title=f"Join code {join.display(code)}")
    assert svg.get_data() == expected.getvalue()  # the QR code encodes exactly the join address


def test_the_qr_link_prefills_the_code_and_joining_needs_no_account(app, session_id):
    client = app.test_client()
    code = code_of(app, session_id)
    page = soup_of(client.get(f"/join?code={code.lower()}"))
    assert page.find("input", id="join-code")["value"] == join.display(code)
    assert page.find("nav") is None  # attendees are not shown the facilitator's site navigation
    join_as(app, session_id, "Bea", client=client)
    taking_part = soup_of(client.get(f"/take-part/{session_id}"))
    assert words(taking_part.find(class_="take-part__who")) == "Joined as Bea"
    assert read(taking_part.find(id="take-part-step")) == "Step 4 of 5: Reflection"


def test_a_wrong_code_is_refused_with_a_clear_message_and_keeps_what_was_typed(app, session_id):
    client = app.test_client()
    answer = client.post(
        "/join", data={"csrf_token": page_token(client, "/join"), "code": "ZZZ-ZZZ-ZZZ", "name": "Bea Jones"}
    )
    assert answer.status_code == 422
    page = soup_of(answer)
    assert "No session is open with that code" in words(page.find(id="join-error"))
    assert page.find("input", id="join-name")["value"] == "Bea Jones"
    assert page.find("input", id="join-code")["aria-invalid"] == "true"


def test_repeated_wrong_codes_are_slowed_down_but_a_colleague_on_the_same_network_still_joins(app, session_id):
    guesser = app.test_client()
    token = page_token(guesser, "/join")
    for _ in range(10):
        assert guesser.post("/join", data={"csrf_token": token, "code": "ZZZZZZZZZ"}).status_code == 422
    blocked = guesser.post("/join", data={"csrf_token": token, "code": code_of(app, session_id)})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many wrong codes. Wait 10 minutes" in words(soup_of(blocked).find(id="join-error"))

    join_as(app, session_id, "Colleague")  # same address (the test client's), another browser


def guess_codes_from_fresh_devices(app, guesses: int, per_device: int = 10) -> None:
    """A script behind one address that drops its cookies: a fresh device every `per_device` wrong codes."""
    made = 0
    while made < guesses:
        device = app.test_client()
        token = page_token(device, "/join")
        for _ in range(min(per_device, guesses - made)):
            code = "".join(join.ALPHABET[(made * 7 + i) % len(join.ALPHABET)] for i in range(join.LENGTH))
            answer = device.post("/join", data={"csrf_token": token, "code": code})
            assert answer.status_code in (422, 429)
            made += 1


def test_a_neighbour_behind_the_address_of_a_code_guesser_still_joins_with_the_right_code(app, session_id):
    guess_codes_from_fresh_devices(app, 103)

    join_as(app, session_id, "Neighbour")  # same address (an office or a carrier's NAT), a fresh browser
    join_as(app, session_id)  # and anonymously


def test_past_the_address_limit_a_wrong_code_is_refused_with_a_message_that_the_right_code_still_works(app, session_id):
    guess_codes_from_fresh_devices(app, 100)
    neighbour = app.test_client()

    answer = neighbour.post("/join", data={"csrf_token": page_token(neighbour, "/join"), "code": "ZZZ-ZZZ-ZZZ"})

    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    message = words(soup_of(answer).find(id="join-error"))
    assert "Many wrong codes have come from this network" in message
    assert "The right code still works" in message


def test_a_device_past_its_own_limit_is_not_even_checked_so_a_guesser_learns_nothing_more(app, session_id):
    guesser = app.test_client()
    token = page_token(guesser, "/join")
    for _ in range(10):
        assert guesser.post("/join", data={"csrf_token": token, "code": "ZZZZZZZZZ"}).status_code == 422

    right = guesser.post("/join", data={"csrf_token": token, "code": code_of(app, session_id)})

    assert right.status_code == 429
    assert "Too many wrong codes" in words(soup_of(right).find(id="join-error"))
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Attendee)).scalar_one() == 0


def test_right_codes_are_never_counted_so_a_whole_team_joins_from_one_network(app, session_id):
    for n in range(120):
        join_as(app, session_id, f"Person {n}")
    with app.app_context():
        # The same table also counts joins per session against flooding (keys "flood:..."); no failure is counted.
        failures = select(func.count()).select_from(FailedAttempt).where(FailedAttempt.key.not_like("flood:%"))
        assert db.session.execute(failures).scalar_one() == 0


def test_the_attendee_page_needs_this_phones_own_join(app, session_id):
    stranger = app.test_client()
    answer = stranger.get(f"/take-part/{session_id}")
    assert answer.status_code == 303 and answer.headers["Location"] == "/join"
    poll = stranger.get(f"/take-part/{session_id}?stage=1&step=3", headers=HTMX)
    assert poll.headers["HX-Redirect"] == "/join"


def test_joining_twice_from_one_phone_goes_back_to_the_session_without_a_second_attendee(app, session_id):
    client = join_as(app, session_id, "Bea")
    again = client.get(f"/join?code={code_of(app, session_id)}")
    assert again.status_code == 303 and again.headers["Location"] == f"/take-part/{session_id}"
    with app.app_context():
        assert len(service.find_session(db.session, session_id).attendees) == 1


def test_someone_taken_off_the_register_can_join_again_without_going_round_in_circles(app, facilitator, session_id):
    bea = join_as(app, session_id, "Bea")
    with app.app_context():
        attendee_id = service.find_session(db.session, session_id).attendees[0].id
    post(facilitator, session_id, f"attendees/{attendee_id}/delete")
    assert bea.get(f"/take-part/{session_id}").headers["Location"] == "/join"
    assert bea.get(f"/join?code={code_of(app, session_id)}").status_code == 200  # the form, not a redirect
    join_as(app, session_id, "Bea", client=bea)


def test_posts_without_the_csrf_token_are_refused(app, session_id):
    client = join_as(app, session_id, "Bea")
    answer = client.post(f"/take-part/{session_id}/responses", data={"step": REFLECTION, "question": 0, "text": "x"})
    assert answer.status_code == 400
    assert count_responses(app) == 0


# --- following the facilitator -------------------------------------------------------------------------------


def test_a_poll_is_204_while_nothing_changed_even_as_others_send_responses(app, session_id):
    bea = join_as(app, session_id, "Bea")
    version = stored(app, session_id).stage_version
    send(join_as(app, session_id, "Cal"), session_id, "a thought from the back")
    poll = bea.get(f"/take-part/{session_id}?stage={version}&step={REFLECTION}", headers=HTMX)
    assert poll.status_code == 204 and poll.get_data() == b""
    assert poll.headers["Cache-Control"] == "no-store"


def test_when_the_facilitator_moves_on_the_attendee_page_changes_step_and_says_so(app, session_id):
    bea = join_as(app, session_id, "Bea")
    version = stored(app, session_id).stage_version
    in_app(app, service.move, session_id, REFLECTION, REFLECTION + 1, service_now())
    update = soup_of(bea.get(f"/take-part/{session_id}?stage={version}&step={REFLECTION}", headers=HTMX))
    status = update.find(id="take-part-status")
    assert int(status["data-stage-version"]) > version
    assert read(status.find("h2")) == "Step 5 of 5: Agreed actions"
    assert status.find(attrs={"role": "timer"}) is not None
    assert update.find(id="take-part-work")["hx-swap-oob"] == "true"
    assert update.find(id="take-part-work").find("form") is None  # this step takes no responses
    assert words(update.find(id="run-announcer")) == "The facilitator moved to step 5: Agreed actions"


def service_now():
    from app.web import now

    return now()


def test_when_the_session_ends_the_page_says_so_and_takes_no_more_responses(app, facilitator, session_id):
    bea = join_as(app, session_id, "Bea")
    page = soup_of(bea.get(f"/take-part/{session_id}"))
    fields = form_fields(page.find("form", id=f"reflect-{REFLECTION}-0"))
    post(facilitator, session_id, "end")
    ended = soup_of(bea.get(f"/take-part/{session_id}"))
    assert words(ended.find(id="take-part-step")) == "The session has ended"
    assert ended.find("form", attrs={"data-reflection-form": True}) is None
    late = bea.post(f"/take-part/{session_id}/responses", data={**fields, "text": "Too late"}, headers=HTMX)
    assert late.status_code == 422 and "has ended" in words(soup_of(late))
    assert count_responses(app) == 0


# --- sending reflections ------------------------------------------------------------------------------------


def test_a_sent_reflection_is_confirmed_listed_as_the_authors_own_and_the_form_is_fresh(app, session_id):
    bea = join_as(app, session_id, "Bea")
    before = form_fields(soup_of(bea.get(f"/take-part/{session_id}")).find("form", id=f"reflect-{REFLECTION}-0"))
    answer = send(bea, session_id, "Ask the school sooner")
    assert answer.status_code == 200
    soup = soup_of(answer)
    form = soup.find("form", id=f"reflect-{REFLECTION}-0")
    assert words(form.find(attrs={"role": "status"})) == "Sent. It is on the screen now."
    assert form.find("textarea").get_text() == ""
    assert form_fields(form)["idempotency_key"] != before["idempotency_key"]
    own = soup.find(id="own-responses")
    assert own["hx-swap-oob"] == "true"
    assert [words(li.find(class_="run-response__text")) for li in own.find_all("li")] == ["Ask the school sooner"]
    assert "With your name On the screen" in words(own.find(class_="run-response__meta"))


def test_a_double_tap_sends_one_response(app, session_id):
    bea = join_as(app, session_id, "Bea")
    fields = form_fields(soup_of(bea.get(f"/take-part/{session_id}")).find("form", id=f"reflect-{REFLECTION}-0"))
    fields["text"] = "Only once"
    first = bea.post(f"/take-part/{session_id}/responses", data=fields, headers=HTMX)
    second = bea.post(f"/take-part/{session_id}/responses", data=fields, headers=HTMX)
    assert first.status_code == second.status_code == 200
    assert count_responses(app) == 1
    own = soup_of(second).find(id="own-responses")
    assert len(own.find_all("li")) == 1


def test_an_over_long_reflection_is_refused_with_the_reason_and_keeps_what_was_typed(app, session_id):
    bea = join_as(app, session_id, "Bea")
    answer = send(bea, session_id, "y" * 2001)
    assert answer.status_code == 422
    form = soup_of(answer).find("form", id=f"reflect-{REFLECTION}-0")
    assert "too long" in words(form.find(attrs={"role": "alert"}))
    assert form.find("textarea").get_text() == "y" * 2001


def test_personal_data_is_held_back_with_the_reminder_until_the_author_confirms(app, session_id):
    bea = join_as(app, session_id, "Bea")
    held = send(bea, session_id, "Mum's number is 07700 900123")
    assert held.status_code == 200 and count_responses(app) == 0
    form = soup_of(held).find("form", id=f"reflect-{REFLECTION}-0")
    check = words(form.find(class_="privacy-check"))
    assert "a phone number" in check and "should not identify a child, a family" in check
    assert form.find("textarea").get_text() == "Mum's number is 07700 900123"
    assert [words(b) for b in form.find_all("button")] == ["Send it as it is", "Check my edit and send"]

    fields = form_fields(form)
    fields.update(text="Mum's number is 07700 900123", confirmed="yes")
    sent = bea.post(f"/take-part/{session_id}/responses", data=fields, headers=HTMX)
    assert "Sent" in words(soup_of(sent).find(attrs={"role": "status"}))
    assert count_responses(app) == 1


def test_attendee_text_is_escaped_on_every_screen(app, facilitator, session_id):
    bea = join_as(app, session_id, HOSTILE)
    send(bea, session_id, HOSTILE)
    for client, path in (
        (bea, f"/take-part/{session_id}"),
        (facilitator, f"/sessions/{session_id}/console"),
        (facilitator, f"/sessions/{session_id}/present"),
    ):
        html = client.get(path).get_data(as_text=True)
        soup = soup_of(client.get(path))
        assert [s for s in soup.find_all("script") if not s.get("src")] == [], path
        assert all(img["src"].endswith("join-qr.svg") for img in soup.find_all("img")), path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


# --- the facilitator's side ---------------------------------------------------------------------------------


def stage_items(facilitator, public_id: str) -> list[str]:
    stage = soup_of(facilitator.get(f"/sessions/{public_id}/present"))
    return [words(li) for li in stage.find_all("li", class_="stage-response")]


def test_named_responses_carry_the_name_and_anonymous_ones_carry_none_on_any_screen(app, facilitator, session_id):
    bea = join_as(app, session_id, "Bea Jones", "Health visitor", "0-19 service")
    send(bea, session_id, "Said with my name")
    send(bea, session_id, "Said without it", anonymous=True)
    assert stage_items(facilitator, session_id) == ["Said with my name – Bea Jones", "Said without it"]

    console = soup_of(facilitator.get(f"/sessions/{session_id}/console"))
    items = console.find(id=f"responses-{REFLECTION}-0").find_all("li")
    assert [words(li.find(class_="tag")) for li in items] == [
        "Bea Jones (Health visitor, 0-19 service)", "Anonymous"
    ]
    assert "Bea" not in words(items[1])
    post(facilitator, session_id, "end")
    summary = soup_of(facilitator.get(f"/sessions/{session_id}"))
    listed = [words(li) for li in summary.find("ul", attrs={"aria-label": "Responses"}).find_all("li")]
    assert listed == ["Said with my name – Bea Jones (Health visitor, 0-19 service)", "Said without it – Anonymous"]


def test_the_console_and_presenter_count_people_joined_and_responses(app, facilitator, session_id):
    send(join_as(app, session_id, "Bea"), session_id, "One")
    join_as(app, session_id)
    stage = soup_of(facilitator.get(f"/sessions/{session_id}/present"))
    assert words(stage.find(attrs={"data-counts": True})) == "2 people joined · 1 response"
    console = soup_of(facilitator.get(f"/sessions/{session_id}/console"))
    assert "2 people joined from their own devices (1 anonymously)" in words(console.find(id="attendees-list"))


def test_review_mode_holds_responses_on_the_console_until_approved(app, facilitator, session_id):
    switched = post(facilitator, session_id, "review-mode", {"review_first": "on"}, htmx=True)
    assert "Review before showing is on" in words(soup_of(switched).find(id="join-panel"))
    bea = join_as(app, session_id, "Bea")
    answer = send(bea, session_id, "Please check me first")
    assert "once the facilitator approves it" in words(soup_of(answer).find(attrs={"role": "status"}))
    assert stage_items(facilitator, session_id) == []

    console = soup_of(facilitator.get(f"/sessions/{session_id}/console"))
    waiting = console.find(id=f"responses-{REFLECTION}-0")
    assert "1 waiting for approval" in words(waiting.find(class_="run-responses__count"))
    response_id = int(waiting.find("li")["id"].removeprefix("response-"))
    post(facilitator, session_id, f"responses/{response_id}/approve", htmx=True)
    assert stage_items(facilitator, session_id) == ["Please check me first – Bea"]


def test_hiding_takes_a_response_off_the_screen_and_tells_its_author(app, facilitator, session_id):
    bea = join_as(app, session_id, "Bea")
    send(bea, session_id, "Hide me")
    with app.app_context():
        response_id = db.session.execute(select(Response.id)).scalar_one()
    version = stored(app, session_id).stage_version
    post(facilitator, session_id, f"responses/{response_id}/hide", htmx=True)
    assert stage_items(facilitator, session_id) == []
    update = soup_of(bea.get(f"/take-part/{session_id}?stage={version}&step={REFLECTION}", headers=HTMX))
    assert "Hidden from the screen by the facilitator" in words(update.find(id="own-responses"))


def test_a_flagged_response_sent_as_it_is_waits_on_the_console_with_one_click_redact_even_without_review_mode(
    app, facilitator, session_id
):
    bea = join_as(app, session_id, "Bea")
    answer = send(bea, session_id, "Mum is on 07700 900123", confirmed=True)
    assert "the facilitator checks it before it is on the screen" in words(soup_of(answer).find(role="status"))
    assert stage_items(facilitator, session_id) == []  # not on the projector, though review mode is off

    console = soup_of(facilitator.get(f"/sessions/{session_id}/console"))
    item = console.find(id=f"responses-{REFLECTION}-0").find("li")
    assert "Waiting for your approval" in words(item)
    assert "Looks like a phone number; its author confirmed it" in words(item)
    button = item.find("button", attrs={"name": "found"})
    assert words(button) == "Redact “07700 900123” (a phone number)"
    response_id = int(item["id"].removeprefix("response-"))
    # The browser sends the empty "other words" field too, as htmx does.
    post(facilitator, session_id, f"responses/{response_id}/redact", {"part": "", "found": button["value"]}, htmx=True)
    assert stage_items(facilitator, session_id) == []  # redacted, still the facilitator's to approve
    post(facilitator, session_id, f"responses/{response_id}/approve", htmx=True)
    assert stage_items(facilitator, session_id) == ["Mum is on [redacted] – Bea"]


def test_redacting_words_that_are_not_there_is_refused_and_keeps_what_was_typed(app, facilitator, session_id):
    send(join_as(app, session_id, "Bea"), session_id, "Nothing personal")
    with app.app_context():
        response_id = db.session.execute(select(Response.id)).scalar_one()
    answer = post(facilitator, session_id, f"responses/{response_id}/redact", {"part": "Mrs Smith"}, htmx=True)
    assert answer.status_code == 422
    form = soup_of(answer).find(id=f"redact-{response_id}-part")
    assert form["value"] == "Mrs Smith" and form["aria-invalid"] == "true"


def test_drawing_the_presenter_costs_the_same_few_queries_however_many_people_responded(app, facilitator, session_id):
    from .test_run_views import statements

    def selects_for_the_stage() -> int:
        with statements(app) as counted:
            answer = facilitator.get(f"/sessions/{session_id}/present?version=0", headers=HTMX)
        assert answer.status_code == 200
        return len([s for s in counted if s.lstrip().upper().startswith("SELECT")])

    send(join_as(app, session_id, "Person 0"), session_id, "Reflection 0")
    few = selects_for_the_stage()
    for n in range(1, 8):
        send(join_as(app, session_id, f"Person {n}"), session_id, f"Reflection {n}")
    assert selects_for_the_stage() == few  # no query per response or per author


# --- issue 10 -------------------------------------------------------------------------------------------------


def own_item(client, public_id: str):
    return soup_of(client.get(f"/take-part/{public_id}")).find(id="own-responses").find("li")


def test_a_redacted_response_shows_no_edit_on_the_phone_and_an_edit_posted_anyway_is_refused(app, facilitator, session_id):
    bea = join_as(app, session_id, "Bea")
    send(bea, session_id, "Write to jo@example.org", confirmed=True)
    response_id = int(own_item(bea, session_id)["id"].removeprefix("own-"))
    assert own_item(bea, session_id).find("summary") is not None  # Edit, before the redaction
    post(facilitator, session_id, f"responses/{response_id}/redact", {"part": "jo@example.org"}, htmx=True)

    item = own_item(bea, session_id)
    assert item.find("details") is None and item.find("textarea") is None
    assert "redacted part of it, so it can no longer be edited" in words(item)
    assert [words(button) for button in item.find_all("button")] == ["Withdraw your response 1"]

    token = page_token(bea, f"/take-part/{session_id}")
    edit = {"csrf_token": token, "text": "Write to jo@example.org", "confirmed": "yes"}
    refused = bea.post(f"/take-part/{session_id}/responses/{response_id}/edit", data=edit, headers=HTMX)
    assert refused.status_code == 422
    assert "can no longer be changed" in words(soup_of(refused).find(attrs={"role": "alert"}))
    with app.app_context():
        assert db.session.get(Response, response_id).text == "Write to [redacted]"


@pytest.mark.parametrize("typed", ["\u200b\u200b", "\ufeff", " \u2060 \u200d "], ids=["zwsp", "bom", "joiners"])
def test_a_reflection_with_nothing_visible_is_refused_and_keeps_what_was_typed(app, session_id, typed):
    bea = join_as(app, session_id, "Bea")
    answer = send(bea, session_id, typed)
    assert answer.status_code == 422 and count_responses(app) == 0
    form = soup_of(answer).find("form", id=f"reflect-{REFLECTION}-0")
    assert "nothing visible in it" in words(form.find(attrs={"role": "alert"}))
    assert form.find("textarea").get_text() == typed


BIDI_TEXT = "\u202eevil\u202c \u2067ssap\u2069"  # as a row written before issue 10 may hold it


def isolated(node) -> bool:
    """Whether a text node sits inside something that keeps its direction to itself."""
    return any(parent.name == "bdi" or parent.get("dir") == "auto" for parent in node.parents if parent.name)


def test_every_screen_isolates_each_persons_text_so_stored_bidi_controls_reorder_nothing_around_them(
    app, facilitator, session_id
):
    bea = join_as(app, session_id, "Bea")
    send(bea, session_id, "placeholder")
    post(facilitator, session_id, "actions", {"what": "placeholder action", "owner": "Jo"}, htmx=True)
    with app.app_context():
        # Straight into the database, past clean_text: what an older row may hold.
        db.session.execute(text("UPDATE responses SET text = :t"), {"t": BIDI_TEXT})
        name = "Bea \u202eevil\u202c"
        db.session.execute(
            text("UPDATE attendees SET name = :n, role = :r, organisation = :o"), {"n": name, "r": name, "o": name}
        )
        db.session.execute(text("UPDATE actions SET what = :t, owner = :o"), {"t": BIDI_TEXT, "o": BIDI_TEXT})
        db.session.commit()

    pages = {
        "phone": bea.get(f"/take-part/{session_id}"),
        "presenter": facilitator.get(f"/sessions/{session_id}/present"),
        "console": facilitator.get(f"/sessions/{session_id}/console"),
    }
    post(facilitator, session_id, "actions", {"what": "placeholder", "owner": ""}, htmx=True)  # keep it running
    post(facilitator, session_id, "end")
    pages["summary"] = facilitator.get(f"/sessions/{session_id}")
    for name, page in pages.items():
        soup = soup_of(page)
        found = soup.find_all(string=lambda s: "evil" in s)
        assert found, name
        assert all(isolated(node) for node in found), (name, [node.parent for node in found if not isolated(node)])


def flood_limit_reached(app, client, public_id: str) -> None:
    for n in range(10):
        assert send(client, public_id, f"Reflection {n}").status_code == 200
    assert count_responses(app) == 10


def test_an_attendee_sending_too_fast_gets_429_with_when_to_try_again_and_keeps_what_was_typed(app, session_id):
    bea = join_as(app, session_id, "Bea")
    flood_limit_reached(app, bea, session_id)

    answer = send(bea, session_id, "The eleventh, typed with care")
    assert answer.status_code == 429 and 1 <= int(answer.headers["Retry-After"]) <= 60
    form = soup_of(answer).find("form", id=f"reflect-{REFLECTION}-0")
    assert f"Wait {answer.headers['Retry-After']} seconds, then send it again" in words(form.find(attrs={"role": "alert"}))
    assert form.find("textarea").get_text() == "The eleventh, typed with care"
    assert count_responses(app) == 10

    # Without JavaScript: the whole page, with the same message and words.
    fields = form_fields(soup_of(bea.get(f"/take-part/{session_id}")).find("form", id=f"reflect-{REFLECTION}-0"))
    page = bea.post(f"/take-part/{session_id}/responses", data={**fields, "text": "Typed without JavaScript"})
    assert page.status_code == 429 and page.headers["Retry-After"]
    soup = soup_of(page)
    assert soup.find("h1") is not None
    form = soup.find("form", id=f"reflect-{REFLECTION}-0")
    assert "then send it again" in words(form.find(attrs={"role": "alert"}))
    assert form.find("textarea").get_text() == "Typed without JavaScript"

    # A colleague at the next desk is not slowed.
    assert send(join_as(app, session_id, "Cal"), session_id, "Mine goes through").status_code == 200


def test_a_session_joined_too_fast_answers_429_on_the_join_page(app, session_id, monkeypatch):
    from app.sessions import participation

    monkeypatch.setattr(participation, "SESSION_JOINS", (2, participation.SESSION_JOINS[1]))
    join_as(app, session_id, "One")
    join_as(app, session_id, "Two")
    client = app.test_client()
    code = code_of(app, session_id)
    answer = client.post(
        "/join", data={"csrf_token": page_token(client, "/join"), "code": code, "name": "Three", "role": "", "organisation": ""}
    )
    assert answer.status_code == 429 and answer.headers["Retry-After"]
    soup = soup_of(answer)
    assert "then join again" in words(soup.find(attrs={"role": "alert"}))
    assert soup.find("input", id="join-name")["value"] == "Three"
