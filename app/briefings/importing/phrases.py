"""The phrase table (heading_phrases.yaml): the phrases partnerships use for the parts of a briefing.

The importer recognises a heading by looking it up here. Matching is forgiving in the ways published briefings
vary and strict otherwise: case, curly apostrophes, "&"/"and", "7-minute"/"seven minute", a trailing "?", ":",
"..." or "(cont.)"/"(contd.)"/"continued" are ignored, but the words must be one of the phrases (a phrase with
``<place>`` or ``<name>`` accepts one to four words there). Headings the table does not list are matched on
their meaning words in ``sections.py``.

docs/importing.md shows this table; a test keeps the two equal. After changing the YAML, run
``.venv/bin/python -m app.briefings.importing docs/importing.md`` to rewrite the table in the docs.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

import yaml

PHRASES_FILE = Path(__file__).with_name("heading_phrases.yaml")


def _load_phrases() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    return {kind: tuple(str(phrase) for phrase in phrases) for kind, phrases in data.items()}


# kind -> the phrases that mean it, as a reader would write them.
HEADING_PHRASES: dict[str, tuple[str, ...]] = _load_phrases()

# One to four words stand in for a place or a name ("Why is this important to Wigan?", "Child A's Story").
_PLACEHOLDER = r"[^\s]+(?: [^\s]+){0,3}"
_PLACEHOLDERS = ("<place>", "<name>")

_CONTINUED = re.compile(r"\s*(?:\((?:cont|contd|cont'd|continued)\.?\)|\b(?:cont|contd|cont'd|continued)\.?)$")
_TRAILING_PUNCTUATION = ".:;,!?…-–—*_ "
_SEVEN_MINUTE = re.compile(r"\b(?:7|seven)\s*-?\s*minutes?\b")
_SEPARATORS = re.compile(r"\s+[-–—|]\s+|[:–—|]")


def heading_key(text: str) -> str:
    """The form of a heading used for lookups: "Lessons Learned (cont.)" -> "lessons learned"."""
    key = text.strip().strip("*_").casefold()
    key = key.replace("’", "'").replace("‘", "'").replace("&", " and ")
    key = _SEVEN_MINUTE.sub("7 minute", key)
    previous = None
    while key != previous:
        previous = key
        key = key.rstrip(_TRAILING_PUNCTUATION)
        key = _CONTINUED.sub("", key)
    key = _SEPARATORS.sub(" ", key)
    return " ".join(key.split())


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, tuple[str, str]], list[tuple[re.Pattern[str], str, str]]]:
    exact: dict[str, tuple[str, str]] = {}
    patterns: list[tuple[re.Pattern[str], str, str]] = []
    for kind, phrases in HEADING_PHRASES.items():
        for phrase in phrases:
            key = heading_key(phrase)
            if any(placeholder in key for placeholder in _PLACEHOLDERS):
                regex = re.escape(key)
                for placeholder in _PLACEHOLDERS:
                    regex = regex.replace(re.escape(placeholder), f"(?P<placeholder>{_PLACEHOLDER})", 1)
                patterns.append((re.compile(regex + "$"), kind, phrase))
            else:
                exact.setdefault(key, (kind, phrase))
    return exact, patterns


def phrase_of_heading(text: str) -> tuple[str, str] | None:
    """(kind, the table's phrase) for a heading the table lists, or None."""
    key = heading_key(text)
    if not key:
        return None
    exact, patterns = _lookup()
    if key in exact:
        return exact[key]
    for pattern, kind, phrase in patterns:
        if (match := pattern.match(key)) and (
            "<name>" not in phrase or _names_someone(text, match.group("placeholder"))
        ):
            return kind, phrase
    return None


def _names_someone(text: str, words: str) -> bool:
    """Whether the words standing for <name> are a name as the heading writes them ("Who was Child A?", not
    "Who is most at risk?"): their first word starts with a capital letter or a digit."""
    first = words.split()[0] if words.split() else ""
    found = re.search(re.escape(first), text, re.IGNORECASE)
    return bool(found) and (found.group(0)[0].isupper() or found.group(0)[0].isdigit())


def kind_of_heading(text: str) -> str | None:
    """The section kind a heading names, or None when the phrase is not in the table."""
    found = phrase_of_heading(text)
    return found[0] if found else None


def duplicate_phrases() -> list[str]:
    """Phrases listed under more than one kind (the table must never be ambiguous; a test checks)."""
    seen: dict[str, str] = {}
    duplicates = []
    for kind, phrases in HEADING_PHRASES.items():
        for phrase in phrases:
            key = heading_key(phrase)
            if key in seen and seen[key] != kind:
                duplicates.append(phrase)
            seen.setdefault(key, kind)
    return duplicates


# --- the table in docs/importing.md ----------------------------------------------------------------------

DOCS_START = "<!-- heading-phrases:start (generated from app/briefings/importing/heading_phrases.yaml) -->"
DOCS_END = "<!-- heading-phrases:end -->"


def phrase_table_markdown() -> str:
    rows = ["| kind | phrases |", "|---|---|"]
    for kind, phrases in HEADING_PHRASES.items():
        rows.append(f"| `{kind}` | {' · '.join(phrases)} |")
    return "\n".join(rows)


def docs_with_table(docs_text: str, table: str, start: str = DOCS_START, end: str = DOCS_END) -> str:
    """The docs text with the part between the start and end markers replaced by `table`."""
    before, found_start, rest = docs_text.partition(start)
    _, found_end, after = rest.partition(end)
    if not found_start or not found_end:
        raise ValueError(f"the docs need the markers {start!r} and {end!r} around the table")
    return f"{before}{start}\n{table}\n{end}{after}"


def main(argv: list[str]) -> int:
    from .themes import THEME_DOCS_END, THEME_DOCS_START, theme_table_markdown

    if len(argv) != 1:
        print("usage: python -m app.briefings.importing docs/importing.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = docs_with_table(path.read_text(encoding="utf-8"), phrase_table_markdown())
    text = docs_with_table(text, theme_table_markdown(), THEME_DOCS_START, THEME_DOCS_END)
    path.write_text(text, encoding="utf-8")
    print(f"updated the phrase and theme tables in {path}")
    return 0

