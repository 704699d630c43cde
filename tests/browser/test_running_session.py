"""Running a session in a real browser: the facilitator console beside the projector, and the presenter view in
a second page of the same browser (same sign-in). Live updates come from each page polling the server every
second, so nothing here reloads a page to see a change. axe checks every page and state visited.

The session is 'wigan-child-3' on 'seven-minute': 1 Background, 2 What was learned, 3 Why it matters here,
4 Reflection (five questions from the briefing), 5 Agreed actions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import Facilitator
from app.sessions.templates import load_templates

from .conftest import (
    PHONE,
    PROJECTOR,
    _watch,
    assert_accessible,
    final_problems,
    has_horizontal_scroll,
    visit,
    watch_of,
)

pytestmark = pytest.mark.browser

NAME = "Sam Patel"
PASSWORD = "a long enough password"
CONSOLE = re.compile(r"/sessions/([A-Za-z0-9_-]+)/console$")
HD = {"width": 1280, "height": 720}
STEPS = ["Background", "What was learned", "Why it matters here", "Reflection", "Agreed actions"]


# --- helpers -------------------------------------------------------------------------------------------------


@pytest.fixture
def server(live_server):
    with live_server.app.app_context():
        facilitator = Facilitator(name=NAME)
        facilitator.set_password(PASSWORD)
        db.session.add(facilitator)
        db.session.commit()
    return live_server


def sign_in(page: Page) -> None:
    visit(page, "/login")
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def start_session(server, briefing_id="wigan-child-3", template_id="seven-minute", *, started_ago: float = 0) -> str:
    """A session started through the service, `started_ago` seconds ago (to reach the warning and over states)."""
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        briefing = get_library().get(briefing_id)
        template = load_templates(server.app.config["SESSION_TEMPLATES_DIR"]).get(template_id)
        when = datetime.now(timezone.utc) - timedelta(seconds=started_ago)
        return service.start_session(db.session, facilitator, briefing, template, "Early Help East", when).public_id


def server_step(server, public_id: str) -> int:
    with server.app.app_context():
        return service.find_session(db.session, public_id).step


def watched(page: Page) -> Page:
    """A page the test opened itself (a popup): watched for script errors and CSP violations like the others."""
    _watch(page, True)
    return page


def seconds(text: str) -> int:
    """'1:05' -> 65, '+0:15 over' -> -15."""
    match = re.fullmatch(r"(\+?)(\d+):(\d\d)(?: over)?", text.strip())
    assert match, f"not a clock: {text!r}"
    value = int(match.group(2)) * 60 + int(match.group(3))
    return -value if match.group(1) else value


def step_clock(page: Page) -> int:
    return seconds(page.locator('[data-countdown="step"]').inner_text())


def fits_the_screen(page: Page) -> dict:
    """Whether the presenter's page is within the window, and every block of the step within the stage's box."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          const viewport = document.querySelector('[data-pages]');
          const box = viewport.getBoundingClientRect();
          const blocks = Array.from(viewport.querySelectorAll('h2, h3, p, li'));
          const below = blocks.filter((el) => {
            const r = el.getBoundingClientRect();
            return r.height > 0 && (r.bottom > box.bottom + 1 || r.top < box.top - 1);
          }).map((el) => el.textContent.slice(0, 40));
          return {
            page: root.scrollHeight <= innerHeight && root.scrollWidth <= innerWidth,
            spilled: below,
            body: parseFloat(getComputedStyle(viewport).fontSize),
          };
        }"""
    )


def mark_shown(page: Page) -> None:
    """Note which pieces of the step's text are on the page shown now. A point can break between pages, so
    every box a block is laid out in (getClientRects: one per page it is on) counts on its own."""
    page.evaluate(
        """() => {
          const viewport = document.querySelector('[data-pages]');
          const box = viewport.getBoundingClientRect();
          window.shownPieces = window.shownPieces || new Set();
          viewport.querySelectorAll('li, p, h2, h3').forEach((el, n) => {
            Array.from(el.getClientRects()).forEach((r, k) => {
              if (r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1) window.shownPieces.add(`${n}.${k}`);
            });
          });
        }"""
    )


def never_shown(page: Page) -> list[str]:
    return page.evaluate(
        """() => {
          const missing = [];
          document.querySelectorAll('[data-pages] li, [data-pages] p, [data-pages] h2, [data-pages] h3').forEach((el, n) => {
            Array.from(el.getClientRects()).forEach((r, k) => {
              if (r.width > 0 && !window.shownPieces.has(`${n}.${k}`)) missing.push(el.textContent.trim().slice(0, 60));
            });
          });
          return missing;
        }"""
    )


def settled(locator) -> None:
    """Wait until htmx has wired up content it just swapped in (it drops the class 'htmx-added' when it has).
    A form submitted before that is sent the plain way, which works too but reloads the page."""
    expect(locator).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def press_until_step(presenter: Page, key: str, step: int, *, tries: int = 6) -> None:
    """Press `key` on the presenter until it shows `step` (long steps take a press per page first)."""
    stage = presenter.locator("#stage")
    for _ in range(tries):
        presenter.keyboard.press(key)
        try:
            expect(stage).to_have_attribute("data-step", str(step), timeout=1_500)
            return
        except AssertionError:
            continue
    raise AssertionError(f"pressing {key} never reached step {step + 1}")


# --- the whole session -----------------------------------------------------------------------------------------


def test_a_facilitator_runs_a_whole_session_from_the_console_and_the_presenter(open_page, server):
    console = open_page()
    sign_in(console)

    # Start from the start form; it leads to the console.
    visit(console, "/sessions/new?briefing=wigan-child-3")
    console.get_by_label("Team name").fill("Early Help East")
    console.get_by_role("button", name="Start the session").click()
    expect(console).to_have_url(CONSOLE)
    assert_accessible(console)
    public_id = CONSOLE.search(console.url).group(1)
    status = console.locator("#run-status")
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 1 of 5\W+Background"))
    loads = len(watch_of(console).loads)

    # The presenter view, in a second page of the same browser: the same step and the same time.
    with console.expect_popup() as popup:
        console.get_by_role("link", name=re.compile("Open presenter view")).click()
    presenter = watched(popup.value)
    presenter.set_viewport_size(HD)
    presenter.wait_for_load_state("load")
    expect(presenter).to_have_url(re.compile(rf"/sessions/{public_id}/present$"))
    assert_accessible(presenter)
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Background")
    expect(presenter.get_by_role("list", name="Keyboard shortcuts")).to_contain_text("next")
    assert abs(step_clock(presenter) - step_clock(console)) <= 2
    assert 50 <= step_clock(presenter) <= 60

    # A double click on Next moves one step.
    console.get_by_role("button", name="Next step").dblclick()
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 2 of 5\W+What was learned"))
    console.wait_for_timeout(1_200)
    assert server_step(server, public_id) == 1
    expect(presenter.get_by_role("heading", level=1)).to_have_text("What was learned")
    expect(console.get_by_role("status").first).to_have_text("Moved to step 2: What was learned")

    # Back to the start with the presenter's keys, then through every step with them; the console follows.
    press_until_step(presenter, "ArrowLeft", 0)
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 1 of 5"))
    for step, key in zip(range(1, 5), ["ArrowRight", "Space", "n", "ArrowRight"]):
        press_until_step(presenter, key, step)
        expect(presenter.get_by_role("heading", level=1)).to_have_text(STEPS[step])
        expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(rf"Step {step + 1} of 5\W+{STEPS[step]}"))
        expect(console.locator("#shown-step")).to_have_value(str(step))
        fit = fits_the_screen(presenter)
        assert fit["page"] and fit["spilled"] == [], fit
        assert_accessible(presenter)
    # On the last step, going on does nothing; P goes back a step.
    presenter.keyboard.press("ArrowRight")
    presenter.wait_for_timeout(500)
    assert server_step(server, public_id) == 4
    press_until_step(presenter, "p", 3)
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 4 of 5\W+Reflection"))
    assert abs(step_clock(presenter) - step_clock(console)) <= 2
    assert_accessible(console)

    # Pause and resume from the presenter: the time stands still while paused, on both screens.
    presenter.keyboard.press("k")
    expect(presenter.locator("#stage")).to_have_attribute("data-phase", "paused")
    expect(presenter.locator("[data-phase-text]")).to_have_text("Paused")
    expect(console.locator("#run-pause")).to_have_text("Resume")
    before = (step_clock(presenter), step_clock(console))
    presenter.wait_for_timeout(1_600)
    assert (step_clock(presenter), step_clock(console)) == before
    assert_accessible(presenter)
    assert_accessible(console)
    presenter.keyboard.press("K")
    expect(console.locator("#run-pause")).to_have_text("Pause")
    expect(presenter.locator("#stage")).not_to_have_attribute("data-phase", "paused")
    presenter.wait_for_timeout(1_200)
    assert step_clock(presenter) < before[0]

    # Scribe mode: responses typed on the console appear on the presenter; a removed one disappears.
    console.on("dialog", lambda dialog: pytest.fail(f"a script ran from a response: {dialog.message}"))
    presenter.on("dialog", lambda dialog: pytest.fail(f"a script ran from a response: {dialog.message}"))
    first = console.get_by_label("Response to question 1")
    first.fill("We rely on phone calls")
    expect(console.locator("#respond-3-0-count")).to_have_text("22 of 2,000 characters")
    console.locator("#respond-3-0").get_by_role("button", name="Add response").click()
    expect(console.get_by_role("list", name="Responses to question 1")).to_contain_text("We rely on phone calls")
    expect(first).to_have_value("")
    settled(console.locator("#respond-3-0"))
    first.fill("Named the family <img src=x onerror=alert(1)>")
    first.press("Control+Enter")
    responses = presenter.get_by_role("list", name="Responses to question 1")
    expect(responses.get_by_role("listitem")).to_have_text(
        ["We rely on phone calls", "Named the family <img src=x onerror=alert(1)>"], timeout=2_500
    )
    assert_accessible(console)
    assert_accessible(presenter)

    console.get_by_role("button", name="Hide response 2").click()
    expect(console.locator(".run-response--hidden")).to_contain_text("Hidden from the screens")
    expect(responses.get_by_role("listitem")).to_have_text(["We rely on phone calls"], timeout=2_500)
    expect(console.get_by_role("button", name="Show response 2 again")).to_be_focused()
    assert_accessible(console)

    # An empty response is refused next to its form.
    watch_of(console).allow(r"status of 422")
    console.locator("#respond-3-1").get_by_role("button", name="Add response").click()
    expect(console.locator("#respond-3-1").get_by_role("alert")).to_have_text(
        "Error: The response is empty: type something first."
    )
    assert_accessible(console)

    # Agreed actions: what, who, by when; and an attendee, on any step.
    console.get_by_role("button", name="Next step").click()
    expect(status.get_by_role("heading", level=2)).to_have_text(re.compile(r"Step 5 of 5\W+Agreed actions"))
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Agreed actions")
    console.get_by_label("What will the team do?").fill("Audit how we check self-reported information")
    console.get_by_label("Who owns it").fill("Jo Bloggs")
    console.get_by_label("By when").fill("2027-01-31")
    console.get_by_role("button", name="Add action").click()
    expect(console.get_by_role("list", name="Agreed actions")).to_contain_text(
        "Audit how we check self-reported information"
    )
    expect(console.get_by_role("list", name="Agreed actions")).to_contain_text("Owner: Jo Bloggs · By: 31 January 2027")
    expect(presenter.locator(".stage-action-list")).to_contain_text("Audit how we check self-reported information")
    console.get_by_label("Name", exact=True).fill("Ali Khan")
    console.get_by_label("Role").fill("Health visitor")
    console.get_by_label("Team or agency").fill("0-19 service")
    console.get_by_role("button", name="Add to the register").click()
    expect(console.get_by_role("list", name="Register")).to_contain_text("Ali Khan, Health visitor, 0-19 service")
    assert_accessible(console)
    assert len(watch_of(console).loads) == loads, "the console reloaded instead of updating in place"

    # End the session, after a confirmation: the summary has everything; the presenter says it has ended.
    console.get_by_text("End session…").click()
    console.get_by_role("button", name="Yes, end the session").click()
    expect(console).to_have_url(re.compile(rf"/sessions/{public_id}$"))
    assert_accessible(console)
    main = console.get_by_role("main")
    expect(main).to_contain_text("We rely on phone calls")
    expect(main).to_contain_text("Audit how we check self-reported information")
    expect(main).to_contain_text("Ali Khan")
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Session ended", timeout=3_000)
    assert_accessible(presenter)
    assert final_problems(presenter) == []


# --- the presenter on a projector -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [HD, PROJECTOR], ids=["1280x720", "1920x1080"])
def test_the_longest_step_is_paged_to_fit_the_projector(open_page, server, size):
    public_id = start_session(server, "warwickshire-child-a")  # step 2 holds the most text of any seed step
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        service.move(db.session, public_id, facilitator, 0, 1, datetime.now(timezone.utc))
    page = open_page(viewport=size)
    sign_in(page)
    visit(page, f"/sessions/{public_id}/present")

    fit = fits_the_screen(page)
    assert fit["page"] and fit["spilled"] == [], fit
    if size == PROJECTOR:
        assert fit["body"] >= 31.5, "body text should be about 32 px at 1080p"
    indicator = page.locator("[data-page-indicator]")
    expect(indicator).to_have_text(re.compile(r"^Page 1 of \d · → for more$"))
    pages = int(re.search(r"of (\d)", indicator.inner_text()).group(1))
    assert pages >= 2

    for number in range(1, pages + 1):
        expect(indicator).to_have_text(re.compile(rf"^Page {number} of {pages}"))
        mark_shown(page)
        fit = fits_the_screen(page)
        assert fit["page"] and fit["spilled"] == [], fit
        assert_accessible(page)
        if number < pages:
            page.keyboard.press("PageDown")
    assert never_shown(page) == [], "some of the step was on no page"
    assert server_step(server, public_id) == 1

    # Back a page, then on past the last page to the next step, which starts on its first page.
    page.keyboard.press("ArrowLeft")
    expect(indicator).to_have_text(re.compile(rf"^Page {pages - 1} of {pages}"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#stage")).to_have_attribute("data-step", "2")
    assert server_step(server, public_id) == 2


def test_the_presenter_warns_as_a_step_nears_its_end_and_shows_when_it_runs_over(open_page, server):
    page = open_page(viewport=HD)
    sign_in(page)
    nearly = start_session(server, started_ago=50)  # 10 seconds left of a one-minute step
    over = start_session(server, started_ago=75)  # 15 seconds over

    visit(page, f"/sessions/{nearly}/present")
    expect(page.locator("#stage")).to_have_attribute("data-phase", "warning")
    expect(page.locator("[data-phase-text]")).to_have_text("Nearly time")
    assert 0 < step_clock(page) <= 10

    visit(page, f"/sessions/{over}/present")
    expect(page.locator("#stage")).to_have_attribute("data-phase", "over")
    expect(page.locator("[data-phase-text]")).to_have_text("Time is up")
    expect(page.locator('[data-countdown="step"]')).to_have_text(re.compile(r"^\+0:[1-5]\d over$"))
    assert -40 <= step_clock(page) <= -15

    console = open_page()
    sign_in(console)
    visit(console, f"/sessions/{over}/console")
    expect(console.locator("#run-status")).to_have_attribute("data-phase", "over")
    expect(console.locator('[data-countdown="step"]')).to_have_text(re.compile(r"^\+0:[1-5]\d over$"))
    assert abs(step_clock(console) - step_clock(page)) <= 2


def test_the_countdown_crosses_into_the_warning_and_announces_it_once(open_page, server):
    page = open_page(viewport=HD)
    sign_in(page)
    public_id = start_session(server, started_ago=42)  # the warning starts at 15 seconds left: in 3 seconds
    visit(page, f"/sessions/{public_id}/present")
    expect(page.locator("#stage")).to_have_attribute("data-phase", "running")
    expect(page.locator("#stage")).to_have_attribute("data-phase", "warning", timeout=6_000)
    expect(page.locator("#stage-announcer")).to_have_text("Nearly time: this step is almost over.")
    # The ticking number itself is never in a live region.
    live = page.evaluate(
        "() => document.querySelector('[data-countdown=\"step\"]').closest('[aria-live], [role=status], [role=alert]')"
    )
    assert live is None
    assert_accessible(page)


# --- the console on a phone, and without JavaScript --------------------------------------------------------------


def test_the_console_fits_a_phone_on_every_kind_of_step(open_page, server):
    public_id = start_session(server)
    page = open_page(viewport=PHONE)
    sign_in(page)
    for step in (0, 3, 4):
        with server.app.app_context():
            facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
            row = service.find_session(db.session, public_id)
            service.move(db.session, public_id, facilitator, row.step, step, datetime.now(timezone.utc))
        visit(page, f"/sessions/{public_id}/console")
        assert not has_horizontal_scroll(page), f"the console scrolls sideways on a phone at step {step + 1}"


def test_without_javascript_every_change_is_a_form_that_comes_back_to_the_console(open_page, server):
    public_id = start_session(server)
    page = open_page(javascript=False)
    sign_in(page)
    visit(page, f"/sessions/{public_id}/console")

    page.get_by_role("button", name="Next step").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{public_id}/console\?done=moved#run-status$"))
    assert_accessible(page)
    expect(page.locator("#run-status h2")).to_have_text(re.compile(r"Step 2 of 5"))
    expect(page.get_by_role("status").first).to_have_text("Moved to step 2: What was learned")

    page.get_by_label("Go to step").select_option(label="4. Reflection (2:00)")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.get_by_label("Response to question 2").fill("Said without JavaScript")
    page.locator("#respond-3-1").get_by_role("button", name="Add response").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("list", name="Responses to question 2")).to_contain_text("Said without JavaScript")

    watch_of(page).allow(r"status of 422")
    page.get_by_label("Response to question 3").fill("x" * 10)
    page.evaluate("() => { document.querySelector('#respond-3-2-text').value = 'y'.repeat(2001); }")
    page.locator("#respond-3-2").get_by_role("button", name="Add response").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.locator("#respond-3-2").get_by_role("alert")).to_contain_text("The response is too long: 2,001 characters")
    expect(page.get_by_label("Response to question 3")).to_have_value("y" * 2001)


# --- polls never redraw what someone is typing -------------------------------------------------------------------


def test_a_poll_never_redraws_a_form_someone_is_typing_in(open_page, server):
    public_id = start_session(server)
    with server.app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
        service.move(db.session, public_id, facilitator, 0, 3, datetime.now(timezone.utc))
        service.add_response(db.session, public_id, facilitator, 3, 0, "Said first", datetime.now(timezone.utc))
    console = open_page()
    sign_in(console)
    visit(console, f"/sessions/{public_id}/console")

    def elsewhere(use_case, *args):
        """A change made by another screen (the presenter, or later an attendee's phone)."""
        with server.app.app_context():
            owner = db.session.execute(select(Facilitator).filter_by(name=NAME)).scalar_one()
            return use_case(db.session, public_id, owner, *args)

    # Editing a response: a response added elsewhere does not close the edit or lose the change being typed.
    console.locator("summary", has_text="Edit").first.click()
    editor = console.get_by_label("Change response 1")
    editor.fill("Said first, and changed")
    elsewhere(service.add_response, 3, 0, "Said meanwhile", datetime.now(timezone.utc))
    console.wait_for_timeout(2_000)
    expect(editor).to_have_value("Said first, and changed")
    expect(console.get_by_role("list", name="Responses to question 1").get_by_role("listitem")).to_have_count(1)
    console.get_by_role("button", name="Save change").click()
    listed = console.get_by_role("list", name="Responses to question 1").get_by_role("listitem")
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text("Said first, and changed")
    assert_accessible(console)

    # Choosing a step to go to, or the open confirmation of "End session…", survive a change made elsewhere.
    console.get_by_label("Go to step").select_option(label="2. What was learned (2:00)")
    console.get_by_text("End session…").click()
    elsewhere(service.add_attendee, "Jo Bloggs", "", "", datetime.now(timezone.utc))
    expect(console.get_by_role("list", name="Register")).to_contain_text("Jo Bloggs")
    console.wait_for_timeout(1_500)
    expect(console.get_by_label("Go to step")).to_have_value("1")
    expect(console.get_by_role("button", name="Yes, end the session")).to_be_visible()
    console.get_by_text("End session…").click()  # closed again; nothing ended
    console.get_by_label("Go to step").select_option(label="4. Reflection (2:00)")
    console.get_by_label("Response to question 2").focus()

    # Typing a response when another screen moves the step on: the form and its text stay until it is added.
    draft = console.get_by_label("Response to question 2")
    draft.fill("Half-typed when the step moved")
    elsewhere(service.move, 3, 4, datetime.now(timezone.utc))
    expect(console.locator("#run-status h2")).to_have_text(re.compile(r"Step 5 of 5\W+Agreed actions"))
    expect(console.locator("[data-behind-note]")).to_contain_text("The session has moved to another step")
    console.wait_for_timeout(1_500)
    expect(draft).to_have_value("Half-typed when the step moved")
    assert_accessible(console)
    console.locator("#respond-3-1").get_by_role("button", name="Add response").click()
    # Added to the question it was typed for; then the console catches up with the step.
    expect(console.get_by_role("heading", name="Agreed actions", level=2)).to_be_visible(timeout=4_000)
    expect(console.get_by_label("Response to question 2")).to_have_count(0)
    with server.app.app_context():
        row = service.find_session(db.session, public_id)
        assert [(r.step, r.question, r.text) for r in row.responses if r.question == 1] == [
            (3, 1, "Half-typed when the step moved")
        ]
    assert_accessible(console)
