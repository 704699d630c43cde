"""A partnership's people in the browser: accounts, invitations, agencies and teams (partnership admins only),
the public pages that an invitation or a password reset link opens, and changing one's own password.

The rules live in app.people.service; these views read the form, call it, and render the page again with what
was typed and what is wrong (a PeopleError names its field), or redirect. Every form is a plain POST.

Links carry a one-time token. The token is never logged or stored here (the database keeps only its hash); the
page that shows it is not cached (Cache-Control: no-store) and, like every page, sends no Referer
(Referrer-Policy: no-referrer, set in create_app), so the address does not leak to a site linked from it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user
from flask_wtf.csrf import CSRFError

from .. import mail
from ..extensions import db
from ..numbers import count_or_none
from ..people import letters, service
from ..people.models import Agency, Team
from ..people.roles import ROLES, describe, roles_of
from . import guards, now
from .auth import actor_of, client_address, form_expired, home_of

bp = Blueprint("people", __name__)

NOT_AN_ADMIN = (
    "Only a partnership admin manages people, agencies and teams. If something here needs changing, ask one."
)
PASSWORDS_DIFFER = "The two passwords are not the same. Type the new password twice."
# A token is 43 characters (secrets.token_urlsafe(32)); anything much longer is not one, and is not hashed.
TOKEN_LIMIT = 200


def admins_only(view):
    """Signed in (else the sign-in page) and a partnership admin (else 403 with a message). login_required
    stays outermost so guards.needs_sign_in recognises the view."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if not getattr(current_user, "is_admin", False):
            return guards.problem(NOT_AN_ADMIN, 403)
        return view(*args, **kwargs)

    return login_required(checked)


def _actor():
    return actor_of(current_user)


def _account_or_404(account_id: int):
    try:
        return service.account(db.session, account_id)
    except service.PeopleError:
        abort(404)


def _no_store(response):
    """A page holding a one-time link or a password form: never kept in a cache or the back/forward cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _team_ids(values) -> list[int]:
    ids = [count_or_none(value, low=1) for value in values]
    if any(team_id is None for team_id in ids):
        raise service.PeopleError("Choose teams from the list.", "teams")
    return ids


def public_address(path: str) -> str:
    """An address as the person receiving a link reaches it: PUBLIC_URL when set, else this request's own."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


# --- sending a link -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What became of the email carrying a link, for the page that shows the link."""

    to: str | None  # the address, when the account or invitation has one
    sent: bool = False
    configured: bool = False  # SMTP is set up on this server
    problem: str = ""  # why it was not sent, when sending was tried and failed


def _deliver(to: str | None, letter: letters.Letter) -> Delivery:
    settings = mail.SmtpSettings.from_config(current_app.config)
    if settings is None or not to:
        return Delivery(to, configured=settings is not None)
    try:
        mail.send(settings, to, letter.subject, letter.body)
    except mail.MailNotSent as error:
        current_app.logger.warning("A link's email to %s was not sent: %s", to, error)  # the reason, never the link
        return Delivery(to, configured=True, problem=str(error))
    return Delivery(to, sent=True, configured=True)


def _link_page(kind: str, name: str, link: str, expires_at, delivery: Delivery, account_id: int | None = None):
    return _no_store(
        render_template(
            "people/link.html", kind=kind, name=name, link=link, expires_at=expires_at, delivery=delivery,
            account_id=account_id,
        )
    )


# --- accounts and invitations -------------------------------------------------------------------------------------


def _index_page(form=None, errors=None, status=200):
    when = now()
    form = form or {"name": "", "email": "", "roles": ["facilitator"], "teams": []}
    return render_template(
        "people/index.html",
        accounts=service.accounts(db.session),
        invitations=service.pending_invitations(db.session, when),
        roles=ROLES,
        teams_by_agency=_teams_by_agency(service.teams(db.session, active_only=True)),
        form=form,
        errors=errors or {},
    ), status


def _teams_by_agency(teams) -> list[tuple[str, list]]:
    grouped: dict[str, list] = {}
    for team in teams:
        grouped.setdefault(team.agency.name, []).append(team)
    return list(grouped.items())


@bp.get("/people")
@admins_only
def index():
    return _index_page()


@bp.post("/people/invitations")
@admins_only
def invite():
    form = {
        "name": request.form.get("name", ""),
        "email": request.form.get("email", ""),
        "roles": request.form.getlist("roles"),
        "teams": request.form.getlist("teams"),
    }
    try:
        invitation, token = service.invite(
            db.session, _actor(), form["name"], form["email"], form["roles"], _team_ids(form["teams"]), now()
        )
    except service.PeopleError as error:
        db.session.rollback()
        return _index_page(form, {error.field or "form": str(error)}, status=400)
    link = public_address(url_for("people.accept", token=token))
    letter = letters.invitation(invitation.name, current_user.name, invitation.roles, link, invitation.expires_at)
    delivery = _deliver(invitation.email, letter)
    return _link_page("invite", invitation.name, link, invitation.expires_at, delivery)


