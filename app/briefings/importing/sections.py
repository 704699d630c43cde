"""Tokens into sections: each heading starts a section of the kind it names; content goes under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..markup import links_in
from ..model import Block, Item, Section
from .blocks import Token, has_link, plain_line
from .meaning import (
    _NAMES_A_LAW,
    case_only_kinds,
    kind_by_content,
    names_the_subject,
    opening_kind,
    what_a_thing_is,
)
from .report import HOW_NO_HEADINGS, HOW_NUMBERED, HOW_PREAMBLE, HOW_STATEMENT, ImportReport

# --- sections --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    section: Section
    how: str
    heading_source: str = ""
    has_content: bool = False
    gathering: bool = False  # an empty heading taking the headings after it as its sub-headings
    gathered: list[str] = field(default_factory=list)
    line: int | None = None  # the source line it starts at
    segment: bool = False  # started by a bare number ("3") on its own line
    contents: list[Token] = field(default_factory=list)

    def takes_as_subheading(self, token: Token) -> bool:
        if not self.section.heading or token.number is not None:
            return False
        if self.has_content and not self.gathering:
            return False
        # "Background" then at once "What happened?": one section, the question its sub-heading.
        return token.kind in (self.section.kind, "other") or token.text.rstrip().endswith("?")


@dataclass
class Built:
    """Sections in the order the text gives them, with how each kind was found and where each one starts."""

    sections: list[Section]
    hows: dict[int, str]  # id(section) -> how its kind was found
    lines: dict[int, int | None]  # id(section) -> the source line it starts at


def build_sections(tokens: list[Token], report: ImportReport) -> Built:
    drafts: list[_Draft] = []
    for token in tokens:
        current = drafts[-1] if drafts else None
        if token.role == "segment":
            section = Section(kind="other", heading="", number=token.number)
            drafts.append(_Draft(section, HOW_NUMBERED, heading_source=token.source, line=token.line, segment=True))
            continue
        if token.role == "heading":
            if current is not None and current.segment and not current.has_content and not current.section.heading:
                # "3" on its own line, then a heading: the heading is segment 3's.
                current.section.heading, current.section.kind = token.text, token.kind
                current.how = f"{HOW_NUMBERED}, {token.how}"
                current.gathered.append(token.text)
                continue
            if current is not None and current.takes_as_subheading(token):
                current.section.blocks.append(Block("subheading", text=token.text, links=links_in(token.text)))
                current.gathering = True
                current.gathered.append(token.text)
                continue
            section = Section(kind=token.kind, heading=token.text, number=token.number)
            drafts.append(_Draft(section, token.how, heading_source=token.source, line=token.line))
            continue
        if (
            token.label is not None
            and current is not None
            and current.has_content
            and token.label[1] not in (current.section.kind, "other")
        ):
            # "Recommendations include: ..." after the story: a new section, of the kind its label names.
            label, kind, how = token.label
            current = _Draft(Section(kind=kind, heading=""), f'label "{label}", {how}', line=token.line)
            drafts.append(current)
        if current is None:
            current = _Draft(Section(kind="about", heading=""), HOW_PREAMBLE, line=token.line)
            drafts.append(current)
        _add_content(current.section, token)
        current.contents.append(token)
        current.has_content = True

    for draft in drafts:
        if draft.gathered and draft.has_content and not draft.segment:
            shown = ", ".join(f"'{text}'" for text in draft.gathered)
            report.check(
                f"'{draft.section.heading}' had nothing under it but more headings: {shown} became its "
                "sub-headings; check they belong to it."
            )
    return _without_empty_sections(drafts, report)


def _add_content(section: Section, token: Token) -> None:
    blocks = section.blocks
    if token.role == "note" and blocks and blocks[-1].type == "list" and blocks[-1].items:
        item = blocks[-1].items[-1]
        item.notes.append(token.text)
        item.note_links.append(links_in(token.text))
    elif token.role in ("item", "note"):
        item = Item(text=token.text, number=token.number, links=links_in(token.text))
        if blocks and blocks[-1].type == "list" and blocks[-1].ordered == token.ordered:
            blocks[-1].items.append(item)
        else:
            blocks.append(Block("list", items=[item], ordered=token.ordered))
    else:
        blocks.append(Block("paragraph", text=token.text, links=links_in(token.text)))


def _without_empty_sections(drafts: list[_Draft], report: ImportReport) -> Built:
    """Keep a heading with nothing under it as text, so no section is empty and no line is lost.

    It becomes a sub-heading at the end of the section before it; at the very start it becomes a paragraph of
    the opening "about" section.
    """
    _split_by_content(drafts)
    kept: list[_Draft] = []
    leading: list[str] = []
    for draft in drafts:
        if draft.has_content:
            kept.append(draft)
            continue
        texts = [draft.heading_source] + draft.gathered
        if kept:
            kept[-1].section.blocks.extend(Block("subheading", text=text, links=links_in(text)) for text in texts)
            where = f"a sub-heading at the end of '{kept[-1].section.label}'"
        else:
            leading.extend(texts)
            where = "a paragraph at the start"
        report.check(f"The heading '{draft.heading_source}' had nothing under it; it was kept as {where}.")
    if leading:
        if kept and kept[0].how == HOW_PREAMBLE:
            preamble = kept[0].section
        else:
            preamble = Section(kind="about", heading="")
            kept.insert(0, _Draft(preamble, HOW_PREAMBLE, has_content=True, line=drafts[0].line))
        preamble.blocks[:0] = [Block("paragraph", text=text, links=links_in(text)) for text in leading]
    return Built(
        sections=[draft.section for draft in kept],
        hows={id(draft.section): draft.how for draft in kept},
        lines={id(draft.section): draft.line for draft in kept},
    )


def _split_by_content(drafts: list[_Draft]) -> None:
    """Text with no headings at all (a news item of a few paragraphs) is split where its content changes."""
    if len(drafts) != 1 or drafts[0].how != HOW_PREAMBLE or len(drafts[0].contents) < 2:
        return
    draft = drafts.pop()
    groups: list[list[Token]] = []
    for token in draft.contents:
        if token.role == "paragraph" or not groups:
            groups.append([token])
        else:
            groups[-1].append(token)  # a list stays with the paragraph that leads into it
    for group in groups:
        section = Section(kind="other", heading="")
        for token in group:
            _add_content(section, token)
        drafts.append(_Draft(section, HOW_NO_HEADINGS, has_content=True, line=group[0].line, contents=group))


def in_numbered_order(sections: list[Section], report: ImportReport) -> list[Section]:
    """Put numbered segments (a clock-face briefing prints them out of order) in their numbered order.

    Sections before the first numbered segment stay first; the numbered segments follow in number order; the
    unnumbered sections that came among or after them ("How to use this briefing") go last, in their order.
    """
    numbers = [section.number for section in sections if section.number is not None]
    if len(numbers) < 2 or numbers == sorted(numbers):
        return sections
    first = next(index for index, section in enumerate(sections) if section.number is not None)
    leading = sections[:first]
    numbered = sorted((s for s in sections[first:] if s.number is not None), key=lambda s: s.number)
    trailing = [s for s in sections[first:] if s.number is None]
    arrived = ", ".join(str(number) for number in numbers)
    in_order = ", ".join(str(section.number) for section in numbered)
    message = (
        f"The numbered segments came in the order {arrived} (a clock-face layout reads out of order); they are "
        f"now in numbered order {in_order}."
    )
    if trailing:
        moved = ", ".join(f"'{section.label}'" for section in trailing)
        message += f" The unnumbered {moved} now come{'s' if len(trailing) == 1 else ''} after them."
    report.check(message)
    return leading + numbered + trailing



def missing_reflection_check(sections: list[Section]) -> tuple[str, int | None]:
    """What to say when no section holds questions for the team (they may sit in another section), and where."""
    for index, section in enumerate(sections):
        questions = [text for text in section.texts()[1 if section.heading else 0 :] if text.endswith("?")]
        if questions:
            return (
                f"No 'reflection' section was found, but '{section.label}' holds questions (such as "
                f"'{questions[0]}'): if they are for the team to discuss, give them a section of kind 'reflection'.",
                index,
            )
    return (
        "No questions for the team were found (no 'reflection' section): consider adding the partnership's "
        "standard questions.",
        None,
    )



# A question asking what a thing is, when or where it happens or who takes part ("What is a DHR?", "When is a
# review held?", "Who is involved?"), not what was learnt or what to do ("What can we learn?", "What should I do?").
_ASKS_ABOUT_THE_SUBJECT = re.compile(
    r"^(?:what|when|where|who|how|why)\s+(?:is|are|was|were|does|do)\b(?!\s+(?:we|i|you)\b)(?!.*\b(?:should|must|can)\b)",
    re.IGNORECASE,
)


def kinds_from_content(built: Built, *, thematic: bool, title: str = "") -> list[tuple[int, str]]:
    """Give a kind from their content to the sections whose words gave none: the text before the first heading
    (about or background), sections under an unrecognised heading, bare-number segments and text with no
    headings at all.

    Returns (section index, check message) for every kind decided this way: each is a guess for a person to
    check. Neighbouring headingless paragraphs that show the same kind (or none) become one section. A thematic
    briefing never gets a learning or action kind this way (kind_by_content leaves them out)."""
    sections: list[Section] = []
    hows: dict[int, str] = {}
    lines: dict[int, int | None] = {}
    decided: list[tuple[Section, str]] = []
    for section in built.sections:
        how = built.hows.get(id(section), "")
        if (
            section.heading
            and "phrase table" not in how
            and (
                (_NAMES_A_LAW.search(section.heading) and section.kind in case_only_kinds() | {"resources", "other"})
                or (thematic and section.kind in ("concerns", "other"))
            )
            and (cue := what_a_thing_is(section.heading, section.texts()[1:]))
        ):
            # "Domestic Abuse Act 2021" over what the Act does, "Cuckooing" over what it is: background, however
            # much the words sound like abuse or risk.
            section.kind = "background"
            how = f'{how}, says what it is: "{cue}"'
            decided.append((section, cue))
        if thematic and HOW_STATEMENT in how and section.kind in case_only_kinds():
            # "Cuckooing can happen to anyone" on a page about a subject states a fact, not a review's finding.
            found = kind_by_content(section.texts()[1:], thematic=True) or ("background", "a statement of fact")
            section.kind = found[0]
            how = f'{how}, content cue "{found[1]}"'
            decided.append((section, found[1]))
        if (
            thematic
            and section.kind in case_only_kinds() - {"concerns"}  # who is at risk, signs: a subject has those
            and "phrase table" not in how
            and _ASKS_ABOUT_THE_SUBJECT.match(section.heading)
        ):
            # "What is our approach to learning and improving?" on a page about a subject asks what a thing is:
            # its answer explains the subject; a case's learning or actions are not invented from its words.
            section.kind = "background"
            how = f"{how}, a question about the subject"
            decided.append((section, "a question about the subject"))
        if how == HOW_PREAMBLE and not sections and (
            found := opening_kind(section.texts(), subject=title if thematic else "")
        ) is not None:
            if found[0] != section.kind:
                section.kind = found[0]
                how = f"{how}, content cue \"{found[1]}\""
                decided.append((section, found[1]))
        found = (
            kind_by_content(section.texts()[1:], thematic=thematic)
            if section.heading and section.kind == "other"
            else None
        )
        if found is not None:
            section.kind = found[0]
            how = f"{how}, content cue \"{found[1]}\""
            decided.append((section, found[1]))
        elif thematic and section.kind == "other" and section.heading.endswith("?") and re.match(
            r"^(?:what|when|where|who|how|why|which)\b", section.heading, re.IGNORECASE
        ):
            # "Who carries out the review?" on a page about a subject: its answer explains the subject.
            section.kind = "background"
            how = f"{how}, a question about the subject"
            decided.append((section, "a question about the subject"))
        headingless = not section.heading and (how == HOW_NO_HEADINGS or how.startswith(HOW_NUMBERED))
        if not headingless or section.kind != "other":
            sections.append(section)
            hows[id(section)], lines[id(section)] = how, built.lines.get(id(section))
            continue
        found = kind_by_content(section.texts(), thematic=thematic)
        previous = sections[-1] if sections else None
        if (
            how == HOW_NO_HEADINGS
            and previous is not None
            and hows.get(id(previous), "").startswith(HOW_NO_HEADINGS)
            and (found is None or found[0] == previous.kind)
        ):
            previous.blocks.extend(section.blocks)  # the same subject goes on
            continue
        if found is None and how == HOW_NO_HEADINGS and not sections:
            # A news item about a case opens with who and what happened; a page on a subject with a note on it.
            found = ("about", "the opening paragraph") if thematic else ("background", "the opening paragraph")
            if thematic and title and names_the_subject(section.texts()[0], title):
                found = ("background", "names the subject")  # "X (the page's subject) is / allows ..."
        if found is not None:
            section.kind = found[0]
            how = f"{how}, content cue \"{found[1]}\""
            decided.append((section, found[1]))
        sections.append(section)
        hows[id(section)], lines[id(section)] = how, built.lines.get(id(section))
    built.sections, built.hows, built.lines = sections, hows, lines
    index_of = {id(section): index for index, section in enumerate(sections)}
    return [
        (
            index_of[id(section)],
            f"'{section.label}' has no heading of its own; its kind '{section.kind}' was guessed from its words "
            f"(\"{cue}\"): check it.",
        )
        for section, cue in decided
    ]


# A line that only points to a document: a link, a file ("Child R full report (PDF, 224 KB)"), "Read the full report".
_FILE_MARK = re.compile(
    r"\((?:pdf|docx?|word|xlsx?|pptx?|odt)\b[^)]*\)|\b\d+(?:\.\d+)?\s?[km]b\b|\.(?:pdf|docx?)\b"
    r"|^(?:read|view|see|download|open)\b.{0,40}\b(?:report|review|briefing|summary|document|guidance|here|more)\b"
    r"|^(?:the )?full (?:report|review)\b|^read more\b",
    re.IGNORECASE,
)


# A document's name with its year, as a page lists its reports: "DHR Overview April 2019", "Annual Report 2021".
_NAME_WITH_YEAR = re.compile(r"^[A-Z0-9][^.!?:;]{2,80}\b(?:19|20)\d{2}\)?$")


def _points_to_a_document(text: str) -> bool:
    plain = plain_line(text)
    if not plain or len(plain.split()) > 16 or (plain.endswith(".") and not _FILE_MARK.search(plain)):
        return False
    if len(plain.split()) <= 10 and _NAME_WITH_YEAR.match(plain):
        return True
    return _FILE_MARK.search(plain) is not None or (has_link(text) and len(plain.split()) <= 12)


def _block_texts(block) -> list[str]:
    return [item.text for item in block.items] if block.type == "list" else [block.text]


def _first_text(section: Section) -> str:
    return _block_texts(section.blocks[0])[0] if section.blocks else ""


def _trailing_paragraphs_of_documents(built: Built) -> list[Section]:
    tail: list[Section] = []
    for section in reversed(built.sections):
        if (
            section.heading
            or not section.blocks
            or built.hows.get(id(section)) != HOW_NO_HEADINGS
            or any(block.type not in ("paragraph", "list") for block in section.blocks)
            or not all(_points_to_a_document(text) for block in section.blocks for text in _block_texts(block))
        ):
            break
        tail.insert(0, section)
    return tail if len(tail) < len(built.sections) else []


def trailing_links(built: Built) -> tuple[Section, str] | None:
    """Lines at the very end that only point to documents (their names, "(PDF, 224 KB)", "Read the full report")
    become a resources section of their own instead of closing the section before them. Returns the new section
    and the check to show next to it."""
    if not built.sections or built.sections[-1].kind == "resources":
        return None
    if tail := _trailing_paragraphs_of_documents(built):
        # Text without headings, split paragraph by paragraph: its last paragraphs name documents.
        first = tail[0]
        for extra in tail[1:]:
            first.blocks.extend(extra.blocks)
            built.sections.remove(extra)
        first.kind = "resources"
        built.hows[id(first)] = "trailing links"
        return first, (
            f"The lines at the end from '{_first_text(first)}' only point to documents: they were made a "
            f"'resources' section of their own."
        )
    last = built.sections[-1]
    start = len(last.blocks)
    for index in range(len(last.blocks) - 1, -1, -1):
        block = last.blocks[index]
        texts = [item.text for item in block.items] if block.type == "list" else [block.text]
        if not texts or not all(_points_to_a_document(text) for text in texts):
            break
        start = index
    kept = [block for block in last.blocks[:start] if block.type != "subheading"]
    if not kept and start < len(last.blocks) and last.heading and _points_to_a_document(last.heading):
        # "Download the executive summary" read as a heading over "View the full review here".
        last.kind = "resources"
        built.hows[id(last)] = "trailing links"
        return last, f"'{last.label}' and the lines under it only point to documents: it is a 'resources' section."
    if start == len(last.blocks) or not kept or all(block.type == "subheading" for block in last.blocks[start:]):
        return None  # a kept empty heading alone is no section of its own (no section is ever empty)
    moved = last.blocks[start:]
    del last.blocks[start:]
    section = Section(kind="resources", heading="", blocks=moved)
    built.sections.append(section)
    built.hows[id(section)] = "trailing links"
    built.lines[id(section)] = None
    first = moved[0].items[0].text if moved[0].type == "list" else moved[0].text
    return section, (
        f"The lines at the end from '{first}' only point to documents: they were made a 'resources' section "
        f"of their own rather than part of '{last.label}'."
    )
