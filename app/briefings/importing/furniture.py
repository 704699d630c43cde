"""Page furniture in text: the lines around a briefing that are not part of it, set aside with a reason.

Briefings copied from web pages (or saved as text) carry the page around them: "Skip to content", an
accessibility toolbar, the publisher's masthead, a banner, "Published: ...", "Date: ... | Category: ...",
"Download the briefing (PDF)", and on a listing page the next news item. Saved web pages (.html) are cleaned by
an extraction library first (html_reader.py); these rules cover what reaches the importer as text, and the
date and download lines an extractor keeps.

Nothing is dropped: every line set aside is listed in the report with its reason, and a person can put it back.
The rules are deliberately narrow (a line must look like furniture as a whole, not merely mention a word), so
a briefing's own sentence about cookies or downloads stays in the briefing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .blocks import BULLET, NUMBERED, SourceLine, has_link, heading_kind, plain_line, segment_numbers, title_shaped
from .phrases import kind_of_heading, phrase_of_heading
from .report import SetAside
from .titles import BRIEFING_MENTION as BRIEFING_WORDS
from .titles import REVIEW_TYPES, is_masthead, is_organisation, review_type_of

REVIEW_PATTERNS = tuple(REVIEW_TYPES.values()) + (r"\bSARs?\b", r"\breviews?\b", r"\blearning\b")

_WHOLE_LINE_FURNITURE: list[tuple[str, re.Pattern[str]]] = [
    ("navigation", re.compile(
        r"^(?:skip to (?:main )?content|skip navigation|back to top|main menu|menu|search|close|print(?: this page)?"
        r"|share(?: this page| this article)?(?::.*)?|share on \w+|breadcrumbs?|you are here:?.*|contents|on this page"
        r"|previous|next|(?:home|homepage)(?:\s*[>›»/|]\s*.+)?"
        # A domestic-abuse or adults' site's escape button, and the site's own controls.
        r"|quick exit(?: button)?|(?:click here to )?exit(?: this)?(?: site| page| website)?(?: now| quickly)?"
        r"|leave(?: this)? (?:site|page|website)(?: now| quickly)?|hide (?:this )?(?:page|site)|escape"
        r"|(?:open|close|toggle) (?:menu|navigation|search)|back|go back|return to top|tweet"
        r"|related (?:content|pages|links)|facebook|twitter|x \(twitter\)|linkedin|whatsapp|email|e-mail"
        r"|(?:latest )?news(?: and events| and updates)?|blog"
        r"|in this section"
        r"|site search|search (?:this|the) (?:site|website)|(?:email|e-mail|print) (?:this|the) (?:page|article)"
        r"|sign up|log ?in|sign in"
        # An accordion's or a collapsed panel's own control, read out with the text it opens.
        r"|(?:show|hide) (?:details|more|less|all)|expand(?: all)?|collapse(?: all)?|open all|close all)$",
        re.IGNORECASE,
    )),
    ("accessibility toolbar", re.compile(
        r"^(?:toggle (?:high )?contrast|high contrast|(?:increase|decrease|reset|change) (?:text|font) size|text size"
        r"|accessibility(?: tools| options| settings)?|listen(?: to this page)?|translate(?: this page)?|a\s*a\s*a"
        r"|recite ?me|read aloud|reachdeck|browsealoud|(?:change|adjust) colou?rs?)$",
        re.IGNORECASE,
    )),
]
# The links every page of a site carries (header and footer), run together when a page is copied as text.
_SITE_LINKS = re.compile(
    r"accessibility statement|a-z(?: directory)?|contact us|privacy(?: notice| policy)?|cookies?(?: policy| settings)?"
    r"|site ?map|terms(?: and conditions| of use)?|sign in|log ?in|my account|jobs and careers|newsletter sign-?up",
    re.IGNORECASE,
)
# The words of a site's banner and controls: skip links, language switches, log-in, sharing and printing, text
# size and contrast. A short line made only of them ("Skip Links", "Members Login", "Back Share Cymraeg English")
# is the page's furniture, however the site words or orders its buttons.
_CONTROL_WORDS = frozenset(
    "skip links link to content main navigation menu back share print email tweet facebook twitter linkedin "
    "whatsapp cymraeg english welsh gaeilge gàidhlig language translate login log in out sign members member "
    "account register search toggle contrast high text size font increase decrease reset listen accessibility "
    "tools close open hide show more less page site top home quick exit leave".split()
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CHOICE = re.compile(r"\b(?:accept|reject|allow|we use|settings|preferences|consent)\b", re.IGNORECASE)
# "Published 14 March 2023" (a date must follow) or "Author: ..." (a colon must follow).
_DATE_LABEL = re.compile(
    r"^(?:(?P<dated>published(?: on)?|posted(?: on)?|first published|last (?:updated|reviewed|modified)|updated"
    r"|reviewed)\b\s*[:\-–]?\s*|(?:date(?: published)?|review date|author|written by|by|category|categories|tags?"
    r"|topics?|reading time)\s*:\s*)",
    re.IGNORECASE,
)
# "Source: Anytown Safeguarding Adults Board", "Filed under Adults, Neglect", "Posted by Jo Smith": who published
# the page and where it is filed, not the briefing's text. The publisher is taken from "Source:"/"Published by".
_DETAILS_LABEL = re.compile(
    r"^(?:(?P<publisher>source|publisher|published by|produced by)\s*:\s*|(?P<by>published by|produced by)\s+"
    r"|(?:filed (?:under|in)|posted (?:by|in)|written by|authors?|organisation)\s*:?\s+)",
    re.IGNORECASE,
)


# "© 2024 Anytown Safeguarding Children Partnership. All rights reserved."
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<owner>.*?)[.,]?\s*"
    r"(?:all rights reserved\.?)?$",
    re.IGNORECASE,
)


def publisher_of_details(text: str) -> str:
    """The organisation a details line names ("Source: Anytown SAB" -> "Anytown SAB"), or ""."""
    plain = plain_line(text)
    if copyright := _COPYRIGHT.match(plain):
        owner = copyright.group("owner").strip(" .")
        return owner if owner and is_organisation(owner) and len(owner.split()) <= 10 else ""
    match = _DETAILS_LABEL.match(plain)
    if not match or not (match.group("publisher") or match.group("by")):
        return ""
    rest = plain[match.end():].strip(" .")
    return rest if rest and is_organisation(rest) and len(rest.split()) <= 10 else ""


# "Download the briefing (PDF)", "View (PDF, 300KB)": a link to the file, not a pointer to further reading.
_DOWNLOAD = re.compile(
    r"^\W*(?:download\b.{0,80}\b(?:pdf|docx?|word|briefing|document|kb|mb)\b.{0,20}"
    r"|(?:view|open)\b.{0,80}\((?:pdf|docx?|word)\b[^)]*\))$",
    re.IGNORECASE,
)
# A site's call to the reader above or around every page ("Are you worried about an adult? Please call ...").
_BANNER = re.compile(
    r"^(?:(?:if you are|are you|if you're) (?:worried|concerned)\b|welcome to (?:our|the)\b|report a concern$"
    r"|(?:in an )?emergency,? (?:always )?(?:call|dial)\b"
    r"|join (?:us|thousands|our)\b|become a member\b|sign up (?:to|for)\b|subscribe to\b|follow us\b)",
    re.IGNORECASE,
)
_IMAGE_TEXT = re.compile(
    r"^(?:image|photo|photograph|picture|illustration|logo|icon|graphic|stock (?:image|photo)|(?:image|photo) credit"
    r"|(?:image|photo) description|alt text|(?:supporting|featured|header|banner|hero|cover) (?:image|photo))"
    r"(?:\s*(?::|of\b|shows\b|-)|$)|\blogo$",
    re.IGNORECASE,
)
# A photo's description (alt text or a caption) read out with the page: "A boy's hand thrust forward towards the
# camera". It describes what is seen: it opens with an article or a count and names something visual.
_PHOTO_DESCRIPTION = re.compile(
    r"^(?:an?|two|three|four|several|close-up of|silhouette of)\s.*\b(?:camera|photo(?:graph)?|picture|silhouetted?"
    r"|close-up|looking|holding|sitting|seated|standing|smiling|staring|walking|hands?|face|faces|shadows?|window"
    r"|blurred|background|thrust|hugging|crying|playing|sat|stood|laptop|phone|desk)\b",
    re.IGNORECASE,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(r"\b([a-z]{3,9})\s+(\d{4})\b", re.IGNORECASE)
# A line that is only a date: numbers, month and day names, ordinals and separators.
_DATE_PART = re.compile(
    r"\d+(?:st|nd|rd|th)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r"|of|[\s,./-]+",
    re.IGNORECASE,
)


def _only_a_date(text: str) -> bool:
    return bool(iso_date(text)) and not _DATE_PART.sub("", text.casefold()).strip()


def iso_date(text: str) -> str:
    """The first date in a line as ISO text ("27th Nov 2023" -> "2023-11-27", "February 2024" -> "2024-02")."""
    for pattern, order in ((_ISO_DATE, "ymd"), (_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"),
                           (_NUMERIC_DATE, "dmy#")):
        for match in pattern.finditer(text):
            parts = match.groups()
            try:
                if order == "ymd":
                    year, month, day = (int(part) for part in parts)
                elif order == "dmy":
                    day, month, year = int(parts[0]), _MONTHS.get(parts[1].casefold()[:9]), int(parts[2])
                elif order == "mdy":
                    month, day, year = _MONTHS.get(parts[0].casefold()), int(parts[1]), int(parts[2])
                else:  # 22/05/2025: UK order
                    day, month, year = (int(part) for part in parts)
                if month is None:
                    continue
                return datetime.date(year, month, day).isoformat()
            except ValueError:
                continue
    for match in _MONTH_YEAR.finditer(text):
        month = _MONTHS.get(match.group(1).casefold())
        if month and 1900 < int(match.group(2)) < 2200:
            return f"{int(match.group(2)):04d}-{month:02d}"
    return ""


def furniture_reason(text: str) -> str:
    """Why a whole line is page furniture ("navigation", "date line", ...), or "" when it is not."""
    plain = plain_line(text)
    words = plain.split()
    if not words:
        return ""
    bare = BULLET.match(plain)
    stripped = bare.group(1) if bare else plain
    for reason, pattern in _WHOLE_LINE_FURNITURE:
        if len(stripped) <= 100 and pattern.match(stripped.strip(" .:")):
            return reason
    control = [word.casefold() for word in re.findall(r"[^\W\d_]+", stripped)]
    if control and len(control) <= 6 and all(word in _CONTROL_WORDS for word in control) and not stripped.endswith(
        (".", "?", "!", ":")
    ):
        return "navigation"  # "Skip Links", "Members Login", "Back Share Cymraeg English"
    if len(words) <= 12 and _SITE_LINKS.search(plain) and not _SITE_LINKS.sub("", plain).strip(" |·•-–,"):
        return "navigation"
    if _COOKIE.search(plain) and _COOKIE_CHOICE.search(plain) and len(words) <= 45:
        return "cookie banner"
    if len(words) <= 16 and (label := _DATE_LABEL.match(plain)):
        rest = plain[label.end():]
        if iso_date(plain) or (not label.group("dated") and ("|" in plain or len(rest.split()) <= 6)):
            return "date line"
    if len(words) <= 14 and _DETAILS_LABEL.match(plain) and not plain.endswith((".", "?", "!")):
        return "details line"
    if len(words) <= 16 and re.match(r"^(?:©|\(c\)|copyright\s*©?\s*\d{4})", plain, re.IGNORECASE):
        return "details line"
    if len(words) <= 8 and _only_a_date(plain.strip(" .")):
        return "bare date"  # a date line only above a title or headline; in a chronology it is the story's
    if _BANNER.match(plain) and len(words) <= 25:
        return "banner"
    if len(words) <= 14 and _DOWNLOAD.match(plain):
        return "download link"
    if len(words) <= 12 and _IMAGE_TEXT.search(plain) and not plain.endswith("."):
        return "image text"
    if len(words) <= 20 and _PHOTO_DESCRIPTION.match(plain) and not plain.endswith((".", ":", "?")):
        return "image text"
    return ""


@dataclass
class Cleaned:
    """The briefing's own lines, and what was set aside around them, with what the furniture said."""

    lines: list[SourceLine]
    set_aside: list[SetAside] = field(default_factory=list)
    publisher: str = ""
    date: str = ""
    title_index: int | None = None  # index in `lines` of the title line, when one was chosen among several
    subtitle: str = ""  # the line right under the title that qualifies it ("A local child safeguarding review")


