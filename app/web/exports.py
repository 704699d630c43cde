"""Downloads: a briefing's offline deck and handout, a session's deck and discussion record.

Each download is rendered when asked for (a running session exports as it stands now), written atomically to
EXPORTS_DIR under its readable name, and sent as an attachment. Every export needs a signed-in facilitator:
rendering a PDF costs about a second of a server process and writes a file, which nobody should be able to do
from outside without an account. A session's exports are its facilitator's, and its team's managers' (service.find_readable_session;
anyone else's is "not found").
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user, login_required

from .. import get_library
from ..exports.export import Export, briefing_export, session_export
from ..exports.files import FORMATS, write_atomically
from ..extensions import db
from ..people import audit
from ..sessions import service
from ..sessions.record import record_of
from ..sessions.service import SessionNotFound
from . import now
from .auth import actor_of
from .sessions import DEFAULT_TEMPLATE, session_not_found, session_templates

bp = Blueprint("exports", __name__)
FORMAT_NAMES = {"pptx": "PowerPoint deck", "pdf": "PDF"}
bp.register_error_handler(SessionNotFound, session_not_found)


@bp.get("/briefings/<briefing_id>/export.<file_format>")
@login_required
def briefing(briefing_id: str, file_format: str):
    found = get_library().get(briefing_id)
    template = session_templates().get(request.args.get("template") or DEFAULT_TEMPLATE)
    if found is None or template is None or file_format not in FORMATS:
        abort(404)
    export = briefing_export(found, template, file_format, created=now())
    _audit(f"Briefing: {found.title} ({found.id})", file_format, f"template: {template.id}")
    return _download(export)


@bp.get("/sessions/<public_id>/export.<file_format>")
@login_required
def session(public_id: str, file_format: str):
    if file_format not in FORMATS:
        abort(404)
    row = service.find_readable_session(db.session, public_id, current_user)
    moment = now()
    record = record_of(row, moment)
    subject, state = f"Session: {row.title} ({public_id})", f"{row.status} session"
    db.session.rollback()  # nothing to write yet; end the read before the slow part
    export = session_export(record, file_format, created=moment)
    _audit(subject, file_format, state)
    return _download(export)


def _audit(subject: str, file_format: str, detail: str) -> None:
    """Record the download once the file is made (a failed render is not a download), in its own short
    transaction: the render itself takes seconds and holds no transaction open."""
    subject = f"{subject}, {FORMAT_NAMES.get(file_format, file_format)}"
    audit.record(db.session, "export-downloaded", actor_of(current_user), now(), subject=subject, detail=detail)
    db.session.commit()


def _download(export: Export):
    try:
        write_atomically(Path(current_app.config["EXPORTS_DIR"]) / export.name, export.data)
    except OSError as error:
        # The download still works; the copy on the server is what failed (a full disk, a read-only folder).
        current_app.logger.error("could not write %s to EXPORTS_DIR: %s", export.name, error.strerror or error)
    response = send_file(
        BytesIO(export.data), mimetype=export.media_type, as_attachment=True, download_name=export.name, max_age=0
    )
    # A session's exports hold what the room said: no copy in a browser's or proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    return response

