"""Tables for the partnership's structure and the audit trail (migration 0006).

Accounts stay in `facilitators` (app/sessions/models.py, the table every session points at); this module adds
what surrounds them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sessions.models import UTCDateTime

NAME_LIMIT = 120


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LIMIT), unique=True)
    # An agency no longer in the partnership's list: kept for its teams' past sessions, not offered for new teams.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    teams: Mapped[list[Team]] = relationship(back_populates="agency", order_by="Team.name")


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("agency_id", "name", name="uq_teams_agency_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LIMIT))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    area: Mapped[str] = mapped_column(String(NAME_LIMIT), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    agency: Mapped[Agency] = relationship(back_populates="teams", lazy="joined")

    @property
    def label(self) -> str:
        """How a team is named where several agencies' teams meet: "Duty and assessment (Children's social care)"."""
        return f"{self.name} ({self.agency.name})"


class TeamMembership(db.Model):
    """An account's teams: a facilitator runs sessions for them, a team manager sees their sessions."""

    __tablename__ = "team_memberships"

    account_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True)


class Invitation(db.Model):
    """A one-time link: an invitation to join (kind "invite", the account is made when it is accepted) or a
    password reset for an existing account (kind "reset"). Only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # invite | reset
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    roles: Mapped[list] = mapped_column(JSON)  # role names (app/people/roles.py)
    team_ids: Mapped[list] = mapped_column(JSON)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("facilitators.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # An admin withdrew it before it was used (or issued a newer one for the same account).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SignOnIdentity(db.Model):
    """An account's identity at an OpenID Connect provider: the issuer and the provider's subject id, which never
    change (an email address can)."""

    __tablename__ = "sign_on_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_sign_on_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(db.Model):
    """One thing someone did: who (account id and the name they had then), when, from which address, what.
    Never what attendees wrote: the subject names a row (a session's title, a response's number), not its text."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_action", "action"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("facilitators.id", ondelete="SET NULL"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="")  # as typed, for a failed sign-in
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))  # app/people/audit.py ACTIONS
    subject: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