def set_aside_furniture(lines: list[SourceLine], *, title_given: bool = False) -> Cleaned:
    """Set aside page furniture, the lines before the title, and an unrelated next item after the briefing."""
    cleaned = Cleaned(lines=[])
    aside: dict[int, str] = {}
    for index, line in enumerate(lines):
        if line.style in ("heading", "title"):
            continue  # a document's own heading is never furniture
        if (reason := furniture_reason(line.text)) == "bare date":
            following = lines[index + 1].text if index + 1 < len(lines) else ""
            headline = title_shaped(plain_line(following)) and not _is_heading_line(lines[index + 1])
            reason = "date line" if headline or index < 3 else ""
        if reason:
            aside[index] = reason
            if reason in ("date line", "details line") and not cleaned.date:
                cleaned.date = iso_date(line.text)
            if reason == "details line" and not cleaned.publisher:
                cleaned.publisher = publisher_of_details(line.text)

    title_index = None if title_given else _title_index(lines, aside)
    tiled = title_index is not None and title_index < 0
    if tiled:
        title_index = -1 - title_index
    if title_index and not tiled:
        for index in range(title_index):
            if index not in aside:
                aside[index] = "masthead" if is_masthead(lines[index].text) else "page furniture"
                if aside[index] == "masthead" and not cleaned.publisher and title_shaped(lines[index].text):
                    cleaned.publisher = plain_line(lines[index].text)
    start = title_index or 0
    if title_index is not None and (under := _masthead_under(lines, aside, title_index)) is not None:
        # "Child Q" then "Anytown Safeguarding Children Partnership": the publisher under the title.
        aside[under] = "masthead"
        cleaned.publisher = cleaned.publisher or plain_line(lines[under].text)
    subtitle = _subtitle_index(lines, aside, title_index) if title_index is not None else None
    for index in _next_item(lines, aside, start):
        aside.setdefault(index, "next item")
        if aside[index] != "next item":
            aside[index] = "next item"

    for index, line in enumerate(lines):
        if index in aside:
            cleaned.set_aside.append(SetAside(text=line.text, reason=aside[index], line=line.source_line or index + 1))
        elif index == subtitle:
            cleaned.subtitle = line.text
        else:
            if index == title_index:
                cleaned.title_index = len(cleaned.lines)
            cleaned.lines.append(line)
    if tiled and cleaned.title_index:
        # The title tile goes first; the tiles keep their order (their numbers put them in order later).
        cleaned.lines.insert(0, cleaned.lines.pop(cleaned.title_index))
        cleaned.title_index = 0
    if len(cleaned.lines) < 2 and aside:
        # Everything but one line looked like furniture: a person is better served by the whole text.
        return Cleaned(lines=list(lines))
    return cleaned


