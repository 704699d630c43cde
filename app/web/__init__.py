"""Thin blueprints: parse the request, call the domain, render a page or its fragment."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

from ..numbers import MAX_ID, NotANumber, parse_count


def now() -> datetime:
    """The one place the web layer reads the clock; the domain takes `now` as an argument."""
    return datetime.now(timezone.utc)


def is_htmx_fragment_request() -> bool:
    # A history restore asks for the whole page (htmx would otherwise put a fragment where the page belongs).
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


class IdConverter(BaseConverter):
    """`<id:response_id>`: a row's id in an address. Only ASCII digits within the database's integer range
    match, so '/responses/٣/hide' or an id past 2**31 - 1 is "not found" (404) instead of reaching the
    database. Werkzeug's own `int` converter matches any script's digits (its regex is \\d+)."""

    regex = r"[0-9]{1,10}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        try:
            return parse_count(value, what="id", low=1, high=MAX_ID)
        except NotANumber:
            raise ValidationError() from None

    def to_url(self, value) -> str:
        return str(int(value))


class IndexConverter(IdConverter):
    """`<index:step>`: a position in a list (a step, a question), counted from 0, on the same strict terms."""

    def to_python(self, value: str) -> int:
        try:
            return parse_count(value, what="position", low=0, high=MAX_ID)
        except NotANumber:
            raise ValidationError() from None
