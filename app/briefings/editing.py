"""Editing a briefing in the browser: the edit page's fields to and from a Briefing, and what its buttons do
(put back a line the importer set aside, add a reflection question, move or remove a section).

Plain Python, no Flask: the web layer hands over the submitted fields as a mapping. A section's content is
edited as the Markdown of the briefing file format (docs/briefing-format.md), written and read back by
``files.dump`` and ``files.parse_text``, so what the page accepts is exactly what a briefing file accepts.

The import report's set-aside lines, located checks and section notes point at sections by index; moving or
removing a section renumbers them here, so they stay next to the section they concern.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import formatting
from .files import BriefingFileError, Problem, dump, parse_text
from .markup import links_in
from .model import SECTION_KINDS, Block, Briefing, Item, Section

# Front matter fields an editor types, in the order the page shows them (the id is the briefing's address and
# never changes: sessions and exports name it).
TEXT_FIELDS = ("title", "publisher", "date", "review_type", "themes", "source")
MAX_FIELD_CHARACTERS = 500
MAX_BODY_CHARACTERS = 100_000  # a whole briefing is at most this long when imported (ImportLimits)
MAX_SECTIONS = 300

# Kinds whose sections usually close a briefing: a new reflection section goes before the first of them.
_CLOSING_KINDS = ("what_to_do", "resources", "about")
_HEADING_LINE = re.compile(r"^ {0,3}#{1,2}(?:\s|$)")


# --- a section's content as Markdown ---------------------------------------------------------------------


def section_markdown(section: Section) -> str:
    """The section's blocks as the briefing file format writes them (without the section's own heading)."""
    text = dump(Briefing(id="x", title="x", sections=[Section(section.kind, "", list(section.blocks))]))
    body = text.split("\n---\n", 1)[1]
    return body.split("\n", 2)[2].strip("\n") if body.startswith("\n## ") else body.strip("\n")


def section_blocks(text: str) -> tuple[list[Block], list[str]]:
    """Blocks read from a section's Markdown, and what is wrong with it (each message names its line)."""
    text = _newlines(text).strip("\n")
    if not text.strip():
        return [], ["The section has no text: write its text, or remove the section."]
    problems = [
        f"Line {number}: a line starting with # or ## would be a heading of its own; use ### for a sub-heading "
        "inside this section, or write \\# to keep the # as text."
        for number, line in enumerate(text.split("\n"), start=1)
        if _HEADING_LINE.match(line)
    ]
    if problems:
        return [], problems
    header = "---\nid: x\ntitle: x\n---\n## Section {kind=other}\n\n"
    offset = header.count("\n")
    try:
        briefing = parse_text(header + text + "\n", "section")
    except BriefingFileError as error:
        return [], [f"Line {max(problem.line - offset, 1)}: {_sentence(problem.message)}" for problem in error.problems]
    return briefing.sections[0].blocks, []


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


# --- the edit form ---------------------------------------------------------------------------------------


@dataclass
class SectionFields:
    kind: str
    heading: str
    number: str
    body: str