def _is_heading_line(line: SourceLine) -> bool:
    if line.style in ("heading", "title"):
        return True
    text = line.text
    if match := NUMBERED.match(text):
        text = match.group(2)
    return len(text) <= 80 and kind_of_heading(text) is not None


def _generic(text: str) -> bool:
    """A page's own heading ("7 Minute Briefings", "Safeguarding Adult Reviews"), not one briefing's name:
    nothing is left once the words for briefings, reviews and organisations are taken out."""
    rest = BRIEFING_WORDS.sub(" ", text)
    for pattern in REVIEW_PATTERNS:
        rest = re.sub(pattern + r"s?", " ", rest, flags=re.IGNORECASE)
    words = [word for word in re.findall(r"[^\W_]+", rest) if not is_organisation(word)]
    return len(words) <= 1


_SMALL_WORDS = frozenset("a an and the of from for in on our to with about by".split())


def generic_title(text: str) -> bool:
    """A title that names no briefing in particular ("7 minute briefings", "Learning from reviews", "Safeguarding
    Adults Reviews"): only words for briefings, reviews, learning and organisations."""
    rest = BRIEFING_WORDS.sub(" ", text)
    for pattern in REVIEW_PATTERNS + (r"\blessons?\b", r"\bsummar(?:y|ies)\b", r"\bcase\b", r"\badults\b",
                                      r"\bchildren\b", r"\bpractice\b", r"\bthematic\b", r"\bbriefing"):
        rest = re.sub(pattern + r"s?", " ", rest, flags=re.IGNORECASE)
    words = [word for word in re.findall(r"[^\W_]+", rest) if not is_organisation(word)]
    return not [word for word in words if word.casefold() not in _SMALL_WORDS and not word.isdigit()]


