"""Attendees taking part from their own phones, in a real browser: the facilitator's console and presenter view
in one browser context, each attendee in a context of their own (their own cookies) at a phone's size.

Nothing reloads a page to see a change: the presenter polls twice a second, the console every second, and an
attendee's page every two seconds, so waits are expect()s that outlast a poll or two. axe checks every page and
every state an attendee's page reaches.

The session is 'wigan-child-3' on 'seven-minute': 1 Background, 2 What was learned, 3 Why it matters here,
4 Reflection (five questions), 5 Agreed actions. One server serves the whole module; each test starts its own
session.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import Facilitator, Response
from app.sessions.templates import load_templates

from .conftest import _watch, start_live_server, assert_accessible, final_problems, has_horizontal_scroll, visit, watch_of

pytestmark = pytest.mark.browser

FACILITATOR = "Sam Patel"
PASSWORD = "a long enough password"
PHONE_390 = {"width": 390, "height": 844}
HD = {"width": 1280, "height": 720}
POLL = 8_000  # an attendee's page polls every 2 s: a change shows within a poll or two (more on a busy machine)
NAME = "Ali Khan"
SENT = "Sent. It is on the screen now."
PHONE_NUMBER = "07700 900123"


# --- one server for the module ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port for every test in this module (as the harness's serve() does for one test), with
    a facilitator account. Each test starts its own session, so the tests share nothing else."""
    live = start_live_server(tmp_path_factory.mktemp("attendees-server"))
    with live.app.app_context():
        facilitator = Facilitator(name=FACILITATOR)
        facilitator.set_password(PASSWORD)
        db.session.add(facilitator)
        db.session.commit()
    yield live
    live.stop()


@pytest.fixture(autouse=True)
def no_server_errors(server):
    """Fail the test that made the app raise (checked after its pages are closed), with the traceback."""
    before = len(server.errors)
    yield
    errors = server.errors[before:]
    if errors:
        pytest.fail("the app raised while serving the test:\n\n" + "\n".join(errors), pytrace=False)


# --- helpers -------------------------------------------------------------------------------------------------------


def start_session(server) -> str:
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=FACILITATOR)).scalar_one()
        briefing = get_library().get("wigan-child-3")
        template = load_templates(server.app.config["SESSION_TEMPLATES_DIR"]).get("seven-minute")
        when = datetime.now(timezone.utc)
        return service.start_session(db.session, facilitator, briefing, template, "Early Help East", when).public_id


def to_step(server, public_id: str, step: int) -> None:
    """Move the session from elsewhere (another screen), to set a test up."""
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=FACILITATOR)).scalar_one()
        row = service.find_session(db.session, public_id)
        service.move(db.session, public_id, facilitator, row.step, step, datetime.now(timezone.utc))


def server_version(server, public_id: str) -> int:
    with server.app.app_context():
        return service.find_session(db.session, public_id).version


def stored_texts(server, public_id: str) -> list[str]:
    with server.app.app_context():
        row = service.find_session(db.session, public_id)
        return [r.text for r in db.session.execute(select(Response).filter_by(session_id=row.id)).scalars()]


_signed_in: dict[str, dict] = {}  # server address -> the facilitator's cookies, once signed in


def facilitator_console(open_page, server, public_id: str) -> Page:
    """The facilitator's console, in a browser context of its own. The first test signs in through the form;
    later ones start with the cookies it got (the sign-in itself is tested elsewhere)."""
    if server.url in _signed_in:
        console = open_page(server, storage_state=_signed_in[server.url])
    else:
        console = open_page(server)
        visit(console, "/login")
        console.get_by_label("Name").fill(FACILITATOR)
        console.get_by_label("Password").fill(PASSWORD)
        console.get_by_role("button", name="Sign in").click()
        console.wait_for_load_state("load")
        assert_accessible(console)
        _signed_in[server.url] = console.context.storage_state()
    visit(console, f"/sessions/{public_id}/console")
    return console


def presenter_of(console: Page, public_id: str) -> Page:
    """The presenter view, in a second page of the facilitator's browser (the same sign-in), watched like the
    others; the test checks its final state with final_problems() itself."""
    presenter = console.context.new_page()
    _watch(presenter, True)
    presenter.set_viewport_size(HD)
    visit(presenter, f"/sessions/{public_id}/present")
    return presenter


