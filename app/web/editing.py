"""Library editors' pages under /library: add a briefing (upload a file or paste text), edit any briefing on
one page (source beside what was found), preview it as the presenter shows it, publish, retire, reinstate,
and its history with restore.

Only library editors reach these pages: the access table (app/web/access.py, "editing.") answers 403 to a
signed-in account without the editor role, and sends a signed-out visitor to sign in. The views parse the
request and call the importer (app.briefings.importing), the library store (app.library_store.service) and app.briefings.editing; they
render or redirect, nothing more. Every form is a plain POST that works without JavaScript and answers with a
redirect (or the page again, with what was typed and what is wrong).
"""

from __future__ import annotations

from pathlib import PurePath

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from .. import formatting
from ..briefings import importing
from ..briefings.editing import (
    EditForm,
    Notes,
    add_question,
    copied_report,
    move_section,
    place_checks,
    place_problems,
    put_back,
    remove_section,
)
from ..briefings.model import SECTION_KINDS
from ..extensions import db
from ..library_store import service as store
from ..numbers import count_or_none
from ..people import audit
from ..sessions.templates import briefing_questions, plan
from . import now
from .auth import actor_of, form_expired
from . import access, guards
from .guards import takes_upload

bp = Blueprint("editing", __name__, url_prefix="/library")

UPLOAD_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
PASTED = "pasted text"


def _audit(action: str, stored, detail: str = "") -> None:
    """Record what an editor did to a briefing. The library store commits each change itself, so the event
    is committed right after it (the change is kept even if this fails, never the other way round)."""
    subject = f"{stored.briefing.title} ({stored.id})"
    audit.record(db.session, action, actor_of(current_user), now(), subject=subject, detail=detail)
    db.session.commit()


def _stored_or_404(briefing_id: str):
    stored = store.get(briefing_id)
    if stored is None:
        abort(404)
    return stored


# --- the editors' overview ---------------------------------------------------------------------------------


def overview(today) -> dict | None:
    """What the library page shows an editor above the list: drafts and briefings due for review."""
    if not current_user.is_authenticated or not access.may_use(current_user, "editing.index"):
        return None
    every = store.all_briefings()
    return {
        "drafts": [stored for stored in every if stored.status == "draft"],
        "due": [stored for stored in every if stored.status != "retired" and stored.due_for_review(today)],
    }


@bp.get("")
@login_required
def index():
    every = store.all_briefings()
    today = now().date()
    groups = [
        ("drafts", "Drafts", [s for s in every if s.status == "draft"]),
        ("published", "Published", [s for s in every if s.status == "published"]),
        ("retired", "Retired", [s for s in every if s.status == "retired"]),
    ]
    due = [s for s in every if s.status != "retired" and s.due_for_review(today)]
    return render_template("editing/index.html", groups=groups, due=due, today=today)


# --- adding a briefing -------------------------------------------------------------------------------------


@bp.get("/new")
@login_required
def new():
    return _new_page({}, status=200)


@bp.post("/new/file")
@takes_upload
@login_required
def upload():
    upload = request.files.get("file")
    title = " ".join(request.form.get("title", "").split())
    if upload is None or not upload.filename:
        return _new_page(
            {"file": "Choose a file to upload: a PDF, Word (.docx), web page (.html) or text file."},
            upload_title=title,
        )
    name = PurePath(upload.filename.replace("\\", "/")).name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        return _new_page(
            {"file": f"“{name}” is not a file Briefing Room can read. Upload a PDF, a Word document (.docx), a saved "
             "web page (.html or .htm) or a text file (.txt or .md)."},
            upload_title=title,
        )
    # Read into memory (bounded by MAX_UPLOAD_BYTES): the upload is never written anywhere the web serves.
    data = upload.stream.read()
    try:
        result = importing.import_bytes(data, name, title=title or None)
    except importing.ImportFailed as error:
        return _new_page({"file": str(error)}, upload_title=title)
    return _created(result, name)


@bp.post("/new/text")
@login_required
def paste():
    text = request.form.get("text", "")
    title = " ".join(request.form.get("title", "").split())
    if not text.strip():
        return _new_page({"text": "Paste the briefing's text, or upload a file instead."}, text=text, title=title)
    try:
        result = importing.import_text(text, source_name=PASTED, title=title or None)
    except importing.ImportFailed as error:
        return _new_page({"text": str(error)}, text=text, title=title)
    return _created(result, PASTED)


