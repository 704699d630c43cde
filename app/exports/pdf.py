"""The PDFs: a handout for a briefing on its own, and the record of a session, rendered by WeasyPrint.

Both are A4, tagged (PDF/UA-1: structure tree, language, title shown in the viewer), with the app's own metadata,
page numbers and a running header. What they show comes from an `ExportContent` (content.py); how it looks lives
beside the templates (templates/print.css).

Safety:
- every string a person typed is escaped by Jinja's autoescaping; briefing text goes through `inline_html` (raw
  HTML off), the only output marked safe;
- WeasyPrint fetches images, stylesheets and attachments through `StaticFilesOnly`, which serves files from the
  app's own static folder and refuses everything else (other files, the network, data: addresses). A normal
  render asks for nothing at all: the print CSS is given as a string, fonts are the system's.

Plain Python, no Flask. The Jinja environment and the parsed stylesheet are made once and reused.
"""

from __future__ import annotations

import mimetypes
import os
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from markupsafe import Markup
import pydyf
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .. import formatting
from ..briefings.markup import inline_html, links_in, plain_text
from . import weasyprint_speedups
from .content import ActionContent, ExportContent, xml_safe

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_FOLDER = Path(__file__).resolve().parents[1] / "static"
GENERATOR = "Briefing Room"
PDF_VARIANT = "pdf/ua-1"
# A response up to this many characters (about six lines) is kept on one page; a longer one may continue on the
# next page rather than move whole and leave a gap.
KEEP_WHOLE = 600


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the static folder; it is logged and left out of the PDF."""


class StaticFilesOnly(URLFetcher):
    """A URL fetcher that serves files inside one folder (the app's static folder) and refuses everything else.

    Other `file:` paths (`..` and symlinks are resolved first), http(s), ftp, data: and every other scheme raise
    `RefusedURL`; the network handlers of the base class are never called and redirects are not followed.
    `requested` and `refused` list the URLs WeasyPrint asked for, in order.
    """

    def __init__(self, static_folder: Path | str = STATIC_FOLDER, **kwargs):
        kwargs.setdefault("allowed_protocols", ("file",))
        super().__init__(allow_redirects=False, **kwargs)
        self.static_folder = os.path.realpath(static_folder)
        self.requested: list[str] = []
        self.refused: list[str] = []

    @property
    def base_url(self) -> str:
        """The static folder's `file://` URL (with its trailing slash, so relative references resolve in it)."""
        return Path(self.static_folder).as_uri() + "/"

    def fetch(self, url, headers=None):
        self.requested.append(url)
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"only the app's static files can be used in a PDF, not {url[:200]!r}")
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(Path(path).as_uri(), body, {"Content-Type": media_type})

    def _static_path(self, url: str) -> str | None:
        """The real path of a file inside the static folder that `url` names, or None."""
        try:
            parts = urlsplit(str(url))
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = os.path.realpath(url2pathname(parts.path))
            if os.path.commonpath([self.static_folder, path]) != self.static_folder or path == self.static_folder:
                return None
            return path if os.path.isfile(path) else None
        except (ValueError, OSError, TypeError):  # NUL bytes, odd ports, paths on other drives
            return None


def _page_references_once_per_page_count(original: property) -> property:
    """pydyf's `PDF.page_references` builds the tuple of every page's reference each time it is read, and
    WeasyPrint's PDF/UA tagging reads it for every line of text: lines × pages work, which made a flooded
    session's 1,000-page record spend seconds on it. The same tuple, built again only when pages were added."""

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        cached = pdf.__dict__.get("_briefing_room_page_references")
        if cached is None or cached[0] != count:
            cached = pdf.__dict__["_briefing_room_page_references"] = (count, original.fget(pdf))
        return cached[1]

    page_references.wrapped = original
    return property(page_references, doc=original.__doc__)


if isinstance(getattr(pydyf.PDF, "page_references", None), property) and not hasattr(
    pydyf.PDF.page_references.fget, "wrapped"
):
    pydyf.PDF.page_references = _page_references_once_per_page_count(pydyf.PDF.page_references)


