"""Source lines into tokens: what each line of a briefing is (a heading, a list item, a note, a paragraph).

Readers (text, Word, PDF, HTML) turn a source into ``SourceLine`` entries, keeping what the document itself
says about a line (a heading style, a list number); ``classify`` decides the rest from the line's shape and the
phrase table. Nothing is dropped or rewritten here: every line becomes exactly one token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..markup import links_in, plain_text
from .phrases import kind_of_heading
from .report import HOW_NUMBERED, HOW_PHRASE, HOW_TITLE_STYLE, HOW_UNRECOGNISED

# --- source lines ----------------------------------------------------------------------------------------


@dataclass
class SourceLine:
    """One non-blank line of the source, whitespace-normalised, with what its document said about it."""

    text: str
    blank_before: bool = True  # a blank line (or the start of the text) comes before it
    blank_after: bool = True
    style: str | None = None  # from the document itself: "title", "heading", "bullet", "numbered"
    how: str = ""  # for a styled heading: which structure said so
    number: int | None = None  # a Word list's own number
    source_line: int | None = None  # the line's number in a text file, for messages


def normalise(line: str) -> str:
    return " ".join(line.split())



# A bullet is "- ", "* ", "+ ", "• " or one of the glyphs Word and PDFs use (U+F0B7 is Symbol-font's bullet).
BULLET = re.compile(r"^[-*+•●▪◦‣·–\uf0b7\uf0a7]\s+(\S.*)$")
NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(\S.*)$")
URL = re.compile(r"(?:https?://|www\.)\S", re.IGNORECASE)
# "Learning for Practice: ..." — a short label and a colon that starts a note on the item above.
_LABELLED = re.compile(r"^(?P<label>[^\s:][^:]{0,40}):\s+\S")
_SENTENCE_END = tuple(".!?;:,")


def has_link(text: str) -> bool:
    return "](" in text or bool(URL.search(text)) or bool(links_in(text))


def heading_shaped(text: str) -> bool:
    """Short, not a sentence, no link: how an unlisted heading looks ("The Deal", "Local offer")."""
    words = text.split()
    return (
        0 < len(words) <= 8
        and len(text) <= 70
        and (text[0].isupper() or text[0].isdigit())
        and any(char.isalpha() for char in text)
        and not text.endswith(_SENTENCE_END)
        and ". " not in text
        and not has_link(text)
    )


def title_shaped(text: str) -> bool:
    """A line that can be a title: not a sentence, not too long, no link."""
    words = text.split()
    ends_as_sentence = text.endswith(tuple("!?;:,")) or (text.endswith(".") and not text.endswith(".."))
    return (
        0 < len(words) <= 20
        and len(text) <= 150
        and any(char.isalpha() for char in text)
        and not text[0].islower()
        and not ends_as_sentence
        and ". " not in text
        and not has_link(text)
    )


# No phrase in the table is longer than this; longer lines are never looked up (nor parsed for links).
LONGEST_TABLE_HEADING = 200


def table_kind(text: str) -> str | None:
    if len(text) > LONGEST_TABLE_HEADING or len(text.split()) > 12 or has_link(text):
        return None
    return kind_of_heading(text)


# --- deciding what each line is --------------------------------------------------------------------------


@dataclass
class Token:
    role: str  # "heading", "item", "note" or "paragraph"
    text: str  # what the briefing keeps: the line without its bullet or number
    source: str  # the whole line (with its number), used when a heading has to be kept as plain text
    kind: str = "other"
    how: str = ""
    number: int | None = None
    ordered: bool = False


def classify(lines: list[SourceLine]) -> list[Token]:
    tokens: list[Token] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index > 0 else None
        following = lines[index + 1] if index + 1 < len(lines) else None
        last = tokens[-1] if tokens else None
        text = line.text

        if line.style in ("heading", "title"):
            tokens.append(_styled_heading(line))
            continue
        if line.style in ("bullet", "numbered"):
            tokens.append(Token("item", text, text, number=line.number, ordered=line.style == "numbered"))
            continue
        if match := BULLET.match(text):
            tokens.append(Token("item", match.group(1), text))
            continue
        if match := NUMBERED.match(text):
            number, rest = int(match.group(1)), match.group(2)
            continues_list = (
                last is not None and last.role == "item" and last.ordered and last.number == number - 1
            ) or (following is not None and _number_of(following) == number + 1)
            kind = table_kind(rest)
            segment = not continues_list and (
                kind is not None
                or (line.blank_before and line.blank_after and heading_shaped(rest) and following is not None)
            )
            if segment:
                tokens.append(Token("heading", rest, text, kind=kind or "other", how=HOW_NUMBERED, number=number))
            else:
                tokens.append(Token("item", rest, text, number=number, ordered=True))
            continue
        if (kind := table_kind(text)) is not None:
            tokens.append(Token("heading", text, text, kind=kind, how=HOW_PHRASE))
            continue
        if last is not None and last.role in ("item", "note") and not line.blank_before:
            tokens.append(Token("note", text, text))
            continue
        if (
            line.blank_before
            and line.blank_after
            and heading_shaped(text)
            and following is not None
            and not _could_be_heading(following)
            and not _in_run(text, previous, following)
        ):
            tokens.append(Token("heading", text, text, how=HOW_UNRECOGNISED))
            continue
        tokens.append(Token("paragraph", text, text))
    return tokens


def _styled_heading(line: SourceLine) -> Token:
    text, number = line.text, None
    if match := NUMBERED.match(text):
        number, text = int(match.group(1)), match.group(2)
    how = HOW_TITLE_STYLE if line.style == "title" else line.how
    return Token("heading", text, line.text, kind=table_kind(text) or "other", how=how, number=number)


def _number_of(line: SourceLine) -> int | None:
    if line.style == "numbered":
        return line.number
    match = NUMBERED.match(line.text) if line.style is None else None
    return int(match.group(1)) if match else None


def _could_be_heading(line: SourceLine) -> bool:
    """Whether a line may itself be a heading; an unlisted heading must have content, not a heading, after it."""
    if line.style in ("heading", "title"):
        return True
    if line.style is not None or BULLET.match(line.text):
        return False
    if match := NUMBERED.match(line.text):
        return table_kind(match.group(2)) is not None or heading_shaped(match.group(2))
    return table_kind(line.text) is not None or heading_shaped(line.text)


def _opening_words(text: str) -> list[str]:
    return re.findall(r"\w+", plain_text(text).casefold())[:2]


def _in_run(text: str, previous: SourceLine | None, following: SourceLine | None) -> bool:
    """Whether a line is one of a run of similar lines ("Information about ..."), which are content."""
    words = _opening_words(text)
    if len(words) < 2:
        return False
    # A neighbour that is a sentence ("The Deal is our promise.") is the text under a heading, not a run.
    return any(
        neighbour is not None
        and neighbour.style is None
        and not neighbour.text.endswith((".", "!", "?"))
        and _opening_words(neighbour.text) == words
        for neighbour in (previous, following)
    )



def is_labelled_note(text: str) -> bool:
    match = _LABELLED.match(text)
    return bool(match) and len(match.group("label").split()) <= 5 and table_kind(text) is None

