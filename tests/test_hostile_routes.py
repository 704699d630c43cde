"""Every route of the app, walked with hostile values in every address parameter, query parameter and form field it
takes, in four roles: signed out, the session's facilitator (who is also a library editor, so the editing pages
are walked with their fields too), another facilitator, and an attendee (phone cookie).
No answer may be a server error, and another facilitator never reaches the session's data.

Nothing here is a hand-kept list of routes or fields: the routes come from `app.url_map` (a route with a method
the walker cannot send fails the test), and the fields from the forms and htmx attributes of the pages each role
is shown (console at a reflection step and at the actions step, presenter, summary, start form, phone page...),
plus the parameters htmx and session.js add (EXTRA_FIELDS). A route or a field added later is walked too.

CSRF is on and the walker sends the real token from a rendered page, so the forms' handlers are reached.
"""

from __future__ import annotations

import random
from collections import defaultdict
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import got_request_exception

from app.sessions import service
from app.web import now

from .routes_support import routes
from .support import make_app
from .test_run_views import ACTIONS, PASSWORD, REFLECTION, create_facilitator, in_app, start

HOSTILE: list[str | bytes] = [
    "²", "٣", "9" * 5000, "-1", "2147483648", "9223372036854775808", "", " ", "\x00", "x" * 60_000,
    b"\xff\xfe\xc3\x28", "../../etc/passwd", "<script>alert(1)</script>", "NaN", "1e3", "0x10", "\u202e",
]
# For a route this role is sent away from before anything is read (sign-in first): a few, to show it stays so.
GATED = ["٣", "9" * 5000, b"\xff\xfe\xc3\x28", "\x00", "2147483648"]
# Parameters sent by htmx and static/js/session.js rather than by a form on a page: polls, the presenter's keys.
EXTRA_FIELDS = {"version", "step", "stage", "view", "done", "next", "q", "theme", "template", "code", "briefing"}
# Walked last, because they end what the rest of the walk needs (the session, the sign-in).
LAST = ("run.end", "sessions.delete", "auth.logout")
MIXED_PER_ROUTE = 4  # further requests per route, each field a different hostile value
HTMX = {"HX-Request": "true"}
SECRET_TEXT = "The chronology was missing"  # in alice's session only: bob must never be shown it


def soup_of(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


class Walker:
    """One role's browser: the test client, the token from its pages, and what went wrong."""

    def __init__(self, app, client, role: str):
        self.app, self.client, self.role = app, client, role
        self.failures: list[str] = []
        self.sent = 0
        self._token: str | None = None

    def token(self) -> str:
        """The CSRF token this role's pages carry (read once; again after the walk signs the role out and in)."""
        if self._token is None:
            self._token = self._read_token()
        return self._token

    def _read_token(self) -> str:
        field = soup_of(self.client.get("/login").get_data(as_text=True)).find("input", attrs={"name": "csrf_token"})
        if field is None:  # a signed-in facilitator is sent on from /login: take the token from their page
            field = soup_of(self.client.get("/sessions").get_data(as_text=True)).find("input", attrs={"name": "csrf_token"})
        return field["value"]

    def send(self, method: str, path: str, fields: dict, *, htmx: bool = False, check=None):
        self.sent += 1
        headers = dict(HTMX) if htmx else {}
        if method == "GET":
            query = _encode(fields)
            answer = self.client.get(path + ("?" + query if query else ""), headers=headers)
        else:
            answer = self.client.post(
                path, data=_encode(fields), content_type="application/x-www-form-urlencoded", headers=headers
            )
        where = f"{self.role}: {method} {path[:120]} {_short(fields)}"
        if answer.status_code >= 500:
            self.failures.append(f"{answer.status_code} from {where}")
        elif check is not None:
            problem = check(answer)
            if problem:
                self.failures.append(f"{problem} from {where}")
        return answer


def _encode(fields: dict) -> str:
    pairs = [(name, value if isinstance(value, bytes) else str(value).encode("utf-8")) for name, value in fields.items()]
    return urlencode(pairs)


def _short(fields: dict) -> str:
    return ", ".join(f"{name}={value!r:.24}" for name, value in fields.items())


# --- the app, its data and its forms ------------------------------------------------------------------------------


def sign_in(app, name: str):
    client = app.test_client()
    token = soup_of(client.get("/login").get_data(as_text=True)).find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token}).status_code == 303
    return client


