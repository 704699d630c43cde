"""Use cases for the partnership's people. Each takes the SQLAlchemy session, who is acting (audit.Actor) and
`now`, records its audit event and commits; a refusal raises PeopleError with a sentence for the form and
changes nothing.

Invitation and reset links carry a random token; only its SHA-256 is stored, so a copy of the database does not
hold working links. A link is usable once, for INVITATION_DAYS, and a newer reset link for an account withdraws
the older ones."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ..sessions.models import Facilitator
from . import audit
from .models import NAME_LIMIT, Agency, Invitation, SignOnIdentity, Team, TeamMembership
from .passwords import password_problem
from .roles import ROLE_NAMES, describe, roles_of, set_roles

INVITATION_DAYS = 7
ACCOUNT_NAME_LIMIT = 80
EMAIL_LIMIT = 254

# The usual agencies of a safeguarding partnership; migration 0006 adds them to a new or upgraded database.
USUAL_AGENCIES = (
    "Children's social care",
    "Early help",
    "Police",
    "Health visiting",
    "Schools",
    "Adult social care",
    "Housing",
    "Voluntary sector",
)


class PeopleError(ValueError):
    """A refusal with the reason, worded for the person at the form. `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class LinkNotValid(PeopleError):
    pass


class UnknownLink(LinkNotValid):
    """A link no invitation or reset ever had (a mistyped or cut-off token), as against one used up or expired:
    the page answers 404 for this one, 410 Gone for the others."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > EMAIL_LIMIT or email.count("@") != 1 or any(char.isspace() for char in email):
        raise PeopleError("Give an email address such as name@council.gov.uk, or leave it empty.", "email")
    local, domain = email.split("@")
    if not local or "." not in domain.strip(".") or domain.startswith(".") or domain.endswith("."):
        raise PeopleError("Give an email address such as name@council.gov.uk, or leave it empty.", "email")
    return email.lower()


def _clean_name(name: str, limit: int, what: str, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PeopleError(f"Give the {what}'s name.", field)
    if len(name) > limit:
        raise PeopleError(f"The {what}'s name is {len(name)} characters: keep it to {limit}.", field)
    return name


# --- agencies and teams ---------------------------------------------------------------------------------------


def agencies(dbs: DbSession, *, active_only: bool = False) -> list[Agency]:
    query = select(Agency).order_by(func.lower(Agency.name))
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(dbs.execute(query).scalars())


def teams(dbs: DbSession, *, active_only: bool = False) -> list[Team]:
    query = select(Team).join(Agency).order_by(func.lower(Agency.name), func.lower(Team.name))
    if active_only:
        query = query.where(Team.active.is_(True), Agency.active.is_(True))
    return list(dbs.execute(query).scalars())


def _agency_named(dbs: DbSession, name: str, *, other_than: int | None = None) -> Agency | None:
    query = select(Agency).where(func.lower(Agency.name) == name.lower())
    if other_than is not None:
        query = query.where(Agency.id != other_than)
    return dbs.execute(query).scalars().first()


def add_agency(dbs: DbSession, actor: audit.Actor, name: str, now: datetime) -> Agency:
    name = _clean_name(name, NAME_LIMIT, "agency")
    if _agency_named(dbs, name) is not None:
        raise PeopleError(f"There is already an agency called '{name}'.", "name")
    agency = Agency(name=name, active=True)
    dbs.add(agency)
    audit.record(dbs, "agency-added", actor, now, subject=name)
    dbs.commit()
    return agency


def change_agency(dbs: DbSession, actor: audit.Actor, agency_id: int, name: str, active: bool, now: datetime) -> Agency:
    agency = dbs.get(Agency, agency_id)
    if agency is None:
        raise PeopleError("There is no such agency.")
    name = _clean_name(name, NAME_LIMIT, "agency")
    if _agency_named(dbs, name, other_than=agency.id) is not None:
        raise PeopleError(f"There is already an agency called '{name}'.", "name")
    changes = []
    if name != agency.name:
        changes.append(f"renamed from '{agency.name}'")
    if active != agency.active:
        changes.append("back in the list" if active else "taken out of the list")
    agency.name, agency.active = name, active
    if changes:
        audit.record(dbs, "agency-changed", actor, now, subject=name, detail="; ".join(changes))
    dbs.commit()
    return agency


def _team_named(dbs: DbSession, agency_id: int, name: str, *, other_than: int | None = None) -> Team | None:
    query = select(Team).where(Team.agency_id == agency_id, func.lower(Team.name) == name.lower())
    if other_than is not None:
        query = query.where(Team.id != other_than)
    return dbs.execute(query).scalars().first()


def _agency_for_team(dbs: DbSession, agency_id: int | None) -> Agency:
    agency = dbs.get(Agency, agency_id) if agency_id else None
    if agency is None:
        raise PeopleError("Choose the team's agency.", "agency")
    return agency


def add_team(dbs: DbSession, actor: audit.Actor, name: str, agency_id: int | None, area: str, now: datetime) -> Team:
    name = _clean_name(name, NAME_LIMIT, "team")
    agency = _agency_for_team(dbs, agency_id)
    area = " ".join((area or "").split())
    if len(area) > NAME_LIMIT:
        raise PeopleError(f"The area is {len(area)} characters: keep it to {NAME_LIMIT}.", "area")
    if _team_named(dbs, agency.id, name) is not None:
        raise PeopleError(f"{agency.name} already has a team called '{name}'.", "name")
    team = Team(name=name, agency_id=agency.id, area=area, active=True)
    dbs.add(team)
    dbs.flush()
    audit.record(dbs, "team-added", actor, now, subject=team.label, detail=f"area: {area}" if area else "")
    dbs.commit()
    return team


def change_team(
    dbs: DbSession, actor: audit.Actor, team_id: int, name: str, agency_id: int | None, area: str, active: bool,
    now: datetime,
) -> Team:
    team = dbs.get(Team, team_id)
    if team is None:
        raise PeopleError("There is no such team.")
    name = _clean_name(name, NAME_LIMIT, "team")
    agency = _agency_for_team(dbs, agency_id)
    area = " ".join((area or "").split())
    if len(area) > NAME_LIMIT:
        raise PeopleError(f"The area is {len(area)} characters: keep it to {NAME_LIMIT}.", "area")
    if _team_named(dbs, agency.id, name, other_than=team.id) is not None:
        raise PeopleError(f"{agency.name} already has a team called '{name}'.", "name")
    before = team.label
    changes = []
    if name != team.name:
        changes.append(f"renamed from '{team.name}'")
    if agency.id != team.agency_id:
        changes.append(f"moved from {team.agency.name}")
    if area != team.area:
        changes.append(f"area: {area or '(none)'}")
    if active != team.active:
        changes.append("back in use" if active else "no longer in use")
    team.name, team.agency_id, team.area, team.active = name, agency.id, area, active
    dbs.flush()
    dbs.refresh(team)
    if changes:
        audit.record(dbs, "team-changed", actor, now, subject=team.label, detail=f"was {before}; " + "; ".join(changes))
    dbs.commit()
    return team


def _teams_by_ids(dbs: DbSession, team_ids) -> list[Team]:
    wanted = sorted({int(team_id) for team_id in team_ids})
    if not wanted:
        return []
    found = list(dbs.execute(select(Team).where(Team.id.in_(wanted))).scalars())
    if len(found) != len(wanted):
        raise PeopleError("One of the teams chosen no longer exists. Reload the page and choose again.", "teams")
    return found


def _check_roles(roles) -> list[str]:
    unknown = set(roles) - set(ROLE_NAMES)
    if unknown:
        raise PeopleError("Choose roles from the list.", "roles")
    roles = [role for role in ROLE_NAMES if role in set(roles)]
    if not roles:
        raise PeopleError("Choose at least one role.", "roles")
    return roles


# --- accounts ---------------------------------------------------------------------------------------------------


def accounts(dbs: DbSession) -> list[Facilitator]:
    return list(dbs.execute(select(Facilitator).order_by(Facilitator.active.desc(), func.lower(Facilitator.name))).scalars())


def account(dbs: DbSession, account_id: int) -> Facilitator:
    found = dbs.get(Facilitator, account_id)
    if found is None:
        raise PeopleError("There is no such account.")
    return found


def account_named(dbs: DbSession, name: str) -> Facilitator | None:
    return dbs.execute(select(Facilitator).where(Facilitator.name == name)).scalar_one_or_none()


def team_ids_of(dbs: DbSession, account_id: int) -> list[int]:
    query = select(TeamMembership.team_id).where(TeamMembership.account_id == account_id)
    return sorted(dbs.execute(query).scalars())


def _name_free(dbs: DbSession, name: str, *, pending_too: bool = True, now: datetime | None = None) -> None:
    if dbs.execute(select(Facilitator.id).where(func.lower(Facilitator.name) == name.lower())).first():
        raise PeopleError(f"There is already an account called '{name}'. Use a name people will tell apart.", "name")
    if pending_too and now is not None and _pending_invitation(dbs, now, name=name) is not None:
        raise PeopleError(f"'{name}' has already been invited and has not accepted yet.", "name")


def _email_free(dbs: DbSession, email: str | None, now: datetime, *, other_than: int | None = None) -> None:
    if email is None:
        return
    query = select(Facilitator.id).where(Facilitator.email == email)
    if other_than is not None:
        query = query.where(Facilitator.id != other_than)
    if dbs.execute(query).first():
        raise PeopleError(f"An account already has the email address {email}.", "email")
    if _pending_invitation(dbs, now, email=email) is not None:
        raise PeopleError(f"{email} has already been invited and has not accepted yet.", "email")


def _pending_invitation(dbs: DbSession, now: datetime, *, name: str | None = None, email: str | None = None):
    query = select(Invitation).where(
        Invitation.kind == "invite",
        Invitation.used_at.is_(None),
        Invitation.withdrawn_at.is_(None),
        Invitation.expires_at > now,
    )
    if name is not None:
        query = query.where(func.lower(Invitation.name) == name.lower())
    if email is not None:
        query = query.where(Invitation.email == email)
    return dbs.execute(query).scalars().first()


def create_account(
    dbs: DbSession, actor: audit.Actor, name: str, password: str, roles, now: datetime, *, email: str | None = None,
    team_ids=(),
) -> Facilitator:
    """An account made at the terminal (`flask users create`) or by accepting an invitation."""
    name = _clean_name(name, ACCOUNT_NAME_LIMIT, "person")
    email = normalise_email(email)
    _name_free(dbs, name)
    if email and dbs.execute(select(Facilitator.id).where(Facilitator.email == email)).first():
        raise PeopleError(f"An account already has the email address {email}.", "email")
    problem = password_problem(password, name=name, email=email)
    if problem:
        raise PeopleError(problem, "password")
    roles = _check_roles(roles)
    teams_chosen = _teams_by_ids(dbs, team_ids)
    new = Facilitator(name=name, email=email, active=True)
    set_roles(new, roles)
    new.set_password(password)
    dbs.add(new)
    dbs.flush()
    for team in teams_chosen:
        dbs.add(TeamMembership(account_id=new.id, team_id=team.id))
    if actor.account_id is None and actor.name == "terminal":
        audit.record(dbs, "account-created", actor, now, subject=name, detail=describe(roles))
    dbs.commit()
    return new


def invite(
    dbs: DbSession, actor: audit.Actor, name: str, email: str | None, roles, team_ids, now: datetime
) -> tuple[Invitation, str]:
    """A one-time invitation link for a new person; returns it with the token (shown once, never stored)."""
    name = _clean_name(name, ACCOUNT_NAME_LIMIT, "person")
    email = normalise_email(email)
    _name_free(dbs, name, now=now)
    _email_free(dbs, email, now)
    roles = _check_roles(roles)
    teams_chosen = _teams_by_ids(dbs, team_ids)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=token_hash(token), kind="invite", name=name, email=email, roles=roles,
        team_ids=[team.id for team in teams_chosen], account_id=None, created_by=actor.account_id, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    dbs.add(invitation)
    team_names = ", ".join(team.label for team in teams_chosen) or "no team"
    audit.record(dbs, "invitation", actor, now, subject=name, detail=f"{describe(roles)}; teams: {team_names}")
    dbs.commit()
    return invitation, token


def pending_invitations(dbs: DbSession, now: datetime) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(Invitation.kind == "invite", Invitation.used_at.is_(None), Invitation.withdrawn_at.is_(None),
               Invitation.expires_at > now)
        .order_by(Invitation.created_at.desc())
    )
    return list(dbs.execute(query).scalars())


def withdraw_invitation(dbs: DbSession, actor: audit.Actor, invitation_id: int, now: datetime) -> None:
    invitation = dbs.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None or invitation.withdrawn_at is not None:
        raise PeopleError("That invitation has already been used or withdrawn.")
    invitation.withdrawn_at = now
    audit.record(dbs, "invitation-withdrawn", actor, now, subject=invitation.name)
    dbs.commit()


def link_for(dbs: DbSession, token: str, now: datetime, kind: str) -> Invitation:
    """The invitation or reset link `token` opens, or LinkNotValid saying why not."""
    found = dbs.execute(select(Invitation).where(Invitation.token_hash == token_hash(token or ""))).scalar_one_or_none()
    what = "invitation" if kind == "invite" else "password reset link"
    if found is None or found.kind != kind:
        raise UnknownLink(f"This {what} is not one we know. Check that you copied the whole link.")
    if found.used_at is not None:
        raise LinkNotValid(f"This {what} has already been used. Sign in, or ask your partnership admin for a new one.")
    if found.withdrawn_at is not None:
        raise LinkNotValid(f"This {what} was withdrawn. Ask your partnership admin for a new one.")
    if found.expires_at <= now:
        raise LinkNotValid(f"This {what} has expired. Ask your partnership admin for a new one.")
    if kind == "reset":
        owner = dbs.get(Facilitator, found.account_id)
        if owner is None or not owner.active:
            raise LinkNotValid("This account has been deactivated. Ask your partnership admin.")
    return found


def accept_invitation(dbs: DbSession, token: str, password: str, now: datetime, address: str = "") -> Facilitator:
    """Make the invited person's account with the password they chose; the link is then used up."""
    invitation = link_for(dbs, token, now, "invite")
    problem = password_problem(password, name=invitation.name, email=invitation.email)
    if problem:
        raise PeopleError(problem, "password")
    new = _account_from_invitation(dbs, invitation, now)
    new.set_password(password)
    audit.record(dbs, "invitation-accepted", audit.Actor(new.id, new.name, address), now, subject=new.name)
    dbs.commit()
    return new


def _account_from_invitation(dbs: DbSession, invitation: Invitation, now: datetime) -> Facilitator:
    # The used_at update is conditional, so two browsers accepting the same link at once make one account.
    claimed = dbs.execute(
        Invitation.__table__.update()
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        dbs.rollback()
        raise LinkNotValid("This invitation has already been used. Sign in, or ask your partnership admin for a new one.")
    if dbs.execute(select(Facilitator.id).where(func.lower(Facilitator.name) == invitation.name.lower())).first():
        dbs.rollback()
        raise LinkNotValid(f"An account called '{invitation.name}' was made since this invitation. Ask your partnership admin.")
    new = Facilitator(name=invitation.name, email=invitation.email, active=True)
    set_roles(new, invitation.roles)
    new.set_password(secrets.token_urlsafe(32))  # replaced by the caller, or unknown to anyone (single sign-on)
    dbs.add(new)
    dbs.flush()
    existing_teams = set(dbs.execute(select(Team.id).where(Team.id.in_(invitation.team_ids or [-1]))).scalars())
    for team_id in invitation.team_ids or []:
        if team_id in existing_teams:
            dbs.add(TeamMembership(account_id=new.id, team_id=team_id))
    return new


def reset_link(dbs: DbSession, actor: audit.Actor, account_id: int, now: datetime) -> tuple[Invitation, str]:
    """A one-time password reset link for an account; any older unused one stops working."""
    target = account(dbs, account_id)
    if not target.active:
        raise PeopleError("Reactivate the account before issuing a reset link.")
    for older in dbs.execute(
        select(Invitation).where(Invitation.kind == "reset", Invitation.account_id == target.id,
                                 Invitation.used_at.is_(None), Invitation.withdrawn_at.is_(None))
    ).scalars():
        older.withdrawn_at = now
    token = secrets.token_urlsafe(32)
    link = Invitation(
        token_hash=token_hash(token), kind="reset", name=target.name, email=target.email, roles=[], team_ids=[],
        account_id=target.id, created_by=actor.account_id, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    dbs.add(link)
    audit.record(dbs, "password-reset-link", actor, now, subject=target.name)
    dbs.commit()
    return link, token


def use_reset_link(dbs: DbSession, token: str, password: str, now: datetime, address: str = "") -> Facilitator:
    link = link_for(dbs, token, now, "reset")
    target = dbs.get(Facilitator, link.account_id)
    problem = password_problem(password, name=target.name, email=target.email)
    if problem:
        raise PeopleError(problem, "password")
    link.used_at = now
    target.set_password(password)  # also signs every browser out (a new login token)
    audit.record(dbs, "password-reset", audit.Actor(target.id, target.name, address), now, subject=target.name)
    dbs.commit()
    return target


def change_own_password(
    dbs: DbSession, who: Facilitator, current: str, new: str, now: datetime, address: str = ""
) -> None:
    if not who.check_password(current or ""):
        raise PeopleError("Your current password is not right.", "current_password")
    problem = password_problem(new, name=who.name, email=who.email)
    if problem:
        raise PeopleError(problem, "new_password")
    who.set_password(new)
    audit.record(dbs, "password-changed", audit.Actor(who.id, who.name, address), now, subject=who.name)
    dbs.commit()


def _admins_left(dbs: DbSession, without: int) -> int:
    query = select(func.count()).select_from(Facilitator).where(
        Facilitator.is_admin.is_(True), Facilitator.active.is_(True), Facilitator.id != without
    )
    return dbs.execute(query).scalar_one()


def change_roles(dbs: DbSession, actor: audit.Actor, account_id: int, roles, now: datetime) -> Facilitator:
    target = account(dbs, account_id)
    roles = _check_roles(roles)
    before = roles_of(target)
    if "admin" in before and "admin" not in roles and _admins_left(dbs, target.id) == 0:
        raise PeopleError("This is the only partnership admin: make someone else an admin first.", "roles")
    if before != roles:
        set_roles(target, roles)
        audit.record(dbs, "roles-changed", actor, now, subject=target.name, detail=f"{describe(before)} → {describe(roles)}")
    dbs.commit()
    return target


def change_teams(dbs: DbSession, actor: audit.Actor, account_id: int, team_ids, now: datetime) -> Facilitator:
    target = account(dbs, account_id)
    chosen = _teams_by_ids(dbs, team_ids)
    before = set(team_ids_of(dbs, target.id))
    after = {team.id for team in chosen}
    if before != after:
        for membership in dbs.execute(select(TeamMembership).where(TeamMembership.account_id == target.id)).scalars():
            if membership.team_id not in after:
                dbs.delete(membership)
        for team_id in sorted(after - before):
            dbs.add(TeamMembership(account_id=target.id, team_id=team_id))
        dbs.flush()
        dbs.expire(target, ["teams"])
        names = ", ".join(team.label for team in sorted(chosen, key=lambda team: team.label)) or "no team"
        audit.record(dbs, "teams-changed", actor, now, subject=target.name, detail=f"now: {names}")
    dbs.commit()
    return target


def set_email(dbs: DbSession, actor: audit.Actor, account_id: int, email: str | None, now: datetime) -> Facilitator:
    target = account(dbs, account_id)
    email = normalise_email(email)
    _email_free(dbs, email, now, other_than=target.id)
    target.email = email
    dbs.commit()
    return target


def deactivate(dbs: DbSession, actor: audit.Actor, account_id: int, now: datetime) -> Facilitator:
    target = account(dbs, account_id)
    if target.id == actor.account_id:
        raise PeopleError("You cannot deactivate your own account: ask another partnership admin.")
    if target.is_admin and _admins_left(dbs, target.id) == 0:
        raise PeopleError("This is the only partnership admin: make someone else an admin first.")
    if target.active:
        target.active = False
        target.deactivated_at = now
        target.login_token = secrets.token_hex(16)  # every browser signed in as them is signed out
        audit.record(dbs, "deactivated", actor, now, subject=target.name)
    dbs.commit()
    return target


def reactivate(dbs: DbSession, actor: audit.Actor, account_id: int, now: datetime) -> Facilitator:
    target = account(dbs, account_id)
    if not target.active:
        target.active = True
        target.deactivated_at = None
        audit.record(dbs, "reactivated", actor, now, subject=target.name)
    dbs.commit()
    return target


# --- single sign-on ----------------------------------------------------------------------------------------------


def account_for_sign_on(
    dbs: DbSession, issuer: str, subject: str, email: str | None, email_verified: bool, now: datetime,
    address: str = "",
) -> Facilitator | None:
    """The account an OpenID Connect sign-in belongs to, or None for a stranger (no account is ever made for one).

    Known (issuer, subject): that account. Otherwise a verified email that an active account has, or that a
    pending invitation was sent to, links this identity to the account (accepting the invitation). An unverified
    email links nothing: anyone can put any address on an account at some providers."""
    identity = dbs.execute(
        select(SignOnIdentity).where(SignOnIdentity.issuer == issuer, SignOnIdentity.subject == subject)
    ).scalar_one_or_none()
    if identity is not None:
        return dbs.get(Facilitator, identity.account_id)
    try:
        email = normalise_email(email)
    except PeopleError:
        email = None
    if email is None or not email_verified:
        return None
    found = dbs.execute(select(Facilitator).where(Facilitator.email == email)).scalar_one_or_none()
    if found is None:
        invitation = _pending_invitation(dbs, now, email=email)
        if invitation is None:
            return None
        found = _account_from_invitation(dbs, invitation, now)
        audit.record(dbs, "invitation-accepted", audit.Actor(found.id, found.name, address), now, subject=found.name,
                     detail="by single sign-on")
    dbs.add(SignOnIdentity(account_id=found.id, issuer=issuer, subject=subject, linked_at=now))
    dbs.commit()
    return found
