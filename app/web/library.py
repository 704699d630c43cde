"""The briefing library: the list with its filter, one briefing to read, and its JSON.

One route serves a whole page or, for an htmx request, only the fragment that changes; the page includes the
fragment, so its markup exists once (Hypermedia Systems style).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

from .. import get_library
from . import is_htmx_fragment_request, now
from ..briefings.markup import inline_html
from ..briefings.model import kind_label
from .. import formatting

bp = Blueprint("library", __name__)


@dataclass(frozen=True)
class BrokenFile:
    """A briefing file that could not be loaded, as the library page shows it: its name, never a server path."""

    name: str
    problems: list[tuple[int, str]]  # (line, message); line 0 means "the whole file"


@bp.get("/")
def home():
    return redirect(url_for("library.index"))


@bp.get("/briefings")
def index():
    words = request.args.get("q", "").strip()
    theme = request.args.get("theme", "").strip()
    library = get_library()
    context = {
        "briefings": library.search(words, theme),
        "total": len(library.briefings),
        "words": words,
        "theme": theme,
        "filtered": bool(words or theme),
    }
    if is_htmx_fragment_request():
        response = render_template("library/_results.html", **context, oob_count=True)
        # The address bar shows the filter without empty parameters ("?q=&theme=").
        return response, {"HX-Push-Url": filter_url(words, theme), "Vary": "HX-Request"}
    from .editing import overview  # editing's pages use this module's template filters

    page = render_template(
        "library/index.html",
        **context,
        themes=library.themes(),
        broken_files=broken_files(library.problems),
        editor=overview(now().date()),
    )
    return page, {"Vary": "HX-Request"}


@bp.get("/briefings/<briefing_id>")
def briefing(briefing_id: str):
    found = get_library().get(briefing_id)
    if found is None:
        abort(404)
    from .sessions import DEFAULT_TEMPLATE, session_templates  # sessions imports this module's filters

    return render_template(
        "library/briefing.html", briefing=found, templates=session_templates().all(), default_template=DEFAULT_TEMPLATE
    )


@bp.get("/briefings/<briefing_id>.json")
def briefing_json(briefing_id: str):
    briefing = get_library().get(briefing_id)
    if briefing is None:
        return jsonify({"error": f"there is no briefing with the id '{briefing_id}'"}), 404
    return jsonify(briefing.to_dict())


@bp.app_errorhandler(404)
def not_found(error):
    """A 404 page in the site's style; JSON for addresses that ask for JSON."""
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": "not found"}), 404
    return render_template("errors/404.html"), 404


def filter_url(words: str, theme: str) -> str:
    args = {name: value for name, value in (("q", words), ("theme", theme)) if value}
    return url_for("library.index", **args)


# --- presentation helpers --------------------------------------------------------------------------------

# A path ending in a briefing file's name, inside a message ("duplicate id 'x': /srv/briefings/a.md already ...").
_PATH_IN_MESSAGE = re.compile(r"(?:[\w.~-]*[/\\])+([\w.-]+\.md)\b")


def broken_files(problems) -> list[BrokenFile]:
    """Problems grouped by file, each file named without the folders above it."""
    grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for problem in problems:
        name = PurePath(problem.file).name or str(problem.file)
        grouped[name].append((problem.line, _PATH_IN_MESSAGE.sub(r"\1", problem.message)))
    return [BrokenFile(name, sorted(found)) for name, found in grouped.items()]


@bp.app_template_filter("inline")
def inline_filter(text: str) -> Markup:
    """Briefing text as inline HTML: markup.inline_html escapes raw HTML and refuses script addresses."""
    return Markup(inline_html(text))


@bp.app_template_filter("kind_label")
def kind_label_filter(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_test("web_address")
def is_web_address(text: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"']+$", text or "", re.IGNORECASE))


@bp.app_template_test("iso_date")
def is_iso_date(text: str) -> bool:
    return formatting.iso_parts(text) is not None


bp.add_app_template_filter(formatting.long_date, "long_date")
bp.add_app_template_filter(formatting.plural, "plural")
