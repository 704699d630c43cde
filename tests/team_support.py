"""Teams and accounts with roles, for tests of who sees what: a team in an agency, accounts made the way the
people service makes them (its roles and team memberships), and a session run for a team."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app import get_library
from app.extensions import db
from app.people import service as people
from app.people.audit import Actor
from app.people.models import Agency
from app.sessions import service
from app.sessions.models import Facilitator
from app.sessions.templates import load_templates
from app.web import now

PASSWORD = "a long enough password"
TERMINAL = Actor(None, "terminal")


def add_team(app, name: str, agency: str = "Early help") -> int:
    """A team (and its agency, when the partnership's list lacks it); its id."""
    with app.app_context():
        found = db.session.execute(select(Agency).filter_by(name=agency)).scalar_one_or_none()
        agency_id = found.id if found else people.add_agency(db.session, TERMINAL, agency, now()).id
        return people.add_team(db.session, TERMINAL, name, agency_id, "", now()).id


def add_account(app, name: str, roles, team_ids=()) -> int:
    with app.app_context():
        return people.create_account(db.session, TERMINAL, name, PASSWORD, list(roles), now(), team_ids=team_ids).id


def account(name: str) -> Facilitator:
    """Inside an app context: the account called `name`."""
    return db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()


def start_for_team(app, owner: str, team_id: int | None, briefing_id: str = "wigan-child-3", team: str = "") -> str:
    """A session `owner` started for one of their teams (or, with team_id None, for a one-off team name)."""
    with app.app_context():
        briefing = get_library().get(briefing_id)
        template = load_templates(Path(current_app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
        row = service.start_session(db.session, account(owner), briefing, template, team, now(), team_id=team_id)
        return row.public_id
