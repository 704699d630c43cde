"""A facilitator's sessions: the list, starting one, the summary of one, and deleting one.

Who may open each page is the access table's (app/web/access.py). A facilitator sees only their own sessions:
another facilitator's session is "not found", exactly like one that does not exist. A team manager also reads
the sessions run for the teams they manage (the list, the summary, the exports), but cannot start, run or delete
them: those answer 403 saying that only the session's facilitator can (`only_its_facilitator`). Pages here show what the room said, so none is stored by the
browser or a proxy (Cache-Control: no-store). Request bodies are never logged, and error pages name no text
that anybody typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from .. import formatting, get_library
from ..exports.files import remove_session_exports
from ..extensions import db
from ..sessions import paging, service
from ..sessions.models import SHORT_TEXT_LIMIT
from ..sessions.record import record_of
from ..sessions.service import SessionError, SessionNotFound
from ..sessions.templates import load_templates
from . import guards, now
from .auth import actor_of, form_expired

bp = Blueprint("sessions", __name__)

DEFAULT_TEMPLATE = "seven-minute"


def session_templates():
    """The session templates as the files are now (a handful of small YAML files, read per request)."""
    return load_templates(current_app.config["SESSION_TEMPLATES_DIR"])


@dataclass
class StartForm:
    """What the start form shows: the choices, what was chosen or typed, and what was wrong with it."""

    briefing: str = ""
    template: str = DEFAULT_TEMPLATE
    team: str = ""  # a one-off team's name, as typed ("Another team")
    team_id: str = ""  # the chosen one of the facilitator's teams (its id), or "" for another team
    idempotency_key: str = ""  # the key the form was sent with (service.start_session)
    errors: dict[str, str] = field(default_factory=dict)  # field name ("briefing", "template", "team", "form") -> message


def _shown(value: str, limit: int = 60) -> str:
    """Something a person sent, short enough to quote in a message."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _render_start_form(form: StartForm, template_name: str = "sessions/new.html", status: int = 200, **context):
    return (
        render_template(
            template_name,
            form=form,
            form_key=service.new_form_key(),  # fresh each time the form is drawn
            briefings=get_library().all(),
            templates=session_templates().all(),
            teams=service.teams_to_run_for(db.session, current_user) if current_user.is_facilitator else [],
            **context,
        ),
        status,
    )


# --- pages -------------------------------------------------------------------------------------------------


@bp.get("/sessions")
@login_required
def index():
    rows = service.sessions_of(db.session, current_user)
    running = [row for row in rows if row.status == "running"]
    past = [row for row in rows if row.status != "running"]
    form = _blank_form()
    teams_sessions = service.team_sessions(db.session, current_user)
    return _render_start_form(form, "sessions/index.html", running=running, past=past, teams_sessions=teams_sessions)


@bp.get("/sessions/new")
@login_required
def new():
    chosen = request.args.get("briefing", "").strip()
    form = _blank_form()
    form.briefing = chosen
    if chosen and get_library().get(chosen) is None:
        form.errors["briefing"] = f"There is no briefing “{_shown(chosen)}” in the library. Choose one from the list."
        form.briefing = ""
    return _render_start_form(form)


@bp.post("/sessions")
@login_required
def create():
    form = StartForm(
        briefing=request.form.get("briefing", "").strip(),
        template=request.form.get("template", "").strip(),
        team=request.form.get("team", ""),
        team_id=request.form.get("team_id", "").strip(),
        idempotency_key=request.form.get("idempotency_key", ""),
    )
    briefing = get_library().get(form.briefing) if form.briefing else None
    template = session_templates().get(form.template) if form.template else None
    if not form.briefing:
        form.errors["briefing"] = "Choose the briefing to deliver."
    elif briefing is None:
        form.errors["briefing"] = f"There is no briefing “{_shown(form.briefing)}” in the library. Choose one from the list."
        form.briefing = ""
    if not form.template:
        form.errors["template"] = "Choose a session template."
    elif template is None:
        form.errors["template"] = f"There is no session template “{_shown(form.template)}”. Choose one of these."
    team_id = None
    if form.team_id:
        # One of the facilitator's teams, by its id; the service checks that it is theirs.
        team_id = int(form.team_id) if form.team_id.isascii() and form.team_id.isdigit() and len(form.team_id) < 10 else 0
    else:
        try:
            service.clean_text(form.team, what="team name", limit=SHORT_TEXT_LIMIT, required=False)
        except SessionError as error:
            form.errors["team"] = str(error)
    if not form.errors:
        try:
            # The same form sent again (a double click, five at once) answers with the session it started.
            row = service.start_session(
                db.session, current_user, briefing, template, form.team, now(), team_id=team_id,
                idempotency_key=form.idempotency_key, actor=actor_of(current_user),
            )
        except SessionError as error:
            db.session.rollback()
            form.errors["form"] = str(error)
        else:
            return redirect(url_for("run.console", public_id=row.public_id), 303)
    return _render_start_form(form, status=422)


