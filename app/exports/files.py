"""Export files: their readable names, atomic writes into EXPORTS_DIR, and removal with their session.

A file is written to a temporary name in the same folder and renamed over the final name (`os.replace` is
atomic on one file system), so anyone reading EXPORTS_DIR — a person, a sync job, a web server — sees either
the old complete file or the new complete file, never half of one. Files are created readable by the app's own
user only (mkstemp's 0600): a session record holds what a team said.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
# Briefing and template ids (lowercase and hyphens) and session ids (URL-safe base64: letters, digits, - and _).
_NAME_PART = re.compile(r"^[A-Za-z0-9_-]+$")


def export_name(briefing_id: str, day: date, label: str, file_format: str) -> str:
    """`<briefing-id>_<date>_<label>.<format>`: label is the session's id, or the template's for a briefing."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}: use one of {', '.join(FORMATS)}")
    for part in (briefing_id, label):
        # Ids are validated where they are made; this is the last guard against a path in a file name.
        if not _NAME_PART.match(part):
            raise ValueError(f"{part!r} cannot be part of a file name")
    return f"{briefing_id}_{day.isoformat()}_{label}.{file_format}"


def write_atomically(target: Path, data: bytes) -> Path:
    """Write `data` to `target` so that the file is never seen half-written; returns `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def remove_session_exports(folder: Path | str, session_id: str) -> list[Path]:
    """Delete every export of one session (its deck and its record); returns what was removed."""
    folder = Path(folder)
    if not folder.is_dir() or not _NAME_PART.match(session_id):
        return []
    # Exactly `<briefing-id>_<date>_<this session's id>.<format>`: an id with "_" in it must not match the end of
    # another session's name.
    mine = re.compile(rf"^[a-z0-9-]+_\d{{4}}-\d{{2}}-\d{{2}}_{re.escape(session_id)}\.({'|'.join(FORMATS)})$")
    removed = []
    for path in folder.iterdir():
        if mine.match(path.name):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed

