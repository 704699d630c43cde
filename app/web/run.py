"""Running a session: the facilitator console, the presenter view, and the changes the console makes.

Both screens poll their own address every second with the version they show (`?version=N`): 204 when nothing
changed, else the fragment that changed. The database is the only shared state, so any number of server
processes can serve the screens. The timer is the server's: fragments carry the seconds left and the phase as
data attributes, and static/js/session.js only counts down between polls.

Every change is a POST that works without JavaScript (303 back to the console: post/redirect/get) and, with
htmx, answers with the fragment to swap: the console's status region for the controls, the form itself (fresh,
or with its error and what was typed) for the forms, the list for edits of a list. A refused change (a
SessionError) answers 422 with the message next to the form and what the person typed, and changes nothing.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import segno
from flask import (
    Blueprint,
    Response as HttpResponse,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from ..extensions import db
from ..numbers import NotANumber, count_or_none, parse_count
from ..sessions import join as join_codes
from ..sessions import paging, service
from ..sessions.privacy import find_personal_data
from ..sessions.clock import WARNING_SECONDS
from ..sessions.models import BriefingSession, Response
from ..sessions.record import record_of
from ..sessions.service import SessionError, SessionNotFound
from . import is_htmx_fragment_request, now
from .auth import actor_of, form_expired
from .guards import problem
from .sessions import only_its_facilitator

bp = Blueprint("run", __name__)
# A team manager reads their teams' sessions on the summary page; the console and its controls are the
# facilitator's alone (403 for the manager, saying so).
bp.before_request(only_its_facilitator)
# A form sent without its CSRF token (or with one from an older sign-in): a page that says what to do.
bp.register_error_handler(CSRFError, form_expired)

# Messages for the status line after a change. Keyed so that a redirect (no JavaScript) can name them in its
# address without carrying any text a person typed.
DONE = {
    "paused": "Paused. The clock has stopped.",
    "resumed": "Resumed. The clock is running.",
    "minute": "Added a minute to this step.",
    "response-added": "Response added.",
    "response-edited": "Response changed.",
    "response-hidden": "Response hidden from the screens. It stays in the record, marked hidden; Show again brings it back.",
    "response-shown": "Response shown again.",
    "response-approved": "Approved: the response is on the screen.",
    "responses-approved": "Approved: the waiting responses are on the screen.",
    "response-redacted": "Redacted. The words are gone from the response and from the record.",
    "review-on": "Review before showing is on: attendees' responses wait here until you approve them.",
    "review-off": "Review before showing is off: attendees' responses go straight to the screen, except any that may identify someone.",
    "action-added": "Action added.",
    "action-removed": "Action removed.",
    "attendee-added": "Added to the register.",
    "attendee-removed": "Removed from the register.",
    "head-count": "Head count saved.",
}


# --- access ------------------------------------------------------------------------------------------------


@bp.after_request
def never_store(response):
    # Both screens show what the room said: never kept by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


def _own_session(public_id: str) -> BriefingSession:
    try:
        return service.find_session(db.session, public_id, current_user)
    except SessionNotFound:
        abort(404)


def _int_field(name: str, what: str) -> int:
    try:
        return parse_count(request.form.get(name) or request.args.get(name), what=what)
    except NotANumber:
        raise SessionError(f"Choose {what}.") from None


# --- what the screens show ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timer:
    phase: str  # running | warning | over | paused | ended
    step_remaining: float
    session_remaining: float
    step_allowed: int
    warn_at: float  # seconds left when the step "nears its end"


def clock_text(seconds: float) -> str:
    """'1:05' while time is left; '+0:15 over' once it has run out. (session.js formats the same way.)"""
    if seconds > 0:
        whole = math.ceil(seconds)
        return f"{whole // 60}:{whole % 60:02d}"
    whole = math.floor(-seconds)
    return f"+{whole // 60}:{whole % 60:02d} over"


PHASE_TEXT = {
    "running": "On time",
    "warning": "Nearly time",
    "over": "Time is up",
    "paused": "Paused",
    "ended": "Ended",
}


@bp.app_template_filter("clock")
def clock_filter(seconds: float) -> str:
    return clock_text(seconds)


@bp.app_template_filter("personal_data")
def personal_data_filter(text: str, briefing_names: frozenset[str] = frozenset()):
    """What in a response looks like personal data, so the console can offer to redact it; the names the
    briefing itself uses are not (record.briefing_names)."""
    return find_personal_data(text, now().date(), briefing_names)


def list_size_name(kind: str, step_index: int, q: int) -> str:
    """The request field that asks for a larger page of one question's list: recent-3-0, waiting-3-0."""
    return f"{kind}-{step_index}-{q}"


