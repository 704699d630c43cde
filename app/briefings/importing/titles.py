"""The title line: the briefing's own name, the publisher and the review type, and an id made from them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .blocks import Token, title_shaped
from .report import HOW_TITLE_STYLE

# --- the title -------------------------------------------------------------------------------------------

# "Wigan Safeguarding Partnership 7 Minute Briefing – Child 1&2": publisher, the words, then the briefing's name.
_BRIEFING_WORDS = re.compile(r"\b(?:7|seven|six|6)[\s-]*(?:minute|step)[\s-]*briefings?\b", re.IGNORECASE)
# Words that make a line before the text the briefing's own title rather than the page's furniture.
BRIEFING_MENTION = re.compile(
    r"\b(?:(?:7|seven|six|6)[\s-]*(?:minute|step)[\s-]*brief(?:ing)?s?|briefing|learning (?:summary|brief|review)"
    r"|learning from|lessons from)\b",
    re.IGNORECASE,
)
_SEPARATOR_CHARS = " -–—:|,"
# Words that make the text before "7 Minute Briefing" an organisation rather than part of the title.
# ("Children" alone is not enough: "Children missing education 7 Minute Briefing" names a topic.)
_ORGANISATION_WORDS = {
    "safeguarding", "partnership", "partnerships", "partners", "board", "council", "trust", "nhs", "police",
    "borough", "county", "city", "committee", "authority", "lscp", "lscb", "scp", "sab", "lsab",
}


@dataclass
class _TitleLine:
    line: str  # the whole first line, as the source had it
    title: str  # the briefing's name taken from it
    publisher: str = ""


def split_title_line(line: str) -> _TitleLine:
    split = _split_at_briefing_words(line)
    # "Child Safeguarding Practice Review: Baby C" or "Child E Serious Case Review": the name is the title.
    for pattern in REVIEW_TYPES.values():
        named = re.fullmatch(rf"(?:the\s+)?{pattern}\s*[-–—:|,]+\s*(.+)", split.title, re.IGNORECASE)
        named = named or re.fullmatch(rf"(.+?)(?:\s*[-–—:|,]+\s*|\s+){pattern}", split.title, re.IGNORECASE)
        name = named.group(1).strip(_SEPARATOR_CHARS) if named else ""
        if name and name.casefold() not in _NOT_A_NAME:
            split.title = name
            break
    return split


_NOT_A_NAME = {"a", "an", "the", "local", "our", "this", "national"}


def _split_at_briefing_words(line: str) -> _TitleLine:
    match = _BRIEFING_WORDS.search(line)
    if not match:
        return _TitleLine(line, line)
    # "Domestic abuse: a 7 minute briefing": the article belongs to the words "7 minute briefing".
    before = re.sub(r"(?:^|\s)(?:a|an|the|our|this)$", "", line[: match.start()].strip(_SEPARATOR_CHARS), flags=re.I)
    before = before.strip(_SEPARATOR_CHARS)
    after = line[match.end() :].strip(_SEPARATOR_CHARS)
    is_organisation = bool({word.casefold().strip(".,'’") for word in before.split()} & _ORGANISATION_WORDS)
    if not after:  # "Neglect 7 Minute Briefing", or only the publisher's name before the words
        return _TitleLine(line, line, publisher=before) if is_organisation else _TitleLine(line, before or line)
    if not before:
        return _TitleLine(line, after)
    if is_organisation:
        return _TitleLine(line, after, publisher=before)
    return _TitleLine(line, line)


# Nouns that end an organisation's name: a masthead names one ("Norfolk Safeguarding Adults Board").
_ORGANISATION_NOUNS = {
    "partnership", "partnerships", "partners", "board", "council", "trust", "nhs", "police", "borough", "county",
    "committee", "authority", "lscp", "lscb", "scp", "sab", "lsab", "government", "association", "panel",
    "network", "hub", "alliance", "forum", "foundation", "charity", "institute", "society", "agency", "commission",
    "nspcc", "ofsted", "department", "ltd", "cic",
}


def is_masthead(text: str) -> bool:
    """Whether a short line is an organisation's name (the publisher's masthead), not a briefing's title."""
    words = [word.casefold().strip(".,'’()") for word in text.split()]
    return 0 < len(words) <= 8 and bool(set(words) & _ORGANISATION_NOUNS)


def is_organisation(text: str) -> bool:
    """Whether words name an organisation ("Anytown Safeguarding Children Partnership"), not a topic."""
    return bool({word.casefold().strip(".,'’()") for word in text.split()} & _ORGANISATION_WORDS)


def place_of(publisher: str) -> str:
    """'Wigan Safeguarding Partnership' -> 'Wigan': the words before the first organisation word."""
    words = []
    for word in publisher.split():
        if word.casefold().strip(".,'’") in _ORGANISATION_WORDS:
            break
        words.append(word)
    return " ".join(words)


def take_title(tokens: list[Token], title_given: bool) -> Token | None:
    """The first token when it is the title line, else None. Removes it from `tokens`."""
    if not tokens or (title_given and len(tokens) == 1):
        return None  # with a title given, a lone line is the briefing's text, not a title line
    first = tokens[0]
    following = tokens[1] if len(tokens) > 1 else None
    if first.title or first.how == HOW_TITLE_STYLE:
        return tokens.pop(0)
    if first.role not in ("heading", "paragraph") or first.number is not None:
        return None
    if first.role == "heading" and first.kind != "other" and (following is None or following.role != "heading"):
        return None  # a real section heading ("Background") with its content under it
    if not title_shaped(first.text):
        return None
    return tokens.pop(0)



# The kinds of review a briefing comes from, as the front matter names them, and how texts write them.
REVIEW_TYPES: dict[str, str] = {
    "Local Child Safeguarding Practice Review": r"local child safeguarding practice review",
    "Child Safeguarding Practice Review": r"child safeguarding practice review",
    "Serious Case Review": r"serious case review",
    "Safeguarding Adults Review": r"safeguarding adults? review",
    "Domestic Homicide Review": r"domestic homicide review",
    "Domestic Abuse Related Death Review": r"domestic abuse related death review",
    "Multi-Agency Learning Review": r"multi-agency learning review",
    "Rapid Review": r"rapid review",
    "Learning Review": r"learning review",
}


def review_type_of(text: str) -> str:
    """The first kind of review the text names; at the same place the longer, more specific name wins."""
    best: tuple[int, int, str] | None = None
    for review_type, pattern in REVIEW_TYPES.items():
        match = re.search(r"\b" + pattern + r"\b", text, re.IGNORECASE)
        if match and (best is None or (match.start(), -len(match.group())) < best[:2]):
            best = (match.start(), -len(match.group()), review_type)
    return best[2] if best else ""


def slugify(text: str) -> str:
    """An id made of lowercase ASCII letters, digits and hyphens: "Wigan Child 1&2" -> "wigan-child-1-and-2"."""
    text = text.replace("&", " and ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] if "-" in slug[:60] else slug[:60]
    return slug