def _strength(line: SourceLine, before_reason: str, after_reason: str) -> int:
    """How strongly a line reads as the briefing's own title: 3 a document's own title; 2 names a briefing or a
    review, or has a date line next to it; 1 title-shaped; 0 not a title."""
    text = plain_line(line.text)
    if line.style == "title":
        return 3
    if not title_shaped(text) or BULLET.match(text) or (NUMBERED.match(text) and line.style is None):
        return 0
    if is_masthead(text) and not BRIEFING_WORDS.search(text) and not review_type_of(text):
        return 0  # a masthead: the publisher, not the briefing
    if _generic(text):
        return 1
    if len(text.split()) <= 16 and (BRIEFING_WORDS.search(text) or review_type_of(text)):
        return 2
    if "date line" in (before_reason, after_reason):
        return 2
    if re.search(r"\b(?:published|updated)\b", text, re.IGNORECASE) and iso_date(text):
        return 2
    return 1


def _title_index(lines: list[SourceLine], aside: dict[int, str]) -> int | None:
    """The briefing's title among the lines before its first section heading.

    Most briefings start with their title. A page copied whole starts with its furniture, a banner or the
    page's own heading ("7 Minute Briefings") and perhaps an introduction, then the briefing's headline: a line
    naming a briefing or a review, or with a date line next to it. The title is the first such line before the
    text begins; failing that, such a line within the first lines after a generic page heading (a listing page);
    failing that, the first title-shaped line. A text that begins with a sentence has no title line.
    """
    candidates: list[tuple[int, int, bool]] = []  # (index, strength, after text)
    text_seen = False
    kept = [index for index in range(min(len(lines), 25)) if index not in aside]
    for index, line in enumerate(lines[:25]):
        if index in aside:
            continue
        if (
            not candidates
            and not text_seen
            and line.style is None
            and _names_a_person(line.text)
            and _next_is_title_shaped(lines, kept, index)
        ):
            # "Tom's story" over "Learning from a safeguarding adults review": a person's story is the title.
            candidates.append((index, 1, False))
            continue
        if not candidates and not text_seen and line.style is None and _labels_the_next(lines, kept, index):
            continue  # "Lessons learned" over "Safeguarding Adult Review: Mr B": a generic label, set aside
        if _is_heading_line(line) and line.style != "title":
            # A section heading ends the search; a document's first heading that names no section may be the
            # title ("Briefing for individuals and their families" styled as Heading 1).
            if candidates or line.style != "heading" or kind_of_heading(line.text) is not None:
                break
        before = aside.get(index - 1, "")
        strength = _strength(line, before, aside.get(index + 1, ""))
        if strength and line.style == "heading" and not candidates and not text_seen:
            strength = max(strength, 2)  # a document's first heading, above everything else, names it
        if strength:
            candidates.append((index, strength, text_seen))
            if strength == 3:
                break
        elif not has_link(line.text) and (len(line.text.split()) > 12 or line.text.endswith((".", "!", "?"))):
            text_seen = True
            if candidates and candidates[0][1] >= 2:
                break  # the briefing's text has begun under its title
        if len(candidates) >= 8:
            break
    if not candidates or all(strength < 2 for _, strength, _ in candidates):
        tiled = _tiled_title(lines, aside)
        if tiled is not None:
            return -1 - tiled  # negative: a tile among the others, with nothing before it to set aside
    if not candidates:
        return None
    first_index, first_strength, text_first = candidates[0]
    before_text = [candidate for candidate in candidates if not candidate[2]]
    if (
        len(before_text) >= 2
        and before_text[1][0] == _next_kept(kept, first_index)
        and generic_title(plain_line(lines[first_index].text))
        and not generic_title(plain_line(lines[before_text[1][0]].text))
        and not _names_a_part(plain_line(lines[before_text[1][0]].text))
        and not _lists_reviews(lines, aside)
    ):
        # "Learning briefing" right above "Child Q": the generic line is a label, the next names the briefing.
        return before_text[1][0]
    if (
        len(before_text) >= 2
        and _dense(lines)
        and before_text[1][0] == _next_kept(kept, first_index)
        and not _generic(plain_line(lines[first_index].text))
    ):
        # Copied text with no blank lines: the first title-shaped line is the title and the line right under it
        # a subtitle ("A local child safeguarding practice review"), whatever either names.
        return first_index
    if before_text:
        best = max(before_text, key=lambda candidate: (candidate[1], -candidate[0]))
        if best[1] >= 2:
            return best[0]
    strong = [candidate for candidate in candidates if candidate[1] >= 2]
    page_heading = before_text and _generic(plain_line(lines[first_index].text))
    # A headline has its story under it (a paragraph), not another short line (a list of links).
    strong = [candidate for candidate in strong if _paragraph_follows(lines, aside, candidate[0])]
    if page_heading and _lists_reviews(lines, aside):
        return first_index  # a page listing several reviews, each with its summary: the page's heading is its title
    if strong and (page_heading or strong[0][0] <= 3):
        # A listing page (its own heading, an introduction, then the briefing's headline), or a site's banner
        # sentence above the headline.
        return strong[0][0]
    if text_first:
        return None  # the text starts with its own words (a sentence), not a title
    return first_index