def caught_up(presenter: Page, server, public_id: str) -> None:
    """Wait until the presenter shows the session as it is now in the database (its stage carries the version)."""
    presenter.wait_for_function(
        "v => Number(document.getElementById('stage').dataset.version) >= v", arg=server_version(server, public_id)
    )


def phone(open_page, server) -> Page:
    """An attendee's phone: a browser context of its own (its own cookies), phone-sized, touch."""
    return open_page(server, viewport=PHONE_390, is_mobile=True, has_touch=True)


def join(attendee: Page, code: str | None = None, *, name: str = "", role: str = "", team: str = "") -> None:
    """Fill in the join form (already open) and join: the attendee's page, checked by axe."""
    if code is not None:
        attendee.get_by_label("Join code").fill(code)
    if name:
        attendee.get_by_label("Name").fill(name)
    if role:
        attendee.get_by_label("Role").fill(role)
    if team:
        attendee.get_by_label("Team or agency").fill(team)
    attendee.get_by_role("button", name="Join").click()
    expect(attendee).to_have_url(re.compile(r"/take-part/[A-Za-z0-9_-]+$"))
    assert_accessible(attendee)
    assert not has_horizontal_scroll(attendee), "the attendee's page scrolls sideways on a phone"


def step_heading(page: Page, number: int, title: str):
    return page.get_by_role("heading", level=2, name=re.compile(rf"^Step {number} of 5\W+{re.escape(title)}$"))


def question(page: Page, number: int):
    """One question's part of the attendee's page (a section named by its question)."""
    return page.get_by_role("region", name=re.compile(rf"^Question {number}\. "))


def settled(locator) -> None:
    """Wait until htmx has wired up content it just swapped in (it drops the class 'htmx-added' when it has):
    a form submitted before that is sent the plain way, which works too but reloads the page."""
    expect(locator).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def write(attendee: Page, number: int, text: str, *, anonymous: bool = False):
    """Type a response to question `number`; returns the question's region, ready to send."""
    part = question(attendee, number)
    settled(part.locator("form"))
    part.get_by_label(f"Your response to question {number}").fill(text)
    if anonymous:
        part.get_by_label("Send anonymously (without my name)").check()
    return part


def send(attendee: Page, number: int, text: str, *, anonymous: bool = False, sent: str = SENT) -> None:
    part = write(attendee, number, text, anonymous=anonymous)
    part.get_by_role("button", name="Send response").click()
    expect(part.get_by_role("status")).to_have_text(sent)
    expect(part.get_by_label(f"Your response to question {number}")).to_have_value("")
    assert_accessible(attendee)


def own(attendee: Page, text: str):
    """This person's own response, in "Your responses"."""
    return attendee.get_by_role("list", name="Your responses").get_by_role("listitem").filter(has_text=text)


def on_screen(presenter: Page, number: int):
    return presenter.get_by_role("list", name=f"Responses to question {number}").get_by_role("listitem")


def on_console(console: Page, number: int, text: str):
    listed = console.get_by_role("list", name=f"Responses to question {number}").get_by_role("listitem")
    return listed.filter(has_text=text)


def end_session(console: Page, public_id: str) -> None:
    console.get_by_text("End session…").click()
    console.get_by_role("button", name="Yes, end the session").click()
    expect(console).to_have_url(re.compile(rf"/sessions/{public_id}$"))
    assert_accessible(console)


# --- a whole session with two attendees ----------------------------------------------------------------------------


