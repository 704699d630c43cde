"""Source lines into tokens: what each line of a briefing is (a heading, a list item, a note, a paragraph).

Readers (text, Word, PDF, HTML) turn a source into ``SourceLine`` entries, keeping what the document itself
says about a line (a heading style, a list number); ``classify`` decides the rest from the line's shape and the
phrase table. Nothing is dropped or rewritten here: every line becomes exactly one token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..markup import links_in, plain_text
from .meaning import kind_by_content, kind_by_finding_words, kind_by_meaning, kind_by_statement, states_a_finding
from .phrases import kind_of_heading, phrase_of_heading
from .report import HOW_LABEL, HOW_NUMBERED, HOW_PHRASE, HOW_STATEMENT, HOW_TITLE_STYLE, HOW_UNRECOGNISED

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


def plain_line(text: str) -> str:
    """A line's words without Markdown link syntax: "Read the [report](https://...)" -> "Read the report"."""
    if "](" not in text:
        return text
    return normalise(plain_text(text))


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


# Abbreviations whose full stop does not end a sentence ("No. 55 Rapid Reviews").
_ABBREVIATION = re.compile(r"\b(?:No|Nos|St|Dr|Mr|Mrs|Ms|Vol|Ref|Fig|Ch|Pt)\. ")


def title_shaped(text: str) -> bool:
    """A line that can be a title: not a sentence, not too long, no link."""
    text = _ABBREVIATION.sub("No ", text)
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
    line: int | None = None  # the source line it came from
    title: bool = False  # the briefing's title line
    label: tuple[str, str, str] | None = None  # a paragraph opening "Recommendations include: ...": (label, kind, how)


def heading_kind(text: str) -> tuple[str, str] | None:
    """(kind, how) for a heading's words: the phrase table first, then its meaning words; None if neither."""
    if len(text) > LONGEST_TABLE_HEADING or len(text.split()) > 14 or has_link(text):
        return None
    if found := phrase_of_heading(text):
        return found[0], f'{HOW_PHRASE} "{found[1]}"'
    if found := kind_by_meaning(text):
        return found[0], f'meaning words "{found[1]}"'
    return None


# A question to the reader ("What do you think happened next?") is for the team to discuss, not a heading.
_TO_THE_READER = re.compile(
    r"\b(?:you think|would you|could you|have you|did you|will you|might you|you feel|you know|do you)\b(?! need)",
    re.IGNORECASE,
)


