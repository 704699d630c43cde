"""Attendees, from their own phones: /join (the code, and optionally who they are), then /take-part/<id>.

No account: joining puts a secret token for that session in the phone's (signed, HttpOnly) cookie, and every
request here must carry it, so an attendee sees only the session they joined.

The attendee's page polls every two seconds with the "stage version" it shows (`?stage=N`): the step, the clock,
the session's status and moderation. Other people's responses do not change it, so three hundred phones get a
204 (one indexed query) while the room types, and a new page only when the facilitator moves on.

Wrong join codes are counted (app/ratelimit.py, in the database, so every server process sees the same counts)
per device, per network and per code typed; right ones never are, so a team joining from one office network is
not slowed by its own successes. A device past its limit, or a code typed wrong too often, is not even checked.
A network past its limit is: one address is often a whole office or a phone carrier's NAT, and a guesser there
must not lock out everyone behind it, so the right code still joins and only wrong ones are answered 429. What
keeps guessing out of reach is then the size of the code space against the rate a server can answer at all
(docs/attendees.md has the figures).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from .. import ratelimit
from ..extensions import db
from ..formatting import wait_in_minutes
from ..numbers import count_or_none, parse_count
from ..sessions import join as join_codes
from ..sessions import participation
from ..sessions.models import Attendee, BriefingSession
from ..sessions.participation import NeedsCheck, NotJoined, TooFast, WrongCode
from ..sessions.privacy import nudge
from ..sessions.service import SessionError, SessionNotFound, find_by_join_code, plan_of
from . import is_htmx_fragment_request, now
from .auth import address_key, client_address, form_expired
from .run import PHASE_TEXT, timer_of

bp = Blueprint("take_part", __name__)
bp.register_error_handler(CSRFError, form_expired)

JOINED = "joined"  # the cookie's map of session public id -> this phone's token
ANONYMOUS = "anonymous"  # the cookie's map of session public id -> ids of this phone's anonymous responses
MOST_JOINED = 5  # sessions a phone remembers; the oldest is forgotten first

WINDOW = timedelta(minutes=10)


@bp.after_request
def never_store(response):
    # The page shows what this person wrote: never kept by the browser's cache or a proxy.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Request")
    return response


# --- joining --------------------------------------------------------------------------------------------------


def _device() -> str:
    """A random id for this browser, so one person's typing mistakes do not slow their colleagues down."""
    if "device" not in session:
        session["device"] = secrets.token_urlsafe(9)
    return session["device"]


@dataclass(frozen=True)
class JoinLimits:
    """What a code typed on /join counts against."""

    device: ratelimit.Limit  # one person (one browser) guessing: past it, codes are not checked
    code: ratelimit.Limit  # the same wrong code again and again (a stale poster): past it, not checked
    network: ratelimit.Limit  # a script that drops its cookies: past it, wrong codes get 429, right ones join

    @property
    def every(self) -> list[ratelimit.Limit]:
        return [self.device, self.code, self.network]


def _join_limits(code_typed: str) -> JoinLimits:
    address = address_key(client_address())
    code = join_codes.normalise(code_typed) or "".join(code_typed.split())[:20].upper()
    return JoinLimits(
        device=ratelimit.Limit(f"join:client:{address}:{_device()}", 10, WINDOW),
        code=ratelimit.Limit(f"join:code:{code}", 30, WINDOW),
        network=ratelimit.Limit(f"join:network:{address}", 100, WINDOW),
    )


def _tokens() -> dict:
    return dict(session.get(JOINED) or {})


def _token(public_id: str) -> str | None:
    return _tokens().get(public_id)


def _remember(public_id: str, token: str) -> None:
    tokens = _tokens()
    tokens.pop(public_id, None)
    tokens[public_id] = token
    session[JOINED] = dict(list(tokens.items())[-MOST_JOINED:])
    anonymous = {pid: ids for pid, ids in (session.get(ANONYMOUS) or {}).items() if pid in session[JOINED]}
    session[ANONYMOUS] = anonymous


def _anonymous_ids(public_id: str) -> list[int]:
    return list((session.get(ANONYMOUS) or {}).get(public_id, []))


def _keep_anonymous_id(public_id: str, response_id: int, keep: bool = True) -> None:
    """The phone remembers which anonymous responses are its own; the server keeps no such list."""
    every = dict(session.get(ANONYMOUS) or {})
    ids = [i for i in every.get(public_id, []) if i != response_id]
    if keep:
        ids.append(response_id)
    every[public_id] = ids[-participation.MOST_ANONYMOUS :]
    session[ANONYMOUS] = every


def _already_joined(code_typed: str) -> str | None:
    """The public id of the open session with this code, when this phone has joined it already."""
    code = join_codes.normalise(code_typed)
    tokens = _tokens()
    if not code or not tokens:
        return None
    found = find_by_join_code(db.session, code)
    public_id = found.public_id if found is not None else None
    if public_id not in tokens:
        return None
    # Still in it: the facilitator may have taken this person off the register (then they join again).
    return public_id if participation.stage_version(db.session, public_id, tokens[public_id]) is not None else None