def _labels_the_next(lines: list[SourceLine], kept: list[int], index: int) -> bool:
    """A generic label ("Lessons learned", "Learning briefing", "7 minute briefing": a phrase-table heading or
    only words for briefings and reviews) right above a line that names the review or the briefing itself."""
    text = plain_line(lines[index].text)
    short = 0 < len(text.split()) <= 8 and not text.endswith((".", "?", "!", ":")) and not has_link(text)
    if not short or not (kind_of_heading(text) is not None or generic_title(text)):
        return False
    following = _next_kept(kept, index)
    if following is None or lines[following].style is not None or _is_heading_line(lines[following]):
        return False
    name = plain_line(lines[following].text)
    if not title_shaped(name) or BULLET.match(name) or NUMBERED.match(name) or generic_title(name):
        return False
    return bool(BRIEFING_WORDS.search(name) or review_type_of(name) or names_a_case(name))


def _names_a_part(text: str) -> bool:
    """A line naming a part of a document ("Scope of this chapter", "Introduction", "Related guidance"): the first
    heading of the page's text, never a better title than the page's own heading above it."""
    found = heading_kind(text)
    return found is not None and (found[0] in ("about", "background", "resources", "reflection") or "phrase" in found[1])


def _masthead_under(lines: list[SourceLine], aside: dict[int, str], title_index: int) -> int | None:
    kept = [index for index in range(min(len(lines), title_index + 4)) if index not in aside]
    following = _next_kept(kept, title_index)
    if following is None or lines[following].style is not None:
        return None
    text = plain_line(lines[following].text)
    if not title_shaped(text) or not is_masthead(text) or BRIEFING_WORDS.search(text) or review_type_of(text):
        return None
    return following if kind_of_heading(text) is None else None