class _ZlibAtLevel6:
    """pydyf compresses every content stream with `zlib.compressobj(level=9)`. A record's page streams are
    mostly hexadecimal glyph ids, where level 9 takes about five times as long as the default level 6 for a file
    about 8% smaller (a flooded session's record: ~1.3 s of CPU against ~0.3 s). This stands in for the `zlib`
    module inside pydyf only, with the level capped at 6; everything else is the real module."""

    LEVEL = 6

    def compressobj(self, level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(min(level, self.LEVEL) if level >= 0 else level, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(zlib, name)


if getattr(pydyf, "zlib", None) is zlib:
    pydyf.zlib = _ZlibAtLevel6()

# Line breaking and text drawing with less work for the same PDF (see weasyprint_speedups).
weasyprint_speedups.apply()


# --- content the templates need beyond ExportContent ---------------------------------------------------------


@dataclass(frozen=True)
class Embedding:
    """"How we will know the learning is embedded", built from the agreed actions."""

    checks: list[ActionContent]  # dated actions, soonest first: each is a check-by date with its owner
    review_date: date | None  # the latest due date: when the team looks back at everything together
    to_decide: list[tuple[ActionContent, str]]  # actions still needing "an owner", "a date" or both


def embedding(actions: list[ActionContent]) -> Embedding:
    checks = sorted((action for action in actions if action.due), key=lambda action: action.due)
    to_decide = []
    for action in actions:
        missing = [part for part, given in (("an owner", action.owner.strip()), ("a date", action.due)) if not given]
        if missing:
            to_decide.append((action, " and ".join(missing)))
    return Embedding(checks=checks, review_date=checks[-1].due if checks else None, to_decide=to_decide)


def addresses(text: str) -> list[str]:
    """The addresses of the links in inline Markdown that paper would otherwise hide: a link whose text is
    already its address (a bare address in the briefing) and a link with no address ("#") are left out."""
    found = []
    for link in links_in(text):
        href = link.href.strip()
        if not href or href == "#" or href in found:
            continue
        shown = link.text.strip()
        if shown and (shown == href or href.endswith("//" + shown) or href == "mailto:" + shown):
            continue
        found.append(href)
    return found


def _inline(text: str) -> Markup:
    # inline_html renders with raw HTML off: the one string these templates trust.
    return Markup(inline_html(text or ""))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(inline=_inline, plain=plain_text, addresses=addresses)
    # The same formatters the pages use (app/formatting.py), under the same names.
    for name in ("m_ss", "long_day", "long_datetime", "local_time", "local_date", "long_date", "plural", "iso_local"):
        env.filters[name] = getattr(formatting, name)
    return env


@lru_cache(maxsize=1)
def stylesheet() -> CSS:
    fetcher = StaticFilesOnly()
    return CSS(string=(TEMPLATES / "print.css").read_text(encoding="utf-8"), base_url=fetcher.base_url,
               url_fetcher=fetcher)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- the two documents ----------------------------------------------------------------------------------------


def handout_html(content: ExportContent, created: datetime) -> str:
    """The handout's HTML: the briefing in reading order, its questions with space to write, where to learn more."""
    questions = [question for _, question in content.questions]
    asked = {question.text for question in questions}
    # Sections the questions come from: their question items get writing space where they stand.
    asking = {id(section) for step in content.steps if step.questions for section in step.sections}
    placed = {
        text
        for section in content.sections
        if id(section) in asking and section.kind != "resources"
        for text in _section_texts(section)
        if text in asked
    }
    return environment().get_template("handout.html").render(
        content=content,
        briefing=content.briefing,
        created=_aware(created),
        asked=asked,
        other_questions=[question for question in questions if question.text not in placed],
        main_sections=[(section, id(section) in asking) for section in content.sections if section.kind != "resources"],
    )


def record_html(content: ExportContent, created: datetime) -> str:
    """The session record's HTML: who, when, time per step, every shown response, actions and how to check them."""
    if content.session is None:
        raise ValueError("a session record needs a session: use handout_html for a briefing on its own")
    session = content.session
    return environment().get_template("record.html").render(
        content=content,
        briefing=content.briefing,
        session=session,
        created=_aware(created),
        embedding=embedding(session.actions),
        asked_steps=[step for step in content.steps if step.questions],
        added_seconds=sum(max(0, (step.allowed_seconds or 0) - step.planned_seconds) for step in content.steps),
        keep_whole=KEEP_WHOLE,
    )


def handout_pdf(content: ExportContent, *, created: datetime, url_fetcher: StaticFilesOnly | None = None) -> bytes:
    return render_pdf(handout_html(content, created), url_fetcher=url_fetcher)


def record_pdf(content: ExportContent, *, created: datetime, url_fetcher: StaticFilesOnly | None = None) -> bytes:
    return render_pdf(record_html(content, created), url_fetcher=url_fetcher)


def render_pdf(html: str, *, url_fetcher: StaticFilesOnly | None = None) -> bytes:
    """A tagged PDF/UA-1 of `html` with the print stylesheet; resources only from the static folder."""
    fetcher = url_fetcher or StaticFilesOnly()
    # Briefing files are not cleaned like typed text (content.py): drop what XML cannot hold from the lot.
    document = HTML(string=xml_safe(html), base_url=fetcher.base_url, url_fetcher=fetcher)
    try:
        return document.write_pdf(stylesheets=[stylesheet()], pdf_variant=PDF_VARIANT)
    finally:
        weasyprint_speedups.forget()


def _section_texts(section) -> list[str]:
    texts = []
    for block in section.blocks:
        if block.type == "list":
            texts.extend(item.text for item in block.items)
        elif block.type == "paragraph":
            texts.append(block.text)
    return texts