@bp.post("/people/invitations/<id:invitation_id>/withdraw")
@admins_only
def withdraw(invitation_id: int):
    try:
        service.withdraw_invitation(db.session, _actor(), invitation_id, now())
    except service.PeopleError as error:
        db.session.rollback()
        flash(str(error))
    else:
        flash("The invitation is withdrawn: its link no longer works.")
    return redirect(url_for("people.index"), 303)


def _account_page(account, form=None, errors=None, status=200):
    form = form or {
        "email": account.email or "",
        "roles": roles_of(account),
        "teams": [str(team_id) for team_id in service.team_ids_of(db.session, account.id)],
    }
    return render_template(
        "people/account.html",
        account=account,
        roles=ROLES,
        teams_by_agency=_teams_by_agency(
            [team for team in service.teams(db.session) if team.active or str(team.id) in form["teams"]]
        ),
        form=form,
        errors=errors or {},
    ), status


@bp.get("/people/<id:account_id>")
@admins_only
def account(account_id: int):
    return _account_page(_account_or_404(account_id))


@bp.post("/people/<id:account_id>")
@admins_only
def change_account(account_id: int):
    found = _account_or_404(account_id)
    form = {
        "email": request.form.get("email", ""),
        "roles": request.form.getlist("roles"),
        "teams": request.form.getlist("teams"),
    }
    # Three changes, each its own use case (and audit event): one refused does not undo the others, and the
    # page says which were not saved.
    errors = {}
    steps = (
        ("email", lambda: service.set_email(db.session, _actor(), found.id, form["email"], now())),
        ("roles", lambda: service.change_roles(db.session, _actor(), found.id, form["roles"], now())),
        ("teams", lambda: service.change_teams(db.session, _actor(), found.id, _team_ids(form["teams"]), now())),
    )
    for field, step in steps:
        try:
            step()
        except service.PeopleError as error:
            db.session.rollback()
            errors[error.field or field] = str(error)
    if errors:
        return _account_page(found, form, errors, status=400)
    flash(f"Saved the changes to {found.name}'s account.")
    return redirect(url_for("people.account", account_id=found.id), 303)


@bp.post("/people/<id:account_id>/deactivate")
@admins_only
def deactivate(account_id: int):
    return _account_action(account_id, service.deactivate, "{name} is deactivated: they cannot sign in.")


@bp.post("/people/<id:account_id>/reactivate")
@admins_only
def reactivate(account_id: int):
    return _account_action(account_id, service.reactivate, "{name} is active again and can sign in.")


def _account_action(account_id: int, use_case, done: str):
    _account_or_404(account_id)
    try:
        changed = use_case(db.session, _actor(), account_id, now())
    except service.PeopleError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("people.account", account_id=account_id), 303)
    flash(done.format(name=changed.name))
    return redirect(url_for("people.account", account_id=account_id), 303)


@bp.post("/people/<id:account_id>/reset-link")
@admins_only
def reset_link(account_id: int):
    target = _account_or_404(account_id)
    try:
        link_row, token = service.reset_link(db.session, _actor(), account_id, now())
    except service.PeopleError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("people.account", account_id=account_id), 303)
    link = public_address(url_for("people.reset", token=token))
    delivery = _deliver(target.email, letters.password_reset(target.name, current_user.name, link, link_row.expires_at))
    return _link_page("reset", target.name, link, link_row.expires_at, delivery, account_id=target.id)


# --- agencies and teams -------------------------------------------------------------------------------------------


def _organisation_page(agency_form=None, team_form=None, errors=None, status=200):
    return render_template(
        "people/organisation.html",
        agencies=service.agencies(db.session),
        teams=service.teams(db.session),
        agency_form=agency_form or {"name": ""},
        team_form=team_form or {"name": "", "agency": "", "area": ""},
        errors=errors or {},
    ), status


@bp.get("/people/teams")
@admins_only
def organisation():
    return _organisation_page()


@bp.post("/people/agencies")
@admins_only
def add_agency():
    form = {"name": request.form.get("name", "")}
    try:
        added = service.add_agency(db.session, _actor(), form["name"], now())
    except service.PeopleError as error:
        db.session.rollback()
        return _organisation_page(agency_form=form, errors={"agency_" + (error.field or "name"): str(error)}, status=400)
    flash(f"Added the agency {added.name}.")
    return redirect(url_for("people.organisation"), 303)


@bp.post("/people/teams")
@admins_only
def add_team():
    form = {name: request.form.get(name, "") for name in ("name", "agency", "area")}
    try:
        added = service.add_team(
            db.session, _actor(), form["name"], count_or_none(form["agency"], low=1), form["area"], now()
        )
    except service.PeopleError as error:
        db.session.rollback()
        return _organisation_page(team_form=form, errors={"team_" + (error.field or "name"): str(error)}, status=400)
    flash(f"Added the team {added.label}.")
    return redirect(url_for("people.organisation"), 303)