def test_two_attendees_join_follow_the_steps_and_their_responses_reach_the_screen(open_page, server):
    public_id = start_session(server)
    console = facilitator_console(open_page, server, public_id)
    presenter = presenter_of(console, public_id)

    # The console shows how to join: the code, the address, and a QR code of that address.
    panel = console.get_by_role("region", name="Attendees join from their phones")
    code_shown = panel.locator("[data-join-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}", code_shown), code_shown
    address = panel.get_by_role("link", name=re.compile(r"join \(opens in a new tab\)$")).get_attribute("href")
    assert address.startswith(f"{server.url}/join?code="), address
    qr = panel.get_by_role("img", name=f"QR code that opens {address}")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    expect(presenter.locator("[data-join-code]")).to_have_text(code_shown)
    expect(presenter.locator("[data-counts]")).to_have_text("0 people joined · 0 responses")

    # Attendee 1 types the code from the screen (in small letters, without the dashes) and gives a name.
    first = phone(open_page, server)
    visit(first, "/join")
    expect(first.get_by_label("Join code")).to_have_value("")
    join(first, code_shown.replace("-", "").lower(), name=NAME, role="Health visitor", team="0-19 service")
    expect(first.get_by_text(f"Joined as {NAME}")).to_be_visible()
    expect(step_heading(first, 1, "Background")).to_be_visible()
    expect(first.get_by_role("timer")).to_have_text(re.compile(r"^\d:\d\d$"))

    # Attendee 2 follows the QR code's address: the code is filled in; no name, so anonymous.
    second = phone(open_page, server)
    visit(second, address)
    expect(second.get_by_label("Join code")).to_have_value(code_shown)
    join(second)
    expect(second.get_by_text("Joined anonymously: nothing you send carries a name")).to_be_visible()
    expect(step_heading(second, 1, "Background")).to_be_visible()

    # The facilitator's screens count them; the register names only the one who gave a name.
    people = console.get_by_text(re.compile(r"joined from their own devices"))
    expect(people).to_have_text("1 person in the register; 2 people joined from their own devices (1 anonymously).")
    register = console.get_by_role("list", name="Register").get_by_role("listitem")
    expect(register).to_have_count(1)
    expect(register).to_contain_text(f"{NAME}, Health visitor, 0-19 service")
    expect(presenter.locator("[data-counts]")).to_have_text("2 people joined · 0 responses")
    assert_accessible(console)

    # Two step changes; the phones follow, and say so.
    status = console.locator("#run-status")
    console.get_by_role("button", name="Next step").click()
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 2 of 5\W+What was learned"))
    for attendee in (first, second):
        expect(step_heading(attendee, 2, "What was learned")).to_be_visible(timeout=POLL)
        expect(attendee.get_by_role("status").first).to_have_text(
            "The facilitator moved to step 2: What was learned"
        )
        expect(attendee.get_by_label(re.compile("^Your response to question"))).to_have_count(0)
        assert_accessible(attendee)
    console.get_by_label("Go to step").select_option(label="4. Reflection (2:00)")
    console.get_by_role("button", name="Go", exact=True).click()
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 4 of 5\W+Reflection"))
    for attendee in (first, second):
        expect(step_heading(attendee, 4, "Reflection")).to_be_visible(timeout=POLL)
        expect(attendee.get_by_text(re.compile(r"^Your responses appear on the screen as you send them, unless"))).to_be_visible()
        expect(attendee.get_by_label(re.compile("^Your response to question"))).to_have_count(5)
        assert_accessible(attendee)
        assert not has_horizontal_scroll(attendee)
    # Only a named attendee is offered the choice; an anonymous one's responses carry no name anyway.
    expect(question(first, 1).get_by_label("Send anonymously (without my name)")).not_to_be_checked()
    expect(second.get_by_label("Send anonymously (without my name)")).to_have_count(0)
    expect(first.get_by_text("You have not sent anything yet.")).to_be_visible()

    # Attendee 1: one with the name, one without; attendee 2: one (anonymous).
    named = "We rely on the parent's account too often"
    unnamed = "Nobody checked who else lived in the house"
    other = "Health and housing never spoke"
    send(first, 1, named)
    send(first, 2, unnamed, anonymous=True)
    send(second, 1, other)

    # Each one's own list: what they sent, whether it carries their name, and that it is on the screen.
    expect(first.get_by_role("list", name="Your responses").get_by_role("listitem")).to_have_count(2)
    expect(own(first, named)).to_contain_text("With your name")
    expect(own(first, named)).to_contain_text("On the screen")
    expect(own(first, unnamed)).to_contain_text("Anonymous")
    expect(own(second, other)).to_contain_text("Anonymous")
    expect(own(second, other)).to_contain_text("On the screen")
    expect(second.get_by_role("list", name="Your responses").get_by_role("listitem")).to_have_count(1)
    for attendee, sent in ((first, 2), (second, 1)):
        mine = attendee.get_by_role("list", name="Your responses")
        expect(mine.get_by_role("button", name=re.compile(r"^Withdraw your response \d$"))).to_have_count(sent)

    # On the presenter: the named one ends with the name; the anonymous ones carry none.
    expect(on_screen(presenter, 1)).to_have_text([f"{named} – {NAME}", other])
    expect(on_screen(presenter, 2)).to_have_text([unnamed])
    expect(presenter.locator("[data-counts]")).to_have_text("2 people joined · 3 responses")
    expect(presenter.locator(".stage-response__author")).to_have_count(1)
    assert_accessible(presenter)

    # On the console: the named one is tagged with the name (and role), the others "Anonymous", with no name.
    expect(on_console(console, 1, named).locator(".tag").first).to_have_text(f"{NAME} (Health visitor, 0-19 service)")
    for number, text in ((1, other), (2, unnamed)):
        item = on_console(console, number, text)
        expect(item.locator(".tag").first).to_have_text("Anonymous")
        expect(item).not_to_contain_text(NAME)
        expect(item).not_to_contain_text("Health visitor")
    assert_accessible(console)

    # The facilitator hides attendee 2's response: gone from the screen; its author's phone says why.
    on_console(console, 1, other).get_by_role("button", name=re.compile(r"^Hide response \d$")).click()
    expect(on_console(console, 1, other)).to_contain_text("Hidden from the screens")
    show_again = on_console(console, 1, other).get_by_role("button", name=re.compile(r"^Show response \d again$"))
    expect(show_again).to_be_visible()
    expect(on_screen(presenter, 1)).to_have_text([f"{named} – {NAME}"])
    expect(presenter.locator("[data-counts]")).to_have_text("2 people joined · 2 responses")
    expect(own(second, other)).to_contain_text("Hidden from the screen by the facilitator", timeout=POLL)
    expect(own(first, named)).to_contain_text("On the screen")
    assert_accessible(console)
    assert_accessible(second)

    # The facilitator ends the session: both phones say so, and take nothing more.
    end_session(console, public_id)
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Session ended", timeout=3_000)
    for attendee in (first, second):
        expect(attendee.get_by_role("heading", name="The session has ended")).to_be_visible(timeout=POLL)
        expect(attendee.locator("form")).to_have_count(0)
        expect(attendee.get_by_role("textbox")).to_have_count(0)
        expect(attendee.get_by_role("button")).to_have_count(0)
        assert_accessible(attendee)
    expect(own(first, named)).to_be_visible()  # what they sent is still listed, without Edit or Withdraw
    # The summary names only the author who gave a name.
    summary = console.get_by_role("main").get_by_role("listitem")
    expect(summary.filter(has_text=named)).to_contain_text(f"{named} – {NAME}")
    for text in (unnamed, other):
        expect(summary.filter(has_text=text)).to_contain_text(f"{text} – Anonymous")
        expect(summary.filter(has_text=text)).not_to_contain_text(NAME)
    assert stored_texts(server, public_id).count(named) == 1
    assert final_problems(presenter) == []


