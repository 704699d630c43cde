"""Thin blueprints: parse the request, call the domain, render a page or its fragment."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import request


def now() -> datetime:
    """The one place the web layer reads the clock; the domain takes `now` as an argument."""
    return datetime.now(timezone.utc)


def is_htmx_fragment_request() -> bool:
    # A history restore asks for the whole page (htmx would otherwise put a fragment where the page belongs).
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