def make_editor(app, name: str) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.sessions.models import Facilitator

    with app.app_context():
        db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one().is_editor = True
        db.session.commit()


def make_admin(app, name: str) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.sessions.models import Facilitator

    with app.app_context():
        db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one().is_admin = True
        db.session.commit()


def _people(app) -> str:
    """A team (id 1) and a pending invitation (id 1), so their pages and forms are walked; the invitation's token."""
    from app.extensions import db
    from app.people import audit
    from app.people import service as people

    with app.app_context():
        terminal = audit.Actor(None, "terminal", "")
        people.add_team(db.session, terminal, "Duty and assessment", 1, "North", now())
        return people.invite(db.session, terminal, "Ivy Invited", None, ["facilitator"], [1], now())[1]


def join(app, public_id: str):
    phone = app.test_client()
    code = in_app(app, lambda dbs, pid, facilitator: service.find_session(dbs, pid).join_code, public_id)
    page = soup_of(phone.get(f"/join?code={code}").get_data(as_text=True))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    assert phone.post("/join", data={"csrf_token": token, "code": code, "name": "Bea"}).status_code == 303
    return phone


@pytest.fixture
def world(tmp_path):
    """Alice's session at its reflection step with something in every list, Bob's session, a joined phone."""
    app = make_app(tmp_path)
    for name in ("alice", "bob"):
        create_facilitator(app, name)
    make_editor(app, "alice")
    alices, bobs = start(app, "alice"), start(app, "bob")
    in_app(app, service.move, alices, 0, REFLECTION, now())
    in_app(app, service.add_response, alices, REFLECTION, 0, SECRET_TEXT, now())
    in_app(app, service.add_action, alices, "Share the learning", "Sam", "", now())
    in_app(app, service.add_attendee, alices, "Priya Shah", "Social worker", "", now())
    phone = join(app, alices)
    _send_from_phone(phone, alices, "My own reflection")
    in_app(app, service.set_review_first, alices, True)
    for text in ("Waiting one", "Waiting two"):
        _send_from_phone(phone, alices, text)
    create_facilitator(app, "ada")
    make_admin(app, "ada")  # a partnership admin: the people pages and their forms are walked too
    invitation_token = _people(app)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)  # a server error is a 500 answer, as in production
    return {"app": app, "alice": sign_in(app, "alice"), "bob": sign_in(app, "bob"), "ada": sign_in(app, "ada"),
            "phone": phone, "alices": alices, "bobs": bobs, "invitation_token": invitation_token}


def _send_from_phone(phone, public_id: str, text: str) -> None:
    page = soup_of(phone.get(f"/take-part/{public_id}").get_data(as_text=True))
    form = page.find("form", id=f"reflect-{REFLECTION}-0")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    assert phone.post(f"/take-part/{public_id}/responses", data={**fields, "text": text}).status_code == 303


