"""Running a session through the use cases, on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import get_library
from app.extensions import db
from app.sessions import service
from app.sessions.models import Facilitator, Response
from app.sessions.record import record_of
from app.sessions.service import SessionError
from app.sessions.templates import load_templates

from .support import make_app

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def alice(app):
    facilitator = Facilitator(name="alice")
    facilitator.set_password("correct horse battery")
    db.session.add(facilitator)
    db.session.commit()
    return facilitator


def start(facilitator, briefing_id="wigan-child-3", template_id="seven-minute", team="Early Help East"):
    briefing = get_library().get(briefing_id)
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get(template_id)
    return service.start_session(db.session, facilitator, briefing, template, team, at(0))


def reflection_step(row) -> int:
    return next(i for i, step in enumerate(row.plan["steps"]) if step["collects_responses"])


def test_starting_a_session_stores_a_snapshot_of_the_plan_and_starts_the_clock(alice):
    row = start(alice)
    assert row.status == "running" and row.step == 0
    assert [s["title"] for s in row.plan["steps"]][0] == "Background"
    assert row.plan["briefing"]["title"] == "Child 3"
    assert service.clock_of(row).session_remaining(at(60)) == 7 * 60 - 60


def test_a_repeated_move_from_the_same_step_moves_only_once(alice):
    row = start(alice)
    assert service.move(db.session, row.public_id, alice, 0, 1, at(10)) is True
    assert service.move(db.session, row.public_id, alice, 0, 1, at(11)) is False
    assert service.find_session(db.session, row.public_id).step == 1


def test_moving_to_a_step_out_of_range_is_refused_and_changes_nothing(alice):
    row = start(alice)
    with pytest.raises(SessionError, match="There is no step 9"):
        service.move(db.session, row.public_id, alice, 0, 8, at(10))
    assert service.find_session(db.session, row.public_id).step == 0


def test_scribed_responses_are_kept_per_question_and_a_removed_one_stays_in_the_record(alice):
    row = start(alice)
    step = reflection_step(row)
    kept = service.add_response(db.session, row.public_id, alice, step, 0, "  We rely on phone calls too much ", at(300))
    gone = service.add_response(db.session, row.public_id, alice, step, 1, "Wrong question", at(301))
    service.edit_response(db.session, row.public_id, alice, kept.id, "We rely on phone calls", at(302))
    service.set_response_hidden(db.session, row.public_id, alice, gone.id, True, at(303))

    record = record_of(service.find_session(db.session, row.public_id), at(310))
    questions = record.steps[step].questions
    assert [r.text for r in questions[0].shown_responses] == ["We rely on phone calls"]
    assert questions[1].shown_responses == []
    assert [(r.text, r.hidden) for r in questions[1].responses] == [("Wrong question", True)]


@pytest.mark.parametrize(
    "typed, message",
    [("   ", "The response is empty"), ("x" * 2001, "The response is too long: 2,001 characters; the limit is 2,000.")],
)
def test_an_empty_or_over_long_response_is_refused_with_the_reason(alice, typed, message):
    row = start(alice)
    with pytest.raises(SessionError, match=message):
        service.add_response(db.session, row.public_id, alice, reflection_step(row), 0, typed, at(5))
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_response_on_a_step_that_collects_none_is_refused(alice):
    row = start(alice)
    with pytest.raises(SessionError, match="does not collect responses"):
        service.add_response(db.session, row.public_id, alice, 0, 0, "Hello", at(5))


def test_control_characters_are_removed_and_the_rest_of_the_text_is_kept(alice):
    row = start(alice)
    response = service.add_response(db.session, row.public_id, alice, reflection_step(row), 0, "a\x00b\x1fc\nd", at(5))
    assert response.text == "abc\nd"


def test_actions_attendance_and_head_count_are_recorded(alice):
    row = start(alice)
    service.add_action(db.session, row.public_id, alice, "Review our neglect toolkit use", "Sam Patel", "2027-01-31", at(400))
    service.add_attendee(db.session, row.public_id, alice, "Jo Bloggs", "Social worker", "Children's Social Care", at(10))
    with pytest.raises(SessionError, match="is not a date"):
        service.add_action(db.session, row.public_id, alice, "Something", "", "next week", at(401))
    record = record_of(service.find_session(db.session, row.public_id), at(410))
    assert [(a.what, a.owner, a.due.isoformat()) for a in record.actions] == [
        ("Review our neglect toolkit use", "Sam Patel", "2027-01-31")
    ]
    assert record.attendance == 1
    service.set_head_count(db.session, row.public_id, alice, "12")
    assert record_of(service.find_session(db.session, row.public_id), at(410)).attendance == 12


def test_an_ended_session_refuses_changes_and_keeps_time_spent_per_step(alice):
    row = start(alice)
    service.move(db.session, row.public_id, alice, 0, 1, at(75))
    service.end_session(db.session, row.public_id, alice, at(200))
    with pytest.raises(SessionError, match="has ended"):
        service.add_response(db.session, row.public_id, alice, reflection_step(row), 0, "Late", at(210))
    with pytest.raises(SessionError, match="has ended"):
        service.move(db.session, row.public_id, alice, 1, 2, at(210))
    record = record_of(service.find_session(db.session, row.public_id), at(999))
    assert [round(step.spent_seconds) for step in record.steps][:2] == [75, 125]
    assert record.status == "ended"


def test_a_facilitator_cannot_reach_another_facilitators_session(alice):
    bob = Facilitator(name="bob")
    bob.set_password("another long password")
    db.session.add(bob)
    db.session.commit()
    row = start(alice)
    with pytest.raises(service.SessionNotFound):
        service.pause(db.session, row.public_id, bob, at(5))
    assert service.sessions_of(db.session, bob) == []


def test_deleting_a_session_deletes_everything_in_it(alice):
    row = start(alice)
    service.add_response(db.session, row.public_id, alice, reflection_step(row), 0, "Confidential reflection", at(5))
    service.delete_session(db.session, row.public_id, alice)
    with pytest.raises(service.SessionNotFound):
        service.find_session(db.session, row.public_id)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_deleted_response_text_does_not_linger_in_the_sqlite_files(tmp_path):
    # Always on SQLite, whatever TEST_DATABASE_URL says: this is about SQLite's own files on disk.
    sqlite_app = make_app(tmp_path / "own", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.db'}")
    with sqlite_app.app_context():
        alice = Facilitator(name="alice")
        alice.set_password("correct horse battery")
        db.session.add(alice)
        db.session.commit()
        _add_and_delete_a_response(alice)
    leftovers = [p.name for p in tmp_path.glob("test.db*") if b"UNIQUE-MARKER-7f3a9c" in p.read_bytes()]
    assert leftovers == []
    assert (tmp_path / "test.db").exists()


def _add_and_delete_a_response(alice) -> None:
    row = start(alice)
    marker = "UNIQUE-MARKER-7f3a9c"
    service.add_response(db.session, row.public_id, alice, reflection_step(row), 0, f"{marker} in a reflection", at(5))
    service.delete_session(db.session, row.public_id, alice)
    db.session.remove()
    db.engine.dispose()


def test_concurrent_writers_on_one_session_all_succeed_without_database_is_locked(app, alice):
    row = start(alice)
    step = reflection_step(row)
    public_id, errors = row.public_id, []

    def scribe(n: int) -> None:
        with app.app_context():
            try:
                facilitator = db.session.get(Facilitator, alice.id)
                for i in range(10):
                    service.add_response(db.session, public_id, facilitator, step, 0, f"writer {n} says {i}", at(5))
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scribe, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()  # this test's own session still holds the row as it was before the threads
    assert db.session.scalar(select(func.count()).select_from(Response)) == 60
    assert service.find_session(db.session, public_id).version == 1 + 60


# --- sessions run for a team, read by its managers, and the audit trail ------------------------------------


def _team(name: str, agency: str = "Early help"):
    from app.people import service as people
    from app.people.audit import Actor
    from app.people.models import Agency

    found = db.session.execute(select(Agency).filter_by(name=agency)).scalar_one_or_none()
    agency_id = found.id if found else people.add_agency(db.session, Actor(None, "terminal"), agency, at(0)).id
    return people.add_team(db.session, Actor(None, "terminal"), name, agency_id, "", at(0))


def _account(name: str, roles, teams=()):
    from app.people import service as people
    from app.people.audit import Actor

    return people.create_account(
        db.session, Actor(None, "terminal"), name, "a long enough password", roles, at(0), team_ids=[t.id for t in teams]
    )


def _events(action: str):
    from app.people.models import AuditEvent

    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_a_session_for_one_of_the_facilitators_teams_keeps_the_team_and_its_label(app):
    duty = _team("Duty and assessment")
    fran = _account("fran", ["facilitator"], [duty])
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    row = service.start_session(db.session, fran, briefing, template, "typed but not used", at(0), team_id=duty.id)
    assert (row.team_id, row.team) == (duty.id, "Duty and assessment (Early help)")


def test_a_team_that_is_not_the_facilitators_is_refused_and_nothing_starts(app):
    duty, other = _team("Duty and assessment"), _team("Youth justice")
    fran = _account("fran", ["facilitator"], [duty])
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    for team_id in (other.id, 999_999):
        with pytest.raises(SessionError, match="not one of yours"):
            service.start_session(db.session, fran, briefing, template, "", at(0), team_id=team_id)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(service.BriefingSession)).scalar_one() == 0


def test_a_team_manager_reads_their_teams_sessions_and_changes_none(app):
    duty, other = _team("Duty and assessment"), _team("Youth justice")
    fran = _account("fran", ["facilitator"], [duty])
    mona = _account("mona", ["manager"], [duty])
    otto = _account("otto", ["manager"], [other])
    colleague = _account("cole", ["facilitator"], [duty])  # same team, not a manager
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    for_team = service.start_session(db.session, fran, briefing, template, "", at(0), team_id=duty.id)
    one_off = service.start_session(db.session, fran, briefing, template, "Duty and assessment", at(1))

    assert [row.public_id for row in service.team_sessions(db.session, mona)] == [for_team.public_id]
    assert service.find_readable_session(db.session, for_team.public_id, mona).id == for_team.id
    # A one-off team name is not the team, however it is spelled; other teams' managers and colleagues see nothing.
    for reader, public_id in ((mona, one_off.public_id), (otto, for_team.public_id), (colleague, for_team.public_id)):
        with pytest.raises(service.SessionNotFound):
            service.find_readable_session(db.session, public_id, reader)
    assert service.team_sessions(db.session, otto) == [] and service.team_sessions(db.session, colleague) == []
    # Writes stay the facilitator's own.
    with pytest.raises(service.SessionNotFound):
        service.end_session(db.session, for_team.public_id, mona, at(60))
    db.session.rollback()
    assert service.find_session(db.session, for_team.public_id).status == "running"


def test_starting_ending_redacting_and_deleting_are_in_the_audit_trail_without_what_was_said(app):
    from app.people.audit import Actor

    duty = _team("Duty and assessment")
    fran = _account("fran", ["facilitator"], [duty])
    actor = Actor(fran.id, fran.name, "192.0.2.7")
    briefing = get_library().get("wigan-child-3")
    template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
    row = service.start_session(
        db.session, fran, briefing, template, "", at(0), team_id=duty.id, idempotency_key="k" * 20, actor=actor
    )
    again = service.start_session(  # the same form sent twice starts one session, recorded once
        db.session, fran, briefing, template, "", at(1), team_id=duty.id, idempotency_key="k" * 20, actor=actor
    )
    assert again.id == row.id
    step = reflection_step(row)
    service.move(db.session, row.public_id, fran, 0, step, at(5))
    secret = "Call Jo Bloggs on 07700 900123"
    response_id = service.add_response(db.session, row.public_id, fran, step, 0, secret, at(10)).id
    service.redact_response(db.session, row.public_id, fran, response_id, "07700 900123", at(20), actor=actor)
    service.end_session(db.session, row.public_id, fran, at(30), actor=actor)
    service.end_session(db.session, row.public_id, fran, at(31), actor=actor)  # twice: recorded once
    service.delete_session(db.session, row.public_id, fran, actor=actor, now=at(40))

    named = "Child 3 (Duty and assessment (Early help))"
    started, ended, redacted, deleted = (
        _events(a) for a in ("session-started", "session-ended", "response-redacted", "session-deleted")
    )
    assert [(e.subject, e.actor_id, e.actor_name, e.address, e.at) for e in started] == [
        (named, fran.id, "fran", "192.0.2.7", at(0))
    ]
    assert [(e.subject, e.at) for e in ended] == [(named, at(30))]
    assert [(e.subject, e.detail) for e in redacted] == [
        (f"{named}, response {response_id}", f"step {step + 1}, question 1")
    ]
    assert [(e.subject, e.at) for e in deleted] == [(named, at(40))]
    every = " ".join(f"{e.subject} {e.detail}" for e in started + ended + redacted + deleted)
    assert "Bloggs" not in every and "07700" not in every and "redacted]" not in every


def test_an_event_is_not_kept_when_its_change_is_refused(app):
    from app.people.audit import Actor

    fran = _account("fran", ["facilitator"])
    row = start(fran)
    step = reflection_step(row)
    service.move(db.session, row.public_id, fran, 0, step, at(5))
    response = service.add_response(db.session, row.public_id, fran, step, 0, "Something said", at(10))
    with pytest.raises(SessionError):
        service.redact_response(db.session, row.public_id, fran, response.id, "not there", at(20), actor=Actor(fran.id, "fran"))
    db.session.rollback()
    assert _events("response-redacted") == []
