"""The people use cases (app/people/service.py) on a migrated database: invitations, resets, roles, teams,
deactivation and single sign-on linking, each with its audit event."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.people import audit, service
from app.people.models import AuditEvent, Invitation
from app.people.passwords import password_problem
from app.sessions.models import Facilitator

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
GOOD = "plum-kettle-harbour-42"


@pytest.fixture
def ctx(app):
    with app.app_context():
        admin = service.create_account(db.session, audit.Actor(None, "terminal"), "Ada Admin", GOOD, ["admin", "facilitator"], NOW)
        yield db.session, audit.Actor(admin.id, admin.name, "192.0.2.1")


def actions(dbs):
    return [event.action for event in dbs.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_the_usual_agencies_are_there_after_migrating(ctx):
    dbs, _ = ctx
    names = [agency.name for agency in service.agencies(dbs)]
    assert "Children's social care" in names and "Police" in names and len(names) == 8


def test_an_invitation_makes_the_account_with_its_roles_and_teams_once(ctx):
    dbs, admin = ctx
    agency = service.agencies(dbs)[0]
    team = service.add_team(dbs, admin, "Duty and assessment", agency.id, "North", NOW)
    invitation, token = service.invite(dbs, admin, "Faye Facilitator", "Faye@Council.gov.uk", ["facilitator"], [team.id], NOW)
    assert invitation.email == "faye@council.gov.uk" and token not in invitation.token_hash

    made = service.accept_invitation(dbs, token, "orchard-lantern-19x", NOW + timedelta(days=1))
    assert made.is_facilitator and not made.is_admin and [t.name for t in made.teams] == ["Duty and assessment"]
    with pytest.raises(service.LinkNotValid, match="already been used"):
        service.accept_invitation(dbs, token, "orchard-lantern-19x", NOW + timedelta(days=1))
    assert actions(dbs)[-3:] == ["team-added", "invitation", "invitation-accepted"]


def test_an_invitation_expires_after_seven_days_and_a_weak_password_is_refused(ctx):
    dbs, admin = ctx
    _, token = service.invite(dbs, admin, "Late Person", None, ["manager"], [], NOW)
    with pytest.raises(service.PeopleError, match="common passwords"):
        service.accept_invitation(dbs, token, "password12345", NOW)
    with pytest.raises(service.LinkNotValid, match="expired"):
        service.accept_invitation(dbs, token, GOOD, NOW + timedelta(days=7, seconds=1))
    assert dbs.execute(select(Facilitator).where(Facilitator.name == "Late Person")).first() is None


def test_passwords_must_be_long_uncommon_and_not_the_persons_name():
    assert "at least 12" in password_problem("short")
    assert "common" in password_problem("qwertyuiop123")
    assert "name" in password_problem("sam.patel.2026", name="Sam.Patel")
    assert password_problem(GOOD, name="Sam") is None


def test_a_reset_link_works_once_and_a_newer_one_withdraws_it(ctx):
    dbs, admin = ctx
    person = service.create_account(dbs, admin, "Pat", GOOD, ["facilitator"], NOW)
    _, first = service.reset_link(dbs, admin, person.id, NOW)
    _, second = service.reset_link(dbs, admin, person.id, NOW)
    with pytest.raises(service.LinkNotValid, match="withdrawn"):
        service.use_reset_link(dbs, first, "violet-anchor-7733", NOW)
    service.use_reset_link(dbs, second, "violet-anchor-7733", NOW)
    assert person.check_password("violet-anchor-7733")


def test_the_last_admin_cannot_be_demoted_or_deactivated_and_nobody_deactivates_themselves(ctx):
    dbs, admin = ctx
    with pytest.raises(service.PeopleError, match="only partnership admin"):
        service.change_roles(dbs, admin, admin.account_id, ["facilitator"], NOW)
    with pytest.raises(service.PeopleError, match="your own account"):
        service.deactivate(dbs, admin, admin.account_id, NOW)
    other = service.create_account(dbs, admin, "Bea", GOOD, ["facilitator"], NOW)
    token_before = other.login_token
    service.deactivate(dbs, admin, other.id, NOW)
    assert not other.active and other.login_token != token_before and actions(dbs)[-1] == "deactivated"


def test_single_sign_on_links_an_invited_verified_email_and_nobody_else(ctx):
    dbs, admin = ctx
    service.invite(dbs, admin, "Sso Person", "sso@nhs.net", ["manager"], [], NOW)
    assert service.account_for_sign_on(dbs, "https://idp", "stranger", "who@else.org", True, NOW) is None
    assert service.account_for_sign_on(dbs, "https://idp", "sub-1", "sso@nhs.net", False, NOW) is None
    linked = service.account_for_sign_on(dbs, "https://idp", "sub-1", "SSO@nhs.net", True, NOW)
    assert linked.name == "Sso Person" and linked.is_manager
    # The next sign-in finds the account by its subject, whatever email the provider gives now.
    assert service.account_for_sign_on(dbs, "https://idp", "sub-1", None, False, NOW).id == linked.id
    assert dbs.execute(select(Invitation).where(Invitation.email == "sso@nhs.net")).scalar_one().used_at is not None


def test_making_the_first_admin_before_the_database_is_set_up_says_how_to_set_it_up(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"}, tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["users", "create", "Ada Admin", "--admin"], input="harbour lights at dusk\n")
    assert result.exit_code != 0
    assert "not set up yet" in result.output and "make database" in result.output
    assert "Traceback" not in result.output