@bp.get("/join")
def join_form():
    code = request.args.get("code", "")
    _device()
    joined = _already_joined(code)
    if joined:
        return redirect(url_for("take_part.page", public_id=joined), code=303)
    return render_template("take_part/join.html", form={"code": join_codes.display(join_codes.normalise(code) or code)})


@bp.post("/join")
def join():
    form = {name: request.form.get(name, "") for name in ("code", "name", "role", "organisation")}
    limits = _join_limits(form["code"])
    at = now()
    wait = ratelimit.retry_after(db.session, [limits.device, limits.code], at)
    if wait:
        # Not checked at all: past its own limit a device learns nothing from another guess.
        error = (
            f"Too many wrong codes. Wait {wait_in_minutes(wait)}, then try again. "
            f"The code is on the facilitator's screen: {join_codes.LENGTH} letters and numbers."
        )
        page = render_template("take_part/join.html", form=form, error=error)
        return page, 429, {"Retry-After": str(wait)}
    # It decides only how a wrong code is answered, never whether a code is checked: a neighbour behind the
    # guesser's address joins with the right code.
    network_wait = ratelimit.retry_after(db.session, [limits.network], at)
    joined = _already_joined(form["code"])
    if joined:
        return redirect(url_for("take_part.page", public_id=joined), code=303)
    try:
        row, token = participation.join_session(
            db.session, form["code"], form["name"], form["role"], form["organisation"], at, device=_device()
        )
    except TooFast as error:
        db.session.rollback()
        page = render_template("take_part/join.html", form=form, error=str(error))
        return page, 429, {"Retry-After": str(error.retry_after)}
    except WrongCode as error:
        db.session.rollback()
        ratelimit.record_failure(db.session, limits.every, at)
        if network_wait:
            message = (
                f"{error} Many wrong codes have come from this network (a shared office or phone network) in the "
                f"last few minutes, so wrong codes from it are refused for {wait_in_minutes(network_wait)}. "
                "The right code still works."
            )
            page = render_template("take_part/join.html", form=form, error=message, code_error=True)
            return page, 429, {"Retry-After": str(network_wait)}
        return render_template("take_part/join.html", form=form, error=str(error), code_error=True), 422
    except SessionError as error:  # a name or role that is too long: not a guess, so not counted
        db.session.rollback()
        return render_template("take_part/join.html", form=form, error=str(error)), 422
    _remember(row.public_id, token)
    return redirect(url_for("take_part.page", public_id=row.public_id), code=303)


# --- taking part --------------------------------------------------------------------------------------------


def _not_joined():
    target = url_for("take_part.join_form")
    if request.headers.get("HX-Request") == "true":
        return "", 200, {"HX-Redirect": target}
    return redirect(target, code=303)


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def attendee_screen(row: BriefingSession, attendee: Attendee, token: str, **extra) -> dict:
    """What the attendee's page shows: the facilitator's step and clock, and this person's own responses."""
    at = now()
    steps = plan_of(row).steps
    mine = participation.own_responses(db.session, row, attendee, token, _secret(), _anonymous_ids(row.public_id))
    context = {
        "row": row,
        "pid": row.public_id,
        "title": row.plan["briefing"].get("title", row.title),
        "index": row.step,
        "count": len(steps),
        "step": steps[row.step],
        "steps": steps,
        "timer": (timer := timer_of(row, at)),
        "phase_text": PHASE_TEXT[timer.phase],
        "ended": row.status == "ended",
        "review_first": row.review_first,
        "stage_version": row.stage_version,
        "attendee": attendee,
        "mine": mine,
        "forms": {},
        "keys": {},
        "message": "",
        "oob": False,
        "work_step": None,
        "new_key": participation.new_idempotency_key,
    }
    context.update(extra)
    return context


@bp.get("/take-part/<public_id>")
def page(public_id: str):
    token = _token(public_id)
    stage = request.args.get("stage")
    stage = parse_count(stage, what="stage a page shows") if stage else None  # NotANumber: 400, the reason
    if is_htmx_fragment_request() and stage is not None:
        # The one query of a poll, which also checks that this phone joined this session.
        current = participation.stage_version(db.session, public_id, token) if token else None
        if current is None:
            return _not_joined()
        if current == stage:
            return "", 204
    try:
        row, attendee = participation.attendee_in(db.session, public_id, token)
    except (NotJoined, SessionNotFound):
        return _not_joined()
    if is_htmx_fragment_request():
        shown_step = request.args.get("step", "")
        moved = shown_step != str(row.step)
        message = ""
        if moved and row.status == "running":
            message = f"The facilitator moved to step {row.step + 1}: {row.plan['steps'][row.step]['title']}"
        elif row.status == "ended":
            message = "The session has ended. Thank you for taking part."
        context = attendee_screen(row, attendee, token, message=message, step_work=moved or row.status == "ended")
        return render_template("take_part/_update.html", **context)
    return render_template("take_part/page.html", **attendee_screen(row, attendee, token))


def _form_int(name: str) -> int:
    """A form's step or question; -1 (which no step or question has: refused with a reason) when not a number."""
    found = count_or_none(request.form.get(name))
    return -1 if found is None else found


