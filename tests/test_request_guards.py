"""What every request meets before its view: a body the app cannot read is refused with a message people see,
and a signed-out htmx request to a facilitator route is sent to sign in (401 + HX-Redirect), on every route
of the app (taken from its url_map, so a route added later is covered too)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.sessions import service
from app.sessions.models import Action, Response
from app.web import now

from .routes_support import routes
from .test_run_views import (  # noqa: F401  (fixtures)
    HTMX,
    REFLECTION,
    alice,
    app,
    client,
    console_url,
    go_to,
    in_app,
    page_token,
    session_id,
    soup_of,
    words,
)

BAD_UTF8 = b"\xff\xfe\xc3\x28 caf\xe9"  # a lone continuation byte, a broken pair, Latin-1's é
UNREADABLE = "What you sent could not be read"


def values_for(public_id: str, part_id: int) -> dict[str, str]:
    """Real values for every URL parameter the app's routes take, so the request reaches its guard and view."""
    return {
        "public_id": public_id,
        "response_id": str(part_id),
        "action_id": str(part_id),
        "attendee_id": str(part_id),
        "briefing_id": "wigan-child-3",
        "file_format": "pdf",
    }


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- a body that is not UTF-8 --------------------------------------------------------------------------------


def test_every_form_post_with_a_body_that_is_not_utf8_says_so_and_changes_nothing(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    part_id = in_app(app, service.add_response, session_id, REFLECTION, 0, "Said in the room", now())
    token = page_token(client, console_url(session_id))
    posts = [route for route in routes(app) if "POST" in route.methods]
    assert len(posts) > 15
    for route in posts:
        path = route.path(values_for(session_id, part_id))
        body = f"csrf_token={token}&step={REFLECTION}&question=0&text=".encode() + BAD_UTF8
        plain = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert plain.status_code == 400, (route.rule, plain.status_code)
        alerts = " ".join(words(alert) for alert in soup_of(plain).find_all(attrs={"role": "alert"}))
        assert UNREADABLE in alerts and soup_of(plain).find("h1") is not None, route.rule

        fragment = client.post(
            path, data=body, content_type="application/x-www-form-urlencoded", headers={**HTMX, "X-CSRFToken": token}
        )
        assert fragment.status_code == 400, (route.rule, fragment.status_code)
        assert fragment.headers["HX-Retarget"] == "#request-problem" and fragment.headers["HX-Reswap"] == "innerHTML"
        assert UNREADABLE in words(soup_of(fragment).find(attrs={"role": "alert"})), route.rule
    assert count(app, Response) == 1 and count(app, Action) == 0


def test_the_page_has_the_region_where_a_refused_request_message_appears(client, session_id):
    region = soup_of(client.get(console_url(session_id))).find(id="request-problem")
    assert region is not None and words(region) == ""


def test_a_form_in_utf8_is_still_read_whatever_it_says(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    token = page_token(client, console_url(session_id))
    body = f"csrf_token={token}&step={REFLECTION}&question=0&text=".encode() + "Café – naïve ٣ 😀".encode()
    answer = client.post(f"/sessions/{session_id}/responses", data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 303 and count(app, Response) == 1


# --- signed out: htmx is told to go to sign-in ------------------------------------------------------------------


def facilitator_routes(app, session_id: str) -> list:
    """Routes whose signed-out plain request is sent to sign in: found by asking each route, not from a list."""
    visitor = app.test_client()
    found = []
    for route in routes(app):
        path = route.path(values_for(session_id, 1))
        for method in sorted(route.methods):
            if method == "GET":
                answer = visitor.get(path)
            else:
                # A fresh token each time: signing out (POST /logout) clears the one before.
                answer = visitor.post(path, data={"csrf_token": page_token(visitor, "/login")})
            if answer.status_code == 302 and answer.headers["Location"].startswith("/login"):
                found.append((route, method, path))
    return found


def test_every_facilitator_route_answers_a_signed_out_htmx_request_with_401_and_the_way_to_sign_in(app, session_id):
    found = facilitator_routes(app, session_id)
    endpoints = {route.endpoint for route, _, _ in found}
    assert {"sessions.index", "sessions.create", "run.console", "run.add_response", "exports.session"} <= endpoints
    console = f"http://localhost{console_url(session_id)}?done=paused"
    for route, method, path in found:
        visitor = app.test_client()
        # No CSRF token: signed out in another tab, the page's token is gone too; sign-in still comes first.
        answer = visitor.open(path, method=method, headers={**HTMX, "HX-Current-URL": console})
        assert answer.status_code == 401, (method, route.rule, answer.status_code)
        target = urlsplit(answer.headers["HX-Redirect"])
        assert target.path == "/login", route.rule
        assert parse_qs(target.query)["next"] == [f"{console_url(session_id)}?done=paused"], route.rule
        assert answer.get_data() == b""


def test_the_way_back_after_sign_in_is_never_another_sites_page(app, session_id):
    visitor = app.test_client()
    poll = visitor.get(f"{console_url(session_id)}?version=3", headers={**HTMX, "HX-Current-URL": "https://evil.example/x"})
    assert poll.status_code == 401
    assert parse_qs(urlsplit(poll.headers["HX-Redirect"]).query)["next"] == [f"{console_url(session_id)}?version=3"]
    button = visitor.post(f"/sessions/{session_id}/pause", headers=HTMX)
    assert button.status_code == 401 and button.headers["HX-Redirect"] == "/login"


def test_the_sign_in_page_reached_from_htmx_says_why_and_signed_out_plain_requests_still_redirect(app, session_id):
    visitor = app.test_client()
    answer = visitor.get(console_url(session_id), headers={**HTMX, "HX-Current-URL": f"http://localhost{console_url(session_id)}"})
    login = soup_of(visitor.get(answer.headers["HX-Redirect"]))
    assert "Please sign in" in words(login.find(attrs={"role": "status"}))
    assert login.find("input", attrs={"name": "next"})["value"] == console_url(session_id)
    plain = visitor.get(console_url(session_id))
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/login?next=")


def test_htmx_requests_from_attendees_and_visitors_are_not_asked_to_sign_in(app, session_id):
    visitor = app.test_client()
    assert visitor.get("/briefings", headers=HTMX).status_code == 200
    assert visitor.get("/join", headers=HTMX).status_code == 200


# --- NUL: no database column takes one (PostgreSQL refuses the query) --------------------------------------------


def test_a_nul_character_anywhere_in_a_request_is_refused_with_a_reason_before_it_reaches_the_database(app, client, session_id):
    go_to(app, session_id, REFLECTION)
    token = page_token(client, console_url(session_id))
    fields = {"csrf_token": token, "step": str(REFLECTION), "question": "0", "text": "A thought\x00 with a NUL"}
    for path in (f"/sessions/{session_id}/responses", "/join", "/login"):
        answer = client.post(path, data={**fields, "name": "alice\x00", "code": "K7P\x00"})
        assert answer.status_code == 400, (path, answer.status_code)
        alerts = " ".join(words(alert) for alert in soup_of(answer).find_all(attrs={"role": "alert"}))
        assert "NUL character" in alerts, path
    poll = client.get(f"/briefings?q=child%00", headers=HTMX)
    assert poll.status_code == 400 and "NUL character" in words(soup_of(poll))
    assert client.get(f"/sessions/{session_id}%00/console").status_code == 404
    assert count(app, Response) == 0
