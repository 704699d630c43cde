"""The Audit page: partnership admins read the audit trail, narrow it with filters and download it as CSV.

Admins only: a signed-out visitor is sent to sign in, any other account gets 403 with a message. The view
parses the request (numbers through app/numbers.py, days through audit.parse_day, which refuses nonsense with a
message next to its field) and renders; the queries and the CSV are app/people/audit.py's.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting
from ..extensions import db
from ..numbers import parse_count
from ..people import audit
from ..people.service import accounts
from . import guards, now
from .auth import actor_of

bp = Blueprint("audit", __name__)

NOT_AN_ADMIN = (
    "Only partnership admins can read the audit trail. Ask an admin if you need to know who did something."
)
# The query parameters the filters are carried in, so the "Older events" and CSV links keep them.
FILTER_FIELDS = ("action", "who", "name", "from", "to", "text")
TEXT_LIMIT = 200  # a filter's text: longer than any subject it could usefully match

bp.add_app_template_filter(formatting.exact_datetime, "exact_datetime")


def _not_an_admin():
    return None if current_user.is_admin else guards.problem(NOT_AN_ADMIN, 403)


def _filters(args) -> audit.AuditFilter:
    """The filters the form sent; FilterProblem for one that cannot be used (NotANumber for a forged id)."""
    who = args.get("who", "").strip()
    return audit.AuditFilter(
        action=args.get("action", "").strip(),
        actor_id=parse_count(who, what="person", low=1) if who else None,
        actor_name=args.get("name", "")[:TEXT_LIMIT],
        since=audit.parse_day(args.get("from"), what="‘from’", field="from"),
        until=audit.parse_day(args.get("to"), what="‘to’", field="to"),
        text=args.get("text", "")[:TEXT_LIMIT],
    )


def _typed(args) -> dict[str, str]:
    return {name: args.get(name, "")[:TEXT_LIMIT] for name in FILTER_FIELDS}


@bp.get("/audit")
@login_required
def index():
    if (refused := _not_an_admin()) is not None:
        return refused
    typed = _typed(request.args)
    chosen = {name: value for name, value in typed.items() if value.strip()}
    context = {"typed": typed, "actions": audit.ACTIONS, "people": accounts(db.session), "active_page": "audit"}
    try:
        filters = _filters(request.args)
    except audit.FilterProblem as problem:
        return render_template("audit/index.html", problem=problem, page=None, **context), 400
    before = request.args.get("before", "")
    page = audit.events(db.session, filters, before=parse_count(before, what="page", low=1) if before else None)
    return render_template(
        "audit/index.html",
        page=page,
        problem=None,
        filtered=bool(chosen),
        later_page=bool(before),
        older_url=url_for("audit.index", **chosen, before=page.older) if page.older else None,
        newest_url=url_for("audit.index", **chosen),
        csv_url=url_for("audit.download", **chosen),
        **context,
    )


@bp.get("/audit.csv")
@login_required
def download():
    if (refused := _not_an_admin()) is not None:
        return refused
    try:
        filters = _filters(request.args)
    except audit.FilterProblem as problem:
        return guards.problem(str(problem))
    moment = now()
    # Reading the trail is itself worth a line in it: a copy of who did what has left the app.
    audit.record(db.session, "export-downloaded", actor_of(current_user), moment, subject="Audit trail (CSV)",
                 detail=_described(filters))
    db.session.commit()
    # Made whole before answering (about 200 bytes an event, read a batch at a time): a streamed answer would
    # keep this request's context, and its signed-in account, alive until the client finished reading.
    data = audit.to_csv(audit.every_event(db.session, filters))
    name = f"audit-trail-{formatting.local_date(moment).isoformat()}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _described(filters: audit.AuditFilter) -> str:
    """The filters of a download, as its audit event's detail says them."""
    parts = [
        f"action: {filters.action}" if filters.action else "",
        f"person id: {filters.actor_id}" if filters.actor_id is not None else "",
        f"name contains: {filters.actor_name.strip()}" if filters.actor_name.strip() else "",
        f"from: {filters.since.isoformat()}" if filters.since else "",
        f"to: {filters.until.isoformat()}" if filters.until else "",
        f"text contains: {filters.text.strip()}" if filters.text.strip() else "",
    ]
    return "; ".join(part for part in parts if part) or "everything"