def _subtitle_index(lines: list[SourceLine], aside: dict[int, str], title_index: int) -> int | None:
    """The line right under the title that qualifies it, kept with the title rather than made a heading: in text
    with no blank lines any title-shaped line before the text; otherwise one that names a briefing or review."""
    kept = [index for index in range(len(lines)) if index not in aside]
    following = _next_kept(kept, title_index)
    after = _next_kept(kept, following) if following is not None else None
    if following is None or after is None or lines[following].style is not None:
        return None
    text = plain_line(lines[following].text)
    if not title_shaped(text) or _is_heading_line(lines[following]) or BULLET.match(text) or NUMBERED.match(text):
        return None
    story = lines[after].text
    if lines[after].style is not None or not (len(story.split()) > 12 or story.endswith((".", "!", "?"))):
        return None  # the text does not start under it: it may be a heading over a list
    names = bool(BRIEFING_WORDS.search(text) or review_type_of(text))
    # In text with no blank lines, a line whose words name a section ("About Safeguarding Adult Reviews") heads one.
    return following if names or (_dense(lines) and heading_kind(text) is None) else None


def _lists_reviews(lines: list[SourceLine], aside: dict[int, str]) -> bool:
    """Whether a page lists several reviews or briefings (three or more headlines naming a case, a review or a
    briefing, each with a paragraph under it), rather than telling one story."""
    headlines = 0
    for index, line in enumerate(lines[:400]):
        text = plain_line(line.text)
        if index in aside or not title_shaped(text) or BULLET.match(text):
            continue
        if (names_a_case(text) or BRIEFING_WORDS.search(text) or review_type_of(text)) and _paragraph_follows(
            lines, aside, index
        ):
            headlines += 1
    return headlines >= 3


