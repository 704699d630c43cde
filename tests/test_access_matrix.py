"""The role × route matrix: every route of the app, sent by each kind of account, against an explicit list of
who may use it.

The expected answers are written out here, endpoint by endpoint, and not read back from app/web/access.py: a
change to the access table that this matrix does not repeat fails, and so does a route that either of them
leaves out. Routes come from `app.url_map` (tests/routes_support.py), so a route added later fails the test
until it is listed in both places.

"Allowed" means the view was reached: not 401 or 403, and not a redirect to the sign-in page (a 404 for a row
the account cannot see, or a 422 for an empty form, is the view answering). "Refused" means 403 with a message
naming who the page is for, for a signed-in account, and a redirect to sign in for a signed-out person.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask_login import login_required

from app.sessions import service
from app.web import access, now

from .routes_support import routes
from .support import make_app
from .team_support import PASSWORD, account, add_account, add_team, start_for_team

SIGNED_OUT, ADMIN, EDITOR, FACILITATOR, MANAGER = "signed out", "admin", "editor", "facilitator", "manager"
# Walked in this order: the facilitator last, since their walk ends and deletes the session.
ROLES = (SIGNED_OUT, ADMIN, EDITOR, MANAGER, FACILITATOR)
ANYONE = frozenset(ROLES)
ACCOUNTS = ANYONE - {SIGNED_OUT}
RUNS = frozenset({FACILITATOR})
READS = frozenset({FACILITATOR, MANAGER})
EDITS = frozenset({EDITOR})
ADMINS = frozenset({ADMIN})

MATRIX: dict[str, frozenset[str]] = {
    "auth.login": ANYONE,
    "auth.logout": ANYONE,
    "library.home": ANYONE,
    "library.index": ANYONE,
    "library.briefing": ANYONE,
    "library.briefing_json": ANYONE,
    "take_part.join_form": ANYONE,
    "take_part.join": ANYONE,
    "take_part.page": ANYONE,
    "take_part.add_response": ANYONE,
    "take_part.edit_response": ANYONE,
    "take_part.withdraw_response": ANYONE,
    "exports.briefing": ACCOUNTS,
    "exports.session": READS,
    "sessions.index": READS,
    "sessions.summary": READS,
    "sessions.new": RUNS,
    "sessions.create": RUNS,
    "sessions.confirm_delete": RUNS,
    "sessions.delete": RUNS,
    "run.console": RUNS,
    "run.present": RUNS,
    "run.responses_page": RUNS,
    "run.join_qr": RUNS,
    "run.move": RUNS,
    "run.pause": RUNS,
    "run.resume": RUNS,
    "run.add_minute": RUNS,
    "run.end": RUNS,
    "run.add_response": RUNS,
    "run.edit_response": RUNS,
    "run.hide_response": RUNS,
    "run.show_response": RUNS,
    "run.approve_response": RUNS,
    "run.redact_response": RUNS,
    "run.approve_all": RUNS,
    "run.review_mode": RUNS,
    "run.add_action": RUNS,
    "run.delete_action": RUNS,
    "run.add_attendee": RUNS,
    "run.delete_attendee": RUNS,
    "run.head_count": RUNS,
    "editing.index": EDITS,
    "editing.new": EDITS,
    "editing.upload": EDITS,
    "editing.paste": EDITS,
    "editing.edit": EDITS,
    "editing.save": EDITS,
    "editing.preview": EDITS,
    "editing.history": EDITS,
    "editing.restore": EDITS,
    "editing.retire": EDITS,
    "editing.reinstate": EDITS,
    "people.index": ADMINS,
    "people.invite": ADMINS,
    "people.withdraw": ADMINS,
    "people.account": ADMINS,
    "people.change_account": ADMINS,
    "people.deactivate": ADMINS,
    "people.reactivate": ADMINS,
    "people.reset_link": ADMINS,
    "people.organisation": ADMINS,
    "people.add_agency": ADMINS,
    "people.agency": ADMINS,
    "people.add_team": ADMINS,
    "people.team": ADMINS,
    "people.password": ACCOUNTS,
    "people.accept": ANYONE,  # the link's token is the check
    "people.reset": ANYONE,
    "audit.index": ADMINS,
    "audit.download": ADMINS,
    "sign_on.start": ANYONE,  # 404 while no provider is configured: the view answering
    "sign_on.callback": ANYONE,
}
# Walked last within a role: they end what the rest of the walk needs (the session, the sign-in).
LAST = ("editing.retire", "editing.reinstate", "run.end", "sessions.delete", "auth.logout")
REFLECTION = 3  # the step of 'seven-minute' on 'wigan-child-3' that collects responses


def soup_of(answer) -> BeautifulSoup:
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def _sign_in(app, name: str | None):
    client = app.test_client()
    if name is not None:
        token = soup_of(client.get("/login")).find("input", attrs={"name": "csrf_token"})["value"]
        answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 303, (name, answer.status_code)
    return client


def _token(client) -> str:
    # The library page carries the token for everybody (in the sign-out form, or the search form's page).
    page = soup_of(client.get("/login", follow_redirects=True))
    field = page.find("input", attrs={"name": "csrf_token"})
    return field["value"] if field else soup_of(client.get("/briefings")).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One account per role (each holding only that role), a team the facilitator runs sessions for and the
    manager manages, and the facilitator's session for it with a response, an action and a person in the
    register, so every address is filled from a real row."""
    app = make_app(tmp_path_factory.mktemp("matrix"))
    team = add_team(app, "Duty and assessment")
    names = {ADMIN: "ada", EDITOR: "eddie", FACILITATOR: "fran", MANAGER: "mona"}
    for role, name in names.items():
        add_account(app, name, [role], team_ids=[team] if role in (FACILITATOR, MANAGER) else [])
    public_id = start_for_team(app, "fran", team)
    # The admin pages act on rows of their own: an account nobody walks as (deactivating it ends no one's
    # walk), the team's agency, an invitation waiting to be withdrawn.
    spare = add_account(app, "sid", ["facilitator"])
    with app.app_context():
        from app.extensions import db
        from app.people import service as people
        from app.people.audit import Actor

        invitation, _ = people.invite(db.session, Actor(None, "terminal"), "Ivy", None, ["facilitator"], [], now())
        invitation_id, agency_id = invitation.id, people.agencies(db.session)[0].id
    with app.app_context():
        from app.extensions import db

        fran = account("fran")
        service.move(db.session, public_id, fran, 0, REFLECTION, now())
        response = service.add_response(db.session, public_id, fran, REFLECTION, 0, "A reflection", now())
        action = service.add_action(db.session, public_id, fran, "Share the learning", "Sam", "", now())
        attendee = service.add_attendee(db.session, public_id, fran, "Priya Shah", "Social worker", "", now())
        values = {
            "public_id": public_id, "response_id": str(response.id), "action_id": str(action.id),
            "attendee_id": str(attendee.id), "step": str(REFLECTION), "question": "0",
            "briefing_id": "wigan-child-3", "file_format": "pptx", "number": "1",
            "account_id": str(spare), "team_id": str(team), "agency_id": str(agency_id),
            "invitation_id": str(invitation_id), "token": "not-a-real-link-token",
        }
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)  # a server error is a 500, as in production
    return {"app": app, "names": names, "values": values}