@dataclass
class EditForm:
    """What the edit page shows in its fields: from a stored briefing, or as a person typed it."""

    title: str = ""
    publisher: str = ""
    date: str = ""
    review_type: str = ""
    themes: str = ""
    source: str = ""
    review_by: str = ""
    new_question: str = ""
    base_version: int | None = None
    sections: list[SectionFields] = field(default_factory=list)
    # Field name ("title", "review_by", "section-2-body", ...) -> what is wrong with it.
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, briefing: Briefing, *, review_by: dt.date | None = None, version: int | None = None) -> EditForm:
        return cls(
            title=briefing.title,
            publisher=briefing.publisher,
            date=briefing.date,
            review_type=briefing.review_type,
            themes=", ".join(briefing.themes),
            source=briefing.source,
            review_by=review_by.isoformat() if review_by else "",
            base_version=version,
            sections=[
                SectionFields(
                    kind=section.kind,
                    heading=section.heading,
                    number="" if section.number is None else str(section.number),
                    body=section_markdown(section),
                )
                for section in briefing.sections
            ],
        )

    @classmethod
    def read(cls, fields: Mapping[str, str]) -> EditForm:
        """The form as submitted, every field kept as typed; `errors` says what cannot be saved."""
        form = cls(**{name: _one_line(fields.get(name, "")) for name in TEXT_FIELDS})
        form.review_by = fields.get("review_by", "").strip()
        form.new_question = _one_line(fields.get("new_question", ""))
        form.base_version = _whole_number(fields.get("base_version", ""))
        count = min(_whole_number(fields.get("section_count", "")) or 0, MAX_SECTIONS)
        for index in range(count):
            prefix = f"section-{index}-"
            form.sections.append(
                SectionFields(
                    kind=fields.get(prefix + "kind", "other"),
                    heading=_one_line(fields.get(prefix + "heading", "")),
                    number=fields.get(prefix + "number", "").strip(),
                    body=_newlines(fields.get(prefix + "body", "")),
                )
            )
        form._check()
        return form

    def _check(self) -> None:
        errors = self.errors
        if not self.title:
            errors["title"] = "Write the briefing's title."
        for name in TEXT_FIELDS:
            if len(getattr(self, name)) > MAX_FIELD_CHARACTERS and name not in errors:
                errors[name] = f"Make this shorter: at most {MAX_FIELD_CHARACTERS} characters."
        if self.date and formatting.iso_parts(self.date) is None:
            errors["date"] = "Write the date as a year, a year and month, or a day: 2024, 2024-03 or 2024-03-14."
        if self.review_by and _date_or_none(self.review_by) is None:
            errors["review_by"] = "Write the review-by date as a day, like 2027-03-31, or leave it empty."
        if len(self.new_question) > MAX_FIELD_CHARACTERS:
            errors["new_question"] = f"Make the question shorter: at most {MAX_FIELD_CHARACTERS} characters."
        if not self.sections:
            errors["sections"] = "A briefing needs at least one section."
        for index, section in enumerate(self.sections):
            prefix = f"section-{index}-"
            if section.kind not in SECTION_KINDS:
                errors[prefix + "kind"] = "Choose one of the kinds in the list."
            if section.number and _whole_number(section.number) is None:
                errors[prefix + "number"] = "Write the number in digits, like 3, or leave it empty."
            if len(section.body) > MAX_BODY_CHARACTERS:
                errors[prefix + "body"] = f"Make the text shorter: at most {MAX_BODY_CHARACTERS:,} characters."
                continue
            _, problems = section_blocks(section.body)
            if problems:
                errors[prefix + "body"] = " ".join(problems)

    def briefing(self, briefing_id: str, *, path: str = "") -> Briefing:
        """The briefing the fields describe (call only when `errors` is empty)."""
        themes = [theme.strip() for theme in self.themes.split(",") if theme.strip()]
        sections = []
        for fields in self.sections:
            blocks, _ = section_blocks(fields.body)
            number = _whole_number(fields.number) if fields.number else None
            sections.append(Section(kind=fields.kind, heading=fields.heading, blocks=blocks, number=number))
        return Briefing(
            id=briefing_id,
            title=self.title,
            publisher=self.publisher,
            review_type=self.review_type,
            themes=list(dict.fromkeys(themes)),
            source=self.source,
            date=self.date,
            sections=sections,
            path=path,
        )

    def review_by_date(self) -> dt.date | None:
        return _date_or_none(self.review_by)


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def _whole_number(value: str) -> int | None:
    value = str(value).strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


# --- what the buttons do -----------------------------------------------------------------------------------


def put_back(briefing: Briefing, report, number: int) -> str:
    """Put set-aside line `number` (its position in report.set_aside) back as a paragraph: at the end of the
    section it came from, or at the start of the first section when it came before any. The line leaves the
    set-aside list. Returns what happened, for the person."""
    line = report.set_aside.pop(number)
    paragraph = Block("paragraph", text=line.text, links=links_in(line.text))
    if not briefing.sections:
        briefing.sections.append(Section(kind="other", heading="", blocks=[paragraph]))
        return "The line is back, in a new section."
    if line.section is None or not 0 <= line.section < len(briefing.sections):
        briefing.sections[0].blocks.insert(0, paragraph)
        return f"The line is back, at the start of section 1 ({briefing.sections[0].label})."
    section = briefing.sections[line.section]
    section.blocks.append(paragraph)
    return f"The line is back, at the end of section {line.section + 1} ({section.label})."


def add_question(briefing: Briefing, report, question: str) -> int:
    """Add a reflection question: an item of the last reflection section's last list (a new list, or a new
    "Questions to consider" section before the closing sections, when there is none). Returns its section."""
    item = Item(text=question, links=links_in(question))
    reflection = [index for index, section in enumerate(briefing.sections) if section.kind == "reflection"]
    if reflection:
        index = reflection[-1]
        blocks = briefing.sections[index].blocks
        if blocks and blocks[-1].type == "list":
            blocks[-1].items.append(item)
        else:
            blocks.append(Block("list", items=[item]))
        return index
    index = next(
        (i for i, section in enumerate(briefing.sections) if section.kind in _CLOSING_KINDS), len(briefing.sections)
    )
    count = len(briefing.sections)
    briefing.sections.insert(index, Section(kind="reflection", heading="", blocks=[Block("list", items=[item])]))
    _renumber(report, {old: old + 1 for old in range(index, count)})
    if report is not None and index <= len(report.sections):
        report.sections.insert(index, ("reflection", "", "an editor adding a question"))
    return index