def _new_page(errors: dict, *, text: str = "", title: str = "", upload_title: str = "", status: int = 422):
    limit = formatting.file_size(current_app.config["MAX_UPLOAD_BYTES"])
    return render_template(
        "editing/new.html", errors=errors, text=text, title=title, upload_title=upload_title, upload_limit=limit
    ), status


def _created(result, source_name: str):
    stored = store.create_draft(
        result.briefing, by=current_user, now=now(), source_name=source_name, report=result.report
    )
    _audit("briefing-added", stored, f"a draft, imported from {source_name}")
    flash("The briefing is a draft: only editors see it. Check what was found, correct it, then publish it.")
    return redirect(url_for("editing.edit", briefing_id=stored.id), 303)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body past the limit is refused before it is read (guards.takes_upload sets the upload's limit)."""
    limit = formatting.file_size(current_app.config["MAX_UPLOAD_BYTES"])
    if request.endpoint == "editing.upload":
        message = (
            f"The file is larger than {limit}, more than any briefing needs, so nothing was added. Save a "
            "smaller copy (a PDF without its large pictures, or the page as plain text) and upload that."
        )
        return _new_page({"file": message}, status=413)
    return guards.too_large(error)


# --- the edit page ----------------------------------------------------------------------------------------


@bp.get("/<briefing_id>/edit")
@login_required
def edit(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    form = EditForm.of(stored.briefing, review_by=stored.review_by, version=stored.version)
    return _edit_page(stored, form)


@bp.post("/<briefing_id>/edit")
@login_required
def save(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    version_before = stored.version
    form = EditForm.read(request.form)
    action, target = _action(request.form.get("action", "save"))
    if form.errors:
        return _edit_page(stored, form, status=422)
    briefing = form.briefing(stored.id, path=stored.briefing.path)
    report = copied_report(stored.report)
    done, anchor = "Saved.", ""
    if action == "put-back" and report is not None and target is not None and target < len(report.set_aside):
        done, anchor = put_back(briefing, report, target), "set-aside"
    elif action in ("up", "down") and target is not None:
        where = move_section(briefing, report, target, -1 if action == "up" else 1)
        done, anchor = f"Section moved: it is now section {where + 1}.", f"section-{where}"
    elif action == "remove" and target is not None and len(briefing.sections) > 1:
        removed = remove_section(briefing, report, target)
        if removed is not None:
            done = f"Section “{removed.label}” removed. The history keeps the version before."
    if form.new_question:
        section = add_question(briefing, report, form.new_question)
        done, anchor = "Question added.", f"section-{section}"
    try:
        if briefing.to_dict() != stored.briefing.to_dict() or _changed(report, stored.report):
            stored = store.save(
                stored.id, briefing, by=current_user, now=now(), base_version=form.base_version,
                report=report if report is not None else store.KEEP,
            )
    except store.StaleVersion:
        latest = store.get(briefing_id)
        who = f" by {latest.updated_by}" if latest and latest.updated_by else ""
        message = (
            f"Someone else saved this briefing while you were editing it{who}, so your changes were not saved. "
            "What you typed is below: open the briefing in a new tab to see their version, copy across what "
            "you need, then save here (saving now replaces their version; the history keeps it)."
        )
        # The next save is made knowingly on top of theirs, so it is based on the version now stored.
        form.base_version = latest.version if latest is not None else form.base_version
        return _edit_page(latest or stored, form, stale=message, status=409)
    if form.review_by_date() != stored.review_by:
        stored = store.set_review_by(stored.id, form.review_by_date(), by=current_user, now=now())
    if stored.version != version_before:  # saving what was already stored adds no version and no event
        _audit("briefing-edited", stored, f"version {stored.version}: {done}")
    if action == "publish":
        problems = store.publish(stored.id, by=current_user, now=now())
        if problems:
            stored = store.get(stored.id)
            fresh = EditForm.of(stored.briefing, review_by=stored.review_by, version=stored.version)
            return _edit_page(stored, fresh, publish_refused=problems, status=422)
        published = store.get(stored.id)
        if published.version != stored.version:  # publishing what is already live changes nothing
            _audit("briefing-published", published, f"version {published.version}")
        stored = published
        done = "Published: the briefing is in every facilitator's library."
    flash(done)
    return redirect(url_for("editing.edit", briefing_id=stored.id, _anchor=anchor or None), 303)


def _action(value: str) -> tuple[str, int | None]:
    """The button pressed: "save", "publish", or "put-back-3", "up-2", "down-2", "remove-2"."""
    name, _, number = value.rpartition("-")
    if name in ("put-back", "up", "down", "remove"):
        return name, count_or_none(number, low=0, high=10_000)
    return (value if value in ("save", "publish") else "save"), None


def _changed(report, before) -> bool:
    if report is None:
        return False
    return before is None or report.to_dict() != before.to_dict()


def _edit_page(stored, form: EditForm, *, publish_refused: list | None = None, stale: str = "", status: int = 200):
    """The edit page. The `briefings check` problems of a draft (or of a published briefing whose newest
    version facilitators do not see yet) show next to their fields; after a refused publish they are also
    summarised at the top."""
    report = stored.report
    briefing = stored.briefing
    checks = place_checks(report.located_checks, len(form.sections)) if report is not None else Notes()
    found = publish_refused
    if found is None and (stored.status == "draft" or stored.is_live_behind):
        found = store.check(briefing)
    questions = briefing_questions(briefing.sections_of("reflection"))
    context = {
        "stored": stored,
        "form": form,
        "report": report,
        "kinds": SECTION_KINDS,
        "checks": checks,
        "problems": place_problems(briefing, found or []),
        "publish_refused": publish_refused is not None,
        "questions": questions,
        "standard_questions": _standard_questions() if not questions else [],
        "stale": stale,
    }
    return render_template("editing/edit.html", **context), status


def _standard_questions() -> list[str]:
    template = _default_template()
    return list(template.standard_questions) if template is not None else []


def _default_template():
    from .sessions import DEFAULT_TEMPLATE, session_templates

    templates = session_templates()
    return templates.get(DEFAULT_TEMPLATE) or next(iter(templates.all()), None)


# --- status -------------------------------------------------------------------------------------------------


@bp.post("/<briefing_id>/retire")
@login_required
def retire(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    retired = store.retire(stored.id, by=current_user, now=now())
    if retired.status != stored.status:
        _audit("briefing-retired", retired, f"was {stored.status}")
    flash("Retired: facilitators can no longer start a session on it. Past sessions keep their record.")
    return redirect(url_for("editing.edit", briefing_id=stored.id), 303)


@bp.post("/<briefing_id>/reinstate")
@login_required
def reinstate(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    reinstated = store.reinstate(stored.id, by=current_user, now=now())
    if reinstated.status != stored.status:
        _audit("briefing-reinstated", reinstated, f"now {reinstated.status}")
    flash("Reinstated: the briefing is back in every facilitator's library.")
    return redirect(url_for("editing.edit", briefing_id=stored.id), 303)


# --- preview and history --------------------------------------------------------------------------------


@bp.get("/<briefing_id>/preview")
@login_required
def preview(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    template = _default_template()
    steps = plan(stored.briefing, template).steps if template is not None else []
    return render_template("editing/preview.html", stored=stored, template=template, steps=steps)


@bp.get("/<briefing_id>/history")
@login_required
def history(briefing_id: str):
    stored = _stored_or_404(briefing_id)
    return render_template("editing/history.html", stored=stored, versions=store.history(stored.id))


@bp.post("/<briefing_id>/history/<index:number>/restore")
@login_required
def restore(briefing_id: str, number: int):
    stored = _stored_or_404(briefing_id)
    if number not in {version.number for version in store.history(stored.id)}:
        abort(404)
    restored = store.restore(stored.id, number, by=current_user, now=now())
    _audit("briefing-restored", restored, f"version {number} restored as version {restored.version}")
    flash(f"Version {number} restored, as a new version {restored.version}. Nothing was lost: the history keeps every version.")
    return redirect(url_for("editing.edit", briefing_id=stored.id), 303)


bp.register_error_handler(CSRFError, form_expired)