@bp.post("/take-part/<public_id>/responses")
def add_response(public_id: str):
    token = _token(public_id)
    step, question = _form_int("step"), _form_int("question")
    typed = {
        "text": request.form.get("text", ""),
        "anonymous": request.form.get("anonymous") == "yes",
        "key": request.form.get("idempotency_key", ""),
    }
    try:
        result = participation.add_own_response(
            db.session,
            public_id,
            token,
            _secret(),
            step=step,
            question=question,
            text_typed=typed["text"],
            anonymous=typed["anonymous"],
            idempotency_key=typed["key"],
            confirmed=request.form.get("confirmed") == "yes",
            now=now(),
        )
    except (NotJoined, SessionNotFound):
        db.session.rollback()
        return _not_joined()
    except TooFast as error:
        db.session.rollback()
        answer = _answer(public_id, token, step, question, {**typed, "error": str(error)}, status=429)
        return _retry_after(answer, error)
    except SessionError as error:
        db.session.rollback()
        return _answer(public_id, token, step, question, {**typed, "error": str(error)}, status=422)
    if isinstance(result, NeedsCheck):
        state = {**typed, "text": result.text, "check": nudge(result.findings), "findings": result.findings}
        return _answer(public_id, token, step, question, state, status=200)
    if result.anonymous:
        _keep_anonymous_id(public_id, result.id)
    if not result.pending:
        sent = "Sent. It is on the screen now."
    elif result.flagged:
        sent = "Sent. As it may identify someone, the facilitator checks it before it is on the screen."
    else:
        sent = "Sent. It will be on the screen once the facilitator approves it."
    return _answer(public_id, token, step, question, {"sent": sent}, status=200, changed=True)


def _retry_after(answer, error: TooFast):
    """A 429 answer says when to try again, in its words and in Retry-After."""
    if isinstance(answer, tuple) and len(answer) == 2:
        return (*answer, {"Retry-After": str(error.retry_after)})
    return answer


def _answer(
    public_id: str, token: str | None, step: int, question: int, state: dict, *, status: int, changed=False
):
    """Answer a form: with htmx, the form (fresh, or with what was typed) and this person's responses; without
    JavaScript, the whole page (post/redirect/get after a change, so a reload never sends it twice)."""
    if changed and not is_htmx_fragment_request():
        return redirect(url_for("take_part.page", public_id=public_id) + f"#reflect-{step}-{question}", code=303)
    try:
        row, attendee = participation.attendee_in(db.session, public_id, token)
    except (NotJoined, SessionNotFound):
        return _not_joined()
    steps = row.plan["steps"]
    work_step = step if 0 <= step < len(steps) and steps[step]["collects_responses"] else None
    context = attendee_screen(row, attendee, token, forms={f"reflect-{step}-{question}": state}, work_step=work_step)
    if is_htmx_fragment_request():
        return render_template("take_part/_form_update.html", **context, question=question), status
    return render_template("take_part/page.html", **context), status


def _own_change(public_id: str, response_id: int, change, done: str):
    token = _token(public_id)
    try:
        result = change(token)
    except (NotJoined, SessionNotFound):
        db.session.rollback()
        return _not_joined()
    except SessionError as error:
        db.session.rollback()
        state = {"error": str(error), "text": request.form.get("text", "")}
        too_fast = isinstance(error, TooFast)
        answer = _own_answer(public_id, token, {f"own-{response_id}": state}, "", 429 if too_fast else 422)
        return _retry_after(answer, error) if too_fast else answer
    if isinstance(result, NeedsCheck):
        state = {"text": result.text, "check": nudge(result.findings)}
        return _own_answer(public_id, token, {f"own-{response_id}": state}, "", 200)
    if not is_htmx_fragment_request():
        return redirect(url_for("take_part.page", public_id=public_id) + "#own-responses", code=303)
    return _own_answer(public_id, token, {}, done, 200)


def _own_answer(public_id: str, token: str | None, forms: dict, message: str, status: int):
    try:
        row, attendee = participation.attendee_in(db.session, public_id, token)
    except (NotJoined, SessionNotFound):
        return _not_joined()
    context = attendee_screen(row, attendee, token, forms=forms, message=message)
    if is_htmx_fragment_request():
        return render_template("take_part/_own_update.html", **context), status
    return render_template("take_part/page.html", **context), status


@bp.post("/take-part/<public_id>/responses/<id:response_id>/edit")
def edit_response(public_id: str, response_id: int):
    def change(token):
        return participation.edit_own_response(
            db.session,
            public_id,
            token,
            _secret(),
            response_id,
            request.form.get("text", ""),
            confirmed=request.form.get("confirmed") == "yes",
            now=now(),
        )

    return _own_change(public_id, response_id, change, "Your change is saved.")


@bp.post("/take-part/<public_id>/responses/<id:response_id>/withdraw")
def withdraw_response(public_id: str, response_id: int):
    def change(token):
        participation.withdraw_own_response(db.session, public_id, token, _secret(), response_id)
        _keep_anonymous_id(public_id, response_id, keep=False)

    return _own_change(public_id, response_id, change, "Your response is withdrawn: it is gone from the screen and the record.")