@bp.app_template_global()
def response_pages(question, step_index: int, q: int) -> paging.ResponsePages:
    """A question's responses as the console lists them, as many as this request asked for (a poll, a button in
    the list and the "Show older" link all send the list's sizes; paging keeps them bounded)."""
    sizes = {kind: paging.page_size(request.values.get(list_size_name(kind, step_index, q)))
             for kind in ("recent", "waiting")}
    return paging.response_pages(question.responses, lambda r: r.pending and not r.hidden,
                                 sizes["recent"], sizes["waiting"])


@bp.app_template_global()
def newest_shown(question):
    """The newest shown responses of a question, as many as the projector shows (the record has them all)."""
    return paging.newest(question.shown_responses, paging.PRESENTER)


@bp.app_template_filter("duration")
def duration_filter(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def timer_of(row: BriefingSession, at) -> Timer:
    """The numbers every screen's countdown starts from (console, presenter and attendees' phones alike)."""
    clock = service.clock_of(row)
    allowed = clock.step_allowed()
    return Timer(
        phase=clock.phase(at),
        step_remaining=round(clock.step_remaining(at), 1),
        session_remaining=round(clock.session_remaining(at), 1),
        step_allowed=allowed,
        warn_at=min(WARNING_SECONDS, allowed / 4),
    )


def screen(row: BriefingSession, at, **extra) -> dict:
    """Everything the console and presenter templates show, read from the session as it is `at`."""
    record = record_of(row, at)
    steps = record.steps
    index = row.step
    timer = timer_of(row, at)
    context = {
        "row": row,
        "pid": row.public_id,
        "record": record,
        "steps": steps,
        "index": index,
        "count": len(steps),
        "step": steps[index],
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "timer": timer,
        "phase_text": PHASE_TEXT[timer.phase],
        "ended": row.status == "ended",
        "version": row.version,
        "forms": {},
        "message": "",
        "status_error": "",
        "oob": False,
        "work_index": None,
        "summary_url": summary_url(row.public_id),
        "sessions_url": _url_if_exists("sessions.index"),
        "join": _join_details(row),
        "responses_total": sum(len(q.shown_responses) for _, q in record.questions),
        "new_key": service.new_form_key,  # each form drawn carries a fresh key (service.form_key)
    }
    context.update(extra)
    return context


@dataclass(frozen=True)
class JoinDetails:
    code: str  # as typed: K7P3XWQH9
    shown: str  # as read out: K7P-3XW-QH9
    url: str  # the address a phone opens, code included
    short_url: str  # the address to type, without the code
    qr_url: str


def join_address(path: str) -> str:
    """An address on this app as phones reach it: PUBLIC_URL when set (the machine's address on the meeting
    room's network), else the address this request came to."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def _join_details(row: BriefingSession) -> JoinDetails | None:
    if not row.join_code or "take_part.join_form" not in current_app.view_functions:
        return None
    return JoinDetails(
        code=row.join_code,
        shown=join_codes.display(row.join_code),
        url=join_address(url_for("take_part.join_form", code=row.join_code)),
        short_url=join_address(url_for("take_part.join_form")),
        qr_url=url_for("run.join_qr", public_id=row.public_id),
    )


def _url_if_exists(endpoint: str, **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def summary_url(public_id: str) -> str:
    return _url_if_exists("sessions.summary", public_id=public_id) or url_for("run.console", public_id=public_id)


def _fresh(public_id: str) -> BriefingSession:
    db.session.expire_all()
    return _own_session(public_id)


# --- the two screens -----------------------------------------------------------------------------------------


def _unchanged(public_id: str, version: int, step: int | None) -> bool:
    """The one cheap query of a poll: has the session changed since the screen drew it?"""
    found = db.session.execute(
        select(BriefingSession.version, BriefingSession.step).where(
            BriefingSession.public_id == public_id, BriefingSession.facilitator_id == current_user.id
        )
    ).one_or_none()
    if found is None:
        abort(404)
    return found.version == version and (step is None or found.step == step)


def _poll_args() -> tuple[int | None, int | None]:
    """The version and step a polling screen shows; a value that is not one answers 400 (NotANumber)."""

    def number(name, what):
        value = request.args.get(name)
        return parse_count(value, what=what) if value else None

    return number("version", "version a screen shows"), number("step", "step a screen shows")


@bp.get("/sessions/<public_id>/console")
@login_required
def console(public_id: str):
    version, shown_step = _poll_args()
    if is_htmx_fragment_request() and version is not None:
        if _unchanged(public_id, version, shown_step):
            return "", 204
        row = _own_session(public_id)
        moved = shown_step is not None and shown_step != row.step
        message = f"Moved to step {row.step + 1}: {_step_title(row)}" if moved else ""
        return render_template(
            "run/_console_update.html", **screen(row, now(), message=message, step_work=moved or _ended(row))
        )
    row = _own_session(public_id)
    done = request.args.get("done", "")
    message = DONE.get(done, "")
    if done == "moved":
        message = f"Moved to step {row.step + 1}: {_step_title(row)}"
    return render_template("run/console.html", **screen(row, now(), message=message))


@bp.get("/sessions/<public_id>/present")
@login_required
def present(public_id: str):
    version, _ = _poll_args()
    if is_htmx_fragment_request() and version is not None:
        if _unchanged(public_id, version, None):
            return "", 204
        return render_template("run/_stage.html", **screen(_own_session(public_id), now()))
    return render_template("run/present.html", **screen(_own_session(public_id), now()))


@bp.get("/sessions/<public_id>/responses/<index:step>/<index:question>")
@login_required
def responses_page(public_id: str, step: int, question: int):
    """One question's list with a larger page ("Show older responses"): the list for htmx, else the console."""
    row = _own_session(public_id)
    steps = row.plan["steps"]
    if not (0 <= step < len(steps) and 0 <= question < len(steps[step]["questions"])):
        abort(404)
    if not is_htmx_fragment_request():
        sizes = {name: value for name, value in request.args.items() if name.startswith(("recent-", "waiting-"))}
        anchor = f"#responses-{step}-{question}"
        return redirect(url_for("run.console", public_id=public_id, **sizes) + anchor, code=303)
    where = {"list_step": step, "list_question": question}
    return render_template("run/_responses_update.html", **screen(row, now(), **where))


def _step_title(row: BriefingSession) -> str:
    return row.plan["steps"][row.step]["title"]


def _ended(row: BriefingSession) -> bool:
    return row.status == "ended"


@bp.get("/sessions/<public_id>/join-qr.svg")
@login_required
def join_qr(public_id: str):
    """The join address as a QR code: dark on light with a quiet zone, which every phone camera reads."""
    details = _join_details(_own_session(public_id))
    if details is None:
        abort(404)
    svg = io.BytesIO()
    segno.make(details.url, error="m").save(
        svg, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False,
        title=f"Join code {details.shown}",
    )
    return HttpResponse(svg.getvalue(), mimetype="image/svg+xml")


# --- the controls: move, pause, resume, add a minute ---------------------------------------------------------


def _control(public_id: str, change, done: str):
    """Run a change of the clock and answer the screen that asked: presenter stage, console status, or a page."""
    shown_step = request.form.get("step", "")
    try:
        result = change()
    except SessionNotFound:
        abort(404)
    except SessionError as error:
        db.session.rollback()
        return _control_answer(public_id, shown_step, error=str(error))
    message = DONE.get(done, "")
    if done == "moved":
        message = ""
        if result:
            row = _fresh(public_id)
            message = f"Moved to step {row.step + 1}: {_step_title(row)}"
    return _control_answer(public_id, shown_step, message=message, done=done if result is not False else "")


def _control_answer(public_id: str, shown_step: str, *, message: str = "", error: str = "", done: str = ""):
    status = 422 if error else 200
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        if request.form.get("view") == "present":
            return render_template("run/_stage.html", **screen(row, now(), stage_error=error)), status
        step_work = str(row.step) != shown_step or _ended(row)
        context = screen(row, now(), message=message, status_error=error, step_work=step_work)
        return render_template("run/_console_update.html", **context), status
    if error:
        row = _fresh(public_id)
        return render_template("run/console.html", **screen(row, now(), status_error=error, message=error)), 422
    return _back(public_id, done, "run-status")


def _back(public_id: str, done: str = "", anchor: str = ""):
    """Post/redirect/get: back to the console, naming what was done (never what was typed)."""
    args = {"done": done} if done else {}
    location = url_for("run.console", public_id=public_id, **args) + (f"#{anchor}" if anchor else "")
    return redirect(location, code=303)


@bp.post("/sessions/<public_id>/move")
@login_required
def move(public_id: str):
    def change():
        from_step = _int_field("from_step", "the step you are moving from")
        to_step = _int_field("to_step", "a step to go to")
        return service.move(db.session, public_id, current_user, from_step, to_step, now())

    return _control(public_id, change, "moved")


@bp.post("/sessions/<public_id>/pause")
@login_required
def pause(public_id: str):
    return _control(public_id, lambda: service.pause(db.session, public_id, current_user, now()), "paused")


@bp.post("/sessions/<public_id>/resume")
@login_required
def resume(public_id: str):
    return _control(public_id, lambda: service.resume(db.session, public_id, current_user, now()), "resumed")


@bp.post("/sessions/<public_id>/add-minute")
@login_required
def add_minute(public_id: str):
    return _control(public_id, lambda: service.add_minute(db.session, public_id, current_user, now()), "minute")


@bp.post("/sessions/<public_id>/end")
@login_required
def end(public_id: str):
    try:
        service.end_session(db.session, public_id, current_user, now(), actor=actor_of(current_user))
    except SessionNotFound:
        abort(404)
    target = summary_url(public_id)
    if request.headers.get("HX-Request") == "true":
        return "", 200, {"HX-Redirect": target}
    return redirect(target, code=303)


# --- forms: responses, actions, attendees, head count ----------------------------------------------------------


def _form_change(
    public_id: str, form_id: str, template: str, change, done: str, *, keep: tuple[str, ...], extra=None, work_index=None
):
    """Run a change made by a form; answer with the form (fresh, or with its error and what was typed)."""
    typed = {name: request.form.get(name, "") for name in keep}
    try:
        change()
    except SessionNotFound:
        abort(404)
    except SessionError as error:
        db.session.rollback()
        forms = {form_id: {"error": str(error), **typed}}
        row = _fresh(public_id)
        if is_htmx_fragment_request():
            context = screen(row, now(), forms=forms, **(extra or {}))
            return render_template(template, **context), 422
        page = screen(row, now(), forms=forms, message=str(error), work_index=_work_index(row, work_index))
        return render_template("run/console.html", **page), 422
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        context = screen(row, now(), message=DONE[done], **(extra or {}))
        return render_template(template, **context, with_updates=True)
    return _back(public_id, done, form_id)


@bp.post("/sessions/<public_id>/responses")
@login_required
def add_response(public_id: str):
    step = _safe_int(request.form.get("step", ""))
    question = _safe_int(request.form.get("question", ""))
    form_id = f"respond-{step}-{question}"

    def change():
        service.add_response(
            db.session,
            public_id,
            current_user,
            _int_field("step", "a step"),
            _int_field("question", "a question"),
            request.form.get("text", ""),
            now(),
            idempotency_key=request.form.get("idempotency_key"),
        )

    extra = {"form_step": step, "form_question": question}
    return _form_change(
        public_id, form_id, "run/_response_form_update.html", change, "response-added",
        keep=("text",), extra=extra, work_index=step,
    )


def _safe_int(value: str) -> int:
    """A form's step or question, to name the form in the answer; -1 (no such form) when it is not a number."""
    found = count_or_none(value)
    return -1 if found is None else found


def _work_index(row: BriefingSession, step: int | None) -> int | None:
    """The step whose forms a refused page shows: the step the form was for, when that step collects responses."""
    steps = row.plan["steps"]
    if step is not None and 0 <= step < len(steps) and steps[step]["collects_responses"]:
        return step
    return None


def _is_question(row: BriefingSession, step: int, question: int) -> bool:
    steps = row.plan["steps"]
    return 0 <= step < len(steps) and 0 <= question < len(steps[step].get("questions", []))


def _response_of(public_id: str, response_id: int) -> Response:
    row = _own_session(public_id)
    response = db.session.get(Response, response_id)
    if response is None or response.session_id != row.id:
        abort(404)
    return response


def _list_change(
    public_id: str, response_id: int, change, done: str, *, editing: bool = False, form_id: str = "", keep: str = ""
):
    """Edit, hide, show, approve or redact a response; answer with the list of responses to its question."""
    response = _response_of(public_id, response_id)
    where = {"list_step": response.step, "list_question": response.question}
    if editing:
        form_id, keep = f"edit-{response_id}", "text"
    try:
        change()
    except SessionError as error:
        db.session.rollback()
        state = {"error": str(error)}
        if keep:
            state[keep] = request.form.get(keep, "")
        forms = {form_id or f"list-{response.step}-{response.question}": state}
        row = _fresh(public_id)
        if is_htmx_fragment_request():
            return render_template("run/_responses_update.html", **screen(row, now(), forms=forms, **where)), 422
        page = screen(row, now(), forms=forms, message=str(error), work_index=_work_index(row, response.step))
        return render_template("run/console.html", **page), 422
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        return render_template("run/_responses_update.html", **screen(row, now(), message=DONE[done], **where))
    return _back(public_id, done, f"responses-{response.step}-{response.question}")


@bp.post("/sessions/<public_id>/responses/<id:response_id>/edit")
@login_required
def edit_response(public_id: str, response_id: int):
    def change():
        service.edit_response(db.session, public_id, current_user, response_id, request.form.get("text", ""), now())

    return _list_change(public_id, response_id, change, "response-edited", editing=True)


@bp.post("/sessions/<public_id>/responses/<id:response_id>/hide")
@login_required
def hide_response(public_id: str, response_id: int):
    def change():
        service.set_response_hidden(db.session, public_id, current_user, response_id, True, now())

    return _list_change(public_id, response_id, change, "response-hidden")


@bp.post("/sessions/<public_id>/responses/<id:response_id>/show")
@login_required
def show_response(public_id: str, response_id: int):
    def change():
        service.set_response_hidden(db.session, public_id, current_user, response_id, False, now())

    return _list_change(public_id, response_id, change, "response-shown")


@bp.post("/sessions/<public_id>/responses/<id:response_id>/approve")
@login_required
def approve_response(public_id: str, response_id: int):
    def change():
        service.approve_response(db.session, public_id, current_user, response_id, now())

    return _list_change(public_id, response_id, change, "response-approved")


@bp.post("/sessions/<public_id>/responses/<id:response_id>/redact")
@login_required
def redact_response(public_id: str, response_id: int):
    def change():
        # A suggested button ("Redact “07700 900123”") sends `found`; the field for other words sends `part`.
        part = request.form.get("found") or request.form.get("part", "")
        service.redact_response(db.session, public_id, current_user, response_id, part, now(), actor=actor_of(current_user))

    return _list_change(public_id, response_id, change, "response-redacted", form_id=f"redact-{response_id}", keep="part")


@bp.post("/sessions/<public_id>/responses/approve-all")
@login_required
def approve_all(public_id: str):
    row = _own_session(public_id)
    where = {"list_step": _safe_int(request.form.get("step", "")), "list_question": _safe_int(request.form.get("question", ""))}
    if is_htmx_fragment_request() and not _is_question(row, where["list_step"], where["list_question"]):
        # The answer is that question's list: a form naming no question gets the reason instead, nothing approved.
        return problem("Choose a question whose responses to approve.", 422)
    try:
        service.approve_all(db.session, public_id, current_user, now())
    except SessionNotFound:
        abort(404)
    except SessionError:
        db.session.rollback()  # the session ended meanwhile: the list shows it
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        return render_template("run/_responses_update.html", **screen(row, now(), message=DONE["responses-approved"], **where))
    return _back(public_id, "responses-approved", "step-work")


@bp.post("/sessions/<public_id>/review-mode")
@login_required
def review_mode(public_id: str):
    review_first = request.form.get("review_first") == "on"
    try:
        service.set_review_first(db.session, public_id, current_user, review_first)
    except SessionNotFound:
        abort(404)
    except SessionError as error:
        db.session.rollback()
        row = _fresh(public_id)
        context = screen(row, now(), forms={"review-form": {"error": str(error)}})
        if is_htmx_fragment_request():
            return render_template("run/_join.html", **context), 422
        return render_template("run/console.html", **context, message=str(error)), 422
    done = "review-on" if review_first else "review-off"
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        return render_template("run/_join.html", **screen(row, now(), message=DONE[done], with_announcer=True))
    return _back(public_id, done, "join-panel")


@bp.post("/sessions/<public_id>/actions")
@login_required
def add_action(public_id: str):
    def change():
        form = request.form
        service.add_action(
            db.session, public_id, current_user, form.get("what", ""), form.get("owner", ""), form.get("due", ""), now(),
            idempotency_key=form.get("idempotency_key"),
        )

    return _form_change(
        public_id, "action-form", "run/_action_form_update.html", change, "action-added",
        keep=("what", "owner", "due"),
    )


@bp.post("/sessions/<public_id>/actions/<id:action_id>/delete")
@login_required
def delete_action(public_id: str, action_id: int):
    return _removal(
        public_id,
        lambda: service.remove_action(db.session, public_id, current_user, action_id),
        "action-removed",
        "run/_actions.html",
        "actions-list",
    )


@bp.post("/sessions/<public_id>/attendees")
@login_required
def add_attendee(public_id: str):
    def change():
        form = request.form
        service.add_attendee(
            db.session,
            public_id,
            current_user,
            form.get("name", ""),
            form.get("role", ""),
            form.get("organisation", ""),
            now(),
            idempotency_key=form.get("idempotency_key"),
        )

    return _form_change(
        public_id,
        "attendee-form",
        "run/_attendee_form_update.html",
        change,
        "attendee-added",
        keep=("name", "role", "organisation"),
    )


@bp.post("/sessions/<public_id>/attendees/<id:attendee_id>/delete")
@login_required
def delete_attendee(public_id: str, attendee_id: int):
    return _removal(
        public_id,
        lambda: service.remove_attendee(db.session, public_id, current_user, attendee_id),
        "attendee-removed",
        "run/_attendees.html",
        "attendees-list",
    )


@bp.post("/sessions/<public_id>/head-count")
@login_required
def head_count(public_id: str):
    def change():
        service.set_head_count(db.session, public_id, current_user, request.form.get("head_count", ""))

    return _form_change(
        public_id, "head-count-form", "run/_head_count_update.html", change, "head-count", keep=("head_count",)
    )


def _removal(public_id: str, change, done: str, template: str, list_id: str):
    """Remove something from a list; answer with the list."""
    _own_session(public_id)
    try:
        change()
    except SessionNotFound:
        abort(404)
    except SessionError as error:
        db.session.rollback()
        forms = {list_id: {"error": str(error)}}
        row = _fresh(public_id)
        if is_htmx_fragment_request():
            return render_template(template, **screen(row, now(), forms=forms)), 422
        return render_template("run/console.html", **screen(row, now(), forms=forms, message=str(error))), 422
    if is_htmx_fragment_request():
        row = _fresh(public_id)
        return render_template(template, **screen(row, now(), message=DONE[done], with_announcer=True))
    return _back(public_id, done, list_id)