def discover_fields(world) -> dict[str, dict[str, str]]:
    """endpoint -> {field name: the value its page gives it}, from every form and htmx address on the pages."""
    app, alices = world["app"], world["alices"]
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict[str, str]] = defaultdict(dict)

    def collect(client, path):
        soup = soup_of(client.get(path).get_data(as_text=True))
        for form in soup.find_all("form"):
            address = form.get("hx-post") or form.get("action") or path
            method = "POST" if (form.get("method", "get").lower() == "post" or form.get("hx-post")) else "GET"
            fields = {}
            for field in form.find_all(["input", "select", "textarea"]):
                if field.get("name"):
                    fields[field["name"]] = field.get("value", "")
            for button in form.find_all("button", attrs={"name": True}):
                fields[button["name"]] = button.get("value", "")
            _note(adapter, found, address, method, fields)
        for element in soup.find_all(attrs={"hx-get": True}):
            address = element["hx-get"]
            _note(adapter, found, address, "GET", dict(parse_qsl(urlsplit(address).query)))
        for link in soup.find_all("a", href=True):  # links with a query: paging, filters, a download's choice
            if urlsplit(link["href"]).query and not urlsplit(link["href"]).netloc:
                _note(adapter, found, link["href"], "GET", dict(parse_qsl(urlsplit(link["href"]).query)))

    owner = world["alice"]
    for path in ("/briefings", "/briefings/wigan-child-3", "/sessions", "/sessions/new", f"/sessions/{alices}",
                 f"/sessions/{alices}/delete", f"/sessions/{alices}/present", f"/sessions/{alices}/console",
                 "/library", "/library/new", "/library/wigan-child-3/edit", "/library/wigan-child-3/history"):
        collect(owner, path)
    in_app(app, service.move, alices, REFLECTION, ACTIONS, now())
    collect(owner, f"/sessions/{alices}/console")
    in_app(app, service.move, alices, ACTIONS, REFLECTION, now())
    collect(world["phone"], f"/take-part/{alices}")
    for path in ("/people", "/people/1", "/people/teams", "/people/agencies/1", "/people/teams/1", "/account/password"):
        collect(world["ada"], path)
    collect(app.test_client(), f"/invitations/{world['invitation_token']}")
    collect(app.test_client(), "/login")
    collect(app.test_client(), "/join")
    return found


def _note(adapter, found, address: str, method: str, fields: dict) -> None:
    path = urlsplit(address).path
    try:
        endpoint, _ = adapter.match(path, method=method)
    except Exception:  # noqa: BLE001  (a link out of the app, or a method the route does not take)
        return
    found[endpoint].update(fields)


def url_values(world, public_id: str) -> dict[str, str]:
    """Valid values for every URL parameter (the first row of each kind in alice's session)."""
    return {"public_id": public_id, "response_id": "1", "action_id": "1", "attendee_id": "1",
            "briefing_id": "wigan-child-3", "file_format": "pptx", "token": world["invitation_token"]}


# --- the walk ----------------------------------------------------------------------------------------------------


def walk(world, role: str, client, *, check=None, public_id: str | None = None) -> Walker:
    app = world["app"]
    walker = Walker(app, client, role)
    discovered = discover_fields(world)
    every = routes(app)
    order = sorted(every, key=lambda route: (route.endpoint in LAST, LAST.index(route.endpoint) if route.endpoint in LAST else 0))
    valid = url_values(world, public_id or world["alices"])
    for route in order:
        seed = random.Random(route.rule)
        defaults = {name: value for name, value in discovered.get(route.endpoint, {}).items() if name != "csrf_token"}
        names = sorted(set(defaults) | EXTRA_FIELDS)
        for method in sorted(route.methods):
            path = route.path(valid)

            def fields_with(values: dict) -> dict:
                fields = dict(values)
                if method == "POST":
                    fields["csrf_token"] = walker.token()
                return fields

            probe = walker.send(method, path, fields_with({}), check=check)
            gated = probe.status_code == 302 and probe.headers["Location"].startswith("/login")
            values = GATED if gated else HOSTILE
            # Every URL parameter in turn, hostile; the rest valid.
            for name in route.parameters:
                for value in values:
                    hostile_path = route.path({**valid, name: value})
                    walker.send(method, hostile_path, fields_with(defaults), htmx=seed.random() < 0.5, check=check)
            # Every field and parameter at once, with each hostile value.
            for value in values:
                walker.send(method, path, fields_with({name: value for name in names}), htmx=seed.random() < 0.5,
                            check=check)
            # Mixed: each field its own hostile value, the others as the page gave them.
            for _ in range(0 if gated else MIXED_PER_ROUTE):
                mixed = {name: seed.choice(HOSTILE) if seed.random() < 0.6 else defaults.get(name, "") for name in names}
                walker.send(method, path, fields_with(mixed), htmx=seed.random() < 0.5, check=check)
            if method == "POST" and not gated:
                # A body that is not UTF-8 at all, and a CSRF token that is not one.
                token = walker.token().encode()
                raw = b"csrf_token=" + token + b"&" + b"&".join(n.encode() + b"=\xff\xfe" for n in names)
                walker.sent += 1
                answer = client.post(path, data=raw, content_type="application/x-www-form-urlencoded")
                if answer.status_code >= 500:
                    walker.failures.append(f"{answer.status_code} from {role}: raw non-UTF-8 body to {path}")
                for value in ("", "\x00", "x" * 5000, b"\xff"):
                    walker.send(method, path, {**defaults, "csrf_token": value}, check=check)
        if route.endpoint == "auth.logout":
            # The walk of /logout signed this role out (and cleared its token): sign in again for what follows.
            walker._token = None
            if role in ("alice", "bob", "ada"):
                walker.client = client = sign_in(app, role)
    return walker


