"""What the importer tells the person importing: the sections it found and how, what it set aside, what to check.

Everything here is plain data that survives a round trip through JSON (``to_dict``/``from_dict``), so a draft
made from an upload can keep its report next to it and the editor page can show it later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Briefing


class ImportFailed(Exception):
    """The source cannot be imported. The message says what is wrong and what to do, for the person importing."""


@dataclass
class SetAside:
    """A line the importer did not put in the briefing (page furniture, a date line, the next news item).

    Nothing is silently lost: each one is listed so a person can put it back."""

    text: str
    reason: str  # "navigation", "cookie banner", "masthead", "date line", "download link", "next item", ...
    line: int  # 1-based line in ImportReport.source_lines
    section: int | None = None  # the section it sat in or next to; None: before the first section

    def to_dict(self) -> dict:
        return {"text": self.text, "reason": self.reason, "line": self.line, "section": self.section}

    @classmethod
    def from_dict(cls, data: dict) -> SetAside:
        return cls(text=data["text"], reason=data["reason"], line=int(data["line"]), section=data.get("section"))


@dataclass
class Check:
    """A point a person should check, next to the place it concerns."""

    message: str
    section: int | None = None  # index into briefing.sections; None: the briefing as a whole
    field: str = ""  # "title" | "publisher" | "date" | "kind" | "heading" | "text" | "themes" | "review_type" | ""

    def to_dict(self) -> dict:
        return {"message": self.message, "section": self.section, "field": self.field}

    @classmethod
    def from_dict(cls, data: dict) -> Check:
        return cls(message=data["message"], section=data.get("section"), field=data.get("field", ""))


@dataclass
class ImportReport:
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, heading, how it was recognised)
    unclassified_headings: list[str] = field(default_factory=list)  # headings that became kind "other"
    checks: list[str] = field(default_factory=list)  # what a person should check (every Check's message too)
    located_checks: list[Check] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    source_lines: list[str] = field(default_factory=list)  # the source's text as read, one entry per line

    def check(self, message: str, *, section: int | None = None, field: str = "") -> None:
        """Record a point to check, both in the plain list the CLI prints and next to the place it concerns."""
        self.checks.append(message)
        self.located_checks.append(Check(message, section=section, field=field))

    def to_dict(self) -> dict:
        return {
            "sections": [{"kind": kind, "heading": heading, "how": how} for kind, heading, how in self.sections],
            "unclassified_headings": list(self.unclassified_headings),
            "checks": list(self.checks),
            "located_checks": [check.to_dict() for check in self.located_checks],
            "set_aside": [entry.to_dict() for entry in self.set_aside],
            "source_lines": list(self.source_lines),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(
            sections=[(entry["kind"], entry["heading"], entry.get("how", "")) for entry in data.get("sections", [])],
            unclassified_headings=list(data.get("unclassified_headings", [])),
            checks=list(data.get("checks", [])),
            located_checks=[Check.from_dict(entry) for entry in data.get("located_checks", [])],
            set_aside=[SetAside.from_dict(entry) for entry in data.get("set_aside", [])],
            source_lines=list(data.get("source_lines", [])),
        )


@dataclass
class ImportResult:
    briefing: Briefing
    report: ImportReport


# Section "how" values in the report.
HOW_PHRASE = "phrase table"
HOW_NUMBERED = "numbered segment"
HOW_STYLE = "document heading style"
HOW_TITLE_STYLE = "document title style"
HOW_FIRST_LINE = "first line"
HOW_TITLE_LINE = "title line"  # chosen among the lines before the text (past a page's furniture)
HOW_OUTLINE = "pdf outline"
HOW_MARKDOWN = "markdown heading"
HOW_HTML = "web page heading"
HOW_UNRECOGNISED = "unrecognised"
HOW_PREAMBLE = "text before the first heading"
HOW_NO_HEADINGS = "no headings"
HOW_STATEMENT = "statement wording"  # a heading that states a finding
HOW_LABEL = "label line"  # "Action points for DSLs:" over its list