def question_shaped(text: str) -> bool:
    """A short question that can head a section ("What can we learn?", "Why is this important?")."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and not _TO_THE_READER.search(text)
        and text.endswith("?")
        and text.count("?") == 1
        and (text[0].isupper() or text[0].isdigit())
        and not has_link(text)
    )


BARE_NUMBER = re.compile(r"^0?(\d{1,2})\.?$")


def segment_numbers(lines: list[SourceLine]) -> frozenset[int]:
    """Lines that are a bare number ("1", "2", ... "7") mark the segments of a briefing when they count 1 to n
    (n at least 4) once each, in any order (a tiled page reads out of order); otherwise they are text."""
    numbers = [int(match.group(1)) for line in lines if line.style is None and (match := BARE_NUMBER.match(line.text))]
    if len(numbers) >= 4 and sorted(numbers) == list(range(1, len(numbers) + 1)):
        return frozenset(numbers)
    return frozenset()


def _ends_a_sentence(line: SourceLine | None) -> bool:
    return line is None or line.style is not None or line.text.endswith(
        (".", "!", "?", ":", ";", ")", '"', "”", "’")
    ) or bool(BULLET.match(line.text) or NUMBERED.match(line.text))


def classify(lines: list[SourceLine]) -> list[Token]:
    """One token per line. Headings come from the document's own structure (styles, Markdown, outline), the
    phrase table, or their shape: a short line (or a short question) standing alone between paragraphs."""
    tokens: list[Token] = []
    segments = segment_numbers(lines)
    # Text copied from a web page often has no blank lines at all: there a line under a list item is a note on it
    # only when it starts with a label ("Learning for practice: ..."), not whenever no blank line comes between.
    dense = len(lines) > 3 and not any(line.blank_before for line in lines[1:])
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index > 0 else None
        following = lines[index + 1] if index + 1 < len(lines) else None
        last = tokens[-1] if tokens else None
        text = line.text

        if line.style in ("heading", "title"):
            tokens.append(_styled_heading(line))
        elif line.style in ("bullet", "numbered"):
            tokens.append(Token("item", text, text, number=line.number, ordered=line.style == "numbered"))
        elif segments and (match := BARE_NUMBER.match(text)):
            tokens.append(Token("segment", text, text, how=HOW_NUMBERED, number=int(match.group(1))))
        elif (match := BULLET.match(text)) and _opens_a_panel(match.group(1), previous, following):
            # An accordion's question, rendered as a lone list item over the panel it opens.
            found = heading_kind(match.group(1)) or ("other", HOW_UNRECOGNISED)
            tokens.append(Token("heading", match.group(1), text, kind=found[0], how=found[1]))
        elif match := BULLET.match(text):
            tokens.append(Token("item", match.group(1), text))
        elif match := NUMBERED.match(text):
            tokens.append(_numbered(line, int(match.group(1)), match.group(2), last, following))
        elif _points_on(text, following):
            tokens.append(Token("paragraph", text, text))
        elif (found := _table_heading(text)) is not None:
            tokens.append(Token("heading", text, text, kind=found[0], how=found[1]))
        elif (
            last is not None
            and last.role in ("item", "note")
            and not line.blank_before
            and (not dense or is_labelled_note(text))
        ):
            tokens.append(Token("note", text, text))
        elif (found := _label_heading(text, following)) is not None:
            tokens.append(Token("heading", text, text, kind=found[0], how=found[1]))
        elif _stands_alone_as_heading(line, previous, following):
            found = heading_kind(text)
            if states_a_finding(text) and (found is None or found[0] in ("background", "about", "resources")) and not (
                found and found[1].startswith(HOW_PHRASE)
            ):
                # "Professionals did not share information": a finding, whatever subject its words touch.
                statement = kind_by_statement(text)
                found = statement[0], f'{HOW_STATEMENT} "{statement[1]}"'
            elif found is None and (finding := kind_by_finding_words(text)) is not None:
                found = finding[0], f'{HOW_STATEMENT} "{finding[1]}"'  # "Lack of professional curiosity"
            kind, how = found if found else ("other", HOW_UNRECOGNISED)
            tokens.append(Token("heading", text, text, kind=kind, how=how))
        elif _states_a_finding_over_text(line, previous, following):
            statement = kind_by_statement(text)
            tokens.append(Token("heading", text, text, kind=statement[0], how=f'{HOW_STATEMENT} "{statement[1]}"'))
        else:
            tokens.append(Token("paragraph", text, text, label=_label_of(text)))
        tokens[-1].line = line.source_line
    return tokens


def _opens_a_panel(text: str, previous: SourceLine | None, following: SourceLine | None) -> bool:
    """A single bullet that is a short question, with no other item before or after it and a paragraph under it:
    a collapsed panel's heading ("• What is our partnership approach to learning?"), not a one-item list."""
    if not text.endswith("?") or len(text.split()) > 14 or has_link(text) or _TO_THE_READER.search(text):
        return False
    if previous is not None and (previous.style in ("bullet", "numbered") or BULLET.match(previous.text)):
        return False
    if following is None or following.style is not None or BULLET.match(following.text) or NUMBERED.match(
        following.text
    ):
        return False
    body = following.text
    return len(body.split()) > 12 and body.rstrip().endswith((".", ":"))


# "Read the full report", "Read more" with no text under it (the next item's headline, or the end): a link, not a
# heading over what follows.
_POINTER = re.compile(r"^(?:read|see|view|download|find out|learn|full report|the full report)\b", re.IGNORECASE)
def _points_on(text: str, following: SourceLine | None) -> bool:
    """"Read the full report" with no text of its own under it: a link closing an item, not a heading."""
    if not _POINTER.match(text) or len(text.split()) > 8:
        return False
    if following is not None and not _could_be_heading(following):
        return False
    found = heading_kind(text)
    return found is not None and found[0] == "resources"


_LABEL = re.compile(r"^(?P<label>[A-Z][^:.?!]{2,40}?)(?:\s+includes?)?:\s+\S")