_CASE_NAME = re.compile(
    r"\b(?:(?i:child(?:ren)?|adults?|baby|babies|siblings?|young person|person|mr|mrs|ms|miss|family|case)\s+[A-Z0-9]"
    r"(?:\d|\b))|^[A-Z][a-z]+(?:'s|’s) (?:story|review)\b"
)


def names_a_case(text: str) -> bool:
    """Whether a line names a reviewed case: "Adult A", "Child D", "Siblings E and F", "Mr B", "Tom's story"."""
    return bool(_CASE_NAME.search(text))


def _dense(lines: list[SourceLine]) -> bool:
    """Text copied from a web page with no blank lines between its lines."""
    return len(lines) > 3 and not any(line.blank_before for line in lines[1:])


def _next_kept(kept: list[int], index: int) -> int | None:
    return next((i for i in kept if i > index), None)


def _names_a_person(text: str) -> bool:
    """A heading that names a person's story ("Tom's story", "Child A's journey"): the phrase table's <name>."""
    found = phrase_of_heading(text)
    return found is not None and "<name>" in found[1]


def _next_is_title_shaped(lines: list[SourceLine], kept: list[int], index: int) -> bool:
    following = _next_kept(kept, index)
    return following is not None and title_shaped(plain_line(lines[following].text)) and not _is_heading_line(
        lines[following]
    )


def _paragraph_follows(lines: list[SourceLine], aside: dict[int, str], index: int) -> bool:
    following = next((i for i in range(index + 1, len(lines)) if i not in aside), None)
    return following is not None and len(lines[following].text.split()) > 12


def _tiled_title(lines: list[SourceLine], aside: dict[int, str]) -> int | None:
    """On a tiled page (segments marked by bare numbers) the title is one tile among the others, wherever the
    PDF's reading order put it: the line naming a briefing."""
    if not segment_numbers(lines):
        return None
    for index, line in enumerate(lines[:80]):
        if index not in aside and BRIEFING_WORDS.search(line.text) and title_shaped(plain_line(line.text)):
            return index
    return None


def _next_item(lines: list[SourceLine], aside: dict[int, str], start: int) -> list[int]:
    """Lines of an unrelated next item (the next story on a listing page) after the briefing: from a headline
    that has a date line under it, or that names another briefing, once the briefing has had some content."""
    content = 0
    for index in range(start + 1, len(lines)):
        if index in aside:
            continue
        line = lines[index]
        if line.style in ("heading", "title"):
            continue
        if len(line.text.split()) > 8:
            content += 1
        if content < 3:
            continue
        following = [i for i in range(index + 1, min(len(lines), index + 3))]
        dated = any(aside.get(i) == "date line" for i in following)
        if dated and title_shaped(plain_line(line.text)) and line.style != "heading" and not _is_heading_line(line):
            return list(range(index, len(lines)))
    # A listing page dates each item above its headline: a date line, then a headline, after the briefing's text.
    content = 0
    for index in range(start + 1, len(lines) - 1):
        if len(lines[index].text.split()) > 8 and index not in aside:
            content += 1
        if content >= 2 and aside.get(index) == "date line" and title_shaped(plain_line(lines[index + 1].text)):
            return list(range(index, len(lines)))
    return []