def move_section(briefing: Briefing, report, index: int, offset: int) -> int:
    """Swap section `index` with its neighbour (offset -1: up, +1: down); returns where it is now."""
    target = index + offset
    if not (0 <= index < len(briefing.sections) and 0 <= target < len(briefing.sections)):
        return index
    sections = briefing.sections
    sections[index], sections[target] = sections[target], sections[index]
    _renumber(report, {index: target, target: index})
    return target


def remove_section(briefing: Briefing, report, index: int) -> Section | None:
    if not 0 <= index < len(briefing.sections):
        return None
    removed = briefing.sections.pop(index)
    mapping = {i: (None if i == index else i - 1 if i > index else i) for i in range(len(briefing.sections) + 1)}
    _renumber(report, mapping, removed=index)
    return removed


def _renumber(report, mapping: dict[int, int | None], removed: int | None = None) -> None:
    """Keep the report's section indexes pointing at the same sections after a move or a removal.
    `mapping` gives old index -> new index (None: removed); indexes it leaves out stay where they were."""
    if report is None:
        return

    def moved(index: int | None) -> int | None:
        return index if index is None else mapping.get(index, index)

    for line in report.set_aside:
        # A line from a removed section would go back into the section before it (or the first), not nowhere.
        new = moved(line.section)
        line.section = new if new is not None or line.section is None else max(line.section - 1, 0)
    report.located_checks = [check for check in report.located_checks if removed is None or check.section != removed]
    for check in report.located_checks:
        check.section = moved(check.section)
    placed = {moved(index): note for index, note in enumerate(report.sections)}
    report.sections = [placed[index] for index in sorted(i for i in placed if i is not None)]


def copied_report(report):
    return copy.deepcopy(report) if report is not None else None


# --- messages next to the places they concern --------------------------------------------------------------


@dataclass
class Notes:
    """Messages placed on the page: by (section index or None, field name); (None, "") is the whole briefing."""

    by_place: dict[tuple[int | None, str], list[str]] = field(default_factory=dict)

    def add(self, section: int | None, field_name: str, message: str) -> None:
        self.by_place.setdefault((section, field_name), []).append(message)

    def at(self, section: int | None, field_name: str = "") -> list[str]:
        return self.by_place.get((section, field_name), [])

    def __bool__(self) -> bool:
        return any(self.by_place.values())

    def count(self) -> int:
        return sum(len(messages) for messages in self.by_place.values())


SECTION_FIELDS = ("kind", "heading", "number", "text")
FIELD_NAMES = {"title", "publisher", "date", "review_type", "themes", "source", "review_by"}


def place_checks(checks, section_count: int) -> Notes:
    """The importer's located checks: each next to its section and field, or at the top of the page."""
    notes = Notes()
    for check in checks:
        section = check.section if check.section is not None and 0 <= check.section < section_count else None
        name = check.field if check.field in (SECTION_FIELDS if section is not None else FIELD_NAMES) else ""
        notes.add(section, name, check.message)
    return notes


def place_problems(briefing: Briefing, problems: list[Problem]) -> Notes:
    """`briefings check` problems (lines of the briefing's file, as files.dump writes it) placed on the page."""
    places = _line_places(dump(briefing))
    notes = Notes()
    for problem in problems:
        section, name = places.get(problem.line, (None, ""))
        message = problem.message
        if section is not None and name == "heading":
            # The heading line carries the section's kind and stands for the whole section ("... is empty").
            name = "kind" if "kind" in message else "text" if "empty" in message else "heading" if "heading" in message else ""
        elif section is None and not name and "title" in message:
            name = "title"
        notes.add(section, name, _sentence(message))
    return notes


def _line_places(text: str) -> dict[int, tuple[int | None, str]]:
    places: dict[int, tuple[int | None, str]] = {}
    lines = text.split("\n")
    in_front_matter, current_field, section = False, "", None
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.strip() == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            if line.strip() == "---":
                in_front_matter = False
                continue
            if match := re.match(r"^([A-Za-z_]\w*)\s*:", line):
                current_field = match.group(1)
            places[number] = (None, current_field if current_field in FIELD_NAMES else "")
            continue
        if line.startswith("## "):
            section = 0 if section is None else section + 1
            places[number] = (section, "heading")
        elif section is not None:
            places[number] = (section, "text")
    return places
