"""The library store's use cases: drafts, saves with versions, publish, retire, review-by dates, history.

The database is the library's source of truth: several app servers share one PostgreSQL database, and a
briefing published through one of them must be in every server's library at once. Each use case is one
transaction that starts by bumping the library generation (models.LibraryGeneration): that takes the
library's write turn (a row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so two editors saving at once on
two servers take turns and neither loses a version, and it tells every server's cache to read the library
again.

A briefing is kept as the text ``files.dump`` writes; every version reads back through the same parser as
the files in the briefings folder, so a version is exactly what `export-folder` would write.

``by`` is the Facilitator row of the account doing it, a name (the seed uses "shipped file"), or None for the
command line.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..briefings import files
from ..briefings.files import Problem
from ..briefings.library import Library, load_library
from ..briefings.model import Briefing, Section
from ..extensions import db
from ..sessions.service import begin_write
from .models import ID_LIMIT, BriefingVersionRow, LibraryGeneration, StoredBriefingRow

SHIPPED_FILE = "shipped file"  # `updated_by` of the briefings the seed added from the briefings folder
FOLDER = "briefings folder"  # `updated_by` of `flask briefings import-folder`
COMMAND_LINE = "command line"
FRONT_MATTER_NAMES = {
    "title": "title",
    "publisher": "publisher",
    "review_type": "review type",
    "themes": "themes",
    "source": "source",
    "date": "date",
}


class NotFound(Exception):
    """There is no briefing (or no such version of it) with that id."""


class StaleVersion(Exception):
    """Someone saved the briefing after the version this change was based on: reload and make it again."""

    def __init__(self, current_version: int):
        super().__init__(
            f"Someone else saved this briefing since you opened it (it is now at version {current_version}). "
            "Open it again to see their changes, then make yours."
        )
        self.current_version = current_version


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # save(report=KEEP): keep the stored import report as it is


# --- read models -------------------------------------------------------------------------------------------


@dataclass
class StoredBriefing:
    id: str
    briefing: Briefing  # the current version (what editors see and edit)
    status: str  # "draft" | "published" | "retired"
    review_by: date | None
    version: int
    updated_at: datetime
    updated_by: str  # account name, "shipped file", "briefings folder" or "command line"
    source_name: str
    report: object | None  # ImportReport of the import a draft was made from, None otherwise
    # The version facilitators see while it is published: the newest version that passed the checks. It is
    # behind `version` when a later save still has problems.
    live_version: int | None = None

    def due_for_review(self, today: date) -> bool:
        return self.status != "retired" and self.review_by is not None and self.review_by <= today

    @property
    def is_live_behind(self) -> bool:
        """Published, but facilitators still see an older version because the newest one has problems."""
        return self.status == "published" and self.live_version is not None and self.live_version != self.version


@dataclass
class VersionInfo:
    number: int
    saved_at: datetime
    saved_by: str
    status: str
    changes: list[str]


@dataclass
class FolderImport:
    """What `import_folder` (and the seed) did with a folder of briefing files."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------------------


def _ready() -> Session:
    """The request's session, once the briefings folder has seeded the database in this process."""
    from flask import current_app

    cache = current_app.extensions.get("briefing_library")
    if cache is not None:
        cache.seed_once(db.engine)
    return db.session


def file_name(briefing_id: str) -> str:
    """The file a briefing is written to by `export-folder`, and the name its problems are reported under."""
    return f"{briefing_id}.md"


def read_text(text: str, briefing_id: str) -> Briefing:
    """A stored version as a Briefing, read by the briefing files' parser (a draft may still have problems)."""
    briefing, _ = files.parse_text_and_problems(text, file_name(briefing_id), default_id=briefing_id)
    briefing.id = briefing_id
    briefing.path = file_name(briefing_id)
    return briefing


def text_of(briefing: Briefing, briefing_id: str) -> str:
    stored = copy.copy(briefing)
    stored.id = briefing_id
    return files.dump(stored)


def _by_name(by) -> str:
    if by is None:
        return COMMAND_LINE
    if isinstance(by, str):
        return by
    return by.name


def _report_of(data: dict | None):
    if data is None:
        return None
    try:  # the importer's package, once it replaces importer.py
        from ..briefings.importing import ImportReport  # type: ignore[import-not-found]
    except ImportError:
        from ..briefings.importer import ImportReport
    if hasattr(ImportReport, "from_dict"):
        return ImportReport.from_dict(data)
    return ImportReport(
        sections=[(s["kind"], s["heading"], s["how"]) for s in data.get("sections", [])],
        unclassified_headings=list(data.get("unclassified_headings", [])),
        checks=list(data.get("checks", [])),
    )


