"""Database models: facilitators, sessions, and what the room said (responses, actions, attendees)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db

RESPONSE_LIMIT = 2000  # characters; a reflection longer than this is refused with the reason
SHORT_TEXT_LIMIT = 200


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no time zone, so store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes only")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def new_public_id() -> str:
    # Sessions are addressed by an unguessable id, never by a counter someone could walk through.
    return secrets.token_urlsafe(12)


class Facilitator(UserMixin, db.Model):
    __tablename__ = "facilitators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changing this signs out every browser signed in as this facilitator (logout, password change).
    login_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: datetime.now(timezone.utc))
    # Roles: a facilitator runs sessions; a library editor adds, edits, publishes and retires briefings.
    # An account can be both.
    is_facilitator: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    is_editor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A partnership admin manages people, agencies, teams and reads the audit trail; a team manager sees their
    # teams' sessions without running them (app/people/roles.py).
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Lower-cased; how an invitation reaches the person and how single sign-on finds their account.
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True, unique=True)
    # A deactivated account cannot sign in; its sessions stay in the record under its name.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Loaded when asked for, not with the account: the signed-in account is loaded on every request, and a
    # console poll's budget is that and one query for the version (tests/test_run_views.py).
    teams: Mapped[list["Team"]] = relationship(  # noqa: F821 (app.people.models)
        secondary="team_memberships", order_by="Team.name", lazy="select", viewonly=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: an inactive account is never signed in
        return self.active

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a current memory-hard algorithm.
        self.password_hash = generate_password_hash(password)
        self.login_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.login_token}"


class BriefingSession(db.Model):
    """One delivery of a briefing to a team, with a snapshot of the plan it ran and the server-kept clock."""

    __tablename__ = "briefing_sessions"
    # The start form's key: the same form sent twice starts one session (see service.start_session).
    __table_args__ = (UniqueConstraint("facilitator_id", "idempotency_key", name="uq_briefing_sessions_idempotency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), index=True)
    briefing_id: Mapped[str] = mapped_column(String(120))
    template_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    team: Mapped[str] = mapped_column(String(SHORT_TEXT_LIMIT), default="")  # as shown: the team's name then
    # The team it was run for, when it was one of the partnership's; None for a one-off team name.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True)
    plan: Mapped[dict] = mapped_column(JSON)  # Plan.to_dict(): the briefing and template as they were
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | ended
    head_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # What attendees type to join (see join.py). Cleared when the session ends, so a code is dead afterwards
    # and unique only among open sessions (both databases allow many NULLs under a unique constraint).
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    # "Review before showing": attendees' responses wait on the console until the facilitator approves them.
    review_first: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped by every change, so screens can ask "anything new since version N?".
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped only by what attendees' pages show (the step, the clock, the status, moderation), so hundreds of
    # phones are not sent a new page every time somebody else adds a response.
    stage_version: Mapped[int] = mapped_column(Integer, default=1)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)

    # The clock (see clock.py): enough to compute every screen's time after a restart.
    step: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paused_in_visit: Mapped[float] = mapped_column(Float, default=0.0)
    paused_total: Mapped[float] = mapped_column(Float, default=0.0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    extra_seconds: Mapped[list] = mapped_column(JSON)
    spent_seconds: Mapped[list] = mapped_column(JSON)

    facilitator: Mapped[Facilitator] = relationship()
    responses: Mapped[list[Response]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True, order_by="Response.id"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True, order_by="Action.id"
    )
    attendees: Mapped[list[Attendee]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True, order_by="Attendee.id"
    )


class Response(db.Model):
    """Something the room said in answer to one question of one step: typed by the scribe or by an attendee.

    An anonymous response has no `attendee_id`: nothing in the database links it to a person. Its author's
    phone finds it again through `author_key`, an HMAC of the phone's secret token (which only the phone holds)
    and the response's own idempotency key, so two anonymous responses by one person are not linked either.
    """

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("session_id", "idempotency_key", name="uq_responses_idempotency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("briefing_sessions.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    question: Mapped[int] = mapped_column(Integer)  # index into the step's questions
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # kept in the record, marked hidden
    pending: Mapped[bool] = mapped_column(Boolean, default=False)  # waiting for the facilitator's approval
    source: Mapped[str] = mapped_column(String(16), default="scribe")  # scribe | attendee
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL"), nullable=True, index=True
    )
    author_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The kinds of personal data (privacy.LABELS keys, comma-separated) its author was warned of and confirmed.
    flagged: Mapped[str] = mapped_column(String(120), default="")
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it first reached the screens (approval, in review mode): the order screens and exports list it in.
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    session: Mapped[BriefingSession] = relationship(back_populates="responses")
    attendee: Mapped[Attendee | None] = relationship()


class Action(db.Model):
    """An action the team agreed: what, who owns it, and by when."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("session_id", "idempotency_key", name="uq_actions_idempotency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("briefing_sessions.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(SHORT_TEXT_LIMIT), default="")
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the action form's key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[BriefingSession] = relationship(back_populates="actions")


class Attendee(db.Model):
    """A person in the attendance register, added by the facilitator or joined from their own phone.

    Someone who joins anonymously has an empty name: they count as joined but are not in the register.
    """

    __tablename__ = "attendees"
    __table_args__ = (UniqueConstraint("session_id", "idempotency_key", name="uq_attendees_idempotency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("briefing_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(SHORT_TEXT_LIMIT), default="")
    # SHA-256 of the secret token in the attendee's cookie; None for people the facilitator added.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    role: Mapped[str] = mapped_column(String(SHORT_TEXT_LIMIT), default="")
    organisation: Mapped[str] = mapped_column(String(SHORT_TEXT_LIMIT), default="")  # team or agency
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the register form's key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[BriefingSession] = relationship(back_populates="attendees")