@bp.route("/people/agencies/<id:agency_id>", methods=["GET", "POST"])
@admins_only
def agency(agency_id: int):
    found = db.session.get(Agency, agency_id)
    if found is None:
        abort(404)
    form, errors = {"name": found.name, "active": found.active}, {}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "active": request.form.get("active") == "yes"}
        try:
            service.change_agency(db.session, _actor(), agency_id, form["name"], form["active"], now())
        except service.PeopleError as error:
            db.session.rollback()
            errors[error.field or "name"] = str(error)
        else:
            flash(f"Saved the agency {found.name}.")
            return redirect(url_for("people.organisation"), 303)
    return render_template("people/agency.html", agency=found, form=form, errors=errors), 400 if errors else 200


@bp.route("/people/teams/<id:team_id>", methods=["GET", "POST"])
@admins_only
def team(team_id: int):
    found = db.session.get(Team, team_id)
    if found is None:
        abort(404)
    form = {"name": found.name, "agency": str(found.agency_id), "area": found.area, "active": found.active}
    errors = {}
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in ("name", "agency", "area")}
        form["active"] = request.form.get("active") == "yes"
        try:
            service.change_team(
                db.session, _actor(), team_id, form["name"], count_or_none(form["agency"], low=1), form["area"],
                form["active"], now(),
            )
        except service.PeopleError as error:
            db.session.rollback()
            errors[error.field or "name"] = str(error)
        else:
            flash(f"Saved the team {found.label}.")
            return redirect(url_for("people.organisation"), 303)
    agencies = [agency for agency in service.agencies(db.session) if agency.active or str(agency.id) == form["agency"]]
    return render_template(
        "people/team.html", team=found, agencies=agencies, form=form, errors=errors
    ), 400 if errors else 200


# --- the pages a link opens (no account needed) -------------------------------------------------------------------


def _link_or_problem(token: str, kind: str):
    """The invitation or reset the token opens, or the page saying why it does not (404 unknown, 410 gone)."""
    try:
        if len(token) > TOKEN_LIMIT:
            raise service.UnknownLink("This link is not one we know. Check that you copied the whole link.")
        return service.link_for(db.session, token, now(), kind), None
    except service.LinkNotValid as error:
        status = 404 if isinstance(error, service.UnknownLink) else 410
        page = render_template("people/link_not_valid.html", kind=kind, message=str(error))
        return None, _no_store((page, status))


def _choose_password(kind: str, token: str, use_link):
    found, refusal = _link_or_problem(token, kind)
    if refusal is not None:
        return refusal
    errors = {}
    if request.method == "POST":
        password, again = request.form.get("password", ""), request.form.get("password_again", "")
        if password != again:
            errors["password_again"] = PASSWORDS_DIFFER
        else:
            try:
                account = use_link(db.session, token, password, now(), client_address())
            except service.LinkNotValid:
                db.session.rollback()
                return _link_or_problem(token, kind)[1] or abort(410)
            except service.PeopleError as error:
                db.session.rollback()
                errors[error.field or "password"] = str(error)
            else:
                # A fresh cookie, as at sign-in: nothing from before (an old CSRF token) carries over.
                session.clear()
                login_user(account)
                flash(
                    f"Welcome, {account.name}: your account is ready and you are signed in."
                    if kind == "invite" else "Your new password is set and you are signed in."
                )
                return redirect(home_of(account), 303)
    page = render_template(
        "people/choose_password.html", kind=kind, link=found, roles_described=describe(found.roles).lower(), errors=errors
    )
    return _no_store((page, 400 if errors else 200))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    return _choose_password("invite", token, service.accept_invitation)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _choose_password("reset", token, service.use_reset_link)


# --- one's own password -------------------------------------------------------------------------------------------


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    errors = {}
    if request.method == "POST":
        new, again = request.form.get("new_password", ""), request.form.get("new_password_again", "")
        if new != again:
            errors["new_password_again"] = PASSWORDS_DIFFER
        else:
            try:
                service.change_own_password(
                    db.session, current_user, request.form.get("current_password", ""), new, now(), client_address()
                )
            except service.PeopleError as error:
                db.session.rollback()
                errors[error.field or "new_password"] = str(error)
            else:
                # The new password signed out every browser (a new login token); this one signs in again.
                account = current_user._get_current_object()
                session.clear()
                login_user(account)
                flash("Your password is changed. Any other browser signed in as you has been signed out.")
                return redirect(home_of(account), 303)
    return _no_store((render_template("people/password.html", errors=errors), 400 if errors else 200))


bp.register_error_handler(CSRFError, form_expired)