@bp.get("/sessions/<public_id>")
@login_required
def summary(public_id: str):
    row = service.find_readable_session(db.session, public_id, current_user)
    # A team manager reading someone else's session sees no console, presenter or delete buttons.
    runs_it = row.facilitator_id == current_user.id
    return render_template("sessions/summary.html", record=record_of(row, now()), runs_it=runs_it)


@bp.app_template_global()
def summary_page(responses):
    """The first responses of one kind that the summary lists (the PDF record has every shown one)."""
    return paging.oldest(responses, paging.SUMMARY)


@bp.get("/sessions/<public_id>/delete")
@login_required
def confirm_delete(public_id: str):
    row = service.find_session(db.session, public_id, current_user)
    return render_template("sessions/delete.html", row=row, counts=_counts(row))


@bp.post("/sessions/<public_id>/delete")
@login_required
def delete(public_id: str):
    row = service.find_session(db.session, public_id, current_user)
    title, started_at = row.title, row.started_at
    db.session.rollback()  # delete_session takes the write lock from its first statement
    service.delete_session(db.session, public_id, current_user, actor=actor_of(current_user), now=now())
    # Its deck and record go too: a deleted session leaves none of its text in EXPORTS_DIR.
    remove_session_exports(current_app.config["EXPORTS_DIR"], public_id)
    flash(f"Session deleted: {title}, {formatting.long_datetime(started_at)}.")
    return redirect(url_for("sessions.index"), 303)


ONLY_ITS_FACILITATOR = (
    "You can read this session as a manager of its team, but only its facilitator can run, change or delete it."
)


def only_its_facilitator():
    """Before the pages that change a session (the console and its controls, the presenter, deleting): a team
    manager who is not the session's facilitator gets 403 saying why, not the "not found" a stranger gets. The
    extra read is only for accounts holding the manager role."""
    public_id = (request.view_args or {}).get("public_id")
    if public_id is None or request.endpoint == "sessions.summary":
        return None
    if not (current_user.is_authenticated and current_user.is_manager):
        return None
    try:
        row = service.find_session(db.session, public_id)
    except SessionNotFound:
        return None
    refused = row.facilitator_id != current_user.id and service.is_managed_by(db.session, row, current_user)
    db.session.rollback()  # end the read: the view's write takes its lock from its first statement
    return guards.problem(ONLY_ITS_FACILITATOR, 403) if refused else None


bp.before_request(only_its_facilitator)


# --- errors and headers ------------------------------------------------------------------------------------


@bp.errorhandler(SessionNotFound)
def session_not_found(error: SessionNotFound):
    return render_template("sessions/not_found.html"), 404


@bp.errorhandler(SessionError)
def session_error(error: SessionError):
    db.session.rollback()
    return render_template("sessions/problem.html", message=str(error)), 409


bp.register_error_handler(CSRFError, form_expired)


@bp.after_request
def never_store(response):
    # Session pages show what the room said: no copy in the browser's cache, a proxy, or the back button.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- helpers -----------------------------------------------------------------------------------------------


def _blank_form() -> StartForm:
    """The start form as first shown: the default template, and the facilitator's first team chosen."""
    teams = service.teams_to_run_for(db.session, current_user) if current_user.is_facilitator else []
    return StartForm(template=_default_template_id(), team_id=str(teams[0].id) if teams else "")


def _default_template_id() -> str:
    templates = session_templates()
    if templates.get(DEFAULT_TEMPLATE) is not None:
        return DEFAULT_TEMPLATE
    every = templates.all()
    return every[0].id if every else ""


def _counts(row) -> dict:
    hidden = sum(1 for response in row.responses if response.hidden)
    return {
        "responses": len(row.responses),
        "hidden": hidden,
        "actions": len(row.actions),
        "attendees": len(row.attendees),
    }


# The pure formatters (app/formatting.py, shared with the exports) as template filters.
for _name in ("m_ss", "long_day", "local_time", "iso_local"):
    bp.add_app_template_filter(getattr(formatting, _name), _name)
bp.add_app_template_filter(formatting.long_datetime, "local_datetime")