def _walk_order(app):
    every = routes(app)
    return [r for r in every if r.endpoint not in LAST] + sorted(
        (r for r in every if r.endpoint in LAST), key=lambda r: LAST.index(r.endpoint)
    )


def test_every_route_is_in_the_access_table_and_in_this_matrix(world):
    endpoints = {route.endpoint for route in routes(world["app"])}
    assert sorted(e for e in endpoints if access.rule_for(e) is None) == [], "add these to app/web/access.py"
    assert sorted(endpoints - set(MATRIX)) == [], "add these to MATRIX here, as the access table has them"
    assert sorted(set(MATRIX) - endpoints) == [], "these are no longer routes: take them out of MATRIX"


def test_each_role_is_allowed_or_refused_each_route_as_the_matrix_says(world):
    app, values = world["app"], world["values"]
    wrong, seen = [], set()
    for role in ROLES:
        client = _sign_in(app, world["names"].get(role))
        token = _token(client)
        for route in _walk_order(app):
            path = route.path(values)
            allowed = role in MATRIX[route.endpoint]
            for method in sorted(route.methods):
                if method == "GET":
                    answer = client.get(path)
                else:
                    answer = client.post(path, data={"csrf_token": token})
                seen.add((role, route.endpoint, method))
                problem = _verdict(answer, allowed, signed_in=role != SIGNED_OUT)
                if problem:
                    wrong.append(f"{role}: {method} {route.rule} ({route.endpoint}): {problem}")
    assert wrong == []
    assert len(seen) >= len(ROLES) * len(MATRIX)


def _verdict(answer, allowed: bool, *, signed_in: bool) -> str | None:
    status = answer.status_code
    to_sign_in = status in (301, 302, 303) and urlsplit(answer.headers.get("Location", "")).path == "/login"
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status in (401, 403) or to_sign_in:
            return f"refused ({status}) but the matrix allows it"
        return None
    if not signed_in:
        return None if to_sign_in else f"answered {status}, not sent to sign in"
    if status != 403:
        return f"answered {status}, not refused with 403"
    message = soup_of(answer).find(attrs={"role": "alert"})
    if message is None or "This page is for" not in message.get_text():
        return "refused without saying who the page is for"
    return None


def test_an_htmx_request_from_a_signed_out_person_gets_401_and_where_to_sign_in(world):
    client = world["app"].test_client()
    answer = client.get(f"/sessions/{world['values']['public_id']}/console", headers={"HX-Request": "true"})
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"].startswith("/login?next=")


def test_a_route_missing_from_the_table_is_refused_to_everybody(tmp_path):
    """Fail closed: a page added without an entry is nobody's, even with the view's own login_required."""
    app = make_app(tmp_path)
    app.add_url_rule("/stray", "stray.page", login_required(lambda: "the stray page"))
    add_account(app, "ada", ["admin", "editor", "facilitator", "manager"])
    assert access.rule_for("stray.page") is None
    signed_out = app.test_client().get("/stray")
    assert signed_out.status_code == 302 and urlsplit(signed_out.headers["Location"]).path == "/login"
    refused = _sign_in(app, "ada").get("/stray")
    assert refused.status_code == 403
    assert "the stray page" not in refused.get_data(as_text=True)
    assert "missing from the table" in soup_of(refused).find(attrs={"role": "alert"}).get_text()


@pytest.mark.parametrize(
    ("endpoint", "rule"),
    [
        ("people.index", ("admin",)),  # the people pages, whatever they are called: admins only
        ("people.invite", ("admin",)),
        ("people.password", "signed-in"),  # an exact entry wins over its blueprint's prefix
        ("people.accept", "public"),
        ("people.reset", "public"),
        ("audit.index", ("admin",)),
        ("audit.download", ("admin",)),
        ("sign_on.start", "public"),
        ("sign_on.callback", "public"),
        ("sessions.summary", ("facilitator", "manager")),
        ("sessions.delete", ("facilitator",)),
        ("peoplex.index", None),  # a prefix is a blueprint's name and its dot, not any name that starts alike
    ],
)
def test_prefix_rules_cover_a_blueprint_and_exact_entries_win(endpoint, rule):
    assert access.rule_for(endpoint) == rule
