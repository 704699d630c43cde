"""One export: its content rendered in a format, with the file name it is saved and downloaded under.

The web views and `flask export` both come through here, so a download and a command-line export of the same
thing are the same bytes under the same name. Plain Python, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..briefings.model import Briefing
from ..formatting import local_date
from ..sessions.record import Record
from ..sessions.templates import SessionTemplate
from .content import ExportContent, briefing_content, session_content
from .files import FORMATS, export_name


@dataclass(frozen=True)
class Export:
    name: str  # <briefing-id>_<date>_<session id or template id>.<format>
    data: bytes
    media_type: str


def render(content: ExportContent, file_format: str, *, created: datetime) -> bytes:
    """The deck (pptx), or the PDF: a handout for a briefing, the discussion record for a session."""
    if file_format == "pptx":
        from .deck import build_deck  # imported when used: python-pptx is not needed to serve pages

        return build_deck(content, created=created)
    if file_format == "pdf":
        from . import pdf  # WeasyPrint loads Pango: only when a PDF is asked for

        if content.session is None:
            return pdf.handout_pdf(content, created=created)
        return pdf.record_pdf(content, created=created)
    raise ValueError(f"unknown export format {file_format!r}: use one of {', '.join(FORMATS)}")


def briefing_export(briefing: Briefing, template: SessionTemplate, file_format: str, *, created: datetime) -> Export:
    name = export_name(briefing.id, local_date(created), template.id, file_format)
    data = render(briefing_content(briefing, template), file_format, created=created)
    return Export(name, data, FORMATS[file_format])


def session_export(record: Record, file_format: str, *, created: datetime) -> Export:
    name = export_name(record.briefing["id"], local_date(record.started_at), record.session_id, file_format)
    data = render(session_content(record), file_format, created=created)
    return Export(name, data, FORMATS[file_format])