def _stored(row: StoredBriefingRow) -> StoredBriefing:
    return StoredBriefing(
        id=row.id,
        briefing=read_text(row.text, row.id),
        status=row.status,
        review_by=row.review_by,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        source_name=row.source_name,
        report=_report_of(row.report),
        live_version=row.live_version,
    )


def all_briefings() -> list[StoredBriefing]:
    """Every briefing in every status, for editors: by publisher, then title."""
    rows = _ready().execute(select(StoredBriefingRow).execution_options(populate_existing=True)).scalars()
    stored = [_stored(row) for row in rows]
    return sorted(stored, key=lambda s: (s.briefing.publisher.casefold(), s.briefing.title.casefold(), s.id))


def get(briefing_id: str) -> StoredBriefing | None:
    row = _ready().get(StoredBriefingRow, briefing_id, populate_existing=True)
    return _stored(row) if row is not None else None


def unique_id(candidate: str) -> str:
    """`candidate` (made a valid id), or candidate-2, -3, ... when a briefing of any status already has it."""
    return _unique_id(_ready(), candidate)


def _unique_id(dbs: Session, candidate: str) -> str:
    base = candidate if files.ID_PATTERN.match(candidate or "") else _slugify(candidate or "")
    base = (base or "briefing")[: ID_LIMIT - 4].rstrip("-")
    taken = set(
        dbs.execute(
            select(StoredBriefingRow.id).where(
                (StoredBriefingRow.id == base) | StoredBriefingRow.id.startswith(base + "-", autoescape=True)
            )
        ).scalars()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _slugify(text: str) -> str:
    try:
        from ..briefings.importing import slugify  # type: ignore[import-not-found]
    except ImportError:
        from ..briefings.importer import slugify
    return slugify(text)


def check(briefing: Briefing) -> list[Problem]:
    """The problems `flask briefings check` would report for this briefing written as a file: [] when none.

    Each problem names the file `export-folder` would write and the line in it; `problem_place` says which
    field or section a problem concerns.
    """
    text = files.dump(briefing)
    _, problems = files.parse_text_and_problems(text, file_name(briefing.id), default_id=briefing.id)
    return problems


def problem_place(briefing: Briefing, problem: Problem) -> tuple[str, int | None]:
    """Where a problem from check() belongs: ("title" | "themes" | ..., None) for a front matter field,
    ("section", index) for a section (0-based), ("", None) for the briefing as a whole."""
    text = files.dump(briefing)
    lines = text.split("\n")
    end = lines.index("---", 1) if "---" in lines[1:] else 0
    if 1 < problem.line <= end:
        name = lines[problem.line - 1].split(":", 1)[0].strip()
        return name, None
    section_lines = [number for number, line in enumerate(lines, start=1) if line.startswith("## ")]
    index = None
    for position, start in enumerate(section_lines):
        if problem.line >= start:
            index = position
    if index is not None:
        return "section", index
    if "title" in problem.message:
        return "title", None
    return "", None


def history(briefing_id: str) -> list[VersionInfo]:
    """Every version of a briefing, newest first."""
    if _ready().get(StoredBriefingRow, briefing_id) is None:
        raise NotFound(briefing_id)
    rows = _ready().execute(
        select(BriefingVersionRow)
        .where(BriefingVersionRow.briefing_id == briefing_id)
        .order_by(BriefingVersionRow.number.desc())
    ).scalars()
    return [VersionInfo(r.number, r.saved_at, r.saved_by, r.status, list(r.changes)) for r in rows]


def version(briefing_id: str, number: int) -> Briefing:
    row = _version_row(_ready(), briefing_id, number)
    return read_text(row.text, briefing_id)


def _version_row(dbs: Session, briefing_id: str, number: int) -> BriefingVersionRow:
    row = dbs.execute(
        select(BriefingVersionRow).where(
            BriefingVersionRow.briefing_id == briefing_id, BriefingVersionRow.number == number
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{briefing_id} version {number}")
    return row


# --- what changed -------------------------------------------------------------------------------------------


def describe_changes(old: Briefing, new: Briefing) -> list[str]:
    """What an editor changed, in sentences for the history: "title changed", "section 3 text changed", ..."""
    changes = [
        f"{name} changed"
        for attribute, name in FRONT_MATTER_NAMES.items()
        if getattr(old, attribute) != getattr(new, attribute)
    ]
    before = [_section_text(section) for section in old.sections]
    after = [_section_text(section) for section in new.sections]
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(old_end - old_start, new_end - new_start) if tag == "replace" else 0
        for offset in range(paired):
            changes += _section_changes(new_start + offset, old.sections[old_start + offset], new.sections[new_start + offset])
        for index in range(old_start + paired, old_end):
            changes.append(f"section {index + 1} '{old.sections[index].label}' removed")
        for index in range(new_start + paired, new_end):
            changes.append(f"section {index + 1} '{new.sections[index].label}' added")
    return changes


def _section_text(section: Section) -> str:
    return files.dump(Briefing(id="x", title="x", sections=[section]))


def _section_changes(index: int, old: Section, new: Section) -> list[str]:
    where = f"section {index + 1}"
    changes = []
    if old.kind != new.kind:
        changes.append(f"{where} '{new.label}' kind: {old.kind} -> {new.kind}")
    if old.heading != new.heading:
        changes.append(f"{where} heading: '{old.heading}' -> '{new.heading}'")
    if old.number != new.number:
        changes.append(f"{where} number: {old.number} -> {new.number}")
    old_blocks = _section_text(Section(kind="other", heading="", blocks=old.blocks))
    new_blocks = _section_text(Section(kind="other", heading="", blocks=new.blocks))
    if old_blocks != new_blocks:
        changes.append(f"{where} text changed")
    return changes


# --- writing ------------------------------------------------------------------------------------------------


def _begin_library_write(dbs: Session) -> None:
    """Take the library's write turn and bump its generation: the first statement of every change."""
    begin_write(dbs)
    dbs.execute(update(LibraryGeneration).where(LibraryGeneration.id == 1).values(value=LibraryGeneration.value + 1))


def _locked_row(dbs: Session, briefing_id: str) -> StoredBriefingRow:
    row = dbs.get(StoredBriefingRow, briefing_id, populate_existing=True)
    if row is None:
        dbs.rollback()
        raise NotFound(briefing_id)
    return row


def _add_version(
    dbs: Session, row: StoredBriefingRow, *, text: str, status: str, by: str, now: datetime, changes: list[str]
) -> None:
    number = row.version + 1
    dbs.add(
        BriefingVersionRow(
            briefing_id=row.id, number=number, text=text, status=status, saved_at=now, saved_by=by, changes=changes
        )
    )
    row.text = text
    row.status = status
    row.version = number
    row.updated_at = now
    row.updated_by = by


def _new_row(
    dbs: Session, briefing: Briefing, *, status: str, by: str, now: datetime, source_name: str, report: dict | None,
    changes: list[str],
) -> StoredBriefingRow:
    text = text_of(briefing, briefing.id)
    row = StoredBriefingRow(
        id=briefing.id, text=text, status=status, live_version=1 if status == "published" else None, review_by=None,
        version=1, source_name=source_name[:255], report=report, updated_at=now, updated_by=by,
    )
    dbs.add(row)
    dbs.add(
        BriefingVersionRow(
            briefing_id=briefing.id, number=1, text=text, status=status, saved_at=now, saved_by=by, changes=changes
        )
    )
    return row


def _finish(dbs: Session, row: StoredBriefingRow) -> StoredBriefing:
    dbs.commit()
    _forget_request_library()
    return _stored(row)


def create_draft(briefing: Briefing, *, by, now: datetime, source_name: str = "", report=None) -> StoredBriefing:
    """A new draft (version 1) only editors see; its id is made unique among every briefing."""
    dbs = _ready()
    _begin_library_write(dbs)
    stored = copy.copy(briefing)
    stored.id = _unique_id(dbs, briefing.id or _slugify(briefing.title))
    changes = [f"imported from {source_name}" if source_name else "created"]
    row = _new_row(
        dbs, stored, status="draft", by=_by_name(by), now=now, source_name=source_name,
        report=report.to_dict() if report is not None else None, changes=changes,
    )
    return _finish(dbs, row)


def save(briefing_id: str, briefing: Briefing, *, by, now: datetime, base_version: int | None = None,
         report=KEEP) -> StoredBriefing:
    """Save a new version. Raises StaleVersion when `base_version` is given and someone saved since.

    A saved published briefing shows to facilitators at once when it passes the checks; when it does not,
    they keep seeing the last version that did (``live_version``) until the problems are fixed.
    Saving what is already stored adds no version.
    """
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    if base_version is not None and base_version != row.version:
        dbs.rollback()
        raise StaleVersion(row.version)
    text = text_of(briefing, briefing_id)
    new_report = row.report if report is KEEP else (report.to_dict() if report is not None else None)
    if text == row.text and new_report == row.report:
        dbs.rollback()
        return _stored(row)
    changes = describe_changes(read_text(row.text, briefing_id), read_text(text, briefing_id))
    if new_report != row.report:
        changes.append("import report removed" if new_report is None else "import report replaced")
    _record_save(dbs, row, text=text, by=_by_name(by), now=now, changes=changes)
    row.report = new_report
    return _finish(dbs, row)


def _record_save(dbs: Session, row: StoredBriefingRow, *, text: str, by: str, now: datetime, changes: list[str]) -> None:
    live = row.status == "published" and not check(read_text(text, row.id))
    if row.status == "published" and not live:
        changes = [*changes, f"not shown to facilitators until its problems are fixed (they see version {row.live_version})"]
    _add_version(dbs, row, text=text, status=row.status, by=by, now=now, changes=changes)
    if live:
        row.live_version = row.version


def publish(briefing_id: str, *, by, now: datetime) -> list[Problem]:
    """Publish the current version: [] and it is in every facilitator's library, or its problems and nothing
    changes."""
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    problems = check(read_text(row.text, briefing_id))
    if problems or (row.status == "published" and row.live_version == row.version):
        dbs.rollback()
        return problems
    _add_version(dbs, row, text=row.text, status="published", by=_by_name(by), now=now, changes=["published"])
    row.live_version = row.version
    _finish(dbs, row)
    return []


def retire(briefing_id: str, *, by, now: datetime) -> StoredBriefing:
    """Take a briefing off the shelf: hidden from the library and the start form; past sessions keep their
    own copy of it."""
    return _change_status(briefing_id, "retired", "retired", by=by, now=now)


def reinstate(briefing_id: str, *, by, now: datetime) -> StoredBriefing:
    """Undo retire: published again when it had been published, a draft otherwise."""
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    if row.status != "retired":
        dbs.rollback()
        return _stored(row)
    status = "published" if row.live_version is not None else "draft"
    _add_version(dbs, row, text=row.text, status=status, by=_by_name(by), now=now, changes=["reinstated"])
    return _finish(dbs, row)


def _change_status(briefing_id: str, status: str, change: str, *, by, now: datetime) -> StoredBriefing:
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    if row.status == status:
        dbs.rollback()
        return _stored(row)
    _add_version(dbs, row, text=row.text, status=status, by=_by_name(by), now=now, changes=[change])
    return _finish(dbs, row)


def set_review_by(briefing_id: str, review_by: date | None, *, by, now: datetime) -> StoredBriefing:
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    if row.review_by == review_by:
        dbs.rollback()
        return _stored(row)
    change = f"review by {review_by.isoformat()}" if review_by else "review-by date removed"
    _add_version(dbs, row, text=row.text, status=row.status, by=_by_name(by), now=now, changes=[change])
    row.review_by = review_by
    return _finish(dbs, row)


def restore(briefing_id: str, number: int, *, by, now: datetime) -> StoredBriefing:
    """A new version whose text is that of version `number` (published at once when it passes the checks)."""
    dbs = _ready()
    _begin_library_write(dbs)
    row = _locked_row(dbs, briefing_id)
    try:
        old = _version_row(dbs, briefing_id, number)
    except NotFound:
        dbs.rollback()
        raise
    changes = [f"restored version {number}"]
    changes += describe_changes(read_text(row.text, briefing_id), read_text(old.text, briefing_id))
    _record_save(dbs, row, text=old.text, by=_by_name(by), now=now, changes=changes)
    return _finish(dbs, row)


# --- the briefings folder -----------------------------------------------------------------------------------


def import_folder(folder: Path | str, *, by=FOLDER, now: datetime) -> FolderImport:
    """Load a folder of briefing files: new ids are added as published, changed ones saved as a new version.

    A file equal to what is stored (or to what facilitators see) changes nothing, so `export-folder` then
    `import-folder` is a no-op. Broken files are reported with their file and line; the rest load.
    """
    return _load_folder(_ready(), Path(folder), by=_by_name(by), now=now, update_existing=True)


def seed_from_folder(dbs: Session, folder: Path | str, *, now: datetime) -> FolderImport:
    """Add every briefing file whose id is not in the database yet, as published; never overwrite one that is
    (edits made in the browser win). Safe to run from many processes at once."""
    return _load_folder(dbs, Path(folder), by=SHIPPED_FILE, now=now, update_existing=False)


def _load_folder(dbs: Session, folder: Path, *, by: str, now: datetime, update_existing: bool) -> FolderImport:
    library = load_library(folder)
    result = FolderImport(problems=list(library.problems))
    wanted = library.briefings
    if not wanted:
        return result
    known = set(dbs.execute(select(StoredBriefingRow.id).where(StoredBriefingRow.id.in_(wanted))).scalars())
    dbs.rollback()
    if not update_existing and known >= set(wanted):
        result.unchanged = sorted(wanted)
        return result  # the usual start: nothing to add, nothing written
    _begin_library_write(dbs)
    # Read again inside the write turn: another process may have added some since.
    rows = {
        row.id: row
        for row in dbs.execute(
            select(StoredBriefingRow).where(StoredBriefingRow.id.in_(wanted)).execution_options(populate_existing=True)
        ).scalars()
    }
    for briefing_id in sorted(wanted):
        briefing = wanted[briefing_id]
        source = briefing.path or file_name(briefing_id)
        row = rows.get(briefing_id)
        if row is None:
            _new_row(dbs, briefing, status="published", by=by, now=now, source_name=source, report=None,
                     changes=[f"added from the file {source}"])
            result.added.append(briefing_id)
            continue
        text = text_of(briefing, briefing_id)
        live_text = row.text if row.live_version in (None, row.version) else _version_row(dbs, row.id, row.live_version).text
        if not update_existing or text in (row.text, live_text):
            result.unchanged.append(briefing_id)
            continue
        changes = describe_changes(read_text(row.text, briefing_id), briefing) or ["saved"]
        _record_save(dbs, row, text=text, by=by, now=now, changes=[f"updated from the file {source}", *changes])
        result.updated.append(briefing_id)
    if result.added or result.updated:
        dbs.commit()
        _forget_request_library()
    else:
        dbs.rollback()
    return result


def export_folder(folder: Path | str) -> list[Path]:
    """Write every published briefing, as facilitators see it, to `folder` as <id>.md; returns the files.

    Drafts and retired briefings stay in the database: the folder is what ships and what a new
    installation is seeded with, and a file there would be published by the next `import-folder`.
    """
    from ..exports.files import write_atomically

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for briefing_id, text in _live_texts(_ready()):
        target = folder / file_name(briefing_id)
        write_atomically(target, text.encode("utf-8"))
        written.append(target)
    return written


# --- what facilitators see ----------------------------------------------------------------------------------


def generation(dbs: Session) -> int:
    return dbs.execute(select(LibraryGeneration.value).where(LibraryGeneration.id == 1)).scalar_one()


def _live_texts(dbs: Session) -> list[tuple[str, str]]:
    """(id, text) of the version facilitators see of every published briefing, by id."""
    query = (
        select(StoredBriefingRow.id, BriefingVersionRow.text)
        .join(
            BriefingVersionRow,
            (BriefingVersionRow.briefing_id == StoredBriefingRow.id)
            & (BriefingVersionRow.number == StoredBriefingRow.live_version),
        )
        .where(StoredBriefingRow.status == "published")
        .order_by(StoredBriefingRow.id)
    )
    return [(briefing_id, text) for briefing_id, text in dbs.execute(query)]


def published_library(
    dbs: Session, folder: Path | str, problems: list[Problem], previous: Library | None = None
) -> Library:
    """A Library of the published briefings (search, themes, problems as the folder library had them).

    Briefings whose text is the same as in `previous` are taken from it rather than parsed again, so a change
    to one briefing costs one parse, however large the library.
    """
    library = Library(folder=Path(folder), problems=list(problems))
    known = previous.texts if previous is not None else {}
    for briefing_id, text in _live_texts(dbs):
        unchanged = known.get(briefing_id) == text and previous is not None
        library.briefings[briefing_id] = previous.briefings[briefing_id] if unchanged else read_text(text, briefing_id)
        library.texts[briefing_id] = text
    return library


def _forget_request_library() -> None:
    """After a change, this request's next get_library() reads the library again (see app.get_library)."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("briefing_library", None)
