"""Numbers from requests: one parser that accepts only ASCII digits within range, and what people see when a
number is not one (a 4xx with the reason, never a 500). Views through Flask's test client, CSRF on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.numbers import MAX_ID, NotANumber, count_or_none, parse_count

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
    post,
    session_id,
    soup_of,
    stored,
    words,
)
from sqlalchemy import func, select

from app.extensions import db
from app.sessions import service
from app.sessions.models import Response
from app.web import now

# Numbers Python's int() reads but a person's form never sends, and numbers past the database's integer range.
NOT_NUMBERS = ["²", "٣", "١٢", "𝟗", "1_000", "+1", "-1", "1.0", "1e3", "0x10", "NaN", "", "\x00", "１２"]
TOO_BIG = ["2147483648", "9223372036854775808", "9" * 5000]


# --- the parser --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NOT_NUMBERS + TOO_BIG)
def test_anything_but_ascii_digits_within_range_is_refused_with_what_was_expected(text):
    with pytest.raises(NotANumber, match="The step must be a whole number between 0 and 2,147,483,647"):
        parse_count(text, what="step")


@pytest.mark.parametrize("text, number", [("0", 0), ("12", 12), (" 12\t", 12), ("007", 7), (str(MAX_ID), MAX_ID)])
def test_ascii_digits_within_range_are_read_with_the_spaces_a_person_types_around_them(text, number):
    assert parse_count(text, what="step") == number


def test_the_bounds_asked_for_are_the_bounds_kept():
    assert parse_count("1000", what="head count", low=1, high=1000) == 1000
    for text in ("0", "1001", "0" * 50 + "1001"):
        with pytest.raises(NotANumber, match="between 1 and 1,000"):
            parse_count(text, what="head count", low=1, high=1000)
    assert count_or_none("٣") is None and count_or_none("3") == 3


@given(st.text())
def test_any_text_is_either_a_number_in_range_or_refused_with_a_reason(text):
    try:
        number = parse_count(text, what="id", low=1)
    except NotANumber as error:
        assert "whole number" in str(error)
    else:
        assert 1 <= number <= MAX_ID and text.strip(" \t").isascii() and text.strip(" \t").isdigit()


# --- in addresses, queries and forms -------------------------------------------------------------------------


@pytest.mark.parametrize("response_id", ["٣", "²", "2147483648", "9223372036854775808", "9" * 5000, "0"])
def test_an_id_in_an_address_that_is_not_a_row_id_is_not_found(app, client, session_id, response_id):
    go_to(app, session_id, REFLECTION)
    for number in range(3):  # rows 1, 2 and 3: what int() would make of '²' and '٣'
        in_app(app, service.add_response, session_id, REFLECTION, 0, f"Said in the room {number}", now())
    token = page_token(client, console_url(session_id))
    for path in (f"responses/{response_id}/hide", f"actions/{response_id}/delete", f"attendees/{response_id}/delete"):
        answer = client.post(f"/sessions/{session_id}/{path}", data={"csrf_token": token})
        assert answer.status_code == 404, (path, answer.status_code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response).where(Response.hidden)) == 0


@pytest.mark.parametrize("version", ["²", "٣", "9" * 5000, "-1", "1e3"])
def test_a_poll_with_a_version_that_is_not_a_number_is_refused_with_the_reason(client, session_id, version):
    answer = client.get(f"{console_url(session_id)}?version={version}", headers=HTMX)
    assert answer.status_code == 400
    assert answer.headers["HX-Retarget"] == "#request-problem"
    assert "The version a screen shows must be a whole number" in words(soup_of(answer))


@pytest.mark.parametrize("count", ["²", "٣", "9" * 5000, "2147483648", "1_0"])
def test_a_head_count_that_is_not_a_number_is_refused_next_to_the_field(app, client, session_id, count):
    answer = post(client, session_id, "head-count", {"head_count": count}, htmx=True)
    assert answer.status_code == 422
    form = soup_of(answer).find(id="head-count-form")
    assert "The head count must be a whole number between 1 and 1,000." in words(form.find(attrs={"role": "alert"}))
    assert stored(app, session_id).head_count is None


@pytest.mark.parametrize("step", ["²", "٣", "9" * 5000, "2147483648"])
def test_a_move_or_a_response_naming_a_step_that_is_not_a_number_is_refused_and_changes_nothing(app, client, session_id, step):
    moved = post(client, session_id, "move", {"from_step": step, "to_step": "1"})
    assert moved.status_code == 422
    assert "Choose the step you are moving from." in words(soup_of(moved).find(id="run-status"))
    added = post(client, session_id, "responses", {"step": step, "question": "0", "text": "A thought"}, htmx=True)
    assert added.status_code == 422
    assert "Choose a step." in words(soup_of(added))
    assert stored(app, session_id).step == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_every_route_that_takes_a_number_in_its_address_takes_it_through_the_id_converter(app):
    from werkzeug.routing import FloatConverter, IntegerConverter

    from app.web import IdConverter

    taking_ids = []
    for rule in app.url_map.iter_rules():
        converters = rule._converters.values()  # noqa: SLF001  (Werkzeug keeps a rule's converters here only)
        # int() behind Werkzeug's own converters reads '٣' as 3 and ids past the database's range: never those.
        assert not any(isinstance(c, (IntegerConverter, FloatConverter)) for c in converters), rule.rule
        taking_ids += [rule.rule for c in converters if isinstance(c, IdConverter)]
    assert len(taking_ids) >= 9