# --- review before showing -----------------------------------------------------------------------------------------


def test_with_review_on_a_response_waits_for_approval_before_it_reaches_the_screen(open_page, server):
    public_id = start_session(server)
    to_step(server, public_id, 3)
    console = facilitator_console(open_page, server, public_id)
    presenter = presenter_of(console, public_id)
    attendee = phone(open_page, server)
    code = console.locator("[data-join-code]").inner_text()
    visit(attendee, "/join")
    join(attendee, code, name=NAME)
    expect(attendee.get_by_text(re.compile(r"^Your responses appear on the screen as you send them, unless"))).to_be_visible()

    panel = console.get_by_role("region", name="Attendees join from their phones")
    panel.get_by_role("button", name="Review responses before showing").click()
    expect(panel.get_by_role("button", name="Turn review off")).to_be_visible()
    expect(panel).to_contain_text("Review before showing is on.")
    assert_accessible(console)
    expect(attendee.get_by_text("The facilitator reviews responses before they are shown.")).to_be_visible(timeout=POLL)
    assert_accessible(attendee)

    text = "Our chronology stopped at the school's referral"
    send(attendee, 1, text, sent="Sent. It will be on the screen once the facilitator approves it.")
    expect(own(attendee, text)).to_contain_text("Waiting for the facilitator's approval")

    waiting = on_console(console, 1, text)
    expect(waiting).to_contain_text("Waiting for your approval")
    assert_accessible(console)
    caught_up(presenter, server, public_id)  # the presenter has drawn the session as it is, waiting response and all
    expect(presenter.get_by_text(text)).to_have_count(0)
    expect(presenter.locator("[data-counts]")).to_have_text("1 person joined · 0 responses")

    waiting.get_by_role("button", name="Approve response 1").click()
    expect(on_console(console, 1, text)).not_to_contain_text("Waiting for your approval")
    expect(on_screen(presenter, 1)).to_have_text([f"{text} – {NAME}"])
    expect(own(attendee, text)).to_contain_text("On the screen", timeout=POLL)
    assert_accessible(console)
    assert_accessible(presenter)
    assert_accessible(attendee)
    assert final_problems(presenter) == []


