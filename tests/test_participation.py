"""Attendees taking part through the use cases: joining, idempotent submission, anonymity, the privacy nudge,
and the facilitator's moderation (review before showing, hide, redact). Real database, `now` passed in."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from app import get_library
from app.extensions import db
from app.sessions import join, participation, service
from app.sessions.models import Attendee, Response
from app.sessions.participation import NeedsCheck, NotJoined, WrongCode
from app.sessions.record import record_of
from app.sessions.service import SessionError
from app.sessions.templates import load_templates

from .test_session_service import alice, app, at  # noqa: F401  (fixtures shared with the service's tests)

SECRET = b"test-secret-key"
REFLECTION = 3  # 'seven-minute' on 'wigan-child-3': the step that collects responses


@pytest.fixture
def running(alice):
    """A session on its reflection step."""
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    row = service.start_session(db.session, alice, briefing, template, "Early Help East", at(0))
    service.move(db.session, row.public_id, alice, 0, REFLECTION, at(5))
    return row


def joined(row, name="", role="", organisation="", seconds=10):
    found, token = participation.join_session(db.session, row.join_code, name, role, organisation, at(seconds))
    return token


def send(row, token, words, *, anonymous=False, key=None, confirmed=False, question=0, seconds=20):
    return participation.add_own_response(
        db.session,
        row.public_id,
        token,
        SECRET,
        step=REFLECTION,
        question=question,
        text_typed=words,
        anonymous=anonymous,
        idempotency_key=key or participation.new_idempotency_key(),
        confirmed=confirmed,
        now=at(seconds),
    )


def responses_in_database() -> int:
    return db.session.execute(select(func.count()).select_from(Response)).scalar_one()


# --- joining -------------------------------------------------------------------------------------------------


def test_a_new_session_has_a_join_code_of_at_least_forty_bits_that_dies_when_it_ends(running, alice):
    code = running.join_code
    assert len(code) == join.LENGTH and set(code) <= set(join.ALPHABET) and join.BITS >= 40
    participation.join_session(db.session, code.lower(), "", "", "", at(10))  # any case works

    service.end_session(db.session, running.public_id, alice, at(60))
    assert service.find_session(db.session, running.public_id).join_code is None
    with pytest.raises(WrongCode, match="No session is open with that code"):
        participation.join_session(db.session, code, "", "", "", at(70))


def test_codes_are_typed_any_way_people_type_them_and_nonsense_is_refused_with_how_a_code_looks(running):
    shown = join.display(running.join_code).lower().replace("-", " ")
    participation.join_session(db.session, f"  {shown} ", "Bea", "", "", at(10))
    with pytest.raises(WrongCode, match="A join code has 9 letters and numbers"):
        participation.join_session(db.session, "1234", "", "", "", at(10))


def test_a_named_attendee_is_in_the_register_and_an_anonymous_one_is_only_counted(running):
    joined(running, "Bea Jones", "Health visitor", "0-19 service")
    joined(running)
    record = record_of(service.find_session(db.session, running.public_id), at(30))
    assert [(a.name, a.role, a.organisation) for a in record.attendees] == [
        ("Bea Jones", "Health visitor", "0-19 service")
    ]
    assert record.joined == 2 and record.anonymous_joined == 1 and record.attendance == 2


def test_the_database_keeps_only_a_hash_of_the_attendees_token(running):
    token = joined(running, "Bea")
    stored = db.session.execute(select(Attendee.token_hash)).scalar_one()
    assert stored != token and token not in stored
    assert participation.attendee_in(db.session, running.public_id, token)[1].name == "Bea"
    with pytest.raises(NotJoined):
        participation.attendee_in(db.session, running.public_id, "a-token-nobody-was-given")


def test_an_attendee_sees_only_the_session_they_joined(running, alice):
    token = joined(running, "Bea")
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    other = service.start_session(db.session, alice, briefing, template, "Another team", at(1))
    with pytest.raises(NotJoined):
        participation.attendee_in(db.session, other.public_id, token)
    with pytest.raises(NotJoined):
        send(other, token, "Sent to the wrong session")


# --- submitting ---------------------------------------------------------------------------------------------


def test_the_same_submission_sent_twice_is_stored_once(running):
    token = joined(running, "Bea")
    key = participation.new_idempotency_key()
    first = send(running, token, "Ask the school what they saw", key=key)
    again = send(running, token, "Ask the school what they saw", key=key, seconds=21)
    assert again.id == first.id
    assert responses_in_database() == 1
    assert service.find_session(db.session, running.public_id).version == first.session.version


def test_a_resent_form_with_edited_words_keeps_the_latest_words_once(running):
    token = joined(running, "Bea")
    key = participation.new_idempotency_key()
    first = send(running, token, "Ask the school", key=key)
    # Its answer was lost on the way; the author edits what the form still shows and sends it again.
    again = send(running, token, "Ask the school and the GP", key=key, seconds=25)
    assert again.id == first.id and responses_in_database() == 1
    assert db.session.get(Response, first.id).text == "Ask the school and the GP"


def test_concurrent_retries_of_one_submission_store_it_once(app, running):
    token = joined(running, "Bea")
    key = participation.new_idempotency_key()
    ids, errors = [], []

    def retry():
        with app.app_context():
            try:
                ids.append(send(running, token, "Sent from a flaky connection", key=key).id)
            except Exception as error:  # noqa: BLE001 — any failure is the test's business
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 1
    assert responses_in_database() == 1


def test_someone_elses_idempotency_key_does_not_reveal_or_return_their_response(running):
    key = participation.new_idempotency_key()
    send(running, joined(running, "Bea"), "the first words", key=key)
    with pytest.raises(SessionError, match="out of date"):
        send(running, joined(running, "Cal"), "the second words", key=key)
    assert responses_in_database() == 1


def test_a_form_without_a_proper_idempotency_key_is_refused(running):
    with pytest.raises(SessionError, match="reload the page"):
        send(running, joined(running), "Words", key="short")


def test_responses_are_refused_once_the_session_has_ended(running, alice):
    token = joined(running, "Bea")
    service.end_session(db.session, running.public_id, alice, at(60))
    with pytest.raises(SessionError, match="has ended"):
        send(running, token, "Too late", seconds=61)


def test_empty_and_over_long_responses_are_refused_with_the_reason(running):
    token = joined(running, "Bea")
    with pytest.raises(SessionError, match="empty"):
        send(running, token, "   ")
    with pytest.raises(SessionError, match="2,001 characters; the limit is 2,000"):
        send(running, token, "x" * 2001)
    assert responses_in_database() == 0


# --- anonymity ---------------------------------------------------------------------------------------------


def test_an_anonymous_response_is_linked_to_nobody_in_the_database(running):
    token = joined(running, "Bea Jones", "Health visitor")
    named = send(running, token, "Said with my name")
    anonymous = send(running, token, "Said without it", anonymous=True)
    assert named.attendee_id is not None
    assert anonymous.attendee_id is None
    # Nothing stored ties the anonymous one to Bea: not her row's id, not her token's hash, not her other
    # response's author key.
    bea = db.session.execute(select(Attendee)).scalar_one()
    row = db.session.execute(text("SELECT * FROM responses WHERE id = :id"), {"id": anonymous.id}).mappings().one()
    stored = {str(value) for value in row.values()}
    assert bea.token_hash not in stored and named.author_key not in stored and "Bea Jones" not in stored


def test_the_author_alone_finds_their_anonymous_response(running):
    bea, cal = joined(running, "Bea"), joined(running, "Cal")
    mine = send(running, bea, "first, anonymously", anonymous=True)
    session_row = service.find_session(db.session, running.public_id)
    bea_row = participation.attendee_in(db.session, running.public_id, bea)[1]
    cal_row = participation.attendee_in(db.session, running.public_id, cal)[1]
    theirs = send(running, cal, "second, anonymously", anonymous=True)
    both = [mine.id, theirs.id]
    # Each phone keeps the ids of its anonymous responses; a phone claiming someone else's gets nothing for it.
    assert [r.id for r in participation.own_responses(db.session, session_row, bea_row, bea, SECRET, both)] == [mine.id]
    assert [r.id for r in participation.own_responses(db.session, session_row, cal_row, cal, SECRET, both)] == [
        theirs.id
    ]
    with pytest.raises(SessionError, match="not one of yours"):
        participation.withdraw_own_response(db.session, running.public_id, cal, SECRET, mine.id)


def test_the_record_names_only_named_responses_and_orders_both_kinds_by_when_they_were_shown(running):
    token = joined(running, "Bea Jones", "Health visitor")
    send(running, token, "First, named", seconds=20)
    send(running, token, "Second, anonymous", anonymous=True, seconds=21)
    send(running, token, "Third, named", seconds=22)
    record = record_of(service.find_session(db.session, running.public_id), at(30))
    listed = record.steps[REFLECTION].questions[0].responses
    assert [(r.text, r.author, r.anonymous) for r in listed] == [
        ("First, named", "Bea Jones", False),
        ("Second, anonymous", "", True),
        ("Third, named", "Bea Jones", False),
    ]
    assert listed[1].author_details == ""


# --- the privacy nudge -------------------------------------------------------------------------------------


def test_a_response_that_looks_like_personal_data_is_held_back_until_its_author_confirms(running):
    token = joined(running, "Bea")
    key = participation.new_idempotency_key()
    held = send(running, token, "Ring mum on 07700 900123", key=key)
    assert isinstance(held, NeedsCheck)
    assert [f.kind for f in held.findings] == ["phone"]
    assert responses_in_database() == 0

    stored = send(running, token, "Ring mum on 07700 900123", key=key, confirmed=True)
    assert stored.text == "Ring mum on 07700 900123" and stored.flagged == "phone"
    assert responses_in_database() == 1


def test_an_edit_that_adds_personal_data_is_held_back_too(running):
    token = joined(running, "Bea")
    sent = send(running, token, "Visit sooner")
    held = participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, "Visit sooner, she lives at M1 1AE", confirmed=False, now=at(30)
    )
    assert isinstance(held, NeedsCheck) and [f.kind for f in held.findings] == ["postcode"]
    assert db.session.get(Response, sent.id).text == "Visit sooner"


def test_an_author_can_edit_and_withdraw_their_own_response(running):
    token = joined(running, "Bea")
    sent = send(running, token, "Visit soner")
    participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, "Visit sooner", confirmed=False, now=at(30)
    )
    assert db.session.get(Response, sent.id).text == "Visit sooner"
    participation.withdraw_own_response(db.session, running.public_id, token, SECRET, sent.id)
    assert responses_in_database() == 0


# --- moderation --------------------------------------------------------------------------------------------


def shown_texts(row) -> list[str]:
    record = record_of(service.find_session(db.session, row.public_id), at(100))
    return [r.text for r in record.steps[REFLECTION].questions[0].shown_responses]


def test_in_review_mode_responses_wait_until_approved_and_then_show_in_the_order_approved(running, alice):
    service.set_review_first(db.session, running.public_id, alice, True)
    token = joined(running, "Bea")
    first = send(running, token, "Waits first", seconds=20)
    second = send(running, token, "Waits second", seconds=21)
    assert first.pending and shown_texts(running) == []

    service.approve_response(db.session, running.public_id, alice, second.id, at(40))
    service.approve_response(db.session, running.public_id, alice, first.id, at(41))
    assert shown_texts(running) == ["Waits second", "Waits first"]


def test_approving_all_shows_every_waiting_response_in_the_order_they_arrived(running, alice):
    service.set_review_first(db.session, running.public_id, alice, True)
    token = joined(running)
    for n, words in enumerate(["One", "Two", "Three"]):
        send(running, token, words, anonymous=True, seconds=20 + n)
    assert service.approve_all(db.session, running.public_id, alice, at(50)) == 3
    assert shown_texts(running) == ["One", "Two", "Three"]


def test_an_edit_in_review_mode_waits_for_approval_again(running, alice):
    service.set_review_first(db.session, running.public_id, alice, True)
    token = joined(running, "Bea")
    sent = send(running, token, "Before")
    service.approve_response(db.session, running.public_id, alice, sent.id, at(30))
    participation.edit_own_response(db.session, running.public_id, token, SECRET, sent.id, "After", confirmed=False, now=at(31))
    assert shown_texts(running) == []


def test_a_hidden_response_leaves_the_screens_but_stays_in_the_record_marked_hidden(running, alice):
    token = joined(running, "Bea")
    sent = send(running, token, "Not for the projector")
    service.set_response_hidden(db.session, running.public_id, alice, sent.id, True, at(30))
    assert shown_texts(running) == []
    record = record_of(service.find_session(db.session, running.public_id), at(40))
    assert [(r.text, r.hidden) for r in record.steps[REFLECTION].questions[0].responses] == [
        ("Not for the projector", True)
    ]


def test_redacting_replaces_the_words_everywhere_in_the_response_and_keeps_no_copy(running, alice):
    token = joined(running, "Bea")
    sent = send(running, token, "Email jo@example.org, then jo@example.org again", confirmed=True)
    service.redact_response(db.session, running.public_id, alice, sent.id, "jo@example.org", at(30))
    stored = db.session.get(Response, sent.id)
    assert stored.text == "Email [redacted], then [redacted] again" and stored.redacted
    with pytest.raises(SessionError, match="is not in this response"):
        service.redact_response(db.session, running.public_id, alice, sent.id, "nobody@example.org", at(31))


def test_moderation_changes_what_attendees_pages_show_but_other_peoples_responses_do_not(running, alice):
    token = joined(running, "Bea")
    before = participation.stage_version(db.session, running.public_id)
    sent = send(running, joined(running, "Cal"), "a thought from the back")
    assert participation.stage_version(db.session, running.public_id) == before
    service.set_response_hidden(db.session, running.public_id, alice, sent.id, True, at(30))
    assert participation.stage_version(db.session, running.public_id) == before + 1
    assert token  # Bea's page polls with `before` and now gets the change


# --- issue 10: nothing identifying reaches the screen without a person's decision ---------------------------------


def test_a_response_sent_despite_the_privacy_check_waits_for_approval_even_with_review_mode_off(running, alice):
    assert not running.review_first
    token = joined(running, "Bea")
    for words, seconds in (("Ring mum on 07700 900123", 20), ("Write to jo@example.org", 21)):
        stored = send(running, token, words, confirmed=True, seconds=seconds)
        assert stored.pending and stored.shown_at is None
    clean = send(running, token, "Nothing identifying here", seconds=22)
    assert shown_texts(running) == ["Nothing identifying here"]  # the rest wait on the console

    service.redact_response(db.session, running.public_id, alice, clean.id - 2, "07700 900123", at(30))
    service.approve_response(db.session, running.public_id, alice, clean.id - 2, at(31))
    assert shown_texts(running) == ["Nothing identifying here", "Ring mum on [redacted]"]


def test_a_redacted_response_cannot_be_edited_or_resent_back_to_its_original_words(running, alice):
    token = joined(running, "Bea")
    key = participation.new_idempotency_key()
    sent = send(running, token, "Email jo@example.org today", key=key, confirmed=True)
    service.redact_response(db.session, running.public_id, alice, sent.id, "jo@example.org", at(30))
    service.approve_response(db.session, running.public_id, alice, sent.id, at(31))

    with pytest.raises(SessionError, match="redacted part of this response, so it can no longer be changed"):
        participation.edit_own_response(
            db.session, running.public_id, token, SECRET, sent.id, "Email jo@example.org today", confirmed=True, now=at(40)
        )
    with pytest.raises(SessionError, match="can no longer be changed"):  # any words at all, not only the original
        participation.edit_own_response(
            db.session, running.public_id, token, SECRET, sent.id, "Email today", confirmed=False, now=at(41)
        )
    with pytest.raises(SessionError, match="can no longer be changed"):  # the first form, sent again with its key
        send(running, token, "Email jo@example.org today", key=key, confirmed=True, seconds=42)
    assert shown_texts(running) == ["Email [redacted] today"]
    participation.withdraw_own_response(db.session, running.public_id, token, SECRET, sent.id)  # still theirs to take back
    assert responses_in_database() == 0


def test_an_edit_that_adds_personal_data_to_an_approved_response_waits_for_approval_again(running, alice):
    token = joined(running, "Bea")
    sent = send(running, token, "Visit sooner")
    assert shown_texts(running) == ["Visit sooner"]
    participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, "Visit sooner, ring 07700 900123", confirmed=True, now=at(30)
    )
    assert shown_texts(running) == []
    service.approve_response(db.session, running.public_id, alice, sent.id, at(31))
    assert shown_texts(running) == ["Visit sooner, ring 07700 900123"]

    # A typo fixed elsewhere adds nothing the facilitator has not seen: it stays on the screen.
    participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, "Visit much sooner, ring 07700 900123", confirmed=True, now=at(32)
    )
    assert shown_texts(running) == ["Visit much sooner, ring 07700 900123"]
    # Another number is new: it waits again.
    participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, "Visit sooner, ring 07700 900999", confirmed=True, now=at(33)
    )
    assert shown_texts(running) == []


INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\ufeff \ufeff",
    "\u2060\u2060",
    " \t\n \u00a0\u3000",
    "\u202e\u2066\u200f",
    "\u00ad\u180e\u034f",
    "\u3164\u2800",
    "\x00\x1f\u200b",
]


@pytest.mark.parametrize("typed", INVISIBLE, ids=[repr(t) for t in INVISIBLE])
def test_a_reflection_with_no_visible_character_is_refused_with_the_reason(running, typed):
    token = joined(running, "Bea")
    with pytest.raises(SessionError, match="nothing visible|is empty"):
        send(running, token, typed)
    sent = send(running, token, "Fine")
    with pytest.raises(SessionError, match="nothing visible|is empty"):
        participation.edit_own_response(db.session, running.public_id, token, SECRET, sent.id, typed, confirmed=True, now=at(30))
    assert responses_in_database() == 1


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidirectional_controls_are_taken_out_of_every_string_a_person_types(running, alice):
    def tangled(words: str) -> str:
        return "".join(f"{BIDI[i % len(BIDI)]}{char}" for i, char in enumerate(words))

    token = joined(running, tangled("Bea Jones"), tangled("Health visitor"), tangled("0-19 team"))
    sent = send(running, token, tangled("Evil reversed") + " \u202eeurt\u202c")
    scribed = service.add_response(db.session, running.public_id, alice, REFLECTION, 0, tangled("Scribed"), at(30))
    action = service.add_action(db.session, running.public_id, alice, tangled("Do it"), tangled("Jo"), "", at(31))
    person = service.add_attendee(db.session, running.public_id, alice, tangled("Cal"), tangled("GP"), "", at(32))
    participation.edit_own_response(
        db.session, running.public_id, token, SECRET, sent.id, tangled("Edited"), confirmed=False, now=at(33)
    )
    bea = db.session.execute(select(Attendee).where(Attendee.name != "Cal", Attendee.token_hash.is_not(None))).scalar_one()

    stored = [
        db.session.get(Response, sent.id).text, scribed.text, action.what, action.owner, person.name, person.role,
        bea.name, bea.role, bea.organisation,
    ]
    assert stored == ["Edited", "Scribed", "Do it", "Jo", "Cal", "GP", "Bea Jones", "Health visitor", "0-19 team"]
    assert send(running, token, "Sent \u202eeurt\u202c", seconds=40).text == "Sent eurt"


def test_a_name_of_invisible_characters_joins_anonymously_rather_than_as_a_blank_name(running):
    token = joined(running, "\u200b\u2060", "Social worker")
    attendee = db.session.execute(select(Attendee).where(Attendee.token_hash.is_not(None))).scalar_one()
    assert (attendee.name, attendee.role) == ("", "")
    assert token


# --- issue 10: flooding --------------------------------------------------------------------------------------------


def test_an_attendee_sending_more_than_ten_responses_a_minute_is_slowed_until_the_oldest_is_a_minute_old(running):
    token = joined(running, "Bea")
    for n in range(participation.ATTENDEE_RESPONSES[0]):
        send(running, token, f"Reflection {n}", seconds=20 + n)  # 20 s .. 29 s
    with pytest.raises(participation.TooFast, match="Wait 51 seconds, then send it again") as refused:
        send(running, token, "One more", seconds=29)
    assert refused.value.retry_after == 51  # the first one (at 20 s) leaves the minute at 80 s
    assert responses_in_database() == 10
    send(running, joined(running, "Cal"), "Someone else is not slowed", seconds=30)
    assert isinstance(send(running, token, "One more", seconds=80), Response)


def test_a_retried_submission_is_never_counted_twice_and_is_answered_even_when_the_limit_is_reached(running):
    token = joined(running)
    keys = [participation.new_idempotency_key() for _ in range(10)]
    for key in keys:
        for _ in range(3):  # double taps and retries of one form
            send(running, token, "Same words", key=key, anonymous=True)
    assert responses_in_database() == 10
    assert send(running, token, "Same words", key=keys[0], anonymous=True).id  # a late retry is still answered
    with pytest.raises(participation.TooFast):
        send(running, token, "A new one", anonymous=True)


def test_the_flood_counts_name_no_attendee_and_link_no_anonymous_response_to_its_author(running):
    token = joined(running)
    sent = send(running, token, "Anonymous thought", anonymous=True)
    attendee = db.session.execute(select(Attendee).where(Attendee.token_hash.is_not(None))).scalar_one()
    keys = [key for (key,) in db.session.execute(text("SELECT key FROM failed_attempts"))]
    respond = [key for key in keys if key.startswith("flood:respond:")]
    assert len(respond) == 1
    mark = respond[0].removeprefix(f"flood:respond:{running.public_id}:")
    assert mark not in (token, attendee.token_hash, sent.author_key) and token not in respond[0]
    # The counts go once nothing looks at them: a minute later, the next response sweeps the first one's away.
    send(running, token, "Later thought", anonymous=True, seconds=200)
    assert len([k for (k,) in db.session.execute(text("SELECT key FROM failed_attempts")) if "respond" in k]) == 1


def test_more_than_sixty_edits_in_ten_minutes_are_slowed(running):
    token = joined(running, "Bea")
    sent = send(running, token, "Edit 0")
    for n in range(1, participation.ATTENDEE_EDITS[0] + 1):
        participation.edit_own_response(
            db.session, running.public_id, token, SECRET, sent.id, f"Edit {n}", confirmed=False, now=at(30 + n)
        )
    with pytest.raises(participation.TooFast, match="Wait 9 minutes"):  # the first edit (31 s) leaves at 631 s
        participation.edit_own_response(
            db.session, running.public_id, token, SECRET, sent.id, "Edit again", confirmed=False, now=at(100)
        )
    # Saving the same words again changes nothing and is not refused.
    participation.edit_own_response(db.session, running.public_id, token, SECRET, sent.id, "Edit 60", confirmed=False, now=at(101))
    assert db.session.get(Response, sent.id).text == "Edit 60"


def test_a_session_takes_a_limited_number_of_joins_and_of_responses_a_minute_and_of_responses_in_all(running, monkeypatch):
    monkeypatch.setattr(participation, "SESSION_JOINS", (3, participation.SESSION_JOINS[1]))
    for n in range(3):
        joined(running, seconds=10)
    with pytest.raises(participation.TooFast, match="Wait 60 seconds, then join again"):
        joined(running, seconds=10)
    token = joined(running, seconds=71)

    monkeypatch.setattr(participation, "SESSION_JOINS", (100, participation.SESSION_JOINS[1]))
    monkeypatch.setattr(participation, "SESSION_RESPONSES_PER_MINUTE", 3)
    for n in range(3):
        send(running, joined(running, seconds=72), f"Thought {n}", seconds=80 + n)  # 80, 81, 82 s: three people
    with pytest.raises(participation.TooFast, match="Wait 58 seconds") as refused:  # the first leaves at 140 s
        send(running, token, "A fourth, from another person", seconds=82)
    assert refused.value.retry_after == 58

    monkeypatch.setattr(participation, "MOST_RESPONSES", 4)
    send(running, token, "The fourth, a minute later", seconds=141)
    with pytest.raises(SessionError, match="already holds 4 responses"):
        send(running, token, "One too many", seconds=300)


def test_one_browser_joining_again_and_again_is_slowed(running):
    for n in range(participation.DEVICE_JOINS[0]):
        participation.join_session(db.session, running.join_code, "", "", "", at(10 + n), device="phone-1")
    with pytest.raises(participation.TooFast):
        participation.join_session(db.session, running.join_code, "", "", "", at(30), device="phone-1")
    participation.join_session(db.session, running.join_code, "", "", "", at(30), device="phone-2")


def test_the_briefings_own_names_are_not_held_back_but_anyone_elses_are(alice):
    # "Mark and Lloyd" are the names the briefing itself gives: a reflection on them identifies no one new.
    briefing = get_library().get("wandsworth-mark-and-lloyd")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    row = service.start_session(db.session, alice, briefing, template, "Early Help East", at(0))
    step = next(index for index, planned in enumerate(row.plan["steps"]) if planned["collects_responses"])
    service.move(db.session, row.public_id, alice, 0, step, at(5))
    token = joined(row, "Bea")

    def send_here(words):
        return participation.add_own_response(
            db.session, row.public_id, token, SECRET, step=step, question=0, text_typed=words, anonymous=False,
            idempotency_key=participation.new_idempotency_key(), confirmed=False, now=at(20),
        )

    stored = send_here("Mark and Lloyd show how siblings get overlooked; Lloyd's voice was never heard.")
    assert isinstance(stored, Response) and not stored.pending and stored.flagged == ""
    held = send_here("Same as Lloyd's case: the Walker family at home with nobody asking.")
    assert isinstance(held, NeedsCheck) and [(f.kind, f.text) for f in held.findings] == [("name", "Walker")]
    # The console offers Redact for what the check finds, with the same names allowed.
    assert {"mark", "lloyd"} <= record_of(row, at(30)).briefing_names
