"""What every request passes before any view: a body the app can read, and an account allowed to open the page
(the access table, app/web/access.py). Registered in create_app ahead of the CSRF check, so these answers
come first:

- A form body that is not UTF-8 would otherwise be read as an empty form (Werkzeug drops it silently): the CSRF
  token and every field vanish, and the person sees "form expired" or nothing at all. It is refused with 400
  and a message on screen instead.
- A signed-out htmx request to a facilitator page (a poll, a button, after signing out in another tab) answers
  401 with HX-Redirect to the sign-in page, coming back to the page the person was on. A 302 would be followed
  by the browser and the sign-in page swapped into the middle of the console.
- A NUL character (U+0000) anywhere in the address, the query or the form is refused the same way: PostgreSQL
  cannot store one, and a query that carries one fails in the driver.
- A number that is not one (app/numbers.py) answers 400 with the reason.
- A body larger than MAX_CONTENT_LENGTH (2 MB) is refused before it is read (413 with a message). The one view
  that takes a file (adding a briefing) is marked with `takes_upload`, which raises its limit to
  MAX_UPLOAD_BYTES before the form is parsed (the CSRF check and the checks here parse it).
- Who may use each page is the table in app/web/access.py, checked here before every view: a signed-out person
  on a page that is not public is sent to sign in (Flask-Login's redirect, or the htmx 401 above); a signed-in
  account without a role the page lists gets 403 with a message naming the role; a page the table does not
  list is refused to everyone (fail closed).

For htmx requests the message goes into the page's `#request-problem` region (base.html, present.html) through
HX-Retarget; static/js/forms.js lets htmx swap that 400 in. Without JavaScript it is a page of its own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user

from ..formatting import file_size
from ..numbers import NotANumber
from . import access

UNREADABLE = (
    "What you sent could not be read: it was not in the character encoding browsers use (UTF-8), so nothing "
    "was changed. Reload the page and type it again; if you pasted it, paste it as plain text."
)
# PostgreSQL cannot store U+0000 in text (the driver refuses the query), and no form here takes one.
HAS_NUL = (
    "What you sent contains a NUL character (U+0000), which nothing here can store, so nothing was changed. "
    "Type it again rather than pasting it."
)
PROBLEM_TARGET = "#request-problem"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def register(app: Flask) -> None:
    """Call before csrf.init_app: before_request functions run in the order they were registered."""
    app.before_request(_body_limit)
    app.before_request(_readable_body)
    app.before_request(_signed_in_for_htmx)
    app.before_request(_access_table)
    app.add_template_global(may_open)
    app.register_error_handler(NotANumber, _not_a_number)
    app.register_error_handler(413, too_large)


def takes_upload(view):
    """Mark a view that takes a file: its requests may be as large as MAX_UPLOAD_BYTES (Werkzeug spools a
    large file part to a temporary file outside the app's folders, never to a folder the web serves)."""
    view.takes_upload = True
    return view


def _body_limit():
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_upload", False):
        request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"]
    return None


TOO_LARGE = (
    "What you sent is larger than any form here takes ({limit}), so nothing was changed. Make it shorter and "
    "send it again."
)


def too_large(error):
    return problem(TOO_LARGE.format(limit=file_size(current_app.config["MAX_CONTENT_LENGTH"])), 413)


def _access_table():
    """The access table (app/web/access.py), before any view; an address that matches no route is left to 404."""
    endpoint = request.endpoint
    if endpoint is None or access.is_public(endpoint):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # the sign-in page, coming back here
    if not access.may_use(current_user, endpoint):
        return problem(access.refusal(endpoint), 403)
    return None


def may_open(endpoint: str) -> bool:
    """For templates: whether the signed-in account may open a page, so a link is shown only to those the
    access table lets through (the navigation, "Run this briefing", "Edit")."""
    return current_user.is_authenticated and access.may_use(current_user, endpoint)


def needs_sign_in(endpoint: str | None) -> bool:
    """Whether a page is for accounts only: every endpoint the access table does not make public (an address
    that matches no route has no endpoint, and is simply not found)."""
    return bool(endpoint) and not access.is_public(endpoint)


def problem(message: str, status: int = 400):
    """A refusal the person can read: into the page's problem region for htmx, else a page of its own."""
    if request.headers.get("HX-Request") == "true":
        fragment = render_template("errors/_request_problem.html", message=message)
        return fragment, status, {"HX-Retarget": PROBLEM_TARGET, "HX-Reswap": "innerHTML"}
    return render_template("errors/request_problem.html", message=message, refused=status == 403), status


def _readable_body():
    if "\x00" in request.path:
        abort(404)  # no address here has one
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        return problem(HAS_NUL)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.mimetype not in _FORM_TYPES:
        return None
    if request.mimetype == "multipart/form-data":
        # Werkzeug decodes multipart fields with replacement characters; a form field with U+FFFD in it is
        # not what anybody typed (an uploaded file is in request.files, not checked here).
        fields = [value for values in request.form.listvalues() for value in values]
        if any("\ufffd" in value for value in fields):
            return problem(UNREADABLE)
        return problem(HAS_NUL) if any("\x00" in value for value in fields) else None
    try:
        request.get_data(cache=True).decode("utf-8")  # kept: the form is parsed from the same bytes
    except UnicodeDecodeError:
        return problem(UNREADABLE)
    if any("\x00" in value for values in request.form.listvalues() for value in values):
        return problem(HAS_NUL)
    return None


def _signed_in_for_htmx():
    if current_user.is_authenticated or request.headers.get("HX-Request") != "true":
        return None
    if not needs_sign_in(request.endpoint):
        return None
    flash(current_app.login_manager.login_message)  # the sign-in page says why it is there
    return "", 401, {"HX-Redirect": url_for("auth.login", **_next())}


def _next() -> dict:
    """Where sign-in comes back to: the page the person was on (htmx names it) when it is this app's own, else
    this address when it is a page (a GET); a POST-only address would answer 405 after signing in."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.netloc == request.host and current.scheme in ("http", "https") and current.path.startswith("/"):
        target = current.path + (f"?{current.query}" if current.query else "")
        return {"next": target}
    if request.method == "GET":
        return {"next": request.full_path.rstrip("?")}
    return {}


def _not_a_number(error: NotANumber):
    return problem(str(error))