# --- the privacy nudge and redaction -------------------------------------------------------------------------------


def test_a_phone_number_is_held_back_for_a_check_and_the_facilitator_can_redact_it(open_page, server):
    public_id = start_session(server)
    to_step(server, public_id, 3)
    console = facilitator_console(open_page, server, public_id)
    presenter = presenter_of(console, public_id)
    attendee = phone(open_page, server)
    visit(attendee, f"/join?code={console.locator('[data-join-code]').get_attribute('data-join-code')}")
    join(attendee)

    # Held back: the warning, the text kept to edit, and the two ways on. Nothing is stored yet.
    text = f"Ring the dad on {PHONE_NUMBER} before any visit"
    part = write(attendee, 1, text)
    part.get_by_role("button", name="Send response").click()
    warning = part.get_by_role("alert")
    expect(warning).to_contain_text("Check before sending.")
    expect(warning).to_contain_text("This looks like it contains a phone number.")
    field = part.get_by_label("Your response to question 1")
    expect(field).to_have_value(text)
    expect(field).to_have_accessible_description(re.compile("This looks like it contains a phone number"))
    expect(part.get_by_role("button", name="Send response")).to_have_count(0)
    expect(part.get_by_role("button", name="Check my edit and send")).to_be_visible()
    assert_accessible(attendee)
    assert stored_texts(server, public_id) == []
    expect(attendee.get_by_text("You have not sent anything yet.")).to_be_visible()

    # "Send it as it is": sent, but it waits for the facilitator (review mode is off); the console says what it
    # looks like, and that its author confirmed it.
    settled(part.locator("form"))
    part.get_by_role("button", name="Send it as it is").click()
    expect(part.get_by_role("status")).to_have_text(
        "Sent. As it may identify someone, the facilitator checks it before it is on the screen."
    )
    assert_accessible(attendee)
    item = on_console(console, 1, PHONE_NUMBER)
    expect(item).to_contain_text("Waiting for your approval")
    expect(item.get_by_text(re.compile(r"^Looks like a phone number"))).to_have_text(
        "Looks like a phone number; its author confirmed it"
    )
    expect(item.locator(".tag").first).to_have_text("Anonymous")
    expect(on_screen(presenter, 1)).to_have_count(0)

    # The facilitator redacts the number in one click, then approves: on the screen without it, and in its
    # author's own list, where it can no longer be edited.
    item.locator("summary", has_text="Redact").click()
    assert_accessible(console)
    item.get_by_role("button", name=re.compile(rf"^Redact “{PHONE_NUMBER}”")).click()
    redacted = "Ring the dad on [redacted] before any visit"
    expect(on_console(console, 1, redacted)).to_contain_text("Redacted")
    expect(on_screen(presenter, 1)).to_have_count(0)
    on_console(console, 1, redacted).get_by_role("button", name=re.compile("^Approve")).click()
    expect(on_screen(presenter, 1)).to_have_text([redacted])
    expect(own(attendee, redacted)).to_contain_text("part of it was redacted by the facilitator", timeout=POLL)
    expect(own(attendee, redacted)).to_contain_text("so it can no longer be edited")
    expect(own(attendee, redacted).locator("summary", has_text="Edit")).to_have_count(0)
    expect(attendee.get_by_text(PHONE_NUMBER)).to_have_count(0)
    assert PHONE_NUMBER not in " ".join(stored_texts(server, public_id))
    assert_accessible(console)
    assert_accessible(attendee)

    # Edited instead: "Check my edit and send" checks it again and, clean now, sends it with no mark.
    part = write(attendee, 2, f"Text the mum on {PHONE_NUMBER}")
    part.get_by_role("button", name="Send response").click()
    expect(part.get_by_role("alert")).to_contain_text("Check before sending.")
    settled(part.locator("form"))
    part.get_by_label("Your response to question 2").fill("Agree with the family how we contact them")
    part.get_by_role("button", name="Check my edit and send").click()
    expect(part.get_by_role("status")).to_have_text(SENT)
    expect(on_screen(presenter, 2)).to_have_text(["Agree with the family how we contact them"])
    expect(on_console(console, 2, "Agree with the family")).not_to_contain_text("Looks like")
    assert_accessible(attendee)
    assert_accessible(console)
    assert final_problems(presenter) == []