def report(walker: Walker) -> str:
    shown = "\n".join(walker.failures[:25])
    return f"{len(walker.failures)} of {walker.sent} requests went wrong:\n{shown}"


def test_no_route_answers_a_signed_out_visitors_hostile_values_with_a_server_error(world):
    walker = walk(world, "signed out", world["app"].test_client())
    assert walker.sent > 400, walker.sent
    assert not walker.failures, report(walker)


def test_no_route_answers_the_sessions_own_facilitators_hostile_values_with_a_server_error(world):
    walker = walk(world, "alice", world["alice"])
    assert not walker.failures, report(walker)


def test_no_route_answers_a_partnership_admins_hostile_values_with_a_server_error(world):
    walker = walk(world, "ada", world["ada"])
    assert not walker.failures, report(walker)


def test_no_route_answers_an_attendees_hostile_values_with_a_server_error(world):
    walker = walk(world, "attendee", world["phone"])
    assert not walker.failures, report(walker)


def test_another_facilitator_never_reaches_the_session_whatever_they_send(world):
    alices = world["alices"]

    def kept_out(answer):
        body = answer.get_data()
        if SECRET_TEXT.encode() in body or alices.encode() in body:
            return f"alice's session shown ({answer.status_code})"
        if answer.request.path.startswith(f"/sessions/{alices}") and answer.status_code < 400:
            return f"{answer.status_code}, not refused"
        return None

    walker = walk(world, "bob", world["bob"], check=kept_out)
    assert not walker.failures, report(walker)
    # With nothing hostile at all, every route of alice's session is "not found" for bob.
    bob = walker.client  # signed in again after the walk of /logout
    for route in routes(world["app"]):
        if "public_id" not in route.parameters or not route.rule.startswith("/sessions/"):
            continue
        path = route.path(url_values(world, alices))
        for method in route.methods:
            answer = bob.get(path) if method == "GET" else bob.post(path, data={"csrf_token": walker.token()})
            assert answer.status_code == 404, (method, route.rule, answer.status_code)


def test_the_walker_finds_the_forms_of_the_console_the_phone_and_the_start_page(world):
    found = discover_fields(world)
    assert {"text", "step", "question", "idempotency_key"} <= set(found["run.add_response"])
    assert {"what", "owner", "due"} <= set(found["run.add_action"])
    assert {"from_step", "to_step"} <= set(found["run.move"])
    assert {"head_count"} <= set(found["run.head_count"])
    assert {"text", "anonymous", "idempotency_key"} <= set(found["take_part.add_response"])
    assert {"briefing", "template", "team"} <= set(found["sessions.create"])
    assert {"part", "found"} & set(found["run.redact_response"])
    assert "run.approve_all" in found and "take_part.withdraw_response" in found and "run.delete_attendee" in found
    assert {"title", "section_count", "section-0-kind", "section-0-body", "new_question", "base_version", "action"} <= set(
        found["editing.save"]
    )
    assert {"text", "title"} <= set(found["editing.paste"])
    assert {"name", "email", "roles", "teams"} <= set(found["people.invite"])
    assert {"email", "roles", "teams"} <= set(found["people.change_account"])
    assert {"name", "agency", "area"} <= set(found["people.add_team"]) and {"name", "active"} <= set(found["people.agency"])
    assert {"name", "agency", "area", "active"} <= set(found["people.team"])
    assert {"password", "password_again"} <= set(found["people.accept"])
    assert {"current_password", "new_password", "new_password_again"} <= set(found["people.password"])
    assert "people.withdraw" in found and "people.reset_link" in found and "people.deactivate" in found
