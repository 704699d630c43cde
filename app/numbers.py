"""Numbers from outside (form fields, query parameters, addresses): one parser, ASCII digits only, in range.

Python's int() is too generous for text that anybody can send: it accepts other scripts' digits ('٣' is 3),
underscores ('1_000'), surrounding whitespace of any kind, and raises on more than 4,300 digits; and a number
past the database's integer range fails in the driver, not in the app. So every number a request carries goes
through `parse_count`, which accepts at most a few ASCII digits within the bounds it is given and otherwise
raises NotANumber with a message meant for the person at the screen.
"""

from __future__ import annotations

import re

# PostgreSQL's INTEGER (and SQLite's, as the app uses it) is a signed 32-bit number: every id and every
# counter the app stores fits, and nothing larger can name a row.
MAX_ID = 2**31 - 1

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_SPACE = " \t"  # what a person may type around a number; other whitespace is not theirs


class NotANumber(ValueError):
    """Text that is not a whole number within the bounds asked for; the message says what was expected."""


def parse_count(text: str | None, *, what: str, low: int = 0, high: int = MAX_ID) -> int:
    """The whole number `text` spells in ASCII digits, between `low` and `high` inclusive.

    Spaces or tabs around it are forgiven (a person typed it); a sign, a decimal point, an exponent, other
    scripts' digits and anything past `high` are refused with a reason naming `what`.
    """
    digits = (text or "").strip(_SPACE)
    if not _DIGITS.fullmatch(digits):
        raise NotANumber(_expected(what, low, high))
    significant = digits.lstrip("0") or "0"
    # Compare lengths before converting: thousands of digits never reach int().
    if len(significant) > len(str(high)) or not low <= int(significant) <= high:
        raise NotANumber(_expected(what, low, high))
    return int(significant)


def count_or_none(text: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """parse_count for a number that may be absent or unusable: None instead of an error."""
    try:
        return parse_count(text, what="number", low=low, high=high)
    except NotANumber:
        return None


def _expected(what: str, low: int, high: int) -> str:
    return f"The {what} must be a whole number between {low:,} and {high:,}."