# --- a double tap --------------------------------------------------------------------------------------------------


def test_a_double_click_on_send_stores_one_response(open_page, server):
    public_id = start_session(server)
    to_step(server, public_id, 3)
    console = facilitator_console(open_page, server, public_id)
    presenter = presenter_of(console, public_id)
    attendee = phone(open_page, server)
    visit(attendee, "/join")
    join(attendee, console.locator("[data-join-code]").inner_text(), name=NAME)

    text = "Sent with a double tap"
    part = write(attendee, 3, text)
    part.get_by_role("button", name="Send response").dblclick()
    expect(part.get_by_role("status")).to_have_text(SENT)
    assert_accessible(attendee)
    expect(on_screen(presenter, 3)).to_have_text([f"{text} – {NAME}"])
    caught_up(presenter, server, public_id)
    expect(on_screen(presenter, 3)).to_have_count(1)
    expect(attendee.get_by_role("list", name="Your responses").get_by_role("listitem")).to_have_count(1)
    expect(on_console(console, 3, text)).to_have_count(1)
    assert stored_texts(server, public_id) == [text]
    assert_accessible(presenter)
    assert final_problems(presenter) == []


# --- a wrong code ----------------------------------------------------------------------------------------------------


def test_a_wrong_code_says_what_is_wrong_and_keeps_what_was_typed(open_page, server):
    public_id = start_session(server)
    with server.app.app_context():
        code = service.find_session(db.session, public_id).join_code
    wrong = "".join("Z" if c != "Z" else "Y" for c in code[:3]) + code[3:]  # a code no open session has
    attendee = phone(open_page, server)
    visit(attendee, "/join")
    watch_of(attendee).allow(r"status of 422")

    attendee.get_by_label("Join code").fill(wrong)
    attendee.get_by_label("Name").fill(NAME)
    attendee.get_by_label("Role").fill("Health visitor")
    attendee.get_by_role("button", name="Join").click()
    attendee.wait_for_load_state("load")
    assert_accessible(attendee)
    expect(attendee).to_have_title(re.compile(r"^Error: "))
    expect(attendee.get_by_role("alert")).to_have_text(
        "Error: No session is open with that code. Check the code on the screen: it ends with the session."
    )
    code_field = attendee.get_by_label("Join code")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_accessible_description(re.compile("No session is open with that code"))
    expect(code_field).to_have_value(wrong)
    expect(attendee.get_by_label("Name")).to_have_value(NAME)
    expect(attendee.get_by_label("Role")).to_have_value("Health visitor")

    # Too short to be a code: says what a code looks like.
    code_field.fill("K7P")
    attendee.get_by_role("button", name="Join").click()
    attendee.wait_for_load_state("load")
    assert_accessible(attendee)
    expect(attendee.get_by_role("alert")).to_contain_text("A join code has 9 letters and numbers, like K7P-3XW-QH9.")
    expect(attendee.get_by_label("Name")).to_have_value(NAME)

    # The right code, typed over the wrong one, joins.
    code_field.fill(code)
    attendee.get_by_role("button", name="Join").click()
    expect(attendee).to_have_url(re.compile(rf"/take-part/{public_id}$"))
    assert_accessible(attendee)
    expect(attendee.get_by_text(f"Joined as {NAME}")).to_be_visible()


# --- sending too fast --------------------------------------------------------------------------------------------------


def test_an_attendee_sending_too_fast_is_told_when_to_try_again_and_keeps_what_they_typed(open_page, server):
    public_id = start_session(server)
    to_step(server, public_id, 3)
    console = facilitator_console(open_page, server, public_id)
    attendee = phone(open_page, server)
    visit(attendee, "/join")
    join(attendee, console.locator("[data-join-code]").inner_text(), name=NAME)

    for n in range(10):
        send(attendee, 1, f"Quick thought {n + 1}")
    part = write(attendee, 1, "The eleventh, typed with care")
    watch_of(attendee).allow(r"status of 429")  # the answer, with its message: the browser logs the status
    part.get_by_role("button", name="Send response").click()
    expect(part.get_by_role("alert")).to_contain_text(re.compile(r"Wait \d+ seconds, then send it again"))
    expect(part.get_by_label("Your response to question 1")).to_have_value("The eleventh, typed with care")
    assert_accessible(attendee)
    assert len(stored_texts(server, public_id)) == 10