def _label_of(text: str) -> tuple[str, str, str] | None:
    """The kind a paragraph's opening label names ("Learning themes include: ..." -> learning), if any."""
    match = _LABEL.match(text)
    if not match or len(match.group("label").split()) > 4:
        return None
    label = match.group("label")
    # A label names its kind the way text does ("Recommendations include:" is what to do, as in text with no
    # headings), else as the phrase table does; a label with neither (any "Note:") starts nothing.
    if found := kind_by_content([label], thematic=False):
        return label, found[0], f'content cue "{found[1]}"'
    found = _table_heading(label)
    return (label, found[0], found[1]) if found else None


def _table_heading(text: str) -> tuple[str, str] | None:
    if len(text) > LONGEST_TABLE_HEADING or len(text.split()) > 12 or has_link(text):
        return None
    found = phrase_of_heading(text)
    return (found[0], f'{HOW_PHRASE} "{found[1]}"') if found else None


def _numbered(line: SourceLine, number: int, rest: str, last: Token | None, following: SourceLine | None) -> Token:
    """"1. Learning Journey: What did we do?" heads a segment; "1. Read the toolkit." is a list item."""
    text = line.text
    continues_list = (
        last is not None and last.role == "item" and last.ordered and last.number == number - 1
    ) or (following is not None and _number_of(following) == number + 1)
    found = heading_kind(rest)
    shaped = heading_shaped(rest) or question_shaped(rest)
    segment = not continues_list and following is not None and (
        (found is not None and found[1].startswith(HOW_PHRASE))
        or (shaped and ((line.blank_before and line.blank_after) or found is not None or rest.endswith("?")))
    )
    if segment:
        kind, how = found if found else ("other", "")
        how = f"{HOW_NUMBERED}, {how}" if how else HOW_NUMBERED
        return Token("heading", rest, text, kind=kind, how=how, number=number)
    return Token("item", rest, text, number=number, ordered=True)


def _stands_alone_as_heading(line: SourceLine, previous: SourceLine | None, following: SourceLine | None) -> bool:
    """A heading the table does not list, known by its shape and place.

    With blank lines around it: a short line that is not a sentence, with content (not another heading) after
    it. Without blank lines (text copied from a web page often has none): the same, or a short question, between
    a finished sentence (or list) and the text under it; a short line with no meaning words needs the text
    after it to be a paragraph, not a run of similar lines."""
    text = line.text
    if following is None or _in_run(text, previous, following):
        return False
    if _TELLS_THE_STORY.match(text) and states_a_finding(text):
        return False  # "In May 2020 the family moved to Anytown": a line of the story without its full stop
    if line.blank_before and line.blank_after:
        if heading_shaped(text) and not _could_be_heading(following):
            return True
        if heading_shaped(text) and (found := heading_kind(text)) is not None and found[0] == "resources":
            return heading_kind(following.text) is None  # "Key guidance and legislation" over a list of links
        return question_shaped(text) and not _questionish(following) and not _questionish(previous) and (
            heading_kind(text) is not None or len(following.text.split()) > 8
        )
    if not _ends_a_sentence(previous) and not (
        previous is not None and heading_shaped(previous.text) and heading_kind(text) is not None
    ):
        return False
    if heading_shaped(text):
        named = heading_kind(text) is not None
        return (not _could_be_heading(following) or (named and heading_kind(following.text) is None)) and (
            heading_kind(text) is not None or len(following.text.split()) > 6 or bool(BULLET.match(following.text))
            or following.style in ("bullet", "numbered")
        )
    return question_shaped(text) and not _questionish(following) and not _questionish(previous) and (
        heading_kind(text) is not None
        or len(following.text.split()) > 8
        # "Who carries out the review?" over a short answer: a whole sentence under it, after a whole sentence
        or (len(following.text.split()) >= 4 and following.text.rstrip().endswith(".") and previous is not None
            and previous.text.rstrip().endswith("."))
    )


def _states_a_finding_over_text(line: SourceLine, previous: SourceLine | None, following: SourceLine | None) -> bool:
    """A heading that states a finding, longer than a plain heading ("Strip search of Child Q should never have
    happened"): up to 14 words, no final full stop, after a finished sentence and over a paragraph."""
    text = line.text
    words = text.split()
    if following is None or not 4 <= len(words) <= 14 or len(text) > 100 or not (text[0].isupper()):
        return False
    if text.endswith(_SENTENCE_END) or ". " in text or has_link(text) or not states_a_finding(text):
        return False
    if _TELLS_THE_STORY.match(text):
        return False  # "She was admitted to hospital", "In May 2020 the family moved": the story, not a finding
    if not (line.blank_before and line.blank_after) and not _ends_a_sentence(previous):
        return False
    body = following.text
    return following.style is None and len(body.split()) > 8 and body.endswith((".", "!", ")", ":")) and not (
        BULLET.match(body) or NUMBERED.match(body)
    )


