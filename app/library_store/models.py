"""Database rows for the library: one row per briefing, one per saved version, and the library generation.

A briefing is stored as the Markdown text ``app/briefings/files.dump`` writes, the same format as the files in
the briefings folder, so every version reads back through the same parser and `export-folder` writes it as is.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..sessions.models import UTCDateTime

ID_LIMIT = 120  # the same as briefing_sessions.briefing_id
STATUSES = ("draft", "published", "retired")


class StoredBriefingRow(db.Model):
    """A briefing as the library holds it now: its current text, status and review date."""

    __tablename__ = "stored_briefings"

    id: Mapped[str] = mapped_column(String(ID_LIMIT), primary_key=True)  # the briefing's id
    text: Mapped[str] = mapped_column(Text)  # files.dump of the current version
    status: Mapped[str] = mapped_column(String(16))  # draft | published | retired
    # The version facilitators see while the briefing is published: the newest version that passed the
    # checks. A save with problems is kept as the current version without taking the briefing off the shelf.
    live_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer)  # the current version's number
    source_name: Mapped[str] = mapped_column(String(255), default="")  # the file or upload it came from
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # ImportReport.to_dict() of its import
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(80))

    versions: Mapped[list[BriefingVersionRow]] = relationship(
        back_populates="briefing", cascade="all, delete-orphan", passive_deletes=True,
        order_by="BriefingVersionRow.number",
    )


class BriefingVersionRow(db.Model):
    """One saved version: what the briefing said, who saved it, when, and what changed."""

    __tablename__ = "briefing_versions"
    # Two servers saving the same briefing at once cannot both write version N: one of them fails, nothing is lost.
    __table_args__ = (UniqueConstraint("briefing_id", "number", name="uq_briefing_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    briefing_id: Mapped[str] = mapped_column(ForeignKey("stored_briefings.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # the briefing's status once this version was saved
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    saved_by: Mapped[str] = mapped_column(String(80))
    changes: Mapped[list] = mapped_column(JSON)  # sentences: "title changed", "published", ...

    briefing: Mapped[StoredBriefingRow] = relationship(back_populates="versions")


class LibraryGeneration(db.Model):
    """One row whose number goes up with every change to the library, in the same transaction as the change.

    Each app server remembers the number its library was read at and reads the library again when it differs,
    so a publish on one server is in every server's library on their next request. Every change updates this
    row first, which also makes library changes take turns (a row lock on PostgreSQL, the write lock on SQLite).
    """

    __tablename__ = "library_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    value: Mapped[int] = mapped_column(Integer)