_TELLS_THE_STORY = re.compile(
    r"^(?:he|she|they|it|his|her|their|we|i|in|on|at|during|after|before|when|then|later|by|following)\b",
    re.IGNORECASE,
)


# "Action Points for DSLs:", "Key messages for practitioners:": a short label naming a kind, over its list.
_LABEL_LINE = re.compile(r"^(?P<label>[A-Z][^:.?!]{2,60}):$")
_LABEL_VERB = re.compile(r"\b(?:includes?|included|is|are|was|were|if|when|as follows|such as|e\.g)\b", re.IGNORECASE)


def _label_heading(text: str, following: SourceLine | None) -> tuple[str, str] | None:
    """(kind, how) when a line is a label ending ":" that names a kind, with a list or a paragraph under it."""
    match = _LABEL_LINE.match(text)
    if not match or following is None or len(match.group("label").split()) > 8 or has_link(text):
        return None
    label = match.group("label")
    asks = bool(_ASKS_WHAT.match(label))  # "What should practitioners do:", "How to help:": the part it answers
    if not asks and (_LABEL_VERB.search(label) or states_a_finding(label)):
        return None  # "A SAR is conducted if:", "Practitioners should consider:" lead into their list
    if following.style in ("heading", "title") or (
        following.style is None and not (BULLET.match(following.text) or NUMBERED.match(following.text))
        and _could_be_heading(following)
    ):
        return None
    if following.style is None and has_link(following.text) and len(plain_line(following.text).split()) <= 12:
        return None  # "Information about domestic abuse:" over a link: a pointer to reading, not a section
    found = heading_kind(label)
    if found is None or not (asks or _names_a_kind(found[1])):
        return None  # "Impact of domestic abuse:" names a subject, not a part of the briefing
    return found[0], f"{HOW_LABEL}, {found[1]}"


_ASKS_WHAT = re.compile(r"^(?:what|how|why|who|when|where)\b", re.IGNORECASE)


# The words by which a label names a part of a briefing, as opposed to its subject ("abuse", "victim", "sign").
_KIND_WORDS = frozenset(
    "resource reading reference signpost training tool link contact question reflect consider discuss advice tip "
    "guidance remember recommendation finding lesson message theme conclusion concern worry issue risk challenge "
    "strength positive good background summary context overview introduction history timeline chronology action "
    "learning point step practice".split()
)


def _names_a_kind(how: str) -> bool:
    """Whether a heading's kind came from the phrase table or from words that name a part of a briefing."""
    if how.startswith(HOW_PHRASE):
        return True
    cue = how.partition('"')[2].rstrip('"')
    return any(word in _KIND_WORDS or word.rstrip("s") in _KIND_WORDS for word in cue.split())


def _questionish(line: SourceLine | None) -> bool:
    if line is None:
        return False
    text = line.text
    if match := BULLET.match(text) or NUMBERED.match(text):
        text = match.group(match.lastindex)
    return text.rstrip().endswith("?")


def _styled_heading(line: SourceLine) -> Token:
    text, number = line.text, None
    if match := NUMBERED.match(text):
        number, text = int(match.group(1)), match.group(2)
    if line.style == "title":
        # The title line (a document's Title style, a web page's h1, or the line chosen among the page's own).
        found = heading_kind(text)
        token = Token("heading", text, line.text, kind=found[0] if found else "other", how=line.how or HOW_TITLE_STYLE)
        token.title = True
        return token
    how = line.how
    found = heading_kind(text)
    if (found is None or found[0] in ("background", "about", "resources")) and states_a_finding(text) and not (
        found and found[1].startswith(HOW_PHRASE)
    ):
        statement = kind_by_statement(text)  # an <h2> "Professionals did not share information"
        found = statement[0], f'{HOW_STATEMENT} "{statement[1]}"'
    if found:
        return Token("heading", text, line.text, kind=found[0], how=f"{how}, {found[1]}", number=number)
    return Token("heading", text, line.text, kind="other", how=how, number=number)


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

